package cookies

import (
	"errors"
	"fmt"
	"time"
)

// Errors callers branch on. Everything that comes from an untrusted cookie
// value and does not open is ErrInvalid; an authentic cookie past its expiry
// is ErrExpired (wrapped in an *ExpiredError).
var (
	// ErrInvalid is the one error for a cookie value that is forged,
	// tampered with, truncated, garbled, moved to another cookie name, or
	// made with a key the keyring does not hold or no longer enables.
	// Callers cannot and should not tell these apart.
	ErrInvalid = errors.New("cookies: cookie value is invalid")
	// ErrExpired means the cookie is authentic but its expiry, which is
	// inside the authenticated payload, has passed.
	ErrExpired = errors.New("cookies: cookie has expired")
	// ErrTooLong means the cookie name plus its encoded value would exceed
	// 4096 bytes, the size every browser is required to store.
	ErrTooLong = errors.New("cookies: cookie name plus value would exceed 4096 bytes")
	// ErrContainsPII means a value was refused at encode time because it
	// holds, or is declared to hold, personal data. The error is a
	// *PIIError naming the field; it never contains the value.
	ErrContainsPII = errors.New("cookies: value contains personal data")
	// ErrNotDeclared means a cookie was set through a Policy that does not
	// declare its name.
	ErrNotDeclared = errors.New("cookies: cookie is not declared")
	// ErrNoConsent means a non-essential cookie was not set because the
	// visitor has not consented to its category (or sent Sec-GPC: 1 for
	// analytics).
	ErrNoConsent = errors.New("cookies: visitor has not consented to this cookie's category")
	// ErrEnded means a server-side session named by an authentic cookie
	// is no longer in the Store: it was revoked (logout, "log out
	// everywhere") or expired there.
	ErrEnded = errors.New("cookies: session has ended")
	// ErrStore wraps a failure of the session Store (database down,
	// timeout). It is never about the visitor's cookie.
	ErrStore = errors.New("cookies: session store failed")
	// ErrNoStore means a server-side operation (accounts, listing,
	// revocation) was asked of a Manager without Options.Store.
	ErrNoStore = errors.New("cookies: the session manager has no store")
	// ErrNotSupported means the Store can neither index sessions by
	// account (AccountStore) nor iterate them (IterableStore), so an
	// account's sessions cannot be found.
	ErrNotSupported = errors.New("cookies: the session store cannot find an account's sessions")
)

// MaxCookieSize is the most bytes of name plus value a cookie may have.
const MaxCookieSize = 4096

// ExpiredError is returned for an authentic cookie whose expiry has passed.
// Its times come from the authenticated payload, so they can be trusted.
type ExpiredError struct {
	IssuedAt  time.Time // when the cookie value was made
	ExpiresAt time.Time // when it stopped being valid
	// Limit says which limit ended a session: "" for the lifetime sealed
	// in the cookie, or the Manager's current policy: LimitMaxAge,
	// LimitIdle or LimitAbsolute.
	Limit string
}

// The limits an ExpiredError names.
const (
	LimitMaxAge   = "max-age"           // the cookie is older than the Manager's current MaxAge
	LimitIdle     = "idle timeout"      // the session was not used for IdleTimeout
	LimitAbsolute = "absolute lifetime" // the session is older than AbsoluteLifetime
)

// Error describes the expiry; the times are not personal data.
func (e *ExpiredError) Error() string {
	limit := ""
	if e.Limit != "" {
		limit = ", " + e.Limit
	}
	return fmt.Sprintf("cookies: cookie has expired (issued %s, expired %s%s)",
		e.IssuedAt.UTC().Format(time.RFC3339), e.ExpiresAt.UTC().Format(time.RFC3339), limit)
}

// Unwrap returns ErrExpired.
func (e *ExpiredError) Unwrap() error { return ErrExpired }

// PIIError reports a value refused by the PII guard. It names the field
// (a Go field path such as "Prefs.Note" or "Tags[]") and why, never the
// value.
type PIIError struct {
	Field  string // the Go field path, or "(value)" for a bare value
	Reason string // "tagged pii:\"email\"", "type pii.String", "detector matched", ...
}

// Error names the field and reason, never the value.
func (e *PIIError) Error() string {
	return fmt.Sprintf("cookies: field %q contains personal data (%s)", e.Field, e.Reason)
}

// Unwrap returns ErrContainsPII.
func (e *PIIError) Unwrap() error { return ErrContainsPII }
