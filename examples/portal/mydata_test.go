package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStaffRecordsAndMyData(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	alice := tp.client()
	require.Equal(t, http.StatusOK, tp.signup(alice, fakePerson).Status)
	r := tp.post(alice, "/pay", url.Values{"idem": {randomHex(16)}, "amount": {"12"}, "card": {fakePerson.Card}, "expiry": {"12/39"}, "cvc": {"123"}})
	require.Equal(t, http.StatusOK, r.Status)
	r = tp.post(alice, "/subscriptions", url.Values{"topic": {"eline:street-alerts"}})
	require.Equal(t, http.StatusOK, r.Status)

	// Staff pages are for staff.
	assert.Equal(t, http.StatusForbidden, tp.get(alice, "/staff/records").Status)

	clerk := tp.client()
	staff := fakePerson
	staff.Email, staff.Name = "clerk@example.com", "Carol Clerk"
	require.Equal(t, http.StatusOK, tp.signup(clerk, staff).Status)
	require.NoError(t, tp.app.setStaff(context.Background(), pii.New(pii.Email, staff.Email), true))
	r = tp.post(clerk, "/staff/records", url.Values{"jurisdiction": {"ma"}, "set": {"accounts", "payments"}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Regexp(t, `2 documents, [1-9][0-9]* redactions \(ma\)`, r.Body)
	id := regexp.MustCompile(`/staff/records/(rel_[0-9a-f]+)/review\.html`).FindStringSubmatch(r.Body)
	require.NotNil(t, id)
	review := tp.get(clerk, "/staff/records/"+id[1]+"/review.html")
	logCSV := tp.get(clerk, "/staff/records/"+id[1]+"/log.csv")
	require.Equal(t, http.StatusOK, review.Status)
	require.Equal(t, http.StatusOK, logCSV.Status)
	assert.Contains(t, logCSV.Body, "accounts.json")
	for _, secret := range []string{fakePerson.Email, fakePerson.Phone, fakePerson.Address, "Carol Clerk"} {
		assert.NotContains(t, r.Body, secret, "release page")
		assert.NotContains(t, review.Body, secret, "review report")
		assert.NotContains(t, logCSV.Body, secret, "redaction log")
	}
	assert.Equal(t, http.StatusForbidden, tp.get(alice, "/staff/records/"+id[1]+"/log.csv").Status)

	// The redacted files themselves can be downloaded; account numbers are
	// withheld like the rest of a customer's contact data; dates are dates.
	accounts := tp.get(clerk, "/staff/records/"+id[1]+"/accounts.json")
	payments := tp.get(clerk, "/staff/records/"+id[1]+"/payments.csv")
	require.Equal(t, http.StatusOK, accounts.Status)
	require.Equal(t, http.StatusOK, payments.Status)
	assert.Contains(t, accounts.Header.Get("Content-Disposition"), "attachment")
	for _, secret := range []string{fakePerson.Email, fakePerson.Phone, fakePerson.Address, fakePerson.Number, fakePerson.Name} {
		assert.NotContains(t, accounts.Body, secret, "released accounts")
		assert.NotContains(t, payments.Body, secret, "released payments")
	}
	assert.Regexp(t, `,\d{4}-\d{2}-\d{2}\r?\n`, payments.Body, "payment dates are readable")
	assert.Equal(t, http.StatusNotFound, tp.get(clerk, "/staff/records/"+id[1]+"/other.txt").Status)
	assert.Equal(t, http.StatusForbidden, tp.get(alice, "/staff/records/"+id[1]+"/accounts.json").Status)

	// My data: the page and the JSON export show Alice her data.
	r = tp.get(alice, "/mydata")
	require.Equal(t, http.StatusOK, r.Status)
	assert.Contains(t, r.Body, fakePerson.Address)
	assert.Contains(t, r.Body, `id="mydata-payments"`, "the payment history is on My data")
	assert.Contains(t, r.Body, "$12.00")
	assert.Contains(t, r.Body, "ending in 1111")
	r = tp.get(alice, "/mydata/export.json")
	require.Equal(t, http.StatusOK, r.Status)
	var ex struct {
		Account map[string]string `json:"account"`
		Records struct {
			Sources []struct {
				Source  string `json:"source"`
				Records []any  `json:"records"`
			} `json:"sources"`
		} `json:"records"`
		Consent        []any `json:"consent_status"`
		Sessions       []any `json:"sessions"`
		ConsentRecords struct {
			Records []any `json:"records"`
		} `json:"consent_records"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Body), &ex))
	assert.Equal(t, fakePerson.Email, ex.Account["email"])
	assert.NotEmpty(t, ex.Consent)
	counts := map[string]int{}
	for _, s := range ex.Records.Sources {
		counts[s.Source] = len(s.Records)
	}
	assert.Equal(t, map[string]int{"accounts": 1, "payments": 1}, counts)
	assert.Len(t, ex.Sessions, 1, "the active session is in the export")
	assert.NotEmpty(t, ex.ConsentRecords.Records, "the consent history as ISO/IEC TS 27560 records")

	// Erasure: the account and session go, the payment is deferred (card
	// receipts are kept 3 years), the e-mail is shredded from the ledger.
	acct, err := tp.app.login(context.Background(), pii.New(pii.Email, fakePerson.Email), fakePerson.Password)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, tp.post(alice, "/mydata/erase", url.Values{}).Status, "needs the confirmation box")
	r = tp.post(alice, "/mydata/erase", url.Values{"confirm": {"yes"}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	assert.Regexp(t, `accounts</td><td>account</td><td><span class="tag disposed">disposed`, r.Body)
	assert.Regexp(t, `payments</td><td>payment.card_token</td><td><span class="tag deferred">deferred</span> until`, r.Body)
	assert.Contains(t, r.Body, "You are logged out")
	_, err = tp.app.login(context.Background(), pii.New(pii.Email, fakePerson.Email), fakePerson.Password)
	assert.ErrorIs(t, err, errBadLogin, "account deleted")
	_, err = tp.app.ledger.ContactPoint(context.Background(), acct.ConsentSubject)
	assert.Error(t, err, "contact point shredded")
	assert.True(t, tp.get(alice, "/mydata").FinalURL != tp.srv.URL+"/mydata", "signed out")
	pays, err := tp.app.payments(context.Background(), acct.ID)
	require.NoError(t, err)
	assert.Len(t, pays, 1, "payment kept as the schedule requires")
}
