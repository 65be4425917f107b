package consenttest

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
)

// testLedgerRecords checks Ledger.ExportRecords on the store: one record
// per purpose and channel, the published notices' metadata read back from
// the store, events and hashes as History gives them, ids stable as the
// history grows, and no contact data.
func testLedgerRecords(t *testing.T, s consent.Store) {
	ctx := context.Background()
	clock := NewClock(t0)
	l, err := consent.New(s, NewKeys(t, 0), &consent.Options{
		Now: clock.Now,
		Purposes: []consent.PurposeDef{
			{ID: "eline:weekly-news", Retention: consent.Retention{Period: 90 * 24 * time.Hour}, StorageLocations: []string{"US"},
				Recipients: []consent.Recipient{{Name: "Example Mail Service", Role: consent.RecipientProcessor}}},
			{ID: "surveys", MaxAge: 24 * time.Hour},
		},
		Controller: consent.Controller{Name: "City of Example", Email: "privacy@example.gov", Jurisdiction: "US-MA"},
	})
	require.NoError(t, err)
	notice := consent.NewNotice("eline-privacy", 1, []byte("E-Line: weekly news, unsubscribe at any time."), "https://www.example.gov/eline/privacy", t0)
	require.NoError(t, l.PublishNotice(ctx, notice))
	id, err := l.Enroll(ctx, email(1))
	require.NoError(t, err)
	for _, e := range []consent.Event{
		{Type: consent.Given, Purpose: "eline:weekly-news", Channel: consent.Email, Notice: notice.Ref()},
		{Type: consent.Given, Purpose: "surveys", Channel: consent.Email},
		{Type: consent.Given, Purpose: "eline:weekly-news", Channel: consent.SMS},
		{Type: consent.Withdrawn, Purpose: "eline:weekly-news", Channel: consent.SMS},
	} {
		e.Subject, e.Method, e.Actor = id, consent.WebForm, "subject"
		_, err := l.Record(ctx, e)
		require.NoError(t, err)
		clock.Advance(time.Hour)
	}
	clock.Advance(48 * time.Hour)

	x, err := l.ExportRecords(ctx, id)
	require.NoError(t, err)
	history, err := l.History(ctx, id)
	require.NoError(t, err)
	require.Len(t, x.Records, 3, "one record per purpose and channel")
	assert.Equal(t, hex.EncodeToString(history[len(history)-1].Hash), x.ChainHead)

	news, surveys, sms := x.Records[0], x.Records[1], x.Records[2]
	require.Len(t, news.Notices, 1)
	assert.Equal(t, notice.URL, news.Notices[0].URL)
	assert.Equal(t, hex.EncodeToString(notice.TextSHA256), news.Notices[0].TextSHA256)
	require.NotNil(t, news.Notices[0].EffectiveAt)
	assert.True(t, notice.EffectiveAt.Equal(*news.Notices[0].EffectiveAt))
	assert.Equal(t, "P90D", news.Processing.RetentionPeriod)
	assert.Len(t, news.Recipients, 1)
	require.Len(t, news.Events, 1)
	assert.Equal(t, hex.EncodeToString(history[0].Hash), news.Events[0].Hash)

	assert.Equal(t, consent.StatusExpired, surveys.Consent.Status, "older than MaxAge")
	assert.Equal(t, []string{"US-MA"}, surveys.Processing.StorageLocations, "the controller's jurisdiction by default")

	assert.Equal(t, consent.StatusWithdrawn, sms.Consent.Status)
	require.Len(t, sms.Events, 2)
	assert.NotNil(t, sms.Consent.WithdrawnAt)

	b, err := json.Marshal(x)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "example.com\"", "no contact data in an export")
	assert.NotContains(t, string(b), "resident1", "no contact data in an export")

	_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Withdrawn, Purpose: "eline:weekly-news",
		Channel: consent.Email, Method: consent.OneClick, Actor: "subject"})
	require.NoError(t, err)
	y, err := l.ExportRecords(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, news.RecordID, y.Records[0].RecordID, "a record keeps its id through the consent's life")
	assert.Len(t, y.Records[0].Events, 2)
}
