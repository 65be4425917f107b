package sqlstore_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/internal/migrate/migratetest"
	"github.com/civickit/privacy/pii/sqldialect"
)

// TestMigrationFilesAsPlainSQL: a DBA who applies the exported goose files
// by hand gets the schema Migrate makes.
func TestMigrationFilesAsPlainSQL(t *testing.T) {
	for name, mk := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			plain, d := mk(t)
			runner, _ := mk(t)
			fsys, err := sqlstore.Migrations(d)
			require.NoError(t, err)
			migratetest.AssertSameSchema(t, d, fsys, plain, runner, func(db *sql.DB) error {
				s, err := sqlstore.New(db, d, nil)
				if err != nil {
					return err
				}
				return s.Migrate(context.Background())
			}, "consent_schema_migrations")
		})
	}
	_, err := sqlstore.Migrations("oracle")
	require.Error(t, err, "no migrations for an unknown dialect")
	_ = sqldialect.Auto
}
