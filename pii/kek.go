package pii

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/tink-crypto/tink-go/v2/core/registry"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// DevMasterKeyScheme is the URI scheme of a development master key file
// (GenerateMasterKey) for OpenKEK: "dev-master-key://" followed by the
// file's path, for example dev-master-key://portal-data/keys/master.key.
const DevMasterKeyScheme = "dev-master-key://"

// ErrNoKMSClient means OpenKEK was given a key URI that none of its KMS
// clients supports: pass the client for the URI's scheme (the packages
// under pii/kms).
var ErrNoKMSClient = errors.New("pii: no KMS client supports this key URI")

// KEK is a key-encryption key: the key that wraps keyrings at rest. In
// production it lives in a KMS (AWS KMS, Google Cloud KMS, HashiCorp Vault
// transit) and never leaves it: every wrap and unwrap is a call to the KMS.
// In development it is a master key file, and Development reports true.
//
// KEK implements both tink.AEADWithContext and tink.AEAD, so it can be
// passed to every function here that takes a key-encryption key. Its
// String names only the URI's scheme.
type KEK struct {
	scheme string
	a      tink.AEADWithContext
	dev    bool
}

var (
	_ tink.AEADWithContext = (*KEK)(nil)
	_ tink.AEAD            = (*KEK)(nil)
)

// OpenKEK returns the key-encryption key that uri names:
// DevMasterKeyScheme and a path for a development master key file, or a
// KMS key URI (aws-kms://, gcp-kms://, hcvault://...) that one of clients
// supports. It checks the key works by wrapping and unwrapping a random
// value, so that a wrong URI or missing KMS permission fails at start-up
// with a clear error rather than at the first write.
func OpenKEK(ctx context.Context, uri string, clients ...registry.KMSClient) (*KEK, error) {
	scheme, _, ok := strings.Cut(uri, "://")
	if !ok || scheme == "" {
		return nil, fmt.Errorf("pii: a key-encryption key URI needs a scheme, like aws-kms:// or %s", DevMasterKeyScheme)
	}
	k := &KEK{scheme: scheme}
	if path, ok := strings.CutPrefix(uri, DevMasterKeyScheme); ok {
		a, err := LoadMasterKey(path)
		if err != nil {
			return nil, err
		}
		k.a, k.dev = WithContext(a), true
	} else {
		var client registry.KMSClient
		for _, c := range clients {
			if c != nil && c.Supported(uri) {
				client = c
				break
			}
		}
		if client == nil {
			return nil, fmt.Errorf("%w (scheme %s)", ErrNoKMSClient, scheme)
		}
		a, err := client.GetAEAD(uri)
		if err != nil {
			return nil, fmt.Errorf("pii: KEK %s: %w", scheme, err)
		}
		if ac, ok := a.(tink.AEADWithContext); ok {
			k.a = ac
		} else {
			k.a = WithContext(a)
		}
	}
	if err := k.probe(ctx); err != nil {
		return nil, err
	}
	return k, nil
}

// NewKEK returns a KEK around an AEAD you made yourself (for example with a
// KMS client's own constructor); development marks a key that is not
// protected by a KMS. It is not probed.
func NewKEK(name string, a tink.AEADWithContext, development bool) (*KEK, error) {
	if a == nil {
		return nil, errors.New("pii: NewKEK needs an AEAD")
	}
	if name == "" {
		name = "custom"
	}
	return &KEK{scheme: name, a: a, dev: development}, nil
}

func (k *KEK) probe(ctx context.Context) error {
	pt := make([]byte, 16)
	if _, err := rand.Read(pt); err != nil {
		return fmt.Errorf("pii: KEK probe: %w", err)
	}
	ad := []byte("civickit/pii/kek-probe")
	ct, err := k.a.EncryptWithContext(ctx, pt, ad)
	if err != nil {
		return fmt.Errorf("pii: KEK %s cannot encrypt: %w", k.scheme, err)
	}
	got, err := k.a.DecryptWithContext(ctx, ct, ad)
	if err != nil {
		return fmt.Errorf("pii: KEK %s cannot decrypt what it encrypted: %w", k.scheme, err)
	}
	if !bytes.Equal(got, pt) {
		return fmt.Errorf("pii: KEK %s returned other bytes than it encrypted", k.scheme)
	}
	return nil
}

// Development reports whether the key is a development master key file,
// which anyone who can read the file can use.
func (k *KEK) Development() bool { return k.dev }

// String names the KEK by its URI scheme only.
func (k *KEK) String() string { return "pii.KEK(" + k.scheme + ")" }

// EncryptWithContext implements tink.AEADWithContext.
func (k *KEK) EncryptWithContext(ctx context.Context, plaintext, associatedData []byte) ([]byte, error) {
	return k.a.EncryptWithContext(ctx, plaintext, associatedData)
}

// DecryptWithContext implements tink.AEADWithContext.
func (k *KEK) DecryptWithContext(ctx context.Context, ciphertext, associatedData []byte) ([]byte, error) {
	return k.a.DecryptWithContext(ctx, ciphertext, associatedData)
}

// Encrypt implements tink.AEAD, with context.Background.
func (k *KEK) Encrypt(plaintext, associatedData []byte) ([]byte, error) {
	return k.a.EncryptWithContext(context.Background(), plaintext, associatedData)
}

// Decrypt implements tink.AEAD, with context.Background.
func (k *KEK) Decrypt(ciphertext, associatedData []byte) ([]byte, error) {
	return k.a.DecryptWithContext(context.Background(), ciphertext, associatedData)
}

// WithContext adapts a tink.AEAD to tink.AEADWithContext: each call first
// checks the context, then runs the AEAD.
func WithContext(a tink.AEAD) tink.AEADWithContext {
	if ac, ok := a.(tink.AEADWithContext); ok {
		return ac
	}
	return ctxAEAD{a}
}

type ctxAEAD struct{ a tink.AEAD }

func (c ctxAEAD) EncryptWithContext(ctx context.Context, pt, ad []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.a.Encrypt(pt, ad)
}

func (c ctxAEAD) DecryptWithContext(ctx context.Context, ct, ad []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.a.Decrypt(ct, ad)
}
