package pii

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Dialect names the SQL database behind a SQLKeyStore.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"   // modernc.org/sqlite (driver "sqlite")
	Postgres Dialect = "postgres" // github.com/jackc/pgx/v5/stdlib (driver "pgx")
)

// SQLKeyStoreOptions configures a SQLKeyStore.
type SQLKeyStoreOptions struct {
	// Table is the table name; default "pii_subject_keys". It must be a plain
	// identifier (letters, digits, underscore).
	Table string
}

// SQLKeyStore is a KeyStore on database/sql, for SQLite and PostgreSQL.
//
// Table layout: subject (primary key), wrapped key bytes (NULL once
// forgotten), created_at, forgotten_at. Forget overwrites the wrapped key
// with NULL in the same row, so the tombstone that makes Open return
// ErrForgotten outlives the key. On SQLite, Forget turns on
// PRAGMA secure_delete for its connection so the freed bytes are zeroed;
// old copies can still live in backups of the database, which is why the
// key is wrapped by the keyring: destroy the keyring key too when backups
// must be unreadable.
type SQLKeyStore struct {
	db      *sql.DB
	dialect Dialect
	table   string
}

var (
	_ KeyStore    = (*SQLKeyStore)(nil)
	_ KeyReplacer = (*SQLKeyStore)(nil)
)

// NewSQLKeyStore returns a key store on db. Call Migrate once to create the
// table.
func NewSQLKeyStore(db *sql.DB, d Dialect, opts *SQLKeyStoreOptions) (*SQLKeyStore, error) {
	if db == nil {
		return nil, errors.New("pii: NewSQLKeyStore needs a database")
	}
	if d != SQLite && d != Postgres {
		return nil, fmt.Errorf("pii: unknown SQL dialect %q", d)
	}
	s := &SQLKeyStore{db: db, dialect: d, table: "pii_subject_keys"}
	if opts != nil && opts.Table != "" {
		if !validIdent(opts.Table) {
			return nil, fmt.Errorf("pii: table name %q must be letters, digits and _", opts.Table)
		}
		s.table = opts.Table
	}
	return s, nil
}

// Migrate creates the key table if it does not exist.
func (s *SQLKeyStore) Migrate(ctx context.Context) error {
	blob := "BLOB"
	if s.dialect == Postgres {
		blob = "BYTEA"
	}
	_, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+s.table+` (
		subject      TEXT PRIMARY KEY,
		wrapped      `+blob+`,
		created_at   BIGINT NOT NULL,
		forgotten_at BIGINT
	)`)
	if err != nil {
		return fmt.Errorf("pii: migrate key store: %w", err)
	}
	return nil
}

// Get implements KeyStore.
func (s *SQLKeyStore) Get(ctx context.Context, subject string) ([]byte, error) {
	var wrapped []byte
	var forgotten sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT wrapped, forgotten_at FROM `+s.table+` WHERE subject = $1`, subject).Scan(&wrapped, &forgotten)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, ErrNoKey
	case err != nil:
		return nil, fmt.Errorf("pii: key store: %w", err)
	case forgotten.Valid || wrapped == nil:
		return nil, ErrForgotten
	}
	return wrapped, nil
}

// Create implements KeyStore. Concurrent creators agree on one key.
func (s *SQLKeyStore) Create(ctx context.Context, subject string, wrapped []byte) ([]byte, error) {
	_, err := s.db.ExecContext(ctx, `INSERT INTO `+s.table+` (subject, wrapped, created_at) VALUES ($1, $2, $3) ON CONFLICT (subject) DO NOTHING`,
		subject, wrapped, time.Now().UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("pii: key store: %w", err)
	}
	return s.Get(ctx, subject)
}

// Forget implements KeyStore.
func (s *SQLKeyStore) Forget(ctx context.Context, subject string) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("pii: key store: %w", err)
	}
	defer conn.Close()
	if s.dialect == SQLite {
		// secure_delete is a per-connection setting: turn it on for this
		// statement only and restore it, so that a pooled connection does
		// not carry it into unrelated work.
		var prev int
		if err := conn.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&prev); err != nil {
			return fmt.Errorf("pii: key store: %w", err)
		}
		if _, err := conn.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
			return fmt.Errorf("pii: key store: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = `+strconv.Itoa(prev))
	}
	now := time.Now().UnixMilli()
	_, err = conn.ExecContext(ctx, `INSERT INTO `+s.table+` (subject, wrapped, created_at, forgotten_at) VALUES ($1, NULL, $2, $2)
		ON CONFLICT (subject) DO UPDATE SET wrapped = NULL, forgotten_at = COALESCE(`+s.table+`.forgotten_at, excluded.forgotten_at)`,
		subject, now)
	if err != nil {
		return fmt.Errorf("pii: key store: %w", err)
	}
	return nil
}

// Replace implements KeyReplacer.
func (s *SQLKeyStore) Replace(ctx context.Context, subject string, wrapped []byte) error {
	res, err := s.db.ExecContext(ctx, `UPDATE `+s.table+` SET wrapped = $1 WHERE subject = $2 AND forgotten_at IS NULL`, wrapped, subject)
	if err != nil {
		return fmt.Errorf("pii: key store: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Get(ctx, subject); err != nil {
			return err
		}
		return ErrNoKey
	}
	return nil
}
