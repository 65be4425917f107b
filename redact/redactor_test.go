package redact

import (
	"regexp"
	"strings"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func spans(s string, fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Entity)+"="+s[f.Start:f.End])
	}
	return out
}

func TestFindReportsEverything(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	const s = "Jane Smith (jane.smith@example.com, 617-555-0142) paid with 4111 1111 1111 1111 from 192.0.2.10."
	fs := r.Find(s)
	assert.Equal(t, []string{
		"person_name=Jane Smith", "email=jane.smith@example.com", "phone=617-555-0142",
		"payment_card=4111 1111 1111 1111", "ip_address=192.0.2.10",
	}, spans(s, fs))
	for _, f := range fs {
		assert.Equal(t, f.Entity.Category(), f.Category)
		assert.NotEmpty(t, f.Rule)
		assert.True(t, f.Score >= DefaultMinScore && f.Score <= 1, "score in range")
	}
	assert.Equal(t, fs, r.FindBytes([]byte(s)), "FindBytes agrees with Find")
	assert.Equal(t, pii.PaymentCard, fs[3].Category)
}

func TestCleanTextHasNoFindings(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	for _, s := range proseSentences {
		assert.Empty(t, spans(s, r.Find(s)), s)
		assert.False(t, r.Contains(s), s)
	}
	text := cleanProse(64 << 10)
	assert.Empty(t, spans(text, r.Find(text)))
}

func TestZeroAllocsWhenClean(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	text := cleanProse(16 << 10)
	b := []byte(text)
	assert.Zero(t, testing.AllocsPerRun(20, func() { _ = r.Find(text) }), "Find")
	assert.Zero(t, testing.AllocsPerRun(20, func() { _ = r.FindBytes(b) }), "FindBytes")
	assert.Zero(t, testing.AllocsPerRun(20, func() { _ = r.Contains(text) }), "Contains")
	assert.Zero(t, testing.AllocsPerRun(20, func() { _ = r.Redact(text) }), "Redact")
	dense := "mail jane@example.com now"
	assert.Zero(t, testing.AllocsPerRun(20, func() { _ = r.Contains(dense) }), "Contains with PII")
}

func TestContains(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	assert.True(t, r.Contains("session for jane@example.com"))
	assert.False(t, r.Contains("session 8f14e45fceea167a5a36dedd4bea2543"))
	assert.False(t, r.Contains(""))
}

func TestOptions(t *testing.T) {
	const s = "Call 617-555-0142 or email info@example.com."
	cases := []struct {
		name string
		opts Options
		want []string
		why  string
	}{
		{"entities", Options{Entities: []Entity{Email}}, []string{"email=info@example.com"}, "only e-mail enabled"},
		{"allow exact", Options{Allow: []string{"info@example.com"}}, []string{"phone=617-555-0142"}, "the city's public address is allowed"},
		{"allow pattern", Options{AllowPatterns: []*regexp.Regexp{regexp.MustCompile(`^[a-z]+@example\.com$`)}}, []string{"phone=617-555-0142"}, "pattern allow-list"},
		{"min score", Options{MinScore: 0.95}, []string{"phone=617-555-0142"}, "the phone's context word lifts it above an e-mail's fixed 0.9"},
		{"deny", Options{Deny: map[Entity][]string{PersonName: {"email"}}}, []string{"phone=617-555-0142", "person_name=email", "email=info@example.com"}, "deny terms are whole words, any case"},
		{"negative context", Options{NoDefaultContext: true, Context: map[Entity]ContextWords{Phone: {Negative: []string{"call"}}}}, []string{"email=info@example.com"}, "custom negative context"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := New(&c.opts)
			require.NoError(t, err)
			assert.Equal(t, c.want, spans(s, r.Find(s)), c.why)
		})
	}
}

func TestOptionErrors(t *testing.T) {
	bad := []struct {
		opts Options
		why  string
	}{
		{Options{MinScore: 2}, "score out of range"},
		{Options{Entities: []Entity{"nope"}}, "unknown entity"},
		{Options{Detectors: []Detector{{Entity: "Bad Name", Pattern: regexp.MustCompile(`x`)}}}, "bad entity name"},
		{Options{Detectors: []Detector{{Entity: "acct"}}}, "neither pattern nor func"},
		{Options{Detectors: []Detector{{Entity: "acct", Pattern: regexp.MustCompile(`x`), Score: 3}}}, "bad score"},
		{Options{Operators: map[Entity]Operator{"nope": Label()}}, "operator for unknown entity"},
		{Options{Context: map[Entity]ContextWords{"nope": {}}}, "context for unknown entity"},
		{Options{ContextBefore: -1}, "negative window"},
		{Options{Deny: map[Entity][]string{"Bad": {"x"}}}, "bad deny entity"},
	}
	for _, c := range bad {
		_, err := New(&c.opts)
		assert.ErrorIs(t, err, ErrOptions, c.why)
	}
}

func TestCustomDetectors(t *testing.T) {
	account := regexp.MustCompile(`UA-\d{6}-\d`)
	r, err := New(&Options{Detectors: []Detector{
		{
			Entity: "utility_account", Category: pii.AccountNumber, Pattern: account,
			// the last digit is the sum of the others mod 10
			Validate: func(m string) bool {
				sum := 0
				for _, c := range m[3:9] {
					sum += int(c - '0')
				}
				return int(m[10]-'0') == sum%10
			},
		},
		{Entity: "case_number", Pattern: regexp.MustCompile(`[0-9]{2}[A-Z]{2}[0-9]{4}`)},
		{Entity: "badge", Func: func(s string, report func(int, int, float64)) {
			if i := strings.Index(s, "BADGE"); i >= 0 {
				report(i, i+5, 0.9)
			}
		}},
	}})
	require.NoError(t, err)
	const s = "Accounts UA-123456-1 and UA-123456-2, case 24CV0042, BADGE."
	fs := r.Find(s)
	assert.Equal(t, []string{"utility_account=UA-123456-1", "case_number=24CV0042", "badge=BADGE"}, spans(s, fs),
		"validator rejects the bad check digit; a pattern without literal prefix still works")
	assert.Equal(t, pii.AccountNumber, fs[0].Category)
	assert.Equal(t, "custom:utility_account", fs[0].Rule)
	assert.Equal(t, "Accounts [UTILITY_ACCOUNT] and UA-123456-2, case [CASE_NUMBER], [BADGE].", r.Redact(s))
}

func TestOverlapsMergeDeterministically(t *testing.T) {
	fs := []Finding{
		{Entity: Phone, Start: 5, End: 15, Score: 0.6, Rule: "b"},
		{Entity: SSN, Start: 0, End: 11, Score: 0.8, Rule: "a"},
		{Entity: Email, Start: 20, End: 30, Score: 0.9, Rule: "c"},
		{Entity: BankAccount, Start: 20, End: 30, Score: 0.9, Rule: "d"},
	}
	got := resolve(append([]Finding(nil), fs...))
	require.Len(t, got, 2)
	assert.Equal(t, Finding{Entity: SSN, Start: 0, End: 15, Score: 0.8, Rule: "a"}, got[0], "union span, best entity")
	assert.Equal(t, Email, got[1].Entity, "ties broken by entity rank")
	rev := []Finding{fs[3], fs[2], fs[1], fs[0]}
	assert.Equal(t, got, resolve(rev), "order of input does not matter")
}

func TestIdempotentOnVectors(t *testing.T) {
	for _, op := range []Operator{Label(), MaskLast4(), TruncateIP(), Marker("[REDACTED]")} {
		r, err := New(&Options{Default: op})
		require.NoError(t, err)
		for _, vf := range loadVectors(t) {
			for _, c := range append(vf.Positive, vf.Negative...) {
				once := r.Redact(c[0])
				assert.Equal(t, once, r.Redact(once), "redacting %q twice", c[0])
			}
		}
	}
}

func TestLinearTimeOnAdversarialInput(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	// inputs that make naive scanners backtrack or rescan; they must finish
	// (the test has no clock; a quadratic scanner would time out the suite)
	for _, s := range []string{
		strings.Repeat("a", 1<<20) + "@",
		strings.Repeat("a.", 1<<19) + "@example.com",
		strings.Repeat("1-", 1<<19),
		strings.Repeat("1.", 1<<19),
		strings.Repeat("a:", 1<<19),
		strings.Repeat("Mr ", 1<<18),
		strings.Repeat("+1", 1<<19),
		strings.Repeat("https://", 1<<17),
		strings.Repeat("1 Main ", 1<<17),
	} {
		_ = r.Find(s)
	}
}
