package cookies

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDefaultDetector checks the wiring to the redact package: with no
// Detector option, the codec refuses what redact finds.
func TestDefaultDetector(t *testing.T) {
	c, err := NewCodec(newKeyring(t), nil)
	require.NoError(t, err)
	tests := []struct {
		name, value, reason string
		refused             bool
	}{
		{"email", "resident@example.com", "an e-mail address", true},
		{"card", "4111 1111 1111 1111", "a test card number", true},
		{"locale", "es-US", "a locale is not personal data", false},
		{"choice", "permits", "a menu choice", false},
	}
	for _, tc := range tests {
		_, err := c.Encode("sid", prefs{Locale: tc.value})
		if tc.refused {
			assert.ErrorIs(t, err, ErrContainsPII, tc.reason)
		} else {
			assert.NoError(t, err, tc.reason)
		}
	}
}

// TestDefaultDetectorOpaqueIDs checks that random opaque identifiers, the
// kind a session payload should hold, are not flagged: a false positive
// there would break sessions at random.
func TestDefaultDetectorOpaqueIDs(t *testing.T) {
	d, err := defaultDetector()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(5, 5)) // fixed seed
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	flagged := 0
	for range 2000 {
		b := make([]byte, 22)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if d.Contains(string(b)) {
			flagged++
		}
	}
	assert.Zero(t, flagged, "random base64url ids flagged as personal data")
}

// TestDefaultDetectorSubjectIDs checks the consent ledger's subject ids
// ("s" and 26 characters of lower-case base32), which the portal keeps in
// its cookie-banner cookie for device subjects: none may be flagged.
func TestDefaultDetectorSubjectIDs(t *testing.T) {
	d, err := defaultDetector()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(7, 7)) // fixed seed
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	flagged := 0
	for range 20000 {
		b := make([]byte, 27)
		b[0] = 's'
		for i := 1; i < len(b); i++ {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if d.Contains(string(b)) {
			flagged++
		}
	}
	assert.Zero(t, flagged, "subject ids flagged as personal data")
}
