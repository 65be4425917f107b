package redact

import "github.com/nyaruka/phonenumbers"

// phoneRegions are the regions tried for a national number written without
// a country code ("020 7946 0958", "0490 75 40 81"): countries many US city
// residents write home to, whose national numbers start with a 0 trunk
// prefix (Italy keeps the 0 of its fixed lines: "06 1234 5678").
var phoneRegions = []string{"GB", "FR", "DE", "AU", "IE", "NL", "BE", "IN", "PK", "NG", "KE", "GH", "ZA", "PH", "VN", "JP", "KR", "CN", "BR", "TR", "EG", "MA", "NZ", "IL", "UA", "PL", "RU", "IT", "AT", "CH"}

// bareRegions are the regions whose numbers are written without a trunk
// prefix, or with the area code alone: Spain ("612 345 678"), Italy's
// mobiles ("347 123 4567"), India ("98765 43210"), Brazil ("11
// 91234-5678"), Mexico ("55 1234 5678") and China ("138 0013 8000").
var bareRegions = []string{"ES", "IT", "IN", "BR", "MX", "CN"}

// nationalPhone reports a national number written without a country
// code, in two to five groups (the first may be in brackets: "(02) 9876
// 5432", "(11) 91234-5678"), when a phone word is near (the context
// words, or a phoneHint word such as "number" or "ring") and
// libphonenumber's metadata (github.com/nyaruka/phonenumbers) calls it a
// valid number of one of phoneRegions (a number with the 0 trunk
// prefix: "020 7946 0958", "0171/1234567") or bareRegions (one without:
// "612 345 678", "98765 43210", "13800138000"). start is i, or the '('
// before it.
func (sc *scanner) nationalPhone(start, i int, g *groups) {
	s := sc.s
	paren := start < i
	trunk := s[i] == '0'
	if g.digits < 9 || (start > 0 && s[start-1] == '+') || paren != (g.sep[0] == ')') {
		return
	}
	n := g.n
	for k := 0; k < g.n-1; k++ {
		c := g.sep[k]
		if k == 0 && (c == ')' || c == '/' && trunk) {
			continue // "(02) 9876 5432", "0171/1234567"
		}
		if c != ' ' && c != '-' && c != '.' {
			n = k + 1
			break
		}
	}
	if n > 5 || !trunk && n > 1 && g.size(0) > 5 {
		return
	}
	for k := 1; k < n; k++ {
		if g.size(k) < 2 {
			return // "34-1234567-8": a check digit, not a phone group
		}
	}
	if n == 3 && g.size(0) == 3 && g.size(1) == 3 && g.size(2) == 4 && g.sep[0] != ' ' {
		// "055-555-0142", "155-555-0142": a US layout with an
		// impossible area code (the Dutch write "020 123 4567" and
		// Italians "347 123 4567" with spaces)
		return
	}
	if n == 3 && g.size(0) == 3 && g.size(1) == 2 && g.size(2) == 4 && g.sep[0] != ' ' {
		return // "987-34-4371": the layout of an SSN, whatever the region
	}
	end := g.b[n-1]
	digits := 0
	for k := 0; k < n; k++ {
		digits += g.size(k)
	}
	lo, hi := 9, 12
	if n == 1 && (trunk || digits != 11 || s[i] != '1') {
		return // one run: only a Chinese mobile, "13800138000"
	}
	if !trunk {
		hi = 11
	}
	if digits < lo || digits > hi || !numEnd(s, end) || redactionNear(s, end) {
		return // or before a box a first pass left: the run was longer then
	}
	ctx := sc.hasContext(ePhone, start, end)
	if !ctx && !phoneHint(s, start) {
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
	regions := phoneRegions
	if !trunk {
		regions = bareRegions
	}
	for _, region := range regions {
		p, err := phonenumbers.Parse(num, region)
		if err == nil && phonenumbers.IsValidNumberForRegion(p, region) {
			// a number without a trunk prefix needs the phone word
			// more: a negative word ("order", "invoice") beside it
			// drops it below the minimum score
			score := 0.6
			if !trunk {
				score = 0.55
				if ctx {
					score = 0.2
				}
			}
			sc.emit(ePhone, start, end, score, "phone.national")
			return
		}
	}
}

// phoneHints are words that, just before a national number libphonenumber
// validates, say it is a phone number although they are too weak to be
// context words for every phone candidate: "my number is 0412 345 678",
// "Ring me on 020 7946 0958", "bel me op 06-12345678", "liga pra mim 11
// 91234-5678", "Rückruf unter 030-1234567".
var phoneHints = map[string]bool{
	"number": true, "nummer": true, "numero": true, "número": true,
	"numéro": true, "ring": true, "dial": true, "portable": true, "bel": true, "liga": true, "ligue": true,
	"appelez": true, "appelle": true, "llama": true, "llámame": true, "llamar": true, "chiama": true,
	"chiamami": true, "rückruf": true, "anrufen": true, "ruf": true, "erreichbar": true, "unter": true,
	"whatsapp": true, "viber": true, "sms": true, "cp": true, "hp": true, "tfno": true, "tlf": true,
}

// phoneHint reports whether one of the three words before position start,
// on its line and in its sentence, is a phoneHints word.
func phoneHint(s string, start int) bool {
	lo := windowStart(s, max(start-32, 0), start)
	words := 0
	for j := start; j > lo && words < 3; {
		for j > lo && !isWord(s[j-1]) {
			j--
		}
		a := j
		for a > lo && isWord(s[a-1]) {
			a--
		}
		if a == j {
			break
		}
		if j-a <= 12 && !inLabel(s, a, j) {
			var low [12]byte
			for k := a; k < j; k++ {
				low[k-a] = lower(s[k])
			}
			// "number of seats: 612 345 678" is a count
			if phoneHints[string(low[:j-a])] && !(j+3 < len(s) && s[j] == ' ' && equalFoldLower(s[j+1:j+3], "of") && !isWord(s[j+3])) {
				return true
			}
		}
		words++
		j = a
	}
	return false
}

// spacedExt returns the end of an extension written after a space ("(555)
// 010-0199 x12", "212-555-0187 ext. 204", "ext 204", "extension 204",
// "x 12") after a phone number that ends at j, or -1.
func spacedExt(s string, j int) int {
	if j+2 >= len(s) || s[j] != ' ' && s[j] != ',' {
		return -1
	}
	k := j + 1
	if s[j] == ',' && s[k] == ' ' {
		k++
	}
	switch {
	case k+9 < len(s) && equalFoldLower(s[k:k+9], "extension"):
		k += 9
	case k+3 < len(s) && equalFoldLower(s[k:k+3], "ext"):
		k += 3
		if s[k] == '.' {
			k++
		}
	case k+1 < len(s) && (s[k] == 'x' || s[k] == 'X'):
		k++
	default:
		return -1
	}
	if k < len(s) && s[k] == ' ' {
		k++
	}
	d := k
	for k < len(s) && isDigit(s[k]) && k-d < 6 {
		k++
	}
	if k == d || !numEnd(s, k) {
		return -1
	}
	return k
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
