package redact

import "strings"

// ---- e-mail --------------------------------------------------------------

func isLocalByte(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\''
}

// blockedTLD are "top-level domains" that are really file extensions, as in
// logo@2x.png.
var blockedTLD = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true,
	"css": true, "js": true, "ico": true, "bmp": true, "tif": true, "tiff": true,
}

// at handles '@': an e-mail address around it.
func (sc *scanner) at(i int) int {
	s := sc.s
	// local part, backwards
	a := i
	for a > 0 && i-a < 64 && isLocalByte(s[a-1]) {
		a--
	}
	if a > 0 && isLocalByte(s[a-1]) {
		return i + 1 // longer than 64 bytes: not an address
	}
	for a < i && (s[a] == '.' || s[a] == '\'') {
		a++
	}
	if a == i || s[i-1] == '.' {
		return i + 1
	}
	// domain, forwards
	j := i + 1
	dots := 0
	lastDot := -1
	for j < len(s) && j-i <= 253 {
		c := s[j]
		if isAlpha(c) || isDigit(c) {
			j++
			continue
		}
		if c == '-' && j > i+1 && s[j-1] != '.' {
			j++
			continue
		}
		if c == '.' && j > i+1 && s[j-1] != '.' && s[j-1] != '-' && j+1 < len(s) && isWord(s[j+1]) {
			dots++
			lastDot = j
			j++
			continue
		}
		break
	}
	for j > i+1 && s[j-1] == '-' {
		j--
	}
	if dots == 0 || lastDot >= j-1 {
		return i + 1
	}
	tld := s[lastDot+1 : j]
	if len(tld) < 2 || len(tld) > 24 {
		return i + 1
	}
	for k := 0; k < len(tld); k++ {
		if !isAlpha(tld[k]) && !(strings.HasPrefix(tld, "xn--")) {
			return i + 1
		}
	}
	var low [24]byte
	for k := 0; k < len(tld); k++ {
		low[k] = lower(tld[k])
	}
	if blockedTLD[string(low[:len(tld)])] {
		return i + 1
	}
	if j < len(s) && (isWord(s[j]) || s[j] == '@') {
		return i + 1
	}
	sc.emit(eEmail, a, j, 0.9, "email")
	return j
}

// ---- phone numbers -------------------------------------------------------

// nxx reports whether three digits form a valid NANP area code or central
// office code: first digit 2-9, not an N11 service code.
func nxx(s string) bool {
	return s[0] >= '2' && !(s[1] == '1' && s[2] == '1')
}

func phoneSep(c byte) bool { return c == '-' || c == '.' || c == ' ' }

// phone matches NANP numbers starting at i: (555) 010-0199, 555-010-0199,
// 555.010.0199, 555 010 0199, 5550100199, 1-555-010-0199, and the local
// form 555-0199 (which needs context).
func (sc *scanner) phone(i int, g *groups) {
	s := sc.s
	paren := i > 0 && s[i-1] == '('
	start := i
	if paren {
		start = i - 1
	}
	k := 0 // first group of the ten-digit number
	lead := false
	if g.n >= 4 && g.size(0) == 1 && s[i] == '1' && phoneSep(g.sep[0]) && !paren {
		k, lead = 1, true
	}
	switch {
	case g.n >= k+3 && g.size(k) == 3 && g.size(k+1) == 3 && g.size(k+2) == 4:
		s0, s1 := g.sep[k], g.sep[k+1]
		if paren != (s0 == ')') || !phoneSep(s1) || (s0 != ')' && !phoneSep(s0)) {
			return
		}
		end := g.b[k+2]
		if !numEnd(s, end) {
			// an attached extension belongs to the number: 345-899-3560x4587
			if e := phoneExt(s, end); e > 0 {
				end = e
			}
		} else if e := spacedExt(s, end); e > 0 {
			end = e // "212-555-0187 ext. 204", "(555) 010-0199 x12"
		}
		if !numEnd(s, end) || !nxx(s[g.a[k]:]) {
			return
		}
		if !nxx(s[g.a[k+1]:]) {
			// an exchange starting with 0 or 1, which no NANP number
			// has ("(555) 010-0199", "555.010.0147", the fictional
			// numbers of forms and examples), is a phone number only
			// with a phone word near, and only in the usual layout;
			// an N11 service code ("617-411-0142") never is
			if s[g.a[k+1]] <= '1' && (s0 == ')' || s0 == s1) && sc.hasContext(ePhone, start, end) {
				sc.emit(ePhone, start, end, 0.3, "phone.nanp.context")
			}
			return
		}
		score := 0.7
		switch {
		case paren || lead:
			score = 0.75
		case s0 != s1:
			score = 0.6
		}
		sc.emit(ePhone, start, end, score, "phone.nanp")
	case !paren && g.size(0) == 10:
		end := g.b[0]
		if e := phoneExt(s, end); e > 0 {
			end = e
		} else if e := spacedExt(s, end); e > 0 {
			end = e
		}
		if numEnd(s, end) && nxx(s[i:]) && nxx(s[i+3:]) {
			sc.emit(ePhone, i, end, 0.4, "phone.plain")
		}
	case !paren && g.size(0) == 11 && s[i] == '1':
		end := g.b[0]
		if numEnd(s, end) && nxx(s[i+1:]) && nxx(s[i+4:]) {
			sc.emit(ePhone, i, end, 0.45, "phone.plain")
		}
	case !paren && g.n >= 2 && g.size(0) == 3 && g.size(1) == 4 && (g.sep[0] == '-' || g.sep[0] == '.'):
		end := g.b[1]
		if numEnd(s, end) && nxx(s[i:]) {
			sc.emit(ePhone, i, end, 0.3, "phone.local")
		}
	}
}

// countryCodeLen returns the length of the ITU country calling code that
// starts d, or 0 if none does.
func countryCodeLen(d []byte) int {
	if len(d) < 3 {
		return 0
	}
	if d[0] == '1' || d[0] == '7' {
		return 1
	}
	two := atoi(d[:2])
	switch two {
	case 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49,
		51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66,
		81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98:
		return 2
	}
	switch d[0] {
	case '2', '3', '4', '5', '6', '8', '9':
		return 3
	}
	return 0
}

// plus handles '+': an E.164 international number such as +44 20 7946 0958
// or +1 555 010 0199.
func (sc *scanner) plus(i int) int {
	s := sc.s
	if i+1 >= len(s) || !isDigit(s[i+1]) || glued(s, i) || (i > 0 && s[i-1] == '+') {
		return i + 1
	}
	g := parseGroups(s, i+1)
	// the trunk prefix printed in brackets after the country code, as in
	// "+44 (0)20 7946 0958" or "+353 (0)1 555 0100", is not dialled
	// from abroad: read the national number after it
	if g.n == 1 && g.size(0) <= 3 {
		p := g.b[0]
		if p < len(s) && s[p] == ' ' {
			p++
		}
		if strings.HasPrefix(s[p:], "(0)") {
			p += 3
			if p < len(s) && s[p] == ' ' {
				p++
			}
			if p < len(s) && isDigit(s[p]) {
				return sc.e164(i, g, parseGroups(s, p))
			}
		}
	}
	// allow "+1 (555) 010-0199"
	if g.n == 1 && g.size(0) <= 3 && g.b[0]+2 < len(s) && s[g.b[0]] == ' ' && s[g.b[0]+1] == '(' {
		h := parseGroups(s, g.b[0]+2)
		if h.n >= 3 && h.sep[0] == ')' && h.size(0) == 3 && h.size(1) == 3 && h.size(2) == 4 && phoneSep(h.sep[1]) {
			end := h.b[2]
			if numEnd(s, end) {
				sc.emit(ePhone, i, end, 0.8, "phone.e164")
				return end
			}
		}
		return i + 1
	}
	return sc.e164(i, g, groups{})
}

// e164 validates and reports the international number whose country code
// and national digits are the groups of g followed by those of h (h is
// empty unless a "(0)" trunk prefix separated them). It returns where to
// continue.
func (sc *scanner) e164(i int, g, h groups) int {
	s := sc.s
	if h.n > 0 {
		// join h after g's single country-code group
		for k := 0; k < h.n && g.n < maxGroups; k++ {
			g.a[g.n], g.b[g.n] = h.a[k], h.b[k]
			g.sep[g.n-1] = ' '
			g.sep[g.n] = h.sep[k]
			g.n++
		}
	}
	var buf [24]byte
	d := buf[:0]
	end := -1
	for k := 0; k < g.n; k++ {
		if k > 0 && !phoneSep(g.sep[k-1]) {
			break
		}
		if len(d)+g.size(k) > 15 {
			break
		}
		for p := g.a[k]; p < g.b[k]; p++ {
			d = append(d, s[p])
		}
		if len(d) >= 8 {
			end = g.b[k]
		}
	}
	// a malformed number after '+' is skipped whole, so that no part of it
	// is taken for a national number
	skip := g.b[g.n-1]
	if end < 0 || !numEnd(s, end) {
		return skip
	}
	cc := countryCodeLen(d[:min(len(d), 3)])
	if cc == 0 {
		return skip
	}
	if d[0] == '1' {
		// "+1 555 010 0188": an exchange starting with 0 or 1, which
		// no NANP number has, passes in the 1-3-3-4 layout, the '+'
		// and the grouping being evidence enough
		layout := g.n >= 4 && g.size(0) == 1 && g.size(1) == 3 && g.size(2) == 3 && g.size(3) == 4
		if len(d) != 11 || !nxx(string(d[1:4])) || !nxx(string(d[4:7])) && !(layout && d[4] <= '1') {
			return skip
		}
	}
	// digits after the "+" up to end
	n := 0
	for p := i + 1; p < end; p++ {
		if isDigit(s[p]) {
			n++
		}
	}
	if h.n > 0 {
		n-- // the 0 of "(0)"
	}
	if n != len(d) {
		return i + 1
	}
	sc.emit(ePhone, i, end, 0.75, "phone.e164")
	return end
}

// ---- URLs with credentials or personal data in the query ------------------

// sensitiveQueryKeys maps lower-case query parameter names to the entity
// their values are.
var sensitiveQueryKeys = map[string]int{
	"password": eURLCredentials, "passwd": eURLCredentials, "pwd": eURLCredentials,
	"pass": eURLCredentials, "token": eURLCredentials, "access_token": eURLCredentials,
	"refresh_token": eURLCredentials, "id_token": eURLCredentials, "api_key": eURLCredentials,
	"apikey": eURLCredentials, "key": eURLCredentials, "secret": eURLCredentials,
	"client_secret": eURLCredentials, "auth": eURLCredentials, "session": eURLCredentials,
	"sessionid": eURLCredentials, "sig": eURLCredentials, "signature": eURLCredentials,
	"code":  eURLCredentials,
	"email": eEmail, "e-mail": eEmail, "mail": eEmail, "email_address": eEmail,
	"phone": ePhone, "tel": ePhone, "mobile": ePhone, "phone_number": ePhone,
	"ssn": eSSN, "dob": eDateOfBirth, "birthdate": eDateOfBirth,
	"name": ePersonName, "first_name": ePersonName, "last_name": ePersonName,
	"firstname": ePersonName, "lastname": ePersonName, "full_name": ePersonName,
	"address": ePostalAddress, "street": ePostalAddress,
	"card": ePaymentCard, "card_number": ePaymentCard, "account": eBankAccount,
}

func isURLByte(c byte) bool {
	return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '<' && c != '>' && c != '`' && c != '\\'
}

// colon handles ':': a URL ("://"), an IPv6 address or a MAC address.
func (sc *scanner) colon(i int) int {
	s := sc.s
	if i+2 < len(s) && s[i+1] == '/' && s[i+2] == '/' {
		return sc.url(i)
	}
	if i < sc.hexEnd {
		return i + 1
	}
	if i > 0 && isAlpha(s[i-1]) {
		// a labelled number ("SSN: 999-01-6119") or address counts
		// whether or not names are detected
		e := 0
		if sc.r.nameOn {
			e = sc.labelled(i)
		} else {
			e = sc.labelledNumber(i)
		}
		if e > 0 {
			return e
		}
	}
	return sc.hexColon(i)
}

func (sc *scanner) url(i int) int {
	s := sc.s
	// scheme
	a := i
	for a > 0 && i-a < 20 && (isAlpha(s[a-1]) || isDigit(s[a-1]) || s[a-1] == '+' || s[a-1] == '.' || s[a-1] == '-') {
		a--
	}
	if a == i || !isAlpha(s[a]) {
		return i + 3
	}
	// authority
	h := i + 3
	j := h
	at := -1
	for j < len(s) && isURLByte(s[j]) && s[j] != '/' && s[j] != '?' && s[j] != '#' && j-h < 512 {
		if s[j] == '@' {
			at = j
		}
		j++
	}
	next := i + 3
	if at > h {
		next = at + 1
		if k := strings.IndexByte(s[h:at], ':'); k >= 0 {
			sc.emit(eURLCredentials, h, at, 0.95, "url.userinfo")
		}
	}
	// query parameters
	q := j
	for q < len(s) && isURLByte(s[q]) && s[q] != '?' && s[q] != '#' && q-h < 2048 {
		q++
	}
	// after an e-mail box a first pass left as the authority, the query
	// was read then if it could be: a quote inside the address ended the
	// URL ("a://0'0@host.example?token=..."), stay idempotent
	if q < len(s) && s[q] == '?' && !strings.Contains(s[h:q], "[EMAIL]") {
		p := q + 1
		for p < len(s) && isURLByte(s[p]) && s[p] != '#' && p-h < 4096 {
			ke := p
			for ke < len(s) && isURLByte(s[ke]) && s[ke] != '=' && s[ke] != '&' && s[ke] != '#' {
				ke++
			}
			if ke >= len(s) || s[ke] != '=' {
				p = ke + 1
				if ke >= len(s) || s[ke] == '#' {
					break
				}
				continue
			}
			ve := ke + 1
			for ve < len(s) && isURLByte(s[ve]) && s[ve] != '&' && s[ve] != '#' {
				ve++
			}
			if ve > ke+1 && ke-p <= 24 && !(s[ke+1] == '[' && boxFollows(s, ke+1)) { // a box is a value a first pass took
				var low [24]byte
				for x := p; x < ke; x++ {
					low[x-p] = lower(s[x])
				}
				if id, ok := sensitiveQueryKeys[string(low[:ke-p])]; ok {
					sc.emit(id, ke+1, ve, 0.9, "url.query")
				}
			}
			if ve >= len(s) || s[ve] != '&' {
				break
			}
			p = ve + 1
		}
	}
	return next
}
