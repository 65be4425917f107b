package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

var emailLinkRE = regexp.MustCompile(`https?://[^\s]+/account/email/confirm\?token=[A-Za-z0-9_%\-]+`)

// subscribeConfirmed subscribes the signed-in client to topic and confirms.
func (tp *testPortal) subscribeConfirmed(c *http.Client, topicID string) {
	tp.t.Helper()
	require.Equal(tp.t, http.StatusOK, tp.post(c, "/subscriptions", url.Values{"topic": {topicID}}).Status)
	tok := tokenOf(tp.t.(*testing.T), confirmLinkRE.FindString(tp.lastMail()))
	require.Contains(tp.t, tp.post(c, "/subscriptions/confirm", url.Values{"token": {tok}}).Body, "you are subscribed")
}

// Changing the e-mail address: asked for with the password, done only by
// the button behind a link mailed to the new address, once; the log-in,
// the sealed account and the consent contact point all move, and the old
// address is told.
func TestChangeEmail(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	topic := topics[0]
	tp.subscribeConfirmed(c, topic.ID)
	acct, _, err := tp.app.findByEmailTx(context.Background(), tp.app.db, pii.New(pii.Email, fakePerson.Email), mustIndex(t, tp.app, fakePerson.Email))
	require.NoError(t, err)
	subject := acct.ConsentSubject
	require.NotEmpty(t, subject)

	const newAddr = "alice.new@example.com"
	n := len(tp.outboxFiles())
	r := tp.post(c, "/account/email", url.Values{"email": {newAddr}, "password": {"not the password"}})
	assert.Equal(t, http.StatusUnauthorized, r.Status, "the password is required")
	assert.Contains(t, r.Body, `id="password-error"`)
	assert.Contains(t, r.Body, `value="`+newAddr+`"`, "the form keeps the typed address")
	r = tp.post(c, "/account/email", url.Values{"email": {"not an address"}, "password": {fakePerson.Password}})
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assert.Contains(t, r.Body, `id="email-error"`)
	r = tp.post(c, "/account/email", url.Values{"email": {strings.ToUpper(fakePerson.Email)}, "password": {fakePerson.Password}})
	assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "the current address is no change")
	assert.Len(t, tp.outboxFiles(), n, "no mail for refused requests")
	assert.Equal(t, http.StatusSeeOther, noRedirect(tp, tp.client(), "/account/email", url.Values{"email": {newAddr}}), "signed-in residents only")

	r = tp.post(c, "/account/email", url.Values{"email": {newAddr}, "password": {fakePerson.Password}})
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, `id="checkmail"`)
	mail := tp.lastMail()
	assert.Contains(t, mail, "To: <"+newAddr+">", "the link goes to the new address")
	link := emailLinkRE.FindString(mail)
	require.NotEmpty(t, link)
	assert.NotContains(t, link, "alice", "the link holds no address in the clear")
	assert.NotContains(t, tp.get(c, "/account").Body, newAddr, "nothing changes before the link is used")

	assert.Equal(t, http.StatusOK, tp.get(tp.client(), link).Status, "a link scanner opens the link")
	assert.NotContains(t, tp.get(c, "/account").Body, newAddr, "opening the link changes nothing")
	r = tp.post(tp.client(), "/account/email/confirm", url.Values{"token": {tokenOf(t, link)}})
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.FinalURL, "/login", "confirmed from another browser: log in with the new address")
	assert.Contains(t, r.Body, "Log in with your new address")
	assert.Equal(t, http.StatusBadRequest, tp.post(c, "/account/email/confirm", url.Values{"token": {tokenOf(t, link)}}).Status, "a link works once")
	assert.Equal(t, http.StatusBadRequest, tp.post(c, "/account/email/confirm", url.Values{"token": {"forged"}}).Status)

	old := tp.lastMail()
	assert.Contains(t, old, "To: <"+fakePerson.Email+">", "the old address is told")
	assert.NotContains(t, old, newAddr, "without the new address")

	body := tp.get(c, "/account").Body
	assert.Contains(t, body, newAddr, "the session goes on, with the new address")
	assert.NotContains(t, body, fakePerson.Email)
	tp.post(c, "/logout", nil)
	bad := tp.post(c, "/login", url.Values{"email": {fakePerson.Email}, "password": {fakePerson.Password}})
	assert.Equal(t, http.StatusUnauthorized, bad.Status, "the old address no longer logs in")
	good := tp.post(c, "/login", url.Values{"email": {newAddr}, "password": {fakePerson.Password}})
	assert.True(t, strings.HasSuffix(good.FinalURL, "/account"), "the new one does")

	ctx := context.Background()
	cp, err := tp.app.ledger.ContactPoint(ctx, subject)
	require.NoError(t, err)
	assert.Equal(t, newAddr, cp.Reveal(), "the consent subject moved to the new address")
	d, err := tp.app.ledger.MayContact(ctx, subject, topic.ID, consent.Email)
	require.NoError(t, err)
	assert.True(t, d.Allowed, "the subscription follows the resident")
	_, err = tp.app.ledger.Find(ctx, pii.New(pii.Email, fakePerson.Email))
	assert.ErrorIs(t, err, consent.ErrNotFound, "the ledger no longer knows the old address")
	assert.NotContains(t, tp.logs.String(), newAddr, "no address in the logs")
}

// A new address that another account has is refused at confirmation; one
// that only subscribed without an account is taken over, and the old
// address's subscriptions end.
func TestChangeEmailToAddressInUse(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	tp.subscribeConfirmed(c, topics[0].ID)
	other := fakePerson
	other.Email = "bob@example.com"
	require.Equal(t, http.StatusOK, tp.signup(tp.client(), other).Status)

	change := func(addr string) response {
		t.Helper()
		r := tp.post(c, "/account/email", url.Values{"email": {addr}, "password": {fakePerson.Password}})
		require.Equal(t, http.StatusOK, r.Status)
		link := emailLinkRE.FindString(tp.lastMail())
		require.NotEmpty(t, link)
		return tp.post(c, "/account/email/confirm", url.Values{"token": {tokenOf(t, link)}})
	}
	r := change(other.Email)
	assert.Equal(t, http.StatusConflict, r.Status, "another account's address")
	assert.Contains(t, tp.get(c, "/account").Body, fakePerson.Email, "nothing changed")

	// Carol subscribed to another list without an account; Alice takes her
	// address (she proves she controls it).
	const shared = "carol@example.com"
	anon := tp.client()
	require.Equal(t, http.StatusOK, tp.post(anon, "/subscriptions", url.Values{"email": {shared}, "topic": {topics[1].ID}}).Status)
	tok := tokenOf(t, confirmLinkRE.FindString(tp.lastMail()))
	require.Contains(t, tp.post(anon, "/subscriptions/confirm", url.Values{"token": {tok}}).Body, "you are subscribed")
	ctx := context.Background()
	carol, err := tp.app.ledger.Find(ctx, pii.New(pii.Email, shared))
	require.NoError(t, err)
	acct, _, err := tp.app.findByEmailTx(ctx, tp.app.db, pii.New(pii.Email, fakePerson.Email), mustIndex(t, tp.app, fakePerson.Email))
	require.NoError(t, err)
	alice := acct.ConsentSubject

	r = change(shared)
	require.Equal(t, http.StatusOK, r.Status)
	assert.True(t, strings.Contains(r.FinalURL, "/account"), "signed in: back to the account page")
	assert.Contains(t, r.Body, "had subscriptions of its own")
	acct, err = tp.app.accountByID(ctx, acct.ID)
	require.NoError(t, err)
	assert.Equal(t, carol, acct.ConsentSubject, "the account takes the address's subject")
	d, err := tp.app.ledger.MayContact(ctx, alice, topics[0].ID, consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "the old address gets no more mail")
	d, err = tp.app.ledger.MayContact(ctx, carol, topics[1].ID, consent.Email)
	require.NoError(t, err)
	assert.True(t, d.Allowed, "the address's own subscription stands")

	// The person follows the account: the new address's subject joins it,
	// the address left behind leaves it.
	person, err := tp.app.accountPerson(ctx, acct)
	require.NoError(t, err)
	ids, err := tp.app.ledger.PersonSubjects(ctx, person)
	require.NoError(t, err)
	assert.Equal(t, []string{carol}, ids)
	who, err := tp.app.ledger.Person(ctx, alice)
	require.NoError(t, err)
	assert.Empty(t, who, "the old address's subject belongs to nobody")
}

func mustIndex(t *testing.T, a *app, email string) string {
	t.Helper()
	idx, err := a.emailIndex(pii.New(pii.Email, normEmail(email)))
	require.NoError(t, err)
	return idx
}

// noRedirect posts without following redirects and returns the status.
func noRedirect(tp *testPortal, c *http.Client, path string, form url.Values) int {
	tp.t.Helper()
	cc := *c
	cc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return tp.post(&cc, path, form).Status
}
