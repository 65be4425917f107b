package redact

import (
	"regexp"
	"strings"
	"testing"
)

// naiveRedactor is the baseline a Go user would otherwise write (and what
// regexp-based Presidio ports do): one regexp per entity type, applied in
// turn over the whole input.
type naiveRedactor struct{ res []*regexp.Regexp }

func newNaive() *naiveRedactor {
	pats := []string{
		`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`,                  // email
		`(?:\+?1[\s.-]?)?\(?\b[2-9]\d{2}\)?[\s.-]?[2-9]\d{2}[\s.-]?\d{4}\b`, // phone
		`\b\d{3}-\d{2}-\d{4}\b`,                                       // ssn
		`\b(?:\d[ -]?){12,18}\d\b`,                                    // card
		`\b(?:\d{1,3}\.){3}\d{1,3}\b`,                                 // ipv4
		`\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}\b`,              // ipv6 (rough)
		`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b`, // iban
		`\b\d{9}\b`,                   // routing
		`\b\d{1,2}/\d{1,2}/\d{2,4}\b`, // date
		`\b\d{1,6} [A-Z][a-z]+(?: [A-Z][a-z]+)* (?:Street|St|Avenue|Ave|Road|Rd)\b`, // address
		`\b(?:Mr|Mrs|Ms|Dr)\.? [A-Z][a-z]+`,                                         // name
	}
	n := &naiveRedactor{}
	for _, p := range pats {
		n.res = append(n.res, regexp.MustCompile(p))
	}
	return n
}

func (n *naiveRedactor) find(s string) int {
	c := 0
	for _, re := range n.res {
		c += len(re.FindAllStringIndex(s, -1))
	}
	return c
}

var benchSink int

func benchFind(b *testing.B, text string) {
	r, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		benchSink += len(r.Find(text))
	}
}

func benchNaive(b *testing.B, text string) {
	n := newNaive()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		benchSink += n.find(text)
	}
}

var (
	benchProse = cleanProse(1 << 20)
	benchDense = densePII(1 << 20)
	benchNames = nameDense(1 << 20)
)

func BenchmarkFindProse(b *testing.B)  { benchFind(b, benchProse) }
func BenchmarkNaiveProse(b *testing.B) { benchNaive(b, benchProse) }
func BenchmarkFindDense(b *testing.B)  { benchFind(b, benchDense) }
func BenchmarkNaiveDense(b *testing.B) { benchNaive(b, benchDense) }

// BenchmarkFindNames runs on correspondence dense in international names
// (goal: 40 MB/s or more).
func BenchmarkFindNames(b *testing.B)  { benchFind(b, benchNames) }
func BenchmarkNaiveNames(b *testing.B) { benchNaive(b, benchNames) }

func BenchmarkContainsProse(b *testing.B) {
	r, _ := New(nil)
	b.SetBytes(int64(len(benchProse)))
	b.ReportAllocs()
	for b.Loop() {
		if r.Contains(benchProse) {
			b.Fatal("clean prose reported as PII")
		}
	}
}

func BenchmarkRedactDense(b *testing.B) {
	r, _ := New(nil)
	b.SetBytes(int64(len(benchDense)))
	b.ReportAllocs()
	for b.Loop() {
		benchSink += len(r.Redact(benchDense))
	}
}

// benchScripts is text in scripts beyond ASCII capitals, where every word
// start wakes the scanner: Cyrillic, Arabic and accented French prose with
// names in it, about 1 MiB, written here.
var benchScripts = func() string {
	paras := []string{
		"Вчера Иван Петров пришёл в офис и сказал, что Мария Сидорова больше не работает здесь. Москва большой город. ",
		"ذهب محمد علي إلى المكتب أمس وقال إن فاطمة لم تعد تعمل هنا. القاهرة مدينة كبيرة. ",
		"Élodie a déjà écrit à Ángela et à Óscar. Ça va très bien à Genève, où l'été est chaud. ",
		"The applicant 王秀英 wrote on behalf of her neighbour 김민지 about the permit for the garden. ",
	}
	var sb strings.Builder
	for k := 0; sb.Len() < 1<<20; k++ {
		sb.WriteString(paras[k%len(paras)])
	}
	return sb.String()
}()

// BenchmarkFindScripts runs on text in Cyrillic, Arabic, accented Latin
// and Han or Hangul (the name rules for scripts beyond ASCII capitals).
func BenchmarkFindScripts(b *testing.B)  { benchFind(b, benchScripts) }
func BenchmarkNaiveScripts(b *testing.B) { benchNaive(b, benchScripts) }
