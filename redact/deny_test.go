package redact

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func denied(t *testing.T, opts Options, text string) []string {
	t.Helper()
	r, err := New(&opts)
	require.NoError(t, err)
	var out []string
	for _, f := range r.Find(text) {
		out = append(out, string(f.Entity)+"="+text[f.Start:f.End])
	}
	return out
}

func TestDenyList(t *testing.T) {
	deny := map[Entity][]string{
		PersonName:        {"Jordan Abernathy", "Nguyen Thi Lan"},
		Entity("case_no"): {"CR-2024-118", "case 7"},
	}
	cases := []struct {
		text string
		want []string
		why  string
	}{
		{"Complaint by Jordan Abernathy.", []string{"person_name=Jordan Abernathy"}, "a listed name"},
		{"JORDAN ABERNATHY called", []string{"person_name=JORDAN ABERNATHY"}, "all caps"},
		{"Jordan Abernathy's dog", []string{"person_name=Jordan Abernathy"}, "possessive: the name up to the apostrophe"},
		{"Councillor Abernathy agreed", []string{"person_name=Councillor Abernathy"}, "surname after a title"},
		{"per Ms. Abernathy", []string{"person_name=Ms. Abernathy"}, "surname after an honorific"},
		{"Abernathy, Jordan (resident)", []string{"person_name=Abernathy, Jordan"}, "Last, First"},
		{"Lan, Nguyen Thi", []string{"person_name=Lan, Nguyen Thi"}, "Last, First Middle"},
		{"Abernathy Road", nil, "a surname alone is not denied"},
		{"re CR-2024-118 and cr-2024-118.", []string{"case_no=CR-2024-118", "case_no=cr-2024-118"}, "a case number, any case"},
		{"CR-2024-1189", nil, "whole words only"},
		{"showcase 7", nil, "not inside a word"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, denied(t, Options{Deny: deny, Entities: []Entity{}}, c.text), c.why)
	}
	// Overlapping terms become one span.
	got := denied(t, Options{Deny: map[Entity][]string{PersonName: {"Ana Ruiz", "Ms. Ana"}}, Entities: []Entity{}}, "Ms. Ana Ruiz")
	assert.Equal(t, []string{"person_name=Ms. Ana Ruiz"}, got)
}

func TestAllowNameVariants(t *testing.T) {
	r, err := New(&Options{Allow: []string{"Ana Ruiz"}})
	require.NoError(t, err)
	for _, text := range []string{"Councillor Ruiz voted yes.", "Dear Ms. Ruiz,", "ANA RUIZ, City Clerk", "Ruiz, Ana"} {
		for _, f := range r.Find(text) {
			assert.NotEqual(t, PersonName, f.Entity, "%q: an allowed official's name in any form is released (found %q)", text, text[f.Start:f.End])
		}
	}
	// Others are still found.
	fs := r.Find("Dear Ms. Lopez,")
	require.NotEmpty(t, fs)
	assert.Equal(t, PersonName, fs[0].Entity)
}

func TestNameVariants(t *testing.T) {
	assert.Nil(t, NameVariants("CR-2024-118"), "not a name")
	assert.Nil(t, NameVariants("Ana"), "one word is not a full name")
	assert.Nil(t, NameVariants("ana ruiz"), "names are capitalised")
	v := NameVariants("Ana María Ruiz")
	assert.Contains(t, v, "Ms. Ruiz")
	assert.Contains(t, v, "Ruiz, Ana")
	assert.Contains(t, v, "Ruiz, Ana María")
	assert.True(t, LooksLikeName("Seán O'Brien-Núñez"))
}

// naiveDeny is the deny-list as it was: one substring search per term.
func naiveDeny(s string, terms []string) int {
	n := 0
	low := strings.ToLower(s)
	for _, t := range terms {
		for i := 0; ; {
			k := strings.Index(low[i:], t)
			if k < 0 {
				break
			}
			at := i + k
			if tokenStart(s, at) && wordEnd(s, at+len(t)) {
				n++
			}
			i = at + 1
		}
	}
	return n
}

// BenchmarkDeny compares the one-pass deny-list with one search per term,
// on 1 MiB of council prose, for 10 to 10,000 terms (names and case
// numbers from a fixed seed).
func BenchmarkDeny(b *testing.B) {
	text := cleanProse(1 << 20)
	rnd := rand.New(rand.NewPCG(14, 14))
	first := []string{"Jordan", "Avery", "Riley", "Quinn", "Emerson", "Rowan", "Sage", "Finley"}
	last := []string{"Abernathy", "Okonkwo", "Villanueva", "Lindqvist", "Ferreira", "Tanaka", "Kowalczyk", "Haddad"}
	for _, n := range []int{10, 100, 1000, 10000} {
		terms := make([]string, n)
		for i := range terms {
			if i%2 == 0 { // a name, with its title and "Last, First" variants
				suffix := string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26))
				terms[i] = fmt.Sprintf("%s %s%s", first[rnd.IntN(len(first))], last[rnd.IntN(len(last))], suffix)
			} else {
				terms[i] = fmt.Sprintf("CR-%d-%05d", 2000+rnd.IntN(25), i)
			}
		}
		r, err := New(&Options{Deny: map[Entity][]string{"denied": terms}, Entities: []Entity{}})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("terms=%d/aho-corasick", n), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				_ = r.Find(text)
			}
		})
		lower := make([]string, n)
		for i, t := range terms {
			lower[i] = strings.ToLower(t)
		}
		b.Run(fmt.Sprintf("terms=%d/per-term-loop", n), func(b *testing.B) {
			if n > 1000 && testing.Short() {
				b.Skip("slow baseline")
			}
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				_ = naiveDeny(text, lower)
			}
		})
	}
}
