package redact

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// names.txt is the first/last-name gazetteer; see its header for sources
// and limits.
//
//go:embed names.txt
var namesTxt string

// Word flags of the capitalised-word dictionary.
const (
	fGiven    uint16 = 1 << iota // a common US given name
	fSurname                     // a common US surname
	fAmbig                       // a given name that is also a common word
	fHonor                       // Mr, Mrs, Ms, Dr, ...
	fDear                        // a salutation: Dear, Attention
	fClosing                     // a letter closing: Sincerely, Regards, ...
	fMonth                       // a month name or abbreviation
	fStop                        // a capitalised word that is not part of a name
	fGeneric                     // a generic addressee: Sir, Resident, ...
	fPOBox                       // PO / Post (as in PO Box)
	fPlace                       // a place noun that ends a name candidate even if it is a surname
	fLabel                       // a form label whose value is a person: "Name:", "Requester:"
	fStrong                      // a label that makes two capitalised words a name without the gazetteer
	fParticle                    // a lower-case surname particle: de, van, von, ...
	fKin                         // a relation that a name follows: "my wife Ximena"
)

var honorifics = "mr mrs ms miss mx dr prof rev hon sgt officer det judge councilor councillor mayor" +
	" lt capt ofc cpl councilmember councilwoman councilman alderman alderwoman commissioner trooper"
var salutations = "dear attn attention"
var closings = "sincerely regards respectfully cordially thanks best yours"
var months = "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec"
var generic = "sir madam madame resident residents customer customers neighbor neighbors neighbour friend friends council members member team colleague colleagues all mayor commissioner director editor board city hiring manager staff parent parents taxpayer ratepayer whom valued homeowner homeowners applicant owner tenant occupant citizen citizens sirs committee department office clerk supervisor chair chairman chairwoman" +
	" treasurer assessor inspector billing support payroll accounts finance permits permitting planning records administrator coordinator representative agent folks everyone madams"
var stopWords = "street st avenue ave road rd boulevard blvd drive dr lane ln way court ct place pl terrace ter parkway pkwy circle cir highway hwy square sq trail trl alley plaza" +
	" county city town village township department dept office council board committee commission center centre library school college university hospital clinic company co inc llc ltd corp corporation bank trust services service utilities utility water electric gas power energy authority district police fire station airport bridge lake mountain heights hills beach island harbor creek group foundation association society club project program plan act law code section chapter article policy report form request records account agreement state federal national public private north south east west" +
	" monday tuesday wednesday thursday friday saturday sunday" +
	" the a an and or of for to in on at by with from this that these those we our you your they their it its is are was were be been please thank hello hi yes no not new old dear re fw fwd subject date" +
	" park garden gardens plaza mall market museum theater theatre church temple stadium arena hotel inn motel cafe restaurant grill pharmacy store shop market"

// labels are form labels whose value is a person's name; strongLabels
// make any two capitalised words after them a name, the others need a
// gazetteer word ("Customer: Acme Roofing" is not a person).
var labels = "name contact resident customer signed requester requestor applicant owner payer complainant tenant caller employee witness subscriber cardholder respondent victim suspect officer by subject landlord driver member parent guardian spouse recipient reporter"
var strongLabels = "name signed requester requestor applicant payer complainant tenant caller employee witness subscriber cardholder respondent victim suspect resident"

// particles join a given name to a surname: "de la Cruz", "van der Berg".
var particles = "de del della der den di da dos das du la le van von ter ten"

// kin are relations after which a capitalised word is a person's name:
// "my wife Ximena", "belonged to a friend, Ingrid Müller".
var kin = "wife husband son daughter mother father brother sister cousin friend neighbor neighbour landlord landlady spouse partner aunt uncle niece nephew grandson granddaughter grandmother grandfather roommate fiance fiancee boyfriend girlfriend stepson stepdaughter"

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
	set(labels, fLabel)
	set(strongLabels, fStrong)
	set(particles, fParticle)
	set(kin, fKin)
	set("street st avenue ave road rd boulevard blvd drive lane ln way court ct place pl terrace parkway pkwy circle highway hwy square plaza park church chapel hall center centre county city school library garden gardens field fields memorial bridge elementary academy", fPlace)
	st := map[string]bool{}
	for _, w := range strings.Fields(states) {
		st[w] = true
	}
	return d, st
}()

// lookupWord returns the flags of s[a:b], ignoring case; accented
// letters are folded to ASCII and apostrophes dropped first ("Nuñez",
// "O’Brien").
func lookupWord(s string, a, b int) uint16 {
	if b-a > 48 || b <= a {
		return 0
	}
	for k := a; k < b; k++ {
		if c := s[k]; c >= 0x80 || c == '\'' {
			var buf [24]byte
			n, ok := foldWord(s, a, b, &buf)
			if !ok || n == 0 {
				return 0
			}
			f, _ := dictTable.get(unsafe.String(&buf[0], n), 0, n)
			return f
		}
	}
	if b-a > 24 {
		return 0
	}
	f, _ := dictTable.get(s, a, b)
	return f
}

// gap returns the end of the run of spaces and tabs (at most eight) that
// separates two words of a name at j, or -1 if there is none.
func gap(s string, j int) int {
	k := j
	for k < len(s) && k-j < 8 && (s[k] == ' ' || s[k] == '\t') {
		k++
	}
	if k == j || k >= len(s) || s[k] == ' ' || s[k] == '\t' {
		return -1
	}
	return k
}

// letterRun returns the end of the run of letters (ASCII or not) at j.
func letterRun(s string, j int) int {
	for j < len(s) {
		c := s[j]
		if isAlpha(c) {
			j++
			continue
		}
		if c < 0x80 {
			break
		}
		r, w := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) {
			break
		}
		j += w
	}
	return j
}

// surnameAt reads a surname at p, with the particles that may lead it
// ("de la Cruz", "van der Berg", "St. John"). It returns the start and end
// of the capitalised word that ends it, or end -1.
func surnameAt(s string, p int) (w, end int) {
	for k := 0; k < 3 && p < len(s); k++ {
		if strings.HasPrefix(s[p:], "St. ") || strings.HasPrefix(s[p:], "St.\t") {
			q := gap(s, p+3)
			if q < 0 {
				return p, -1
			}
			p = q
			continue
		}
		if isLower(s[p]) {
			e := alphaEnd(s, p)
			if lookupWord(s, p, e)&fParticle == 0 {
				return p, -1
			}
			q := gap(s, e)
			if q < 0 {
				return p, -1
			}
			p = q
			continue
		}
		break
	}
	return p, capWord(s, p)
}

// capsWord reads a word in capitals at j ("TAYLOR", "GARCIA-LOPEZ",
// "O'BRIEN"): two or more capital letters, not followed by a lower-case
// letter or digit. It returns the end, or -1.
func capsWord(s string, j int) int {
	k := j
	for k < len(s) && (isUpper(s[k]) || (s[k] == '-' || s[k] == '\'') && k > j && k+1 < len(s) && isUpper(s[k+1])) {
		k++
	}
	if k-j < 2 || k-j > 24 || k < len(s) && (isLower(s[k]) || isDigit(s[k]) || s[k] >= 0x80) {
		return -1
	}
	return k
}

// capsName reads one to three capitals words after an all-caps honorific
// ("MS. TAYLOR", "MR. GARCIA-LOPEZ") at p.
func capsName(s string, p int) (end int) {
	end = -1
	for w := 0; w < 3; w++ {
		e := capsWord(s, p)
		if e < 0 {
			break
		}
		if f := lookupWord(s, p, e); f&(fStop|fGeneric|fHonor|fPlace|fMonth) != 0 && f&(fGiven|fSurname) == 0 {
			break
		}
		end = e
		q := gap(s, e)
		if q < 0 {
			break
		}
		p = q
	}
	return end
}

// orgFollows reports whether a capitalised word that makes the name before
// it an organisation follows e: "Acme Roofing LLC", "Jordan Park Committee".
func orgFollows(s string, e int) bool {
	q := gap(s, e)
	if q < 0 || !isUpper(s[q]) {
		return false
	}
	c := alphaEnd(s, q)
	return lookupWord(s, q, c)&(fStop|fGeneric|fPlace) != 0
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
	} else if k+3 < len(s) && s[k] == 0xe2 && s[k+1] == 0x80 && s[k+2] == 0x99 && isUpper(s[k+3]) { // O’Brien
		k += 4
	}
	lowers := 0
	for k < len(s) {
		c := s[k]
		if isAlpha(c) {
			if isLower(c) {
				lowers++
			}
			k++
			continue
		}
		if c < 0x80 {
			break
		}
		// accented letters: Nuñez, Müller
		r, w := utf8.DecodeRuneInString(s[k:])
		if !unicode.IsLetter(r) {
			break
		}
		if unicode.IsLower(r) {
			lowers++
		}
		k += w
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
	if s[j+1] == ' ' || s[j+1] == '\t' {
		return j + 1
	}
	return -1
}

// nameWords reads one to three name words (capitalised words, or initials
// followed by a word) after one space at j. It returns the start and end
// of the name and the flags of its last word; end is -1 if there is none.
func nameWords(s string, j int) (start, end int, last uint16) {
	p := gap(s, j)
	if p < 0 {
		return 0, -1, 0
	}
	return nameWordsAt(s, p)
}

// nameWordsAt is nameWords for a name starting at p.
func nameWordsAt(s string, p int) (start, end int, last uint16) {
	start, end = p, -1
	for words := 0; words < 3; words++ {
		if e := capWord(s, p); e > 0 && !(words > 0 && strings.HasPrefix(s[p:], "St.")) {
			f := lookupWord(s, p, e)
			if f&(fStop|fGeneric) != 0 && f&(fGiven|fSurname) == 0 {
				break
			}
			end, last = e, f
			p = e
		} else if e := initial(s, p); e > 0 && words < 2 {
			// an initial only counts if a word follows it
			if q := gap(s, e); q > 0 && (capWord(s, q) > 0 || isLower(s[q]) && surnameEnd(s, q) > 0) {
				p = e
			} else {
				break
			}
		} else if words > 0 {
			// particles before the surname: "Bartholomew W. de la Cruz"
			w, e := surnameAt(s, p)
			if e < 0 || w == p {
				break
			}
			end, last = e, lookupWord(s, w, e)
			break
		} else {
			break
		}
		q := gap(s, p)
		if q < 0 {
			break
		}
		p = q
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
	if j < len(s) && s[j] >= 0x80 && r.nameOn {
		j = letterRun(s, j) // Müller, Nuñez
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
	if r.nameOn && f&(fStop|fGeneric|fHonor|fMonth|fDear|fClosing|fPlace) == 0 {
		if e := sc.kinName(i); e > 0 {
			return e
		}
		if f&fGiven != 0 && f&fAmbig == 0 {
			if e := sc.lineName(i, j); e > 0 {
				return e
			}
		}
	}
	if (f == 0 || f == fSurname) && r.nameOn {
		if e := sc.unknownName(i, j, f); e > 0 {
			return e
		}
	}
	if f == 0 {
		return j
	}
	if f&fHonor == 0 && r.nameOn && (s[i:j] == "Council" || s[i:j] == "COUNCIL") {
		// "Council Member Lopez": a title of two words
		if q := gap(s, j); q > 0 {
			if e := alphaEnd(s, q); equalFoldLower(s[q:e], "member") {
				f, j = f|fHonor, e
			}
		}
	}
	switch {
	case f&fHonor != 0 && r.nameOn:
		p := j
		if p < len(s) && s[p] == '.' {
			p++
		}
		if allUpper(s, i, j) {
			// "MS. TAYLOR:", "MR. GARCIA-LOPEZ": the name in capitals too
			if q := gap(s, p); q > 0 {
				if e := capsName(s, q); e > 0 {
					sc.emit(ePersonName, q, e, 0.85, "name.honorific")
					return e
				}
			}
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
		if q := gap(s, j); q > 0 {
			if c := capWord(s, q); c > 0 && lookupWord(s, q, c)&(fHonor|fGeneric|fStop) != 0 {
				return j
			}
		}
		// "Dear Billing Office,": a role or a department, not a person
		a, e, _ := nameWords(s, j)
		if e > 0 && !orgFollows(s, e) {
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

// surnameEnd returns the end of the surname (with particles) at p, or -1.
func surnameEnd(s string, p int) int {
	_, e := surnameAt(s, p)
	return e
}

// kinShape holds, per first letter, the bit set of the lengths of the kin
// words, so that most words before a capital are rejected without a
// lookup.
var kinShape = func() (t [26]uint16) {
	for _, w := range strings.Fields(kin) {
		t[w[0]-'a'] |= 1 << uint(len(w))
	}
	return t
}()

// kinName matches a name right after a relation word: "my wife Ximena",
// "her cousin Agnieszka Whitfield", "a friend, Ingrid Müller".
func (sc *scanner) kinName(i int) int {
	s := sc.s
	k := i - 1
	if k > 0 && s[k] == ' ' && s[k-1] == ',' {
		k--
	}
	if k < 3 || (s[k] != ' ' && s[k] != ',') || !isLower(s[k-1]) {
		return 0
	}
	w := k
	for w > 0 && k-w < 14 && isAlpha(s[w-1]) {
		w--
	}
	if k-w < 3 || kinShape[lower(s[w])-'a']&(1<<uint(k-w)) == 0 || lookupWord(s, w, k)&fKin == 0 {
		return 0
	}
	_, e, last := nameWordsAt(s, i)
	if e < 0 || last&(fStop|fGeneric|fPlace|fMonth) != 0 && last&(fGiven|fSurname) == 0 || orgFollows(s, e) || placeFollows(s, e) {
		return 0
	}
	if sc.emit(ePersonName, i, e, 0.7, "name.kin") {
		return e
	}
	return 0
}

// lineName matches a gazetteer given name alone on its line, the way
// letters and e-mails are signed ("Amanda", "> Juan" in a quoted reply).
func (sc *scanner) lineName(i, j int) int {
	s := sc.s
	e := j
	if e < len(s) && s[e] == ',' {
		e++
	}
	for e < len(s) && (s[e] == ' ' || s[e] == '\t' || s[e] == '\r') {
		e++
	}
	if e < len(s) && s[e] != '\n' {
		return 0
	}
	k := i
	for k > 0 && (s[k-1] == ' ' || s[k-1] == '\t' || s[k-1] == '>') {
		k--
	}
	if k > 0 && s[k-1] != '\n' {
		return 0
	}
	if sc.emit(ePersonName, i, j, 0.6, "name.signature") {
		return j
	}
	return 0
}

// placeFollows reports whether the words after a name candidate ending at
// e (skipping Jr./Sr.) make it a place: "Martin Luther King Jr. Boulevard".
func placeFollows(s string, e int) bool {
	for k := 0; k < 2; k++ {
		q := gap(s, e)
		if q < 0 {
			return false
		}
		c := capWord(s, q)
		if c < 0 {
			// "Martin Luther King Jr street" in lower case
			return k > 0 && lowerIn(streetSuffixes, s, q, alphaEnd(s, q)) && wordEnd(s, alphaEnd(s, q))
		}
		f := lookupWord(s, q, c)
		if f&fPlace != 0 {
			return true
		}
		if w := s[q:c]; w != "Jr" && w != "Sr" {
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
	p := gap(s, j)
	if p < 0 {
		return 0
	}
	var last uint16
	end := -1
	if e := initial(s, p); e > 0 && gap(s, e) > 0 {
		if w, c := surnameAt(s, gap(s, e)); c > 0 {
			end, last = c, lookupWord(s, w, c)
		}
	} else if w, c := surnameAt(s, p); c > 0 {
		end, last = c, lookupWord(s, w, c)
		// First Middle Last
		if w == p && last&fSurname == 0 && last&fGiven != 0 {
			if q := gap(s, c); q > 0 {
				if w2, c2 := surnameAt(s, q); c2 > 0 {
					if f2 := lookupWord(s, w2, c2); f2&fSurname != 0 {
						end, last = c2, f2
					}
				}
			}
		}
	}
	if end < 0 || last&fPlace != 0 || last&(fStop|fGeneric|fMonth) != 0 && last&fSurname == 0 {
		return 0
	}
	if e := end - wordLenBack(s, end); lowerIn(eventWords, s, e, end) {
		return 0 // "Boston Marathon"
	}
	if placeFollows(s, end) {
		return 0
	}
	// "Jordan Park Committee": the next word makes it an organisation
	if orgFollows(s, end) || eventFollows(s, end) {
		return 0
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
	q := gap(s, j)
	if capWord(s, i) != j || q < 0 {
		return 0
	}
	w, c := surnameAt(s, q)
	if c < 0 {
		return 0
	}
	last := lookupWord(s, w, c)
	if last&(fStop|fGeneric|fPlace|fMonth|fHonor) != 0 && last&fSurname == 0 || last&fPlace != 0 {
		return 0
	}
	if placeFollows(s, c) || orgFollows(s, c) {
		return 0
	}
	if q := gap(s, c); q > 0 && capWord(s, q) > 0 {
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

// eventFollows reports whether the word after a name candidate ending at
// e makes it an event or a prize: "Boston Marathon", "Jordan Cup".
func eventFollows(s string, e int) bool {
	q := gap(s, e)
	if q < 0 || !isUpper(s[q]) {
		return false
	}
	c := alphaEnd(s, q)
	return lowerIn(eventWords, s, q, c)
}

var eventWords = map[string]bool{
	"marathon": true, "festival": true, "parade": true, "fair": true, "cup": true, "award": true,
	"awards": true, "prize": true, "memorial": true, "classic": true, "invitational": true, "race": true,
	"day": true, "week": true, "scholarship": true, "fund": true, "act": true, "amendment": true,
}

func allUpper(s string, a, b int) bool {
	for k := a; k < b; k++ {
		if !isUpper(s[k]) {
			return false
		}
	}
	return b > a
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
	if nd >= 1 && nd <= 4 && k < len(s) && (s[k] == '-' || s[k] == ' ') {
		// dashed or spaced state formats: W643-8494-8134, K45-75-2598,
		// X123-456-78-901-0; only as driver licences, with context
		if e := sc.groupedLicence(i, j); e > 0 {
			return e
		}
	}
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

// groupedLicence matches a letter followed by two to five groups of one to
// four digits, all separated by the same '-' or ' ', with 7 to 13 digits
// in all (W643-8494-8134, K45-75-2598), the shape of several states'
// driver licence numbers. It needs licence context.
func (sc *scanner) groupedLicence(i, j int) int {
	s := sc.s
	if j-i != 1 {
		return 0
	}
	var sep byte
	total, n := 0, 0
	k := j
	for {
		e := k
		for e < len(s) && isDigit(s[e]) && e-k <= 4 {
			e++
		}
		if e == k || e-k > 4 {
			return 0
		}
		total += e - k
		n++
		k = e
		if k+1 < len(s) && (s[k] == '-' || s[k] == ' ') && isDigit(s[k+1]) && (sep == 0 || s[k] == sep) && n < 5 {
			sep = s[k]
			k++
			continue
		}
		break
	}
	if n < 2 || total < 7 || total > 13 || !numEnd(s, k) {
		return 0
	}
	if sc.hasContext(eDriverLicense, i, k) && sc.emit(eDriverLicense, i, k, 0.2, "dl.grouped") {
		return k
	}
	return 0
}
