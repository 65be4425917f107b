package consent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// hexHash matches a hex SHA-256, which the golden comparison ignores: the
// chain's hash function may change (a keyed chain) without the record's
// shape changing.
var hexHash = regexp.MustCompile(`"[0-9a-f]{64}"`)

// TestRecordsGolden keeps a sample export (testdata/records.golden.json):
// a fixed subject id and clock make everything but the hashes stable.
// Run with -update to rewrite it after a deliberate change.
func TestRecordsGolden(t *testing.T) {
	ctx := context.Background()
	store := consent.NewMemoryStore()
	clock := consenttest.NewClock(t0)
	l, err := consent.New(store, consenttest.NewKeys(t, 0), &consent.Options{
		Now: clock.Now,
		Purposes: []consent.PurposeDef{
			{ID: "eline:weekly-news", Description: "E-Line weekly news", MaxAge: 730 * 24 * time.Hour,
				Retention:        consent.Retention{Period: 90 * 24 * time.Hour},
				StorageLocations: []string{"US"},
				Recipients: []consent.Recipient{{Name: "Example Mail Service", Role: consent.RecipientProcessor,
					Purpose: "sends the newsletter", Location: "US", URL: "https://mail.example.com/privacy"}}},
			{ID: "street-alerts", Description: "Street closure alerts"},
		},
		Controller: consent.Controller{Name: "City of Example", Contact: "Privacy Office", Address: "1 Main St, Example, MA 02139",
			Email: "privacy@example.gov", Phone: "555-010-0100", URL: "https://www.example.gov", PolicyURL: "https://www.example.gov/privacy",
			Jurisdiction: "US-MA", Language: "en"},
	})
	require.NoError(t, err)
	notice := consent.NewNotice("eline-privacy", 1, []byte("E-Line is opt-in; leave from any message."), "https://www.example.gov/eline/privacy", t0)
	require.NoError(t, l.PublishNotice(ctx, notice))
	const subject = "s_example_0001"
	_, _, err = store.CreateSubject(ctx, consent.SubjectRecord{ID: subject, Kind: consent.ContactEmail,
		Contact: []byte("sealed"), Index: []byte{1}, CreatedAt: t0}, nil)
	require.NoError(t, err)
	for _, e := range []consent.Event{
		{Type: consent.Requested, Purpose: "eline:weekly-news", Channel: consent.Email, Method: consent.WebForm, Notice: notice.Ref()},
		{Type: consent.Confirmed, Purpose: "eline:weekly-news", Channel: consent.Email, Method: consent.EmailLink, Notice: notice.Ref()},
		{Type: consent.Given, Purpose: "street-alerts", Channel: consent.SMS, Method: consent.Paper},
		{Type: consent.Withdrawn, Purpose: "street-alerts", Channel: consent.SMS, Method: consent.SMSKeyword, Detail: "keyword STOP"},
	} {
		e.Subject, e.Actor = subject, "subject"
		_, err := l.Record(ctx, e)
		require.NoError(t, err)
		clock.Advance(time.Hour)
	}
	x, err := l.ExportRecords(ctx, subject)
	require.NoError(t, err)
	got, err := json.MarshalIndent(x, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')

	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(got))
	require.NoError(t, err)
	require.NoError(t, recordSchema(t).Validate(inst))

	path := filepath.Join("testdata", "records.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run TestRecordsGolden -update to create it")
	assert.Equal(t, string(hexHash.ReplaceAll(want, []byte(`"<sha256>"`))), string(hexHash.ReplaceAll(got, []byte(`"<sha256>"`))),
		"the export changed; if deliberately, rerun with -update")
}
