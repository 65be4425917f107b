package main

import (
	"context"
	"math"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Log-in throttling. Failed log-ins are counted per account (by the
// e-mail address's blind index, whether or not an account has it, so the
// answer never tells which addresses have accounts) and per client IP:
//
//   - per account: after accountFreeFailures failures in a row, every
//     further attempt waits out a backoff that doubles with each failure
//     (1 s, 2 s, 4 s, ... at most maxBackoff); during it even the right
//     password is refused. A successful log-in clears the count.
//   - per client IP: failures spend tokens of a rate limiter (a burst of
//     ipBurst, then one per ipEvery); when none is left, attempts from that
//     IP are refused until one is.
//
// A refused attempt costs no password hash, and at most runtime.NumCPU
// hashes run at once, so a flood cannot make everyone's log-in wait for
// argon2id. The state lives in memory: each server throttles on its own
// (behind several servers an attacker gets one budget per server).
const (
	accountFreeFailures = 5
	maxBackoff          = 15 * time.Minute
	ipBurst             = 20
	ipEvery             = 3 * time.Second
	throttleForget      = 30 * time.Minute // idle entries are dropped after this
	throttleMaxEntries  = 100_000
)

type loginThrottle struct {
	mu    sync.Mutex
	accts map[string]*acctFailures
	ips   map[string]*ipFailures
	hash  chan struct{} // one token per password hash allowed to run
	now   func() time.Time
}

type acctFailures struct {
	n     int
	until time.Time // no attempt before this
	seen  time.Time
}

type ipFailures struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{accts: map[string]*acctFailures{}, ips: map[string]*ipFailures{},
		hash: make(chan struct{}, max(1, runtime.NumCPU())), now: time.Now}
}

// clientKey is the throttling key of a request's client: its IP address,
// an IPv6 one cut to its /64 (one host usually owns a whole /64).
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String()
	}
	return ip.String()
}

// allow reports whether a log-in attempt for account key acct from client
// ip may go ahead, and if not how long to wait.
func (t *loginThrottle) allow(acct, ip string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if a := t.accts[acct]; a != nil && now.Before(a.until) {
		return false, a.until.Sub(now)
	}
	if f := t.ips[ip]; f != nil && f.lim.TokensAt(now) < 1 {
		r := f.lim.ReserveN(now, 1)
		wait := r.DelayFrom(now)
		r.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// failed records a failed attempt.
func (t *loginThrottle) failed(acct, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.gc(now)
	a := t.accts[acct]
	if a == nil {
		a = &acctFailures{}
		t.accts[acct] = a
	}
	a.n++
	a.seen = now
	if over := a.n - accountFreeFailures; over >= 0 {
		d := maxBackoff
		if over < 20 {
			d = min(maxBackoff, time.Duration(math.Pow(2, float64(over)))*time.Second)
		}
		a.until = now.Add(d)
	}
	f := t.ips[ip]
	if f == nil {
		f = &ipFailures{lim: rate.NewLimiter(rate.Every(ipEvery), ipBurst)}
		t.ips[ip] = f
	}
	f.seen = now
	f.lim.AllowN(now, 1)
}

// succeeded clears an account's failures.
func (t *loginThrottle) succeeded(acct string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.accts, acct)
}

// gc drops idle entries when the maps grow large.
func (t *loginThrottle) gc(now time.Time) {
	if len(t.accts)+len(t.ips) < throttleMaxEntries {
		return
	}
	for k, a := range t.accts {
		if now.Sub(a.seen) > throttleForget && !now.Before(a.until) {
			delete(t.accts, k)
		}
	}
	for k, f := range t.ips {
		if now.Sub(f.seen) > throttleForget {
			delete(t.ips, k)
		}
	}
}

// hashSlot waits for a slot to compute a password hash; release it with
// the returned function. It fails when ctx ends first.
func (t *loginThrottle) hashSlot(ctx context.Context) (func(), error) {
	select {
	case t.hash <- struct{}{}:
		return func() { <-t.hash }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// retryAfter formats a wait for the Retry-After header (whole seconds, at
// least 1).
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
