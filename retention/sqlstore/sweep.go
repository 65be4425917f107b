package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civickit/privacy/pii/sqldialect"
	"github.com/civickit/privacy/retention"
	"go.opentelemetry.io/otel/metric"
)

// SweeperOptions configures a Sweeper; nil means the defaults.
type SweeperOptions struct {
	// BatchSize is the number of rows read per transaction (default 500,
	// at most 5000).
	BatchSize int
	// Shredder destroys subjects' data keys for ActionCryptoShred. It is
	// required when the schedule crypto-shreds.
	Shredder retention.Shredder
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// SampleSize is how many due records a Report lists by ID (default 100).
	SampleSize int
	// MeterProvider, if set, receives sweep metrics through the
	// OpenTelemetry API (see telemetry.go); nil means none.
	MeterProvider metric.MeterProvider
}

// Sweeper applies a schedule and holds to records in SQL tables: a dry run
// (Plan), disposal (Sweep), and subject access and erasure requests. It is
// safe for concurrent use, and several processes may sweep one database.
type Sweeper struct {
	store    *Store
	sched    *retention.Schedule
	sources  []*compiledSource
	batch    int
	shredder retention.Shredder
	now      func() time.Time
	sample   int
	schedTag string
	tel      *telemetry

	// beforeApply, when set (by tests), runs inside each batch transaction
	// after the holds are read and the rows evaluated, right before the
	// due rows are disposed of.
	beforeApply func(source string)
}

// NewSweeper checks the sources against the schedule and returns a
// Sweeper. Problems in the configuration are listed in one
// *retention.ValidationError.
func NewSweeper(store *Store, sched *retention.Schedule, sources []Source, opts *SweeperOptions) (*Sweeper, error) {
	if store == nil || sched == nil {
		return nil, errors.New("sqlstore: NewSweeper needs a store and a schedule")
	}
	var o SweeperOptions
	if opts != nil {
		o = *opts
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	o.BatchSize = min(o.BatchSize, 5000)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SampleSize == 0 {
		o.SampleSize = 100
	}
	w := &Sweeper{store: store, sched: sched, batch: o.BatchSize, shredder: o.Shredder, now: o.Now, sample: max(o.SampleSize, 0)}
	tel, err := newTelemetry(o.MeterProvider)
	if err != nil {
		return nil, err
	}
	w.tel = tel
	def := sched.Definition()
	w.schedTag = def.Name
	if def.Version != "" {
		w.schedTag += " " + def.Version
	}
	var ps []retention.Problem
	names := map[string]bool{}
	actions := sched.Actions()
	if actions[retention.ActionCryptoShred] && o.Shredder == nil {
		ps = append(ps, retention.Problem{Field: "shredder", Message: "the schedule crypto-shreds but SweeperOptions.Shredder is nil"})
	}
	if len(sources) == 0 {
		ps = append(ps, retention.Problem{Field: "sources", Message: "needs at least one source"})
	}
	for i, src := range sources {
		c, sp := compileSource(store.dialect, src)
		for _, p := range sp {
			p.Field = fmt.Sprintf("sources[%d].%s", i, p.Field)
			ps = append(ps, p)
		}
		if names[src.Name] {
			ps = append(ps, retention.Problem{Field: fmt.Sprintf("sources[%d].name", i), Message: "duplicates another source"})
		}
		names[src.Name] = true
		if src.Category != "" && len(sp) == 0 {
			// A fixed category: check now that the source can do what the
			// schedule asks of it.
			for _, a := range w.possibleActions(src.Category) {
				if a == retention.ActionAnonymize && !c.canAnonymize {
					ps = append(ps, retention.Problem{Field: fmt.Sprintf("sources[%d].anonymize", i), Message: "a rule anonymises this category: set anonymize and anonymized_at"})
				}
				if a == retention.ActionCryptoShred && c.subject == "" {
					ps = append(ps, retention.Problem{Field: fmt.Sprintf("sources[%d].subject", i), Message: "a rule crypto-shreds this category: set subject"})
				}
			}
		}
		w.sources = append(w.sources, c)
	}
	if len(ps) > 0 {
		return nil, &retention.ValidationError{What: "sweeper configuration", Problems: ps}
	}
	return w, nil
}

func (w *Sweeper) possibleActions(category string) []retention.Action {
	var out []retention.Action
	for _, r := range w.sched.Rules() {
		if r.Action.Disposes() && (r.Category == retention.AnyCategory || r.Category == category || strings.HasPrefix(category, r.Category+".")) {
			out = append(out, r.Action)
		}
	}
	return out
}

// Tally counts records of one source and category disposed of (or, in a
// dry run, to be disposed of) by one action under the same rules.
type Tally struct {
	Source   string           `json:"source"`
	Category string           `json:"category"`
	Rules    []string         `json:"rules"`
	Action   retention.Action `json:"action"`
	Count    int64            `json:"count"`
}

// Item names one due record in a report sample.
type Item struct {
	Source   string           `json:"source"`
	RecordID string           `json:"record_id"`
	Category string           `json:"category"`
	Action   retention.Action `json:"action"`
	Rules    []string         `json:"rules"`
}

// Report is what a sweep or a dry run found and did. It contains no
// personal data (record IDs appear only in Sample).
type Report struct {
	SweepID  string    `json:"sweep_id"`
	DryRun   bool      `json:"dry_run"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Scanned counts the rows evaluated.
	Scanned int64 `json:"scanned"`
	// ByStatus counts decisions by status.
	ByStatus map[retention.Status]int64 `json:"by_status"`
	// Disposed tallies what was disposed of (in a dry run: what would be).
	Disposed []Tally `json:"disposed"`
	// Uncovered counts rows no rule covers, by "source/category": fix the
	// schedule.
	Uncovered map[string]int64 `json:"uncovered,omitempty"`
	// Held counts rows kept by each hold.
	Held map[string]int64 `json:"held,omitempty"`
	// Skipped counts due rows locked or removed by another transaction at
	// the time; the next pass retries them.
	Skipped int64 `json:"skipped,omitempty"`
	// Unsupported counts due rows whose source cannot perform the action
	// (an anonymising rule on a source with no anonymize columns, or
	// crypto-shredding without a subject column). They are kept.
	Unsupported int64 `json:"unsupported,omitempty"`
	// Shredded counts subjects whose data keys were destroyed.
	Shredded int `json:"shredded,omitempty"`
	// Batches counts committed batch transactions.
	Batches int `json:"batches"`
	// Sample lists the first due rows (see SweeperOptions.SampleSize).
	Sample []Item `json:"sample,omitempty"`

	tallies map[tallyKey]int
}

type tallyKey struct {
	source, category, rules string
	action                  retention.Action
}

// DisposedCount returns the total of Disposed.
func (r *Report) DisposedCount() int64 {
	var n int64
	for _, t := range r.Disposed {
		n += t.Count
	}
	return n
}

func (w *Sweeper) newReport(dry bool) *Report {
	return &Report{SweepID: newID(), DryRun: dry, Started: w.now(), ByStatus: map[retention.Status]int64{},
		Uncovered: map[string]int64{}, Held: map[string]int64{}, tallies: map[tallyKey]int{}}
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (r *Report) note(rec *retention.Record, d *retention.Decision) {
	r.Scanned++
	r.ByStatus[d.Status]++
	switch d.Status {
	case retention.StatusUncovered:
		r.Uncovered[rec.Source+"/"+rec.Category]++
	case retention.StatusHeld:
		for _, h := range d.Holds {
			r.Held[h]++
		}
	}
}

func (r *Report) dispose(rec *retention.Record, d *retention.Decision, n int64, sample int) {
	k := tallyKey{rec.Source, rec.Category, strings.Join(d.Rules, ","), d.Action}
	i, ok := r.tallies[k]
	if !ok {
		i = len(r.Disposed)
		r.tallies[k] = i
		r.Disposed = append(r.Disposed, Tally{Source: rec.Source, Category: rec.Category, Rules: d.Rules, Action: d.Action})
	}
	r.Disposed[i].Count += n
	if len(r.Sample) < sample {
		r.Sample = append(r.Sample, Item{Source: rec.Source, RecordID: rec.ID, Category: rec.Category, Action: d.Action, Rules: d.Rules})
	}
}

// Plan is a dry run: it evaluates every row of every source and reports
// what Sweep would dispose of, changing nothing.
func (w *Sweeper) Plan(ctx context.Context) (*Report, error) {
	rep := w.newReport(true)
	holds, err := w.store.Holds(ctx)
	if err != nil {
		return rep, err
	}
	idx := retention.IndexHolds(holds)
	now := w.now()
	for _, src := range w.sources {
		var last any
		for {
			rows, err := w.readBatch(ctx, w.store.db, src, last, w.batch)
			if err != nil {
				return rep, err
			}
			if len(rows) == 0 {
				break
			}
			for i := range rows {
				d := w.sched.Evaluate(rows[i].rec, idx, now)
				rep.note(&rows[i].rec, &d)
				if d.Due() {
					if w.supports(src, d.Action, &rows[i].rec) {
						rep.dispose(&rows[i].rec, &d, 1, w.sample)
					} else {
						rep.Unsupported++
					}
				}
			}
			last = rows[len(rows)-1].key
		}
	}
	rep.Finished = w.now()
	return rep, nil
}

func (w *Sweeper) supports(src *compiledSource, a retention.Action, rec *retention.Record) bool {
	switch a {
	case retention.ActionAnonymize:
		return src.canAnonymize
	case retention.ActionCryptoShred:
		return src.subject != "" && w.shredder != nil
	}
	return true
}

// readBatch reads up to n rows with id > after (all rows when after is nil).
func (w *Sweeper) readBatch(ctx context.Context, q queryer, src *compiledSource, after any, n int) ([]scannedRow, error) {
	var conds []string
	var args []any
	if src.marker != "" {
		conds = append(conds, src.marker+" IS NULL")
	}
	if after != nil {
		args = append(args, after)
		conds = append(conds, src.id+" > "+w.store.ph(len(args)))
	}
	query := "SELECT " + src.selectCols + " FROM " + src.table
	if len(conds) > 0 {
		query += " WHERE " + strings.Join(conds, " AND ")
	}
	args = append(args, n)
	query += " ORDER BY " + src.id + " LIMIT " + w.store.ph(len(args))
	return w.query(ctx, q, src, query, args...)
}

func (w *Sweeper) query(ctx context.Context, q queryer, src *compiledSource, query string, args ...any) ([]scannedRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: source %s: %w", src.Name, err)
	}
	defer rows.Close()
	var out []scannedRow
	for rows.Next() {
		r, err := src.scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: source %s: %w", src.Name, err)
	}
	return out, nil
}

// Sweep disposes of every due record, in batches of one transaction each.
// Each batch evaluates its rows against the holds as they are inside the
// transaction, disposes of the due ones, appends the disposition log
// entries and advances the source's cursor, all atomically: a sweep
// stopped at any point (cancelled, crashed) and run again continues where
// it stopped, and disposes of nothing twice.
//
// Several sweepers may run at once against one PostgreSQL: batches of one
// source take turns on the source's cursor row (SELECT ... FOR UPDATE),
// due rows are locked with FOR UPDATE SKIP LOCKED (rows another
// transaction holds are skipped and retried next pass), and holds are
// read under a SHARE lock on the holds table, so no hold changes while a
// batch is in flight.
// Sweep returns when every source has completed a full pass, whether this
// sweeper or another did the batches.
func (w *Sweeper) Sweep(ctx context.Context) (rep *Report, err error) {
	if w.tel != nil {
		defer func() { w.tel.swept(ctx, rep, err) }()
	}
	rep = w.newReport(false)
	if err := w.drainShred(ctx, rep); err != nil {
		return rep, err
	}
	for _, src := range w.sources {
		if err := w.store.execIgnore(ctx, w.store.db, w.store.insertIgnore(w.store.cursor, `source, pass, updated_at`, 3), src.Name, 0, 0); err != nil {
			return rep, fmt.Errorf("sqlstore: sweep: %w", err)
		}
		startPass := int64(-1)
		for {
			done, err := w.sweepBatch(ctx, src, &startPass, rep)
			if err != nil {
				return rep, err
			}
			if done {
				break
			}
		}
	}
	if err := w.drainShred(ctx, rep); err != nil {
		return rep, err
	}
	rep.Finished = w.now()
	return rep, nil
}

// due is a row to dispose of with its decision.
type due struct {
	row scannedRow
	d   retention.Decision
}

func (w *Sweeper) sweepBatch(ctx context.Context, src *compiledSource, startPass *int64, rep *Report) (done bool, err error) {
	s := w.store
	tx, end, err := s.beginWrite(ctx)
	if err != nil {
		return false, fmt.Errorf("sqlstore: sweep %s: %w", src.Name, err)
	}
	defer end()
	q := `SELECT last_key, key_int, pass FROM ` + s.cursor + ` WHERE source = ` + s.ph(1)
	if s.dialect != sqldialect.SQLite {
		q += ` FOR UPDATE`
	}
	var lastKey sql.NullString
	var keyInt any
	var pass int64
	if err := tx.QueryRowContext(ctx, q, src.Name).Scan(&lastKey, &keyInt, &pass); err != nil {
		return false, fmt.Errorf("sqlstore: sweep %s: cursor: %w", src.Name, err)
	}
	if *startPass < 0 {
		*startPass = pass
	} else if pass != *startPass {
		return true, nil // another sweeper finished this pass
	}
	var after any
	if lastKey.Valid {
		after = lastKey.String
		if truthy(keyInt) {
			n, err := strconv.ParseInt(lastKey.String, 10, 64)
			if err != nil {
				return false, fmt.Errorf("sqlstore: sweep %s: corrupt cursor", src.Name)
			}
			after = n
		}
	}
	holds, err := s.loadHolds(ctx, tx)
	if err != nil {
		return false, err
	}
	idx := retention.IndexHolds(holds)
	now := w.now()
	rows, err := w.readBatch(ctx, tx, src, after, w.batch)
	if err != nil {
		return false, err
	}
	if len(rows) == 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE `+s.cursor+` SET last_key = NULL, pass = pass + 1, updated_at = `+s.ph(1)+` WHERE source = `+s.ph(2), now.UnixMicro(), src.Name); err != nil {
			return false, fmt.Errorf("sqlstore: sweep %s: cursor: %w", src.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return false, fmt.Errorf("sqlstore: sweep %s: commit: %w", src.Name, err)
		}
		return true, nil
	}
	var dues []due
	var notes []func()
	for i := range rows {
		d := w.sched.Evaluate(rows[i].rec, idx, now)
		if d.Due() && w.supports(src, d.Action, &rows[i].rec) {
			dues = append(dues, due{rows[i], d})
		} else {
			rec, dd := rows[i].rec, d
			notes = append(notes, func() {
				rep.note(&rec, &dd)
				if dd.Due() {
					rep.Unsupported++
				}
			})
		}
	}
	var skipped int64
	if s.dialect != sqldialect.SQLite && len(dues) > 0 {
		// Lock the due rows, skipping any another transaction holds, and
		// decide again on their current values.
		keys := make([]any, len(dues))
		for i := range dues {
			keys[i] = dues[i].row.key
		}
		lq := "SELECT " + src.selectCols + " FROM " + src.table + " WHERE " + src.id + " IN (" + s.phs(1, len(keys)) + ")"
		if src.marker != "" {
			lq += " AND " + src.marker + " IS NULL"
		}
		locked, err := w.query(ctx, tx, src, lq+" FOR UPDATE SKIP LOCKED", keys...)
		if err != nil {
			return false, err
		}
		skipped = int64(len(dues) - len(locked))
		dues = dues[:0]
		for _, r := range locked {
			d := w.sched.Evaluate(r.rec, idx, now)
			if d.Due() {
				dues = append(dues, due{r, d})
			} else {
				rec, dd := r.rec, d
				notes = append(notes, func() { rep.note(&rec, &dd) })
			}
		}
	}
	if w.beforeApply != nil {
		w.beforeApply(src.Name)
	}
	done2, err := w.apply(ctx, tx, src, dues, "sweep", rep.SweepID, now)
	if err != nil {
		return false, err
	}
	last := rows[len(rows)-1].key
	_, isInt := last.(int64)
	keyFlag := any(isInt)
	if s.dialect != sqldialect.Postgres {
		keyFlag = map[bool]int{false: 0, true: 1}[isInt]
	}
	if _, err := tx.ExecContext(ctx, `UPDATE `+s.cursor+` SET last_key = `+s.ph(1)+`, key_int = `+s.ph(2)+`, updated_at = `+s.ph(3)+` WHERE source = `+s.ph(4), fmt.Sprint(last), keyFlag, now.UnixMicro(), src.Name); err != nil {
		return false, fmt.Errorf("sqlstore: sweep %s: cursor: %w", src.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("sqlstore: sweep %s: commit: %w", src.Name, err)
	}
	// Only committed work reaches the report.
	for _, f := range notes {
		f()
	}
	for _, dd := range done2 {
		rep.note(&dd.row.rec, &dd.d)
		rep.dispose(&dd.row.rec, &dd.d, 1, w.sample)
	}
	rep.Skipped += skipped
	rep.Batches++
	return false, nil
}

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int64:
		return x != 0
	case string:
		return x == "1" || x == "true"
	case []byte:
		return string(x) == "1" || string(x) == "true"
	}
	return false
}

// apply disposes of dues inside tx and appends one log entry per
// (category, rules, action) group. It returns the rows disposed of.
func (w *Sweeper) apply(ctx context.Context, tx *sql.Tx, src *compiledSource, dues []due, kind, logID string, now time.Time) ([]due, error) {
	if len(dues) == 0 {
		return nil, nil
	}
	s := w.store
	type group struct {
		category string
		rules    []string
		action   retention.Action
		items    []due
	}
	groups := map[tallyKey]*group{}
	var order []tallyKey
	for _, d := range dues {
		k := tallyKey{"", d.row.rec.Category, strings.Join(d.d.Rules, ","), d.d.Action}
		g, ok := groups[k]
		if !ok {
			g = &group{category: d.row.rec.Category, rules: d.d.Rules, action: d.d.Action}
			groups[k] = g
			order = append(order, k)
		}
		g.items = append(g.items, d)
	}
	var out []due
	for _, k := range order {
		g := groups[k]
		keys := make([]any, len(g.items))
		for i, it := range g.items {
			keys[i] = it.row.key
		}
		var q string
		var args []any
		switch g.action {
		case retention.ActionAnonymize:
			sets := make([]string, 0, len(src.anon)+2)
			for _, c := range src.anon {
				sets = append(sets, c+" = NULL")
			}
			if src.subject != "" && !slices.Contains(src.anon, src.subject) {
				sets = append(sets, src.subject+" = NULL")
			}
			args = append(args, now.UTC())
			if s.dialect == sqldialect.SQLite {
				args[0] = now.UTC().Format(time.RFC3339Nano)
			}
			sets = append(sets, src.marker+" = "+s.ph(1))
			args = append(args, keys...)
			q = "UPDATE " + src.table + " SET " + strings.Join(sets, ", ") + " WHERE " + src.id + " IN (" + s.phs(2, len(keys)) + ") AND " + src.marker + " IS NULL"
		default: // delete, crypto_shred
			q = "DELETE FROM " + src.table + " WHERE " + src.id + " IN (" + s.phs(1, len(keys)) + ")"
			args = keys
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %s %s: %w", kind, src.Name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %s %s: %w", kind, src.Name, err)
		}
		if n != int64(len(keys)) {
			// Rows we hold locks on (or an SQLite write lock over) vanished:
			// refuse to log a count that is not exact.
			return nil, fmt.Errorf("sqlstore: %s %s: disposed of %d rows, expected %d", kind, src.Name, n, len(keys))
		}
		if g.action == retention.ActionCryptoShred {
			subjects := map[string]bool{}
			for _, it := range g.items {
				if it.row.rec.Subject != "" {
					subjects[it.row.rec.Subject] = true
				}
			}
			for _, subj := range slices.Sorted(maps.Keys(subjects)) {
				if err := s.execIgnore(ctx, tx, s.insertIgnore(s.shred, `subject, queued_at`, 2), subj, now.UnixMicro()); err != nil {
					return nil, fmt.Errorf("sqlstore: %s %s: shred queue: %w", kind, src.Name, err)
				}
			}
		}
		if err := s.appendLog(ctx, tx, Entry{SweepID: logID, Kind: kind, Schedule: w.schedTag, Source: src.Name, Category: g.category, Rules: g.rules, Action: g.action, Count: n, At: now}); err != nil {
			return nil, err
		}
		out = append(out, g.items...)
	}
	return out, nil
}

// drainShred destroys the data keys of queued subjects that have no
// records left in any source. A subject with records left stays queued.
func (w *Sweeper) drainShred(ctx context.Context, rep *Report) error {
	if w.shredder == nil {
		return nil
	}
	s := w.store
	after := ""
	for {
		rows, err := s.db.QueryContext(ctx, `SELECT subject FROM `+s.shred+` WHERE subject > `+s.ph(1)+` ORDER BY subject LIMIT 500`, after)
		if err != nil {
			return fmt.Errorf("sqlstore: shred queue: %w", err)
		}
		var subjects []string
		for rows.Next() {
			var subj string
			if err := rows.Scan(&subj); err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: shred queue: %w", err)
			}
			subjects = append(subjects, subj)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("sqlstore: shred queue: %w", err)
		}
		if len(subjects) == 0 {
			return nil
		}
		for _, subj := range subjects {
			left, err := w.subjectHasRecords(ctx, subj)
			if err != nil {
				return err
			}
			if left {
				continue
			}
			if err := w.shredder.Forget(ctx, subj); err != nil {
				return fmt.Errorf("sqlstore: crypto-shred: %w", err)
			}
			if _, err := s.db.ExecContext(ctx, `DELETE FROM `+s.shred+` WHERE subject = `+s.ph(1), subj); err != nil {
				return fmt.Errorf("sqlstore: shred queue: %w", err)
			}
			if rep != nil {
				rep.Shredded++
			}
		}
		after = subjects[len(subjects)-1]
	}
}

func (w *Sweeper) subjectHasRecords(ctx context.Context, subj string) (bool, error) {
	for _, src := range w.sources {
		if src.subject == "" {
			continue
		}
		var one int
		err := w.store.db.QueryRowContext(ctx, `SELECT 1 FROM `+src.table+` WHERE `+src.subject+` = `+w.store.ph(1)+` LIMIT 1`, subj).Scan(&one)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("sqlstore: source %s: %w", src.Name, err)
		}
	}
	return false, nil
}
