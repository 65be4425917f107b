package sessionstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/internal/migrate"
	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii/sqldialect"
)

//go:embed migrations
var migrations embed.FS

// SQLStore keeps cookies.Manager sessions in a database/sql database:
// SQLite (modernc.org/sqlite) or PostgreSQL (github.com/jackc/pgx/v5/stdlib),
// in the table cookie_sessions. Every write is one statement, so it is
// applied whole or not at all. It is safe for concurrent use, and several
// app servers may share one PostgreSQL database.
type SQLStore struct {
	db      *sql.DB
	dialect sqldialect.Dialect
	now     func() time.Time
	q       sqlQueries
}

var (
	_ cookies.Store            = (*SQLStore)(nil)
	_ cookies.CtxStore         = (*SQLStore)(nil)
	_ cookies.IterableStore    = (*SQLStore)(nil)
	_ cookies.IterableCtxStore = (*SQLStore)(nil)
	_ cookies.AccountStore     = (*SQLStore)(nil)
)

// Options configures a store. Nil options are the defaults.
type Options struct {
	// Now is the clock that decides which rows have expired; nil means
	// time.Now. For tests.
	Now func() time.Time
}

// New returns a store on db, whose dialect d is sqldialect.SQLite (driver
// "sqlite") or sqldialect.Postgres (driver "pgx"); sqldialect.Auto detects
// it from the driver. MySQL is not supported yet. Call Migrate before
// first use. For SQLite, open db with WAL journaling and a busy timeout, as
// for the other SQL stores of this module.
func New(db *sql.DB, d sqldialect.Dialect, opts *Options) (*SQLStore, error) {
	if db == nil {
		return nil, errors.New("sessionstore: New needs a database")
	}
	d, err := sqldialect.Resolve(db, d)
	if err != nil {
		return nil, fmt.Errorf("sessionstore: %w", err)
	}
	if d != sqldialect.SQLite && d != sqldialect.Postgres {
		return nil, fmt.Errorf("sessionstore: dialect %q is not supported (SQLite and PostgreSQL are)", string(d))
	}
	s := &SQLStore{db: db, dialect: d, now: time.Now, q: newSQLQueries(d)}
	if opts != nil && opts.Now != nil {
		s.now = opts.Now
	}
	return s, nil
}

// DB returns the store's database.
func (s *SQLStore) DB() *sql.DB { return s.db }

type sqlQueries struct {
	find, commit, commitAccount, update, del, all, findAccount, deleteAccount, deleteExpired string
}

func newSQLQueries(d sqldialect.Dialect) sqlQueries {
	rb := func(q string) string { return sqlq.Rebind(d, q) }
	return sqlQueries{
		find: rb(`SELECT data FROM cookie_sessions WHERE token = ? AND expiry > ?`),
		// scs's Commit knows no account: an existing row keeps its own.
		commit: rb(`INSERT INTO cookie_sessions (token, account, data, expiry) VALUES (?, NULL, ?, ?)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`),
		commitAccount: rb(`INSERT INTO cookie_sessions (token, account, data, expiry) VALUES (?, ?, ?, ?)
			ON CONFLICT (token) DO UPDATE SET account = excluded.account, data = excluded.data, expiry = excluded.expiry`),
		update:        rb(`UPDATE cookie_sessions SET data = ?, expiry = ? WHERE token = ? AND expiry > ?`),
		del:           rb(`DELETE FROM cookie_sessions WHERE token = ?`),
		all:           rb(`SELECT token, data FROM cookie_sessions WHERE expiry > ?`),
		findAccount:   rb(`SELECT token, data FROM cookie_sessions WHERE account = ? AND expiry > ?`),
		deleteAccount: rb(`DELETE FROM cookie_sessions WHERE account = ? AND token <> ? RETURNING expiry`),
		deleteExpired: rb(`DELETE FROM cookie_sessions WHERE expiry <= ?`),
	}
}

func millis(t time.Time) int64 { return t.UnixMilli() }

// Find implements cookies.Store (scs's Store).
func (s *SQLStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// FindCtx returns the unexpired data of token.
func (s *SQLStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, s.q.find, token, millis(s.now())).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("sessionstore: find: %w", err)
	}
	return b, true, nil
}

// Commit implements cookies.Store (scs's Store).
func (s *SQLStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx adds or replaces the data of token; an existing row keeps its
// account.
func (s *SQLStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if _, err := s.db.ExecContext(ctx, s.q.commit, token, b, millis(expiry)); err != nil {
		return fmt.Errorf("sessionstore: commit: %w", err)
	}
	return nil
}

// CommitAccount implements cookies.AccountStore.
func (s *SQLStore) CommitAccount(ctx context.Context, token, account string, b []byte, expiry time.Time) error {
	var acct sql.NullString
	if account != "" {
		acct = sql.NullString{String: account, Valid: true}
	}
	if _, err := s.db.ExecContext(ctx, s.q.commitAccount, token, acct, b, millis(expiry)); err != nil {
		return fmt.Errorf("sessionstore: commit: %w", err)
	}
	return nil
}

// Update implements cookies.AccountStore: it changes an unexpired row
// only.
func (s *SQLStore) Update(ctx context.Context, token string, b []byte, expiry time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.q.update, b, millis(expiry), token, millis(s.now()))
	if err != nil {
		return false, fmt.Errorf("sessionstore: update: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sessionstore: update: %w", err)
	}
	return n == 1, nil
}

// Delete implements cookies.Store (scs's Store).
func (s *SQLStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteCtx deletes token.
func (s *SQLStore) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.db.ExecContext(ctx, s.q.del, token); err != nil {
		return fmt.Errorf("sessionstore: delete: %w", err)
	}
	return nil
}

// All implements cookies.IterableStore (scs's IterableStore).
func (s *SQLStore) All() (map[string][]byte, error) {
	return s.AllCtx(context.Background())
}

// AllCtx returns every unexpired session.
func (s *SQLStore) AllCtx(ctx context.Context) (map[string][]byte, error) {
	return s.rows(ctx, s.q.all, millis(s.now()))
}

// FindAccount implements cookies.AccountStore.
func (s *SQLStore) FindAccount(ctx context.Context, account string) (map[string][]byte, error) {
	return s.rows(ctx, s.q.findAccount, account, millis(s.now()))
}

func (s *SQLStore) rows(ctx context.Context, q string, args ...any) (map[string][]byte, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sessionstore: list: %w", err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var token string
		var b []byte
		if err := rows.Scan(&token, &b); err != nil {
			return nil, fmt.Errorf("sessionstore: list: %w", err)
		}
		out[token] = b
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sessionstore: list: %w", err)
	}
	return out, nil
}

// DeleteAccount implements cookies.AccountStore: one DELETE statement.
// It counts the unexpired sessions it deleted.
func (s *SQLStore) DeleteAccount(ctx context.Context, account, except string) (int, error) {
	rows, err := s.db.QueryContext(ctx, s.q.deleteAccount, account, except)
	if err != nil {
		return 0, fmt.Errorf("sessionstore: delete account: %w", err)
	}
	defer rows.Close()
	now, n := millis(s.now()), 0
	for rows.Next() {
		var expiry int64
		if err := rows.Scan(&expiry); err != nil {
			return n, fmt.Errorf("sessionstore: delete account: %w", err)
		}
		if expiry > now {
			n++
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("sessionstore: delete account: %w", err)
	}
	return n, nil
}

// DeleteExpired deletes the rows past their expiry and returns how many.
// Expired rows are never returned, so this only reclaims space: run it
// every few minutes (several app servers may run it at once).
func (s *SQLStore) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.q.deleteExpired, millis(s.now()))
	if err != nil {
		return 0, fmt.Errorf("sessionstore: delete expired: %w", err)
	}
	return res.RowsAffected()
}

// Migrations returns the migrations for dialect d as goose-style .sql
// files (NNNN_name.sql with "-- +goose Up" and "-- +goose Down" sections),
// the very files Migrate applies, for DBAs who apply schema changes under
// change control.
func Migrations(d sqldialect.Dialect) (fs.FS, error) {
	if d != sqldialect.SQLite && d != sqldialect.Postgres {
		return nil, fmt.Errorf("sessionstore: no migrations for dialect %q", string(d))
	}
	sub, err := fs.Sub(migrations, "migrations/"+string(d))
	if err != nil {
		return nil, fmt.Errorf("sessionstore: %w", err)
	}
	return sub, nil
}

func (s *SQLStore) runner() (*migrate.Runner, error) {
	fsys, err := Migrations(s.dialect)
	if err != nil {
		return nil, err
	}
	ms, err := migrate.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("sessionstore: %w", err)
	}
	return &migrate.Runner{
		DB: s.db, Dialect: s.dialect, Table: "cookie_sessions_schema_migrations", Lock: "cookie-sessions",
		Migrations: ms, Prefix: "sessionstore",
	}, nil
}

// Migrate applies the migrations not yet recorded in the
// cookie_sessions_schema_migrations table, each in one transaction with
// its version row, so that a failed migration leaves nothing behind.
// Concurrent calls wait for each other (an advisory lock on PostgreSQL,
// the write lock on SQLite). See internal/migrate.
func (s *SQLStore) Migrate(ctx context.Context) error {
	r, err := s.runner()
	if err != nil {
		return err
	}
	return r.Up(ctx)
}

// SchemaVersion returns the highest applied migration version, 0 if none.
func (s *SQLStore) SchemaVersion(ctx context.Context) (int, error) {
	r, err := s.runner()
	if err != nil {
		return 0, err
	}
	return r.Version(ctx)
}
