package migrate

import (
	"context"
	"database/sql"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii/sqldialect"
)

func runner(t *testing.T, db *sql.DB, d sqldialect.Dialect, files fstest.MapFS, base *Baseline) *Runner {
	ms, err := Load(files)
	require.NoError(t, err)
	return &Runner{DB: db, Dialect: d, Table: "app_schema_migrations", Lock: "app", Migrations: ms, Baseline: base, Prefix: "test"}
}

var appFiles = fstest.MapFS{
	"0001_init.sql":  {Data: []byte("-- +goose Up\nCREATE TABLE app_t (x INTEGER);\n-- +goose Down\nDROP TABLE app_t;\n")},
	"0002_index.sql": {Data: []byte("-- +goose Up\nCREATE INDEX app_t_x ON app_t (x);\n")},
}

func eachDialect(t *testing.T, fn func(t *testing.T, db *sql.DB, d sqldialect.Dialect)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, testdb.SQLite(t), sqldialect.SQLite) })
	t.Run("postgres", func(t *testing.T) { fn(t, testdb.Postgres(t), sqldialect.Postgres) })
	t.Run("mysql", func(t *testing.T) { fn(t, testdb.MySQL(t), sqldialect.MySQL) })
}

func TestUp(t *testing.T) {
	ctx := context.Background()
	eachDialect(t, func(t *testing.T, db *sql.DB, d sqldialect.Dialect) {
		r := runner(t, db, d, appFiles, nil)
		v, err := r.Version(ctx)
		require.NoError(t, err)
		assert.Equal(t, 0, v, "nothing applied yet")
		require.NoError(t, r.Up(ctx))
		require.NoError(t, r.Up(ctx), "a second run applies nothing")
		v, err = r.Version(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, v)
		var n int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_schema_migrations`).Scan(&n))
		assert.Equal(t, 2, n, "one row per migration")
	})
}

func TestUpFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		db   func(t *testing.T) *sql.DB
		d    sqldialect.Dialect
	}{
		{"sqlite", func(t *testing.T) *sql.DB { return testdb.SQLite(t) }, sqldialect.SQLite},
		{"postgres", func(t *testing.T) *sql.DB { return testdb.Postgres(t) }, sqldialect.Postgres},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := c.db(t)
			bad := fstest.MapFS{
				"0001_init.sql": appFiles["0001_init.sql"],
				"0002_bad.sql":  {Data: []byte("-- +goose Up\nCREATE TABLE app_u (y INTEGER);\nTHIS IS NOT SQL;\n")},
			}
			err := runner(t, db, c.d, bad, nil).Up(ctx)
			require.Error(t, err, "migration 2 fails")
			v, _ := runner(t, db, c.d, bad, nil).Version(ctx)
			assert.Equal(t, 1, v, "migration 1 stays applied")
			_, err = db.ExecContext(ctx, `SELECT * FROM app_u`)
			assert.Error(t, err, "migration 2's first statement was rolled back with it (SQLite and PostgreSQL have transactional DDL)")
		})
	}
}

func TestBaseline(t *testing.T) {
	ctx := context.Background()
	eachDialect(t, func(t *testing.T, db *sql.DB, d sqldialect.Dialect) {
		// Made by old code: the table of version 1, no version table.
		_, err := db.ExecContext(ctx, `CREATE TABLE app_t (x INTEGER)`)
		require.NoError(t, err)
		r := runner(t, db, d, appFiles, &Baseline{Version: 1, Tables: []string{"app_t"}})
		require.NoError(t, r.Up(ctx), "version 1 is recorded, not run again (CREATE TABLE would fail)")
		v, err := r.Version(ctx)
		require.NoError(t, err)
		assert.Equal(t, 2, v, "version 2 ran after the baseline")
		var n int
		require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_schema_migrations`).Scan(&n))
		assert.Equal(t, 2, n)
	})
}
