// Package awskms lets package pii wrap keyrings with a key in AWS KMS: it
// builds the Tink KMS client (github.com/tink-crypto/tink-go-awskms/v3) that
// pii.OpenKEK takes for aws-kms:// key URIs.
//
// It is a package of its own so that importing pii never pulls in the AWS
// SDK; only a program that uses AWS KMS imports it.
//
//	client, err := awskms.NewClient(ctx, "aws-kms://arn:aws:kms:us-east-1:111122223333:key/", nil)
//	kek, err := pii.OpenKEK(ctx, "aws-kms://arn:aws:kms:us-east-1:111122223333:key/1234abcd-...", client)
//
// Credentials come from the AWS SDK's default chain (environment, shared
// files, the instance or task role) unless Options says otherwise. The key
// never leaves KMS: each wrap and unwrap of a keyring is one Encrypt or
// Decrypt call, with the keyring's purpose as encryption context.
package awskms

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	tinkawskms "github.com/tink-crypto/tink-go-awskms/v3/integration/awskms"
	"github.com/tink-crypto/tink-go/v2/core/registry"
)

// Scheme is the key URI scheme this package handles.
const Scheme = "aws-kms://"

// Options configures NewClient. The zero value uses the SDK's defaults.
type Options struct {
	// Region is the AWS region; default the one in the URI prefix's ARN.
	Region string
	// Endpoint overrides the KMS endpoint: a VPC endpoint, a FIPS
	// endpoint, or an emulator in tests.
	Endpoint string
	// Credentials, if set, replaces the SDK's default credential chain.
	Credentials aws.CredentialsProvider
}

var regionRE = regexp.MustCompile(`^aws-kms://arn:aws[a-zA-Z0-9-_]*:kms:([a-z0-9-]+):`)

// NewClient returns a Tink KMS client for key URIs that start with
// uriPrefix ("aws-kms://" for every key, or an ARN prefix to allow only
// some). Associated data goes to KMS as the encryption context
// "associatedData".
func NewClient(ctx context.Context, uriPrefix string, opts *Options) (registry.KMSClient, error) {
	if !strings.HasPrefix(strings.ToLower(uriPrefix), Scheme) {
		return nil, fmt.Errorf("awskms: the URI prefix must start with %s", Scheme)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Region == "" {
		if m := regionRE.FindStringSubmatch(uriPrefix); m != nil {
			o.Region = m[1]
		}
	}
	if o.Region == "" {
		return nil, errors.New("awskms: no region: give Options.Region or a URI prefix with an ARN (aws-kms://arn:aws:kms:REGION:...)")
	}
	load := []func(*config.LoadOptions) error{config.WithRegion(o.Region)}
	if o.Credentials != nil {
		load = append(load, config.WithCredentialsProvider(o.Credentials))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("awskms: AWS configuration: %w", err)
	}
	api := kms.NewFromConfig(cfg, func(k *kms.Options) {
		if o.Endpoint != "" {
			k.BaseEndpoint = aws.String(o.Endpoint)
		}
	})
	c, err := tinkawskms.NewClientWithOptions(ctx, uriPrefix, tinkawskms.WithKMS(api))
	if err != nil {
		return nil, fmt.Errorf("awskms: %w", err)
	}
	return c, nil
}
