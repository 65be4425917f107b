package consent

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/civickit/privacy/pii"
	"go.opentelemetry.io/otel/metric"
)

// Keys are the keys a Ledger needs, all from package pii.
type Keys struct {
	// Shredder seals each subject's contact point under the subject's own
	// data key, so that Forget can shred it.
	Shredder *pii.Shredder
	// Indexer computes the blind indexes that find a subject by contact
	// point.
	Indexer *pii.Indexer
	// Tokens is an Encryption keyring for confirmation and unsubscribe
	// tokens. Use a keyring of its own: rotating it invalidates no stored
	// data, only tokens made under keys later destroyed.
	Tokens *pii.Keyring
}

// PurposeDef describes a purpose the city contacts people for.
type PurposeDef struct {
	// ID is the purpose's stable name, for example "eline:weekly-news".
	ID string
	// Description is shown in receipts, for example "Weekly E-Line news".
	Description string
	// OptOut marks a purpose the city may pursue until the subject objects
	// ("unless you ask us not to, we may contact you"): MayContact allows
	// contact when nothing was recorded, and a withdrawal stops it. Opt-in
	// purposes (the default) need a Given, Confirmed or Renewed event.
	OptOut bool
	// MaxAge, if not zero, is how long a consent lasts: MayContact refuses
	// contact, with status ConsentExpired, once the event it rests on is
	// older. It is also the consent's validity in receipts and records,
	// which then give the date it expires.
	MaxAge time.Duration

	// What follows declares the ISO/IEC TS 27560 fields of the purpose's
	// receipts and records. Every field is optional; the defaults are
	// those of package doc "Receipts and records". New validates them and
	// names the purpose in its error.

	// Retention is how long the data collected for the purpose are kept.
	// Zero means the default: while the consent is in force, and the
	// events (which hold no personal data) as long as the city's records
	// retention schedule requires.
	Retention Retention
	// StorageLocations are where the data are stored: ISO 3166-1 alpha-2
	// country codes or ISO 3166-2 subdivision codes, for example "US" or
	// "US-MA". Empty means the controller's Jurisdiction.
	StorageLocations []string
	// Recipients are those the data are disclosed to: processors (a
	// mailing service) and third parties. Empty means nobody: the city
	// alone uses the data.
	Recipients []Recipient
	// Withdrawal says how the subject withdraws, in words, for example
	// "reply STOP to any text". Empty means a sentence for the channel:
	// the one-click unsubscribe link in every e-mail, STOP by text,
	// contacting the controller otherwise.
	Withdrawal string
	// Jurisdiction is the jurisdiction whose law governs the processing,
	// an ISO 3166 code as in StorageLocations. Empty means the
	// controller's Jurisdiction.
	Jurisdiction string
}

// Options configures a Ledger. The zero value is a safe default.
type Options struct {
	// Now is the clock; default time.Now.
	Now func() time.Time
	// ConfirmTTL is how long a double opt-in confirmation token is valid;
	// default 72 hours.
	ConfirmTTL time.Duration
	// UnsubscribeTTL is how long an unsubscribe token is valid; zero (the
	// default) means for ever, since a person must be able to leave from any
	// message they ever received.
	UnsubscribeTTL time.Duration
	// IndexBits is the blind index length in bits; zero means the
	// Indexer's default. See pii.Indexer about truncation.
	IndexBits int
	// Purposes describes known purposes. A purpose not listed is opt-in with
	// no maximum age.
	Purposes []PurposeDef
	// Controller identifies the city in receipts.
	Controller Controller

	// RequestLimit is how many confirmation requests (Request, and so
	// confirmation e-mails or texts) one subject may get on one channel
	// within RequestWindow; more are refused with a *LimitError, so that
	// nobody can flood an address with confirmation messages. Zero means
	// 5; negative means no limit.
	RequestLimit int
	// RequestWindow is the window of RequestLimit; zero means one hour.
	RequestWindow time.Duration

	// ChainKey keys the hash chain (see ChainKey and the package's Tamper
	// evidence section). The store seals events, so it must hold the same
	// key (sqlstore.Options.ChainKey, NewKeyedMemoryStore): New refuses a
	// ChainKey the store does not report through KeyedStore. nil means the
	// store's key, if it has one; a ledger on an unkeyed store keeps the
	// unkeyed chain.
	ChainKey *ChainKey

	// MeterProvider, if set, receives the ledger's metrics through the
	// OpenTelemetry API (see the package's Telemetry section); nil means
	// none, at no cost. No attribute carries personal data.
	MeterProvider metric.MeterProvider
}

// Ledger is the consent ledger: it protects contact points with pii,
// appends events to a Store, derives statuses, and makes and checks tokens.
// It is safe for concurrent use.
type Ledger struct {
	store    Store
	shredder *pii.Shredder
	ix       *pii.Indexer
	tok      tokens
	now      func() time.Time
	opts     Options
	purposes map[string]PurposeDef
	tel      *telemetry
	chain    *ChainKey

	cachesMu sync.Mutex
	caches   []*DecisionCache // dropped answers on every append (Cache)
}

// New returns a Ledger on store with keys. nil opts means defaults.
func New(store Store, keys Keys, opts *Options) (*Ledger, error) {
	if store == nil {
		return nil, errors.New("consent: New needs a store")
	}
	if keys.Shredder == nil || keys.Indexer == nil || keys.Tokens == nil {
		return nil, errors.New("consent: New needs a shredder, an indexer and a token keyring")
	}
	if keys.Tokens.Purpose() != pii.Encryption {
		return nil, fmt.Errorf("consent: token keyring: %w", pii.ErrWrongPurpose)
	}
	l := &Ledger{store: store, shredder: keys.Shredder, ix: keys.Indexer, tok: tokens{kr: keys.Tokens}, purposes: map[string]PurposeDef{}}
	if opts != nil {
		l.opts = *opts
	}
	if l.opts.Now == nil {
		l.opts.Now = time.Now
	}
	l.now = func() time.Time { return l.opts.Now().UTC() }
	if l.opts.ConfirmTTL == 0 {
		l.opts.ConfirmTTL = 72 * time.Hour
	}
	if l.opts.RequestLimit == 0 {
		l.opts.RequestLimit = 5
	}
	if l.opts.RequestWindow == 0 {
		l.opts.RequestWindow = time.Hour
	}
	if l.opts.RequestWindow < 0 {
		return nil, errors.New("consent: RequestWindow must not be negative")
	}
	if l.opts.ConfirmTTL < 0 || l.opts.UnsubscribeTTL < 0 {
		return nil, errors.New("consent: token lifetimes must not be negative")
	}
	if l.opts.IndexBits < 0 || l.opts.IndexBits > 256 {
		return nil, errors.New("consent: IndexBits must be 0 to 256")
	}
	storeKey := storeChainKey(store)
	switch {
	case l.opts.ChainKey == nil:
		l.chain = storeKey
	case !l.opts.ChainKey.same(storeKey):
		return nil, errors.New("consent: Options.ChainKey is not the store's chain key: give the store the same key (sqlstore.Options.ChainKey, NewKeyedMemoryStore)")
	default:
		l.chain = l.opts.ChainKey
	}
	tel, err := newTelemetry(l.opts.MeterProvider)
	if err != nil {
		return nil, err
	}
	l.tel = tel
	if err := l.opts.Controller.check(); err != nil {
		return nil, err
	}
	for _, p := range l.opts.Purposes {
		if !validName(p.ID) {
			return nil, errors.New("consent: purpose ids must be 1-64 of [a-z0-9:._/-]")
		}
		if p.ID == PersonPurpose {
			return nil, fmt.Errorf("consent: purpose %s is reserved for links to persons", PersonPurpose)
		}
		if _, dup := l.purposes[p.ID]; dup {
			return nil, fmt.Errorf("consent: purpose %s listed twice", p.ID)
		}
		if p.MaxAge < 0 {
			return nil, fmt.Errorf("consent: purpose %s has a negative MaxAge", p.ID)
		}
		if err := p.check(); err != nil {
			return nil, err
		}
		l.purposes[p.ID] = p
	}
	return l, nil
}

// Store returns the ledger's store.
func (l *Ledger) Store() Store { return l.store }

var subjectEnc = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newSubjectID returns "s" and 26 characters of base32 over 128 random
// bits: opaque, and no function of the contact point.
func newSubjectID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("consent: subject id: %w", err)
	}
	return "s" + subjectEnc.EncodeToString(b[:]), nil
}

func validSubjectID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// kindOf maps a contact point's pii category to its kind and normaliser.
func kindOf(contact pii.String) (ContactKind, pii.Normalizer, error) {
	switch contact.Category() {
	case pii.Email:
		return ContactEmail, pii.NormalizeEmail, nil
	case pii.Phone:
		return ContactPhone, pii.NormalizePhone, nil
	case pii.PostalAddress:
		return ContactPostal, pii.NormalizeText, nil
	}
	return "", nil, errors.New("consent: a contact point must be a pii.String of category email, phone or postal_address")
}

func contactAD(subject string) pii.AD {
	return pii.AD{Record: "consent-subject", Field: "contact", ID: subject}
}

func indexName(k ContactKind) string { return "consent-contact-" + string(k) }

func (l *Ledger) index(contact pii.String) (ContactKind, pii.Normalizer, []byte, error) {
	kind, norm, err := kindOf(contact)
	if err != nil {
		return "", nil, nil, err
	}
	bi, err := l.ix.ComputeWith(indexName(kind), l.opts.IndexBits, norm, contact)
	if err != nil {
		return "", nil, nil, fmt.Errorf("consent: index contact point: %w", err)
	}
	return kind, norm, bi, nil
}

// normalized returns contact normalised for comparison.
func normalized(contact pii.String, norm pii.Normalizer) pii.String {
	v, _ := norm(contact.Reveal())
	return pii.New(contact.Category(), v)
}

// match opens each candidate's sealed contact point and returns the id of
// the first that is the same contact point as want (normalised), or "".
// Candidates that no longer open (forgotten meanwhile) are skipped.
func (l *Ledger) match(ctx context.Context, cands []SubjectRecord, want pii.String, norm pii.Normalizer) (string, error) {
	for _, c := range cands {
		got, err := l.shredder.Open(ctx, c.ID, c.Contact, contactAD(c.ID))
		if errors.Is(err, pii.ErrForgotten) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("consent: open contact point of subject %s: %w", c.ID, err)
		}
		if normalized(got, norm).Equal(want) {
			return c.ID, nil
		}
	}
	return "", nil
}

// Find returns the id of the subject whose contact point is contact (a
// pii.String of category Email, Phone or PostalAddress), or ErrNotFound.
// It looks up the blind index, then opens the candidates and compares, since
// truncated blind indexes collide by design.
func (l *Ledger) Find(ctx context.Context, contact pii.String) (string, error) {
	kind, norm, bi, err := l.index(contact)
	if err != nil {
		return "", err
	}
	cands, err := l.store.SubjectsByIndex(ctx, kind, bi)
	if err != nil {
		return "", err
	}
	id, err := l.match(ctx, cands, normalized(contact, norm), norm)
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", ErrNotFound
	}
	return id, nil
}

// Enroll returns the id of the subject whose contact point is contact,
// creating the subject if there is none. Concurrent Enrolls of one contact
// point agree on one subject.
func (l *Ledger) Enroll(ctx context.Context, contact pii.String) (string, error) {
	if id, err := l.Find(ctx, contact); err == nil || !errors.Is(err, ErrNotFound) {
		return id, err
	}
	kind, norm, bi, err := l.index(contact)
	if err != nil {
		return "", err
	}
	id, err := newSubjectID()
	if err != nil {
		return "", err
	}
	// Seal before the store's transaction: sealing creates the subject's
	// data key, which may live in the same database.
	sealed, err := l.shredder.Seal(ctx, id, contact, contactAD(id))
	if err != nil {
		return "", fmt.Errorf("consent: seal contact point: %w", err)
	}
	want := normalized(contact, norm)
	got, created, err := l.store.CreateSubject(ctx, SubjectRecord{
		ID: id, Kind: kind, Contact: sealed, Index: bi, CreatedAt: l.now(),
	}, func(cands []SubjectRecord) (string, error) { return l.match(ctx, cands, want, norm) })
	if err != nil || !created {
		// Another writer won, or the store failed: the new key seals nothing.
		_ = l.shredder.Forget(ctx, id)
	}
	if err != nil {
		return "", err
	}
	return got, nil
}

// ContactPoint opens the subject's contact point, for sending a message.
// It returns ErrForgotten for a forgotten subject.
func (l *Ledger) ContactPoint(ctx context.Context, subject string) (pii.String, error) {
	rec, err := l.store.Subject(ctx, subject)
	if err != nil {
		return pii.String{}, err
	}
	if rec.Forgotten() {
		return pii.String{}, ErrForgotten
	}
	if rec.Kind == ContactDevice {
		return pii.String{}, errNoContactPoint
	}
	v, err := l.shredder.Open(ctx, subject, rec.Contact, contactAD(subject))
	if errors.Is(err, pii.ErrForgotten) {
		return pii.String{}, ErrForgotten
	}
	if err != nil {
		return pii.String{}, fmt.Errorf("consent: open contact point of subject %s: %w", subject, err)
	}
	return v, nil
}

// Record validates e and appends it to its subject's log. A zero
// OccurredAt means now; RecordedAt is always set to now. When e names a
// notice, the notice must have been published (PublishNotice). It returns
// the stored event, with its sequence number and hashes. It returns
// ErrNotFound for an unknown subject and ErrForgotten for a forgotten one,
// unless e is a withdrawal: withdrawing can only stop contact, so it is
// accepted (and recorded) even after Forget.
func (l *Ledger) Record(ctx context.Context, e Event) (Event, error) {
	return l.record(ctx, e, nil)
}

func (l *Ledger) record(ctx context.Context, e Event, tokenID []byte) (Event, error) {
	now := l.now()
	if e.OccurredAt.IsZero() {
		e.OccurredAt = now
	}
	e.OccurredAt = e.OccurredAt.UTC()
	e.RecordedAt = now
	if err := e.check(); err != nil {
		return Event{}, err
	}
	// The store checks that the subject exists and is not forgotten in the
	// append's own transaction (Store.Append): reading the subject here
	// would cost a round trip and leave a window for a concurrent Forget.
	if !e.Notice.IsZero() {
		if _, err := l.store.Notice(ctx, e.Notice.ID, e.Notice.Version); err != nil {
			return Event{}, fmt.Errorf("consent: event names notice %s version %d: %w", e.Notice.ID, e.Notice.Version, err)
		}
	}
	stored, err := l.store.Append(ctx, e, tokenID)
	if err == nil {
		l.tel.appended(ctx, stored)
	}
	// invalidate even on error: the append may have committed before the
	// error was seen (a lost connection after COMMIT)
	l.invalidate(e)
	return stored, err
}

// Import validates events and appends them, for moving an existing
// mailing list's consent records into the ledger: each as Record would
// (a zero OccurredAt means now; RecordedAt is now; the subject must exist
// and not be forgotten, unless the event is a withdrawal; a named notice
// must be published), but all in one transaction when the store is a
// BatchAppender, which is all or nothing and much faster than one Record
// per event. Events for one subject chain in the order given. An invalid
// event fails the whole import with a *BatchError naming it, before
// anything is appended (malformed events and unpublished notices are
// found before the store is asked; unknown and forgotten subjects by the
// store, in the append's transaction). On a Store that is
// not a BatchAppender, Import appends one event at a time and stops at the
// first failure, which is returned as a *BatchError; the events before it
// stay.
func (l *Ledger) Import(ctx context.Context, events []Event) ([]Event, error) {
	now := l.now()
	batch := make([]Event, len(events))
	notices := map[NoticeRef]error{}
	for i, e := range events {
		if e.OccurredAt.IsZero() {
			e.OccurredAt = now
		}
		e.OccurredAt, e.RecordedAt = e.OccurredAt.UTC(), now
		err := e.check()
		if err == nil && !e.Notice.IsZero() {
			var seen bool
			if err, seen = notices[e.Notice]; !seen {
				if _, err = l.store.Notice(ctx, e.Notice.ID, e.Notice.Version); err != nil {
					err = fmt.Errorf("consent: event names notice %s version %d: %w", e.Notice.ID, e.Notice.Version, err)
				}
				notices[e.Notice] = err
			}
		}
		if err != nil {
			return nil, &BatchError{Index: i, Err: err}
		}
		batch[i] = e
	}
	if ba, ok := l.store.(BatchAppender); ok {
		stored, err := ba.AppendBatch(ctx, batch)
		if err == nil {
			l.tel.appended(ctx, stored...)
		}
		l.invalidate(batch...)
		return stored, err
	}
	out := make([]Event, 0, len(batch))
	for i, e := range batch {
		got, err := l.store.Append(ctx, e, nil)
		l.invalidate(e)
		if err != nil {
			return out, &BatchError{Index: i, Err: err}
		}
		l.tel.appended(ctx, got)
		out = append(out, got)
	}
	return out, nil
}

// Decision is MayContact's answer.
type Decision struct {
	Allowed bool   // whether the subject may be contacted
	Status  Status // the DPV status the answer derives from
	Reason  string // a short explanation for logs and staff screens; never PII
	// Event is the event the decision rests on; nil when there is none.
	Event *Event
}

// MayContact reports whether the subject may be contacted for purpose on
// channel, why, and on which event the answer rests. Only ConsentGiven and
// RenewedConsentGiven allow contact (and, for an OptOut purpose, the
// absence of any event). It returns ErrNotFound for an unknown subject.
func (l *Ledger) MayContact(ctx context.Context, subject, purpose string, ch Channel) (d Decision, err error) {
	if l.tel != nil {
		start := time.Now()
		defer func() { l.tel.answered(ctx, start, purpose, ch, d, err) }()
	}
	return l.mayContact(ctx, subject, purpose, ch)
}

func (l *Ledger) mayContact(ctx context.Context, subject, purpose string, ch Channel) (Decision, error) {
	rec, e, err := l.state(ctx, subject, purpose, ch)
	if err != nil {
		return Decision{}, err
	}
	var requested *Event
	if e != nil && e.Type == Requested {
		e, requested = nil, e
	}
	def := l.purposes[purpose]
	if rec.Forgotten() {
		d := Decision{Status: StatusWithdrawn, Reason: "subject was forgotten at their request"}
		d.Event = e
		return d, nil
	}
	if e != nil {
		d := Decision{Status: e.Type.Status(), Event: e}
		d.Allowed = d.Status.AllowsContact()
		switch {
		case d.Allowed && def.MaxAge > 0 && l.now().Sub(e.OccurredAt) > def.MaxAge:
			d.Allowed, d.Status, d.Reason = false, StatusExpired, "consent is older than the purpose's maximum age; ask again"
		default:
			d.Reason = "consent " + string(e.Type) + " by " + string(e.Method)
		}
		return d, nil
	}
	if def.OptOut {
		return Decision{Allowed: true, Status: StatusUnknown, Reason: "opt-out purpose and no objection recorded"}, nil
	}
	if requested != nil {
		return Decision{Status: StatusRequested, Reason: "consent requested and not yet confirmed", Event: requested}, nil
	}
	return Decision{Status: StatusUnknown, Reason: "no consent recorded"}, nil
}

// state returns the subject and its latest decided event for the pair or,
// when there is none, its latest request (see StateReader): in one round
// trip when the store is a StateReader.
func (l *Ledger) state(ctx context.Context, subject, purpose string, ch Channel) (SubjectRecord, *Event, error) {
	if sr, ok := l.store.(StateReader); ok {
		return sr.State(ctx, subject, purpose, ch)
	}
	rec, err := l.store.Subject(ctx, subject)
	if err != nil {
		return SubjectRecord{}, nil, err
	}
	e, err := l.store.Latest(ctx, subject, purpose, ch)
	if errors.Is(err, ErrNotFound) {
		e, err = l.store.LatestRequested(ctx, subject, purpose, ch)
	}
	if errors.Is(err, ErrNotFound) {
		return rec, nil, nil
	}
	if err != nil {
		return SubjectRecord{}, nil, err
	}
	return rec, &e, nil
}

// PurposeStatus is a subject's current status for one purpose and channel.
type PurposeStatus struct {
	Purpose string
	Channel Channel
	Status  Status
	Event   Event // the latest event for the pair (a Requested event only if nothing else)
}

// Statuses returns the subject's current status for every purpose and
// channel with events, in order of first appearance.
func (l *Ledger) Statuses(ctx context.Context, subject string) ([]PurposeStatus, error) {
	events, err := l.store.Events(ctx, subject)
	if err != nil {
		return nil, err
	}
	return statuses(events), nil
}

func statuses(events []Event) []PurposeStatus {
	type key struct {
		p string
		c Channel
	}
	idx := map[key]int{}
	var out []PurposeStatus
	for _, e := range events {
		if e.Purpose == PersonPurpose {
			continue // links to a person are not consent
		}
		k := key{e.Purpose, e.Channel}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, PurposeStatus{Purpose: e.Purpose, Channel: e.Channel, Status: e.Type.Status(), Event: e})
			continue
		}
		// A request does not override a decided consent.
		if e.Type == Requested && out[i].Event.Type != Requested {
			continue
		}
		out[i].Status, out[i].Event = e.Type.Status(), e
	}
	return out
}

// History returns the subject's events in order.
func (l *Ledger) History(ctx context.Context, subject string) ([]Event, error) {
	return l.store.Events(ctx, subject)
}

// Verify walks the subject's hash chain, with the ledger's chain key if it
// has one (ChainKey.Verify), and returns a *ChainError (wrapping
// ErrChainBroken) for the first break, or nil.
func (l *Ledger) Verify(ctx context.Context, subject string) error {
	events, err := l.store.Events(ctx, subject)
	if err != nil {
		return err
	}
	return l.chain.Verify(subject, events)
}

// ChainKey returns the ledger's chain key, nil for the unkeyed chain.
func (l *Ledger) ChainKey() *ChainKey { return l.chain }

// VerifyAll verifies every subject's chain and returns the first break.
func (l *Ledger) VerifyAll(ctx context.Context) error {
	return eachSubject(ctx, l.store, func(id string) error { return l.Verify(ctx, id) })
}

// withdrawable reports whether a withdrawal for the pair would change
// anything: false if the latest decided event is already a withdrawal with
// no later request.
func (l *Ledger) withdrawable(ctx context.Context, subject, purpose string, ch Channel) (bool, error) {
	e, err := l.store.Latest(ctx, subject, purpose, ch)
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if e.Type != Withdrawn {
		return true, nil
	}
	r, err := l.store.LatestRequested(ctx, subject, purpose, ch)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return r.Seq > e.Seq, nil
}

// Withdraw records that the subject withdrew consent for purpose on
// channel, effective at once. It is idempotent: if the subject has already
// withdrawn (and nothing was requested since), it appends nothing and
// returns false.
func (l *Ledger) Withdraw(ctx context.Context, subject, purpose string, ch Channel, method Method, detail string) (bool, error) {
	ok, err := l.withdrawable(ctx, subject, purpose, ch)
	if err != nil || !ok {
		return false, err
	}
	_, err = l.Record(ctx, Event{Subject: subject, Type: Withdrawn, Purpose: purpose, Channel: ch, Method: method, Actor: "subject", Detail: detail})
	return err == nil, err
}

// Forget withdraws every consent the subject still holds (method and actor
// as given: typically StaffAction and the clerk's id), then shreds the
// subject's contact point: its data key is destroyed with
// pii.Shredder.Forget and the sealed value and blind index are cleared.
// It returns ErrNotFound for an unknown subject.
//
// Forget is safe against concurrent appends for the subject. It withdraws
// what is held, marks the subject forgotten in the store
// (Store.ForgetSubject), which from then on refuses every event but a
// withdrawal with ErrForgotten, and then reads the events again and
// withdraws whatever was recorded in between. So an event recorded while
// Forget runs either fails with ErrForgotten or is stored before the
// withdrawal that supersedes it: once Forget returns, the last event of
// every purpose and channel is a withdrawal (or revocation or expiry), and
// it stays so. If Forget fails part way, call it again: it is idempotent,
// and a subject marked forgotten is refused contact (MayContact) even
// before its withdrawals are recorded.
//
// # Why the events stay
//
// The events hold no PII: an opaque subject id, purposes, methods, times
// and notice versions. They are the city's proof that the person withdrew
// and that later messages were not sent on a consent that no longer
// existed; deleting them would destroy that proof. Once the contact point is
// shredded nobody, the city included, can link the chain back to a person,
// so it is pseudonymous in a way that cannot be reversed.
func (l *Ledger) Forget(ctx context.Context, subject string, method Method, actor string) error {
	if err := l.withdrawAll(ctx, subject, method, actor); err != nil {
		return err
	}
	err := l.store.ForgetSubject(ctx, subject, l.now())
	l.invalidate(Event{Subject: subject})
	if err != nil {
		return err
	}
	// Appends that committed between the first pass and ForgetSubject are
	// visible now, and no other can follow: withdraw them too.
	if err := l.withdrawAll(ctx, subject, method, actor); err != nil {
		return err
	}
	if err := l.shredder.Forget(ctx, subject); err != nil {
		return fmt.Errorf("consent: shred contact point: %w", err)
	}
	return nil
}

// withdrawAll records a withdrawal for every purpose and channel of the
// subject whose status is not already withdrawn, revoked or expired.
func (l *Ledger) withdrawAll(ctx context.Context, subject string, method Method, actor string) error {
	sts, err := l.Statuses(ctx, subject)
	if err != nil {
		return err
	}
	for _, s := range sts {
		if s.Status == StatusWithdrawn || s.Status == StatusRevoked || s.Status == StatusExpired {
			continue
		}
		if _, err := l.Record(ctx, Event{Subject: subject, Type: Withdrawn, Purpose: s.Purpose, Channel: s.Channel,
			Method: method, Actor: actor, Detail: "subject asked to be forgotten"}); err != nil {
			return err
		}
	}
	return nil
}

// PublishNotice stores a notice version. Events may then name it.
func (l *Ledger) PublishNotice(ctx context.Context, n Notice) error {
	if !validName(n.ID) || n.Version < 1 || len(n.TextSHA256) != 32 {
		return errors.New("consent: a notice needs an id, a version from 1 and a 32-byte SHA-256 of its text")
	}
	if n.EffectiveAt.IsZero() {
		n.EffectiveAt = l.now()
	}
	return l.store.PutNotice(ctx, n)
}

// Outdated lists the subjects whose current consent for purpose rests on a
// version of the notice older than current, so that the city can tell them
// of the change or ask again (Request, then Confirm records Renewed).
func (l *Ledger) Outdated(ctx context.Context, purpose string, current NoticeRef) ([]string, error) {
	if !validName(purpose) || !validName(current.ID) {
		return nil, errors.New("consent: Outdated needs a purpose and a notice id")
	}
	return l.store.Resting(ctx, purpose, current.ID, current.Version)
}

// trimUpper folds case and white space, for keyword matching.
func trimUpper(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }
