package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

// twoConnections opens one database twice, as two app servers would.
func twoConnections(t *testing.T, name string) (*sql.DB, *sql.DB, sqldialect.Dialect) {
	t.Helper()
	second := func(driver, dsn string) *sql.DB {
		db, err := sql.Open(driver, dsn)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return db
	}
	switch name {
	case "sqlite":
		dsn := testdb.SQLiteDSN(filepath.Join(t.TempDir(), "servers.db"))
		return second("sqlite", dsn), second("sqlite", dsn), sqldialect.SQLite
	case "postgres":
		db, dsn := testdb.PostgresDSN(t)
		return db, second("pgx", dsn), sqldialect.Postgres
	default:
		db, dsn := testdb.MySQLDSN(t)
		return db, second("mysql", dsn), sqldialect.MySQL
	}
}

// Two app servers, each with its own Store on one database, append to the
// same subject at once: every append succeeds and the chain is whole. (On
// PostgreSQL a statement that waited for the subject's row lock used to
// read the chain head as it was before the other server's append, and
// failed with "chain head is missing".)
func TestTwoServersAppendToOneSubject(t *testing.T) {
	for _, name := range []string{"sqlite", "postgres", "mysql"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dbA, dbB, d := twoConnections(t, name)
			a := open(t, dbA, d)
			b, err := sqlstore.New(dbB, d, nil)
			require.NoError(t, err)
			keys := consenttest.NewKeys(t, 0)
			la, err := consent.New(a, keys, nil)
			require.NoError(t, err)
			lb, err := consent.New(b, keys, nil)
			require.NoError(t, err)
			id, err := la.Enroll(ctx, pii.New(pii.Email, "two.servers@example.com"))
			require.NoError(t, err)

			const n = 40
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				l := la
				if i%2 == 1 {
					l = lb
				}
				wg.Go(func() {
					_, err := l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys",
						Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				assert.NoError(t, err)
			}
			events, err := a.Events(ctx, id)
			require.NoError(t, err)
			assert.Len(t, events, n)
			require.NoError(t, la.Verify(ctx, id))
		})
	}
}
