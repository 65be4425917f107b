package consent_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
)

func TestReceipts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, err := f.l.Withdraw(ctx, f.subject, "street-alerts", consent.SMS, consent.SMSKeyword, "keyword STOP")
	require.NoError(t, err)

	iso, err := f.l.ISOReceipt(ctx, f.subject)
	require.NoError(t, err)
	assert.Equal(t, f.subject, iso.PIIPrincipalID, "the principal is the opaque subject id")
	require.Len(t, iso.Events, 3)
	require.Len(t, iso.Processing, 2)
	assert.Equal(t, consent.StatusGiven, iso.Processing[0].Status)
	assert.Equal(t, "https://w3id.org/dpv#ConsentGiven", iso.Processing[0].StatusIRI)
	assert.Equal(t, "E-Line weekly news", iso.Processing[0].Description)
	assert.Equal(t, consent.StatusWithdrawn, iso.Processing[1].Status)
	assert.Equal(t, iso.Events[2].Hash, iso.ChainHead)
	assert.Len(t, iso.RecordID, 32)

	kr, err := f.l.KantaraReceipt(ctx, f.subject)
	require.NoError(t, err)
	assert.Equal(t, "KI-CR-v1.1.0", kr.Version)
	assert.Equal(t, "US-MA", kr.Jurisdiction)
	assert.Equal(t, f.subject, kr.PIIPrincipalID)
	require.Len(t, kr.Services, 1, "only current consents: the SMS one was withdrawn")
	require.Len(t, kr.Services[0].Purposes, 1)
	assert.Equal(t, "E-Line weekly news", kr.Services[0].Purposes[0].Purpose)
	assert.Equal(t, "EXPLICIT", kr.Services[0].Purposes[0].ConsentType)
	assert.Equal(t, t0.Unix(), kr.ConsentTimestamp)
	assert.Equal(t, iso.RecordID, kr.ConsentReceiptID, "both receipts of one history share an id")

	for name, v := range map[string]any{"iso": iso, "kantara": kr} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		assert.NotContains(t, string(b), "resident@example.com", "%s: no contact data in a receipt", name)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		if name == "kantara" {
			for _, k := range []string{"version", "jurisdiction", "consentTimestamp", "collectionMethod", "consentReceiptID",
				"piiPrincipalId", "piiControllers", "policyUrl", "services", "sensitive", "spiCat"} {
				assert.Contains(t, m, k, "Kantara v1.1 requires %s", k)
			}
		}
	}

	// A new event gives a new receipt id.
	_, err = f.l.Withdraw(ctx, f.subject, "eline:weekly-news", consent.Email, consent.WebForm, "")
	require.NoError(t, err)
	iso2, err := f.l.ISOReceipt(ctx, f.subject)
	require.NoError(t, err)
	assert.NotEqual(t, iso.RecordID, iso2.RecordID)
	_, err = f.l.ISOReceipt(ctx, "s-unknown")
	assert.ErrorIs(t, err, consent.ErrNotFound)
}

func TestOutdated(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	v1 := consent.NewNotice("eline-privacy", 1, []byte("v1 text"), "https://www.example.gov/p/1", t0)
	v2 := consent.NewNotice("eline-privacy", 2, []byte("v2 text"), "https://www.example.gov/p/2", t0)
	require.NoError(t, f.l.PublishNotice(ctx, v1))
	_, err := f.l.Record(ctx, consent.Event{Subject: f.subject, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject", Notice: v1.Ref()})
	require.NoError(t, err)
	require.NoError(t, f.l.PublishNotice(ctx, v2))
	ids, err := f.l.Outdated(ctx, "surveys", v2.Ref())
	require.NoError(t, err)
	assert.Equal(t, []string{f.subject}, ids, "consent rests on v1")

	tok, _, err := f.l.Request(ctx, f.subject, "surveys", consent.Email, v2.Ref(), consent.EmailLink)
	require.NoError(t, err)
	ids, err = f.l.Outdated(ctx, "surveys", v2.Ref())
	require.NoError(t, err)
	assert.Equal(t, []string{f.subject}, ids, "asking again does not by itself move the consent")
	c, err := f.l.Confirm(ctx, tok)
	require.NoError(t, err)
	assert.Equal(t, consent.Renewed, c.Event.Type, "confirming over an existing consent renews it")
	assert.Equal(t, v2.Ref(), c.Event.Notice)
	ids, err = f.l.Outdated(ctx, "surveys", v2.Ref())
	require.NoError(t, err)
	assert.Empty(t, ids)
	d, err := f.l.MayContact(ctx, f.subject, "surveys", consent.Email)
	require.NoError(t, err)
	assert.Equal(t, consent.StatusRenewed, d.Status)
	assert.True(t, d.Allowed)

	assert.Error(t, f.l.PublishNotice(ctx, consent.Notice{ID: "x", Version: 0}), "version starts at 1")
	assert.ErrorIs(t, f.l.PublishNotice(ctx, consent.NewNotice("eline-privacy", 2, []byte("edited"), "", t0)), consent.ErrNoticeConflict)
}
