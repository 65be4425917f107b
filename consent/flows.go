package consent

import (
	"context"
	"errors"
	"fmt"
)

// Request records that consent for purpose on channel was requested under
// notice (double opt-in) and returns the confirmation token to send to the
// subject's contact point, typically in a link. The token is opaque (Tink
// AEAD ciphertext, base64url without padding), expires after
// Options.ConfirmTTL, and confirms once.
func (l *Ledger) Request(ctx context.Context, subject, purpose string, ch Channel, notice NoticeRef, method Method) (string, Event, error) {
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
