package main

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/cookies"
)

// The banner's answers are consent events of a device subject, with a
// history: allow, then Global Privacy Control, then allow again and refuse.
func TestCookieChoicesAreLedgerEvents(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	c := tp.client()
	assert.Contains(t, tp.get(c, "/").Body, `id="cookie-banner"`, "no answer yet: the banner shows")
	tp.post(c, "/cookies", url.Values{"choice": {"all"}})
	u, _ := url.Parse(tp.srv.URL)
	dev := ""
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == tp.app.choice {
			dev = ck.Value
		}
	}
	require.NotEmpty(t, dev, "the choice cookie carries the device's subject id")
	ctx := context.Background()
	ok, err := tp.app.ledger.Device(ctx, dev)
	require.NoError(t, err)
	require.True(t, ok)
	assert.NotContains(t, tp.get(c, "/").Body, `id="cookie-banner"`, "answered: no banner")

	d, err := tp.app.ledger.MayContact(ctx, dev, purposeAnalytics, consent.Web)
	require.NoError(t, err)
	assert.True(t, d.Allowed)
	require.NotNil(t, d.Event)
	assert.Equal(t, tp.app.notice.Ref(), d.Event.Notice, "the event names the notice shown")

	r := tp.do(c, http.MethodGet, "/", nil, http.Header{"Sec-GPC": {"1"}})
	require.Equal(t, http.StatusOK, r.Status)
	tp.do(c, http.MethodGet, "/", nil, http.Header{"Sec-GPC": {"1"}})
	tp.post(c, "/cookies", url.Values{"choice": {"all"}})
	tp.post(c, "/cookies", url.Values{"choice": {"necessary"}})

	hist, err := tp.app.ledger.History(ctx, dev)
	require.NoError(t, err)
	var got []string
	for _, e := range hist {
		got = append(got, string(e.Type)+"/"+string(e.Method))
	}
	assert.Equal(t, []string{"given/web_form", "withdrawn/gpc", "given/web_form", "withdrawn/web_form"}, got,
		"GPC withdraws once; each answer is one event")
	for _, e := range hist {
		assert.Equal(t, consent.HashKeyedPRF, e.HashScheme, "the portal's ledger keys its hash chain")
		assert.Equal(t, tp.app.keys.Chain.Primary(), e.HashKey, "with the chain keyring's primary key")
	}
	require.NoError(t, tp.app.ledger.Verify(ctx, dev))
	req, err := http.NewRequest(http.MethodGet, tp.srv.URL+"/", nil)
	require.NoError(t, err)
	req.AddCookie(&http.Cookie{Name: tp.app.choice, Value: dev})
	assert.False(t, tp.app.cookieConsent(req, cookies.Analytics), "refused last: no analytics")
}
