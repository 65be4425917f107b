package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithin(t *testing.T) {
	sep := string(filepath.Separator)
	cases := []struct {
		dir, p string
		want   bool
		why    string
	}{
		{sep + "a", sep + "a" + sep + "b", true, "child"},
		{sep + "a", sep + "a" + sep + "b" + sep + "c", true, "grandchild"},
		{sep + "a", sep + "a", false, "the same folder is not inside itself"},
		{sep + "a", sep + "ab", false, "a name prefix is not containment"},
		{sep + "a" + sep + "b", sep + "a", false, "parent"},
		{sep + "a", sep + "a" + sep + "..b", true, "a name starting with .. is still inside"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, within(c.dir, c.p), c.why)
	}
}

func TestResolveFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	require.NoError(t, os.MkdirAll(real, 0o755))
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks here")
	}
	r1, err := resolve(filepath.Join(link, "not-yet", "out"))
	require.NoError(t, err)
	r2, err := resolve(filepath.Join(real, "not-yet", "out"))
	require.NoError(t, err)
	assert.Equal(t, r2, r1, "an output folder reached through a link is the same folder")
	// So an output folder inside the input through a link is refused.
	_, err = collect([]string{real}, filepath.Join(link, "out"))
	assert.Error(t, err)
}

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, total: 4}
	for i := 0; i < 4; i++ {
		p.step()
	}
	out := b.String()
	assert.True(t, strings.HasPrefix(out, "\r["), "redraws one line")
	assert.Contains(t, out, "4/4 files")
	assert.True(t, strings.HasSuffix(out, "\n"), "ends the line when done")
	var nilBar *progress
	nilBar.step() // no bar: no output, no panic
}

func TestRunWithoutTerminalShowsNoBar(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	require.NoError(t, os.MkdirAll(in, 0o755))
	for i := 0; i < progressMin+5; i++ {
		require.NoError(t, os.WriteFile(filepath.Join(in, strings.Repeat("n", 1+i%7)+string(rune('a'+i%26))+strings.Repeat("x", i/26)+".txt"), []byte("The council met."), 0o644))
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"-out", filepath.Join(dir, "out"), in}, &stdout, &stderr)
	assert.Equal(t, exitClean, code, stderr.String())
	assert.NotContains(t, stderr.String(), "\r[", "stderr is not a terminal")
}
