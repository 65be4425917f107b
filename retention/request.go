package retention

import (
	"fmt"
	"strings"
	"time"
)

// Outcome is what an erasure request did to one record.
type Outcome string

// The outcomes.
const (
	// OutcomeDisposed: the record was disposed of (deleted, anonymised or
	// crypto-shredded).
	OutcomeDisposed Outcome = "disposed"
	// OutcomeDeferred: a schedule still requires the record; it will be
	// disposed of at Until (zero when the date depends on an event that
	// has not happened yet).
	OutcomeDeferred Outcome = "deferred"
	// OutcomeRefused: a hold keeps the record.
	OutcomeRefused Outcome = "refused"
)

// HoldRef names a hold in results shown to the public: its ID and kind,
// never its reason or who placed it.
type HoldRef struct {
	ID   string   `json:"id"`
	Kind HoldKind `json:"kind"`
}

// ErasureItem is the outcome for one record.
type ErasureItem struct {
	Source   string  `json:"source"`
	RecordID string  `json:"record_id"`
	Category string  `json:"category"`
	Outcome  Outcome `json:"outcome"`
	// Action taken (disposed) or to be taken (deferred).
	Action Action `json:"action,omitempty"`
	// Until is when a deferred record will be disposed of; zero if unknown.
	Until time.Time `json:"until,omitzero"`
	// Rules and Citations that require keeping the record (deferred) or
	// chose the action (disposed).
	Rules     []string `json:"rules,omitempty"`
	Citations []string `json:"citations,omitempty"`
	// Holds that keep the record (refused).
	Holds []HoldRef `json:"holds,omitempty"`
	// Reason explains the outcome in one sentence.
	Reason string `json:"reason"`
}

// ErasureResult is the answer to a "delete my data" request, for a portal
// to show or mail. It names no personal data: records appear by source, ID
// and category only.
type ErasureResult struct {
	RequestID string        `json:"request_id"`
	At        time.Time     `json:"at"`
	Items     []ErasureItem `json:"items"`
}

// Count returns how many items had outcome o.
func (r *ErasureResult) Count(o Outcome) int {
	n := 0
	for _, it := range r.Items {
		if it.Outcome == o {
			n++
		}
	}
	return n
}

// Complete reports whether every record was disposed of.
func (r *ErasureResult) Complete() bool { return r.Count(OutcomeDisposed) == len(r.Items) }

// Text renders the result as a plain-text letter body.
func (r *ErasureResult) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Erasure request %s, processed %s.\n", r.RequestID, r.At.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "%d record(s) found: %d disposed of, %d kept for now because the law requires it, %d kept under a hold.\n",
		len(r.Items), r.Count(OutcomeDisposed), r.Count(OutcomeDeferred), r.Count(OutcomeRefused))
	for _, it := range r.Items {
		fmt.Fprintf(&b, "- %s %s (%s): ", it.Source, it.RecordID, it.Category)
		switch it.Outcome {
		case OutcomeDisposed:
			fmt.Fprintf(&b, "disposed of (%s)", it.Action)
		case OutcomeDeferred:
			if it.Until.IsZero() {
				b.WriteString("kept until an event the schedule names; it will then be disposed of")
			} else {
				fmt.Fprintf(&b, "kept until %s, then %s", it.Until.UTC().Format(time.DateOnly), it.Action)
			}
		case OutcomeRefused:
			b.WriteString("kept under ")
			for i, h := range it.Holds {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%s hold %s", strings.ReplaceAll(string(h.Kind), "_", " "), h.ID)
			}
		}
		if len(it.Citations) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(it.Citations, "; "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// ErasureItemFor turns a Decision made for an erasure request into an
// item. A record may be disposed of on request when no hold applies and
// its retention floor has passed (even if no rule would dispose of it yet);
// it is then disposed of with the decision's action, or deleted when only
// retention rules cover it. Uncovered records are deferred without a date:
// a records officer must classify them first. The holds slice resolves
// hold kinds.
func ErasureItemFor(r Record, d Decision, holds []Hold, now time.Time) ErasureItem {
	it := ErasureItem{Source: r.Source, RecordID: r.ID, Category: r.Category, Rules: d.Rules, Citations: d.Citations}
	switch {
	case d.Status == StatusHeld:
		it.Outcome = OutcomeRefused
		for _, id := range d.Holds {
			ref := HoldRef{ID: id}
			for _, h := range holds {
				if h.ID == id {
					ref.Kind = h.Kind
				}
			}
			it.Holds = append(it.Holds, ref)
		}
		it.Rules, it.Citations = nil, nil
		it.Reason = "kept under a hold"
	case d.Status == StatusUncovered:
		it.Outcome = OutcomeDeferred
		it.Reason = "the retention schedule does not cover this category yet; a records officer will review it"
	case d.Status == StatusAwaitingTrigger && d.KeepUntil.IsZero():
		it.Outcome = OutcomeDeferred
		it.Action = d.Action
		it.Reason = d.Reason
	case !d.KeepUntil.IsZero() && now.Before(d.KeepUntil):
		it.Outcome = OutcomeDeferred
		it.Until = d.KeepUntil
		it.Action = d.Action
		if !it.Action.Disposes() {
			it.Action = ActionDelete
		}
		it.Reason = "the retention schedule requires keeping it until " + d.KeepUntil.UTC().Format(time.DateOnly)
	default:
		it.Outcome = OutcomeDisposed
		it.Action = d.Action
		if !it.Action.Disposes() {
			it.Action = ActionDelete
		}
		it.Reason = "disposed of on request"
	}
	return it
}

// AccessRecord is one record in an access export: its fields as stored
// and what the schedule says about it.
type AccessRecord struct {
	ID       string         `json:"id"`
	Category string         `json:"category"`
	Fields   map[string]any `json:"fields"`
	Decision Decision       `json:"retention"`
}

// AccessSource is one source's records in an access export.
type AccessSource struct {
	Source  string         `json:"source"`
	Records []AccessRecord `json:"records"`
}

// AccessExport is the answer to a "show me my data" request: every record
// of one subject across the configured sources. Unlike everything else in
// this package it deliberately contains personal data: hand it only to
// the verified subject, and never log it.
type AccessExport struct {
	RequestID   string         `json:"request_id"`
	GeneratedAt time.Time      `json:"generated_at"`
	Sources     []AccessSource `json:"sources"`
}
