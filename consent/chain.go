package consent

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// chainDomain separates this encoding from any other SHA-256 input.
const chainDomain = "civickit/consent/event/v1"

// canonical returns the canonical encoding of e's content and prevHash: a
// domain string, then every field as a 4-byte big-endian length and its
// bytes (integers as 8-byte big-endian, times as UTC Unix nanoseconds), in a
// fixed order. Length prefixes make the encoding injective, so no two
// different events encode alike.
func canonical(e *Event, prevHash []byte) []byte {
	var b bytes.Buffer
	str := func(s string) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(s)))
		b.WriteString(s)
	}
	num := func(n int64) {
		_ = binary.Write(&b, binary.BigEndian, uint32(8))
		_ = binary.Write(&b, binary.BigEndian, n)
	}
	str(chainDomain)
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
	return b.Bytes()
}

// ComputeHash returns the SHA-256 of e's canonical encoding with prevHash,
// the hash of the subject's previous event (nil for the first). It ignores
// e.PrevHash and e.Hash. Stores call it when they append.
//
// SHA-256 here is a plain hash, not a cipher: the chain makes tampering
// evident to anyone who recomputes it; it is not a signature. Anchor the
// latest hash somewhere the database administrator cannot write (a signed
// report, a public-records archive) to make rewriting the whole chain
// evident too.
func ComputeHash(e *Event, prevHash []byte) []byte {
	h := sha256.Sum256(canonical(e, prevHash))
	return h[:]
}

// Seal sets e.Seq, e.PrevHash and e.Hash for appending e after prev (nil
// for a subject's first event). Stores call it inside the transaction that
// appends e.
func Seal(e *Event, prev *Event) {
	e.Seq = 1
	e.PrevHash = nil
	if prev != nil {
		e.Seq = prev.Seq + 1
		e.PrevHash = append([]byte(nil), prev.Hash...)
	}
	e.Hash = ComputeHash(e, e.PrevHash)
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

// VerifyChain checks that events, a subject's whole history in order, form
// an unbroken chain: sequence numbers 1, 2, 3..., each PrevHash equal to the
// previous event's Hash, and each Hash equal to ComputeHash. It returns a
// *ChainError for the first break, or nil.
func VerifyChain(subject string, events []Event) error {
	var prevHash []byte
	for i := range events {
		e := &events[i]
		want := int64(i + 1)
		switch {
		case e.Subject != subject:
			return &ChainError{Subject: subject, Seq: e.Seq, Reason: "event belongs to another subject"}
		case e.Seq != want:
			return &ChainError{Subject: subject, Seq: want, Reason: fmt.Sprintf("sequence number is %d, want %d (event missing or inserted)", e.Seq, want)}
		case !bytes.Equal(e.PrevHash, prevHash):
			return &ChainError{Subject: subject, Seq: e.Seq, Reason: "previous-hash does not match the previous event"}
		case !bytes.Equal(e.Hash, ComputeHash(e, prevHash)):
			return &ChainError{Subject: subject, Seq: e.Seq, Reason: "hash does not match the event's content"}
		}
		prevHash = e.Hash
	}
	return nil
}
