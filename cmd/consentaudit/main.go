// Command consentaudit lets a city's auditor check the consent ledger
// against checkpoints the city filed: it takes signed checkpoints of every
// subject's chain head, and reports every event changed, deleted or
// rewritten since one was taken.
//
// Usage:
//
//	consentaudit keygen -kek-uri URI -private FILE -public FILE
//	consentaudit checkpoint -db DSN -kek-uri URI -private FILE [-prev FILE] [-chain-keyring FILE [-keyed-since TIME]] -out FILE
//	consentaudit verify -db DSN -public FILE -checkpoint FILE [-checkpoint FILE...]
//	    [-chain-keyring FILE -kek-uri URI [-keyed-since TIME]] [-json]
//
// keygen makes an Ed25519 signing key: the private keyset is wrapped by the
// key-encryption key (a KMS key URI: aws-kms://, gcp-kms://, hcvault://, or
// dev-master-key://PATH for trying it out); the public keyset is plain and
// is what an auditor needs. Keep the private keyset away from the database
// server, and file each checkpoint where the database's owner cannot change
// it (a records archive, an append-only bucket, a published page).
//
// checkpoint with -chain-keyring (unwrapped with the same -kek-uri)
// verifies every chain with the chain key first, and refuses to sign a
// ledger with a broken chain.
//
// verify takes every checkpoint the city filed, oldest first (the flag
// repeated): they must chain (consent.VerifyCheckpoints), so that an old
// checkpoint presented as the latest is refused, and the audit runs
// against the last. A ledger that keys its hash chain (consent.ChainKey)
// is audited with the chain keyring: -chain-keyring is the application's
// wrapped keyring file (for example the portal's DATA/keys/chain.json),
// unwrapped with -kek-uri, the same key-encryption key the application
// uses; -keyed-since (RFC 3339) is the application's
// ChainKeyOptions.KeyedSince, for a ledger that was unkeyed before. The
// auditor who holds the chain keyring can also compute the chain, so
// keep it with the auditor and the application only.
//
// -db is a PostgreSQL URL (postgres://...), a MySQL DSN (user@tcp(host)/db)
// or a SQLite file; verify opens SQLite read-only and changes nothing in
// any database. The exit status of verify is 0 when nothing changed, 1
// when something did (each change is listed), and 2 on any error,
// including a checkpoint whose signature does not verify.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/signature"
	_ "modernc.org/sqlite"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/internal/atomicfile"
	"github.com/civickit/privacy/internal/kekuri"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

const (
	exitOK      = 0
	exitChanged = 1
	exitError   = 2
)

// signingKeyAD binds the wrapped private keyset to its use.
var signingKeyAD = []byte("civickit/consent/checkpoint-signing-key/v1")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	usage := func() {
		fmt.Fprintln(stderr, "usage: consentaudit keygen|checkpoint|verify [flags]; consentaudit CMD -h for the flags")
	}
	if len(args) == 0 {
		usage()
		return exitError
	}
	var err error
	code := exitOK
	switch args[0] {
	case "keygen":
		err = keygen(ctx, args[1:], stdout, stderr)
	case "checkpoint":
		err = checkpoint(ctx, args[1:], stdout, stderr)
	case "verify":
		code, err = verify(ctx, args[1:], stdout, stderr)
	default:
		usage()
		return exitError
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "consentaudit:", err)
		return exitError
	}
	return code
}

func flags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("consentaudit "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func keygen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("keygen", stderr)
	kekURI := fs.String("kek-uri", "", kekuri.Usage)
	private := fs.String("private", "", "where to write the wrapped private signing keyset")
	public := fs.String("public", "", "where to write the public keyset, for auditors")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *kekURI == "" || *private == "" || *public == "" {
		return errors.New("keygen needs -kek-uri, -private and -public")
	}
	kek, err := kekuri.Open(ctx, *kekURI)
	if err != nil {
		return err
	}
	h, err := keyset.NewHandle(signature.ED25519KeyTemplate())
	if err != nil {
		return err
	}
	var priv, pub bytes.Buffer
	if err := h.WriteWithContext(ctx, keyset.NewJSONWriter(&priv), kek, signingKeyAD); err != nil {
		return fmt.Errorf("wrap the private keyset: %w", err)
	}
	ph, err := h.Public()
	if err != nil {
		return err
	}
	if err := ph.WriteWithNoSecrets(keyset.NewJSONWriter(&pub)); err != nil {
		return err
	}
	if err := atomicfile.Create(*private, priv.Bytes(), 0o600); err != nil {
		return err
	}
	if err := atomicfile.Create(*public, pub.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "consentaudit: wrote the private keyset %s (wrapped) and the public keyset %s\n", *private, *public)
	return nil
}

func checkpoint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flags("checkpoint", stderr)
	dsn := fs.String("db", "", "the consent database: postgres://..., user@tcp(host)/db, or a SQLite file")
	kekURI := fs.String("kek-uri", "", kekuri.Usage)
	private := fs.String("private", "", "the wrapped private signing keyset (keygen -private)")
	prevPath := fs.String("prev", "", "the previous checkpoint, if any: checkpoints chain")
	out := fs.String("out", "", "where to write the checkpoint (never overwritten)")
	chainKeyring := fs.String("chain-keyring", "", "the wrapped chain keyring of a keyed ledger (unwrapped with -kek-uri): every chain is verified before the checkpoint is signed")
	keyedSince := fs.String("keyed-since", "", "with -chain-keyring: when the ledger moved to the keyed chain (RFC 3339), if it was unkeyed before")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" || *kekURI == "" || *private == "" || *out == "" {
		return errors.New("checkpoint needs -db, -kek-uri, -private and -out")
	}
	if *keyedSince != "" && *chainKeyring == "" {
		return errors.New("-keyed-since needs -chain-keyring")
	}
	kek, err := kekuri.Open(ctx, *kekURI)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(*private)
	if err != nil {
		return err
	}
	h, err := keyset.ReadWithContext(ctx, keyset.NewJSONReader(bytes.NewReader(raw)), kek, signingKeyAD)
	if err != nil {
		return fmt.Errorf("the private keyset does not unwrap with this key: %w", err)
	}
	signer, err := signature.NewSigner(h)
	if err != nil {
		return err
	}
	var prev *consent.Checkpoint
	if *prevPath != "" {
		if prev, err = readCheckpoint(*prevPath); err != nil {
			return err
		}
		pub, err := h.Public()
		if err != nil {
			return err
		}
		v, err := signature.NewVerifier(pub)
		if err != nil {
			return err
		}
		if err := consent.VerifyCheckpoint(prev, v); err != nil {
			return fmt.Errorf("-prev: %w", err)
		}
	}
	var key *consent.ChainKey
	if *chainKeyring != "" {
		if key, err = loadChainKey(ctx, *chainKeyring, *kekURI, *keyedSince); err != nil {
			return err
		}
	}
	store, closeDB, err := openStore(*dsn, false, key)
	if err != nil {
		return err
	}
	defer closeDB()
	cp, err := consent.TakeCheckpoint(ctx, store, signer, prev, time.Now())
	if err != nil {
		return err
	}
	if key != nil {
		// Sign only chains that verify: a checkpoint vouches for what it
		// covers.
		pub, err := h.Public()
		if err != nil {
			return err
		}
		v, err := signature.NewVerifier(pub)
		if err != nil {
			return err
		}
		r, err := consent.Audit(ctx, store, cp, v)
		if err != nil {
			return err
		}
		if !r.OK() {
			for _, c := range r.Changes {
				fmt.Fprintf(stdout, "BROKEN subject %s event %d: %s\n", c.Subject, c.Seq, c.Detail)
			}
			return fmt.Errorf("refusing to sign a checkpoint over %d broken chains", len(r.Changes))
		}
	}
	b, err := consent.MarshalCheckpoint(cp)
	if err != nil {
		return err
	}
	if err := atomicfile.Create(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "consentaudit: checkpoint %d: %d subjects, %d events, root %x, written to %s\n", cp.Number, len(cp.Heads), cp.Events, cp.Root, *out)
	return nil
}

func verify(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flags("verify", stderr)
	dsn := fs.String("db", "", "the consent database: postgres://..., user@tcp(host)/db, or a SQLite file (opened read-only)")
	public := fs.String("public", "", "the public keyset of the checkpoint key")
	var cpPaths []string
	fs.Func("checkpoint", "a checkpoint the city filed; repeat for every one, oldest first: they must chain, and the audit runs against the last", func(v string) error {
		cpPaths = append(cpPaths, v)
		return nil
	})
	chainKeyring := fs.String("chain-keyring", "", "the wrapped chain keyring of a keyed ledger (for example DATA/keys/chain.json); needs -kek-uri")
	kekURI := fs.String("kek-uri", "", "with -chain-keyring: "+kekuri.Usage)
	keyedSince := fs.String("keyed-since", "", "with -chain-keyring: when the ledger moved to the keyed chain (RFC 3339), if it was unkeyed before")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return exitError, err
	}
	if *dsn == "" || *public == "" || len(cpPaths) == 0 {
		return exitError, errors.New("verify needs -db, -public and -checkpoint")
	}
	if (*chainKeyring == "") != (*kekURI == "") || (*keyedSince != "" && *chainKeyring == "") {
		return exitError, errors.New("-chain-keyring needs -kek-uri, and -kek-uri and -keyed-since need -chain-keyring")
	}
	raw, err := os.ReadFile(*public)
	if err != nil {
		return exitError, err
	}
	ph, err := keyset.ReadWithNoSecrets(keyset.NewJSONReader(bytes.NewReader(raw)))
	if err != nil {
		return exitError, fmt.Errorf("-public is not a public keyset: %w", err)
	}
	v, err := signature.NewVerifier(ph)
	if err != nil {
		return exitError, fmt.Errorf("-public is not a signature keyset: %w", err)
	}
	filed := make([]*consent.Checkpoint, len(cpPaths))
	for i, p := range cpPaths {
		if filed[i], err = readCheckpoint(p); err != nil {
			return exitError, fmt.Errorf("-checkpoint %s: %w", p, err)
		}
	}
	cp, err := consent.VerifyCheckpoints(filed, v)
	if err != nil {
		return exitError, err
	}
	var key *consent.ChainKey
	if *chainKeyring != "" {
		if key, err = loadChainKey(ctx, *chainKeyring, *kekURI, *keyedSince); err != nil {
			return exitError, err
		}
	}
	store, closeDB, err := openStore(*dsn, true, key)
	if err != nil {
		return exitError, err
	}
	defer closeDB()
	r, err := consent.Audit(ctx, store, cp, v)
	if errors.Is(err, consent.ErrChainKeyNeeded) {
		return exitError, fmt.Errorf("%w: pass -chain-keyring and -kek-uri", err)
	}
	if err != nil {
		return exitError, err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return exitError, err
		}
	} else {
		fmt.Fprintf(stdout, "checkpoint %d (%s): %d subjects, %d events; %d subjects created since\n",
			r.Checkpoint, cp.CreatedAt.Format(time.RFC3339), r.Subjects, r.Events, r.NewSubjects)
		for _, c := range r.Changes {
			fmt.Fprintf(stdout, "CHANGED subject %s event %d: %s: %s\n", c.Subject, c.Seq, c.Kind, c.Detail)
		}
		if r.OK() {
			fmt.Fprintln(stdout, "OK: every event the checkpoint covers is unchanged, and every chain verifies")
		}
	}
	if !r.OK() {
		return exitChanged, nil
	}
	return exitOK, nil
}

// loadChainKey reads the wrapped chain keyring at path, unwrapping it with
// the key-encryption key uri names.
func loadChainKey(ctx context.Context, path, uri, since string) (*consent.ChainKey, error) {
	var opts consent.ChainKeyOptions
	if since != "" {
		t, err := time.Parse(time.RFC3339Nano, since)
		if err != nil {
			return nil, fmt.Errorf("-keyed-since: %w", err)
		}
		opts.KeyedSince = t
	}
	kek, err := kekuri.Open(ctx, uri)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	kr, err := pii.ReadKeyringContext(ctx, f, pii.Indexing, kek)
	if err != nil {
		return nil, fmt.Errorf("-chain-keyring: %w", err)
	}
	return consent.NewChainKey(kr, &opts)
}

func readCheckpoint(path string) (*consent.Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return consent.UnmarshalCheckpoint(b)
}

// openStore opens the consent store on dsn, verifying with key (nil:
// unkeyed); readOnly opens a SQLite file read-only. It never migrates: the
// tool changes no schema.
func openStore(dsn string, readOnly bool, key *consent.ChainKey) (consent.Store, func(), error) {
	driver := "sqlite"
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		driver = "pgx"
	case strings.Contains(dsn, "@tcp("), strings.Contains(dsn, "@unix("):
		driver = "mysql"
	default:
		if _, err := os.Stat(dsn); err != nil {
			return nil, nil, fmt.Errorf("-db: %w", err)
		}
		abs, err := filepath.Abs(dsn)
		if err != nil {
			return nil, nil, err
		}
		dsn = "file:" + filepath.ToSlash(abs) + "?_pragma=busy_timeout(10000)"
		if readOnly {
			dsn += "&mode=ro"
		}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, nil, err
	}
	s, err := sqlstore.New(db, sqldialect.Auto, &sqlstore.Options{ChainKey: key})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return s, func() { db.Close() }, nil
}
