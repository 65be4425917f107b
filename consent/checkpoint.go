package consent

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tink-crypto/tink-go/v2/tink"
)

// A hash chain shows an edited event to anyone who recomputes it, but
// whoever can write the database can recompute a whole subject's chain, or
// delete its newest event, and the chain alone shows nothing. A Checkpoint
// closes that gap: a snapshot of every subject's chain head (its newest
// sequence number and hash), under a Merkle root signed with a Tink
// signature key that never sits in the database, written where the
// database's owner cannot change it (a file the city files or publishes, an
// append-only object store). Audit then compares the database with the
// checkpoint and names every event that changed since.

// ErrCheckpointInvalid means a checkpoint's signature, root or structure
// does not verify: it was altered, or signed by another key.
var ErrCheckpointInvalid = errors.New("consent: checkpoint does not verify")

// Head is one subject's chain head at a checkpoint.
type Head struct {
	Subject string `json:"subject"`
	Seq     int64  `json:"seq"`
	Hash    []byte `json:"hash"`
}

// Checkpoint is a signed snapshot of every subject's chain head.
type Checkpoint struct {
	Version   int       `json:"version"` // 1
	Number    int64     `json:"number"`  // 1 for the first, then one more than the previous
	Prev      []byte    `json:"prev"`    // the previous checkpoint's root; nil for the first
	CreatedAt time.Time `json:"created_at"`
	Events    int64     `json:"events"` // events covered: the sum of the heads' Seq
	Heads     []Head    `json:"heads"`  // sorted by subject
	Root      []byte    `json:"root"`   // Merkle root over Heads
	Signature []byte    `json:"signature"`
}

const (
	checkpointDomain = "civickit/consent/checkpoint/v1"
	leafPrefix       = 0
	nodePrefix       = 1
)

func leafHash(h Head) []byte {
	var b bytes.Buffer
	b.WriteByte(leafPrefix)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(h.Subject)))
	b.WriteString(h.Subject)
	_ = binary.Write(&b, binary.BigEndian, h.Seq)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(h.Hash)))
	b.Write(h.Hash)
	s := sha256.Sum256(b.Bytes())
	return s[:]
}

// merkleRoot is the RFC 6962 tree hash over the leaves (the empty tree's
// root is the hash of nothing).
func merkleRoot(heads []Head) []byte {
	if len(heads) == 0 {
		s := sha256.Sum256(nil)
		return s[:]
	}
	level := make([][]byte, len(heads))
	for i, h := range heads {
		level[i] = leafHash(h)
	}
	for len(level) > 1 {
		next := level[:0:0]
		for i := 0; i < len(level); i += 2 {
			if i+1 == len(level) {
				next = append(next, level[i])
				continue
			}
			s := sha256.Sum256(append(append([]byte{nodePrefix}, level[i]...), level[i+1]...))
			next = append(next, s[:])
		}
		level = next
	}
	return level[0]
}

// signedBytes is what the signature covers: every field but the heads,
// which the root covers.
func (c *Checkpoint) signedBytes() []byte {
	var b bytes.Buffer
	b.WriteString(checkpointDomain)
	for _, n := range []int64{int64(c.Version), c.Number, c.CreatedAt.UnixNano(), c.Events, int64(len(c.Heads))} {
		_ = binary.Write(&b, binary.BigEndian, n)
	}
	for _, x := range [][]byte{c.Prev, c.Root} {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(x)))
		b.Write(x)
	}
	return b.Bytes()
}

// Checkpoint walks every subject's chain head and returns a checkpoint
// signed by signer (a Tink signature primitive: Ed25519 or ECDSA P-256,
// whose private keyset never sits in the database). prev is the previous
// checkpoint, or nil for the first: checkpoints chain, so an old one
// presented again is older than the latest the city filed.
//
// Appends may run meanwhile: each head is read as it is at that moment,
// and events appended later are simply not covered until the next one.
func (l *Ledger) Checkpoint(ctx context.Context, signer tink.Signer, prev *Checkpoint) (*Checkpoint, error) {
	return TakeCheckpoint(ctx, l.store, signer, prev, l.now())
}

// TakeCheckpoint is Ledger.Checkpoint on a store, for tools that have no
// ledger keys (an auditor's command): at is the checkpoint's time.
func TakeCheckpoint(ctx context.Context, store Store, signer tink.Signer, prev *Checkpoint, at time.Time) (*Checkpoint, error) {
	if signer == nil || store == nil {
		return nil, errors.New("consent: a checkpoint needs a store and a signer")
	}
	c := &Checkpoint{Version: 1, Number: 1, CreatedAt: at.UTC()}
	if prev != nil {
		c.Number, c.Prev = prev.Number+1, slices.Clone(prev.Root)
	}
	var err error
	if hr, ok := store.(HeadReader); ok {
		for after := ""; ; {
			heads, err := hr.Heads(ctx, after, 1000)
			if err != nil {
				return nil, err
			}
			c.Heads = append(c.Heads, heads...)
			if len(heads) < 1000 {
				break
			}
			after = heads[len(heads)-1].Subject
		}
	} else {
		err = eachSubject(ctx, store, func(id string) error {
			events, err := store.Events(ctx, id)
			if err != nil || len(events) == 0 {
				return err
			}
			last := events[len(events)-1]
			c.Heads = append(c.Heads, Head{Subject: id, Seq: last.Seq, Hash: slices.Clone(last.Hash)})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, h := range c.Heads {
		c.Events += h.Seq
	}
	c.Root = merkleRoot(c.Heads)
	if c.Signature, err = signer.Sign(c.signedBytes()); err != nil {
		return nil, fmt.Errorf("consent: sign checkpoint: %w", err)
	}
	return c, nil
}

// eachSubject calls f with every subject id, in ascending order.
func eachSubject(ctx context.Context, store Store, f func(string) error) error {
	after := ""
	for {
		ids, err := store.ListSubjects(ctx, after, 500)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := f(id); err != nil {
				return err
			}
		}
		if len(ids) < 500 {
			return nil
		}
		after = ids[len(ids)-1]
	}
}

// HeadReader is an optional interface for a Store that can list chain
// heads without reading whole histories, which Checkpoint then uses. Both
// stores in this module implement it; consenttest checks it agrees with
// Events.
type HeadReader interface {
	// Heads returns up to limit heads of subjects with at least one event
	// and an id greater than after, in ascending id order: each subject's
	// newest sequence number and hash.
	Heads(ctx context.Context, after string, limit int) ([]Head, error)
}

// VerifyCheckpoint checks c's structure, Merkle root and signature with
// verifier (the public half of the signing key). It returns an error
// wrapping ErrCheckpointInvalid if any of them fails.
func VerifyCheckpoint(c *Checkpoint, verifier tink.Verifier) error {
	if c == nil || verifier == nil {
		return errors.New("consent: VerifyCheckpoint needs a checkpoint and a verifier")
	}
	if c.Version != 1 || c.Number < 1 || (c.Number == 1) != (c.Prev == nil) {
		return fmt.Errorf("%w: unknown version or numbering", ErrCheckpointInvalid)
	}
	var events int64
	for i, h := range c.Heads {
		if h.Seq < 1 || len(h.Hash) != sha256.Size || i > 0 && c.Heads[i-1].Subject >= h.Subject {
			return fmt.Errorf("%w: head %d is malformed or out of order", ErrCheckpointInvalid, i)
		}
		events += h.Seq
	}
	if events != c.Events {
		return fmt.Errorf("%w: the event count does not match the heads", ErrCheckpointInvalid)
	}
	if !bytes.Equal(merkleRoot(c.Heads), c.Root) {
		return fmt.Errorf("%w: the heads do not match the root", ErrCheckpointInvalid)
	}
	if err := verifier.Verify(c.Signature, c.signedBytes()); err != nil {
		return fmt.Errorf("%w: bad signature", ErrCheckpointInvalid)
	}
	return nil
}

// ErrCheckpointOrder means the checkpoints a city filed do not form one
// chain: one is missing, replayed, forked or out of order, or a later one
// has less than an earlier one (a subject gone, a chain shorter or
// rewritten).
var ErrCheckpointOrder = errors.New("consent: filed checkpoints do not chain")

// VerifyCheckpoints verifies the checkpoints a city filed, oldest first,
// and returns the latest, the one to Audit against. Each must verify
// (VerifyCheckpoint) and follow the one before: the next number, the
// previous root as Prev, a creation time not earlier, and every head of
// the previous one still there, at the same or a later sequence number,
// and with the same hash at the same number. An old checkpoint presented
// again as the latest (a replay, for example beside a database restored
// from an old backup), or a second checkpoint of the same number (a fork)
// fails with an error wrapping ErrCheckpointOrder.
//
// It cannot tell that the newest checkpoints were withheld: the auditor
// must know how many the city filed (they are numbered from 1).
func VerifyCheckpoints(filed []*Checkpoint, verifier tink.Verifier) (*Checkpoint, error) {
	if len(filed) == 0 {
		return nil, errors.New("consent: VerifyCheckpoints needs at least one checkpoint")
	}
	for i, c := range filed {
		if err := VerifyCheckpoint(c, verifier); err != nil {
			return nil, fmt.Errorf("checkpoint %d of %d: %w", i+1, len(filed), err)
		}
		if i == 0 {
			continue
		}
		p := filed[i-1]
		switch {
		case c.Number != p.Number+1:
			return nil, fmt.Errorf("%w: checkpoint %d of %d has number %d, want %d (replayed, forked or missing)", ErrCheckpointOrder, i+1, len(filed), c.Number, p.Number+1)
		case !bytes.Equal(c.Prev, p.Root):
			return nil, fmt.Errorf("%w: checkpoint %d does not name checkpoint %d's root", ErrCheckpointOrder, c.Number, p.Number)
		case c.CreatedAt.Before(p.CreatedAt):
			return nil, fmt.Errorf("%w: checkpoint %d is older than checkpoint %d", ErrCheckpointOrder, c.Number, p.Number)
		}
		heads := make(map[string]Head, len(c.Heads))
		for _, h := range c.Heads {
			heads[h.Subject] = h
		}
		for _, h := range p.Heads {
			n, ok := heads[h.Subject]
			switch {
			case !ok:
				return nil, fmt.Errorf("%w: subject %s of checkpoint %d is missing from checkpoint %d", ErrCheckpointOrder, h.Subject, p.Number, c.Number)
			case n.Seq < h.Seq:
				return nil, fmt.Errorf("%w: subject %s has fewer events at checkpoint %d than at checkpoint %d", ErrCheckpointOrder, h.Subject, c.Number, p.Number)
			case n.Seq == h.Seq && !bytes.Equal(n.Hash, h.Hash):
				return nil, fmt.Errorf("%w: subject %s's head changed between checkpoints %d and %d", ErrCheckpointOrder, h.Subject, p.Number, c.Number)
			}
		}
	}
	return filed[len(filed)-1], nil
}

// MarshalCheckpoint encodes c as JSON for filing.
func MarshalCheckpoint(c *Checkpoint) ([]byte, error) { return json.MarshalIndent(c, "", " ") }

// UnmarshalCheckpoint decodes a filed checkpoint. It does not verify it:
// call VerifyCheckpoint (Audit does).
func UnmarshalCheckpoint(b []byte) (*Checkpoint, error) {
	var c Checkpoint
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCheckpointInvalid, err)
	}
	return &c, nil
}

// ChangeKind says how a subject's history differs from a checkpoint.
type ChangeKind string

// Kinds of change Audit reports.
const (
	// ChangeEdited: an event the checkpoint covers no longer matches its
	// hash (content edited, or the chain recomputed).
	ChangeEdited ChangeKind = "edited"
	// ChangeDeleted: events the checkpoint covers are gone, the newest
	// among them (or the whole subject).
	ChangeDeleted ChangeKind = "deleted"
	// ChangeBroken: an event appended since the checkpoint breaks the
	// chain.
	ChangeBroken ChangeKind = "broken"
)

// Change is one difference Audit found.
type Change struct {
	Subject string     `json:"subject"`
	Seq     int64      `json:"seq"` // the first event concerned
	Kind    ChangeKind `json:"kind"`
	Detail  string     `json:"detail"`
}

// AuditReport is what Audit found.
type AuditReport struct {
	Checkpoint  int64    `json:"checkpoint"`   // the checkpoint's Number
	Subjects    int      `json:"subjects"`     // subjects the checkpoint covers
	Events      int64    `json:"events"`       // events the checkpoint covers
	NewSubjects int      `json:"new_subjects"` // subjects created since, whose chains were verified
	Changes     []Change `json:"changes"`      // empty when nothing changed
}

// OK reports whether the audit found no change.
func (r *AuditReport) OK() bool { return len(r.Changes) == 0 }

// Audit verifies c with verifier, then compares the ledger with it: every
// subject's chain must verify, still hold every event the checkpoint
// covers, and pass through the checkpointed head. It reports each
// difference precisely (an edited event, a deleted newest event, a
// rewritten chain, a deleted subject) rather than stopping at the first.
// Give it the latest checkpoint the city filed: an older one covers less.
//
// Chains are verified with the ledger's chain key (ChainKey.Verify), so
// that a keyed chain recomputed without the key, or downgraded to the
// unkeyed hash, is found even among events appended since the checkpoint.
func (l *Ledger) Audit(ctx context.Context, c *Checkpoint, verifier tink.Verifier) (*AuditReport, error) {
	return audit(ctx, l.store, l.chain, c, verifier)
}

// Audit is Ledger.Audit on a store, for an auditor's tool that has no
// ledger keys but the chain key: it needs read access to the database,
// the public half of the checkpoint key and, for a keyed chain, a store
// that holds the chain key (KeyedStore; sqlstore.Options.ChainKey). On a
// store without the key, Audit of a history with keyed events fails with
// ErrChainKeyNeeded.
func Audit(ctx context.Context, store Store, c *Checkpoint, verifier tink.Verifier) (*AuditReport, error) {
	return audit(ctx, store, storeChainKey(store), c, verifier)
}

func audit(ctx context.Context, store Store, key *ChainKey, c *Checkpoint, verifier tink.Verifier) (*AuditReport, error) {
	if store == nil {
		return nil, errors.New("consent: Audit needs a store")
	}
	if err := VerifyCheckpoint(c, verifier); err != nil {
		return nil, err
	}
	r := &AuditReport{Checkpoint: c.Number, Subjects: len(c.Heads), Events: c.Events}
	heads := make(map[string]Head, len(c.Heads))
	for _, h := range c.Heads {
		heads[h.Subject] = h
	}
	seen := make(map[string]bool, len(c.Heads))
	err := eachSubject(ctx, store, func(id string) error {
		seen[id] = true
		events, err := store.Events(ctx, id)
		if err != nil {
			return err
		}
		h, covered := heads[id]
		if !covered {
			r.NewSubjects++
		}
		ch, err := compare(key, id, events, h, covered)
		if err != nil {
			return err
		}
		if ch != nil {
			r.Changes = append(r.Changes, *ch)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, h := range c.Heads {
		if !seen[h.Subject] {
			r.Changes = append(r.Changes, Change{Subject: h.Subject, Seq: 1, Kind: ChangeDeleted,
				Detail: fmt.Sprintf("the subject and its %d events are gone", h.Seq)})
		}
	}
	slices.SortFunc(r.Changes, func(a, b Change) int { return strings.Compare(a.Subject, b.Subject) })
	return r, nil
}

// compare checks one subject's events, with key, against its checkpointed
// head. It returns an error only when it cannot judge (ErrChainKeyNeeded).
func compare(key *ChainKey, id string, events []Event, h Head, covered bool) (*Change, error) {
	ce, err := key.verify(id, events)
	if ce != nil {
		kind := ChangeBroken
		if covered && ce.Seq <= h.Seq {
			kind = ChangeEdited
		}
		return &Change{Subject: id, Seq: ce.Seq, Kind: kind, Detail: ce.Reason}, nil
	}
	if err != nil {
		return nil, err
	}
	if !covered {
		return nil, nil
	}
	if int64(len(events)) < h.Seq {
		return &Change{Subject: id, Seq: int64(len(events)) + 1, Kind: ChangeDeleted,
			Detail: fmt.Sprintf("events %d to %d, the newest at the checkpoint, are gone", len(events)+1, h.Seq)}, nil
	}
	if !bytes.Equal(events[h.Seq-1].Hash, h.Hash) {
		return &Change{Subject: id, Seq: h.Seq, Kind: ChangeEdited,
			Detail: "the chain verifies but does not pass through the checkpointed head: it was recomputed"}, nil
	}
	return nil, nil
}
