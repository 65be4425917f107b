package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteAndCreate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	require.NoError(t, Create(p, []byte("one"), 0o600))
	assert.ErrorIs(t, Create(p, []byte("two"), 0o600), fs.ErrExist, "Create never replaces")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "one", string(b))
	require.NoError(t, Write(p, []byte("three"), 0o600), "Write replaces")
	b, err = os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "three", string(b))
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
	}
	left, err := filepath.Glob(filepath.Join(dir, ".*tmp-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary files stay")
	assert.Error(t, Write(filepath.Join(dir, "no-such-dir", "f"), nil, 0o600))
}

// Eight writers create one file at once: one wins, the file is whole.
func TestCreateRace(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = Create(p, []byte{byte('a' + i)}, 0o600) }()
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, won)
			won = i
		} else {
			assert.ErrorIs(t, err, fs.ErrExist)
		}
	}
	require.NotEqual(t, -1, won)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, []byte{byte('a' + won)}, b)
}
