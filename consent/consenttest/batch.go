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
)

// testAppendMixedConcurrent appends concurrently for several subjects, with
// some appends that must fail (unknown subject, a token already used) mixed
// in: each failing append fails alone, every other append succeeds, and
// every chain stays intact. Stores that group concurrent appends into one
// transaction (the SQL store) must keep one caller's error from the others.
func testAppendMixedConcurrent(t *testing.T, s consent.Store) {
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		create(t, s, rec(i, byte(i)))
	}
	used := bytes.Repeat([]byte{9}, 16)
	_, err := s.Append(ctx, ev(subject(1), consent.Confirmed, "news", consent.Email, t0), used)
	require.NoError(t, err)

	const workers, each = 8, 12
	type result struct {
		kind string // "ok", "unknown", "used", "fresh-token"
		err  error
	}
	results := make([][]result, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				var r result
				switch {
				case (w+i)%7 == 3:
					r.kind = "unknown"
					_, r.err = s.Append(ctx, ev(subject(90+w), consent.Given, "news", consent.Email, t0), nil)
				case (w+i)%11 == 5:
					r.kind = "used"
					_, r.err = s.Append(ctx, ev(subject(1+w%3), consent.Confirmed, "news", consent.Email, t0), used)
				case (w+i)%13 == 2:
					r.kind = "fresh-token"
					tok := []byte(fmt.Sprintf("fresh-token-%02d-%02d", w, i))
					_, r.err = s.Append(ctx, ev(subject(1+w%3), consent.Confirmed, "news", consent.Email, t0), tok)
				default:
					r.kind = "ok"
					_, r.err = s.Append(ctx, ev(subject(1+(w+i)%3), consent.Given, fmt.Sprintf("p%d", w), consent.Email, t0), nil)
				}
				results[w] = append(results[w], r)
			}
		}()
	}
	wg.Wait()
	counts := map[string]int{}
	for _, rs := range results {
		for _, r := range rs {
			switch r.kind {
			case "unknown":
				assert.ErrorIs(t, r.err, consent.ErrNotFound, "an unknown subject fails its own append")
			case "used":
				assert.ErrorIs(t, r.err, consent.ErrTokenUsed, "a used token fails its own append")
			default:
				assert.NoError(t, r.err, "a valid append succeeds next to failing ones (%s)", r.kind)
				if r.err == nil {
					counts["stored"]++
				}
			}
			counts[r.kind]++
		}
	}
	require.Positive(t, counts["unknown"])
	require.Positive(t, counts["used"])
	require.Positive(t, counts["fresh-token"])
	total := 0
	for i := 1; i <= 3; i++ {
		events, err := s.Events(ctx, subject(i))
		require.NoError(t, err)
		assert.NoError(t, chainKeyOf(s).Verify(subject(i), events))
		total += len(events)
	}
	assert.Equal(t, counts["stored"]+1, total, "exactly the successful appends were stored")
}

// testAppendCanceled checks that an append under a context that has ended
// fails and stores nothing.
func testAppendCanceled(t *testing.T, s consent.Store) {
	create(t, s, rec(1, 1))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Append(ctx, ev(subject(1), consent.Given, "news", consent.Email, t0), nil)
	assert.ErrorIs(t, err, context.Canceled)
	events, err := s.Events(context.Background(), subject(1))
	require.NoError(t, err)
	assert.Empty(t, events)
}

// testAppendBatch checks BatchAppender, if the store implements it.
func testAppendBatch(t *testing.T, s consent.Store) {
	ba, ok := s.(consent.BatchAppender)
	if !ok {
		t.Skip("the store is not a consent.BatchAppender")
	}
	ctx := context.Background()
	create(t, s, rec(1, 1))
	create(t, s, rec(2, 2))
	_, err := s.Append(ctx, ev(subject(1), consent.Requested, "news", consent.Email, t0), nil)
	require.NoError(t, err)

	got, err := ba.AppendBatch(ctx, nil)
	require.NoError(t, err, "an empty batch")
	assert.Empty(t, got)

	batch := []consent.Event{
		ev(subject(1), consent.Confirmed, "news", consent.Email, t0.Add(time.Hour)),
		ev(subject(2), consent.Given, "news", consent.SMS, t0),
		ev(subject(1), consent.Withdrawn, "news", consent.Email, t0.Add(2*time.Hour)), // same subject twice
		ev(subject(2), consent.Withdrawn, "news", consent.SMS, t0.Add(time.Hour)),
		ev(subject(1), consent.Renewed, "news", consent.Email, t0.Add(3*time.Hour)),
	}
	got, err = ba.AppendBatch(ctx, batch)
	require.NoError(t, err)
	require.Len(t, got, len(batch))
	assert.Equal(t, []int64{2, 1, 3, 2, 4}, []int64{got[0].Seq, got[1].Seq, got[2].Seq, got[3].Seq, got[4].Seq},
		"sequence numbers continue the stored chain and count in batch order")
	assert.Equal(t, got[0].Hash, got[2].PrevHash, "a subject's second event in the batch links its first")
	assert.Equal(t, got[1].Hash, got[3].PrevHash)
	for i := range got {
		assert.Equal(t, batch[i].Type, got[i].Type)
		assertSealed(t, s, got[i])
	}
	for i, n := range map[int]int{1: 4, 2: 2} {
		events, err := s.Events(ctx, subject(i))
		require.NoError(t, err)
		assert.Len(t, events, n)
		assert.NoError(t, chainKeyOf(s).Verify(subject(i), events))
	}
	latest, err := s.Latest(ctx, subject(1), "news", consent.Email)
	require.NoError(t, err)
	assert.Equal(t, got[4], latest, "the batch's last event for the pair is the latest")

	// All or nothing: an unknown subject in the middle refuses the batch.
	bad := []consent.Event{
		ev(subject(1), consent.Withdrawn, "news", consent.Email, t0),
		ev(subject(77), consent.Given, "news", consent.Email, t0),
		ev(subject(2), consent.Given, "news", consent.SMS, t0),
	}
	_, err = ba.AppendBatch(ctx, bad)
	require.ErrorIs(t, err, consent.ErrNotFound)
	var be *consent.BatchError
	require.True(t, errors.As(err, &be), "a *BatchError: %v", err)
	assert.Equal(t, 1, be.Index, "it names the unknown subject's event")
	for i, n := range map[int]int{1: 4, 2: 2} {
		events, err := s.Events(ctx, subject(i))
		require.NoError(t, err)
		assert.Len(t, events, n, "a refused batch appends nothing")
	}
	// Appends after the batch continue the chain.
	e, err := s.Append(ctx, ev(subject(1), consent.Withdrawn, "news", consent.Email, t0), nil)
	require.NoError(t, err)
	assert.Equal(t, int64(5), e.Seq)
	assert.Equal(t, got[4].Hash, e.PrevHash)
}
