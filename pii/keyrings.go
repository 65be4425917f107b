package pii

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// WriteContext is Write with a key-encryption key that takes a context,
// such as a KMS-backed KEK: the wrap is one KMS call.
func (k *Keyring) WriteContext(ctx context.Context, w io.Writer, kek tink.AEADWithContext) error {
	if kek == nil {
		return errors.New("pii: WriteContext needs a key-encryption key")
	}
	if err := k.state.Load().handle.WriteWithContext(ctx, keyset.NewJSONWriter(w), kek, keysetAD(k.purpose)); err != nil {
		return fmt.Errorf("pii: write keyset: %w", err)
	}
	return nil
}

// ReadKeyringContext is ReadKeyring with a key-encryption key that takes a
// context. A wrong KEK, a keyset of the other purpose, or a damaged file
// returns an error wrapping ErrWrongKEK; a failed KMS call returns the
// KMS's error.
func ReadKeyringContext(ctx context.Context, r io.Reader, p Purpose, kek tink.AEADWithContext) (*Keyring, error) {
	h, err := readHandle(ctx, r, p, kek)
	if err != nil {
		return nil, err
	}
	return newKeyring(p, h)
}

func readHandle(ctx context.Context, r io.Reader, p Purpose, kek tink.AEADWithContext) (*keyset.Handle, error) {
	if kek == nil {
		return nil, errors.New("pii: reading a keyring needs a key-encryption key")
	}
	if _, err := p.template(); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("pii: read keyset: %w", err)
	}
	h, err := keyset.ReadWithContext(ctx, keyset.NewJSONReader(bytes.NewReader(data)), kek, keysetAD(p))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("pii: read keyset: %w", ctxErr)
		}
		return nil, fmt.Errorf("%w: %v", ErrWrongKEK, err)
	}
	return h, nil
}

// KeyringSpec names one keyring file of an application and its purpose.
type KeyringSpec struct {
	Name    string  // file name in the keyring folder, for example "fields.json"
	Purpose Purpose // Encryption or Indexing
}

// LoadOptions configures LoadKeyrings. The zero value never creates keys.
type LoadOptions struct {
	// Create lets LoadKeyrings generate the keyrings when the folder holds
	// none of them: an application's first start. It never creates one
	// that is missing beside others that exist, since a new key cannot
	// open what a lost one sealed: restore the file from backup instead.
	Create bool
}

// Keyrings is an application's keyrings, read from one folder and wrapped
// by one key-encryption key.
type Keyrings struct {
	dir     string
	kek     tink.AEADWithContext
	specs   []KeyringSpec
	rings   map[string]*Keyring
	created bool
}

// ErrKeyringMissing means LoadKeyrings found some of an application's
// keyrings but not all, or none without LoadOptions.Create.
var ErrKeyringMissing = errors.New("pii: keyring file missing")

// LoadKeyrings reads every keyring specs names from dir, unwrapping each
// with kek (a *KEK from OpenKEK, or any tink.AEADWithContext). On an
// application's first start, with opts.Create, it generates them all
// instead, writing each file exclusively (two servers starting together
// keep the first one's), 0600 in a 0700 folder. It never creates a keyring
// that is missing while others exist, and never replaces a file.
func LoadKeyrings(ctx context.Context, dir string, kek tink.AEADWithContext, specs []KeyringSpec, opts *LoadOptions) (*Keyrings, error) {
	if kek == nil {
		return nil, errors.New("pii: LoadKeyrings needs a key-encryption key")
	}
	if len(specs) == 0 {
		return nil, errors.New("pii: LoadKeyrings needs at least one keyring")
	}
	var o LoadOptions
	if opts != nil {
		o = *opts
	}
	ks := &Keyrings{dir: dir, kek: kek, specs: specs, rings: make(map[string]*Keyring, len(specs))}
	var missing, present []string
	for _, s := range specs {
		if s.Name == "" || s.Name != filepath.Base(s.Name) || strings.HasPrefix(s.Name, ".") {
			return nil, fmt.Errorf("pii: keyring name %q must be a plain file name", s.Name)
		}
		if _, dup := ks.rings[s.Name]; dup {
			return nil, fmt.Errorf("pii: keyring %s listed twice", s.Name)
		}
		ks.rings[s.Name] = nil
		switch _, err := os.Stat(filepath.Join(dir, s.Name)); {
		case err == nil:
			present = append(present, s.Name)
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, s.Name)
		default:
			return nil, fmt.Errorf("pii: %w", err)
		}
	}
	switch {
	case len(missing) > 0 && len(present) > 0:
		return nil, fmt.Errorf("%w: %s in %s, although %s exist: restore them from backup; a new key cannot open what the old one sealed",
			ErrKeyringMissing, strings.Join(missing, ", "), dir, strings.Join(present, ", "))
	case len(missing) > 0 && !o.Create:
		return nil, fmt.Errorf("%w: no keyrings in %s; create them on the first start only (LoadOptions.Create)", ErrKeyringMissing, dir)
	case len(missing) > 0:
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("pii: %w", err)
		}
		ks.created = true
	}
	for _, s := range specs {
		path := filepath.Join(dir, s.Name)
		var kr *Keyring
		var err error
		if ks.created {
			kr, err = createKeyringFile(ctx, path, s.Purpose, kek)
		} else {
			kr, err = readKeyringFile(ctx, path, s.Purpose, kek)
		}
		if err != nil {
			return nil, fmt.Errorf("pii: keyring %s: %w", s.Name, err)
		}
		ks.rings[s.Name] = kr
	}
	return ks, nil
}

func readKeyringFile(ctx context.Context, path string, p Purpose, kek tink.AEADWithContext) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadKeyringContext(ctx, f, p, kek)
}

// createKeyringFile writes a new keyring to path unless a file is there,
// in which case (another process was first) it reads that one.
func createKeyringFile(ctx context.Context, path string, p Purpose, kek tink.AEADWithContext) (*Keyring, error) {
	kr, err := NewKeyring(p)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := kr.WriteContext(ctx, &buf, kek); err != nil {
		return nil, err
	}
	err = writeFileAtomic(path, buf.Bytes(), true)
	if errors.Is(err, fs.ErrExist) {
		return readKeyringFile(ctx, path, p, kek)
	}
	if err != nil {
		return nil, err
	}
	return kr, nil
}

// Get returns the keyring named name, or nil if specs did not name it.
func (ks *Keyrings) Get(name string) *Keyring { return ks.rings[name] }

// Created reports whether LoadKeyrings generated the keyrings (a first
// start) rather than reading them.
func (ks *Keyrings) Created() bool { return ks.created }

// Reload reads every keyring file again and installs its keys in the same
// Keyring values, so that every Sealer, Shredder and Indexer built on them
// uses them at once: run it (on a signal, or a timer) on every server after
// one of them rotated a keyring and saved it with WriteFile. All files are
// read before any is installed, so a failure changes nothing.
func (ks *Keyrings) Reload(ctx context.Context) error {
	handles := make([]*keyset.Handle, len(ks.specs))
	for i, s := range ks.specs {
		f, err := os.Open(filepath.Join(ks.dir, s.Name))
		if err != nil {
			return fmt.Errorf("pii: reload keyring %s: %w", s.Name, err)
		}
		h, err := readHandle(ctx, f, s.Purpose, ks.kek)
		f.Close()
		if err == nil {
			err = checkKeyTypes(s.Purpose, h)
		}
		if err != nil {
			return fmt.Errorf("pii: reload keyring %s: %w", s.Name, err)
		}
		handles[i] = h
	}
	for i, s := range ks.specs {
		if err := ks.rings[s.Name].install(handles[i]); err != nil {
			return fmt.Errorf("pii: reload keyring %s: %w", s.Name, err)
		}
	}
	return nil
}

// Save writes the keyring named name back to its file (after Rotate,
// SetPrimary, Disable or Destroy), replacing the file atomically.
func (ks *Keyrings) Save(ctx context.Context, name string) error {
	kr := ks.rings[name]
	if kr == nil {
		return fmt.Errorf("pii: no keyring named %q", name)
	}
	var buf bytes.Buffer
	if err := kr.WriteContext(ctx, &buf, ks.kek); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(ks.dir, name), buf.Bytes(), false)
}
