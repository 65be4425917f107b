package redact

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNameDenseRecall measures how many of the invented international
// names in the name-dense benchmark corpus are found. It is self-graded
// (the corpus and the rules were written by the same session), so it
// guards against regressions and says nothing about fresh text.
func TestNameDenseRecall(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	text := nameDense(64 << 10)
	fs := r.Find(text)
	covered := func(a, b int) bool {
		for _, f := range fs {
			if f.Entity == PersonName && f.Start < b && a < f.End {
				return true
			}
		}
		return false
	}
	total, found := 0, 0
	for _, list := range [][]string{intlGiven, intlFamily} {
		for _, n := range list {
			for off := 0; ; {
				k := strings.Index(text[off:], n)
				if k < 0 {
					break
				}
				a := off + k
				off = a + len(n)
				if a > 0 && isWord(text[a-1]) || off < len(text) && isWord(text[off]) {
					continue
				}
				total++
				if covered(a, off) {
					found++
				}
			}
		}
	}
	rec := float64(found) / float64(total)
	t.Logf("name-dense corpus (self-graded): %d of %d name words found, recall %.3f", found, total, rec)
	assert.GreaterOrEqual(t, rec, 0.98)
}
