package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/civickit/privacy/pii"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// sqliteDSN is the DSN the module recommends for modernc.org/sqlite (as in
// internal/testdb): WAL, foreign keys, a busy timeout, and immediate
// transactions so that writers queue instead of failing.
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate"
}

// openDB opens PostgreSQL when dsn is set, otherwise SQLite in dataDir.
func openDB(ctx context.Context, dataDir, dsn string) (*sql.DB, pii.Dialect, error) {
	var (
		db  *sql.DB
		d   pii.Dialect
		err error
	)
	if dsn != "" {
		d = pii.Postgres
		db, err = sql.Open("pgx", dsn)
	} else {
		d = pii.SQLite
		if err = os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, "", fmt.Errorf("database: %w", err)
		}
		db, err = sql.Open("sqlite", sqliteDSN(filepath.Join(dataDir, "portal.db")))
	}
	if err != nil {
		return nil, "", fmt.Errorf("database: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("database: %w", err)
	}
	if err := migrate(ctx, db, d); err != nil {
		db.Close()
		return nil, "", err
	}
	return db, d, nil
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
			return fmt.Errorf("database: migrate: %w", err)
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

// execTx runs one write statement in its own transaction. On SQLite the
// DSN's _txlock=immediate makes the transaction take the write lock at its
// start, waiting up to the busy timeout, instead of failing with
// SQLITE_BUSY when a plain autocommit write races another writer.
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
