package consenttest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
)

// testCheckpointConcurrent takes checkpoints while other goroutines append:
// every head a checkpoint holds is an event that exists with that sequence
// number and hash (never a torn read of two appends), each checkpoint
// covers at least what the previous one did, and every checkpoint audits
// clean once the appends are done, since events appended after a
// checkpoint are no change.
func testCheckpointConcurrent(t *testing.T, s consent.Store) {
	ctx := context.Background()
	signer, verifier := SigningKeys(t)
	l := newLedger(t, s, 0, NewClock(t0))
	const subjects, writers, perWriter = 12, 4, 15
	ids := make([]string, subjects)
	for i := range ids {
		id, err := l.Enroll(ctx, email(i))
		require.NoError(t, err)
		ids[i] = id
	}

	first, err := l.Checkpoint(ctx, signer, nil) // before any event
	require.NoError(t, err)
	cps, prev := []*consent.Checkpoint{first}, first

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for k := range perWriter {
				typ := consent.Given
				if k%3 == 2 {
					typ = consent.Withdrawn
				}
				_, err := l.Record(ctx, consent.Event{Subject: ids[(w*perWriter+k)%subjects], Type: typ, Purpose: "surveys",
					Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		if len(cps) == 7 { // enough: wait for the writers
			<-done
			running = false
		}
		cp, err := l.Checkpoint(ctx, signer, prev)
		require.NoError(t, err)
		if prev != nil {
			assert.GreaterOrEqual(t, cp.Events, prev.Events, "a later checkpoint covers at least as much")
		}
		cps = append(cps, cp)
		prev = cp
	}
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.GreaterOrEqual(t, len(cps), 2)

	for _, cp := range cps {
		for _, h := range cp.Heads {
			events, err := s.Events(ctx, h.Subject)
			require.NoError(t, err)
			require.GreaterOrEqual(t, int64(len(events)), h.Seq, "checkpoint %d names an event that does not exist", cp.Number)
			assert.Equal(t, events[h.Seq-1].Hash, h.Hash, "checkpoint %d: head of a subject is not its event %d", cp.Number, h.Seq)
		}
		r, err := l.Audit(ctx, cp, verifier)
		require.NoError(t, err)
		assert.True(t, r.OK(), "checkpoint %d taken during appends: %+v", cp.Number, r.Changes)
	}
	last, err := l.Checkpoint(ctx, signer, prev)
	require.NoError(t, err)
	assert.EqualValues(t, writers*perWriter, last.Events, "the final checkpoint covers every event")
}
