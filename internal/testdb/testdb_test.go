package testdb

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSQLiteRoundTrip(t *testing.T) {
	db := SQLite(t)
	_, err := db.Exec(`CREATE TABLE x (v INTEGER)`)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO x VALUES (42)`)
	require.NoError(t, err)
	var v int
	require.NoError(t, db.QueryRow(`SELECT v FROM x`).Scan(&v))
	require.Equal(t, 42, v)
}

func TestPostgresSchemaIsolation(t *testing.T) {
	db := Postgres(t)
	_, err := db.Exec(`CREATE TABLE x (v INTEGER)`)
	require.NoError(t, err, "a fresh schema must not already hold table x")
	var schema string
	require.NoError(t, db.QueryRow(`SELECT current_schema()`).Scan(&schema))
	require.Contains(t, schema, "t_")
}

func TestMySQLDatabaseIsolation(t *testing.T) {
	db := MySQL(t)
	_, err := db.Exec(`CREATE TABLE x (v INTEGER)`)
	require.NoError(t, err, "a fresh database must not already hold table x")
	var name string
	require.NoError(t, db.QueryRow(`SELECT DATABASE()`).Scan(&name))
	require.Contains(t, name, "t_")
}
