package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldTable is an open-addressing hash table keyed by lower-case ASCII
// words, looked up directly from a span of the input ignoring case, with
// no copy and no allocation. It replaces map[string]V on the scanner's
// hottest lookups (the name gazetteer and context words).
type foldTable[V any] struct {
	mask uint64
	keys []string
	vals []V
	used []bool
}

func newFoldTable[V any](m map[string]V) *foldTable[V] {
	size := uint64(16)
	for size < uint64(len(m))*4 {
		size <<= 1
	}
	t := &foldTable[V]{mask: size - 1, keys: make([]string, size), vals: make([]V, size), used: make([]bool, size)}
	for k, v := range m {
		h := foldHash(k, 0, len(k)) & t.mask
		for t.used[h] {
			h = (h + 1) & t.mask
		}
		t.keys[h], t.vals[h], t.used[h] = k, v, true
	}
	return t
}

// foldHash is FNV-1a over the lower-cased bytes of s[a:b].
func foldHash(s string, a, b int) uint64 {
	h := uint64(14695981039346656037)
	for k := a; k < b; k++ {
		h ^= uint64(lower(s[k]))
		h *= 1099511628211
	}
	return h
}

// get returns the value for s[a:b], ignoring ASCII case.
func (t *foldTable[V]) get(s string, a, b int) (v V, ok bool) {
	h := foldHash(s, a, b) & t.mask
	for t.used[h] {
		if equalFoldLower(s[a:b], t.keys[h]) {
			return t.vals[h], true
		}
		h = (h + 1) & t.mask
	}
	return v, false
}

// foldRunes maps accented Latin letters (lower case) to their ASCII base
// letter, so that "Nuñez", "Müller", "Nguyễn" and "Ștefan" find "nunez",
// "muller", "nguyen" and "stefan" in the gazetteer.
var foldRunes = func() map[rune]byte {
	m := map[rune]byte{}
	for base, list := range map[byte]string{
		'a': "àáâãäåāăąǎạảấầẩẫậắằẳẵặ", 'c': "çćĉċč", 'd': "ďđð", 'e': "èéêëēĕėęěẹẻẽếềểễệ",
		'g': "ĝğġģ", 'h': "ĥħ", 'i': "ìíîïĩīĭįıǐỉị", 'j': "ĵ", 'k': "ķ",
		'l': "ĺļľŀł", 'n': "ñńņňŉ", 'o': "òóôõöøōŏőǒơọỏốồổỗộớờởỡợ", 'r': "ŕŗř",
		's': "śŝşšș", 't': "ţťŧț", 'u': "ùúûüũūŭůűųǔưụủứừửữự", 'w': "ŵ", 'y': "ýÿŷỳỵỷỹ",
		'z': "źżž",
	} {
		for _, r := range list {
			m[r] = base
		}
	}
	return m
}()

// foldWord writes s[a:b] lower-cased and folded to ASCII into buf,
// dropping apostrophes (straight and curly: "O’Brien" gives "obrien"). It
// returns false if a character cannot be folded or the result does not
// fit.
func foldWord(s string, a, b int, buf *[24]byte) (int, bool) {
	n := 0
	for k := a; k < b; {
		c := s[k]
		if c < 0x80 {
			k++
			if c == '\'' {
				continue
			}
			if n == len(buf) {
				return 0, false
			}
			buf[n] = lower(c)
			n++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[k:])
		k += w
		if r == '\u2019' {
			continue
		}
		lr := unicode.ToLower(r)
		if lr < 0x180 && foldLatin[lr] != 0 {
			if n == len(buf) {
				return 0, false
			}
			buf[n] = foldLatin[lr]
			n++
			continue
		}
		if f, ok := foldRunes[lr]; ok {
			if n == len(buf) {
				return 0, false
			}
			buf[n] = f
			n++
			continue
		}
		var t string
		ok := false
		if lr >= 0x370 && lr < 0x460 {
			t, ok = translitTab[lr-0x370], translitOK[lr-0x370]
		}
		if !ok || n+len(t) > len(buf) {
			return 0, false
		}
		if (lr == 'υ' || lr == 'ύ') && n > 0 && buf[n-1] == 'o' {
			t = "u" // Greek "ου": "Παπαδόπουλος" is "papadopoulos"
		}
		n += copy(buf[n:], t)
	}
	return n, true
}

// foldLatin is foldRunes for the Latin-1 and Latin Extended-A letters,
// as an array: the lookup runs once per accented letter of every word
// looked up.
var foldLatin = func() (t [0x180]byte) {
	for r, b := range foldRunes {
		if r < 0x180 {
			t[r] = b
		}
	}
	return t
}()

// translitTab spells Cyrillic and Greek letters (lower case, indexed
// from U+0370 to U+045F) in ASCII, as names are usually romanised
// (Russian and Ukrainian after the common passport spellings, Greek after
// ELOT 743), so that "Олег Шевченко" and "Νίκος" find "oleg",
// "shevchenko" and "nikos" in the lexicon; translitOK marks the letters
// it spells. An empty spelling drops the letter (the hard and soft signs).
var translitTab, translitOK = func() (t [0x460 - 0x370]string, ok [0x460 - 0x370]bool) {
	for _, p := range strings.Fields("а:a б:b в:v г:g д:d е:e ё:e ж:zh з:z и:i й:y к:k л:l м:m н:n о:o п:p р:r с:s т:t у:u ф:f х:kh ц:ts ч:ch ш:sh щ:shch ъ: ы:y ь: э:e ю:yu я:ya і:i ї:yi є:ye ў:u" +
		" α:a ά:a β:v γ:g δ:d ε:e έ:e ζ:z η:i ή:i θ:th ι:i ί:i ϊ:i ΐ:i κ:k λ:l μ:m ν:n ξ:x ο:o ό:o π:p ρ:r σ:s ς:s τ:t υ:y ύ:y ϋ:y ΰ:y φ:f χ:ch ψ:ps ω:o ώ:o") {
		r, w := utf8.DecodeRuneInString(p)
		t[r-0x370], ok[r-0x370] = p[w+1:], true
	}
	return t, ok
}()

// wordSet is a small set of lower-case ASCII words, bucketed by length, for
// hot paths that test a span of the input against a short list: a length
// check and a few case-folding compares, no hashing and no copy.
type wordSet [17][]string

func newWordSet(words string) *wordSet {
	var ws wordSet
	for _, w := range strings.Fields(words) {
		if len(w) < len(ws) {
			ws[len(w)] = append(ws[len(w)], w)
		}
	}
	return &ws
}

// has reports whether s[a:b] is in the set, ignoring ASCII case.
func (ws *wordSet) has(s string, a, b int) bool {
	n := b - a
	if n <= 0 || n >= len(ws) {
		return false
	}
	for _, w := range ws[n] {
		if equalFoldLower(s[a:b], w) {
			return true
		}
	}
	return false
}
