package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/civickit/privacy/pii"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// sqliteDSN is the DSN of the SQLite writer pool: WAL, foreign keys, a busy
// timeout, and immediate transactions (BEGIN IMMEDIATE takes the write lock
// at the start, so a transaction never has to upgrade a read lock to a
// write lock, which fails with SQLITE_BUSY without waiting).
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate"
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
// On PostgreSQL, read and write are the same pool.
func openDB(ctx context.Context, dataDir, dsn string) (write, read *sql.DB, d pii.Dialect, err error) {
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
		d = pii.Postgres
		if write, err = sql.Open("pgx", dsn); err != nil {
			return nil, nil, "", err
		}
		read = write
	} else {
		d = pii.SQLite
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

// The portal's own tables. Times are Unix seconds (BIGINT), which both
// databases store the same way. No column holds plaintext PII: contact data
// is in sealed (a JSON object of pii.Sealed values), the e-mail is found by
// a blind index, and payments keep a token and the last four digits.
var schema = []string{
	`CREATE TABLE IF NOT EXISTS portal_accounts (
		id              TEXT PRIMARY KEY,
		email_index     TEXT NOT NULL,
		password_hash   TEXT NOT NULL,
		sealed          TEXT NOT NULL,
		consent_subject TEXT NOT NULL DEFAULT '',
		staff           INTEGER NOT NULL DEFAULT 0,
		created_at      BIGINT NOT NULL,
		last_active_at  BIGINT NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS portal_accounts_email_index ON portal_accounts (email_index)`,
	`CREATE TABLE IF NOT EXISTS portal_sessions (
		id          TEXT PRIMARY KEY,
		account_id  TEXT NOT NULL,
		created_at  BIGINT NOT NULL,
		expires_at  BIGINT NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS portal_sessions_account ON portal_sessions (account_id)`,
	`CREATE TABLE IF NOT EXISTS portal_payments (
		id           TEXT PRIMARY KEY,
		account_id   TEXT NOT NULL,
		card_token   TEXT NOT NULL,
		card_last4   TEXT NOT NULL,
		amount_cents BIGINT NOT NULL,
		created_at   BIGINT NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS portal_payments_account ON portal_payments (account_id)`,
}

func migrate(ctx context.Context, db *sql.DB, d pii.Dialect) error {
	for _, stmt := range schema {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	return nil
}

// rebind turns ? placeholders into $1, $2... for PostgreSQL.
func rebind(d pii.Dialect, q string) string {
	if d != pii.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// execTx runs one write statement in its own transaction on the write pool
// (on SQLite its one connection, with BEGIN IMMEDIATE).
func (a *app) execTx(ctx context.Context, query string, args ...any) error {
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
