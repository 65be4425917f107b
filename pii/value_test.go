package pii_test

import (
	"bytes"
	"encoding/base64"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secretEmail = "canary.resident@example.invalid"

// leaked reports whether out contains secret in any form a careless encoder
// could produce: raw, upper/lower case, quoted, JSON- or URL-escaped, hex
// and base64.
func leaked(out, secret string) bool {
	forms := []string{
		secret, strings.ToUpper(secret), strings.ToLower(secret),
		fmt.Sprintf("%q", secret), url.QueryEscape(secret),
		hex.EncodeToString([]byte(secret)), strings.ToUpper(hex.EncodeToString([]byte(secret))),
		base64.StdEncoding.EncodeToString([]byte(secret)), base64.RawURLEncoding.EncodeToString([]byte(secret)),
		"canary.resident", "example.invalid", // halves survive some escapers
	}
	if b, err := json.Marshal(secret); err == nil {
		forms = append(forms, string(b))
	}
	for _, f := range forms {
		if strings.Contains(out, f) {
			return true
		}
	}
	return false
}

type holder struct {
	Public  string
	Email   pii.String
	private pii.String
	Ptr     *pii.String
	List    []pii.String
	Map     map[string]pii.String
}

func TestStringNeverPrints(t *testing.T) {
	v := pii.New(pii.Email, secretEmail)
	h := holder{Public: "ok", Email: v, private: v, Ptr: &v, List: []pii.String{v}, Map: map[string]pii.String{"k": v}}

	outputs := map[string]func() (string, error){}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-20v", "%T %v"} {
		outputs["fmt "+verb+" value"] = func() (string, error) { return fmt.Sprintf(verb, v), nil }
		outputs["fmt "+verb+" pointer"] = func() (string, error) { return fmt.Sprintf(verb, &v), nil }
		outputs["fmt "+verb+" struct"] = func() (string, error) { return fmt.Sprintf(verb, h), nil }
		outputs["fmt "+verb+" struct pointer"] = func() (string, error) { return fmt.Sprintf(verb, &h), nil }
	}
	outputs["String"] = func() (string, error) { return v.String(), nil }
	outputs["GoString"] = func() (string, error) { return v.GoString(), nil }
	outputs["Masked"] = func() (string, error) { return v.Masked(), nil }
	outputs["json value"] = func() (string, error) { b, err := json.Marshal(v); return string(b), err }
	outputs["json struct"] = func() (string, error) { b, err := json.Marshal(h); return string(b), err }
	outputs["MarshalText"] = func() (string, error) { b, err := v.MarshalText(); return string(b), err }
	outputs["gob"] = func() (string, error) {
		var buf bytes.Buffer
		err := gob.NewEncoder(&buf).Encode(struct{ E pii.String }{v})
		return buf.String(), err
	}
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		outputs["slog "+name] = func() (string, error) {
			var buf bytes.Buffer
			l := slog.New(h(&buf))
			l.Info("signup", "email", v, slog.Any("any", v), slog.Group("g", "e", v))
			l.Info("struct", "h", h)
			return buf.String(), nil
		}
	}
	outputs["log.Printf"] = func() (string, error) {
		var buf bytes.Buffer
		log.New(&buf, "", 0).Printf("user %v %s %+v", v, v, h)
		return buf.String(), nil
	}
	outputs["wrapped error"] = func() (string, error) {
		err := fmt.Errorf("outer: %w", fmt.Errorf("signup failed for %v", v))
		return err.Error() + fmt.Sprintf(" %+v", errors.Unwrap(err)), nil
	}
	outputs["panic"] = func() (out string, err error) {
		defer func() { out = fmt.Sprint(recover()) }()
		panic(v)
	}

	for name, f := range outputs {
		t.Run(name, func(t *testing.T) {
			out, err := f()
			require.NoError(t, err)
			assert.False(t, leaked(out, secretEmail), "plaintext leaked: %s", name)
			assert.NotEmpty(t, out)
		})
	}
}

func TestLeakDetectorCatchesLeaks(t *testing.T) {
	// The check above is only worth something if leaked() would notice.
	for _, out := range []string{
		secretEmail, fmt.Sprintf("%q", secretEmail), hex.EncodeToString([]byte(secretEmail)),
		base64.StdEncoding.EncodeToString([]byte(secretEmail)), url.QueryEscape(secretEmail),
	} {
		assert.True(t, leaked("x "+out+" y", secretEmail), out)
	}
}

func TestRevealAndMarkers(t *testing.T) {
	v := pii.New(pii.Email, secretEmail)
	assert.Equal(t, secretEmail, v.Reveal())
	assert.Equal(t, "[REDACTED:email]", v.String())
	assert.Equal(t, "[REDACTED]", pii.String{}.String())
	assert.True(t, pii.String{}.IsZero())
	assert.Equal(t, "•••• 1111", pii.New(pii.PaymentCard, "4111 1111 1111 1111").Masked())
	assert.Equal(t, "[REDACTED:payment_card]", pii.New(pii.PaymentCard, "4111").Masked(), "too short to show last 4")
	assert.True(t, v.Equal(pii.New(pii.Email, secretEmail)))
	assert.False(t, v.Equal(pii.New(pii.Email, "other@example.invalid")))
}

func TestStringDecoding(t *testing.T) {
	var form struct {
		Email pii.String `json:"email"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"email":"resident@example.com"}`), &form))
	assert.Equal(t, "resident@example.com", form.Email.Reveal())

	err := json.Unmarshal([]byte(`{"email":"[REDACTED:email]"}`), &form)
	assert.ErrorIs(t, err, pii.ErrRedactedInput, "a redacted export must not be re-imported as data")
	assert.Error(t, json.Unmarshal([]byte(`{"email":42}`), &form))

	var g struct{ E pii.String }
	var buf bytes.Buffer
	require.NoError(t, gob.NewEncoder(&buf).Encode(struct{ E pii.String }{pii.New(pii.Email, secretEmail)}))
	assert.ErrorIs(t, gob.NewDecoder(&buf).Decode(&g), pii.ErrRedactedInput)
}

// captureT is an assert.TestingT that keeps the failure message instead of
// failing, so a test can inspect what testify would print.
type captureT struct{ msg strings.Builder }

func (c *captureT) Errorf(format string, args ...any) { fmt.Fprintf(&c.msg, format, args...) }

// dumpStrings walks v by reflection the way go-spew and other dumpers do
// (following pointers, reading unexported fields) and returns every string
// and byte slice it reaches.
func dumpStrings(v reflect.Value, depth int, out *[]string) {
	if depth > 10 || !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.String:
		*out = append(*out, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			dumpStrings(v.Elem(), depth+1, out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			dumpStrings(v.Field(i), depth+1, out)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := make([]byte, v.Len())
			for i := range b {
				b[i] = byte(v.Index(i).Uint())
			}
			*out = append(*out, string(b))
			return
		}
		for i := range v.Len() {
			dumpStrings(v.Index(i), depth+1, out)
		}
	}
}

// TestStringReflectionDumpsDoNotLeak covers the output paths that skip
// String's methods: testify's failure diff (go-spew with methods disabled)
// and any reflection walker that follows pointers into unexported fields.
func TestStringReflectionDumpsDoNotLeak(t *testing.T) {
	type record struct{ Email pii.String }
	a := record{pii.New(pii.Email, secretEmail)}
	b := record{pii.New(pii.Email, "other."+secretEmail)}

	var ct captureT
	require.False(t, assert.Equal(&ct, a, b), "precondition: the records differ")
	require.Contains(t, ct.msg.String(), "Diff:", "precondition: testify printed a diff")
	assert.False(t, leaked(ct.msg.String(), secretEmail), "testify failure output leaks the plaintext")

	var got []string
	dumpStrings(reflect.ValueOf(a), 0, &got)
	for _, s := range got {
		assert.False(t, leaked(s, secretEmail), "a reflection walk reaches the plaintext")
	}
}

// TestStringDeepEqual keeps the property tests rely on: two Strings with
// the same category and value are reflect.DeepEqual (testify's Equal), and
// different values are not.
func TestStringDeepEqual(t *testing.T) {
	long := strings.Repeat("0123456789", 60) // longer than the mask pad
	assert.True(t, reflect.DeepEqual(pii.New(pii.Email, secretEmail), pii.New(pii.Email, secretEmail)), "same value")
	assert.False(t, reflect.DeepEqual(pii.New(pii.Email, secretEmail), pii.New(pii.Email, "x"+secretEmail)), "different value")
	assert.Equal(t, long, pii.New(pii.Correspondence, long).Reveal(), "values longer than the pad round-trip")
	assert.True(t, pii.New(pii.Name, long).Equal(pii.New(pii.Name, long)), "Equal on long values")
	assert.False(t, pii.New(pii.Name, long).Equal(pii.New(pii.Name, long+"1")), "Equal sees the extra byte")
}
