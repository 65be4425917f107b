package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/civickit/privacy/pii"
)

// Staff rights are granted out of band, by whoever runs the portal on its
// server, never by what someone types into a web form:
//
//	go run ./examples/portal staff add clerk@example.com
//	go run ./examples/portal staff remove clerk@example.com
//
// The address must belong to an existing account. Every staff page reads
// the account's staff flag from the database on each request, so removing
// it takes effect on the next click.

// runStaff is the "staff" subcommand.
func runStaff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprintln(stderr, "usage: portal staff add|remove [-data DIR | -postgres DSN] EMAIL")
	}
	if len(args) == 0 || (args[0] != "add" && args[0] != "remove") {
		usage()
		return errors.New("staff: want add or remove")
	}
	grant := args[0] == "add"
	cfg := defaultConfig()
	fs := flag.NewFlagSet("portal staff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory of the portal (SQLite database and keys)")
	fs.StringVar(&cfg.Postgres, "postgres", "", "PostgreSQL DSN, if the portal runs on PostgreSQL")
	fs.StringVar(&cfg.KEKURI, "kek-uri", "", "the portal's -kek-uri, if it runs on a KMS key")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || !strings.Contains(fs.Arg(0), "@") {
		usage()
		return errors.New("staff: want one e-mail address")
	}
	cfg.SweepEvery = 0
	cfg.quietBanner = true
	cfg.logOutput = io.Discard
	cfg.BaseURL = "http://localhost"
	if err := requireKeys(cfg.DataDir, cfg.KEKURI); err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, io.Discard)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.setStaff(ctx, pii.New(pii.Email, normEmail(fs.Arg(0))), grant); err != nil {
		return err
	}
	if grant {
		fmt.Fprintln(stdout, "portal: the account now has staff rights")
	} else {
		fmt.Fprintln(stdout, "portal: the account no longer has staff rights")
	}
	return nil
}

// errNoAccount is returned by setStaff for an address without an account.
var errNoAccount = errors.New("staff: no account has this e-mail address; the person signs up first")

// setStaff grants or removes staff rights on the account of an address.
func (a *app) setStaff(ctx context.Context, email pii.String, staff bool) error {
	idx, err := a.emailIndex(email)
	if err != nil {
		return err
	}
	acct, _, err := a.findByEmailTx(ctx, a.db, email, idx)
	if errors.Is(err, errNoSuchRecord) {
		return errNoAccount
	}
	if err != nil {
		return err
	}
	v := 0
	if staff {
		v = 1
	}
	return a.execTx(ctx, `UPDATE portal_accounts SET staff = ? WHERE id = ?`, v, acct.ID)
}

// requireKeys fails when the data directory has no keyrings (or, without a
// KEK URI, no development master key): the staff command acts on an
// existing portal and must not create keys.
func requireKeys(dir, kekURI string) error {
	need := []string{"fields.json"}
	if kekURI == "" {
		need = append(need, "master.key")
	}
	for _, n := range need {
		if _, err := os.Stat(filepath.Join(dir, "keys", n)); err != nil {
			return fmt.Errorf("staff: no portal keys in %s (run the portal first, or pass -data)", dir)
		}
	}
	return nil
}
