package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/internal/sqlq"
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
