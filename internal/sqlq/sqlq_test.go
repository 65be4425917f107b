package sqlq

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/civickit/privacy/pii/sqldialect"
)

func TestRebind(t *testing.T) {
	cases := []struct {
		why  string
		d    sqldialect.Dialect
		in   string
		want string
	}{
		{"PostgreSQL numbers placeholders", sqldialect.Postgres, `SELECT a FROM t WHERE b = ? AND c IN (?,?)`, `SELECT a FROM t WHERE b = $1 AND c IN ($2,$3)`},
		{"SQLite keeps ?", sqldialect.SQLite, `SELECT ? , ?`, `SELECT ? , ?`},
		{"MySQL keeps ?", sqldialect.MySQL, `UPDATE t SET a = ?`, `UPDATE t SET a = ?`},
		{"no placeholders, nothing to do", sqldialect.Postgres, `SELECT 1`, `SELECT 1`},
		{"ten and more", sqldialect.Postgres, strings.TrimSuffix(strings.Repeat("?,", 11), ","), "$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Rebind(c.d, c.in), c.why)
	}
	assert.Equal(t, "?,?,?", Placeholders(3))
	assert.Equal(t, "", Placeholders(0))
}

func TestValidIdent(t *testing.T) {
	cases := []struct {
		why string
		in  string
		ok  bool
	}{
		{"plain", "retention_holds", true},
		{"leading underscore", "_x1", true},
		{"mixed case", "Receipts", true},
		{"empty", "", false},
		{"leading digit", "1abc", false},
		{"a quote would escape quoting", `a"b`, false},
		{"a backtick would escape MySQL quoting", "a`b", false},
		{"a space", "a b", false},
		{"a semicolon", "a;DROP", false},
		{"non-ASCII", "tablé", false},
		{"63 bytes is the limit", strings.Repeat("a", 63), true},
		{"64 bytes is too long", strings.Repeat("a", 64), false},
	}
	for _, c := range cases {
		assert.Equal(t, c.ok, ValidIdent(c.in), c.why)
	}
}

func TestQuote(t *testing.T) {
	cases := []struct {
		why  string
		d    sqldialect.Dialect
		in   string
		want string
		err  bool
	}{
		{"double quotes on PostgreSQL", sqldialect.Postgres, "holds", `"holds"`, false},
		{"double quotes on SQLite", sqldialect.SQLite, "holds", `"holds"`, false},
		{"backticks on MySQL", sqldialect.MySQL, "holds", "`holds`", false},
		{"schema-qualified", sqldialect.Postgres, "billing.receipts", `"billing"."receipts"`, false},
		{"two dots", sqldialect.Postgres, "a.b.c", "", true},
		{"an invalid part", sqldialect.MySQL, "a.b-c", "", true},
	}
	for _, c := range cases {
		got, err := Quote(c.d, c.in)
		if c.err {
			assert.ErrorIs(t, err, ErrIdent, c.why)
			continue
		}
		assert.NoError(t, err, c.why)
		assert.Equal(t, c.want, got, c.why)
	}
}

type sqlState string

func (s sqlState) Error() string    { return "pg error " + string(s) }
func (s sqlState) SQLState() string { return string(s) }

func TestTransient(t *testing.T) {
	cases := []struct {
		err  error
		want bool
		why  string
	}{
		{nil, false, "no error"},
		{driver.ErrBadConn, true, "a bad connection"},
		{fmt.Errorf("query: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), true, "a refused dial"},
		{sqlState("08006"), true, "PostgreSQL connection failure"},
		{sqlState("57P01"), true, "PostgreSQL admin shutdown"},
		{sqlState("40001"), true, "serialization failure"},
		{sqlState("40P01"), true, "deadlock"},
		{sqlState("23505"), false, "a unique violation is about the data"},
		{sqlState("42P01"), false, "an unknown table is a bug"},
		{errors.New("Error 1213 (40001): Deadlock found when trying to get lock"), true, "MySQL deadlock"},
		{errors.New("Error 1062 (23000): Duplicate entry"), false, "MySQL duplicate key"},
		{errors.New("database is locked (5) (SQLITE_BUSY)"), true, "SQLite busy"},
		{errors.New("constraint failed: UNIQUE constraint failed (2067)"), false, "SQLite constraint"},
		{context.Canceled, false, "the caller gave up"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), false, "the caller's deadline"},
		{errors.New("consent: malformed event"), false, "a validation error"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Transient(c.err), c.why)
	}
}
