package cookies

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metrics, when Options.MeterProvider is set (OpenTelemetry API only).
// A cookie that fails to decode is a tampering signal worth watching; a
// value the PII guard refuses is a bug in the application. Attributes are
// the cookie's name and a fixed reason, never a value.
//
//	cookies.session.rejected  counter {cookie}  cookies.name, cookies.reason (invalid, expired, idle, absolute, max_age, ended, store)
//	cookies.session.refused   counter {session} cookies.name, cookies.reason (pii, too_long, no_consent, store, other)
type telemetry struct {
	rejected, refused metric.Int64Counter
	name              attribute.KeyValue
}

func newTelemetry(mp metric.MeterProvider, name string) (*telemetry, error) {
	if mp == nil {
		return nil, nil
	}
	m := mp.Meter("github.com/civickit/privacy/cookies")
	t := &telemetry{name: attribute.String("cookies.name", name)}
	var err error
	if t.rejected, err = m.Int64Counter("cookies.session.rejected", metric.WithUnit("{cookie}"),
		metric.WithDescription("Session cookies a request carried that were not accepted")); err != nil {
		return nil, fmt.Errorf("cookies: telemetry: %w", err)
	}
	if t.refused, err = m.Int64Counter("cookies.session.refused", metric.WithUnit("{session}"),
		metric.WithDescription("Sessions that could not be saved")); err != nil {
		return nil, fmt.Errorf("cookies: telemetry: %w", err)
	}
	return t, nil
}

func (t *telemetry) loadFailed(ctx context.Context, err error) {
	if t == nil || err == nil {
		return
	}
	reason := "invalid"
	var exp *ExpiredError
	switch {
	case errors.As(err, &exp):
		switch exp.Limit {
		case LimitIdle:
			reason = "idle"
		case LimitAbsolute:
			reason = "absolute"
		case LimitMaxAge:
			reason = "max_age"
		default:
			reason = "expired"
		}
	case errors.Is(err, ErrEnded):
		reason = "ended"
	case errors.Is(err, ErrStore):
		reason = "store"
	}
	t.rejected.Add(ctx, 1, metric.WithAttributes(t.name, attribute.String("cookies.reason", reason)))
}

func (t *telemetry) saveFailed(ctx context.Context, err error) {
	if t == nil || err == nil {
		return
	}
	reason := "other"
	switch {
	case errors.Is(err, ErrContainsPII):
		reason = "pii"
	case errors.Is(err, ErrTooLong):
		reason = "too_long"
	case errors.Is(err, ErrNoConsent):
		reason = "no_consent"
	case errors.Is(err, ErrStore):
		reason = "store"
	}
	t.refused.Add(ctx, 1, metric.WithAttributes(t.name, attribute.String("cookies.reason", reason)))
}

// Load returns the session carried by r, or a new one. The error says why
// a cookie that r carried was not used (ErrInvalid, an *ExpiredError, or
// with a Store ErrEnded, or ErrStore if the store failed); the session
// returned is usable either way.
func (m *Manager[T]) Load(r *http.Request) (*Session[T], error) {
	s, err := m.load(r)
	m.tel.loadFailed(r.Context(), err)
	return s, err
}

// Save sets the session cookie on w if the session needs it: it changed,
// is new and not empty, had its id renewed, came from a legacy cookie, or
// is due for re-issue (see Options.MaxAge). A destroyed session deletes the
// cookie. Save must run before the response header is written; the
// middleware calls it at the right moment, so handlers only call it to see
// its error. It returns a *PIIError (ErrContainsPII) if Values holds
// personal data, ErrTooLong if the cookie would not fit, ErrNoConsent
// if the cookie's category lacks consent (any existing cookie is then
// deleted), and an *ExpiredError if the session reached its absolute
// lifetime since it was loaded.
//
// With a Store, Save writes the session to the store when it changed, is
// new and not empty (or has an account), or its last-seen time is older
// than TouchInterval, and deletes it from the store when destroyed or
// renewed; the cookie is sent only for a new id or a re-issue. It also
// returns ErrStore if the store failed, ErrEnded if the session was
// revoked while the request ran (the cookie is then deleted, and the
// session not written back), and a *PIIError for an account id the PII
// guard flags. Without a Store, a session with an account is ErrNoStore.
func (m *Manager[T]) Save(w http.ResponseWriter, r *http.Request, s *Session[T]) error {
	err := m.save(w, r, s)
	m.tel.saveFailed(r.Context(), err)
	return err
}
