package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/pii"
)

// With a KEK URI, the chain keyring is created with the others on the
// first start, and alone only with -create-chain-key: a portal whose
// keyrings predate it refuses to start without it, and creating it
// touches no other keyring.
func TestChainKeyringThroughTheKEK(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	master := filepath.Join(t.TempDir(), "master.key")
	_, err := pii.GenerateMasterKey(master)
	require.NoError(t, err)
	uri := pii.DevMasterKeyScheme + master
	k, _, _, err := loadKeys(ctx, dir, uri, true, false, nil)
	require.NoError(t, err)
	require.NotNil(t, k.Chain)
	assert.Equal(t, pii.Indexing, k.Chain.Purpose(), "an HMAC-SHA256 PRF keyring")
	chainPath := filepath.Join(dir, "keys", chainKeyFile)
	raw, err := os.ReadFile(chainPath)
	require.NoError(t, err)
	assert.Contains(t, string(raw), "encryptedKeyset", "wrapped by the KEK like the others")

	// A portal from before the chain keyring.
	require.NoError(t, os.Remove(chainPath))
	fields, err := os.ReadFile(filepath.Join(dir, "keys", "fields.json"))
	require.NoError(t, err)
	_, _, _, err = loadKeys(ctx, dir, uri, false, false, nil)
	require.ErrorIs(t, err, pii.ErrKeyringMissing)
	assert.Contains(t, err.Error(), "-create-chain-key")
	k2, files, _, err := loadKeys(ctx, dir, uri, false, true, nil)
	require.NoError(t, err)
	require.NotNil(t, k2.Chain)
	assert.NotEqual(t, k.Chain.Primary(), k2.Chain.Primary(), "a new chain key")
	after, err := os.ReadFile(filepath.Join(dir, "keys", "fields.json"))
	require.NoError(t, err)
	assert.Equal(t, fields, after, "the other keyrings are untouched")
	require.NoError(t, files.Reload(ctx), "the chain keyring reloads with the others")
}

func TestChainKeyedSinceFlag(t *testing.T) {
	cfg, err := parseFlags([]string{"-chain-keyed-since", "2026-01-02T03:04:05Z", "-create-chain-key"}, io.Discard)
	require.NoError(t, err)
	assert.True(t, cfg.ChainKeyedSince.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
	assert.True(t, cfg.CreateChainKey)
	_, err = parseFlags([]string{"-chain-keyed-since", "yesterday"}, io.Discard)
	assert.Error(t, err)
	cfg, err = parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.True(t, cfg.ChainKeyedSince.IsZero(), "by default every event must be keyed")
}
