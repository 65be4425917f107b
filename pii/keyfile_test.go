package pii_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/pii"
)

// Many processes (here goroutines) creating one master key or keyring file
// at once: exactly one wins, the others get fs.ErrExist, and the file on
// disk is the winner's, whole.
func TestKeyFilesAreCreatedExclusively(t *testing.T) {
	dir := t.TempDir()
	masterPath := filepath.Join(dir, "master.key")
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = pii.GenerateMasterKey(masterPath) }()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			assert.ErrorIs(t, err, fs.ErrExist)
		}
	}
	assert.Equal(t, 1, won, "one master key is made")
	kek, err := pii.LoadMasterKey(masterPath)
	require.NoError(t, err)

	path := filepath.Join(dir, "subjects.json")
	rings := make([]*pii.Keyring, n)
	for i := range n {
		rings[i], err = pii.NewKeyring(pii.Encryption)
		require.NoError(t, err)
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = rings[i].CreateFile(path, kek) }()
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "only one CreateFile succeeds")
			winner = i
		} else {
			assert.ErrorIs(t, err, fs.ErrExist)
		}
	}
	require.NotEqual(t, -1, winner)
	got, err := pii.ReadKeyringFile(path, pii.Encryption, kek)
	require.NoError(t, err)
	assert.Equal(t, rings[winner].Primary(), got.Primary(), "the file is the winner's keyring")

	// WriteFile replaces, for saving after Rotate.
	_, err = rings[winner].Rotate()
	require.NoError(t, err)
	require.NoError(t, rings[winner].WriteFile(path, kek))
	got, err = pii.ReadKeyringFile(path, pii.Encryption, kek)
	require.NoError(t, err)
	assert.Equal(t, rings[winner].Primary(), got.Primary())

	left, err := filepath.Glob(filepath.Join(dir, ".*tmp-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary files are left behind")
	fi, err := os.Stat(path)
	require.NoError(t, err)
	if runtime.GOOS != "windows" {
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
}

// A master key file that others may read is refused, as ssh refuses a
// private key.
func TestLoadMasterKeyRefusesOpenPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows files carry ACLs, not Unix permissions")
	}
	path := filepath.Join(t.TempDir(), "master.key")
	_, err := pii.GenerateMasterKey(path)
	require.NoError(t, err)
	cases := []struct {
		mode os.FileMode
		ok   bool
		why  string
	}{
		{0o600, true, "owner only"},
		{0o400, true, "owner read-only"},
		{0o640, false, "group may read"},
		{0o604, false, "others may read"},
		{0o620, false, "group may write"},
		{0o644, false, "the usual umask of a copied file"},
	}
	for _, c := range cases {
		require.NoError(t, os.Chmod(path, c.mode))
		_, err := pii.LoadMasterKey(path)
		if c.ok {
			assert.NoError(t, err, c.why)
			continue
		}
		assert.ErrorIs(t, err, pii.ErrKeyFileMode, c.why)
		assert.Contains(t, err.Error(), "chmod 600", "the error says what to do")
		assert.False(t, errors.Is(err, fs.ErrNotExist))
	}
}
