package redact

import (
	"bytes"
	"strings"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type contact struct {
	Email string `pii:"email"`
	Phone string `pii:"phone,redact=mask"`
}

type account struct {
	ID      int    `pii:"-"`
	Name    string `pii:"name,redact=replace"`
	Card    string `pii:"payment_card,redact=mask"`
	Secret  pii.String
	IP      string `pii:"ip,redact=truncate"`
	Notes   string // redacted by content
	Age     int    `pii:"age"`
	Keep    string `pii:"name,redact=keep"`
	Drop    string `pii:"name,redact=drop"`
	Contact contact
	Others  []*contact
	Extra   map[string]string
	private string
}

func TestRedactStruct(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	in := account{
		ID: 7, Name: "Jane Smith", Card: "4111 1111 1111 1111",
		Secret: pii.New(pii.SSN, "219-09-9998"), IP: "192.0.2.77",
		Notes: "Call her at (617) 555-0142.", Age: 41, Keep: "Jane", Drop: "Jane",
		Contact: contact{Email: "jane@example.com", Phone: "617-555-0142"},
		Others:  []*contact{{Email: "john@example.com", Phone: "(617) 555-0199"}},
		Extra:   map[string]string{"email": "x@example.com", "note": "ssn 219-09-9998"},
		private: "copied as is",
	}
	out, err := RedactStruct(r, in)
	require.NoError(t, err)
	assert.Equal(t, 7, out.ID, "fields tagged - are kept")
	assert.Equal(t, "[PERSON_NAME]", out.Name, "redact=replace gives the label")
	assert.Equal(t, "**** **** **** 1111", out.Card, "redact=mask keeps the last four")
	assert.Equal(t, "[REDACTED:ssn]", out.Secret.Reveal(), "pii.String plaintext is replaced")
	assert.Equal(t, "192.0.2.0", out.IP, "redact=truncate")
	assert.Equal(t, "Call her at [PHONE].", out.Notes, "untagged strings by content")
	assert.Zero(t, out.Age, "tagged numbers are zeroed")
	assert.Equal(t, "Jane", out.Keep)
	assert.Empty(t, out.Drop)
	assert.Equal(t, contact{Email: "[REDACTED:email]", Phone: "***-***-0142"}, out.Contact, "nested struct by its own tags")
	assert.Equal(t, "[REDACTED:email]", out.Others[0].Email, "slices of pointers")
	assert.Equal(t, map[string]string{"email": "[EMAIL]", "note": "ssn [SSN]"}, out.Extra, "maps by key and by content")
	assert.Equal(t, "copied as is", out.private)

	// the input is untouched
	assert.Equal(t, "Jane Smith", in.Name)
	assert.Equal(t, "john@example.com", in.Others[0].Email)
	assert.Equal(t, "219-09-9998", in.Secret.Reveal())
	assert.Equal(t, "x@example.com", in.Extra["email"])

	p, err := RedactStruct(r, &in)
	require.NoError(t, err)
	assert.Equal(t, out.Name, p.Name, "pointer to struct")
	assert.NotSame(t, &in, p)
}

func TestRedactStructKeyedOperators(t *testing.T) {
	type rec struct {
		Email string `pii:"email,redact=hash"`
		SSN   string `pii:"ssn,redact=encrypt"`
	}
	r, err := New(nil)
	require.NoError(t, err)
	_, err = RedactStruct(r, rec{Email: "a@example.com"})
	assert.ErrorIs(t, err, ErrOptions, "hash without a key")

	key := newAEAD(t)
	r, err = New(&Options{PRF: newPRF(t), AEAD: key})
	require.NoError(t, err)
	a, err := RedactStruct(r, rec{Email: "a@example.com", SSN: "219-09-9998"})
	require.NoError(t, err)
	b, err := RedactStruct(r, rec{Email: "A@example.com"})
	require.NoError(t, err)
	assert.Equal(t, a.Email, b.Email, "pseudonyms link case variants of one address")
	assert.Regexp(t, `^\[EMAIL:[0-9a-f]{16}\]$`, a.Email)
	back, err := Reveal(key, nil, a.SSN)
	require.NoError(t, err)
	assert.Equal(t, "219-09-9998", back)
}

func TestRedactStructBadTag(t *testing.T) {
	type bad struct {
		X string `pii:"nonsense"`
	}
	r, err := New(nil)
	require.NoError(t, err)
	_, err = RedactStruct(r, bad{X: "a"})
	assert.Error(t, err)
}

func TestMap(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	in := map[string]any{
		"email":   "jane@example.com",
		"phone":   6175550142,
		"comment": "my card is 4111111111111111",
		"count":   3,
		"big":     float64(4111111111111111),
		"nested":  map[string]any{"SSN": "219-09-9998", "ok": true},
		"list":    []any{"jane@example.com", nil, 1.5},
		"password": map[string]any{
			"old": "hunter2",
		},
	}
	out := r.Map(in)
	assert.Equal(t, map[string]any{
		"email":    "[EMAIL]",
		"phone":    "[PHONE]",
		"comment":  "my card is [PAYMENT_CARD]",
		"count":    3,
		"big":      "[PAYMENT_CARD]",
		"nested":   map[string]any{"SSN": "[SSN]", "ok": true},
		"list":     []any{"[EMAIL]", nil, 1.5},
		"password": map[string]any{"old": "[CREDENTIAL]"},
	}, out)
	assert.Equal(t, "jane@example.com", in["email"], "input untouched")
	assert.Nil(t, r.Map(nil))
}

func TestJSON(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	in := `{"user":{"email":"jane@example.com","phone":6175550142,"tags":["a","b"],"ssn":null},
"note":"reach me at (617) 555-0142","n":[1,2.5,true,{}],"jane@example.com":1,"empty":[]}
{"second":"doc","ip":"192.0.2.1"}`
	var out bytes.Buffer
	require.NoError(t, r.JSON(&out, strings.NewReader(in)))
	assert.Equal(t, `{"user":{"email":"[EMAIL]","phone":"[PHONE]","tags":["a","b"],"ssn":null},"note":"reach me at [PHONE]","n":[1,2.5,true,{}],"[EMAIL]":1,"empty":[]}
{"second":"doc","ip":"[IP_ADDRESS]"}
`, out.String())

	for _, bad := range []string{`{"a":`, `{"a" 1}`, `[1,2`, `{"a":1}}`, `nul`} {
		err := r.JSON(&bytes.Buffer{}, strings.NewReader(bad))
		assert.ErrorIs(t, err, ErrInvalid, bad)
	}
}

func TestCSV(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	in := "id,Email,Comment,Account\n1,jane@example.com,\"call (617) 555-0142, thanks\",A-1234\n2,,no pii here,B-99\n"
	var out bytes.Buffer
	require.NoError(t, r.CSV(&out, strings.NewReader(in), &CSVOptions{
		Columns: map[string]Entity{"Account": "utility_account"},
		Keep:    []string{"id"},
	}))
	assert.Equal(t, "id,Email,Comment,Account\n1,[EMAIL],\"call [PHONE], thanks\",[UTILITY_ACCOUNT]\n2,,no pii here,[UTILITY_ACCOUNT]\n", out.String())

	out.Reset()
	require.NoError(t, r.CSV(&out, strings.NewReader("jane@example.com;x\n"), &CSVOptions{NoHeader: true, Comma: ';'}))
	assert.Equal(t, "[EMAIL];x\n", out.String())

	err = r.CSV(&bytes.Buffer{}, strings.NewReader("a,\"b\n"), nil)
	assert.ErrorIs(t, err, ErrInvalid)
}

func TestKeyEntity(t *testing.T) {
	for key, want := range map[string]Entity{
		"email": Email, "E-Mail": Email, "email_address": Email, "EmailAddress": Email,
		"SSN": SSN, "remote_addr": IPAddress, "X-Forwarded-For": IPAddress, "password": credential,
		"first_name": PersonName, "dob": DateOfBirth,
	} {
		e, ok := KeyEntity(key)
		assert.True(t, ok, key)
		assert.Equal(t, want, e, key)
	}
	for _, key := range []string{"name", "id", "status", "count", "msg", strings.Repeat("e", 50)} {
		_, ok := KeyEntity(key)
		assert.False(t, ok, key)
	}
}
