package piitest

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// naiveHits is the baseline a user would write: for every form of every
// canary, a substring search over the case-folded input (or the input
// itself for case-sensitive forms). The matcher must agree with it.
func naiveHits(m *Matcher, b []byte) []hit {
	folded := []byte(fold(string(b)))
	var hits []hit
	for pi, p := range m.pats {
		hay, needle := folded, p.folded
		if p.exact {
			hay, needle = b, p.orig
		}
		for off := 0; ; {
			k := bytes.Index(hay[off:], []byte(needle))
			if k < 0 {
				break
			}
			hits = append(hits, hit{int32(pi), off + k})
			off += k + 1
		}
	}
	return hits
}

func sortHits(h []hit) {
	slices.SortFunc(h, func(a, b hit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return int(a.pat - b.pat)
	})
}

func fastHits(m *Matcher, b []byte) []hit {
	var hits []hit
	scan(m, b, func(p int32, start int) { hits = append(hits, hit{p, start}) })
	return hits
}

var fuzzCanaries = plantedCanaries(NewNamed("FuzzFind"))

func FuzzFind(f *testing.F) {
	m := NewMatcher(fuzzCanaries...)
	// seeds: every form of every canary in a line of log text, plus noise
	for _, p := range m.pats {
		f.Add([]byte("level=INFO msg=x v=" + p.orig + "\n"))
	}
	f.Add([]byte(""))
	f.Add([]byte("\x00\x00\x00\x00\x00\x00\x00\x00\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, want := fastHits(m, b), naiveHits(m, b)
		sortHits(got)
		sortHits(want)
		if !slices.Equal(got, want) {
			t.Fatalf("matcher found %d occurrences, substring search %d", len(got), len(want))
		}
		leaks := m.Find(b)
		for _, l := range leaks {
			if l.Offset < 0 || l.Offset+l.Len > len(b) || l.Line < 1 || l.Column < 1 {
				t.Fatalf("leak out of range: %+v", l)
			}
		}
		ft := &fakeT{name: "FuzzFind"}
		check(ft, "fuzz", b, m, nil)
		if ft.failed() != (len(leaks) > 0) {
			t.Fatalf("check failed=%v with %d leaks", ft.failed(), len(leaks))
		}
		for _, c := range fuzzCanaries {
			if strings.Contains(ft.output(), c.Value()) {
				t.Fatalf("failure message leaks %v", c)
			}
		}
	})
}

func TestMatcherAgreesWithSubstringSearch(t *testing.T) {
	m := NewMatcher(fuzzCanaries...)
	var b bytes.Buffer
	for i, p := range m.pats {
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(p.orig)
		if i%3 == 0 {
			b.WriteString(p.orig) // back to back
		}
		b.WriteString(strings.ToUpper(p.orig))
		b.WriteByte('\n')
	}
	got, want := fastHits(m, b.Bytes()), naiveHits(m, b.Bytes())
	sortHits(got)
	sortHits(want)
	if len(want) < len(m.pats) {
		t.Fatalf("test input should hold every form: %d hits for %d forms", len(want), len(m.pats))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("matcher found %d occurrences, substring search %d", len(got), len(want))
	}
}
