package main

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a settable clock for the throttle.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestLoginThrottledPerAccount(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	clock := &fakeClock{t: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	tp.app.throttle.now = clock.now
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	tp.post(c, "/logout", nil)
	wrong := url.Values{"email": {fakePerson.Email}, "password": {"not the password"}}
	right := url.Values{"email": {fakePerson.Email}, "password": {fakePerson.Password}}

	statuses := map[int]int{}
	for range 40 {
		clock.add(100 * time.Millisecond)
		statuses[tp.post(c, "/login", wrong).Status]++
	}
	assert.Equal(t, accountFreeFailures+2, statuses[http.StatusUnauthorized],
		"5 failures run freely; in the 4 s of attempts two more backoffs (1 s, 2 s) end")
	assert.Positive(t, statuses[http.StatusTooManyRequests])
	r := tp.post(c, "/login", right)
	assert.Equal(t, http.StatusTooManyRequests, r.Status, "40 wrong passwords, then the right one is refused too")
	assert.NotEmpty(t, r.Header.Get("Retry-After"))

	clock.add(maxBackoff)
	r = tp.post(c, "/login", right)
	assert.Equal(t, http.StatusOK, r.Status, "after the backoff the right password works")
	assert.Contains(t, r.FinalURL, "/account")

	// The count was cleared by the success.
	tp.post(c, "/logout", nil)
	assert.Equal(t, http.StatusUnauthorized, tp.post(c, "/login", wrong).Status)
}

func TestLoginThrottleDoesNotRevealAccounts(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	tp.app.throttle.now = (&fakeClock{t: time.Unix(1e9, 0)}).now
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	tp.post(c, "/logout", nil)
	seq := func(email string) []int {
		var out []int
		for range accountFreeFailures + 3 {
			out = append(out, tp.post(c, "/login", url.Values{"email": {email}, "password": {"nope"}}).Status)
		}
		return out
	}
	assert.Equal(t, seq(fakePerson.Email), seq("nobody-here@example.com"),
		"an address without an account is throttled exactly like one with")
}

func TestLoginThrottledPerClient(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	tp.app.throttle.now = clock.now
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	tp.post(c, "/logout", nil)
	// One client guessing many accounts: each account only fails once.
	for i := range ipBurst {
		r := tp.post(c, "/login", url.Values{"email": {"guess" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.com"}, "password": {"x"}})
		require.Equal(t, http.StatusUnauthorized, r.Status)
	}
	r := tp.post(c, "/login", url.Values{"email": {fakePerson.Email}, "password": {fakePerson.Password}})
	assert.Equal(t, http.StatusTooManyRequests, r.Status, "the client's budget is spent")
	clock.add(ipEvery)
	r = tp.post(c, "/login", url.Values{"email": {fakePerson.Email}, "password": {fakePerson.Password}})
	assert.Equal(t, http.StatusOK, r.Status, "one attempt per interval comes back")
}

func TestClientKey(t *testing.T) {
	cases := []struct{ addr, want, why string }{
		{"192.0.2.7:5555", "192.0.2.7", "IPv4 as is"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::", "IPv6 by /64"},
		{"garbage", "garbage", "anything else as is"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, clientKey(&http.Request{RemoteAddr: c.addr}), c.why)
	}
}
