package records

import (
	"github.com/civickit/privacy/redact"
	"go.opentelemetry.io/otel/metric"

	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// ErrDocument is wrapped (through a *DocumentError) by every failure to
// read a record handed to a Request: malformed JSON, JSON Lines or CSV.
var ErrDocument = errors.New("redact: malformed document")

// DocumentError says which document, and where in it, a Request could not
// read. It never quotes the document's content.
type DocumentError struct {
	Document string // the document's name as given
	Line     int    // 1-based line, 0 if unknown
	Err      error  // wraps ErrDocument
}

func (e *DocumentError) Error() string {
	msg := strings.TrimPrefix(e.Err.Error(), "redact: ")
	if e.Line > 0 {
		return fmt.Sprintf("redact: document %q line %d: %s", e.Document, e.Line, msg)
	}
	return fmt.Sprintf("redact: document %q: %s", e.Document, msg)
}

// Unwrap returns the underlying error.
func (e *DocumentError) Unwrap() error { return e.Err }

// reason is the error without the document's name, for logs and reports
// that list the name beside it.
func (e *DocumentError) reason() string {
	msg := strings.TrimPrefix(strings.TrimPrefix(e.Err.Error(), "redact: "), "records: ")
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, msg)
	}
	return msg
}

// RequestOptions configure a Request. Nil means the federal catalog, the
// detection defaults and no allow-list.
type RequestOptions struct {
	// Catalog is the exemption catalog; nil means BuiltinCatalog("federal").
	Catalog *Catalog
	// Box overrides the catalog's box format (see DefaultBox).
	Box string
	// Rules add to or replace the catalog's rules, for example to send a
	// custom detector's entity to an exemption.
	Rules []ExemptionRule

	// Allow releases the values it lists.
	Allow *AllowList
	// DenyList withholds the terms it lists wherever they appear, each
	// under its exemption code (the catalog's default code unless the list
	// gives one); it adds to Deny.
	DenyList *DenyList

	// Entities, MinScore, Deny and Detectors configure detection as in
	// Options.
	Entities  []redact.Entity
	MinScore  float64
	Deny      map[redact.Entity][]string
	Detectors []redact.Detector

	// IgnoreKeyNames turns off redaction of whole values by JSON key or
	// CSV column name (see KeyEntity); content is still scanned.
	IgnoreKeyNames bool
	// Fields name more JSON keys and CSV columns whose whole value is
	// personal data, for example {"name": PersonName, "acct_no":
	// "utility_account"}. Names match ignoring case, '_', '-', '.' and
	// spaces, and take precedence over KeyEntity.
	Fields map[string]redact.Entity

	// MeterProvider, if set, receives metrics through the OpenTelemetry
	// API: documents by outcome, redactions by exemption code and entity,
	// withheld parts (see telemetry.go). Nil means none.
	MeterProvider metric.MeterProvider
}

// Request redacts the documents of one public-records request under one
// jurisdiction's exemption catalog, and records each redaction with its
// exemption code for the redaction log and the review report. It is
// immutable after NewRequest and safe for concurrent use.
type Request struct {
	tel      *telemetry
	cat      *Catalog
	red      *redact.Redactor
	key      redact.PRF
	box      []boxPart
	rules    map[redact.Entity]*appliedRule
	allowVal map[string]bool
	allowH   map[string]bool
	keyNames bool
	fields   map[string]redact.Entity
}

// appliedRule is a rule resolved against the catalog.
type appliedRule struct {
	rule ExemptionRule
	ex   Exemption
	op   redact.Operator // nil for OpBox
	box  string
}

// NewRequest returns a Request. key is the keyed hash (Tink's *prf.Set,
// or a pii Indexing keyring's PRF) that fingerprints each redacted value
// in the log: the same value gives the same hash under one key, so a clerk
// can see that two redactions are the same person, and no one without the
// key can test a guess against it.
func NewRequest(key redact.PRF, opts *RequestOptions) (*Request, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: NewRequest needs a PRF key for the log's keyed hashes", redact.ErrOptions)
	}
	if opts == nil {
		opts = &RequestOptions{}
	}
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = BuiltinCatalog("federal"); err != nil {
			return nil, err
		}
	} else {
		cat = cat.Clone()
	}
	if opts.Box != "" {
		cat.Box = opts.Box
	}
	for _, r := range opts.Rules {
		if err := cat.SetRule(r); err != nil {
			return nil, err
		}
	}
	deny := opts.Deny
	if opts.DenyList.Len() > 0 {
		terms, rules := opts.DenyList.rules(cat.Default.Code)
		deny = map[redact.Entity][]string{}
		for e, ts := range opts.Deny {
			deny[e] = ts
		}
		for e, ts := range terms {
			deny[e] = append(deny[e], ts...)
		}
		for _, r := range rules {
			if _, ok := cat.Exemption(r.Code); !ok {
				return nil, fmt.Errorf("%w: deny-list code %q is not in the %s catalog", ErrCatalog, r.Code, cat.Jurisdiction)
			}
			if err := cat.SetRule(r); err != nil {
				return nil, err
			}
		}
	}
	if err := cat.Validate(); err != nil {
		return nil, err
	}
	box, err := parseBox(cat.box())
	if err != nil {
		return nil, err
	}
	ropts := &redact.Options{
		Entities:  opts.Entities,
		MinScore:  opts.MinScore,
		Deny:      deny,
		Detectors: opts.Detectors,
		PRF:       key,
	}
	rq := &Request{
		cat: cat, key: key, box: box,
		rules:    map[redact.Entity]*appliedRule{},
		allowVal: map[string]bool{},
		allowH:   map[string]bool{},
		keyNames: !opts.IgnoreKeyNames,
		fields:   map[string]redact.Entity{},
	}
	for k, e := range opts.Fields {
		if !validEntityName(string(e)) || fieldKey(k) == "" {
			return nil, fmt.Errorf("%w: Fields entry %q: entity %q must be lower-case letters, digits and _", redact.ErrOptions, k, e)
		}
		rq.fields[fieldKey(k)] = e
	}
	if a := opts.Allow; a != nil {
		ropts.Allow = append([]string(nil), a.values...)
		ropts.AllowPatterns = append(ropts.AllowPatterns, a.patterns...)
		for _, v := range a.values {
			rq.allowVal[v] = true
		}
		for h := range a.hashes {
			rq.allowH[h] = true
		}
	}
	if rq.red, err = redact.New(ropts); err != nil {
		return nil, err
	}
	if rq.tel, err = newTelemetry(opts.MeterProvider); err != nil {
		return nil, err
	}
	ents := append(redact.Entities(), redact.Entity("credential"))
	for _, d := range opts.Detectors {
		ents = append(ents, d.Entity)
	}
	for e := range deny {
		ents = append(ents, e)
	}
	for _, e := range rq.fields {
		ents = append(ents, e)
	}
	for _, r := range cat.Rules {
		ents = append(ents, r.Entity)
	}
	for _, e := range ents {
		if _, ok := rq.rules[e]; ok {
			continue
		}
		ar, err := rq.resolve(e)
		if err != nil {
			return nil, err
		}
		rq.rules[e] = ar
	}
	// A box must not be found again on a second pass: redacting released
	// records twice must change nothing.
	for _, ar := range rq.rules {
		if ar.rule.Operator == OpBox && rq.red.Contains(ar.box) {
			return nil, fmt.Errorf("%w: box format renders text that is detected as personal data", ErrCatalog)
		}
	}
	return rq, nil
}

func (rq *Request) resolve(e redact.Entity) (*appliedRule, error) {
	r := rq.cat.Rule(e)
	ex, ok := rq.cat.Exemption(r.Code)
	if !ok {
		return nil, fmt.Errorf("%w: rule for %q names unknown code %q", ErrCatalog, e, r.Code)
	}
	ar := &appliedRule{rule: r, ex: ex, box: renderBox(rq.box, ex, e)}
	switch r.Operator {
	case OpLabel:
		ar.op = redact.Label()
	case OpMask:
		ar.op = redact.MaskLast4()
	case OpHash:
		ar.op = redact.Pseudonym(rq.key)
	case OpTruncate:
		ar.op = redact.TruncateIP()
	}
	return ar, nil
}

func (rq *Request) ruleFor(e redact.Entity) *appliedRule {
	if ar, ok := rq.rules[e]; ok {
		return ar
	}
	ar, err := rq.resolve(e)
	if err != nil { // the catalog was validated; fall back to its default
		ar = &appliedRule{rule: ExemptionRule{Entity: e, Code: rq.cat.Default.Code, Operator: OpBox, Name: rq.cat.Jurisdiction + ".default"}}
		ar.ex, _ = rq.cat.Exemption(rq.cat.Default.Code)
		ar.box = renderBox(rq.box, ar.ex, e)
	}
	return ar
}

// Catalog returns a copy of the catalog in force, with the request's rules
// and box applied.
func (rq *Request) Catalog() *Catalog { return rq.cat.Clone() }

// Redactor returns the detection engine the request uses.
func (rq *Request) Redactor() *redact.Redactor { return rq.red }

// hashLen is the length in bytes of a value's keyed hash.
const hashLen = 16

// hashDomain separates the log's keyed hashes from every other use of the
// same key (blind indexes, pseudonyms).
const hashDomain = "civickit/redact/log/v1\x00"

// HashValue returns the keyed hash of a value as the log prints it
// (32 hex digits), for example to add it to an allow-list with AddHash.
func (rq *Request) HashValue(v string) (string, error) {
	out, err := rq.key.ComputePrimaryPRF([]byte(hashDomain+v), hashLen)
	if err != nil {
		return "", fmt.Errorf("redact: keyed hash: %w", err)
	}
	return hex.EncodeToString(out), nil
}

// Result is one redacted document and its redaction log entries.
type Result struct {
	Document string    // the name given
	Format   DocFormat // how it was read
	Output   []byte    // the redacted document
	// ReleaseExt is the file name extension the release needs when its
	// format differs from the document's: ".eml" for an Outlook .msg,
	// released as e-mail. Append it to the document's name.
	ReleaseExt string
	Entries    []LogEntry // one per redaction, in document order
	// Withheld lists the parts taken out of the release because they
	// could not be reviewed (an attachment in an unsupported format, an
	// embedded object); the release holds a notice in their place.
	Withheld []WithheldPart
	// spans are the byte ranges of each entry's replacement in the review
	// text: Output, or view when set.
	spans []span
	// view is the review text of a document whose release is not plain
	// text (e-mail, Office): each part's redacted text under a heading.
	view []byte
	// lastPart is the part of the last segment appended to view.
	lastPart string
	// depth counts nested containers (an attachment in a message).
	depth int
	// hashes caches keyed hashes of values during one Redact call.
	hashes map[string]string

	// Rejected lists the proposals a reviewer rejected (see Decide), as
	// log rows with Decision DecisionRejected: released, not redacted.
	Rejected []LogEntry
	// proposals counts the proposals so far: an entry's rank.
	proposals int
	// dec carries the decisions during Decide.
	dec *decideState
	// decPart is the part of a plain-text document nested in a
	// container, for the decisions and the captured segments.
	decPart string
	// capture, when set, collects the original text of each segment with
	// its proposals, for a review (see Proposed).
	capture *capture
}

type span struct{ start, end int }

// Redact redacts one document of the given format. name identifies it in
// the log (for example its path relative to the request folder). It
// returns a *WithheldError (wrapping ErrWithheld) for a document or format
// that cannot be reviewed, and a *DocumentError for a malformed one;
// neither may be released.
func (rq *Request) Redact(name string, format DocFormat, data []byte) (*Result, error) {
	res, err := rq.redact(name, format, data)
	rq.tel.observe(res, err)
	return res, err
}

// redact is Redact without the metrics, for the request's own passes.
func (rq *Request) redact(name string, format DocFormat, data []byte) (*Result, error) {
	res := &Result{Document: name, Format: format}
	out, err := rq.redactAs(res, "", format, data)
	res.hashes = nil
	if err != nil {
		return nil, err
	}
	res.Output = out
	return res, nil
}

// Document redacts a file's content, choosing the format by the name's
// extension and the content's first bytes (see FormatFor and Sniff). A
// file in a format the request cannot review is withheld: the error is a
// *WithheldError.
func (rq *Request) Document(name string, data []byte) (*Result, error) {
	res, err := rq.document(name, data)
	rq.tel.observe(res, err)
	return res, err
}

// document is Document without the metrics.
func (rq *Request) document(name string, data []byte) (*Result, error) {
	f, ok := DetectFormat(name, data)
	if !ok {
		return nil, withheld(name, ReasonUnsupported, typeDetail(name, data))
	}
	return rq.redact(name, f, data)
}

// Text redacts a plain text document.
func (rq *Request) Text(name, text string) (*Result, error) {
	return rq.Redact(name, DocText, []byte(text))
}

// replaceOne appends the replacement of one finding to dst, fills in the
// log entry's rule fields and reports false when the finding is released
// (allow-listed by hash, or an OpKeep rule).
func (rq *Request) replaceOne(res *Result, dst []byte, f redact.Finding, value string, e *LogEntry) ([]byte, bool) {
	if res.dec != nil && f.Entity == EntityManual && strings.HasPrefix(f.Rule, "manual:") {
		return rq.manualReplace(res, dst, f, value, e), true
	}
	ar := rq.ruleFor(f.Entity)
	if ar.rule.Operator == OpKeep {
		return dst, false
	}
	// Records name the same people again and again: hash each distinct
	// value once per document. The cache lives only for one Redact call.
	h, ok := res.hashes[value]
	if !ok {
		var err error
		if h, err = rq.HashValue(value); err != nil {
			h = ""
		}
		if res.hashes == nil {
			res.hashes = map[string]string{}
		}
		if len(res.hashes) < 1<<16 {
			res.hashes[strings.Clone(value)] = h
		}
	}
	if h != "" && rq.allowH[h] {
		return dst, false
	}
	rank := res.proposals
	res.proposals++
	if res.dec.decide(rank, e) {
		if r, ok := res.dec.rejected(rank); ok {
			res.Rejected = append(res.Rejected, r)
		}
		return dst, false
	}
	e.Entity = f.Entity
	e.Code = ar.ex.Code
	e.Citation = ar.ex.Citation
	e.Operator = ar.rule.Operator
	e.Rule = ar.rule.Name
	e.Detector = f.Rule
	e.Confidence = math.Round(f.Score*100) / 100
	e.Chars = utf8.RuneCountInString(value)
	e.ValueHMAC = h
	if ex, ok := res.dec.code(rank); ok { // a reviewer changed the code
		e.Code, e.Citation, e.Operator = ex.Code, ex.Citation, OpBox
		return append(dst, renderBox(rq.box, ex, f.Entity)...), true
	}
	if ar.op == nil {
		return append(dst, ar.box...), true
	}
	mark := len(dst)
	out, err := ar.op.Apply(dst, f, value)
	if err != nil { // never let a detected span through
		e.Operator = OpBox
		return append(dst[:mark], ar.box...), true
	}
	return out, true
}

// redactText redacts plain text, locating each redaction by line and
// column (1-based; columns count characters).
func (rq *Request) redactText(res *Result, data []byte) error {
	text := string(data)
	fs := rq.red.Find(text)
	fs = rq.withManual(res, res.decPart, text, fs)
	if len(fs) == 0 {
		res.capture.add(res.decPart, text, nil)
		res.Output = data
		return nil
	}
	out := make([]byte, 0, len(text)+16*len(fs))
	res.Entries = make([]LogEntry, 0, len(fs))
	res.spans = make([]span, 0, len(fs))
	last := 0
	lc := newLineCol()
	var segSpans []SegmentSpan
	for _, f := range fs {
		if f.Start < last || f.End > len(text) {
			continue
		}
		line, col := lc.at(text, f.Start)
		e := LogEntry{Document: res.Document, Line: line, Column: col}
		out = append(out, text[last:f.Start]...)
		start := len(out)
		var ok bool
		out, ok = rq.replaceOne(res, out, f, text[f.Start:f.End], &e)
		if !ok {
			out = append(out, text[f.Start:f.End]...)
		} else {
			res.Entries = append(res.Entries, e)
			res.spans = append(res.spans, span{start, len(out)})
			segSpans = append(segSpans, SegmentSpan{Start: f.Start, End: f.End, Entry: len(res.Entries) - 1})
		}
		last = f.End
	}
	res.capture.add(res.decPart, text, segSpans)
	res.Output = append(out, text[last:]...)
	return nil
}

// reserve makes room for more entries in res before an append when its
// slices are full, extrapolating the final count from the share of the
// document done so far: plain doubling (1.25x for large slices) of
// 200-byte entries costs more than the redaction itself on dense records.
func (res *Result) reserve(done, total int) {
	n := len(res.Entries)
	if n < cap(res.Entries) && n < cap(res.spans) {
		return
	}
	want := 2*n + 16
	// Extrapolate only from a fair sample, and never past one entry per
	// 16 bytes (a box replaces at least a few characters and its row).
	if n >= 256 && done > 0 && done >= total/64 {
		if est := int(int64(n)*int64(total)/int64(done))*9/8 + 16; est > want {
			want = est
		}
	}
	if lim := total/16 + 16; want > lim {
		want = max(lim, n+n/4+16)
	}
	res.Entries = slices.Grow(res.Entries, want-n)
	res.spans = slices.Grow(res.spans, want-n)
}

// cellFindings finds personal data in one structured value (a JSON string
// or number, a CSV cell). The key or column name is put in front of the
// value while scanning so that context words in it count ("account: 1234
// 5678"), and a key that names personal data (KeyEntity) takes the whole
// value. buf is scratch space; the findings' offsets are into value.
func (rq *Request) cellFindings(buf []byte, key, value string) ([]redact.Finding, []byte) {
	if strings.TrimSpace(value) == "" {
		return nil, buf
	}
	if key != "" {
		var ent redact.Entity
		ok := false
		if len(rq.fields) > 0 {
			ent, ok = rq.fields[fieldKey(key)]
		}
		if !ok && rq.keyNames {
			ent, ok = redact.KeyEntity(key)
		}
		if ok && !looksRedacted(value) && !rq.allowVal[strings.TrimSpace(value)] && !rq.red.Allowed(value) {
			return []redact.Finding{{Entity: ent, Category: ent.Category(), Start: 0, End: len(value), Score: 1, Rule: "key." + string(ent)}}, buf
		}
	}
	if key == "" {
		return rq.red.Find(value), buf
	}
	buf = append(append(append(buf[:0], key...), ": "...), value...)
	fs := rq.red.FindBytes(buf)
	off := len(key) + 2
	n := 0
	for _, f := range fs {
		if f.Start < off {
			if f.End <= off {
				continue
			}
			f.Start = off
		}
		f.Start -= off
		f.End -= off
		fs[n] = f
		n++
	}
	if n == 0 {
		return nil, buf
	}
	return fs[:n], buf
}

// fieldKey normalises a key or column name: lower case, without '_',
// '-', '.' and spaces.
func fieldKey(k string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '_' || c == '-' || c == '.' || c == ' ':
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// looksRedacted reports whether a whole value is already a box, label,
// pseudonym or masked number, so that a second pass leaves it alone.
func looksRedacted(v string) bool {
	v = strings.TrimSpace(v)
	return len(v) >= 2 && v[0] == '[' && v[len(v)-1] == ']' || strings.Contains(v, "****")
}

// applyCell redacts one structured value; it returns the replacement text
// (or value itself when nothing is redacted), the entries (without their
// locations) and the spans of the replacements within the returned text.
func (rq *Request) applyCell(res *Result, fs []redact.Finding, value string) (string, []LogEntry, []span) {
	if len(fs) == 0 {
		return value, nil, nil
	}
	var entries []LogEntry
	var spans []span
	out := make([]byte, 0, len(value)+24*len(fs))
	last := 0
	for _, f := range fs {
		if f.Start < last || f.End > len(value) {
			continue
		}
		out = append(out, value[last:f.Start]...)
		start := len(out)
		e := LogEntry{Document: res.Document}
		var ok bool
		out, ok = rq.replaceOne(res, out, f, value[f.Start:f.End], &e)
		if !ok {
			out = append(out, value[f.Start:f.End]...)
		} else {
			entries = append(entries, e)
			spans = append(spans, span{start, len(out)})
		}
		last = f.End
	}
	if len(entries) == 0 {
		return value, nil, nil
	}
	out = append(out, value[last:]...)
	return string(out), entries, spans
}
