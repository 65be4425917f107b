package consent

import (
	"context"
	"errors"
	"fmt"

	"github.com/civickit/privacy/pii"
)

// MoveContact gives subject a new contact point of the same kind, for a
// person who changed their address: the subject keeps its id, its events
// and so every consent and withdrawal it recorded, and from now on
// ContactPoint, Find and Enroll know it by the new contact point only. The
// new contact point is sealed under the subject's own data key, so Forget
// still shreds it, and the old sealed value is overwritten.
//
// Prove that the person controls the new contact point before calling it
// (for an e-mail address, a single-use link sent to it). The move is not a
// consent event and is not in the hash chain: record it in your own audit
// log. Moving to the contact point the subject already has is a no-op that
// succeeds.
//
// It returns ErrContactInUse, changing nothing, when the new contact point
// is another subject's; ErrNotFound for an unknown subject; ErrForgotten
// for a forgotten one; and an error wrapping errors.ErrUnsupported when the
// store does not implement ContactMover.
func (l *Ledger) MoveContact(ctx context.Context, subject string, contact pii.String) error {
	mover, ok := l.store.(ContactMover)
	if !ok {
		return fmt.Errorf("consent: the store cannot move contact points: %w", errors.ErrUnsupported)
	}
	kind, norm, bi, err := l.index(contact)
	if err != nil {
		return err
	}
	rec, err := l.store.Subject(ctx, subject)
	if err != nil {
		return err
	}
	if rec.Forgotten() {
		return ErrForgotten
	}
	if rec.Kind != kind {
		return fmt.Errorf("consent: subject %s has a contact point of kind %s, not %s", subject, rec.Kind, kind)
	}
	sealed, err := l.shredder.Seal(ctx, subject, contact, contactAD(subject))
	if err != nil {
		return fmt.Errorf("consent: seal contact point: %w", err)
	}
	want := normalized(contact, norm)
	other, err := mover.MoveContact(ctx, SubjectRecord{ID: subject, Kind: kind, Contact: sealed, Index: bi},
		func(cands []SubjectRecord) (string, error) { return l.match(ctx, cands, want, norm) })
	if errors.Is(err, ErrForgotten) {
		// Forgotten since the check above: Seal may have made the subject a
		// new data key, which must not outlive the forgetting.
		_ = l.shredder.Forget(ctx, subject)
	}
	if err != nil {
		return err
	}
	if other != "" {
		return ErrContactInUse
	}
	return nil
}
