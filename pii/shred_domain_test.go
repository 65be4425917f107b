package pii_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	tinkpb "github.com/tink-crypto/tink-go/v2/proto/tink_go_proto"
	"google.golang.org/protobuf/proto"

	"github.com/civickit/privacy/pii"
)

// innerCiphertext returns the AEAD ciphertext inside a wrapped keyset.
func innerCiphertext(t *testing.T, wrapped []byte) []byte {
	t.Helper()
	var ek tinkpb.EncryptedKeyset
	require.NoError(t, proto.Unmarshal(wrapped, &ek))
	require.NotEmpty(t, ek.GetEncryptedKeyset())
	return ek.GetEncryptedKeyset()
}

// With one Encryption keyring shared by a Shredder and a Sealer (which the
// docs allow), a wrapped subject key must not open as a sealed field: that
// would hand out the key that crypto-shredding relies on.
func TestShredderKeysAreNotSealerCiphertext(t *testing.T) {
	ctx := context.Background()
	kr, sealer := newSealer(t)
	store := &pii.MemoryKeyStore{}
	sh, err := pii.NewShredder(kr, store)
	require.NoError(t, err)
	_, err = sh.Seal(ctx, "subj-1", pii.New(pii.Email, "one@example.com"), pii.AD{Record: "subscriber", Field: "email", ID: "subj-1"})
	require.NoError(t, err)
	wrapped, err := store.Get(ctx, "subj-1")
	require.NoError(t, err)
	ct := innerCiphertext(t, wrapped)

	kek, err := kr.AEAD()
	require.NoError(t, err)
	for _, ad := range []pii.AD{
		{Record: "subject-key", ID: "subj-1"},
		{Record: "subject-key", Field: "", ID: "subj-1"},
		{Record: "subj-1"},
	} {
		_, err := sealer.Open(pii.Sealed(ct), ad)
		assert.ErrorIs(t, err, pii.ErrInvalid, "Sealer.Open(%+v) on a wrapped key", ad)
		_, err = kek.Decrypt(ct, ad.Bytes())
		assert.Error(t, err, "no AD in Sealer's format opens a wrapped key: %+v", ad)
	}
	_, err = sealer.Seal(pii.New(pii.Email, "one@example.com"), pii.AD{Record: "subject-key", ID: "subj-1"})
	assert.Error(t, err, "the record type is reserved")
	_, err = sealer.Rewrap(pii.Sealed(ct), pii.AD{Record: "subject-key", ID: "subj-1"})
	assert.ErrorIs(t, err, pii.ErrInvalid)
}

// Keys wrapped before the domains were separated (bound to Sealer's AD
// format) still open, are refused by Sealer, and Rewrap moves them.
func TestShredderReadsAndRewrapsLegacyKeys(t *testing.T) {
	ctx := context.Background()
	kr, sealer := newSealer(t)
	kek, err := kr.AEAD()
	require.NoError(t, err)
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	require.NoError(t, err)
	legacyAD := pii.AD{Record: "subject-key", ID: "subj-old"}
	var buf bytes.Buffer
	require.NoError(t, h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), kek, legacyAD.Bytes()))
	store := &pii.MemoryKeyStore{}
	_, err = store.Create(ctx, "subj-old", buf.Bytes())
	require.NoError(t, err)

	sh, err := pii.NewShredder(kr, store)
	require.NoError(t, err)
	ad := pii.AD{Record: "subscriber", Field: "email", ID: "subj-old"}
	c, err := sh.Seal(ctx, "subj-old", pii.New(pii.Email, "old@example.com"), ad)
	require.NoError(t, err, "a legacy key still seals")
	_, err = sealer.Open(pii.Sealed(innerCiphertext(t, buf.Bytes())), legacyAD)
	assert.ErrorIs(t, err, pii.ErrInvalid, "Sealer refuses the legacy key's AD")

	require.NoError(t, sh.Rewrap(ctx, "subj-old"))
	wrapped, err := store.Get(ctx, "subj-old")
	require.NoError(t, err)
	_, err = kek.Decrypt(innerCiphertext(t, wrapped), legacyAD.Bytes())
	assert.Error(t, err, "after Rewrap the key is in the new domain")
	got, err := sh.Open(ctx, "subj-old", c, ad)
	require.NoError(t, err, "and opens what it sealed before")
	assert.Equal(t, "old@example.com", got.Reveal())
}
