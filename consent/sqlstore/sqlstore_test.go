package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/internal/migrate"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

func open(t *testing.T, db *sql.DB, d sqldialect.Dialect) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.New(db, d, nil)
	require.NoError(t, err)
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

func TestSQLiteConformance(t *testing.T) {
	consenttest.Run(t, func(t *testing.T) consent.Store { return open(t, testdb.SQLite(t), sqldialect.SQLite) })
}

func TestPostgresConformance(t *testing.T) {
	consenttest.Run(t, func(t *testing.T) consent.Store { return open(t, testdb.Postgres(t), sqldialect.Postgres) })
}

func TestMySQLConformance(t *testing.T) {
	consenttest.Run(t, func(t *testing.T) consent.Store { return open(t, testdb.MySQL(t), sqldialect.MySQL) })
}

func TestDialectDetected(t *testing.T) {
	s, err := sqlstore.New(testdb.SQLite(t), sqldialect.Auto, nil)
	require.NoError(t, err)
	assert.Equal(t, sqldialect.SQLite, s.Dialect(), "Auto detects modernc sqlite")
}

func dialects(t *testing.T) map[string]func(t *testing.T) (*sql.DB, sqldialect.Dialect) {
	return map[string]func(t *testing.T) (*sql.DB, sqldialect.Dialect){
		"sqlite":   func(t *testing.T) (*sql.DB, sqldialect.Dialect) { return testdb.SQLite(t), sqldialect.SQLite },
		"postgres": func(t *testing.T) (*sql.DB, sqldialect.Dialect) { return testdb.Postgres(t), sqldialect.Postgres },
		"mysql":    func(t *testing.T) (*sql.DB, sqldialect.Dialect) { return testdb.MySQL(t), sqldialect.MySQL },
	}
}

// loadMigrations returns the store's migrations for d, parsed.
func loadMigrations(t *testing.T, d sqldialect.Dialect) []migrate.Migration {
	t.Helper()
	fsys, err := sqlstore.Migrations(d)
	require.NoError(t, err)
	ms, err := migrate.Load(fsys)
	require.NoError(t, err)
	return ms
}

func TestEventsAreAppendOnly(t *testing.T) {
	for name, mk := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			db, d := mk(t)
			s := open(t, db, d)
			ctx := context.Background()
			keys := consenttest.NewKeys(t, 0)
			l, err := consent.New(s, keys, nil)
			require.NoError(t, err)
			id, err := l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
			require.NoError(t, err)
			_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "news", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
			require.NoError(t, err)
			require.NoError(t, l.PublishNotice(ctx, consent.NewNotice("privacy", 1, []byte("v1"), "", time.Now())))

			cases := []struct{ why, stmt string }{
				{"rewriting an event's type", `UPDATE consent_events SET type = 'withdrawn'`},
				{"rewriting history quietly", `UPDATE consent_events SET detail = 'x' WHERE seq = 1`},
				{"deleting an event", `DELETE FROM consent_events WHERE seq = 1`},
				{"deleting everything", `DELETE FROM consent_events`},
				{"rewriting a notice", `UPDATE consent_notices SET url = 'https://example.invalid/'`},
				{"deleting a notice", `DELETE FROM consent_notices`},
			}
			if d == sqldialect.Postgres {
				cases = append(cases, struct{ why, stmt string }{"truncating the events", `TRUNCATE consent_events`})
			}
			for _, c := range cases {
				_, err := db.ExecContext(ctx, c.stmt)
				if assert.Error(t, err, c.why) {
					assert.Contains(t, err.Error(), "append-only", c.why)
				}
			}
			events, err := l.History(ctx, id)
			require.NoError(t, err)
			require.Len(t, events, 1, "the event survived")
			assert.Equal(t, consent.Given, events[0].Type)
			assert.NoError(t, l.Verify(ctx, id))
			// The subjects table is not append-only: forgetting clears it.
			require.NoError(t, l.Forget(ctx, id, consent.StaffAction, "staff:1"))
			var n int
			require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM consent_subjects WHERE contact IS NULL AND idx IS NULL`).Scan(&n))
			assert.Equal(t, 1, n)
		})
	}
}

func TestMigrate(t *testing.T) {
	for name, mk := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			db, d := mk(t)
			s, err := sqlstore.New(db, d, nil)
			require.NoError(t, err)
			ctx := context.Background()
			v, err := s.SchemaVersion(ctx)
			require.NoError(t, err)
			assert.Equal(t, 0, v, "a fresh database has no schema")
			require.NoError(t, s.Migrate(ctx))
			require.NoError(t, s.Migrate(ctx), "migrating again is harmless")
			ms := loadMigrations(t, d)
			require.NotEmpty(t, ms)
			v, err = s.SchemaVersion(ctx)
			require.NoError(t, err)
			assert.Equal(t, ms[len(ms)-1].Version, v)
			var rows int
			require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM consent_schema_migrations`).Scan(&rows))
			assert.Equal(t, len(ms), rows, "one row per migration")
		})
	}
}

func TestMigrateConcurrently(t *testing.T) {
	// Several app servers starting at once on one database.
	for name, mk := range map[string]func(t *testing.T) []*sql.DB{
		"sqlite": func(t *testing.T) []*sql.DB {
			path := filepath.Join(t.TempDir(), "m.db")
			var dbs []*sql.DB
			for range 4 {
				db, err := sql.Open("sqlite", testdb.SQLiteDSN(path))
				require.NoError(t, err)
				t.Cleanup(func() { db.Close() })
				dbs = append(dbs, db)
			}
			return dbs
		},
		"postgres": func(t *testing.T) []*sql.DB {
			first, dsn := testdb.PostgresDSN(t)
			dbs := []*sql.DB{first}
			for range 3 {
				db, err := sql.Open("pgx", dsn)
				require.NoError(t, err)
				t.Cleanup(func() { db.Close() })
				dbs = append(dbs, db)
			}
			return dbs
		},
		"mysql": func(t *testing.T) []*sql.DB {
			first, dsn := testdb.MySQLDSN(t)
			dbs := []*sql.DB{first}
			for range 3 {
				db, err := sql.Open("mysql", dsn)
				require.NoError(t, err)
				t.Cleanup(func() { db.Close() })
				dbs = append(dbs, db)
			}
			return dbs
		},
	} {
		t.Run(name, func(t *testing.T) {
			dbs := mk(t)
			d := sqldialect.Dialect(name)
			var wg sync.WaitGroup
			errs := make([]error, len(dbs))
			for i, db := range dbs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s, err := sqlstore.New(db, d, nil)
					if err == nil {
						err = s.Migrate(context.Background())
					}
					errs[i] = err
				}()
			}
			wg.Wait()
			for _, err := range errs {
				assert.NoError(t, err)
			}
			var rows int
			require.NoError(t, dbs[0].QueryRow(`SELECT COUNT(*) FROM consent_schema_migrations`).Scan(&rows))
			ms := loadMigrations(t, d)
			assert.Equal(t, len(ms), rows, "each migration applied once")
		})
	}
}

func TestNew(t *testing.T) {
	_, err := sqlstore.New(nil, sqldialect.SQLite, nil)
	assert.Error(t, err, "no database")
	_, err = sqlstore.New(testdb.SQLite(t), "oracle", nil)
	assert.Error(t, err, "unknown dialect")
}

func TestLedgerWithSQLKeyStore(t *testing.T) {
	// The subjects' data keys live in the same database as the ledger, as
	// they would in production.
	for name, mk := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			db, d := mk(t)
			s := open(t, db, d)
			ctx := context.Background()
			ks, err := pii.NewSQLKeyStore(db, d, nil)
			require.NoError(t, err)
			require.NoError(t, ks.Migrate(ctx))
			keys := consenttest.NewKeys(t, 2)
			enc, err := pii.NewKeyring(pii.Encryption)
			require.NoError(t, err)
			keys.Shredder, err = pii.NewShredder(enc, ks)
			require.NoError(t, err)
			l, err := consent.New(s, keys, nil)
			require.NoError(t, err)

			phone := pii.New(pii.Phone, "555-010-0199")
			id, err := l.Enroll(ctx, phone)
			require.NoError(t, err)
			for i := range 5 { // 2-bit indexes: these collide with the phone's
				_, err := l.Enroll(ctx, pii.New(pii.Phone, "555-010-01"+string(rune('0'+i))+"0"))
				require.NoError(t, err)
			}
			got, err := l.Find(ctx, pii.New(pii.Phone, "+1 555 010 0199"))
			require.NoError(t, err)
			assert.Equal(t, id, got)
			_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "street-alerts", Channel: consent.SMS, Method: consent.SMSKeyword, Actor: "subject"})
			require.NoError(t, err)

			require.NoError(t, l.Forget(ctx, id, consent.StaffAction, "staff:7"))
			_, err = ks.Get(ctx, id)
			assert.ErrorIs(t, err, pii.ErrForgotten, "the data key is destroyed")
			_, err = l.ContactPoint(ctx, id)
			assert.ErrorIs(t, err, consent.ErrForgotten)
			d2, err := l.MayContact(ctx, id, "street-alerts", consent.SMS)
			require.NoError(t, err)
			assert.False(t, d2.Allowed)
			assert.Equal(t, consent.StatusWithdrawn, d2.Status, "the proof of withdrawal stays")
			assert.NoError(t, l.Verify(ctx, id))
		})
	}
}

func TestGroupCommitIsolatesFailedTransaction(t *testing.T) {
	// PostgreSQL refuses text that is not UTF-8, which fails the batch's
	// whole INSERT: the writer must then commit the batch's events one by
	// one, so that only the bad event's caller sees an error. (The Ledger
	// validates events first; the store must not rely on it.)
	s := open(t, testdb.Postgres(t), sqldialect.Postgres)
	ctx := context.Background()
	l, err := consent.New(s, consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	var ids []string
	for i := range 4 {
		id, err := l.Enroll(ctx, pii.New(pii.Email, fmt.Sprintf("batch%d@example.com", i)))
		require.NoError(t, err)
		ids = append(ids, id)
	}
	const n = 40
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := consent.Event{Subject: ids[i%len(ids)], Type: consent.Given, Purpose: "news", Channel: consent.Email,
				Method: consent.WebForm, Actor: "subject", OccurredAt: time.Now(), RecordedAt: time.Now()}
			if i%10 == 7 {
				e.Detail = "\xff\xfe not UTF-8"
			}
			_, errs[i] = s.Append(ctx, e, nil)
		}()
	}
	wg.Wait()
	stored := 0
	for i, err := range errs {
		if i%10 == 7 {
			assert.Error(t, err, "the bad event fails")
		} else if assert.NoError(t, err, "the good events in its batch are stored") {
			stored++
		}
	}
	total := 0
	for _, id := range ids {
		events, err := s.Events(ctx, id)
		require.NoError(t, err)
		assert.NoError(t, consent.VerifyChain(id, events))
		total += len(events)
	}
	assert.Equal(t, stored, total)
}
