package pii_test

import (
	"database/sql"
	"os"
	"testing"

	"github.com/civickit/privacy/internal/testdb"
)

// postgresOrNil returns a PostgreSQL test database, or nil (with a log line)
// when none is configured, so that table tests over several stores still run
// their other stores. Under PRIVACY_TEST_REQUIRE_POSTGRES=1 a missing DSN
// fails the test.
func postgresOrNil(t *testing.T) *sql.DB {
	t.Helper()
	if os.Getenv(testdb.EnvDSN) == "" && os.Getenv(testdb.EnvRequire) != "1" {
		t.Logf("PostgreSQL store skipped: set %s to run it", testdb.EnvDSN)
		return nil
	}
	return testdb.Postgres(t)
}

// mysqlOrNil is postgresOrNil for MySQL/MariaDB.
func mysqlOrNil(t *testing.T) *sql.DB {
	t.Helper()
	if os.Getenv(testdb.EnvMySQLDSN) == "" && os.Getenv(testdb.EnvRequireMySQL) != "1" {
		t.Logf("MySQL store skipped: set %s to run it", testdb.EnvMySQLDSN)
		return nil
	}
	return testdb.MySQL(t)
}
