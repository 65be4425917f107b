package main

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	migrator "github.com/civickit/privacy/internal/migrate"
	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii/sqldialect"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// sqliteDSN is the DSN of the SQLite writer pool: WAL, foreign keys, a busy
// timeout, and immediate transactions (BEGIN IMMEDIATE takes the write lock
// at the start, so a transaction never has to upgrade a read lock to a
// write lock, which fails with SQLITE_BUSY without waiting).
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
}

// sqliteReadDSN is the DSN of the SQLite read pool: the same busy timeout
// (a WAL reader can still meet a lock briefly, for example while the WAL
// index is rebuilt), and query_only so that a write sent to the read pool
// by mistake fails at once instead of competing with the writer.
func sqliteReadDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=query_only(1)"
}

// sqliteReaders is the size of the SQLite read pool. Readers do not block
// each other or the writer in WAL mode; a few connections per core are
// plenty, and keeping all of them idle avoids reopening connections (each
// open parses the schema and runs the PRAGMAs again).
func sqliteReaders() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// pgConns is the default size of the PostgreSQL pool (the -pg-conns flag):
// four connections per core. A PostgreSQL connection is a server process,
// so more connections than the server has cores mostly queue inside the
// server; but a request spends much of its time waiting for the network
// round trip, not the CPU, so a few per core keep the cores busy.
func pgConns() int { return max(4, 4*runtime.GOMAXPROCS(0)) }

// pgConnMaxIdleTime closes PostgreSQL connections that stayed idle this
// long, so that a pool sized for a burst gives its server processes back
// when the burst is over.
const pgConnMaxIdleTime = 5 * time.Minute

// configurePostgresPool sizes a PostgreSQL pool: at most conns connections,
// all of which may stay idle between requests.
//
// database/sql's defaults are wrong for a web server on PostgreSQL: no limit
// on open connections (50 concurrent requests open 50 server processes,
// from a max_connections of 100 that other clients share), and only 2 idle
// connections kept, so that under load almost every query closes a
// connection and opens a new one: a TCP handshake, a forked server process,
// authentication, and the loss of pgx's per-connection prepared statement
// cache. On the load test (BENCHMARKS.md) the defaults gave 32-65
// requests/s with a fresh server process every few queries; this pool gives
// 546-634 requests/s with none. When all connections are busy, requests
// queue in database/sql (Stats().WaitCount), which on a loaded server is
// cheaper than more server processes competing for its cores.
func configurePostgresPool(db *sql.DB, conns int) {
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(pgConnMaxIdleTime)
	db.SetConnMaxLifetime(0)
}

// openDB opens PostgreSQL when dsn is set, otherwise SQLite in dataDir. It
// returns two pools: write, for every write and for the SDK's stores, and
// read, for the portal's own queries.
//
// On SQLite, write holds exactly one connection. SQLite allows one writer at
// a time and its busy handler polls (sleeping up to 100 ms between tries), so
// many writer connections in one process do not queue: under load a writer
// can lose the lock to newcomers until its busy timeout expires and the
// request fails with SQLITE_BUSY. With one connection the writers queue in
// database/sql instead, in this process, and the lock is never contended
// (the busy timeout remains for other processes on the same file). read is a
// separate pool of query_only connections; in WAL mode readers see every
// committed write and never wait for the writer.
//
// On PostgreSQL, read and write are the same pool of at most conns
// connections (pgConns() when conns is 0; see configurePostgresPool).
func openDB(ctx context.Context, dataDir, dsn string, conns int) (write, read *sql.DB, d sqldialect.Dialect, err error) {
	defer func() {
		if err != nil {
			for _, db := range []*sql.DB{write, read} {
				if db != nil {
					db.Close()
				}
			}
			write, read = nil, nil
			err = fmt.Errorf("database: %w", err)
		}
	}()
	if dsn != "" {
		d = sqldialect.Postgres
		if conns <= 0 {
			conns = pgConns()
		}
		if write, err = sql.Open("pgx", dsn); err != nil {
			return nil, nil, "", err
		}
		configurePostgresPool(write, conns)
		read = write
	} else {
		d = sqldialect.SQLite
		if err = os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, nil, "", err
		}
		path := filepath.Join(dataDir, "portal.db")
		if write, err = sql.Open("sqlite", sqliteDSN(path)); err != nil {
			return nil, nil, "", err
		}
		write.SetMaxOpenConns(1)
		write.SetMaxIdleConns(1)
		write.SetConnMaxLifetime(0)
		write.SetConnMaxIdleTime(0)
		// Open the writer first: it switches the file to WAL.
		if err = write.PingContext(ctx); err != nil {
			return nil, nil, "", err
		}
		if read, err = sql.Open("sqlite", sqliteReadDSN(path)); err != nil {
			return nil, nil, "", err
		}
		n := sqliteReaders()
		read.SetMaxOpenConns(n)
		read.SetMaxIdleConns(n)
		read.SetConnMaxLifetime(0)
		read.SetConnMaxIdleTime(0)
	}
	if err = write.PingContext(ctx); err != nil {
		return nil, nil, "", err
	}
	if err = read.PingContext(ctx); err != nil {
		return nil, nil, "", err
	}
	if err = migrate(ctx, write, d); err != nil {
		return nil, nil, "", err
	}
	return write, read, d, nil
}

// The portal's own tables are created and upgraded by the module's
// migration runner (internal/migrate) from the goose-style files in
// migrations/, shared by SQLite and PostgreSQL. No column holds plaintext
// PII (see migrations/0001_portal.sql).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// portalTables are the tables of migration 1: a database that has them
// all but no portal_schema_migrations (made by the portal before it had
// versioned migrations) is adopted as version 1.
var portalTables = []string{"portal_accounts", "portal_sessions", "portal_payments", "portal_verified",
	"portal_used_tokens", "portal_account_mail", "portal_payment_keys"}

// migrationsFS returns the portal's migration files as an fs.FS.
func migrationsFS() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the embedded folder exists
	}
	return sub
}

func migrate(ctx context.Context, db *sql.DB, d sqldialect.Dialect) error {
	ms, err := migrator.Load(migrationsFS())
	if err != nil {
		return err
	}
	r := &migrator.Runner{DB: db, Dialect: d, Table: "portal_schema_migrations", Lock: "portal",
		Migrations: ms, Baseline: &migrator.Baseline{Version: 1, Tables: portalTables}, Prefix: "portal"}
	return r.Up(ctx)
}

// rebind turns ? placeholders into $1, $2... for PostgreSQL.
func rebind(d sqldialect.Dialect, q string) string { return sqlq.Rebind(d, q) }

// execTx runs one write statement atomically on the write pool. On
// PostgreSQL a single statement is its own transaction, so it is sent
// alone: one round trip instead of three (BEGIN, the statement, COMMIT). On
// SQLite it runs in an explicit BEGIN IMMEDIATE transaction on the one
// writer connection.
func (a *app) execTx(ctx context.Context, query string, args ...any) error {
	if a.dialect == sqldialect.Postgres {
		_, err := a.db.ExecContext(ctx, a.q(query), args...)
		return err
	}
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, a.q(query), args...); err != nil {
		return err
	}
	return tx.Commit()
}
