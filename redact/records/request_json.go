package records

import (
	"github.com/civickit/privacy/redact"

	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// redactJSON redacts a JSON document (or JSON Lines when lines is set) in
// place: string and number values are scanned, everything else, including
// white space and key order, is copied unchanged. A number that holds
// personal data becomes a string.
func (rq *Request) redactJSON(res *Result, data []byte, lines bool) error {
	w := &jsonWalker{rq: rq, res: res, src: data, line: 1}
	if !lines {
		if err := checkJSON(res.Document, data, 0); err != nil {
			return err
		}
		w.walkDoc()
		res.Output = w.finish()
		return nil
	}
	// JSON Lines: each non-blank line is one JSON value.
	start := 0
	for ln := 1; start < len(data); ln++ {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		if len(bytes.TrimSpace(data[start:end])) > 0 {
			if err := checkJSON(res.Document, data[start:end], ln); err != nil {
				return err
			}
			w.pos, w.line = start, ln
			w.walkDoc()
		}
		start = end + 1
	}
	res.Output = w.finish()
	return nil
}

// checkJSON reports invalid JSON as a DocumentError with the line of the
// problem and never its content.
func checkJSON(doc string, b []byte, line int) error {
	if json.Valid(b) {
		return nil
	}
	var v any
	err := json.Unmarshal(b, &v)
	var se *json.SyntaxError
	off := int64(len(b))
	if errors.As(err, &se) {
		off = se.Offset
	}
	if line == 0 {
		line = 1 + bytes.Count(b[:min(int(off), len(b))], []byte{'\n'})
	}
	return &DocumentError{Document: doc, Line: line, Err: fmt.Errorf("%w: invalid JSON", ErrDocument)}
}

// jsonPathElem is one step of a JSON path: a key or an array index.
type jsonPathElem struct {
	key   string
	index int
	isKey bool
}

// jsonWalker copies valid JSON, replacing values that hold personal data.
type jsonWalker struct {
	rq      *Request
	res     *Result
	src     []byte
	pos     int
	copied  int // src[:copied] has been written to out
	out     []byte
	line    int
	path    []jsonPathElem
	buf     []byte
	touched bool
}

// flushTo copies src[copied:i] to out.
func (w *jsonWalker) flushTo(i int) {
	if w.out == nil {
		w.out = make([]byte, 0, len(w.src)+64)
	}
	w.out = append(w.out, w.src[w.copied:i]...)
	w.copied = i
}

func (w *jsonWalker) finish() []byte {
	if !w.touched {
		return w.src
	}
	w.flushTo(len(w.src))
	return w.out
}

func (w *jsonWalker) walkDoc() {
	w.ws()
	w.value("")
}

func (w *jsonWalker) ws() {
	for w.pos < len(w.src) {
		switch w.src[w.pos] {
		case '\n':
			w.line++
		case ' ', '\t', '\r':
		default:
			return
		}
		w.pos++
	}
}

// value walks one value; key is the object key it belongs to, or "" in
// arrays and at the top.
func (w *jsonWalker) value(key string) {
	switch c := w.src[w.pos]; {
	case c == '{':
		w.pos++
		w.ws()
		if w.src[w.pos] == '}' {
			w.pos++
			return
		}
		for {
			w.ws()
			ks, ke, esc := w.str()
			k := w.decode(ks, ke, esc)
			w.ws()
			w.pos++ // ':'
			w.ws()
			w.path = append(w.path, jsonPathElem{key: k, isKey: true})
			w.value(k)
			w.path = w.path[:len(w.path)-1]
			w.ws()
			if w.src[w.pos] == ',' {
				w.pos++
				continue
			}
			w.pos++ // '}'
			return
		}
	case c == '[':
		w.pos++
		w.ws()
		if w.src[w.pos] == ']' {
			w.pos++
			return
		}
		for i := 0; ; i++ {
			w.ws()
			w.path = append(w.path, jsonPathElem{index: i})
			w.value(key)
			w.path = w.path[:len(w.path)-1]
			w.ws()
			if w.src[w.pos] == ',' {
				w.pos++
				continue
			}
			w.pos++ // ']'
			return
		}
	case c == '"':
		start := w.pos
		s, e, esc := w.str()
		w.scalar(key, start, w.pos, w.decode(s, e, esc))
	case c == '-' || c >= '0' && c <= '9':
		start := w.pos
		for w.pos < len(w.src) && strings.IndexByte("+-.eE0123456789", w.src[w.pos]) >= 0 {
			w.pos++
		}
		w.scalar(key, start, w.pos, unsafe.String(&w.src[start], w.pos-start))
	default: // true, false, null
		for w.pos < len(w.src) && w.src[w.pos] >= 'a' && w.src[w.pos] <= 'z' {
			w.pos++
		}
	}
}

// str skips a string token and returns the bounds of its content and
// whether it has escapes.
func (w *jsonWalker) str() (start, end int, esc bool) {
	w.pos++ // opening quote
	start = w.pos
	for {
		switch w.src[w.pos] {
		case '\\':
			esc = true
			w.pos += 2
			continue
		case '"':
			end = w.pos
			w.pos++
			return start, end, esc
		}
		w.pos++
	}
}

func (w *jsonWalker) decode(start, end int, esc bool) string {
	if end == start {
		return ""
	}
	if !esc {
		return unsafe.String(&w.src[start], end-start)
	}
	var s string
	if err := json.Unmarshal(w.src[start-1:end+1], &s); err != nil {
		return "" // unreachable: the document was validated
	}
	return s
}

// scalar scans a string or number value spanning src[start:end] and
// rewrites it when it holds personal data.
func (w *jsonWalker) scalar(key string, start, end int, value string) {
	var fs []redact.Finding
	fs, w.buf = w.rq.cellFindings(w.buf, key, value)
	if len(fs) == 0 {
		return
	}
	repl, entries, spans := w.rq.applyCell(w.res, fs, value)
	if len(entries) == 0 {
		return
	}
	w.touched = true
	w.flushTo(start)
	path := w.pathString()
	w.out = append(w.out, '"')
	last := 0
	for i, sp := range spans {
		w.out = appendJSONStringContent(w.out, repl[last:sp.start])
		s := len(w.out)
		w.out = appendJSONStringContent(w.out, repl[sp.start:sp.end])
		entries[i].Line = w.line
		entries[i].Path = path
		w.res.reserve(end, len(w.src))
		w.res.Entries = append(w.res.Entries, entries[i])
		w.res.spans = append(w.res.spans, span{s, len(w.out)})
		last = sp.end
	}
	w.out = appendJSONStringContent(w.out, repl[last:])
	w.out = append(w.out, '"')
	w.copied = end
}

// pathString renders the current path as $.a.b[2]["odd key"]. A key that
// itself holds personal data is shown as [*] so the log never carries it.
func (w *jsonWalker) pathString() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, p := range w.path {
		switch {
		case !p.isKey:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index))
			b.WriteByte(']')
		case w.rq.red.Contains(p.key):
			b.WriteString("[*]")
		case plainKey(p.key):
			b.WriteByte('.')
			b.WriteString(p.key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(p.key))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// appendJSONStringContent appends s escaped for the inside of a JSON
// string (no surrounding quotes, no HTML escaping).
func appendJSONStringContent(dst []byte, s string) []byte {
	const hexd = "0123456789abcdef"
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hexd[c>>4], hexd[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', '2', '0', '2', hexd[r&0xf])
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}
