package vaultkms_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/kms/vaultkms"
)

const token = "hvs.test-token-not-a-secret"

// transit is an httptest stand-in for Vault's transit engine: encrypt and
// decrypt on named keys (each a Tink AEAD), associated_data bound, the
// token checked, and calls counted.
type transit struct {
	keys  map[string]tink.AEAD
	calls atomic.Int64
}

func newTransit(t *testing.T, names ...string) *httptest.Server {
	tr := &transit{keys: map[string]tink.AEAD{}}
	for _, n := range names {
		kr, err := pii.NewKeyring(pii.Encryption)
		require.NoError(t, err)
		tr.keys[n], err = kr.AEAD()
		require.NoError(t, err)
	}
	srv := httptest.NewServer(tr)
	t.Cleanup(srv.Close)
	return srv
}

func (tr *transit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tr.calls.Add(1)
	if r.Header.Get("X-Vault-Token") != token {
		http.Error(w, `{"errors":["permission denied"]}`, http.StatusForbidden)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v1/"), "/")
	if r.Method != http.MethodPost && r.Method != http.MethodPut || len(parts) != 3 || parts[0] != "transit" {
		http.Error(w, `{"errors":["no handler for route"]}`, http.StatusNotFound)
		return
	}
	key, ok := tr.keys[parts[2]]
	if !ok {
		http.Error(w, `{"errors":["encryption key not found"]}`, http.StatusBadRequest)
		return
	}
	var req map[string]string
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, `{"errors":["bad body"]}`, http.StatusBadRequest)
		return
	}
	ad, _ := base64.StdEncoding.DecodeString(req["associated_data"])
	out := map[string]string{}
	switch parts[1] {
	case "encrypt":
		pt, err := base64.StdEncoding.DecodeString(req["plaintext"])
		ct, err2 := key.Encrypt(pt, ad)
		if err != nil || err2 != nil {
			http.Error(w, `{"errors":["encrypt failed"]}`, http.StatusBadRequest)
			return
		}
		out["ciphertext"] = "vault:v1:" + base64.StdEncoding.EncodeToString(ct)
	case "decrypt":
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(req["ciphertext"], "vault:v1:"))
		var pt []byte
		if err == nil {
			pt, err = key.Decrypt(raw, ad)
		}
		if err != nil {
			http.Error(w, `{"errors":["cipher: message authentication failed"]}`, http.StatusBadRequest)
			return
		}
		out["plaintext"] = base64.StdEncoding.EncodeToString(pt)
	default:
		http.Error(w, `{"errors":["no handler for route"]}`, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": out})
}

// Keyrings wrapped by a Vault transit key: created, read again, refused by
// another key and by a bad token.
func TestKeyringsWrappedByVault(t *testing.T) {
	ctx := context.Background()
	srv := newTransit(t, "portal-kek", "other-kek")
	host := strings.TrimPrefix(srv.URL, "http://")
	prefix := vaultkms.Scheme + host + "/"
	client, err := vaultkms.NewClient(prefix, &vaultkms.Options{Token: token, Address: srv.URL})
	require.NoError(t, err)

	kek, err := pii.OpenKEK(ctx, prefix+"transit/keys/portal-kek", client)
	require.NoError(t, err)
	assert.False(t, kek.Development())
	specs := []pii.KeyringSpec{{Name: "fields.json", Purpose: pii.Encryption}, {Name: "index.json", Purpose: pii.Indexing}}
	dir := t.TempDir()
	first, err := pii.LoadKeyrings(ctx, dir, kek, specs, &pii.LoadOptions{Create: true})
	require.NoError(t, err)
	again, err := pii.LoadKeyrings(ctx, dir, kek, specs, nil)
	require.NoError(t, err)
	assert.Equal(t, first.Get("index.json").Primary(), again.Get("index.json").Primary())

	other, err := pii.OpenKEK(ctx, prefix+"transit/keys/other-kek", client)
	require.NoError(t, err)
	_, err = pii.LoadKeyrings(ctx, dir, other, specs, nil)
	assert.ErrorIs(t, err, pii.ErrWrongKEK, "another transit key does not unwrap them")

	bad, err := vaultkms.NewClient(prefix, &vaultkms.Options{Token: "hvs.wrong", Address: srv.URL})
	require.NoError(t, err)
	_, err = pii.OpenKEK(ctx, prefix+"transit/keys/portal-kek", bad)
	assert.ErrorContains(t, err, "cannot encrypt", "a refused token fails at start-up")
	_, err = pii.OpenKEK(ctx, prefix+"transit/keys/absent-kek", client)
	assert.Error(t, err, "a key Vault does not have fails at start-up")
}

func TestNewClientChecksItsInput(t *testing.T) {
	cases := []struct {
		prefix string
		opts   *vaultkms.Options
		why    string
	}{
		{"hcvault://vault.example.gov:8200/", nil, "no token"},
		{"aws-kms://x", &vaultkms.Options{Token: token}, "another scheme"},
		{"hcvault:///transit/keys/x", &vaultkms.Options{Token: token}, "no server"},
	}
	for _, c := range cases {
		_, err := vaultkms.NewClient(c.prefix, c.opts)
		assert.Error(t, err, c.why)
	}
	c, err := vaultkms.NewClient("hcvault://vault.example.gov:8200/transit/", &vaultkms.Options{Token: token})
	require.NoError(t, err)
	assert.True(t, c.Supported("hcvault://vault.example.gov:8200/transit/keys/a"))
	assert.False(t, c.Supported("hcvault://other.example.gov:8200/transit/keys/a"))
}
