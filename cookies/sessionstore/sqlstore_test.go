package sessionstore_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/cookies/internal/storetest"
	"github.com/civickit/privacy/cookies/sessionstore"
	"github.com/civickit/privacy/internal/migrate"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii/sqldialect"
)

func TestSQLiteStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cookies.AccountStore {
		return newStore(t, testdb.SQLite(t), sqldialect.SQLite)
	})
}

func TestPostgresStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cookies.AccountStore {
		return newStore(t, testdb.Postgres(t), sqldialect.Postgres)
	})
}

func newStore(t testing.TB, db *sql.DB, d sqldialect.Dialect) *sessionstore.SQLStore {
	t.Helper()
	st, err := sessionstore.New(db, d, nil)
	require.NoError(t, err)
	require.NoError(t, st.Migrate(context.Background()))
	return st
}

func TestMigrate(t *testing.T) {
	for _, d := range []sqldialect.Dialect{sqldialect.SQLite, sqldialect.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db := testdb.SQLite(t)
			if d == sqldialect.Postgres {
				db = testdb.Postgres(t)
			}
			st, err := sessionstore.New(db, d, nil)
			require.NoError(t, err)
			ctx := context.Background()
			v, err := st.SchemaVersion(ctx)
			require.NoError(t, err)
			assert.Zero(t, v, "nothing applied yet")
			require.NoError(t, st.Migrate(ctx))
			require.NoError(t, st.Migrate(ctx), "Migrate is idempotent")
			v, err = st.SchemaVersion(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, v)
			fsys, err := sessionstore.Migrations(d)
			require.NoError(t, err)
			ms, err := migrate.Load(fsys)
			require.NoError(t, err)
			require.Len(t, ms, 1)
			// The Down section undoes Up.
			for _, q := range append(ms[0].Down, ms[0].Up...) {
				_, err = db.ExecContext(ctx, q)
				require.NoError(t, err, q)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	_, err := sessionstore.New(nil, sqldialect.SQLite, nil)
	assert.Error(t, err, "a database is required")
	_, err = sessionstore.New(testdb.SQLite(t), sqldialect.Dialect("oracle"), nil)
	assert.Error(t, err, "only SQLite and PostgreSQL")
}

func TestDeleteExpired(t *testing.T) {
	for _, d := range []sqldialect.Dialect{sqldialect.SQLite, sqldialect.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db := testdb.SQLite(t)
			if d == sqldialect.Postgres {
				db = testdb.Postgres(t)
			}
			now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
			st, err := sessionstore.New(db, d, &sessionstore.Options{Now: func() time.Time { return now }})
			require.NoError(t, err)
			ctx := context.Background()
			require.NoError(t, st.Migrate(ctx))
			require.NoError(t, st.CommitAccount(ctx, "tok-old", "acct-1", []byte("o"), now.Add(-time.Second)))
			require.NoError(t, st.CommitAccount(ctx, "tok-edge", "acct-1", []byte("e"), now))
			require.NoError(t, st.CommitAccount(ctx, "tok-live", "acct-1", []byte("l"), now.Add(time.Second)))
			_, found, err := st.Find("tok-edge")
			require.NoError(t, err)
			assert.False(t, found, "a session is over at its expiry")
			n, err := st.DeleteExpired(ctx)
			require.NoError(t, err)
			assert.Equal(t, int64(2), n, "the expired rows, and only those")
			var left int
			require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM cookie_sessions`).Scan(&left))
			assert.Equal(t, 1, left)
		})
	}
}
