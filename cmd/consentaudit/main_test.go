package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// The auditor's round trip on a SQLite ledger: keys, a checkpoint, a clean
// audit, a chained second checkpoint, then tampering found and named, and
// a forged checkpoint refused.
func TestAuditorRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "consent.db")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	defer db.Close()
	store, err := sqlstore.New(db, sqldialect.SQLite, nil)
	require.NoError(t, err)
	require.NoError(t, store.Migrate(ctx))
	l, err := consent.New(store, consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	var ids []string
	for _, addr := range []string{"one@example.com", "two@example.com"} {
		id, err := l.Enroll(ctx, pii.New(pii.Email, addr))
		require.NoError(t, err)
		for range 2 {
			_, err := l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
			require.NoError(t, err)
		}
		ids = append(ids, id)
	}

	master := filepath.Join(dir, "master.key")
	_, err = pii.GenerateMasterKey(master)
	require.NoError(t, err)
	uri := pii.DevMasterKeyScheme + master
	priv, pub := filepath.Join(dir, "signing.json"), filepath.Join(dir, "signing.pub.json")
	code, _, stderr := cli(t, "keygen", "-kek-uri", uri, "-private", priv, "-public", pub)
	require.Equal(t, exitOK, code, stderr)
	raw, err := os.ReadFile(pub)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "ASYMMETRIC_PRIVATE", "the public file holds no secret")
	assert.Contains(t, string(raw), "ASYMMETRIC_PUBLIC")
	raw, err = os.ReadFile(priv)
	require.NoError(t, err)
	assert.Contains(t, string(raw), "encryptedKeyset", "the private keyset is wrapped")
	assert.NotContains(t, string(raw), "ASYMMETRIC_PRIVATE")
	code, _, stderr = cli(t, "keygen", "-kek-uri", uri, "-private", priv, "-public", pub)
	assert.Equal(t, exitError, code, "keys are never overwritten")
	assert.Contains(t, stderr, "exists")

	cp1 := filepath.Join(dir, "checkpoint-1.json")
	code, stdout, stderr := cli(t, "checkpoint", "-db", dbPath, "-kek-uri", uri, "-private", priv, "-out", cp1)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "checkpoint 1: 2 subjects, 4 events")
	code, stdout, stderr = cli(t, "verify", "-db", dbPath, "-public", pub, "-checkpoint", cp1)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "OK:")

	_, err = l.Record(ctx, consent.Event{Subject: ids[0], Type: consent.Withdrawn, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	require.NoError(t, err)
	cp2 := filepath.Join(dir, "checkpoint-2.json")
	code, stdout, stderr = cli(t, "checkpoint", "-db", dbPath, "-kek-uri", uri, "-private", priv, "-prev", cp1, "-out", cp2)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "checkpoint 2: 2 subjects, 5 events")

	// The database's owner rewrites an event covered by checkpoint 2.
	_, err = db.ExecContext(ctx, `DROP TRIGGER consent_events_no_update`)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, `UPDATE consent_events SET type = 'given' WHERE subject = ? AND seq = 3`, ids[0])
	require.NoError(t, err)
	code, stdout, stderr = cli(t, "verify", "-db", dbPath, "-public", pub, "-checkpoint", cp2)
	assert.Equal(t, exitChanged, code, stderr)
	assert.Contains(t, stdout, "CHANGED subject "+ids[0]+" event 3: edited")
	code, stdout, _ = cli(t, "verify", "-db", dbPath, "-public", pub, "-checkpoint", cp2, "-json")
	assert.Equal(t, exitChanged, code)
	assert.Contains(t, stdout, `"kind": "edited"`)

	// A checkpoint edited to match is refused: its signature fails.
	b, err := os.ReadFile(cp2)
	require.NoError(t, err)
	forged := filepath.Join(dir, "forged.json")
	require.NoError(t, os.WriteFile(forged, []byte(strings.Replace(string(b), `"events": 5`, `"events": 6`, 1)), 0o600))
	code, _, stderr = cli(t, "verify", "-db", dbPath, "-public", pub, "-checkpoint", forged)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "does not verify")

	for _, args := range [][]string{{}, {"nope"}, {"verify"}, {"checkpoint", "-db", dbPath}, {"verify", "-db", filepath.Join(dir, "absent.db"), "-public", pub, "-checkpoint", cp1}} {
		code, _, _ := cli(t, args...)
		assert.Equal(t, exitError, code, "%q", args)
	}
}

// A keyed ledger: verify needs the chain keyring, finds a chain
// recomputed with the old unkeyed hash, and refuses a replayed
// checkpoint.
func TestAuditorKeyedLedger(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	master := filepath.Join(dir, "master.key")
	_, err := pii.GenerateMasterKey(master)
	require.NoError(t, err)
	uri := pii.DevMasterKeyScheme + master
	kek, err := pii.OpenKEK(ctx, uri)
	require.NoError(t, err)
	rings, err := pii.LoadKeyrings(ctx, filepath.Join(dir, "keys"), kek, []pii.KeyringSpec{{Name: "chain.json", Purpose: pii.Indexing}}, &pii.LoadOptions{Create: true})
	require.NoError(t, err)
	chainPath := filepath.Join(dir, "keys", "chain.json")
	key, err := consent.NewChainKey(rings.Get("chain.json"), nil)
	require.NoError(t, err)

	dbPath := filepath.Join(dir, "consent.db")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	defer db.Close()
	store, err := sqlstore.New(db, sqldialect.SQLite, &sqlstore.Options{ChainKey: key})
	require.NoError(t, err)
	require.NoError(t, store.Migrate(ctx))
	l, err := consent.New(store, consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	id, err := l.Enroll(ctx, pii.New(pii.Email, "keyed@example.com"))
	require.NoError(t, err)
	for range 2 {
		_, err := l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
		require.NoError(t, err)
	}

	priv, pub := filepath.Join(dir, "signing.json"), filepath.Join(dir, "signing.pub.json")
	code, _, stderr := cli(t, "keygen", "-kek-uri", uri, "-private", priv, "-public", pub)
	require.Equal(t, exitOK, code, stderr)
	cp1, cp2 := filepath.Join(dir, "checkpoint-1.json"), filepath.Join(dir, "checkpoint-2.json")
	code, _, stderr = cli(t, "checkpoint", "-db", dbPath, "-kek-uri", uri, "-private", priv, "-chain-keyring", filepath.Join(dir, "keys", "chain.json"), "-out", cp1)
	require.Equal(t, exitOK, code, stderr)
	_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Withdrawn, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	require.NoError(t, err)
	code, _, stderr = cli(t, "checkpoint", "-db", dbPath, "-kek-uri", uri, "-private", priv, "-prev", cp1, "-out", cp2)
	require.Equal(t, exitOK, code, stderr)

	keyed := []string{"-chain-keyring", chainPath, "-kek-uri", uri}
	code, _, stderr = cli(t, "verify", "-db", dbPath, "-public", pub, "-checkpoint", cp2)
	assert.Equal(t, exitError, code, "a keyed ledger without the chain keyring")
	assert.Contains(t, stderr, "-chain-keyring")
	code, stdout, stderr := cli(t, append([]string{"verify", "-db", dbPath, "-public", pub, "-checkpoint", cp1, "-checkpoint", cp2}, keyed...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "OK:")
	code, _, stderr = cli(t, append([]string{"verify", "-db", dbPath, "-public", pub, "-checkpoint", cp1, "-checkpoint", cp2, "-checkpoint", cp1}, keyed...)...)
	assert.Equal(t, exitError, code, "a replayed checkpoint")
	assert.Contains(t, stderr, "do not chain")
	code, _, _ = cli(t, "verify", "-db", dbPath, "-public", pub, "-checkpoint", cp2, "-chain-keyring", chainPath)
	assert.Equal(t, exitError, code, "-chain-keyring without -kek-uri")

	// The database's owner edits the first event and recomputes the chain
	// with the old unkeyed hash.
	events, err := l.History(ctx, id)
	require.NoError(t, err)
	events[0].Detail = "changed"
	var prev *consent.Event
	for i := range events {
		consent.Seal(&events[i], prev)
		prev = &events[i]
	}
	_, err = db.ExecContext(ctx, `DROP TRIGGER consent_events_no_update`)
	require.NoError(t, err)
	for _, e := range events {
		_, err = db.ExecContext(ctx, `UPDATE consent_events SET detail = ?, prev_hash = ?, hash = ?, hash_scheme = ?, hash_key = ? WHERE subject = ? AND seq = ?`,
			e.Detail, e.PrevHash, e.Hash, int(e.HashScheme), int64(e.HashKey), id, e.Seq)
		require.NoError(t, err)
	}
	code, stdout, stderr = cli(t, append([]string{"verify", "-db", dbPath, "-public", pub, "-checkpoint", cp1, "-checkpoint", cp2}, keyed...)...)
	assert.Equal(t, exitChanged, code, stderr)
	assert.Contains(t, stdout, "CHANGED subject "+id+" event 1: edited")
	assert.Contains(t, stdout, "unkeyed event")

	// Nobody signs a checkpoint over the downgraded chain: checkpoint with
	// the chain keyring verifies first and writes nothing.
	cp3 := filepath.Join(dir, "checkpoint-3.json")
	code, stdout, stderr = cli(t, "checkpoint", "-db", dbPath, "-kek-uri", uri, "-private", priv, "-prev", cp2, "-chain-keyring", chainPath, "-out", cp3)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "refusing to sign")
	assert.Contains(t, stdout, "BROKEN subject "+id+" event 1")
	assert.NoFileExists(t, cp3)
}
