package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var resetLinkRE = regexp.MustCompile(`https?://[^\s]+/reset/confirm\?token=[A-Za-z0-9_%\-]+`)

func tokenOf(t *testing.T, link string) string {
	u, err := url.Parse(link)
	require.NoError(t, err)
	return u.Query().Get("token")
}

// An account signs in only after its address is confirmed, by the POST of
// the button behind the e-mailed link, once.
func TestSignupNeedsVerification(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	r := tp.post(c, "/signup", fakePerson.signupForm())
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, `id="checkmail"`)
	assert.True(t, strings.Contains(tp.get(c, "/account").FinalURL, "/login"), "not signed in by signing up")
	login := url.Values{"email": {fakePerson.Email}, "password": {fakePerson.Password}}
	assert.Equal(t, http.StatusForbidden, tp.post(c, "/login", login).Status, "an unconfirmed account cannot sign in")

	link := verifyLinkRE.FindString(tp.lastMail())
	require.NotEmpty(t, link)
	assert.Equal(t, http.StatusOK, tp.get(tp.client(), link).Status, "a link scanner opens the link")
	assert.Equal(t, http.StatusForbidden, tp.post(c, "/login", login).Status, "opening the link confirms nothing")

	r = tp.post(c, "/verify", url.Values{"token": {tokenOf(t, link)}})
	require.Equal(t, http.StatusOK, r.Status)
	assert.True(t, strings.HasSuffix(r.FinalURL, "/account"), "the button confirms and signs in")
	assert.Equal(t, http.StatusBadRequest, tp.post(tp.client(), "/verify", url.Values{"token": {tokenOf(t, link)}}).Status, "a link works once")
	assert.Equal(t, http.StatusBadRequest, tp.post(tp.client(), "/verify", url.Values{"token": {"forged"}}).Status)
	tp.post(c, "/logout", nil)
	assert.True(t, strings.HasSuffix(tp.post(c, "/login", login).FinalURL, "/account"), "now the password works")
}

// Sign-up and reset answer the same whether or not an address has an
// account; the owner of a taken address hears about it by e-mail.
func TestAccountsAreNotRevealed(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	require.Equal(t, http.StatusOK, tp.signup(tp.client(), fakePerson).Status)
	other := fakePerson
	other.Email = "nobody-yet@example.com"
	strip := func(body string) string {
		return regexp.MustCompile(`(?s)<header>.*</header>`).ReplaceAllString(body, "")
	}

	taken := tp.post(tp.client(), "/signup", fakePerson.signupForm())
	fresh := tp.post(tp.client(), "/signup", other.signupForm())
	assert.Equal(t, fresh.Status, taken.Status)
	assert.Equal(t, strip(fresh.Body), strip(taken.Body), "sign-up: the same page either way")
	files := tp.outboxFiles()
	require.GreaterOrEqual(t, len(files), 2)
	assert.Contains(t, readAll(t, files[len(files)-2]), "Someone tried to create an account", "the owner is told")

	known := tp.post(tp.client(), "/reset", url.Values{"email": {fakePerson.Email}})
	n := len(tp.outboxFiles())
	unknown := tp.post(tp.client(), "/reset", url.Values{"email": {"never-seen@example.com"}})
	assert.Equal(t, known.Status, unknown.Status)
	assert.Equal(t, strip(known.Body), strip(unknown.Body), "reset: the same page either way")
	assert.Len(t, tp.outboxFiles(), n, "no mail for an address without an account")
}

// A password reset sets a new password, confirms the address, ends every
// session of the account and works once.
func TestPasswordReset(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	thief := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(thief, fakePerson).Status)

	owner := tp.client()
	require.Equal(t, http.StatusOK, tp.post(owner, "/reset", url.Values{"email": {strings.ToUpper(fakePerson.Email)}}).Status)
	link := resetLinkRE.FindString(tp.lastMail())
	require.NotEmpty(t, link)
	require.Equal(t, http.StatusOK, tp.get(owner, link).Status)
	tok := tokenOf(t, link)
	assert.Equal(t, http.StatusUnprocessableEntity, tp.post(owner, "/reset/confirm", url.Values{"token": {tok}, "password": {"short"}}).Status)
	r := tp.post(owner, "/reset/confirm", url.Values{"token": {tok}, "password": {"a brand new password"}})
	require.Equal(t, http.StatusOK, r.Status)
	assert.True(t, strings.HasSuffix(r.FinalURL, "/account"))
	assert.True(t, strings.Contains(tp.get(thief, "/account").FinalURL, "/login"), "every other session ended")
	assert.Equal(t, http.StatusBadRequest, tp.post(tp.client(), "/reset/confirm", url.Values{"token": {tok}, "password": {"another password 2"}}).Status, "works once")

	c := tp.client()
	assert.Equal(t, http.StatusUnauthorized, tp.post(c, "/login", url.Values{"email": {fakePerson.Email}, "password": {fakePerson.Password}}).Status, "the old password is gone")
	assert.True(t, strings.HasSuffix(tp.post(c, "/login", url.Values{"email": {fakePerson.Email}, "password": {"a brand new password"}}).FinalURL, "/account"))
	assert.Equal(t, http.StatusBadRequest, tp.post(tp.client(), "/verify", url.Values{"token": {tok}}).Status, "a reset token is not a verification token")
}

// Nobody can mail-bomb an address through reset or sign-up.
func TestAccountMailLimit(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	require.Equal(t, http.StatusOK, tp.signup(tp.client(), fakePerson).Status)
	before := len(tp.outboxFiles())
	for range accountMailLimit + 3 {
		require.Equal(t, http.StatusOK, tp.post(tp.client(), "/reset", url.Values{"email": {fakePerson.Email}}).Status)
	}
	assert.Len(t, tp.outboxFiles(), before+accountMailLimit-1, "the verification mail counts too: 5 an hour in all")
}
