package consenttest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

// KeyedSince is the ChainKeyOptions.KeyedSince of the keys RunTamper
// gives its stores: an hour before the suite's clock starts, so that the
// suite can plant unkeyed events recorded before it (a ledger that
// existed before it had a chain key).
var KeyedSince = t0.Add(-time.Hour)

// NewChainKey returns a fresh chain key on a new pii.Indexing keyring;
// opts as for consent.NewChainKey.
func NewChainKey(t testing.TB, opts *consent.ChainKeyOptions) *consent.ChainKey {
	t.Helper()
	kr, err := pii.NewKeyring(pii.Indexing)
	require.NoError(t, err)
	k, err := consent.NewChainKey(kr, opts)
	require.NoError(t, err)
	return k
}

// Tamperer does to a store what whoever can write its database can: it
// rewrites stored events, past the append-only rules (triggers, roles).
type Tamperer interface {
	// Rewrite replaces the stored events of subject with events, stored
	// under subject whatever their Subject field says (as a row's subject
	// column would), with their hashes as given, and moves the subject's
	// chain head to the last of them.
	Rewrite(ctx context.Context, subject string, events []consent.Event) error
}

// RunTamper runs the tampering scenarios against a keyed store: an event
// edited; the newest event deleted, against a checkpoint; a chain
// recomputed with the old unkeyed hash (a downgrade), wholly or after its
// keyed events; a chain recomputed without the chain key (with another
// key, under the right key id or not); two subjects' events swapped; an
// old checkpoint replayed. Each must be found by Ledger.Verify and by
// Audit against a checkpoint filed before, and named. It also checks that
// a history begun unkeyed, before KeyedSince, verifies and moves to the
// keyed chain.
//
// newStore must return a fresh, empty store that seals with key (see
// consent.KeyedStore) and a Tamperer on the same data.
func RunTamper(t *testing.T, newStore func(t *testing.T, key *consent.ChainKey) (consent.Store, Tamperer)) {
	for _, sc := range tamperScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			key := NewChainKey(t, &consent.ChainKeyOptions{KeyedSince: KeyedSince})
			s, tam := newStore(t, key)
			require.Same(t, key, chainKeyOf(s), "the store seals with the key it was given")
			runTamper(t, s, tam, sc)
		})
	}
	t.Run("MoveToKeyedChain", func(t *testing.T) {
		key := NewChainKey(t, &consent.ChainKeyOptions{KeyedSince: KeyedSince})
		s, tam := newStore(t, key)
		testMoveToKeyed(t, s, tam)
	})
	t.Run("ReplayedCheckpoint", func(t *testing.T) {
		key := NewChainKey(t, &consent.ChainKeyOptions{KeyedSince: KeyedSince})
		s, tam := newStore(t, key)
		testReplayedCheckpoint(t, s, tam)
	})
}

// tamperScenario rewrites the history of subject 0 (and maybe 1) of a
// filled ledger, and says what Verify and Audit must report.
type tamperScenario struct {
	name string
	// tamper returns the new histories of the subjects it changes, given
	// every subject's events and the ledger's key.
	tamper func(t *testing.T, key *consent.ChainKey, ids []string, events map[string][]consent.Event) map[string][]consent.Event
	// verifySeq is the event Verify must name for each changed subject; 0
	// means the chain alone shows nothing.
	verifySeq map[int]int64
	kind      map[int]consent.ChangeKind
	auditSeq  map[int]int64
}

func resealed(t *testing.T, key *consent.ChainKey, events []consent.Event) []consent.Event {
	t.Helper()
	out := make([]consent.Event, len(events))
	copy(out, events)
	var prev *consent.Event
	for i := range out {
		require.NoError(t, key.Seal(&out[i], prev))
		prev = &out[i]
	}
	return out
}

func tamperScenarios() []tamperScenario {
	return []tamperScenario{
		{name: "EditedEvent",
			tamper: func(_ *testing.T, _ *consent.ChainKey, ids []string, ev map[string][]consent.Event) map[string][]consent.Event {
				e := ev[ids[0]]
				e[1].Detail = "edited"
				return map[string][]consent.Event{ids[0]: e}
			},
			verifySeq: map[int]int64{0: 2}, kind: map[int]consent.ChangeKind{0: consent.ChangeEdited}, auditSeq: map[int]int64{0: 2}},
		{name: "NewestEventDeleted",
			tamper: func(_ *testing.T, _ *consent.ChainKey, ids []string, ev map[string][]consent.Event) map[string][]consent.Event {
				return map[string][]consent.Event{ids[0]: ev[ids[0]][:2]}
			},
			verifySeq: map[int]int64{0: 0}, kind: map[int]consent.ChangeKind{0: consent.ChangeDeleted}, auditSeq: map[int]int64{0: 3}},
		{name: "RecomputedWithUnkeyedHash",
			tamper: func(t *testing.T, _ *consent.ChainKey, ids []string, ev map[string][]consent.Event) map[string][]consent.Event {
				e := ev[ids[0]]
				e[2].Type = consent.Withdrawn
				return map[string][]consent.Event{ids[0]: resealed(t, nil, e)}
			},
			verifySeq: map[int]int64{0: 1}, kind: map[int]consent.ChangeKind{0: consent.ChangeEdited}, auditSeq: map[int]int64{0: 1}},
		{name: "UnkeyedEventsAfterKeyed",
			tamper: func(t *testing.T, _ *consent.ChainKey, ids []string, ev map[string][]consent.Event) map[string][]consent.Event {
				e := ev[ids[0]]
				e[2].Type = consent.Withdrawn
				consent.Seal(&e[2], &e[1])
				return map[string][]consent.Event{ids[0]: e}
			},
			verifySeq: map[int]int64{0: 3}, kind: map[int]consent.ChangeKind{0: consent.ChangeEdited}, auditSeq: map[int]int64{0: 3}},
		{name: "RecomputedWithoutTheKey",
			tamper: func(t *testing.T, _ *consent.ChainKey, ids []string, ev map[string][]consent.Event) map[string][]consent.Event {
				e := ev[ids[0]]
				e[1].Detail = "edited"
				return map[string][]consent.Event{ids[0]: resealed(t, NewChainKey(t, nil), e)}
			},
			verifySeq: map[int]int64{0: 1}, kind: map[int]consent.ChangeKind{0: consent.ChangeEdited}, auditSeq: map[int]int64{0: 1}},
		{name: "RecomputedWithAnotherKeyUnderTheKeyID",
			tamper: func(t *testing.T, key *consent.ChainKey, ids []string, ev map[string][]consent.Event) map[string][]consent.Event {
				e := ev[ids[0]]
				id := e[0].HashKey
				e[1].Detail = "edited"
				e = resealed(t, NewChainKey(t, nil), e)
				for i := range e {
					e[i].HashKey = id
				}
				return map[string][]consent.Event{ids[0]: e}
			},
			verifySeq: map[int]int64{0: 1}, kind: map[int]consent.ChangeKind{0: consent.ChangeEdited}, auditSeq: map[int]int64{0: 1}},
		{name: "SwappedSubjects",
			tamper: func(_ *testing.T, _ *consent.ChainKey, ids []string, ev map[string][]consent.Event) map[string][]consent.Event {
				return map[string][]consent.Event{ids[0]: ev[ids[1]], ids[1]: ev[ids[0]]}
			},
			verifySeq: map[int]int64{0: 1, 1: 1},
			kind:      map[int]consent.ChangeKind{0: consent.ChangeEdited, 1: consent.ChangeEdited},
			auditSeq:  map[int]int64{0: 1, 1: 1}},
		{name: "SwappedSubjectsRecomputedUnkeyed",
			tamper: func(t *testing.T, _ *consent.ChainKey, ids []string, ev map[string][]consent.Event) map[string][]consent.Event {
				relabel := func(id string, e []consent.Event) []consent.Event {
					for i := range e {
						e[i].Subject = id
					}
					return resealed(t, nil, e)
				}
				a, b := ev[ids[0]], ev[ids[1]]
				return map[string][]consent.Event{ids[0]: relabel(ids[0], b), ids[1]: relabel(ids[1], a)}
			},
			verifySeq: map[int]int64{0: 1, 1: 1},
			kind:      map[int]consent.ChangeKind{0: consent.ChangeEdited, 1: consent.ChangeEdited},
			auditSeq:  map[int]int64{0: 1, 1: 1}},
	}
}

// fillKeyed enrolls n subjects with three events each on a ledger over s.
func fillKeyed(t *testing.T, l *consent.Ledger, n int) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for i := range n {
		id, err := l.Enroll(ctx, email(i))
		require.NoError(t, err)
		for j := range 3 {
			typ := consent.Given
			if j == 1 {
				typ = consent.Withdrawn
			}
			_, err := l.Record(ctx, consent.Event{Subject: id, Type: typ, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
			require.NoError(t, err)
		}
		ids = append(ids, id)
	}
	return ids
}

func runTamper(t *testing.T, s consent.Store, tam Tamperer, sc tamperScenario) {
	ctx := context.Background()
	clock := NewClock(t0)
	l := newLedger(t, s, 0, clock)
	require.Same(t, chainKeyOf(s), l.ChainKey(), "the ledger verifies with the store's key")
	signer, verifier := SigningKeys(t)
	ids := fillKeyed(t, l, 3)
	events := map[string][]consent.Event{}
	for _, id := range ids {
		e, err := s.Events(ctx, id)
		require.NoError(t, err)
		require.NoError(t, l.Verify(ctx, id))
		for _, x := range e {
			require.Equal(t, consent.HashKeyedPRF, x.HashScheme)
		}
		events[id] = e
	}
	cp, err := l.Checkpoint(ctx, signer, nil)
	require.NoError(t, err)
	for id, e := range sc.tamper(t, l.ChainKey(), ids, events) {
		require.NoError(t, tam.Rewrite(ctx, id, e))
	}
	for i, id := range ids {
		want, changed := sc.verifySeq[i]
		err := l.Verify(ctx, id)
		if !changed || want == 0 {
			assert.NoError(t, err, "subject %d: the chain alone shows nothing", i)
			continue
		}
		var ce *consent.ChainError
		if assert.ErrorAs(t, err, &ce, "subject %d", i) {
			assert.Equal(t, want, ce.Seq, "subject %d: %s", i, ce.Reason)
		}
	}
	r, err := l.Audit(ctx, cp, verifier)
	require.NoError(t, err)
	got := map[string]consent.Change{}
	for _, c := range r.Changes {
		got[c.Subject] = c
	}
	assert.Len(t, got, len(sc.kind), "%+v", r.Changes)
	for i, kind := range sc.kind {
		c, ok := got[ids[i]]
		if assert.True(t, ok, "subject %d is reported", i) {
			assert.Equal(t, kind, c.Kind, "subject %d: %s", i, c.Detail)
			assert.Equal(t, sc.auditSeq[i], c.Seq, "subject %d: %s", i, c.Detail)
		}
	}
	// The auditor's tool, on the store alone, finds the same.
	r2, err := consent.Audit(ctx, s, cp, verifier)
	require.NoError(t, err)
	assert.Equal(t, r.Changes, r2.Changes)
}

// testMoveToKeyed plants an unkeyed history recorded before KeyedSince,
// as a ledger that existed before its chain key left it, and checks that
// it verifies, that new events are keyed and link it, and that from then
// on recomputing the unkeyed events shows.
func testMoveToKeyed(t *testing.T, s consent.Store, tam Tamperer) {
	ctx := context.Background()
	l := newLedger(t, s, 0, NewClock(t0))
	id, err := l.Enroll(ctx, email(1))
	require.NoError(t, err)
	var legacy []consent.Event
	for i := range 2 {
		at := KeyedSince.Add(-time.Duration(10-i) * time.Minute)
		legacy = append(legacy, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email,
			Method: consent.Paper, Actor: "staff:1", OccurredAt: at, RecordedAt: at})
	}
	legacy = resealed(t, nil, legacy)
	require.NoError(t, tam.Rewrite(ctx, id, legacy))
	require.NoError(t, l.Verify(ctx, id), "unkeyed events recorded before KeyedSince verify")

	got, err := l.Record(ctx, consent.Event{Subject: id, Type: consent.Withdrawn, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	require.NoError(t, err)
	assert.Equal(t, consent.HashKeyedPRF, got.HashScheme, "new events are keyed")
	assert.EqualValues(t, 3, got.Seq)
	assert.Equal(t, legacy[1].Hash, got.PrevHash, "and link the unkeyed chain")
	events, err := s.Events(ctx, id)
	require.NoError(t, err)
	require.Len(t, events, 3)
	assert.Equal(t, []consent.HashScheme{consent.HashSHA256, consent.HashSHA256, consent.HashKeyedPRF},
		[]consent.HashScheme{events[0].HashScheme, events[1].HashScheme, events[2].HashScheme}, "the store keeps each event's scheme")
	require.NoError(t, l.Verify(ctx, id))

	// Without the chain key, a keyed history cannot be judged.
	signer, verifier := SigningKeys(t)
	cp, err := consent.TakeCheckpoint(ctx, s, signer, nil, t0)
	require.NoError(t, err)
	_, err = consent.Audit(ctx, unkeyed{s}, cp, verifier)
	assert.ErrorIs(t, err, consent.ErrChainKeyNeeded)

	// The keyed event now protects the unkeyed ones before it: editing
	// and recomputing them breaks its link.
	edited := append([]consent.Event(nil), events...)
	edited[0].Type = consent.Withdrawn
	consent.Seal(&edited[0], nil)
	consent.Seal(&edited[1], &edited[0])
	require.NoError(t, tam.Rewrite(ctx, id, edited))
	var ce *consent.ChainError
	require.ErrorAs(t, l.Verify(ctx, id), &ce)
	assert.EqualValues(t, 3, ce.Seq, ce.Reason)

}

// unkeyed hides a store's chain key (it is no consent.KeyedStore).
type unkeyed struct{ consent.Store }

// testReplayedCheckpoint rolls a subject back to an old checkpoint's
// state and presents that checkpoint as the latest.
func testReplayedCheckpoint(t *testing.T, s consent.Store, tam Tamperer) {
	ctx := context.Background()
	l := newLedger(t, s, 0, NewClock(t0))
	signer, verifier := SigningKeys(t)
	ids := fillKeyed(t, l, 2)
	old, err := l.History(ctx, ids[0])
	require.NoError(t, err)
	cp1, err := l.Checkpoint(ctx, signer, nil)
	require.NoError(t, err)
	_, err = l.Record(ctx, consent.Event{Subject: ids[0], Type: consent.Given, Purpose: "news", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	require.NoError(t, err)
	cp2, err := l.Checkpoint(ctx, signer, cp1)
	require.NoError(t, err)

	// Roll the subject back to what checkpoint 1 covers.
	require.NoError(t, tam.Rewrite(ctx, ids[0], old))
	r, err := l.Audit(ctx, cp1, verifier)
	require.NoError(t, err)
	assert.True(t, r.OK(), "the old checkpoint alone cannot see the rollback: it covers less")

	_, err = consent.VerifyCheckpoints([]*consent.Checkpoint{cp1, cp2, cp1}, verifier)
	assert.ErrorIs(t, err, consent.ErrCheckpointOrder, "an old checkpoint presented as the latest")
	fork, err := l.Checkpoint(ctx, signer, cp1)
	require.NoError(t, err)
	_, err = consent.VerifyCheckpoints([]*consent.Checkpoint{cp1, cp2, fork}, verifier)
	assert.ErrorIs(t, err, consent.ErrCheckpointOrder, "a second checkpoint 2 taken after the rollback")

	latest, err := consent.VerifyCheckpoints([]*consent.Checkpoint{cp1, cp2}, verifier)
	require.NoError(t, err)
	require.Same(t, cp2, latest)
	r, err = l.Audit(ctx, latest, verifier)
	require.NoError(t, err)
	require.Len(t, r.Changes, 1, "%+v", r.Changes)
	assert.Equal(t, ids[0], r.Changes[0].Subject)
	assert.Equal(t, consent.ChangeDeleted, r.Changes[0].Kind)
	assert.EqualValues(t, 4, r.Changes[0].Seq)
}
