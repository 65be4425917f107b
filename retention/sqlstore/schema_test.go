package sqlstore

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/internal/migrate/migratetest"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii/sqldialect"
)

// freshDB opens an empty database of dialect d.
func freshDB(t *testing.T, d sqldialect.Dialect) *sql.DB {
	switch d {
	case sqldialect.Postgres:
		return testdb.Postgres(t)
	case sqldialect.MySQL:
		return testdb.MySQL(t)
	}
	return testdb.SQLite(t)
}

// TestMigrationFilesAsPlainSQL: a DBA who applies the exported goose files
// by hand gets the schema Migrate makes, with the default prefix and
// another.
func TestMigrationFilesAsPlainSQL(t *testing.T) {
	for _, d := range []sqldialect.Dialect{sqldialect.SQLite, sqldialect.Postgres, sqldialect.MySQL} {
		t.Run(string(d), func(t *testing.T) {
			for _, prefix := range []string{"", "city_ret_"} {
				fsys, err := Migrations(d, prefix)
				require.NoError(t, err)
				version := map[string]string{"": "retention_", "city_ret_": "city_ret_"}[prefix] + "schema_migrations"
				migratetest.AssertSameSchema(t, d, fsys, freshDB(t, d), freshDB(t, d), func(db *sql.DB) error {
					st, err := New(db, &Options{Dialect: d, TablePrefix: prefix})
					if err != nil {
						return err
					}
					return st.Migrate(context.Background())
				}, version)
			}
		})
	}
	_, err := Migrations("oracle", "")
	assert.Error(t, err, "no migrations for an unknown dialect")
	_, err = Migrations(sqldialect.SQLite, "bad prefix")
	assert.Error(t, err, "a prefix that is not an identifier")
}

// oldSchema is what Migrate ran before the store had versioned
// migrations (CREATE ... IF NOT EXISTS, no version table).
func oldSchema(d sqldialect.Dialect, p string) []string {
	q := func(s string) string { return `"` + p + s + `"` }
	if d == sqldialect.Postgres {
		return []string{
			`CREATE TABLE IF NOT EXISTS ` + q("holds") + ` (id TEXT PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, record_id TEXT NOT NULL, subject TEXT NOT NULL, category TEXT NOT NULL, range_from BIGINT, range_to BIGINT, placed_by TEXT NOT NULL, reason TEXT NOT NULL, placed_at BIGINT NOT NULL, expires BIGINT, released_at BIGINT, released_by TEXT)`,
			`CREATE TABLE IF NOT EXISTS ` + q("disposition_log") + ` (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, sweep_id TEXT NOT NULL, kind TEXT NOT NULL, schedule TEXT NOT NULL, source TEXT NOT NULL, category TEXT NOT NULL, rules TEXT NOT NULL, action TEXT NOT NULL, count BIGINT NOT NULL, at BIGINT NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS ` + q("sweep_cursor") + ` (source TEXT PRIMARY KEY, last_key TEXT, key_int BOOLEAN NOT NULL DEFAULT FALSE, pass BIGINT NOT NULL DEFAULT 0, updated_at BIGINT NOT NULL DEFAULT 0)`,
			`CREATE TABLE IF NOT EXISTS ` + q("shred_queue") + ` (subject TEXT PRIMARY KEY, queued_at BIGINT NOT NULL)`,
			`CREATE OR REPLACE FUNCTION ` + q("log_append_only") + `() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'retention: the disposition log is append-only'; END $$`,
			`CREATE OR REPLACE TRIGGER ` + q("log_append_only") + ` BEFORE UPDATE OR DELETE ON ` + q("disposition_log") + ` FOR EACH ROW EXECUTE FUNCTION ` + q("log_append_only") + `()`,
			`CREATE OR REPLACE TRIGGER ` + q("log_no_truncate") + ` BEFORE TRUNCATE ON ` + q("disposition_log") + ` FOR EACH STATEMENT EXECUTE FUNCTION ` + q("log_append_only") + `()`,
		}
	}
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + q("holds") + ` (id TEXT PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, record_id TEXT NOT NULL, subject TEXT NOT NULL, category TEXT NOT NULL, range_from INTEGER, range_to INTEGER, placed_by TEXT NOT NULL, reason TEXT NOT NULL, placed_at INTEGER NOT NULL, expires INTEGER, released_at INTEGER, released_by TEXT)`,
		`CREATE TABLE IF NOT EXISTS ` + q("disposition_log") + ` (seq INTEGER PRIMARY KEY AUTOINCREMENT, sweep_id TEXT NOT NULL, kind TEXT NOT NULL, schedule TEXT NOT NULL, source TEXT NOT NULL, category TEXT NOT NULL, rules TEXT NOT NULL, action TEXT NOT NULL, count INTEGER NOT NULL, at INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS ` + q("sweep_cursor") + ` (source TEXT PRIMARY KEY, last_key TEXT, key_int INTEGER NOT NULL DEFAULT 0, pass INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL DEFAULT 0)`,
		`CREATE TABLE IF NOT EXISTS ` + q("shred_queue") + ` (subject TEXT PRIMARY KEY, queued_at INTEGER NOT NULL)`,
		`CREATE TRIGGER IF NOT EXISTS ` + q("log_no_update") + ` BEFORE UPDATE ON ` + q("disposition_log") + ` BEGIN SELECT RAISE(ABORT, 'retention: the disposition log is append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS ` + q("log_no_delete") + ` BEFORE DELETE ON ` + q("disposition_log") + ` BEGIN SELECT RAISE(ABORT, 'retention: the disposition log is append-only'); END`,
	}
}

// TestMigrateAdoptsOldTables: tables made by the store before it had
// versioned migrations are adopted as version 1, their rows kept, and the
// schema is the one a fresh Migrate makes.
func TestMigrateAdoptsOldTables(t *testing.T) {
	ctx := context.Background()
	for _, d := range []sqldialect.Dialect{sqldialect.SQLite, sqldialect.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			old := freshDB(t, d)
			for _, stmt := range oldSchema(d, "retention_") {
				_, err := old.ExecContext(ctx, stmt)
				require.NoError(t, err)
			}
			_, err := old.ExecContext(ctx, `INSERT INTO retention_shred_queue (subject, queued_at) VALUES ('subj-old', 1)`)
			require.NoError(t, err)

			st, err := New(old, nil)
			require.NoError(t, err)
			require.NoError(t, st.Migrate(ctx), "old tables are adopted, not created again")
			require.NoError(t, st.Migrate(ctx), "migrating again is harmless")
			var v, rows, queued int
			require.NoError(t, old.QueryRowContext(ctx, `SELECT MAX(version), COUNT(*) FROM retention_schema_migrations`).Scan(&v, &rows))
			assert.Equal(t, 1, v, "the old tables are version 1")
			assert.Equal(t, 1, rows)
			require.NoError(t, old.QueryRowContext(ctx, `SELECT COUNT(*) FROM retention_shred_queue`).Scan(&queued))
			assert.Equal(t, 1, queued, "the old rows are kept")

			fresh := freshDB(t, d)
			st2, err := New(fresh, nil)
			require.NoError(t, err)
			require.NoError(t, st2.Migrate(ctx))
			assert.Equal(t, migratetest.Catalog(t, fresh, d), migratetest.Catalog(t, old, d),
				"an adopted database has the schema of a new one")
		})
	}
}
