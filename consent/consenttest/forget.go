package consenttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
)

// testForgetRace races Ledger.Forget against many concurrent Records of
// new consent for the same subject. Each append must either be stored
// before the withdrawal that Forget records for its purpose and channel
// (so that the chain ends in a withdrawal and MayContact refuses), or fail
// with ErrForgotten; once Forget has returned, every new consent fails.
func testForgetRace(t *testing.T, s consent.Store) {
	ctx := context.Background()
	l := newLedger(t, s, 0, NewClock(t0))
	id, err := l.Enroll(ctx, email(70))
	require.NoError(t, err)
	other, err := l.Enroll(ctx, email(71))
	require.NoError(t, err)
	type pair struct {
		purpose string
		ch      consent.Channel
	}
	pairs := []pair{{"race-a", consent.Email}, {"race-b", consent.Email}, {"race-a", consent.SMS}, {"race-c", consent.Postal}}
	given := func(subject string, p pair, w, i int) consent.Event {
		return consent.Event{Subject: subject, Type: consent.Given, Purpose: p.purpose, Channel: p.ch,
			Method: consent.WebForm, Actor: "subject", Detail: fmt.Sprintf("worker %d attempt %d", w, i)}
	}
	// Consent held before Forget starts, on half of the pairs.
	for _, p := range pairs[:2] {
		_, err := l.Record(ctx, given(id, p, -1, 0))
		require.NoError(t, err)
	}

	const workers = 16
	type result struct {
		seq   int64
		pair  pair
		err   error
		after bool // the append started after Forget returned
	}
	var (
		forgotten atomic.Bool // Forget has returned
		ready     sync.WaitGroup
		start     = make(chan struct{})
		results   = make([][]result, workers)
		wg        sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		ready.Add(1)
		go func() {
			defer wg.Done()
			waiting := true
			defer func() {
				if waiting {
					ready.Done()
				}
			}()
			// Each worker appends until its subject refuses: that happens
			// at the latest with the first append after Forget returned.
			for i := 0; ; i++ {
				if i == 2 {
					// Two appends stored: let Forget begin while the
					// workers go on appending.
					waiting = false
					ready.Done()
					<-start
				}
				p := pairs[(w+i)%len(pairs)]
				after := forgotten.Load()
				e, err := l.Record(ctx, given(id, p, w, i))
				results[w] = append(results[w], result{seq: e.Seq, pair: p, err: err, after: after})
				if err != nil || after {
					return
				}
				// The other subject is not affected by the race.
				if _, err := l.Record(ctx, given(other, p, w, i)); err != nil {
					results[w] = append(results[w], result{pair: p, err: fmt.Errorf("other subject: %w", err)})
					return
				}
			}
		}()
	}
	ready.Wait()
	close(start)
	forgetErr := l.Forget(ctx, id, consent.StaffAction, "staff:0042")
	forgotten.Store(true)
	wg.Wait()
	require.NoError(t, forgetErr)

	events, err := l.History(ctx, id)
	require.NoError(t, err)
	require.NoError(t, chainKeyOf(s).Verify(id, events), "the chain stays intact")
	// The last decided event of every pair is a withdrawal.
	last := map[pair]consent.Event{}
	for _, e := range events {
		if e.Type != consent.Requested {
			last[pair{e.Purpose, e.Channel}] = e
		}
	}
	var ok, refused int
	for w, rs := range results {
		for _, r := range rs {
			switch {
			case r.after:
				assert.ErrorIs(t, r.err, consent.ErrForgotten, "worker %d: no consent is taken once Forget has returned", w)
				refused++
			case r.err == nil:
				ok++
				final, found := last[r.pair]
				if assert.True(t, found) {
					assert.Equal(t, consent.Withdrawn, final.Type, "worker %d: a consent stored during Forget is withdrawn", w)
					assert.Greater(t, final.Seq, r.seq, "worker %d: the consent (seq %d) lands before the withdrawal", w, r.seq)
				}
			default:
				assert.ErrorIs(t, r.err, consent.ErrForgotten, "worker %d: a racing append either lands or is refused as forgotten", w)
				refused++
			}
		}
	}
	assert.Positive(t, ok)
	assert.Equal(t, workers, refused, "every worker ended on a refusal")
	for _, p := range pairs {
		d, err := l.MayContact(ctx, id, p.purpose, p.ch)
		require.NoError(t, err)
		assert.False(t, d.Allowed, "%v", p)
		assert.Equal(t, consent.StatusWithdrawn, d.Status, "%v", p)
		if e, found := last[p]; found {
			assert.Equal(t, consent.Withdrawn, e.Type, "%v ends in a withdrawal", p)
		}
	}
	sts, err := l.Statuses(ctx, id)
	require.NoError(t, err)
	for _, st := range sts {
		assert.False(t, st.Status.AllowsContact(), "%s/%s", st.Purpose, st.Channel)
	}

	// Afterwards: consent is refused, a withdrawal is still taken, and the
	// other subject is untouched.
	_, err = l.Record(ctx, given(id, pairs[0], 99, 0))
	assert.ErrorIs(t, err, consent.ErrForgotten)
	_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Withdrawn, Purpose: "race-z", Channel: consent.Email, Method: consent.OneClick, Actor: "subject"})
	assert.NoError(t, err, "withdrawing can only stop contact")
	d, err := l.MayContact(ctx, other, pairs[0].purpose, pairs[0].ch)
	require.NoError(t, err)
	assert.True(t, d.Allowed)
	require.NoError(t, l.Verify(ctx, other))
	_, err = l.Record(ctx, given("s_nobody", pairs[0], 0, 0))
	assert.ErrorIs(t, err, consent.ErrNotFound, "the store reports an unknown subject")
	assert.False(t, errors.Is(err, consent.ErrForgotten))
}
