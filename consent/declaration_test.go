package consent_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/pii"
)

// secret is a value that must never appear in an error: declarations hold
// no PII, but a caller could put some there by mistake.
const secret = "resident@example.com"

func TestDeclarationsValidated(t *testing.T) {
	ok := consent.PurposeDef{ID: "eline:weekly-news"}
	cases := []struct {
		name    string
		purpose consent.PurposeDef
		ctl     consent.Controller
		field   string // what the error must name; "" means no error
	}{
		{"no declarations: defaults apply", ok, consent.Controller{}, ""},
		{"every field declared", consent.PurposeDef{ID: "p", Retention: consent.Retention{Period: 3 * 365 * 24 * time.Hour, Description: "3 years"},
			StorageLocations: []string{"US", "US-MA"}, Recipients: []consent.Recipient{{Name: "Example Mail Service", Role: consent.RecipientProcessor,
				Purpose: "sends the newsletter", Location: "US", URL: "https://mail.example.com/privacy"}},
			Withdrawal: "Reply STOP.", Jurisdiction: "US-MA"}, consent.Controller{}, ""},
		{"a storage location must be an ISO 3166 code", consent.PurposeDef{ID: "p", StorageLocations: []string{secret}}, consent.Controller{}, "StorageLocations[0]"},
		{"lower-case codes are not ISO 3166", consent.PurposeDef{ID: "p", Jurisdiction: "us"}, consent.Controller{}, "Jurisdiction"},
		{"a recipient needs a name", consent.PurposeDef{ID: "p", Recipients: []consent.Recipient{{Role: consent.RecipientThirdParty}}}, consent.Controller{}, "Recipients[0].Name"},
		{"a recipient needs a known role", consent.PurposeDef{ID: "p", Recipients: []consent.Recipient{{Name: "Example Co", Role: "friend"}}}, consent.Controller{}, "Recipients[0].Role"},
		{"a recipient's policy must be a web address", consent.PurposeDef{ID: "p", Recipients: []consent.Recipient{{Name: "Example Co", Role: consent.RecipientProcessor, URL: secret}}}, consent.Controller{}, "Recipients[0].URL"},
		{"a retention period cannot be negative", consent.PurposeDef{ID: "p", Retention: consent.Retention{Period: -time.Hour}}, consent.Controller{}, "Retention.Period"},
		{"a withdrawal sentence is bounded", consent.PurposeDef{ID: "p", Withdrawal: string(make([]byte, 600))}, consent.Controller{}, "Withdrawal"},
		{"the controller's e-mail must be an address", ok, consent.Controller{Email: "privacy office"}, "controller: Email"},
		{"the controller's jurisdiction must be ISO 3166", ok, consent.Controller{Jurisdiction: "Massachusetts"}, "controller: Jurisdiction"},
		{"the controller's language must be BCP 47", ok, consent.Controller{Language: "English!"}, "controller: Language"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(t, 0), &consent.Options{
				Purposes: []consent.PurposeDef{c.purpose}, Controller: c.ctl})
			if c.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, consent.ErrBadDeclaration)
			assert.Contains(t, err.Error(), c.field)
			if c.ctl == (consent.Controller{}) {
				assert.Contains(t, err.Error(), "purpose "+c.purpose.ID, "the error names the purpose")
			}
			assert.NotContains(t, err.Error(), secret, "no value in the error")
		})
	}
}

func TestReceiptDeclarations(t *testing.T) {
	ctx := context.Background()
	clock := consenttest.NewClock(t0)
	l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(t, 0), &consent.Options{
		Now: clock.Now,
		Purposes: []consent.PurposeDef{
			{ID: "eline:weekly-news", Description: "E-Line weekly news", MaxAge: 730 * 24 * time.Hour,
				Retention:        consent.Retention{Period: 90 * 24 * time.Hour},
				StorageLocations: []string{"US-VA"},
				Recipients: []consent.Recipient{
					{Name: "Example Mail Service", Role: consent.RecipientProcessor, Purpose: "sends the newsletter", Location: "US"},
					{Name: "Example Library Foundation", Role: consent.RecipientThirdParty, Purpose: "invites to events"},
				},
				Jurisdiction: "US-MA"},
		},
		Controller: consent.Controller{Name: "City of Example", Email: "privacy@example.gov", Jurisdiction: "US-MA", Language: "en"},
	})
	require.NoError(t, err)
	id, err := l.Enroll(ctx, pii.New(pii.Email, secret))
	require.NoError(t, err)
	for _, p := range []consent.PurposeChannel{{Purpose: "eline:weekly-news", Channel: consent.Email}, {Purpose: "street-alerts", Channel: consent.SMS}} {
		_, err := l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: p.Purpose, Channel: p.Channel, Method: consent.WebForm, Actor: "subject"})
		require.NoError(t, err)
	}
	iso, err := l.ISOReceipt(ctx, id)
	require.NoError(t, err)
	require.Len(t, iso.Processing, 2)

	news, alerts := iso.Processing[0], iso.Processing[1]
	assert.Equal(t, "P90D", news.RetentionPeriod)
	assert.Contains(t, news.Retention, "90 days", "a sentence from the declared period")
	assert.Equal(t, []string{"US-VA"}, news.StorageLocations)
	assert.Len(t, news.Recipients, 2)
	assert.Equal(t, "US-MA", news.Jurisdiction)
	assert.Contains(t, news.WithdrawalMethod, "unsubscribe link", "the e-mail default")
	assert.Equal(t, "P730D", news.Validity)
	require.NotNil(t, news.ExpiresAt)
	assert.Equal(t, t0.Add(730*24*time.Hour), *news.ExpiresAt)

	// An undeclared purpose gets every default.
	assert.Empty(t, alerts.RetentionPeriod)
	assert.Contains(t, alerts.Retention, "retention schedule")
	assert.Equal(t, []string{"US-MA"}, alerts.StorageLocations, "the controller's jurisdiction")
	assert.Empty(t, alerts.Recipients)
	assert.Contains(t, alerts.WithdrawalMethod, "STOP", "the SMS default")
	assert.Empty(t, alerts.Validity, "until withdrawn")
	assert.Nil(t, alerts.ExpiresAt)

	kr, err := l.KantaraReceipt(ctx, id)
	require.NoError(t, err)
	var disclosed []string
	for _, s := range kr.Services {
		for _, p := range s.Purposes {
			if p.ThirdPartyDisclosure {
				disclosed = append(disclosed, p.ThirdPartyName)
			}
		}
	}
	assert.Equal(t, []string{"Example Library Foundation"}, disclosed, "a processor is no third party")
}
