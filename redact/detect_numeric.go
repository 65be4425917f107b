package redact

// Numeric candidates: everything that begins with a digit at a word start.
// The scanner parses the digit groups once and offers them to each
// numeric detector; each detector matches a prefix of the groups.

const maxGroups = 8

// groups are runs of digits separated by single separators, starting at a
// word start.
type groups struct {
	n      int
	a, b   [maxGroups]int  // byte range of each group's digits
	sep    [maxGroups]byte // separator after group k ('-', '.', ' ', '/', ')')
	digits int             // total digits
}

func (g *groups) size(k int) int { return g.b[k] - g.a[k] }

func parseGroups(s string, i int) (g groups) {
	j := i
	for g.n < maxGroups {
		k := j
		for k < len(s) && isDigit(s[k]) && k-j < 20 {
			k++
		}
		g.a[g.n], g.b[g.n] = j, k
		g.digits += k - j
		g.n++
		if k >= len(s) || isDigit(s[k]) {
			return
		}
		c := s[k]
		switch {
		case c >= 0x80:
			// a Unicode dash (en dash, minus sign, ...) as word
			// processors and PDF copy-paste write it: read as '-'
			w := uniDash(s, k)
			if w == 0 || k+w >= len(s) || !isDigit(s[k+w]) {
				return
			}
			g.sep[g.n-1] = '-'
			j = k + w
		case (c == '-' || c == '.' || c == ' ' || c == '/') && k+1 < len(s) && isDigit(s[k+1]):
			g.sep[g.n-1] = c
			j = k + 1
		case c == ')' && g.n == 1 && k+1 < len(s) && isDigit(s[k+1]):
			g.sep[0] = ')'
			j = k + 1
		case c == ')' && g.n == 1 && k+2 < len(s) && s[k+1] == ' ' && isDigit(s[k+2]):
			g.sep[0] = ')'
			j = k + 2
		default:
			return
		}
	}
	return
}

// uniDash returns the length of the Unicode dash at s[k] (U+2010 to
// U+2015 and U+2212, each three bytes in UTF-8), or 0.
func uniDash(s string, k int) int {
	if k+2 >= len(s) || s[k] != 0xe2 {
		return 0
	}
	if s[k+1] == 0x80 && s[k+2] >= 0x90 && s[k+2] <= 0x95 || s[k+1] == 0x88 && s[k+2] == 0x92 {
		return 3
	}
	return 0
}

// digitsOf copies the digits of groups [0, k) into buf and returns them.
func (g *groups) digitsOf(s string, k int, buf []byte) []byte {
	buf = buf[:0]
	for x := 0; x < k; x++ {
		for p := g.a[x]; p < g.b[x]; p++ {
			buf = append(buf, s[p])
		}
	}
	return buf
}

// digit handles a digit at a word start and returns where to continue.
func (sc *scanner) digit(i int) int {
	s := sc.s
	r := sc.r
	g := parseGroups(s, i)
	next := g.b[0]
	// the tail of a longer dotted or dashed number (1.2.3.4.5, 155-555-0142)
	// is not a number of its own
	if i >= 2 && (s[i-1] == '.' || s[i-1] == '-' || s[i-1] == '/') && (isDigit(s[i-2]) || s[i-2] == '*') {
		return next // also after a mask's stars: "******.0.0.0.1"
	}
	// nor are digits glued to a mask's stars ("***0*200 200 0000": a
	// second pass must not find what the first could not)
	if i >= 2 && s[i-1] == '*' && (s[i-2] == '*' || isDigit(s[i-2])) {
		return skipToken(s, next)
	}
	// nor is the number part of an identifier such as INV-2024-0042 or
	// UA-123456
	if i >= 2 && (s[i-1] == '-' || s[i-1] == '_' || s[i-1] == '#') && isAlpha(s[i-2]) {
		return skipToken(s, next)
	}
	if r.macOn && next-i <= 2 {
		if e := sc.mac(i); e > 0 {
			return e
		}
	}
	before := len(sc.out)
	if r.natIDOn {
		// a national id after its label ("SIN: 046 454 286", "CPF
		// 529.982.247-25"); before the benefit labels, which would read
		// "social insurance number" as an insurance member id
		if e := sc.nationalID(i); e > 0 {
			return e
		}
	}
	if r.labelIDOn {
		// a licence plate, benefit id or passport number after its label ("Plate:
		// 7ABC123", "Medicare number 1EG4-TE5-MK73"), or a plate among
		// plate words
		if e := sc.labelledID(i); e > 0 {
			return e
		}
		if c := byte(0); r.plateOn && g.b[0] < len(s) {
			if c = s[g.b[0]]; isUpper(c) || (c == '-' || c == ' ') && g.b[0]+1 < len(s) && isUpper(s[g.b[0]+1]) {
				if e := sc.contextPlate(i); e > 0 {
					return e
				}
			}
		}
	}
	if g.digits >= 4 || g.n >= 3 {
		if s[i] == '0' && g.n >= 2 && s[i+1] == '0' {
			if e := sc.intlPrefix(i, &g); e > 0 {
				return e
			}
		}
		sc.ipv4(i, &g)
		sc.ssn(i, &g)
		sc.phone(i, &g)
		if len(sc.out) == before && !sc.done {
			sc.nationalPhone(i, i, &g)
		}
		sc.card(i, &g)
		if g.n >= 5 && g.digits >= 19 {
			sc.innerCard(&g)
		}
		if g.n == 1 || g.sep[0] == '-' {
			sc.accountLike(i, &g)
		}
		if r.dobOn {
			sc.numericDate(i, &g)
			if g.size(0) == 4 && g.b[0]+3 <= len(s) && s[g.b[0]] >= 0x80 {
				sc.cjkDate(i, g.b[0])
			}
		}
		if r.idOn && g.n >= 3 && g.size(0) == 3 && g.size(1) == 3 && g.size(2) == 3 &&
			g.sep[0] == g.sep[1] && (g.sep[0] == ' ' || g.sep[0] == '-') && numEnd(s, g.b[2]) &&
			sc.hasContext(eDriverLicense, i, g.b[2]) {
			// 984 851 428: New York and others print licences in three
			// groups of three digits
			sc.emit(eDriverLicense, i, g.b[2], 0.2, "dl.grouped")
		}
	}
	if r.addrOn && g.size(0) <= 6 && s[i] != '0' {
		if len(sc.out) == before && g.size(0) <= 4 && i > 1 && s[i-1] == ' ' {
			sc.streetBefore(i)
		}
		if len(sc.out) == before {
			sc.address(i, g.b[0])
		}
		if len(sc.out) == before && g.size(0) <= 4 {
			sc.numberFirstEuro(i, g.b[0])
		}
		if len(sc.out) == before && g.n == 1 {
			sc.bareStreet(i, g.b[0])
		}
		if e := g.b[0]; len(sc.out) == before && g.size(0) <= 4 && !sc.done && e+1 < len(s) &&
			(s[e] == ' ' && (isUpper(s[e+1]) || s[e+1] >= 0xc3) || s[e] == '-' && isDigit(s[e+1])) {
			sc.asianStreet(i)
		}
	}
	if r.dobOn && g.size(0) <= 2 {
		sc.dayMonthYear(i, g.b[0])
		if e := g.b[0]; len(sc.out) == before && e+1 < len(s) && (s[e] == ' ' || s[e] == '.' || s[e] == '-' || s[e] == 'e') && !isDigit(s[e+1]) {
			sc.dayMonthYearIntl(i, e)
		}
	}
	if sc.done {
		return next
	}
	for _, f := range sc.out[before:] {
		if f.End > next {
			next = f.End
		}
	}
	return next
}

// skipToken returns the end of the run of digits, letters and inner
// '-', '_', '.' and '/' that continues at j.
func skipToken(s string, j int) int {
	for j < len(s) && (isWord(s[j]) || (s[j] == '-' || s[j] == '_' || s[j] == '.' || s[j] == '/') && j+1 < len(s) && isWord(s[j+1])) {
		j++
	}
	return j
}

// paren handles '(' starting a phone number with its area code in
// brackets: NANP like (555) 010-0199, or national like (02) 9876 5432.
func (sc *scanner) paren(i int) int {
	s := sc.s
	if i+1 >= len(s) || !isDigit(s[i+1]) || !tokenStart(s, i) {
		return i + 1
	}
	g := parseGroups(s, i+1)
	if g.sep[0] != ')' {
		return i + 1
	}
	before := len(sc.out)
	sc.phone(i+1, &g)
	if len(sc.out) == before && !sc.done {
		sc.nationalPhone(i, i+1, &g) // "(02) 9876 5432", "(11) 91234-5678"
	}
	next := i + 1
	for _, f := range sc.out[before:] {
		if f.End > next {
			next = f.End
		}
	}
	return next
}

func atoi[T string | []byte](s T) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// ---- SSN and ITIN -------------------------------------------------------

// ssnExcluded are numbers the SSA never issued or voided after they were
// published (advertising and specimen cards).
var ssnExcluded = map[string]bool{
	"078051120": true, // Woolworth wallet insert, 1938
	"219099999": true, // SSA pamphlet specimen
	"457555462": true, // LifeLock advertising
	"123456789": true, // commonly used placeholder
}

func (sc *scanner) ssn(i int, g *groups) {
	s := sc.s
	var buf [9]byte
	var d []byte
	var end int
	var score float64
	var rule int // 0 dashed, 1 spaced, 2 plain
	switch {
	case g.n >= 3 && g.size(0) == 3 && g.size(1) == 2 && g.size(2) == 4 &&
		g.sep[0] == g.sep[1] && (g.sep[0] == '-' || g.sep[0] == ' '):
		end = g.b[2]
		if g.sep[0] == '-' {
			score, rule = 0.8, 0
		} else {
			if g.n > 3 && g.sep[2] == ' ' || redactionNear(s, g.b[2]) {
				// the start of a longer spaced run ("100 10 4111 1111 1111
				// 9"), or it was one before a first pass boxed the rest
				return
			}
			score, rule = 0.6, 1
		}
		d = g.digitsOf(s, 3, buf[:])
	case g.size(0) == 9 && (g.n == 1 || g.sep[0] != '-'):
		end = g.b[0]
		score, rule = 0.35, 2
		d = g.digitsOf(s, 1, buf[:])
	default:
		return
	}
	if !numEnd(s, end) {
		return
	}
	area, group, serial := atoi(d[:3]), atoi(d[3:5]), atoi(d[5:])
	if group == 0 || serial == 0 {
		return
	}
	if area >= 900 {
		if validITINGroup(group) {
			sc.emit(eITIN, i, end, score, itinRules[rule])
		}
		return
	}
	if area == 0 || area == 666 || ssnExcluded[string(d)] {
		return
	}
	sc.emit(eSSN, i, end, score, ssnRules[rule])
}

var (
	ssnRules  = [3]string{"ssn.dashed", "ssn.spaced", "ssn.plain"}
	itinRules = [3]string{"itin.dashed", "itin.spaced", "itin.plain"}
)

// validITINGroup reports whether the middle two digits of a 9xx number are
// in the ranges the IRS assigns to ITINs.
func validITINGroup(g int) bool {
	return g >= 50 && g <= 65 || g >= 70 && g <= 88 || g >= 90 && g <= 92 || g >= 94 && g <= 99
}

// ---- payment cards -------------------------------------------------------

// card matches a payment card number at i: 13 to 19 digits, in one run or
// grouped, that pass the Luhn check and belong to a card network
// (issuerOK). A Luhn-valid number of 12 to 19 digits outside those rules
// (any 15 digits, a 12-digit Maestro, a network this table lacks) is a
// card only with a card word nearby (cardWordNear), so that Luhn-valid
// numbers in prose, one in ten of all numbers, are left alone.
func (sc *scanner) card(i int, g *groups) {
	s := sc.s
	if g.digits < 12 {
		return
	}
	var buf [24]byte
	// a single run of 12-19 digits
	if sz := g.size(0); sz >= 12 && sz <= 19 {
		end := g.b[0]
		d := g.digitsOf(s, 1, buf[:])
		if numEnd(s, end) && luhn(d) {
			if sz >= 13 && issuerOK(d) {
				sc.emit(ePaymentCard, i, end, 0.85, "card.plain")
			} else if !oneDigit(d) && sc.cardWordNear(i, end) {
				sc.emit(ePaymentCard, i, end, 0.6, "card.context")
			}
		}
		return
	}
	// grouped: separators all ' ', all '-' or all '.' ("4111.1111.1111.1111",
	// as some European forms print them); groups of four then a last
	// group of 1-4, or the 4-6-5 / 4-6-4 Amex and Diners layout
	sep := g.sep[0]
	if sep != ' ' && sep != '-' && sep != '.' || g.size(0) != 4 {
		return
	}
	if g.n >= 3 && g.size(1) == 6 && (g.size(2) == 5 || g.size(2) == 4) && g.sep[1] == sep {
		end := g.b[2]
		d := g.digitsOf(s, 3, buf[:])
		if numEnd(s, end) && luhn(d) {
			if issuerOK(d) {
				sc.emit(ePaymentCard, i, end, 0.9, "card.grouped")
			} else if !oneDigit(d) && sc.cardWordNear(i, end) {
				sc.emit(ePaymentCard, i, end, 0.6, "card.context")
			}
		}
		return
	}
	total := 0
	for k := 0; k < g.n; k++ {
		sz := g.size(k)
		total += sz
		if k > 0 && g.sep[k-1] != sep {
			return
		}
		if sz != 4 {
			if sz > 4 || total < 12 {
				return
			}
		}
		if total >= 12 && total <= 19 && (sz != 4 || k == g.n-1 || g.sep[k] != sep || g.size(k+1) > 4) {
			end := g.b[k]
			d := g.digitsOf(s, k+1, buf[:])
			if numEnd(s, end) && luhn(d) {
				if total >= 13 && issuerOK(d) {
					sc.emit(ePaymentCard, i, end, 0.9, "card.grouped")
					return
				}
				if !oneDigit(d) && sc.cardWordNear(i, end) {
					sc.emit(ePaymentCard, i, end, 0.6, "card.context")
					return
				}
			}
		}
		if sz != 4 || total >= 19 {
			return
		}
	}
}

// oneDigit reports whether every digit of d is the same: "0000 0000
// 0000" beside "card" is a placeholder, not a number outside the issuers'
// rules.
func oneDigit(d []byte) bool {
	for _, c := range d {
		if c != d[0] {
			return false
		}
	}
	return true
}

// cardWordNear reports whether a card word ("card", "visa", "mastercard",
// "amex", "maestro", "debit", "credit") stands in the context window
// around s[start:end], on the same line and in the same sentence. Words
// that only point at a card ("paid", "payment", "ending in") do not count:
// they are not evidence that a full number outside the issuers' rules is
// one.
func (sc *scanner) cardWordNear(start, end int) bool {
	if !sc.r.on[ePaymentCard] {
		return false
	}
	s := sc.s
	lo := windowStart(s, max(start-DefaultContextBefore, 0), start)
	hi := windowEnd(s, end, min(end+DefaultContextAfter, len(s)))
	from, to, _ := boxedWindow(s, lo, start, end, hi)
	return cardWordIn(s, from, start) || cardWordIn(s, end, to)
}

// cardWordIn reports whether s[a:b] holds a card word, whole.
func cardWordIn(s string, a, b int) bool {
	for i := a; i < b; {
		if !isAlpha(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isAlpha(s[j]) {
			j++
		}
		if (i == 0 || !isWord(s[i-1])) && (j >= len(s) || !isWord(s[j])) && !inLabel(s, i, j) {
			switch j - i {
			case 4:
				if equalFoldLower(s[i:j], "card") || equalFoldLower(s[i:j], "visa") || equalFoldLower(s[i:j], "amex") {
					return true
				}
			case 5:
				if equalFoldLower(s[i:j], "debit") || equalFoldLower(s[i:j], "cards") {
					return true
				}
			case 6:
				if equalFoldLower(s[i:j], "credit") {
					return true
				}
			case 7:
				if equalFoldLower(s[i:j], "maestro") {
					return true
				}
			case 10:
				if equalFoldLower(s[i:j], "mastercard") {
					return true
				}
			}
		}
		i = j
	}
	return false
}

// innerCard looks for a grouped card number that starts at a later group
// of a longer run ("200 200 4111 1111 1111 1111"): the groups before it
// may be another finding, and the card must not survive beside it (a
// second redaction pass would otherwise find it).
func (sc *scanner) innerCard(g *groups) {
	s := sc.s
	for k := 1; k+3 < g.n; k++ {
		if g.size(k) != 4 || (g.sep[k-1] != ' ' && g.sep[k-1] != '-') {
			continue
		}
		h := parseGroups(s, g.a[k])
		before := len(sc.out)
		sc.card(g.a[k], &h)
		if len(sc.out) > before || sc.done {
			return
		}
	}
}

// luhn reports whether the digits pass the Luhn (mod 10) check.
func luhn(d []byte) bool {
	sum := 0
	double := false
	for k := len(d) - 1; k >= 0; k-- {
		v := int(d[k] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// issuerOK reports whether the number's prefix and length belong to a card
// network: Visa, Mastercard, American Express, Discover, Diners Club, JCB,
// UnionPay or Maestro.
func issuerOK(d []byte) bool {
	n := len(d)
	p := func(k int) int { return atoi(d[:k]) }
	switch {
	case d[0] == '4':
		return n == 13 || n == 16 || n == 19
	case p(2) >= 51 && p(2) <= 55, p(4) >= 2221 && p(4) <= 2720:
		return n == 16
	case p(2) == 34 || p(2) == 37:
		return n == 15
	case p(4) == 6011, p(3) >= 644 && p(3) <= 649, p(2) == 65:
		return n >= 16 && n <= 19
	case p(3) >= 300 && p(3) <= 305, p(2) == 36, p(2) == 38, p(2) == 39:
		return n >= 14 && n <= 19
	case p(4) >= 3528 && p(4) <= 3589:
		return n >= 16 && n <= 19
	case p(2) == 62:
		return n >= 16 && n <= 19
	case p(2) == 50, p(2) >= 56 && p(2) <= 69:
		return n >= 12 && n <= 19
	}
	return false
}

// ---- routing numbers, bank accounts, licences, passports ----------------

// redactionNear reports whether a box or a mask a first pass left follows
// e across at most two spaces or punctuation marks on the same line
// ("000000) [BANK_ACCOUNT]", "000000 ****0000"): the digits before it were
// part of a longer run then, and a second pass must not find them alone.
func redactionNear(s string, e int) bool {
	k := e
	for k < len(s) && k-e < 2 && !isWord(s[k]) && s[k] != '[' && s[k] != '*' && s[k] != '\n' {
		k++
	}
	return k > e && k < len(s) && (s[k] == '[' && boxFollows(s, k) || maskFollows(s, k))
}

// maskFollows reports whether a mask's stars start at k: two or more
// stars, then a digit the mask kept, or at least three stars ("****0000",
// "***-**-0080"); not markdown's "**bold**" or a footnote's "*".
func maskFollows(s string, k int) bool {
	if k >= len(s) || s[k] != '*' {
		return false
	}
	// the stars of a mask keep the value's separators: "** ***0000"
	stars, m := 0, k
	for m < len(s) && m-k < 40 {
		if s[m] == '*' {
			stars++
		} else if !(s[m] == ' ' || s[m] == '-' || s[m] == '.') || m+1 >= len(s) || s[m+1] != '*' {
			break
		}
		m++
	}
	if stars < 2 {
		return false // one star is a footnote mark as often as a mask
	}
	if m < len(s) && isDigit(s[m]) {
		return true
	}
	return stars >= 3 && (m == len(s) || !isAlpha(s[m]))
}

// accountLike offers a run of digits to the detectors that need context:
// ABA routing numbers (checksum, then context), bank account numbers,
// driver licence and passport numbers.
func (sc *scanner) accountLike(i int, g *groups) {
	s := sc.s
	r := sc.r
	end := g.b[0]
	n := g.size(0)
	if g.n > 1 && g.sep[0] == '-' {
		// account numbers written with dashes, like 1234-567890
		k := 1
		for k < g.n && g.sep[k-1] == '-' {
			k++
		}
		end = g.b[k-1]
		n = 0
		for x := 0; x < k; x++ {
			n += g.size(x)
		}
		if !numEnd(s, end) || dateShaped(s, g, k) {
			return
		}
		if r.bankOn && n >= 8 && n <= 17 && sc.hasContext(eBankAccount, i, end) {
			sc.emit(eBankAccount, i, end, 0.3, "bank.context")
		}
		// driver licence numbers written in groups (99-123-4567)
		if r.on[eDriverLicense] && n >= 7 && n <= 13 && sc.hasContext(eDriverLicense, i, end) {
			sc.emit(eDriverLicense, i, end, 0.2, "dl.context")
		}
		return
	}
	if !numEnd(s, end) || redactionNear(s, end) {
		// a group before a box or a mask a first pass left was part of a
		// longer run then: stay idempotent ("IBAN 000000 [BANK_ACCOUNT]",
		// "IBAN 000000 ****0000")
		return
	}
	if i >= 2 && s[i-1] == ' ' && isDigit(s[i-2]) {
		// the second group of a spaced run ("IBAN 000000 000000") is
		// no account number of its own: once a first pass boxed it,
		// the first group would stand alone and a second pass would
		// find that one too (FuzzIdempotent found it)
		if n == 9 && r.routeOn {
			var buf [9]byte
			if d := g.digitsOf(s, 1, buf[:]); abaOK(d) {
				sc.emit(eRoutingNumber, i, end, 0.3, "aba.checksum")
			}
		}
		return
	}
	if n == 9 && r.routeOn {
		var buf [9]byte
		if d := g.digitsOf(s, 1, buf[:]); abaOK(d) {
			sc.emit(eRoutingNumber, i, end, 0.3, "aba.checksum")
		}
	}
	if r.bankOn && n >= 6 && n <= 17 && sc.hasContext(eBankAccount, i, end) {
		sc.emit(eBankAccount, i, end, 0.3, "bank.context")
	}
	if r.idOn && n >= 7 && n <= 12 {
		if sc.hasContext(eDriverLicense, i, end) {
			sc.emit(eDriverLicense, i, end, 0.2, "dl.context")
		}
		if n == 9 && sc.hasContext(ePassport, i, end) {
			sc.emit(ePassport, i, end, 0.2, "passport.context")
		}
	}
}

// dateShaped reports whether the first k groups of g read as a calendar
// date (2025-08-04, 08-04-2025, 8-4-25): such a number is never a bank
// account, whatever the context says.
func dateShaped(s string, g *groups, k int) bool {
	if k != 3 {
		return false
	}
	v := func(x int) int { return atoi(s[g.a[x]:g.b[x]]) }
	a, b, c := g.size(0), g.size(1), g.size(2)
	switch {
	case a == 4 && b <= 2 && c <= 2:
		return validDate(v(0), v(1), v(2))
	case a <= 2 && b <= 2 && (c == 4 || c == 2):
		return validDate(v(2), v(0), v(1)) || validDate(v(2), v(1), v(0))
	}
	return false
}

// abaOK checks an ABA routing transit number: a valid Federal Reserve
// prefix and the 3-7-1 checksum.
func abaOK(d []byte) bool {
	p := atoi(d[:2])
	if !(p <= 12 || p >= 21 && p <= 32 || p >= 61 && p <= 72 || p == 80) {
		return false
	}
	v := func(k int) int { return int(d[k] - '0') }
	sum := 3*(v(0)+v(3)+v(6)) + 7*(v(1)+v(4)+v(7)) + (v(2) + v(5) + v(8))
	return sum%10 == 0 && atoi(d) != 0
}
