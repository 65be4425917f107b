package cookies

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// webSession is the payload the middleware tests use.
type webSession struct {
	UserRef string // an opaque account reference, never an e-mail address
	Locale  string
	Step    int
}

type harness struct {
	m   *Manager[webSession]
	clk *clock
	log *bytes.Buffer
}

func newHarness(t *testing.T, mod func(*Options[webSession])) *harness {
	t.Helper()
	h := &harness{clk: newClock(), log: &bytes.Buffer{}}
	opts := &Options[webSession]{
		MaxAge: time.Hour, Detector: testDetector{}, Now: h.clk.Now,
		Logger: slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(opts)
	}
	m, err := NewManager(newKeyring(t), opts)
	require.NoError(t, err)
	h.m = m
	return h
}

// do runs one request through the middleware with the given cookies and
// returns the response.
func (h *harness) do(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, s *Session[webSession]), cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := FromContext[webSession](r.Context())
		require.True(t, ok, "the middleware puts the session in the context")
		handler(w, r, s)
	})).ServeHTTP(rec, req)
	return rec.Result()
}

func sessionCookie(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	var found *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == name {
			require.Nil(t, found, "cookie %s set once per response", name)
			found = c
		}
	}
	return found
}

func TestMiddlewareLifecycle(t *testing.T) {
	h := newHarness(t, nil)
	name := h.m.Name()
	assert.Equal(t, "__Host-session", name)

	// A visitor with no state gets no cookie at all.
	resp := h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		assert.True(t, s.IsNew())
		io.WriteString(w, "hello")
	})
	assert.Empty(t, resp.Cookies(), "no state, no cookie")

	// Setting a value sets the cookie, with the safe attributes.
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		s.Values.Locale = "es-US"
		io.WriteString(w, "hola")
	})
	c := sessionCookie(t, resp, name)
	require.NotNil(t, c)
	assert.True(t, c.Secure)
	assert.True(t, c.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
	assert.Equal(t, "/", c.Path)
	assert.Empty(t, c.Domain)
	assert.Equal(t, 3600, c.MaxAge)
	assert.Contains(t, resp.Header.Get("Set-Cookie"), "Max-Age=3600")

	// Unchanged: no new cookie.
	var firstID string
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		assert.False(t, s.IsNew())
		assert.Equal(t, "es-US", s.Values.Locale)
		firstID = s.ID()
		w.WriteHeader(http.StatusNoContent)
	}, c)
	assert.Empty(t, resp.Cookies(), "unchanged session, no Set-Cookie")
	assert.Len(t, firstID, 22)

	// Changed: new cookie, same id.
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		s.Values.Step = 2
	}, c)
	c2 := sessionCookie(t, resp, name)
	require.NotNil(t, c2, "a handler that writes nothing still gets its cookie")

	// Login renews the id and keeps the values.
	var loginID string
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		s.RenewID()
		s.Values.UserRef = "acct-7f3a"
		loginID = s.ID()
	}, c2)
	c3 := sessionCookie(t, resp, name)
	require.NotNil(t, c3)
	assert.NotEqual(t, firstID, loginID, "fixation: the id changes on login")
	h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		assert.Equal(t, loginID, s.ID())
		assert.Equal(t, webSession{UserRef: "acct-7f3a", Locale: "es-US", Step: 2}, s.Values)
		assert.Equal(t, h.clk.Now().Add(time.Hour), s.ExpiresAt())
	}, c3)

	// RenewID on an unchanged session still sends a cookie.
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) { s.RenewID() }, c3)
	require.NotNil(t, sessionCookie(t, resp, name))

	// Logout destroys: the cookie is deleted.
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		s.Destroy()
		assert.True(t, s.Destroyed())
		assert.Zero(t, s.Values)
	}, c3)
	del := sessionCookie(t, resp, name)
	require.NotNil(t, del)
	assert.Equal(t, -1, del.MaxAge, "Max-Age=0 deletes")
	assert.Empty(t, del.Value)
	assert.True(t, del.Secure, "a __Host- deletion must be Secure too")

	// Destroying a session that has no cookie sends nothing.
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) { s.Destroy() })
	assert.Empty(t, resp.Cookies())
}

func TestMiddlewareSavesBeforeFirstByte(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		name   string
		reason string
		write  func(w http.ResponseWriter)
	}{
		{"Write", "the first Write sends the header", func(w http.ResponseWriter) { io.WriteString(w, "x") }},
		{"WriteHeader", "an explicit status sends the header", func(w http.ResponseWriter) { w.WriteHeader(http.StatusAccepted) }},
		{"Flush", "http.Flusher", func(w http.ResponseWriter) { w.(http.Flusher).Flush() }},
		{"ResponseController", "http.ResponseController.Flush", func(w http.ResponseWriter) {
			require.NoError(t, http.NewResponseController(w).Flush())
		}},
		{"io.Copy", "ReadFrom", func(w http.ResponseWriter) { io.Copy(w, strings.NewReader("body")) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
				s.Values.Locale = "fr-CA"
				tc.write(w)
				// Too late: the header is gone. The recorder snapshots the
				// header at WriteHeader, as a real connection would.
				s.Values.Locale = "de-DE"
			})
			c := sessionCookie(t, resp, h.m.Name())
			require.NotNil(t, c, tc.reason)
			s, err := h.m.open(c.Value)
			require.NoError(t, err)
			assert.Equal(t, "fr-CA", s.Values.Locale, tc.reason)
		})
	}
}

func TestMiddlewareInformationalHeader(t *testing.T) {
	h := newHarness(t, nil)
	// A real server: the recorder treats a 103 as the final status.
	srv := httptest.NewServer(h.m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := FromContext[webSession](r.Context())
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		s.Values.Locale = "en-US" // still in time: 103 is not the response
		io.WriteString(w, "ok")
	})))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotNil(t, sessionCookie(t, resp, h.m.Name()), "the cookie goes with the final response")
}

func TestMiddlewareResponseControllerOnRealServer(t *testing.T) {
	h := newHarness(t, nil)
	srv := httptest.NewServer(h.m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := FromContext[webSession](r.Context())
		s.Values.Locale = "en-US"
		rc := http.NewResponseController(w)
		// Reaches the real connection through Unwrap.
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			http.Error(w, "deadline not supported", http.StatusInternalServerError)
			return
		}
		if err := rc.Flush(); err != nil {
			http.Error(w, "flush not supported", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "streamed")
	})))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotNil(t, sessionCookie(t, resp, h.m.Name()), "cookie sent before the flushed header")
}

func TestMiddlewareRejectsBadCookies(t *testing.T) {
	h := newHarness(t, nil)
	resp := h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) { s.Values.UserRef = "acct-1" })
	good := sessionCookie(t, resp, h.m.Name())
	require.NotNil(t, good)

	tampered := *good
	tampered.Value = good.Value[:10] + flip(good.Value[10]) + good.Value[11:]
	tests := []struct {
		name   string
		reason string
		c      *http.Cookie
		before func()
	}{
		{"tampered", "one character changed", &tampered, nil},
		{"garbage", "not a cookie we made", &http.Cookie{Name: h.m.Name(), Value: "opaque"}, nil},
		{"expired", "past its Max-Age", good, func() { h.clk.Advance(time.Hour) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before()
			}
			h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
				assert.True(t, s.IsNew(), tc.reason)
				assert.Empty(t, s.Values.UserRef, tc.reason)
			}, tc.c)
		})
	}
	assert.Contains(t, h.log.String(), "cookie has expired")
	assert.Contains(t, h.log.String(), "cookie value is invalid")
	assert.NotContains(t, h.log.String(), good.Value[:20], "cookie values are never logged")
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func TestMiddlewareRefreshesAgingSession(t *testing.T) {
	h := newHarness(t, nil)
	resp := h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) { s.Values.Step = 1 })
	c := sessionCookie(t, resp, h.m.Name())
	require.NotNil(t, c)
	h.clk.Advance(20 * time.Minute)
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {}, c)
	assert.Empty(t, resp.Cookies(), "more than half the lifetime left: no refresh")
	h.clk.Advance(20 * time.Minute)
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {}, c)
	c2 := sessionCookie(t, resp, h.m.Name())
	require.NotNil(t, c2, "less than half left: re-issued")
	h.clk.Advance(50 * time.Minute) // the first cookie is dead, the refreshed one lives
	h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		assert.False(t, s.IsNew())
		assert.Equal(t, 1, s.Values.Step)
	}, c2)
}

func TestMiddlewareRefusesPII(t *testing.T) {
	h := newHarness(t, nil)
	resp := h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		s.Values.UserRef = "resident@example.com"
		err := h.m.Save(w, r, s)
		assert.ErrorIs(t, err, ErrContainsPII, "an explicit Save returns the error")
	})
	assert.Empty(t, resp.Cookies(), "nothing personal is ever set")
	assert.Contains(t, h.log.String(), `UserRef`, "the log names the field")
	assert.NotContains(t, h.log.String(), "resident", "the log never holds the value")
	assert.NotContains(t, h.log.String(), "example.com")
}

func TestMiddlewareCrossOriginProtection(t *testing.T) {
	h := newHarness(t, nil)
	handler := http.NewCrossOriginProtection().Handler(h.m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := FromContext[webSession](r.Context())
		require.True(t, ok)
		s.Values.Step++
		io.WriteString(w, "saved")
	})))
	tests := []struct {
		name, site string
		status     int
		cookie     bool
		reason     string
	}{
		{"same-origin", "same-origin", http.StatusOK, true, "a form post from the portal saves"},
		{"cross-site", "cross-site", http.StatusForbidden, false, "a forged cross-site post is refused before the session is touched"},
		{"none", "none", http.StatusOK, true, "a user-typed navigation is allowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "https://portal.example.com/permits", strings.NewReader("step=2"))
			req.Header.Set("Sec-Fetch-Site", tc.site)
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			resp := rec.Result()
			assert.Equal(t, tc.status, resp.StatusCode, tc.reason)
			assert.Equal(t, tc.cookie, sessionCookie(t, resp, h.m.Name()) != nil, tc.reason)
		})
	}
}

func TestMiddlewareConsent(t *testing.T) {
	consented := map[Category]bool{}
	check := ConsentFunc(func(r *http.Request, c Category) bool { return consented[c] })
	h := newHarness(t, func(o *Options[webSession]) { o.Category = Preferences; o.Consent = check })
	set := func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) { s.Values.Locale = "es-US" }

	resp := h.do(t, set)
	assert.Empty(t, resp.Cookies(), "no consent to preferences: no cookie")

	consented[Preferences] = true
	resp = h.do(t, set)
	c := sessionCookie(t, resp, h.m.Name())
	require.NotNil(t, c, "with consent the cookie is set")

	consented[Preferences] = false
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) { s.Values.Step = 3 }, c)
	del := sessionCookie(t, resp, h.m.Name())
	require.NotNil(t, del, "consent withdrawn: the existing cookie is deleted")
	assert.Equal(t, -1, del.MaxAge)

	// Analytics under Sec-GPC: 1 is refused even when the checker says yes.
	ha := newHarness(t, func(o *Options[webSession]) {
		o.Category = Analytics
		o.Consent = ConsentFunc(func(*http.Request, Category) bool { return true })
	})
	for _, gpc := range []string{"", "1"} {
		req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
		if gpc != "" {
			req.Header.Set("Sec-GPC", gpc)
		}
		rec := httptest.NewRecorder()
		ha.m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, _ := FromContext[webSession](r.Context())
			s.Values.Step = 1
			err := ha.m.Save(w, r, s)
			if gpc == "1" {
				assert.ErrorIs(t, err, ErrNoConsent)
			} else {
				assert.NoError(t, err)
			}
		})).ServeHTTP(rec, req)
		assert.Equal(t, gpc == "", len(rec.Result().Cookies()) == 1, "Sec-GPC=%q", gpc)
	}
}

func TestManagerInsecureDevelopmentWarns(t *testing.T) {
	h := newHarness(t, func(o *Options[webSession]) { o.InsecureDevelopment = true })
	assert.Contains(t, h.log.String(), "level=WARN")
	assert.Contains(t, h.log.String(), "InsecureDevelopment")
	assert.Equal(t, "session", h.m.Name(), "no __Host- prefix without Secure")
	resp := h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) { s.Values.Step = 1 })
	c := sessionCookie(t, resp, "session")
	require.NotNil(t, c)
	assert.False(t, c.Secure)
	assert.True(t, c.HttpOnly)
}

type withChan struct{ C chan int }

type withTag struct {
	Locale string
	Phone  string `pii:"phone"`
}

func TestNewManagerValidates(t *testing.T) {
	kr := newKeyring(t)
	_, err := NewManager[withTag](kr, &Options[withTag]{Detector: testDetector{}})
	assert.ErrorIs(t, err, ErrContainsPII, "a payload type that declares PII is refused up front")
	_, err = NewManager[withChan](kr, &Options[withChan]{Detector: testDetector{}})
	assert.ErrorIs(t, err, errNotPlain, "unsupported field type")
	_, err = NewManager[string](kr, nil)
	assert.Error(t, err, "payload must be a struct")
	_, err = NewManager[webSession](nil, nil)
	assert.Error(t, err, "nil keyring")
	tests := []struct {
		reason string
		opts   Options[webSession]
	}{
		{"name with the prefix already", Options[webSession]{Name: "__Host-s"}},
		{"invalid name", Options[webSession]{Name: "a b"}},
		{"SameSite=None", Options[webSession]{SameSite: http.SameSiteNoneMode}},
		{"bad category", Options[webSession]{Category: 9}},
		{"legacy without codec", Options[webSession]{Legacy: &Legacy[webSession]{Name: "session"}}},
		{"negative MaxAge", Options[webSession]{MaxAge: -1}},
	}
	for _, tc := range tests {
		tc.opts.Detector = testDetector{}
		_, err := NewManager(kr, &tc.opts)
		assert.Error(t, err, tc.reason)
	}
	m, err := NewManager(kr, &Options[webSession]{Detector: testDetector{}, SameSite: http.SameSiteStrictMode, MaxAge: 1000 * 24 * time.Hour})
	require.NoError(t, err)
	assert.Equal(t, MaxMaxAge, m.Codec().MaxAge())
}

func TestRenewIDResetsCreatedAt(t *testing.T) {
	h := newHarness(t, nil)
	name := h.m.Name()
	resp := h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) { s.Values.Step = 1 })
	c := sessionCookie(t, resp, name)
	require.NotNil(t, c)
	start := h.clk.Now().Truncate(time.Second)

	h.clk.Advance(10 * time.Minute)
	resp = h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		assert.Equal(t, start, s.CreatedAt(), "a loaded session keeps its creation time")
		s.RenewID()
	}, c)
	c2 := sessionCookie(t, resp, name)
	require.NotNil(t, c2)
	h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		assert.Equal(t, start.Add(10*time.Minute), s.CreatedAt(), "a renewed id starts a new creation time")
	}, c2)
}
