package consent

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Errors callers branch on.
var (
	// ErrNotFound means no subject, event or notice matched.
	ErrNotFound = errors.New("consent: not found")
	// ErrInvalid is the one error for untrusted input that does not verify:
	// a token that is garbled, tampered with, made for another purpose or
	// by a key the keyring does not hold, or expired.
	ErrInvalid = errors.New("consent: invalid or expired token")
	// ErrTokenUsed means a single-use token was already used. Stores return
	// it from Append; the Ledger turns a repeated confirmation into a
	// harmless no-op.
	ErrTokenUsed = errors.New("consent: token already used")
	// ErrForgotten means the subject was forgotten: its contact point is
	// shredded and it takes no new consent. Record a returning person as a
	// new subject.
	ErrForgotten = errors.New("consent: subject was forgotten")
	// ErrChainBroken means a subject's hash chain does not verify; the
	// error is a *ChainError naming the first bad event.
	ErrChainBroken = errors.New("consent: hash chain broken")
	// ErrBadEvent means the caller passed an event with a missing or
	// malformed field (a programming error, not untrusted input).
	ErrBadEvent = errors.New("consent: malformed event")
	// ErrNoticeConflict means a notice version was stored again with
	// different text: publish a new version instead.
	ErrNoticeConflict = errors.New("consent: notice version already stored with different text")
	// ErrUnavailable means the store failed in a way that may succeed on
	// retry: the database is down or unreachable, out of connections, or
	// a transaction lost a deadlock. It wraps the cause. It is never a
	// verdict on the input: a web handler answers 503, not 400.
	ErrUnavailable = errors.New("consent: store unavailable, try again")
	// ErrContactInUse means Ledger.MoveContact was asked to give a subject
	// a contact point that is already another subject's. Nothing changed;
	// Find names the other subject.
	ErrContactInUse = errors.New("consent: contact point belongs to another subject")
)

// Store keeps subjects, notices and the append-only event log. The Ledger
// does all cryptography (sealing, blind indexes, tokens); a Store only keeps
// bytes, assigns sequence numbers and links the hash chain.
//
// Implementations must be safe for concurrent use and must serialise
// Appends for one subject so that the chain never forks: two concurrent
// Appends get consecutive sequence numbers, each linked to the other.
// consenttest.Run checks all of this.
type Store interface {
	// CreateSubject stores rec unless a subject with the same kind and
	// blind index is the same contact point. Under a lock that keeps
	// concurrent creators of the same index apart, it calls same with the
	// remembered subjects that share rec's kind and index (blind indexes
	// collide by design); if same returns a non-empty id, that subject is
	// returned and rec is not stored. It returns the id stored or found and
	// whether rec was stored.
	CreateSubject(ctx context.Context, rec SubjectRecord, same func([]SubjectRecord) (string, error)) (id string, created bool, err error)
	// Subject returns one subject, or ErrNotFound.
	Subject(ctx context.Context, id string) (SubjectRecord, error)
	// SubjectsByIndex returns the remembered subjects of kind whose blind
	// index equals index.
	SubjectsByIndex(ctx context.Context, kind ContactKind, index []byte) ([]SubjectRecord, error)
	// ForgetSubject clears the subject's sealed contact point and blind index
	// and records when; its events stay. It is idempotent; ErrNotFound if
	// there is no such subject. From the moment it takes effect the subject
	// takes only Withdrawn events (see Append): it must serialise with
	// Appends for the subject, so that every Append either is stored before
	// it (and Ledger.Forget, reading the events afterwards, withdraws it) or
	// fails with ErrForgotten.
	ForgetSubject(ctx context.Context, id string, at time.Time) error
	// ListSubjects returns up to limit subject ids greater than after, in
	// ascending order, for walking every chain.
	ListSubjects(ctx context.Context, after string, limit int) ([]string, error)

	// Append appends e to its subject's log: in one transaction it assigns
	// e.Seq, links e.PrevHash and sets e.Hash, e.HashScheme and e.HashKey
	// with Seal (ChainKey.Seal for a KeyedStore), and, when tokenID is
	// not nil, records tokenID as used, failing with ErrTokenUsed (and
	// appending nothing) if it already was. The subject must exist
	// (ErrNotFound otherwise) and, unless e.Type is Withdrawn, must not be
	// forgotten (ErrForgotten otherwise): the store checks both in the
	// same transaction, under the same lock, as it links the chain, so that
	// the caller need not read the subject first and no append can slip in
	// after ForgetSubject. Withdrawals stay possible after forgetting: they
	// are how Ledger.Forget records its proof, and they can only stop
	// contact. It returns the stored event.
	Append(ctx context.Context, e Event, tokenID []byte) (Event, error)
	// Events returns the subject's events in sequence order.
	Events(ctx context.Context, subject string) ([]Event, error)
	// Latest returns the subject's latest event for purpose and channel
	// whose type is not Requested, or ErrNotFound.
	Latest(ctx context.Context, subject, purpose string, ch Channel) (Event, error)
	// LatestRequested returns the subject's latest Requested event for
	// purpose and channel, or ErrNotFound.
	LatestRequested(ctx context.Context, subject, purpose string, ch Channel) (Event, error)
	// Resting returns the ids of subjects whose latest event (other than
	// Requested) for purpose, on any channel, is Given, Confirmed or Renewed
	// under notice noticeID at a version below version, in ascending order.
	Resting(ctx context.Context, purpose, noticeID string, version int) ([]string, error)

	// PutNotice stores a notice version; storing the same version again with
	// a different text hash fails (notices, like events, are not rewritten).
	PutNotice(ctx context.Context, n Notice) error
	// Notice returns one notice version, or ErrNotFound.
	Notice(ctx context.Context, id string, version int) (Notice, error)
}

var errDuplicateSubject = errors.New("consent: subject id already exists")

// StateReader is an optional interface for a Store that can answer
// MayContact's question in one round trip: the subject, and its latest
// event for purpose and channel whose type is not Requested or, when there
// is none, its latest Requested event (nil if there is neither). It
// returns ErrNotFound if there is no such subject. The SQL store
// implements it; consenttest checks it agrees with Subject, Latest and
// LatestRequested.
type StateReader interface {
	State(ctx context.Context, subject, purpose string, ch Channel) (SubjectRecord, *Event, error)
}

// ContactMover is an optional interface for a Store that can give a
// subject a new contact point, for a person who changed their address
// (Ledger.MoveContact needs it). Both stores in this module implement it;
// consenttest checks it.
type ContactMover interface {
	// MoveContact replaces the sealed contact point and blind index of the
	// subject rec.ID with rec.Contact and rec.Index; rec.Kind must be the
	// subject's kind and the other fields of rec are ignored. Under the lock
	// that keeps CreateSubject's concurrent creators apart, it calls same
	// with the remembered subjects other than rec.ID that share rec's kind
	// and index; if same returns a non-empty id, nothing changes and that id
	// is returned. Otherwise it returns "". It returns ErrNotFound if there
	// is no such subject and ErrForgotten if the subject was forgotten
	// (a forgotten subject never takes a contact point again). Its events
	// are untouched.
	MoveContact(ctx context.Context, rec SubjectRecord, same func([]SubjectRecord) (string, error)) (other string, err error)
}

// BatchAppender is an optional interface for a Store that can append many
// events in one transaction, for imports (Ledger.Import uses it). Both
// stores in this module implement it; consenttest checks it.
type BatchAppender interface {
	// AppendBatch appends events in the order given, as Append would one
	// by one with no tokens, but all or nothing: if any event cannot be
	// appended (ErrNotFound for an unknown subject, ErrForgotten for an
	// event other than Withdrawn for a forgotten one) it appends none and
	// returns a *BatchError naming the first such event. Events for one
	// subject chain in the order given. It returns the stored events.
	AppendBatch(ctx context.Context, events []Event) ([]Event, error)
}

// BatchError reports the event, by its index in the batch, for which a
// batch was refused.
type BatchError struct {
	Index int   // the event's index in the batch
	Err   error // why, for example ErrNotFound
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("consent: batch event %d: %v", e.Index, e.Err)
}

// Unwrap returns the reason.
func (e *BatchError) Unwrap() error { return e.Err }

// KeyedStore is an optional interface for a Store that seals events with a
// chain key (ChainKey.Seal) instead of the unkeyed chain. Both stores in
// this module implement it: NewKeyedMemoryStore, and sqlstore with
// Options.ChainKey. A Ledger and Audit verify with the store's key.
type KeyedStore interface {
	// ChainKey returns the key the store seals with; nil means unkeyed.
	ChainKey() *ChainKey
}

// storeChainKey returns store's chain key, nil if it has none.
func storeChainKey(store Store) *ChainKey {
	if ks, ok := store.(KeyedStore); ok {
		return ks.ChainKey()
	}
	return nil
}
