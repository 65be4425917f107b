package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/civickit/privacy/pii/sqldialect"
	"github.com/civickit/privacy/retention"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHoldPlacedDuringSweep places a hold from another connection while a
// sweep batch is between reading the holds and disposing of its due rows.
// The hold covers a due record of that batch (record 5) and one of a later
// batch (record 150). The guarantee under test: a hold that has committed
// before a batch disposes of a record keeps that record. Two ways of
// placing it are tried: Store.Place, and a plain INSERT into the holds
// table by some other program.
//
// What happens (both databases): the placement cannot commit while the
// batch is in flight (it waits for the batch's lock on the holds table on
// PostgreSQL, for the write lock on SQLite), so the in-flight batch
// disposes of record 5, which was not held when it was read, and every
// later batch sees the hold and keeps record 150.
func TestHoldPlacedDuringSweep(t *testing.T) {
	const n, batch = 200, 20
	placers := []struct {
		name  string
		place func(ctx context.Context, db *sql.DB, d sqldialect.Dialect, h retention.Hold) error
	}{
		{"Store.Place", func(ctx context.Context, db *sql.DB, _ sqldialect.Dialect, h retention.Hold) error {
			st, err := New(db, nil)
			if err != nil {
				return err
			}
			return st.Place(ctx, h)
		}},
		{"direct INSERT", func(ctx context.Context, db *sql.DB, d sqldialect.Dialect, h retention.Hold) error {
			q := `INSERT INTO retention_holds (id, kind, source, record_id, subject, category, placed_by, reason, placed_at) VALUES (?, ?, '', '', ?, '', ?, ?, ?)`
			if d == sqldialect.Postgres {
				q = `INSERT INTO retention_holds (id, kind, source, record_id, subject, category, placed_by, reason, placed_at) VALUES ($1, $2, '', '', $3, '', $4, $5, $6)`
			}
			_, err := db.ExecContext(ctx, q, h.ID, string(h.Kind), h.Scope.Subject, h.PlacedBy, h.Reason, h.PlacedAt.UnixMicro())
			return err
		}},
	}
	for _, p := range placers {
		t.Run(p.name, func(t *testing.T) {
			eachDB(t, func(t *testing.T, f *fixture) {
				ctx := context.Background()
				recs := make([]retention.Record, n)
				for i := range recs {
					recs[i] = retention.Record{Source: "records", ID: fmt.Sprint(i + 1), Category: "web_usage", Subject: fmt.Sprintf("subj-%03d", i+1), Created: day(0)}
				}
				recs[4].Subject, recs[149].Subject = "subj-held", "subj-held"
				st := setup(t, f, recs, nil)
				now := day(2000)
				want := expected(citySchedule(t), recs, nil, now)
				require.Len(t, want, n, "every record is due before the hold")

				other := f.open(t) // another pool: another server placing the hold
				require.NoError(t, other.PingContext(ctx))
				hold := retention.Hold{ID: "lit-race", Kind: retention.HoldLegal, Scope: retention.Scope{Subject: "subj-held"},
					PlacedBy: "City Attorney", Reason: "case 25-9", PlacedAt: now}

				var (
					done      = make(chan struct{}) // closed when the placement returns
					placeErr  error
					batchNo   int
					inFlight  bool // the placement returned while batch 1 was in flight
					present5  bool // record 5 was still there when batch 1 reached the hook
					before150 bool // the placement had returned when record 150's batch read the holds
				)
				returned := func() bool {
					select {
					case <-done:
						return true
					default:
						return false
					}
				}
				w, err := NewSweeper(st, citySchedule(t), []Source{recordsSource()}, &SweeperOptions{BatchSize: batch, Shredder: &fakeShredder{}, Now: func() time.Time { return now }})
				require.NoError(t, err)
				w.beforeApply = func(string) {
					batchNo++
					switch batchNo {
					case 1: // records 1-20: place the hold now, from another pool
						_, present5 = remaining(t, f.db)["5"]
						go func() { placeErr = p.place(ctx, other, f.dialect, hold); close(done) }()
						select {
						case <-done:
							inFlight = true
						case <-time.After(500 * time.Millisecond):
						}
					case 150 / batch: // records 141-160
						before150 = returned()
					}
				}
				rep, err := w.Sweep(ctx)
				require.NoError(t, err)
				<-done
				require.NoError(t, placeErr, "the hold was placed")
				require.True(t, present5, "the hook ran in the batch holding record 5")

				left := remaining(t, f.db)
				_, kept5 := left["5"]
				_, kept150 := left["150"]
				// The guarantee, whatever the timing: a hold that has committed
				// before a batch reads the holds keeps its records.
				if inFlight {
					assert.True(t, kept5, "the hold committed before the batch disposed of record 5, so record 5 must stay")
				}
				if before150 {
					assert.True(t, kept150, "the hold committed before record 150's batch, so record 150 must stay")
				}
				gone := int64(n - len(left))
				total, _ := logTotal(t, st)
				assert.Equal(t, gone, total, "the log counts exactly what is gone")
				assert.Equal(t, gone, rep.DisposedCount())
				t.Logf("placement returned during batch 1: %v; before record 150's batch: %v; record 5 kept: %v; record 150 kept: %v", inFlight, before150, kept5, kept150)

				if p.name == "direct INSERT" && f.dialect == sqldialect.SQLite {
					// Another writer on the SQLite file, outside this package,
					// only has SQLite's busy handler: it cannot commit while a
					// batch holds the write lock, and it may get in only after
					// the sweep (or time out). It never commits mid-batch.
					assert.False(t, inFlight, "SQLite serialises writers")
					return
				}
				// Store.Place (both databases) and any write to the holds table
				// on PostgreSQL wait for the batch in flight, and only for it.
				assert.False(t, inFlight, "the placement waited for the in-flight batch")
				assert.True(t, before150, "the placement went in before later batches")
				assert.False(t, kept5, "the in-flight batch disposed of record 5, which was not held when it read the holds")
				assert.True(t, kept150, "a hold placed during a sweep binds every later batch")
				assert.Len(t, left, 1)
				assert.EqualValues(t, n-1, total)
				assert.EqualValues(t, 1, rep.Held["lit-race"])
			})
		})
	}
}
