package consent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/pii"
)

// personSchema compiles consent-person-records.schema.json with the
// schemas it refers to, asserting formats.
func personSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	const base = "https://schemas.example.invalid/consent/"
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, f := range []string{"consent-record.schema.json", "consent-records.schema.json", "consent-person-records.schema.json"} {
		b, err := fs.ReadFile(consent.RecordSchemas(), f)
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		require.NoError(t, err)
		require.NoError(t, c.AddResource(base+f, doc))
	}
	s, err := c.Compile(base + "consent-person-records.schema.json")
	require.NoError(t, err)
	return s
}

// personFixture returns a ledger and a person with an e-mail subject (a
// confirmed list, a withdrawn one), a phone subject and a device subject,
// one of them unlinked and linked again.
func personFixture(t *testing.T) (*consent.Ledger, string) {
	t.Helper()
	ctx := context.Background()
	l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(t, 0), &consent.Options{
		Now:        consenttest.NewClock(t0).Now,
		Purposes:   []consent.PurposeDef{{ID: "eline:weekly-news", Description: "Weekly E-Line news"}},
		Controller: consent.Controller{Name: "City of Example", Email: "privacy@example.gov", Jurisdiction: "US-MA"},
	})
	require.NoError(t, err)
	mail, err := l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	require.NoError(t, err)
	tel, err := l.Enroll(ctx, pii.New(pii.Phone, "+1 617 555 0100"))
	require.NoError(t, err)
	dev, err := l.EnrollDevice(ctx)
	require.NoError(t, err)
	for _, e := range []consent.Event{
		{Subject: mail, Type: consent.Given, Purpose: "eline:weekly-news", Channel: consent.Email},
		{Subject: tel, Type: consent.Given, Purpose: "street-alerts", Channel: consent.SMS},
		{Subject: dev, Type: consent.Given, Purpose: "cookies:analytics", Channel: consent.Web},
	} {
		e.Method, e.Actor = consent.WebForm, "subject"
		_, err := l.Record(ctx, e)
		require.NoError(t, err)
	}
	_, err = l.Withdraw(ctx, tel, "street-alerts", consent.SMS, consent.SMSKeyword, "keyword STOP")
	require.NoError(t, err)
	p, err := consent.NewPersonID()
	require.NoError(t, err)
	_, err = l.Link(ctx, p, []string{mail, tel, dev}, consent.WebForm, "subject")
	require.NoError(t, err)
	ok, err := l.Unlink(ctx, p, dev, consent.StaffAction, "staff:1")
	require.NoError(t, err)
	require.True(t, ok)
	_, err = l.Link(ctx, p, []string{dev}, consent.StaffAction, "staff:1")
	require.NoError(t, err)
	return l, p
}

// The per-person export conforms to its published schema, and the schema
// is no rubber stamp: a link event of another type or a subject export
// without its records is refused.
func TestExportPersonRecordsSchema(t *testing.T) {
	l, p := personFixture(t)
	x, err := l.ExportPersonRecords(context.Background(), p)
	require.NoError(t, err)
	require.Len(t, x.Subjects, 3)
	require.Len(t, x.Links, 5, "three Linked, an Unlinked, a Linked")
	b, err := json.Marshal(x)
	require.NoError(t, err)
	s := personSchema(t)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	require.NoError(t, s.Validate(inst), "the export conforms to the schema")
	assert.NotContains(t, string(b), "resident@", "no contact data")
	assert.NotContains(t, string(b), "5550100", "no contact data")

	broken := []struct {
		why    string
		change func(m map[string]any)
	}{
		{"a link event that is consent", func(m map[string]any) {
			m["links"].([]any)[0].(map[string]any)["event_type"] = "given"
		}},
		{"a subject export without its records", func(m map[string]any) {
			delete(m["subjects"].([]any)[0].(map[string]any), "records")
		}},
		{"a person id that is a contact point", func(m map[string]any) { m["person_id"] = "resident@example.com" }},
		{"no subjects", func(m map[string]any) { m["subjects"] = []any{} }},
	}
	for _, c := range broken {
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		c.change(m)
		changed, err := json.Marshal(m)
		require.NoError(t, err)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(changed))
		require.NoError(t, err)
		assert.Error(t, s.Validate(inst), c.why)
	}
}

// Link and friends refuse malformed input before the store is asked, and
// say when the store cannot link.
func TestLinkMisuse(t *testing.T) {
	ctx := context.Background()
	l, p := personFixture(t)
	ids, err := l.PersonSubjects(ctx, p)
	require.NoError(t, err)
	cases := []struct {
		why string
		err error
		run func() error
	}{
		{"no subjects", consent.ErrBadEvent, func() error { _, err := l.Link(ctx, p, nil, consent.WebForm, "subject"); return err }},
		{"a malformed person id", consent.ErrBadEvent, func() error { _, err := l.Link(ctx, "p 1", ids, consent.WebForm, "subject"); return err }},
		{"an unknown method", consent.ErrBadEvent, func() error { _, err := l.Link(ctx, p, ids, "carrier pigeon", "subject"); return err }},
		{"no actor", consent.ErrBadEvent, func() error { _, err := l.Link(ctx, p, ids, consent.WebForm, ""); return err }},
		{"an actor with a line break", consent.ErrBadEvent, func() error { _, err := l.Link(ctx, p, ids, consent.WebForm, "staff\n1"); return err }},
		{"a malformed subject id", consent.ErrBadEvent, func() error { _, err := l.Link(ctx, p, []string{"s 1"}, consent.WebForm, "subject"); return err }},
		{"unlinking an unknown subject", consent.ErrNotFound, func() error { _, err := l.Unlink(ctx, p, "s_unknown", consent.WebForm, "subject"); return err }},
		{"importing a link event", consent.ErrBadEvent, func() error {
			_, err := l.Import(ctx, []consent.Event{{Subject: ids[0], Type: consent.Linked, Purpose: consent.PersonPurpose, Method: consent.Import, Actor: "system", Detail: p}})
			return err
		}},
		{"forgetting a person without subjects", consent.ErrNoPerson, func() error { return l.ForgetPerson(ctx, "p_nobody", consent.WebForm, "subject") }},
		{"receipts of a person without subjects", consent.ErrNoPerson, func() error { _, err := l.PersonReceipts(ctx, "p_nobody"); return err }},
	}
	for _, c := range cases {
		assert.ErrorIs(t, c.run(), c.err, c.why)
	}
	after, err := l.PersonSubjects(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, ids, after, "nothing changed")

	// A store that cannot link.
	plain, err := consent.New(struct{ consent.Store }{consent.NewMemoryStore()}, consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	_, err = plain.Link(ctx, p, ids, consent.WebForm, "subject")
	assert.True(t, errors.Is(err, errors.ErrUnsupported), "Link: %v", err)
	_, err = plain.PersonSubjects(ctx, p)
	assert.True(t, errors.Is(err, errors.ErrUnsupported), "PersonSubjects: %v", err)
}
