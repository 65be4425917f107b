// Package migrate is the one schema migration runner of this module's
// stores: pii.SQLKeyStore, consent/sqlstore, retention/sqlstore and the
// portal example. Each store embeds its migrations as goose-style files
// (Parse), one folder per dialect, and exports them as an fs.FS, so that a
// DBA can apply the very same files under change control with goose or by
// hand.
//
// # Where it sits
//
// migrate imports pii/sqldialect and internal/sqlq; every SQL store
// imports it.
//
// # What Up does
//
// Up applies the migrations not yet recorded in the store's version table
// (version, name, applied_at), each with its version row in one
// transaction, so that a failed migration leaves nothing behind on SQLite
// and PostgreSQL. MySQL commits every DDL statement on its own: there a
// failed migration can leave part of its statements applied, and its
// version row unwritten, as with any MySQL migration tool.
//
// Concurrent Up calls (several app servers starting at once) wait for each
// other: a transaction-scoped advisory lock on PostgreSQL, GET_LOCK on
// MySQL, the write lock (and an optional in-process mutex) on SQLite.
//
// A database whose tables were made by a store's code from before the
// runner (CREATE TABLE IF NOT EXISTS, no version table) is adopted: when
// the version table is empty and every table of the Baseline exists, the
// versions up to Baseline.Version are recorded as applied without running
// them, and later migrations run as usual.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii/sqldialect"
)

// Baseline describes the schema a store created before it had versioned
// migrations.
type Baseline struct {
	// Version is the last migration that the old code's tables match.
	Version int
	// Tables are the tables the old code created (unquoted names); all
	// of them must exist for the database to be adopted.
	Tables []string
}

// Runner applies one store's migrations.
type Runner struct {
	DB      *sql.DB
	Dialect sqldialect.Dialect // SQLite, Postgres or MySQL
	// Table is the version table, for example "consent_schema_migrations".
	Table string
	// Lock names the lock that serialises concurrent runs across
	// processes (hashed into an advisory lock key on PostgreSQL).
	Lock string
	// LockKey, if not 0, is the PostgreSQL advisory lock key, for a store
	// whose own migration code used a fixed key: servers of the old and
	// the new version starting together then still wait for each other.
	LockKey    int64
	Migrations []Migration
	Baseline   *Baseline
	// Mu, if set, is held around each migration's transaction on SQLite,
	// the store's in-process write lock.
	Mu *sync.Mutex
	// Prefix starts error messages, for example "consent/sqlstore".
	Prefix string
}

func (r *Runner) errorf(format string, args ...any) error {
	return fmt.Errorf(r.Prefix+": migrate: "+format, args...)
}

func (r *Runner) check() error {
	if r.DB == nil || !r.Dialect.Valid() || !sqlq.ValidIdent(r.Table) || r.Lock == "" {
		return r.errorf("runner misconfigured")
	}
	return nil
}

// Up applies the pending migrations.
func (r *Runner) Up(ctx context.Context) error {
	if err := r.check(); err != nil {
		return err
	}
	if r.Dialect == sqldialect.MySQL {
		return r.upMySQL(ctx)
	}
	for _, m := range r.Migrations {
		for attempt := 1; ; attempt++ {
			err := r.applyTx(ctx, m)
			if err == nil {
				break
			}
			// Several servers opening a new SQLite database at once race to
			// switch it to WAL; SQLite then answers SQLITE_BUSY without
			// waiting. A migration and its version check are one
			// transaction: try again.
			if r.Dialect != sqldialect.SQLite || !strings.Contains(err.Error(), "SQLITE_BUSY") || attempt == 20 {
				return err
			}
			select {
			case <-ctx.Done():
				return err
			case <-time.After(time.Duration(attempt) * 10 * time.Millisecond):
			}
		}
	}
	return nil
}

// execer is what a migration runs on: a *sql.Tx, or a *sql.Conn on MySQL.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (r *Runner) lockKey() int64 {
	if r.LockKey != 0 {
		return r.LockKey
	}
	h := fnv.New64a()
	h.Write([]byte("civickit/migrate/" + r.Lock))
	return int64(h.Sum64())
}

func (r *Runner) applyTx(ctx context.Context, m Migration) error {
	if r.Mu != nil && r.Dialect == sqldialect.SQLite {
		r.Mu.Lock()
		defer r.Mu.Unlock()
	}
	tx, err := r.DB.BeginTx(ctx, nil)
	if err != nil {
		return r.errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if r.Dialect == sqldialect.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, r.lockKey()); err != nil {
			return r.errorf("lock: %w", err)
		}
	}
	done, err := r.prepare(ctx, tx, m)
	if err != nil || done {
		if err == nil {
			err = tx.Commit()
		}
		return err
	}
	if err := r.run(ctx, tx, m); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return r.errorf("%s: %w", m.Name, err)
	}
	return nil
}

func (r *Runner) upMySQL(ctx context.Context) error {
	conn, err := r.DB.Conn(ctx)
	if err != nil {
		return r.errorf("%w", err)
	}
	defer conn.Close()
	// GET_LOCK names are at most 64 characters.
	name := fmt.Sprintf("civickit-migrate-%016x", uint64(r.lockKey()))
	release, err := sqlq.LockMySQL(ctx, conn, name)
	if err != nil {
		return r.errorf("lock: %w", err)
	}
	defer release()
	for _, m := range r.Migrations {
		done, err := r.prepare(ctx, conn, m)
		if err != nil {
			return err
		}
		if !done {
			if err := r.run(ctx, conn, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// prepare creates the version table, adopts a baseline, and reports
// whether m is applied already.
func (r *Runner) prepare(ctx context.Context, x execer, m Migration) (bool, error) {
	if _, err := x.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+r.Table+` (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at BIGINT NOT NULL
	)`); err != nil {
		return false, r.errorf("%w", err)
	}
	if r.Baseline != nil && m.Version <= r.Baseline.Version {
		var n int
		if err := x.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+r.Table).Scan(&n); err != nil {
			return false, r.errorf("%w", err)
		}
		if n == 0 {
			all, err := r.tablesExist(ctx, x, r.Baseline.Tables)
			if err != nil {
				return false, err
			}
			if all {
				for _, b := range r.Migrations {
					if b.Version > r.Baseline.Version {
						break
					}
					if err := r.record(ctx, x, b); err != nil {
						return false, err
					}
				}
				return true, nil
			}
		}
	}
	var one int
	err := x.QueryRowContext(ctx, sqlq.Rebind(r.Dialect, `SELECT 1 FROM `+r.Table+` WHERE version = ?`), m.Version).Scan(&one)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, r.errorf("%w", err)
	}
	return false, nil
}

func (r *Runner) run(ctx context.Context, x execer, m Migration) error {
	for _, stmt := range m.Up {
		if _, err := x.ExecContext(ctx, stmt); err != nil {
			return r.errorf("%s: %w", m.Name, err)
		}
	}
	return r.record(ctx, x, m)
}

func (r *Runner) record(ctx context.Context, x execer, m Migration) error {
	if _, err := x.ExecContext(ctx, sqlq.Rebind(r.Dialect, `INSERT INTO `+r.Table+` (version, name, applied_at) VALUES (?, ?, ?)`),
		m.Version, m.Name, time.Now().UnixNano()); err != nil {
		return r.errorf("%s: %w", m.Name, err)
	}
	return nil
}

func (r *Runner) tablesExist(ctx context.Context, x execer, tables []string) (bool, error) {
	for _, t := range tables {
		var q string
		switch r.Dialect {
		case sqldialect.SQLite:
			q = `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
		case sqldialect.Postgres:
			q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
		default:
			q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?`
		}
		var n int
		if err := x.QueryRowContext(ctx, q, t).Scan(&n); err != nil {
			return false, r.errorf("%w", err)
		}
		if n == 0 {
			return false, nil
		}
	}
	return true, nil
}

// Version returns the highest applied version, 0 if none (or no version
// table).
func (r *Runner) Version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := r.DB.QueryRowContext(ctx, `SELECT MAX(version) FROM `+r.Table).Scan(&v); err != nil {
		return 0, nil //nolint:nilerr // no table: nothing applied
	}
	return int(v.Int64), nil
}
