package pii_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/core/registry"
	"github.com/tink-crypto/tink-go/v2/testing/fakekms"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/civickit/privacy/pii"
)

func fakeKEK(t *testing.T) (string, registry.KMSClient) {
	t.Helper()
	uri, err := fakekms.NewKeyURI()
	require.NoError(t, err)
	client, err := fakekms.NewClient("fake-kms://")
	require.NoError(t, err)
	return uri, client
}

// brokenClient supports every URI and hands out an AEAD that always fails,
// like a KMS key the service account may not use.
type brokenClient struct{}

func (brokenClient) Supported(string) bool { return true }
func (brokenClient) GetAEAD(string) (tink.AEAD, error) {
	return brokenAEAD{}, nil
}

type brokenAEAD struct{}

func (brokenAEAD) Encrypt([]byte, []byte) ([]byte, error) { return nil, errors.New("AccessDenied") }
func (brokenAEAD) Decrypt([]byte, []byte) ([]byte, error) { return nil, errors.New("AccessDenied") }

func TestOpenKEK(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	master := filepath.Join(dir, "master.key")
	_, err := pii.GenerateMasterKey(master)
	require.NoError(t, err)
	uri, client := fakeKEK(t)

	dev, err := pii.OpenKEK(ctx, pii.DevMasterKeyScheme+master)
	require.NoError(t, err)
	assert.True(t, dev.Development(), "a master key file is a development key")
	assert.Equal(t, "pii.KEK(dev-master-key)", dev.String(), "the path is not printed")

	kms, err := pii.OpenKEK(ctx, uri, nil, client)
	require.NoError(t, err)
	assert.False(t, kms.Development())
	ct, err := kms.EncryptWithContext(ctx, []byte("x"), []byte("ad"))
	require.NoError(t, err)
	pt, err := kms.Decrypt(ct, []byte("ad"))
	require.NoError(t, err)
	assert.Equal(t, "x", string(pt), "the KEK is a tink.AEAD too")

	cases := []struct {
		uri     string
		clients []registry.KMSClient
		want    error
		text    string
		why     string
	}{
		{"aws-kms://arn:aws:kms:us-east-1:123456789012:key/x", []registry.KMSClient{client}, pii.ErrNoKMSClient, "aws-kms", "no client for the scheme"},
		{"just-a-path", nil, nil, "needs a scheme", "no scheme"},
		{pii.DevMasterKeyScheme + filepath.Join(dir, "absent.key"), nil, os.ErrNotExist, "", "no such master key file"},
		{uri, []registry.KMSClient{brokenClient{}}, nil, "cannot encrypt", "a key the KMS refuses fails at start-up"},
	}
	for _, c := range cases {
		_, err := pii.OpenKEK(ctx, c.uri, c.clients...)
		require.Error(t, err, c.why)
		if c.want != nil {
			assert.ErrorIs(t, err, c.want, c.why)
		}
		assert.Contains(t, err.Error(), c.text, c.why)
	}
}

var appKeyrings = []pii.KeyringSpec{{Name: "fields.json", Purpose: pii.Encryption}, {Name: "index.json", Purpose: pii.Indexing}}

// LoadKeyrings creates keyrings on a first start only when allowed, reads
// them afterwards, and never creates one that went missing beside others.
func TestLoadKeyrings(t *testing.T) {
	ctx := context.Background()
	uri, client := fakeKEK(t)
	kek, err := pii.OpenKEK(ctx, uri, client)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "keys")

	_, err = pii.LoadKeyrings(ctx, dir, kek, appKeyrings, nil)
	assert.ErrorIs(t, err, pii.ErrKeyringMissing, "no keys and no permission to create")
	first, err := pii.LoadKeyrings(ctx, dir, kek, appKeyrings, &pii.LoadOptions{Create: true})
	require.NoError(t, err)
	assert.True(t, first.Created())
	for _, s := range appKeyrings {
		fi, err := os.Stat(filepath.Join(dir, s.Name))
		require.NoError(t, err)
		if runtime.GOOS != "windows" {
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), s.Name)
		}
	}

	again, err := pii.LoadKeyrings(ctx, dir, kek, appKeyrings, &pii.LoadOptions{Create: true})
	require.NoError(t, err)
	assert.False(t, again.Created(), "a restart reads, it does not create")
	for _, s := range appKeyrings {
		assert.Equal(t, first.Get(s.Name).Primary(), again.Get(s.Name).Primary(), s.Name)
	}
	assert.Nil(t, again.Get("other.json"))

	otherURI, _ := fakeKEK(t)
	otherKEK, err := pii.OpenKEK(ctx, otherURI, client)
	require.NoError(t, err)
	_, err = pii.LoadKeyrings(ctx, dir, otherKEK, appKeyrings, nil)
	assert.ErrorIs(t, err, pii.ErrWrongKEK, "another KMS key does not unwrap them")

	require.NoError(t, os.Remove(filepath.Join(dir, "index.json")))
	_, err = pii.LoadKeyrings(ctx, dir, kek, appKeyrings, &pii.LoadOptions{Create: true})
	assert.ErrorIs(t, err, pii.ErrKeyringMissing, "a lost keyring is never silently replaced")
	assert.Contains(t, err.Error(), "restore")
	_, err = os.Stat(filepath.Join(dir, "index.json"))
	assert.True(t, errors.Is(err, os.ErrNotExist), "nothing was created")

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = pii.LoadKeyrings(canceled, dir, kek, appKeyrings[:1], nil)
	assert.ErrorIs(t, err, context.Canceled)

	for _, bad := range [][]pii.KeyringSpec{nil, {{Name: "../x.json"}}, {{Name: ".hidden"}}, {appKeyrings[0], appKeyrings[0]}} {
		_, err := pii.LoadKeyrings(ctx, dir, kek, bad, nil)
		assert.Error(t, err, "%v", bad)
	}
}

// After one server rotates a keyring and saves it, another picks the new
// key up with Reload, without a restart; a damaged file changes nothing.
func TestKeyringsReload(t *testing.T) {
	ctx := context.Background()
	uri, client := fakeKEK(t)
	kek, err := pii.OpenKEK(ctx, uri, client)
	require.NoError(t, err)
	dir := t.TempDir()
	a, err := pii.LoadKeyrings(ctx, dir, kek, appKeyrings, &pii.LoadOptions{Create: true})
	require.NoError(t, err)
	b, err := pii.LoadKeyrings(ctx, dir, kek, appKeyrings, nil)
	require.NoError(t, err)
	sealerA, err := pii.NewSealer(a.Get("fields.json"))
	require.NoError(t, err)
	sealerB, err := pii.NewSealer(b.Get("fields.json"))
	require.NoError(t, err)

	_, err = a.Get("fields.json").Rotate()
	require.NoError(t, err)
	require.NoError(t, a.Save(ctx, "fields.json"))
	ad := pii.AD{Record: "account", Field: "email", ID: "a1"}
	c, err := sealerA.Seal(pii.New(pii.Email, "resident@example.com"), ad)
	require.NoError(t, err)
	_, err = sealerB.Open(c, ad)
	assert.ErrorIs(t, err, pii.ErrInvalid, "B does not know the new key yet")

	require.NoError(t, b.Reload(ctx))
	got, err := sealerB.Open(c, ad)
	require.NoError(t, err, "B's existing Sealer uses the reloaded keys")
	assert.Equal(t, "resident@example.com", got.Reveal())

	before := b.Get("fields.json").Primary()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.json"), []byte(`{"damaged":`), 0o600))
	err = b.Reload(ctx)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "index.json"), "the error names the file")
	assert.Equal(t, before, b.Get("fields.json").Primary(), "a failed reload installs nothing")
	assert.Error(t, a.Save(ctx, "nope.json"))
}
