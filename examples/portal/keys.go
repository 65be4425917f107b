package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/civickit/privacy/internal/kekuri"
	"github.com/civickit/privacy/pii"
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
	Chain    *pii.Keyring // consent.ChainKey: the keyed hash chain of the consent ledger
}

// chainKeyFile is the chain keyring's file in <data>/keys. It is loaded on
// its own, after the others, so that a portal whose keyrings predate it
// can create it (-create-chain-key) without the others being re-created.
const chainKeyFile = "chain.json"

// keyringFiles are the portal's loaded keyring files, for Reload.
type keyringFiles []*pii.Keyrings

// Reload reloads every file; see pii.Keyrings.Reload.
func (f keyringFiles) Reload(ctx context.Context) error {
	for _, ks := range f {
		if err := ks.Reload(ctx); err != nil {
			return err
		}
	}
	return nil
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
#  start with -kek-uri aws-kms://..., gcp-kms://... or hcvault://... (and      #
#  -create-keys on the very first start only), and never keep a cleartext     #
#  master key next to the data.                                                #
################################################################################
`

// loadKeys opens the key-encryption key and the portal's keyrings in
// dir/keys. With no kekURI it uses (and on the first start generates) the
// development master key dir/keys/master.key, creates the keyrings on the
// first start, and prints the development-key warning to w (unless w is
// nil). With a kekURI (a KMS key) it creates keyrings only when create is
// set; restarts read them, and a keyring missing beside others is an error
// (a new key could not open what the lost one sealed). The chain keyring
// (chainKeyFile) is created with the others, or alone with createChain,
// the first start after an upgrade from a portal without it.
func loadKeys(ctx context.Context, dir, kekURI string, create, createChain bool, w io.Writer) (*keys, keyringFiles, *pii.KEK, error) {
	kdir := filepath.Join(dir, "keys")
	if err := os.MkdirAll(kdir, 0o700); err != nil {
		return nil, nil, nil, fmt.Errorf("keys: %w", err)
	}
	if kekURI == "" {
		masterPath := filepath.Join(kdir, "master.key")
		if _, err := os.Stat(masterPath); errors.Is(err, fs.ErrNotExist) {
			// Another process may make it at the same moment: both then use
			// the one that won.
			if _, err := pii.GenerateMasterKey(masterPath); err != nil && !errors.Is(err, fs.ErrExist) {
				return nil, nil, nil, fmt.Errorf("keys: master key: %w", err)
			}
		}
		kekURI, create = pii.DevMasterKeyScheme+masterPath, true
	}
	kek, err := kekuri.Open(ctx, kekURI)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("keys: %w", err)
	}
	specs := make([]pii.KeyringSpec, len(keyFiles))
	for i, f := range keyFiles {
		specs[i] = pii.KeyringSpec{Name: f.name, Purpose: f.purpose}
	}
	rings, err := pii.LoadKeyrings(ctx, kdir, kek, specs, &pii.LoadOptions{Create: create})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("keys: %w", err)
	}
	k := new(keys)
	for _, f := range keyFiles {
		*f.dst(k) = rings.Get(f.name)
	}
	chain, err := pii.LoadKeyrings(ctx, kdir, kek, []pii.KeyringSpec{{Name: chainKeyFile, Purpose: pii.Indexing}},
		&pii.LoadOptions{Create: create || createChain})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("keys: %w (a portal whose keyrings predate the chain keyring: start once with -create-chain-key)", err)
	}
	k.Chain = chain.Get(chainKeyFile)
	if w != nil && kek.Development() {
		abs, err := filepath.Abs(kdir)
		if err != nil {
			abs = kdir
		}
		fmt.Fprintf(w, devKeyWarning, abs)
	}
	return k, keyringFiles{rings, chain}, kek, nil
}

// reloadOnHangup reloads the keyrings from their files whenever the process
// gets SIGHUP, until ctx ends: after an operator rotated a keyring (and
// saved it) every running portal picks up the new key without a restart.
func (a *app) reloadOnHangup(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			a.reloadKeys(ctx)
		}
	}
}

// reloadKeys reloads the keyrings once and logs the outcome.
func (a *app) reloadKeys(ctx context.Context) {
	if err := a.keyrings.Reload(ctx); err != nil {
		a.log.ErrorContext(ctx, "keyring reload failed; the keys in use are unchanged", "error", err)
		return
	}
	a.log.InfoContext(ctx, "keyrings reloaded")
}
