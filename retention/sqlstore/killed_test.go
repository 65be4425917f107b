package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/civickit/privacy/pii/sqldialect"
	"github.com/civickit/privacy/retention"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Environment of the helper process (see TestHelperSweepProcess).
const (
	envHelperDriver = "RETENTION_SWEEP_HELPER_DRIVER" // "sqlite", "pgx" or "mysql"
	envHelperDSN    = "RETENTION_SWEEP_HELPER_DSN"
	envHelperNow    = "RETENTION_SWEEP_HELPER_NOW" // Unix seconds
)

// killedBatch is the batch size of the killed sweeps: small, so that a
// random moment usually falls inside a batch transaction.
const killedBatch = 10

// TestHelperSweepProcess is not a test: it is the child process of
// TestKilledSweepProcess, which runs this test binary again with the
// environment naming a database to sweep, and kills it.
func TestHelperSweepProcess(t *testing.T) {
	driver := os.Getenv(envHelperDriver)
	if driver == "" {
		t.Skip("helper process for TestKilledSweepProcess")
	}
	sec, err := strconv.ParseInt(os.Getenv(envHelperNow), 10, 64)
	require.NoError(t, err)
	now := time.Unix(sec, 0).UTC()
	db, err := sql.Open(driver, os.Getenv(envHelperDSN))
	require.NoError(t, err)
	defer db.Close()
	st, err := New(db, nil)
	require.NoError(t, err)
	w, err := NewSweeper(st, citySchedule(t), []Source{recordsSource()}, &SweeperOptions{BatchSize: killedBatch, Shredder: &fakeShredder{}, Now: func() time.Time { return now }})
	require.NoError(t, err)
	_, err = w.Sweep(context.Background())
	require.NoError(t, err)
}

// TestKilledSweepProcess sweeps in a child process and kills it with
// SIGKILL at random moments (fixed seed), several times, while batches
// are in flight; then lets a child sweep to completion. After every kill
// and at the end: no held record and no record before its due date is
// disposed of, and the disposition log counts exactly what is gone, per
// action (no entry lost with a committed batch, none written for a batch
// that was rolled back, none twice). At the end every due record is gone.
func TestKilledSweepProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	eachDB(t, func(t *testing.T, f *fixture) {
		r := rand.New(rand.NewPCG(11, 13))
		n, rounds := 1500, 8
		if raceEnabled { // the race detector slows the children 5-10x
			n, rounds = 400, 6
		}
		recs := randomRecords(r, n)
		holds := randomHolds(r, n)
		setup(t, f, recs, holds)
		sched := citySchedule(t)
		now := day(3000)
		want := expected(sched, recs, holds, now)
		require.Greater(t, len(want), n/4, "many due records: many batches dispose")

		driver := map[sqldialect.Dialect]string{sqldialect.SQLite: "sqlite", sqldialect.Postgres: "pgx", sqldialect.MySQL: "mysql"}[f.dialect]
		child := func() *exec.Cmd {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSweepProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), envHelperDriver+"="+driver, envHelperDSN+"="+f.dsn, envHelperNow+"="+strconv.FormatInt(now.Unix(), 10))
			return cmd
		}

		midSweep := 0
		for round := range rounds {
			before := cursorKey(t, f.db)
			cmd := child()
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			require.NoError(t, cmd.Start())
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			// Kill after the child has committed at least one batch of
			// this round (so it is mid-sweep, batches in flight), plus a
			// random delay of 0-20 ms.
			delay := time.Duration(r.IntN(20_000)) * time.Microsecond
			var err error
			finished := false
		wait:
			for {
				select {
				case err = <-exited:
					finished = true
					break wait
				case <-time.After(2 * time.Millisecond):
					if k := cursorKey(t, f.db); k != "" && k != before {
						time.Sleep(delay)
						if serr := cmd.Process.Signal(syscall.SIGKILL); serr != nil {
							// The child finished its sweep during the delay.
							require.ErrorIs(t, serr, os.ErrProcessDone)
							finished = true
						}
						err = <-exited
						break wait
					}
				}
			}
			var ee *exec.ExitError
			if finished && err == nil {
				t.Logf("round %d: the child finished before the kill", round)
			} else {
				require.ErrorAs(t, err, &ee, "child: %s", out.String())
				ws, ok := ee.Sys().(syscall.WaitStatus)
				require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL, "the child was killed, not failed: %v\n%s", err, out.String())
				midSweep++
			}
			gone := checkKilled(t, f.db, recs, want, holds, now, false)
			t.Logf("round %d: killed %v after the cursor left %q, at %q; %d of %d due records gone", round, delay, before, cursorKey(t, f.db), gone, len(want))
		}
		// On a fast machine a late round's child can finish the little
		// that is left before the kill lands; most kills must be mid-sweep.
		assert.GreaterOrEqual(t, midSweep, (rounds+1)/2, "the children were killed mid-sweep")

		// A last child sweeps to completion.
		out, err := child().CombinedOutput()
		require.NoError(t, err, "the last sweep completes: %s", out)
		checkKilled(t, f.db, recs, want, holds, now, true)
		checkOutcome(t, f.db, recs, want, holds, now)
	})
}

// cursorKey returns the records source's cursor position ("" before the
// first batch of a pass).
func cursorKey(t testing.TB, db *sql.DB) string {
	var key sql.NullString
	var pass int64
	err := db.QueryRow(`SELECT last_key, pass FROM retention_sweep_cursor WHERE source = 'records'`).Scan(&key, &pass)
	if errors.Is(err, sql.ErrNoRows) {
		return ""
	}
	require.NoError(t, err)
	if !key.Valid {
		return ""
	}
	return strconv.FormatInt(pass, 10) + "/" + key.String
}

// checkKilled checks the state a killed sweep left: nothing held or not
// yet due disposed of, and the log's counts per action equal exactly what
// is gone. complete also requires every due record to be gone. It
// returns how many records are gone.
func checkKilled(t *testing.T, db *sql.DB, recs []retention.Record, want map[string]retention.Action, holds []retention.Hold, now time.Time, complete bool) (gone int64) {
	t.Helper()
	// One snapshot for the records and the log: on PostgreSQL the killed
	// child's last COMMIT may still land after the kill.
	tx, err := db.BeginTx(context.Background(), &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	require.NoError(t, err)
	defer tx.Rollback()
	left := remaining(t, tx)
	idx := retention.IndexHolds(holds)
	var deleted, anonymised int64
	for _, rec := range recs {
		anon, present := left[rec.ID]
		act, isDue := want[rec.ID]
		if len(idx.Covering(rec, now)) > 0 {
			require.True(t, present && !anon, "held record %s was disposed of", rec.ID)
		}
		if !isDue {
			require.True(t, present && !anon, "record %s disposed of before it was due", rec.ID)
		}
		switch {
		case !present:
			require.NotEqual(t, retention.ActionAnonymize, act, "record %s deleted, not anonymised", rec.ID)
			deleted++
		case anon:
			require.Equal(t, retention.ActionAnonymize, act, "record %s anonymised, not %s", rec.ID, act)
			anonymised++
		case complete && isDue:
			require.Fail(t, "due record missed", "record %s due for %s", rec.ID, act)
		}
	}
	var logDeleted, logAnonymised int64
	rows, err := tx.Query(`SELECT action, SUM(count) FROM retention_disposition_log GROUP BY action`)
	require.NoError(t, err)
	for rows.Next() {
		var action string
		var count int64
		require.NoError(t, rows.Scan(&action, &count))
		if retention.Action(action) == retention.ActionAnonymize {
			logAnonymised += count
		} else {
			logDeleted += count
		}
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	require.Equal(t, deleted, logDeleted, "log counts exactly the deleted records")
	require.Equal(t, anonymised, logAnonymised, "log counts exactly the anonymised records")
	if complete {
		require.EqualValues(t, len(want), deleted+anonymised)
	}
	return deleted + anonymised
}
