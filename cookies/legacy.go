package cookies

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/gorilla/securecookie"
)

// Legacy reads session cookies that an existing gorilla/securecookie setup
// issued, so that a portal moves to this package without logging anyone
// out: the Manager accepts the old cookie once, re-issues the session in
// the new format, and deletes the old cookie.
type Legacy[T any] struct {
	// Name is the old cookie's name, for example "session".
	Name string
	// Codec decodes the old cookie; typically NewLegacyCodec(hashKey,
	// blockKey) with the old keys (and, if the old setup used one, the
	// same serializer via SetSerializer).
	Codec securecookie.Codec
	// Convert builds the new payload from the old cookie: decode fills a
	// value of the old type (for gorilla/sessions, a
	// map[interface{}]interface{}). Nil means the old cookie holds a T
	// and is decoded straight into one. Drop anything personal here: the
	// converted payload goes through the PII guard when it is saved.
	Convert func(decode func(dst any) error) (T, error)
	// Secure says whether the old cookie was set with Secure, so that its
	// deletion matches (a browser ignores a non-Secure deletion of a
	// Secure cookie). Default false.
	Secure bool
}

func (l *Legacy[T]) check() error {
	if !validName(l.Name) {
		return fmt.Errorf("cookies: legacy cookie name: %w", errBadName)
	}
	if l.Codec == nil || (reflect.ValueOf(l.Codec).Kind() == reflect.Pointer && reflect.ValueOf(l.Codec).IsNil()) {
		return errors.New("cookies: legacy codec is nil")
	}
	return nil
}

// read decodes an old cookie value; any failure is ErrInvalid (or an
// *ExpiredError if the old codec says the cookie expired).
func (l *Legacy[T]) read(value string) (T, error) {
	var zero T
	decode := func(dst any) error { return l.Codec.Decode(l.Name, value, dst) }
	var v T
	var err error
	if l.Convert != nil {
		v, err = l.Convert(decode)
	} else {
		err = decode(&v)
	}
	if err != nil {
		// securecookie does not export its expiry error; match its text.
		if err.Error() == "securecookie: expired timestamp" {
			return zero, &ExpiredError{}
		}
		return zero, ErrInvalid
	}
	return v, nil
}

// NewLegacyCodec returns a securecookie codec for reading cookies issued by
// securecookie.New(hashKey, blockKey), checking the keys first (securecookie
// itself only fails later, on first use): the hash key must be at least 32
// bytes, and the block key nil (signed-only cookies) or 16, 24 or 32 bytes.
func NewLegacyCodec(hashKey, blockKey []byte) (*securecookie.SecureCookie, error) {
	if len(hashKey) < 32 {
		return nil, errors.New("cookies: legacy hash key must be at least 32 bytes")
	}
	switch len(blockKey) {
	case 0, 16, 24, 32:
	default:
		return nil, errors.New("cookies: legacy block key must be 16, 24 or 32 bytes (AES), or nil")
	}
	if len(blockKey) == 0 {
		blockKey = nil
	}
	return securecookie.New(hashKey, blockKey), nil
}
