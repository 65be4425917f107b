package piitest

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/url"
	"strings"

	"github.com/civickit/privacy/pii"
)

// MinLen is the shortest form of a canary that is searched for. Every
// generated canary and each of its forms is at least this long; a shorter
// form (the base64 middle of a very short custom value) is skipped, because
// it would match by chance.
const MinLen = 8

// form is one byte string a canary can appear as.
type form struct {
	text     string // the bytes to find
	encoding string // how the canary was turned into text, e.g. "URL-encoded (query)"
	exact    bool   // case matters (base64); otherwise ASCII case is ignored
}

// Forms returns the encodings searched for, for documentation and tests:
// each entry is the name a failure message uses. Case variants (upper-,
// lower- and mixed-case) of every form except base64 are matched too.
func Forms(c Canary) []string {
	fs := forms(c)
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.encoding
	}
	return out
}

// forms returns the distinct forms of c. Forms equal (ignoring case, where
// case is ignored) to an earlier one are dropped, so the first name wins:
// an e-mail address whose JSON escaping changes nothing is reported "raw".
func forms(c Canary) []form {
	var out []form
	seen := map[string]bool{}
	add := func(text, enc string, exact bool) {
		if len(text) < MinLen {
			return
		}
		key := text
		if !exact {
			key = fold(text)
		}
		key = string(rune('0'+b2i(exact))) + key
		if seen[key] {
			return
		}
		// a case-insensitive form already covers the exact one
		if exact && seen["0"+fold(text)] {
			return
		}
		seen[key] = true
		out = append(out, form{text: text, encoding: enc, exact: exact})
	}

	// texts are the plain written forms: the value and, for numbers, the
	// value with its separators changed.
	type text struct{ s, name string }
	texts := []text{{c.value, "raw"}}
	// ASCII case changes are matched by folding; these catch the others
	// ("Zoë" upper-cased is "ZOË")
	if u := strings.ToUpper(c.value); fold(u) != fold(c.value) {
		texts = append(texts, text{u, "upper-cased"})
	}
	if l := strings.ToLower(c.value); fold(l) != fold(c.value) {
		texts = append(texts, text{l, "lower-cased"})
	}
	digits := digitsOf(c.value)
	if isNumeric(c.category) && len(digits) >= MinLen-1 {
		for _, v := range separatorVariants(c.category, c.value, digits) {
			texts = append(texts, text(v))
		}
	}
	for _, t := range texts {
		add(t.s, t.name, false)
	}
	for _, t := range texts {
		suffix := ""
		if t.name != "raw" {
			suffix = ", " + t.name
		}
		add(jsonEscape(t.s, true), "JSON-escaped"+suffix, false)
		add(jsonEscape(t.s, false), "JSON-escaped"+suffix, false)
		add(jsonEscapeAll(t.s), "JSON-escaped (\\u)"+suffix, false)
		add(jsonEscape(jsonEscape(t.s, true), true), "JSON-escaped twice"+suffix, false)
		add(jsonEscape(jsonEscape(t.s, false), false), "JSON-escaped twice"+suffix, false)
		add(url.QueryEscape(t.s), "URL-encoded (query)"+suffix, false)
		add(url.PathEscape(t.s), "URL-encoded (path)"+suffix, false)
		add(percentAll(t.s), "URL-encoded (every byte)"+suffix, false)
		add(html.EscapeString(t.s), "HTML-escaped"+suffix, false)
		add(htmlEscapeAll(t.s), "HTML-escaped (numeric)"+suffix, false)
	}
	binaries := []text{{c.value, ""}}
	if isNumeric(c.category) && digits != c.value && len(digits) >= MinLen-1 {
		binaries = append(binaries, text{digits, ", digits only"})
	}
	for _, t := range binaries {
		add(hex.EncodeToString([]byte(t.s)), "hex"+t.name, false)
		for skip, align := range [3]string{"0", "2", "1"} {
			// The canary at offset o inside a larger base64-encoded blob:
			// its bytes from (3 - o%3) % 3 on start a 3-byte group, so the
			// encoding of the whole groups after that is fixed.
			m := t.s[min(skip, len(t.s)):]
			m = m[:len(m)/3*3]
			std, url := base64.RawStdEncoding.EncodeToString([]byte(m)), base64.RawURLEncoding.EncodeToString([]byte(m))
			if std == url {
				add(std, "base64 (offset "+align+" mod 3)"+t.name, true)
				continue
			}
			add(std, "base64 (std, offset "+align+" mod 3)"+t.name, true)
			add(url, "base64 (url, offset "+align+" mod 3)"+t.name, true)
		}
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// isNumeric reports whether values of category c are numbers people write
// with varying separators.
func isNumeric(c pii.Category) bool {
	switch c {
	case pii.Phone, pii.PaymentCard, pii.SSN, pii.ITIN, pii.BankAccount,
		pii.AccountNumber, pii.RoutingNumber, pii.DriverLicense:
		return true
	}
	return false
}

func digitsOf(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

type variant struct{ s, name string }

// separatorVariants writes digits grouped as the category is usually
// written (or, for other categories, as the value v groups them), with each
// separator: none, space, dot and dash, and for phone numbers the
// parenthesised area code.
func separatorVariants(c pii.Category, v, d string) []variant {
	var groups []int
	switch {
	case c == pii.Phone && len(d) == 10:
		groups = []int{3, 3, 4}
	case c == pii.Phone && len(d) == 11:
		groups = []int{1, 3, 3, 4}
	case (c == pii.SSN || c == pii.ITIN) && len(d) == 9:
		groups = []int{3, 2, 4}
	case c == pii.PaymentCard && len(d) == 15:
		groups = []int{4, 6, 5} // American Express
	case c == pii.PaymentCard:
		for n := len(d); n > 0; n -= 4 {
			groups = append(groups, min(4, n))
		}
	default:
		for _, run := range strings.FieldsFunc(v, func(r rune) bool { return r < '0' || r > '9' }) {
			groups = append(groups, len(run))
		}
		if len(groups) < 2 {
			groups = nil
		}
	}
	out := []variant{{d, "digits only"}}
	if groups == nil {
		return out
	}
	split := func(sep string) string {
		var parts []string
		p := 0
		for _, g := range groups {
			parts = append(parts, d[p:p+g])
			p += g
		}
		return strings.Join(parts, sep)
	}
	for _, sep := range []struct{ s, name string }{{" ", "space"}, {".", "dot"}, {"-", "dash"}} {
		out = append(out, variant{split(sep.s), "separated by " + sep.name})
	}
	if c == pii.Phone && len(d) == 10 {
		out = append(out,
			variant{"(" + d[:3] + ") " + d[3:6] + "-" + d[6:], "(area) code"},
			variant{"(" + d[:3] + ")" + d[3:6] + "-" + d[6:], "(area) code"},
			variant{d[:3] + " " + d[3:6] + "-" + d[6:], "area code separated by space"},
		)
	}
	return out
}

// jsonEscape is the body of the JSON string encoding/json writes for s,
// with or without its HTML-safe escapes of <, > and &.
func jsonEscape(s string, htmlSafe bool) string {
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(htmlSafe)
	_ = e.Encode(s)
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// jsonEscapeAll writes every non-alphanumeric byte as \u00XX, as some
// encoders (and JavaScript's escape-everything modes) do.
func jsonEscapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && isAlnumByte(byte(r)) {
			b.WriteRune(r)
			continue
		}
		if r > 0xffff {
			r1, r2 := surrogates(r)
			b.WriteString(`\u` + hex4(r1) + `\u` + hex4(r2))
			continue
		}
		b.WriteString(`\u` + hex4(r))
	}
	return b.String()
}

func surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

func hex4(r rune) string {
	const h = "0123456789abcdef"
	return string([]byte{h[r>>12&15], h[r>>8&15], h[r>>4&15], h[r&15]})
}

// percentAll percent-encodes every byte that is not a letter or digit,
// as strict encoders (encodeURIComponent of some characters, RFC 3986
// implementations) do.
func percentAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isAlnumByte(s[i]) {
			b.WriteByte(s[i])
			continue
		}
		b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{s[i]})))
	}
	return b.String()
}

// htmlEscapeAll writes every non-alphanumeric character as a decimal
// character reference, as some template engines do.
func htmlEscapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && isAlnumByte(byte(r)) {
			b.WriteRune(r)
			continue
		}
		b.WriteString("&#")
		b.WriteString(itoa(int(r)))
		b.WriteByte(';')
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z'
}
