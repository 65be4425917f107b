// Package consenttest is the conformance suite for consent.Store
// implementations, and helpers for tests that need a consent.Ledger.
//
// # Running the suite
//
// Call Run from a test with a function that returns a fresh, empty store:
//
//	func TestConformance(t *testing.T) {
//		consenttest.Run(t, func(t *testing.T) consent.Store { return mystore.New(t) })
//	}
//
// The suite checks subjects and blind-index lookups, append-only event logs
// with intact hash chains (also under concurrent appends for one subject),
// appends that fail alone among concurrent ones, appends under an ended
// context, batch appends (for a consent.BatchAppender), single-use tokens,
// latest-event queries, notice queries and forgetting (also racing
// concurrent appends: none may outlive Ledger.Forget), then drives a
// Ledger end to end on the store, imports included.
//
// # Tampering
//
// RunTamper checks that tampering with a store keyed with a
// consent.ChainKey is found: give it a function that returns a fresh store
// sealing with the key it is given and a Tamperer that rewrites the
// store's events as the database's owner could (past triggers and roles).
// Each scenario (an edited event, the newest deleted against a checkpoint,
// a chain recomputed with the old unkeyed hash or without the key, two
// subjects' events swapped, an old checkpoint replayed) must be found by
// Ledger.Verify and by Audit and named.
package consenttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

// NewKeys returns fresh in-memory keys for a Ledger: a Shredder on a
// pii.MemoryKeyStore, an Indexer and a token keyring. bits is the blind
// index length (0 for the Indexer's default); tests pass a small value to
// force collisions.
func NewKeys(t testing.TB, bits int) consent.Keys {
	t.Helper()
	enc, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	idx, err := pii.NewKeyring(pii.Indexing)
	require.NoError(t, err)
	tok, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	sh, err := pii.NewShredder(enc, &pii.MemoryKeyStore{})
	require.NoError(t, err)
	ix, err := pii.NewIndexer(idx, &pii.IndexerOptions{Bits: max(bits, 0)})
	require.NoError(t, err)
	return consent.Keys{Shredder: sh, Indexer: ix, Tokens: tok}
}

// Clock is a settable clock for Options.Now, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// t0 is the suite's fixed start time, with nanoseconds to check that stores
// keep them.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC)

func subject(i int) string { return fmt.Sprintf("s_conformance_%04d", i) }

func rec(i int, index byte) consent.SubjectRecord {
	return consent.SubjectRecord{
		ID: subject(i), Kind: consent.ContactEmail,
		Contact:   []byte{0xc0, byte(i), 1, 2, 3},
		Index:     []byte{index, 0x40},
		CreatedAt: t0,
	}
}

func ev(subj string, typ consent.EventType, purpose string, ch consent.Channel, at time.Time) consent.Event {
	return consent.Event{Subject: subj, Type: typ, Purpose: purpose, Channel: ch, Method: consent.WebForm,
		Actor: "subject", OccurredAt: at, RecordedAt: at.Add(time.Millisecond)}
}

func create(t *testing.T, s consent.Store, r consent.SubjectRecord) {
	t.Helper()
	id, created, err := s.CreateSubject(context.Background(), r, nil)
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, r.ID, id)
}

// Run runs the conformance suite. newStore must return a fresh, empty store
// each time it is called.
func Run(t *testing.T, newStore func(t *testing.T) consent.Store) {
	t.Run("Subjects", func(t *testing.T) { testSubjects(t, newStore(t)) })
	t.Run("CreateSubjectConcurrent", func(t *testing.T) { testCreateConcurrent(t, newStore(t)) })
	t.Run("AppendChain", func(t *testing.T) { testAppendChain(t, newStore(t)) })
	t.Run("AppendConcurrent", func(t *testing.T) { testAppendConcurrent(t, newStore(t)) })
	t.Run("AppendMixedConcurrent", func(t *testing.T) { testAppendMixedConcurrent(t, newStore(t)) })
	t.Run("AppendCanceled", func(t *testing.T) { testAppendCanceled(t, newStore(t)) })
	t.Run("AppendBatch", func(t *testing.T) { testAppendBatch(t, newStore(t)) })
	t.Run("TokenSingleUse", func(t *testing.T) { testTokenSingleUse(t, newStore(t)) })
	t.Run("Latest", func(t *testing.T) { testLatest(t, newStore(t)) })
	t.Run("Resting", func(t *testing.T) { testResting(t, newStore(t)) })
	t.Run("Forget", func(t *testing.T) { testForget(t, newStore(t)) })
	t.Run("ForgetRace", func(t *testing.T) { testForgetRace(t, newStore(t)) })
	t.Run("ListSubjects", func(t *testing.T) { testList(t, newStore(t)) })
	t.Run("Notices", func(t *testing.T) { testNotices(t, newStore(t)) })
	t.Run("Ledger", func(t *testing.T) { testLedger(t, newStore(t)) })
	t.Run("LedgerImport", func(t *testing.T) { testLedgerImport(t, newStore(t)) })
	t.Run("LedgerRecords", func(t *testing.T) { testLedgerRecords(t, newStore(t)) })
	t.Run("LedgerCollisions", func(t *testing.T) { testLedgerCollisions(t, newStore(t)) })
	t.Run("LedgerConcurrentEnroll", func(t *testing.T) { testLedgerConcurrentEnroll(t, newStore(t)) })
	t.Run("MoveContact", func(t *testing.T) { testMoveContact(t, newStore(t)) })
	t.Run("LedgerMoveContact", func(t *testing.T) { testLedgerMove(t, newStore(t)) })
	t.Run("LedgerMoveContactRace", func(t *testing.T) { testLedgerMoveRace(t, newStore(t)) })
	t.Run("Heads", func(t *testing.T) { testHeads(t, newStore(t)) })
	t.Run("LedgerDevice", func(t *testing.T) { testLedgerDevice(t, newStore(t)) })
	t.Run("LedgerCheckpoint", func(t *testing.T) { testLedgerCheckpoint(t, newStore(t)) })
	t.Run("AppendLinks", func(t *testing.T) { testAppendLinks(t, newStore(t)) })
	t.Run("AppendLinksRace", func(t *testing.T) { testAppendLinksRace(t, newStore(t)) })
	t.Run("LedgerPerson", func(t *testing.T) { testLedgerPerson(t, newStore(t)) })
	t.Run("CheckpointConcurrent", func(t *testing.T) { testCheckpointConcurrent(t, newStore(t)) })
}

func testSubjects(t *testing.T, s consent.Store) {
	ctx := context.Background()
	_, err := s.Subject(ctx, subject(1))
	assert.ErrorIs(t, err, consent.ErrNotFound, "unknown subject")

	create(t, s, rec(1, 0xaa))
	create(t, s, rec(2, 0xaa)) // same index: blind indexes collide by design
	create(t, s, rec(3, 0xbb))

	got, err := s.Subject(ctx, subject(1))
	require.NoError(t, err)
	assert.Equal(t, rec(1, 0xaa).Contact, got.Contact)
	assert.Equal(t, rec(1, 0xaa).Index, got.Index)
	assert.Equal(t, consent.ContactEmail, got.Kind)
	assert.True(t, got.CreatedAt.Equal(t0), "created-at round-trips to the nanosecond: %v", got.CreatedAt)
	assert.False(t, got.Forgotten())

	cands, err := s.SubjectsByIndex(ctx, consent.ContactEmail, []byte{0xaa, 0x40})
	require.NoError(t, err)
	var ids []string
	for _, c := range cands {
		ids = append(ids, c.ID)
	}
	assert.ElementsMatch(t, []string{subject(1), subject(2)}, ids, "both colliding subjects are candidates")
	cands, err = s.SubjectsByIndex(ctx, consent.ContactPhone, []byte{0xaa, 0x40})
	require.NoError(t, err)
	assert.Empty(t, cands, "the index is per contact kind")

	// same sees the candidates and can name one: nothing is stored then.
	r := rec(4, 0xbb)
	var seen []string
	id, created, err := s.CreateSubject(ctx, r, func(c []consent.SubjectRecord) (string, error) {
		for _, x := range c {
			seen = append(seen, x.ID)
		}
		return subject(3), nil
	})
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, subject(3), id)
	assert.Equal(t, []string{subject(3)}, seen)
	_, err = s.Subject(ctx, subject(4))
	assert.ErrorIs(t, err, consent.ErrNotFound, "a matched subject is not stored twice")

	// same returning "" stores the new subject.
	id, created, err = s.CreateSubject(ctx, r, func([]consent.SubjectRecord) (string, error) { return "", nil })
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, subject(4), id)

	// an error from same aborts.
	boom := errors.New("boom")
	_, _, err = s.CreateSubject(ctx, rec(5, 0xbb), func([]consent.SubjectRecord) (string, error) { return "", boom })
	assert.ErrorIs(t, err, boom)
	_, err = s.Subject(ctx, subject(5))
	assert.ErrorIs(t, err, consent.ErrNotFound, "a failed create stores nothing")
}

func testCreateConcurrent(t *testing.T, s consent.Store) {
	// Eight writers create "the same contact point" (same index; same
	// reports any candidate as a match): exactly one subject results.
	const n = 8
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	created := make([]bool, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], created[i], errs[i] = s.CreateSubject(context.Background(), rec(100+i, 0xcc),
				func(c []consent.SubjectRecord) (string, error) { return c[0].ID, nil })
		}()
	}
	wg.Wait()
	nCreated := 0
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, ids[0], ids[i], "all writers agree on one subject")
		if created[i] {
			nCreated++
		}
	}
	assert.Equal(t, 1, nCreated)
	cands, err := s.SubjectsByIndex(context.Background(), consent.ContactEmail, []byte{0xcc, 0x40})
	require.NoError(t, err)
	assert.Len(t, cands, 1)
}

func testAppendChain(t *testing.T, s consent.Store) {
	ctx := context.Background()
	_, err := s.Append(ctx, ev(subject(1), consent.Given, "news", consent.Email, t0), nil)
	assert.ErrorIs(t, err, consent.ErrNotFound, "appending for an unknown subject")

	create(t, s, rec(1, 1))
	create(t, s, rec(2, 2))
	var want []consent.Event
	for i, typ := range []consent.EventType{consent.Requested, consent.Confirmed, consent.Withdrawn, consent.Renewed} {
		e := ev(subject(1), typ, "news", consent.Email, t0.Add(time.Duration(i)*time.Hour))
		e.Notice = consent.NoticeRef{ID: "privacy", Version: 2}
		e.Detail = "d"
		got, err := s.Append(ctx, e, nil)
		require.NoError(t, err)
		assert.Equal(t, int64(i+1), got.Seq, "sequence numbers count from 1")
		assert.Len(t, got.Hash, 32)
		assertSealed(t, s, got)
		if i > 0 {
			assert.Equal(t, want[i-1].Hash, got.PrevHash, "each event links the previous one")
		} else {
			assert.Empty(t, got.PrevHash)
		}
		want = append(want, got)
	}
	_, err = s.Append(ctx, ev(subject(2), consent.Given, "news", consent.SMS, t0), nil)
	require.NoError(t, err)

	got, err := s.Events(ctx, subject(1))
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i].Seq, got[i].Seq)
		assert.Equal(t, want[i].Type, got[i].Type)
		assert.Equal(t, want[i].Notice, got[i].Notice)
		assert.Equal(t, "d", got[i].Detail)
		assert.True(t, want[i].OccurredAt.Equal(got[i].OccurredAt), "occurred-at to the nanosecond")
		assert.True(t, want[i].RecordedAt.Equal(got[i].RecordedAt), "recorded-at to the nanosecond")
		assert.Equal(t, want[i].Hash, got[i].Hash)
		assert.Equal(t, want[i].HashScheme, got[i].HashScheme, "the hash scheme is kept")
		assert.Equal(t, want[i].HashKey, got[i].HashKey, "the chain key id is kept")
	}
	assert.NoError(t, chainKeyOf(s).Verify(subject(1), got))

	other, err := s.Events(ctx, subject(2))
	require.NoError(t, err)
	require.Len(t, other, 1)
	assert.Equal(t, int64(1), other[0].Seq, "each subject has its own sequence")

	none, err := s.Events(ctx, subject(99))
	require.NoError(t, err)
	assert.Empty(t, none)
}

func testAppendConcurrent(t *testing.T, s consent.Store) {
	ctx := context.Background()
	create(t, s, rec(1, 1))
	create(t, s, rec(2, 2))
	const workers, each = 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers*each)
	for w := range 2 * workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			subj := subject(1 + w%2)
			for i := range each {
				typ := consent.Given
				if i%2 == 1 {
					typ = consent.Withdrawn
				}
				if _, err := s.Append(ctx, ev(subj, typ, fmt.Sprintf("p%d", w), consent.Email, t0), nil); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for _, subj := range []string{subject(1), subject(2)} {
		events, err := s.Events(ctx, subj)
		require.NoError(t, err)
		assert.Len(t, events, workers*each)
		assert.NoError(t, chainKeyOf(s).Verify(subj, events), "the chain stays intact under concurrent appends")
	}
}

func testTokenSingleUse(t *testing.T, s consent.Store) {
	ctx := context.Background()
	create(t, s, rec(1, 1))
	tok := bytes.Repeat([]byte{7}, 16)
	_, err := s.Append(ctx, ev(subject(1), consent.Confirmed, "news", consent.Email, t0), tok)
	require.NoError(t, err)
	_, err = s.Append(ctx, ev(subject(1), consent.Confirmed, "news", consent.Email, t0), tok)
	assert.ErrorIs(t, err, consent.ErrTokenUsed)
	events, err := s.Events(ctx, subject(1))
	require.NoError(t, err)
	assert.Len(t, events, 1, "a used token appends nothing")

	// Concurrent uses of one fresh token: exactly one wins.
	tok2 := bytes.Repeat([]byte{8}, 16)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, used := 0, 0
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Append(ctx, ev(subject(1), consent.Confirmed, "news", consent.Email, t0), tok2)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, consent.ErrTokenUsed):
				used++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, wins)
	assert.Equal(t, 5, used)
	events, err = s.Events(ctx, subject(1))
	require.NoError(t, err)
	assert.Len(t, events, 2)
	assert.NoError(t, chainKeyOf(s).Verify(subject(1), events))
}

func testLatest(t *testing.T, s consent.Store) {
	ctx := context.Background()
	create(t, s, rec(1, 1))
	_, err := s.Latest(ctx, subject(1), "news", consent.Email)
	assert.ErrorIs(t, err, consent.ErrNotFound, "no events")
	if sr, ok := s.(consent.StateReader); ok {
		_, _, err := sr.State(ctx, subject(2), "news", consent.Email)
		assert.ErrorIs(t, err, consent.ErrNotFound, "State of an unknown subject")
	}
	_, err = s.LatestRequested(ctx, subject(1), "news", consent.Email)
	assert.ErrorIs(t, err, consent.ErrNotFound, "no events")

	steps := []struct {
		typ     consent.EventType
		purpose string
		ch      consent.Channel
	}{
		{consent.Requested, "news", consent.Email},  // 1
		{consent.Confirmed, "news", consent.Email},  // 2
		{consent.Given, "news", consent.SMS},        // 3: other channel
		{consent.Given, "alerts", consent.Email},    // 4: other purpose
		{consent.Requested, "news", consent.Email},  // 5: asked again
		{consent.Withdrawn, "news", consent.SMS},    // 6
		{consent.Requested, "surveys", consent.SMS}, // 7: only asked
	}
	for _, st := range steps {
		_, err := s.Append(ctx, ev(subject(1), st.typ, st.purpose, st.ch, t0), nil)
		require.NoError(t, err)
	}
	cases := []struct {
		purpose   string
		ch        consent.Channel
		latest    int64 // 0: not found
		requested int64
		why       string
	}{
		{"news", consent.Email, 2, 5, "a later request does not hide the confirmation"},
		{"news", consent.SMS, 6, 0, "per channel"},
		{"alerts", consent.Email, 4, 0, "per purpose"},
		{"alerts", consent.SMS, 0, 0, "nothing for the pair"},
		{"surveys", consent.SMS, 0, 7, "only a request for the pair"},
	}
	for _, c := range cases {
		e, err := s.Latest(ctx, subject(1), c.purpose, c.ch)
		if c.latest == 0 {
			assert.ErrorIs(t, err, consent.ErrNotFound, c.why)
		} else if assert.NoError(t, err, c.why) {
			assert.Equal(t, c.latest, e.Seq, c.why)
			assert.NotEmpty(t, e.Hash, c.why)
		}
		if sr, ok := s.(consent.StateReader); ok {
			rec, se, err := sr.State(ctx, subject(1), c.purpose, c.ch)
			require.NoError(t, err, c.why)
			assert.Equal(t, subject(1), rec.ID, c.why)
			assert.Equal(t, consent.ContactEmail, rec.Kind, c.why)
			switch {
			case c.latest != 0:
				if assert.NotNil(t, se, "State: "+c.why) {
					assert.Equal(t, e, *se, "State agrees with Latest: "+c.why)
				}
			case c.requested != 0:
				r, err := s.LatestRequested(ctx, subject(1), c.purpose, c.ch)
				require.NoError(t, err, c.why)
				if assert.NotNil(t, se, "State: "+c.why) {
					assert.Equal(t, r, *se, "State falls back to LatestRequested: "+c.why)
				}
			default:
				assert.Nil(t, se, "State: "+c.why)
			}
		}
		r, err := s.LatestRequested(ctx, subject(1), c.purpose, c.ch)
		if c.requested == 0 {
			assert.ErrorIs(t, err, consent.ErrNotFound, c.why)
		} else if assert.NoError(t, err, c.why) {
			assert.Equal(t, c.requested, r.Seq, c.why)
		}
	}
}

func testResting(t *testing.T, s consent.Store) {
	ctx := context.Background()
	add := func(subj string, typ consent.EventType, purpose string, ch consent.Channel, v int) {
		t.Helper()
		e := ev(subj, typ, purpose, ch, t0)
		e.Notice = consent.NoticeRef{ID: "privacy", Version: v}
		_, err := s.Append(ctx, e, nil)
		require.NoError(t, err)
	}
	for i := 1; i <= 6; i++ {
		create(t, s, rec(i, byte(i)))
	}
	add(subject(1), consent.Given, "news", consent.Email, 1)     // old notice: listed
	add(subject(2), consent.Given, "news", consent.Email, 2)     // current: not listed
	add(subject(3), consent.Confirmed, "news", consent.Email, 1) // renewed since: not listed
	add(subject(3), consent.Renewed, "news", consent.Email, 2)
	add(subject(4), consent.Given, "news", consent.Email, 1) // withdrawn since: not listed
	add(subject(4), consent.Withdrawn, "news", consent.Email, 0)
	add(subject(5), consent.Renewed, "news", consent.SMS, 1) // renewed under old, on SMS: listed
	add(subject(5), consent.Requested, "news", consent.SMS, 2)
	add(subject(6), consent.Given, "alerts", consent.Email, 1) // other purpose: not listed

	ids, err := s.Resting(ctx, "news", "privacy", 2)
	require.NoError(t, err)
	assert.Equal(t, []string{subject(1), subject(5)}, ids)
	ids, err = s.Resting(ctx, "news", "other-notice", 2)
	require.NoError(t, err)
	assert.Empty(t, ids, "another notice")
	ids, err = s.Resting(ctx, "news", "privacy", 1)
	require.NoError(t, err)
	assert.Empty(t, ids, "nothing is older than version 1")
}

func testForget(t *testing.T, s consent.Store) {
	ctx := context.Background()
	assert.ErrorIs(t, s.ForgetSubject(ctx, subject(1), t0), consent.ErrNotFound)
	create(t, s, rec(1, 0xdd))
	_, err := s.Append(ctx, ev(subject(1), consent.Given, "news", consent.Email, t0), nil)
	require.NoError(t, err)
	require.NoError(t, s.ForgetSubject(ctx, subject(1), t0.Add(time.Hour)))
	require.NoError(t, s.ForgetSubject(ctx, subject(1), t0.Add(2*time.Hour)), "idempotent")

	got, err := s.Subject(ctx, subject(1))
	require.NoError(t, err)
	assert.True(t, got.Forgotten())
	assert.True(t, got.ForgottenAt.Equal(t0.Add(time.Hour)), "the first forget's time stays")
	assert.Empty(t, got.Contact, "the sealed contact point is cleared")
	assert.Empty(t, got.Index, "the blind index is cleared")
	cands, err := s.SubjectsByIndex(ctx, consent.ContactEmail, []byte{0xdd, 0x40})
	require.NoError(t, err)
	assert.Empty(t, cands, "a forgotten subject is no candidate")
	events, err := s.Events(ctx, subject(1))
	require.NoError(t, err)
	assert.Len(t, events, 1, "the pseudonymous events stay")

	// A forgotten subject takes withdrawals only, and the store says so
	// itself: the caller does not read the subject first.
	for _, typ := range []consent.EventType{consent.Given, consent.Requested, consent.Confirmed, consent.Renewed, consent.Revoked, consent.Expired} {
		_, err = s.Append(ctx, ev(subject(1), typ, "news", consent.Email, t0), nil)
		assert.ErrorIs(t, err, consent.ErrForgotten, "%s after forgetting", typ)
	}
	refused := []byte("token-of-a-refused-event")
	_, err = s.Append(ctx, ev(subject(1), consent.Confirmed, "news", consent.Email, t0), refused)
	assert.ErrorIs(t, err, consent.ErrForgotten)
	w, err := s.Append(ctx, ev(subject(1), consent.Withdrawn, "news", consent.Email, t0), nil)
	require.NoError(t, err, "a withdrawal is the proof, and is still taken")
	assert.EqualValues(t, 2, w.Seq)
	if ba, ok := s.(consent.BatchAppender); ok {
		create(t, s, rec(2, 0xde))
		_, err = ba.AppendBatch(ctx, []consent.Event{
			ev(subject(2), consent.Given, "news", consent.Email, t0),
			ev(subject(1), consent.Withdrawn, "news", consent.Email, t0),
			ev(subject(1), consent.Given, "news", consent.Email, t0),
		})
		var be *consent.BatchError
		require.ErrorAs(t, err, &be)
		assert.Equal(t, 2, be.Index, "the forgotten subject's consent is refused")
		assert.ErrorIs(t, err, consent.ErrForgotten)
		got, err := ba.AppendBatch(ctx, []consent.Event{ev(subject(1), consent.Withdrawn, "news", consent.Email, t0)})
		require.NoError(t, err, "a batch of withdrawals is taken")
		assert.EqualValues(t, 3, got[0].Seq, "nothing of the refused batch was stored")
	}
	// A token offered with a refused event is not used up.
	_, err = s.Append(ctx, ev(subject(1), consent.Withdrawn, "news", consent.Email, t0), refused)
	assert.NoError(t, err)
	events, err = s.Events(ctx, subject(1))
	require.NoError(t, err)
	assert.NoError(t, chainKeyOf(s).Verify(subject(1), events))
	for _, e := range events[1:] {
		assert.Equal(t, consent.Withdrawn, e.Type, "only withdrawals follow forgetting")
	}
}

func testList(t *testing.T, s consent.Store) {
	ctx := context.Background()
	for i := 1; i <= 5; i++ {
		create(t, s, rec(i, 1))
	}
	ids, err := s.ListSubjects(ctx, "", 3)
	require.NoError(t, err)
	assert.Equal(t, []string{subject(1), subject(2), subject(3)}, ids)
	ids, err = s.ListSubjects(ctx, subject(3), 3)
	require.NoError(t, err)
	assert.Equal(t, []string{subject(4), subject(5)}, ids)
}

func testNotices(t *testing.T, s consent.Store) {
	ctx := context.Background()
	_, err := s.Notice(ctx, "privacy", 1)
	assert.ErrorIs(t, err, consent.ErrNotFound)
	n := consent.NewNotice("privacy", 1, []byte("We will e-mail you weekly."), "https://www.example.gov/privacy/v1", t0)
	require.NoError(t, s.PutNotice(ctx, n))
	require.NoError(t, s.PutNotice(ctx, n), "storing the same version again is harmless")
	changed := consent.NewNotice("privacy", 1, []byte("We will e-mail you daily."), n.URL, t0)
	assert.ErrorIs(t, s.PutNotice(ctx, changed), consent.ErrNoticeConflict, "a published version is not rewritten")
	got, err := s.Notice(ctx, "privacy", 1)
	require.NoError(t, err)
	assert.Equal(t, n.TextSHA256, got.TextSHA256)
	assert.Equal(t, n.URL, got.URL)
	assert.True(t, n.EffectiveAt.Equal(got.EffectiveAt))
	_, err = s.Notice(ctx, "privacy", 2)
	assert.ErrorIs(t, err, consent.ErrNotFound)
}

// chainKeyOf returns the chain key s seals with (nil: unkeyed).
func chainKeyOf(s consent.Store) *consent.ChainKey {
	if ks, ok := s.(consent.KeyedStore); ok {
		return ks.ChainKey()
	}
	return nil
}

// assertSealed checks that e was sealed with s's chain key: its scheme
// and key id, and its hash recomputed from its content and PrevHash.
func assertSealed(t *testing.T, s consent.Store, e consent.Event) {
	t.Helper()
	key := chainKeyOf(s)
	want := e
	var prev *consent.Event
	if e.Seq > 1 {
		prev = &consent.Event{Seq: e.Seq - 1, Hash: e.PrevHash}
	}
	require.NoError(t, key.Seal(&want, prev))
	assert.Equal(t, want.HashScheme, e.HashScheme, "hash scheme")
	assert.Equal(t, want.HashKey, e.HashKey, "chain key id")
	assert.Equal(t, want.Hash, e.Hash, "hash")
	if key != nil {
		assert.Equal(t, consent.HashKeyedPRF, e.HashScheme, "a keyed store seals keyed events")
	} else {
		assert.Equal(t, consent.HashSHA256, e.HashScheme, "an unkeyed store seals unkeyed events")
	}
}
