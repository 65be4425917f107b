package pii

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// ErrForgotten means the subject's data key was destroyed by Forget: the
// value can never be opened again. It is distinct from ErrInvalid so that a
// portal can show "deleted at your request" rather than an error.
var ErrForgotten = errors.New("pii: subject was forgotten; its data key is destroyed")

// ErrNoKey is returned by a KeyStore that holds no key for a subject.
var ErrNoKey = errors.New("pii: no data key for subject")

// KeyStore keeps per-subject data keys, wrapped by a keyring, for Shredder.
// Subject ids are stored in plaintext: they must be opaque identifiers (an
// account id or random id), never PII such as an e-mail address.
type KeyStore interface {
	// Get returns the wrapped key for subject, ErrNoKey if there is none,
	// or ErrForgotten if Forget destroyed it.
	Get(ctx context.Context, subject string) ([]byte, error)
	// Create stores wrapped for subject if the subject has no key yet and
	// returns the key now stored (the existing one if another writer won),
	// or ErrForgotten if the subject was forgotten.
	Create(ctx context.Context, subject string, wrapped []byte) ([]byte, error)
	// Forget destroys subject's key and records that it was forgotten. It is
	// idempotent, and succeeds for a subject that never had a key.
	Forget(ctx context.Context, subject string) error
}

// Shredder seals values under per-subject data keys so that destroying one
// subject's key (crypto-shredding) erases that subject's data everywhere it
// was copied, backups included, while no one else's data is affected.
//
// Each subject's key is a Tink AES-256-GCM keyset, wrapped by an Encryption
// keyring and kept in a KeyStore. Shredder is safe for concurrent use. It
// does not cache unwrapped keys, so Forget takes effect at once for every
// process sharing the KeyStore.
type Shredder struct {
	kr    *Keyring
	store KeyStore
}

// NewShredder returns a Shredder whose subject keys are wrapped by kr (an
// Encryption keyring) and kept in store.
func NewShredder(kr *Keyring, store KeyStore) (*Shredder, error) {
	if kr == nil || store == nil {
		return nil, errors.New("pii: NewShredder needs a keyring and a key store")
	}
	if kr.Purpose() != Encryption {
		return nil, fmt.Errorf("%w: NewShredder needs an encryption keyring, got %s", ErrWrongPurpose, kr.Purpose())
	}
	return &Shredder{kr: kr, store: store}, nil
}

// Wrapped subject keys are bound to associated data of their own domain:
// subjectKeyDomain cannot begin any AD's encoding (those begin with
// adVersion), so with one Encryption keyring shared by a Shredder and a
// Sealer (which the docs allow) no wrapped subject key opens as a sealed
// field and no sealed field as a key.
const subjectKeyDomain = "civickit/pii/subject-key/v2\x00"

// reservedRecord is the AD record type that keys wrapped before v2 were
// bound to, in Sealer's own format. Sealer refuses it, so those keys are
// safe too; Shredder still reads them, and Rewrap moves them to v2.
const reservedRecord = "subject-key"

func subjectKeyAD(subject string) []byte {
	return append([]byte(subjectKeyDomain), subject...)
}

func legacySubjectKeyAD(subject string) []byte {
	return AD{Record: reservedRecord, ID: subject}.Bytes()
}

// readSubjectKey unwraps a subject key, wrapped under the current domain
// or, for keys made before it, the legacy one.
func readSubjectKey(wrapped []byte, kek tink.AEAD, subject string) (*keyset.Handle, error) {
	h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), kek, subjectKeyAD(subject))
	if err != nil {
		h, err = keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), kek, legacySubjectKeyAD(subject))
	}
	if err != nil {
		return nil, fmt.Errorf("pii: subject key does not unwrap with this keyring: %w", ErrInvalid)
	}
	return h, nil
}

func wrapSubjectKey(h *keyset.Handle, kek tink.AEAD, subject string) ([]byte, error) {
	var buf bytes.Buffer
	if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), kek, subjectKeyAD(subject)); err != nil {
		return nil, fmt.Errorf("pii: wrap subject key: %w", err)
	}
	return buf.Bytes(), nil
}

func (s *Shredder) unwrap(subject string, wrapped []byte) (tink.AEAD, error) {
	kek, err := s.kr.AEAD()
	if err != nil {
		return nil, err
	}
	h, err := readSubjectKey(wrapped, kek, subject)
	if err != nil {
		return nil, err
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("pii: subject key: %w", err)
	}
	return a, nil
}

func (s *Shredder) subjectAEAD(ctx context.Context, subject string, create bool) (tink.AEAD, error) {
	if subject == "" {
		return nil, errors.New("pii: subject id is empty")
	}
	wrapped, err := s.store.Get(ctx, subject)
	if errors.Is(err, ErrNoKey) && create {
		h, gerr := keyset.NewHandle(aead.AES256GCMKeyTemplate())
		if gerr != nil {
			return nil, fmt.Errorf("pii: generate subject key: %w", gerr)
		}
		kek, kerr := s.kr.AEAD()
		if kerr != nil {
			return nil, kerr
		}
		w, werr := wrapSubjectKey(h, kek, subject)
		if werr != nil {
			return nil, werr
		}
		wrapped, err = s.store.Create(ctx, subject, w)
	}
	if errors.Is(err, ErrNoKey) {
		return nil, ErrInvalid
	}
	if err != nil {
		return nil, err
	}
	return s.unwrap(subject, wrapped)
}

// Seal encrypts v under subject's data key, creating the key on first use,
// and binds it to ad. Sealing for a forgotten subject fails with
// ErrForgotten: give a returning person a new subject id.
func (s *Shredder) Seal(ctx context.Context, subject string, v String, ad AD) (Sealed, error) {
	a, err := s.subjectAEAD(ctx, subject, true)
	if err != nil {
		return nil, err
	}
	pt := v.appendPlain(append(make([]byte, 0, 1+v.Len()), byte(v.Category())))
	defer clear(pt)
	ct, err := a.Encrypt(pt, ad.Bytes())
	if err != nil {
		return nil, fmt.Errorf("pii: seal: %w", err)
	}
	return ct, nil
}

// Open decrypts c sealed for subject and ad. It returns ErrForgotten if the
// subject was forgotten and ErrInvalid for anything else that fails.
func (s *Shredder) Open(ctx context.Context, subject string, c Sealed, ad AD) (String, error) {
	a, err := s.subjectAEAD(ctx, subject, false)
	if err != nil {
		return String{}, err
	}
	pt, err := a.Decrypt(c, ad.Bytes())
	if err != nil || len(pt) == 0 || !Category(pt[0]).Valid() {
		return String{}, ErrInvalid
	}
	return newFromPlaintext(pt), nil
}

// Forget destroys subject's data key. Every value sealed for the subject then
// fails to open with ErrForgotten; other subjects are unaffected. Forget is
// idempotent.
func (s *Shredder) Forget(ctx context.Context, subject string) error {
	if subject == "" {
		return errors.New("pii: subject id is empty")
	}
	return s.store.Forget(ctx, subject)
}

// KeyReplacer is implemented by key stores that can overwrite a live
// subject's wrapped key, which Shredder.Rewrap needs. MemoryKeyStore and
// SQLKeyStore implement it.
type KeyReplacer interface {
	Replace(ctx context.Context, subject string, wrapped []byte) error
}

// Rewrap re-wraps subject's data key under the keyring's current primary
// key, after Keyring.Rotate, so the old keyring key can be disabled; a key
// wrapped before v2's domain separation is moved to it. The subject's
// sealed values are unchanged. The store must implement KeyReplacer.
func (s *Shredder) Rewrap(ctx context.Context, subject string) error {
	r, ok := s.store.(KeyReplacer)
	if !ok {
		return fmt.Errorf("pii: key store %T cannot replace keys", s.store)
	}
	wrapped, err := s.store.Get(ctx, subject)
	if err != nil {
		return err
	}
	kek, err := s.kr.AEAD()
	if err != nil {
		return err
	}
	h, err := readSubjectKey(wrapped, kek, subject)
	if err != nil {
		return err
	}
	out, err := wrapSubjectKey(h, kek, subject)
	if err != nil {
		return err
	}
	return r.Replace(ctx, subject, out)
}

// MemoryKeyStore is an in-memory KeyStore for tests and single-process
// tools. The zero value is ready to use.
type MemoryKeyStore struct {
	mu   sync.Mutex
	keys map[string][]byte // nil value: forgotten
}

var (
	_ KeyStore    = (*MemoryKeyStore)(nil)
	_ KeyReplacer = (*MemoryKeyStore)(nil)
)

// Get implements KeyStore.
func (m *MemoryKeyStore) Get(_ context.Context, subject string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[subject]
	switch {
	case !ok:
		return nil, ErrNoKey
	case k == nil:
		return nil, ErrForgotten
	}
	return bytes.Clone(k), nil // Forget clears the stored slice in place
}

// Create implements KeyStore.
func (m *MemoryKeyStore) Create(_ context.Context, subject string, wrapped []byte) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k, ok := m.keys[subject]; ok {
		if k == nil {
			return nil, ErrForgotten
		}
		return bytes.Clone(k), nil
	}
	if m.keys == nil {
		m.keys = map[string][]byte{}
	}
	m.keys[subject] = bytes.Clone(wrapped)
	return bytes.Clone(wrapped), nil
}

// Forget implements KeyStore.
func (m *MemoryKeyStore) Forget(_ context.Context, subject string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = map[string][]byte{}
	}
	if k := m.keys[subject]; k != nil {
		clear(k)
	}
	m.keys[subject] = nil
	return nil
}

// Replace overwrites a live subject's wrapped key (for Shredder.Rewrap).
func (m *MemoryKeyStore) Replace(_ context.Context, subject string, wrapped []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[subject]
	switch {
	case !ok:
		return ErrNoKey
	case k == nil:
		return ErrForgotten
	}
	m.keys[subject] = append([]byte(nil), wrapped...)
	return nil
}
