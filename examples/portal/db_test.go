package main

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSQLitePools checks the SQLite wiring that keeps writers from failing
// with SQLITE_BUSY: one writer connection with immediate transactions, a
// separate query-only read pool, and a busy timeout on every connection.
func TestSQLitePools(t *testing.T) {
	ctx := context.Background()
	write, read, d, err := openDB(ctx, t.TempDir(), "", 0)
	require.NoError(t, err)
	t.Cleanup(func() { write.Close(); read.Close() })
	require.Equal(t, sqldialect.SQLite, d)

	assert.Equal(t, 1, write.Stats().MaxOpenConnections, "one writer connection: writers queue in database/sql, not in SQLite's polling busy handler")
	assert.Equal(t, sqliteReaders(), read.Stats().MaxOpenConnections)

	var mode string
	require.NoError(t, write.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", mode)

	// Every connection of both pools has the busy timeout: hold several
	// read connections at once so that the check is not answered by one.
	conns := make([]interface{ Close() error }, 0, 4)
	for i := range 4 {
		c, err := read.Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
		var timeout, queryOnly int
		require.NoError(t, c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout))
		require.NoError(t, c.QueryRowContext(ctx, `PRAGMA query_only`).Scan(&queryOnly))
		assert.Equal(t, 10000, timeout, "read connection %d", i)
		assert.Equal(t, 1, queryOnly, "read connection %d", i)
	}
	for _, c := range conns {
		require.NoError(t, c.Close())
	}
	var timeout int
	require.NoError(t, write.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout))
	assert.Equal(t, 10000, timeout, "write connection")

	// A write sent to the read pool by mistake fails at once.
	_, err = read.ExecContext(ctx, `INSERT INTO portal_sessions (id, account_id, created_at, expires_at) VALUES ('s', 'a', 0, 0)`)
	require.Error(t, err, "the read pool is query_only")

	// Write transactions are immediate: while a write-pool transaction
	// that has only read is open, another connection to the file (with no
	// busy timeout) cannot take the write lock.
	var (
		seq        int
		name, path string
	)
	require.NoError(t, read.QueryRowContext(ctx, `PRAGMA database_list`).Scan(&seq, &name, &path))
	rival, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer rival.Close()
	tx, err := write.BeginTx(ctx, nil)
	require.NoError(t, err)
	var n int
	require.NoError(t, tx.QueryRowContext(ctx, `SELECT count(*) FROM portal_sessions`).Scan(&n))
	_, err = rival.ExecContext(ctx, `INSERT INTO portal_sessions (id, account_id, created_at, expires_at) VALUES ('r', 'a', 0, 0)`)
	assert.ErrorContains(t, err, "SQLITE_BUSY", "the write pool's transaction holds the write lock from its start")
	require.NoError(t, tx.Rollback())
	_, err = rival.ExecContext(ctx, `INSERT INTO portal_sessions (id, account_id, created_at, expires_at) VALUES ('r', 'a', 0, 0)`)
	assert.NoError(t, err, "the lock is released with the transaction")
}

// TestSQLiteConcurrentWrites runs many writers at once through the portal's
// write paths (sessions through execTx, consent events through the ledger)
// while readers query, and requires every one to succeed.
func TestSQLiteConcurrentWrites(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	ctx := context.Background()
	const workers, each = 16, 15
	subject, err := tp.app.ledger.Enroll(ctx, pii.New(pii.Email, "writers@example.com"))
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := range workers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("sess_%02d_%02d", w, i)
				if err := tp.app.execTx(ctx, `INSERT INTO portal_sessions (id, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`, id, "acct_x", time.Now().Unix(), time.Now().Unix()+60); err != nil {
					errs <- err
				}
				var got string
				if err := tp.app.rdb.QueryRowContext(ctx, `SELECT id FROM portal_sessions WHERE id = ?`, id).Scan(&got); err != nil {
					errs <- fmt.Errorf("read own write: %w", err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range each {
				// Record, not Request: Request allows a few confirmation
				// e-mails per address and hour.
				if _, err := tp.app.ledger.Record(ctx, consent.Event{Subject: subject, Type: consent.Requested, Purpose: topics[0].ID,
					Channel: consent.Email, Method: consent.WebForm, Notice: tp.app.notice.Ref(), Actor: "subject"}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	var n int
	require.NoError(t, tp.app.rdb.QueryRowContext(ctx, `SELECT count(*) FROM portal_sessions WHERE account_id = 'acct_x'`).Scan(&n))
	assert.Equal(t, workers*each, n)
	require.NoError(t, tp.app.ledger.VerifyAll(ctx))
}

// TestPostgresPool pins the PostgreSQL pool configuration: a bounded pool
// (the server's max_connections is shared) whose connections all stay open
// between requests. Under database/sql's defaults (no limit, 2 idle) a burst
// opens a connection per concurrent query and then closes all but two, so
// that the next burst forks new server processes again; the load test ran
// at 65 requests/s that way (BENCHMARKS.md).
func TestPostgresPool(t *testing.T) {
	_, dsn := testdb.PostgresDSN(t)
	ctx := context.Background()

	tests := []struct {
		name  string
		conns int
		want  int
		why   string
	}{
		{"default", 0, pgConns(), "no -pg-conns: four per core, at least four"},
		{"flag", 3, 3, "-pg-conns 3 is taken as given"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			write, read, d, err := openDB(ctx, t.TempDir(), dsn, tc.conns)
			require.NoError(t, err)
			t.Cleanup(func() { write.Close() })
			require.Equal(t, sqldialect.Postgres, d)
			assert.Same(t, write, read, "one pool for reads and writes on PostgreSQL")
			assert.Equal(t, tc.want, write.Stats().MaxOpenConnections, tc.why)

			// Hold every connection at once, twice: the second round
			// must get the same server processes back (idle connections
			// are kept, none is closed and reopened).
			hold := func() map[int]bool {
				pids := map[int]bool{}
				conns := make([]*sql.Conn, tc.want)
				for i := range conns {
					c, err := write.Conn(ctx)
					require.NoError(t, err)
					conns[i] = c
					var pid int
					require.NoError(t, c.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid))
					pids[pid] = true
				}
				for _, c := range conns {
					require.NoError(t, c.Close())
				}
				return pids
			}
			first := hold()
			assert.Len(t, first, tc.want, "each held connection is its own server process")
			assert.Equal(t, first, hold(), "the same connections are reused")
			st := write.Stats()
			assert.Equal(t, tc.want, st.Idle, "all connections stay idle in the pool")
			assert.Zero(t, st.MaxIdleClosed, "no connection closed by the idle limit")

			// A burst of many more concurrent queries than connections
			// stays within the pool: it queues in database/sql.
			var (
				mu    sync.Mutex
				burst = map[int]bool{}
				wg    sync.WaitGroup
			)
			for range 4 * tc.want {
				wg.Go(func() {
					var pid int
					if err := write.QueryRowContext(ctx, `SELECT pg_backend_pid() FROM pg_sleep(0.01)`).Scan(&pid); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					burst[pid] = true
					mu.Unlock()
				})
			}
			wg.Wait()
			for pid := range burst {
				assert.True(t, first[pid], "burst query ran on a pooled connection (pid %d is new)", pid)
			}
			assert.LessOrEqual(t, write.Stats().OpenConnections, tc.want)
			assert.Zero(t, write.Stats().MaxIdleClosed)
		})
	}
}
