package consent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Request records that consent for purpose on channel was requested under
// notice (double opt-in) and returns the confirmation token to send to the
// subject's contact point, typically in a link. The token is opaque (Tink
// AEAD ciphertext, base64url without padding), expires after
// Options.ConfirmTTL, and confirms once.
//
// Request refuses with a *LimitError (wrapping ErrTooManyRequests), and
// records nothing, when the subject has had Options.RequestLimit requests
// on ch within Options.RequestWindow, whatever their purposes: the limit
// is read from the ledger's own Requested events, so it holds across every
// server that shares the store (two servers racing at the limit may each
// let one more through).
func (l *Ledger) Request(ctx context.Context, subject, purpose string, ch Channel, notice NoticeRef, method Method) (string, Event, error) {
	if err := l.checkRequestLimit(ctx, subject, ch); err != nil {
		return "", Event{}, err
	}
	e, err := l.Record(ctx, Event{Subject: subject, Type: Requested, Purpose: purpose, Channel: ch, Method: method, Notice: notice, Actor: "subject"})
	if err != nil {
		return "", Event{}, err
	}
	tok, err := l.tok.make(claims{Kind: kindConfirm, Expires: l.now().Add(l.opts.ConfirmTTL), Subject: subject, Purpose: purpose, Channel: ch})
	if err != nil {
		return "", Event{}, err
	}
	return tok, e, nil
}

// Confirmation is what Confirm did.
type Confirmation struct {
	Subject string
	Purpose string
	Channel Channel
	// Already is true when the token had been used before: nothing was
	// recorded this time, and Event is the zero Event.
	Already bool
	// Event is the Confirmed (or, over an existing consent, Renewed) event.
	Event Event
}

// Confirm checks a confirmation token from Request and records Confirmed,
// or Renewed if the subject already held consent for the pair (asking again
// after a notice change), under the notice of the latest request. The
// token's nonce is recorded as used in the same transaction as the event,
// so confirming twice is harmless: the second call records nothing and
// reports Already. Any token that does not verify or has expired is
// ErrInvalid.
func (l *Ledger) Confirm(ctx context.Context, token string) (Confirmation, error) {
	c, err := l.tok.open(token, kindConfirm, l.now())
	if err != nil {
		return Confirmation{}, err
	}
	out := Confirmation{Subject: c.Subject, Purpose: c.Purpose, Channel: c.Channel}
	req, err := l.store.LatestRequested(ctx, c.Subject, c.Purpose, c.Channel)
	if errors.Is(err, ErrNotFound) {
		return Confirmation{}, ErrInvalid // a token for a request that was never recorded
	}
	if err != nil {
		return Confirmation{}, err
	}
	typ := Confirmed
	prev, err := l.store.Latest(ctx, c.Subject, c.Purpose, c.Channel)
	switch {
	case err == nil && prev.Type.Status().AllowsContact():
		typ = Renewed
	case err == nil, errors.Is(err, ErrNotFound):
	default:
		return Confirmation{}, err
	}
	e, err := l.record(ctx, Event{Subject: c.Subject, Type: typ, Purpose: c.Purpose, Channel: c.Channel,
		Method: EmailLink, Notice: req.Notice, Actor: "subject"}, c.Nonce[:])
	if errors.Is(err, ErrTokenUsed) {
		out.Already = true
		return out, nil
	}
	if err != nil {
		return Confirmation{}, err
	}
	out.Event = e
	return out, nil
}

// UnsubscribeToken returns the opaque token for the subject to leave
// purpose on channel, for the unsubscribe link and List-Unsubscribe header
// of every message. It holds no PII: only the opaque subject id, the
// purpose, the channel, an expiry (Options.UnsubscribeTTL; none by default)
// and a random nonce, encrypted and authenticated with Tink AEAD.
func (l *Ledger) UnsubscribeToken(subject, purpose string, ch Channel) (string, error) {
	if !validSubjectID(subject) || !validName(purpose) || !ch.Valid() {
		return "", errors.New("consent: UnsubscribeToken needs a subject id, a purpose and a channel")
	}
	c := claims{Kind: kindUnsubscribe, Subject: subject, Purpose: purpose, Channel: ch}
	if l.opts.UnsubscribeTTL > 0 {
		c.Expires = l.now().Add(l.opts.UnsubscribeTTL)
	}
	return l.tok.make(c)
}

// Unsubscription is what Unsubscribe did.
type Unsubscription struct {
	Subject string
	Purpose string
	Channel Channel
	// Withdrawn is false when the subject had already withdrawn and nothing
	// was recorded.
	Withdrawn bool
}

// Unsubscribe checks an unsubscribe token and withdraws the consent it
// names, with method (OneClick, EmailLink...), at once. Unsubscribing again
// is harmless. A token that does not verify is ErrInvalid. A forgotten
// subject's consents were all withdrawn by Forget, so Unsubscribe reports
// success with nothing recorded; for a pair that had no event at all (an
// opt-out purpose), the withdrawal is still recorded, since withdrawals
// are accepted after forgetting (see Ledger.Record).
func (l *Ledger) Unsubscribe(ctx context.Context, token string, method Method) (Unsubscription, error) {
	c, err := l.tok.open(token, kindUnsubscribe, l.now())
	if err != nil {
		return Unsubscription{}, err
	}
	out := Unsubscription{Subject: c.Subject, Purpose: c.Purpose, Channel: c.Channel}
	ok, err := l.Withdraw(ctx, c.Subject, c.Purpose, c.Channel, method, "")
	switch {
	case errors.Is(err, ErrForgotten):
		return out, nil
	case errors.Is(err, ErrNotFound):
		return Unsubscription{}, ErrInvalid // the subject is not in this ledger
	case err != nil:
		return Unsubscription{}, fmt.Errorf("consent: unsubscribe: %w", err)
	}
	out.Withdrawn = ok
	return out, nil
}

// ErrTooManyRequests is wrapped by the *LimitError that Request returns
// when a subject has had too many confirmation requests lately.
var ErrTooManyRequests = errors.New("consent: too many confirmation requests for this contact point")

// LimitError says that Request was refused by Options.RequestLimit and
// when the next request will be accepted.
type LimitError struct {
	Channel    Channel
	RetryAfter time.Duration // until the oldest request in the window leaves it
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s on %s; retry in %s", ErrTooManyRequests.Error(), e.Channel, e.RetryAfter.Round(time.Second))
}

// Unwrap returns ErrTooManyRequests.
func (e *LimitError) Unwrap() error { return ErrTooManyRequests }

// checkRequestLimit counts the subject's Requested events on ch within the
// window.
func (l *Ledger) checkRequestLimit(ctx context.Context, subject string, ch Channel) error {
	if l.opts.RequestLimit < 0 {
		return nil
	}
	events, err := l.store.Events(ctx, subject)
	if err != nil {
		return err
	}
	now := l.now()
	since := now.Add(-l.opts.RequestWindow)
	var in []time.Time
	for _, e := range events {
		if e.Type == Requested && e.Channel == ch && e.RecordedAt.After(since) {
			in = append(in, e.RecordedAt)
		}
	}
	if len(in) < l.opts.RequestLimit {
		return nil
	}
	// The request that frees a place is the one limit-th from the newest.
	slices.SortFunc(in, func(a, b time.Time) int { return a.Compare(b) })
	free := in[len(in)-l.opts.RequestLimit].Add(l.opts.RequestWindow)
	l.tel.limitedRequest(ctx, ch)
	return &LimitError{Channel: ch, RetryAfter: max(free.Sub(now), time.Second)}
}
