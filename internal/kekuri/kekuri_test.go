package kekuri_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/internal/kekuri"
	"github.com/civickit/privacy/pii"
)

func TestOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "master.key")
	_, err := pii.GenerateMasterKey(path)
	require.NoError(t, err)
	kek, err := kekuri.Open(ctx, pii.DevMasterKeyScheme+path)
	require.NoError(t, err)
	assert.True(t, kek.Development())

	t.Setenv("VAULT_TOKEN", "")
	cases := []struct{ uri, want, why string }{
		{"ftp://x", "unknown key URI scheme", "an unknown scheme"},
		{"hcvault://vault.example.invalid:8200/transit/keys/k", "VAULT_TOKEN", "Vault needs a token"},
		{"aws-kms://not-an-arn", "region", "an AWS URI without a region"},
	}
	for _, c := range cases {
		_, err := kekuri.Open(ctx, c.uri)
		assert.ErrorContains(t, err, c.want, c.why)
	}
}
