// Package atomicfile writes files whole or not at all, for the module's
// key files, keyrings and auditor files: through a temporary file that is
// fsynced, then renamed over the target (Write) or linked to a target that
// must not exist yet (Create).
package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to path with mode perm, replacing any file there
// atomically: a reader sees the old file or the new one, never a part.
func Write(path string, data []byte, perm fs.FileMode) error {
	return write(path, data, perm, false)
}

// Create writes data to a new file at path with mode perm, as Write does,
// but fails with an error wrapping fs.ErrExist if a file is there, even one
// another process created at the same moment: link(2) fails atomically,
// where a check before a rename would race. On a file system without hard
// links it creates the file with O_EXCL instead (a crash then can leave a
// partial file, which the next Create refuses to replace).
func Create(path string, data []byte, perm fs.FileMode) error {
	return write(path, data, perm, true)
}

func write(path string, data []byte, perm fs.FileMode, exclusive bool) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if !renamed {
			os.Remove(tmp)
		}
	}()
	err = f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if !exclusive {
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
		renamed = true
		return nil
	}
	err = os.Link(tmp, path)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		err = createInPlace(path, data, perm)
	}
	return err // the deferred Remove drops the temporary name
}

// createInPlace creates path, which must not exist, and writes data to it;
// on failure it removes what it created.
func createInPlace(path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
