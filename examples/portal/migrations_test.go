package main

import (
	"context"
	"database/sql"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	migrator "github.com/civickit/privacy/internal/migrate"
	"github.com/civickit/privacy/internal/migrate/migratetest"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii/sqldialect"
)

func portalDB(t *testing.T, d sqldialect.Dialect) *sql.DB {
	if d == sqldialect.Postgres {
		return testdb.Postgres(t)
	}
	return testdb.SQLite(t)
}

// TestPortalMigrationsAsPlainSQL: the portal's migration files applied by
// hand give the schema migrate makes.
func TestPortalMigrationsAsPlainSQL(t *testing.T) {
	for _, d := range []sqldialect.Dialect{sqldialect.SQLite, sqldialect.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			migratetest.AssertSameSchema(t, d, migrationsFS(), portalDB(t, d), portalDB(t, d), func(db *sql.DB) error {
				return migrate(context.Background(), db, d)
			}, "portal_schema_migrations")
		})
	}
}

// TestPortalMigrateAdoptsOldDatabase: a database made by the portal before
// it had versioned migrations is adopted as version 1 with its rows; one
// made by an older portal that lacked a table gets the table.
func TestPortalMigrateAdoptsOldDatabase(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		why  string
		drop string // a table the old portal did not have yet
	}{
		{"every table of version 1 exists: adopted as it is", ""},
		{"an older portal without payment keys: the table is added", "portal_payment_keys"},
	}
	for _, d := range []sqldialect.Dialect{sqldialect.SQLite, sqldialect.Postgres} {
		for _, c := range cases {
			t.Run(string(d)+"/"+c.drop, func(t *testing.T) {
				db := portalDB(t, d)
				// The old code ran the statements of migration 1 one by one.
				migratetest.ApplyPlain(t, db, firstMigration(t))
				if c.drop != "" {
					_, err := db.ExecContext(ctx, `DROP TABLE `+c.drop)
					require.NoError(t, err)
				}
				_, err := db.ExecContext(ctx, `INSERT INTO portal_sessions (id, account_id, created_at, expires_at) VALUES ('s-old', 'a', 0, 0)`)
				require.NoError(t, err)

				require.NoError(t, migrate(ctx, db, d), c.why)
				require.NoError(t, migrate(ctx, db, d), "migrating again is harmless")
				var v, n int
				require.NoError(t, db.QueryRowContext(ctx, `SELECT MAX(version) FROM portal_schema_migrations`).Scan(&v))
				assert.Equal(t, lastPortalMigration(t), v, c.why)
				require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM portal_sessions`).Scan(&n))
				assert.Equal(t, 1, n, "the old rows are kept")
				fresh := portalDB(t, d)
				require.NoError(t, migrate(ctx, fresh, d))
				assert.Equal(t, migratetest.Catalog(t, fresh, d), migratetest.Catalog(t, db, d), c.why)
			})
		}
	}
}

// lastPortalMigration is the version of the newest migration file.
func lastPortalMigration(t *testing.T) int {
	t.Helper()
	ms, err := migrator.Load(migrationsFS())
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	return ms[len(ms)-1].Version
}

// firstMigration is an fs.FS holding migration 1 alone: the schema the
// portal made before it had versioned migrations.
func firstMigration(t *testing.T) fs.FS {
	t.Helper()
	b, err := fs.ReadFile(migrationsFS(), "0001_portal.sql")
	require.NoError(t, err)
	return fstest.MapFS{"0001_portal.sql": {Data: b}}
}
