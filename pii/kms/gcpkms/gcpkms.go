// Package gcpkms lets package pii wrap keyrings with a key in Google Cloud
// KMS: it builds the Tink KMS client (github.com/tink-crypto/tink-go-gcpkms/v2)
// that pii.OpenKEK takes for gcp-kms:// key URIs.
//
//	client, err := gcpkms.NewClient(ctx, "gcp-kms://projects/city-portal/", nil)
//	kek, err := pii.OpenKEK(ctx, "gcp-kms://projects/city-portal/locations/us/keyRings/portal/cryptoKeys/kek", client)
//
// It talks to Cloud KMS over its REST API (HTTP and JSON), with Tink's
// CRC32C integrity checks on every response, and Application Default
// Credentials unless Options says otherwise. It is a package of its own so
// that importing pii never pulls in Google's client libraries.
package gcpkms

import (
	"context"
	"fmt"
	"strings"

	tinkgcpkms "github.com/tink-crypto/tink-go-gcpkms/v2/integration/gcpkms"
	"github.com/tink-crypto/tink-go/v2/core/registry"
	"google.golang.org/api/option"
)

// Scheme is the key URI scheme this package handles.
const Scheme = "gcp-kms://"

// Options configures NewClient. The zero value uses Application Default
// Credentials and the public endpoint.
type Options struct {
	// Endpoint overrides Cloud KMS's endpoint (a Private Service Connect
	// endpoint, or a fake server in tests).
	Endpoint string
	// ClientOptions are passed to Google's API client as they are: for
	// example option.WithCredentialsFile, or option.WithoutAuthentication
	// for a test server.
	ClientOptions []option.ClientOption
}

// NewClient returns a Tink KMS client for key URIs that start with
// uriPrefix ("gcp-kms://" for every key, or a project or key ring prefix
// to allow only some).
func NewClient(ctx context.Context, uriPrefix string, opts *Options) (registry.KMSClient, error) {
	if !strings.HasPrefix(strings.ToLower(uriPrefix), Scheme) {
		return nil, fmt.Errorf("gcpkms: the URI prefix must start with %s", Scheme)
	}
	var api []option.ClientOption
	if opts != nil {
		if opts.Endpoint != "" {
			api = append(api, option.WithEndpoint(opts.Endpoint))
		}
		api = append(api, opts.ClientOptions...)
	}
	c, err := tinkgcpkms.NewClient(ctx, uriPrefix, tinkgcpkms.WithTransport(tinkgcpkms.TransportREST), tinkgcpkms.WithGoogleAPIClientOptions(api...))
	if err != nil {
		return nil, fmt.Errorf("gcpkms: %w", err)
	}
	return c, nil
}
