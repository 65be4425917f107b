package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/civickit/privacy/consent"
)

var _ consent.ContactMover = (*Store)(nil)

// MoveContact implements consent.ContactMover. Like CreateSubject, it
// calls same outside any transaction, then updates under a lock (an
// advisory lock on the new index in PostgreSQL, the write lock in SQLite)
// only if no new candidate appeared meanwhile; otherwise it calls same
// again with the new candidates.
func (s *Store) MoveContact(ctx context.Context, rec consent.SubjectRecord, same func([]consent.SubjectRecord) (string, error)) (_ string, err error) {
	defer unavailable(&err)
	seen := map[string]bool{}
	for range s.retries + 1 {
		cands, err := s.candidates(ctx, s.db, rec.Kind, rec.Index)
		if err != nil {
			return "", err
		}
		var fresh []consent.SubjectRecord
		for _, c := range cands {
			if c.ID != rec.ID && !seen[seenKey(c)] {
				fresh = append(fresh, c)
			}
		}
		if len(fresh) > 0 && same != nil {
			id, err := same(fresh)
			if err != nil || id != "" {
				return id, err
			}
		}
		for _, c := range fresh {
			seen[seenKey(c)] = true
		}
		ok, err := s.moveIfUnchanged(ctx, rec, seen)
		if err != nil {
			return "", err
		}
		if ok {
			return "", nil
		}
	}
	return "", errors.New("consent/sqlstore: move contact point: too much contention on one blind index")
}

func (s *Store) moveIfUnchanged(ctx context.Context, rec consent.SubjectRecord, seen map[string]bool) (bool, error) {
	defer s.lockWrites()()
	tx, done, err := s.beginIndexLocked(ctx, rec.Kind, rec.Index, rec.ID)
	if err != nil {
		return false, fmt.Errorf("consent/sqlstore: move contact point: %w", err)
	}
	defer done()
	cands, err := s.candidates(ctx, tx, rec.Kind, rec.Index)
	if err != nil {
		return false, err
	}
	for _, c := range cands {
		if c.ID != rec.ID && !seen[seenKey(c)] {
			return false, nil // a new candidate: check it first
		}
	}
	res, err := tx.ExecContext(ctx, s.q.move, rec.Contact, rec.Index, rec.ID, string(rec.Kind))
	if err != nil {
		return false, fmt.Errorf("consent/sqlstore: move contact point: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, fmt.Errorf("consent/sqlstore: move contact point: %w", err)
	} else if n == 0 {
		// Say why: no such subject, forgotten, or of another kind.
		cur, err := scanSubject(tx.QueryRowContext(ctx, s.q.subject, rec.ID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return false, consent.ErrNotFound
		case err != nil:
			return false, fmt.Errorf("consent/sqlstore: move contact point: %w", err)
		case cur.Forgotten():
			return false, consent.ErrForgotten
		case cur.Kind != rec.Kind:
			return false, fmt.Errorf("consent/sqlstore: move contact point: subject %s has kind %s, not %s", rec.ID, cur.Kind, rec.Kind)
		}
		// MySQL counts changed rows only: the row already held these values.
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("consent/sqlstore: move contact point: %w", err)
	}
	return true, nil
}
