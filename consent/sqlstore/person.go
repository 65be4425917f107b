package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii/sqldialect"
)

var _ consent.PersonLinker = (*Store)(nil)

// personSubjectsQuery returns the query behind PersonSubjects: link events
// naming the person (through consent_events_person, migration 0004) that
// are Linked and have no later link event for their subject (one seek on
// consent_events_decided each). The purpose is a literal so that the
// partial index applies on SQLite and PostgreSQL.
func (s *Store) personSubjectsQuery() string {
	byPerson := `e.purpose = '` + consent.PersonPurpose + `' AND e.detail = ?`
	decided := `n.type <> 'requested'`
	if s.dialect == sqldialect.MySQL {
		byPerson = `e.person = ?`
		decided = `n.requested = FALSE`
	}
	return sqlq.Rebind(s.dialect, `SELECT e.subject FROM consent_events e
		WHERE `+byPerson+` AND e.type = 'linked'
		AND NOT EXISTS (SELECT 1 FROM consent_events n
			WHERE n.subject = e.subject AND n.purpose = '`+consent.PersonPurpose+`' AND n.channel = '' AND `+decided+` AND n.seq > e.seq)
		ORDER BY e.subject`)
}

// PersonSubjects implements consent.PersonLinker.
func (s *Store) PersonSubjects(ctx context.Context, person string) (_ []string, err error) {
	defer unavailable(&err)
	if person == "" {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, s.personSubjectsQuery(), person)
	if err != nil {
		return nil, fmt.Errorf("consent/sqlstore: person subjects: %w", err)
	}
	return scanIDs(rows)
}

// AppendLinks implements consent.PersonLinker in one transaction: it locks
// the events' subjects as an append batch does (in id order; the write
// lock on SQLite), reads each subject's latest link event under that lock,
// decides, and appends the events to keep through the append path, so
// that they chain like any other.
func (s *Store) AppendLinks(ctx context.Context, events []consent.Event) (_ []consent.Event, err error) {
	defer unavailable(&err)
	if len(events) == 0 {
		return nil, nil
	}
	defer s.lockWrites()()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("consent/sqlstore: append links: %w", err)
	}
	defer tx.Rollback()
	ids := make([]string, 0, len(events))
	for _, e := range events {
		ids = append(ids, e.Subject)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	heads, err := s.lockHeads(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var reqs []*appendReq
	seen := map[string]bool{}
	for i, e := range events {
		h, ok := heads[e.Subject]
		switch {
		case seen[e.Subject]:
			return nil, &consent.BatchError{Index: i, Err: consent.ErrBadEvent}
		case !ok:
			return nil, &consent.BatchError{Index: i, Err: consent.ErrNotFound}
		case h.forgotten:
			return nil, &consent.BatchError{Index: i, Err: consent.ErrForgotten}
		}
		seen[e.Subject] = true
		cur, err := s.personOf(ctx, tx, e.Subject)
		if err != nil {
			return nil, err
		}
		switch {
		case e.Type == consent.Linked && cur == "":
			reqs = append(reqs, &appendReq{e: e})
		case e.Type == consent.Linked && cur != e.Detail:
			return nil, &consent.BatchError{Index: i, Err: consent.ErrLinked}
		case e.Type == consent.Unlinked && cur == e.Detail:
			reqs = append(reqs, &appendReq{e: e})
		}
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	if err := s.appendTx(ctx, tx, reqs); err != nil {
		return nil, err
	}
	out := make([]consent.Event, len(reqs))
	for i, r := range reqs {
		if r.err != nil {
			// Checked above under the same locks: not expected.
			return nil, fmt.Errorf("consent/sqlstore: append links: %w", r.err)
		}
		out[i] = r.res
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("consent/sqlstore: append links: %w", err)
	}
	return out, nil
}

// personOf returns, in tx, the person subject belongs to, or "".
func (s *Store) personOf(ctx context.Context, tx *sql.Tx, subject string) (string, error) {
	e, err := scanEvent(tx.QueryRowContext(ctx, s.q.latest, subject, consent.PersonPurpose, ""))
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("consent/sqlstore: append links: person: %w", err)
	}
	if e.Type != consent.Linked {
		return "", nil
	}
	return e.Detail, nil
}
