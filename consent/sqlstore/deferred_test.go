package sqlstore_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii/sqldialect"
)

// TestSQLiteDeferredTransactions runs the suite on a DSN without
// _txlock=immediate: the store must not depend on it.
func TestSQLiteDeferredTransactions(t *testing.T) {
	consenttest.Run(t, func(t *testing.T) consent.Store {
		dsn := strings.Replace(testdb.SQLiteDSN(filepath.Join(t.TempDir(), "d.db")), "&_txlock=immediate", "", 1)
		db, err := sql.Open("sqlite", dsn)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return open(t, db, sqldialect.SQLite)
	})
}
