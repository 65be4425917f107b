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

// Sessions live on the server: the account page lists them, "log out
// everywhere else" ends the others at once, one can be ended on its own,
// and a password reset ends them all.
func TestSessionsListedAndRevoked(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	laptop := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(laptop, fakePerson).Status)
	login := url.Values{"email": {fakePerson.Email}, "password": {fakePerson.Password}}
	phone, tablet := tp.client(), tp.client()
	for _, c := range []*http.Client{phone, tablet} {
		require.True(t, strings.HasSuffix(tp.post(c, "/login", login).FinalURL, "/account"))
	}

	page := tp.get(laptop, "/account").Body
	rows := regexp.MustCompile(`name="session" value="([^"]+)"`).FindAllStringSubmatch(page, -1)
	assert.Len(t, rows, 3, "three devices are logged in")
	assert.Equal(t, 1, strings.Count(page, "<strong>(this device)</strong>"))
	assert.NotContains(t, page, "127.0.0.1", "addresses are shown truncated")
	assert.Contains(t, page, "<td>127.0.0.0</td>")

	// End the tablet's session from the laptop: find its handle on the
	// tablet's own page, where it is "this device".
	tabletPage := tp.get(tablet, "/account").Body
	m := regexp.MustCompile(`<td>[^<]*<strong>\(this device\)</strong></td>.*?name="session" value="([^"]+)"`).FindStringSubmatch(strings.ReplaceAll(tabletPage, "\n", " "))
	require.Len(t, m, 2)
	r := tp.post(laptop, "/account/sessions/revoke", url.Values{"session": {m[1]}})
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, "Those sessions are ended")
	assert.Contains(t, tp.get(tablet, "/account").FinalURL, "/login", "the tablet is logged out")
	assert.True(t, strings.HasSuffix(tp.get(phone, "/account").FinalURL, "/account"), "the phone is not")

	// Log out everywhere else.
	tp.post(laptop, "/account/sessions/revoke-others", nil)
	assert.Contains(t, tp.get(phone, "/account").FinalURL, "/login", "the phone is logged out")
	assert.True(t, strings.HasSuffix(tp.get(laptop, "/account").FinalURL, "/account"), "this device stays")
	assert.Len(t, regexp.MustCompile(`name="session"`).FindAllString(tp.get(laptop, "/account").Body, -1), 1)

	// A password reset ends every session, this one included.
	tp.post(tp.client(), "/reset", url.Values{"email": {fakePerson.Email}})
	link := resetLinkRE.FindString(tp.lastMail())
	require.NotEmpty(t, link)
	thief := laptop // a stolen cookie is as good as the laptop's
	reset := tp.client()
	require.True(t, strings.HasSuffix(tp.post(reset, "/reset/confirm", url.Values{"token": {tokenOf(t, link)}, "password": {"a brand new password 42"}}).FinalURL, "/account"))
	assert.Contains(t, tp.get(thief, "/account").FinalURL, "/login", "the reset logged the old session out")
}
