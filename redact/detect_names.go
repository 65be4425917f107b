package redact

import (
	_ "embed"
	"strings"
)

// names.txt is the first/last-name gazetteer; see its header for sources
// and limits.
//
//go:embed names.txt
var namesTxt string

// Word flags of the capitalised-word dictionary.
const (
	fGiven   uint16 = 1 << iota // a common US given name
	fSurname                    // a common US surname
	fAmbig                      // a given name that is also a common word
	fHonor                      // Mr, Mrs, Ms, Dr, ...
	fDear                       // a salutation: Dear, Attention
	fClosing                    // a letter closing: Sincerely, Regards, ...
	fMonth                      // a month name or abbreviation
	fStop                       // a capitalised word that is not part of a name
	fGeneric                    // a generic addressee: Sir, Resident, ...
	fPOBox                      // PO / Post (as in PO Box)
	fPlace                      // a place noun that ends a name candidate even if it is a surname
)

var honorifics = "mr mrs ms miss mx dr prof rev hon sgt officer det judge councilor councillor mayor"
var salutations = "dear attn attention"
var closings = "sincerely regards respectfully cordially thanks best yours"
var months = "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec"
var generic = "sir madam madame resident residents customer customers neighbor neighbors neighbour friend friends council members member team colleague colleagues all mayor commissioner director editor board city hiring manager staff parent parents taxpayer ratepayer whom valued homeowner homeowners applicant owner tenant occupant citizen citizens sirs committee department office clerk supervisor chair chairman chairwoman"
var stopWords = "street st avenue ave road rd boulevard blvd drive dr lane ln way court ct place pl terrace ter parkway pkwy circle cir highway hwy square sq trail trl alley plaza" +
	" county city town village township department dept office council board committee commission center centre library school college university hospital clinic company co inc llc ltd corp corporation bank trust services service utilities utility water electric gas power energy authority district police fire station airport bridge lake mountain heights hills beach island harbor creek group foundation association society club project program plan act law code section chapter article policy report form request records account agreement state federal national public private north south east west" +
	" monday tuesday wednesday thursday friday saturday sunday" +
	" the a an and or of for to in on at by with from this that these those we our you your they their it its is are was were be been please thank hello hi yes no not new old dear re fw fwd subject date" +
	" park garden gardens plaza mall market museum theater theatre church temple stadium arena hotel inn motel cafe restaurant grill pharmacy store shop market"
var states = "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR VI GU AS MP"

// dict maps a lower-case word to its flags. Upper-case state codes are
// kept apart (states) because "IN", "OR" and "ME" are also words.
var dict, stateCodes = func() (map[string]uint16, map[string]bool) {
	d := make(map[string]uint16, 4096)
	set := func(list string, f uint16) {
		for _, w := range strings.Fields(list) {
			d[w] |= f
		}
	}
	section := ""
	for _, line := range strings.Split(namesTxt, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#':
		case line[0] == '[':
			section = line
		case section == "[given]":
			d[line] |= fGiven
		case section == "[ambiguous]":
			d[line] |= fGiven | fAmbig
		case section == "[surname]":
			d[line] |= fSurname
		}
	}
	set(honorifics, fHonor)
	set(salutations, fDear)
	set(closings, fClosing)
	set(months, fMonth)
	set(generic, fGeneric)
	set(stopWords, fStop)
	set("po post", fPOBox)
	set("street st avenue ave road rd boulevard blvd drive lane ln way court ct place pl terrace parkway pkwy circle highway hwy square plaza park church chapel hall center centre county city school library garden gardens field fields memorial bridge", fPlace)
	st := map[string]bool{}
	for _, w := range strings.Fields(states) {
		st[w] = true
	}
	return d, st
}()

// lookupWord returns the flags of s[a:b], ignoring ASCII case.
func lookupWord(s string, a, b int) uint16 {
	if b-a > 24 || b <= a {
		return 0
	}
	f, _ := dictTable.get(s, a, b)
	return f
}

var dictTable = newFoldTable(dict)

// capWord reads a capitalised word at j: an upper-case letter then at
// least one lower-case letter, allowing Mc/Mac/O' prefixes and a hyphen
// between two capitalised parts. It returns the end, or -1.
func capWord(s string, j int) int {
	if j >= len(s) || !isUpper(s[j]) {
		return -1
	}
	k := j + 1
	if k+1 < len(s) && s[k] == '\'' && isUpper(s[k+1]) { // O'Brien
		k += 2
	}
	lowers := 0
	for k < len(s) && isAlpha(s[k]) {
		if isLower(s[k]) {
			lowers++
		}
		k++
	}
	if lowers == 0 || k-j > 24 {
		return -1
	}
	if k+1 < len(s) && s[k] == '-' && isUpper(s[k+1]) {
		if e := capWord(s, k+1); e > 0 {
			k = e
		}
	}
	if k < len(s) && (s[k] >= 0x80 || isDigit(s[k])) {
		return -1
	}
	return k
}

// initial reads "Q." or "Q" (followed by a space) at j; it returns the end
// or -1.
func initial(s string, j int) int {
	if j+1 >= len(s) || !isUpper(s[j]) {
		return -1
	}
	if s[j+1] == '.' {
		return j + 2
	}
	if s[j+1] == ' ' {
		return j + 1
	}
	return -1
}

// nameWords reads one to three name words (capitalised words, or initials
// followed by a word) after one space at j. It returns the start and end
// of the name and the flags of its last word; end is -1 if there is none.
func nameWords(s string, j int) (start, end int, last uint16) {
	if j >= len(s) || s[j] != ' ' {
		return 0, -1, 0
	}
	return nameWordsAt(s, j+1)
}

// nameWordsAt is nameWords for a name starting at p.
func nameWordsAt(s string, p int) (start, end int, last uint16) {
	start, end = p, -1
	for words := 0; words < 3; words++ {
		if e := capWord(s, p); e > 0 {
			f := lookupWord(s, p, e)
			if f&(fStop|fGeneric) != 0 && f&(fGiven|fSurname) == 0 {
				break
			}
			end, last = e, f
			p = e
		} else if e := initial(s, p); e > 0 && words < 2 {
			// an initial only counts if a word follows it
			if e+1 < len(s) && s[e] == ' ' && capWord(s, e+1) > 0 {
				p = e
			} else {
				break
			}
		} else {
			break
		}
		if p+1 >= len(s) || s[p] != ' ' {
			break
		}
		p++
	}
	return start, end, last
}

// upper handles a capital letter at a word start: names, IBANs, licence
// and passport numbers, PO boxes and month-name dates.
func (sc *scanner) upper(i int) int {
	s := sc.s
	r := sc.r
	j := i + 1
	for j < len(s) && isAlpha(s[j]) {
		j++
	}
	wl := j - i
	if wl <= 2 && j < len(s) {
		if isDigit(s[j]) {
			if wl == 2 && isUpper(s[i+1]) {
				if e := sc.iban(i); e > 0 {
					return e
				}
			}
			if r.idOn {
				if e := sc.letterID(i, j); e > 0 {
					return e
				}
			}
		}
		if r.macOn && (s[j] == '-' || s[j] == ':' || isDigit(s[j])) {
			if e := sc.mac(i); e > 0 {
				return e
			}
		}
		if r.addrOn && s[i] == 'P' && s[j] == '.' {
			if e := sc.poBox(i); e > 0 {
				return e
			}
		}
	}
	if wl < 2 || wl > 24 {
		return j
	}
	f := lookupWord(s, i, j)
	if (f == 0 || f == fSurname) && r.nameOn {
		if e := sc.unknownName(i, j, f); e > 0 {
			return e
		}
	}
	if f == 0 {
		return j
	}
	switch {
	case f&fHonor != 0 && r.nameOn:
		p := j
		if p < len(s) && s[p] == '.' {
			p++
		}
		a, e, _ := nameWords(s, p)
		if e > 0 && (e-a > 2 || s[e-1] != '.') && !placeFollows(s, e) {
			sc.emit(ePersonName, a, e, 0.85, "name.honorific")
			return e
		}
	case f&fDear != 0 && r.nameOn:
		if j < len(s) && s[j] == '.' {
			j++
		}
		if j+1 < len(s) && s[j] == ' ' {
			if c := capWord(s, j+1); c > 0 && lookupWord(s, j+1, c)&(fHonor|fGeneric) != 0 {
				return j
			}
		}
		a, e, _ := nameWords(s, j)
		if e > 0 {
			sc.emit(ePersonName, a, e, 0.8, "name.salutation")
			return e
		}
	case f&fClosing != 0 && r.nameOn:
		if e := sc.signature(j); e > 0 {
			return e
		}
	case f&fPOBox != 0 && r.addrOn:
		if e := sc.poBox(i); e > 0 {
			return e
		}
	}
	if f&fMonth != 0 && r.dobOn {
		if e := sc.monthDate(i, j); e > 0 {
			return e
		}
	}
	if f&fGiven != 0 && r.nameOn && s[j-1] != '\'' {
		if e := sc.givenName(i, j, f); e > 0 {
			return e
		}
	}
	return j
}

// placeFollows reports whether the words after a name candidate ending at
// e (skipping Jr./Sr.) make it a place: "Martin Luther King Jr. Boulevard".
func placeFollows(s string, e int) bool {
	for k := 0; k < 2 && e+1 < len(s) && s[e] == ' '; k++ {
		c := capWord(s, e+1)
		if c < 0 {
			return false
		}
		f := lookupWord(s, e+1, c)
		if f&fPlace != 0 {
			return true
		}
		if w := s[e+1 : c]; w != "Jr" && w != "Sr" {
			return false
		}
		e = c
		if e < len(s) && s[e] == '.' {
			e++
		}
	}
	return false
}

// givenName matches "First Last", "First M. Last" and "First Middle Last"
// starting with a gazetteer given name at i.
func (sc *scanner) givenName(i, j int, f uint16) int {
	s := sc.s
	if capWord(s, i) != j {
		return 0
	}
	if j+1 >= len(s) || s[j] != ' ' {
		return 0
	}
	p := j + 1
	var last uint16
	end := -1
	if e := initial(s, p); e > 0 && e+1 < len(s) && s[e] == ' ' {
		if c := capWord(s, e+1); c > 0 {
			end, last = c, lookupWord(s, e+1, c)
		}
	} else if c := capWord(s, p); c > 0 {
		end, last = c, lookupWord(s, p, c)
		// First Middle Last
		if last&fSurname == 0 && last&fGiven != 0 && c+1 < len(s) && s[c] == ' ' {
			if c2 := capWord(s, c+1); c2 > 0 {
				if f2 := lookupWord(s, c+1, c2); f2&fSurname != 0 {
					end, last = c2, f2
				}
			}
		}
	}
	if end < 0 || last&fPlace != 0 || last&(fStop|fGeneric|fMonth) != 0 && last&fSurname == 0 {
		return 0
	}
	if placeFollows(s, end) {
		return 0
	}
	// "Jordan Park Committee": the next word makes it an organisation
	if end+1 < len(s) && s[end] == ' ' {
		if c := capWord(s, end+1); c > 0 && lookupWord(s, end+1, c)&(fStop|fGeneric|fPlace) != 0 {
			return 0
		}
	}
	var score float64
	switch {
	case last&fSurname != 0 && f&fAmbig == 0:
		score = 0.75
	case last&fSurname != 0:
		score = 0.55
	case f&fAmbig == 0 && last&fGiven == 0:
		score = 0.5
	default:
		score = 0.3
	}
	if sc.emit(ePersonName, i, end, score, "name.gazetteer") {
		return end
	}
	return 0
}

// unknownName matches two capitalised words whose first is not a
// gazetteer given name: "Kenji Abernathy". Known surname second: reported
// when a name context word is near; unknown surname: only with context and
// a lower score.
func (sc *scanner) unknownName(i, j int, f uint16) int {
	s := sc.s
	if capWord(s, i) != j || j+1 >= len(s) || s[j] != ' ' {
		return 0
	}
	c := capWord(s, j+1)
	if c < 0 {
		return 0
	}
	last := lookupWord(s, j+1, c)
	if last&(fStop|fGeneric|fPlace|fMonth|fHonor) != 0 && last&fSurname == 0 || last&fPlace != 0 {
		return 0
	}
	if placeFollows(s, c) {
		return 0
	}
	if c+1 < len(s) && s[c] == ' ' && capWord(s, c+1) > 0 {
		return 0 // three or more capitalised words: a title or an organisation
	}
	score := 0.15
	if last&fSurname != 0 {
		score = 0.3
	}
	if emailFollows(s, c) {
		score += 0.4
	} else if !sc.hasContext(ePersonName, i, c) {
		return 0
	}
	if sc.emit(ePersonName, i, c, score, "name.context") {
		return c
	}
	return 0
}

// emailFollows reports whether an e-mail address follows on the same line
// within a few bytes of j, as in "Wei Clark, wei.clark@example.com" or
// "Wei Clark <wei@example.com>".
func emailFollows(s string, j int) bool {
	k := j
	for k < len(s) && k-j < 4 && (s[k] == ',' || s[k] == ' ' || s[k] == '<' || s[k] == '(' || s[k] == '\t') {
		k++
	}
	for m := k; m < len(s) && m-k < 64; m++ {
		c := s[m]
		if c == '@' {
			return m > k
		}
		if !isLocalByte(c) {
			return false
		}
	}
	return false
}

// signature matches a name on the lines after a letter closing such as
// "Sincerely," or "Best regards,".
func (sc *scanner) signature(j int) int {
	s := sc.s
	p := j
	for p < len(s) && p-j < 16 && (isAlpha(s[p]) || s[p] == ' ') {
		p++
	}
	if p >= len(s) || s[p] != ',' {
		return 0
	}
	p++
	nl := 0
	q := p
	for q < len(s) && q-p < 12 && (s[q] == ' ' || s[q] == '\n' || s[q] == '\r' || s[q] == '\t') {
		if s[q] == '\n' {
			nl++
		}
		q++
	}
	if nl == 0 || q == p {
		return 0
	}
	a, e, _ := nameWordsAt(s, q)
	if e < 0 {
		return 0
	}
	if f := lookupWord(s, a, capWordEnd(s, a)); f&(fStop|fGeneric) != 0 && f&(fGiven|fSurname) == 0 {
		return 0
	}
	sc.emit(ePersonName, a, e, 0.8, "name.signature")
	return e
}

func capWordEnd(s string, a int) int {
	if e := capWord(s, a); e > 0 {
		return e
	}
	return a
}

// letterID matches one or two capital letters followed by digits, the
// shape of many US driver licence numbers (A1234567) and of passport
// numbers (A12345678); both need context.
func (sc *scanner) letterID(i, j int) int {
	s := sc.s
	k := j
	for k < len(s) && isDigit(s[k]) && k-j < 14 {
		k++
	}
	nd := k - j
	if nd < 5 || nd > 13 || !wordEnd(s, k) {
		return 0
	}
	found := false
	if sc.hasContext(eDriverLicense, i, k) {
		found = sc.emit(eDriverLicense, i, k, 0.2, "dl.context") || found
	}
	if j-i == 1 && nd == 8 && sc.hasContext(ePassport, i, k) {
		found = sc.emit(ePassport, i, k, 0.2, "passport.context") || found
	}
	if found {
		return k
	}
	return 0
}
