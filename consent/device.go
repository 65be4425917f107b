package consent

import (
	"context"
	"errors"
)

// Cookie choices are consent too. A visitor who answers a cookie banner is
// a device subject: an opaque random id, kept in a strictly necessary
// cookie, with no contact point. Their choices are ledger events like any
// other (Given or Withdrawn, on the Web channel, for purposes such as
// "cookies:analytics", naming the notice the banner showed; method GPCSignal
// when Global Privacy Control withdrew them), so the city can show what a
// visitor agreed to and when, and a checkpoint covers them.

var errNoContactPoint = errors.New("consent: a device subject has no contact point")

// EnrollDevice creates a device subject and returns its id, to keep in a
// strictly necessary cookie. The id is random, not derived from anything
// about the browser.
func (l *Ledger) EnrollDevice(ctx context.Context) (string, error) {
	id, err := newSubjectID()
	if err != nil {
		return "", err
	}
	got, _, err := l.store.CreateSubject(ctx, SubjectRecord{ID: id, Kind: ContactDevice, CreatedAt: l.now()}, nil)
	if err != nil {
		return "", err
	}
	return got, nil
}

// Device reports whether subject is a live device subject, for checking an
// id a cookie carried: false (and no error) for an id that is unknown,
// forgotten or a person's.
func (l *Ledger) Device(ctx context.Context, subject string) (bool, error) {
	if !validSubjectID(subject) {
		return false, nil
	}
	rec, err := l.store.Subject(ctx, subject)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return rec.Kind == ContactDevice && !rec.Forgotten(), nil
}
