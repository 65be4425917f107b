package pii

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"unsafe"
)

// String holds one plaintext PII value in memory and refuses to print it.
//
// Every output path redacts: String, GoString, every fmt verb (%v %+v %#v %s
// %q %x %X %d ...), slog.LogValuer, MarshalJSON, MarshalText and GobEncode
// all produce a marker such as "[REDACTED:email]", never the plaintext.
//
// Reflection-based dumpers that bypass methods (fmt on an unexported field,
// go-spew as used by testify's failure diffs, pretty-printers) cannot show
// the value either: it is kept behind a pointer and XOR-masked with a
// random per-process pad. The mask is not encryption and no defence against
// someone who can read the process's memory; it only makes sure that no
// accidental dump of a struct prints the plaintext. Two Strings holding the
// same value are still reflect.DeepEqual (and so testify-Equal).
//
// Reading the plaintext is one explicit call, Reveal, that is easy to grep
// for in code review. The zero value is an empty, uncategorised String.
//
// String values are immutable and safe for concurrent use.
type String struct {
	p *plain
}

// plain is what a String points to: the category and the masked plaintext.
type plain struct {
	c Category
	m []byte // plaintext XOR pad (see maskInto)
}

// pad is the per-process mask for String contents. It is random so that a
// dump of masked bytes does not decode with a constant known to readers of
// this source.
var pad = func() (p [256]byte) {
	rand.Read(p[:]) // never fails (crypto/rand panics rather than return an error)
	return p
}()

// maskInto sets dst[i] = src[i] XOR pad (repeated); dst and src have equal
// lengths and may be the same slice. Masking is its own inverse.
func maskInto(dst, src []byte) {
	for len(src) > 0 {
		n := subtle.XORBytes(dst, src, pad[:])
		dst, src = dst[n:], src[n:]
	}
}

// ErrRedactedInput is returned when a redaction marker is decoded back into a
// String: the marker is not the value, and storing it would lose data silently.
var ErrRedactedInput = errors.New("pii: input is a redaction marker, not a value")

// New returns a String of category c holding v. It copies v.
func New(c Category, v string) String {
	m := make([]byte, len(v))
	maskInto(m, unsafe.Slice(unsafe.StringData(v), len(v)))
	return String{p: &plain{c: c, m: m}}
}

// newMasked returns a String that takes ownership of buf (which it
// masks in place): for plaintext that is already a private copy, such as a
// freshly decrypted buffer.
func newMasked(c Category, buf []byte) String {
	maskInto(buf, buf)
	return String{p: &plain{c: c, m: buf}}
}

// withCategory returns s with category c, sharing its (immutable) contents.
func (s String) withCategory(c Category) String {
	if s.p == nil {
		return String{p: &plain{c: c}}
	}
	return String{p: &plain{c: c, m: s.p.m}}
}

// appendPlain appends the plaintext to dst without making a string of it.
func (s String) appendPlain(dst []byte) []byte {
	if s.p == nil {
		return dst
	}
	n := len(dst)
	dst = append(dst, s.p.m...)
	maskInto(dst[n:], dst[n:])
	return dst
}

// Reveal returns the plaintext. It is the only way to read it; keep calls to
// it few and deliberate.
func (s String) Reveal() string {
	if s.p == nil || len(s.p.m) == 0 {
		return ""
	}
	b := make([]byte, len(s.p.m))
	maskInto(b, s.p.m)
	return unsafe.String(&b[0], len(b))
}

// Category returns the category given to New.
func (s String) Category() Category {
	if s.p == nil {
		return Unknown
	}
	return s.p.c
}

// IsZero reports whether s holds the empty string.
func (s String) IsZero() bool { return s.Len() == 0 }

// Len returns the length of the plaintext in bytes. Lengths are not secret
// for the purposes of this package (ciphertexts reveal them too).
func (s String) Len() int {
	if s.p == nil {
		return 0
	}
	return len(s.p.m)
}

// Equal reports whether s and t hold the same plaintext, in constant time
// with respect to the contents (not the lengths).
func (s String) Equal(t String) bool {
	return subtle.ConstantTimeCompare(s.masked(), t.masked()) == 1
}

// masked returns the masked contents; equal plaintexts have equal masked
// forms, so they compare without unmasking.
func (s String) masked() []byte {
	if s.p == nil {
		return nil
	}
	return s.p.m
}

// Masked returns a display form that PCI DSS and common practice allow to
// show: the last four digits of a card, bank or account number, SSN, ITIN or
// phone number (for example "•••• 1111"), and the redaction marker for every
// other category. Values with fewer than eight digits are fully masked.
func (s String) Masked() string {
	switch s.Category() {
	case PaymentCard, BankAccount, AccountNumber, SSN, ITIN, Phone:
		d := digitsOnly(s.Reveal())
		if len(d) >= 8 {
			return "•••• " + d[len(d)-4:]
		}
	}
	return s.String()
}

func digitsOnly(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] >= '0' && v[i] <= '9' {
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// Redacted returns the marker that stands for a value of category c, for
// example "[REDACTED:email]". It is what every output path of String prints.
func Redacted(c Category) string {
	if c == Unknown || !c.Valid() {
		return "[REDACTED]"
	}
	return "[REDACTED:" + c.String() + "]"
}

// String implements fmt.Stringer with the redaction marker.
func (s String) String() string { return Redacted(s.Category()) }

// GoString implements fmt.GoStringer (%#v) with the redaction marker.
func (s String) GoString() string { return "pii.String(" + strconv.Quote(s.String()) + ")" }

// Format implements fmt.Formatter so that every verb, flag and width prints
// the redaction marker.
func (s String) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		io.WriteString(f, strconv.Quote(s.String()))
	case 'v':
		if f.Flag('#') {
			io.WriteString(f, s.GoString())
			return
		}
		io.WriteString(f, s.String())
	default:
		io.WriteString(f, s.String())
	}
}

// LogValue implements slog.LogValuer with the redaction marker.
func (s String) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText implements encoding.TextMarshaler with the redaction marker.
func (s String) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// MarshalJSON implements json.Marshaler with the quoted redaction marker.
func (s String) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.String())), nil }

// GobEncode implements gob.GobEncoder with the redaction marker, so a gob
// stream never carries the plaintext.
func (s String) GobEncode() ([]byte, error) { return []byte(s.String()), nil }

// GobDecode implements gob.GobDecoder. A gob stream only ever holds the
// marker, so decoding always fails with ErrRedactedInput.
func (s *String) GobDecode([]byte) error { return ErrRedactedInput }

// UnmarshalText implements encoding.TextUnmarshaler: it accepts plaintext
// (from a form or an API request) as a String of category Unknown, keeping
// the category s already had if any. A redaction marker is refused with
// ErrRedactedInput so that a redacted export is never silently re-imported
// as data.
func (s *String) UnmarshalText(b []byte) error {
	v := string(b)
	if isMarker(v) {
		return ErrRedactedInput
	}
	*s = New(s.Category(), v)
	return nil
}

// UnmarshalJSON implements json.Unmarshaler like UnmarshalText, for a JSON
// string or null.
func (s *String) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return errors.New("pii: String must be decoded from a JSON string")
	}
	return s.UnmarshalText([]byte(v))
}

func isMarker(v string) bool {
	return strings.HasPrefix(v, "[REDACTED") && strings.HasSuffix(v, "]")
}
