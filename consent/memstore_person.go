package consent

import (
	"context"
	"slices"
)

var _ PersonLinker = (*MemoryStore)(nil)

// personOf returns the person subject belongs to, or "". The caller holds
// m.mu.
func (m *MemoryStore) personOf(subject string) string {
	log := m.events[subject]
	for i := len(log) - 1; i >= 0; i-- {
		if p, ok := LinkOf(log[i]); ok {
			if log[i].Type == Linked {
				return p
			}
			return ""
		}
	}
	return ""
}

// AppendLinks implements PersonLinker.
func (m *MemoryStore) AppendLinks(ctx context.Context, events []Event) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	keep := make([]bool, len(events))
	seen := map[string]bool{}
	for i, e := range events {
		if seen[e.Subject] {
			return nil, &BatchError{Index: i, Err: ErrBadEvent}
		}
		seen[e.Subject] = true
		if err := m.appendable(e); err != nil {
			return nil, &BatchError{Index: i, Err: err}
		}
		cur := m.personOf(e.Subject)
		switch {
		case e.Type == Linked && cur == "":
			keep[i] = true
		case e.Type == Linked && cur != e.Detail:
			return nil, &BatchError{Index: i, Err: ErrLinked}
		case e.Type == Unlinked && cur == e.Detail:
			keep[i] = true
		}
	}
	// Seal every kept event before storing any (each subject appears once),
	// so that a failure stores none.
	var out []Event
	for i, e := range events {
		if !keep[i] {
			continue
		}
		var prev *Event
		if log := m.events[e.Subject]; len(log) > 0 {
			prev = &log[len(log)-1]
		}
		e.OccurredAt, e.RecordedAt = e.OccurredAt.UTC(), e.RecordedAt.UTC()
		if err := m.chain.Seal(&e, prev); err != nil {
			return nil, &BatchError{Index: i, Err: err}
		}
		out = append(out, e)
	}
	for _, e := range out {
		m.events[e.Subject] = append(m.events[e.Subject], cloneEvent(e))
	}
	return out, nil
}

// PersonSubjects implements PersonLinker.
func (m *MemoryStore) PersonSubjects(_ context.Context, person string) ([]string, error) {
	if person == "" {
		return nil, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for id := range m.events {
		if m.personOf(id) == person {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}
