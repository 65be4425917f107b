// Package testdb opens throwaway databases for this module's tests: an
// SQLite file in t.TempDir(), a PostgreSQL schema of its own per test, and
// a MySQL/MariaDB database of its own per test.
//
// PostgreSQL tests read the DSN from PRIVACY_TEST_POSTGRES_DSN, MySQL tests
// from PRIVACY_TEST_MYSQL_DSN. Without it they skip with a message, so
// `go test ./...` passes on a laptop with no database; .ci/run sets them
// and also sets PRIVACY_TEST_REQUIRE_POSTGRES=1 and
// PRIVACY_TEST_REQUIRE_MYSQL=1, which turn that skip into a failure.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"   // registers the "mysql" driver
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// EnvDSN names the environment variable holding the PostgreSQL test DSN.
const EnvDSN = "PRIVACY_TEST_POSTGRES_DSN"

// EnvRequire names the environment variable that, set to 1, makes a missing
// or unreachable PostgreSQL a test failure instead of a skip.
const EnvRequire = "PRIVACY_TEST_REQUIRE_POSTGRES"

// EnvMySQLDSN names the environment variable holding the MySQL/MariaDB
// test DSN (go-sql-driver/mysql syntax, for example
// root@tcp(127.0.0.1:3306)/test).
const EnvMySQLDSN = "PRIVACY_TEST_MYSQL_DSN"

// EnvRequireMySQL names the environment variable that, set to 1, makes a
// missing or unreachable MySQL a test failure instead of a skip.
const EnvRequireMySQL = "PRIVACY_TEST_REQUIRE_MYSQL"

// SQLite opens a fresh SQLite database file under t.TempDir() with the
// pragmas this module recommends (WAL, foreign keys, busy timeout) and closes
// it when the test ends.
func SQLite(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", SQLiteDSN(filepath.Join(t.TempDir(), "test.db")))
	if err != nil {
		t.Fatalf("testdb: open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Ping(); err != nil {
		t.Fatalf("testdb: ping sqlite: %v", err)
	}
	return db
}

// SQLiteDSN returns a modernc.org/sqlite DSN for the file at path with WAL
// journaling, foreign keys on and a 10 s busy timeout.
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
}

// Postgres returns a connection pool to the test PostgreSQL whose
// search_path is a new, empty schema that is dropped when the test ends, so
// tests in different packages never see each other's tables. It skips the
// test when PRIVACY_TEST_POSTGRES_DSN is unset, unless
// PRIVACY_TEST_REQUIRE_POSTGRES=1, in which case it fails.
func Postgres(t testing.TB) *sql.DB {
	t.Helper()
	db, _ := PostgresDSN(t)
	return db
}

// PostgresDSN is Postgres, also returning a DSN that opens further
// connections to the same schema (for tests that need several pools, such as
// two sweepers).
func PostgresDSN(t testing.TB) (*sql.DB, string) {
	t.Helper()
	base := os.Getenv(EnvDSN)
	if base == "" {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("testdb: %s is not set but %s=1", EnvDSN, EnvRequire)
		}
		t.Skipf("testdb: set %s to run PostgreSQL-backed tests (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", EnvDSN)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("testdb: open postgres: %v", err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("testdb: PostgreSQL at %s is unreachable: %v", EnvDSN, err)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	schema := "t_" + strings.ToLower(sanitize(t.Name())) + "_" + hex.EncodeToString(rnd[:])
	if len(schema) > 60 {
		schema = "t_" + hex.EncodeToString(rnd[:])
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("testdb: create schema: %v", err)
	}
	dsn, err := withSearchPath(base, schema)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("testdb: open postgres: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`)
			a.Close()
		}
	})
	return db, dsn
}

// MySQL returns a connection pool to a new, empty MySQL/MariaDB database
// that is dropped when the test ends, so tests in different packages never
// see each other's tables. It skips the test when PRIVACY_TEST_MYSQL_DSN is
// unset, unless PRIVACY_TEST_REQUIRE_MYSQL=1, in which case it fails.
func MySQL(t testing.TB) *sql.DB {
	t.Helper()
	db, _ := MySQLDSN(t)
	return db
}

// MySQLDSN is MySQL, also returning a DSN that opens further connections
// to the same database (for tests that need several pools). The DSN asks
// for multiStatements, so that a test can run a whole migration file in
// one Exec as a DBA's client would; the stores themselves never need it.
func MySQLDSN(t testing.TB) (*sql.DB, string) {
	t.Helper()
	base := os.Getenv(EnvMySQLDSN)
	if base == "" {
		if os.Getenv(EnvRequireMySQL) == "1" {
			t.Fatalf("testdb: %s is not set but %s=1", EnvMySQLDSN, EnvRequireMySQL)
		}
		t.Skipf("testdb: set %s to run MySQL/MariaDB-backed tests (for example root@tcp(127.0.0.1:3306)/test)", EnvMySQLDSN)
	}
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("testdb: parse %s: %v", EnvMySQLDSN, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("mysql", base)
	if err != nil {
		t.Fatalf("testdb: open mysql: %v", err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("testdb: MySQL at %s is unreachable: %v", EnvMySQLDSN, err)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := "t_" + strings.ToLower(sanitize(t.Name())) + "_" + hex.EncodeToString(rnd[:])
	if len(name) > 60 {
		name = "t_" + hex.EncodeToString(rnd[:])
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	cfg.DBName = name
	cfg.MultiStatements = true
	dsn := cfg.FormatDSN()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatalf("testdb: open mysql: %v", err)
	}
	t.Cleanup(func() {
		db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if a, err := sql.Open("mysql", base); err == nil {
			_, _ = a.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`")
			a.Close()
		}
	})
	return db, dsn
}

func sanitize(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func withSearchPath(dsn, schema string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", EnvDSN, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return dsn + " search_path=" + schema, nil
}
