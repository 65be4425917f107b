package pii

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

// Validation tags registered by RegisterValidators.
const (
	TagEmail   = "pii_email"   // an e-mail address (practical RFC 5321 subset)
	TagPhone   = "nanp_phone"  // a NANP phone number with valid area code and exchange
	TagZIP     = "us_zip"      // a ZIP or ZIP+4 code
	TagLuhn    = "luhn"        // a 12 to 19 digit number passing the Luhn check
	TagSSN     = "ssn"         // a US SSN that follows SSA assignment rules
	TagITIN    = "itin"        // a US ITIN (9XX with the IRS group ranges)
	TagRouting = "aba_routing" // an ABA routing number with a valid checksum
)

// RegisterValidators registers this package's validation tags (TagEmail,
// TagPhone, TagZIP, TagLuhn, TagSSN, TagITIN, TagRouting) on v, and teaches
// v to validate String fields by their plaintext. It is one call:
//
//	v := validator.New(validator.WithRequiredStructEnabled())
//	if err := pii.RegisterValidators(v); err != nil { ... }
//	type Form struct {
//		Email pii.String `validate:"required,pii_email"`
//		Phone string     `validate:"omitempty,nanp_phone"`
//	}
//
// validator's error messages name the field and tag, never the value; but a
// validator.FieldError's Value method returns the plaintext, so do not log
// it.
func RegisterValidators(v *validator.Validate) error {
	if v == nil {
		return fmt.Errorf("pii: RegisterValidators needs a validator")
	}
	v.RegisterCustomTypeFunc(func(f reflect.Value) any {
		return f.Interface().(String).Reveal()
	}, String{})
	for tag, fn := range map[string]func(string) bool{
		TagEmail: ValidEmail, TagPhone: ValidPhone, TagZIP: ValidZIP, TagLuhn: ValidLuhn,
		TagSSN: ValidSSN, TagITIN: ValidITIN, TagRouting: ValidRoutingNumber,
	} {
		fn := fn
		if err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			f := fl.Field()
			return f.Kind() == reflect.String && fn(f.String())
		}); err != nil {
			return fmt.Errorf("pii: register %s: %w", tag, err)
		}
	}
	return nil
}

// ValidEmail reports whether s is a plausible e-mail address: one "@", a
// local part of 1 to 64 characters from the RFC 5322 atom set and dots (no
// leading, trailing or double dot), and a domain of at least two LDH labels
// with an alphabetic top-level label; 254 characters at most.
func ValidEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || len(local) == 0 || len(local) > 64 || strings.Contains(domain, "@") {
		return false
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		if !isAtext(local[i]) && local[i] != '.' {
			return false
		}
	}
	return validDomain(domain)
}

// validDomain reports whether s is a DNS host name of at least two labels of
// letters, digits and inner hyphens, each 1 to 63 bytes, with an alphabetic
// top-level label of two or more letters.
func validDomain(s string) bool {
	if len(s) < 4 || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for i, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for j := 0; j < len(l); j++ {
			c := l[j]
			if !(isAlnum(c) || c == '-') {
				return false
			}
		}
		if i == len(labels)-1 {
			if len(l) < 2 {
				return false
			}
			for j := 0; j < len(l); j++ {
				if !isAlpha(l[j]) {
					return false
				}
			}
		}
	}
	return true
}

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool { return isAlpha(c) || c >= '0' && c <= '9' }
func isAtext(c byte) bool {
	return isAlnum(c) || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// phoneDigits returns the digits of a phone number written with the usual
// separators (space, "-", ".", "(", ")", and a leading "+"); ok is false if
// any other character appears.
func phoneDigits(s string) (string, bool) {
	var b [16]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == len(b) {
				return "", false
			}
			b[n] = c
			n++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		case c == '+' && i == 0:
		default:
			return "", false
		}
	}
	return string(b[:n]), true
}

// ValidPhone reports whether s is a North American Numbering Plan number:
// ten digits (optionally after a country code 1) whose area code and
// exchange start with 2-9 and are not N11 service codes. Fictional 555-01XX
// numbers pass, as they should in tests.
func ValidPhone(s string) bool {
	d, ok := phoneDigits(s)
	if !ok {
		return false
	}
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return len(d) == 10 && validNANP(d)
}

// validNANP reports whether ten ASCII digits form a valid NANP number (see
// ValidPhone).
func validNANP(d string) bool {
	if len(d) != 10 {
		return false
	}
	for i := 0; i < 10; i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	nxx := func(s string) bool { return s[0] >= '2' && !(s[1] == '1' && s[2] == '1') }
	return nxx(d[0:3]) && nxx(d[3:6]) && !(d[1] == '9') // area codes N9X are reserved
}

// ValidZIP reports whether s is a five-digit ZIP code or ZIP+4
// ("02139" or "02139-4307"), not all zeros.
func ValidZIP(s string) bool {
	if len(s) != 5 && len(s) != 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 5 {
			if s[i] != '-' {
				return false
			}
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[:5] != "00000" && (len(s) == 5 || s[6:] != "0000")
}

// ValidLuhn reports whether s, ignoring spaces and hyphens, is 12 to 19
// digits that pass the Luhn check (payment card numbers).
func ValidLuhn(s string) bool {
	var d [19]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == len(d) {
				return false
			}
			d[n] = c - '0'
			n++
		case c == ' ' || c == '-':
		default:
			return false
		}
	}
	return n >= 12 && luhnDigits(d[:n])
}

// luhnDigits reports whether the digit values (0-9, not ASCII) pass the
// Luhn check.
func luhnDigits(d []byte) bool {
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i])
		if (len(d)-1-i)%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// ssnParts splits "AAA-GG-SSSS", "AAA GG SSSS" or "AAAGGSSSS".
func ssnParts(s string) (area, group, serial string, ok bool) {
	switch len(s) {
	case 9:
		area, group, serial = s[0:3], s[3:5], s[5:9]
	case 11:
		if s[3] != s[6] || (s[3] != '-' && s[3] != ' ') {
			return "", "", "", false
		}
		area, group, serial = s[0:3], s[4:6], s[7:11]
	default:
		return "", "", "", false
	}
	for _, p := range []string{area, group, serial} {
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return "", "", "", false
			}
		}
	}
	return area, group, serial, true
}

// invalidSSNs are numbers the SSA never issued or voided after they were
// printed in advertising (078-05-1120 was on a wallet insert; 219-09-9999 in
// an SSA pamphlet) or that are common specimens.
var invalidSSNs = map[string]bool{
	"078051120": true, "219099999": true, "123456789": true, "111111111": true,
	"222222222": true, "333333333": true, "444444444": true, "555555555": true,
	"777777777": true, "888888888": true,
}

// ValidSSN reports whether s is written like an SSN and follows the SSA's
// assignment rules: area not 000, 666 or 900-999; group not 00; serial not
// 0000; and not a known advertising or specimen number. It cannot tell
// whether the number was ever issued.
func ValidSSN(s string) bool {
	a, g, sr, ok := ssnParts(s)
	if !ok || a == "000" || a == "666" || a[0] == '9' || g == "00" || sr == "0000" {
		return false
	}
	return !invalidSSNs[a+g+sr]
}

// ValidITIN reports whether s is written like an SSN and is an IRS ITIN:
// area 9XX and group 50-65, 70-88, 90-92 or 94-99.
func ValidITIN(s string) bool {
	a, g, _, ok := ssnParts(s)
	if !ok || a[0] != '9' {
		return false
	}
	n := int(g[0]-'0')*10 + int(g[1]-'0')
	return n >= 50 && n <= 65 || n >= 70 && n <= 88 || n >= 90 && n <= 92 || n >= 94 && n <= 99
}

// ValidRoutingNumber reports whether s is a nine-digit ABA routing transit
// number: a Federal Reserve prefix (00-12, 21-32, 61-72 or 80) and the
// 3-7-1 checksum.
func ValidRoutingNumber(s string) bool {
	if len(s) != 9 {
		return false
	}
	var d [9]int
	for i := 0; i < 9; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		d[i] = int(s[i] - '0')
	}
	p := d[0]*10 + d[1]
	if !(p <= 12 || p >= 21 && p <= 32 || p >= 61 && p <= 72 || p == 80) {
		return false
	}
	sum := 3*(d[0]+d[3]+d[6]) + 7*(d[1]+d[4]+d[7]) + (d[2] + d[5] + d[8])
	return sum%10 == 0 && s != "000000000"
}
