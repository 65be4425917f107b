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
// Every form is at least MinLen (8) bytes long. So wherever a form occurs,
// one of every five consecutive input positions starts a 4-byte window
// that lies inside the occurrence's first 8 bytes, at an offset of 0 to 4
// into the form. The scan therefore looks only at every fifth position: it
// reads the 4 bytes there (ASCII case folded), tests a bitmap indexed by a
// multiplicative hash of them (32 bits per indexed window), and only on a
// hit looks the window up in a hash table of every form's 4-byte windows
// at offsets 0 to 4, comparing each candidate form in full. The cost is a
// few operations per five input bytes, whatever the number of canaries and
// forms; a substring search per form costs a pass over the input per form
// (see BENCHMARKS.md).
type Matcher struct {
	canaries []Canary
	pats     []pattern
	bitmap   []uint64
	bshift   uint8 // hash >> bshift indexes bitmap bits
	kshift   uint8 // hash >> kshift indexes heads
	heads    []int32
	grams    []gram // grouped by bucket: bucket k is grams[heads[k]:heads[k+1]]
}

// gram is one 4-byte window of a form, at offset off.
type gram struct {
	g   uint32
	pat int32
	off int32
}

const (
	gramLen   = 4
	stride    = MinLen - gramLen + 1 // 5
	gramMul   = 0x9e3779b1
	gramsBits = 5 // log2 of bitmap bits per indexed window
)

var foldTab = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// fold lower-cases the ASCII letters of s and leaves every other byte.
func fold(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = foldTab[b[i]]
	}
	return string(b)
}

// NewMatcher prepares a search for every form of the canaries.
func NewMatcher(canaries ...Canary) *Matcher {
	m := &Matcher{canaries: append([]Canary(nil), canaries...)}
	var grams []gram
	for ci, c := range m.canaries {
		for _, f := range forms(c) {
			p := pattern{folded: fold(f.text), orig: f.text, exact: f.exact, canary: int32(ci), encoding: f.encoding}
			for off := 0; off < stride; off++ {
				grams = append(grams, gram{g: gram4(p.folded, off), pat: int32(len(m.pats)), off: int32(off)})
			}
			m.pats = append(m.pats, p)
		}
	}
	logBits := max(bits.Len(uint(len(grams)))+gramsBits, 12)
	logBuckets := max(bits.Len(uint(len(grams))), 4)
	m.bshift, m.kshift = uint8(32-logBits), uint8(32-logBuckets)
	m.bitmap = make([]uint64, 1<<(logBits-6))
	m.heads = make([]int32, 1<<logBuckets+1)
	for _, g := range grams {
		h := g.g * gramMul
		m.bitmap[h>>m.bshift>>6] |= 1 << (h >> m.bshift & 63)
		m.heads[h>>m.kshift+1]++
	}
	for k := 1; k < len(m.heads); k++ {
		m.heads[k] += m.heads[k-1]
	}
	m.grams = make([]gram, len(grams))
	next := append([]int32(nil), m.heads[:len(m.heads)-1]...)
	for _, g := range grams {
		k := (g.g * gramMul) >> m.kshift
		m.grams[next[k]] = g
		next[k]++
	}
	return m
}

// gram4 returns the 4 bytes at s[i:], ASCII case folded, as a number.
func gram4[T ~string | ~[]byte](s T, i int) uint32 {
	return uint32(foldTab[s[i]]) | uint32(foldTab[s[i+1]])<<8 | uint32(foldTab[s[i+2]])<<16 | uint32(foldTab[s[i+3]])<<24
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

// scan reports every (pattern, start) occurrence in b, each once.
func scan[T ~string | ~[]byte](m *Matcher, b T, report func(p int32, start int)) {
	bitmap, bshift := m.bitmap, m.bshift
	for p := 0; p+gramLen <= len(b); p += stride {
		h := gram4(b, p) * gramMul
		if bitmap[h>>bshift>>6]&(1<<(h>>bshift&63)) == 0 {
			continue
		}
		candidates(m, b, p, h, report)
	}
}

// candidates checks the forms with a window that hashes like the one at p.
func candidates[T ~string | ~[]byte](m *Matcher, b T, p int, h uint32, report func(p int32, start int)) {
	g := gram4(b, p)
	k := h >> m.kshift
	for _, e := range m.grams[m.heads[k]:m.heads[k+1]] {
		if e.g != g {
			continue
		}
		start := p - int(e.off)
		pt := &m.pats[e.pat]
		if start < 0 || start+len(pt.folded) > len(b) || !matchAt(pt, b, start) {
			continue
		}
		report(e.pat, start)
	}
}

func matchAt[T ~string | ~[]byte](p *pattern, b T, start int) bool {
	if p.exact {
		return string(b[start:start+len(p.orig)]) == p.orig
	}
	rest := b[start : start+len(p.folded)]
	f := p.folded
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

// String describes the matcher without any form: "piitest.Matcher(3 canaries, 51 forms)".
func (m *Matcher) String() string {
	return fmt.Sprintf("piitest.Matcher(%d canaries, %d forms)", len(m.canaries), len(m.pats))
}

// Format makes every fmt verb print String, so printing a matcher never
// prints the forms it searches for.
func (m *Matcher) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(m.String())) }
