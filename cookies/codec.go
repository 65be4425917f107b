package cookies

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/civickit/privacy/pii"
)

// MaxMaxAge is the longest lifetime a cookie may have: browsers cap
// Max-Age and Expires at 400 days (RFC 6265bis), and so do we.
const MaxMaxAge = 400 * 24 * time.Hour

// DefaultMaxAge is the lifetime used when options leave MaxAge zero.
const DefaultMaxAge = 24 * time.Hour

// Payload formats: the first plaintext byte.
const (
	formatRecord  = 1 // compact binary record of a struct
	formatJSON    = 2 // JSON, for values the compact encoding cannot hold
	formatSession = 3 // a Manager's session: id, created, record
	formatRef     = 4 // a Manager's server-side session: the id only
)

// CodecOptions configures a Codec. The zero value (or nil) gives the
// defaults described on each field.
type CodecOptions struct {
	// MaxAge is how long an encoded value stays valid. Zero means
	// DefaultMaxAge; values above MaxMaxAge are capped to it; negative
	// values are an error.
	MaxAge time.Duration
	// Detector finds personal data in strings at encode time. Nil means
	// the redact package's default detector.
	Detector PIIDetector
	// Now is the clock; nil means time.Now. For tests.
	Now func() time.Time
}

// Codec encrypts and authenticates cookie values with a Tink AEAD
// (AES-256-GCM) from a pii Encryption keyring. The cookie name is the
// associated data; the issue time and expiry are inside the encrypted
// payload; the key is chosen by the key id in Tink's 5-byte ciphertext
// prefix. Codec implements securecookie.Codec, so it can be used as a
// gorilla/sessions store codec.
//
// A Codec is safe for concurrent use and follows keyring rotation at once.
type Codec struct {
	kr     *pii.Keyring
	maxAge time.Duration
	det    PIIDetector
	now    func() time.Time
	source func() (tink.AEAD, error) // kr.AEAD; replaced in tests
	view   atomic.Pointer[keyView]
}

var _ securecookie.Codec = (*Codec)(nil)

// keyView is a keyring AEAD snapshot with the ids of its enabled keys, so
// that a cookie naming any other key is refused before decryption.
type keyView struct {
	aead tink.AEAD
	ids  []uint32 // sorted
}

// NewCodec returns a Codec on an Encryption keyring. It fails on a nil
// keyring, an Indexing keyring (pii.ErrWrongPurpose), or bad options.
func NewCodec(kr *pii.Keyring, opts *CodecOptions) (*Codec, error) {
	if kr == nil {
		return nil, errors.New("cookies: keyring is nil")
	}
	if kr.Purpose() != pii.Encryption {
		return nil, fmt.Errorf("cookies: keyring must have purpose %s: %w", pii.Encryption, pii.ErrWrongPurpose)
	}
	if _, err := kr.AEAD(); err != nil {
		return nil, fmt.Errorf("cookies: keyring: %w", err)
	}
	if opts == nil {
		opts = &CodecOptions{}
	}
	c := &Codec{kr: kr, det: opts.Detector, now: opts.Now, source: kr.AEAD}
	var err error
	if c.maxAge, err = checkMaxAge(opts.MaxAge); err != nil {
		return nil, err
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.det == nil {
		if c.det, err = defaultDetector(); err != nil {
			return nil, fmt.Errorf("cookies: default PII detector: %w", err)
		}
	}
	return c, nil
}

func checkMaxAge(d time.Duration) (time.Duration, error) {
	switch {
	case d < 0:
		return 0, errors.New("cookies: MaxAge must not be negative")
	case d == 0:
		return DefaultMaxAge, nil
	case d > MaxMaxAge:
		return MaxMaxAge, nil
	case d < time.Second:
		return 0, errors.New("cookies: MaxAge must be at least one second")
	}
	return d.Truncate(time.Second), nil
}

// MaxAge returns how long encoded values stay valid.
func (c *Codec) MaxAge() time.Duration { return c.maxAge }

func (c *Codec) keys() (*keyView, error) {
	a, err := c.source()
	if err != nil {
		return nil, fmt.Errorf("cookies: keyring: %w", err)
	}
	if v := c.view.Load(); v != nil && v.aead == a {
		return v, nil
	}
	v := &keyView{aead: a}
	for _, k := range c.kr.Keys() {
		if k.Status == keyset.Enabled {
			v.ids = append(v.ids, k.ID)
		}
	}
	slices.Sort(v.ids)
	c.view.Store(v)
	return v, nil
}

// Encode implements securecookie.Codec: it encodes value for the cookie
// called name. A struct (or pointer to struct) whose fields the compact
// encoding supports is encoded in binary; any other value as JSON. The
// PII guard runs first (see the package documentation); it returns a
// *PIIError wrapping ErrContainsPII. ErrTooLong means the cookie would
// not fit in 4096 bytes.
func (c *Codec) Encode(name string, value any) (string, error) {
	if !validName(name) {
		return "", errBadName
	}
	rv := reflect.ValueOf(value)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	buf := make([]byte, headerMax, 128)
	if rv.Kind() == reflect.Struct {
		p, err := planFor(rv.Type())
		var pe *PIIError
		switch {
		case errors.As(err, &pe):
			return "", err
		case err == nil:
			if buf, err = p.appendRecord(buf, rv, c.det); err != nil {
				return "", err
			}
			return c.seal([]byte(name), formatRecord, c.now(), buf)
		}
	}
	if err := guardAny(rv, "(value)", c.det, 0); err != nil {
		return "", err
	}
	js, err := json.Marshal(jsonable(value))
	if err != nil {
		return "", fmt.Errorf("cookies: encode as JSON: %w", err)
	}
	return c.seal([]byte(name), formatJSON, c.now(), append(buf, js...))
}

// Decode implements securecookie.Codec: it opens value, made by Encode for
// the same cookie name, into dst (a non-nil pointer). Any value that does
// not open is ErrInvalid; an authentic but expired value is an
// *ExpiredError wrapping ErrExpired. dst is left unchanged on error.
func (c *Codec) Decode(name, value string, dst any) error {
	dv := reflect.ValueOf(dst)
	if dv.Kind() != reflect.Pointer || dv.IsNil() {
		return errors.New("cookies: Decode needs a non-nil pointer")
	}
	format, _, _, body, err := c.open([]byte(name), value, c.now())
	if err != nil {
		return err
	}
	switch format {
	case formatRecord:
		t := dv.Elem().Type()
		if t.Kind() != reflect.Struct {
			return fmt.Errorf("%w: a struct value cannot be decoded into %s", ErrInvalid, t)
		}
		p, err := planFor(t)
		if err != nil {
			return fmt.Errorf("%w: %s cannot hold a struct value", ErrInvalid, t)
		}
		nv := reflect.New(t).Elem()
		if err := p.decodeRecord(body, nv); err != nil {
			return fmt.Errorf("%w: %s", ErrInvalid, err)
		}
		dv.Elem().Set(nv)
		return nil
	case formatJSON:
		if err := unjson(body, dst); err != nil {
			// The JSON error may quote part of the payload: leave it out.
			return ErrInvalid
		}
		return nil
	}
	return ErrInvalid
}

// headerMax is the room reserved at the front of a plaintext buffer for
// the header: format byte, issued-at and lifetime uvarints.
const headerMax = 1 + 2*binary.MaxVarintLen64

// seal encrypts buf (whose first headerMax bytes are reserved for the
// header) for the cookie name ad, valid from now for c.maxAge.
func (c *Codec) seal(ad []byte, format byte, now time.Time, buf []byte) (string, error) {
	return c.sealTTL(ad, format, now, c.maxAge, buf)
}

// sealTTL is seal with a lifetime of ttl (whole seconds, at most
// MaxMaxAge) instead of c.maxAge.
func (c *Codec) sealTTL(ad []byte, format byte, now time.Time, ttl time.Duration, buf []byte) (string, error) {
	var hdr [headerMax]byte
	h := append(hdr[:0], format)
	h = binary.AppendUvarint(h, uint64(now.Unix()))
	h = binary.AppendUvarint(h, uint64(ttl/time.Second))
	pt := buf[headerMax-len(h):]
	copy(pt, h)
	// 5-byte Tink prefix, 12-byte nonce, 16-byte tag.
	if len(ad)+base64.RawURLEncoding.EncodedLen(len(pt)+33) > MaxCookieSize {
		return "", ErrTooLong
	}
	v, err := c.keys()
	if err != nil {
		return "", err
	}
	ct, err := v.aead.Encrypt(pt, ad)
	if err != nil {
		return "", fmt.Errorf("cookies: encrypt: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(ct), nil
}

// open authenticates and decrypts value for cookie name ad, checks its
// expiry against now, and returns the format byte, issue time, expiry and
// body.
func (c *Codec) open(ad []byte, value string, now time.Time) (format byte, issued, expires time.Time, body []byte, err error) {
	if len(ad)+len(value) > MaxCookieSize || len(value) < base64.RawURLEncoding.EncodedLen(33) {
		return 0, time.Time{}, time.Time{}, nil, ErrInvalid
	}
	ct, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return 0, time.Time{}, time.Time{}, nil, ErrInvalid
	}
	v, err := c.keys()
	if err != nil {
		return 0, time.Time{}, time.Time{}, nil, err
	}
	// Refuse a cookie from a key we do not hold (or no longer enable)
	// before any decryption: one binary search, however many keys.
	id, ok := pii.KeyID(ct)
	if !ok {
		return 0, time.Time{}, time.Time{}, nil, ErrInvalid
	}
	if _, found := slices.BinarySearch(v.ids, id); !found {
		return 0, time.Time{}, time.Time{}, nil, ErrInvalid
	}
	pt, err := v.aead.Decrypt(ct, ad)
	if err != nil {
		return 0, time.Time{}, time.Time{}, nil, ErrInvalid
	}
	if len(pt) < 3 {
		return 0, time.Time{}, time.Time{}, nil, ErrInvalid
	}
	format = pt[0]
	iss, n1 := binary.Uvarint(pt[1:])
	if n1 <= 0 || iss > 1<<40 {
		return 0, time.Time{}, time.Time{}, nil, ErrInvalid
	}
	ttl, n2 := binary.Uvarint(pt[1+n1:])
	if n2 <= 0 || ttl > uint64(MaxMaxAge/time.Second) {
		return 0, time.Time{}, time.Time{}, nil, ErrInvalid
	}
	issued = time.Unix(int64(iss), 0).UTC()
	expires = issued.Add(time.Duration(ttl) * time.Second)
	if !now.Before(expires) {
		return 0, time.Time{}, time.Time{}, nil, &ExpiredError{IssuedAt: issued, ExpiresAt: expires}
	}
	return format, issued, expires, pt[1+n1+n2:], nil
}

var errBadName = errors.New("cookies: invalid cookie name")

// validName reports whether name is a non-empty RFC 6265 token.
func validName(name string) bool {
	if name == "" || len(name) > MaxCookieSize {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f {
			return false
		}
		switch c {
		case '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=', '{', '}':
			return false
		}
	}
	return true
}
