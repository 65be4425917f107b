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
	// whenever its payload changes or less than half its lifetime is left.
	MaxAge time.Duration
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
	// Category is the session cookie's consent category; zero means
	// StrictlyNecessary (a login session). For any other category the
	// cookie is only set, and only kept, with the visitor's consent.
	Category Category
	// Consent decides non-essential categories; nil refuses them.
	Consent ConsentChecker
	// Legacy reads cookies issued by an existing gorilla/securecookie
	// setup, so visitors stay logged in across the migration.
	Legacy *Legacy[T]
	// Now is the clock; nil means time.Now. For tests.
	Now func() time.Time
}

// Manager loads and saves typed sessions in an encrypted cookie and
// provides the net/http middleware. It is safe for concurrent use.
type Manager[T any] struct {
	codec    *Codec
	name     string
	ad       []byte
	plan     *structPlan
	secure   bool
	sameSite http.SameSite
	category Category
	consent  ConsentChecker
	legacy   *Legacy[T]
	log      *slog.Logger
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
	if opts.InsecureDevelopment {
		warnInsecure(m.log, "session")
	}
	return m, nil
}

// Name returns the session cookie's full name, for example
// "__Host-session".
func (m *Manager[T]) Name() string { return m.name }

// Codec returns the Codec sessions are sealed with.
func (m *Manager[T]) Codec() *Codec { return m.codec }

// Load returns the session carried by r, or a new one. The error says why
// a cookie that r carried was not used (ErrInvalid or an *ExpiredError);
// the session returned is usable either way.
func (m *Manager[T]) Load(r *http.Request) (*Session[T], error) {
	now := m.codec.now()
	var firstErr error
	present := false
	for i, c := range r.CookiesNamed(m.name) {
		if i == 4 {
			break // a few same-named cookies at most; ignore a flood
		}
		present = true
		s, err := m.open(c.Value)
		if err == nil {
			s.present = true
			return s, nil
		}
		if firstErr == nil || errors.Is(err, ErrExpired) {
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

// open decodes a session cookie value.
func (m *Manager[T]) open(value string) (*Session[T], error) {
	format, issued, body, err := m.codec.open(m.ad, value)
	if err != nil {
		return nil, err
	}
	if format != formatSession || len(body) < idLen+1 {
		return nil, ErrInvalid
	}
	s := &Session[T]{expires: issued.Add(m.codec.maxAge)}
	copy(s.id[:], body)
	age, n := binary.Uvarint(body[idLen:])
	if n <= 0 || age > uint64(issued.Unix()) {
		return nil, ErrInvalid
	}
	s.created = issued.Add(-time.Duration(age) * time.Second)
	rec := body[idLen+n:]
	if err := m.plan.decodeRecord(rec, reflect.ValueOf(&s.Values).Elem()); err != nil {
		return nil, ErrInvalid
	}
	s.loaded = rec // pt is a fresh buffer from Decrypt: ours to keep
	return s, nil
}

// Save sets the session cookie on w if the session needs it: it changed,
// is new and not empty, had its id renewed, came from a legacy cookie, or
// has less than half its lifetime left. A destroyed session deletes the
// cookie. Save must run before the response header is written; the
// middleware calls it at the right moment, so handlers only call it to see
// its error. It returns a *PIIError (ErrContainsPII) if Values holds
// personal data, ErrTooLong if the cookie would not fit, and ErrNoConsent
// if the cookie's category lacks consent (any existing cookie is then
// deleted).
func (m *Manager[T]) Save(w http.ResponseWriter, r *http.Request, s *Session[T]) error {
	if s.legacyHad {
		setCookie(w, m.cookie(m.legacy.Name, "", -1, m.legacy.Secure))
		s.legacyHad = false
	}
	if s.destroyed {
		if s.present {
			setCookie(w, m.cookie(m.name, "", -1, m.secure))
			s.present = false
		}
		return nil
	}
	now := m.codec.now()
	buf, err := m.record(s)
	if err != nil {
		return err
	}
	record := buf[recordRoom:]
	changed := s.renewed || s.migrate ||
		(s.isNew && len(record) > 0) ||
		(!s.isNew && !bytes.Equal(record, s.loaded)) ||
		(!s.isNew && s.expires.Sub(now) < m.codec.maxAge/2)
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
	value, err := m.sealRecord(s, now, buf)
	if err != nil {
		return err
	}
	setCookie(w, m.cookie(m.name, value, int(m.codec.maxAge/time.Second), m.secure))
	s.loaded = append(s.loaded[:0], record...)
	s.isNew, s.renewed, s.migrate, s.present = false, false, false, true
	s.expires = now.Truncate(time.Second).Add(m.codec.maxAge)
	return nil
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
// from a buffer made by record.
func (m *Manager[T]) sealRecord(s *Session[T], now time.Time, buf []byte) (string, error) {
	var mid [idLen + binary.MaxVarintLen64]byte
	copy(mid[:], s.id[:])
	age := max(0, int64(now.Sub(s.created)/time.Second))
	n := idLen + binary.PutUvarint(mid[idLen:], uint64(age))
	start := recordRoom - n
	copy(buf[start:], mid[:n])
	return m.codec.seal(m.ad, formatSession, now, buf[start-headerMax:])
}

func (m *Manager[T]) cookie(name, value string, maxAge int, secure bool) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		Secure: secure, HttpOnly: true, SameSite: m.sameSite,
	}
}
