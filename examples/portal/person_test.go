package main

import (
	"context"
	"encoding/json"
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

// deviceID returns the cookie-banner subject id c's choice cookie holds.
func (tp *testPortal) deviceID(c *http.Client) string {
	tp.t.Helper()
	u, err := url.Parse(tp.srv.URL)
	require.NoError(tp.t, err)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == tp.app.choice {
			return ck.Value
		}
	}
	tp.t.Fatal("no choice cookie")
	return ""
}

// An account is one person in the consent ledger: its e-mail subject and
// the browsers it signs in on are linked, and no one else's; My data
// exports the person; Withdraw everything reaches every channel; deleting
// the account forgets every subject of the person, and the links stay.
func TestAccountIsAPerson(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	ctx := context.Background()
	l := tp.app.ledger

	// Alice answers the cookie banner, then signs up on that browser.
	home := tp.client()
	tp.post(home, "/cookies", url.Values{"choice": {"all"}})
	dev1 := tp.deviceID(home)
	require.Equal(t, http.StatusOK, tp.signup(home, fakePerson).Status)
	r := tp.post(home, "/subscriptions", url.Values{"topic": {"eline:street-alerts"}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	u, err := url.Parse(confirmLinkRE.FindString(tp.lastMail()))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, tp.post(home, "/subscriptions/confirm", url.Values{"token": {u.Query().Get("token")}}).Status)

	// She signs in on a second browser that had answered the banner.
	work := tp.client()
	tp.post(work, "/cookies", url.Values{"choice": {"all"}})
	dev2 := tp.deviceID(work)
	r = tp.post(work, "/login", url.Values{"email": {fakePerson.Email}, "password": {fakePerson.Password}})
	require.True(t, strings.HasSuffix(r.FinalURL, "/account"), "signed in")

	// Bob has an account and a browser of his own.
	bob := fakePerson
	bob.Email, bob.Name = "bob@example.com", "Bob Example"
	bobs := tp.client()
	tp.post(bobs, "/cookies", url.Values{"choice": {"all"}})
	dev3 := tp.deviceID(bobs)
	require.Equal(t, http.StatusOK, tp.signup(bobs, bob).Status)

	// Alice signs out at work and Bob signs in there: the browser stays
	// Alice's, since a shared computer proves nothing.
	tp.post(work, "/logout", url.Values{})
	r = tp.post(work, "/login", url.Values{"email": {bob.Email}, "password": {bob.Password}})
	require.True(t, strings.HasSuffix(r.FinalURL, "/account"), "Bob signed in")

	acct, err := tp.app.login(ctx, pii.New(pii.Email, fakePerson.Email), fakePerson.Password)
	require.NoError(t, err)
	require.NotEmpty(t, acct.ConsentSubject)
	person, err := tp.app.accountPerson(ctx, acct)
	require.NoError(t, err)
	again, err := tp.app.accountPerson(ctx, acct)
	require.NoError(t, err)
	assert.Equal(t, person, again, "one person per account")
	ids, err := l.PersonSubjects(ctx, person)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{acct.ConsentSubject, dev1, dev2}, ids, "Alice's e-mail and both her browsers")
	bobAcct, err := tp.app.login(ctx, pii.New(pii.Email, bob.Email), bob.Password)
	require.NoError(t, err)
	bobPerson, err := tp.app.accountPerson(ctx, bobAcct)
	require.NoError(t, err)
	ids, err = l.PersonSubjects(ctx, bobPerson)
	require.NoError(t, err)
	assert.Equal(t, []string{dev3}, ids, "Bob's browser only")

	// My data: the person's consent, every subject, as 27560 records.
	r = tp.get(home, "/mydata")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, `id="mydata-person-consent"`)
	assert.Contains(t, r.Body, "Analytics cookies")
	assert.Contains(t, r.Body, `id="withdraw-all-form"`)
	r = tp.get(home, "/mydata/export.json")
	require.Equal(t, http.StatusOK, r.Status)
	var ex struct {
		Person consent.PersonRecordExport `json:"person_consent_records"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &ex))
	assert.Equal(t, person, ex.Person.PersonID)
	var exported []string
	for _, s := range ex.Person.Subjects {
		exported = append(exported, s.PIIPrincipalID)
	}
	assert.ElementsMatch(t, []string{acct.ConsentSubject, dev1, dev2}, exported)
	assert.Len(t, ex.Person.Links, 3)
	assert.NotContains(t, r.Body, dev3, "nothing of Bob's")

	// Withdraw everything: refused without the box, then every channel.
	assert.Equal(t, http.StatusBadRequest, tp.post(home, "/mydata/withdraw-all", url.Values{}).Status)
	r = tp.post(home, "/mydata/withdraw-all", url.Values{"confirm": {"yes"}})
	require.Equal(t, http.StatusOK, r.Status)
	assert.True(t, strings.HasSuffix(r.FinalURL, "/mydata?done=withdrawn"), r.FinalURL)
	assert.Contains(t, r.Body, "Every consent you gave is withdrawn")
	d, err := l.MayContact(ctx, acct.ConsentSubject, "eline:street-alerts", consent.Email)
	require.NoError(t, err)
	assert.Equal(t, consent.StatusWithdrawn, d.Status, "the e-mail list")
	for _, dev := range []string{dev1, dev2} {
		d, err := l.MayContact(ctx, dev, purposeAnalytics, consent.Web)
		require.NoError(t, err)
		assert.False(t, d.Allowed, "analytics on Alice's browsers")
		assert.False(t, tp.app.deviceAllows(ctx, dev), "the cached answer too")
	}
	d, err = l.MayContact(ctx, dev3, purposeAnalytics, consent.Web)
	require.NoError(t, err)
	assert.True(t, d.Allowed, "Bob's choice stands")

	// Deleting the account forgets the person; Bob is untouched.
	r = tp.post(home, "/mydata/erase", url.Values{"confirm": {"yes"}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, "cookie choices were erased")
	_, err = l.ContactPoint(ctx, acct.ConsentSubject)
	assert.ErrorIs(t, err, consent.ErrForgotten, "the e-mail address is shredded")
	for _, dev := range []string{dev1, dev2} {
		rec, err := l.Store().Subject(ctx, dev)
		require.NoError(t, err)
		assert.True(t, rec.Forgotten(), "Alice's browsers are forgotten")
	}
	ok, err := l.Device(ctx, dev3)
	require.NoError(t, err)
	assert.True(t, ok, "Bob's browser is not")
	ids, err = l.PersonSubjects(ctx, person)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{acct.ConsentSubject, dev1, dev2}, ids, "the links stay, as proof")
	require.NoError(t, l.VerifyAll(ctx))
}

var phoneLinkRE = regexp.MustCompile(`https?://[^\s]+/account/phone/confirm\?token=[A-Za-z0-9_%\-]+`)

// The phone number joins the person once a texted link confirms it, once;
// a link for a number the account no longer has is refused; correcting
// the number unlinks the old one; erasure shreds the confirmed number.
func TestPhoneJoinsThePerson(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	ctx := context.Background()
	l := tp.app.ledger
	c := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(c, fakePerson).Status)
	assert.Contains(t, tp.get(c, "/account").Body, `id="phone-form"`, "not confirmed yet")

	text := func() string {
		t.Helper()
		r := tp.post(c, "/account/phone", url.Values{})
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		m := tp.lastMail()
		assert.Contains(t, m, "@sms.example.invalid", "a text message, through the outbox")
		link := phoneLinkRE.FindString(m)
		require.NotEmpty(t, link)
		return tokenOf(t, link)
	}
	tok := text()
	phone, ok := e164(fakePerson.Phone)
	require.True(t, ok)
	_, err := l.Find(ctx, pii.New(pii.Phone, phone))
	assert.ErrorIs(t, err, consent.ErrNotFound, "asking records nothing")

	r := tp.post(c, "/account/phone/confirm", url.Values{"token": {tok}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Contains(t, r.Body, "Your phone number is confirmed")
	assert.Contains(t, r.Body, `id="phone-linked"`)
	assert.Equal(t, http.StatusBadRequest, tp.post(c, "/account/phone/confirm", url.Values{"token": {tok}}).Status, "the link works once")
	assert.Equal(t, http.StatusBadRequest, tp.post(c, "/account/phone/confirm", url.Values{"token": {"garbage"}}).Status)

	acct, err := tp.app.login(ctx, pii.New(pii.Email, fakePerson.Email), fakePerson.Password)
	require.NoError(t, err)
	person, err := tp.app.accountPerson(ctx, acct)
	require.NoError(t, err)
	tel, err := l.Find(ctx, pii.New(pii.Phone, phone))
	require.NoError(t, err)
	who, err := l.Person(ctx, tel)
	require.NoError(t, err)
	assert.Equal(t, person, who, "the phone number's subject is the account's person's")

	// A link sent for the old number is refused once the number changed,
	// and the old number's subject leaves the person.
	stale := text()
	r = tp.post(c, "/account/edit", url.Values{"name": {fakePerson.Name}, "address": {fakePerson.Address}, "phone": {"617-555-0199"}})
	require.Equal(t, http.StatusOK, r.Status)
	who, err = l.Person(ctx, tel)
	require.NoError(t, err)
	assert.Empty(t, who, "the old number left the person")
	assert.Equal(t, http.StatusConflict, tp.post(c, "/account/phone/confirm", url.Values{"token": {stale}}).Status)
	assert.Contains(t, tp.get(c, "/account").Body, `id="phone-form"`, "the new number is not confirmed")

	// Confirm the new number, then delete the account: it is shredded.
	require.Equal(t, http.StatusOK, tp.post(c, "/account/phone/confirm", url.Values{"token": {text()}}).Status)
	newPhone, ok := e164("617-555-0199")
	require.True(t, ok)
	tel2, err := l.Find(ctx, pii.New(pii.Phone, newPhone))
	require.NoError(t, err)
	r = tp.post(c, "/mydata/erase", url.Values{"confirm": {"yes"}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	_, err = l.ContactPoint(ctx, tel2)
	assert.ErrorIs(t, err, consent.ErrForgotten, "the confirmed number is shredded")
	_, err = l.ContactPoint(ctx, tel)
	assert.NoError(t, err, "the number the resident left is not theirs to erase")
}
