// Package migratetest checks that a store's exported migration files
// (goose-style .sql files in an fs.FS) give the same schema when a DBA
// applies them as plain SQL as when the store's Migrate applies them.
//
// It reads the goose annotations itself, independently of
// internal/migrate's parser: it takes each file's text between
// "-- +goose Up" and "-- +goose Down", drops the StatementBegin/End lines
// and sends the whole text in one Exec, as a DBA's SQL client would (on
// MySQL the connection needs multiStatements=true).
package migratetest

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/pii/sqldialect"
)

// UpScript returns the Up part of a goose-style file with the goose
// annotation lines removed.
func UpScript(src string) string {
	var b strings.Builder
	up := false
	for line := range strings.Lines(src) {
		switch strings.TrimSpace(line) {
		case "-- +goose Up":
			up = true
			continue
		case "-- +goose Down":
			up = false
			continue
		case "-- +goose StatementBegin", "-- +goose StatementEnd":
			continue
		}
		if up {
			b.WriteString(line)
		}
	}
	return b.String()
}

// ApplyPlain runs the Up part of every .sql file of fsys, in file name
// order, one Exec per file.
func ApplyPlain(t testing.TB, db *sql.DB, fsys fs.FS) {
	t.Helper()
	entries, err := fs.ReadDir(fsys, ".")
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	require.NotEmpty(t, names, "no migration files")
	slices.Sort(names)
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		require.NoError(t, err)
		_, err = db.ExecContext(context.Background(), UpScript(string(b)))
		require.NoError(t, err, "applying %s as plain SQL", n)
	}
}

// Catalog describes the schema of db's current schema (PostgreSQL),
// database (MySQL) or file (SQLite): tables, columns, indexes, triggers
// and (PostgreSQL) functions, one line each, sorted. Tables named in skip
// (the runner's version table) are left out.
func Catalog(t testing.TB, db *sql.DB, d sqldialect.Dialect, skip ...string) []string {
	t.Helper()
	ctx := context.Background()
	var queries []string
	switch d {
	case sqldialect.SQLite:
		queries = []string{
			`SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`,
			`SELECT 'column', m.name, p.name, p.type || ' notnull=' || p."notnull" || ' default=' || COALESCE(p.dflt_value, '') || ' pk=' || p.pk
			 FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`,
		}
	case sqldialect.Postgres:
		queries = []string{
			`SELECT 'column', table_name, column_name, data_type || ' null=' || is_nullable || ' default=' || COALESCE(column_default, '') || ' identity=' || is_identity || ' pos=' || ordinal_position
			 FROM information_schema.columns WHERE table_schema = current_schema()`,
			`SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()`,
			`SELECT 'trigger', c.relname, g.tgname, pg_get_triggerdef(g.oid) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
			 WHERE NOT g.tgisinternal AND c.relnamespace = current_schema()::regnamespace`,
			`SELECT 'function', '', p.proname, pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace`,
			`SELECT 'constraint', c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
			 WHERE c.relnamespace = current_schema()::regnamespace`,
		}
	case sqldialect.MySQL:
		queries = []string{
			`SELECT 'column', TABLE_NAME, COLUMN_NAME, CONCAT(COLUMN_TYPE, ' null=', IS_NULLABLE, ' default=', COALESCE(COLUMN_DEFAULT, ''), ' extra=', EXTRA, ' pos=', ORDINAL_POSITION, ' collation=', COALESCE(COLLATION_NAME, ''))
			 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`,
			`SELECT 'index', TABLE_NAME, INDEX_NAME, CONCAT(SEQ_IN_INDEX, ' ', COLUMN_NAME, ' sub=', COALESCE(SUB_PART, ''), ' unique=', 1 - NON_UNIQUE)
			 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()`,
			`SELECT 'trigger', EVENT_OBJECT_TABLE, TRIGGER_NAME, CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ', ACTION_STATEMENT)
			 FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()`,
			`SELECT 'table', TABLE_NAME, ENGINE, COALESCE(TABLE_COLLATION, '') FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()`,
		}
	default:
		t.Fatalf("migratetest: unknown dialect %q", d)
	}
	var schema string
	switch d {
	case sqldialect.Postgres:
		require.NoError(t, db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema))
	case sqldialect.MySQL:
		require.NoError(t, db.QueryRowContext(ctx, `SELECT DATABASE()`).Scan(&schema))
	}
	var out []string
	for _, q := range queries {
		rows, err := db.QueryContext(ctx, q)
		require.NoError(t, err, q)
		for rows.Next() {
			var kind, table, name, def string
			require.NoError(t, rows.Scan(&kind, &table, &name, &def))
			if slices.Contains(skip, table) || slices.Contains(skip, name) {
				continue
			}
			if schema != "" {
				// Each test database has a schema of its own; the
				// definitions name it.
				def = strings.ReplaceAll(def, schema, "<schema>")
			}
			out = append(out, fmt.Sprintf("%s %s.%s: %s", kind, table, name, strings.Join(strings.Fields(def), " ")))
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	slices.Sort(out)
	return out
}

// AssertSameSchema applies fsys as plain SQL to plain, runs migrate on
// runner, and asserts that both catalogs are equal and not empty.
// versionTable is the runner's version table, which plain SQL does not
// create.
func AssertSameSchema(t *testing.T, d sqldialect.Dialect, fsys fs.FS, plain, runner *sql.DB, migrate func(*sql.DB) error, versionTable string) {
	t.Helper()
	ApplyPlain(t, plain, fsys)
	require.NoError(t, migrate(runner))
	want := Catalog(t, plain, d)
	got := Catalog(t, runner, d, versionTable)
	require.NotEmpty(t, want)
	assert.Equal(t, want, got, "the runner and plain SQL give the same schema")
}
