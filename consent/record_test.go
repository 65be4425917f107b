package consent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/pii"
)

// compileSchema compiles name from the package's published schemas
// (consent.RecordSchemas, the files in consent/schema), asserting formats.
func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	const base = "https://schemas.example.invalid/consent/"
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, f := range []string{"consent-record.schema.json", "consent-records.schema.json"} {
		b, err := fs.ReadFile(consent.RecordSchemas(), f)
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		require.NoError(t, err)
		require.NoError(t, c.AddResource(base+f, doc))
	}
	s, err := c.Compile(base + name)
	require.NoError(t, err)
	return s
}

// recordSchema is the schema of a RecordExport.
func recordSchema(t *testing.T) *jsonschema.Schema {
	return compileSchema(t, "consent-records.schema.json")
}

// exportFixture returns a ledger with declared purposes and a subject
// whose history has a confirmed double opt-in under a published notice,
// an SMS consent withdrawn by STOP, and a consent that expired.
func exportFixture(t *testing.T) (*consent.Ledger, *consenttest.Clock, string) {
	t.Helper()
	ctx := context.Background()
	clock := consenttest.NewClock(t0)
	l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(t, 0), &consent.Options{
		Now: clock.Now,
		Purposes: []consent.PurposeDef{
			{ID: "eline:weekly-news", Description: "E-Line weekly news",
				Retention:        consent.Retention{Period: 90 * 24 * time.Hour, Description: "The address until you leave the list; the record of your choices as the retention schedule requires."},
				StorageLocations: []string{"US"},
				Recipients:       []consent.Recipient{{Name: "Example Mail Service", Role: consent.RecipientProcessor, Purpose: "sends the newsletter", Location: "US", URL: "https://mail.example.com/privacy"}}},
			{ID: "street-alerts", Description: "Street closure alerts", Withdrawal: "Reply STOP to any alert."},
			{ID: "surveys", Description: "Resident surveys", MaxAge: 30 * 24 * time.Hour},
		},
		Controller: consent.Controller{Name: "City of Example", Contact: "Privacy Office", Address: "1 Main St, Example, MA 02139",
			Email: "privacy@example.gov", Phone: "555-010-0100", URL: "https://www.example.gov", PolicyURL: "https://www.example.gov/privacy",
			Jurisdiction: "US-MA", Language: "en"},
	})
	require.NoError(t, err)
	notice := consent.NewNotice("eline-privacy", 1, []byte("E-Line is opt-in."), "https://www.example.gov/eline/privacy", t0)
	require.NoError(t, l.PublishNotice(ctx, notice))
	script := consent.NewNotice("surveys-script", 2, []byte("Survey calls script, version 2."), "", t0)
	require.NoError(t, l.PublishNotice(ctx, script))
	id, err := l.Enroll(ctx, pii.New(pii.Email, secret))
	require.NoError(t, err)

	tok, _, err := l.Request(ctx, id, "eline:weekly-news", consent.Email, notice.Ref(), consent.WebForm)
	require.NoError(t, err)
	clock.Advance(time.Hour)
	_, err = l.Confirm(ctx, tok)
	require.NoError(t, err)
	for _, e := range []consent.Event{
		{Type: consent.Given, Purpose: "street-alerts", Channel: consent.SMS, Method: consent.WebForm},
		{Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.PhoneCall, Notice: script.Ref()},
	} {
		e.Subject, e.Actor = id, "subject"
		_, err := l.Record(ctx, e)
		require.NoError(t, err)
	}
	clock.Advance(time.Hour)
	_, err = l.Withdraw(ctx, id, "street-alerts", consent.SMS, consent.SMSKeyword, "keyword STOP")
	require.NoError(t, err)
	clock.Advance(31 * 24 * time.Hour) // the survey consent lapses
	return l, clock, id
}

func TestExportRecords(t *testing.T) {
	ctx := context.Background()
	l, clock, id := exportFixture(t)
	x, err := l.ExportRecords(ctx, id)
	require.NoError(t, err)

	assert.Equal(t, id, x.PIIPrincipalID)
	require.Len(t, x.Records, 3, "one record per purpose and channel")
	news, alerts, surveys := x.Records[0], x.Records[1], x.Records[2]

	assert.Equal(t, "eline:weekly-news", news.Processing.PurposeID)
	require.Len(t, news.Events, 2, "requested, then confirmed")
	assert.Equal(t, consent.StatusGiven, news.Consent.Status)
	assert.Equal(t, "P90D", news.Processing.RetentionPeriod)
	assert.Equal(t, []string{"US"}, news.Processing.StorageLocations)
	assert.Equal(t, "US-MA", news.Processing.Jurisdiction, "the controller's, by default")
	require.Len(t, news.Recipients, 1)
	require.Len(t, news.Notices, 1)
	assert.Equal(t, "https://www.example.gov/eline/privacy", news.Notices[0].URL, "the published notice's metadata")
	assert.Len(t, news.Notices[0].TextSHA256, 64)
	assert.Equal(t, t0, news.Created)
	assert.Equal(t, t0.Add(time.Hour), news.Updated)

	assert.Equal(t, consent.StatusWithdrawn, alerts.Consent.Status)
	require.NotNil(t, alerts.Consent.WithdrawnAt)
	assert.Equal(t, "Reply STOP to any alert.", alerts.Processing.WithdrawalMethod, "declared")
	assert.Empty(t, alerts.Notices)

	assert.Equal(t, consent.StatusExpired, surveys.Consent.Status, "older than MaxAge, as MayContact says")
	assert.Equal(t, "https://w3id.org/dpv#ConsentExpired", surveys.Consent.StatusIRI)
	assert.Equal(t, "P30D", surveys.Consent.Validity)
	require.NotNil(t, surveys.Consent.ExpiresAt)
	require.Len(t, surveys.Notices, 1)
	assert.Empty(t, surveys.Notices[0].URL, "a notice read on the phone has no URL")
	assert.Len(t, surveys.Notices[0].TextSHA256, 64)

	b, err := json.Marshal(x)
	require.NoError(t, err)
	assert.NotContains(t, string(b), secret, "no contact data in an export")
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	require.NoError(t, recordSchema(t).Validate(inst), "the export conforms to the schema")
	one := compileSchema(t, "consent-record.schema.json")
	for i, r := range x.Records {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		require.NoError(t, err)
		assert.NoError(t, one.Validate(inst), "record %d alone conforms to the record schema", i)
	}

	// The record is the consent's for its whole life: a new event updates
	// it, under the same id.
	_, err = l.Withdraw(ctx, id, "eline:weekly-news", consent.Email, consent.OneClick, "")
	require.NoError(t, err)
	clock.Advance(time.Minute)
	x2, err := l.ExportRecords(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, news.RecordID, x2.Records[0].RecordID)
	assert.Len(t, x2.Records[0].Events, 3)
	assert.NotEqual(t, x.ChainHead, x2.ChainHead)

	_, err = l.ExportRecords(ctx, "s-unknown")
	assert.ErrorIs(t, err, consent.ErrNotFound)
}

func TestExportNeedsController(t *testing.T) {
	l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	_, err = l.ExportRecords(context.Background(), "s1")
	assert.ErrorContains(t, err, "Controller")
}

// TestRecordSchemaRejects proves the schema has teeth: each change to a
// produced export must make it invalid.
func TestRecordSchemaRejects(t *testing.T) {
	l, _, id := exportFixture(t)
	x, err := l.ExportRecords(context.Background(), id)
	require.NoError(t, err)
	b, err := json.Marshal(x)
	require.NoError(t, err)
	schema := recordSchema(t)

	cases := []struct {
		name   string
		change func(m map[string]any)
	}{
		{"a record without a withdrawal method", func(m map[string]any) { delete(processing(m), "withdrawal_method") }},
		{"a record without a retention", func(m map[string]any) { delete(processing(m), "retention") }},
		{"a storage location that is no ISO 3166 code", func(m map[string]any) { processing(m)["storage_locations"] = []any{"Virginia"} }},
		{"a retention period that is no ISO 8601 duration", func(m map[string]any) { processing(m)["retention_period"] = "90 days" }},
		{"an empty ISO 8601 duration", func(m map[string]any) { processing(m)["retention_period"] = "PT" }},
		{"a recipient of unknown role", func(m map[string]any) {
			record(m)["recipients"] = []any{map[string]any{"name": "Example Co", "role": "friend"}}
		}},
		{"a contact point smuggled into a record", func(m map[string]any) { record(m)["contact"] = "someone@example.com" }},
		{"a principal id that is an e-mail address", func(m map[string]any) { record(m)["pii_principal_id"] = "someone@example.com" }},
		{"a controller with no way to reach it", func(m map[string]any) {
			c := record(m)["pii_controller"].(map[string]any)
			for _, k := range []string{"email", "phone", "address", "url"} {
				c[k] = ""
			}
		}},
		{"a status that is no DPV consent status", func(m map[string]any) { record(m)["consent"].(map[string]any)["status"] = "Subscribed" }},
		{"a record without events", func(m map[string]any) { record(m)["events"] = []any{} }},
		{"an event time that is no date-time", func(m map[string]any) {
			record(m)["events"].([]any)[0].(map[string]any)["event_time"] = "yesterday"
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m map[string]any
			require.NoError(t, json.Unmarshal(b, &m))
			c.change(m)
			changed, err := json.Marshal(m)
			require.NoError(t, err)
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(changed))
			require.NoError(t, err)
			assert.Error(t, schema.Validate(inst))
		})
	}
}

func record(m map[string]any) map[string]any { return m["records"].([]any)[0].(map[string]any) }

func processing(m map[string]any) map[string]any { return record(m)["processing"].(map[string]any) }
