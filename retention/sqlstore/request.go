package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/civickit/privacy/pii/sqldialect"
	"github.com/civickit/privacy/retention"
)

func (w *Sweeper) checkRequest(subject, requestID string) error {
	var ps []retention.Problem
	if subject == "" || len(subject) > 200 {
		ps = append(ps, retention.Problem{Field: "subject", Message: "is required (at most 200 bytes)"})
	}
	if !retention.ValidID(requestID) {
		ps = append(ps, retention.Problem{Field: "request_id", Message: "must be an ID (letters, digits, _.:-)"})
	}
	if ps != nil {
		return &retention.ValidationError{What: "subject request", Problems: ps}
	}
	for _, src := range w.sources {
		if src.subject != "" {
			return nil
		}
	}
	return errors.New("sqlstore: no source has a subject column")
}

// Erase answers a subject's erasure request in one transaction: every
// record of the subject that no hold keeps and whose retention floor has
// passed is disposed of (with its rule's action, or deleted when only
// retention rules cover it; anonymised where the rule says so and the
// source can, deleted otherwise); records a schedule still requires are
// deferred with the date; records under a hold are refused with the hold.
// Disposals are written to the disposition log (kind "erasure", with
// requestID as the sweep ID). Sources without a subject column are not
// searched.
func (w *Sweeper) Erase(ctx context.Context, subject, requestID string) (*retention.ErasureResult, error) {
	if err := w.checkRequest(subject, requestID); err != nil {
		return nil, err
	}
	s := w.store
	tx, end, err := s.beginWrite(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: erase: %w", err)
	}
	defer end()
	holds, err := s.loadHolds(ctx, tx)
	if err != nil {
		return nil, err
	}
	idx := retention.IndexHolds(holds)
	now := w.now()
	res := &retention.ErasureResult{RequestID: requestID, At: now}
	for _, src := range w.sources {
		if src.subject == "" {
			continue
		}
		q := "SELECT " + src.selectCols + " FROM " + src.table + " WHERE " + src.subject + " = " + s.ph(1)
		if src.marker != "" {
			q += " AND " + src.marker + " IS NULL"
		}
		q += " ORDER BY " + src.id
		if s.dialect != sqldialect.SQLite {
			q += " FOR UPDATE"
		}
		rows, err := w.query(ctx, tx, src, q, subject)
		if err != nil {
			return nil, err
		}
		var dues []due
		for _, r := range rows {
			d := w.sched.Evaluate(r.rec, idx, now)
			it := retention.ErasureItemFor(r.rec, d, holds, now)
			if it.Outcome == retention.OutcomeDisposed {
				if it.Action == retention.ActionAnonymize && !src.canAnonymize ||
					it.Action == retention.ActionCryptoShred && w.shredder == nil {
					it.Action = retention.ActionDelete
				}
				d.Action = it.Action
				dues = append(dues, due{r, d})
			}
			res.Items = append(res.Items, it)
		}
		if _, err := w.apply(ctx, tx, src, dues, "erasure", requestID, now); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlstore: erase: commit: %w", err)
	}
	if err := w.drainShred(ctx, nil); err != nil {
		return res, err
	}
	return res, nil
}

// Access gathers every record of subject across the sources with a
// subject column, with each record's fields (Source.Export, or every
// column) and its retention decision. The export contains personal data:
// give it only to the verified subject and never log it.
func (w *Sweeper) Access(ctx context.Context, subject, requestID string) (*retention.AccessExport, error) {
	if err := w.checkRequest(subject, requestID); err != nil {
		return nil, err
	}
	s := w.store
	holds, err := s.Holds(ctx)
	if err != nil {
		return nil, err
	}
	idx := retention.IndexHolds(holds)
	now := w.now()
	out := &retention.AccessExport{RequestID: requestID, GeneratedAt: now}
	for _, src := range w.sources {
		if src.subject == "" {
			continue
		}
		fields := src.table + ".*"
		if len(src.export) > 0 {
			fields = strings.Join(src.export, ", ")
		}
		q := "SELECT " + src.selectCols + ", " + fields + " FROM " + src.table + " WHERE " + src.subject + " = " + s.ph(1) + " ORDER BY " + src.id
		rows, err := s.db.QueryContext(ctx, q, subject)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: access %s: %w", src.Name, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("sqlstore: access %s: %w", src.Name, err)
		}
		meta := 6 + len(src.eventCols)
		as := retention.AccessSource{Source: src.Name, Records: []retention.AccessRecord{}}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlstore: access %s: %w", src.Name, err)
			}
			r, err := src.scan(valueScanner(vals[:meta]))
			if err != nil {
				rows.Close()
				return nil, err
			}
			rec := retention.AccessRecord{ID: r.rec.ID, Category: r.rec.Category, Fields: map[string]any{}, Decision: w.sched.Evaluate(r.rec, idx, now)}
			for i := meta; i < len(cols); i++ {
				rec.Fields[cols[i]] = exportValue(vals[i])
			}
			as.Records = append(as.Records, rec)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlstore: access %s: %w", src.Name, err)
		}
		out.Sources = append(out.Sources, as)
	}
	return out, nil
}

// valueScanner replays already-scanned values into Scan destinations.
type valueScanner []any

func (v valueScanner) Scan(dest ...any) error {
	if len(dest) != len(v) {
		return fmt.Errorf("sqlstore: scan: %d values for %d destinations", len(v), len(dest))
	}
	for i, d := range dest {
		p, ok := d.(*any)
		if !ok {
			return fmt.Errorf("sqlstore: scan: unsupported destination %T", d)
		}
		*p = v[i]
	}
	return nil
}

func exportValue(v any) any {
	if b, ok := v.([]byte); ok {
		if utf8.Valid(b) {
			return string(b)
		}
		return append([]byte(nil), b...)
	}
	return v
}
