package redact

import "github.com/nyaruka/phonenumbers"

// phoneRegions are the regions tried for a national number written without
// a country code ("020 7946 0958", "0490 75 40 81"): countries many US city
// residents write home to, whose national numbers start with a 0 trunk
// prefix.
var phoneRegions = []string{"GB", "FR", "DE", "AU", "IE", "NL", "BE", "IN", "PK", "NG", "KE", "GH", "ZA", "PH", "VN", "JP", "KR", "CN", "BR", "TR", "EG", "MA", "NZ", "IL", "UA", "PL", "RU"}

// nationalPhone reports a national number that starts with the 0 trunk
// prefix, in two to five groups, when a phone context word is near and
// libphonenumber's metadata (github.com/nyaruka/phonenumbers) calls it a
// valid number of one of phoneRegions.
func (sc *scanner) nationalPhone(i int, g *groups) {
	s := sc.s
	if s[i] != '0' || g.n < 2 || g.digits < 9 || g.digits > 12 || (i > 0 && s[i-1] == '+') {
		return
	}
	n := g.n
	for k := 0; k < g.n-1; k++ {
		if c := g.sep[k]; c != ' ' && c != '-' && c != '.' {
			n = k + 1
			break
		}
	}
	if n < 2 || n == 3 && g.size(0) == 3 && g.size(1) == 3 && g.size(2) == 4 {
		return // "055-555-0142": a US layout with an impossible area code
	}
	end := g.b[n-1]
	digits := 0
	for k := 0; k < n; k++ {
		digits += g.size(k)
	}
	if digits < 9 || digits > 12 || !numEnd(s, end) || !sc.hasContext(ePhone, i, end) {
		return
	}
	var buf [16]byte
	m := 0
	for k := i; k < end; k++ {
		if isDigit(s[k]) {
			buf[m] = s[k]
			m++
		}
	}
	num := string(buf[:m])
	for _, region := range phoneRegions {
		p, err := phonenumbers.Parse(num, region)
		if err == nil && phonenumbers.IsValidNumberForRegion(p, region) {
			sc.emit(ePhone, i, end, 0.6, "phone.national")
			return
		}
	}
}

// intlPrefix reports a number dialled with the international prefix 00
// that most countries use instead of '+' ("001-518-640-0854", "0044 20
// 7946 0958") when libphonenumber calls the rest a valid number. It
// returns the end of the number, or 0.
func (sc *scanner) intlPrefix(i int, g *groups) int {
	s := sc.s
	if g.size(0) < 3 || g.size(0) > 5 || s[i+1] != '0' || s[i+2] == '0' || g.n < 2 || (i > 0 && s[i-1] == '+') {
		return 0
	}
	if i > 1 && s[i-1] == '-' && s[i-2] == '*' {
		return 0 // the digits a mask kept of a longer value: "***-**-0080 000000000"
	}
	var buf [16]byte
	buf[0] = '+'
	m := 1
	end := -1
	for k := 0; k < g.n; k++ {
		if k > 0 && !phoneSep(g.sep[k-1]) {
			break
		}
		a := g.a[k]
		if k == 0 {
			a += 2
		}
		if m-1+g.b[k]-a > 15 {
			break
		}
		for p := a; p < g.b[k]; p++ {
			buf[m] = s[p]
			m++
		}
		end = g.b[k]
	}
	if end < 0 || m-1 < 8 || !numEnd(s, end) {
		return 0
	}
	p, err := phonenumbers.Parse(string(buf[:m]), "")
	if err != nil || !phonenumbers.IsValidNumber(p) {
		return 0
	}
	if sc.emit(ePhone, i, end, 0.7, "phone.intl00") {
		return end
	}
	return 0
}
