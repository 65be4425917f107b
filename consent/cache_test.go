package consent_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
)

// countingStore counts subject reads (one per MayContact that reaches the
// store) and fails them with ErrUnavailable while down is set.
type countingStore struct {
	consent.Store
	reads atomic.Int64
	down  atomic.Bool
}

func (s *countingStore) Subject(ctx context.Context, id string) (consent.SubjectRecord, error) {
	s.reads.Add(1)
	if s.down.Load() {
		return consent.SubjectRecord{}, fmt.Errorf("%w: connection refused", consent.ErrUnavailable)
	}
	return s.Store.Subject(ctx, id)
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

const analytics = "cookies:analytics"

func give(t *testing.T, l *consent.Ledger, dev string) {
	t.Helper()
	_, err := l.Record(context.Background(), consent.Event{Subject: dev, Type: consent.Given, Purpose: analytics,
		Channel: consent.Web, Method: consent.WebForm, Actor: "subject", Detail: "cookie banner"})
	require.NoError(t, err)
}

// Two ledgers on one store stand for two app servers. A withdrawal through
// the cache's own ledger takes effect at once; one through the other
// ledger once the cached answer expires; an outage is never cached.
func TestDecisionCache(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: t0}
	mem := consent.NewMemoryStore()
	store := &countingStore{Store: mem}
	keys := consenttest.NewKeys(t, 0)
	here, err := consent.New(store, keys, &consent.Options{Now: clock.Now})
	require.NoError(t, err)
	there, err := consent.New(mem, keys, &consent.Options{Now: clock.Now})
	require.NoError(t, err)

	_, err = here.Cache(0, 0)
	require.Error(t, err, "a TTL is required")
	c, err := here.Cache(time.Minute, 0)
	require.NoError(t, err)

	dev, err := here.EnrollDevice(ctx)
	require.NoError(t, err)
	assert.False(t, c.Allows(ctx, dev, analytics, consent.Web), "nothing chosen yet")
	give(t, here, dev)
	assert.True(t, c.Allows(ctx, dev, analytics, consent.Web), "an append through this ledger drops the cached no")

	reads := store.reads.Load()
	for range 100 {
		assert.True(t, c.Allows(ctx, dev, analytics, consent.Web))
	}
	assert.Equal(t, reads, store.reads.Load(), "answers come from the cache")

	// withdrawn through this ledger: at once
	_, err = here.Withdraw(ctx, dev, analytics, consent.Web, consent.GPCSignal, "Sec-GPC: 1")
	require.NoError(t, err)
	assert.False(t, c.Allows(ctx, dev, analytics, consent.Web), "a withdrawal on this server takes effect on the next request")

	// given again, then withdrawn on the other server: seen after the TTL
	give(t, here, dev)
	require.True(t, c.Allows(ctx, dev, analytics, consent.Web))
	_, err = there.Withdraw(ctx, dev, analytics, consent.Web, consent.WebForm, "other server")
	require.NoError(t, err)
	assert.True(t, c.Allows(ctx, dev, analytics, consent.Web), "another server's withdrawal waits for the TTL")
	clock.Add(time.Minute)
	assert.False(t, c.Allows(ctx, dev, analytics, consent.Web), "after the TTL the ledger is asked again")
	c.Invalidate(dev)
	assert.Zero(t, c.Len())

	// an outage is returned, not cached
	other, err := here.EnrollDevice(ctx)
	require.NoError(t, err)
	give(t, here, other)
	store.down.Store(true)
	_, err = c.MayContact(ctx, other, analytics, consent.Web)
	require.ErrorIs(t, err, consent.ErrUnavailable)
	assert.False(t, c.Allows(ctx, other, analytics, consent.Web), "fails closed")
	store.down.Store(false)
	assert.True(t, c.Allows(ctx, other, analytics, consent.Web), "the outage was not remembered")

	// unknown subjects are cached as such; forgotten ones answer no
	_, err = c.MayContact(ctx, "s_unknown", analytics, consent.Web)
	require.ErrorIs(t, err, consent.ErrNotFound)
	reads = store.reads.Load()
	_, err = c.MayContact(ctx, "s_unknown", analytics, consent.Web)
	require.ErrorIs(t, err, consent.ErrNotFound)
	assert.Equal(t, reads, store.reads.Load(), "an unknown id is remembered: a forged cookie does not reach the store each time")
	require.NoError(t, here.Forget(ctx, other, consent.WebForm, "subject"))
	d, err := c.MayContact(ctx, other, analytics, consent.Web)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "Forget drops the cached yes")
	assert.Equal(t, consent.StatusWithdrawn, d.Status)
}

// The cache stays within its bound, and the Event it returns is the
// caller's own.
func TestDecisionCacheBoundAndCopies(t *testing.T) {
	ctx := context.Background()
	l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	c, err := l.Cache(time.Hour, 10)
	require.NoError(t, err)
	devs := make([]string, 25)
	for i := range devs {
		devs[i], err = l.EnrollDevice(ctx)
		require.NoError(t, err)
		give(t, l, devs[i])
		require.True(t, c.Allows(ctx, devs[i], analytics, consent.Web))
		assert.LessOrEqual(t, c.Len(), 10)
	}
	d, err := c.MayContact(ctx, devs[24], analytics, consent.Web)
	require.NoError(t, err)
	require.NotNil(t, d.Event)
	d.Event.Type = consent.Withdrawn
	d2, err := c.MayContact(ctx, devs[24], analytics, consent.Web)
	require.NoError(t, err)
	assert.Equal(t, consent.Given, d2.Event.Type, "changing a returned decision does not change the cache")
}

// pausingStore holds a Latest read, after it has read the store, until
// released: a read that started before a withdrawal returns after it.
type pausingStore struct {
	consent.Store
	reading chan struct{}
	release chan struct{}
}

func (s *pausingStore) Latest(ctx context.Context, subject, purpose string, ch consent.Channel) (consent.Event, error) {
	e, err := s.Store.Latest(ctx, subject, purpose, ch)
	if s.reading != nil {
		s.reading <- struct{}{}
		<-s.release
	}
	return e, err
}

// A read that raced a withdrawal returns the old answer to its caller but
// does not cache it.
func TestDecisionCacheReadRacingWithdrawal(t *testing.T) {
	ctx := context.Background()
	store := &pausingStore{Store: consent.NewMemoryStore()}
	l, err := consent.New(store, consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	c, err := l.Cache(time.Hour, 0)
	require.NoError(t, err)
	dev, err := l.EnrollDevice(ctx)
	require.NoError(t, err)
	give(t, l, dev)

	store.reading, store.release = make(chan struct{}), make(chan struct{})
	done := make(chan bool)
	go func() { done <- c.Allows(ctx, dev, analytics, consent.Web) }()
	<-store.reading // the read has seen the consent
	store.reading = nil
	_, err = l.Withdraw(ctx, dev, analytics, consent.Web, consent.WebForm, "subject")
	require.NoError(t, err)
	close(store.release)
	assert.True(t, <-done, "the racing read answers from before the withdrawal")
	assert.False(t, c.Allows(ctx, dev, analytics, consent.Web), "but its answer was not cached")
}

// Concurrent readers and writers: after the last withdrawal returns, no
// reader on this server sees consent (run with -race).
func TestDecisionCacheConcurrentWithdraw(t *testing.T) {
	ctx := context.Background()
	l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	c, err := l.Cache(time.Hour, 0)
	require.NoError(t, err)
	dev, err := l.EnrollDevice(ctx)
	require.NoError(t, err)
	for round := range 20 {
		give(t, l, dev)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for range 4 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
						c.Allows(ctx, dev, analytics, consent.Web)
					}
				}
			})
		}
		_, err := l.Withdraw(ctx, dev, analytics, consent.Web, consent.WebForm, "subject")
		require.NoError(t, err)
		close(stop)
		wg.Wait()
		assert.False(t, c.Allows(ctx, dev, analytics, consent.Web), "round %d: a read that raced the withdrawal cached the old yes", round)
	}
}

// BenchmarkMayContactCached compares a cached answer with the ledger's own
// (memory store; a SQL store's round trip makes the gap far wider).
func BenchmarkMayContactCached(b *testing.B) {
	ctx := context.Background()
	l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(b, 0), nil)
	require.NoError(b, err)
	c, err := l.Cache(time.Hour, 0)
	require.NoError(b, err)
	dev, err := l.EnrollDevice(ctx)
	require.NoError(b, err)
	_, err = l.Record(ctx, consent.Event{Subject: dev, Type: consent.Given, Purpose: analytics,
		Channel: consent.Web, Method: consent.WebForm, Actor: "subject", Detail: "cookie banner"})
	require.NoError(b, err)
	b.Run("ledger", func(b *testing.B) {
		for b.Loop() {
			if d, err := l.MayContact(ctx, dev, analytics, consent.Web); err != nil || !d.Allowed {
				b.Fatal("not allowed")
			}
		}
	})
	b.Run("cache", func(b *testing.B) {
		for b.Loop() {
			if !c.Allows(ctx, dev, analytics, consent.Web) {
				b.Fatal("not allowed")
			}
		}
	})
}
