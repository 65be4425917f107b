// Package vaultkms lets package pii wrap keyrings with a key in HashiCorp
// Vault's transit secrets engine: it builds the Tink KMS client
// (github.com/tink-crypto/tink-go-hcvault/v2) that pii.OpenKEK takes for
// hcvault:// key URIs.
//
// A key URI names the Vault server and the transit key:
// hcvault://vault.example.gov:8200/transit/keys/portal-kek. Use a key with
// derivation off (the default); the keyring's purpose goes to Vault as
// associated_data, so a keyring of one purpose does not unwrap as another.
//
//	client, err := vaultkms.NewClient("hcvault://vault.example.gov:8200/", &vaultkms.Options{Token: token})
//	kek, err := pii.OpenKEK(ctx, "hcvault://vault.example.gov:8200/transit/keys/portal-kek", client)
//
// It is a package of its own so that importing pii never pulls in Vault's
// client.
package vaultkms

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/vault/api"
	"github.com/tink-crypto/tink-go-hcvault/v2/integration/hcvault"
	"github.com/tink-crypto/tink-go/v2/core/registry"
)

// Scheme is the key URI scheme this package handles.
const Scheme = "hcvault://"

// Options configures NewClient.
type Options struct {
	// Token authenticates to Vault (a token with encrypt and decrypt on the
	// transit key). Required.
	Token string
	// Namespace is the Vault Enterprise namespace, if any.
	Namespace string
	// Address overrides the server address, by default https:// and the
	// URI prefix's host and port.
	Address string
	// TLS configures the connection (a private CA, for example); nil means
	// the system's roots.
	TLS *tls.Config
	// Timeout bounds each call to Vault; default 30 seconds.
	Timeout time.Duration
}

// NewClient returns a Tink KMS client for key URIs that start with
// uriPrefix.
func NewClient(uriPrefix string, opts *Options) (registry.KMSClient, error) {
	if !strings.HasPrefix(strings.ToLower(uriPrefix), Scheme) {
		return nil, fmt.Errorf("vaultkms: the URI prefix must start with %s", Scheme)
	}
	if opts == nil || opts.Token == "" {
		return nil, errors.New("vaultkms: Options.Token is required")
	}
	u, err := url.Parse(uriPrefix)
	if err != nil || u.Host == "" {
		return nil, errors.New("vaultkms: the URI prefix must name the Vault server: hcvault://HOST:PORT/")
	}
	cfg := api.DefaultConfig()
	cfg.Address = "https://" + u.Host
	if opts.Address != "" {
		cfg.Address = opts.Address
	}
	cfg.Timeout = opts.Timeout
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if opts.TLS != nil {
		t, ok := cfg.HttpClient.Transport.(*http.Transport)
		if !ok {
			return nil, errors.New("vaultkms: unexpected HTTP transport in Vault's default configuration")
		}
		t.TLSClientConfig = opts.TLS.Clone()
	}
	c, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("vaultkms: %w", err)
	}
	c.SetToken(opts.Token)
	if opts.Namespace != "" {
		c.SetNamespace(opts.Namespace)
	}
	kc, err := hcvault.NewClientWithAEADOptions(uriPrefix, c.Logical())
	if err != nil {
		return nil, fmt.Errorf("vaultkms: %w", err)
	}
	return kc, nil
}
