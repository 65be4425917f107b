package pii

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"time"

	"github.com/civickit/privacy/internal/migrate"
	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii/sqldialect"
)

//go:embed migrations
var keyStoreMigrations embed.FS

// defaultKeyTable is the key table's name in the migration files.
const defaultKeyTable = "pii_subject_keys"

// SQLKeyStoreOptions configures a SQLKeyStore.
type SQLKeyStoreOptions struct {
	// Table is the table name; default "pii_subject_keys". It must be a plain
	// SQL identifier (a letter or _, then letters, digits and _) of at most
	// 45 bytes: the version table is named Table + "_schema_migrations".
	Table string
}

// SQLKeyStore is a KeyStore on database/sql, for SQLite, PostgreSQL and
// MySQL/MariaDB.
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
	dialect sqldialect.Dialect
	table   string
	q       keyQueries
}

type keyQueries struct {
	get, create, forget, replace string
}

var (
	_ KeyStore    = (*SQLKeyStore)(nil)
	_ KeyReplacer = (*SQLKeyStore)(nil)
)

// NewSQLKeyStore returns a key store on db, whose dialect d is
// sqldialect.SQLite, Postgres or MySQL (sqldialect.Auto detects it from
// the driver). Call Migrate once to create the table.
func NewSQLKeyStore(db *sql.DB, d sqldialect.Dialect, opts *SQLKeyStoreOptions) (*SQLKeyStore, error) {
	if db == nil {
		return nil, errors.New("pii: NewSQLKeyStore needs a database")
	}
	d, err := sqldialect.Resolve(db, d)
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	s := &SQLKeyStore{db: db, dialect: d, table: defaultKeyTable}
	if opts != nil && opts.Table != "" {
		if !sqlq.ValidIdent(opts.Table) || len(opts.Table) > 45 {
			return nil, fmt.Errorf("pii: table name %q must be letters, digits and _, at most 45 bytes", opts.Table)
		}
		s.table = opts.Table
	}
	t := s.table
	upsert := `ON CONFLICT (subject) DO NOTHING`
	forget := `ON CONFLICT (subject) DO UPDATE SET wrapped = NULL, forgotten_at = COALESCE(` + t + `.forgotten_at, excluded.forgotten_at)`
	if d == sqldialect.MySQL {
		upsert = `` // a duplicate key is an error Create recognises
		forget = `ON DUPLICATE KEY UPDATE wrapped = NULL, forgotten_at = COALESCE(forgotten_at, VALUES(forgotten_at))`
	}
	s.q = keyQueries{
		get:     sqlq.Rebind(d, `SELECT wrapped, forgotten_at FROM `+t+` WHERE subject = ?`),
		create:  sqlq.Rebind(d, `INSERT INTO `+t+` (subject, wrapped, created_at) VALUES (?, ?, ?) `+upsert),
		forget:  sqlq.Rebind(d, `INSERT INTO `+t+` (subject, wrapped, created_at, forgotten_at) VALUES (?, NULL, ?, ?) `+forget),
		replace: sqlq.Rebind(d, `UPDATE `+t+` SET wrapped = ? WHERE subject = ? AND forgotten_at IS NULL`),
	}
	return s, nil
}

// SQLKeyStoreMigrations returns the key store's migrations for dialect d
// and key table table ("" for the default) as goose-style .sql files, the
// very files Migrate applies, for DBAs who apply schema changes under
// change control.
func SQLKeyStoreMigrations(d sqldialect.Dialect, table string) (fs.FS, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("pii: no key store migrations for dialect %q", string(d))
	}
	if table == "" {
		table = defaultKeyTable
	}
	if !sqlq.ValidIdent(table) {
		return nil, fmt.Errorf("pii: table name %q must be letters, digits and _", table)
	}
	sub, err := fs.Sub(keyStoreMigrations, "migrations/"+string(d))
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	out, err := migrate.Rename(sub, map[string]string{defaultKeyTable: table})
	if err != nil {
		return nil, fmt.Errorf("pii: %w", err)
	}
	return out, nil
}

// Migrate creates or upgrades the key table with internal/migrate's runner:
// the embedded migrations (SQLKeyStoreMigrations) not yet recorded in the
// table Table + "_schema_migrations" are applied, each in a transaction,
// concurrent Migrate calls waiting for each other. A key table made by an
// earlier version of this store (which had no version table) is adopted
// as version 1.
func (s *SQLKeyStore) Migrate(ctx context.Context) error {
	fsys, err := SQLKeyStoreMigrations(s.dialect, s.table)
	if err != nil {
		return err
	}
	ms, err := migrate.Load(fsys)
	if err != nil {
		return fmt.Errorf("pii: %w", err)
	}
	r := &migrate.Runner{
		DB: s.db, Dialect: s.dialect, Table: s.table + "_schema_migrations", Lock: "pii/" + s.table,
		Migrations: ms, Baseline: &migrate.Baseline{Version: 1, Tables: []string{s.table}}, Prefix: "pii: key store",
	}
	return r.Up(ctx)
}

// Get implements KeyStore.
func (s *SQLKeyStore) Get(ctx context.Context, subject string) ([]byte, error) {
	var wrapped []byte
	var forgotten sql.NullInt64
	err := s.db.QueryRowContext(ctx, s.q.get, subject).Scan(&wrapped, &forgotten)
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
	_, err := s.db.ExecContext(ctx, s.q.create, subject, wrapped, time.Now().UnixMilli())
	if err != nil && !(s.dialect == sqldialect.MySQL && sqlq.IsDuplicateKey(err)) {
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
	if s.dialect == sqldialect.SQLite {
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
	_, err = conn.ExecContext(ctx, s.q.forget, subject, now, now)
	if err != nil {
		return fmt.Errorf("pii: key store: %w", err)
	}
	return nil
}

// Replace implements KeyReplacer.
func (s *SQLKeyStore) Replace(ctx context.Context, subject string, wrapped []byte) error {
	res, err := s.db.ExecContext(ctx, s.q.replace, wrapped, subject)
	if err != nil {
		return fmt.Errorf("pii: key store: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		old, err := s.Get(ctx, subject)
		if err != nil {
			return err
		}
		if bytes.Equal(old, wrapped) {
			return nil // MySQL counts changed rows, not matched ones
		}
		return ErrNoKey
	}
	return nil
}
