package consent_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/pii"
)

// A cookie banner's answers are ledger events of a device subject: given,
// then withdrawn by Global Privacy Control, with the history to show.
func TestDeviceCookieChoices(t *testing.T) {
	ctx := context.Background()
	l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	notice := consent.NewNotice("cookie-notice", 3, []byte("We count page views with your permission."), "", t0)
	require.NoError(t, l.PublishNotice(ctx, notice))

	dev, err := l.EnrollDevice(ctx)
	require.NoError(t, err)
	other, err := l.EnrollDevice(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, dev, other, "every device is its own subject")
	ok, err := l.Device(ctx, dev)
	require.NoError(t, err)
	assert.True(t, ok)
	person, err := l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	require.NoError(t, err)
	for _, id := range []string{person, "s_unknown", "not an id!", ""} {
		ok, err := l.Device(ctx, id)
		require.NoError(t, err)
		assert.False(t, ok, "%q is no device", id)
	}

	d, err := l.MayContact(ctx, dev, "cookies:analytics", consent.Web)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "nothing chosen: no analytics")
	_, err = l.Record(ctx, consent.Event{Subject: dev, Type: consent.Given, Purpose: "cookies:analytics", Channel: consent.Web,
		Method: consent.WebForm, Notice: notice.Ref(), Actor: "subject", Detail: "cookie banner"})
	require.NoError(t, err)
	d, err = l.MayContact(ctx, dev, "cookies:analytics", consent.Web)
	require.NoError(t, err)
	assert.True(t, d.Allowed)
	left, err := l.Withdraw(ctx, dev, "cookies:analytics", consent.Web, consent.GPCSignal, "Sec-GPC: 1")
	require.NoError(t, err)
	assert.True(t, left)
	hist, err := l.History(ctx, dev)
	require.NoError(t, err)
	require.Len(t, hist, 2)
	assert.Equal(t, consent.GPCSignal, hist[1].Method, "the history shows what withdrew it")
	require.NoError(t, l.Verify(ctx, dev))
	_, err = l.ContactPoint(ctx, dev)
	assert.Error(t, err, "a device has no contact point")
	require.NoError(t, l.Forget(ctx, dev, consent.WebForm, "subject"))
	ok, err = l.Device(ctx, dev)
	require.NoError(t, err)
	assert.False(t, ok, "a forgotten device is no longer one")
}
