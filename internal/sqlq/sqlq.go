// Package sqlq holds the SQL text helpers every store in this module
// shares: the placeholder rewriter and the identifier rules. It is
// internal so that users cannot come to depend on it.
//
// # Where it sits
//
// sqlq imports pii/sqldialect only; pii, consent/sqlstore,
// retention/sqlstore and examples/portal import it.
package sqlq

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/civickit/privacy/pii/sqldialect"
)

// Rebind rewrites the ? placeholders of q for dialect d: $1, $2... on
// PostgreSQL; SQLite and MySQL take ? as it is. q must hold no ? inside a
// string literal, quoted identifier or comment (the stores' queries hold
// none).
func Rebind(d sqldialect.Dialect, q string) string {
	if d != sqldialect.Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Placeholders returns n placeholders separated by commas, for an IN list
// or a VALUES row; Rebind numbers them on PostgreSQL.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}

// MaxIdentLen is the longest identifier ValidIdent accepts: PostgreSQL's
// limit (MySQL's is 64, SQLite has none).
const MaxIdentLen = 63

// ValidIdent reports whether s is an identifier the stores will put into
// SQL: a letter or underscore, then letters, digits and underscores,
// MaxIdentLen bytes at most.
func ValidIdent(s string) bool {
	if s == "" || len(s) > MaxIdentLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// ErrIdent reports a name that is not a valid identifier (ValidIdent), or
// a qualified name with more than one dot.
var ErrIdent = errors.New("not a valid SQL identifier")

// Quote quotes the identifier s, or the schema-qualified s ("billing.receipts"),
// for dialect d: "s" on SQLite and PostgreSQL, `s` on MySQL. Each part
// must pass ValidIdent.
func Quote(d sqldialect.Dialect, s string) (string, error) {
	parts := strings.Split(s, ".")
	if len(parts) > 2 {
		return "", ErrIdent
	}
	q := `"`
	if d == sqldialect.MySQL {
		q = "`"
	}
	for i, p := range parts {
		if !ValidIdent(p) {
			return "", ErrIdent
		}
		parts[i] = q + p + q
	}
	return strings.Join(parts, "."), nil
}

// IsDuplicateKey reports whether err is MySQL's duplicate-key error (1062,
// ER_DUP_ENTRY). MySQL has no ON CONFLICT DO NOTHING that leaves triggers
// and strict mode alone (INSERT IGNORE turns every error into a warning,
// ON DUPLICATE KEY UPDATE fires UPDATE triggers), so the stores insert and
// recognise this error instead. It matches the driver's message, so that
// packages need not import the driver.
func IsDuplicateKey(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Error 1062 (23000)")
}

// LockMySQL takes the MySQL named lock name (GET_LOCK, at most 64
// characters) on conn, waiting until it is free or ctx ends, and returns
// the function that releases it. Named locks belong to the session, not to
// a transaction: run the transaction the lock guards on conn, and release
// after it ends.
func LockMySQL(ctx context.Context, conn *sql.Conn, name string) (release func(), err error) {
	// MariaDB answers NULL to a negative (infinite) timeout, MySQL waits:
	// a year is infinite enough for both; a cancelled ctx kills the wait.
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(?, 31536000)`, name).Scan(&got); err != nil {
		return nil, err
	}
	if got.Int64 != 1 {
		return nil, errors.New("GET_LOCK refused")
	}
	return func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT RELEASE_LOCK(?)`, name) }, nil
}

// Placeholder returns the n-th (1-based) placeholder for dialect d: $n on
// PostgreSQL, ? elsewhere. It is for SQL built piece by piece; Rebind is
// for whole queries written with ?.
func Placeholder(d sqldialect.Dialect, n int) string {
	if d == sqldialect.Postgres {
		return "$" + strconv.Itoa(n)
	}
	return "?"
}

// PlaceholderList returns placeholders from..from+n-1 separated by commas.
func PlaceholderList(d sqldialect.Dialect, from, n int) string {
	if d != sqldialect.Postgres {
		return Placeholders(n)
	}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(Placeholder(d, from+i))
	}
	return b.String()
}

// Transient reports whether err is a database failure that may succeed on
// retry: a lost or refused connection, a server shutting down or out of
// connections, a deadlock or serialization failure, a lock wait that timed
// out, or SQLite's busy database. It does not count the caller's own
// context ending, nor any error about the statement or its data. It reads
// error codes through interfaces and messages, so that callers need not
// import the drivers.
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		code := st.SQLState()
		switch {
		case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"), // connection; resources
			code == "40001", code == "40P01", code == "55P03", // serialization; deadlock; lock not available
			code == "57P01", code == "57P02", code == "57P03": // shutdown; cannot connect now
			return true
		}
		return false
	}
	msg := err.Error()
	for _, s := range transientMessages {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// transientMessages are the texts of transient failures whose drivers have
// no typed error to test: MySQL's error numbers as go-sql-driver/mysql
// prints them, and SQLite's result codes as modernc.org/sqlite does.
var transientMessages = []string{
	"Error 1040 ", "Error 1053 ", "Error 1205 ", "Error 1213 ", "Error 2006 ", "Error 2013 ", // too many connections, shutdown, lock wait, deadlock, gone away, lost
	"invalid connection", "bad connection", "connection refused", "connection reset",
	"SQLITE_BUSY", "SQLITE_LOCKED", "database is locked",
}
