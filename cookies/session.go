package cookies

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
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

	// The fields are ordered, and times kept in Unix seconds, so that a
	// stateless session stays in the 128-byte allocation class.
	id        [idLen]byte
	created   time.Time
	issued    int64  // Unix seconds when the cookie loaded (or last sent) was issued; 0 if none
	expires   int64  // Unix seconds when the session ends unless used again; 0 for a new session
	loaded    []byte // the record as loaded, for change detection
	srv       *serverState
	isNew     bool
	renewed   bool
	destroyed bool
	migrate   bool // loaded from a legacy cookie: re-issue in the new format
	present   bool // the request carried a cookie by this name
	legacyHad bool // the request carried a legacy cookie to delete
}

// serverState is what only server-side sessions (Options.Store) and
// sessions bound to an account need.
type serverState struct {
	account string    // opaque account id, "" if none
	seen    time.Time // last seen, as stored
	stored  bool      // the store holds this session under key
	key     string    // the store token (Handle) of the stored session
}

// server returns s's server-side state, creating it.
func (s *Session[T]) server() *serverState {
	if s.srv == nil {
		s.srv = &serverState{}
	}
	return s.srv
}

func unixTime(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

func newSession[T any](now time.Time) *Session[T] {
	s := &Session[T]{isNew: true, created: now.Truncate(time.Second)}
	rand.Read(s.id[:]) // never fails (crypto/rand panics rather than return an error)
	return s
}

// ID returns the session id: 22 characters of base64url for 128 random
// bits. It identifies the session, not the person, and changes on RenewID.
func (s *Session[T]) ID() string { return base64.RawURLEncoding.EncodeToString(s.id[:]) }

// Handle returns the session's public handle: a SHA-256 digest of its id,
// under which a Store keeps it. Unlike the id it is safe to show (an
// account page lists sessions by handle, and Manager.Revoke takes one):
// it cannot be turned back into the id, nor into a cookie. It changes on
// RenewID.
func (s *Session[T]) Handle() string { return handleOf(s.id) }

// handleLen is the length of a Handle: base64url of a SHA-256 digest.
const handleLen = 43

func handleOf(id [idLen]byte) string {
	h := sha256.New()
	h.Write([]byte("civickit/cookies session handle\x00"))
	h.Write(id[:])
	var sum [sha256.Size]byte
	return base64.RawURLEncoding.EncodeToString(h.Sum(sum[:0]))
}

// SetAccount binds a server-side session to an account, at login, so
// that Manager.Sessions lists it and Manager.RevokeAll ends it; "" unbinds
// it. It also calls RenewID: a change of privileges gets a new session id
// (session fixation). The id must be opaque, such as a database key or a
// random reference: never an e-mail address, user name or anything else
// personal. The store keeps it in plain text for lookup, so Save refuses
// with ErrContainsPII one the PII guard flags. Without Options.Store,
// Save refuses a session with an account (ErrNoStore).
func (s *Session[T]) SetAccount(id string) {
	s.server().account = id
	s.RenewID()
}

// Account returns the account id the session is bound to, or "".
func (s *Session[T]) Account() string {
	if s.srv == nil {
		return ""
	}
	return s.srv.account
}

// LastSeenAt returns when a server-side session was last written to the
// store (see Options.TouchInterval); without a store, when its cookie was
// issued. It is the zero time for a session not yet saved.
func (s *Session[T]) LastSeenAt() time.Time {
	if s.srv == nil || s.srv.seen.IsZero() {
		return unixTime(s.issued)
	}
	return s.srv.seen
}

// CreatedAt returns when the session (or its current id) was created.
func (s *Session[T]) CreatedAt() time.Time { return s.created }

// ExpiresAt returns when the session ends unless it is used again: the
// earliest of its cookie's expiry, its idle timeout and its absolute
// lifetime under the Manager's current policy. It is the zero time for a
// session not yet saved.
func (s *Session[T]) ExpiresAt() time.Time { return unixTime(s.expires) }

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

// Destroy clears Values and the account and makes the response delete the
// cookie and, with a Store, the stored session. Call it on logout. A destroyed session is not saved again in this request unless
// RenewID is called after Destroy.
func (s *Session[T]) Destroy() {
	var zero T
	s.Values = zero
	if s.srv != nil {
		s.srv.account = ""
	}
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
