package cookies

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memAccountStore is an in-memory AccountStore on the test clock.
type memAccountStore struct {
	mu   sync.Mutex
	now  func() time.Time
	rows map[string]memRow
	fail error // every call fails with it when set
}

type memRow struct {
	account string
	b       []byte
	expiry  time.Time
}

var _ AccountStore = (*memAccountStore)(nil)

func newMemAccountStore(now func() time.Time) *memAccountStore {
	return &memAccountStore{now: now, rows: map[string]memRow{}}
}

func (s *memAccountStore) live(token string) (memRow, bool) {
	r, ok := s.rows[token]
	return r, ok && s.now().Before(r.expiry)
}

func (s *memAccountStore) Find(token string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return nil, false, s.fail
	}
	r, ok := s.live(token)
	return bytes.Clone(r.b), ok, nil
}

func (s *memAccountStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitAccount(context.Background(), token, "", b, expiry)
}

func (s *memAccountStore) Delete(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	delete(s.rows, token)
	return nil
}

func (s *memAccountStore) CommitAccount(_ context.Context, token, account string, b []byte, expiry time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.rows[token] = memRow{account, bytes.Clone(b), expiry}
	return nil
}

func (s *memAccountStore) Update(_ context.Context, token string, b []byte, expiry time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return false, s.fail
	}
	r, ok := s.live(token)
	if !ok {
		return false, nil
	}
	s.rows[token] = memRow{r.account, bytes.Clone(b), expiry}
	return true, nil
}

func (s *memAccountStore) FindAccount(_ context.Context, account string) (map[string][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]byte{}
	for t := range s.rows {
		if r, ok := s.live(t); ok && r.account == account {
			out[t] = bytes.Clone(r.b)
		}
	}
	return out, nil
}

func (s *memAccountStore) DeleteAccount(_ context.Context, account, except string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for t, r := range s.rows {
		if r.account == account && t != except {
			delete(s.rows, t)
			n++
		}
	}
	return n, nil
}

// storeKinds are the two ways a Manager uses a store: a plain scs store
// (found by iterating), and an AccountStore (indexed by account).
func storeKinds(now func() time.Time) []struct {
	name   string
	reason string
	store  func() Store
} {
	return []struct {
		name   string
		reason string
		store  func() Store
	}{
		{"scs memstore", "any scs store works: accounts are found by iterating (IterableStore)",
			func() Store { return memstore.NewWithCleanupInterval(0) }},
		{"account store", "an AccountStore indexes sessions by account",
			func() Store { return newMemAccountStore(now) }},
	}
}

// newServerManager returns a server-side Manager on st with a clock that
// starts now (scs's memstore expires entries on the real clock).
func newServerManager(t *testing.T, st Store, clk *clock, mod func(*Options[webSession])) *Manager[webSession] {
	t.Helper()
	opts := &Options[webSession]{
		MaxAge: time.Hour, Detector: testDetector{}, Now: clk.Now, Store: st,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if mod != nil {
		mod(opts)
	}
	m, err := NewManager(newKeyring(t), opts)
	require.NoError(t, err)
	return m
}

func realClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func TestServerSessionLifecycle(t *testing.T) {
	for _, kind := range storeKinds(nil) {
		t.Run(kind.name, func(t *testing.T) {
			clk := realClock()
			kind := storeKinds(clk.Now)[map[string]int{"scs memstore": 0, "account store": 1}[kind.name]]
			m := newServerManager(t, kind.store(), clk, nil)

			// No state: no cookie, nothing stored.
			c, err := visit(t, m, nil, nil)
			require.NoError(t, err)
			assert.Nil(t, c, "no state, no cookie")

			// A value: a cookie carrying only the sealed id.
			var handle string
			c, err = visit(t, m, nil, func(s *Session[webSession]) {
				s.Values.Locale = "es-US"
				handle = s.Handle()
			})
			require.NoError(t, err)
			require.NotNil(t, c)
			format, _, _, body, err := m.codec.open(m.ad, c.Value, clk.Now())
			require.NoError(t, err)
			assert.Equal(t, byte(formatRef), format)
			assert.Len(t, body, idLen, "the cookie holds the session id and nothing else")
			assert.NotContains(t, string(body), "es-US")
			assert.Len(t, handle, 43)

			// Next request: values come from the store; unchanged, nothing sent.
			clk.Advance(10 * time.Second)
			next, err := visit(t, m, c, func(s *Session[webSession]) {
				assert.False(t, s.IsNew())
				assert.Equal(t, "es-US", s.Values.Locale)
				assert.Equal(t, handle, s.Handle())
				s.Values.Step = 3 // changed: stored, no new cookie needed
			})
			require.NoError(t, err)
			assert.Nil(t, next, "a change is stored, the cookie stays")
			_, err = visit(t, m, c, func(s *Session[webSession]) { assert.Equal(t, 3, s.Values.Step) })
			require.NoError(t, err)

			// RenewID: a new id; the old cookie no longer opens a session.
			renewed, err := visit(t, m, c, func(s *Session[webSession]) { s.RenewID() })
			require.NoError(t, err)
			require.NotNil(t, renewed)
			_, err = visit(t, m, c, func(s *Session[webSession]) { assert.True(t, s.IsNew(), "fixation: the pre-login id is dead") })
			require.ErrorIs(t, err, ErrEnded)
			_, err = visit(t, m, renewed, func(s *Session[webSession]) {
				assert.Equal(t, webSession{Locale: "es-US", Step: 3}, s.Values, "values survive RenewID")
			})
			require.NoError(t, err)

			// Destroy (logout) ends every copy of the cookie.
			stolen := *renewed
			_, err = visit(t, m, renewed, func(s *Session[webSession]) { s.Destroy() })
			require.NoError(t, err)
			_, err = visit(t, m, &stolen, func(s *Session[webSession]) { assert.True(t, s.IsNew(), "a copy of a logged-out cookie is worthless") })
			require.ErrorIs(t, err, ErrEnded)
		})
	}
}

func TestServerSessionLimits(t *testing.T) {
	type step struct {
		after time.Duration
		alive bool
		limit string // "ended": ErrEnded, the store forgot it
	}
	tests := []struct {
		name          string
		reason        string
		idle, abs     time.Duration
		serveIdle     time.Duration // after a restart with a new policy; 0 keeps idle
		serveAbs      time.Duration
		steps         []step
		wantStoreGone bool
	}{
		{
			name: "issue 15 scenario", reason: "used every 40 minutes with MaxAge=1h: dead at the absolute lifetime",
			idle: time.Hour, abs: 4 * time.Hour,
			steps: []step{{40 * time.Minute, true, ""}, {40 * time.Minute, true, ""}, {40 * time.Minute, true, ""},
				{40 * time.Minute, true, ""}, {40 * time.Minute, true, ""}, {40 * time.Minute, false, ""}},
		},
		{
			name: "idle longer than MaxAge", reason: "an idle timeout above MaxAge is MaxAge: the cookie is re-issued on use, and gone after MaxAge without",
			idle: 3 * time.Hour, abs: 12 * time.Hour,
			steps: []step{{50 * time.Minute, true, ""}, {50 * time.Minute, true, ""}, {55 * time.Minute, true, ""}, {61 * time.Minute, false, ""}},
		},
		{
			name: "idle timeout", reason: "not used for the idle timeout: ended by the store's last-seen time",
			idle: 15 * time.Minute, abs: 12 * time.Hour,
			// The store's expiry (the idle deadline at the last write) ends it.
			steps:         []step{{10 * time.Minute, true, ""}, {10 * time.Minute, true, ""}, {16 * time.Minute, false, "ended"}},
			wantStoreGone: true,
		},
		{
			name: "idle lowered after issue", reason: "the current idle timeout applies to sessions already stored",
			idle: time.Hour, abs: 12 * time.Hour, serveIdle: 5 * time.Minute,
			steps:         []step{{6 * time.Minute, false, LimitIdle}},
			wantStoreGone: true,
		},
		{
			name: "absolute lowered after issue", reason: "the current absolute lifetime applies to sessions already stored",
			idle: time.Hour, abs: 12 * time.Hour, serveAbs: 30 * time.Minute,
			// The write at 20 minutes set the store's expiry under the new policy.
			steps:         []step{{20 * time.Minute, true, ""}, {11 * time.Minute, false, "ended"}},
			wantStoreGone: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := realClock()
			st := newMemAccountStore(clk.Now)
			kr := newKeyring(t)
			mk := func(idle, abs time.Duration) *Manager[webSession] {
				m, err := NewManager(kr, &Options[webSession]{
					MaxAge: time.Hour, IdleTimeout: idle, AbsoluteLifetime: abs, TouchInterval: time.Minute,
					Detector: testDetector{}, Now: clk.Now, Store: st,
				})
				require.NoError(t, err)
				return m
			}
			issuer := mk(tc.idle, tc.abs)
			server := mk(orDur(tc.serveIdle, tc.idle), orDur(tc.serveAbs, tc.abs))
			created := clk.Now()
			c, err := visit(t, issuer, nil, func(s *Session[webSession]) { s.Values.Locale = "en-US" })
			require.NoError(t, err)
			require.NotNil(t, c)
			var handle string
			for i, st := range tc.steps {
				clk.Advance(st.after)
				next, err := visit(t, server, c, func(s *Session[webSession]) {
					assert.Equal(t, st.alive, !s.IsNew(), "step %d: %s", i, tc.reason)
					if !s.IsNew() {
						handle = s.Handle()
					}
				})
				if !st.alive && st.limit == "ended" {
					require.ErrorIs(t, err, ErrEnded, "step %d: %s", i, tc.reason)
					break
				}
				if !st.alive {
					var ee *ExpiredError
					require.ErrorAs(t, err, &ee, "step %d: %s", i, tc.reason)
					assert.Equal(t, st.limit, ee.Limit, "step %d: %s", i, tc.reason)
					break
				}
				require.NoError(t, err, "step %d: %s", i, tc.reason)
				if next != nil {
					end := clk.Now().Add(time.Duration(next.MaxAge) * time.Second)
					assert.False(t, end.After(created.Add(server.AbsoluteLifetime())), "step %d: a re-issued cookie ends by the absolute lifetime", i)
					c = next
				}
			}
			if tc.wantStoreGone {
				_, found, err := st.Find(handle)
				require.NoError(t, err)
				assert.False(t, found, "a session over the current policy is deleted from the store")
			}
		})
	}
}

func orDur(a, b time.Duration) time.Duration {
	if a != 0 {
		return a
	}
	return b
}

func TestServerSessionAccounts(t *testing.T) {
	for i, kind := range storeKinds(nil) {
		t.Run(kind.name, func(t *testing.T) {
			clk := realClock()
			kind = storeKinds(clk.Now)[i]
			m := newServerManager(t, kind.store(), clk, nil)
			ctx := context.Background()

			login := func(account, ua, ip string) (*http.Cookie, string) {
				req := httptest.NewRequest(http.MethodPost, "https://portal.example.com/login", nil)
				req.RemoteAddr, req.Header["User-Agent"] = ip, []string{ua}
				s, err := m.Load(req)
				require.NoError(t, err)
				old := s.Handle()
				s.SetAccount(account)
				assert.NotEqual(t, old, s.Handle(), "SetAccount renews the id")
				rec := httptest.NewRecorder()
				require.NoError(t, m.Save(rec, req, s))
				c := sessionCookie(t, rec.Result(), m.Name())
				require.NotNil(t, c)
				return c, s.Handle()
			}
			const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
			const safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1"
			laptop, hLaptop := login("acct-7f3a", firefox, "192.0.2.33:51000")
			clk.Advance(time.Minute)
			phone, hPhone := login("acct-7f3a", safari, "[2001:db8:1:2::55]:443")
			clk.Advance(time.Minute)
			other, _ := login("acct-0b19", firefox, "198.51.100.7:1234")

			list, err := m.Sessions(ctx, "acct-7f3a")
			require.NoError(t, err)
			require.Len(t, list, 2, "only this account's sessions")
			assert.Equal(t, hPhone, list[0].Handle, "most recently used first")
			assert.Equal(t, "Safari on iOS", list[0].UserAgent)
			assert.Equal(t, "2001:db8:1::", list[0].IPPrefix, "IPv6 truncated to /48")
			assert.Equal(t, "Firefox on Linux", list[1].UserAgent)
			assert.Equal(t, "192.0.2.0", list[1].IPPrefix, "IPv4 truncated to /24")
			assert.Equal(t, clk.Now().Add(-2*time.Minute), list[1].CreatedAt)
			for _, info := range list {
				assert.NotContains(t, info.UserAgent, "Gecko", "no full user-agent string")
			}

			// Revoking another account's session by handle does nothing.
			ok, err := m.Revoke(ctx, "acct-0b19", hLaptop)
			require.NoError(t, err)
			assert.False(t, ok, "a handle of another account is refused")
			ok, err = m.Revoke(ctx, "acct-7f3a", "tok-' OR 1=1 --")
			require.NoError(t, err)
			assert.False(t, ok, "a form value that is not a handle ends nothing")
			// Revoke one: the phone is logged out, the laptop is not.
			ok, err = m.Revoke(ctx, "acct-7f3a", hPhone)
			require.NoError(t, err)
			assert.True(t, ok)
			_, err = visit(t, m, phone, nil)
			assert.ErrorIs(t, err, ErrEnded)
			_, err = visit(t, m, laptop, func(s *Session[webSession]) { assert.Equal(t, "acct-7f3a", s.Account()) })
			require.NoError(t, err)

			// Password change on a second laptop: log out everywhere else.
			second, hSecond := login("acct-7f3a", firefox, "192.0.2.34:51000")
			n, err := m.RevokeAll(ctx, "acct-7f3a", hSecond)
			require.NoError(t, err)
			assert.Equal(t, 1, n, "the first laptop")
			_, err = visit(t, m, laptop, nil)
			assert.ErrorIs(t, err, ErrEnded)
			_, err = visit(t, m, second, func(s *Session[webSession]) {
				assert.False(t, s.IsNew(), "the session that changed the password stays")
			})
			require.NoError(t, err)
			_, err = visit(t, m, other, func(s *Session[webSession]) { assert.False(t, s.IsNew(), "other accounts are untouched") })
			require.NoError(t, err)
			// Password reset: all of them.
			n, err = m.RevokeAll(ctx, "acct-7f3a", "")
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			list, err = m.Sessions(ctx, "acct-7f3a")
			require.NoError(t, err)
			assert.Empty(t, list)
		})
	}
}

func TestServerSessionRevokedDuringRequest(t *testing.T) {
	clk := realClock()
	st := newMemAccountStore(clk.Now)
	m := newServerManager(t, st, clk, nil)
	req := httptest.NewRequest(http.MethodPost, "https://portal.example.com/login", nil)
	s, err := m.Load(req)
	require.NoError(t, err)
	s.SetAccount("acct-7f3a")
	rec := httptest.NewRecorder()
	require.NoError(t, m.Save(rec, req, s))
	c := sessionCookie(t, rec.Result(), m.Name())

	// A request loads the session; meanwhile the account logs out everywhere.
	req = httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	req.AddCookie(c)
	s, err = m.Load(req)
	require.NoError(t, err)
	n, err := m.RevokeAll(context.Background(), "acct-7f3a", "")
	require.NoError(t, err)
	require.Equal(t, 1, n)
	s.Values.Step = 9
	rec = httptest.NewRecorder()
	require.ErrorIs(t, m.Save(rec, req, s), ErrEnded, "the request's save does not bring the session back")
	assert.Empty(t, st.rows)
	del := sessionCookie(t, rec.Result(), m.Name())
	require.NotNil(t, del)
	assert.Equal(t, -1, del.MaxAge, "and the cookie is deleted")
}

func TestServerSessionRefusals(t *testing.T) {
	clk := realClock()
	tests := []struct {
		name    string
		reason  string
		store   bool
		account string
		want    error
	}{
		{"e-mail as account", "the account id is stored for lookup: the PII guard refuses an e-mail address", true, "ann@example.com", ErrContainsPII},
		{"phone as account", "nor a phone number", true, "555-0142-0100", ErrContainsPII},
		{"stateless account", "only server-side sessions can be bound to an account", false, "acct-7f3a", ErrNoStore},
		{"control characters", "account ids are printable", true, "acct\n7f3a", nil},
		{"opaque id", "an opaque id is fine", true, "acct-7f3a", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var st Store
			if tc.store {
				st = newMemAccountStore(clk.Now)
			}
			m := newServerManager(t, st, clk, nil)
			req := httptest.NewRequest(http.MethodPost, "https://portal.example.com/login", nil)
			s, _ := m.Load(req)
			s.SetAccount(tc.account)
			err := m.Save(httptest.NewRecorder(), req, s)
			switch {
			case tc.want != nil:
				require.ErrorIs(t, err, tc.want, tc.reason)
				assert.NotContains(t, err.Error(), tc.account, "no PII in errors")
			case strings.ContainsAny(tc.account, "\n"):
				require.Error(t, err, tc.reason)
			default:
				require.NoError(t, err, tc.reason)
			}
		})
	}
	// Accounts, listing and revocation need a store.
	m := newServerManager(t, nil, clk, nil)
	_, err := m.Sessions(context.Background(), "acct-7f3a")
	assert.ErrorIs(t, err, ErrNoStore)
	_, err = m.Revoke(context.Background(), "acct-7f3a", "x")
	assert.ErrorIs(t, err, ErrNoStore)
	_, err = m.RevokeAll(context.Background(), "acct-7f3a", "")
	assert.ErrorIs(t, err, ErrNoStore)
	// A store that can neither index nor iterate cannot list.
	m = newServerManager(t, plainStore{newMemAccountStore(clk.Now)}, clk, nil)
	_, err = m.Sessions(context.Background(), "acct-7f3a")
	assert.ErrorIs(t, err, ErrNotSupported)
}

// plainStore hides every method but Store's.
type plainStore struct{ s Store }

func (p plainStore) Find(t string) ([]byte, bool, error)          { return p.s.Find(t) }
func (p plainStore) Commit(t string, b []byte, e time.Time) error { return p.s.Commit(t, b, e) }
func (p plainStore) Delete(t string) error                        { return p.s.Delete(t) }

func TestServerSessionStoreDown(t *testing.T) {
	clk := realClock()
	st := newMemAccountStore(clk.Now)
	var logs bytes.Buffer
	m := newServerManager(t, st, clk, func(o *Options[webSession]) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	c, err := visit(t, m, nil, func(s *Session[webSession]) { s.Values.Locale = "en-US" })
	require.NoError(t, err)
	st.fail = errors.New("connection refused")

	ran := false
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ran = true }))
	req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "a store outage is an error, not a silent logout")
	assert.False(t, ran)
	assert.Empty(t, rec.Result().Cookies(), "the visitor's cookie is kept")
	assert.Contains(t, logs.String(), "session store failed")
	assert.NotContains(t, logs.String(), c.Value, "no cookie value in logs")

	// A visitor without a cookie needs no store until their first save.
	st.fail = nil
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Len(t, st.rows, 1)
}

func TestServerSessionModeSwitch(t *testing.T) {
	clk := realClock()
	kr := newKeyring(t)
	opts := func(st Store) *Options[webSession] {
		return &Options[webSession]{MaxAge: time.Hour, Detector: testDetector{}, Now: clk.Now, Store: st}
	}
	stateless, err := NewManager(kr, opts(nil))
	require.NoError(t, err)
	server, err := NewManager(kr, opts(newMemAccountStore(clk.Now)))
	require.NoError(t, err)
	tests := []struct {
		name     string
		reason   string
		from, to *Manager[webSession]
	}{
		{"stateless to server", "a stateless cookie cannot be revoked, so it does not become a server-side session", stateless, server},
		{"server to stateless", "an id-only cookie holds no state to run on", server, stateless},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := visit(t, tc.from, nil, func(s *Session[webSession]) { s.Values.Locale = "en-US" })
			require.NoError(t, err)
			require.NotNil(t, c)
			_, err = visit(t, tc.to, c, func(s *Session[webSession]) { assert.True(t, s.IsNew(), tc.reason) })
			assert.ErrorIs(t, err, ErrInvalid, tc.reason)
		})
	}
}

// countingStore counts the writes an AccountStore receives.
type countingStore struct {
	*memAccountStore
	writes int
}

func (c *countingStore) Update(ctx context.Context, token string, b []byte, expiry time.Time) (bool, error) {
	c.writes++
	return c.memAccountStore.Update(ctx, token, b, expiry)
}

func (c *countingStore) CommitAccount(ctx context.Context, token, account string, b []byte, expiry time.Time) error {
	c.writes++
	return c.memAccountStore.CommitAccount(ctx, token, account, b, expiry)
}

func TestServerSessionTouch(t *testing.T) {
	clk := realClock()
	st := &countingStore{memAccountStore: newMemAccountStore(clk.Now)}
	m := newServerManager(t, st, clk, func(o *Options[webSession]) {
		o.IdleTimeout, o.TouchInterval = 30*time.Minute, 5*time.Minute
	})
	c, err := visit(t, m, nil, func(s *Session[webSession]) { s.Values.Locale = "en-US" })
	require.NoError(t, err)
	require.Equal(t, 1, st.writes)
	steps := []struct {
		after  time.Duration
		change bool
		writes int
		reason string
	}{
		{time.Minute, false, 1, "unchanged within TouchInterval: no write"},
		{time.Minute, true, 2, "a change is written at once"},
		{4 * time.Minute, false, 2, "4 minutes after the last write: still no write"},
		{2 * time.Minute, false, 3, "6 minutes after the last write: last seen is touched"},
		{29 * time.Minute, false, 4, "29 idle minutes after the touch: still alive (the idle clock runs from the last write)"},
	}
	for i, st2 := range steps {
		clk.Advance(st2.after)
		_, err := visit(t, m, c, func(s *Session[webSession]) {
			require.False(t, s.IsNew(), "step %d: %s", i, st2.reason)
			if st2.change {
				s.Values.Step++
			}
		})
		require.NoError(t, err)
		assert.Equal(t, st2.writes, st.writes, "step %d: %s", i, st2.reason)
	}
}
