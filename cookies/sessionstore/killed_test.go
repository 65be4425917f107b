package sessionstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/cookies/internal/storetest"
	"github.com/civickit/privacy/cookies/sessionstore"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii/sqldialect"
)

// Environment of the helper process (see TestHelperWriteProcess).
const (
	envHelperDialect = "SESSIONSTORE_HELPER_DIALECT" // "sqlite" or "postgres"
	envHelperDSN     = "SESSIONSTORE_HELPER_DSN"
)

// TestHelperWriteProcess is not a test: it is the child process of
// TestKilledWriteProcess, which runs this test binary again with the
// environment naming a database, and kills it while it writes.
func TestHelperWriteProcess(t *testing.T) {
	d := os.Getenv(envHelperDialect)
	if d == "" {
		t.Skip("helper process for TestKilledWriteProcess")
	}
	driver := map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[d]
	db, err := sql.Open(driver, os.Getenv(envHelperDSN))
	require.NoError(t, err)
	defer db.Close()
	st, err := sessionstore.New(db, sqldialect.Dialect(d), nil)
	require.NoError(t, err)
	require.NoError(t, storetest.WriteForever(context.Background(), st))
}

// TestKilledWriteProcess runs a child that commits, updates and deletes
// 64 KiB sessions as fast as it can, and kills it with SIGKILL at random
// moments (fixed seed), several times. After every kill every row is a
// whole value that some write made (its checksum holds), and its account
// column is the one written with it: no write is ever half applied.
func TestKilledWriteProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, d := range []sqldialect.Dialect{sqldialect.SQLite, sqldialect.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			var db *sql.DB
			var dsn string
			if d == sqldialect.Postgres {
				db, dsn = testdb.PostgresDSN(t)
			} else {
				dsn = testdb.SQLiteDSN(filepath.Join(t.TempDir(), "sessions.db"))
				var err error
				db, err = sql.Open("sqlite", dsn)
				require.NoError(t, err)
				t.Cleanup(func() { db.Close() })
			}
			st, err := sessionstore.New(db, d, nil)
			require.NoError(t, err)
			require.NoError(t, st.Migrate(context.Background()))

			r := rand.New(rand.NewPCG(15, 1))
			for round := range 5 {
				before := rowCount(t, db)
				cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriteProcess$", "-test.count=1")
				cmd.Env = append(os.Environ(), envHelperDialect+"="+string(d), envHelperDSN+"="+dsn)
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				require.NoError(t, cmd.Start())
				exited := make(chan error, 1)
				go func() { exited <- cmd.Wait() }()
				// Kill once the child is writing (the table changed), after
				// a random 5-80 ms more.
				for rowCount(t, db) == before && len(exited) == 0 {
					time.Sleep(time.Millisecond)
				}
				time.Sleep(5*time.Millisecond + time.Duration(r.IntN(75_000))*time.Microsecond)
				serr := cmd.Process.Signal(syscall.SIGKILL)
				err := <-exited
				// out is only read once the child is gone (Wait has copied its output).
				require.NoError(t, serr, "the child writes until killed: %s", out.String())
				var ee *exec.ExitError
				require.ErrorAs(t, err, &ee, "child: %s", out.String())
				ws, ok := ee.Sys().(syscall.WaitStatus)
				require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL, "the child was killed, not failed: %v\n%s", err, out.String())
				n := checkRows(t, db)
				t.Logf("round %d: %d whole sessions after the kill", round, n)
			}
		})
	}
}

func rowCount(t *testing.T, db *sql.DB) int {
	var n int
	// The sum of lengths changes with every write that lands.
	require.NoError(t, db.QueryRow(`SELECT COUNT(*) + COALESCE(SUM(LENGTH(data)), 0) % 1000003 FROM cookie_sessions`).Scan(&n))
	return n
}

// checkRows checks every row and returns how many there are.
func checkRows(t *testing.T, db *sql.DB) int {
	t.Helper()
	rows, err := db.Query(`SELECT token, account, data FROM cookie_sessions`)
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var token string
		var account sql.NullString
		var data []byte
		require.NoError(t, rows.Scan(&token, &account, &data))
		tok, acct, ok := storetest.CheckBlob(data)
		require.True(t, ok, "row %s holds a torn value (%d bytes)", token, len(data))
		assert.Equal(t, token, tok, "row %s holds another session's value", token)
		assert.Equal(t, acct, account.String, "row %s: account column and value written together", token)
		assert.Len(t, data, storetest.KilledBlobSize)
		n++
	}
	require.NoError(t, rows.Err())
	return n
}
