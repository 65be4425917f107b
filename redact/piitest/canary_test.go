package piitest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCanariesPassValidators(t *testing.T) {
	cs := New(t)
	for range 200 {
		e, p, c, s := cs.Email(), cs.Phone(), cs.Card(), cs.SSN()
		assert.True(t, pii.ValidEmail(e.Value()), "email %v", e)
		assert.True(t, strings.HasSuffix(e.Value(), "@example.invalid"), "email %v", e)
		assert.True(t, pii.ValidPhone(p.Value()), "phone %v", p)
		assert.Equal(t, "555-01", p.Value()[4:10], "phone %v must be a fictional 555-01xx number", p)
		assert.True(t, pii.ValidLuhn(c.Value()), "card %v", c)
		assert.True(t, strings.HasPrefix(c.Value(), "4111 11"), "card %v must use the test BIN", c)
		assert.True(t, pii.ValidSSN(s.Value()), "ssn %v", s)
		assert.False(t, pii.ValidITIN(s.Value()), "ssn %v must not be an ITIN", s)
	}
}

func TestCanariesLuhnCheckDigit(t *testing.T) {
	// the well-known test card 4111 1111 1111 1111 ends in check digit 1
	assert.Equal(t, byte('1'), luhnCheck([]byte("411111111111111")))
	// 4012 8888 8888 1881, another published Visa test number
	assert.Equal(t, byte('1'), luhnCheck([]byte("401288888888188")))
}

func TestCanariesDetectedByRedact(t *testing.T) {
	r, err := redact.New(nil)
	require.NoError(t, err)
	cs := New(t)
	for range 50 {
		for _, tc := range []struct {
			c    Canary
			want redact.Entity
		}{
			{cs.Email(), redact.Email},
			{cs.Phone(), redact.Phone},
			{cs.Card(), redact.PaymentCard},
			{cs.SSN(), redact.SSN},
		} {
			fs := r.Find("value: " + tc.c.Value() + " end")
			if assert.Len(t, fs, 1, "%v", tc.c) {
				assert.Equal(t, tc.want, fs[0].Entity, "%v", tc.c)
				assert.Equal(t, len(tc.c.Value()), fs[0].Len(), "%v", tc.c)
			}
		}
	}
}

func TestCanariesDeterministicAndUnique(t *testing.T) {
	a, b := NewNamed("TestA"), NewNamed("TestA")
	other := NewNamed("TestB")
	seen := map[string]string{}
	for i := range 300 {
		for _, pair := range [][2]Canary{
			{a.Email(), b.Email()}, {a.Phone(), b.Phone()}, {a.Card(), b.Card()},
			{a.SSN(), b.SSN()}, {a.Name(), b.Name()}, {a.Address(), b.Address()},
			{a.Secret(), b.Secret()},
		} {
			require.Equal(t, pair[0].Value(), pair[1].Value(), "same test name and sequence must give the same value (%d)", i)
			_, dup := seen[pair[0].Value()]
			require.False(t, dup, "canary values must be unique within a test: %v", pair[0])
			seen[pair[0].Value()] = "TestA"
		}
	}
	// another test gets other values (phones excepted: only ~27,000 exist)
	collisions := 0
	for range 300 {
		for _, c := range []Canary{other.Email(), other.Card(), other.SSN(), other.Name(), other.Address(), other.Secret()} {
			if _, dup := seen[c.Value()]; dup {
				collisions++
			}
		}
	}
	assert.Zero(t, collisions, "canaries of different tests should not collide")
	assert.Len(t, a.Planted(), 7*300)
	assert.Equal(t, "TestA", a.Planted()[0].Test())
	assert.Equal(t, 1, a.Planted()[0].Seq())
	assert.Equal(t, pii.Email, a.Planted()[0].Category())
}

func TestCanaryNeverPrintsValue(t *testing.T) {
	cs := New(t)
	for _, c := range append(cs.All(), cs.Custom(pii.AccountNumber, "UTIL-0042-7781-33")) {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			out := fmt.Sprintf(verb, c)
			assert.NotContains(t, out, c.Value(), "verb %s", verb)
			assert.Contains(t, out, c.Category().String(), "verb %s names the category", verb)
			assert.Contains(t, out, t.Name(), "verb %s names the test", verb)
		}
		assert.Empty(t, FindLeaks([]byte(fmt.Sprintf("%v %+v %#v", c, c, c)), c), "the description must not contain any form of the value")
	}
}

func TestMask(t *testing.T) {
	for _, tc := range []struct{ in, want, why string }{
		{"pt.abc@example.invalid", "pt…id", "long values keep two bytes at each end"},
		{"1234567", "12…67", "seven bytes still keeps the ends"},
		{"123456", "…", "six bytes or fewer are masked completely"},
		{"", "…", "empty is masked too"},
	} {
		assert.Equal(t, tc.want, Mask(tc.in), tc.why)
	}
}

func TestHoldersNeverPrintValues(t *testing.T) {
	cs := New(t)
	all := cs.All()
	m := NewMatcher(all...)
	rec := NewRecorder()
	for _, c := range all {
		fmt.Fprintln(rec, c.Value())
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb+" "+verb+" "+verb, cs, m, rec)
		assert.Empty(t, FindLeaks([]byte(out), all...), "verb %s: %s", verb, out)
		assert.Contains(t, out, "7 planted")
		assert.Contains(t, out, "7 canaries")
		assert.Contains(t, out, fmt.Sprintf("piitest.Recorder(%d bytes)", rec.Len()))
	}
}
