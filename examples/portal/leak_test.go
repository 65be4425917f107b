package main

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact/piitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingTransport keeps what a leak can hide in on the way back to the
// browser: every Set-Cookie and Location header (the URLs the portal sends
// the browser to), and the body of every error response. URLs the test
// itself made up, with canaries in them, are not recorded.
type recordingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	buf  bytes.Buffer
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(req)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if err != nil {
		return nil, err
	}
	for _, c := range resp.Header.Values("Set-Cookie") {
		rt.buf.WriteString("Set-Cookie " + c + "\n")
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		rt.buf.WriteString("Location " + loc + "\n")
	}
	if resp.StatusCode >= 400 {
		body, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr != nil {
			return nil, rerr
		}
		rt.buf.WriteString("ERROR PAGE\n")
		rt.buf.Write(body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, nil
}

func (rt *recordingTransport) captured() []byte {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return bytes.Clone(rt.buf.Bytes())
}

// TestNoLeaks runs the whole flow with canary data from redact/piitest, then
// the error paths with canaries in forms, paths, queries and tokens, and
// checks that no canary, in any encoding, reaches the logs, a cookie, a URL
// or an error page; the logs are also scanned by the redact detectors for
// personal data nobody planted.
func TestNoLeaks(t *testing.T) {
	cs := piitest.New(t)
	rec := piitest.NewRecorder()
	tp := newTestPortal(t, portalOpts{logs: rec})
	email, card := cs.Email(), cs.Card()
	p := person{
		Name:     cs.Name().Value(),
		Email:    email.Value(),
		Address:  cs.Address().Value(),
		Phone:    cs.Phone().Value(),
		Number:   cs.Custom(pii.AccountNumber, "7305194628").Value(),
		Password: cs.Secret().Value(),
		Card:     card.Value(),
	}
	require.True(t, pii.ValidEmail(p.Email) && pii.ValidPhone(p.Phone) && pii.ValidLuhn(p.Card), "canaries pass the portal's validators")

	c := flow(t, tp, p)
	rt := &recordingTransport{next: c.Transport}
	if rt.next == nil {
		rt.next = http.DefaultTransport
	}
	c.Transport = rt

	// The visitor's own pages may show their data; error pages, cookies,
	// URLs and logs may not. Drive the error paths with canaries.
	esc := url.PathEscape
	tp.get(c, "/no-such-page/"+esc(p.Email)+"?q="+url.QueryEscape(p.Name))
	tp.get(c, "/outbox/"+esc(p.Email))
	tp.post(c, "/pay", url.Values{"idem": {randomHex(16)}, "amount": {"10"}, "card": {p.Card}, "expiry": {"01/20"}, "cvc": {"123"}})
	tp.post(c, "/pay", url.Values{"idem": {randomHex(16)}, "amount": {p.Phone}, "card": {p.Card}, "expiry": {"12/39"}, "cvc": {"123"}})
	tp.post(c, "/subscriptions/confirm", url.Values{"token": {p.Email}})
	tp.get(c, "/subscriptions/confirm?token="+url.QueryEscape(p.Card))
	tp.get(c, "/unsubscribe?token="+url.QueryEscape(p.Email))
	tp.post(c, "/subscriptions/withdraw", url.Values{"topic": {p.Address}})
	tp.post(c, "/mydata/erase", url.Values{"confirm": {p.Name}})
	// Account e-mail flows with canaries in tokens and forms.
	tp.get(c, "/verify?token="+url.QueryEscape(p.Email))
	tp.post(c, "/verify", url.Values{"token": {p.Card}})
	tp.get(c, "/reset/confirm?token="+url.QueryEscape(p.Phone))
	tp.post(c, "/reset/confirm", url.Values{"token": {p.Email}, "password": {p.Password}})
	tp.post(c, "/reset", url.Values{"email": {p.Email}})
	tp.post(c, "/reset", url.Values{"email": {"nobody-" + p.Email}})
	// Correcting my data: a mistake shows the holder's own form again, with
	// what they typed (their own page, signed in, not cached: like the
	// account page, not an error page for this check); then the data again.
	own := *c
	own.Transport = rt.next
	r := tp.post(&own, "/account/edit", url.Values{"name": {p.Name}, "address": {p.Address}, "phone": {"12"}})
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Equal(t, "no-store", r.Header.Get("Cache-Control"), "the holder's typed data is not cached")
	tp.post(c, "/account/edit", url.Values{"name": {p.Name}, "address": {p.Address}, "phone": {p.Phone}})
	// Changing the e-mail address to another canary: a wrong password shows
	// the holder's own form again; then the link, a forged token, and the
	// change itself. From here on the account's address is the new one.
	newEmail := cs.Email().Value()
	r = tp.post(&own, "/account/email", url.Values{"email": {newEmail}, "password": {"not the password"}})
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	assert.Equal(t, "no-store", r.Header.Get("Cache-Control"), "the holder's typed data is not cached")
	tp.post(c, "/account/email", url.Values{"email": {newEmail}, "password": {p.Password}})
	emailLink := emailLinkRE.FindString(tp.lastMail())
	require.NotEmpty(t, emailLink)
	tp.get(c, emailLink)
	tp.post(c, "/account/email/confirm", url.Values{"token": {tokenOf(t, emailLink)}})
	tp.post(c, "/account/email/confirm", url.Values{"token": {p.Email}})
	tp.get(c, "/account/email/confirm?token="+url.QueryEscape(newEmail))
	require.Contains(t, tp.get(&own, "/account").Body, newEmail, "the address was changed")
	p.Email = newEmail
	tp.post(c, "/logout", url.Values{})
	tp.post(c, "/login", url.Values{"email": {p.Email}, "password": {"not the password"}})
	tp.post(c, "/login", url.Values{"email": {"nobody@example.com"}, "password": {p.Password}})
	// An invalid sign-up comes back with what the visitor typed, to them,
	// not cached (like correct-my-data above), but never the password.
	bad := p.signupForm()
	bad.Set("phone", "12")
	r = tp.post(&own, "/signup", bad)
	assert.Equal(t, "no-store", r.Header.Get("Cache-Control"))
	assert.NotContains(t, r.Body, p.Password, "the password is never echoed")
	tp.post(c, "/signup", p.signupForm()) // taken: the owner is told by e-mail
	tp.do(c, http.MethodPost, "/signup", p.signupForm(), http.Header{"Sec-Fetch-Site": {"cross-site"}})

	// Jar cookies, after everything.
	u, _ := url.Parse(tp.srv.URL)
	var jar strings.Builder
	for _, ck := range c.Jar.Cookies(u) {
		jar.WriteString(ck.Name + "=" + ck.Value + "\n")
	}

	// The links the portal put in its e-mails (URLs it generated).
	var links strings.Builder
	for _, f := range tp.outboxFiles() {
		m := readAll(t, f)
		found := append(confirmLinkRE.FindAllString(m, -1), unsubLinkRE.FindAllString(m, -1)...)
		found = append(found, emailLinkRE.FindAllString(m, -1)...)
		for _, l := range found {
			links.WriteString(l + "\n")
		}
	}
	require.NotZero(t, links.Len())

	piitest.AssertNoLeak(t, rt.captured(), cs.Planted()...)
	piitest.AssertNoLeak(t, links.String(), cs.Planted()...)
	piitest.AssertNoLeak(t, jar.String(), cs.Planted()...)
	piitest.AssertNoPII(t, rec, cs.Planted()...)

	// Unauthenticated endpoints, probed in every carrier (form, JSON,
	// query, headers), with piitest's HTTP helper.
	h := piitest.NewHTTP(t, tp.app.Handler(), cs, rec)
	fields := map[string]piitest.Canary{"name": cs.Name(), "email": cs.Email(), "phone": cs.Phone(), "address": cs.Address(), "card": cs.Card()}
	for _, target := range []string{"/login", "/subscriptions", "/subscriptions/confirm", "/unsubscribe", "/cookies", "/pay"} {
		h.Probe(target, fields)
	}
}
