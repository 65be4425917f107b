package main

import (
	"github.com/civickit/privacy/redact/records"
	"github.com/civickit/privacy/redact/records/review"

	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
)

// runReview is redact review: it serves the review of a request on
// 127.0.0.1 until interrupted. It prints the review's address (with its
// token) on stdout.
func runReview(args []string, stdout, stderr io.Writer) int {
	cfg := config{fields: fieldFlags{}}
	fl := flag.NewFlagSet("redact review", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: redact review -out DIR -key FILE -master-key FILE|-kek-uri URI [flags] FILE_OR_FOLDER...")
		fl.PrintDefaults()
	}
	defineFlags(fl, &cfg)
	var port int
	var open bool
	var reviewer string
	fl.StringVar(&cfg.decisionsPath, "decisions", "", "review decisions `file`, created or resumed (default OUT/review-decisions.json)")
	fl.IntVar(&port, "port", 0, "port on 127.0.0.1 (default: a random free port)")
	fl.BoolVar(&open, "open", false, "open the review in the default browser")
	fl.StringVar(&reviewer, "reviewer", "", "`name` of the reviewer, for the log (default: the user's login name)")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitClean
		}
		return exitError
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "redact review: "+format+"\n", a...)
		return exitError
	}
	if cfg.key == "" {
		return fail("-key (with -master-key or -kek-uri) is required: decisions are matched by keyed hashes, which must be the same in every run (create them once with redact -keygen -key FILE -master-key FILE)")
	}
	if cfg.decisionsPath == "" && cfg.out != "" {
		cfg.decisionsPath = filepath.Join(cfg.out, "review-decisions.json")
	}
	if reviewer == "" {
		reviewer = "reviewer"
		if u, err := user.Current(); err == nil && u.Username != "" {
			reviewer = u.Username
		}
	}
	rq, jobs, err := prepare(&cfg, fl.Args(), stderr)
	if err != nil {
		return fail("%v", err)
	}
	var dec *records.Decisions
	if _, err := os.Stat(cfg.decisionsPath); err == nil {
		if dec, err = rq.LoadDecisions(cfg.decisionsPath); err != nil {
			return fail("%v", err)
		}
	}
	srv, err := newReviewServer(rq, jobs, cfg, dec, reviewer, stderr)
	if err != nil {
		return fail("%v", err)
	}
	ln, err := srv.Listen(port)
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stdout, "redact review: %d documents; decisions are saved to %s\n", len(jobs), cfg.decisionsPath)
	fmt.Fprintf(stdout, "redact review: open %s (press Ctrl+C to stop)\n", srv.URL())
	if open {
		if err := openBrowser(srv.URL()); err != nil {
			fmt.Fprintln(stderr, "redact review: cannot open a browser; open the address above")
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Serve(ctx, ln); err != nil {
		return fail("%v", err)
	}
	return exitClean
}

// newReviewServer opens the review of the jobs; Apply writes the release
// as redact -decisions does.
func newReviewServer(rq *records.Request, jobs []job, cfg config, dec *records.Decisions, reviewer string, stderr io.Writer) (*review.Server, error) {
	docs := make([]review.Document, 0, len(jobs))
	for _, j := range jobs {
		d := review.Document{Name: j.name, Path: j.src}
		if j.skip != nil { // hidden and special files: listed, never read
			_, d.Withheld = records.StatusFor(j.skip)
		}
		docs = append(docs, d)
	}
	var mu sync.Mutex // one release at a time
	return review.New(review.Options{
		Request: rq, Documents: docs, Decisions: dec, DecisionsPath: cfg.decisionsPath,
		Reviewer: reviewer, Workers: cfg.workers,
		Apply: func(_ context.Context, d *records.Decisions) (records.LogSummary, error) {
			mu.Lock()
			defer mu.Unlock()
			c := cfg
			c.dec = d
			c.quiet = true
			var msgs bytes.Buffer
			sum, err := process(rq, jobs, c, nil, &msgs)
			// The messages name files and reasons, never values.
			_, _ = stderr.Write(msgs.Bytes())
			return sum, err
		},
	})
}

// openBrowser opens url in the default browser.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	case "darwin":
		cmd = exec.Command("open", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	return cmd.Start()
}
