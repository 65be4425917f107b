package cookies

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testDecls = []Declaration{
	{Name: "__Host-csrf", Category: StrictlyNecessary, Purpose: "protects forms", MaxAge: time.Hour},
	{Name: "__Host-lang", Category: Preferences, Purpose: "remembers your language", MaxAge: 30 * 24 * time.Hour, Script: true},
	{Name: "__Host-visits", Category: Analytics, Purpose: "counts visits", MaxAge: 7 * 24 * time.Hour},
}

func TestPolicySet(t *testing.T) {
	consented := map[Category]bool{}
	p, err := NewPolicy(testDecls, &PolicyOptions{Consent: ConsentFunc(func(r *http.Request, c Category) bool { return consented[c] })})
	require.NoError(t, err)
	assert.Equal(t, testDecls, p.Declarations())

	tests := []struct {
		name    string
		reason  string
		cookie  http.Cookie
		consent []Category
		gpc     bool
		want    error
	}{
		{"undeclared", "only declared cookies are set", http.Cookie{Name: "tracker", Value: "1"}, nil, false, ErrNotDeclared},
		{"necessary", "strictly necessary needs no consent", http.Cookie{Name: "__Host-csrf", Value: "t"}, nil, false, nil},
		{"prefs refused", "no consent to preferences", http.Cookie{Name: "__Host-lang", Value: "es"}, nil, false, ErrNoConsent},
		{"prefs allowed", "consent to preferences", http.Cookie{Name: "__Host-lang", Value: "es"}, []Category{Preferences}, false, nil},
		{"analytics other consent", "consent to one category is not consent to another", http.Cookie{Name: "__Host-visits", Value: "1"}, []Category{Preferences}, false, ErrNoConsent},
		{"analytics allowed", "consent to analytics", http.Cookie{Name: "__Host-visits", Value: "1"}, []Category{Analytics}, false, nil},
		{"analytics gpc", "Sec-GPC: 1 refuses analytics even with consent", http.Cookie{Name: "__Host-visits", Value: "1"}, []Category{Analytics}, true, ErrNoConsent},
		{"prefs gpc", "GPC is about analytics only", http.Cookie{Name: "__Host-lang", Value: "es"}, []Category{Preferences}, true, nil},
		{"delete without consent", "deleting is always allowed", http.Cookie{Name: "__Host-visits", MaxAge: -1}, nil, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clear(consented)
			for _, c := range tc.consent {
				consented[c] = true
			}
			req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
			if tc.gpc {
				req.Header.Set("Sec-GPC", "1")
			}
			rec := httptest.NewRecorder()
			c := tc.cookie
			err := p.Set(rec, req, &c)
			assert.ErrorIs(t, err, tc.want, tc.reason)
			assert.Equal(t, tc.want == nil, p.Allowed(req, c.Name) || c.MaxAge < 0, tc.reason)
			got := rec.Result().Cookies()
			if tc.want != nil {
				assert.Empty(t, got, tc.reason)
				return
			}
			require.Len(t, got, 1)
			assert.True(t, got[0].Secure)
			assert.Equal(t, "/", got[0].Path)
			assert.Equal(t, http.SameSiteLaxMode, got[0].SameSite)
			assert.Equal(t, c.Name != "__Host-lang", got[0].HttpOnly, "HttpOnly unless declared for scripts")
		})
	}
}

func TestPolicyCapsMaxAge(t *testing.T) {
	p, err := NewPolicy(testDecls, nil)
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	for _, tc := range []struct {
		reason string
		in     int
		want   int
	}{
		{"unset means the declared lifetime", 0, 3600},
		{"shorter is kept", 60, 60},
		{"longer is capped to the declaration", 86400, 3600},
	} {
		rec := httptest.NewRecorder()
		require.NoError(t, p.Set(rec, req, &http.Cookie{Name: "__Host-csrf", Value: "t", MaxAge: tc.in}))
		assert.Equal(t, tc.want, rec.Result().Cookies()[0].MaxAge, tc.reason)
	}
	// Setting the same cookie twice in one response sends it once.
	rec := httptest.NewRecorder()
	require.NoError(t, p.Set(rec, req, &http.Cookie{Name: "__Host-csrf", Value: "a"}))
	require.NoError(t, p.Set(rec, req, &http.Cookie{Name: "__Host-csrf", Value: "b"}))
	got := rec.Result().Cookies()
	require.Len(t, got, 1)
	assert.Equal(t, "b", got[0].Value)
}

func TestPolicySweep(t *testing.T) {
	p, err := NewPolicy(testDecls, &PolicyOptions{Consent: ConsentFunc(func(r *http.Request, c Category) bool { return c == Analytics })})
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	req.Header.Set("Sec-GPC", "1")
	for _, n := range []string{"__Host-csrf", "__Host-lang", "__Host-visits", "other"} {
		req.AddCookie(&http.Cookie{Name: n, Value: "v"})
	}
	rec := httptest.NewRecorder()
	gone := p.Sweep(rec, req)
	assert.ElementsMatch(t, []string{"__Host-lang", "__Host-visits"}, gone, "no consent to preferences; GPC refuses analytics; necessary stays; undeclared is not ours")
	for _, c := range rec.Result().Cookies() {
		assert.Equal(t, -1, c.MaxAge)
	}
}

func TestNewPolicyValidates(t *testing.T) {
	tests := []struct {
		reason string
		decls  []Declaration
		opts   *PolicyOptions
	}{
		{"invalid name", []Declaration{{Name: "a;b", Category: Preferences}}, nil},
		{"no category", []Declaration{{Name: "a", Purpose: "x"}}, nil},
		{"declared twice", []Declaration{{Name: "a", Category: Preferences}, {Name: "a", Category: Analytics}}, nil},
		{"negative lifetime", []Declaration{{Name: "a", Category: Preferences, MaxAge: -time.Hour}}, nil},
		{"__Host- without Secure", []Declaration{{Name: "__Host-a", Category: Preferences}}, &PolicyOptions{InsecureDevelopment: true, Logger: slog.New(slog.DiscardHandler)}},
	}
	for _, tc := range tests {
		_, err := NewPolicy(tc.decls, tc.opts)
		assert.Error(t, err, tc.reason)
	}
	var log bytes.Buffer
	p, err := NewPolicy([]Declaration{{Name: "dev", Category: StrictlyNecessary}}, &PolicyOptions{InsecureDevelopment: true, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	require.NoError(t, err)
	assert.Contains(t, log.String(), "level=WARN", "insecure development is never silent")
	rec := httptest.NewRecorder()
	require.NoError(t, p.Set(rec, httptest.NewRequest(http.MethodGet, "http://localhost/", nil), &http.Cookie{Name: "dev", Value: "1"}))
	assert.False(t, rec.Result().Cookies()[0].Secure)
}

func TestCategory(t *testing.T) {
	for _, tc := range []struct {
		c    Category
		s    string
		main bool
	}{
		{StrictlyNecessary, "strictly_necessary", true}, {Preferences, "preferences", true},
		{Analytics, "analytics", true}, {0, "Category(0)", false}, {9, "Category(9)", false},
	} {
		assert.Equal(t, tc.s, tc.c.String())
		assert.Equal(t, tc.main, tc.c.Valid())
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	assert.False(t, GPC(r))
	r.Header.Set("Sec-GPC", "1")
	assert.True(t, GPC(r))
	assert.False(t, allowed(nil, r, 0), "an invalid category is never allowed")
}
