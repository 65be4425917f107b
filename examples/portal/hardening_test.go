package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noRedirects returns a client of tp that does not follow redirects.
func noRedirects(tp *testPortal) *http.Client {
	c := tp.client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

func TestHSTSOnlyInProduction(t *testing.T) {
	for _, tls := range []bool{true, false} {
		tp := newTestPortal(t, portalOpts{tls: tls})
		r := tp.get(tp.client(), "/")
		if tls {
			assert.Contains(t, r.Header.Get("Strict-Transport-Security"), "max-age=", "production mode sends HSTS")
		} else {
			assert.Empty(t, r.Header.Get("Strict-Transport-Security"), "never over plain HTTP (RFC 6797)")
		}
	}
}

func TestBackRedirectStaysOnSite(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := noRedirects(tp)
	cases := []struct{ back, want, why string }{
		{"/subscriptions", "/subscriptions", "a local path is kept"},
		{"/\\evil.example", "/", "a backslash is a slash to browsers"},
		{"//evil.example", "/", "protocol-relative"},
		{"https://evil.example/", "/", "absolute"},
		{"/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x", "escaped bytes stay escaped"},
		{"/\tevil", "/", "control characters"},
		{"", "/", "nothing"},
	}
	for _, tc := range cases {
		req, err := http.NewRequest(http.MethodPost, tp.srv.URL+"/cookies", strings.NewReader(url.Values{"choice": {"necessary"}, "back": {tc.back}}.Encode()))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := c.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, tc.want, res.Header.Get("Location"), tc.why)
	}
}

func TestNoStaticDirectoryListing(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	assert.Equal(t, http.StatusNotFound, tp.get(tp.client(), "/static/").Status)
	assert.Equal(t, http.StatusOK, tp.get(tp.client(), "/static/portal.css").Status)
}

func TestLargeFormsRefused(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	big := bytes.Repeat([]byte("a"), 20<<20)
	req, err := http.NewRequest(http.MethodPost, tp.srv.URL+"/login", bytes.NewReader(big))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	res, err := tp.client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
}

func TestCSRFRefusalLogged(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	req, err := http.NewRequest(http.MethodPost, tp.srv.URL+"/login", strings.NewReader("email=alice%40example.com"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := tp.client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusForbidden, res.StatusCode)
	logs := tp.logs.String()
	assert.Contains(t, logs, "cross-site request refused")
	assert.Contains(t, logs, `"route":"POST /login"`)
	assert.NotContains(t, logs, "alice@example.com")
}

// A database hiccup answers 503 and keeps the session: when the database
// is back, the visitor is still signed in. /healthz reports the hiccup.
func TestDatabaseHiccupKeepsSession(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	require.Equal(t, http.StatusOK, tp.get(c, "/account").Status)
	assert.Equal(t, http.StatusOK, tp.get(c, "/healthz").Status)

	ctx := t.Context()
	_, err := tp.app.db.ExecContext(ctx, `ALTER TABLE portal_accounts RENAME TO portal_accounts_away`)
	require.NoError(t, err)
	r := tp.get(c, "/account")
	assert.Equal(t, http.StatusServiceUnavailable, r.Status, "not a redirect to the log-in page")
	assert.Contains(t, r.Body, "still signed in")
	assert.Equal(t, http.StatusServiceUnavailable, tp.get(c, "/healthz").Status)

	_, err = tp.app.db.ExecContext(ctx, `ALTER TABLE portal_accounts_away RENAME TO portal_accounts`)
	require.NoError(t, err)
	r = tp.get(c, "/account")
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, fakePerson.Name, "still signed in after the hiccup")
	assert.Equal(t, http.StatusOK, tp.get(c, "/healthz").Status)
}

// Paying twice charges once: a double submit of one form, a reload of the
// receipt, and two submits racing each other.
func TestPayChargesOnce(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	acct, err := tp.app.login(t.Context(), pii.New(pii.Email, fakePerson.Email), fakePerson.Password)
	require.NoError(t, err)
	form := tp.get(c, "/pay").Body
	m := regexp.MustCompile(`name="idem" value="([0-9a-f]{32})"`).FindStringSubmatch(form)
	require.Len(t, m, 2, "the form carries an idempotency key")
	pay := url.Values{"idem": {m[1]}, "amount": {"42.50"}, "card": {fakePerson.Card}, "expiry": {"12/39"}, "cvc": {"123"}}

	first := tp.post(c, "/pay", pay)
	require.Equal(t, http.StatusOK, first.Status, first.Body)
	assert.Contains(t, first.FinalURL, "/pay/receipt/pay_", "post/redirect/get")
	assert.Contains(t, first.Body, "$42.50")
	second := tp.post(c, "/pay", pay)
	assert.Equal(t, first.FinalURL, second.FinalURL, "a double submit shows the same payment")
	assert.Equal(t, http.StatusOK, tp.get(c, first.FinalURL).Status, "a reload is a GET")
	ps, err := tp.app.payments(t.Context(), acct.ID)
	require.NoError(t, err)
	assert.Len(t, ps, 1, "charged once")

	// Two submits of a new form at the same time.
	pay.Set("idem", randomHex(16))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { tp.post(c, "/pay", pay) })
	}
	wg.Wait()
	ps, err = tp.app.payments(t.Context(), acct.ID)
	require.NoError(t, err)
	assert.Len(t, ps, 2, "racing submits of one form charge once")

	// Another account cannot see the receipt.
	other := tp.client()
	p2 := fakePerson
	p2.Email = "bob@example.com"
	require.Equal(t, http.StatusOK, tp.signup(other, p2).Status)
	assert.Equal(t, http.StatusNotFound, tp.get(other, first.FinalURL).Status)
	assert.Equal(t, http.StatusBadRequest, tp.post(c, "/pay", url.Values{"amount": {"10"}}).Status, "no key, no charge")
}

// Nobody can mail-bomb an address through the subscription form: the
// ledger allows a few confirmation e-mails per address and hour.
func TestSubscribeMailLimit(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	form := url.Values{"email": {"victim@example.com"}, "topic": {topics[0].ID}}
	for i := range 5 {
		require.Equal(t, http.StatusOK, tp.post(c, "/subscriptions", form).Status, "request %d", i+1)
	}
	before := len(tp.outboxFiles())
	r := tp.post(tp.client(), "/subscriptions", form)
	assert.Equal(t, http.StatusTooManyRequests, r.Status, "the sixth in the hour, from any client, is refused")
	assert.Contains(t, r.Body, "try again in")
	assert.NotEmpty(t, r.Header.Get("Retry-After"))
	assert.Len(t, tp.outboxFiles(), before, "no e-mail is sent")
}

// Turning on Global Privacy Control later deletes the analytics cookie set
// before.
func TestGPCLaterDeletesAnalytics(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	tp.post(c, "/cookies", url.Values{"choice": {"all"}})
	r := tp.get(c, "/")
	var analytics *http.Cookie
	u, _ := url.Parse(tp.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == tp.app.analytics {
			analytics = ck
		}
	}
	require.NotNil(t, analytics, "analytics allowed: the cookie is set (%d)", r.Status)
	r = tp.do(c, http.MethodGet, "/", nil, http.Header{"Sec-GPC": {"1"}})
	require.Equal(t, http.StatusOK, r.Status)
	for _, ck := range c.Jar.Cookies(u) {
		assert.NotEqual(t, tp.app.analytics, ck.Name, "GPC deleted the analytics cookie")
	}
}

// After logging in, a resident lands on the page that asked for it.
func TestLoginReturnsToPage(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	tp.post(c, "/logout", nil)
	r := tp.get(c, "/pay")
	require.Contains(t, r.FinalURL, "/login?next=%2Fpay")
	next := regexp.MustCompile(`name="next" value="([^"]+)"`).FindStringSubmatch(r.Body)
	require.Len(t, next, 2)
	r = tp.post(c, "/login", url.Values{"email": {fakePerson.Email}, "password": {fakePerson.Password}, "next": {next[1]}})
	assert.True(t, strings.HasSuffix(r.FinalURL, "/pay"), r.FinalURL)
	tp.post(c, "/logout", nil)
	r = tp.post(c, "/login", url.Values{"email": {fakePerson.Email}, "password": {fakePerson.Password}, "next": {"//evil.example/"}})
	assert.True(t, strings.HasSuffix(r.FinalURL, "/account"), "never off the site: %s", r.FinalURL)
}

func TestParseAmountThousands(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"$1,000.00", 100000, true}, {"1,234,567", 123456700, true}, {"42.5", 4250, true},
		{"1,00", 0, false}, {"12,3456.00", 0, false}, {",100", 0, false}, {"1000", 100000, true},
	}
	for _, c := range cases {
		got, ok := parseAmount(c.in)
		assert.Equal(t, c.ok, ok, c.in)
		if c.ok {
			assert.Equal(t, c.want, got, c.in)
		}
	}
}

// Subscription statuses tell the truth after leaving and coming back.
func TestSubscriptionStatusesTellTheTruth(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	topic := topics[0]

	r := tp.post(c, "/subscriptions/withdraw", url.Values{"topic": {topic.ID}})
	assert.Contains(t, r.Body, "You were not subscribed to "+topic.Title, "leaving a list never joined says so")

	require.Equal(t, http.StatusOK, tp.post(c, "/subscriptions", url.Values{"topic": {topic.ID}}).Status)
	tok := tokenOf(t, confirmLinkRE.FindString(tp.lastMail()))
	require.Contains(t, tp.post(c, "/subscriptions/confirm", url.Values{"token": {tok}}).Body, "you are subscribed")
	r = tp.post(c, "/subscriptions/withdraw", url.Values{"topic": {topic.ID}})
	assert.Contains(t, r.Body, "You are unsubscribed from "+topic.Title)

	r = tp.post(c, "/subscriptions/confirm", url.Values{"token": {tok}})
	assert.NotContains(t, r.Body, "confirmed this subscription already", "an old link after leaving does not claim a subscription")
	assert.Contains(t, r.Body, "not subscribed to "+topic.Title+" now")

	r = tp.post(c, "/subscriptions", url.Values{"topic": {topic.ID}})
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, tp.get(c, "/subscriptions").Body, "waiting for your confirmation", "subscribing again waits for the new confirmation")
}

// Phone numbers from abroad are accepted, and every number is stored in
// E.164 form.
func TestInternationalPhones(t *testing.T) {
	cases := []struct{ in, want, why string }{
		{"(617) 555-0143", "+16175550143", "a US number"},
		{"+44 20 7946 0958", "+442079460958", "a UK number"},
		{"+61 491 570 006", "+61491570006", "an Australian mobile"},
	}
	for i, c := range cases {
		tp := newTestPortal(t, portalOpts{})
		p := fakePerson
		p.Phone = c.in
		p.Email = fmt.Sprintf("phone%d@example.com", i)
		require.Equal(t, http.StatusOK, tp.signup(tp.client(), p).Status, c.why)
		acct, err := tp.app.login(t.Context(), pii.New(pii.Email, p.Email), p.Password)
		require.NoError(t, err)
		assert.Equal(t, c.want, acct.Data.Phone.Reveal(), c.why)
	}
	tp := newTestPortal(t, portalOpts{})
	bad := fakePerson.signupForm()
	bad.Set("phone", "020 7946 0958")
	assert.Equal(t, http.StatusUnprocessableEntity, tp.post(tp.client(), "/signup", bad).Status, "a UK number without +44 is not a US number")
}

// Correct my data: name, address and phone change, sealed again; a
// mistake keeps what was typed and marks the field.
func TestCorrectMyData(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	form := tp.get(c, "/account/edit")
	require.Equal(t, http.StatusOK, form.Status)
	assert.Contains(t, form.Body, `value="`+fakePerson.Name+`"`, "the form starts from the current data")

	bad := url.Values{"name": {"Alicia Example"}, "address": {"2 Example Road"}, "phone": {"12"}}
	r := tp.post(c, "/account/edit", bad)
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, `value="Alicia Example"`, "what was typed is kept")
	assert.Contains(t, r.Body, `aria-describedby="phone-error"`, "the message is on the field")

	good := url.Values{"name": {"Alicia Example"}, "address": {"2 Example Road"}, "phone": {"+44 20 7946 0958"}}
	r = tp.post(c, "/account/edit", good)
	require.Equal(t, http.StatusOK, r.Status)
	assert.True(t, strings.HasSuffix(r.FinalURL, "/account"))
	assert.Contains(t, r.Body, "Alicia Example")
	acct, err := tp.app.login(t.Context(), pii.New(pii.Email, fakePerson.Email), fakePerson.Password)
	require.NoError(t, err)
	assert.Equal(t, "2 Example Road", acct.Data.Address.Reveal())
	assert.Equal(t, "+442079460958", acct.Data.Phone.Reveal(), "stored as E.164")
	var blob string
	require.NoError(t, tp.app.db.QueryRow(`SELECT sealed FROM portal_accounts WHERE id = ?`, acct.ID).Scan(&blob))
	assert.NotContains(t, blob, "Alicia", "sealed, not stored in clear")
	assert.NotContains(t, tp.logs.String(), "Alicia")
}

// An outage reported by the consent ledger (or any transient database
// failure) is a 503 page that says so, not a 500.
func TestOutageIsServiceUnavailable(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	cases := []struct {
		err  error
		want int
		why  string
	}{
		{fmt.Errorf("subscribe: %w", fmt.Errorf("%w: dial tcp: connection refused", consent.ErrUnavailable)), http.StatusServiceUnavailable, "the ledger's store is down"},
		{errors.New("database is locked (5) (SQLITE_BUSY)"), http.StatusServiceUnavailable, "the portal's own database is busy"},
		{errors.New("portal: template failed"), http.StatusInternalServerError, "a bug stays a 500"},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/subscriptions", nil)
		tp.app.internal(w, r, c.err)
		assert.Equal(t, c.want, w.Code, c.why)
		if c.want == http.StatusServiceUnavailable {
			assert.Contains(t, w.Body.String(), "try again in a minute", c.why)
			assert.Equal(t, "30", w.Header().Get("Retry-After"))
		}
	}
}
