package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun starts the real program entry point on 127.0.0.1:0, fetches a
// page, and stops it with the context, as SIGINT would.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", dir, "-sweep-every", "50ms"}, pw, &stderr)
		pw.Close()
	}()
	var out bytes.Buffer
	urlRE := regexp.MustCompile(`listening on (http://127\.0\.0\.1:[0-9]+/)`)
	buf := make([]byte, 4096)
	var base string
	for base == "" || !strings.Contains(out.String(), "outbox folder") {
		n, err := pr.Read(buf)
		out.Write(buf[:n])
		require.NoError(t, err, "run exited before listening: %s %s", out.String(), stderr.String())
		if m := urlRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	assert.Contains(t, out.String(), "WARNING: DEVELOPMENT KEYS")
	assert.Contains(t, out.String(), "development mode")
	for _, f := range []string{"master.key", "fields.json", "index.json", "tokens.json", "cookies.json", "subjects.json"} {
		assert.FileExists(t, filepath.Join(dir, "keys", f))
	}
	resp, err := http.Get(base + "healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get(base)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), "City of Example")
	time.Sleep(120 * time.Millisecond) // let the sweeper tick at least once

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	assert.Contains(t, stderr.String(), `"msg":"portal shutting down"`)
	assert.NotContains(t, stderr.String(), `"level":"ERROR"`)

	// A second start reuses the keys: an account made before is readable.
	// (The master key file is loaded, not generated again.)
	kr1, err := os.ReadFile(filepath.Join(dir, "keys", "fields.json"))
	require.NoError(t, err)
	k, _, _, err := loadKeys(context.Background(), dir, "", false, false, nil)
	require.NoError(t, err)
	kr2, err := os.ReadFile(filepath.Join(dir, "keys", "fields.json"))
	require.NoError(t, err)
	assert.Equal(t, kr1, kr2)
	assert.NotNil(t, k.Fields)
	assert.NotNil(t, k.Chain, "the development chain keyring was generated and is read again")
}

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-addr", ":9999", "-postgres", "postgres://x", "-sweep-every", "0"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, ":9999", cfg.Addr)
	assert.Equal(t, "postgres://x", cfg.Postgres)
	_, err = parseFlags([]string{"-staff", "clerk@example.com"}, io.Discard)
	assert.Error(t, err, "staff rights are not granted by a flag any more")
	assert.Zero(t, cfg.SweepEvery)
	assert.Zero(t, cfg.PGConns, "the PostgreSQL pool size defaults to pgConns()")
	cfg, err = parseFlags([]string{"-pg-conns", "12"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 12, cfg.PGConns)
	_, err = parseFlags([]string{"-pg-conns", "-1"}, io.Discard)
	assert.Error(t, err, "a negative pool size is refused")
	_, err = parseFlags([]string{"extra"}, io.Discard)
	assert.Error(t, err)
	_, err = parseFlags([]string{"-nope"}, io.Discard)
	assert.Error(t, err)
	cfg, err = parseFlags([]string{"-kek-uri", "aws-kms://arn:aws:kms:us-east-1:111122223333:key/k", "-create-keys"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "aws-kms://arn:aws:kms:us-east-1:111122223333:key/k", cfg.KEKURI)
	assert.True(t, cfg.CreateKeys)
}

// flow runs the whole visitor journey against tp and checks each step.
// It returns the client, so callers can inspect its cookies.
func flow(t *testing.T, tp *testPortal, p person) *http.Client {
	c := tp.client()

	// Sign up: lands on the account page, signed in.
	r := tp.signup(c, p)
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	require.True(t, strings.HasSuffix(r.FinalURL, "/account"), r.FinalURL)
	assert.Contains(t, r.Body, p.Name)
	assert.Contains(t, r.Body, "•••• "+p.Number[len(p.Number)-4:], "account number masked")

	// Log out, fail a log-in, log in.
	r = tp.post(c, "/logout", url.Values{})
	require.Equal(t, http.StatusOK, r.Status)
	r = tp.get(c, "/account")
	require.True(t, strings.Contains(r.FinalURL, "/login"), "account page needs a login")
	r = tp.post(c, "/login", url.Values{"email": {p.Email}, "password": {"wrong password!"}})
	assert.Equal(t, http.StatusUnauthorized, r.Status)
	r = tp.post(c, "/login", url.Values{"email": {strings.ToUpper(p.Email)}, "password": {p.Password}})
	require.Equal(t, http.StatusOK, r.Status)
	require.True(t, strings.HasSuffix(r.FinalURL, "/account"), "log-in by e-mail, case-insensitively")

	// Subscribe: a confirmation e-mail lands in the outbox.
	before := len(tp.outboxFiles())
	r = tp.post(c, "/subscriptions", url.Values{"topic": {"eline:weekly-news"}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, "waiting for your confirmation")
	require.Len(t, tp.outboxFiles(), before+1)
	mail := tp.lastMail()
	assert.Contains(t, mail, "List-Unsubscribe: <")
	assert.Contains(t, mail, "List-Unsubscribe-Post: List-Unsubscribe=One-Click")
	confirmURL := confirmLinkRE.FindString(mail)
	unsubURL := unsubLinkRE.FindString(mail)
	require.NotEmpty(t, confirmURL)
	require.NotEmpty(t, unsubURL)

	// Confirm: GET shows a button and records nothing; POST confirms.
	acct, err := tp.app.login(context.Background(), pii.New(pii.Email, p.Email), p.Password)
	require.NoError(t, err)
	require.NotEmpty(t, acct.ConsentSubject)
	r = tp.get(c, confirmURL)
	require.Equal(t, http.StatusOK, r.Status)
	d, err := tp.app.ledger.MayContact(context.Background(), acct.ConsentSubject, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "a GET of the confirmation link must not confirm")
	u, err := url.Parse(confirmURL)
	require.NoError(t, err)
	r = tp.post(c, "/subscriptions/confirm", url.Values{"token": {u.Query().Get("token")}})
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "you are subscribed")
	r = tp.post(c, "/subscriptions/confirm", url.Values{"token": {u.Query().Get("token")}})
	assert.Contains(t, r.Body, "confirmed this subscription already")
	d, err = tp.app.ledger.MayContact(context.Background(), acct.ConsentSubject, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.True(t, d.Allowed)
	r = tp.get(c, "/subscriptions")
	assert.Regexp(t, `data-topic="eline:weekly-news">subscribed<`, r.Body)

	// One-click unsubscribe, as a mail provider does it (RFC 8058).
	r = tp.post(c, unsubURL, url.Values{"List-Unsubscribe": {"One-Click"}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	d, err = tp.app.ledger.MayContact(context.Background(), acct.ConsentSubject, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "withdrawal takes effect at once")
	assert.NoError(t, tp.app.ledger.Verify(context.Background(), acct.ConsentSubject))

	// Pay a bill: only token and last 4 are kept.
	r = tp.post(c, "/pay", url.Values{"idem": {randomHex(16)}, "amount": {"42.50"}, "card": {p.Card}, "expiry": {"12/39"}, "cvc": {"123"}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, "$42.50")
	assert.Contains(t, r.Body, "ending in "+p.Card[len(p.Card)-4:])
	pays, err := tp.app.payments(context.Background(), acct.ID)
	require.NoError(t, err)
	require.Len(t, pays, 1)
	assert.Equal(t, int64(4250), pays[0].AmountCents)
	assert.True(t, strings.HasPrefix(pays[0].CardToken, "tok_"))
	return c
}

func TestFlowSQLite(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := flow(t, tp, fakePerson)

	// Development mode: the session cookie is not __Host- (plain HTTP).
	u, _ := url.Parse(tp.srv.URL)
	names := cookieNames(c, u)
	assert.Contains(t, names, "portal_session")

	// Nothing of the person is stored in plaintext in the database files;
	// only the outbox (the mail that was sent) has the address.
	db := readAll(t, globAll(t, filepath.Join(tp.dir, "portal.db*"))...)
	for _, secret := range []string{fakePerson.Email, fakePerson.Name, fakePerson.Address, fakePerson.Phone, fakePerson.Number, "4111111111111111", fakePerson.Card, fakePerson.Password} {
		assert.NotContains(t, db, secret, "plaintext in the database")
		assert.NotContains(t, tp.logs.String(), secret, "plaintext in the logs")
	}
	assert.Contains(t, tp.lastMail(), fakePerson.Email)
}

func TestFlowPostgres(t *testing.T) {
	_, dsn := testdb.PostgresDSN(t)
	tp := newTestPortal(t, portalOpts{postgres: dsn})
	flow(t, tp, fakePerson)
	assert.NotContains(t, tp.logs.String(), fakePerson.Email)
}

func globAll(t testing.TB, pattern string) []string {
	m, err := filepath.Glob(pattern)
	require.NoError(t, err)
	require.NotEmpty(t, m)
	return m
}

func cookieNames(c *http.Client, u *url.URL) []string {
	var out []string
	for _, ck := range c.Jar.Cookies(u) {
		out = append(out, ck.Name)
	}
	return out
}

func TestSignupRejects(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)

	tests := []struct {
		name   string
		change func(url.Values)
		status int
		reason string
	}{
		{"bad e-mail", func(v url.Values) { v.Set("email", "not-an-address") }, http.StatusUnprocessableEntity, "validator pii_email"},
		{"bad phone", func(v url.Values) { v.Set("phone", "123") }, http.StatusUnprocessableEntity, "validator nanp_phone"},
		{"short password", func(v url.Values) { v.Set("password", "short") }, http.StatusUnprocessableEntity, "passwords need 10 characters"},
		{"letters in account number", func(v url.Values) { v.Set("account_number", "ABC12345") }, http.StatusUnprocessableEntity, "account numbers are digits"},
		{"taken e-mail", func(v url.Values) { v.Set("email", " ALICE@example.com ") }, http.StatusOK, "one account per address, after normalisation, and the answer does not say so"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := fakePerson.signupForm()
			tt.change(v)
			r := tp.post(tp.client(), "/signup", v)
			assert.Equal(t, tt.status, r.Status, tt.reason)
			if r.Status == http.StatusUnprocessableEntity {
				// The form keeps what was typed, for the one who typed it:
				// never cached, never the password.
				assert.Equal(t, "no-store", r.Header.Get("Cache-Control"))
				assert.Contains(t, r.Body, `value="`+v.Get("name")+`"`, "what was typed is kept")
				assert.Contains(t, r.Body, `aria-invalid="true"`, "the field to correct is marked")
				assert.Contains(t, r.Body, `aria-describedby="`, "with its message")
			}
			assert.NotContains(t, r.Body, v.Get("password"), "the password is never echoed")
		})
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	r := tp.do(tp.client(), http.MethodPost, "/signup", fakePerson.signupForm(), http.Header{"Sec-Fetch-Site": {"cross-site"}})
	assert.Equal(t, http.StatusForbidden, r.Status)
	assert.Contains(t, r.Body, "cross-site request forgery")
	r = tp.do(tp.client(), http.MethodPost, "/signup", fakePerson.signupForm(), http.Header{"Sec-Fetch-Site": {"same-origin"}})
	assert.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, `id="checkmail"`)
}

func TestPayRejects(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	tests := []struct {
		name string
		form url.Values
		why  string
	}{
		{"luhn", url.Values{"idem": {randomHex(16)}, "amount": {"10"}, "card": {"4111 1111 1111 1112"}, "expiry": {"12/39"}, "cvc": {"123"}}, "card fails Luhn"},
		{"expired", url.Values{"idem": {randomHex(16)}, "amount": {"10"}, "card": {"4111 1111 1111 1111"}, "expiry": {"01/20"}, "cvc": {"123"}}, "card expired"},
		{"amount", url.Values{"idem": {randomHex(16)}, "amount": {"0.5"}, "card": {"4111 1111 1111 1111"}, "expiry": {"12/39"}, "cvc": {"123"}}, "below $1"},
		{"cvc", url.Values{"idem": {randomHex(16)}, "amount": {"10"}, "card": {"4111 1111 1111 1111"}, "expiry": {"12/39"}, "cvc": {"12a"}}, "cvc not digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tp.post(c, "/pay", tt.form)
			assert.Equal(t, http.StatusUnprocessableEntity, r.Status, tt.why)
			assert.NotContains(t, r.Body, tt.form.Get("card"), "card number echoed")
			assert.NotContains(t, r.Body, strings.ReplaceAll(tt.form.Get("card"), " ", ""), "card number echoed")
		})
	}
	// The card in any form (a bare "4111" can occur in a timestamp).
	for _, form := range []string{"4111111111111111", "4111 1111", "4111-1111", "1111 1111 1111"} {
		assert.NotContains(t, tp.logs.String(), form)
	}
}
