package pii_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/internal/migrate/migratetest"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

// keyDBs opens two fresh databases per available dialect.
func keyDBs(t *testing.T) map[sqldialect.Dialect]func() *sql.DB {
	out := map[sqldialect.Dialect]func() *sql.DB{
		sqldialect.SQLite: func() *sql.DB { return testdb.SQLite(t) },
	}
	if postgresOrNil(t) != nil {
		out[sqldialect.Postgres] = func() *sql.DB { return testdb.Postgres(t) }
	}
	if mysqlOrNil(t) != nil {
		out[sqldialect.MySQL] = func() *sql.DB { return testdb.MySQL(t) }
	}
	return out
}

func TestSQLKeyStoreMigrationFilesAsPlainSQL(t *testing.T) {
	for d, open := range keyDBs(t) {
		t.Run(string(d), func(t *testing.T) {
			for _, table := range []string{"", "city_keys"} {
				fsys, err := pii.SQLKeyStoreMigrations(d, table)
				require.NoError(t, err)
				migratetest.AssertSameSchema(t, d, fsys, open(), open(), func(db *sql.DB) error {
					ks, err := pii.NewSQLKeyStore(db, d, &pii.SQLKeyStoreOptions{Table: table})
					if err != nil {
						return err
					}
					return ks.Migrate(context.Background())
				}, map[string]string{"": "pii_subject_keys", "city_keys": "city_keys"}[table]+"_schema_migrations")
			}
		})
	}
}

// TestSQLKeyStoreAdoptsOldTable: a key table made by the store before it
// had versioned migrations (CREATE TABLE IF NOT EXISTS, no version table)
// is adopted as version 1, its keys kept.
func TestSQLKeyStoreAdoptsOldTable(t *testing.T) {
	ctx := context.Background()
	for d, open := range keyDBs(t) {
		t.Run(string(d), func(t *testing.T) {
			db := open()
			blob, text := "BLOB", "TEXT"
			switch d {
			case sqldialect.Postgres:
				blob = "BYTEA"
			case sqldialect.MySQL:
				text = "VARCHAR(191)"
			}
			// The statement the store ran before.
			_, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS pii_subject_keys (
				subject      `+text+` PRIMARY KEY,
				wrapped      `+blob+`,
				created_at   BIGINT NOT NULL,
				forgotten_at BIGINT
			)`)
			require.NoError(t, err)
			_, err = db.ExecContext(ctx, `INSERT INTO pii_subject_keys (subject, wrapped, created_at) VALUES ('subj-old', 'k', 1)`)
			require.NoError(t, err)

			ks, err := pii.NewSQLKeyStore(db, d, nil)
			require.NoError(t, err)
			require.NoError(t, ks.Migrate(ctx), "an old table is adopted, not created again")
			require.NoError(t, ks.Migrate(ctx), "migrating again is harmless")
			var v, rows int
			require.NoError(t, db.QueryRowContext(ctx, `SELECT MAX(version), COUNT(*) FROM pii_subject_keys_schema_migrations`).Scan(&v, &rows))
			assert.Equal(t, 1, v, "the old table is version 1")
			assert.Equal(t, 1, rows)
			got, err := ks.Get(ctx, "subj-old")
			require.NoError(t, err)
			assert.Equal(t, []byte("k"), got, "the old key is still there")
		})
	}
}

func TestNewSQLKeyStoreRefuses(t *testing.T) {
	db := testdb.SQLite(t)
	cases := []struct {
		why   string
		d     sqldialect.Dialect
		table string
	}{
		{"unknown dialect", "oracle", ""},
		{"a table name that is not an identifier", sqldialect.SQLite, "keys; DROP TABLE x"},
		{"a table name too long for its version table", sqldialect.SQLite, "k23456789012345678901234567890123456789012345_"},
	}
	for _, c := range cases {
		_, err := pii.NewSQLKeyStore(db, c.d, &pii.SQLKeyStoreOptions{Table: c.table})
		assert.Error(t, err, c.why)
	}
	ks, err := pii.NewSQLKeyStore(db, sqldialect.Auto, nil)
	require.NoError(t, err, "Auto detects modernc sqlite")
	require.NoError(t, ks.Migrate(context.Background()))
}
