package cookies

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"time"
)

// idLen is the length of a session id in bytes (128 random bits).
const idLen = 16

// Session is one visitor's session: a random id, its creation time, and a
// typed payload, Values, that must hold no personal data (the PII guard
// refuses it at save time). Change Values freely during a request: the
// middleware compares the encoded payload with what was loaded and sets a
// new cookie only if it changed.
//
// A Session belongs to one request and is not safe for concurrent use.
type Session[T any] struct {
	// Values is the session payload.
	Values T

	id        [idLen]byte
	created   time.Time
	issued    time.Time // when the cookie loaded (or last sent) was issued
	expires   time.Time // when the session ends unless used again; zero for a new session
	isNew     bool
	loaded    []byte // the record as loaded, for change detection
	renewed   bool
	destroyed bool
	migrate   bool // loaded from a legacy cookie: re-issue in the new format
	present   bool // the request carried a cookie by this name
	legacyHad bool // the request carried a legacy cookie to delete
}

func newSession[T any](now time.Time) *Session[T] {
	s := &Session[T]{isNew: true, created: now.Truncate(time.Second)}
	rand.Read(s.id[:]) // never fails (crypto/rand panics rather than return an error)
	return s
}

// ID returns the session id: 22 characters of base64url for 128 random
// bits. It identifies the session, not the person, and changes on RenewID.
func (s *Session[T]) ID() string { return base64.RawURLEncoding.EncodeToString(s.id[:]) }

// CreatedAt returns when the session (or its current id) was created.
func (s *Session[T]) CreatedAt() time.Time { return s.created }

// ExpiresAt returns when the session ends unless it is used again: the
// earliest of its cookie's expiry, its idle timeout and its absolute
// lifetime under the Manager's current policy. It is the zero time for a
// session not yet saved.
func (s *Session[T]) ExpiresAt() time.Time { return s.expires }

// IsNew reports whether the session was not loaded from a cookie of the
// current format.
func (s *Session[T]) IsNew() bool { return s.isNew }

// RenewID gives the session a new random id, keeping Values, and makes sure
// a new cookie is sent; CreatedAt becomes the time of that save. Call it when the visitor
// logs in (or their privileges change) so that an id planted before login
// is worthless after it (session fixation).
func (s *Session[T]) RenewID() {
	rand.Read(s.id[:])
	s.renewed = true
	s.destroyed = false
}

// Destroy clears Values and makes the response delete the cookie. Call it
// on logout. A destroyed session is not saved again in this request unless
// RenewID is called after Destroy.
func (s *Session[T]) Destroy() {
	var zero T
	s.Values = zero
	s.destroyed = true
	s.renewed = false
}

// Destroyed reports whether Destroy was called.
func (s *Session[T]) Destroyed() bool { return s.destroyed }

type ctxKey[T any] struct{}

// NewContext returns a copy of ctx carrying s; the middleware does this.
// One session per payload type T is carried: nesting two Managers of the
// same T makes the inner one's session win.
func NewContext[T any](ctx context.Context, s *Session[T]) context.Context {
	return context.WithValue(ctx, ctxKey[T]{}, s)
}

// FromContext returns the session of payload type T that the middleware
// put in ctx, and false if there is none.
func FromContext[T any](ctx context.Context) (*Session[T], bool) {
	s, ok := ctx.Value(ctxKey[T]{}).(*Session[T])
	return s, ok && s != nil
}
