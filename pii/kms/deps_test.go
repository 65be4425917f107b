package kms_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Importing pii (or any library package here) never pulls in a cloud SDK:
// only a program that imports a package under pii/kms does.
func TestLibraryPackagesImportNoCloudSDK(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", "github.com/civickit/privacy/pii", "github.com/civickit/privacy/redact",
		"github.com/civickit/privacy/consent", "github.com/civickit/privacy/cookies", "github.com/civickit/privacy/retention").CombinedOutput()
	require.NoError(t, err, string(out))
	for _, dep := range strings.Fields(string(out)) {
		for _, sdk := range []string{"github.com/aws/", "cloud.google.com/", "google.golang.org/api", "github.com/hashicorp/vault"} {
			require.False(t, strings.HasPrefix(dep, sdk), "a library package imports %s", dep)
		}
	}
}
