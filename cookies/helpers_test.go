package cookies

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/pii"
)

// testDetector is a stand-in PII detector for tests that must not depend on
// the redact package's rules: it matches an "@" (e-mail) or seven or more
// digits in a row (phone, card, account numbers).
type testDetector struct{}

func (testDetector) Contains(s string) bool {
	if strings.Contains(s, "@") {
		return true
	}
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if run++; run >= 7 {
				return true
			}
		} else if s[i] != ' ' && s[i] != '-' {
			run = 0
		}
	}
	return false
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock() *clock { return &clock{t: time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)} }

func newKeyring(t testing.TB) *pii.Keyring {
	t.Helper()
	kr, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	return kr
}

func newCodec(t testing.TB, kr *pii.Keyring, clk *clock) *Codec {
	t.Helper()
	opts := &CodecOptions{Detector: testDetector{}, MaxAge: time.Hour}
	if clk != nil {
		opts.Now = clk.Now
	}
	c, err := NewCodec(kr, opts)
	require.NoError(t, err)
	return c
}

// prefs is a small session payload used across tests.
type prefs struct {
	Locale  string
	Dark    bool
	Visits  int
	Theme   string `pii:"-"`
	Seen    time.Time
	Tabs    []string
	Flags   map[string]bool
	Weights []float64
	Nested  struct {
		Step  uint8
		Token []byte
	}
}
