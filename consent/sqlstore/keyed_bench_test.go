package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

// BenchmarkChainKeyAppend compares appends per second with the unkeyed and
// the keyed hash chain in one run: on each database, every workload runs
// on a ledger over an unkeyed store, then on one over a keyed store
// (sqlstore.Options.ChainKey), sharing one database and one warmed pool,
// each on 256 subjects of its own. Workloads: ledger (Ledger.Record, one
// goroutine), ledger-parallel-64 (64 goroutines, group commit) and
// store-append-batch (AppendBatch of 256 events). Run it with -count (an
// even number: the side that runs first alternates, since the tables grow)
// and compare medians.
func BenchmarkChainKeyAppend(b *testing.B) {
	for _, db := range benchDBs() {
		if db.name == "sqlite-sync-normal" {
			continue
		}
		b.Run(db.name, func(b *testing.B) {
			conn, d := db.open(b)
			conn.SetMaxOpenConns(poolSize)
			conn.SetMaxIdleConns(poolSize)
			ctx := context.Background()
			type side struct {
				name     string
				l        *consent.Ledger
				subjects []string
			}
			var sides []*side
			keys := consenttest.NewKeys(b, 0) // one contact-point key: both ledgers' subjects share the table
			for i, key := range []*consent.ChainKey{nil, consenttest.NewChainKey(b, nil)} {
				st, err := sqlstore.New(conn, d, &sqlstore.Options{ChainKey: key})
				require.NoError(b, err)
				require.NoError(b, st.Migrate(ctx))
				l, err := consent.New(st, keys, nil)
				require.NoError(b, err)
				sd := &side{name: "unkeyed", l: l}
				if key != nil {
					sd.name = "keyed"
				}
				for j := range 256 {
					id, err := l.Enroll(ctx, pii.New(pii.Email, fmt.Sprintf("bench%d-%d@example.com", i, j)))
					require.NoError(b, err)
					sd.subjects = append(sd.subjects, id)
				}
				sides = append(sides, sd)
			}
			ev := func(sd *side, i int) consent.Event {
				return consent.Event{Subject: sd.subjects[i%len(sd.subjects)], Type: consent.Given, Purpose: benchPurposes[i%len(benchPurposes)],
					Channel: consent.Email, Method: consent.WebForm, Actor: "subject"}
			}
			workloads := []struct {
				name string
				run  func(b *testing.B, sd *side)
			}{
				{"ledger", func(b *testing.B, sd *side) {
					i := 0
					for b.Loop() {
						if _, err := sd.l.Record(ctx, ev(sd, i)); err != nil {
							b.Fatal(err)
						}
						i++
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
				}},
				{"ledger-parallel-64", func(b *testing.B, sd *side) {
					warmPool(b, conn, poolSize)
					b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
					var n atomic.Int64
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if _, err := sd.l.Record(ctx, ev(sd, int(n.Add(1)))); err != nil {
								b.Error(err)
								return
							}
						}
					})
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
				}},
				{"store-append-batch", func(b *testing.B, sd *side) {
					ba := sd.l.Store().(consent.BatchAppender)
					batch := make([]consent.Event, 256)
					i := 0
					for b.Loop() {
						for k := range batch {
							batch[k] = ev(sd, i)
							batch[k].OccurredAt, batch[k].RecordedAt = time.Now(), time.Now()
							i++
						}
						if _, err := ba.AppendBatch(ctx, batch); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "appends/s")
				}},
			}
			// The tables grow as the workloads run: alternate which side
			// goes first from one -count round to the next.
			order := sides
			if chainBenchRound.Add(1)%2 == 0 {
				order = []*side{sides[1], sides[0]}
			}
			for _, w := range workloads {
				for _, sd := range order {
					b.Run(w.name+"/"+sd.name, func(b *testing.B) { w.run(b, sd) })
				}
			}
			for _, sd := range sides {
				for _, id := range sd.subjects[:8] {
					require.NoError(b, sd.l.Verify(ctx, id), "chains intact after the benchmark")
				}
			}
		})
	}
}

var chainBenchRound atomic.Int64

// BenchmarkChainKeyAudit is Audit against a checkpoint (every chain read
// and re-hashed, every head compared) of 20,000 events (2,000 subjects of
// 10), or 1,000,000 with PRIVACY_BENCH_LARGE=1, unkeyed and keyed, each on
// a database of its own.
func BenchmarkChainKeyAudit(b *testing.B) {
	n := benchEvents()
	for _, db := range benchDBs() {
		if db.name == "sqlite-sync-normal" {
			continue
		}
		b.Run(fmt.Sprintf("%s/events=%d", db.name, n), func(b *testing.B) {
			for _, key := range []*consent.ChainKey{nil, consenttest.NewChainKey(b, nil)} {
				name := "unkeyed"
				if key != nil {
					name = "keyed"
				}
				b.Run(name, func(b *testing.B) {
					conn, d := db.open(b)
					s, err := sqlstore.New(conn, d, &sqlstore.Options{ChainKey: key})
					require.NoError(b, err)
					require.NoError(b, s.Migrate(context.Background()))
					bulkLoad(b, conn, d, n, key)
					ctx := context.Background()
					signer, verifier := consenttest.SigningKeys(b)
					cp, err := consent.TakeCheckpoint(ctx, s, signer, nil, time.Now())
					require.NoError(b, err)
					require.EqualValues(b, n, cp.Events)
					b.ResetTimer()
					for b.Loop() {
						r, err := consent.Audit(ctx, s, cp, verifier)
						require.NoError(b, err)
						require.True(b, r.OK(), "%+v", r.Changes)
					}
					b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "events/s")
				})
			}
		})
	}
}

// BenchmarkChainKeyInterleaved is BenchmarkChainKeyAppend with the two
// sides interleaved call by call, for a machine whose load drifts: each
// iteration appends once through the unkeyed ledger and once through the
// keyed one (or one AppendBatch of 256 events each; or, with 64
// goroutines, each goroutine alternating), timing each call, and reports
// each side's appends per second (calls over the time spent in them;
// with 64 goroutines, 64 over the mean latency) and the keyed side's as a
// percentage of the unkeyed side's.
func BenchmarkChainKeyInterleaved(b *testing.B) {
	for _, db := range benchDBs() {
		b.Run(db.name, func(b *testing.B) {
			conn, d := db.open(b)
			conn.SetMaxOpenConns(poolSize)
			conn.SetMaxIdleConns(poolSize)
			conns := [2]*sql.DB{conn, conn}
			if d == sqldialect.SQLite {
				// Two stores on one SQLite file would each hold a write
				// lock of their own and meet in SQLite's busy handler,
				// which is unfair to whichever polls: a file each.
				conns[1], _ = db.open(b)
				conns[1].SetMaxOpenConns(poolSize)
				conns[1].SetMaxIdleConns(poolSize)
			}
			ctx := context.Background()
			keys := consenttest.NewKeys(b, 0)
			var ledgers [2]*consent.Ledger
			var subjects [2][]string
			for i, key := range []*consent.ChainKey{nil, consenttest.NewChainKey(b, nil)} {
				st, err := sqlstore.New(conns[i], d, &sqlstore.Options{ChainKey: key})
				require.NoError(b, err)
				require.NoError(b, st.Migrate(ctx))
				l, err := consent.New(st, keys, nil)
				require.NoError(b, err)
				ledgers[i] = l
				for j := range 256 {
					id, err := l.Enroll(ctx, pii.New(pii.Email, fmt.Sprintf("inter%d-%d@example.com", i, j)))
					require.NoError(b, err)
					subjects[i] = append(subjects[i], id)
				}
			}
			ev := func(side, i int) consent.Event {
				return consent.Event{Subject: subjects[side][i%256], Type: consent.Given, Purpose: benchPurposes[i%len(benchPurposes)],
					Channel: consent.Email, Method: consent.WebForm, Actor: "subject"}
			}
			report := func(b *testing.B, spent [2]time.Duration, calls [2]int64, perCall float64) {
				var rate [2]float64
				for s := range 2 {
					rate[s] = float64(calls[s]) * perCall / spent[s].Seconds()
				}
				b.ReportMetric(rate[0], "unkeyed-appends/s")
				b.ReportMetric(rate[1], "keyed-appends/s")
				b.ReportMetric(100*rate[1]/rate[0], "keyed-%")
			}
			b.Run("ledger", func(b *testing.B) {
				var spent [2]time.Duration
				var calls [2]int64
				i := 0
				for b.Loop() {
					for k := range 2 {
						s := (i + k) % 2 // alternate which side goes first
						t := time.Now()
						if _, err := ledgers[s].Record(ctx, ev(s, i)); err != nil {
							b.Fatal(err)
						}
						spent[s] += time.Since(t)
						calls[s]++
					}
					i++
				}
				report(b, spent, calls, 1)
			})
			b.Run("ledger-parallel-64", func(b *testing.B) {
				warmPool(b, conns[1], poolSize)
				warmPool(b, conns[0], poolSize)
				b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
				var spent [2]atomic.Int64
				var calls [2]atomic.Int64
				var n atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := int(n.Add(1))
						s := i % 2
						t := time.Now()
						if _, err := ledgers[s].Record(ctx, ev(s, i)); err != nil {
							b.Error(err)
							return
						}
						spent[s].Add(int64(time.Since(t)))
						calls[s].Add(1)
					}
				})
				g := float64(max(1, 64/runtime.GOMAXPROCS(0)) * runtime.GOMAXPROCS(0))
				report(b, [2]time.Duration{time.Duration(spent[0].Load()), time.Duration(spent[1].Load())},
					[2]int64{calls[0].Load(), calls[1].Load()}, g)
			})
			b.Run("store-append-batch", func(b *testing.B) {
				var spent [2]time.Duration
				var calls [2]int64
				batch := make([]consent.Event, 256)
				i := 0
				for b.Loop() {
					for k := range 2 {
						s := (i + k) % 2
						for j := range batch {
							batch[j] = ev(s, i*256+j)
							batch[j].OccurredAt, batch[j].RecordedAt = time.Now(), time.Now()
						}
						t := time.Now()
						if _, err := ledgers[s].Store().(consent.BatchAppender).AppendBatch(ctx, batch); err != nil {
							b.Fatal(err)
						}
						spent[s] += time.Since(t)
						calls[s]++
					}
					i++
				}
				report(b, spent, calls, float64(len(batch)))
			})
			for s := range 2 {
				for _, id := range subjects[s][:8] {
					require.NoError(b, ledgers[s].Verify(ctx, id), "chains intact after the benchmark")
				}
			}
		})
	}
}
