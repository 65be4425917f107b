// Command portal is a small city utility-customer portal that wires every
// package of github.com/civickit/privacy together: accounts with sealed
// contact data and a blind-indexed login, PII-free session cookies,
// an E-Line-style double opt-in subscription ledger with one-click
// unsubscribe, bill payment that never keeps a card number, "my data" access
// and erasure requests, a staff public-records export with a redaction log,
// a cookie banner that honours Global Privacy Control, a redacting logger and
// a retention sweeper.
//
// Run it with
//
//	go run ./examples/portal
//
// It listens on http://127.0.0.1:8080, keeps its SQLite database, generated
// development keys and e-mail outbox in ./portal-data, and prints a warning
// that the keys are for development only. With -postgres DSN it uses
// PostgreSQL instead of SQLite.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}
