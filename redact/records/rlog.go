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
	// Part locates a redaction inside a container document: the e-mail
	// part or the Office part and paragraph, for example
	// "attachment 2 (lease.docx) > word/header1.xml > paragraph 3".
	Part string `json:"part,omitempty"`
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

	// Decision says who or what decided the row after a review (see
	// Request.Decide): DecisionProposed, DecisionAccepted,
	// DecisionRejected (the value is released; the row is not a
	// redaction) or DecisionManual; "" when the request had no review.
	Decision string `json:"decision,omitempty"`
	// DecidedBy names the reviewer who decided.
	DecidedBy string `json:"decided_by,omitempty"`
	// DecisionReason says why a proposal was rejected.
	DecisionReason string `json:"decision_reason,omitempty"`
}

// Location returns a short human form of where the entry is: "line 3,
// column 14", "$.subscribers[0].email" or "row 4, column email".
func (e LogEntry) Location() string {
	var loc string
	switch {
	case e.Path != "":
		loc = e.Path
		if e.Line > 0 {
			loc = fmt.Sprintf("line %d, %s", e.Line, e.Path)
		}
	case e.Row > 0:
		loc = fmt.Sprintf("row %d, column %d", e.Row, e.Column)
		if e.Field != "" {
			loc = fmt.Sprintf("row %d, column %s", e.Row, e.Field)
		}
	case e.Line > 0:
		loc = fmt.Sprintf("line %d, column %d", e.Line, e.Column)
	}
	switch {
	case e.Part == "":
		return loc
	case loc == "":
		return e.Part
	}
	return e.Part + " > " + loc
}

var logCSVHeader = []string{"document", "part", "line", "column", "path", "row", "field", "entity",
	"code", "citation", "operator", "rule", "detector", "confidence", "chars", "value_hmac", "status", "reason",
	"decision", "decided_by", "decision_reason"}

// Columns of the CSV log's status rows.
const (
	logColStatus = 16
	logColReason = 17
)

func (e LogEntry) csvRecord(rec []string) []string {
	itoa := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	return append(rec[:0], e.Document, e.Part, itoa(e.Line), itoa(e.Column), e.Path, itoa(e.Row), e.Field,
		string(e.Entity), e.Code, e.Citation, e.Operator, e.Rule, e.Detector,
		strconv.FormatFloat(e.Confidence, 'f', 2, 64), strconv.Itoa(e.Chars), e.ValueHMAC, "", "",
		e.Decision, e.DecidedBy, e.DecisionReason)
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
	if e.Part != "" {
		b = str(b, "part", e.Part)
	}
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
	if e.Decision != "" {
		b = str(b, "decision", e.Decision)
	}
	if e.DecidedBy != "" {
		b = str(b, "decided_by", e.DecidedBy)
	}
	if e.DecisionReason != "" {
		b = str(b, "decision_reason", e.DecisionReason)
	}
	return append(b, '}')
}

// LogSummary counts a request's redactions per exemption code, entity and
// document, and lists how every document ended.
type LogSummary struct {
	Jurisdiction string `json:"jurisdiction"`
	Documents    int    `json:"documents"`          // documents given, whatever their status
	Redacted     int    `json:"documents_redacted"` // released with at least one redaction
	Clean        int    `json:"documents_clean"`    // released, nothing found
	Withheld     int    `json:"documents_withheld"` // not released: cannot be reviewed
	Failed       int    `json:"documents_failed"`   // not released: could not be read or written
	Parts        int    `json:"parts_withheld"`     // parts taken out of released documents
	Redactions   int    `json:"redactions"`
	// Manual counts the redactions a reviewer added; Rejected the
	// proposals a reviewer rejected (released, not counted in
	// Redactions).
	Manual     int                   `json:"manual_redactions,omitempty"`
	Rejected   int                   `json:"proposals_rejected,omitempty"`
	ByCode     map[string]int        `json:"by_code"`
	ByEntity   map[redact.Entity]int `json:"by_entity"`
	ByDocument map[string]int        `json:"by_document"`
	// Errors maps each failed or withheld document to its reason.
	Errors map[string]string `json:"errors,omitempty"`
	// Files lists every document in the order logged, with its status.
	Files []FileStatus `json:"files"`
}

// FileStatus is how one document of a request ended.
type FileStatus struct {
	Document   string         `json:"document"`
	Status     Status         `json:"status"`
	Reason     string         `json:"reason,omitempty"` // why it was withheld or failed
	Redactions int            `json:"redactions"`
	Withheld   []WithheldPart `json:"withheld_parts,omitempty"`
}

// Complete reports whether every document was released whole: none was
// withheld or failed and no part was taken out.
func (s LogSummary) Complete() bool { return s.Withheld == 0 && s.Failed == 0 && s.Parts == 0 }

// WriteCSV writes the summary as CSV rows of kind, key, count, status and
// reason: one "total" row per counter, one row per code and entity, then
// one "document" row per document in log order with its status (and the
// reason for a withheld or failed one), each followed by a
// "withheld_part" row per part taken out of it.
func (s LogSummary) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	tot := func(k string, n int) []string { return []string{"total", k, strconv.Itoa(n), "", ""} }
	rows := [][]string{{"kind", "key", "count", "status", "reason"},
		tot("documents", s.Documents),
		tot("documents_redacted", s.Redacted),
		tot("documents_clean", s.Clean),
		tot("documents_withheld", s.Withheld),
		tot("documents_failed", s.Failed),
		tot("parts_withheld", s.Parts),
		tot("redactions", s.Redactions),
	}
	if s.Manual > 0 || s.Rejected > 0 { // after a review (Request.Decide)
		rows = append(rows, tot("manual_redactions", s.Manual), tot("proposals_rejected", s.Rejected))
	}
	add := func(kind string, m map[string]int) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			rows = append(rows, []string{kind, k, strconv.Itoa(m[k]), "", ""})
		}
	}
	add("code", s.ByCode)
	ents := map[string]int{}
	for e, n := range s.ByEntity {
		ents[string(e)] = n
	}
	add("entity", ents)
	for _, f := range s.Files {
		rows = append(rows, []string{"document", f.Document, strconv.Itoa(f.Redactions), string(f.Status), f.Reason})
		for _, p := range f.Withheld {
			rows = append(rows, []string{"withheld_part", f.Document + " > " + p.Part, "0", string(StatusWithheld), p.Reason})
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("records: writing summary: %w", err)
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
			return nil, fmt.Errorf("records: writing log: %w", err)
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
			return nil, fmt.Errorf("records: writing log: %w", err)
		}
		b = append(b[:len(b)-1], `,"redactions":[`...)
		if _, err := jsonOut.Write(b); err != nil {
			return nil, fmt.Errorf("records: writing log: %w", err)
		}
	}
	return l, nil
}

var errLogClosed = errors.New("redact: log writer is closed")

// Add logs the redactions of one released document, then its status row
// and a row for each part withheld from it.
func (l *LogWriter) Add(res *Result) error {
	if l.closed {
		return errLogClosed
	}
	st := res.Status()
	l.sum.Documents++
	l.sum.ByDocument[res.Document] += len(res.Entries)
	if st == StatusRedacted {
		l.sum.Redacted++
	} else {
		l.sum.Clean++
	}
	l.sum.Parts += len(res.Withheld)
	l.sum.Files = append(l.sum.Files, FileStatus{Document: res.Document, Status: st,
		Redactions: len(res.Entries), Withheld: slices.Clone(res.Withheld)})
	for _, e := range res.Entries {
		l.sum.Redactions++
		l.sum.ByCode[e.Code]++
		l.sum.ByEntity[e.Entity]++
		if e.Decision == DecisionManual {
			l.sum.Manual++
		}
		if err := l.row(e); err != nil {
			return err
		}
	}
	for _, e := range res.Rejected {
		l.sum.Rejected++
		if err := l.row(e); err != nil {
			return err
		}
	}
	if err := l.statusRow(res.Document, "", st, ""); err != nil {
		return err
	}
	for _, p := range res.Withheld {
		if err := l.statusRow(res.Document, p.Part, StatusWithheld, p.Reason); err != nil {
			return err
		}
	}
	return nil
}

// row writes one entry to the CSV and JSON logs.
func (l *LogWriter) row(e LogEntry) error {
	if l.cw != nil {
		l.rec = e.csvRecord(l.rec)
		if err := l.cw.Write(l.rec); err != nil {
			return fmt.Errorf("records: writing log: %w", err)
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
			return fmt.Errorf("records: writing log: %w", err)
		}
	}
	l.entries++
	return nil
}

// statusRow writes a status row to the CSV log: document, part, status and
// reason, the other columns empty.
func (l *LogWriter) statusRow(doc, part string, st Status, reason string) error {
	if l.cw == nil {
		return nil
	}
	rec := make([]string, len(logCSVHeader))
	rec[0], rec[1] = doc, part
	rec[logColStatus], rec[logColReason] = string(st), reason
	if err := l.cw.Write(rec); err != nil {
		return fmt.Errorf("records: writing log: %w", err)
	}
	return nil
}

// Fail logs a document that has no release: withheld when err is (or
// wraps) a *WithheldError, failed otherwise. err's message goes into the
// summary, so it must hold no personal data (errors from Request never
// do).
func (l *LogWriter) Fail(document string, err error) error {
	if l.closed {
		return errLogClosed
	}
	st, reason := StatusFor(err)
	l.sum.Documents++
	if st == StatusWithheld {
		l.sum.Withheld++
	} else {
		l.sum.Failed++
	}
	if l.sum.Errors == nil {
		l.sum.Errors = map[string]string{}
	}
	l.sum.Errors[document] = reason
	l.sum.Files = append(l.sum.Files, FileStatus{Document: document, Status: st, Reason: reason})
	return l.statusRow(document, "", st, reason)
}

// Summary returns the counts so far.
func (l *LogWriter) Summary() LogSummary {
	s := l.sum
	s.ByCode = cloneMap(s.ByCode)
	s.ByDocument = cloneMap(s.ByDocument)
	s.ByEntity = cloneMap(s.ByEntity)
	s.Errors = cloneMap(s.Errors)
	s.Files = slices.Clone(s.Files)
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
			return fmt.Errorf("records: writing log: %w", err)
		}
	}
	if l.js != nil {
		b, err := json.Marshal(l.sum)
		if err != nil {
			return fmt.Errorf("records: writing log: %w", err)
		}
		tail := "\n],\"summary\":" + string(b) + "}\n"
		if l.entries == 0 {
			tail = "],\"summary\":" + string(b) + "}\n"
		}
		if _, err := io.WriteString(l.js, tail); err != nil {
			return fmt.Errorf("records: writing log: %w", err)
		}
	}
	return nil
}
