package redact_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/redact"
)

// The ner-dev evaluation scores person-name detection of the default
// redactor on real English text with human-labelled person names, which
// lives in shared/data/ner-dev beside the repository (see its README). The
// data is for measuring only: nothing in the package is built from it.
//
// Matching rule: a gold PERSON span counts as found (true positive for
// recall) when a person_name finding overlaps it by at least one byte;
// since both are whole words, that is token overlap. A person_name finding
// is correct (for precision) when it overlaps some gold PERSON span. Gold
// spans that are @-handles (BTC, WNUT-17 tag Twitter handles as persons)
// are left out on both sides: they are not names a records clerk redacts
// as person names, and a finding that overlaps one counts neither way.
// F2 weighs recall four times as much as precision (release: a missed name
// is a breach, an extra box is a nuisance).
//
// The dev files are what rules were tuned on; the test files are read only
// for the final figures and the floors below. Output holds scores only:
// corpus names are real people. PRIVACY_NEREVAL_DEBUG=1 prints misses and
// false hits from the dev files, for local debugging only.

// nerFloors are regression floors for the test files (micro totals), set a
// little under the measured values recorded in BENCHMARKS.md.
var nerFloors = struct{ precision, recall, f2 float64 }{precision: 0.72, recall: 0.57, f2: 0.60}

var (
	nerDevFiles  = []string{"wikigold.jsonl", "btc-dev.jsonl", "wnut17-dev.jsonl", "uner-ewt-dev.jsonl", "sec-filings-train.jsonl"}
	nerTestFiles = []string{"btc-test.jsonl", "wnut17-test.jsonl", "uner-ewt-test.jsonl", "uner-pud-test.jsonl", "sec-filings-test.jsonl"}
)

type nerSpan struct {
	Type  string `json:"type"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

type nerDoc struct {
	ID    string    `json:"id"`
	Text  string    `json:"text"`
	Spans []nerSpan `json:"spans"`
}

// nerScore counts one corpus: gold spans found, gold spans, findings that
// hit a gold span, findings.
type nerScore struct {
	found, gold, hit, pred int
}

func (c *nerScore) add(o nerScore) {
	c.found += o.found
	c.gold += o.gold
	c.hit += o.hit
	c.pred += o.pred
}

func (c nerScore) prf() (p, r, f2 float64) {
	if c.pred > 0 {
		p = float64(c.hit) / float64(c.pred)
	}
	if c.gold > 0 {
		r = float64(c.found) / float64(c.gold)
	}
	if p+r > 0 {
		f2 = 5 * p * r / (4*p + r)
	}
	return p, r, f2
}

func nerDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "data", "ner-dev")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("PRIVACY_TEST_REQUIRE_SHARED") != "" {
			t.Fatalf("%s is required (PRIVACY_TEST_REQUIRE_SHARED) but missing", dir)
		}
		t.Skipf("ner-dev corpora not found at %s (they live in ../shared beside the repository)", dir)
	}
	return dir
}

func loadNer(t *testing.T, path string) []nerDoc {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var docs []nerDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var d nerDoc
		require.NoError(t, json.Unmarshal(sc.Bytes(), &d))
		docs = append(docs, d)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, docs, path)
	return docs
}

// scoreNer scores r on docs; debug prints misses and false hits.
func scoreNer(r *redact.Redactor, docs []nerDoc, debug bool) nerScore {
	var c nerScore
	for _, d := range docs {
		var gold []nerSpan
		var handles []nerSpan
		for _, s := range d.Spans {
			switch {
			case s.Type != "PERSON":
			case strings.HasPrefix(d.Text[s.Start:s.End], "@"):
				handles = append(handles, s)
			default:
				gold = append(gold, s)
			}
		}
		var pred []redact.Finding
		for _, f := range r.Find(d.Text) {
			if f.Entity == redact.PersonName {
				pred = append(pred, f)
			}
		}
		overlaps := func(a, b, c, d int) bool { return a < d && c < b }
		for _, g := range gold {
			c.gold++
			hit := false
			for _, f := range pred {
				if overlaps(g.Start, g.End, f.Start, f.End) {
					hit = true
					break
				}
			}
			if hit {
				c.found++
			} else if debug {
				fmt.Printf("MISS %s: %q in %q\n", d.ID, d.Text[g.Start:g.End], around(d.Text, g.Start, g.End))
			}
		}
	next:
		for _, f := range pred {
			for _, h := range handles {
				if overlaps(h.Start, h.End, f.Start, f.End) {
					continue next
				}
			}
			c.pred++
			hit := false
			for _, g := range gold {
				if overlaps(g.Start, g.End, f.Start, f.End) {
					hit = true
					break
				}
			}
			if hit {
				c.hit++
			} else if debug {
				fmt.Printf("FALSE %s: %q (%s %.2f) in %q\n", d.ID, d.Text[f.Start:f.End], f.Rule, f.Score, around(d.Text, f.Start, f.End))
			}
		}
	}
	return c
}

func around(s string, a, b int) string {
	a -= 40
	b += 40
	if a < 0 {
		a = 0
	}
	if b > len(s) {
		b = len(s)
	}
	return strings.ToValidUTF8(s[a:b], "")
}

// TestNerDevNames scores person names on the ner-dev corpora, dev and test
// files apart, and holds the test totals to nerFloors.
func TestNerDevNames(t *testing.T) {
	dir := nerDir(t)
	r, err := redact.New(nil)
	require.NoError(t, err)
	debug := os.Getenv("PRIVACY_NEREVAL_DEBUG") == "1"
	for _, set := range []struct {
		name  string
		files []string
	}{{"dev", nerDevFiles}, {"test", nerTestFiles}} {
		var total nerScore
		t.Logf("%-5s %-26s %6s %6s %6s %6s %6s", set.name, "file", "gold", "pred", "P", "R", "F2")
		for _, f := range set.files {
			c := scoreNer(r, loadNer(t, filepath.Join(dir, f)), debug && set.name == "dev")
			total.add(c)
			p, rc, f2 := c.prf()
			t.Logf("%-5s %-26s %6d %6d %6.3f %6.3f %6.3f", set.name, f, c.gold, c.pred, p, rc, f2)
		}
		p, rc, f2 := total.prf()
		t.Logf("%-5s %-26s %6d %6d %6.3f %6.3f %6.3f", set.name, "micro total", total.gold, total.pred, p, rc, f2)
		if set.name == "test" {
			assert.GreaterOrEqual(t, p, nerFloors.precision, "test precision")
			assert.GreaterOrEqual(t, rc, nerFloors.recall, "test recall")
			assert.GreaterOrEqual(t, f2, nerFloors.f2, "test F2")
		}
	}
}
