package consent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"
)

// A person groups subjects. A resident's e-mail address, phone number and
// the browsers they use are separate subjects, each with its own chain;
// once the resident has proved control of them (through a portal account
// whose contact points are verified, or in person at a counter), Link
// records that they are one person, so that the city can withdraw every
// consent, forget, or export per person rather than per contact point.
//
// A person id is an opaque random id ("p" and 26 base32 characters,
// NewPersonID), never PII and no function of the subjects. A person has no
// row of its own: it is the set of subjects whose latest link names it.
// The links are evidence, so they are events in each subject's own hash
// chain (type Linked or Unlinked, purpose PersonPurpose, the person id in
// Detail): VerifyChain, checkpoints and audits cover them, and they are
// never rewritten. They are not consent, so Statuses, MayContact, receipts
// and records leave them out (History and ISOReceipt's event list show
// them).

// PersonPurpose is the purpose of link events (Linked, Unlinked). No
// declared purpose may use it, and Record and Import refuse events for it.
const PersonPurpose = "consent:person"

// ErrLinked means Ledger.Link was asked to link a subject that belongs to
// another person. Nothing changed; Ledger.Person names the other person.
// Unlink it from that person first.
var ErrLinked = errors.New("consent: subject belongs to another person")

// ErrNoPerson means the person has no subjects: it was never linked, or
// every subject was unlinked.
var ErrNoPerson = errors.New("consent: person has no subjects")

var errLinkEvent = fmt.Errorf("%w: link events and purpose %s are recorded by Ledger.Link and Ledger.Unlink only", ErrBadEvent, PersonPurpose)

// PersonLinker is an optional interface for a Store that groups subjects
// into persons (Ledger.Link, Unlink, Person, PersonSubjects and the
// person-wide operations need it). Both stores in this module implement
// it; consenttest checks it.
type PersonLinker interface {
	// AppendLinks appends link events (type Linked or Unlinked, purpose
	// PersonPurpose, an empty channel, the person id in Detail), at most
	// one per subject, in one transaction, all or nothing. Under the lock
	// that serialises Appends for each event's subject it reads the
	// subject's person (the Detail of its latest PersonPurpose event, if
	// that event is Linked) and appends a Linked event if the subject has
	// no person, skips it if the person is the event's, and refuses it
	// with ErrLinked if the person is another; it appends an Unlinked
	// event if the subject's person is the event's and skips it
	// otherwise. An unknown subject is refused with ErrNotFound, a
	// forgotten one with ErrForgotten, and a second event for one subject
	// with ErrBadEvent. A refusal appends nothing and is a
	// *BatchError naming the first event refused. Events are sealed and
	// chained as Append does. It returns the events appended, in the
	// order given.
	AppendLinks(ctx context.Context, events []Event) ([]Event, error)
	// PersonSubjects returns, in ascending order, the ids of the subjects
	// whose latest PersonPurpose event is a Linked event naming person.
	PersonSubjects(ctx context.Context, person string) ([]string, error)
}

// NewPersonID returns a new person id: "p" and 26 characters of base32
// over 128 random bits.
func NewPersonID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("consent: person id: %w", err)
	}
	return "p" + subjectEnc.EncodeToString(b[:]), nil
}

// LinkOf returns the person id a link event names and whether e is a link
// event (type Linked or Unlinked, purpose PersonPurpose).
func LinkOf(e Event) (person string, ok bool) {
	if e.Purpose != PersonPurpose || (e.Type != Linked && e.Type != Unlinked) {
		return "", false
	}
	return e.Detail, true
}

func (l *Ledger) linker() (PersonLinker, error) {
	pl, ok := l.store.(PersonLinker)
	if !ok {
		return nil, fmt.Errorf("consent: the store cannot link subjects to persons: %w", errors.ErrUnsupported)
	}
	return pl, nil
}

// checkLink validates a link's caller-supplied fields.
func checkLink(person string, method Method, actor string) error {
	if !validSubjectID(person) {
		return fmt.Errorf("%w: a person id is 1-64 of [A-Za-z0-9_-]", ErrBadEvent)
	}
	if !method.Valid() {
		return fmt.Errorf("%w: unknown method", ErrBadEvent)
	}
	if actor == "" || len(actor) > 128 {
		return fmt.Errorf("%w: an actor is 1-128 printable ASCII characters", ErrBadEvent)
	}
	for i := 0; i < len(actor); i++ {
		if actor[i] < 0x20 || actor[i] > 0x7e {
			return fmt.Errorf("%w: an actor is 1-128 printable ASCII characters", ErrBadEvent)
		}
	}
	return nil
}

func (l *Ledger) linkEvent(typ EventType, person, subject string, method Method, actor string, now time.Time) Event {
	return Event{Subject: subject, Type: typ, Purpose: PersonPurpose, Method: method, Actor: actor,
		Detail: person, OccurredAt: now, RecordedAt: now}
}

// Link records that subjects belong to person (a NewPersonID, or the id of
// a person that already has subjects), in one transaction: all are linked
// or none. Link only subjects whose contact points the resident has proved
// control of (verified e-mail address and phone number of one portal
// account, or documents checked at a counter); method and actor say how
// and by whom (WebForm and "subject", or StaffAction and a staff id), and
// the Linked events are that proof in each subject's chain.
//
// A subject already linked to person is left alone. Link fails, linking
// none, with ErrLinked if a subject belongs to another person, ErrNotFound
// if one does not exist and ErrForgotten if one was forgotten (wrapped in
// a *BatchError naming it), and with an error wrapping
// errors.ErrUnsupported if the store is not a PersonLinker. It returns the
// Linked events recorded.
func (l *Ledger) Link(ctx context.Context, person string, subjects []string, method Method, actor string) ([]Event, error) {
	pl, err := l.linker()
	if err != nil {
		return nil, err
	}
	if err := checkLink(person, method, actor); err != nil {
		return nil, err
	}
	if len(subjects) == 0 {
		return nil, fmt.Errorf("%w: Link needs at least one subject", ErrBadEvent)
	}
	now := l.now()
	var events []Event
	seen := map[string]bool{}
	for _, s := range subjects {
		if !validSubjectID(s) {
			return nil, fmt.Errorf("%w: a subject id is 1-64 of [A-Za-z0-9_-]", ErrBadEvent)
		}
		if seen[s] {
			continue
		}
		seen[s] = true
		events = append(events, l.linkEvent(Linked, person, s, method, actor, now))
	}
	stored, err := pl.AppendLinks(ctx, events)
	if err != nil {
		return nil, err
	}
	l.tel.appended(ctx, stored...)
	return stored, nil
}

// Unlink records that subject no longer belongs to person, for a resident
// who removed a contact point from their account. It returns false, and
// records nothing, if the subject does not belong to person. It returns
// ErrNotFound for an unknown subject and ErrForgotten for a forgotten one
// (a forgotten subject stays linked: its links are part of the proof its
// chain keeps).
func (l *Ledger) Unlink(ctx context.Context, person, subject string, method Method, actor string) (bool, error) {
	pl, err := l.linker()
	if err != nil {
		return false, err
	}
	if err := checkLink(person, method, actor); err != nil {
		return false, err
	}
	if !validSubjectID(subject) {
		return false, ErrNotFound
	}
	stored, err := pl.AppendLinks(ctx, []Event{l.linkEvent(Unlinked, person, subject, method, actor, l.now())})
	var be *BatchError
	if errors.As(err, &be) {
		err = be.Err
	}
	if err != nil {
		return false, err
	}
	l.tel.appended(ctx, stored...)
	return len(stored) == 1, nil
}

// Person returns the id of the person subject belongs to, or "" if it
// belongs to none. It returns ErrNotFound for an unknown subject.
func (l *Ledger) Person(ctx context.Context, subject string) (string, error) {
	if _, err := l.store.Subject(ctx, subject); err != nil {
		return "", err
	}
	e, err := l.store.Latest(ctx, subject, PersonPurpose, "")
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if e.Type != Linked {
		return "", nil
	}
	return e.Detail, nil
}

// PersonSubjects returns the ids of the subjects that belong to person, in
// ascending order: empty if it has none. Forgotten subjects stay on the
// list.
func (l *Ledger) PersonSubjects(ctx context.Context, person string) ([]string, error) {
	pl, err := l.linker()
	if err != nil {
		return nil, err
	}
	if !validSubjectID(person) {
		return nil, nil
	}
	return pl.PersonSubjects(ctx, person)
}

// personSubjects is PersonSubjects, failing with ErrNoPerson for a person
// without subjects.
func (l *Ledger) personSubjects(ctx context.Context, person string) ([]string, error) {
	ids, err := l.PersonSubjects(ctx, person)
	if err == nil && len(ids) == 0 {
		err = ErrNoPerson
	}
	return ids, err
}

// kindChannels are the channels that reach a contact point of each kind.
var kindChannels = map[ContactKind][]Channel{
	ContactEmail:  {Email},
	ContactPhone:  {SMS, Phone},
	ContactPostal: {Postal},
	ContactDevice: {Web},
}

// WithdrawPerson withdraws everything the person agreed to: it records a
// Withdrawn event for every purpose and channel in force on every subject
// of the person (every pair whose status is not already withdrawn, revoked
// or expired), and an objection (a Withdrawn event) to every declared
// OptOut purpose on the channels of each subject's contact point (e-mail,
// SMS and phone, postal, web for a device) that has no event yet, since an
// OptOut purpose allows contact until the subject objects. When the store
// is a BatchAppender the withdrawals are one transaction, all or nothing;
// otherwise they are recorded one at a time, and a failure leaves those
// before it (call WithdrawPerson again: it is idempotent). Method, actor
// and detail are as for Withdraw. It returns the events recorded, and
// ErrNoPerson if the person has no subjects.
func (l *Ledger) WithdrawPerson(ctx context.Context, person string, method Method, actor, detail string) ([]Event, error) {
	ids, err := l.personSubjects(ctx, person)
	if err != nil {
		return nil, err
	}
	var events []Event
	for _, id := range ids {
		rec, err := l.store.Subject(ctx, id)
		if err != nil {
			return nil, err
		}
		sts, err := l.Statuses(ctx, id)
		if err != nil {
			return nil, err
		}
		type pair struct {
			p string
			c Channel
		}
		has := map[pair]bool{}
		w := func(purpose string, ch Channel) {
			events = append(events, Event{Subject: id, Type: Withdrawn, Purpose: purpose, Channel: ch,
				Method: method, Actor: actor, Detail: detail})
		}
		for _, s := range sts {
			has[pair{s.Purpose, s.Channel}] = true
			if s.Status == StatusWithdrawn || s.Status == StatusRevoked || s.Status == StatusExpired {
				continue
			}
			w(s.Purpose, s.Channel)
		}
		for _, p := range l.opts.Purposes {
			if !p.OptOut {
				continue
			}
			for _, ch := range kindChannels[rec.Kind] {
				if !has[pair{p.ID, ch}] {
					w(p.ID, ch)
				}
			}
		}
	}
	if len(events) == 0 {
		return nil, nil
	}
	if _, ok := l.store.(BatchAppender); ok {
		return l.Import(ctx, events)
	}
	out := make([]Event, 0, len(events))
	for _, e := range events {
		got, err := l.Record(ctx, e)
		if err != nil {
			return out, err
		}
		out = append(out, got)
	}
	return out, nil
}

// ForgetPerson forgets every subject of the person: it withdraws
// everything (WithdrawPerson), then calls Forget for each subject, which
// withdraws whatever was recorded meanwhile and shreds the subject's
// contact point. The links stay, like every event: the person's subjects
// can still be listed and exported, but hold no contact data. It is
// idempotent: if it fails part way, call it again. It returns ErrNoPerson
// if the person has no subjects.
func (l *Ledger) ForgetPerson(ctx context.Context, person string, method Method, actor string) error {
	ids, err := l.personSubjects(ctx, person)
	if err != nil {
		return err
	}
	if _, err := l.WithdrawPerson(ctx, person, method, actor, "subject asked to be forgotten"); err != nil {
		return err
	}
	for _, id := range ids {
		if err := l.Forget(ctx, id, method, actor); err != nil {
			return err
		}
	}
	return nil
}

// PersonRecordExport is a person's whole consent history as ISO/IEC TS
// 27560 consent records, for an access request: one RecordExport per
// subject of the person, and the link events that make them one person.
// It holds no contact data: the person and its subjects are opaque ids.
type PersonRecordExport struct {
	SchemaVersion string     `json:"schema_version"`
	PersonID      string     `json:"person_id"`
	Generated     time.Time  `json:"generated"`
	Controller    Controller `json:"pii_controller"`
	// Links are the Linked and Unlinked events naming the person in the
	// chains of its current subjects, oldest first.
	Links []PersonLink `json:"links"`
	// Subjects are the records of each subject, in the order of
	// PersonSubjects.
	Subjects []RecordExport `json:"subjects"`
}

// PersonLink is a link event in a PersonRecordExport.
type PersonLink struct {
	Subject    string    `json:"subject"`
	Seq        int64     `json:"seq"`
	Type       EventType `json:"event_type"`
	Method     Method    `json:"method"`
	Actor      string    `json:"actor"`
	OccurredAt time.Time `json:"event_time"`
	RecordedAt time.Time `json:"recorded_time"`
	Hash       string    `json:"hash"`
}

// ExportPersonRecords returns the person's consent history: ExportRecords
// for each of its subjects, forgotten ones included, and the links. Its
// JSON conforms to consent-person-records.schema.json (RecordSchemas). It
// returns ErrNoPerson if the person has no subjects.
func (l *Ledger) ExportPersonRecords(ctx context.Context, person string) (PersonRecordExport, error) {
	if l.opts.Controller.Name == "" {
		return PersonRecordExport{}, errors.New("consent: ExportPersonRecords needs Options.Controller with a Name")
	}
	ids, err := l.personSubjects(ctx, person)
	if err != nil {
		return PersonRecordExport{}, err
	}
	x := PersonRecordExport{
		SchemaVersion: RecordSchemaVersion, PersonID: person, Generated: l.now(), Controller: l.opts.Controller,
		Links: []PersonLink{}, Subjects: make([]RecordExport, 0, len(ids)),
	}
	for _, id := range ids {
		r, err := l.ExportRecords(ctx, id)
		if err != nil {
			return PersonRecordExport{}, err
		}
		x.Subjects = append(x.Subjects, r)
		events, err := l.store.Events(ctx, id)
		if err != nil {
			return PersonRecordExport{}, err
		}
		for _, e := range events {
			if p, ok := LinkOf(e); ok && p == person {
				x.Links = append(x.Links, PersonLink{Subject: id, Seq: e.Seq, Type: e.Type, Method: e.Method, Actor: e.Actor,
					OccurredAt: e.OccurredAt, RecordedAt: e.RecordedAt, Hash: hex.EncodeToString(e.Hash)})
			}
		}
	}
	slices.SortStableFunc(x.Links, func(a, b PersonLink) int { return a.RecordedAt.Compare(b.RecordedAt) })
	return x, nil
}

// PersonReceipts returns an ISOReceipt for each subject of the person, in
// the order of PersonSubjects, for the resident's "my consents" page. It
// returns ErrNoPerson if the person has no subjects.
func (l *Ledger) PersonReceipts(ctx context.Context, person string) ([]ISORecord, error) {
	ids, err := l.personSubjects(ctx, person)
	if err != nil {
		return nil, err
	}
	out := make([]ISORecord, 0, len(ids))
	for _, id := range ids {
		r, err := l.ISOReceipt(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
