package pii

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/civickit/privacy/internal/atomicfile"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/aead/aesgcm"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/prf"
	"github.com/tink-crypto/tink-go/v2/prf/hmacprf"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// Purpose says what a Keyring's keys are for. A keyring holds keys of one
// purpose only, so a blind-index key can never be used to encrypt and an
// encryption key never to index.
type Purpose uint8

const (
	// Encryption keyrings hold AES-256-GCM keys (Tink AEAD) for Sealer,
	// Shredder and cookie codecs.
	Encryption Purpose = iota + 1
	// Indexing keyrings hold HMAC-SHA256 keys (Tink PRF set) for Indexer.
	Indexing
)

// String returns "encryption" or "indexing".
func (p Purpose) String() string {
	switch p {
	case Encryption:
		return "encryption"
	case Indexing:
		return "indexing"
	}
	return fmt.Sprintf("Purpose(%d)", uint8(p))
}

func (p Purpose) template() (*tinkpb.KeyTemplate, error) {
	switch p {
	case Encryption:
		return aead.AES256GCMKeyTemplate(), nil
	case Indexing:
		return prf.HMACSHA256PRFKeyTemplate(), nil
	}
	return nil, fmt.Errorf("pii: unknown keyring purpose %d", uint8(p))
}

// Errors returned by keyring operations.
var (
	// ErrWrongKEK means a wrapped keyset could not be decrypted with the
	// key-encryption key given: the KEK is wrong, or the file is damaged.
	ErrWrongKEK = errors.New("pii: keyset cannot be unwrapped with this key-encryption key (wrong KEK or damaged keyset)")
	// ErrUnknownKey means a key id names no key in the keyring.
	ErrUnknownKey = errors.New("pii: no such key in keyring")
	// ErrWrongPurpose means a keyring of one Purpose was used for another.
	ErrWrongPurpose = errors.New("pii: keyring has the wrong purpose for this use")
)

// KeyStatus is the state of one key in a keyring.
type KeyStatus = keyset.KeyStatus

// KeyInfo describes one key in a keyring; it never contains key material.
type KeyInfo struct {
	ID      uint32    // Tink key id; also the 4 bytes after the first byte of every ciphertext it made
	Status  KeyStatus // keyset.Enabled, keyset.Disabled or keyset.Destroyed
	Primary bool      // the key that encrypts (or indexes) new data
}

// Keyring is a Tink keyset of one Purpose, with the operations a city needs
// over a key's life: generate, wrap and store, rotate, disable, destroy, and
// rewrap old ciphertext under the current primary key.
//
// Keyrings are safe for concurrent use; rotation takes effect for every
// Sealer built on the keyring at once.
type Keyring struct {
	purpose Purpose
	mu      sync.Mutex // serialises changes; readers use state
	state   atomic.Pointer[keyringState]
}

type keyringState struct {
	handle  *keyset.Handle
	aead    tink.AEAD // for Encryption
	prf     *prf.Set  // for Indexing
	primary uint32
}

// NewKeyring generates a new keyring of the given purpose with one fresh
// primary key.
func NewKeyring(p Purpose) (*Keyring, error) {
	t, err := p.template()
	if err != nil {
		return nil, err
	}
	h, err := keyset.NewHandle(t)
	if err != nil {
		return nil, fmt.Errorf("pii: generate keyset: %w", err)
	}
	return newKeyring(p, h)
}

// NewKeyringFromHandle wraps an existing Tink keyset handle (for example one
// your KMS integration already reads) as a Keyring of purpose p. The keyset
// must hold keys of that purpose: AES-GCM for Encryption, HMAC PRF for
// Indexing.
func NewKeyringFromHandle(p Purpose, h *keyset.Handle) (*Keyring, error) {
	if h == nil {
		return nil, errors.New("pii: NewKeyringFromHandle needs a keyset handle")
	}
	if _, err := p.template(); err != nil {
		return nil, err
	}
	return newKeyring(p, h)
}

func newKeyring(p Purpose, h *keyset.Handle) (*Keyring, error) {
	k := &Keyring{purpose: p}
	if err := k.install(h); err != nil {
		return nil, err
	}
	return k, nil
}

// checkKeyTypes refuses a keyset holding any key that is not of the
// keyring's kind: AES-256-GCM with Tink's 5-byte key-id prefix for
// Encryption (KeyID, Rewrap and cookie codecs rely on the prefix), and
// HMAC-SHA256 with a 32-byte key for Indexing. aead.New and prf.NewPRFSet
// would otherwise accept any AEAD (AES-128, AES-CTR-HMAC, ChaCha20...) or
// PRF (HKDF, AES-CMAC).
func checkKeyTypes(p Purpose, h *keyset.Handle) error {
	for i := 0; i < h.Len(); i++ {
		e, err := h.Entry(i)
		if err != nil {
			return fmt.Errorf("key %d: %w", i, err)
		}
		if e.KeyStatus() == keyset.Destroyed {
			continue
		}
		ok := false
		switch k := e.Key().(type) {
		case *aesgcm.Key:
			pr, _ := k.Parameters().(*aesgcm.Parameters)
			ok = p == Encryption && pr != nil && pr.KeySizeInBytes() == 32 && pr.Variant() == aesgcm.VariantTink
		case *hmacprf.Key:
			pr, _ := k.Parameters().(*hmacprf.Parameters)
			ok = p == Indexing && pr != nil && pr.KeySizeInBytes() == 32 && pr.HashType() == hmacprf.SHA256
		}
		if !ok {
			want := "AES-256-GCM (Tink prefix)"
			if p == Indexing {
				want = "HMAC-SHA256 PRF with a 32-byte key"
			}
			return fmt.Errorf("key %#08x is not %s", e.KeyID(), want)
		}
	}
	return nil
}

func (k *Keyring) install(h *keyset.Handle) error {
	if err := checkKeyTypes(k.purpose, h); err != nil {
		return fmt.Errorf("pii: keyset is not a valid %s keyset: %w", k.purpose, err)
	}
	st := &keyringState{handle: h, primary: h.KeysetInfo().GetPrimaryKeyId()}
	var err error
	switch k.purpose {
	case Encryption:
		st.aead, err = aead.New(h)
	case Indexing:
		st.prf, err = prf.NewPRFSet(h)
	default:
		err = fmt.Errorf("unknown purpose %d", uint8(k.purpose))
	}
	if err != nil {
		return fmt.Errorf("pii: keyset is not a valid %s keyset: %w", k.purpose, err)
	}
	k.state.Store(st)
	return nil
}

// Purpose returns what the keyring's keys are for.
func (k *Keyring) Purpose() Purpose { return k.purpose }

// AEAD returns the keyring's Tink AEAD primitive (AES-256-GCM with Tink's
// key-id prefix). It fails with ErrWrongPurpose on an Indexing keyring. The
// primitive is a snapshot: after Rotate, call AEAD again (Sealer does).
func (k *Keyring) AEAD() (tink.AEAD, error) {
	st := k.state.Load()
	if st.aead == nil {
		return nil, ErrWrongPurpose
	}
	return st.aead, nil
}

// PRF returns the keyring's Tink PRF set. It fails with ErrWrongPurpose on
// an Encryption keyring.
func (k *Keyring) PRF() (*prf.Set, error) {
	st := k.state.Load()
	if st.prf == nil {
		return nil, ErrWrongPurpose
	}
	return st.prf, nil
}

// Primary returns the id of the primary key.
func (k *Keyring) Primary() uint32 { return k.state.Load().primary }

// Keys lists the keys in the keyring, primary first is not guaranteed.
func (k *Keyring) Keys() []KeyInfo {
	h := k.state.Load().handle
	out := make([]KeyInfo, 0, h.Len())
	for i := 0; i < h.Len(); i++ {
		e, err := h.Entry(i)
		if err != nil {
			continue
		}
		out = append(out, KeyInfo{ID: e.KeyID(), Status: e.KeyStatus(), Primary: e.IsPrimary()})
	}
	return out
}

// String describes the keyring without key material, for example
// "pii.Keyring(encryption, 2 keys, primary 0x1a2b3c4d)".
func (k *Keyring) String() string {
	st := k.state.Load()
	return fmt.Sprintf("pii.Keyring(%s, %d keys, primary %#08x)", k.purpose, st.handle.Len(), st.primary)
}

// GoString is String, so %#v never walks into key material.
func (k *Keyring) GoString() string { return k.String() }

func (k *Keyring) change(f func(m *keyset.Manager) error) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	m := keyset.NewManagerFromHandle(k.state.Load().handle)
	if err := f(m); err != nil {
		return err
	}
	h, err := m.Handle()
	if err != nil {
		return fmt.Errorf("pii: keyset: %w", err)
	}
	return k.install(h)
}

// Rotate adds a new key and makes it primary. Data sealed under older keys
// still opens while those keys stay enabled; use Rewrap to move it to the new
// key, then Disable and finally Destroy the old one. It returns the new id.
func (k *Keyring) Rotate() (uint32, error) {
	t, err := k.purpose.template()
	if err != nil {
		return 0, err
	}
	var id uint32
	err = k.change(func(m *keyset.Manager) error {
		var err error
		if id, err = m.Add(t); err != nil {
			return fmt.Errorf("pii: add key: %w", err)
		}
		if err := m.SetPrimary(id); err != nil {
			return fmt.Errorf("pii: set primary: %w", err)
		}
		return nil
	})
	return id, err
}

// SetPrimary makes the enabled key id the primary.
func (k *Keyring) SetPrimary(id uint32) error {
	return k.change(func(m *keyset.Manager) error { return keyErr(id, m.SetPrimary(id)) })
}

// Disable stops key id from opening or making anything until Enable. The
// primary key cannot be disabled.
func (k *Keyring) Disable(id uint32) error {
	return k.change(func(m *keyset.Manager) error { return keyErr(id, m.Disable(id)) })
}

// Enable re-enables a disabled key.
func (k *Keyring) Enable(id uint32) error {
	return k.change(func(m *keyset.Manager) error { return keyErr(id, m.Enable(id)) })
}

// Destroy removes key id and its material from the keyring for good: data
// sealed under it can never be opened again. The primary key cannot be
// destroyed. Write the keyring afterwards, and destroy old copies of the
// keyset file, or the key lives on in them.
func (k *Keyring) Destroy(id uint32) error {
	return k.change(func(m *keyset.Manager) error { return keyErr(id, m.Delete(id)) })
}

func keyErr(id uint32, err error) error {
	if err == nil {
		return nil
	}
	if strings.Contains(err.Error(), "not found") {
		return fmt.Errorf("%w: %#08x", ErrUnknownKey, id)
	}
	return fmt.Errorf("pii: key %#08x: %w", id, err)
}

// KeyID returns the id of the key that made a Tink ciphertext, read from
// Tink's 5-byte prefix, and false if the ciphertext has no Tink prefix.
func KeyID(ciphertext []byte) (uint32, bool) {
	if len(ciphertext) < 5 || ciphertext[0] != 0x01 {
		return 0, false
	}
	return binary.BigEndian.Uint32(ciphertext[1:5]), true
}

// Rewrap re-encrypts ciphertext (made by this keyring with associatedData)
// under the current primary key without handing the plaintext to the caller.
// A ciphertext already under the primary key is checked (it must open with
// associatedData) and returned unchanged. Anything that does not open is
// ErrInvalid.
func (k *Keyring) Rewrap(ciphertext, associatedData []byte) ([]byte, error) {
	st := k.state.Load()
	if st.aead == nil {
		return nil, ErrWrongPurpose
	}
	pt, err := st.aead.Decrypt(ciphertext, associatedData)
	if err != nil {
		return nil, ErrInvalid
	}
	defer clear(pt)
	if id, ok := KeyID(ciphertext); ok && id == st.primary {
		return ciphertext, nil
	}
	ct, err := st.aead.Encrypt(pt, associatedData)
	if err != nil {
		return nil, fmt.Errorf("pii: rewrap: %w", err)
	}
	return ct, nil
}

func keysetAD(p Purpose) []byte {
	return []byte("civickit/privacy keyring v1 purpose=" + p.String())
}

// Write writes the keyring as JSON, wrapped (encrypted) by kek. Use a KMS
// AEAD (tink-go-gcpkms, -awskms, -hcvault) in production, or a master key
// file from LoadMasterKey for development. The purpose is bound to the
// wrapping as associated data.
func (k *Keyring) Write(w io.Writer, kek tink.AEAD) error {
	if kek == nil {
		return errors.New("pii: Write needs a key-encryption key")
	}
	if err := k.state.Load().handle.WriteWithAssociatedData(keyset.NewJSONWriter(w), kek, keysetAD(k.purpose)); err != nil {
		return fmt.Errorf("pii: write keyset: %w", err)
	}
	return nil
}

// ReadKeyring reads a keyring of purpose p written by Write with the same
// kek. A wrong KEK, a keyset of the other purpose, or a damaged file returns
// an error wrapping ErrWrongKEK.
func ReadKeyring(r io.Reader, p Purpose, kek tink.AEAD) (*Keyring, error) {
	if kek == nil {
		return nil, errors.New("pii: ReadKeyring needs a key-encryption key")
	}
	if _, err := p.template(); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("pii: read keyset: %w", err)
	}
	h, err := keyset.ReadWithAssociatedData(keyset.NewJSONReader(bytes.NewReader(data)), kek, keysetAD(p))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrWrongKEK, err)
	}
	return newKeyring(p, h)
}

// WriteFile writes the wrapped keyring to path atomically (temp file,
// fsync, rename) with mode 0600, replacing any file there: use it to save
// a keyring after Rotate. To write a new keyring, use CreateFile.
func (k *Keyring) WriteFile(path string, kek tink.AEAD) error {
	var buf bytes.Buffer
	if err := k.Write(&buf, kek); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes(), false)
}

// CreateFile writes the wrapped keyring to a new file at path, as
// WriteFile does, but fails with an error wrapping fs.ErrExist if the file
// exists, even one created at the same moment by another process: two
// servers starting together never replace each other's new keyring, and
// the loser reads the winner's with ReadKeyringFile.
func (k *Keyring) CreateFile(path string, kek tink.AEAD) error {
	var buf bytes.Buffer
	if err := k.Write(&buf, kek); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes(), true)
}

// ReadKeyringFile reads a keyring written by WriteFile.
func ReadKeyringFile(path string, p Purpose, kek tink.AEAD) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	defer f.Close()
	return ReadKeyring(f, p, kek)
}

// GenerateMasterKey writes a new cleartext AES-256-GCM keyset to path (mode
// 0600) for use as a development key-encryption key, and returns its AEAD.
// It refuses to overwrite an existing file, even one created at the same
// moment by another process (the error wraps fs.ErrExist).
//
// A master key file is for development and tests only: anyone who can read
// the file can unwrap every keyring wrapped with it. In production, wrap
// keyrings with a KMS key instead.
func GenerateMasterKey(path string) (tink.AEAD, error) {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("pii: generate master key: %w", err)
	}
	var buf bytes.Buffer
	if err := insecurecleartextkeyset.Write(h, keyset.NewJSONWriter(&buf)); err != nil {
		return nil, fmt.Errorf("pii: write master key: %w", err)
	}
	if err := writeFileAtomic(path, buf.Bytes(), true); err != nil {
		return nil, err
	}
	return aead.New(h)
}

// LoadMasterKey reads a development master key file written by
// GenerateMasterKey and returns its AEAD for use as a key-encryption key.
//
// Like ssh with a private key, it refuses a file that its group or others
// may read or write (on systems with Unix permissions): chmod 600 it.
func LoadMasterKey(path string) (tink.AEAD, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	if perm := fi.Mode().Perm(); unixPerms && perm&0o077 != 0 {
		return nil, fmt.Errorf("pii: master key file %s is open to group or others (mode %04o): run chmod 600 on it: %w", path, perm, ErrKeyFileMode)
	}
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(bytes.NewReader(data)))
	if err != nil {
		return nil, fmt.Errorf("pii: master key file %s is not a Tink keyset: %w", path, err)
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("pii: master key file %s is not an AEAD keyset: %w", path, err)
	}
	return a, nil
}

// ErrKeyFileMode means a key file's permissions let others read it.
var ErrKeyFileMode = errors.New("pii: key file permissions too open")

// unixPerms reports whether file modes carry Unix permissions: on Windows
// they do not, and access is governed by ACLs instead.
const unixPerms = runtime.GOOS != "windows"

// writeFileAtomic writes data to path with mode 0600 (see
// internal/atomicfile): replacing a file there, or with exclusive failing
// with fs.ErrExist if one is there.
func writeFileAtomic(path string, data []byte, exclusive bool) error {
	write := atomicfile.Write
	if exclusive {
		write = atomicfile.Create
	}
	if err := write(path, data, 0o600); err != nil {
		return fmt.Errorf("pii: %w", err)
	}
	return nil
}
