package records

import (
	"strings"
	"unicode/utf8"

	"github.com/civickit/privacy/redact"
)

// Documents that are not plain text (e-mail, Office files, PDF) are read
// as text segments with a location each: a message header, a body part, a
// paragraph, a cell. Each format extracts its segments, hands each one to
// Request.segment, and applies the edits it gets back to its own
// structure when it writes the release, so that adding a format never
// touches the others.

// edit replaces text[start:end] of a segment with repl.
type edit struct {
	start, end int
	repl       string
}

// applyEdits returns text with the edits (sorted, not overlapping)
// applied.
func applyEdits(text string, eds []edit) string {
	if len(eds) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 16*len(eds))
	last := 0
	for _, e := range eds {
		b.WriteString(text[last:e.start])
		b.WriteString(e.repl)
		last = e.end
	}
	b.WriteString(text[last:])
	return b.String()
}

// segment finds and replaces personal data in one text segment of a
// container document. part locates the segment ("header Subject",
// "word/document.xml > paragraph 4"); key is a field or column name whose
// words count as context (and may make the whole value personal data, see
// RequestOptions.Fields), or "". Each redaction is logged at part, with
// the line and column inside the segment when it has more than one line.
// The segment's redacted text is added to the review text. It returns the
// edits in segment order.
func (rq *Request) segment(res *Result, part, key, text string) []edit {
	var fs []redact.Finding
	if key != "" {
		fs, _ = rq.cellFindings(nil, key, text)
	} else if strings.TrimSpace(text) != "" {
		fs = rq.red.Find(text)
	}
	fs = rq.withManual(res, part, text, fs)
	multiline := strings.IndexByte(text, '\n') >= 0
	var eds []edit
	var out []byte
	var spans []span
	var entries []LogEntry
	var segSpans []SegmentSpan
	last := 0
	lc := newLineCol()
	for _, f := range fs {
		if f.Start < last || f.End > len(text) {
			continue
		}
		e := LogEntry{Document: res.Document, Part: part}
		if multiline {
			e.Line, e.Column = lc.at(text, f.Start)
		}
		out = append(out, text[last:f.Start]...)
		start := len(out)
		var ok bool
		out, ok = rq.replaceOne(res, out, f, text[f.Start:f.End], &e)
		if !ok {
			out = append(out, text[f.Start:f.End]...)
		} else {
			eds = append(eds, edit{f.Start, f.End, string(out[start:])})
			segSpans = append(segSpans, SegmentSpan{Start: f.Start, End: f.End, Entry: len(res.Entries) + len(entries)})
			entries = append(entries, e)
			spans = append(spans, span{start, len(out)})
		}
		last = f.End
	}
	res.capture.add(part, text, segSpans)
	out = append(out, text[last:]...)
	res.addView(part, out, spans)
	res.Entries = append(res.Entries, entries...)
	return eds
}

// redactString is segment for callers that want the redacted text.
func (rq *Request) redactString(res *Result, part, key, text string) string {
	return applyEdits(text, rq.segment(res, part, key, text))
}

// maxViewBytes bounds the review text kept per document; the review shows
// less than this anyway (ReviewOptions.MaxBytes).
const maxViewBytes = 4 << 20

// addView appends one segment's redacted text and its spans to the review
// text, under a heading when the part changes. Spans are kept for every
// entry, so that they stay aligned with Entries; past maxViewBytes the
// text is not kept and the spans are empty.
func (res *Result) addView(part string, text []byte, spans []span) {
	if len(res.view) >= maxViewBytes {
		for range spans {
			res.spans = append(res.spans, span{len(res.view), len(res.view)})
		}
		return
	}
	if head := partHead(part); head != res.lastPart || res.view == nil {
		if len(res.view) > 0 {
			res.view = append(res.view, '\n')
		}
		res.view = append(res.view, "── "...)
		res.view = append(res.view, head...)
		res.view = append(res.view, " ──\n"...)
		res.lastPart = head
	} else {
		res.view = append(res.view, '\n')
	}
	off := len(res.view)
	res.view = append(res.view, text...)
	for _, sp := range spans {
		res.spans = append(res.spans, span{off + sp.start, off + sp.end})
	}
}

// partHead is the heading a segment is shown under in the review: its
// part without a trailing paragraph or cell ("word/document.xml >
// paragraph 4" is shown under "word/document.xml").
func partHead(part string) string {
	if i := strings.LastIndex(part, " > "); i >= 0 {
		tail := part[i+3:]
		if strings.HasPrefix(tail, "paragraph ") || strings.HasPrefix(tail, "cell ") {
			return part[:i]
		}
	}
	if part == "" {
		return "document"
	}
	return part
}

// withholdPart records a part taken out of a released document.
func (res *Result) withholdPart(part string, r Reason, detail string) {
	e := WithheldError{Reason: r, Detail: detail}
	res.Withheld = append(res.Withheld, WithheldPart{Part: part, Reason: e.text()})
	res.addView(part, []byte("[withheld: "+e.text()+"]"), nil)
}

// joinPart joins part locations with " > ".
func joinPart(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	}
	return parent + " > " + child
}

// lineCol locates byte offsets of a text by line and column (1-based;
// columns count characters). Offsets must not decrease, so locating every
// finding of a text costs one pass over it.
type lineCol struct{ line, col, pos int }

func newLineCol() lineCol { return lineCol{line: 1, col: 1} }

// at returns the line and column of offset off in text.
func (lc *lineCol) at(text string, off int) (int, int) {
	for lc.pos < off {
		nl := strings.IndexByte(text[lc.pos:off], '\n')
		if nl < 0 {
			lc.col += utf8.RuneCountInString(text[lc.pos:off])
			lc.pos = off
			break
		}
		lc.line++
		lc.col = 1
		lc.pos += nl + 1
	}
	return lc.line, lc.col
}
