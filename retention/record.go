package retention

import "time"

// Record is what the evaluator knows about one stored record: where it is,
// what kind of record it is, whose it is and when things happened to it.
// It carries no record content.
type Record struct {
	// Source names where the record is stored (a table, a bucket).
	Source string `json:"source"`
	// ID identifies the record within Source.
	ID string `json:"id"`
	// Category is the record's data category, for example "payment.card".
	Category string `json:"category"`
	// Subject identifies the person the record is about (an account or
	// subject ID, not a name or e-mail address); empty if none.
	Subject string `json:"-"`
	// Created is when the record was created. Required.
	Created time.Time `json:"created"`
	// LastActivity is the last time the record (or its account) was used;
	// zero means never since creation.
	LastActivity time.Time `json:"last_activity,omitzero"`
	// Closed is when the account the record belongs to was closed; zero
	// means still open.
	Closed time.Time `json:"closed,omitzero"`
	// Events holds named events (for TriggerEvent rules), such as
	// "transaction" or "superseded"; a missing event has not happened.
	Events map[string]time.Time `json:"events,omitempty"`
}

// String identifies the record without its subject.
func (r Record) String() string { return r.Source + "/" + r.ID + " (" + r.Category + ")" }

// GoString is String, so %#v prints no subject either.
func (r Record) GoString() string { return "retention.Record{" + r.String() + "}" }

// triggerTime returns when tr happened for r, or false if it has not.
func (r *Record) triggerTime(tr Trigger, event string) (time.Time, bool) {
	switch tr {
	case TriggerCreated:
		return r.Created, !r.Created.IsZero()
	case TriggerLastActivity:
		if r.LastActivity.After(r.Created) {
			return r.LastActivity, true
		}
		return r.Created, !r.Created.IsZero()
	case TriggerAccountClosed:
		return r.Closed, !r.Closed.IsZero()
	case TriggerEvent:
		t, ok := r.Events[event]
		return t, ok && !t.IsZero()
	}
	return time.Time{}, false
}
