package records

import (
	"github.com/civickit/privacy/redact"

	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// LogEntry is one line of a redaction log: where a value was withheld,
// under which exemption, how, and a keyed hash of the value. It never
// holds the value.
type LogEntry struct {
	Document string `json:"document"`
	// Line and Column locate a redaction in text (1-based; the column
	// counts characters). JSON and JSON Lines documents give the line too.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Path locates a redaction in JSON, for example $.subscribers[3].email.
	Path string `json:"path,omitempty"`
	// Row and Field locate a redaction in CSV: the 1-based record number
	// (the header is row 1) and the column's header; Column is then the
	// 1-based column number.
	Row   int    `json:"row,omitempty"`
	Field string `json:"field,omitempty"`

	Entity     redact.Entity `json:"entity"`
	Code       string        `json:"code"`       // exemption code, "(b)(6)"
	Citation   string        `json:"citation"`   // "5 U.S.C. § 552(b)(6)"
	Operator   string        `json:"operator"`   // OpBox, OpMask, ...
	Rule       string        `json:"rule"`       // catalog rule, "federal.email"
	Detector   string        `json:"detector"`   // detector rule, "email"
	Confidence float64       `json:"confidence"` // detector score, 0 to 1
	Chars      int           `json:"chars"`      // characters withheld
	ValueHMAC  string        `json:"value_hmac"` // keyed hash of the value (hex)
}

// Location returns a short human form of where the entry is: "line 3,
// column 14", "$.subscribers[0].email" or "row 4, column email".
func (e LogEntry) Location() string {
	switch {
	case e.Path != "":
		if e.Line > 0 {
			return fmt.Sprintf("line %d, %s", e.Line, e.Path)
		}
		return e.Path
	case e.Row > 0:
		if e.Field != "" {
			return fmt.Sprintf("row %d, column %s", e.Row, e.Field)
		}
		return fmt.Sprintf("row %d, column %d", e.Row, e.Column)
	default:
		return fmt.Sprintf("line %d, column %d", e.Line, e.Column)
	}
}

var logCSVHeader = []string{"document", "line", "column", "path", "row", "field", "entity",
	"code", "citation", "operator", "rule", "detector", "confidence", "chars", "value_hmac"}

func (e LogEntry) csvRecord(rec []string) []string {
	itoa := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	return append(rec[:0], e.Document, itoa(e.Line), itoa(e.Column), e.Path, itoa(e.Row), e.Field,
		string(e.Entity), e.Code, e.Citation, e.Operator, e.Rule, e.Detector,
		strconv.FormatFloat(e.Confidence, 'f', 2, 64), strconv.Itoa(e.Chars), e.ValueHMAC)
}

// appendJSON appends e as JSON, the same as json.Marshal(e) without its
// reflection (a large request logs millions of entries).
func (e LogEntry) appendJSON(b []byte) []byte {
	str := func(b []byte, k, v string) []byte {
		b = append(b, `,"`...)
		b = append(b, k...)
		b = append(b, `":"`...)
		b = appendJSONStringContent(b, v)
		return append(b, '"')
	}
	num := func(b []byte, k string, n int, omitZero bool) []byte {
		if omitZero && n == 0 {
			return b
		}
		b = append(b, `,"`...)
		b = append(b, k...)
		b = append(b, `":`...)
		return strconv.AppendInt(b, int64(n), 10)
	}
	b = append(b, `{"document":"`...)
	b = appendJSONStringContent(b, e.Document)
	b = append(b, '"')
	b = num(b, "line", e.Line, true)
	b = num(b, "column", e.Column, true)
	if e.Path != "" {
		b = str(b, "path", e.Path)
	}
	b = num(b, "row", e.Row, true)
	if e.Field != "" {
		b = str(b, "field", e.Field)
	}
	b = str(b, "entity", string(e.Entity))
	b = str(b, "code", e.Code)
	b = str(b, "citation", e.Citation)
	b = str(b, "operator", e.Operator)
	b = str(b, "rule", e.Rule)
	b = str(b, "detector", e.Detector)
	b = append(b, `,"confidence":`...)
	b = strconv.AppendFloat(b, e.Confidence, 'g', -1, 64)
	b = num(b, "chars", e.Chars, false)
	b = str(b, "value_hmac", e.ValueHMAC)
	return append(b, '}')
}

// LogSummary counts a request's redactions per exemption code, entity and
// document.
type LogSummary struct {
	Jurisdiction string                `json:"jurisdiction"`
	Documents    int                   `json:"documents"`          // documents read, including failed ones
	Redacted     int                   `json:"documents_redacted"` // documents with at least one redaction
	Failed       int                   `json:"documents_failed"`   // documents that could not be read
	Redactions   int                   `json:"redactions"`
	ByCode       map[string]int        `json:"by_code"`
	ByEntity     map[redact.Entity]int `json:"by_entity"`
	ByDocument   map[string]int        `json:"by_document"`
	// Errors maps each failed document to its error.
	Errors map[string]string `json:"errors,omitempty"`
}

// WriteCSV writes the summary as CSV rows of kind, key and count: one
// "total" row per counter, then one row per code, entity, document and
// failed document, each group sorted.
func (s LogSummary) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"kind", "key", "count"},
		{"total", "documents", strconv.Itoa(s.Documents)},
		{"total", "documents_redacted", strconv.Itoa(s.Redacted)},
		{"total", "documents_failed", strconv.Itoa(s.Failed)},
		{"total", "redactions", strconv.Itoa(s.Redactions)},
	}
	add := func(kind string, m map[string]int) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			rows = append(rows, []string{kind, k, strconv.Itoa(m[k])})
		}
	}
	add("code", s.ByCode)
	ents := map[string]int{}
	for e, n := range s.ByEntity {
		ents[string(e)] = n
	}
	add("entity", ents)
	add("document", s.ByDocument)
	failed := map[string]int{}
	for d := range s.Errors {
		failed[d] = 1
	}
	add("failed", failed)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("redact: writing summary: %w", err)
	}
	return nil
}

// LogWriter streams a redaction log as CSV, JSON or both while documents
// are processed, so a large request never holds its whole log in memory.
// It makes many small writes: give it buffered writers.
// The JSON form is one object: the catalog's jurisdiction and exemptions,
// the redactions (one per line) and, at the end, the summary. A LogWriter
// is not safe for concurrent use.
type LogWriter struct {
	cw      *csv.Writer
	js      io.Writer
	rec     []string
	jbuf    []byte
	entries int
	closed  bool
	sum     LogSummary
}

// NewLogWriter starts a log for a request under cat. Either writer may be
// nil; the caller closes the writers after Close.
func NewLogWriter(cat *Catalog, csvOut, jsonOut io.Writer) (*LogWriter, error) {
	if cat == nil {
		return nil, fmt.Errorf("%w: NewLogWriter needs a catalog", redact.ErrOptions)
	}
	l := &LogWriter{js: jsonOut, sum: LogSummary{
		Jurisdiction: cat.Jurisdiction,
		ByCode:       map[string]int{}, ByEntity: map[redact.Entity]int{}, ByDocument: map[string]int{},
	}}
	if csvOut != nil {
		l.cw = csv.NewWriter(csvOut)
		if err := l.cw.Write(logCSVHeader); err != nil {
			return nil, fmt.Errorf("redact: writing log: %w", err)
		}
	}
	if jsonOut != nil {
		head := struct {
			Jurisdiction string      `json:"jurisdiction"`
			Catalog      string      `json:"catalog"`
			Exemptions   []Exemption `json:"exemptions"`
		}{cat.Jurisdiction, cat.Name, cat.Exemptions}
		b, err := json.Marshal(head)
		if err != nil {
			return nil, fmt.Errorf("redact: writing log: %w", err)
		}
		b = append(b[:len(b)-1], `,"redactions":[`...)
		if _, err := jsonOut.Write(b); err != nil {
			return nil, fmt.Errorf("redact: writing log: %w", err)
		}
	}
	return l, nil
}

var errLogClosed = errors.New("redact: log writer is closed")

// Add logs the redactions of one document.
func (l *LogWriter) Add(res *Result) error {
	if l.closed {
		return errLogClosed
	}
	l.sum.Documents++
	l.sum.ByDocument[res.Document] += len(res.Entries)
	if len(res.Entries) > 0 {
		l.sum.Redacted++
	}
	for _, e := range res.Entries {
		l.sum.Redactions++
		l.sum.ByCode[e.Code]++
		l.sum.ByEntity[e.Entity]++
		if l.cw != nil {
			l.rec = e.csvRecord(l.rec)
			if err := l.cw.Write(l.rec); err != nil {
				return fmt.Errorf("redact: writing log: %w", err)
			}
		}
		if l.js != nil {
			if l.entries == 0 {
				l.jbuf = append(l.jbuf[:0], '\n')
			} else {
				l.jbuf = append(l.jbuf[:0], ',', '\n')
			}
			l.jbuf = e.appendJSON(l.jbuf)
			if _, err := l.js.Write(l.jbuf); err != nil {
				return fmt.Errorf("redact: writing log: %w", err)
			}
		}
		l.entries++
	}
	return nil
}

// Fail records a document that could not be read. err's message goes into
// the summary, so it must hold no personal data (errors from Request
// never do).
func (l *LogWriter) Fail(document string, err error) {
	l.sum.Documents++
	l.sum.Failed++
	if l.sum.Errors == nil {
		l.sum.Errors = map[string]string{}
	}
	l.sum.Errors[document] = err.Error()
}

// Summary returns the counts so far.
func (l *LogWriter) Summary() LogSummary {
	s := l.sum
	s.ByCode = cloneMap(s.ByCode)
	s.ByDocument = cloneMap(s.ByDocument)
	s.ByEntity = cloneMap(s.ByEntity)
	s.Errors = cloneMap(s.Errors)
	return s
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Close flushes the CSV log and ends the JSON log with the summary.
func (l *LogWriter) Close() error {
	if l.closed {
		return nil
	}
	l.closed = true
	if l.cw != nil {
		l.cw.Flush()
		if err := l.cw.Error(); err != nil {
			return fmt.Errorf("redact: writing log: %w", err)
		}
	}
	if l.js != nil {
		b, err := json.Marshal(l.sum)
		if err != nil {
			return fmt.Errorf("redact: writing log: %w", err)
		}
		tail := "\n],\"summary\":" + string(b) + "}\n"
		if l.entries == 0 {
			tail = "],\"summary\":" + string(b) + "}\n"
		}
		if _, err := io.WriteString(l.js, tail); err != nil {
			return fmt.Errorf("redact: writing log: %w", err)
		}
	}
	return nil
}
