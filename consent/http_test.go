package consent_test

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/pii"
)

var t0 = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

type fixture struct {
	l       *consent.Ledger
	clock   *consenttest.Clock
	subject string
}

// newFixture returns a ledger on a memory store with one subject who gave
// consent for "eline:weekly-news" by e-mail and "street-alerts" by SMS.
func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	clock := consenttest.NewClock(t0)
	l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(t, 0), &consent.Options{
		Now:      clock.Now,
		Purposes: []consent.PurposeDef{{ID: "eline:weekly-news", Description: "E-Line weekly news"}},
		Controller: consent.Controller{Name: "City of Example", Contact: "Privacy Office", Address: "1 Main St, Example, MA 02139",
			Email: "privacy@example.gov", Phone: "555-010-0100", URL: "https://www.example.gov", PolicyURL: "https://www.example.gov/privacy",
			Jurisdiction: "US-MA", Language: "en"},
	})
	require.NoError(t, err)
	id, err := l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	require.NoError(t, err)
	for _, p := range []consent.PurposeChannel{{Purpose: "eline:weekly-news", Channel: consent.Email}, {Purpose: "street-alerts", Channel: consent.SMS}} {
		_, err := l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: p.Purpose, Channel: p.Channel, Method: consent.WebForm, Actor: "subject"})
		require.NoError(t, err)
	}
	return fixture{l: l, clock: clock, subject: id}
}

func (f fixture) allowed(t *testing.T, purpose string, ch consent.Channel) bool {
	t.Helper()
	d, err := f.l.MayContact(context.Background(), f.subject, purpose, ch)
	require.NoError(t, err)
	return d.Allowed
}

func TestUnsubscribeHandler(t *testing.T) {
	f := newFixture(t)
	h, err := consent.NewUnsubscribeHandler(f.l, nil)
	require.NoError(t, err)
	link, err := f.l.UnsubscribeLink("https://www.example.gov/unsubscribe", f.subject, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	u, err := url.Parse(link)
	require.NoError(t, err)
	target := u.RequestURI()

	// GET (a link scanner, a preview) shows a page and withdraws nothing.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	body := rec.Body.String()
	assert.Contains(t, body, "E-Line weekly news", "the page names the purpose")
	assert.Contains(t, body, `<form method="post">`)
	assert.NotContains(t, body, "resident@example.com", "no PII on the page")
	assert.Equal(t, "no-referrer", rec.Header().Get("Referrer-Policy"), "the token must not leak by Referer")
	assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	assert.True(t, f.allowed(t, "eline:weekly-news", consent.Email), "GET withdraws nothing")

	// The page's form submit withdraws.
	form := url.Values{"confirm": {"1"}}
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "You are unsubscribed")
	assert.False(t, f.allowed(t, "eline:weekly-news", consent.Email), "withdrawal takes effect at once")
	assert.True(t, f.allowed(t, "street-alerts", consent.SMS), "other purposes are untouched")
}

func TestUnsubscribeOneClick(t *testing.T) {
	f := newFixture(t)
	h, err := consent.NewUnsubscribeHandler(f.l, nil)
	require.NoError(t, err)
	tok, err := f.l.UnsubscribeToken(f.subject, "eline:weekly-news", consent.Email)
	require.NoError(t, err)

	post := func(target, contentType, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	form := "application/x-www-form-urlencoded"
	cases := []struct {
		name        string
		target, ct  string
		body        string
		status      int
		stillActive bool
	}{
		{"no body is not one-click", "/u?token=" + tok, form, "", http.StatusBadRequest, true},
		{"wrong value", "/u?token=" + tok, form, "List-Unsubscribe=Yes", http.StatusBadRequest, true},
		{"bad token", "/u?token=AAAA", form, "List-Unsubscribe=One-Click", http.StatusBadRequest, true},
		{"missing token", "/u", form, "List-Unsubscribe=One-Click", http.StatusBadRequest, true},
		{"oversized body", "/u?token=" + tok, form, "List-Unsubscribe=One-Click&x=" + strings.Repeat("a", 8<<10), http.StatusBadRequest, true},
		{"RFC 8058 one-click", "/u?token=" + tok, form, "List-Unsubscribe=One-Click", http.StatusOK, false},
		{"again is harmless", "/u?token=" + tok, form, "List-Unsubscribe=One-Click", http.StatusOK, false},
	}
	for _, c := range cases {
		rec := post(c.target, c.ct, c.body)
		assert.Equal(t, c.status, rec.Code, c.name)
		assert.Equal(t, c.stillActive, f.allowed(t, "eline:weekly-news", consent.Email), c.name)
	}
	events, err := f.l.History(context.Background(), f.subject)
	require.NoError(t, err)
	last := events[len(events)-1]
	assert.Equal(t, consent.Withdrawn, last.Type)
	assert.Equal(t, consent.OneClick, last.Method)
	n := 0
	for _, e := range events {
		if e.Type == consent.Withdrawn {
			n++
		}
	}
	assert.Equal(t, 1, n, "one withdrawal for two clicks")

	// Multipart bodies are allowed by RFC 8058 too.
	f2 := newFixture(t)
	h2, err := consent.NewUnsubscribeHandler(f2.l, nil)
	require.NoError(t, err)
	tok2, err := f2.l.UnsubscribeToken(f2.subject, "street-alerts", consent.SMS)
	require.NoError(t, err)
	mp := "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n"
	req := httptest.NewRequest(http.MethodPost, "/u?token="+tok2, strings.NewReader(mp))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	rec := httptest.NewRecorder()
	h2.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.False(t, f2.allowed(t, "street-alerts", consent.SMS))

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/u?token="+tok, nil))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/u?token=nope", nil))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), "This link does not work")
}

func TestListUnsubscribeHeaders(t *testing.T) {
	link, err := consent.UnsubscribeURL("https://www.example.gov/unsubscribe?list=eline", "TOKEN_abc-123")
	require.NoError(t, err)
	assert.Equal(t, "https://www.example.gov/unsubscribe?list=eline&token=TOKEN_abc-123", link)
	h, err := consent.ListUnsubscribeHeaders(link, "unsubscribe@example.gov")
	require.NoError(t, err)
	assert.Equal(t, "<https://www.example.gov/unsubscribe?list=eline&token=TOKEN_abc-123>, <mailto:unsubscribe@example.gov?subject=unsubscribe>", h.Get("List-Unsubscribe"))
	assert.Equal(t, "List-Unsubscribe=One-Click", h.Get("List-Unsubscribe-Post"))
	h, err = consent.ListUnsubscribeHeaders(link, "")
	require.NoError(t, err)
	assert.Equal(t, "<"+link+">", h.Get("List-Unsubscribe"))

	for _, c := range []struct{ why, url, mailto string }{
		{"RFC 8058 requires https", "http://www.example.gov/u?token=x", ""},
		{"relative URL", "/u?token=x", ""},
		{"header injection", "https://www.example.gov/u?token=x\r\nBcc: victim@example.com", ""},
		{"angle bracket", "https://www.example.gov/u?token=x>", ""},
		{"mailto without @", "https://www.example.gov/u", "unsubscribe"},
	} {
		_, err := consent.ListUnsubscribeHeaders(c.url, c.mailto)
		assert.Error(t, err, c.why)
	}
	_, err = consent.UnsubscribeURL("http://www.example.gov/u", "x")
	assert.Error(t, err, "http base URL")
}

func TestGPCMiddleware(t *testing.T) {
	cases := []struct {
		header string
		want   bool
		why    string
	}{
		{"1", true, "the signal"},
		{" 1 ", true, "surrounding space"},
		{"", false, "no header"},
		{"0", false, "explicitly off"},
		{"true", false, "only 1 is defined"},
	}
	for _, c := range cases {
		var got, fromCtx bool
		h := consent.GPCMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, fromCtx = consent.GPC(r), consent.GPCFromContext(r.Context())
		}))
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if c.header != "" {
			req.Header.Set("Sec-GPC", c.header)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, c.want, got, c.why)
		assert.Equal(t, c.want, fromCtx, c.why)
		assert.Contains(t, rec.Header().Values("Vary"), "Sec-GPC", c.why)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Sec-GPC", "1")
	assert.True(t, consent.GPC(req), "without the middleware GPC reads the header")
	assert.False(t, consent.GPCFromContext(context.Background()))

	f := newFixture(t)
	done, err := f.l.HonorGPC(context.Background(), f.subject, consent.PurposeChannel{Purpose: "street-alerts", Channel: consent.SMS})
	require.NoError(t, err)
	assert.Len(t, done, 1)
	assert.False(t, f.allowed(t, "street-alerts", consent.SMS))
	d, err := f.l.MayContact(context.Background(), f.subject, "street-alerts", consent.SMS)
	require.NoError(t, err)
	assert.Equal(t, consent.GPCSignal, d.Event.Method, "the withdrawal records the GPC signal")
	done, err = f.l.HonorGPC(context.Background(), f.subject, consent.PurposeChannel{Purpose: "street-alerts", Channel: consent.SMS})
	require.NoError(t, err)
	assert.Empty(t, done, "honouring twice records nothing new")
}

func TestSMSKeywords(t *testing.T) {
	cases := []struct {
		body string
		stop bool
		why  string
	}{
		{"STOP", true, "the canonical keyword"},
		{"stop", true, "case-insensitive"},
		{"  Stop! ", true, "space and punctuation"},
		{"opt   out", true, "inner white space"},
		{"Unsubscribe", true, "listed"},
		{"QUIT", true, "listed"},
		{"END", true, "listed"},
		{"REVOKE", true, "listed"},
		{"CANCEL", true, "listed"},
		{"STOP ALL", true, "carrier practice"},
		{"please stop texting me", false, "a sentence is left to a person to read"},
		{"STOPPED", false, "not a keyword"},
		{"HELP", false, "help is not stop"},
		{"", false, "empty"},
	}
	for _, c := range cases {
		assert.Equal(t, c.stop, consent.IsStopKeyword(c.body), "%q: %s", c.body, c.why)
	}

	ctx := context.Background()
	f := newFixture(t)
	phone := pii.New(pii.Phone, "+1 555-010-0123")
	pid, err := f.l.Enroll(ctx, phone)
	require.NoError(t, err)
	for _, p := range []string{"street-alerts", "eline:weekly-news"} {
		_, err := f.l.Record(ctx, consent.Event{Subject: pid, Type: consent.Given, Purpose: p, Channel: consent.SMS, Method: consent.SMSKeyword, Actor: "subject"})
		require.NoError(t, err)
	}
	res, err := f.l.HandleSMS(ctx, pii.New(pii.Phone, "5550100123"), "hello")
	require.NoError(t, err)
	assert.False(t, res.Keyword)
	res, err = f.l.HandleSMS(ctx, pii.New(pii.Phone, "5550100123"), "Stop")
	require.NoError(t, err)
	assert.True(t, res.Keyword)
	assert.Equal(t, pid, res.Subject)
	assert.ElementsMatch(t, []string{"street-alerts", "eline:weekly-news"}, res.Withdrawn)
	for _, p := range []string{"street-alerts", "eline:weekly-news"} {
		d, err := f.l.MayContact(ctx, pid, p, consent.SMS)
		require.NoError(t, err)
		assert.False(t, d.Allowed, p)
		assert.Equal(t, consent.SMSKeyword, d.Event.Method)
	}
	assert.True(t, f.allowed(t, "eline:weekly-news", consent.Email), "another subject (the e-mail address) is untouched")
	res, err = f.l.HandleSMS(ctx, pii.New(pii.Phone, "5550100123"), "STOP")
	require.NoError(t, err)
	assert.Empty(t, res.Withdrawn, "a second STOP records nothing")
	res, err = f.l.HandleSMS(ctx, pii.New(pii.Phone, "555-010-0199"), "STOP")
	require.NoError(t, err)
	assert.Equal(t, "", res.Subject, "an unknown number is not an error")
}

func TestNew(t *testing.T) {
	keys := consenttest.NewKeys(t, 0)
	idx, err := pii.NewKeyring(pii.Indexing)
	require.NoError(t, err)
	bad := keys
	bad.Tokens = idx
	cases := []struct {
		why   string
		store consent.Store
		keys  consent.Keys
		opts  *consent.Options
	}{
		{"no store", nil, keys, nil},
		{"no keys", consent.NewMemoryStore(), consent.Keys{}, nil},
		{"indexing keyring for tokens", consent.NewMemoryStore(), bad, nil},
		{"negative TTL", consent.NewMemoryStore(), keys, &consent.Options{ConfirmTTL: -time.Hour}},
		{"bad purpose id", consent.NewMemoryStore(), keys, &consent.Options{Purposes: []consent.PurposeDef{{ID: "Weekly News"}}}},
		{"duplicate purpose", consent.NewMemoryStore(), keys, &consent.Options{Purposes: []consent.PurposeDef{{ID: "a"}, {ID: "a"}}}},
	}
	for _, c := range cases {
		_, err := consent.New(c.store, c.keys, c.opts)
		assert.Error(t, err, c.why)
	}
	_, err = consent.New(consent.NewMemoryStore(), keys, nil)
	assert.NoError(t, err, "nil options are safe defaults")
}

func TestUnsubscribeHandlerTemplates(t *testing.T) {
	f := newFixture(t)
	_, err := consent.NewUnsubscribeHandler(nil, nil)
	assert.Error(t, err, "no ledger")
	partial := template.Must(template.New("x").Parse(`{{define "confirm"}}c{{end}}`))
	_, err = consent.NewUnsubscribeHandler(f.l, &consent.UnsubscribeHandlerOptions{Templates: partial})
	assert.Error(t, err, "templates missing done and invalid")
	full := template.Must(template.New("x").Parse(`{{define "confirm"}}Ville: {{.Purpose}}{{end}}{{define "done"}}ok{{end}}{{define "invalid"}}non{{end}}`))
	h, err := consent.NewUnsubscribeHandler(f.l, &consent.UnsubscribeHandlerOptions{Templates: full})
	require.NoError(t, err)
	tok, err := f.l.UnsubscribeToken(f.subject, "street-alerts", consent.SMS)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/u?token="+tok, nil))
	body, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	assert.Equal(t, "Ville: street-alerts", string(body), "the city's own template is used")
	assert.Equal(t, consent.DefaultUnsubscribeCSP, rec.Header().Get("Content-Security-Policy"), "the strict policy by default")

	csp := "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'"
	h, err = consent.NewUnsubscribeHandler(f.l, &consent.UnsubscribeHandlerOptions{Templates: full, ContentSecurityPolicy: csp})
	require.NoError(t, err)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/u?token="+tok, nil))
	assert.Equal(t, csp, rec.Header().Get("Content-Security-Policy"), "a city's stylesheet can be allowed")
	_, err = consent.NewUnsubscribeHandler(f.l, &consent.UnsubscribeHandlerOptions{ContentSecurityPolicy: "a\r\nSet-Cookie: x=1"})
	assert.Error(t, err, "no header injection")
}
