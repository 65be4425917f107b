// Package kms is the parent of one small package per key management
// service (awskms, gcpkms, vaultkms), each building the Tink KMS client
// that pii.OpenKEK takes for its key URIs. They are separate so that
// importing pii never pulls in a cloud SDK. This package itself holds
// nothing but that rule's test.
package kms
