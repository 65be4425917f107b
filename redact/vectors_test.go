package redact

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type vectorFile struct {
	Entity   Entity      `json:"entity"`
	Positive [][2]string `json:"positive"` // text, expected span
	Negative [][2]string `json:"negative"` // text, reason
}

func loadVectors(t testing.TB) []vectorFile {
	files, err := filepath.Glob("testdata/vectors/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out []vectorFile
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var v vectorFile
		require.NoError(t, json.Unmarshal(b, &v), f)
		out = append(out, v)
	}
	return out
}

// TestVectors checks every detector against its positive and negative
// vectors: a positive must be found with exactly the expected span; a
// negative must produce no finding of that entity.
func TestVectors(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	for _, vf := range loadVectors(t) {
		t.Run(string(vf.Entity), func(t *testing.T) {
			assert.GreaterOrEqual(t, len(vf.Positive), 30, "positive vectors")
			assert.GreaterOrEqual(t, len(vf.Negative), 30, "negative vectors")
			for i, c := range vf.Positive {
				text, want := c[0], c[1]
				found := false
				var got []string
				for _, f := range r.Find(text) {
					got = append(got, string(f.Entity)+"="+text[f.Start:f.End])
					if f.Entity == vf.Entity && text[f.Start:f.End] == want {
						found = true
					}
				}
				assert.True(t, found, "positive %d: %q want %q, got %q", i, text, want, got)
			}
			for i, c := range vf.Negative {
				text, reason := c[0], c[1]
				for _, f := range r.Find(text) {
					assert.NotEqual(t, vf.Entity, f.Entity, "negative %d (%s): %q found %q", i, reason, text, text[f.Start:f.End])
				}
			}
		})
	}
}
