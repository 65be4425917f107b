package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/civickit/privacy/internal/migrate"
	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii/sqldialect"
	"github.com/civickit/privacy/retention"
)

//go:embed migrations
var migrationFiles embed.FS

// Options configures a Store. The zero value (and nil) means: detect the
// dialect from the driver, and name the tables retention_holds,
// retention_disposition_log, retention_sweep_cursor and
// retention_shred_queue.
type Options struct {
	// Dialect is the database's SQL dialect; sqldialect.Auto (the zero
	// value) detects it from the driver.
	Dialect sqldialect.Dialect
	// TablePrefix replaces "retention_" in the table names. It must be an
	// SQL identifier (letters, digits, underscores).
	TablePrefix string
}

// Store keeps holds, the disposition log and sweep state in an SQL
// database, next to the records it sweeps. It is safe for concurrent use,
// and several processes may share one database.
type Store struct {
	db      *sql.DB
	dialect sqldialect.Dialect
	holds   string // quoted table names
	log     string
	cursor  string
	shred   string
	lockKey int64 // PostgreSQL advisory lock key for hold changes
	prefix  string

	gateOnce sync.Once
	gateMu   *sync.RWMutex // see gate.go (SQLite only)
}

var _ retention.HoldStore = (*Store)(nil)

// ErrNotMigrated reports tables that do not exist yet: call Migrate.
var ErrNotMigrated = errors.New("sqlstore: tables missing; call Migrate")

// quoteIdent quotes a validated identifier, or a schema-qualified one, for
// dialect d.
func quoteIdent(d sqldialect.Dialect, s string) (string, error) {
	q, err := sqlq.Quote(d, s)
	if err != nil {
		return "", fmt.Errorf("sqlstore: %w: %q is not a valid SQL identifier", retention.ErrInvalid, clip(s))
	}
	return q, nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// New returns a Store on db. It does not create tables: call Migrate once
// (it is idempotent and safe to run from several processes at once).
func New(db *sql.DB, opts *Options) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: nil *sql.DB")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.TablePrefix == "" {
		o.TablePrefix = "retention_"
	}
	// The longest table name is the prefix and "schema_migrations".
	if !sqlq.ValidIdent(o.TablePrefix + "schema_migrations") {
		return nil, fmt.Errorf("sqlstore: table prefix %q: %w", clip(o.TablePrefix), retention.ErrInvalid)
	}
	d, err := sqldialect.Resolve(db, o.Dialect)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	s := &Store{db: db, dialect: d, prefix: o.TablePrefix}
	s.holds, _ = sqlq.Quote(d, o.TablePrefix+"holds")
	s.log, _ = sqlq.Quote(d, o.TablePrefix+"disposition_log")
	s.cursor, _ = sqlq.Quote(d, o.TablePrefix+"sweep_cursor")
	s.shred, _ = sqlq.Quote(d, o.TablePrefix+"shred_queue")
	h := fnv.New64a()
	h.Write([]byte("civickit/retention/" + o.TablePrefix))
	s.lockKey = int64(h.Sum64() >> 1)
	return s, nil
}

// DB returns the database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's dialect.
func (s *Store) Dialect() sqldialect.Dialect { return s.dialect }

// ph returns the n-th (1-based) placeholder.
func (s *Store) ph(n int) string { return sqlq.Placeholder(s.dialect, n) }

// phs returns placeholders from..from+n-1 separated by commas.
func (s *Store) phs(from, n int) string { return sqlq.PlaceholderList(s.dialect, from, n) }

// insertIgnore returns INSERT INTO table (cols) VALUES (placeholders from
// 1) that does nothing when the key exists: ON CONFLICT DO NOTHING, or on
// MySQL a plain INSERT whose duplicate-key error execIgnore drops.
func (s *Store) insertIgnore(table, cols string, n int) string {
	q := `INSERT INTO ` + table + ` (` + cols + `) VALUES (` + s.phs(1, n) + `)`
	if s.dialect != sqldialect.MySQL {
		q += ` ON CONFLICT DO NOTHING`
	}
	return q
}

// execIgnore runs an insertIgnore statement.
func (s *Store) execIgnore(ctx context.Context, x interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, q string, args ...any) error {
	_, err := x.ExecContext(ctx, q, args...)
	if s.dialect == sqldialect.MySQL && sqlq.IsDuplicateKey(err) {
		return nil
	}
	return err
}

// Migrations returns the store's migrations for dialect d and table prefix
// prefix ("" for "retention_") as goose-style .sql files, the very files
// Migrate applies, for DBAs who apply schema changes under change control.
// Migrate records applied versions in <prefix>schema_migrations.
func Migrations(d sqldialect.Dialect, prefix string) (fs.FS, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("sqlstore: no migrations for dialect %q", string(d))
	}
	if prefix == "" {
		prefix = "retention_"
	}
	if !sqlq.ValidIdent(prefix + "schema_migrations") {
		return nil, fmt.Errorf("sqlstore: table prefix %q: %w", clip(prefix), retention.ErrInvalid)
	}
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(d))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	out, err := migrate.Rename(sub, map[string]string{"retention_": prefix})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	return out, nil
}

// Migrate creates or upgrades the tables with the module's migration
// runner (internal/migrate): the migrations (see Migrations) not yet
// recorded in <prefix>schema_migrations are applied, each in its own
// transaction, and concurrent Migrate calls, from several processes too,
// wait for each other. Tables made by this store before it had versioned
// migrations are adopted as version 1. The disposition log is made
// append-only with triggers that reject UPDATE and DELETE (and TRUNCATE on
// PostgreSQL).
func (s *Store) Migrate(ctx context.Context) error {
	fsys, err := Migrations(s.dialect, s.prefix)
	if err != nil {
		return err
	}
	ms, err := migrate.Load(fsys)
	if err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	p := s.prefix
	r := &migrate.Runner{
		DB: s.db, Dialect: s.dialect, Table: p + "schema_migrations", Lock: "retention/" + p, Migrations: ms,
		LockKey:  s.lockKey ^ 1, // the key of the store's Migrate before internal/migrate
		Baseline: &migrate.Baseline{Version: 1, Tables: []string{p + "holds", p + "disposition_log", p + "sweep_cursor", p + "shred_queue"}},
		Prefix:   "sqlstore",
	}
	return r.Up(ctx)
}

// ---- holds ----

func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// Place implements retention.HoldStore. It waits for the sweep and
// erasure batches in flight (on PostgreSQL, in any process; on SQLite, in
// this one, then for SQLite's write lock), and every batch that starts
// after it returns honours the hold. No batch disposes of a record after
// the hold has committed.
func (s *Store) Place(ctx context.Context, h retention.Hold) error {
	if err := h.Validate(); err != nil {
		return err
	}
	tx, end, err := s.beginHolds(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: place hold: %w", err)
	}
	defer end()
	var one int
	err = tx.QueryRowContext(ctx, `SELECT 1 FROM `+s.holds+` WHERE id = `+s.ph(1), h.ID).Scan(&one)
	if err == nil {
		return &retention.ValidationError{What: "hold", Problems: []retention.Problem{{Field: "id", Message: "already exists"}}}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlstore: place hold: %w", err)
	}
	sc := h.Scope
	_, err = tx.ExecContext(ctx, `INSERT INTO `+s.holds+` (id, kind, source, record_id, subject, category, range_from, range_to, placed_by, reason, placed_at, expires, released_at, released_by) VALUES (`+s.phs(1, 14)+`)`,
		h.ID, string(h.Kind), sc.Source, sc.RecordID, sc.Subject, sc.Category, micros(sc.From), micros(sc.To), h.PlacedBy, h.Reason, h.PlacedAt.UnixMicro(), micros(h.Expires), micros(h.ReleasedAt), nullString(h.ReleasedBy))
	if err != nil {
		return fmt.Errorf("sqlstore: place hold: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: place hold: %w", err)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Release implements retention.HoldStore.
func (s *Store) Release(ctx context.Context, id, by string, at time.Time) error {
	tx, end, err := s.beginHolds(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: release hold: %w", err)
	}
	defer end()
	h, err := s.getHold(ctx, tx, id, true)
	if err != nil {
		return err
	}
	if err := retention.CheckRelease(h, by, at); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE `+s.holds+` SET released_at = `+s.ph(1)+`, released_by = `+s.ph(2)+` WHERE id = `+s.ph(3), at.UnixMicro(), by, id); err != nil {
		return fmt.Errorf("sqlstore: release hold: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: release hold: %w", err)
	}
	return nil
}

const holdColumns = `id, kind, source, record_id, subject, category, range_from, range_to, placed_by, reason, placed_at, expires, released_at, released_by`

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

func scanHold(sc interface{ Scan(...any) error }) (retention.Hold, error) {
	var h retention.Hold
	var kind string
	var from, to, expires, released sql.NullInt64
	var placed int64
	var releasedBy sql.NullString
	if err := sc.Scan(&h.ID, &kind, &h.Scope.Source, &h.Scope.RecordID, &h.Scope.Subject, &h.Scope.Category, &from, &to, &h.PlacedBy, &h.Reason, &placed, &expires, &released, &releasedBy); err != nil {
		return h, err
	}
	h.Kind = retention.HoldKind(kind)
	h.Scope.From, h.Scope.To = fromMicros(from), fromMicros(to)
	h.PlacedAt = time.UnixMicro(placed).UTC()
	h.Expires, h.ReleasedAt = fromMicros(expires), fromMicros(released)
	h.ReleasedBy = releasedBy.String
	return h, nil
}

func (s *Store) getHold(ctx context.Context, q queryer, id string, lock bool) (retention.Hold, error) {
	query := `SELECT ` + holdColumns + ` FROM ` + s.holds + ` WHERE id = ` + s.ph(1)
	if lock && s.dialect != sqldialect.SQLite {
		query += ` FOR UPDATE`
	}
	h, err := scanHold(q.QueryRowContext(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("sqlstore: hold: %w", retention.ErrNotFound)
	}
	if err != nil {
		return h, fmt.Errorf("sqlstore: hold: %w", err)
	}
	return h, nil
}

// Get implements retention.HoldStore.
func (s *Store) Get(ctx context.Context, id string) (retention.Hold, error) {
	return s.getHold(ctx, s.db, id, false)
}

// Holds implements retention.HoldStore.
func (s *Store) Holds(ctx context.Context) ([]retention.Hold, error) {
	return s.loadHolds(ctx, s.db)
}

func (s *Store) loadHolds(ctx context.Context, q queryer) ([]retention.Hold, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+holdColumns+` FROM `+s.holds+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: holds: %w", err)
	}
	defer rows.Close()
	var out []retention.Hold
	for rows.Next() {
		h, err := scanHold(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: holds: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: holds: %w", err)
	}
	return out, nil
}

// ---- disposition log ----

// Entry is one line of the disposition log: how many records of one
// category in one source were disposed of, when, how and under which
// rules. It holds no personal data and no record IDs.
type Entry struct {
	Seq      int64            `json:"seq"`
	SweepID  string           `json:"sweep_id"`
	Kind     string           `json:"kind"` // "sweep" or "erasure"
	Schedule string           `json:"schedule"`
	Source   string           `json:"source"`
	Category string           `json:"category"`
	Rules    []string         `json:"rules"`
	Action   retention.Action `json:"action"`
	Count    int64            `json:"count"`
	At       time.Time        `json:"at"`
}

// Log returns the disposition log entries with Seq greater than after, in
// order, at most limit of them (0 for no limit).
func (s *Store) Log(ctx context.Context, after int64, limit int) ([]Entry, error) {
	q := `SELECT seq, sweep_id, kind, schedule, source, category, rules, action, count, at FROM ` + s.log + ` WHERE seq > ` + s.ph(1) + ` ORDER BY seq`
	args := []any{after}
	if limit > 0 {
		q += ` LIMIT ` + s.ph(2)
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: log: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var rules, action string
		var at int64
		if err := rows.Scan(&e.Seq, &e.SweepID, &e.Kind, &e.Schedule, &e.Source, &e.Category, &rules, &action, &e.Count, &at); err != nil {
			return nil, fmt.Errorf("sqlstore: log: %w", err)
		}
		e.Rules = strings.Split(rules, ",")
		e.Action = retention.Action(action)
		e.At = time.UnixMicro(at).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: log: %w", err)
	}
	return out, nil
}

func (s *Store) appendLog(ctx context.Context, tx *sql.Tx, e Entry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO `+s.log+` (sweep_id, kind, schedule, source, category, rules, action, count, at) VALUES (`+s.phs(1, 9)+`)`,
		e.SweepID, e.Kind, e.Schedule, e.Source, e.Category, strings.Join(e.Rules, ","), string(e.Action), e.Count, e.At.UnixMicro())
	if err != nil {
		return fmt.Errorf("sqlstore: append log: %w", err)
	}
	return nil
}
