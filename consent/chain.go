package consent

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/civickit/privacy/pii"
)

// HashScheme says how an event's hash was made. Every event records its
// own, so that a ledger begun with the unkeyed chain stays verifiable and
// moves to the keyed chain event by event.
type HashScheme uint8

const (
	// HashSHA256 (scheme 1) is the unkeyed chain: the SHA-256 of the
	// event's canonical encoding (ComputeHash). Anyone who can write the
	// database can recompute it.
	HashSHA256 HashScheme = 1
	// HashKeyedPRF (scheme 2) is the keyed chain: the HMAC-SHA256 PRF, under
	// the chain key whose Tink key id the event records (Event.HashKey), of
	// the event's canonical encoding. Without the chain key nobody can
	// compute it.
	HashKeyedPRF HashScheme = 2
)

// String returns "sha256", "keyed-prf" or "HashScheme(N)".
func (s HashScheme) String() string {
	switch s {
	case HashSHA256:
		return "sha256"
	case HashKeyedPRF:
		return "keyed-prf"
	}
	return fmt.Sprintf("HashScheme(%d)", uint8(s))
}

// chainDomain separates this encoding from any other SHA-256 input;
// keyedDomain separates the keyed encoding from the unkeyed one and from
// every other use of a PRF key.
const (
	chainDomain = "civickit/consent/event/v1"
	keyedDomain = "civickit/consent/event/v2"
)

// ErrChainKeyNeeded means a history holds keyed events (HashKeyedPRF) and
// was verified without the chain key, which is needed to check them. It is
// not a verdict on the history.
var ErrChainKeyNeeded = errors.New("consent: the history has keyed events: verifying it needs the chain key")

// canonical returns the canonical encoding of e's content and prevHash
// under domain: the domain string, then every field as a 4-byte big-endian
// length and its bytes (integers as 8-byte big-endian, times as UTC Unix
// nanoseconds), in a fixed order, then for the keyed scheme the key id.
// Length prefixes make the encoding injective, so no two different events
// encode alike.
func canonical(e *Event, prevHash []byte, domain string, keyID uint32, keyed bool) []byte {
	b := make([]byte, 0, 160+len(domain)+len(e.Subject)+len(e.Purpose)+len(e.Notice.ID)+len(e.Actor)+len(e.Detail)+len(prevHash))
	str := func(s string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	num := func(n int64) {
		b = binary.BigEndian.AppendUint32(b, 8)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	str(domain)
	str(e.Subject)
	num(e.Seq)
	str(string(e.Type))
	str(e.Purpose)
	str(string(e.Channel))
	str(string(e.Method))
	str(e.Notice.ID)
	num(int64(e.Notice.Version))
	str(e.Actor)
	str(e.Detail)
	num(e.OccurredAt.UnixNano())
	num(e.RecordedAt.UnixNano())
	str(string(prevHash))
	if keyed {
		num(int64(keyID))
	}
	return b
}

// ComputeHash returns the unkeyed (HashSHA256) hash of e: the SHA-256 of
// its canonical encoding with prevHash, the hash of the subject's previous
// event (nil for the first). It ignores e.PrevHash, e.Hash, e.HashScheme
// and e.HashKey.
//
// SHA-256 here is a plain hash, not a cipher: the chain makes tampering
// evident to anyone who recomputes it, and anyone who can write the
// database can recompute it. A ChainKey makes the chain keyed.
func ComputeHash(e *Event, prevHash []byte) []byte {
	h := sha256.Sum256(canonical(e, prevHash, chainDomain, 0, false))
	return h[:]
}

// Seal sets e.Seq, e.PrevHash, e.HashScheme and e.Hash for appending e
// after prev (nil for a subject's first event) with the unkeyed chain
// (HashSHA256). It is ChainKey.Seal on a nil key.
func Seal(e *Event, prev *Event) {
	link(e, prev)
	e.HashScheme, e.HashKey = HashSHA256, 0
	e.Hash = ComputeHash(e, e.PrevHash)
}

func link(e *Event, prev *Event) {
	e.Seq = 1
	e.PrevHash = nil
	if prev != nil {
		e.Seq = prev.Seq + 1
		e.PrevHash = append([]byte(nil), prev.Hash...)
	}
}

// ChainKey keys the hash chain: each event's hash is the HMAC-SHA256 PRF
// (Tink) of its canonical encoding under the primary key of a pii keyring
// of purpose pii.Indexing, and records that key's id. The keyring never
// sits in the database: load it like the application's other keyrings
// (pii.LoadKeyrings, pii.ReadKeyringContext) wrapped by the
// key-encryption key. Use a keyring of its own, not the blind-index
// keyring.
//
// Rotating the keyring (pii.Keyring.Rotate) keys new events with the new
// primary key; old events still verify as long as the keys that made them
// stay in the keyring, enabled. Never disable or destroy a chain key
// while the events it made must verify.
//
// A nil *ChainKey is the unkeyed chain: its Seal is Seal and its Verify
// is VerifyChain. A ChainKey is safe for concurrent use.
type ChainKey struct {
	kr          *pii.Keyring
	keyedSince  time.Time
	allowLegacy bool
}

// ChainKeyOptions configures a ChainKey. The zero value accepts no
// unkeyed event at all: right for a ledger keyed from its first event.
type ChainKeyOptions struct {
	// KeyedSince is when the ledger moved to the keyed chain: events
	// recorded (Event.RecordedAt) before it may be unkeyed (HashSHA256);
	// an unkeyed event recorded at or after it is a break. Zero means
	// every event must be keyed. Set it, for a ledger that existed before
	// it had a chain key, to the moment every server appends with the key
	// (after the last server without it stopped).
	KeyedSince time.Time
}

// NewChainKey returns a chain key on kr, a pii.Indexing keyring (Tink
// HMAC-SHA256 PRF keys). nil opts means every event must be keyed.
func NewChainKey(kr *pii.Keyring, opts *ChainKeyOptions) (*ChainKey, error) {
	if kr == nil {
		return nil, errors.New("consent: NewChainKey needs a keyring")
	}
	if kr.Purpose() != pii.Indexing {
		return nil, fmt.Errorf("consent: chain keyring: %w (want a keyring of HMAC-SHA256 PRF keys, pii.Indexing)", pii.ErrWrongPurpose)
	}
	if _, err := kr.PRF(); err != nil {
		return nil, fmt.Errorf("consent: chain keyring: %w", err)
	}
	k := &ChainKey{kr: kr}
	if opts != nil {
		k.keyedSince = opts.KeyedSince.UTC()
		k.allowLegacy = !opts.KeyedSince.IsZero()
	}
	return k, nil
}

// String describes the key without key material.
func (k *ChainKey) String() string {
	if k == nil {
		return "consent.ChainKey(unkeyed)"
	}
	return fmt.Sprintf("consent.ChainKey(primary %#08x)", k.kr.Primary())
}

// GoString is String, so %#v never walks into key material.
func (k *ChainKey) GoString() string { return k.String() }

// KeyedSince returns ChainKeyOptions.KeyedSince (zero for the unkeyed
// chain, or when every event must be keyed).
func (k *ChainKey) KeyedSince() time.Time {
	if k == nil {
		return time.Time{}
	}
	return k.keyedSince
}

// same reports whether k and o seal and verify alike.
func (k *ChainKey) same(o *ChainKey) bool {
	if k == nil || o == nil {
		return k == o
	}
	return k.kr == o.kr && k.keyedSince.Equal(o.keyedSince) && k.allowLegacy == o.allowLegacy
}

// Seal sets e.Seq, e.PrevHash, e.HashScheme, e.HashKey and e.Hash for
// appending e after prev (nil for a subject's first event): with the
// keyring's primary key (HashKeyedPRF), or, on a nil key, unkeyed as Seal
// does. Stores call it inside the transaction that appends e.
func (k *ChainKey) Seal(e *Event, prev *Event) error {
	if k == nil {
		Seal(e, prev)
		return nil
	}
	link(e, prev)
	set, err := k.kr.PRF()
	if err != nil {
		return fmt.Errorf("consent: seal event: %w", err)
	}
	p, ok := set.PRFs[set.PrimaryID]
	if !ok {
		return errors.New("consent: seal event: the chain keyring has no primary key")
	}
	h, err := p.ComputePRF(canonical(e, e.PrevHash, keyedDomain, set.PrimaryID, true), sha256.Size)
	if err != nil {
		return fmt.Errorf("consent: seal event: %w", err)
	}
	e.HashScheme, e.HashKey, e.Hash = HashKeyedPRF, set.PrimaryID, h
	return nil
}

// ChainError reports the first event at which a subject's hash chain breaks.
type ChainError struct {
	Subject string // the subject id (opaque, not PII)
	Seq     int64  // the sequence number of the first bad event
	Reason  string // what is wrong
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("consent: hash chain of subject %s breaks at event %d: %s", e.Subject, e.Seq, e.Reason)
}

// Unwrap returns ErrChainBroken.
func (e *ChainError) Unwrap() error { return ErrChainBroken }

// VerifyChain checks, without a chain key, that events, a subject's whole
// history in order, form an unbroken unkeyed chain: sequence numbers 1, 2,
// 3..., each PrevHash equal to the previous event's Hash, and each Hash
// equal to ComputeHash. It returns a *ChainError for the first break, or
// nil; and ErrChainKeyNeeded, before any break after it, at the first
// keyed event. It is ChainKey.Verify on a nil key.
func VerifyChain(subject string, events []Event) error {
	return (*ChainKey)(nil).Verify(subject, events)
}

// Verify checks that events, a subject's whole history in order, form an
// unbroken chain: sequence numbers 1, 2, 3..., each PrevHash equal to the
// previous event's Hash, and each Hash equal to what the event's scheme
// computes: ComputeHash for HashSHA256, the PRF of the key HashKey names
// for HashKeyedPRF. With a key, it also refuses an unkeyed event after a
// keyed one (a downgrade) and an unkeyed event recorded at or after
// ChainKeyOptions.KeyedSince. It returns a *ChainError for the first break,
// or nil. On a nil key it is VerifyChain.
func (k *ChainKey) Verify(subject string, events []Event) error {
	_, err := k.verify(subject, events)
	return err
}

// verify is Verify that also returns the *ChainError, if any.
func (k *ChainKey) verify(subject string, events []Event) (*ChainError, error) {
	var prevHash []byte
	keyed := false
	broken := func(e *Event, reason string) (*ChainError, error) {
		ce := &ChainError{Subject: subject, Seq: e.Seq, Reason: reason}
		return ce, ce
	}
	for i := range events {
		e := &events[i]
		want := int64(i + 1)
		switch {
		case e.Subject != subject:
			return broken(e, "event belongs to another subject")
		case e.Seq != want:
			ce := &ChainError{Subject: subject, Seq: want, Reason: fmt.Sprintf("sequence number is %d, want %d (event missing or inserted)", e.Seq, want)}
			return ce, ce
		case !bytes.Equal(e.PrevHash, prevHash):
			return broken(e, "previous-hash does not match the previous event")
		}
		switch e.HashScheme {
		case HashSHA256:
			switch {
			case k != nil && keyed:
				return broken(e, "unkeyed event after a keyed one (the chain was downgraded)")
			case k != nil && !(k.allowLegacy && e.RecordedAt.Before(k.keyedSince)):
				return broken(e, "unkeyed event where the chain key requires a keyed one (the chain was downgraded or recomputed)")
			case e.HashKey != 0:
				return broken(e, "unkeyed event names a key")
			case !bytes.Equal(e.Hash, ComputeHash(e, prevHash)):
				return broken(e, "hash does not match the event's content")
			}
		case HashKeyedPRF:
			if k == nil {
				return nil, fmt.Errorf("%w (subject %s, event %d)", ErrChainKeyNeeded, subject, e.Seq)
			}
			keyed = true
			set, err := k.kr.PRF()
			if err != nil {
				return nil, fmt.Errorf("consent: verify: %w", err)
			}
			p, ok := set.PRFs[e.HashKey]
			if !ok {
				return broken(e, fmt.Sprintf("made by key %#08x, which the chain keyring does not hold (forged, or the key was disabled or destroyed)", e.HashKey))
			}
			h, err := p.ComputePRF(canonical(e, prevHash, keyedDomain, e.HashKey, true), sha256.Size)
			if err != nil {
				return nil, fmt.Errorf("consent: verify: %w", err)
			}
			if !bytes.Equal(e.Hash, h) {
				return broken(e, "keyed hash does not match the event's content (edited, or recomputed without the key)")
			}
		default:
			return broken(e, fmt.Sprintf("unknown hash scheme %d", uint8(e.HashScheme)))
		}
		prevHash = e.Hash
	}
	return nil, nil
}
