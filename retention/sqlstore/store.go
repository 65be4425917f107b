package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/civickit/privacy/retention"
)

// Dialect is the SQL dialect of a database.
type Dialect int

// The dialects. The zero value detects the dialect from the driver.
const (
	DialectAuto Dialect = iota
	SQLite              // modernc.org/sqlite (driver "sqlite")
	Postgres            // github.com/jackc/pgx/v5/stdlib (driver "pgx")
)

// String returns "sqlite", "postgres" or "auto".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	}
	return "auto"
}

// Options configures a Store. The zero value (and nil) means: detect the
// dialect from the driver, and name the tables retention_holds,
// retention_disposition_log, retention_sweep_cursor and
// retention_shred_queue.
type Options struct {
	Dialect Dialect
	// TablePrefix replaces "retention_" in the table names. It must be an
	// SQL identifier (letters, digits, underscores).
	TablePrefix string
}

// Store keeps holds, the disposition log and sweep state in an SQL
// database, next to the records it sweeps. It is safe for concurrent use,
// and several processes may share one database.
type Store struct {
	db      *sql.DB
	dialect Dialect
	holds   string // quoted table names
	log     string
	cursor  string
	shred   string
	lockKey int64 // PostgreSQL advisory lock key for hold changes (key^1: migrations)
	prefix  string

	gateOnce sync.Once
	gateMu   *sync.RWMutex // see gate.go (SQLite only)
}

var _ retention.HoldStore = (*Store)(nil)

// ErrNotMigrated reports tables that do not exist yet: call Migrate.
var ErrNotMigrated = errors.New("sqlstore: tables missing; call Migrate")

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// ValidIdentifier reports whether s is an identifier this package will put
// into SQL: a letter or underscore, then letters, digits and underscores,
// 63 bytes at most. Table names may be schema-qualified ("billing.receipts").
func ValidIdentifier(s string) bool { return identRe.MatchString(s) }

// quoteIdent quotes a validated identifier, or a schema-qualified one.
func quoteIdent(s string) (string, error) {
	parts := strings.Split(s, ".")
	if len(parts) > 2 {
		return "", fmt.Errorf("sqlstore: %w: identifier has more than one dot", retention.ErrInvalid)
	}
	for i, p := range parts {
		if !ValidIdentifier(p) {
			return "", fmt.Errorf("sqlstore: %w: %q is not a valid SQL identifier", retention.ErrInvalid, clip(s))
		}
		parts[i] = `"` + p + `"`
	}
	return strings.Join(parts, "."), nil
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
	if !ValidIdentifier(o.TablePrefix + "x") {
		return nil, fmt.Errorf("sqlstore: table prefix %q: %w", clip(o.TablePrefix), retention.ErrInvalid)
	}
	if o.Dialect == DialectAuto {
		switch t := fmt.Sprintf("%T", db.Driver()); {
		case strings.Contains(t, "sqlite"):
			o.Dialect = SQLite
		case strings.Contains(t, "stdlib"), strings.Contains(t, "pgx"), strings.Contains(t, "pq."):
			o.Dialect = Postgres
		default:
			return nil, fmt.Errorf("sqlstore: cannot detect the dialect of driver %s; set Options.Dialect", t)
		}
	}
	if o.Dialect != SQLite && o.Dialect != Postgres {
		return nil, fmt.Errorf("sqlstore: unknown dialect %d", o.Dialect)
	}
	s := &Store{db: db, dialect: o.Dialect, prefix: o.TablePrefix}
	s.holds = `"` + o.TablePrefix + `holds"`
	s.log = `"` + o.TablePrefix + `disposition_log"`
	s.cursor = `"` + o.TablePrefix + `sweep_cursor"`
	s.shred = `"` + o.TablePrefix + `shred_queue"`
	h := fnv.New64a()
	h.Write([]byte("civickit/retention/" + o.TablePrefix))
	s.lockKey = int64(h.Sum64() >> 1)
	return s, nil
}

// DB returns the database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.dialect }

// ph returns the n-th (1-based) placeholder.
func (s *Store) ph(n int) string {
	if s.dialect == Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// phs returns placeholders from..from+n-1 separated by commas.
func (s *Store) phs(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s.ph(from + i))
	}
	return b.String()
}

// Migrate creates the tables (and, on PostgreSQL, serialises concurrent
// migrations with an advisory lock). The disposition log is made
// append-only with triggers that reject UPDATE and DELETE.
func (s *Store) Migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer tx.Rollback()
	var stmts []string
	p := s.prefix
	if s.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, s.lockKey^1); err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", err)
		}
		stmts = []string{
			`CREATE TABLE IF NOT EXISTS ` + s.holds + ` (id TEXT PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, record_id TEXT NOT NULL, subject TEXT NOT NULL, category TEXT NOT NULL, range_from BIGINT, range_to BIGINT, placed_by TEXT NOT NULL, reason TEXT NOT NULL, placed_at BIGINT NOT NULL, expires BIGINT, released_at BIGINT, released_by TEXT)`,
			`CREATE TABLE IF NOT EXISTS ` + s.log + ` (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, sweep_id TEXT NOT NULL, kind TEXT NOT NULL, schedule TEXT NOT NULL, source TEXT NOT NULL, category TEXT NOT NULL, rules TEXT NOT NULL, action TEXT NOT NULL, count BIGINT NOT NULL, at BIGINT NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS ` + s.cursor + ` (source TEXT PRIMARY KEY, last_key TEXT, key_int BOOLEAN NOT NULL DEFAULT FALSE, pass BIGINT NOT NULL DEFAULT 0, updated_at BIGINT NOT NULL DEFAULT 0)`,
			`CREATE TABLE IF NOT EXISTS ` + s.shred + ` (subject TEXT PRIMARY KEY, queued_at BIGINT NOT NULL)`,
			`CREATE OR REPLACE FUNCTION "` + p + `log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'retention: the disposition log is append-only'; END $$`,
			`CREATE OR REPLACE TRIGGER "` + p + `log_append_only" BEFORE UPDATE OR DELETE ON ` + s.log + ` FOR EACH ROW EXECUTE FUNCTION "` + p + `log_append_only"()`,
			`CREATE OR REPLACE TRIGGER "` + p + `log_no_truncate" BEFORE TRUNCATE ON ` + s.log + ` FOR EACH STATEMENT EXECUTE FUNCTION "` + p + `log_append_only"()`,
		}
	} else {
		stmts = []string{
			`CREATE TABLE IF NOT EXISTS ` + s.holds + ` (id TEXT PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, record_id TEXT NOT NULL, subject TEXT NOT NULL, category TEXT NOT NULL, range_from INTEGER, range_to INTEGER, placed_by TEXT NOT NULL, reason TEXT NOT NULL, placed_at INTEGER NOT NULL, expires INTEGER, released_at INTEGER, released_by TEXT)`,
			`CREATE TABLE IF NOT EXISTS ` + s.log + ` (seq INTEGER PRIMARY KEY AUTOINCREMENT, sweep_id TEXT NOT NULL, kind TEXT NOT NULL, schedule TEXT NOT NULL, source TEXT NOT NULL, category TEXT NOT NULL, rules TEXT NOT NULL, action TEXT NOT NULL, count INTEGER NOT NULL, at INTEGER NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS ` + s.cursor + ` (source TEXT PRIMARY KEY, last_key TEXT, key_int INTEGER NOT NULL DEFAULT 0, pass INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL DEFAULT 0)`,
			`CREATE TABLE IF NOT EXISTS ` + s.shred + ` (subject TEXT PRIMARY KEY, queued_at INTEGER NOT NULL)`,
			`CREATE TRIGGER IF NOT EXISTS "` + p + `log_no_update" BEFORE UPDATE ON ` + s.log + ` BEGIN SELECT RAISE(ABORT, 'retention: the disposition log is append-only'); END`,
			`CREATE TRIGGER IF NOT EXISTS "` + p + `log_no_delete" BEFORE DELETE ON ` + s.log + ` BEGIN SELECT RAISE(ABORT, 'retention: the disposition log is append-only'); END`,
		}
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return nil
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
	if lock && s.dialect == Postgres {
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
