package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/civickit/privacy/retention"
	"github.com/civickit/privacy/retention/sqlstore"
)

// A sweep reports what it evaluated and disposed of as metrics, with
// schedule names only: no record id, visitor or hold name.
func TestSweepTelemetry(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db")+"?_pragma=busy_timeout(10000)&_txlock=immediate")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE access_log (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, visitor TEXT)`)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO access_log VALUES (1, '2023-01-05T10:00:00Z', 'visitor-one@example.com'),
		(2, '2023-02-05T10:00:00Z', 'visitor-two@example.com'), (3, '2025-06-01T10:00:00Z', 'visitor-three@example.com')`)
	require.NoError(t, err)
	sched, err := retention.ParseYAML([]byte(`
name: Example City
rules:
  - {id: web-logs, category: web_usage, period: 90d, trigger: created, action: delete, citation: privacy policy}
`))
	require.NoError(t, err)
	store, err := sqlstore.New(db, nil)
	require.NoError(t, err)
	require.NoError(t, store.Migrate(ctx))
	now := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, store.Place(ctx, retention.Hold{ID: "smith-v-city-2025", Kind: retention.HoldKind("legal"), PlacedBy: "clerk-7", Reason: "litigation",
		Scope: retention.Scope{Source: "access_log", RecordID: "2"}, PlacedAt: now.Add(-time.Hour)}))
	reader := sdkmetric.NewManualReader()
	sweeper, err := sqlstore.NewSweeper(store, sched, []sqlstore.Source{{
		Name: "access_log", Table: "access_log", ID: "id", Category: "web_usage", Created: "created_at", Subject: "visitor",
	}}, &sqlstore.SweeperOptions{Now: func() time.Time { return now }, MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))})
	require.NoError(t, err)
	rep, err := sweeper.Sweep(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, rep.DisposedCount())

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(ctx, &rm))
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, p := range s.DataPoints {
					got[m.Name] += p.Value
				}
			}
		}
	}
	assert.Equal(t, map[string]int64{"retention.sweeps": 1, "retention.records.evaluated": 3, "retention.records.disposed": 1, "retention.records.held": 1}, got)
	dump, err := json.Marshal(rm)
	require.NoError(t, err)
	for _, secret := range []string{"visitor-", "example.com", "smith", "litigation"} {
		assert.NotContains(t, string(dump), secret)
	}
}
