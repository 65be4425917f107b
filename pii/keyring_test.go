package pii_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/prf"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
)

// TestKeyringFromHandleChecksKeyTypes: a keyring promises AES-256-GCM with
// Tink's key-id prefix, or HMAC-SHA256; any other Tink key type that the
// generic AEAD or PRF constructors would accept is refused.
func TestKeyringFromHandleChecksKeyTypes(t *testing.T) {
	raw := aead.AES256GCMKeyTemplate()
	raw.OutputPrefixType = tinkpb.OutputPrefixType_RAW
	cases := []struct {
		name    string
		purpose pii.Purpose
		tmpl    *tinkpb.KeyTemplate
		ok      bool
		reason  string
	}{
		{"aes256gcm", pii.Encryption, aead.AES256GCMKeyTemplate(), true, "the key type Encryption keyrings are made of"},
		{"aes128gcm", pii.Encryption, aead.AES128GCMKeyTemplate(), false, "128-bit keys are not what the package promises"},
		{"aes256gcm-raw", pii.Encryption, raw, false, "no key-id prefix: KeyID, Rewrap and cookie codecs rely on it"},
		{"chacha", pii.Encryption, aead.XChaCha20Poly1305KeyTemplate(), false, "another AEAD"},
		{"ctr-hmac", pii.Encryption, aead.AES256CTRHMACSHA256KeyTemplate(), false, "another AEAD"},
		{"hmac-prf", pii.Indexing, prf.HMACSHA256PRFKeyTemplate(), true, "the key type Indexing keyrings are made of"},
		{"hkdf-prf", pii.Indexing, prf.HKDFSHA256PRFKeyTemplate(), false, "another PRF"},
		{"cmac-prf", pii.Indexing, prf.AESCMACPRFKeyTemplate(), false, "another PRF (16-byte output at most)"},
		{"hmac-sha512", pii.Indexing, prf.HMACSHA512PRFKeyTemplate(), false, "blind indexes are HMAC-SHA256"},
		{"aead-as-index", pii.Indexing, aead.AES256GCMKeyTemplate(), false, "wrong purpose"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, err := keyset.NewHandle(tc.tmpl)
			require.NoError(t, err)
			_, err = pii.NewKeyringFromHandle(tc.purpose, h)
			if tc.ok {
				assert.NoError(t, err, tc.reason)
			} else {
				assert.Error(t, err, tc.reason)
			}
		})
	}
}

// TestRewrapChecksCiphertextUnderPrimary: a ciphertext whose prefix names
// the primary key is authenticated, not passed through on its say-so.
func TestRewrapChecksCiphertextUnderPrimary(t *testing.T) {
	kr, s := newSealer(t)
	ad := pii.AD{Record: "account", Field: "Email", ID: "acct-1"}
	c, err := s.Seal(pii.New(pii.Email, "rewrap@example.com"), ad)
	require.NoError(t, err)
	require.Equal(t, kr.Primary(), c.KeyID(), "precondition: sealed under the primary")

	same, err := s.Rewrap(c, ad)
	require.NoError(t, err)
	assert.Equal(t, c, same, "a valid ciphertext under the primary is returned unchanged")

	forged := append(pii.Sealed(nil), c...)
	forged[len(forged)-1] ^= 1
	_, err = s.Rewrap(forged, ad)
	assert.ErrorIs(t, err, pii.ErrInvalid, "tampered ciphertext under the primary")
	_, err = s.Rewrap(c, pii.AD{Record: "account", Field: "Phone", ID: "acct-1"})
	assert.ErrorIs(t, err, pii.ErrInvalid, "right key, wrong field")
}

// TestMemoryKeyStoreForgetDuringOpen runs Open and Forget at once; under
// -race this fails if the store hands out the slice Forget clears.
func TestMemoryKeyStoreForgetDuringOpen(t *testing.T) {
	kr, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	var store pii.MemoryKeyStore
	sh, err := pii.NewShredder(kr, &store)
	require.NoError(t, err)
	ctx := context.Background()
	ad := pii.AD{Record: "account", Field: "Email", ID: "acct-7"}
	c, err := sh.Seal(ctx, "subj-7", pii.New(pii.Email, "forget@example.com"), ad)
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 8*8+1)
	for range 8 {
		wg.Go(func() {
			for range 8 {
				_, err := sh.Open(ctx, "subj-7", c, ad)
				errs <- err
			}
		})
	}
	wg.Go(func() { errs <- sh.Forget(ctx, "subj-7") })
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			assert.True(t, errors.Is(err, pii.ErrForgotten), "only ErrForgotten once forgotten, got %v", err)
		}
	}
	_, err = sh.Open(ctx, "subj-7", c, ad)
	assert.ErrorIs(t, err, pii.ErrForgotten)

	got, err := store.Create(ctx, "subj-8", []byte{1, 2, 3})
	require.NoError(t, err)
	got[0] = 9
	again, err := store.Get(ctx, "subj-8")
	require.NoError(t, err)
	assert.Equal(t, []byte{1, 2, 3}, again, "callers cannot change the stored key through a returned slice")
}
