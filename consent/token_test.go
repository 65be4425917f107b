package consent

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/pii"
)

func testTokens(t testing.TB) tokens {
	kr, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	return tokens{kr: kr}
}

var tNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func TestTokenRoundTrip(t *testing.T) {
	tk := testTokens(t)
	c := claims{Kind: kindConfirm, Expires: tNow.Add(time.Hour), Subject: "sabc", Purpose: "eline:weekly-news", Channel: Email}
	tok, err := tk.make(c)
	require.NoError(t, err)
	assert.NotContains(t, tok, "=", "base64url without padding")
	assert.NotContains(t, tok, "+")
	assert.NotContains(t, tok, "/")
	got, err := tk.open(tok, kindConfirm, tNow)
	require.NoError(t, err)
	assert.Equal(t, c.Subject, got.Subject)
	assert.Equal(t, c.Purpose, got.Purpose)
	assert.Equal(t, c.Channel, got.Channel)
	assert.Equal(t, c.Expires.Unix(), got.Expires.Unix())
	assert.NotEqual(t, [nonceSize]byte{}, got.Nonce, "a random nonce")

	tok2, err := tk.make(c)
	require.NoError(t, err)
	assert.NotEqual(t, tok, tok2, "two tokens for the same claims differ")
}

func TestTokenRejects(t *testing.T) {
	tk := testTokens(t)
	other := testTokens(t)
	good := claims{Kind: kindUnsubscribe, Subject: "sabc", Purpose: "news", Channel: SMS}
	tok, err := tk.make(good)
	require.NoError(t, err)
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	require.NoError(t, err)
	flip := func(i int) string {
		b := bytes.Clone(raw)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	expiring, err := tk.make(claims{Kind: kindUnsubscribe, Expires: tNow, Subject: "sabc", Purpose: "news", Channel: SMS})
	require.NoError(t, err)
	foreign, err := other.make(good)
	require.NoError(t, err)

	cases := []struct {
		name string
		tok  string
		kind tokenKind
	}{
		{"empty", "", kindUnsubscribe},
		{"not base64", "!!!!", kindUnsubscribe},
		{"padded base64", tok + "==", kindUnsubscribe},
		{"flipped first payload byte", flip(6), kindUnsubscribe},
		{"flipped last byte (tag)", flip(len(raw) - 1), kindUnsubscribe},
		{"flipped key id", flip(2), kindUnsubscribe},
		{"truncated", tok[:len(tok)-4], kindUnsubscribe},
		{"wrong kind", tok, kindConfirm},
		{"other keyring", foreign, kindUnsubscribe},
		{"expired exactly now", expiring, kindUnsubscribe},
		{"too long", tok + string(bytes.Repeat([]byte("A"), maxTokenLen)), kindUnsubscribe},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := tk.open(c.tok, c.kind, tNow)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.Equal(t, ErrInvalid.Error(), err.Error(), "one uniform error")
		})
	}
}

func TestTokenHoldsNoPlaintext(t *testing.T) {
	tk := testTokens(t)
	tok, err := tk.make(claims{Kind: kindUnsubscribe, Subject: "sabcdef", Purpose: "street-alerts", Channel: Email})
	require.NoError(t, err)
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(raw, []byte("street-alerts")), "the purpose is encrypted")
	assert.False(t, bytes.Contains(raw, []byte("sabcdef")), "the subject id is encrypted")
}

func TestDecodeClaims(t *testing.T) {
	good := claims{Kind: kindConfirm, Expires: tNow, Subject: "s1", Purpose: "news", Channel: Email}
	enc, err := good.encode()
	require.NoError(t, err)
	got, err := decodeClaims(enc)
	require.NoError(t, err)
	assert.Equal(t, good, got)

	edit := func(f func([]byte) []byte) []byte { return f(bytes.Clone(enc)) }
	cases := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"wrong version", edit(func(b []byte) []byte { b[0] = 2; return b })},
		{"unknown kind", edit(func(b []byte) []byte { b[1] = 9; return b })},
		{"negative expiry", edit(func(b []byte) []byte { b[2] = 0x80; return b })},
		{"trailing byte", append(bytes.Clone(enc), 0)},
		{"truncated", enc[:len(enc)-1]},
		{"length past end", edit(func(b []byte) []byte { b[10+nonceSize] = 200; return b })},
		{"bad channel", mustEncode(t, claims{Kind: kindConfirm, Subject: "s1", Purpose: "news", Channel: "fax"})},
		{"bad purpose", mustEncode(t, claims{Kind: kindConfirm, Subject: "s1", Purpose: "News!", Channel: Email})},
		{"bad subject", mustEncode(t, claims{Kind: kindConfirm, Subject: "a b", Purpose: "news", Channel: Email})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeClaims(c.b)
			assert.True(t, errors.Is(err, errClaims), "got %v", err)
		})
	}
}

func mustEncode(t *testing.T, c claims) []byte {
	b, err := c.encode()
	require.NoError(t, err)
	return b
}

// FuzzDecodeClaims checks that the token plaintext decoder never panics
// and that what it accepts re-encodes to the same bytes.
func FuzzDecodeClaims(f *testing.F) {
	for _, c := range []claims{
		{Kind: kindConfirm, Expires: tNow, Subject: "sabc", Purpose: "eline:weekly-news", Channel: Email},
		{Kind: kindUnsubscribe, Subject: "s1", Purpose: "street-alerts", Channel: SMS},
	} {
		b, err := c.encode()
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeClaims(b)
		if err != nil {
			return
		}
		again, err := c.encode()
		require.NoError(t, err)
		assert.Equal(t, b, again, "accepted claims re-encode identically")
	})
}

// FuzzParseToken feeds arbitrary text to token parsing: it must never
// panic and, without the key, never accept anything.
func FuzzParseToken(f *testing.F) {
	tk := testTokens(f)
	for _, c := range []claims{
		{Kind: kindConfirm, Expires: tNow.Add(time.Hour), Subject: "sabc", Purpose: "news", Channel: Email},
		{Kind: kindUnsubscribe, Subject: "sabc", Purpose: "news", Channel: Postal},
	} {
		tok, err := tk.make(c)
		require.NoError(f, err)
		f.Add(tok)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, k := range []tokenKind{kindConfirm, kindUnsubscribe} {
			c, err := tk.open(s, k, tNow)
			if err != nil {
				assert.ErrorIs(t, err, ErrInvalid)
				continue
			}
			// Only tokens this keyring made open (the seeds); their claims
			// are well-formed.
			assert.Equal(t, k, c.Kind)
			assert.True(t, c.Channel.Valid())
		}
	})
}
