package consent

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// DecisionCache answers MayContact from memory, for paths that ask on
// every request, such as a cookie policy asking whether a visitor's device
// subject accepted analytics cookies. Build one with Ledger.Cache.
//
// Every event appended through the Ledger the cache was built from, and
// every Forget through it, drops that subject's cached answers at once, so
// a withdrawal made on this server takes effect on the very next request.
// Events appended through another Ledger (another app server, another
// process) are seen when the cached answer expires, after at most the TTL:
// choose the TTL as the longest time a withdrawal made elsewhere may take
// to take effect here.
//
// Answers are cached with their error only when the error is ErrNotFound
// or ErrForgotten, which do not change on retry; any other error
// (ErrUnavailable, a cancelled context) is returned and not cached, so an
// outage is not remembered. Allows fails closed.
//
// A DecisionCache is safe for concurrent use. It holds subject ids,
// purposes and decisions, never contact points.
type DecisionCache struct {
	l   *Ledger
	ttl time.Duration
	max int

	// gens count invalidations, striped by subject: an answer read from
	// the store is kept only if its subject's stripe saw no invalidation
	// while it was read, so a read that raced a withdrawal never caches
	// the answer from before it.
	seed maphash.Seed
	gens [64]atomic.Uint64

	mu sync.Mutex
	m  map[string]map[cacheKey]cacheEntry // by subject
	n  int                                // answers held
}

type cacheKey struct {
	purpose string
	ch      Channel
}

type cacheEntry struct {
	d     Decision
	err   error
	until time.Time
}

// DefaultCacheEntries is the default bound of a DecisionCache.
const DefaultCacheEntries = 100_000

// Cache returns a DecisionCache over l whose answers live at most ttl
// (which must be positive) and which holds at most maxEntries answers
// (zero means DefaultCacheEntries). When full, expired answers are dropped
// first, then the whole cache is emptied rather than grown.
func (l *Ledger) Cache(ttl time.Duration, maxEntries int) (*DecisionCache, error) {
	if ttl <= 0 {
		return nil, errors.New("consent: a DecisionCache needs a positive TTL")
	}
	if maxEntries < 0 {
		return nil, errors.New("consent: a DecisionCache needs a non-negative size")
	}
	if maxEntries == 0 {
		maxEntries = DefaultCacheEntries
	}
	c := &DecisionCache{l: l, ttl: ttl, max: maxEntries, seed: maphash.MakeSeed(), m: map[string]map[cacheKey]cacheEntry{}}
	l.cachesMu.Lock()
	l.caches = append(l.caches, c)
	l.cachesMu.Unlock()
	return c, nil
}

// MayContact is Ledger.MayContact, answered from the cache when it holds a
// fresh answer. The Decision's Event, when set, is a copy the caller may
// keep.
func (c *DecisionCache) MayContact(ctx context.Context, subject, purpose string, ch Channel) (Decision, error) {
	k := cacheKey{purpose, ch}
	now := c.l.now()
	c.mu.Lock()
	e, ok := c.m[subject][k]
	c.mu.Unlock()
	if ok && now.Before(e.until) {
		return copyDecision(e.d), e.err
	}
	gen := c.stripe(subject)
	before := gen.Load()
	d, err := c.l.MayContact(ctx, subject, purpose, ch)
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrForgotten) {
		return d, err
	}
	c.mu.Lock()
	if gen.Load() == before {
		if c.n >= c.max {
			c.evictLocked(now)
		}
		sub := c.m[subject]
		if sub == nil {
			sub = map[cacheKey]cacheEntry{}
			c.m[subject] = sub
		}
		if _, had := sub[k]; !had {
			c.n++
		}
		sub[k] = cacheEntry{d: copyDecision(d), err: err, until: now.Add(c.ttl)}
	}
	c.mu.Unlock()
	return d, err
}

func (c *DecisionCache) stripe(subject string) *atomic.Uint64 {
	return &c.gens[maphash.String(c.seed, subject)%uint64(len(c.gens))]
}

// Allows reports whether subject may be contacted for purpose on ch. It
// fails closed: an unknown or forgotten subject, or an error, is a no.
func (c *DecisionCache) Allows(ctx context.Context, subject, purpose string, ch Channel) bool {
	d, err := c.MayContact(ctx, subject, purpose, ch)
	return err == nil && d.Allowed
}

// Invalidate drops the cached answers of subject. The Ledger calls it for
// every event it appends and every subject it forgets; call it yourself
// when you learn of a change made elsewhere (for example from a message
// another server published).
func (c *DecisionCache) Invalidate(subject string) {
	c.stripe(subject).Add(1)
	c.mu.Lock()
	c.n -= len(c.m[subject])
	delete(c.m, subject)
	c.mu.Unlock()
}

// Len returns how many answers the cache holds, expired ones included.
func (c *DecisionCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// evictLocked drops expired answers and, if that frees nothing, all of
// them.
func (c *DecisionCache) evictLocked(now time.Time) {
	for subject, sub := range c.m {
		for k, e := range sub {
			if !now.Before(e.until) {
				delete(sub, k)
				c.n--
			}
		}
		if len(sub) == 0 {
			delete(c.m, subject)
		}
	}
	if c.n >= c.max {
		clear(c.m)
		c.n = 0
	}
}

func copyDecision(d Decision) Decision {
	if d.Event != nil {
		e := *d.Event
		d.Event = &e
	}
	return d
}

// invalidate drops every cache's answers for the subjects of events.
func (l *Ledger) invalidate(events ...Event) {
	l.cachesMu.Lock()
	caches := l.caches
	l.cachesMu.Unlock()
	if len(caches) == 0 {
		return
	}
	var last string
	for i := range events {
		if s := events[i].Subject; s != last || i == 0 {
			last = s
			for _, c := range caches {
				c.Invalidate(s)
			}
		}
	}
}
