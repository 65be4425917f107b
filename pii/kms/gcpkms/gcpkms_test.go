package gcpkms_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/tink"
	"google.golang.org/api/option"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/kms/gcpkms"
)

const keyName = "projects/city-portal/locations/us/keyRings/portal/cryptoKeys/kek"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func crc(b []byte) string { return jsonInt(int64(crc32.Checksum(b, castagnoli))) }

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// fakeKMS is an httptest stand-in for Cloud KMS's REST encrypt and decrypt
// methods, with the CRC32C fields Tink verifies. It knows the keys given;
// with corrupt set it damages the ciphertext checksum, as a faulty network
// path would.
type fakeKMS struct {
	keys    map[string]tink.AEAD
	corrupt bool
}

func (f *fakeKMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v1/"), ":")
	key := f.keys[name]
	if r.Method != http.MethodPost || !ok || key == nil {
		http.Error(w, `{"error":{"code":404,"message":"not found"}}`, http.StatusNotFound)
		return
	}
	var req map[string]any
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"error":{"code":400,"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	b64 := func(field string) []byte {
		s, _ := req[field].(string)
		b, err := base64.URLEncoding.DecodeString(s)
		if err != nil {
			b, _ = base64.StdEncoding.DecodeString(s)
		}
		return b
	}
	ad := b64("additionalAuthenticatedData")
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "encrypt":
		pt := b64("plaintext")
		ct, err := key.Encrypt(pt, ad)
		if err != nil {
			http.Error(w, `{"error":{"code":400,"message":"encrypt"}}`, http.StatusBadRequest)
			return
		}
		sum := crc(ct)
		if f.corrupt {
			sum = jsonInt(1)
		}
		_, _ = w.Write([]byte(`{"name":"` + name + `/cryptoKeyVersions/1","ciphertext":"` + base64.StdEncoding.EncodeToString(ct) +
			`","ciphertextCrc32c":"` + strings.Trim(sum, `"`) + `","verifiedPlaintextCrc32c":true,"verifiedAdditionalAuthenticatedDataCrc32c":true}`))
	case "decrypt":
		pt, err := key.Decrypt(b64("ciphertext"), ad)
		if err != nil {
			http.Error(w, `{"error":{"code":400,"message":"Decryption failed"}}`, http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte(`{"plaintext":"` + base64.StdEncoding.EncodeToString(pt) + `","plaintextCrc32c":"` + strings.Trim(crc(pt), `"`) + `"}`))
	default:
		http.Error(w, `{"error":{"code":404,"message":"not found"}}`, http.StatusNotFound)
	}
}

func newFake(t *testing.T, names ...string) (*fakeKMS, *httptest.Server) {
	f := &fakeKMS{keys: map[string]tink.AEAD{}}
	for _, n := range names {
		kr, err := pii.NewKeyring(pii.Encryption)
		require.NoError(t, err)
		f.keys[n], err = kr.AEAD()
		require.NoError(t, err)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// Keyrings wrapped by a Cloud KMS key (a fake REST server): created, read
// again, refused by another key, and a corrupted response is caught.
func TestKeyringsWrappedByCloudKMS(t *testing.T) {
	ctx := context.Background()
	other := strings.Replace(keyName, "kek", "other", 1)
	fake, srv := newFake(t, keyName, other)
	client, err := gcpkms.NewClient(ctx, gcpkms.Scheme, &gcpkms.Options{Endpoint: srv.URL + "/", ClientOptions: []option.ClientOption{option.WithoutAuthentication()}})
	require.NoError(t, err)

	kek, err := pii.OpenKEK(ctx, gcpkms.Scheme+keyName, client)
	require.NoError(t, err)
	specs := []pii.KeyringSpec{{Name: "fields.json", Purpose: pii.Encryption}, {Name: "index.json", Purpose: pii.Indexing}}
	dir := t.TempDir()
	first, err := pii.LoadKeyrings(ctx, dir, kek, specs, &pii.LoadOptions{Create: true})
	require.NoError(t, err)
	again, err := pii.LoadKeyrings(ctx, dir, kek, specs, nil)
	require.NoError(t, err)
	assert.Equal(t, first.Get("fields.json").Primary(), again.Get("fields.json").Primary())

	otherKEK, err := pii.OpenKEK(ctx, gcpkms.Scheme+other, client)
	require.NoError(t, err)
	_, err = pii.LoadKeyrings(ctx, dir, otherKEK, specs, nil)
	assert.ErrorIs(t, err, pii.ErrWrongKEK, "another key does not unwrap them")

	_, err = pii.OpenKEK(ctx, gcpkms.Scheme+strings.Replace(keyName, "kek", "absent", 1), client)
	assert.Error(t, err, "a key Cloud KMS does not have fails at start-up")
	fake.corrupt = true
	_, err = pii.OpenKEK(ctx, gcpkms.Scheme+keyName, client)
	assert.ErrorContains(t, err, "corrupted", "Tink's integrity check catches a damaged response")
}

func TestNewClientNeedsTheScheme(t *testing.T) {
	_, err := gcpkms.NewClient(context.Background(), "aws-kms://x", nil)
	assert.Error(t, err)
}
