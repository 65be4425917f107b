// Package cookies makes encrypted, authenticated, PII-free cookies and
// session middleware for net/http.
//
// # Where it sits
//
// cookies imports pii and redact (its PII guard uses the detectors), never
// consent or retention; the portal example wires them together.
//
// City privacy policies promise that cookies "keep track of actions" but
// hold no personally identifying information. This package keeps that
// promise in code: a session payload is a typed struct that is checked for
// personal data every time it is saved, and sealed with a Tink AEAD from a
// pii keyring.
//
// # Codec
//
// A Codec encrypts a value with AES-256-GCM (Tink) from a pii Encryption
// keyring. The cookie name is the associated data, so a value moved to
// another cookie does not open. The issue time and expiry are inside the
// encrypted payload. The key is chosen by the key id in Tink's 5-byte
// ciphertext prefix; a cookie naming a key the keyring does not hold, or
// no longer enables, is refused before any decryption, so rotation never
// tries every key. The cookie value is base64url without padding.
//
// Decode errors are uniform: ErrInvalid for anything forged, tampered
// with, truncated, moved or made with an unknown or disabled key, and a
// distinct ErrExpired (an *ExpiredError) for an authentic cookie past its
// expiry. Encode returns ErrTooLong when name plus value would exceed 4096
// bytes.
//
// Codec implements securecookie.Codec, so it can be the codec of a
// gorilla/sessions CookieStore; list an old securecookie codec after it to
// keep reading cookies an existing portal issued.
//
// # Payload encoding
//
// Structs are encoded in a compact binary form: each non-zero exported
// field as its name and value. Fields are matched by name, so adding,
// removing or reordering fields keeps old cookies readable; to change a
// field's type, rename it. Supported field types: bool, integers, floats,
// strings, []byte, time.Time (kept to the nanosecond, returned in UTC),
// nested structs, slices of these, and maps with string keys. A field can
// be renamed on the wire with `cookie:"name"` or left out with `cookie:"-"`.
// Other values given to Codec.Encode (maps, gorilla/sessions values) are
// encoded as JSON. There is no gob.
//
// # Sessions and middleware
//
// A Manager[T] loads a Session[T] from the request, puts it in the request
// context (FromContext), and saves it just before the first byte of the
// response is written, only if it changed (or was renewed, migrated from a
// legacy cookie, or is due for re-issue; see Lifetimes). Call RenewID (or,
// with a Store, SetAccount) on login against session fixation and Destroy
// on logout. The middleware
// works alongside http.CrossOriginProtection and keeps
// http.ResponseController working.
//
// Session cookies get safe defaults: the __Host- prefix, Secure, HttpOnly,
// SameSite=Lax, Path=/, and an explicit Max-Age (24 hours by default,
// never past the absolute lifetime, capped at 400 days like browsers do).
// Plain-HTTP development needs Options.InsecureDevelopment, which logs a
// warning; it is never a silent fallback.
//
// # Lifetimes
//
// A session ends at the earliest of three limits, each enforced with the
// Manager's current Options rather than with what a cookie says, so
// lowering any of them shortens sessions already issued:
//
//   - MaxAge, the lifetime of one cookie (24 hours by default);
//   - IdleTimeout (by default, and at most, MaxAge): without a Store, the
//     idle clock starts when the cookie was issued, and a cookie is
//     re-issued once half of IdleTimeout has passed, so an active visitor
//     keeps the session; with a Store it starts at the last-seen time in
//     the store;
//   - AbsoluteLifetime (12 hours by default), counted from the session's
//     creation or its last RenewID, however active it is. A re-issued
//     cookie never outlives it.
//
// A session refused by one of these limits is an *ExpiredError whose
// Limit names it ("" when the cookie's own sealed lifetime ran out first).
//
// # Server-side sessions
//
// With Options.Store the cookie carries only the session id, sealed like
// any other cookie; Values (still checked by the PII guard), the times and
// the account live in a store that every app server shares. Logout
// (Destroy) then ends every copy of the cookie, and an account's sessions
// can be listed and revoked:
//
//   - Session.SetAccount binds a session to an account at login (and
//     renews its id). Pass an opaque account id, such as a database key:
//     the store keeps it in plain text to find the account's sessions, so
//     an e-mail address or user name there is refused (ErrContainsPII).
//   - Manager.Sessions lists an account's active sessions for an account
//     page: created, last seen, the client address truncated to /24 or
//     /48, and a browser family ("Firefox on Linux"), never the full
//     user-agent string or the session id. Each has a Handle, a digest of
//     the id that cannot be made into a cookie.
//   - Manager.Revoke ends one session by handle; Manager.RevokeAll ends
//     all of an account's sessions but, optionally, the current one: "log
//     out everywhere", and what to do after a password change or reset.
//
// Store has the method set of github.com/alexedwards/scs/v2's Store (and
// IterableStore, CtxStore, IterableCtxStore), so any scs store works. The
// stores in cookies/sessionstore (SQLite, PostgreSQL) and
// cookies/sessionstore/redisstore also implement AccountStore: an account
// index, an atomic "log out everywhere", and no resurrection of a session
// revoked while a request was using it. The idle timeout is measured from
// the last-seen time in the store, written at most every TouchInterval;
// the cookie is re-issued only when half its MaxAge has passed. If the
// store fails, the middleware answers 503 rather than start an empty
// session. Switching a Manager between stateless and server-side mode
// logs every visitor out once: a stateless cookie is not accepted as a
// server-side session (it could not be revoked), nor the reverse.
//
// # Migrating from gorilla/securecookie
//
// Options.Legacy reads cookies issued by securecookie.New(hashKey,
// blockKey) (see NewLegacyCodec, which checks the keys up front). The
// middleware re-issues such a session in the new format and deletes the
// old cookie, so a portal migrates without logging anyone out.
//
// # The PII guard
//
// At encode time a value is refused with ErrContainsPII (a *PIIError that
// names the field, never the value) if
//
//   - a field is tagged `pii:"..."` (other than `pii:"-"`), whatever its
//     value; NewManager refuses such a payload type up front;
//   - a field is a pii.String or pii.Sealed (encrypted personal data is
//     still personal data);
//   - a string, or a map key, is found by the PIIDetector (by default the
//     redact package's Redactor) to contain personal data.
//
// Limits: the detector only sees strings. Numbers ([]byte and integers
// such as a phone number kept in an int64) are not scanned, nor is
// anything a detector cannot recognise (a name it does not know, an
// account number in an unusual format); an opaque identifier that happens
// to look like personal data is refused (a false positive) unless its
// field is tagged `pii:"-"`, which also turns the detector off for that
// field. Keep session payloads to opaque ids, flags and choices: the guard
// catches mistakes, it does not make any payload safe. The session id the
// Manager generates is random and never scanned.
//
// # Cookie consent
//
// Cookies have a Category: StrictlyNecessary, Preferences or Analytics. A
// non-essential cookie is only set when a ConsentChecker (implemented by
// the consent package or the application) says the visitor consented to
// its category; a request with Sec-GPC: 1 refuses analytics whatever the
// checker says. A Policy sets declared non-session cookies under these
// rules; a Manager's session cookie has a category too (by default
// StrictlyNecessary).
//
// # Telemetry
//
// With Options.MeterProvider (the OpenTelemetry metric API) a Manager counts
// session cookies it rejected, by reason (invalid, expired, idle, absolute,
// max_age, ended, store: a burst of "invalid" is a tampering signal), and
// sessions it could not save, by reason (pii, too_long, no_consent, store).
// Attributes are the cookie's name and the reason, never a value. Without a
// provider nothing is measured, at no cost.
//
// # Limits
//
// Stateless sessions (no Store) cannot be revoked one by one: a copy of a
// cookie stays valid until the earliest of its limits even after RenewID
// or Destroy, because the server keeps no list of sessions. Keep the
// limits short, or use a Store where logout must end every copy at once.
// Disabling a keyring key invalidates every cookie made with it. With a
// plain scs store (not an AccountStore) a request already running when
// its session is revoked can save it back, and listing an account's
// sessions reads every session.
package cookies
