package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/internal/migrate"
	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

func openKeyed(t *testing.T, db *sql.DB, d sqldialect.Dialect, key *consent.ChainKey) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.New(db, d, &sqlstore.Options{ChainKey: key})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

// tamperer rewrites consent_events as the database's owner can: it drops
// (or disables) the append-only triggers first.
type tamperer struct {
	db   *sql.DB
	d    sqldialect.Dialect
	once sync.Once
	err  error
}

func (tm *tamperer) Rewrite(ctx context.Context, subject string, events []consent.Event) error {
	tm.once.Do(func() {
		stmts := map[sqldialect.Dialect][]string{
			sqldialect.SQLite:   {`DROP TRIGGER consent_events_no_update`, `DROP TRIGGER consent_events_no_delete`},
			sqldialect.Postgres: {`ALTER TABLE consent_events DISABLE TRIGGER USER`},
			sqldialect.MySQL:    {`DROP TRIGGER consent_events_no_update`, `DROP TRIGGER consent_events_no_delete`},
		}[tm.d]
		for _, q := range stmts {
			if _, err := tm.db.ExecContext(ctx, q); err != nil {
				tm.err = fmt.Errorf("%s: %w", q, err)
				return
			}
		}
	})
	if tm.err != nil {
		return tm.err
	}
	tx, err := tm.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, sqlq.Rebind(tm.d, `DELETE FROM consent_events WHERE subject = ?`), subject); err != nil {
		return err
	}
	ins := sqlq.Rebind(tm.d, `INSERT INTO consent_events (subject, seq, type, purpose, channel, method, notice_id, notice_version,
		actor, detail, occurred_at, recorded_at, prev_hash, hash, hash_scheme, hash_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	for _, e := range events {
		var prev any
		if len(e.PrevHash) > 0 {
			prev = e.PrevHash
		}
		if _, err := tx.ExecContext(ctx, ins, subject, e.Seq, string(e.Type), e.Purpose, string(e.Channel), string(e.Method),
			e.Notice.ID, e.Notice.Version, e.Actor, e.Detail, e.OccurredAt.UnixNano(), e.RecordedAt.UnixNano(),
			prev, e.Hash, int64(e.HashScheme), int64(e.HashKey)); err != nil {
			return err
		}
	}
	var last int64
	if len(events) > 0 {
		last = events[len(events)-1].Seq
	}
	if _, err := tx.ExecContext(ctx, sqlq.Rebind(tm.d, `UPDATE consent_subjects SET last_seq = ? WHERE id = ?`), last, subject); err != nil {
		return err
	}
	return tx.Commit()
}

func TestKeyedConformance(t *testing.T) {
	for name, mk := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			key := consenttest.NewChainKey(t, nil)
			consenttest.Run(t, func(t *testing.T) consent.Store {
				db, d := mk(t)
				return openKeyed(t, db, d, key)
			})
		})
	}
}

func TestTampering(t *testing.T) {
	for name, mk := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			consenttest.RunTamper(t, func(t *testing.T, key *consent.ChainKey) (consent.Store, consenttest.Tamperer) {
				db, d := mk(t)
				return openKeyed(t, db, d, key), &tamperer{db: db, d: d}
			})
		})
	}
}

// A database migrated before 0003 keeps its unkeyed events verifiable:
// migration 0003 marks them scheme 1, a keyed store whose KeyedSince
// follows them verifies them and keys what it appends next, and a key
// without KeyedSince refuses them (loudly, not silently).
func TestMigration0003MovesToTheKeyedChain(t *testing.T) {
	for name, mk := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, d := mk(t)
			old := &migrate.Runner{DB: db, Dialect: d, Table: "consent_schema_migrations", Lock: "consent",
				Migrations: loadMigrations(t, d)[:2], Prefix: "test"}
			require.NoError(t, old.Up(ctx))
			at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
			const id = "s_before_0003"
			_, err := db.ExecContext(ctx, sqlq.Rebind(d, `INSERT INTO consent_subjects (id, kind, contact, idx, created_at, last_seq) VALUES (?, 'email', ?, ?, ?, 3)`),
				id, []byte{1}, []byte{2}, at.UnixNano())
			require.NoError(t, err)
			var prev *consent.Event
			for i := range 3 {
				e := consent.Event{Subject: id, Type: consent.Given, Purpose: "news", Channel: consent.Email, Method: consent.Paper,
					Actor: "staff:1", OccurredAt: at.Add(time.Duration(i) * time.Hour), RecordedAt: at.Add(time.Duration(i) * time.Hour)}
				consent.Seal(&e, prev)
				var ph any
				if prev != nil {
					ph = e.PrevHash
				}
				_, err := db.ExecContext(ctx, sqlq.Rebind(d, `INSERT INTO consent_events (subject, seq, type, purpose, channel, method, notice_id, notice_version,
					actor, detail, occurred_at, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, '', 0, ?, '', ?, ?, ?, ?)`),
					id, e.Seq, string(e.Type), e.Purpose, string(e.Channel), string(e.Method), e.Actor, e.OccurredAt.UnixNano(), e.RecordedAt.UnixNano(), ph, e.Hash)
				require.NoError(t, err)
				prev = &e
			}

			kr, err := pii.NewKeyring(pii.Indexing)
			require.NoError(t, err)
			key, err := consent.NewChainKey(kr, &consent.ChainKeyOptions{KeyedSince: at.Add(24 * time.Hour)})
			require.NoError(t, err)
			s := openKeyed(t, db, d, key) // applies 0003
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			assert.GreaterOrEqual(t, v, 3)
			events, err := s.Events(ctx, id)
			require.NoError(t, err)
			require.Len(t, events, 3)
			for _, e := range events {
				assert.Equal(t, consent.HashSHA256, e.HashScheme, "events from before 0003 are unkeyed")
				assert.Zero(t, e.HashKey)
			}
			l, err := consent.New(s, consenttest.NewKeys(t, 0), &consent.Options{Now: func() time.Time { return at.Add(48 * time.Hour) }})
			require.NoError(t, err)
			require.NoError(t, l.Verify(ctx, id), "unkeyed events recorded before KeyedSince verify")
			got, err := l.Record(ctx, consent.Event{Subject: id, Type: consent.Withdrawn, Purpose: "news", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
			require.NoError(t, err)
			assert.Equal(t, consent.HashKeyedPRF, got.HashScheme)
			assert.Equal(t, events[2].Hash, got.PrevHash)
			require.NoError(t, l.Verify(ctx, id))

			strict, err := consent.NewChainKey(kr, nil)
			require.NoError(t, err)
			events, err = s.Events(ctx, id)
			require.NoError(t, err)
			assert.ErrorIs(t, strict.Verify(id, events), consent.ErrChainBroken, "without KeyedSince the unkeyed events are refused")
		})
	}
}
