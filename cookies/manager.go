package cookies

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/civickit/privacy/pii"
	"go.opentelemetry.io/otel/metric"
)

// HostPrefix is prepended to session cookie names. Browsers only accept a
// __Host- cookie that is Secure, has Path=/ and no Domain, so no subdomain
// or plain-HTTP page can plant or overwrite it.
const HostPrefix = "__Host-"

// Options configures a Manager. Nil options mean the safe defaults
// described on each field.
type Options[T any] struct {
	// Name is the cookie name without prefix; default "session". The
	// cookie is called HostPrefix+Name unless InsecureDevelopment is set.
	Name string
	// MaxAge is the session cookie's lifetime, sent as an explicit Max-Age
	// and kept in the authenticated payload. Zero means DefaultMaxAge;
	// values above MaxMaxAge (400 days) are capped. A session is re-issued
	// whenever its payload changes or less than half its lifetime (or of
	// IdleTimeout, if shorter) is left, never past AbsoluteLifetime. The
	// Manager's MaxAge, not the one sealed in a cookie, decides: lowering
	// it shortens cookies already issued.
	MaxAge time.Duration
	// IdleTimeout ends a session that was not used for this long (OWASP
	// ASVS 3.3.1). Zero, or a value above MaxAge, means MaxAge: a cookie
	// not re-issued within MaxAge is gone from the browser anyway. Without
	// a Store, "used" means "sent a cookie the Manager issued", so the
	// idle clock starts at the cookie's issue time, and a cookie is
	// re-issued once half of IdleTimeout has passed, so an active visitor
	// keeps the session; with a Store it starts at the last-seen time
	// written to the store (see TouchInterval). Enforced with the
	// Manager's current value, whatever a cookie says.
	IdleTimeout time.Duration
	// AbsoluteLifetime ends a session this long after it was created
	// (after its last RenewID), however active it is (OWASP ASVS 3.3.2).
	// Zero means DefaultAbsoluteLifetime (12 hours); values above
	// MaxMaxAge are capped. Re-issuing never extends a cookie past it, and
	// it is enforced with the Manager's current value, so lowering it ends
	// sessions already issued.
	AbsoluteLifetime time.Duration
	// SameSite is http.SameSiteLaxMode (the default) or
	// http.SameSiteStrictMode; other modes are refused.
	SameSite http.SameSite
	// Detector finds personal data in string fields of T at save time.
	// Nil means the redact package's default detector.
	Detector PIIDetector
	// InsecureDevelopment drops Secure and the __Host- prefix so that
	// sessions work over plain HTTP on a development machine. NewManager
	// logs a warning when it is set; never set it in production.
	InsecureDevelopment bool
	// Logger receives the development warning and save failures that the
	// middleware cannot return. Nil means slog.Default(). Nothing logged
	// contains a cookie value or session data.
	Logger *slog.Logger
	// MeterProvider, if set, receives the Manager's metrics through the
	// OpenTelemetry API: cookies that fail to decode, by reason (a
	// tampering signal), and sessions that cannot be saved, by reason (PII
	// refused, too long...). Nil means none, at no cost. See telemetry.go.
	MeterProvider metric.MeterProvider
	// Category is the session cookie's consent category; zero means
	// StrictlyNecessary (a login session). For any other category the
	// cookie is only set, and only kept, with the visitor's consent.
	Category Category
	// Consent decides non-essential categories; nil refuses them.
	Consent ConsentChecker
	// Legacy reads cookies issued by an existing gorilla/securecookie
	// setup, so visitors stay logged in across the migration.
	Legacy *Legacy[T]
	// Store, if set, keeps sessions on the server (see "Server-side
	// sessions" in the package documentation): the cookie carries only
	// the sealed session id, and Values, the account id and the times
	// live in the store, shared by every app server. Any
	// github.com/alexedwards/scs/v2 store works; cookies/sessionstore has
	// SQLite, PostgreSQL and Redis stores that also index sessions by
	// account. Nil means stateless sessions: everything in the cookie.
	Store Store
	// TouchInterval is, with a Store, how often at most the last-seen
	// time of a session that did not otherwise change is written back.
	// Zero means one minute, or a tenth of IdleTimeout if that is
	// shorter. The idle timeout is measured from the last write.
	TouchInterval time.Duration
	// ClientIP returns the client address of a request, as an IP or
	// IP:port, for the session list; it is truncated (to /24 or /48)
	// before it is stored. Nil means r.RemoteAddr: set it behind a
	// reverse proxy you trust.
	ClientIP func(r *http.Request) string
	// Now is the clock; nil means time.Now. For tests.
	Now func() time.Time
}

// DefaultAbsoluteLifetime is the AbsoluteLifetime used when options leave
// it zero: 12 hours, the OWASP ASVS level 2 limit for a login session.
const DefaultAbsoluteLifetime = 12 * time.Hour

// Manager loads and saves typed sessions, in an encrypted cookie or, with
// Options.Store, in a server-side store named by an encrypted cookie, and
// provides the net/http middleware. It is safe for concurrent use.
type Manager[T any] struct {
	codec    *Codec
	maxAge   time.Duration // the cookie lifetime: codec.maxAge
	idle     time.Duration // IdleTimeout
	absolute time.Duration // AbsoluteLifetime
	refresh  time.Duration // re-issue a cookie this long after its issue
	store    Store         // nil: stateless
	acct     AccountStore  // store, if it indexes by account
	touch    time.Duration // TouchInterval
	clientIP func(*http.Request) string
	name     string
	ad       []byte
	plan     *structPlan
	secure   bool
	sameSite http.SameSite
	category Category
	consent  ConsentChecker
	legacy   *Legacy[T]
	log      *slog.Logger
	tel      *telemetry
}

// NewManager returns a Manager for sessions whose payload is T, a struct
// type. It fails on a nil or non-Encryption keyring, on bad options, with
// ErrContainsPII if T declares personal data (a field tagged pii, or of
// type pii.String or pii.Sealed), and if a field of T has a type the
// compact encoding does not support (see the package documentation).
func NewManager[T any](kr *pii.Keyring, opts *Options[T]) (*Manager[T], error) {
	if opts == nil {
		opts = &Options[T]{}
	}
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("cookies: session payload must be a struct type, not %s", t)
	}
	plan, err := planFor(t)
	if err != nil {
		return nil, err
	}
	codec, err := NewCodec(kr, &CodecOptions{MaxAge: opts.MaxAge, Detector: opts.Detector, Now: opts.Now})
	if err != nil {
		return nil, err
	}
	m := &Manager[T]{
		codec: codec, plan: plan, secure: !opts.InsecureDevelopment,
		category: opts.Category, consent: opts.Consent, legacy: opts.Legacy, log: opts.Logger,
		maxAge: codec.maxAge,
	}
	if err := m.setLimits(opts.IdleTimeout, opts.AbsoluteLifetime); err != nil {
		return nil, err
	}
	if opts.Store != nil {
		m.store = opts.Store
		m.acct, _ = opts.Store.(AccountStore)
		switch {
		case opts.TouchInterval < 0:
			return nil, errors.New("cookies: TouchInterval must not be negative")
		case opts.TouchInterval == 0:
			m.touch = min(time.Minute, m.idle/10)
		default:
			m.touch = opts.TouchInterval
		}
		m.clientIP = opts.ClientIP
		if m.clientIP == nil {
			m.clientIP = func(r *http.Request) string { return r.RemoteAddr }
		}
	}
	if m.log == nil {
		m.log = slog.Default()
	}
	name := opts.Name
	if name == "" {
		name = "session"
	}
	if !validName(name) || strings.HasPrefix(name, "__") {
		return nil, fmt.Errorf("cookies: session cookie name: %w (the __Host- prefix is added for you)", errBadName)
	}
	if m.secure {
		name = HostPrefix + name
	}
	m.name, m.ad = name, []byte(name)
	switch opts.SameSite {
	case 0, http.SameSiteDefaultMode, http.SameSiteLaxMode:
		m.sameSite = http.SameSiteLaxMode
	case http.SameSiteStrictMode:
		m.sameSite = http.SameSiteStrictMode
	default:
		return nil, errors.New("cookies: SameSite must be Lax or Strict")
	}
	if m.category == 0 {
		m.category = StrictlyNecessary
	}
	if !m.category.Valid() {
		return nil, fmt.Errorf("cookies: invalid category %s", m.category)
	}
	if m.legacy != nil {
		if err := m.legacy.check(); err != nil {
			return nil, err
		}
	}
	if m.tel, err = newTelemetry(opts.MeterProvider, m.name); err != nil {
		return nil, err
	}
	if opts.InsecureDevelopment {
		warnInsecure(m.log, "session")
	}
	return m, nil
}

// setLimits validates and sets the idle timeout and absolute lifetime.
func (m *Manager[T]) setLimits(idle, absolute time.Duration) error {
	switch {
	case idle < 0 || absolute < 0:
		return errors.New("cookies: IdleTimeout and AbsoluteLifetime must not be negative")
	case idle != 0 && idle < time.Second, absolute != 0 && absolute < time.Second:
		return errors.New("cookies: IdleTimeout and AbsoluteLifetime must be at least one second")
	}
	if idle == 0 {
		idle = m.maxAge
	}
	if absolute == 0 {
		absolute = DefaultAbsoluteLifetime
	}
	m.idle = min(idle, m.maxAge).Truncate(time.Second)
	m.absolute = min(absolute, MaxMaxAge).Truncate(time.Second)
	m.refresh = min(m.maxAge, m.idle) / 2
	return nil
}

// IdleTimeout returns the idle timeout the Manager enforces.
func (m *Manager[T]) IdleTimeout() time.Duration { return m.idle }

// AbsoluteLifetime returns the absolute lifetime the Manager enforces.
func (m *Manager[T]) AbsoluteLifetime() time.Duration { return m.absolute }

// deadline returns when a session created at created and last used at
// seen ends under the Manager's current policy, and which limit ends it.
func (m *Manager[T]) deadline(created, seen time.Time) (time.Time, string) {
	abs := created.Add(m.absolute)
	if idle := seen.Add(m.idle); idle.Before(abs) {
		return idle, LimitIdle
	}
	return abs, LimitAbsolute
}

// cookieTTL returns the lifetime of a cookie issued at now for a session
// created at created: MaxAge, cut short by the absolute lifetime; zero if
// the session is over.
func (m *Manager[T]) cookieTTL(created, now time.Time) time.Duration {
	left := time.Duration(created.Unix()-now.Unix())*time.Second + m.absolute
	return max(0, min(m.maxAge, left))
}

// Name returns the session cookie's full name, for example
// "__Host-session".
func (m *Manager[T]) Name() string { return m.name }

// Codec returns the Codec sessions are sealed with.
func (m *Manager[T]) Codec() *Codec { return m.codec }

// load is Load without the metrics.
func (m *Manager[T]) load(r *http.Request) (*Session[T], error) {
	now := m.codec.now()
	var firstErr error
	present := false
	for i, c := range r.CookiesNamed(m.name) {
		if i == 4 {
			break // a few same-named cookies at most; ignore a flood
		}
		present = true
		var s *Session[T]
		var err error
		if m.store != nil {
			s, err = m.openRef(r.Context(), c.Value)
		} else {
			s, err = m.open(c.Value)
		}
		if err == nil {
			s.present = true
			return s, nil
		}
		if errors.Is(err, ErrStore) {
			s := newSession[T](now)
			s.present = true
			return s, err
		}
		if firstErr == nil || errors.Is(err, ErrExpired) || errors.Is(err, ErrEnded) {
			firstErr = err
		}
	}
	s := newSession[T](now)
	s.present = present
	if m.legacy != nil {
		if c, err := r.Cookie(m.legacy.Name); err == nil {
			v, err := m.legacy.read(c.Value)
			if err == nil {
				s.Values = v
				s.migrate, s.legacyHad = true, m.legacy.Name != m.name
				return s, nil
			}
			s.legacyHad = m.legacy.Name != m.name
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return s, firstErr
}

// open decodes a session cookie value and checks it against the
// Manager's current MaxAge, idle timeout and absolute lifetime.
func (m *Manager[T]) open(value string) (*Session[T], error) {
	now := m.codec.now()
	format, issued, expires, body, err := m.codec.open(m.ad, value, now)
	if err != nil {
		return nil, err
	}
	if format != formatSession || len(body) < idLen+1 {
		return nil, ErrInvalid
	}
	age, n := binary.Uvarint(body[idLen:])
	if n <= 0 || age > uint64(issued.Unix()) {
		return nil, ErrInvalid
	}
	// The server's policy, not the cookie's: a stateless session was last
	// seen when its cookie was issued. In Unix seconds: this is the hot
	// path, and time.Time arithmetic costs several times more.
	iss, exp, nowS := issued.Unix(), expires.Unix(), now.Unix()
	createdS := iss - int64(age)
	if end := iss + int64(m.maxAge/time.Second); end < exp {
		exp = end
		if nowS >= end {
			return nil, &ExpiredError{IssuedAt: issued, ExpiresAt: unixTime(end), Limit: LimitMaxAge}
		}
	}
	end, limit := createdS+int64(m.absolute/time.Second), LimitAbsolute
	if idle := iss + int64(m.idle/time.Second); idle < end {
		end, limit = idle, LimitIdle
	}
	if nowS >= end {
		return nil, &ExpiredError{IssuedAt: issued, ExpiresAt: unixTime(end), Limit: limit}
	}
	s := &Session[T]{created: time.Unix(createdS, 0).UTC(), issued: iss, expires: min(exp, end)}
	copy(s.id[:], body)
	rec := body[idLen+n:]
	if err := m.plan.decodeRecord(rec, reflect.ValueOf(&s.Values).Elem()); err != nil {
		return nil, ErrInvalid
	}
	s.loaded = rec // pt is a fresh buffer from Decrypt: ours to keep
	return s, nil
}

// save is Save without the metrics.
func (m *Manager[T]) save(w http.ResponseWriter, r *http.Request, s *Session[T]) error {
	if s.legacyHad {
		setCookie(w, m.cookie(m.legacy.Name, "", -1, m.legacy.Secure))
		s.legacyHad = false
	}
	if s.destroyed {
		if s.present {
			setCookie(w, m.cookie(m.name, "", -1, m.secure))
			s.present = false
		}
		if s.srv != nil && s.srv.stored {
			if err := storeDelete(r.Context(), m.store, s.srv.key); err != nil {
				return fmt.Errorf("%w: delete: %w", ErrStore, err)
			}
			s.srv.stored = false
		}
		return nil
	}
	now := m.codec.now()
	buf, err := m.record(s)
	if err != nil {
		return err
	}
	if m.store != nil {
		return m.saveStored(w, r, s, now, buf[recordRoom:])
	}
	if s.srv != nil && s.srv.account != "" {
		return fmt.Errorf("%w: only server-side sessions have an account", ErrNoStore)
	}
	record := buf[recordRoom:]
	changed := s.renewed || s.migrate ||
		(s.isNew && len(record) > 0) ||
		(!s.isNew && !bytes.Equal(record, s.loaded)) ||
		(!s.isNew && m.refreshDue(s, now))
	if !changed {
		return nil
	}
	if !allowed(m.consent, r, m.category) {
		if s.present {
			setCookie(w, m.cookie(m.name, "", -1, m.secure))
			s.present = false
		}
		return ErrNoConsent
	}
	if s.renewed {
		// A renewed id is a new session as far as CreatedAt is concerned.
		s.created = now.Truncate(time.Second)
	}
	ttl := m.cookieTTL(s.created, now)
	if ttl <= 0 {
		// Past the absolute lifetime since it was loaded: end it.
		end := s.created.Add(m.absolute)
		if s.present {
			setCookie(w, m.cookie(m.name, "", -1, m.secure))
			s.present = false
		}
		return &ExpiredError{IssuedAt: unixTime(s.issued), ExpiresAt: end, Limit: LimitAbsolute}
	}
	value, err := m.sealRecordTTL(s, now, ttl, buf)
	if err != nil {
		return err
	}
	setCookie(w, m.cookie(m.name, value, int(ttl/time.Second), m.secure))
	s.loaded = append(s.loaded[:0], record...)
	s.isNew, s.renewed, s.migrate, s.present = false, false, false, true
	issued := now.Truncate(time.Second)
	expires := issued.Add(ttl)
	if end, _ := m.deadline(s.created, issued); end.Before(expires) {
		expires = end
	}
	s.issued, s.expires = issued.Unix(), expires.Unix()
	return nil
}

// refreshDue reports whether a loaded, unchanged session's cookie should
// be re-issued: half of MaxAge (or of the idle timeout, if shorter) has
// passed since it was issued, and a new cookie would last longer (it
// never does past the absolute lifetime).
func (m *Manager[T]) refreshDue(s *Session[T], now time.Time) bool {
	if now.Sub(unixTime(s.issued)) < m.refresh {
		return false
	}
	ttl := m.cookieTTL(s.created, now)
	next := now.Truncate(time.Second).Add(min(ttl, m.idle))
	return next.Unix() > s.expires
}

// recordRoom is the space record leaves in front of the record for the
// codec header, the session id and its age.
const recordRoom = headerMax + idLen + binary.MaxVarintLen64

// record encodes s.Values, running the PII guard, into a buffer that keeps
// recordRoom bytes free in front for sealRecord: the record itself is
// buf[recordRoom:]. Encryption happens in sealRecord, only when a cookie
// is actually sent.
func (m *Manager[T]) record(s *Session[T]) (buf []byte, err error) {
	return m.plan.appendRecord(make([]byte, recordRoom, recordRoom+64), reflect.ValueOf(&s.Values).Elem(), m.codec.det)
}

// sealRecord encrypts a session, id, seconds since creation and record,
// from a buffer made by record, for a cookie issued at now.
func (m *Manager[T]) sealRecord(s *Session[T], now time.Time, buf []byte) (string, error) {
	return m.sealRecordTTL(s, now, m.cookieTTL(s.created, now), buf)
}

// sealRecordTTL is sealRecord for a cookie that lives ttl.
func (m *Manager[T]) sealRecordTTL(s *Session[T], now time.Time, ttl time.Duration, buf []byte) (string, error) {
	var mid [idLen + binary.MaxVarintLen64]byte
	copy(mid[:], s.id[:])
	age := max(0, int64(now.Sub(s.created)/time.Second))
	n := idLen + binary.PutUvarint(mid[idLen:], uint64(age))
	start := recordRoom - n
	copy(buf[start:], mid[:n])
	return m.codec.sealTTL(m.ad, formatSession, now, ttl, buf[start-headerMax:])
}

func (m *Manager[T]) cookie(name, value string, maxAge int, secure bool) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		Secure: secure, HttpOnly: true, SameSite: m.sameSite,
	}
}
