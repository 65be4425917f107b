package cookies

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/pii"
)

// lifetimeStep is one visit in a lifetime test: after advancing the clock
// by after, the visitor sends the cookie they hold.
type lifetimeStep struct {
	after time.Duration
	alive bool   // the session is still accepted
	limit string // when not alive: the ExpiredError's Limit
}

// every repeats a visit every d, n times, expecting the session alive.
func every(d time.Duration, n int) []lifetimeStep {
	steps := make([]lifetimeStep, n)
	for i := range steps {
		steps[i] = lifetimeStep{after: d, alive: true}
	}
	return steps
}

func TestSessionLifetimes(t *testing.T) {
	type policy struct{ maxAge, idle, absolute time.Duration }
	tests := []struct {
		name   string
		reason string
		issue  policy // the Manager that issued the first cookie
		serve  policy // the Manager that serves every later visit (after a restart)
		steps  []lifetimeStep
	}{
		{
			name:   "issue 15: used every 40 minutes",
			reason: "MaxAge=1h, cookie used every 40 minutes: re-issued each time, but dead at the absolute lifetime, not alive after 24 hours",
			issue:  policy{time.Hour, 0, 8 * time.Hour},
			serve:  policy{time.Hour, 0, 8 * time.Hour},
			// The cookie re-issued at 7h20m was cut to 40 minutes, so its
			// own sealed lifetime (limit "") ends it at 8h00m.
			steps: append(every(40*time.Minute, 11), // 7h20m
				lifetimeStep{after: 40 * time.Minute, alive: false, limit: ""}), // 8h00m
		},
		{
			name:   "issue 15 with the defaults",
			reason: "the default absolute lifetime (12h) ends a session used every 40 minutes",
			issue:  policy{time.Hour, 0, 0},
			serve:  policy{time.Hour, 0, 0},
			steps: append(every(40*time.Minute, 17), // 11h20m
				lifetimeStep{after: 40 * time.Minute, alive: false, limit: ""}),
		},
		{
			name:   "idle timeout shorter than MaxAge",
			reason: "a cookie is re-issued after half the idle timeout, so use every 10 minutes keeps it; 16 idle minutes end it although its Max-Age is 1h",
			issue:  policy{time.Hour, 15 * time.Minute, 0},
			serve:  policy{time.Hour, 15 * time.Minute, 0},
			steps: append(every(10*time.Minute, 6),
				lifetimeStep{after: 16 * time.Minute, alive: false, limit: LimitIdle}),
		},
		{
			name:   "idle without re-issue",
			reason: "a session used only before the refresh point is idle from its cookie's issue time",
			issue:  policy{time.Hour, 15 * time.Minute, 0},
			serve:  policy{time.Hour, 15 * time.Minute, 0},
			steps: []lifetimeStep{
				{after: 5 * time.Minute, alive: true},
				{after: 10 * time.Minute, alive: false, limit: LimitIdle},
			},
		},
		{
			name:   "MaxAge lowered after issue",
			reason: "the server's current MaxAge decides, not the one sealed in the cookie",
			issue:  policy{time.Hour, 0, 0},
			serve:  policy{10 * time.Minute, 0, 0},
			steps: []lifetimeStep{
				{after: 4 * time.Minute, alive: true},
				{after: 7 * time.Minute, alive: false, limit: LimitMaxAge},
			},
		},
		{
			name:   "idle timeout lowered after issue",
			reason: "a cookie issued under a 1h idle timeout is idle after 20 minutes under a 20-minute one",
			issue:  policy{time.Hour, 0, 0},
			serve:  policy{time.Hour, 20 * time.Minute, 0},
			steps:  []lifetimeStep{{after: 21 * time.Minute, alive: false, limit: LimitIdle}},
		},
		{
			name:   "absolute lifetime lowered after issue",
			reason: "lowering the absolute lifetime ends sessions already issued, however active",
			issue:  policy{2 * time.Hour, 0, 8 * time.Hour},
			serve:  policy{2 * time.Hour, 0, time.Hour},
			steps: []lifetimeStep{
				{after: 50 * time.Minute, alive: true},
				{after: 11 * time.Minute, alive: false, limit: LimitAbsolute},
			},
		},
		{
			name:   "absolute lifetime during refreshes",
			reason: "once the absolute lifetime is near, a re-issued cookie ends with it",
			issue:  policy{time.Hour, 0, 3 * time.Hour},
			serve:  policy{time.Hour, 0, 3 * time.Hour},
			steps: append(every(35*time.Minute, 5), // 2h55m: re-issued with 5 minutes left
				lifetimeStep{after: 5 * time.Minute, alive: false, limit: ""}),
		},
		{
			name:   "policy raised after issue",
			reason: "raising MaxAge does not extend a cookie already issued: its own sealed lifetime still ends it",
			issue:  policy{time.Hour, 0, 0},
			serve:  policy{2 * time.Hour, 0, 0},
			steps:  []lifetimeStep{{after: 61 * time.Minute, alive: false, limit: ""}},
		},
		{
			name:   "absolute lifetime shorter than MaxAge",
			reason: "the first cookie already ends at the absolute lifetime",
			issue:  policy{time.Hour, 0, 30 * time.Minute},
			serve:  policy{time.Hour, 0, 30 * time.Minute},
			steps: []lifetimeStep{
				{after: 29 * time.Minute, alive: true},
				{after: time.Minute, alive: false, limit: ""}, // the cookie's own (capped) Max-Age ends first
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			kr := newKeyring(t)
			mk := func(p policy) *Manager[webSession] {
				m, err := NewManager(kr, &Options[webSession]{
					MaxAge: p.maxAge, IdleTimeout: p.idle, AbsoluteLifetime: p.absolute,
					Detector: testDetector{}, Now: clk.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
				})
				require.NoError(t, err)
				return m
			}
			issuer, server := mk(tc.issue), mk(tc.serve)
			created := clk.Now()

			// The first visit starts a session with a value.
			c, _ := visit(t, issuer, nil, func(s *Session[webSession]) { s.Values.Locale = "en-US" })
			require.NotNil(t, c, tc.reason)
			for i, st := range tc.steps {
				clk.Advance(st.after)
				next, err := visit(t, server, c, func(s *Session[webSession]) {
					assert.Equal(t, st.alive, !s.IsNew(), "step %d at %s: %s", i, clk.Now().Sub(created), tc.reason)
					if st.alive {
						assert.Equal(t, "en-US", s.Values.Locale, "step %d: values kept", i)
					}
				})
				if !st.alive {
					var ee *ExpiredError
					require.ErrorAs(t, err, &ee, "step %d: %s", i, tc.reason)
					assert.Equal(t, st.limit, ee.Limit, "step %d: %s", i, tc.reason)
					assert.ErrorIs(t, err, ErrExpired)
					return
				}
				require.NoError(t, err, "step %d: %s", i, tc.reason)
				if next != nil {
					// Re-issuing never extends past the absolute lifetime.
					abs := server.AbsoluteLifetime()
					end := clk.Now().Add(time.Duration(next.MaxAge) * time.Second)
					assert.False(t, end.After(created.Add(abs)), "step %d: a re-issued cookie ends by the absolute lifetime", i)
					c = next
				}
			}
		})
	}
}

// visit sends one request carrying c (if any) to m, lets use change the
// session, saves it, and returns the session cookie set (nil if none) and
// Load's error.
func visit(t *testing.T, m *Manager[webSession], c *http.Cookie, use func(*Session[webSession])) (*http.Cookie, error) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	req.RemoteAddr = "192.0.2.33:40000"
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
	if c != nil {
		req.AddCookie(c)
	}
	s, err := m.Load(req)
	if use != nil {
		use(s)
	}
	rec := httptest.NewRecorder()
	require.NoError(t, m.Save(rec, req, s))
	for _, got := range rec.Result().Cookies() {
		if got.Name == m.Name() && got.MaxAge > 0 {
			return got, err
		}
	}
	return nil, err
}

func TestSessionLifetimeRenewID(t *testing.T) {
	clk := newClock()
	m, err := NewManager(newKeyring(t), &Options[webSession]{
		MaxAge: time.Hour, AbsoluteLifetime: 2 * time.Hour, Detector: testDetector{}, Now: clk.Now,
	})
	require.NoError(t, err)
	c, _ := visit(t, m, nil, func(s *Session[webSession]) { s.Values.Locale = "en-US" })
	require.NotNil(t, c)
	clk.Advance(50 * time.Minute)
	c, err = visit(t, m, c, nil) // re-issued: more than half its Max-Age gone
	require.NoError(t, err)
	require.NotNil(t, c)
	clk.Advance(40 * time.Minute)
	// Login renews the id: the absolute lifetime counts from here.
	c, err = visit(t, m, c, func(s *Session[webSession]) { s.RenewID(); s.Values.UserRef = "acct-7f3a" })
	require.NoError(t, err)
	require.NotNil(t, c)
	assert.Equal(t, 3600, c.MaxAge, "a renewed session gets a full MaxAge")
	clk.Advance(45 * time.Minute) // 2h15m after the first visit, 45m after login
	_, err = visit(t, m, c, func(s *Session[webSession]) {
		assert.False(t, s.IsNew(), "alive: the absolute lifetime runs from the renewal")
		assert.Equal(t, clk.Now().Add(-45*time.Minute), s.CreatedAt())
	})
	require.NoError(t, err)
}

func TestManagerLimitOptions(t *testing.T) {
	kr, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	tests := []struct {
		name           string
		reason         string
		opts           Options[webSession]
		wantErr        bool
		idle, absolute time.Duration
	}{
		{"defaults", "zero means MaxAge and DefaultAbsoluteLifetime", Options[webSession]{MaxAge: time.Hour}, false, time.Hour, DefaultAbsoluteLifetime},
		{"explicit", "values are kept", Options[webSession]{MaxAge: time.Hour, IdleTimeout: 10 * time.Minute, AbsoluteLifetime: 4 * time.Hour}, false, 10 * time.Minute, 4 * time.Hour},
		{"capped", "above 400 days is capped", Options[webSession]{AbsoluteLifetime: 1000 * 24 * time.Hour}, false, DefaultMaxAge, MaxMaxAge},
		{"idle above MaxAge", "an idle timeout cannot outlast the cookie", Options[webSession]{MaxAge: time.Hour, IdleTimeout: 3 * time.Hour}, false, time.Hour, DefaultAbsoluteLifetime},
		{"negative idle", "a negative timeout is a mistake", Options[webSession]{IdleTimeout: -time.Second}, true, 0, 0},
		{"negative absolute", "a negative lifetime is a mistake", Options[webSession]{AbsoluteLifetime: -time.Second}, true, 0, 0},
		{"sub-second", "cookie times are whole seconds", Options[webSession]{IdleTimeout: time.Millisecond}, true, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Detector = testDetector{}
			m, err := NewManager(kr, &tc.opts)
			if tc.wantErr {
				require.Error(t, err, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.idle, m.IdleTimeout(), tc.reason)
			assert.Equal(t, tc.absolute, m.AbsoluteLifetime(), tc.reason)
		})
	}
}
