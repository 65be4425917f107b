package consent

import "context"

// Rewrite replaces the stored events of subject with events, stored under
// subject whatever their Subject field says, bypassing the append-only
// rules, as the database's owner could: it implements
// consenttest.Tamperer for the memory store's tests.
func (m *MemoryStore) Rewrite(_ context.Context, subject string, events []Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	log := make([]Event, len(events))
	for i, e := range events {
		e.Subject = subject
		log[i] = cloneEvent(e)
	}
	m.events[subject] = log
	return nil
}
