package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/civickit/privacy/retention"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func setup(t testing.TB, f *fixture, recs []retention.Record, holds []retention.Hold) *Store {
	t.Helper()
	ctx := context.Background()
	st, err := New(f.db, nil)
	require.NoError(t, err)
	require.Equal(t, f.dialect, st.Dialect(), "dialect detected from the driver")
	require.NoError(t, st.Migrate(ctx))
	require.NoError(t, st.Migrate(ctx), "Migrate is idempotent")
	createRecords(t, f.db, f.dialect)
	insertRecords(t, f.db, f.dialect, recs)
	for _, h := range holds {
		require.NoError(t, st.Place(ctx, h))
	}
	return st
}

func TestSweepMatchesEvaluator(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(1, 7))
		recs := randomRecords(r, 400)
		holds := randomHolds(r, 400)
		st := setup(t, f, recs, holds)
		sched := citySchedule(t)
		now := day(3000)
		shred := &fakeShredder{}
		w, err := NewSweeper(st, sched, []Source{recordsSource()}, &SweeperOptions{BatchSize: 37, Shredder: shred, Now: func() time.Time { return now }})
		require.NoError(t, err)
		want := expected(sched, recs, holds, now)
		require.Greater(t, len(want), 50, "the fixture must have due records")
		require.Less(t, len(want), len(recs)-50, "and kept ones")

		plan, err := w.Plan(ctx)
		require.NoError(t, err)
		assert.True(t, plan.DryRun)
		assert.EqualValues(t, len(recs), plan.Scanned)
		assert.EqualValues(t, len(want), plan.DisposedCount())
		assert.Len(t, remaining(t, f.db), len(recs), "a dry run changes nothing")
		assert.Positive(t, plan.Uncovered["records/permits"]+plan.ByStatus[retention.StatusKept], "permits are only under the retain-only floor")

		rep, err := w.Sweep(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, len(want), rep.DisposedCount())
		assert.Equal(t, plan.Disposed, rep.Disposed, "the dry run predicted the sweep")
		checkOutcome(t, f.db, recs, want, holds, now)

		total, entries := logTotal(t, st)
		assert.EqualValues(t, len(want), total, "one log count per disposal")
		for _, e := range entries {
			assert.Equal(t, "sweep", e.Kind)
			assert.Equal(t, rep.SweepID, e.SweepID)
			assert.Equal(t, "Example City portal 2025-01", e.Schedule)
			assert.NotEmpty(t, e.Rules)
			assert.True(t, e.At.Equal(now))
		}
		// No PII in the log: no subject, no e-mail.
		b, _ := json.Marshal(entries)
		assert.NotContains(t, string(b), "subj-")
		assert.NotContains(t, string(b), "example.com")

		// Anonymised rows lost their personal data.
		var emails int
		require.NoError(t, f.db.QueryRow(`SELECT COUNT(*) FROM records WHERE anonymized_at IS NOT NULL AND (email IS NOT NULL OR subject IS NOT NULL)`).Scan(&emails))
		assert.Zero(t, emails)

		// Crypto-shredding forgot exactly the subjects with nothing left.
		left := map[string]bool{}
		rows, err := f.db.Query(`SELECT DISTINCT subject FROM records WHERE subject IS NOT NULL`)
		require.NoError(t, err)
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			left[s] = true
		}
		require.NoError(t, rows.Close())
		shredded := map[string]bool{}
		for _, rec := range recs {
			if want[rec.ID] == retention.ActionCryptoShred {
				shredded[rec.Subject] = true
			}
		}
		calls := shred.calls()
		for subj := range shredded {
			if left[subj] {
				assert.Zero(t, calls[subj], "subject with records left must keep its key")
			} else {
				assert.Equal(t, 1, calls[subj], "subject with nothing left is forgotten once")
			}
		}
		assert.Equal(t, len(calls), rep.Shredded)

		// Idempotent: a second sweep disposes of nothing and logs nothing.
		rep2, err := w.Sweep(ctx)
		require.NoError(t, err)
		assert.Zero(t, rep2.DisposedCount())
		total2, _ := logTotal(t, st)
		assert.Equal(t, total, total2)
	})
}

func TestDispositionLogIsAppendOnly(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		recs := []retention.Record{{Source: "records", ID: "1", Category: "web_usage", Subject: "subj-1", Created: day(0)}}
		st := setup(t, f, recs, nil)
		w, err := NewSweeper(st, citySchedule(t), []Source{recordsSource()}, &SweeperOptions{Shredder: &fakeShredder{}, Now: func() time.Time { return day(1000) }})
		require.NoError(t, err)
		_, err = w.Sweep(context.Background())
		require.NoError(t, err)
		n, _ := logTotal(t, st)
		require.EqualValues(t, 1, n)
		_, err = f.db.Exec(`UPDATE retention_disposition_log SET count = 0`)
		assert.ErrorContains(t, err, "append-only")
		_, err = f.db.Exec(`DELETE FROM retention_disposition_log`)
		assert.ErrorContains(t, err, "append-only")
		n, _ = logTotal(t, st)
		assert.EqualValues(t, 1, n)
	})
}

func TestHoldStore(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		st := setup(t, f, nil, nil)
		for _, hs := range []retention.HoldStore{st, &retention.MemoryHolds{}} {
			a := retention.Hold{ID: "lit-1", Kind: retention.HoldLegal, Scope: retention.Scope{Subject: "subj-1"}, PlacedBy: "City Attorney", Reason: "case 1", PlacedAt: day(1)}
			b := retention.Hold{ID: "req-1", Kind: retention.HoldRecordsRequest, Scope: retention.Scope{Category: "payment", From: day(0), To: day(9)}, PlacedBy: "Clerk", Reason: "PRA 2025-1", PlacedAt: day(2), Expires: day(50)}
			require.NoError(t, hs.Place(ctx, a))
			require.NoError(t, hs.Place(ctx, b))
			assert.ErrorIs(t, hs.Place(ctx, a), retention.ErrInvalid, "duplicate ID")
			err := hs.Place(ctx, retention.Hold{ID: "x", Kind: "forever"})
			var ve *retention.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.GreaterOrEqual(t, len(ve.Problems), 4, "every problem listed: %v", err)

			got, err := hs.Get(ctx, "req-1")
			require.NoError(t, err)
			assert.Equal(t, b.Scope.Category, got.Scope.Category)
			assert.True(t, b.Expires.Equal(got.Expires))
			assert.True(t, b.Scope.To.Equal(got.Scope.To))

			require.NoError(t, hs.Release(ctx, "lit-1", "City Attorney", day(5)))
			assert.ErrorIs(t, hs.Release(ctx, "lit-1", "City Attorney", day(6)), retention.ErrReleased)
			assert.ErrorIs(t, hs.Release(ctx, "nope", "x", day(6)), retention.ErrNotFound)
			assert.ErrorIs(t, hs.Release(ctx, "req-1", "", day(6)), retention.ErrInvalid, "release needs who")
			_, err = hs.Get(ctx, "nope")
			assert.ErrorIs(t, err, retention.ErrNotFound)

			all, err := hs.Holds(ctx)
			require.NoError(t, err)
			require.Len(t, all, 2)
			assert.Equal(t, "lit-1", all[0].ID)
			assert.True(t, all[0].ReleasedAt.Equal(day(5)))
			assert.True(t, all[1].ReleasedAt.IsZero(), "releasing one hold releases no other")
		}
	})
}

func TestSweeperConfigErrors(t *testing.T) {
	f := &fixture{}
	_ = f
	st, err := New(sqlOpenSQLite(t), nil)
	require.NoError(t, err)
	sched := citySchedule(t)
	bad := []Source{
		{Name: "a", Table: `x"; DROP TABLE y; --`, ID: "id", Category: "web_usage", Created: "c"},
		{Name: "a", Table: "t", ID: "id", Created: "c"},
		{Name: "b", Table: "t", ID: "id", Category: "account", Created: "c"},
		{Name: "c", Table: "s.t.u", ID: "i d", CategoryColumn: "cat", Category: "web_usage", Created: ""},
	}
	_, err = NewSweeper(st, sched, bad, nil)
	var ve *retention.ValidationError
	require.ErrorAs(t, err, &ve)
	msg := err.Error()
	for _, want := range []string{"sources[0].table", "sources[1].category", "sources[1].name", "sources[2].anonymize", "sources[3].table", "sources[3].id", "sources[3].created", "shredder"} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "DROP TABLE", "configuration text is not echoed")
}

func sqlOpenSQLite(t *testing.T) *sql.DB {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// TestPropertySweep: random schedules' worth of records and holds, swept
// with random batch sizes, end exactly as the evaluator says.
func TestPropertySweep(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		r := rand.New(rand.NewPCG(3, 99))
		recs := randomRecords(r, 300)
		holds := randomHolds(r, 300)
		st := setup(t, f, recs, holds)
		sched := citySchedule(t)
		ctx := context.Background()
		// Sweep at increasing times: each pass must match the evaluator.
		for _, now := range []time.Time{day(500), day(1200), day(2600), day(4000)} {
			w, err := NewSweeper(st, sched, []Source{recordsSource()}, &SweeperOptions{BatchSize: 1 + r.IntN(60), Shredder: &fakeShredder{}, Now: func() time.Time { return now }})
			require.NoError(t, err)
			_, err = w.Sweep(ctx)
			require.NoError(t, err)
			checkOutcome(t, f.db, recs, expectedCumulative(sched, recs, holds, now), holds, now)
		}
	})
}

// expectedCumulative is expected for monotone sweeps: a record due at an
// earlier pass is due now as well unless a hold appeared; since checkOutcome
// only looks at the final state, compute "due at any pass time <= now".
func expectedCumulative(s *retention.Schedule, recs []retention.Record, holds []retention.Hold, now time.Time) map[string]retention.Action {
	out := map[string]retention.Action{}
	for _, t := range []time.Time{day(500), day(1200), day(2600), day(4000)} {
		if t.After(now) {
			break
		}
		for id, a := range expected(s, recs, holds, t) {
			if _, ok := out[id]; !ok {
				out[id] = a
			}
		}
	}
	return out
}

func TestEraseAndAccess(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		recs := []retention.Record{
			{Source: "records", ID: "1", Category: "web_usage", Subject: "subj-9", Created: day(0)},                                                           // floor passed: disposed
			{Source: "records", ID: "2", Category: "utility.bill", Subject: "subj-9", Created: day(500)},                                                      // 3 years: deferred
			{Source: "records", ID: "3", Category: "payment.card", Subject: "subj-9", Created: day(10), Events: map[string]time.Time{"transaction": day(10)}}, // held
			{Source: "records", ID: "4", Category: "account", Subject: "subj-9", Created: day(0), Closed: day(100)},                                           // anonymised
			{Source: "records", ID: "5", Category: "web_usage", Subject: "subj-other", Created: day(0)},                                                       // someone else
			{Source: "records", ID: "6", Category: "account", Subject: "subj-9", Created: day(0)},                                                             // open account: deferred, no date
		}
		holds := []retention.Hold{{ID: "pra-7", Kind: retention.HoldRecordsRequest, Scope: retention.Scope{Source: "records", RecordID: "3"}, PlacedBy: "Clerk", Reason: "public records request 7", PlacedAt: day(5)}}
		st := setup(t, f, recs, holds)
		shred := &fakeShredder{}
		now := day(1000)
		w, err := NewSweeper(st, citySchedule(t), []Source{recordsSource()}, &SweeperOptions{Shredder: shred, Now: func() time.Time { return now }})
		require.NoError(t, err)

		exp, err := w.Access(ctx, "subj-9", "req-access-1")
		require.NoError(t, err)
		require.Len(t, exp.Sources, 1)
		require.Len(t, exp.Sources[0].Records, 5, "all of the subject's records and no one else's")
		b, err := json.Marshal(exp)
		require.NoError(t, err)
		assert.Contains(t, string(b), "person1@example.com")
		assert.NotContains(t, string(b), "person5@example.com")
		assert.Equal(t, retention.StatusHeld, exp.Sources[0].Records[2].Decision.Status)

		res, err := w.Erase(ctx, "subj-9", "req-erase-1")
		require.NoError(t, err)
		byID := map[string]retention.ErasureItem{}
		for _, it := range res.Items {
			byID[it.RecordID] = it
		}
		require.Len(t, byID, 5)
		assert.Equal(t, retention.OutcomeDisposed, byID["1"].Outcome)
		assert.Equal(t, retention.OutcomeDeferred, byID["2"].Outcome)
		assert.True(t, byID["2"].Until.Equal(day(500).AddDate(3, 0, 0)), "deferred until the 3-year retention ends")
		assert.Equal(t, retention.OutcomeRefused, byID["3"].Outcome)
		assert.Equal(t, []retention.HoldRef{{ID: "pra-7", Kind: retention.HoldRecordsRequest}}, byID["3"].Holds)
		assert.Equal(t, retention.OutcomeDisposed, byID["4"].Outcome)
		assert.Equal(t, retention.ActionAnonymize, byID["4"].Action)
		assert.Equal(t, retention.OutcomeDeferred, byID["6"].Outcome)
		assert.True(t, byID["6"].Until.IsZero())

		left := remaining(t, f.db)
		assert.NotContains(t, left, "1")
		assert.Contains(t, left, "2")
		assert.Contains(t, left, "3")
		assert.True(t, left["4"], "anonymised, not deleted")
		assert.Contains(t, left, "5")

		total, entries := logTotal(t, st)
		assert.EqualValues(t, 2, total)
		for _, e := range entries {
			assert.Equal(t, "erasure", e.Kind)
			assert.Equal(t, "req-erase-1", e.SweepID)
		}
		text := res.Text()
		assert.Contains(t, text, "records request hold pra-7")
		assert.Contains(t, text, "kept until 2024-05-15")
		rb, _ := json.Marshal(res)
		assert.NotContains(t, string(rb), "subj-9", "the result names no subject")
		assert.NotContains(t, string(rb), "public records request 7", "nor a hold's reason")

		_, err = w.Erase(ctx, "", "req")
		assert.ErrorIs(t, err, retention.ErrInvalid)
		_, err = w.Access(ctx, "subj-9", "bad id!")
		assert.ErrorIs(t, err, retention.ErrInvalid)
	})
}

// TestCrashAndResume stops sweeps at random points, by cancelling the
// context mid-batch and by closing the database handle (a killed
// process), then restarts them until one completes.
func TestCrashAndResume(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		r := rand.New(rand.NewPCG(5, 5))
		recs := randomRecords(r, 600)
		holds := randomHolds(r, 600)
		st := setup(t, f, recs, holds)
		sched := citySchedule(t)
		now := day(3000)
		want := expected(sched, recs, holds, now)
		crashes := 0
		for attempt := 0; ; attempt++ {
			require.Less(t, attempt, 200, "sweep never completed")
			db := f.open(t)
			st2, err := New(db, nil)
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			calls, stopAt := 0, 1+r.IntN(12)
			kill := r.IntN(2) == 0
			w, err := NewSweeper(st2, sched, []Source{recordsSource()}, &SweeperOptions{BatchSize: 10, Shredder: &fakeShredder{}, Now: func() time.Time {
				calls++
				if calls == stopAt && attempt < 20 {
					if kill {
						go db.Close() // the process dies mid-batch
					} else {
						cancel()
					}
				}
				return now
			}})
			require.NoError(t, err)
			_, err = w.Sweep(ctx)
			cancel()
			db.Close()
			if err == nil {
				break
			}
			crashes++
			// After every crash: nothing held or not due is gone, and the
			// log counts exactly what is gone.
			left := remaining(t, f.db)
			for _, rec := range recs {
				if _, isDue := want[rec.ID]; !isDue {
					_, present := left[rec.ID]
					require.True(t, present, "record %s disposed of but not due", rec.ID)
				}
			}
			gone := int64(0)
			for _, rec := range recs {
				if anon, present := left[rec.ID]; !present || anon {
					gone++
				}
			}
			total, _ := logTotal(t, st)
			require.Equal(t, gone, total, "log consistent after crash %d", crashes)
		}
		assert.GreaterOrEqual(t, crashes, 10)
		checkOutcome(t, f.db, recs, want, holds, now)
		total, _ := logTotal(t, st)
		assert.EqualValues(t, len(want), total, "each disposal logged exactly once across restarts")
	})
}

// TestConcurrentSweepers runs two sweepers on separate pools at once;
// each record must be disposed of exactly once.
func TestConcurrentSweepers(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		r := rand.New(rand.NewPCG(8, 8))
		recs := randomRecords(r, 1500)
		st := setup(t, f, recs, nil)
		sched := citySchedule(t)
		now := day(3000)
		want := expected(sched, recs, nil, now)
		var wg sync.WaitGroup
		reps := make([]*Report, 2)
		errs := make([]error, 2)
		for i := range 2 {
			db := f.open(t)
			s2, err := New(db, nil)
			require.NoError(t, err)
			w, err := NewSweeper(s2, sched, []Source{recordsSource()}, &SweeperOptions{BatchSize: 40, Shredder: &fakeShredder{}, SampleSize: 1 << 20, Now: func() time.Time { return now }})
			require.NoError(t, err)
			wg.Go(func() { reps[i], errs[i] = w.Sweep(context.Background()) })
		}
		wg.Wait()
		require.NoError(t, errors.Join(errs...))
		seen := map[string]int{}
		for _, rep := range reps {
			for _, it := range rep.Sample {
				seen[it.RecordID]++
			}
		}
		for id, n := range seen {
			require.Equal(t, 1, n, "record %s disposed of %d times", id, n)
		}
		assert.Len(t, seen, len(want), "every due record disposed of")
		assert.Positive(t, reps[0].Batches)
		assert.Positive(t, reps[1].Batches, "both sweepers did work")
		total, _ := logTotal(t, st)
		assert.EqualValues(t, len(want), total)
		checkOutcome(t, f.db, recs, want, nil, now)
	})
}
