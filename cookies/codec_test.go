package cookies

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/civickit/privacy/pii"
)

func fullPrefs() prefs {
	p := prefs{
		Locale: "es-US", Dark: true, Visits: -3, Theme: "call 5550100123 dark",
		Seen:    time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC),
		Tabs:    []string{"permits", "", "parking"},
		Flags:   map[string]bool{"beta": true, "tour": false},
		Weights: []float64{0.5, -1},
	}
	p.Nested.Step = 7
	p.Nested.Token = []byte{0, 1, 2, 255}
	return p
}

func TestCodecRoundTrip(t *testing.T) {
	c := newCodec(t, newKeyring(t), nil)
	tests := []struct {
		name   string
		reason string
		in     any
		out    func() any
	}{
		{"struct", "compact record with every supported kind", fullPrefs(), func() any { return &prefs{} }},
		{"pointer", "a pointer to a struct encodes the struct", func() any { p := fullPrefs(); return &p }(), func() any { return &prefs{} }},
		{"zero", "an empty struct is an empty record", prefs{}, func() any { return &prefs{} }},
		{"map", "maps go through JSON", map[string]any{"step": "2", "n": 3.0}, func() any { return &map[string]any{} }},
		{"string", "bare values go through JSON", "plain", func() any { var s string; return &s }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := c.Encode("pref", tc.in)
			require.NoError(t, err, tc.reason)
			assert.NotContains(t, v, "=", "base64url without padding")
			dst := tc.out()
			require.NoError(t, c.Decode("pref", v, dst), tc.reason)
			want := tc.in
			if p, ok := want.(*prefs); ok {
				want = *p
			}
			assert.Equal(t, want, deref(dst), tc.reason)
		})
	}
}

func deref(v any) any {
	switch p := v.(type) {
	case *prefs:
		return *p
	case *map[string]any:
		return *p
	case *string:
		return *p
	}
	return v
}

func TestCodecEveryByteFlipped(t *testing.T) {
	c := newCodec(t, newKeyring(t), nil)
	v, err := c.Encode("sid", fullPrefs())
	require.NoError(t, err)
	ct, err := base64.RawURLEncoding.DecodeString(v)
	require.NoError(t, err)
	for i := range ct {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := append([]byte(nil), ct...)
			bad[i] ^= mask
			var dst prefs
			err := c.Decode("sid", base64.RawURLEncoding.EncodeToString(bad), &dst)
			require.ErrorIs(t, err, ErrInvalid, "byte %d ^ %#x", i, mask)
			assert.NotErrorIs(t, err, ErrExpired)
			assert.Equal(t, prefs{}, dst, "dst untouched on error")
		}
	}
	// Every character of the cookie text, too, and truncations.
	for i := range len(v) {
		for _, r := range []byte{'A', '-', '_', '=', '.'} {
			if v[i] == r {
				continue
			}
			bad := v[:i] + string(r) + v[i+1:]
			err := c.Decode("sid", bad, &prefs{})
			// A changed last character can leave the decoded bytes equal
			// (unused low bits); it must then still open, never half-open.
			if err != nil {
				assert.ErrorIs(t, err, ErrInvalid, "char %d -> %q", i, r)
			}
		}
		assert.ErrorIs(t, c.Decode("sid", v[:i], &prefs{}), ErrInvalid, "truncated to %d", i)
	}
}

func TestCodecGarbage(t *testing.T) {
	c := newCodec(t, newKeyring(t), nil)
	tests := []struct{ value, reason string }{
		{"", "empty"},
		{"x", "too short for any ciphertext"},
		{strings.Repeat("A", 60), "all zero bytes: no Tink prefix"},
		{"AQAAAAA" + strings.Repeat("_", 60), "Tink prefix for key 0"},
		{strings.Repeat("*", 80), "not base64url"},
		{strings.Repeat("QUFB", 30) + "==", "padded standard base64"},
		{strings.Repeat("A", 5000), "longer than a cookie can be"},
	}
	for _, tc := range tests {
		err := c.Decode("sid", tc.value, &prefs{})
		assert.ErrorIs(t, err, ErrInvalid, tc.reason)
		assert.Equal(t, ErrInvalid, err, "uniform error, no detail: %s", tc.reason)
	}
}

func TestCodecExpiry(t *testing.T) {
	clk := newClock()
	c := newCodec(t, newKeyring(t), clk)
	issued := clk.Now()
	v, err := c.Encode("sid", prefs{Locale: "en-US"})
	require.NoError(t, err)

	clk.Advance(time.Hour - time.Second)
	require.NoError(t, c.Decode("sid", v, &prefs{}), "valid until the last second")

	clk.Advance(time.Second)
	err = c.Decode("sid", v, &prefs{})
	require.ErrorIs(t, err, ErrExpired)
	assert.NotErrorIs(t, err, ErrInvalid)
	var ee *ExpiredError
	require.ErrorAs(t, err, &ee)
	assert.True(t, ee.IssuedAt.Equal(issued))
	assert.True(t, ee.ExpiresAt.Equal(issued.Add(time.Hour)))

	// An expired cookie that was also tampered with is just invalid: the
	// expiry is only believed after authentication.
	b := []byte(v)
	b[len(b)/2] ^= 1
	assert.Equal(t, ErrInvalid, c.Decode("sid", string(b), &prefs{}))
}

func TestCodecRotation(t *testing.T) {
	kr := newKeyring(t)
	c := newCodec(t, kr, nil)
	old := kr.Primary()
	v1, err := c.Encode("sid", prefs{Locale: "fr-CA"})
	require.NoError(t, err)

	newID, err := kr.Rotate()
	require.NoError(t, err)
	v2, err := c.Encode("sid", prefs{Locale: "fr-CA"})
	require.NoError(t, err)
	assert.Equal(t, newID, keyIDOf(t, v2), "new cookies use the new primary key at once")
	assert.Equal(t, old, keyIDOf(t, v1))

	var got prefs
	require.NoError(t, c.Decode("sid", v1, &got), "old key still opens")
	assert.Equal(t, "fr-CA", got.Locale)

	require.NoError(t, kr.Disable(old))
	assert.Equal(t, ErrInvalid, c.Decode("sid", v1, &prefs{}), "disabled key does not open")
	require.NoError(t, c.Decode("sid", v2, &prefs{}))

	require.NoError(t, kr.Enable(old))
	require.NoError(t, c.Decode("sid", v1, &prefs{}), "re-enabled key opens again")

	require.NoError(t, kr.Disable(old))
	require.NoError(t, kr.Destroy(old))
	assert.Equal(t, ErrInvalid, c.Decode("sid", v1, &prefs{}), "destroyed key does not open")
}

func keyIDOf(t *testing.T, v string) uint32 {
	t.Helper()
	ct, err := base64.RawURLEncoding.DecodeString(v)
	require.NoError(t, err)
	id, ok := pii.KeyID(ct)
	require.True(t, ok)
	return id
}

// countingAEAD counts Decrypt calls on the keyring's AEAD.
type countingAEAD struct {
	tink.AEAD
	decrypts int
}

func (c *countingAEAD) Decrypt(ct, ad []byte) ([]byte, error) {
	c.decrypts++
	return c.AEAD.Decrypt(ct, ad)
}

func TestCodecUnknownKeyNeverDecrypts(t *testing.T) {
	kr := newKeyring(t)
	for range 40 {
		_, err := kr.Rotate()
		require.NoError(t, err)
	}
	c := newCodec(t, kr, nil)
	a, err := kr.AEAD()
	require.NoError(t, err)
	counter := &countingAEAD{AEAD: a}
	c.source = func() (tink.AEAD, error) { return counter, nil }

	other := newCodec(t, newKeyring(t), nil)
	foreign, err := other.Encode("sid", prefs{Locale: "en-US"})
	require.NoError(t, err)
	assert.Equal(t, ErrInvalid, c.Decode("sid", foreign, &prefs{}))
	assert.Zero(t, counter.decrypts, "a cookie from a key we do not hold is refused before decryption")

	mine, err := c.Encode("sid", prefs{Locale: "en-US"})
	require.NoError(t, err)
	require.NoError(t, c.Decode("sid", mine, &prefs{}))
	assert.Equal(t, 1, counter.decrypts, "a cookie from a known key is decrypted once, by its key only")
}

func TestCodecNameSwap(t *testing.T) {
	c := newCodec(t, newKeyring(t), nil)
	v, err := c.Encode("__Host-prefs", prefs{Locale: "en-US"})
	require.NoError(t, err)
	for _, name := range []string{"__Host-prefs2", "prefs", "__host-prefs", "__Host-Prefs"} {
		assert.Equal(t, ErrInvalid, c.Decode(name, v, &prefs{}), "value moved to cookie %q", name)
	}
	require.NoError(t, c.Decode("__Host-prefs", v, &prefs{}))
}

func TestCodecTooLong(t *testing.T) {
	c := newCodec(t, newKeyring(t), nil)
	name := "__Host-big"
	var lastOK string
	for n := 2900; n < 3200; n++ {
		v, err := c.Encode(name, prefs{Locale: strings.Repeat("x", n)})
		if err != nil {
			require.ErrorIs(t, err, ErrTooLong)
			require.NotEmpty(t, lastOK, "some size must fit")
			assert.LessOrEqual(t, len(name)+len(lastOK), MaxCookieSize)
			assert.Greater(t, len(name)+len(lastOK)+4, MaxCookieSize, "the limit is 4096, not less: one more byte of payload overflows")
			require.NoError(t, c.Decode(name, lastOK, &prefs{}), "the largest cookie still opens")
			return
		}
		lastOK = v
	}
	t.Fatal("no size reached ErrTooLong")
}

func TestNewCodecValidates(t *testing.T) {
	idx, err := pii.NewKeyring(pii.Indexing)
	require.NoError(t, err)
	_, err = NewCodec(nil, nil)
	assert.Error(t, err, "nil keyring")
	_, err = NewCodec(idx, nil)
	assert.ErrorIs(t, err, pii.ErrWrongPurpose, "indexing keyring")
	_, err = NewCodec(newKeyring(t), &CodecOptions{MaxAge: -time.Second})
	assert.Error(t, err, "negative MaxAge")
	_, err = NewCodec(newKeyring(t), &CodecOptions{MaxAge: time.Millisecond})
	assert.Error(t, err, "sub-second MaxAge")
	c, err := NewCodec(newKeyring(t), &CodecOptions{MaxAge: 1000 * 24 * time.Hour, Detector: testDetector{}})
	require.NoError(t, err)
	assert.Equal(t, MaxMaxAge, c.MaxAge(), "capped at 400 days like browsers")
	c, err = NewCodec(newKeyring(t), &CodecOptions{Detector: testDetector{}})
	require.NoError(t, err)
	assert.Equal(t, DefaultMaxAge, c.MaxAge())
}

func TestCodecUsageErrors(t *testing.T) {
	c := newCodec(t, newKeyring(t), nil)
	_, err := c.Encode("bad name", prefs{})
	assert.Error(t, err, "space in cookie name")
	_, err = c.Encode("", prefs{})
	assert.Error(t, err, "empty cookie name")
	v, err := c.Encode("sid", prefs{Locale: "en-US"})
	require.NoError(t, err)
	assert.Error(t, c.Decode("sid", v, prefs{}), "non-pointer destination")
	assert.Error(t, c.Decode("sid", v, (*prefs)(nil)), "nil pointer")
	var s string
	assert.ErrorIs(t, c.Decode("sid", v, &s), ErrInvalid, "struct value into a string")
	_, err = c.Encode("sid", map[bool]string{true: "x"})
	assert.Error(t, err, "JSON cannot hold bool keys")
}

type tagged struct {
	Locale string
	Email  string `pii:"email"`
}

type holdsString struct {
	Locale string
	Who    pii.String
}

type holdsSealed struct{ Box pii.Sealed }

type deep struct {
	Inner struct {
		Notes []string
	}
}

func TestCodecRefusesPII(t *testing.T) {
	c := newCodec(t, newKeyring(t), nil)
	d := deep{}
	d.Inner.Notes = []string{"ok", "write to resident@example.com"}
	tests := []struct {
		name, reason, field string
		in                  any
	}{
		{"tag", "a field tagged pii is refused even when empty", "Email", tagged{}},
		{"string type", "pii.String is refused by type", "Who", holdsString{}},
		{"sealed", "encrypted PII is still PII", "Box", holdsSealed{}},
		{"detector", "a free-text field the detector flags", "Locale", prefs{Locale: "resident@example.com"}},
		{"nested slice", "strings deep inside are scanned", "Inner.Notes[]", d},
		{"map key", "map keys are scanned too", "Flags{}", prefs{Flags: map[string]bool{"555-0100-123": true}}},
		{"json map", "JSON values are walked", "(value){}", map[string]any{"to": "resident@example.com"}},
		{"json pii.String", "pii.String inside an interface", "(value){}", map[string]any{"who": pii.New(pii.Email, "resident@example.com")}},
		{"json tagged", "a tagged field in a JSON-encoded struct", "Contact.Email", struct {
			Contact tagged
			C       chan int `json:"-"`
		}{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Encode("sid", tc.in)
			require.ErrorIs(t, err, ErrContainsPII, tc.reason)
			var pe *PIIError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.field, pe.Field, tc.reason)
			assert.NotContains(t, err.Error(), "resident", "the error never holds the value")
			assert.NotContains(t, err.Error(), "555", "the error never holds the value")
		})
	}
	// pii:"-" declares a field not personal data: the detector is skipped.
	_, err := c.Encode("sid", prefs{Theme: "5550100123"})
	assert.NoError(t, err)
}

func TestPIIErrorMessage(t *testing.T) {
	err := error(&PIIError{Field: "Note", Reason: "detector matched"})
	assert.Equal(t, `cookies: field "Note" contains personal data (detector matched)`, err.Error())
	assert.True(t, errors.Is(err, ErrContainsPII))
}
