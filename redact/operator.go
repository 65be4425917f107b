package redact

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/civickit/privacy/pii"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// Operator turns one finding into its replacement text.
//
// Apply appends the replacement for text, the detected span of finding f,
// to dst and returns the extended slice. An Operator must be safe for
// concurrent use. A replacement must not itself contain personal data,
// and operators should write output that the scanner does not detect
// again, so that redacting redacted text changes nothing.
type Operator interface {
	Apply(dst []byte, f Finding, text string) ([]byte, error)
}

// OperatorFunc adapts a function to Operator.
type OperatorFunc func(dst []byte, f Finding, text string) ([]byte, error)

// Apply calls fn.
func (fn OperatorFunc) Apply(dst []byte, f Finding, text string) ([]byte, error) {
	return fn(dst, f, text)
}

// PRF is a keyed pseudo-random function. Tink's *prf.Set satisfies it:
//
//	h, _ := keyset.NewHandle(prf.HMACSHA256PRFKeyTemplate())
//	set, _ := prf.NewPRFSet(h)
//	op := redact.Pseudonym(set)
type PRF interface {
	ComputePrimaryPRF(input []byte, outputLength uint32) ([]byte, error)
}

// AEAD is Tink's authenticated encryption primitive (aead.New(handle)).
type AEAD = tink.AEAD

// ErrToken is returned by Reveal for a malformed or unauthentic
// encrypted token.
var ErrToken = errors.New("redact: invalid encrypted token")

type labelOp struct{}

// Label returns the operator that replaces a finding with its entity's
// label, such as "[EMAIL]". It is the default operator.
func Label() Operator { return labelOp{} }

func (labelOp) Apply(dst []byte, f Finding, _ string) ([]byte, error) {
	return append(dst, f.Entity.Label()...), nil
}

type markerOp string

// Marker returns the operator that replaces every finding with the fixed
// text m, for example "[REDACTED]" or "█████".
func Marker(m string) Operator { return markerOp(m) }

func (m markerOp) Apply(dst []byte, _ Finding, _ string) ([]byte, error) {
	return append(dst, m...), nil
}

type keepOp struct{}

// Keep returns the operator that leaves the text as it is (for fields
// tagged redact=keep, or entities a caller only wants to find).
func Keep() Operator { return keepOp{} }

func (keepOp) Apply(dst []byte, _ Finding, text string) ([]byte, error) {
	return append(dst, text...), nil
}

type maskOp struct{}

// MaskLast4 returns the operator that keeps the last four digits of a
// number and replaces every other letter and digit with '*', keeping
// separators: "4111 1111 1111 1111" becomes "**** **** **** 1111" (the PCI
// DSS display rule). Values with fewer than eight digits, and entities
// that are not numbers (e-mail, names, addresses), get their label.
//
// Masked text is not always a fixed point: the four digits kept can join
// the digits right after them into a new number that a second pass finds
// ("200 200 0013 100000" masks to "*** *** 0013 100000"). Redact the
// original, not a masked copy.
func MaskLast4() Operator { return maskOp{} }

func (maskOp) Apply(dst []byte, f Finding, text string) ([]byte, error) {
	digits := 0
	for i := 0; i < len(text); i++ {
		if isDigit(text[i]) {
			digits++
		}
	}
	switch f.Entity {
	case Email, PersonName, PostalAddress, URLCredentials, DateOfBirth, IPAddress, MACAddress:
		digits = 0
	}
	if digits < 8 {
		return append(dst, f.Entity.Label()...), nil
	}
	keepFrom := digits - 4
	seen := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case isDigit(c):
			if seen >= keepFrom {
				dst = append(dst, c)
			} else {
				dst = append(dst, '*')
			}
			seen++
		case isAlpha(c) || c >= 0x80:
			dst = append(dst, '*')
		default:
			dst = append(dst, c)
		}
	}
	return dst, nil
}

const pseudonymHexLen = 16

type pseudonymOp struct{ prf PRF }

// Pseudonym returns the operator that replaces a finding with a keyed
// pseudonym, "[EMAIL:3f9a0c1e5b7d2a64]": the same value (after
// normalisation: digits only for numbers, lower case for e-mail) gives
// the same token under one key, so redacted records stay linkable without
// revealing the value. The token is 64 bits of HMAC output; without the
// key it cannot be reversed or checked against a guess.
func Pseudonym(prf PRF) Operator { return pseudonymOp{prf} }

func (p pseudonymOp) Apply(dst []byte, f Finding, text string) ([]byte, error) {
	if p.prf == nil {
		return dst, errors.New("redact: pseudonym operator has no key")
	}
	in := make([]byte, 0, len(f.Entity)+1+len(text))
	in = append(in, f.Entity...)
	in = append(in, 0)
	in = appendNormalized(in, f.Entity, text)
	out, err := p.prf.ComputePrimaryPRF(in, pseudonymHexLen/2)
	if err != nil {
		return dst, fmt.Errorf("redact: pseudonym: %w", err)
	}
	label := f.Entity.Label()
	dst = append(dst, label[:len(label)-1]...)
	dst = append(dst, ':')
	dst = hex.AppendEncode(dst, out)
	return append(dst, ']'), nil
}

// appendNormalized appends the form of text that pseudonyms are computed
// over, so that one value written two ways links.
func appendNormalized(dst []byte, e Entity, text string) []byte {
	switch e {
	case Phone, SSN, ITIN, PaymentCard, RoutingNumber, BankAccount:
		for i := 0; i < len(text); i++ {
			if isDigit(text[i]) {
				dst = append(dst, text[i])
			}
		}
		return dst
	case Email, IBAN, MACAddress, LicensePlate, BenefitID:
		for i := 0; i < len(text); i++ {
			if c := text[i]; c != ' ' && c != '-' || e == Email {
				dst = append(dst, lower(c))
			}
		}
		return dst
	}
	return append(dst, strings.Join(strings.Fields(text), " ")...)
}

const encPrefix = "enc:"

// maxSealedLen bounds the base64 part of an encrypted token the scanner
// recognises.
const maxSealedLen = 8192

type encryptOp struct {
	aead AEAD
	ad   []byte
}

// Encrypt returns the operator that replaces a finding with a reversible
// token, "[EMAIL:enc:<base64url ciphertext>]", sealed with a Tink AEAD.
// The associated data binds tokens to a context (for example a records
// request id); the entity name is always bound too. Reveal reverses it.
func Encrypt(aead AEAD, associatedData []byte) Operator {
	return encryptOp{aead: aead, ad: associatedData}
}

func (o encryptOp) Apply(dst []byte, f Finding, text string) ([]byte, error) {
	if o.aead == nil {
		return dst, errors.New("redact: encrypt operator has no key")
	}
	ct, err := o.aead.Encrypt([]byte(text), tokenAD(f.Entity, o.ad))
	if err != nil {
		return dst, fmt.Errorf("redact: encrypt: %w", err)
	}
	label := f.Entity.Label()
	dst = append(dst, label[:len(label)-1]...)
	dst = append(dst, ':')
	dst = append(dst, encPrefix...)
	dst = base64.RawURLEncoding.AppendEncode(dst, ct)
	return append(dst, ']'), nil
}

func tokenAD(e Entity, ad []byte) []byte {
	out := make([]byte, 0, len(e)+1+len(ad))
	out = append(out, e...)
	out = append(out, 0)
	return append(out, ad...)
}

// Reveal replaces every encrypted token in s written by Encrypt (with the
// same AEAD and associated data) by its plaintext. It fails with ErrToken
// if a token does not decrypt. Keep calls to it few and deliberate, like
// pii.String.Reveal.
func Reveal(aead AEAD, associatedData []byte, s string) (string, error) {
	var b strings.Builder
	for {
		k := strings.Index(s, ":"+encPrefix)
		if k < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		open := strings.LastIndexByte(s[:k], '[')
		end := strings.IndexByte(s[k:], ']')
		if open < 0 || end < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		label := s[open+1 : k]
		ct, err := base64.RawURLEncoding.DecodeString(s[k+1+len(encPrefix) : k+end])
		if err != nil || !validLabel(label) {
			return "", ErrToken
		}
		pt, err := aead.Decrypt(ct, tokenAD(Entity(strings.ToLower(label)), associatedData))
		if err != nil {
			return "", ErrToken
		}
		b.WriteString(s[:open])
		b.Write(pt)
		s = s[k+end+1:]
	}
}

func validLabel(l string) bool {
	if l == "" {
		return false
	}
	for i := 0; i < len(l); i++ {
		if !isUpper(l[i]) && l[i] != '_' && !isDigit(l[i]) {
			return false
		}
	}
	return true
}

type truncateOp struct{}

// TruncateIP returns the operator that keeps the network part of an IP
// address: the first 24 bits of IPv4 ("192.0.2.0") and the first 48 bits
// of IPv6 ("2001:db8:1::"). Truncated addresses still support rough
// geolocation and abuse handling but no longer identify a household.
// Other entities get their label.
func TruncateIP() Operator { return truncateOp{} }

func (truncateOp) Apply(dst []byte, f Finding, text string) ([]byte, error) {
	if f.Entity == IPAddress {
		if t, ok := truncateIP(text); ok {
			return append(dst, t...), nil
		}
	}
	return append(dst, f.Entity.Label()...), nil
}

// truncateIP returns the /24 (IPv4) or /48 (IPv6) network address of s.
func truncateIP(s string) (string, bool) {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return "", false
	}
	ip = ip.WithZone("")
	bits := 48
	if ip.Is4() || ip.Is4In6() {
		ip = ip.Unmap()
		bits = 24
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return "", false
	}
	return p.Addr().String(), true
}

// OperatorByName returns the operator for a `pii:"...,redact=NAME"` tag
// option: "redact" (the pii marker, "[REDACTED:email]"), "replace"
// (Label), "mask" (MaskLast4), "hash" (Pseudonym with Options.PRF),
// "encrypt" (Encrypt with Options.AEAD), "truncate" (TruncateIP), "keep"
// (Keep) and "drop" (the empty string).
func (r *Redactor) OperatorByName(name string) (Operator, error) {
	switch name {
	case "", "redact":
		return piiMarkerOp{}, nil
	case "replace":
		return Label(), nil
	case "mask":
		return MaskLast4(), nil
	case "hash":
		if r.prf == nil {
			return nil, fmt.Errorf("%w: operator %q needs Options.PRF", ErrOptions, name)
		}
		return Pseudonym(r.prf), nil
	case "encrypt":
		if r.aead == nil {
			return nil, fmt.Errorf("%w: operator %q needs Options.AEAD", ErrOptions, name)
		}
		return Encrypt(r.aead, nil), nil
	case "truncate":
		return TruncateIP(), nil
	case "keep":
		return Keep(), nil
	case "drop":
		return Marker(""), nil
	}
	return nil, fmt.Errorf("%w: unknown operator %q", ErrOptions, name)
}

type piiMarkerOp struct{}

func (piiMarkerOp) Apply(dst []byte, f Finding, _ string) ([]byte, error) {
	return append(dst, pii.Redacted(f.Category)...), nil
}
