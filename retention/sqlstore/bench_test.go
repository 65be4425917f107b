package sqlstore

import (
	"context"
	"database/sql"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/civickit/privacy/pii/sqldialect"
	"github.com/civickit/privacy/retention"
	"github.com/stretchr/testify/require"
)

const (
	benchRows = 1_000_000 // evaluated
	benchDue  = 100_000   // every tenth row is due
)

// fillBench creates the records table with benchRows rows generated in
// SQL; every tenth is old enough to be due.
func fillBench(b *testing.B, db *sql.DB, d sqldialect.Dialect) {
	b.Helper()
	_, _ = db.Exec(`DROP TABLE IF EXISTS records`)
	createRecords(b, db, d)
	q := `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 1000000)
		INSERT INTO records (id, category, created_at, subject, email)
		SELECT x, 'web_usage', CASE WHEN x % 10 = 0 THEN '2020-01-01T00:00:00Z' ELSE '2022-06-01T00:00:00Z' END,
		       'subj-' || (x % 50000), 'person' || x || '@example.com' FROM c`
	if d == sqldialect.Postgres {
		q = `INSERT INTO records (id, category, created_at, subject, email)
		SELECT x, 'web_usage', CASE WHEN x % 10 = 0 THEN timestamptz '2020-01-01T00:00:00Z' ELSE timestamptz '2022-06-01T00:00:00Z' END,
		       'subj-' || (x % 50000), 'person' || x || '@example.com' FROM generate_series(1, 1000000) AS x`
	}
	_, err := db.Exec(q)
	require.NoError(b, err)
	if d == sqldialect.Postgres {
		_, err = db.Exec(`ANALYZE records`)
		require.NoError(b, err)
	}
}

// peakHeap samples the heap until stop is called and returns the peak in MB.
func peakHeap() (stop func() float64) {
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		mu.Lock()
		defer mu.Unlock()
		return float64(peak) / (1 << 20)
	}
}

func benchDBs(b *testing.B, fn func(b *testing.B, f *fixture)) {
	b.Run("sqlite", func(b *testing.B) {
		db, err := sql.Open("sqlite", sqliteBenchDSN(b))
		require.NoError(b, err)
		b.Cleanup(func() { db.Close() })
		fn(b, &fixture{name: "sqlite", db: db, dialect: sqldialect.SQLite})
	})
	b.Run("postgres", func(b *testing.B) {
		db := postgresBench(b)
		fn(b, &fixture{name: "postgres", db: db, dialect: sqldialect.Postgres})
	})
}

// BenchmarkSweep1M evaluates 1,000,000 records and disposes of 100,000
// (delete, with the disposition log), per iteration.
func BenchmarkSweep1M(b *testing.B) {
	benchDBs(b, func(b *testing.B, f *fixture) {
		ctx := context.Background()
		st, err := New(f.db, nil)
		require.NoError(b, err)
		require.NoError(b, st.Migrate(ctx))
		// A few holds so that the hold index is exercised.
		for _, h := range []retention.Hold{
			{ID: "lit-1", Kind: retention.HoldLegal, Scope: retention.Scope{Subject: "subj-nobody"}, PlacedBy: "x", Reason: "y", PlacedAt: day(0)},
			{ID: "pra-1", Kind: retention.HoldRecordsRequest, Scope: retention.Scope{Category: "permits"}, PlacedBy: "x", Reason: "y", PlacedAt: day(0)},
		} {
			_ = st.Place(ctx, h)
		}
		w, err := NewSweeper(st, citySchedule(b), []Source{{Name: "records", Table: "records", ID: "id", CategoryColumn: "category", Created: "created_at", Subject: "subject"}},
			&SweeperOptions{BatchSize: 2000, Shredder: &fakeShredder{}, Now: func() time.Time { return day(1000) }})
		require.NoError(b, err)
		var peak float64
		for range b.N {
			b.StopTimer()
			fillBench(b, f.db, f.dialect)
			runtime.GC()
			stop := peakHeap()
			b.StartTimer()
			rep, err := w.Sweep(ctx)
			b.StopTimer()
			peak = max(peak, stop())
			require.NoError(b, err)
			require.EqualValues(b, benchRows, rep.Scanned)
			require.EqualValues(b, benchDue, rep.DisposedCount())
		}
		b.ReportMetric(float64(benchRows), "evaluated/op")
		b.ReportMetric(float64(benchDue), "disposed/op")
		b.ReportMetric(peak, "peak-heap-MB")
	})
}

// BenchmarkNaiveDelete1M is the baseline a user would otherwise write: one
// DELETE by date, with no holds, no precedence, no log, no batching.
func BenchmarkNaiveDelete1M(b *testing.B) {
	benchDBs(b, func(b *testing.B, f *fixture) {
		for range b.N {
			b.StopTimer()
			fillBench(b, f.db, f.dialect)
			b.StartTimer()
			cutoff := any("2022-01-01T00:00:00Z")
			q := `DELETE FROM records WHERE category = 'web_usage' AND created_at < ?`
			if f.dialect == sqldialect.Postgres {
				cutoff = day(0).AddDate(2, 0, 0)
				q = `DELETE FROM records WHERE category = 'web_usage' AND created_at < $1`
			}
			res, err := f.db.Exec(q, cutoff)
			b.StopTimer()
			require.NoError(b, err)
			n, _ := res.RowsAffected()
			require.EqualValues(b, benchDue, n)
		}
		b.ReportMetric(float64(benchDue), "disposed/op")
	})
}
