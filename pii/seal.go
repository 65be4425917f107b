package pii

import (
	"database/sql/driver"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"
)

// ErrInvalid is the one error for ciphertext that does not open: garbled,
// truncated, tampered with, moved to another field or record, or made with a
// key the keyring does not hold (or no longer enables). Callers cannot and
// should not tell these apart.
var ErrInvalid = errors.New("pii: sealed value is invalid or was not made for this record and field")

// AD is the associated data that binds a sealed value to where it belongs:
// the record type (a stable name such as "account", not a Go type name),
// the field, and the record id. A ciphertext copied to another field, row or
// record type fails to open with ErrInvalid.
type AD struct {
	Record string // record type, e.g. "account"
	Field  string // field name, e.g. "email"
	ID     string // record id, e.g. a primary key; must not itself be PII
}

const adVersion = "civickit/pii/v1"

// appendAD encodes ad unambiguously (length-prefixed parts) after dst.
func (ad AD) appendTo(dst []byte) []byte {
	dst = append(dst, adVersion...)
	for _, s := range [3]string{ad.Record, ad.Field, ad.ID} {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

// Bytes returns the encoded associated data, for use with a raw tink.AEAD
// (the redact package's encryption operator, for example).
func (ad AD) Bytes() []byte {
	return ad.appendTo(make([]byte, 0, 24+len(ad.Record)+len(ad.Field)+len(ad.ID)))
}

var adPool = sync.Pool{New: func() any { b := make([]byte, 0, 128); return &b }}

// Sealed is AES-256-GCM ciphertext of one value, made by Sealer or Shredder.
// It is safe to store, log and print: it holds no plaintext. It implements
// database/sql Scanner and Valuer (stored as bytes) and JSON (base64).
type Sealed []byte

// KeyID returns the id of the key that sealed s; see the package KeyID.
func (s Sealed) KeyID() uint32 { id, _ := KeyID(s); return id }

// String describes s without its bytes: "pii.Sealed(61 bytes, key 0x1a2b3c4d)".
func (s Sealed) String() string {
	return fmt.Sprintf("pii.Sealed(%d bytes, key %#08x)", len(s), s.KeyID())
}

// Value implements driver.Valuer; a nil Sealed is SQL NULL.
func (s Sealed) Value() (driver.Value, error) {
	if s == nil {
		return nil, nil
	}
	return []byte(s), nil
}

// Scan implements sql.Scanner from bytes, a string or NULL. It copies.
func (s *Sealed) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s = nil
	case []byte:
		*s = append(Sealed(nil), v...)
	case string:
		*s = Sealed(v)
	default:
		return fmt.Errorf("pii: cannot scan %T into Sealed", src)
	}
	return nil
}

// MarshalJSON encodes s as a base64 (standard, padded) JSON string.
func (s Sealed) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(s))+2)
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, s)
	return append(out, '"'), nil
}

// UnmarshalJSON decodes a base64 JSON string or null.
func (s *Sealed) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = nil
		return nil
	}
	str, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("pii: Sealed must be a base64 JSON string")
	}
	v, err := base64.StdEncoding.DecodeString(str)
	if err != nil {
		return fmt.Errorf("pii: Sealed must be a base64 JSON string")
	}
	*s = v
	return nil
}

// Sealer seals and opens single values and the tagged fields of structs
// with AES-256-GCM (Tink AEAD) from an Encryption keyring. Each ciphertext
// is bound to its record type, field and record id (see AD) and carries the
// value's Category, so Open returns a String of the right category.
//
// A Sealer is safe for concurrent use and follows keyring rotation at once.
type Sealer struct {
	kr *Keyring
}

// NewSealer returns a Sealer on an Encryption keyring.
func NewSealer(kr *Keyring) (*Sealer, error) {
	if kr == nil {
		return nil, errors.New("pii: NewSealer needs a keyring")
	}
	if kr.Purpose() != Encryption {
		return nil, fmt.Errorf("%w: NewSealer needs an encryption keyring, got %s", ErrWrongPurpose, kr.Purpose())
	}
	return &Sealer{kr: kr}, nil
}

// errReservedRecord is Seal's answer for the record type kept for
// Shredder's wrapped keys.
var errReservedRecord = errors.New(`pii: the record type "subject-key" is reserved for Shredder's keys`)

// Seal encrypts v for the place ad names. The record type "subject-key" is
// reserved (see Shredder).
func (s *Sealer) Seal(v String, ad AD) (Sealed, error) {
	if ad.Record == reservedRecord {
		return nil, errReservedRecord
	}
	a := s.kr.state.Load().aead
	bp := adPool.Get().(*[]byte)
	buf := ad.appendTo((*bp)[:0])
	n := len(buf)
	buf = append(buf, byte(v.Category()))
	buf = v.appendPlain(buf)
	ct, err := a.Encrypt(buf[n:], buf[:n])
	clear(buf[n:])
	*bp = buf[:0]
	adPool.Put(bp)
	if err != nil {
		return nil, fmt.Errorf("pii: seal: %w", err)
	}
	return ct, nil
}

// Open decrypts c made by Seal for the same ad. Any failure is ErrInvalid.
func (s *Sealer) Open(c Sealed, ad AD) (String, error) {
	if ad.Record == reservedRecord {
		return String{}, ErrInvalid
	}
	a := s.kr.state.Load().aead
	bp := adPool.Get().(*[]byte)
	buf := ad.appendTo((*bp)[:0])
	pt, err := a.Decrypt(c, buf)
	*bp = buf[:0]
	adPool.Put(bp)
	if err != nil || len(pt) == 0 || !Category(pt[0]).Valid() {
		return String{}, ErrInvalid
	}
	return newFromPlaintext(pt), nil
}

// newFromPlaintext returns the String encoded in a freshly decrypted buffer
// (category byte, then the value) without copying: the buffer is owned by
// the caller, who must not use it again.
func newFromPlaintext(pt []byte) String {
	return newMasked(Category(pt[0]), pt[1:])
}

// Rewrap re-encrypts c under the keyring's current primary key, for the same
// ad, without returning the plaintext. Run it over stored values after
// Keyring.Rotate, before disabling the old key.
func (s *Sealer) Rewrap(c Sealed, ad AD) (Sealed, error) {
	if ad.Record == reservedRecord {
		return nil, ErrInvalid
	}
	out, err := s.kr.Rewrap(c, ad.Bytes())
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SealedFields holds the sealed form of a struct's encrypted fields, keyed by
// Go field name (dotted through embedded structs).
type SealedFields map[string]Sealed

// SealFields seals every field of *v (a pointer to struct) tagged
// `pii:"...,encrypt"`, binding each to recordType, its field name and
// recordID. Tagged fields must be of type String or string; a string field
// is sealed with the tag's category. Zero values are sealed too, so that an
// empty field cannot be told from a filled one by its absence.
func (s *Sealer) SealFields(recordType, recordID string, v any) (SealedFields, error) {
	rv, fields, err := structFields(v)
	if err != nil {
		return nil, err
	}
	out := make(SealedFields, len(fields))
	for _, f := range fields {
		if !f.Tag.Encrypt {
			continue
		}
		val, err := fieldString(rv.FieldByIndex(f.Index), f)
		if err != nil {
			return nil, err
		}
		c, err := s.Seal(val, AD{Record: recordType, Field: f.Name, ID: recordID})
		if err != nil {
			return nil, err
		}
		out[f.Name] = c
	}
	return out, nil
}

// OpenFields opens sealed into the encrypted fields of *dst (a pointer to
// struct). A field missing from sealed is left as it is. Any field that
// fails to open makes the whole call fail with an error wrapping ErrInvalid
// and naming the field, and dst is left unchanged.
func (s *Sealer) OpenFields(recordType, recordID string, sealed SealedFields, dst any) error {
	rv, fields, err := structFields(dst)
	if err != nil {
		return err
	}
	type set struct {
		f Field
		v String
	}
	var stack [16]set
	sets := stack[:0]
	for _, f := range fields {
		c, ok := sealed[f.Name]
		if !f.Tag.Encrypt || !ok {
			continue
		}
		v, err := s.Open(c, AD{Record: recordType, Field: f.Name, ID: recordID})
		if err != nil {
			return fmt.Errorf("pii: field %s: %w", f.Name, err)
		}
		sets = append(sets, set{f, v})
	}
	for _, st := range sets {
		setFieldString(rv.FieldByIndex(st.f.Index), st.v)
	}
	return nil
}

var stringType = reflect.TypeOf(String{})

func structFields(v any) (reflect.Value, []Field, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, nil, fmt.Errorf("pii: want a non-nil pointer to a struct, got %T", v)
	}
	fields, err := Fields(rv.Type())
	return rv.Elem(), fields, err
}

func fieldString(fv reflect.Value, f Field) (String, error) {
	switch {
	case fv.Type() == stringType:
		s := fv.Interface().(String)
		if s.Category() == Unknown {
			s = s.withCategory(f.Tag.Category)
		}
		return s, nil
	case fv.Kind() == reflect.String:
		return New(f.Tag.Category, fv.String()), nil
	}
	return String{}, fmt.Errorf("pii: field %s: type %s cannot be sealed (want pii.String or string)", f.Name, fv.Type())
}

func setFieldString(fv reflect.Value, v String) {
	if fv.Type() == stringType {
		fv.Set(reflect.ValueOf(v))
		return
	}
	fv.SetString(v.Reveal())
}
