package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/civickit/privacy/internal/kekuri"
)

// config is what the flags set.
type config struct {
	Addr       string        // listen address
	DataDir    string        // SQLite file, development keys, outbox
	Postgres   string        // PostgreSQL DSN; empty means SQLite
	PGConns    int           // PostgreSQL pool size; 0 means pgConns()
	BaseURL    string        // public URL for links in e-mails; default from Addr
	SweepEvery time.Duration // retention sweeper interval; 0 disables it
	// DevKeysInProduction lets production mode (an https base URL) run on
	// the development master key file, which it refuses otherwise.
	DevKeysInProduction bool
	// KEKURI is the key-encryption key that wraps the keyrings (a KMS
	// key URI); empty means the development master key file.
	KEKURI string
	// CreateKeys lets the first start with a KEKURI create the keyrings.
	CreateKeys bool
	// CreateChainKey lets a start with a KEKURI create the chain keyring
	// alone: the first start after upgrading a portal whose keyrings
	// predate it.
	CreateChainKey bool
	// ChainKeyedSince is consent.ChainKeyOptions.KeyedSince: when the
	// consent ledger moved to the keyed chain, for a portal that recorded
	// unkeyed events before; zero means every event must be keyed.
	ChainKeyedSince time.Time

	// Fields below have no flags; tests set them.

	argon       argonParams // password hashing cost
	logOutput   io.Writer   // where the redacting logger writes; default stderr
	secure      bool        // production mode (__Host- Secure cookies, consent's https-only unsubscribe links) even when listening on http behind a TLS proxy; BaseURL must be https
	quietBanner bool        // do not print the development-key warning (tests)
}

func defaultConfig() config {
	return config{
		Addr:       "127.0.0.1:8080",
		DataDir:    "portal-data",
		SweepEvery: 10 * time.Minute,
		argon:      defaultArgon,
	}
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address")
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory: SQLite database, development keys, e-mail outbox")
	fs.StringVar(&cfg.Postgres, "postgres", "", "PostgreSQL DSN (postgres://...); default is SQLite in the data directory")
	fs.IntVar(&cfg.PGConns, "pg-conns", 0, "size of the PostgreSQL connection pool; idle connections are kept for 5 minutes (default 4 per core: 4*GOMAXPROCS, at least 4)")
	fs.StringVar(&cfg.BaseURL, "base-url", "", "public base URL for links in e-mails (default http://ADDR); an https URL turns on __Host- Secure cookies")
	fs.DurationVar(&cfg.SweepEvery, "sweep-every", cfg.SweepEvery, "how often the retention sweeper runs (0 disables it)")
	fs.StringVar(&cfg.KEKURI, "kek-uri", "", kekuri.Usage+"; default: the development master key in DATA/keys/master.key")
	fs.BoolVar(&cfg.CreateKeys, "create-keys", false, "with -kek-uri: create the keyrings (first start only; a restart never needs it)")
	fs.BoolVar(&cfg.CreateChainKey, "create-chain-key", false, "with -kek-uri: create the consent ledger's chain keyring (the first start after upgrading a portal whose keyrings predate it)")
	fs.Func("chain-keyed-since", "when the consent ledger moved to the keyed hash chain (RFC 3339), for a portal that recorded events before it had a chain keyring; default: every event must be keyed", func(v string) error {
		t, err := time.Parse(time.RFC3339Nano, v)
		cfg.ChainKeyedSince = t
		return err
	})
	fs.BoolVar(&cfg.DevKeysInProduction, "dev-keys-in-production", false, "run in production mode (an https -base-url) on the development master key file, which anyone who can read it can use to open every sealed value; refused without this flag")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.PGConns < 0 {
		return cfg, fmt.Errorf("-pg-conns must not be negative")
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return cfg, nil
}

// run is the whole program: main calls it with os.Args[1:], tests with a
// listen address of 127.0.0.1:0. It returns when ctx is done (after a
// graceful shutdown) or on a startup error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "staff" {
		return runStaff(ctx, args[1:], stdout, stderr)
	}
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if cfg.logOutput == nil {
		cfg.logOutput = stderr
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")

	a, err := newApp(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	defer a.Close()

	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	go a.reloadOnHangup(ctx)
	sweepDone := make(chan struct{})
	go func() { defer close(sweepDone); a.runSweeper(ctx, cfg.SweepEvery) }()

	fmt.Fprintf(stdout, "portal: listening on %s/\n", cfg.BaseURL)
	if !a.secure {
		fmt.Fprintln(stdout, "portal: development mode: plain HTTP, so the session cookie is sent without Secure and without the __Host- prefix\n"+
			"        (cookies.Options.InsecureDevelopment). In production serve over TLS and pass -base-url https://...")
	}
	if a.secure {
		fmt.Fprintf(stdout, "portal: production mode: e-mail goes to the outbox folder %s (connect a mail transport); there is no /outbox page\n", filepath.Join(cfg.DataDir, "outbox"))
	} else {
		fmt.Fprintf(stdout, "portal: e-mail goes to the outbox folder %s (staff can read it at %s/outbox)\n", filepath.Join(cfg.DataDir, "outbox"), cfg.BaseURL)
	}
	a.log.Info("portal started", "url", cfg.BaseURL, "database", a.dialectName(), "secure_cookies", a.secure)

	select {
	case err := <-serveErr:
		<-sweepDone
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("portal shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	<-sweepDone
	fmt.Fprintln(stdout, "portal: stopped")
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
