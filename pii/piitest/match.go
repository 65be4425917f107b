package piitest

import (
	"bytes"
	"fmt"
	"math/bits"
	"sort"
	"strings"
)

// Leak is one place a canary was found.
type Leak struct {
	Canary   Canary // what leaked, and which test planted it
	Encoding string // the form it was found in, such as "raw" or "base64 (std, offset 1 mod 3)"
	Offset   int    // byte offset of the first byte in the scanned text
	Len      int    // length in bytes of the matched text
	Line     int    // 1-based line of Offset
	Column   int    // 1-based byte column of Offset
}

// String describes the leak without the canary's value.
func (l Leak) String() string {
	return fmt.Sprintf("%s found %s at line %d, column %d (offset %d, %d bytes)",
		l.Canary, l.Encoding, l.Line, l.Column, l.Offset, l.Len)
}

// pattern is one form of one canary, prepared for the scan.
type pattern struct {
	folded   string // the form, ASCII lower-cased
	orig     string // the form as encoded
	exact    bool   // case must match (base64)
	canary   int32  // index into Matcher.canaries
	encoding string
}

// Matcher finds any form of a fixed set of canaries in one pass over the
// input. Build one with NewMatcher when the same canaries are searched for
// many times; it is immutable and safe for concurrent use.
//
// # How it searches
//
// Every form is at least MinLen (8) bytes long, so every occurrence starts
// with 8 bytes that, ASCII case folded, equal its form's first 8. The scan
// keeps the last 8 folded input bytes in a 64-bit word, hashes it into a
// bitmap with a few dozen bits per form, and only where the bit is set
// looks the word up among the forms' prefixes and compares the rest. The
// cost per input byte is a table load, a shift, a multiply and a bit test,
// whatever the number of canaries and forms.
type Matcher struct {
	canaries []Canary
	pats     []pattern
	prefix   map[uint64][]int32 // first 8 folded bytes -> patterns
	bitmap   []uint64
	shift    uint8
}

const hashMul = 0x9e3779b97f4a7c15

var foldTab = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

func fold(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = foldTab[b[i]]
	}
	return string(b)
}

func key8(s string) uint64 {
	var w uint64
	for i := 0; i < 8; i++ {
		w = w<<8 | uint64(s[i])
	}
	return w
}

// NewMatcher prepares a search for every form of the canaries.
func NewMatcher(canaries ...Canary) *Matcher {
	m := &Matcher{canaries: append([]Canary(nil), canaries...), prefix: map[uint64][]int32{}}
	for ci, c := range m.canaries {
		for _, f := range forms(c) {
			p := pattern{folded: fold(f.text), orig: f.text, exact: f.exact, canary: int32(ci), encoding: f.encoding}
			k := key8(p.folded)
			m.prefix[k] = append(m.prefix[k], int32(len(m.pats)))
			m.pats = append(m.pats, p)
		}
	}
	// about 64 bits per distinct prefix: a false hit every ~64 bytes of
	// unrelated text at most, and far fewer on typical logs.
	logBits := bits.Len(uint(len(m.prefix))) + 6
	logBits = max(logBits, 12)
	m.bitmap = make([]uint64, 1<<(logBits-6))
	m.shift = uint8(64 - logBits)
	for k := range m.prefix {
		h := (k * hashMul) >> m.shift
		m.bitmap[h>>6] |= 1 << (h & 63)
	}
	return m
}

// Patterns returns how many distinct forms the matcher searches for.
func (m *Matcher) Patterns() int { return len(m.pats) }

// Find returns every leak of the matcher's canaries in b, in order of
// offset. Overlapping matches of one canary are reported once, by the
// earliest (then longest) match.
func (m *Matcher) Find(b []byte) []Leak { return find(m, b) }

// FindString is Find for a string.
func (m *Matcher) FindString(s string) []Leak { return find(m, s) }

type hit struct {
	pat   int32
	start int
}

func find[T ~string | ~[]byte](m *Matcher, b T) []Leak {
	if len(m.pats) == 0 {
		return nil
	}
	var hits []hit
	scan(m, b, func(p int32, start int) { hits = append(hits, hit{p, start}) })
	if len(hits) == 0 {
		return nil
	}
	sort.Slice(hits, func(i, j int) bool {
		a, c := hits[i], hits[j]
		if a.start != c.start {
			return a.start < c.start
		}
		return len(m.pats[a.pat].orig) > len(m.pats[c.pat].orig)
	})
	var leaks []Leak
	end := map[int32]int{} // canary -> end of its last reported match
	line, lineStart, pos := 1, 0, 0
	for _, h := range hits {
		p := &m.pats[h.pat]
		if e, ok := end[p.canary]; ok && h.start < e {
			continue
		}
		end[p.canary] = h.start + len(p.orig)
		for ; pos < h.start; pos++ {
			if b[pos] == '\n' {
				line++
				lineStart = pos + 1
			}
		}
		leaks = append(leaks, Leak{
			Canary:   m.canaries[p.canary],
			Encoding: p.encoding + caseNote(p, string(b[h.start:h.start+len(p.orig)])),
			Offset:   h.start,
			Len:      len(p.orig),
			Line:     line,
			Column:   h.start - lineStart + 1,
		})
	}
	return leaks
}

// caseNote says how the text found differs in case from the form.
func caseNote(p *pattern, found string) string {
	switch {
	case p.exact || found == p.orig:
		return ""
	case found == strings.ToUpper(p.orig):
		return ", upper-cased"
	case found == p.folded:
		return ", lower-cased"
	}
	return ", case changed"
}

// scan reports every (pattern, start) occurrence in b.
func scan[T ~string | ~[]byte](m *Matcher, b T, report func(p int32, start int)) {
	var w uint64
	bitmap, shift := m.bitmap, m.shift
	for i := 0; i < len(b); i++ {
		w = w<<8 | uint64(foldTab[b[i]])
		h := (w * hashMul) >> shift
		if bitmap[h>>6]&(1<<(h&63)) == 0 || i < 7 {
			continue
		}
		start := i - 7
		for _, pi := range m.prefix[w] {
			p := &m.pats[pi]
			if start+len(p.folded) > len(b) || !matchAt(p, b, start) {
				continue
			}
			report(pi, start)
		}
	}
}

func matchAt[T ~string | ~[]byte](p *pattern, b T, start int) bool {
	if p.exact {
		return string(b[start:start+len(p.orig)]) == p.orig
	}
	rest := b[start+8 : start+len(p.folded)]
	f := p.folded[8:]
	for k := 0; k < len(f); k++ {
		if foldTab[rest[k]] != f[k] {
			return false
		}
	}
	return true
}

// FindLeaks returns every leak of the canaries in captured; see Matcher.
func FindLeaks(captured []byte, canaries ...Canary) []Leak {
	return NewMatcher(canaries...).Find(captured)
}

// lineOf returns the 1-based line and column of offset in b.
func lineOf(b []byte, offset int) (line, col int) {
	before := b[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = offset - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}
