// Package sqldialect names the SQL databases this module's stores run on
// (SQLite, PostgreSQL, MySQL/MariaDB) and detects which one a *sql.DB
// talks to.
//
// # Where it sits
//
// sqldialect imports only the standard library. It lives under pii, the
// ground floor, because pii's SQLKeyStore takes a dialect and pii may
// import nothing above it: every SQL store in the module
// (pii.SQLKeyStore, consent/sqlstore, retention/sqlstore) imports this one
// type, so all imports point down. It holds no query text: the placeholder
// rewriter and identifier rules the stores share are in internal/, where
// users cannot come to depend on them.
//
// # Drivers
//
//	SQLite      modernc.org/sqlite                  driver "sqlite"
//	Postgres    github.com/jackc/pgx/v5/stdlib      driver "pgx"
//	MySQL       github.com/go-sql-driver/mysql      driver "mysql" (MySQL 8, MariaDB 10.6+)
//
// Stores take a Dialect; the zero value, Auto, means "detect it from the
// driver" (Resolve).
package sqldialect

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Dialect is the SQL dialect of a database. Its value is the lowercase
// name ("sqlite", "postgres", "mysql"); the zero value is Auto.
type Dialect string

// The dialects.
const (
	// Auto asks the store to detect the dialect from the driver.
	Auto Dialect = ""
	// SQLite is modernc.org/sqlite (driver "sqlite"), the embedded default.
	SQLite Dialect = "sqlite"
	// Postgres is PostgreSQL through github.com/jackc/pgx/v5/stdlib
	// (driver "pgx").
	Postgres Dialect = "postgres"
	// MySQL is MySQL 8 or MariaDB 10.6+ through
	// github.com/go-sql-driver/mysql (driver "mysql"). Open it with
	// parseTime=false (the default): the stores keep times as integers.
	MySQL Dialect = "mysql"
)

// ErrUnknown reports a dialect that is neither SQLite, Postgres nor MySQL,
// or a driver whose dialect cannot be detected.
var ErrUnknown = errors.New("sqldialect: unknown SQL dialect")

// String returns the dialect's name, or "auto" for Auto.
func (d Dialect) String() string {
	if d == Auto {
		return "auto"
	}
	return string(d)
}

// Valid reports whether d is SQLite, Postgres or MySQL.
func (d Dialect) Valid() bool {
	return d == SQLite || d == Postgres || d == MySQL
}

// Detect returns the dialect of db's driver: modernc.org/sqlite,
// pgx's stdlib driver (or lib/pq), or go-sql-driver/mysql. Wrapped drivers
// (tracing, for example) hide their driver's type: pass the dialect
// explicitly then.
func Detect(db *sql.DB) (Dialect, error) {
	if db == nil {
		return Auto, fmt.Errorf("%w: no database", ErrUnknown)
	}
	t := fmt.Sprintf("%T", db.Driver())
	switch {
	case strings.Contains(t, "sqlite"):
		return SQLite, nil
	case strings.Contains(t, "stdlib."), strings.Contains(t, "pgx"), strings.Contains(t, "pq."):
		return Postgres, nil
	case strings.Contains(t, "mysql."):
		return MySQL, nil
	}
	return Auto, fmt.Errorf("%w: cannot detect the dialect of driver %s; pass it explicitly", ErrUnknown, t)
}

// Resolve returns d if it is a known dialect, the detected dialect of db
// if d is Auto, and an error wrapping ErrUnknown otherwise.
func Resolve(db *sql.DB, d Dialect) (Dialect, error) {
	if d == Auto {
		return Detect(db)
	}
	if !d.Valid() {
		return Auto, fmt.Errorf("%w %q", ErrUnknown, string(d))
	}
	return d, nil
}
