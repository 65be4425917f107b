// Package kekuri opens a key-encryption key by URI for the programs in this
// module (cmd/redact, examples/portal), choosing the KMS client by the
// URI's scheme. Libraries take a *pii.KEK instead and never import a cloud
// SDK.
package kekuri

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/tink-crypto/tink-go/v2/core/registry"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/kms/awskms"
	"github.com/civickit/privacy/pii/kms/gcpkms"
	"github.com/civickit/privacy/pii/kms/vaultkms"
)

// Usage documents the URIs Open takes, for flag help.
const Usage = "key-encryption key URI: aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID (AWS default credentials), " +
	"gcp-kms://projects/P/locations/L/keyRings/R/cryptoKeys/K (Application Default Credentials), " +
	"hcvault://HOST:PORT/transit/keys/NAME (token in VAULT_TOKEN), or " + pii.DevMasterKeyScheme + "PATH (development only)"

// Open returns the key-encryption key uri names, with the KMS client its
// scheme needs, configured from the environment the way each vendor's
// tools are (AWS and Google default credentials, VAULT_TOKEN and
// VAULT_NAMESPACE).
func Open(ctx context.Context, uri string) (*pii.KEK, error) {
	var client registry.KMSClient
	var err error
	switch lower := strings.ToLower(uri); {
	case strings.HasPrefix(lower, pii.DevMasterKeyScheme):
		return pii.OpenKEK(ctx, uri)
	case strings.HasPrefix(lower, awskms.Scheme):
		client, err = awskms.NewClient(ctx, uri, nil)
	case strings.HasPrefix(lower, gcpkms.Scheme):
		client, err = gcpkms.NewClient(ctx, uri, nil)
	case strings.HasPrefix(lower, vaultkms.Scheme):
		token := os.Getenv("VAULT_TOKEN")
		if token == "" {
			return nil, errors.New("an hcvault:// key needs a Vault token in VAULT_TOKEN")
		}
		client, err = vaultkms.NewClient(uri, &vaultkms.Options{Token: token, Namespace: os.Getenv("VAULT_NAMESPACE")})
	default:
		return nil, fmt.Errorf("unknown key URI scheme; want one of aws-kms://, gcp-kms://, hcvault:// or %s", pii.DevMasterKeyScheme)
	}
	if err != nil {
		return nil, err
	}
	return pii.OpenKEK(ctx, uri, client)
}
