package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

// EnvBenchLarge, set to 1, loads 1,000,000 events before the MayContact
// benchmarks instead of 20,000.
const EnvBenchLarge = "PRIVACY_BENCH_LARGE"

const eventsPerSubject = 10

var benchPurposes = []string{"eline:weekly-news", "street-alerts", "paperless-billing", "surveys"}

func benchEvents() int {
	if os.Getenv(EnvBenchLarge) == "1" {
		return 1_000_000
	}
	return 20_000
}

func benchSubject(i int) string { return fmt.Sprintf("sbench%08d", i) }

// bulkLoad writes n events, eventsPerSubject per subject, with valid hash
// chains sealed with key (nil: unkeyed), straight into the tables: COPY on
// PostgreSQL, multi-row INSERTs in large transactions on SQLite.
func bulkLoad(b *testing.B, db *sql.DB, d sqldialect.Dialect, n int, key *consent.ChainKey) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(6, 6))
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	nSubj := n / eventsPerSubject
	var subjRows, evRows [][]any
	flush := func(final bool) {
		if len(evRows) < 50_000 && !final {
			return
		}
		require.NoError(b, insertRows(ctx, db, d, "consent_subjects", []string{"id", "kind", "contact", "idx", "created_at", "last_seq"}, subjRows))
		require.NoError(b, insertRows(ctx, db, d, "consent_events", []string{"subject", "seq", "type", "purpose", "channel", "method",
			"notice_id", "notice_version", "actor", "detail", "occurred_at", "recorded_at", "prev_hash", "hash", "hash_scheme", "hash_key"}, evRows))
		subjRows, evRows = subjRows[:0], evRows[:0]
	}
	types := []consent.EventType{consent.Given, consent.Withdrawn, consent.Renewed, consent.Requested, consent.Confirmed}
	for s := range nSubj {
		id := benchSubject(s)
		idx := []byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(4) << 6)}
		subjRows = append(subjRows, []any{id, "email", []byte{1, 2, 3, byte(s)}, idx, t0.UnixNano(), int64(eventsPerSubject)})
		var prev *consent.Event
		for k := range eventsPerSubject {
			at := t0.Add(time.Duration(s*eventsPerSubject+k) * time.Second)
			e := consent.Event{Subject: id, Type: types[rng.IntN(len(types))], Purpose: benchPurposes[rng.IntN(len(benchPurposes))],
				Channel: consent.Email, Method: consent.WebForm, Actor: "subject", OccurredAt: at, RecordedAt: at}
			require.NoError(b, key.Seal(&e, prev))
			var ph any
			if len(e.PrevHash) > 0 {
				ph = e.PrevHash
			}
			evRows = append(evRows, []any{e.Subject, e.Seq, string(e.Type), e.Purpose, string(e.Channel), string(e.Method),
				"", 0, e.Actor, "", at.UnixNano(), at.UnixNano(), ph, e.Hash, int64(e.HashScheme), int64(e.HashKey)})
			prev = &e
		}
		flush(false)
	}
	flush(true)
	switch d {
	case sqldialect.Postgres:
		_, err := db.ExecContext(ctx, `ANALYZE consent_events; ANALYZE consent_subjects`)
		require.NoError(b, err)
	case sqldialect.MySQL:
		_, err := db.ExecContext(ctx, `ANALYZE TABLE consent_events, consent_subjects`)
		require.NoError(b, err)
	default:
		_, err := db.ExecContext(ctx, `ANALYZE`)
		require.NoError(b, err)
	}
}

func insertRows(ctx context.Context, db *sql.DB, d sqldialect.Dialect, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if d == sqldialect.Postgres {
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
			return err
		})
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const per = 500
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", len(chunk)), ",")
		args := make([]any, 0, len(chunk)*len(cols))
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func benchDBs() []struct {
	name string
	open func(b *testing.B) (*sql.DB, sqldialect.Dialect)
} {
	return []struct {
		name string
		open func(b *testing.B) (*sql.DB, sqldialect.Dialect)
	}{
		{"sqlite", func(b *testing.B) (*sql.DB, sqldialect.Dialect) { return testdb.SQLite(b), sqldialect.SQLite }},
		{"sqlite-sync-normal", func(b *testing.B) (*sql.DB, sqldialect.Dialect) {
			// WAL with synchronous=NORMAL: durable across application
			// crashes, may lose the last commits on power loss.
			db, err := sql.Open("sqlite", testdb.SQLiteDSN(filepath.Join(b.TempDir(), "n.db"))+"&_pragma=synchronous(NORMAL)")
			require.NoError(b, err)
			b.Cleanup(func() { db.Close() })
			return db, sqldialect.SQLite
		}},
		{"postgres", func(b *testing.B) (*sql.DB, sqldialect.Dialect) { return testdb.Postgres(b), sqldialect.Postgres }},
		{"mysql", func(b *testing.B) (*sql.DB, sqldialect.Dialect) { return testdb.MySQL(b), sqldialect.MySQL }},
	}
}

func benchLedger(b *testing.B, db *sql.DB, d sqldialect.Dialect) *consent.Ledger {
	return benchLedgerOpts(b, db, d, nil)
}

func benchLedgerOpts(b *testing.B, db *sql.DB, d sqldialect.Dialect, opts *sqlstore.Options) *consent.Ledger {
	s, err := sqlstore.New(db, d, opts)
	require.NoError(b, err)
	require.NoError(b, s.Migrate(context.Background()))
	l, err := consent.New(s, consenttest.NewKeys(b, 0), nil)
	require.NoError(b, err)
	return l
}

// BenchmarkAppend measures appends per second through the Ledger (validate,
// then check the subject, link the hash chain and commit durably in the
// store's transaction) with one goroutine
// and with 16 and 64 goroutines (a portal under load: many web requests at
// once), with group commit (the default) and without it (MaxBatch 1: one
// transaction per event, as before group commit). store-append-batch is
// Store.AppendBatch of 256 events (an import). The baseline is what a user
// would otherwise write: a plain single-row autocommit INSERT with no chain
// and no per-subject serialisation, from one goroutine and from 64.
func BenchmarkAppend(b *testing.B) {
	for _, db := range benchDBs() {
		b.Run(db.name, func(b *testing.B) {
			conn, d := db.open(b)
			// A server under load keeps a bounded pool of connections:
			// database/sql's default of 2 idle connections would make 64
			// goroutines open and close connections all the time (on
			// PostgreSQL, a process fork each), and no limit would exhaust
			// the server's max_connections.
			conn.SetMaxOpenConns(poolSize)
			conn.SetMaxIdleConns(poolSize)
			l := benchLedger(b, conn, d)
			single := benchLedgerOpts(b, conn, d, &sqlstore.Options{MaxBatch: 1})
			ctx := context.Background()
			var subjects []string
			for i := range 256 {
				id, err := l.Enroll(ctx, pii.New(pii.Email, fmt.Sprintf("bench%d@example.com", i)))
				require.NoError(b, err)
				subjects = append(subjects, id)
			}
			ev := func(i int) consent.Event {
				return consent.Event{Subject: subjects[i%len(subjects)], Type: consent.Given, Purpose: benchPurposes[i%len(benchPurposes)],
					Channel: consent.Email, Method: consent.WebForm, Actor: "subject"}
			}
			parallel := func(l *consent.Ledger, goroutines int) func(b *testing.B) {
				return func(b *testing.B) {
					warmPool(b, conn, poolSize)
					b.SetParallelism(max(1, goroutines/runtime.GOMAXPROCS(0)))
					var n atomic.Int64
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if _, err := l.Record(ctx, ev(int(n.Add(1)))); err != nil {
								b.Error(err)
								return
							}
						}
					})
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
				}
			}
			b.Run("ledger", func(b *testing.B) {
				i := 0
				for b.Loop() {
					_, err := l.Record(ctx, ev(i))
					if err != nil {
						b.Fatal(err)
					}
					i++
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
			})
			b.Run("ledger-parallel-16", parallel(l, 16))
			b.Run("ledger-parallel-64", parallel(l, 64))
			b.Run("ledger-parallel-64-no-group-commit", parallel(single, 64))
			b.Run("store-append-batch", func(b *testing.B) {
				ba := l.Store().(consent.BatchAppender)
				const per = 256
				batch := make([]consent.Event, per)
				i := 0
				for b.Loop() {
					for k := range batch {
						batch[k] = ev(i)
						batch[k].OccurredAt, batch[k].RecordedAt = time.Now(), time.Now()
						i++
					}
					if _, err := ba.AppendBatch(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "appends/s")
			})
			plain := func(goroutines int) func(b *testing.B) {
				return func(b *testing.B) {
					_, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS plain_events (subject TEXT, type TEXT, purpose TEXT, channel TEXT, method TEXT, actor TEXT, occurred_at BIGINT)`)
					require.NoError(b, err)
					q := `INSERT INTO plain_events VALUES (?, ?, ?, ?, ?, ?, ?)`
					if d == sqldialect.Postgres {
						q = `INSERT INTO plain_events VALUES ($1, $2, $3, $4, $5, $6, $7)`
					}
					warmPool(b, conn, poolSize)
					b.SetParallelism(max(1, goroutines/runtime.GOMAXPROCS(0)))
					var n atomic.Int64
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							e := ev(int(n.Add(1)))
							if _, err := conn.ExecContext(ctx, q, e.Subject, string(e.Type), e.Purpose, string(e.Channel), string(e.Method), e.Actor, time.Now().UnixNano()); err != nil {
								b.Error(err)
								return
							}
						}
					})
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
				}
			}
			b.Run("baseline-plain-insert", plain(1))
			b.Run("baseline-plain-insert-parallel-64", plain(64))
			for _, id := range subjects[:8] {
				require.NoError(b, l.Verify(ctx, id), "chains intact after the benchmark")
			}
		})
	}
}

// poolSize is the connection pool of the append benchmarks.
const poolSize = 24

// warmPool opens n connections before the clock starts, as a server that
// has been running would have them: otherwise the first round of a
// parallel benchmark measures connection set-up.
func warmPool(b *testing.B, db *sql.DB, n int) {
	b.Helper()
	ctx := context.Background()
	conns := make([]*sql.Conn, 0, n)
	for range n {
		c, err := db.Conn(ctx)
		require.NoError(b, err)
		require.NoError(b, c.PingContext(ctx))
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	b.ResetTimer()
}

// BenchmarkMayContact measures MayContact latency with many events loaded
// (20,000, or 1,000,000 with PRIVACY_BENCH_LARGE=1) and reports the 50th
// and 99th percentiles. The baseline derives the status by reading the
// subject's whole history, as a ledger without the (subject, purpose,
// channel, seq) index would.
func BenchmarkMayContact(b *testing.B) {
	n := benchEvents()
	for _, db := range benchDBs() {
		b.Run(fmt.Sprintf("%s/events=%d", db.name, n), func(b *testing.B) {
			conn, d := db.open(b)
			l := benchLedger(b, conn, d)
			start := time.Now()
			bulkLoad(b, conn, d, n, nil)
			b.Logf("loaded %d events in %v", n, time.Since(start).Round(time.Millisecond))
			logPlan(b, conn, d, l.Store().(*sqlstore.Store))
			ctx := context.Background()
			nSubj := n / eventsPerSubject
			measure := func(b *testing.B, f func(subject, purpose string) error) {
				rng := rand.New(rand.NewPCG(1, 2))
				lat := make([]time.Duration, 0, 1<<16)
				for b.Loop() {
					subj, p := benchSubject(rng.IntN(nSubj)), benchPurposes[rng.IntN(len(benchPurposes))]
					t := time.Now()
					if err := f(subj, p); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t))
				}
				slices.Sort(lat)
				pct := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) / 1e3 }
				b.ReportMetric(pct(0.50), "p50-µs")
				b.ReportMetric(pct(0.99), "p99-µs")
			}
			b.Run("ledger", func(b *testing.B) {
				measure(b, func(subj, p string) error {
					_, err := l.MayContact(ctx, subj, p, consent.Email)
					return err
				})
			})
			b.Run("baseline-full-history", func(b *testing.B) {
				measure(b, func(subj, p string) error {
					sts, err := l.Statuses(ctx, subj)
					for _, s := range sts {
						if s.Purpose == p && s.Channel == consent.Email {
							_ = s.Status.AllowsContact()
						}
					}
					return err
				})
			})
			b.Run("verify-chain", func(b *testing.B) {
				rng := rand.New(rand.NewPCG(3, 4))
				for b.Loop() {
					if err := l.Verify(ctx, benchSubject(rng.IntN(nSubj))); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// logPlan logs the query plan of State, MayContact's one query, on a
// loaded subject: EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on
// PostgreSQL and MySQL.
func logPlan(b *testing.B, db *sql.DB, d sqldialect.Dialect, s *sqlstore.Store) {
	b.Helper()
	q := "EXPLAIN QUERY PLAN " + s.StateQuery()
	switch d {
	case sqldialect.Postgres:
		q = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + s.StateQuery()
	case sqldialect.MySQL:
		q = "ANALYZE FORMAT=JSON " + s.StateQuery() // MariaDB; MySQL 8 says EXPLAIN ANALYZE
	}
	rows, err := db.QueryContext(context.Background(), q, benchPurposes[0], "email", benchPurposes[0], "email", benchSubject(7))
	require.NoError(b, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(b, err)
	var plan strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(b, rows.Scan(ptrs...))
		fmt.Fprintln(&plan, vals[len(vals)-1])
	}
	require.NoError(b, rows.Err())
	b.Logf("State query plan:\n%s", plan.String())
}
