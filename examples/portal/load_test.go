package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact/piitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// EnvLoad turns the load test on: PORTAL_LOAD=1 go test -run TestLoad ./examples/portal
// (PORTAL_LOAD_REQUESTS and PORTAL_LOAD_WORKERS change its size,
// PORTAL_LOAD_PG_CONNS the PostgreSQL pool's).
const EnvLoad = "PORTAL_LOAD"

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestLoad drives the portal over loopback HTTP with 20,000 requests from 50
// goroutines against log-in, subscribe and one-click unsubscribe, then checks
// that every request succeeded, that the consent ledger holds exactly one
// event per subscribe and unsubscribe (none lost) with every hash chain
// intact, and that the logs hold no personal data. It reports requests per
// second; it asserts no speed.
func TestLoad(t *testing.T) {
	if testing.Short() || os.Getenv(EnvLoad) != "1" {
		t.Skipf("load test: set %s=1 (and do not pass -short) to run it", EnvLoad)
	}
	t.Run("sqlite", func(t *testing.T) { loadTest(t, "") })
	t.Run("postgres", func(t *testing.T) {
		_, dsn := testdb.PostgresDSN(t)
		loadTest(t, dsn)
	})
}

func loadTest(t *testing.T, dsn string) {
	total, workers := envInt("PORTAL_LOAD_REQUESTS", 20000), envInt("PORTAL_LOAD_WORKERS", 50)
	rec := piitest.NewRecorder()
	tp := newTestPortal(t, portalOpts{postgres: dsn, pgConns: envInt("PORTAL_LOAD_PG_CONNS", 0), logs: rec})
	ctx := context.Background()
	cs := piitest.New(t)

	// One account and one subscriber address per worker.
	type worker struct {
		email, password, subject, token string
	}
	ws := make([]worker, workers)
	var planted []piitest.Canary
	for i := range ws {
		email := fmt.Sprintf("load-%03d@example.com", i)
		pw := fmt.Sprintf("load password %03d", i)
		acct, err := tp.app.createAccount(ctx, accountData{
			Name: pii.New(pii.Name, fmt.Sprintf("Load Tester %03d", i)), Email: pii.New(pii.Email, email),
			Address: pii.New(pii.PostalAddress, "1 Example Street"), Phone: pii.New(pii.Phone, "617-555-0100"),
			Number: pii.New(pii.AccountNumber, fmt.Sprintf("5500%04d", i)),
		}, pw)
		require.NoError(t, err)
		require.NoError(t, tp.app.markVerified(ctx, acct.ID))
		subject, err := tp.app.ledger.Enroll(ctx, pii.New(pii.Email, email))
		require.NoError(t, err)
		token, err := tp.app.ledger.UnsubscribeToken(subject, topics[0].ID, consent.Email)
		require.NoError(t, err)
		ws[i] = worker{email, pw, subject, token}
		planted = append(planted, cs.Custom(pii.Email, email))
	}

	tr := &http.Transport{MaxIdleConns: workers, MaxIdleConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) (int, error) {
		resp, err := client.PostForm(tp.srv.URL+path, form)
		if err != nil {
			return 0, err
		}
		// Drain the body so that the keep-alive connection is reused, as a
		// browser's would be.
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, err
	}

	var (
		errs         atomic.Int64
		subs, unsubs = make([]int, workers), make([]int, workers)
		limited      = make([]int, workers) // subscribes refused by the ledger's mail limit
		withdrawable = make([]int, workers) // unsubscribes that follow an accepted subscribe
		logins       atomic.Int64
		wg           sync.WaitGroup
		firstErr     sync.Once
		firstErrText string
		perWorker    = total / workers
	)
	fail := func(s string) {
		errs.Add(1)
		firstErr.Do(func() { firstErrText = s })
	}
	loadBefore := loadavg()
	start := time.Now()
	for i := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := ws[i]
			pending := false // the worker's subscription awaits confirmation
			for n := range perWorker {
				var (
					code int
					err  error
					want = http.StatusOK
				)
				switch n % 3 {
				case 0:
					code, err = post("/login", url.Values{"email": {w.email}, "password": {w.password}})
					want = http.StatusSeeOther
					logins.Add(1)
				case 1:
					code, err = post("/subscriptions", url.Values{"email": {w.email}, "topic": {topics[0].ID}})
					subs[i]++
				case 2:
					code, err = post("/unsubscribe?token="+url.QueryEscape(w.token), url.Values{"List-Unsubscribe": {"One-Click"}})
					unsubs[i]++
				}
				if n%3 == 1 && code == http.StatusTooManyRequests {
					limited[i]++ // the ledger's limit on confirmation e-mails per address
					pending = false
					continue
				}
				switch n % 3 {
				case 1:
					pending = code == http.StatusOK
				case 2:
					if pending { // an unsubscribe withdraws only a pending or given consent
						withdrawable[i]++
					}
					pending = false
				}
				if err != nil {
					fail(err.Error())
				} else if code != want {
					fail(fmt.Sprintf("op %d: status %d", n%3, code))
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	done := perWorker * workers
	rps := float64(done) / elapsed.Seconds()
	db := "sqlite"
	if dsn != "" {
		db = "postgres"
	}
	t.Logf("loadavg before %s, after %s", loadBefore, loadavg())
	t.Logf("load %s: %d requests (%d log-ins, subscribes, one-click unsubscribes) from %d goroutines in %v: %.0f requests/s, %d errors",
		db, done, logins.Load(), workers, elapsed.Round(time.Millisecond), rps, errs.Load())
	// The pool's counters show whether connections were reused: under the
	// database/sql defaults MaxIdleClosed counts a closed (and later
	// reopened) connection for most queries.
	st := tp.app.db.Stats()
	t.Logf("load %s: write pool: max %d open, %d waits for a connection (%v in all), %d closed by the idle limit, %d by the idle time",
		db, st.MaxOpenConnections, st.WaitCount, st.WaitDuration.Round(time.Millisecond), st.MaxIdleClosed, st.MaxIdleTimeClosed)
	if errs.Load() > 0 {
		t.Logf("portal errors: %s", grepLines(tp.logs.String(), `"level":"ERROR"`, 3))
	}
	require.Zero(t, errs.Load(), "first error: %s", firstErrText)

	// No lost consent events: each subscribe appended Requested (unless the
	// ledger's mail limit refused it, and then nothing), each unsubscribe
	// (always after a subscribe in the same goroutine) Withdrawn.
	for i, w := range ws {
		h, err := tp.app.ledger.History(ctx, w.subject)
		require.NoError(t, err)
		var req, wd int
		for _, e := range h {
			switch e.Type {
			case consent.Requested:
				req++
			case consent.Withdrawn:
				wd++
			}
		}
		assert.Equal(t, subs[i]-limited[i], req, "worker %d: Requested events", i)
		assert.Equal(t, withdrawable[i], wd, "worker %d: Withdrawn events", i)
	}
	require.NoError(t, tp.app.ledger.VerifyAll(ctx), "hash chains intact")
	piitest.AssertNoPII(t, rec, planted...)
}

// loadavg returns the 1, 5 and 15 minute load averages from /proc/loadavg,
// or "unknown" where there is none.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// grepLines returns up to n lines of s containing sub.
func grepLines(s, sub string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
			if len(out) == n {
				break
			}
		}
	}
	return strings.Join(out, "\n")
}
