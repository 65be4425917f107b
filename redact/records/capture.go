package records

import (
	"strings"

	"github.com/civickit/privacy/redact"
)

// Segment is one piece of a document's original text as a Request read
// it (a message header, a paragraph, a cell, a PDF page), with the spans
// of its proposed redactions. A review shows segments so that a reviewer
// sees what each box hides and can select text to add a redaction
// (ManualRedaction's Part, Start and End are in a segment's Part and
// Text). Segments hold personal data: never log or store them.
type Segment struct {
	Part  string        // the part's location, "" for a plain text document
	Text  string        // the original text
	Spans []SegmentSpan // the proposals in the text, in order
}

// SegmentSpan is one proposal in a segment: its byte range in the text
// and the index of its entry in Result.Entries.
type SegmentSpan struct {
	Start, End, Entry int
}

// maxCaptureBytes bounds the text a review keeps of one document.
const maxCaptureBytes = 4 << 20

// capture collects segments during Proposed.
type capture struct {
	base  int // index of the first entry of a nested plain-text document
	segs  []Segment
	bytes int
	over  bool
}

func (c *capture) add(part, text string, spans []SegmentSpan) {
	if c == nil {
		return
	}
	if c.bytes+len(text) > maxCaptureBytes {
		c.over = true
		return
	}
	c.bytes += len(text)
	for i := range spans {
		spans[i].Entry += c.base
	}
	c.segs = append(c.segs, Segment{Part: part, Text: strings.Clone(text), Spans: spans})
}

// Proposed redacts a document as Document does and also returns its
// segments: the original text of each part with its proposals, for a
// review. complete is false when the document's text was larger than a
// review keeps (4 MiB), and segments then cover only its start. Formats
// located by row or JSON path (CSV, JSON, JSON Lines) have no segments.
func (rq *Request) Proposed(name string, data []byte) (res *Result, segments []Segment, complete bool, err error) {
	f, ok := DetectFormat(name, data)
	if !ok {
		return nil, nil, false, withheld(name, ReasonUnsupported, typeDetail(name, data))
	}
	res = &Result{Document: name, Format: f, capture: &capture{}}
	out, err := rq.redactAs(res, "", f, data)
	res.hashes = nil
	if err != nil {
		return nil, nil, false, err
	}
	res.Output = out
	c := res.capture
	res.capture = nil
	for i := range res.Entries {
		res.Entries[i].Decision = DecisionProposed
	}
	return res, c.segs, !c.over, nil
}

// withManual adds a part's added redactions (during Decide) to the
// findings of its text; the findings they swallow are still counted as
// proposals, so that ranks stay those of the first pass.
func (rq *Request) withManual(res *Result, part, text string, fs []redact.Finding) []redact.Finding {
	st := res.dec
	if st == nil || len(st.text[part])+len(st.pending[part]) == 0 {
		return fs
	}
	ms := st.manualFindings(part, text, st.pending[part])
	delete(st.pending, part)
	out, swallowed := mergeManual(fs, ms)
	for _, f := range swallowed {
		// Counted as a proposal, redacted by the added span whatever its
		// verdict.
		var e LogEntry
		n := len(res.Rejected)
		if f.End <= len(text) {
			rq.replaceOne(res, nil, f, text[f.Start:f.End], &e)
		}
		res.Rejected = res.Rejected[:n]
	}
	return out
}
