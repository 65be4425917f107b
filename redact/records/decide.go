package records

import (
	"github.com/civickit/privacy/redact"

	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// StaleDecision is a decision that no longer matches its document. It
// holds locations and keys, never a value.
type StaleDecision struct {
	Kind string `json:"kind"` // "document", "proposal" or "added"
	// Key is the proposal decided on (Kind "proposal").
	Key ProposalKey `json:"key,omitzero"`
	// ID and Part locate an added redaction (Kind "added").
	ID   string `json:"id,omitempty"`
	Part string `json:"part,omitempty"`
	// Why says what does not match.
	Why string `json:"why"`
}

// StaleError is returned by Request.Decide when a document's decisions no
// longer match it. It unwraps to a *WithheldError with
// ReasonStaleDecisions, so that the document is withheld.
type StaleError struct {
	Withheld *WithheldError
	Stale    []StaleDecision
}

// Error returns the withheld error's message: the document and the
// number of stale decisions, no value.
func (e *StaleError) Error() string { return e.Withheld.Error() }

// Unwrap returns the *WithheldError.
func (e *StaleError) Unwrap() error { return e.Withheld }

// decideState carries a document's decisions through one redaction.
type decideState struct {
	doc   *DocumentDecisions
	verd  map[int]*ProposalDecision // by proposal rank
	first []LogEntry                // the proposals of the first pass
	text  map[string][]*ManualRedaction
	boxes map[string][]*ManualRedaction
	used  map[string]bool // added redactions applied, by id
	// pending are the spans of boxes drawn on a PDF page, for the page's
	// segment.
	pending map[string][]manualSpan
	stale   []StaleDecision
	key     func(string) (string, error)
	codeOf  func(code string) (Exemption, bool)
}

// Decide redacts a document as Document does, with a reviewer's decisions
// on it: rejected proposals are released, accepted ones redacted, and the
// redactions added by hand are made. Entries record who decided
// (LogEntry.Decision); Result.Rejected lists the rejected proposals. A
// nil d is Document with every entry marked DecisionProposed.
//
// When the decisions no longer match the document (its content changed,
// a decided proposal is no longer proposed, an added text selection's
// text changed), nothing is applied: the error is a *StaleError, which is
// a *WithheldError, and the document must not be released.
func (rq *Request) Decide(name string, data []byte, d *DocumentDecisions) (*Result, error) {
	res, err := rq.decide(name, data, d)
	rq.tel.observe(res, err)
	return res, err
}

// decide is Decide without the metrics.
func (rq *Request) decide(name string, data []byte, d *DocumentDecisions) (*Result, error) {
	if d == nil {
		res, err := rq.document(name, data)
		if err != nil {
			return nil, err
		}
		for i := range res.Entries {
			res.Entries[i].Decision = DecisionProposed
		}
		return res, nil
	}
	stale := func(s []StaleDecision) error {
		return &StaleError{Withheld: withheld(name, ReasonStaleDecisions, fmt.Sprintf("%d decisions", len(s))), Stale: s}
	}
	if ContentHash(data) != d.SHA256 {
		return nil, stale([]StaleDecision{{Kind: "document", Why: "the document's content changed since it was reviewed"}})
	}
	if len(d.Proposals) == 0 && len(d.Added) == 0 { // reviewed, nothing changed: one pass
		return rq.decide(name, data, nil)
	}
	first, err := rq.document(name, data)
	if err != nil {
		return nil, err
	}
	st := &decideState{doc: d, verd: map[int]*ProposalDecision{}, first: first.Entries,
		text: map[string][]*ManualRedaction{}, boxes: map[string][]*ManualRedaction{}, used: map[string]bool{},
		key: rq.HashValue, codeOf: rq.cat.Exemption}
	rank := map[ProposalKey]int{}
	for i, k := range ProposalKeys(first.Entries) {
		rank[k] = i
	}
	for i := range d.Proposals {
		p := &d.Proposals[i]
		r, ok := rank[p.ProposalKey]
		if !ok {
			st.stale = append(st.stale, StaleDecision{Kind: "proposal", Key: p.ProposalKey, Why: "not proposed any more"})
			continue
		}
		st.verd[r] = p
	}
	for _, p := range d.Proposals {
		if _, ok := rq.cat.Exemption(p.Code); p.Code != "" && !ok {
			st.stale = append(st.stale, StaleDecision{Kind: "proposal", Key: p.ProposalKey, Why: "code not in the catalog"})
		}
	}
	for i := range d.Added {
		m := &d.Added[i]
		if _, ok := rq.cat.Exemption(m.Code); !ok {
			st.stale = append(st.stale, StaleDecision{Kind: "added", ID: m.ID, Part: m.Part, Why: "code not in the catalog"})
			continue
		}
		if m.Box != nil {
			st.boxes[m.Part] = append(st.boxes[m.Part], m)
		} else {
			st.text[m.Part] = append(st.text[m.Part], m)
		}
	}
	if len(st.stale) > 0 {
		return nil, stale(st.stale)
	}
	res := &Result{Document: name, dec: st}
	format, ok := DetectFormat(name, data)
	if !ok { // Document would have failed
		return nil, withheld(name, ReasonUnsupported, typeDetail(name, data))
	}
	res.Format = format
	out, err := rq.redactAs(res, "", format, data)
	res.hashes = nil
	if err != nil {
		return nil, err
	}
	res.Output = out
	for _, m := range d.Added {
		if !st.used[m.ID] {
			why := "its part was not found"
			if m.Box == nil {
				why = "its part was not found, or its text changed"
			}
			st.stale = append(st.stale, StaleDecision{Kind: "added", ID: m.ID, Part: m.Part, Why: why})
		}
	}
	if len(st.stale) > 0 {
		return nil, stale(st.stale)
	}
	res.dec = nil
	return res, nil
}

// decide is called for each proposal, in document order, with its rank;
// it reports whether the proposal is released (rejected) and marks the
// entry with the decision.
func (st *decideState) decide(rank int, e *LogEntry) (release bool) {
	if st == nil {
		return false
	}
	p := st.verd[rank]
	switch {
	case p == nil:
		e.Decision = DecisionProposed
	case p.Verdict == VerdictRejected:
		return true
	default:
		e.Decision, e.DecidedBy = DecisionAccepted, p.By
	}
	return false
}

// code returns the exemption a reviewer gave an accepted proposal of
// rank r instead of its own, if any.
func (st *decideState) code(r int) (Exemption, bool) {
	if st == nil {
		return Exemption{}, false
	}
	p := st.verd[r]
	if p == nil || p.Verdict != VerdictAccepted || p.Code == "" {
		return Exemption{}, false
	}
	return st.codeOf(p.Code)
}

// rejected returns the log row of a rejected proposal of rank r.
func (st *decideState) rejected(r int) (LogEntry, bool) {
	p := st.verd[r]
	if p == nil || p.Verdict != VerdictRejected || r >= len(st.first) {
		return LogEntry{}, false
	}
	e := st.first[r]
	e.Decision, e.DecidedBy, e.DecisionReason = DecisionRejected, p.By, p.Reason
	e.Operator = OpKeep
	return e, true
}

// manualFindings returns the added redactions of a part as findings
// (entity EntityManual, rule "manual:<index>"), checking each one's text
// against its keyed hash; extra adds spans of boxes drawn on a page.
func (st *decideState) manualFindings(part, text string, extra []manualSpan) []manualSpan {
	if st == nil {
		return extra
	}
	var out []manualSpan
	for _, m := range st.text[part] {
		if m.End > len(text) || !utf8.ValidString(text[m.Start:m.End]) {
			continue
		}
		if h, err := st.key(text[m.Start:m.End]); err != nil || h != m.ValueHMAC {
			continue
		}
		out = append(out, manualSpan{m.Start, m.End, m})
	}
	out = append(out, extra...)
	slices.SortFunc(out, func(a, b manualSpan) int { return a.start - b.start })
	return out
}

// manualSpan is an added redaction's byte range in a segment's text.
type manualSpan struct {
	start, end int
	m          *ManualRedaction
}

// mergeManual merges added redactions into a segment's findings: a
// finding that overlaps an added span is swallowed by it (the span grows
// to cover it), and is reported through swallowed so that its rank is
// still counted.
func mergeManual(fs []redact.Finding, ms []manualSpan) (out []redact.Finding, swallowed []redact.Finding) {
	if len(ms) == 0 {
		return fs, nil
	}
	// Grow each manual span over the findings it overlaps, then join
	// overlapping manual spans.
	type mf struct {
		start, end int
		ids        []*ManualRedaction
	}
	var mans []mf
	for _, s := range ms {
		mans = append(mans, mf{s.start, s.end, []*ManualRedaction{s.m}})
	}
	changed := true
	for changed {
		changed = false
		for i := range mans {
			for _, f := range fs {
				if f.Start < mans[i].end && f.End > mans[i].start && (f.Start < mans[i].start || f.End > mans[i].end) {
					mans[i].start, mans[i].end = min(mans[i].start, f.Start), max(mans[i].end, f.End)
					changed = true
				}
			}
		}
		slices.SortFunc(mans, func(a, b mf) int { return a.start - b.start })
		for i := 0; i+1 < len(mans); i++ {
			if mans[i+1].start < mans[i].end {
				mans[i].end = max(mans[i].end, mans[i+1].end)
				mans[i].ids = append(mans[i].ids, mans[i+1].ids...)
				mans = slices.Delete(mans, i+1, i+2)
				changed = true
				i--
			}
		}
	}
	for _, f := range fs {
		inside := false
		for _, m := range mans {
			if f.Start < m.end && f.End > m.start {
				inside = true
				break
			}
		}
		if inside {
			swallowed = append(swallowed, f)
		} else {
			out = append(out, f)
		}
	}
	for _, m := range mans {
		ids := make([]string, len(m.ids))
		for i, x := range m.ids {
			ids[i] = x.ID
		}
		out = append(out, redact.Finding{Entity: EntityManual, Start: m.start, End: m.end, Score: 1,
			Rule: "manual:" + strings.Join(ids, ",")})
	}
	slices.SortFunc(out, func(a, b redact.Finding) int { return a.Start - b.Start })
	return out, swallowed
}

// manualReplace appends the box of an added redaction (finding f from
// mergeManual) and fills its log entry.
func (rq *Request) manualReplace(res *Result, dst []byte, f redact.Finding, value string, e *LogEntry) []byte {
	st := res.dec
	ids := strings.Split(strings.TrimPrefix(f.Rule, "manual:"), ",")
	var m *ManualRedaction
	for _, id := range ids {
		st.used[id] = true
		if m == nil {
			for i := range st.doc.Added {
				if st.doc.Added[i].ID == id {
					m = &st.doc.Added[i]
				}
			}
		}
	}
	ex, _ := rq.cat.Exemption(m.Code)
	h, _ := rq.HashValue(value)
	e.Entity = EntityManual
	e.Code = ex.Code
	e.Citation = ex.Citation
	e.Operator = OpBox
	e.Rule = "manual"
	e.Detector = "manual"
	if m.Box != nil {
		e.Detector = "manual.box"
	}
	e.Confidence = 1
	e.Chars = utf8.RuneCountInString(value)
	e.ValueHMAC = h
	e.Decision, e.DecidedBy = DecisionManual, m.By
	return append(dst, renderBox(rq.box, ex, EntityManual)...)
}
