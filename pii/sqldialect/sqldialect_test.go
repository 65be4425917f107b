package sqldialect_test

import (
	"database/sql"
	"testing"

	_ "github.com/go-sql-driver/mysql" // registers "mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // registers "sqlite"

	"github.com/civickit/privacy/pii/sqldialect"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		why, driver, dsn string
		want             sqldialect.Dialect
	}{
		{"modernc sqlite is SQLite", "sqlite", ":memory:", sqldialect.SQLite},
		{"pgx's stdlib driver is PostgreSQL", "pgx", "postgres://postgres@127.0.0.1:1/none", sqldialect.Postgres},
		{"go-sql-driver is MySQL", "mysql", "root@tcp(127.0.0.1:1)/none", sqldialect.MySQL},
	}
	for _, c := range cases {
		db, err := sql.Open(c.driver, c.dsn) // sql.Open does not connect
		require.NoError(t, err, c.why)
		got, err := sqldialect.Detect(db)
		assert.NoError(t, err, c.why)
		assert.Equal(t, c.want, got, c.why)
		resolved, err := sqldialect.Resolve(db, sqldialect.Auto)
		assert.NoError(t, err, c.why)
		assert.Equal(t, c.want, resolved, "Auto resolves to the detected dialect: "+c.why)
		db.Close()
	}
}

func TestResolve(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	defer db.Close()
	cases := []struct {
		why  string
		in   sqldialect.Dialect
		want sqldialect.Dialect
		err  bool
	}{
		{"an explicit dialect wins over detection", sqldialect.Postgres, sqldialect.Postgres, false},
		{"MySQL is known", sqldialect.MySQL, sqldialect.MySQL, false},
		{"an unknown name is refused", "oracle", sqldialect.Auto, true},
	}
	for _, c := range cases {
		got, err := sqldialect.Resolve(db, c.in)
		if c.err {
			assert.ErrorIs(t, err, sqldialect.ErrUnknown, c.why)
			continue
		}
		assert.NoError(t, err, c.why)
		assert.Equal(t, c.want, got, c.why)
	}
	_, err = sqldialect.Detect(nil)
	assert.ErrorIs(t, err, sqldialect.ErrUnknown, "no database")
}

func TestString(t *testing.T) {
	assert.Equal(t, "auto", sqldialect.Auto.String())
	assert.Equal(t, "mysql", sqldialect.MySQL.String())
	assert.True(t, sqldialect.SQLite.Valid())
	assert.False(t, sqldialect.Auto.Valid(), "Auto is not a dialect a query can be written in")
}
