package records

import (
	"github.com/civickit/privacy/redact"

	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"
	"unicode/utf8"
)

// A review turns a request's proposed redactions into decisions: each
// proposal accepted or rejected (with a reason), redactions added by
// hand (a text selection or a box drawn on a page) and documents marked
// reviewed. Decisions are kept in a decisions file, so that a review can
// be stopped and resumed and a later run over the same inputs reproduces
// the same release (Request.Decide).
//
// A decisions file holds locations, entities and keyed hashes, never a
// withheld value. Each document's decisions are bound to the SHA-256 of
// its content; each proposal decision to the proposal's location, entity
// and keyed value hash. A decision that no longer matches its document
// (the document changed, or the request now proposes something else
// there) is never applied silently and never dropped: the document is
// withheld with ReasonStaleDecisions and the mismatches are listed. The
// file is sealed with a keyed MAC under the request's key, so that a file
// changed by hand is refused.

// DecisionsVersion is the version of the decisions file format.
const DecisionsVersion = 1

// ErrDecisions is wrapped by every error about a decisions file that
// cannot be used: malformed, of another version, sealed under another key
// or changed since it was sealed.
var ErrDecisions = errors.New("records: invalid decisions file")

// ReasonStaleDecisions withholds a document whose review decisions no
// longer match it.
const ReasonStaleDecisions Reason = "review decisions no longer match the document"

// Verdict is a clerk's decision on a proposed redaction.
type Verdict string

// The verdicts.
const (
	VerdictAccepted Verdict = "accepted" // the proposal is redacted
	VerdictRejected Verdict = "rejected" // the proposal is released
)

// Decision values in the redaction log (LogEntry.Decision): who or what
// decided each row.
const (
	// DecisionProposed: proposed by the detectors, redacted, never
	// reviewed.
	DecisionProposed = "proposed"
	// DecisionAccepted: proposed and accepted by a reviewer.
	DecisionAccepted = "proposed-accepted"
	// DecisionRejected: proposed and rejected by a reviewer; the value is
	// released and the row is not a redaction.
	DecisionRejected = "proposed-rejected"
	// DecisionManual: added by a reviewer.
	DecisionManual = "manual-added"
)

// EntityManual is the entity of a redaction added by hand.
const EntityManual redact.Entity = "manual"

// Limits on a decisions file.
const (
	maxDecisionsBytes = 64 << 20
	maxDecisionText   = 200 // characters of a reason or a reviewer's name
)

// Decisions are the review decisions of one request, by document name.
type Decisions struct {
	Version      int                           `json:"version"`
	Jurisdiction string                        `json:"jurisdiction"`
	Documents    map[string]*DocumentDecisions `json:"documents"`
	// MAC is the keyed MAC Request.SealDecisions computes over the rest.
	MAC string `json:"mac,omitempty"`
}

// DocumentDecisions are the decisions on one document.
type DocumentDecisions struct {
	// SHA256 is the hex SHA-256 of the document's content the decisions
	// were made on.
	SHA256 string `json:"sha256"`
	// Reviewed is set when a reviewer marked the whole document reviewed.
	Reviewed   bool      `json:"reviewed,omitempty"`
	ReviewedBy string    `json:"reviewed_by,omitempty"`
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`
	// Proposals hold one decision per decided proposal.
	Proposals []ProposalDecision `json:"proposals,omitempty"`
	// Added are the redactions added by hand.
	Added []ManualRedaction `json:"added,omitempty"`
}

// ProposalKey identifies a proposed redaction across runs: its location
// in the log (LogEntry.Location), entity and keyed value hash, and N, its
// rank among the proposals of the document with the same three (0 for
// the first), for two findings in one cell.
type ProposalKey struct {
	Location  string        `json:"location"`
	Entity    redact.Entity `json:"entity"`
	ValueHMAC string        `json:"value_hmac"`
	N         int           `json:"n,omitempty"`
}

// ProposalDecision accepts or rejects one proposal.
type ProposalDecision struct {
	ProposalKey
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason,omitempty"` // why a proposal was rejected
	// Code, on an accepted proposal, changes its exemption code: the
	// value is then boxed under this code.
	Code string    `json:"code,omitempty"`
	By   string    `json:"by,omitempty"`
	At   time.Time `json:"at,omitzero"`
}

// Rect is a rectangle on a page: in PDF points from the page's bottom
// left for a PDF page; in pixels from the top left for an image (Bottom
// is then the upper edge, the smaller y).
type Rect struct {
	Left, Bottom, Right, Top float64
}

// ManualRedaction is a redaction added by hand: either a text selection
// (Part and the byte offsets Start and End in that part's text, with the
// keyed hash of the selected text) or a box drawn on a PDF page (Part
// "page N", or the page's part inside a container, and Box) or on an
// image (Part "image").
type ManualRedaction struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`
	Part      string    `json:"part"`
	Start     int       `json:"start,omitempty"`
	End       int       `json:"end,omitempty"`
	ValueHMAC string    `json:"value_hmac,omitempty"`
	Box       *Rect     `json:"box,omitempty"`
	By        string    `json:"by,omitempty"`
	At        time.Time `json:"at,omitzero"`
}

// Key returns the key of a log entry given its rank among the entries of
// its document with the same location, entity and hash.
func (e LogEntry) Key(n int) ProposalKey {
	return ProposalKey{Location: e.Location(), Entity: e.Entity, ValueHMAC: e.ValueHMAC, N: n}
}

// ProposalKeys returns the key of each of a result's entries, in order.
func ProposalKeys(entries []LogEntry) []ProposalKey {
	seen := map[ProposalKey]int{}
	keys := make([]ProposalKey, len(entries))
	for i, e := range entries {
		k := e.Key(0)
		keys[i] = e.Key(seen[k])
		seen[k]++
	}
	return keys
}

// ContentHash returns the hex SHA-256 of a document's content, as
// DocumentDecisions.SHA256 holds it.
func ContentHash(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// NewDecisions returns empty decisions for a request under cat.
func NewDecisions(cat *Catalog) *Decisions {
	d := &Decisions{Version: DecisionsVersion, Documents: map[string]*DocumentDecisions{}}
	if cat != nil {
		d.Jurisdiction = cat.Jurisdiction
	}
	return d
}

func decErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrDecisions}, a...)...)
}

// ParseDecisions reads a decisions file and checks its structure (not its
// MAC: see Request.VerifyDecisions). Errors wrap ErrDecisions and never
// quote the file.
func ParseDecisions(data []byte) (*Decisions, error) {
	if len(data) > maxDecisionsBytes {
		return nil, decErr("file too large")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Decisions
	if err := dec.Decode(&d); err != nil {
		return nil, decErr("not a decisions file (malformed JSON)")
	}
	if dec.More() {
		return nil, decErr("trailing data after the decisions")
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// Validate checks the structure of decisions.
func (d *Decisions) Validate() error {
	if d.Version != DecisionsVersion {
		return decErr("version %d, want %d", d.Version, DecisionsVersion)
	}
	if d.Documents == nil {
		d.Documents = map[string]*DocumentDecisions{}
	}
	okText := func(s string) bool { return utf8.ValidString(s) && utf8.RuneCountInString(s) <= maxDecisionText }
	isHex := func(s string, n int) bool {
		if len(s) != n {
			return false
		}
		_, err := hex.DecodeString(s)
		return err == nil
	}
	for name, dd := range d.Documents {
		if dd == nil || name == "" || !utf8.ValidString(name) {
			return decErr("a document entry is empty or unnamed")
		}
		if !isHex(dd.SHA256, 64) {
			return decErr("a document's sha256 is not 64 hex digits")
		}
		if !okText(dd.ReviewedBy) {
			return decErr("a reviewer's name is too long or not UTF-8")
		}
		seen := map[ProposalKey]bool{}
		for _, p := range dd.Proposals {
			if p.Verdict != VerdictAccepted && p.Verdict != VerdictRejected {
				return decErr("a proposal's verdict is neither accepted nor rejected")
			}
			if p.Code != "" && (p.Verdict != VerdictAccepted || !okText(p.Code)) {
				return decErr("a proposal's code is set on a rejected proposal or too long")
			}
			if p.Location == "" && p.Entity == "" || p.N < 0 || !okText(p.Reason) || !okText(p.By) ||
				!utf8.ValidString(p.Location) || (p.ValueHMAC != "" && !isHex(p.ValueHMAC, 2*hashLen)) {
				return decErr("a proposal decision is malformed")
			}
			if seen[p.ProposalKey] {
				return decErr("a proposal is decided twice")
			}
			seen[p.ProposalKey] = true
		}
		ids := map[string]bool{}
		for _, m := range dd.Added {
			if m.ID == "" || ids[m.ID] || !okText(m.ID) || m.Code == "" || !okText(m.Code) || !okText(m.By) || !utf8.ValidString(m.Part) {
				return decErr("an added redaction has no id, a repeated id or no code")
			}
			ids[m.ID] = true
			if m.Box != nil {
				b := *m.Box
				for _, v := range []float64{b.Left, b.Bottom, b.Right, b.Top} {
					if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
						return decErr("an added box is out of range")
					}
				}
				if !(b.Right > b.Left && b.Top > b.Bottom) || m.Start != 0 || m.End != 0 || m.Part == "" {
					return decErr("an added box is empty or has text offsets")
				}
				continue
			}
			if m.Start < 0 || m.End <= m.Start || m.End > maxViewBytes<<4 || !isHex(m.ValueHMAC, 2*hashLen) {
				return decErr("an added text redaction has bad offsets or no value hash")
			}
		}
	}
	return nil
}

// macDomain separates the decisions file's MAC from every other use of
// the request's key.
const macDomain = "civickit/redact/decisions/v1\x00"

func (rq *Request) decisionsMAC(d *Decisions) ([]byte, error) {
	c := *d
	c.MAC = ""
	body, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("records: decisions: %w", err)
	}
	out, err := rq.key.ComputePrimaryPRF(append([]byte(macDomain), body...), 32)
	if err != nil {
		return nil, fmt.Errorf("records: decisions MAC: %w", err)
	}
	return out, nil
}

// SealDecisions sets the decisions' MAC under the request's key.
func (rq *Request) SealDecisions(d *Decisions) error {
	m, err := rq.decisionsMAC(d)
	if err != nil {
		return err
	}
	d.MAC = hex.EncodeToString(m)
	return nil
}

// VerifyDecisions checks decisions' structure, jurisdiction and MAC: it
// refuses a file sealed under another key, changed since it was sealed,
// or made under another catalog.
func (rq *Request) VerifyDecisions(d *Decisions) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Jurisdiction != rq.cat.Jurisdiction {
		return decErr("made under the %q catalog, not %q", d.Jurisdiction, rq.cat.Jurisdiction)
	}
	want, err := rq.decisionsMAC(d)
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(d.MAC)
	if err != nil || !hmac.Equal(got, want) {
		return decErr("the MAC does not match: the file was changed outside a review, or sealed under another key")
	}
	for _, dd := range d.Documents {
		for _, m := range dd.Added {
			if _, ok := rq.cat.Exemption(m.Code); !ok {
				return decErr("an added redaction's code %q is not in the catalog", m.Code)
			}
		}
		for _, p := range dd.Proposals {
			if _, ok := rq.cat.Exemption(p.Code); p.Code != "" && !ok {
				return decErr("a proposal's code %q is not in the catalog", p.Code)
			}
		}
	}
	return nil
}

// LoadDecisions reads, checks and verifies a decisions file.
func (rq *Request) LoadDecisions(path string) (*Decisions, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("records: reading decisions: %w", err)
	}
	d, err := ParseDecisions(data)
	if err != nil {
		return nil, err
	}
	if err := rq.VerifyDecisions(d); err != nil {
		return nil, err
	}
	return d, nil
}

// WriteDecisions seals d and writes it to path atomically (a temp file in
// the same folder, synced, then renamed) with mode 0600.
func (rq *Request) WriteDecisions(path string, d *Decisions) error {
	if err := rq.SealDecisions(d); err != nil {
		return err
	}
	body, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("records: decisions: %w", err)
	}
	return writeFileAtomic(path, append(body, '\n'), 0o600)
}

// writeFileAtomic writes data to path through a temp file and a rename.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("records: writing %s: %w", filepath.Base(path), err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, mode)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("records: writing %s: %w", filepath.Base(path), err)
	}
	return nil
}

// Decide sets the verdict on a proposal, replacing an earlier one.
func (dd *DocumentDecisions) Decide(p ProposalDecision) {
	for i := range dd.Proposals {
		if dd.Proposals[i].ProposalKey == p.ProposalKey {
			dd.Proposals[i] = p
			return
		}
	}
	dd.Proposals = append(dd.Proposals, p)
}

// Undecide removes the verdict on a proposal.
func (dd *DocumentDecisions) Undecide(k ProposalKey) {
	dd.Proposals = slices.DeleteFunc(dd.Proposals, func(p ProposalDecision) bool { return p.ProposalKey == k })
}

// Verdict returns the decision on a proposal, if any.
func (dd *DocumentDecisions) Verdict(k ProposalKey) (ProposalDecision, bool) {
	if dd == nil {
		return ProposalDecision{}, false
	}
	for _, p := range dd.Proposals {
		if p.ProposalKey == k {
			return p, true
		}
	}
	return ProposalDecision{}, false
}

// Remove removes an added redaction by id and reports whether it was
// there.
func (dd *DocumentDecisions) Remove(id string) bool {
	n := len(dd.Added)
	dd.Added = slices.DeleteFunc(dd.Added, func(m ManualRedaction) bool { return m.ID == id })
	return len(dd.Added) < n
}

// Clone returns a deep copy of d.
func (d *Decisions) Clone() *Decisions {
	c := *d
	c.Documents = make(map[string]*DocumentDecisions, len(d.Documents))
	for name, dd := range d.Documents {
		x := *dd
		x.Proposals = slices.Clone(dd.Proposals)
		x.Added = slices.Clone(dd.Added)
		for i, m := range x.Added {
			if m.Box != nil {
				b := *m.Box
				x.Added[i].Box = &b
			}
		}
		c.Documents[name] = &x
	}
	return &c
}
