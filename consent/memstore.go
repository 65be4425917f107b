package consent

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// MemoryStore is an in-memory Store for tests and examples. It forgets
// everything when the process ends. The zero value is ready to use.
type MemoryStore struct {
	mu       sync.Mutex
	subjects map[string]*SubjectRecord
	events   map[string][]Event
	used     map[string]bool
	notices  map[NoticeRef]Notice
	chain    *ChainKey
}

var (
	_ Store         = (*MemoryStore)(nil)
	_ BatchAppender = (*MemoryStore)(nil)
	_ ContactMover  = (*MemoryStore)(nil)
	_ HeadReader    = (*MemoryStore)(nil)
	_ KeyedStore    = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty MemoryStore that seals events with the
// unkeyed chain.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// NewKeyedMemoryStore returns an empty MemoryStore that seals events with
// key (nil means unkeyed).
func NewKeyedMemoryStore(key *ChainKey) *MemoryStore { return &MemoryStore{chain: key} }

// ChainKey implements KeyedStore.
func (m *MemoryStore) ChainKey() *ChainKey { return m.chain }

func (m *MemoryStore) init() {
	if m.subjects == nil {
		m.subjects = map[string]*SubjectRecord{}
		m.events = map[string][]Event{}
		m.used = map[string]bool{}
		m.notices = map[NoticeRef]Notice{}
	}
}

func cloneRecord(r SubjectRecord) SubjectRecord {
	r.Contact = bytes.Clone(r.Contact)
	r.Index = bytes.Clone(r.Index)
	return r
}

func cloneEvent(e Event) Event {
	e.PrevHash = bytes.Clone(e.PrevHash)
	e.Hash = bytes.Clone(e.Hash)
	return e
}

func (m *MemoryStore) byIndex(kind ContactKind, index []byte) []SubjectRecord {
	var out []SubjectRecord
	for _, r := range m.subjects {
		if r.Kind == kind && !r.Forgotten() && bytes.Equal(r.Index, index) {
			out = append(out, cloneRecord(*r))
		}
	}
	slices.SortFunc(out, func(a, b SubjectRecord) int { return compareStrings(a.ID, b.ID) })
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CreateSubject implements Store. same is called with the store locked.
func (m *MemoryStore) CreateSubject(_ context.Context, rec SubjectRecord, same func([]SubjectRecord) (string, error)) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	if cands := m.byIndex(rec.Kind, rec.Index); len(cands) > 0 && same != nil {
		id, err := same(cands)
		if err != nil {
			return "", false, err
		}
		if id != "" {
			return id, false, nil
		}
	}
	if _, ok := m.subjects[rec.ID]; ok {
		return "", false, errDuplicateSubject
	}
	r := cloneRecord(rec)
	m.subjects[rec.ID] = &r
	return rec.ID, true, nil
}

// MoveContact implements ContactMover. same is called with the store
// locked.
func (m *MemoryStore) MoveContact(_ context.Context, rec SubjectRecord, same func([]SubjectRecord) (string, error)) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	r, ok := m.subjects[rec.ID]
	switch {
	case !ok:
		return "", ErrNotFound
	case r.Forgotten():
		return "", ErrForgotten
	case r.Kind != rec.Kind:
		return "", fmt.Errorf("consent: move contact point: subject %s has kind %s, not %s", rec.ID, r.Kind, rec.Kind)
	}
	var others []SubjectRecord
	for _, c := range m.byIndex(rec.Kind, rec.Index) {
		if c.ID != rec.ID {
			others = append(others, c)
		}
	}
	if len(others) > 0 && same != nil {
		id, err := same(others)
		if err != nil || id != "" {
			return id, err
		}
	}
	clear(r.Contact)
	r.Contact, r.Index = bytes.Clone(rec.Contact), bytes.Clone(rec.Index)
	return "", nil
}

// Subject implements Store.
func (m *MemoryStore) Subject(_ context.Context, id string) (SubjectRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.subjects[id]
	if !ok {
		return SubjectRecord{}, ErrNotFound
	}
	return cloneRecord(*r), nil
}

// SubjectsByIndex implements Store.
func (m *MemoryStore) SubjectsByIndex(_ context.Context, kind ContactKind, index []byte) ([]SubjectRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.byIndex(kind, index), nil
}

// ForgetSubject implements Store.
func (m *MemoryStore) ForgetSubject(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.subjects[id]
	if !ok {
		return ErrNotFound
	}
	clear(r.Contact)
	r.Contact, r.Index = nil, nil
	if r.ForgottenAt.IsZero() {
		r.ForgottenAt = at.UTC()
	}
	return nil
}

// ListSubjects implements Store.
func (m *MemoryStore) ListSubjects(_ context.Context, after string, limit int) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for id := range m.subjects {
		if id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if len(ids) > limit {
		ids = ids[:limit]
	}
	return ids, nil
}

// appendable reports, with m.mu held, whether e may be appended: its
// subject exists (ErrNotFound) and, unless e is a withdrawal, is not
// forgotten (ErrForgotten).
func (m *MemoryStore) appendable(e Event) error {
	r, ok := m.subjects[e.Subject]
	switch {
	case !ok:
		return ErrNotFound
	case r.Forgotten() && e.Type != Withdrawn:
		return ErrForgotten
	}
	return nil
}

// Append implements Store.
func (m *MemoryStore) Append(ctx context.Context, e Event, tokenID []byte) (Event, error) {
	if err := ctx.Err(); err != nil {
		return Event{}, fmt.Errorf("consent: append: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	if err := m.appendable(e); err != nil {
		return Event{}, err
	}
	if tokenID != nil && m.used[string(tokenID)] {
		return Event{}, ErrTokenUsed
	}
	e, err := m.link(e)
	if err != nil {
		return Event{}, err
	}
	if tokenID != nil {
		m.used[string(tokenID)] = true
	}
	return e, nil
}

// link chains e to the subject's newest event, seals it and stores a copy.
// The caller holds m.mu.
func (m *MemoryStore) link(e Event) (Event, error) {
	log := m.events[e.Subject]
	var prev *Event
	if len(log) > 0 {
		prev = &log[len(log)-1]
	}
	e.OccurredAt, e.RecordedAt = e.OccurredAt.UTC(), e.RecordedAt.UTC()
	if err := m.chain.Seal(&e, prev); err != nil {
		return Event{}, err
	}
	m.events[e.Subject] = append(log, cloneEvent(e))
	return e, nil
}

// AppendBatch implements BatchAppender.
func (m *MemoryStore) AppendBatch(_ context.Context, events []Event) ([]Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	for i, e := range events {
		if err := m.appendable(e); err != nil {
			return nil, &BatchError{Index: i, Err: err}
		}
	}
	// Seal every event before storing any, so that a failure stores none.
	heads := map[string]*Event{}
	out := make([]Event, len(events))
	for i, e := range events {
		prev, ok := heads[e.Subject]
		if !ok {
			if log := m.events[e.Subject]; len(log) > 0 {
				prev = &log[len(log)-1]
			}
		}
		e.OccurredAt, e.RecordedAt = e.OccurredAt.UTC(), e.RecordedAt.UTC()
		if err := m.chain.Seal(&e, prev); err != nil {
			return nil, &BatchError{Index: i, Err: err}
		}
		out[i] = e
		heads[e.Subject] = &out[i]
	}
	for _, e := range out {
		m.events[e.Subject] = append(m.events[e.Subject], cloneEvent(e))
	}
	return out, nil
}

// Events implements Store.
func (m *MemoryStore) Events(_ context.Context, subject string) ([]Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	log := m.events[subject]
	out := make([]Event, len(log))
	for i, e := range log {
		out[i] = cloneEvent(e)
	}
	return out, nil
}

func (m *MemoryStore) latest(subject, purpose string, ch Channel, requested bool) (Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	log := m.events[subject]
	for i := len(log) - 1; i >= 0; i-- {
		e := log[i]
		if e.Purpose == purpose && e.Channel == ch && (e.Type == Requested) == requested {
			return cloneEvent(e), nil
		}
	}
	return Event{}, ErrNotFound
}

// Latest implements Store.
func (m *MemoryStore) Latest(_ context.Context, subject, purpose string, ch Channel) (Event, error) {
	return m.latest(subject, purpose, ch, false)
}

// LatestRequested implements Store.
func (m *MemoryStore) LatestRequested(_ context.Context, subject, purpose string, ch Channel) (Event, error) {
	return m.latest(subject, purpose, ch, true)
}

// Resting implements Store.
func (m *MemoryStore) Resting(_ context.Context, purpose, noticeID string, version int) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for id, log := range m.events {
		last := map[Channel]Event{}
		for _, e := range log {
			if e.Purpose == purpose && e.Type != Requested {
				last[e.Channel] = e
			}
		}
		for _, e := range last {
			if (e.Type == Given || e.Type == Confirmed || e.Type == Renewed) &&
				e.Notice.ID == noticeID && e.Notice.Version < version {
				ids = append(ids, id)
				break
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// PutNotice implements Store.
func (m *MemoryStore) PutNotice(_ context.Context, n Notice) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	if old, ok := m.notices[n.Ref()]; ok {
		if !bytes.Equal(old.TextSHA256, n.TextSHA256) {
			return ErrNoticeConflict
		}
		return nil
	}
	n.TextSHA256 = bytes.Clone(n.TextSHA256)
	n.EffectiveAt = n.EffectiveAt.UTC()
	m.notices[n.Ref()] = n
	return nil
}

// Notice implements Store.
func (m *MemoryStore) Notice(_ context.Context, id string, version int) (Notice, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.notices[NoticeRef{ID: id, Version: version}]
	if !ok {
		return Notice{}, ErrNotFound
	}
	n.TextSHA256 = bytes.Clone(n.TextSHA256)
	return n, nil
}

// Heads implements HeadReader.
func (m *MemoryStore) Heads(_ context.Context, after string, limit int) ([]Head, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := make([]string, 0, len(m.events))
	for id, ev := range m.events {
		if id > after && len(ev) > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if len(ids) > limit {
		ids = ids[:limit]
	}
	out := make([]Head, len(ids))
	for i, id := range ids {
		last := m.events[id][len(m.events[id])-1]
		out[i] = Head{Subject: id, Seq: last.Seq, Hash: bytes.Clone(last.Hash)}
	}
	return out, nil
}
