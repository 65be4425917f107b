package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii/sqldialect"
	"github.com/civickit/privacy/retention"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func day(n int) time.Time { return t0.AddDate(0, 0, n) }

// fixture is one database with a records table.
type fixture struct {
	name    string
	db      *sql.DB
	dialect sqldialect.Dialect
	open    func(t testing.TB) *sql.DB // opens another handle on the same database
	dsn     string                     // the DSN open uses (for child processes)
}

// eachDB runs fn against SQLite, and against PostgreSQL and MySQL when
// available.
func eachDB(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "r.db")
		open := func(t testing.TB) *sql.DB {
			db, err := sql.Open("sqlite", testdb.SQLiteDSN(path))
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}
		fn(t, &fixture{name: "sqlite", db: open(t), dialect: sqldialect.SQLite, open: open, dsn: testdb.SQLiteDSN(path)})
	})
	t.Run("postgres", func(t *testing.T) {
		db, dsn := testdb.PostgresDSN(t)
		open := func(t testing.TB) *sql.DB {
			db, err := sql.Open("pgx", dsn)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}
		fn(t, &fixture{name: "postgres", db: db, dialect: sqldialect.Postgres, open: open, dsn: dsn})
	})
	t.Run("mysql", func(t *testing.T) {
		db, dsn := testdb.MySQLDSN(t)
		open := func(t testing.TB) *sql.DB {
			db, err := sql.Open("mysql", dsn)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}
		fn(t, &fixture{name: "mysql", db: db, dialect: sqldialect.MySQL, open: open, dsn: dsn})
	})
}

func createRecords(t testing.TB, db *sql.DB, d sqldialect.Dialect) {
	ts := "TEXT"
	id := "INTEGER PRIMARY KEY"
	subject, extra := "TEXT", ""
	switch d {
	case sqldialect.Postgres:
		ts, id = "TIMESTAMPTZ", "BIGINT PRIMARY KEY"
	case sqldialect.MySQL:
		ts, id, subject, extra = "DATETIME(6)", "BIGINT PRIMARY KEY", "VARCHAR(191)", ", INDEX records_subject (subject)"
	}
	_, err := db.Exec(`CREATE TABLE records (id ` + id + `, category TEXT NOT NULL, created_at ` + ts + ` NOT NULL, last_seen ` + ts + `, closed_at ` + ts + `, txn_at ` + ts + `, superseded_at ` + ts + `, subject ` + subject + `, email TEXT, anonymized_at ` + ts + extra + `)`)
	require.NoError(t, err)
}

func tsArg(d sqldialect.Dialect, t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if d == sqldialect.SQLite {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return t
}

func insertRecords(t testing.TB, db *sql.DB, d sqldialect.Dialect, recs []retention.Record) {
	tx, err := db.Begin()
	require.NoError(t, err)
	defer tx.Rollback()
	for chunk := range slices.Chunk(recs, 200) {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO records (id, category, created_at, last_seen, closed_at, txn_at, superseded_at, subject, email) VALUES `)
		var args []any
		for i, r := range chunk {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("(")
			for j := range 9 {
				if j > 0 {
					sb.WriteString(",")
				}
				if d == sqldialect.Postgres {
					fmt.Fprintf(&sb, "$%d", len(args)+j+1)
				} else {
					sb.WriteString("?")
				}
			}
			sb.WriteString(")")
			var id int64
			fmt.Sscan(r.ID, &id)
			var subj any
			if r.Subject != "" {
				subj = r.Subject
			}
			args = append(args, id, r.Category, tsArg(d, r.Created), tsArg(d, r.LastActivity), tsArg(d, r.Closed),
				tsArg(d, r.Events["transaction"]), tsArg(d, r.Events["superseded"]), subj, fmt.Sprintf("person%s@example.com", r.ID))
		}
		_, err := tx.Exec(sb.String(), args...)
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())
}

func recordsSource() Source {
	return Source{
		Name: "records", Table: "records", ID: "id", CategoryColumn: "category", Created: "created_at",
		LastActivity: "last_seen", Closed: "closed_at",
		Events:  map[string]string{"transaction": "txn_at", "superseded": "superseded_at"},
		Subject: "subject", Anonymize: []string{"email"}, AnonymizedAt: "anonymized_at",
	}
}

func citySchedule(t testing.TB) *retention.Schedule {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "city.yaml"))
	require.NoError(t, err)
	s, err := retention.ParseYAML(b)
	require.NoError(t, err)
	return s
}

var cats = []string{"web_usage", "utility.bill", "payment.card", "account", "subscription", "permits"}

// randomRecords makes n records with IDs 1..n from a fixed seed.
func randomRecords(r *rand.Rand, n int) []retention.Record {
	out := make([]retention.Record, n)
	for i := range out {
		rec := retention.Record{Source: "records", ID: fmt.Sprint(i + 1), Category: cats[r.IntN(len(cats))],
			Subject: fmt.Sprintf("subj-%03d", r.IntN(max(n/4, 1))), Created: day(r.IntN(2500))}
		if r.IntN(2) == 0 {
			rec.LastActivity = rec.Created.AddDate(0, 0, r.IntN(200))
		}
		if r.IntN(2) == 0 {
			rec.Closed = rec.Created.AddDate(0, 0, r.IntN(900))
		}
		rec.Events = map[string]time.Time{}
		if r.IntN(3) > 0 {
			rec.Events["transaction"] = rec.Created.AddDate(0, 0, r.IntN(30))
		}
		if r.IntN(2) == 0 {
			rec.Events["superseded"] = rec.Created.AddDate(0, 0, r.IntN(400))
		}
		out[i] = rec
	}
	return out
}

func randomHolds(r *rand.Rand, n int) []retention.Hold {
	var hs []retention.Hold
	for i := range 2 + r.IntN(3) {
		h := retention.Hold{ID: fmt.Sprintf("hold-%d", i), Kind: []retention.HoldKind{retention.HoldLegal, retention.HoldRecordsRequest, retention.HoldAudit, retention.HoldEvent}[r.IntN(4)],
			PlacedBy: "City Clerk", Reason: "test hold", PlacedAt: day(r.IntN(2000))}
		switch r.IntN(3) {
		case 0:
			h.Scope = retention.Scope{Source: "records", RecordID: fmt.Sprint(1 + r.IntN(n))}
		case 1:
			h.Scope = retention.Scope{Subject: fmt.Sprintf("subj-%03d", r.IntN(max(n/4, 1)))}
		default:
			from := day(r.IntN(2500))
			h.Scope = retention.Scope{From: from, To: from.AddDate(0, 0, 60)}
		}
		if r.IntN(3) == 0 {
			h.ReleasedAt, h.ReleasedBy = h.PlacedAt.AddDate(0, 0, 1+r.IntN(500)), "City Clerk"
		}
		hs = append(hs, h)
	}
	return hs
}

// remaining returns the IDs left in records and whether each is anonymised.
func remaining(t testing.TB, db interface {
	Query(string, ...any) (*sql.Rows, error)
}) map[string]bool {
	rows, err := db.Query(`SELECT id, anonymized_at IS NOT NULL FROM records`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id int64
		var anon bool
		require.NoError(t, rows.Scan(&id, &anon))
		out[fmt.Sprint(id)] = anon
	}
	require.NoError(t, rows.Err())
	return out
}

// expected evaluates recs with the pure evaluator: the IDs that must be
// disposed of, by action.
func expected(s *retention.Schedule, recs []retention.Record, holds []retention.Hold, now time.Time) map[string]retention.Action {
	idx := retention.IndexHolds(holds)
	out := map[string]retention.Action{}
	for _, r := range recs {
		if d := s.Evaluate(r, idx, now); d.Due() {
			out[r.ID] = d.Action
		}
	}
	return out
}

// fakeShredder records Forget calls.
type fakeShredder struct {
	mu     sync.Mutex
	forgot map[string]int
}

func (f *fakeShredder) Forget(_ context.Context, subject string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.forgot == nil {
		f.forgot = map[string]int{}
	}
	f.forgot[subject]++
	return nil
}

func (f *fakeShredder) calls() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.forgot {
		out[k] = v
	}
	return out
}

func logTotal(t testing.TB, st *Store) (int64, []Entry) {
	es, err := st.Log(context.Background(), 0, 0)
	require.NoError(t, err)
	var n int64
	for _, e := range es {
		n += e.Count
	}
	return n, es
}

// checkOutcome asserts the database matches the evaluator exactly: every
// due record disposed of with its action, every other record untouched.
func checkOutcome(t testing.TB, db *sql.DB, recs []retention.Record, want map[string]retention.Action, holds []retention.Hold, now time.Time) {
	t.Helper()
	left := remaining(t, db)
	idx := retention.IndexHolds(holds)
	for _, r := range recs {
		anon, present := left[r.ID]
		act, isDue := want[r.ID]
		if len(idx.Covering(r, now)) > 0 {
			require.True(t, present && !anon, "held record %s was disposed of", r.ID)
		}
		switch {
		case !isDue:
			require.True(t, present && !anon, "record %s not due but disposed of", r.ID)
		case act == retention.ActionAnonymize:
			require.True(t, present && anon, "record %s due for anonymisation", r.ID)
		default:
			require.False(t, present, "record %s due for %s but still there", r.ID, act)
		}
	}
}

func sqliteBenchDSN(b *testing.B) string {
	return testdb.SQLiteDSN(filepath.Join(b.TempDir(), "bench.db"))
}

func postgresBench(b *testing.B) *sql.DB { return testdb.Postgres(b) }
