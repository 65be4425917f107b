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

// appendReq is one queued Append: the writer sets res and err, then closes
// done.
type appendReq struct {
	e     consent.Event
	token []byte
	res   consent.Event
	err   error
	done  chan struct{}
}

// Append implements consent.Store with group commit. The request joins a
// queue; one writer goroutine per store (started when the queue fills,
// gone when it empties) takes up to MaxBatch requests at a time and commits
// them in one transaction, so that concurrent appenders share one commit
// (one fsync) instead of paying one each. Append returns once the
// transaction holding its event has committed, or failed: durability is
// that of a transaction per event.
//
// Within a batch, events are chained in queue order: an event whose
// subject appeared earlier in the batch links that event's hash. An
// event that cannot be appended (unknown subject: ErrNotFound; forgotten
// subject and not a withdrawal: ErrForgotten; used token: ErrTokenUsed)
// fails alone. The subject checks read the subject row that the
// transaction locks to link the chain (SELECT ... FOR UPDATE on
// PostgreSQL, the write lock on SQLite), the row ForgetSubject updates, so
// an append and a ForgetSubject for one subject serialise: no append
// other than a withdrawal commits after ForgetSubject, and the caller
// needs no separate read of the subject beforehand. If the transaction fails as a whole, the
// writer commits the batch's events one by one, so that only the events at
// fault fail.
//
// If ctx ends while the request is still queued, Append withdraws it and
// returns ctx's error; once the writer has taken it, Append waits for the
// transaction's outcome and returns that, so that a caller never sees an
// error for an event that was stored.
func (s *Store) Append(ctx context.Context, e consent.Event, tokenID []byte) (_ consent.Event, err error) {
	defer unavailable(&err)
	if err := ctx.Err(); err != nil {
		return consent.Event{}, fmt.Errorf("consent/sqlstore: append: %w", err)
	}
	r := &appendReq{e: e, token: tokenID, done: make(chan struct{})}
	s.qmu.Lock()
	s.pending = append(s.pending, r)
	if !s.writing {
		s.writing = true
		go s.writeLoop()
	}
	s.qmu.Unlock()
	select {
	case <-r.done:
	case <-ctx.Done():
		s.qmu.Lock()
		if i := slices.Index(s.pending, r); i >= 0 {
			s.pending = slices.Delete(s.pending, i, i+1)
			s.qmu.Unlock()
			return consent.Event{}, fmt.Errorf("consent/sqlstore: append: %w", ctx.Err())
		}
		s.qmu.Unlock()
		<-r.done
	}
	return r.res, r.err
}

// writeLoop commits queued requests, a batch at a time, until the queue is
// empty.
func (s *Store) writeLoop() {
	for {
		s.qmu.Lock()
		n := min(len(s.pending), s.maxBatch)
		if n == 0 {
			s.writing = false
			s.qmu.Unlock()
			return
		}
		batch := slices.Clone(s.pending[:n])
		s.pending = slices.Delete(s.pending, 0, n)
		s.qmu.Unlock()
		s.write(batch)
		for _, r := range batch {
			close(r.done)
		}
	}
}

// write commits batch, falling back to one transaction per event if the
// batch's transaction fails as a whole.
func (s *Store) write(batch []*appendReq) {
	// The transaction belongs to every caller in the batch, so no one
	// caller's context may cancel it.
	ctx := context.Background()
	err := s.commit(ctx, batch, false)
	if err == nil {
		return
	}
	if len(batch) == 1 {
		batch[0].res, batch[0].err = consent.Event{}, err
		return
	}
	for _, r := range batch {
		if err := s.commit(ctx, []*appendReq{r}, false); err != nil {
			r.res, r.err = consent.Event{}, err
		}
	}
}

// AppendBatch implements consent.BatchAppender: it appends events, in
// order, in one transaction, for imports. It is all or nothing: if any
// event cannot be appended it appends none and returns a
// *consent.BatchError naming the first such event. Events for one subject
// chain in the order given. It does not go through the Append queue, but
// it serialises with it (the SQLite write lock; PostgreSQL row locks on
// the subjects).
func (s *Store) AppendBatch(ctx context.Context, events []consent.Event) (_ []consent.Event, err error) {
	defer unavailable(&err)
	if len(events) == 0 {
		return nil, nil
	}
	reqs := make([]*appendReq, len(events))
	for i, e := range events {
		reqs[i] = &appendReq{e: e}
	}
	if err := s.commit(ctx, reqs, true); err != nil {
		return nil, err
	}
	out := make([]consent.Event, len(reqs))
	for i, r := range reqs {
		out[i] = r.res
	}
	return out, nil
}

// commit appends reqs in one transaction, setting each request's result
// or its own error. With all, any request's error aborts the transaction
// and is returned as a *consent.BatchError. The returned error is one that
// failed the transaction as a whole.
func (s *Store) commit(ctx context.Context, reqs []*appendReq, all bool) error {
	defer s.lockWrites()()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("consent/sqlstore: append: %w", err)
	}
	defer tx.Rollback()
	if err := s.appendTx(ctx, tx, reqs); err != nil {
		return err
	}
	if all {
		for i, r := range reqs {
			if r.err != nil {
				return fmt.Errorf("consent/sqlstore: append batch: %w", &consent.BatchError{Index: i, Err: r.err})
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("consent/sqlstore: append: %w", err)
	}
	return nil
}

// head is a subject's chain head in a batch.
type head struct {
	seq       int64
	hash      []byte
	forgotten bool
	dirty     bool
}

// appendTx appends reqs in tx: it locks and reads the chain heads of the
// batch's subjects, records tokens, seals the events in order (each
// subject's events linking the previous one, from the table or from the
// batch), inserts them and moves the subjects' sequence counters.
func (s *Store) appendTx(ctx context.Context, tx *sql.Tx, reqs []*appendReq) error {
	var ids []string
	for _, r := range reqs {
		r.res, r.err = consent.Event{}, nil
		ids = append(ids, r.e.Subject)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	heads, err := s.lockHeads(ctx, tx, ids)
	if err != nil {
		return err
	}
	var sealed []*consent.Event
	for _, r := range reqs {
		h, ok := heads[r.e.Subject]
		if !ok {
			r.err = consent.ErrNotFound
			continue
		}
		if h.forgotten && r.e.Type != consent.Withdrawn {
			r.err = consent.ErrForgotten
			continue
		}
		e := r.e
		e.OccurredAt, e.RecordedAt = e.OccurredAt.UTC(), e.RecordedAt.UTC()
		var prev *consent.Event
		if h.seq > 0 {
			prev = &consent.Event{Seq: h.seq, Hash: h.hash}
		}
		// Seal before using the token, so that a failure leaves it unused.
		if err := s.chain.Seal(&e, prev); err != nil {
			r.err = err
			continue
		}
		if r.token != nil {
			inserted, err := s.insertOnce(ctx, tx, s.q.useToken, r.token, e.Subject, nanos(e.RecordedAt))
			if err != nil {
				return fmt.Errorf("consent/sqlstore: append: use token: %w", err)
			}
			if !inserted {
				r.err = consent.ErrTokenUsed
				continue
			}
		}
		h.seq, h.hash, h.dirty = e.Seq, e.Hash, true
		r.res = e
		sealed = append(sealed, &r.res)
	}
	if len(sealed) == 0 {
		return nil
	}
	if err := s.insertEvents(ctx, tx, sealed); err != nil {
		return fmt.Errorf("consent/sqlstore: append: %w", err)
	}
	if err := s.setSeqs(ctx, tx, ids, heads); err != nil {
		return fmt.Errorf("consent/sqlstore: append: sequence counters: %w", err)
	}
	return nil
}

// lockHeads takes the write lock on the subjects ids (sorted, distinct)
// and returns their chain heads and whether they are forgotten; unknown
// subjects are absent.
func (s *Store) lockHeads(ctx context.Context, tx *sql.Tx, ids []string) (map[string]*head, error) {
	heads := make(map[string]*head, len(ids))
	scan := func(rows *sql.Rows, err error) error {
		if err != nil {
			return fmt.Errorf("consent/sqlstore: append: chain heads: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			h := &head{}
			if err := rows.Scan(&id, &h.seq, &h.forgotten, &h.hash); err != nil {
				return fmt.Errorf("consent/sqlstore: append: chain heads: %w", err)
			}
			if h.seq > 0 && len(h.hash) == 0 {
				return fmt.Errorf("consent/sqlstore: append: subject %s: event %d, its chain head, is missing", id, h.seq)
			}
			heads[id] = h
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("consent/sqlstore: append: chain heads: %w", err)
		}
		return nil
	}
	if s.dialect == sqldialect.Postgres {
		// Lock the rows in a statement of their own: a statement that
		// waited for a row lock sees, under READ COMMITTED, the locked row
		// as committed meanwhile but the rows it joins as they were when
		// it began, so it would miss a chain head another server committed
		// while it waited. The next statement sees everything committed.
		if _, err := tx.ExecContext(ctx, s.q.pgLockSubjects, ids); err != nil {
			return nil, fmt.Errorf("consent/sqlstore: append: lock: %w", err)
		}
		return heads, scan(tx.QueryContext(ctx, s.q.pgLockHeads, ids))
	}
	// SQLite: write before reading, so that the transaction holds SQLite's
	// write lock from its start even when the DSN does not ask for
	// immediate transactions. MySQL: lock the subject rows in id order, as
	// on PostgreSQL.
	lock := ""
	if s.dialect == sqldialect.MySQL {
		lock = ` ORDER BY s.id FOR UPDATE`
	} else if _, err := tx.ExecContext(ctx, s.q.takeLock, ids[0]); err != nil {
		return nil, fmt.Errorf("consent/sqlstore: append: lock: %w", err)
	}
	const per = 500
	for start := 0; start < len(ids); start += per {
		chunk := ids[start:min(start+per, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		q := `SELECT s.id, s.last_seq, s.forgotten_at IS NOT NULL, e.hash FROM consent_subjects s
			LEFT JOIN consent_events e ON e.subject = s.id AND e.seq = s.last_seq
			WHERE s.id IN (` + sqlq.Placeholders(len(chunk)) + `)` + lock
		if err := scan(tx.QueryContext(ctx, q, args...)); err != nil {
			return nil, err
		}
	}
	return heads, nil
}

// insertEvents inserts sealed events: one statement over arrays on
// PostgreSQL, one prepared statement per event on SQLite (in-process, so
// statements cost no round trip) and MySQL.
func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, events []*consent.Event) error {
	if s.dialect == sqldialect.Postgres {
		n := len(events)
		var (
			subject, typ, purpose, ch, method, noticeID, actor, detail = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
			seq, occ, recd                                             = make([]int64, n), make([]int64, n), make([]int64, n)
			noticeVersion, scheme                                      = make([]int32, n), make([]int16, n)
			key                                                        = make([]int64, n)
			prevHash, hash                                             = make([][]byte, n), make([][]byte, n)
		)
		for i, e := range events {
			subject[i], seq[i], typ[i], purpose[i], ch[i], method[i] = e.Subject, e.Seq, string(e.Type), e.Purpose, string(e.Channel), string(e.Method)
			noticeID[i], noticeVersion[i], actor[i], detail[i] = e.Notice.ID, int32(e.Notice.Version), e.Actor, e.Detail
			occ[i], recd[i], hash[i] = nanos(e.OccurredAt), nanos(e.RecordedAt), e.Hash
			scheme[i], key[i] = int16(e.HashScheme), int64(e.HashKey)
			if len(e.PrevHash) > 0 {
				prevHash[i] = e.PrevHash
			}
		}
		_, err := tx.ExecContext(ctx, s.q.pgInsertEvents, subject, seq, typ, purpose, ch, method, noticeID, noticeVersion,
			actor, detail, occ, recd, prevHash, hash, scheme, key)
		return err
	}
	stmt, err := tx.PrepareContext(ctx, s.q.insertEvent)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, e := range events {
		if _, err := stmt.ExecContext(ctx, e.Subject, e.Seq, string(e.Type), e.Purpose, string(e.Channel),
			string(e.Method), e.Notice.ID, e.Notice.Version, e.Actor, e.Detail, nanos(e.OccurredAt), nanos(e.RecordedAt),
			nilIfEmpty(e.PrevHash), e.Hash, int64(e.HashScheme), int64(e.HashKey)); err != nil {
			return err
		}
	}
	return nil
}

// setSeqs stores the new sequence counters of the subjects that gained
// events.
func (s *Store) setSeqs(ctx context.Context, tx *sql.Tx, ids []string, heads map[string]*head) error {
	var dirty []string
	var seqs []int64
	for _, id := range ids {
		if h := heads[id]; h != nil && h.dirty {
			dirty, seqs = append(dirty, id), append(seqs, h.seq)
		}
	}
	if s.dialect == sqldialect.Postgres {
		res, err := tx.ExecContext(ctx, s.q.pgSetSeqs, dirty, seqs)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err == nil && n != int64(len(dirty)) {
			return errors.New("sequence counters out of step")
		}
		return nil
	}
	for i, id := range dirty {
		if _, err := tx.ExecContext(ctx, s.q.sqliteSetSeq, seqs[i], id); err != nil {
			return err
		}
	}
	return nil
}
