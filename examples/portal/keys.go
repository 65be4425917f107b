package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/civickit/privacy/pii"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// keys are the portal's keyrings. Each job has a keyring of its own, so that
// rotating one (the cookie keys, say) touches nothing else.
type keys struct {
	Fields   *pii.Keyring // Sealer: account contact data
	Index    *pii.Keyring // Indexer: login-by-e-mail blind index, card pseudonyms
	Subjects *pii.Keyring // Shredder: per-subject data keys (consent contact points)
	Tokens   *pii.Keyring // consent confirmation and unsubscribe tokens
	Cookies  *pii.Keyring // session cookie codec
	Redact   *pii.Keyring // redact pseudonyms in records releases (keyed hashes)
}

// keyFiles names the keyring files in <data>/keys.
var keyFiles = []struct {
	name    string
	purpose pii.Purpose
	dst     func(*keys) **pii.Keyring
}{
	{"fields.json", pii.Encryption, func(k *keys) **pii.Keyring { return &k.Fields }},
	{"index.json", pii.Indexing, func(k *keys) **pii.Keyring { return &k.Index }},
	{"subjects.json", pii.Encryption, func(k *keys) **pii.Keyring { return &k.Subjects }},
	{"tokens.json", pii.Encryption, func(k *keys) **pii.Keyring { return &k.Tokens }},
	{"cookies.json", pii.Encryption, func(k *keys) **pii.Keyring { return &k.Cookies }},
	{"redact.json", pii.Indexing, func(k *keys) **pii.Keyring { return &k.Redact }},
}

const devKeyWarning = `
################################################################################
#  WARNING: DEVELOPMENT KEYS                                                   #
#                                                                              #
#  The portal generated a development master key and keyrings in              #
#    %-74s#
#  Anyone who can read master.key can decrypt every sealed value, cookie and   #
#  token. They are for trying the portal on your own machine ONLY.             #
#                                                                              #
#  In production, wrap the keyrings with a KMS key instead of master.key:      #
#  read them with pii.ReadKeyring(r, purpose, kmsAEAD) where kmsAEAD comes     #
#  from tink-go-gcpkms, tink-go-awskms or tink-go-hcvault, and never store a   #
#  cleartext master key next to the data.                                      #
################################################################################
`

// loadOrCreateKeys reads the development master key and keyrings from
// dir/keys, generating whatever is missing, and prints the development-key
// warning to w (unless w is nil).
func loadOrCreateKeys(dir string, w io.Writer) (*keys, error) {
	kdir := filepath.Join(dir, "keys")
	if err := os.MkdirAll(kdir, 0o700); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	masterPath := filepath.Join(kdir, "master.key")
	var kek tink.AEAD
	var err error
	if _, statErr := os.Stat(masterPath); errors.Is(statErr, fs.ErrNotExist) {
		kek, err = pii.GenerateMasterKey(masterPath)
		if errors.Is(err, fs.ErrExist) {
			kek, err = pii.LoadMasterKey(masterPath) // another process made it first
		}
	} else {
		kek, err = pii.LoadMasterKey(masterPath)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: master key: %w", err)
	}
	k := new(keys)
	for _, f := range keyFiles {
		path := filepath.Join(kdir, f.name)
		kr, err := pii.ReadKeyringFile(path, f.purpose, kek)
		if errors.Is(err, fs.ErrNotExist) {
			if kr, err = pii.NewKeyring(f.purpose); err == nil {
				err = kr.CreateFile(path, kek)
			}
			if errors.Is(err, fs.ErrExist) {
				// Another process created it first: use that one.
				kr, err = pii.ReadKeyringFile(path, f.purpose, kek)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("keys: %s: %w", f.name, err)
		}
		*f.dst(k) = kr
	}
	if w != nil {
		abs, err := filepath.Abs(kdir)
		if err != nil {
			abs = kdir
		}
		fmt.Fprintf(w, devKeyWarning, abs)
	}
	return k, nil
}
