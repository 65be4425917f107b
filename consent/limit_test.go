package consent_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Confirmation requests are limited per subject and channel, from the
// ledger's own Requested events: nobody can mail-bomb an address through
// a sign-up form.
func TestRequestLimit(t *testing.T) {
	ctx := context.Background()
	clock := consenttest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	store := consent.NewMemoryStore()
	keys := consenttest.NewKeys(t, 0)
	opts := &consent.Options{Now: clock.Now, RequestLimit: 3, RequestWindow: time.Hour}
	l, err := consent.New(store, keys, opts)
	require.NoError(t, err)
	id, err := l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	require.NoError(t, err)
	other, err := l.Enroll(ctx, pii.New(pii.Email, "neighbour@example.com"))
	require.NoError(t, err)

	purposes := []string{"eline:weekly-news", "street-alerts", "eline:weekly-news"}
	for i, p := range purposes {
		clock.Advance(time.Minute)
		_, _, err := l.Request(ctx, id, p, consent.Email, consent.NoticeRef{}, consent.WebForm)
		require.NoError(t, err, "request %d is within the limit", i+1)
	}
	clock.Advance(time.Minute)
	_, _, err = l.Request(ctx, id, "eline:weekly-news", consent.Email, consent.NoticeRef{}, consent.WebForm)
	var le *consent.LimitError
	require.ErrorAs(t, err, &le, "the fourth request in the hour, whatever the purpose, is refused")
	assert.True(t, errors.Is(err, consent.ErrTooManyRequests))
	assert.Equal(t, 57*time.Minute, le.RetryAfter, "when the first request leaves the window")
	assert.NotContains(t, err.Error(), "resident", "the error names no contact point")
	h, err := l.History(ctx, id)
	require.NoError(t, err)
	assert.Len(t, h, 3, "a refused request records nothing")

	_, _, err = l.Request(ctx, id, "eline:weekly-news", consent.SMS, consent.NoticeRef{}, consent.WebForm)
	assert.NoError(t, err, "another channel has its own budget")
	_, _, err = l.Request(ctx, other, "eline:weekly-news", consent.Email, consent.NoticeRef{}, consent.WebForm)
	assert.NoError(t, err, "another subject has its own budget")

	// Another server on the same store sees the same events.
	l2, err := consent.New(store, keys, opts)
	require.NoError(t, err)
	_, _, err = l2.Request(ctx, id, "street-alerts", consent.Email, consent.NoticeRef{}, consent.WebForm)
	assert.ErrorIs(t, err, consent.ErrTooManyRequests, "the limit holds across servers")

	clock.Advance(57 * time.Minute)
	_, _, err = l.Request(ctx, id, "eline:weekly-news", consent.Email, consent.NoticeRef{}, consent.WebForm)
	assert.NoError(t, err, "a place frees up when the oldest request leaves the window")

	unlimited, err := consent.New(consent.NewMemoryStore(), keys, &consent.Options{RequestLimit: -1})
	require.NoError(t, err)
	uid, err := unlimited.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	require.NoError(t, err)
	for range 20 {
		_, _, err := unlimited.Request(ctx, uid, "eline:weekly-news", consent.Email, consent.NoticeRef{}, consent.WebForm)
		require.NoError(t, err, "a negative limit turns it off")
	}
	_, err = consent.New(store, keys, &consent.Options{RequestWindow: -time.Second})
	assert.Error(t, err)
}
