package sqlstore

import (
	"bytes"
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

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/internal/migrate"
	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii/sqldialect"
)

//go:embed migrations
var migrations embed.FS

// Store is a consent.Store on database/sql, for SQLite, PostgreSQL and
// MySQL/MariaDB.
type Store struct {
	db      *sql.DB
	dialect sqldialect.Dialect
	q       queries
	retries int
	chain   *consent.ChainKey
	// wmu serialises this process's write transactions on SQLite, which
	// allows one writer at a time anyway: waiting on a mutex wakes the next
	// writer at once, where SQLite's busy handler sleeps and polls.
	wmu sync.Mutex

	// Group commit: Append queues requests; one writer goroutine at a time
	// (started when the queue fills, ended when it empties) commits them.
	qmu      sync.Mutex
	pending  []*appendReq
	writing  bool
	maxBatch int
}

// lockWrites takes the in-process write lock on SQLite; the returned
// function releases it. On PostgreSQL and MySQL it does nothing.
func (s *Store) lockWrites() func() {
	if s.dialect != sqldialect.SQLite {
		return func() {}
	}
	s.wmu.Lock()
	return s.wmu.Unlock
}

var (
	_ consent.Store       = (*Store)(nil)
	_ consent.StateReader = (*Store)(nil)
	_ consent.KeyedStore  = (*Store)(nil)
)

// ChainKey implements consent.KeyedStore: the key the store seals with,
// nil for the unkeyed chain.
func (s *Store) ChainKey() *consent.ChainKey { return s.chain }

// Options configures a Store. The zero value is a safe default.
type Options struct {
	// CreateRetries is how many times CreateSubject re-checks candidates
	// when another writer added a subject with the same blind index between
	// its check and its insert; default 10.
	CreateRetries int
	// MaxBatch is the most Append calls the store commits in one
	// transaction (group commit); default 256. 1 commits each Append in a
	// transaction of its own.
	MaxBatch int
	// ChainKey, if set, keys the hash chain: Append and AppendBatch seal
	// events with it (consent.ChainKey.Seal), and consent.Audit on the
	// store verifies with it. The key's keyring never sits in this
	// database. nil means the unkeyed chain. Give the Ledger's
	// Options.ChainKey the same key, or leave it nil: the Ledger takes
	// the store's.
	ChainKey *consent.ChainKey
}

// New returns a Store on db, whose dialect d is sqldialect.SQLite (driver
// "sqlite", modernc.org/sqlite), sqldialect.Postgres (driver "pgx",
// github.com/jackc/pgx/v5/stdlib) or sqldialect.MySQL (driver "mysql",
// github.com/go-sql-driver/mysql; MySQL 8 or MariaDB 10.6+);
// sqldialect.Auto detects it from the driver. Call Migrate before first
// use.
//
// For SQLite, open db with WAL journaling, a busy timeout and immediate
// transactions, for example
//
//	file:consent.db?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate
//
// so that concurrent writers wait for each other instead of failing.
func New(db *sql.DB, d sqldialect.Dialect, opts *Options) (*Store, error) {
	if db == nil {
		return nil, errors.New("consent/sqlstore: New needs a database")
	}
	d, err := sqldialect.Resolve(db, d)
	if err != nil {
		return nil, fmt.Errorf("consent/sqlstore: %w", err)
	}
	s := &Store{db: db, dialect: d, q: newQueries(d), retries: 10, maxBatch: 256}
	if opts != nil {
		if opts.CreateRetries < 0 || opts.MaxBatch < 0 {
			return nil, errors.New("consent/sqlstore: CreateRetries and MaxBatch must not be negative")
		}
		if opts.CreateRetries > 0 {
			s.retries = opts.CreateRetries
		}
		if opts.MaxBatch > 0 {
			s.maxBatch = opts.MaxBatch
		}
		s.chain = opts.ChainKey
	}
	return s, nil
}

// DB returns the store's database.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's dialect.
func (s *Store) Dialect() sqldialect.Dialect { return s.dialect }

// Migrations returns the migrations for dialect d as goose-style .sql
// files (NNNN_name.sql with "-- +goose Up" and "-- +goose Down" sections),
// the very files Migrate applies, for DBAs who apply schema changes under
// change control. Migrate records applied versions in
// consent_schema_migrations; goose keeps its own table.
func Migrations(d sqldialect.Dialect) (fs.FS, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("consent/sqlstore: no migrations for dialect %q", string(d))
	}
	sub, err := fs.Sub(migrations, "migrations/"+string(d))
	if err != nil {
		return nil, fmt.Errorf("consent/sqlstore: %w", err)
	}
	return sub, nil
}

func (s *Store) runner() (*migrate.Runner, error) {
	fsys, err := Migrations(s.dialect)
	if err != nil {
		return nil, err
	}
	ms, err := migrate.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("consent/sqlstore: %w", err)
	}
	return &migrate.Runner{
		DB: s.db, Dialect: s.dialect, Table: "consent_schema_migrations", Lock: "consent",
		LockKey:    0x636f6e73656e74, // "consent", the key of the store's runner before internal/migrate
		Migrations: ms, Mu: &s.wmu, Prefix: "consent/sqlstore",
	}, nil
}

// Migrate applies the migrations not yet recorded in the
// consent_schema_migrations table, each in its own transaction with its
// version row, so a failed migration leaves nothing behind (on MySQL,
// which commits each DDL statement, it can leave part of one). Concurrent
// Migrate calls (several app servers starting at once) wait for each other
// (an advisory lock on PostgreSQL, GET_LOCK on MySQL, the write lock on
// SQLite). See internal/migrate.
func (s *Store) Migrate(ctx context.Context) (err error) {
	defer unavailable(&err)
	r, err := s.runner()
	if err != nil {
		return err
	}
	return r.Up(ctx)
}

// SchemaVersion returns the highest applied migration version, 0 if none.
func (s *Store) SchemaVersion(ctx context.Context) (_ int, err error) {
	defer unavailable(&err)
	r, err := s.runner()
	if err != nil {
		return 0, err
	}
	return r.Version(ctx)
}

func nanos(t time.Time) int64 { return t.UTC().UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

func fromNullNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromNanos(n.Int64)
}

const subjectCols = `id, kind, contact, idx, created_at, forgotten_at`

type scanner interface{ Scan(...any) error }

func scanSubject(r scanner) (consent.SubjectRecord, error) {
	var rec consent.SubjectRecord
	var kind string
	var created int64
	var forgotten sql.NullInt64
	if err := r.Scan(&rec.ID, &kind, &rec.Contact, &rec.Index, &created, &forgotten); err != nil {
		return rec, err
	}
	rec.Kind = consent.ContactKind(kind)
	rec.CreatedAt = fromNanos(created)
	rec.ForgottenAt = fromNullNanos(forgotten)
	return rec, nil
}

func (s *Store) candidates(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, kind consent.ContactKind, index []byte) ([]consent.SubjectRecord, error) {
	rows, err := q.QueryContext(ctx, s.q.byIndex, string(kind), index)
	if err != nil {
		return nil, fmt.Errorf("consent/sqlstore: find subjects: %w", err)
	}
	defer rows.Close()
	var out []consent.SubjectRecord
	for rows.Next() {
		r, err := scanSubject(rows)
		if err != nil {
			return nil, fmt.Errorf("consent/sqlstore: find subjects: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("consent/sqlstore: find subjects: %w", err)
	}
	return out, nil
}

func lockKey(kind consent.ContactKind, index []byte) int64 {
	h := fnv.New64a()
	h.Write([]byte("consent-subject/" + kind + "/"))
	h.Write(index)
	return int64(h.Sum64())
}

// CreateSubject implements consent.Store. It calls same outside any
// transaction (same may open sealed values through a key store on the same
// database), then inserts under a lock (an advisory lock on the index in
// PostgreSQL, the write lock in SQLite) only if no new candidate appeared
// meanwhile; otherwise it calls same again with the new candidates.
func (s *Store) CreateSubject(ctx context.Context, rec consent.SubjectRecord, same func([]consent.SubjectRecord) (string, error)) (_ string, _ bool, err error) {
	defer unavailable(&err)
	seen := map[string]bool{}
	for range s.retries + 1 {
		cands, err := s.candidates(ctx, s.db, rec.Kind, rec.Index)
		if err != nil {
			return "", false, err
		}
		var fresh []consent.SubjectRecord
		for _, c := range cands {
			if !seen[seenKey(c)] {
				fresh = append(fresh, c)
			}
		}
		if len(fresh) > 0 && same != nil {
			id, err := same(fresh)
			if err != nil {
				return "", false, err
			}
			if id != "" {
				return id, false, nil
			}
		}
		for _, c := range fresh {
			seen[seenKey(c)] = true
		}
		ok, err := s.insertIfUnchanged(ctx, rec, seen)
		if err != nil {
			return "", false, err
		}
		if ok {
			return rec.ID, true, nil
		}
	}
	return "", false, errors.New("consent/sqlstore: create subject: too much contention on one blind index")
}

// seenKey names a candidate as same saw it: its id and its sealed contact
// point, since MoveContact can give a subject already seen a new one.
func seenKey(c consent.SubjectRecord) string { return c.ID + "\x00" + string(c.Contact) }

// beginIndexLocked begins a transaction that holds the lock keeping
// writers of one blind index apart: an advisory lock on the index in
// PostgreSQL, a named lock on a connection of its own in MySQL, and in
// SQLite the database's write lock, taken by writing the row of subject
// (which need not exist). done rolls back what was not committed and
// releases the lock.
func (s *Store) beginIndexLocked(ctx context.Context, kind consent.ContactKind, index []byte, subject string) (*sql.Tx, func(), error) {
	var tx *sql.Tx
	var err error
	var cleanup []func()
	done := func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}
	if s.dialect == sqldialect.MySQL {
		// MySQL's named locks belong to a session, not a transaction: take
		// one on a connection of our own, run the transaction on it, and
		// release the lock after the transaction ends.
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return nil, nil, err
		}
		cleanup = append(cleanup, func() { conn.Close() })
		name := fmt.Sprintf("consent-subject-%016x", uint64(lockKey(kind, index)))
		release, err := sqlq.LockMySQL(ctx, conn, name)
		if err != nil {
			done()
			return nil, nil, fmt.Errorf("lock: %w", err)
		}
		cleanup = append(cleanup, release)
		if tx, err = conn.BeginTx(ctx, nil); err != nil {
			done()
			return nil, nil, err
		}
	} else if tx, err = s.db.BeginTx(ctx, nil); err != nil {
		return nil, nil, err
	}
	cleanup = append(cleanup, func() { _ = tx.Rollback() })
	switch s.dialect {
	case sqldialect.MySQL:
		// Locked above.
	case sqldialect.Postgres:
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey(kind, index)); err != nil {
			done()
			return nil, nil, fmt.Errorf("lock: %w", err)
		}
	default:
		// Write before reading, so that the transaction holds SQLite's write
		// lock from its start even when the DSN does not ask for immediate
		// transactions; upgrading a read transaction later fails at once with
		// SQLITE_BUSY if another writer committed meanwhile.
		if _, err := tx.ExecContext(ctx, s.q.takeLock, subject); err != nil {
			done()
			return nil, nil, fmt.Errorf("lock: %w", err)
		}
	}
	return tx, done, nil
}

func (s *Store) insertIfUnchanged(ctx context.Context, rec consent.SubjectRecord, seen map[string]bool) (bool, error) {
	defer s.lockWrites()()
	tx, done, err := s.beginIndexLocked(ctx, rec.Kind, rec.Index, rec.ID)
	if err != nil {
		return false, fmt.Errorf("consent/sqlstore: create subject: %w", err)
	}
	defer done()
	cands, err := s.candidates(ctx, tx, rec.Kind, rec.Index)
	if err != nil {
		return false, err
	}
	for _, c := range cands {
		if !seen[seenKey(c)] {
			return false, nil // a new candidate: check it first
		}
	}
	if _, err := tx.ExecContext(ctx, s.q.insertSubject, rec.ID, string(rec.Kind), rec.Contact, rec.Index, nanos(rec.CreatedAt)); err != nil {
		return false, fmt.Errorf("consent/sqlstore: create subject: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("consent/sqlstore: create subject: %w", err)
	}
	return true, nil
}

// Subject implements consent.Store.
func (s *Store) Subject(ctx context.Context, id string) (_ consent.SubjectRecord, err error) {
	defer unavailable(&err)
	r, err := scanSubject(s.db.QueryRowContext(ctx, s.q.subject, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, consent.ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("consent/sqlstore: subject: %w", err)
	}
	return r, nil
}

// SubjectsByIndex implements consent.Store.
func (s *Store) SubjectsByIndex(ctx context.Context, kind consent.ContactKind, index []byte) (_ []consent.SubjectRecord, err error) {
	defer unavailable(&err)
	return s.candidates(ctx, s.db, kind, index)
}

// ForgetSubject implements consent.Store. Its UPDATE of the subject row
// serialises with appends for the subject, which lock that row (see
// Append): appends committed before it are visible to a read after it
// returns; appends after it, other than withdrawals, fail with
// consent.ErrForgotten.
func (s *Store) ForgetSubject(ctx context.Context, id string, at time.Time) (err error) {
	defer unavailable(&err)
	defer s.lockWrites()()
	res, err := s.db.ExecContext(ctx, s.q.forget, nanos(at), id)
	if err != nil {
		return fmt.Errorf("consent/sqlstore: forget subject: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		// MySQL counts changed rows, not matched ones: forgetting a
		// forgotten subject changes nothing.
		if s.dialect == sqldialect.MySQL {
			if _, err := s.Subject(ctx, id); err == nil {
				return nil
			}
		}
		return consent.ErrNotFound
	}
	return nil
}

// ListSubjects implements consent.Store.
func (s *Store) ListSubjects(ctx context.Context, after string, limit int) (_ []string, err error) {
	defer unavailable(&err)
	rows, err := s.db.QueryContext(ctx, s.q.list, after, limit)
	if err != nil {
		return nil, fmt.Errorf("consent/sqlstore: list subjects: %w", err)
	}
	return scanIDs(rows)
}

func scanIDs(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("consent/sqlstore: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("consent/sqlstore: %w", err)
	}
	return ids, nil
}

const eventCols = `subject, seq, type, purpose, channel, method, notice_id, notice_version, actor, detail, occurred_at, recorded_at, prev_hash, hash, hash_scheme, hash_key`

func scanEvent(r scanner) (consent.Event, error) {
	var e consent.Event
	var typ, ch, method string
	var occ, recd, scheme, key int64
	err := r.Scan(&e.Subject, &e.Seq, &typ, &e.Purpose, &ch, &method, &e.Notice.ID, &e.Notice.Version,
		&e.Actor, &e.Detail, &occ, &recd, &e.PrevHash, &e.Hash, &scheme, &key)
	e.Type, e.Channel, e.Method = consent.EventType(typ), consent.Channel(ch), consent.Method(method)
	e.HashScheme, e.HashKey = hashScheme(scheme, key)
	e.OccurredAt, e.RecordedAt = fromNanos(occ), fromNanos(recd)
	return e, err
}

// hashScheme converts the stored hash_scheme and hash_key columns; values
// out of range become scheme 0, which no chain accepts.
func hashScheme(scheme, key int64) (consent.HashScheme, uint32) {
	if scheme < 0 || scheme > 255 || key < 0 || key > 1<<32-1 {
		return 0, 0
	}
	return consent.HashScheme(scheme), uint32(key)
}

func nilIfEmpty(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// Events implements consent.Store.
func (s *Store) Events(ctx context.Context, subject string) (_ []consent.Event, err error) {
	defer unavailable(&err)
	rows, err := s.db.QueryContext(ctx, s.q.events, subject)
	if err != nil {
		return nil, fmt.Errorf("consent/sqlstore: events: %w", err)
	}
	defer rows.Close()
	var out []consent.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("consent/sqlstore: events: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("consent/sqlstore: events: %w", err)
	}
	return out, nil
}

func (s *Store) one(ctx context.Context, query string, args ...any) (consent.Event, error) {
	e, err := scanEvent(s.db.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return consent.Event{}, consent.ErrNotFound
	}
	if err != nil {
		return consent.Event{}, fmt.Errorf("consent/sqlstore: latest event: %w", err)
	}
	return e, nil
}

// Latest implements consent.Store.
func (s *Store) Latest(ctx context.Context, subject, purpose string, ch consent.Channel) (_ consent.Event, err error) {
	defer unavailable(&err)
	return s.one(ctx, s.q.latest, subject, purpose, string(ch))
}

// LatestRequested implements consent.Store.
func (s *Store) LatestRequested(ctx context.Context, subject, purpose string, ch consent.Channel) (_ consent.Event, err error) {
	defer unavailable(&err)
	return s.one(ctx, s.q.latestRequested, subject, purpose, string(ch))
}

// State implements consent.StateReader: the subject and its latest
// decided event for the pair, else its latest request, in one query.
func (s *Store) State(ctx context.Context, subject, purpose string, ch consent.Channel) (_ consent.SubjectRecord, _ *consent.Event, err error) {
	defer unavailable(&err)
	var rec consent.SubjectRecord
	var kind string
	var created int64
	var forgotten sql.NullInt64
	var (
		eSubject, typ, ePurpose, eCh, method, noticeID, actor, detail sql.NullString
		seq, noticeVersion, occ, recd, scheme, key                    sql.NullInt64
		prevHash, hash                                                []byte
	)
	err = s.db.QueryRowContext(ctx, s.q.state, purpose, string(ch), purpose, string(ch), subject).Scan(
		&rec.ID, &kind, &rec.Contact, &rec.Index, &created, &forgotten,
		&eSubject, &seq, &typ, &ePurpose, &eCh, &method, &noticeID, &noticeVersion, &actor, &detail, &occ, &recd, &prevHash, &hash, &scheme, &key)
	if errors.Is(err, sql.ErrNoRows) {
		return rec, nil, consent.ErrNotFound
	}
	if err != nil {
		return rec, nil, fmt.Errorf("consent/sqlstore: state: %w", err)
	}
	rec.Kind = consent.ContactKind(kind)
	rec.CreatedAt = fromNanos(created)
	rec.ForgottenAt = fromNullNanos(forgotten)
	if !eSubject.Valid {
		return rec, nil, nil
	}
	e := &consent.Event{
		Subject: eSubject.String, Seq: seq.Int64, Type: consent.EventType(typ.String), Purpose: ePurpose.String,
		Channel: consent.Channel(eCh.String), Method: consent.Method(method.String),
		Notice: consent.NoticeRef{ID: noticeID.String, Version: int(noticeVersion.Int64)},
		Actor:  actor.String, Detail: detail.String, OccurredAt: fromNanos(occ.Int64), RecordedAt: fromNanos(recd.Int64),
		PrevHash: prevHash, Hash: hash,
	}
	e.HashScheme, e.HashKey = hashScheme(scheme.Int64, key.Int64)
	return rec, e, nil
}

// Resting implements consent.Store.
func (s *Store) Resting(ctx context.Context, purpose, noticeID string, version int) (_ []string, err error) {
	defer unavailable(&err)
	rows, err := s.db.QueryContext(ctx, s.q.resting, purpose, noticeID, version)
	if err != nil {
		return nil, fmt.Errorf("consent/sqlstore: resting: %w", err)
	}
	return scanIDs(rows)
}

// insertOnce runs an INSERT of one row that may meet a duplicate key and
// reports whether it inserted the row.
func (s *Store) insertOnce(ctx context.Context, x interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, query string, args ...any) (bool, error) {
	res, err := x.ExecContext(ctx, query, args...)
	if s.dialect == sqldialect.MySQL && sqlq.IsDuplicateKey(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return err == nil && n == 1, nil
}

// PutNotice implements consent.Store.
func (s *Store) PutNotice(ctx context.Context, n consent.Notice) (err error) {
	defer unavailable(&err)
	inserted, err := s.insertOnce(ctx, s.db, s.q.putNotice, n.ID, n.Version, n.TextSHA256, n.URL, nanos(n.EffectiveAt))
	if err != nil {
		return fmt.Errorf("consent/sqlstore: put notice: %w", err)
	}
	if inserted {
		return nil
	}
	old, err := s.Notice(ctx, n.ID, n.Version)
	if err != nil {
		return err
	}
	if !bytes.Equal(old.TextSHA256, n.TextSHA256) {
		return consent.ErrNoticeConflict
	}
	return nil
}

// Notice implements consent.Store.
func (s *Store) Notice(ctx context.Context, id string, version int) (_ consent.Notice, err error) {
	defer unavailable(&err)
	var n consent.Notice
	var eff int64
	err = s.db.QueryRowContext(ctx, s.q.notice, id, version).Scan(&n.ID, &n.Version, &n.TextSHA256, &n.URL, &eff)
	if errors.Is(err, sql.ErrNoRows) {
		return n, consent.ErrNotFound
	}
	if err != nil {
		return n, fmt.Errorf("consent/sqlstore: notice: %w", err)
	}
	n.EffectiveAt = fromNanos(eff)
	return n, nil
}

// queries holds the SQL for one dialect, with placeholders rebound.
type queries struct {
	d  sqldialect.Dialect
	pg bool

	takeLock, byIndex, insertSubject, subject, forget, list, move, heads string
	useToken, insertEvent, events, latest                                string
	latestRequested, resting, state, putNotice, notice                   string
	pgLockSubjects, pgLockHeads, pgInsertEvents, pgSetSeqs, sqliteSetSeq string
}

func newQueries(d sqldialect.Dialect) queries {
	q := queries{d: d, pg: d == sqldialect.Postgres}
	q.takeLock = q.rebind(`UPDATE consent_subjects SET last_seq = last_seq WHERE id = ?`)
	q.byIndex = q.rebind(`SELECT ` + subjectCols + ` FROM consent_subjects WHERE kind = ? AND idx = ? AND forgotten_at IS NULL ORDER BY id`)
	q.insertSubject = q.rebind(`INSERT INTO consent_subjects (id, kind, contact, idx, created_at) VALUES (?, ?, ?, ?, ?)`)
	q.subject = q.rebind(`SELECT ` + subjectCols + ` FROM consent_subjects WHERE id = ?`)
	q.forget = q.rebind(`UPDATE consent_subjects SET contact = NULL, idx = NULL, forgotten_at = COALESCE(forgotten_at, ?) WHERE id = ?`)
	q.move = q.rebind(`UPDATE consent_subjects SET contact = ?, idx = ? WHERE id = ? AND kind = ? AND forgotten_at IS NULL`)
	q.heads = q.rebind(`SELECT s.id, s.last_seq, e.hash FROM consent_subjects s
		JOIN consent_events e ON e.subject = s.id AND e.seq = s.last_seq
		WHERE s.id > ? ORDER BY s.id LIMIT ?`)
	q.list = q.rebind(`SELECT id FROM consent_subjects WHERE id > ? ORDER BY id LIMIT ?`)
	// insertOnce runs useToken and putNotice: on MySQL a duplicate key
	// is an error it recognises, elsewhere ON CONFLICT DO NOTHING.
	onConflict := ` ON CONFLICT DO NOTHING`
	if d == sqldialect.MySQL {
		onConflict = ``
	}
	q.useToken = q.rebind(`INSERT INTO consent_used_tokens (id, subject, used_at) VALUES (?, ?, ?)` + onConflict)
	q.insertEvent = q.rebind(`INSERT INTO consent_events (` + eventCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	// Group commit on PostgreSQL: one statement each to lock the batch's
	// subjects (in id order, so that batches in different processes cannot
	// deadlock), read their chain heads (after the lock, in a statement of
	// its own: see lockHeads), insert its events and move its sequence
	// counters, whatever the batch size.
	q.pgLockSubjects = `SELECT id FROM consent_subjects WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`
	q.pgLockHeads = `SELECT s.id, s.last_seq, s.forgotten_at IS NOT NULL, e.hash FROM consent_subjects s
		LEFT JOIN consent_events e ON e.subject = s.id AND e.seq = s.last_seq
		WHERE s.id = ANY($1::text[])`
	q.pgInsertEvents = `INSERT INTO consent_events (` + eventCols + `)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
			$8::integer[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::bytea[], $14::bytea[],
			$15::smallint[], $16::bigint[])`
	q.pgSetSeqs = `UPDATE consent_subjects s SET last_seq = v.seq
		FROM unnest($1::text[], $2::bigint[]) AS v(id, seq) WHERE s.id = v.id`
	q.sqliteSetSeq = `UPDATE consent_subjects SET last_seq = ? WHERE id = ?`
	q.events = q.rebind(`SELECT ` + eventCols + ` FROM consent_events WHERE subject = ? ORDER BY seq`)
	q.latest = q.rebind(`SELECT ` + eventCols + ` FROM consent_events WHERE subject = ? AND purpose = ? AND channel = ? AND type <> 'requested' ORDER BY seq DESC LIMIT 1`)
	q.latestRequested = q.rebind(`SELECT ` + eventCols + ` FROM consent_events WHERE subject = ? AND purpose = ? AND channel = ? AND type = 'requested' ORDER BY seq DESC LIMIT 1`)
	// The latest decided event, else the latest request: each subquery is
	// one seek on its partial index (migration 0002), and COALESCE runs the
	// second only when the first finds nothing.
	q.state = q.rebind(`SELECT s.id, s.kind, s.contact, s.idx, s.created_at, s.forgotten_at,
		e.subject, e.seq, e.type, e.purpose, e.channel, e.method, e.notice_id, e.notice_version, e.actor, e.detail, e.occurred_at, e.recorded_at, e.prev_hash, e.hash, e.hash_scheme, e.hash_key
		FROM consent_subjects s
		LEFT JOIN consent_events e ON e.subject = s.id AND e.seq = COALESCE(
			(SELECT x.seq FROM consent_events x
			 WHERE x.subject = s.id AND x.purpose = ? AND x.channel = ? AND x.type <> 'requested'
			 ORDER BY x.seq DESC LIMIT 1),
			(SELECT x.seq FROM consent_events x
			 WHERE x.subject = s.id AND x.purpose = ? AND x.channel = ? AND x.type = 'requested'
			 ORDER BY x.seq DESC LIMIT 1))
		WHERE s.id = ?`)
	q.resting = q.rebind(`SELECT DISTINCT e.subject FROM consent_events e
		WHERE e.purpose = ? AND e.notice_id = ? AND e.notice_version < ?
		  AND e.type IN ('given', 'confirmed', 'renewed')
		  AND e.seq = (SELECT MAX(x.seq) FROM consent_events x
		               WHERE x.subject = e.subject AND x.purpose = e.purpose AND x.channel = e.channel AND x.type <> 'requested')
		ORDER BY e.subject`)
	if d == sqldialect.MySQL {
		// MySQL has no partial indexes: its migration 0002 adds the
		// generated column requested and indexes it (see there).
		for _, p := range []*string{&q.latest, &q.latestRequested, &q.state, &q.resting} {
			*p = strings.NewReplacer(
				`x.type <> 'requested'`, `x.requested = 0`, `x.type = 'requested'`, `x.requested = 1`,
				`AND type <> 'requested'`, `AND requested = 0`, `AND type = 'requested'`, `AND requested = 1`,
			).Replace(*p)
		}
	}
	q.putNotice = q.rebind(`INSERT INTO consent_notices (id, version, text_sha256, url, effective_at) VALUES (?, ?, ?, ?, ?)` + onConflict)
	q.notice = q.rebind(`SELECT id, version, text_sha256, url, effective_at FROM consent_notices WHERE id = ? AND version = ?`)
	return q
}

// rebind rewrites ? placeholders for the store's dialect ($1, $2... on
// PostgreSQL). The queries here hold no ? inside string literals.
func (q queries) rebind(s string) string { return sqlq.Rebind(q.d, s) }

// unavailable marks *err as consent.ErrUnavailable, keeping its cause,
// when it is a failure that may succeed on retry (see sqlq.Transient).
func unavailable(err *error) {
	if *err != nil && !errors.Is(*err, consent.ErrUnavailable) && sqlq.Transient(*err) {
		*err = fmt.Errorf("%w: %w", consent.ErrUnavailable, *err)
	}
}
