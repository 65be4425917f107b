package awskms_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/kms/awskms"
)

const region = "us-east-1"

var creds = credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "not-a-secret", "")

// localKMS starts github.com/nsmithuk/local-kms, an AWS KMS emulator that
// .ci/run installs (PRIVACY_TEST_LOCAL_KMS names the binary), on a free
// port, and returns its endpoint.
func localKMS(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("PRIVACY_TEST_LOCAL_KMS")
	if bin == "" {
		if os.Getenv("PRIVACY_TEST_REQUIRE_KMS") != "" {
			t.Fatal("PRIVACY_TEST_LOCAL_KMS is not set and PRIVACY_TEST_REQUIRE_KMS is: the AWS KMS tests must run")
		}
		t.Skip("AWS KMS tests skipped: set PRIVACY_TEST_LOCAL_KMS to a local-kms binary (bash .ci/run installs one)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", port), "KMS_REGION="+region,
		"KMS_ACCOUNT_ID=111122223333", "KMS_DATA_PATH="+filepath.Join(t.TempDir(), "data"))
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		require.Less(t, i, 300, "local-kms did not start")
		time.Sleep(50 * time.Millisecond)
	}
	return "http://" + addr
}

// createKey makes a symmetric key in the emulator and returns its URI.
func createKey(t *testing.T, endpoint string) string {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(region), config.WithCredentialsProvider(creds))
	require.NoError(t, err)
	api := kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = aws.String(endpoint) })
	out, err := api.CreateKey(context.Background(), &kms.CreateKeyInput{})
	require.NoError(t, err)
	return awskms.Scheme + aws.ToString(out.KeyMetadata.Arn)
}

// Keyrings wrapped by a key in (emulated) AWS KMS: created on a first
// start, read on the next, refused by another key.
func TestKeyringsWrappedByAWSKMS(t *testing.T) {
	ctx := context.Background()
	endpoint := localKMS(t)
	keyURI, otherURI := createKey(t, endpoint), createKey(t, endpoint)
	client, err := awskms.NewClient(ctx, "aws-kms://", &awskms.Options{Region: region, Endpoint: endpoint, Credentials: creds})
	require.NoError(t, err)

	kek, err := pii.OpenKEK(ctx, keyURI, client)
	require.NoError(t, err)
	assert.False(t, kek.Development())
	specs := []pii.KeyringSpec{{Name: "fields.json", Purpose: pii.Encryption}, {Name: "index.json", Purpose: pii.Indexing}}
	dir := t.TempDir()
	first, err := pii.LoadKeyrings(ctx, dir, kek, specs, &pii.LoadOptions{Create: true})
	require.NoError(t, err)
	require.True(t, first.Created())
	raw, err := os.ReadFile(filepath.Join(dir, "fields.json"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), "encryptedKeyset", "the file holds only the wrapped keyset")

	again, err := pii.LoadKeyrings(ctx, dir, kek, specs, nil)
	require.NoError(t, err)
	assert.Equal(t, first.Get("fields.json").Primary(), again.Get("fields.json").Primary())

	other, err := pii.OpenKEK(ctx, otherURI, client)
	require.NoError(t, err)
	_, err = pii.LoadKeyrings(ctx, dir, other, specs, nil)
	assert.ErrorIs(t, err, pii.ErrWrongKEK, "another KMS key does not unwrap them")

	_, err = pii.OpenKEK(ctx, awskms.Scheme+"arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000", client)
	assert.Error(t, err, "a key that does not exist fails at start-up")
}

func TestNewClientNeedsARegion(t *testing.T) {
	ctx := context.Background()
	_, err := awskms.NewClient(ctx, "aws-kms://", nil)
	assert.ErrorContains(t, err, "no region")
	_, err = awskms.NewClient(ctx, "gcp-kms://projects/x", &awskms.Options{Region: region})
	assert.Error(t, err)
	c, err := awskms.NewClient(ctx, "aws-kms://arn:aws:kms:eu-west-1:111122223333:key/", &awskms.Options{Credentials: creds})
	require.NoError(t, err, "the region comes from the ARN")
	assert.True(t, c.Supported("aws-kms://arn:aws:kms:eu-west-1:111122223333:key/abc"))
	assert.False(t, c.Supported("aws-kms://arn:aws:kms:us-east-1:111122223333:key/abc"), "only keys under the prefix")
}
