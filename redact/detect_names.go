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

// lowerwords.txt lists the frequent given names that are also lower-case
// English words; see internal/lowergen.
//
//go:embed lowerwords.txt
var lowerWordsTxt string

// Word flags of the capitalised-word dictionary.
const (
	fGiven    uint32 = 1 << iota // a common US given name
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

	// flags of the broad lexicon (lexicon.go)
	fLexGiven   // a frequent US given name that is not a common word
	fLexAmbig   // a frequent US given name that is also a common word
	fName       // a known part of a person's name, any culture
	fCommon     // a common English word in lower case
	fPlaceName  // a country, capital, US state or city
	fCue        // a word after which a capitalised word is a name: "Hi", "Hello", "Thanks"
	fRole       // a role in city records: caller, resident, complainant, officer...
	fSaid       // a verb that follows a person: said, says, told, asked, wrote
	fOrgWord    // a word that makes the capitalised words before it an organisation
	fNameCue    // "is", "am", "im" as in "my name is", "I am"
	fMajorPlace // a country, capital, continent, US state or large city
	fLowerWord  // a frequent given name that is also a lower-case word: "dale", "tucker" (lowerwords.txt)
	fAccented   // set by looseName, never stored: a word no list knows, with letters beyond ASCII ("Jónsdóttir")
)

// legacyFlags are the flags that the rules written before the broad
// lexicon test; lookupWord returns only these.
const legacyFlags = fKin<<1 - 1

var honorifics = "mr mrs ms miss mx dr prof rev hon sgt officer det judge councilor councillor mayor" +
	" lt capt ofc cpl councilmember councilwoman councilman alderman alderwoman commissioner trooper"
var salutations = "dear attn attention"
var closings = "sincerely regards respectfully cordially thanks best yours"
var months = "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec"
var generic = "sir madam madame resident residents customer customers neighbor neighbors neighbour friend friends council members member team colleague colleagues all mayor commissioner director editor board city hiring manager staff parent parents taxpayer ratepayer whom valued homeowner homeowners applicant owner tenant occupant citizen citizens sirs committee department office clerk supervisor chair chairman chairwoman" +
	" treasurer assessor inspector borrower borrowers lender lenders guarantor guarantors grantor grantee licensee licensor lessor lessee buyer seller purchaser vendor contractor subcontractor consultant company billing support payroll accounts finance permits permitting planning records administrator coordinator representative agent folks everyone madams"
var stopWords = "street st avenue ave road rd boulevard blvd drive dr lane ln way court ct place pl terrace ter parkway pkwy circle cir highway hwy square sq trail trl alley plaza" +
	" county city town village township department dept office council board committee commission center centre library school college university hospital clinic company co inc llc ltd corp corporation bank trust services service utilities utility water electric gas power energy authority district police fire station airport bridge lake mountain heights hills beach island harbor creek group foundation association society club project program plan act law code section chapter article policy report form request records account agreement state federal national public private north south east west" +
	" monday tuesday wednesday thursday friday saturday sunday christmas easter thanksgiving halloween hanukkah chanukah ramadan eid diwali kwanzaa passover pentecost lent advent valentine valentines aries taurus gemini cancer leo virgo libra scorpio sagittarius capricorn aquarius pisces" +
	" the a an and or of for to in on at by with from this that these those we our you your they their it its is are was were be been please thank hello hi yes no not new old dear re fw fwd subject date" +
	" park garden gardens plaza mall market museum theater theatre church temple stadium arena hotel inn motel cafe restaurant grill pharmacy store shop market"

// labels are form labels whose value is a person's name; strongLabels
// make any two capitalised words after them a name, the others need a
// gazetteer word ("Customer: Acme Roofing" is not a person).
var labels = "name contact resident customer signed requester requestor applicant owner payer complainant tenant caller employee witness subscriber cardholder respondent victim suspect officer by subject landlord driver member parent guardian spouse recipient reporter" +
	" person patient claimant petitioner plaintiff defendant decedent deceased beneficiary insured policyholder client student sender occupant homeowner holder surname forename firstname lastname" +
	" attendee attendees participant participants present absent guest guests visitor visitors interviewee interviewer author authors"
var strongLabels = "name signed requester requestor applicant payer complainant tenant caller employee witness subscriber cardholder respondent victim suspect resident" +
	" person patient claimant petitioner plaintiff decedent deceased beneficiary insured policyholder surname forename firstname lastname"

// particles join a given name to a surname: "de la Cruz", "van der Berg".
var particles = "de del della der den di da dos das du la le van von ter ten"

// kin are relations after which a capitalised word is a person's name:
// "my wife Ximena", "belonged to a friend, Ingrid Müller".
var kin = "wife husband son daughter mother father brother sister cousin friend neighbor neighbour landlord landlady spouse partner aunt uncle niece nephew grandson granddaughter grandmother grandfather roommate fiance fiancee boyfriend girlfriend stepson stepdaughter"

var states = "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR VI GU AS MP"

// stateCodes are the upper-case state codes, kept apart from the word
// table because "IN", "OR" and "ME" are also words.
var stateCodes = func() map[string]bool {
	st := map[string]bool{}
	for _, w := range strings.Fields(states) {
		st[w] = true
	}
	return st
}()

// buildDict maps the lower-case words of the hand-written lists and of
// names.txt to their flags.
func buildDict() map[string]uint32 {
	d := make(map[string]uint32, 8192)
	set := func(list string, f uint32) {
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
	set(cueWords, fCue)
	set(roleWords, fRole)
	set(saidWords, fSaid)
	set(orgWords, fOrgWord)
	set("is am im", fNameCue)
	for _, line := range strings.Split(lowerWordsTxt, "\n") {
		if line = strings.TrimSpace(line); line != "" && line[0] != '#' {
			d[line] |= fLowerWord
		}
	}
	set("street st avenue ave road rd boulevard blvd drive lane ln way court ct place pl terrace parkway pkwy circle highway hwy square plaza park church chapel hall center centre county city school library garden gardens field fields memorial bridge elementary academy", fPlace)
	return d
}

// lookupWord returns the flags of s[a:b], ignoring case; accented
// letters are folded to ASCII and apostrophes dropped first ("Nuñez",
// "O’Brien").
func lookupWord(s string, a, b int) uint32 { return lookupAll(s, a, b) & legacyFlags }

// lookup is lookupAll with a one-word cache: the rules for a capitalised
// word look its first word up more than once.
func (sc *scanner) lookup(a, b int) uint32 {
	if a != sc.lkA || b != sc.lkB {
		sc.lkA, sc.lkB, sc.lkF = a, b, lookupAll(sc.s, a, b)
	}
	return sc.lkF
}

// lookupAll is lookupWord with the flags of the broad lexicon too.
func lookupAll(s string, a, b int) uint32 {
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
			return wordsTable().get(unsafe.String(&buf[0], n), 0, n)
		}
	}
	if b-a > 24 {
		return 0
	}
	return wordsTable().get(s, a, b)
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

// capWord reads a capitalised word at j: an upper-case letter then at
// least one lower-case letter, allowing Mc/Mac/O' prefixes and a hyphen
// between two capitalised parts. It returns the end, or -1.
func capWord(s string, j int) int {
	if j >= len(s) {
		return -1
	}
	k := j + 1
	if !isUpper(s[j]) {
		// an accented capital: "Červinková", "Ólafsdóttir"
		r, w := utf8.DecodeRuneInString(s[j:])
		if s[j] < 0x80 || !unicode.IsUpper(r) {
			return -1
		}
		k = j + w
	}
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
	} else if k+2 < len(s) && s[k] == '-' && isLower(s[k+1]) && k-j >= 2 && k-j <= 4 {
		// a romanised Korean or Chinese given name: "Min-jun", "Seo-yeon"
		e := k + 1
		for e < len(s) && isLower(s[e]) {
			e++
		}
		if e-k-1 >= 2 && e-k-1 <= 5 && (e >= len(s) || !isWord(s[e]) && s[e] != '-') {
			k = e
		}
	}
	if k < len(s) && (s[k] >= 0x80 && !strings.HasPrefix(s[k:], "’") || isDigit(s[k])) {
		return -1 // glued to a digit or a symbol; a curly apostrophe ends the word ("Rebecca’s")
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
func nameWords(s string, j int) (start, end int, last uint32) {
	p := gap(s, j)
	if p < 0 {
		return 0, -1, 0
	}
	return nameWordsAt(s, p)
}

// nameWordsAt is nameWords for a name starting at p.
func nameWordsAt(s string, p int) (start, end int, last uint32) {
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
// and passport numbers, PO boxes and month-name dates. When none of the
// earlier rules reports anything, looseName weighs the shape, the lexicon
// and the cues around the word.
func (sc *scanner) upper(i int) int {
	n := len(sc.out)
	e := sc.upperRules(i)
	if sc.done || len(sc.out) != n {
		return e
	}
	if sc.r.addrOn {
		if e2 := sc.intlAddress(i, letterRun(sc.s, i)); e2 > 0 {
			return e2
		}
	}
	if !sc.r.nameOn {
		return e
	}
	if e2 := sc.looseName(i); e2 > 0 {
		return e2
	}
	if sc.nKeys > 0 {
		if e2 := sc.repeatName(i); e2 > 0 {
			return e2
		}
	}
	if j := alphaEnd(sc.s, i); j-i <= 6 && j < len(sc.s) && (sc.s[j] == ' ' || sc.s[j] == '\'') {
		if e2 := sc.upperCue(i, j); e2 > 0 {
			return e2
		}
	}
	return e
}

// upperRules is upper's first set of rules: honorifics, salutations,
// signatures, kin words, gazetteer pairs and the non-name entities.
func (sc *scanner) upperRules(i int) int {
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
	// licence plates and benefit ids: "MA 4XK-921", "Plate: ABC-1234",
	// "Medicaid ID AB12345C"
	idNext := false
	if r.labelIDOn && wl <= 4 && j < len(s) && allUpper(s, i, j) {
		if wl == 2 && s[j] == ' ' && r.plateOn {
			if e := sc.statePlate(i); e > 0 {
				return e
			}
		}
		idNext = isDigit(s[j]) || (s[j] == '-' || s[j] == ' ') && j+1 < len(s) && isDigit(s[j+1])
		if idNext {
			if e := sc.labelledID(i); e > 0 {
				return e
			}
		}
	}
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
	if idNext && r.plateOn {
		if e := sc.contextPlate(i); e > 0 {
			return e
		}
	}
	if wl < 2 || wl > 24 {
		return j
	}
	f := sc.lookup(i, j) & legacyFlags
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
func (sc *scanner) givenName(i, j int, f uint32) int {
	s := sc.s
	if capWord(s, i) != j {
		return 0
	}
	p := gap(s, j)
	if p < 0 {
		return 0
	}
	var last uint32
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
	if end < 0 || last&(fStop|fGeneric|fMonth) != 0 && last&fSurname == 0 {
		return 0
	}
	// A place noun last ("Mary Park", "Jordan Hall") is a place, unless it
	// is also a family name and a person cue comes first ("Tenant Mary
	// Park", "Caller Jin Hall").
	if last&fPlace != 0 && (last&fSurname == 0 || !personWordBefore(s, i)) {
		return 0
	}
	// "Cash Payment", "Washington Metro", "Morgan Stanley": a common word
	// or a place second, or a firm
	if all := lookupAll(s, end-wordLenBack(s, end), end); all&fCommon != 0 && last&fSurname == 0 || notPerson(s, i, end) {
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
// five digits, all separated by the same '-' or ' ', with 7 to 14 digits
// in all (W643-8494-8134, K45-75-2598, Ontario's A1234-56789-01234), the
// shape of several states' and provinces' driver licence numbers. It
// needs licence context.
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
		for e < len(s) && isDigit(s[e]) && e-k <= 5 {
			e++
		}
		if e == k || e-k > 5 {
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
	if n < 2 || total < 7 || total > 14 || !numEnd(s, k) {
		return 0
	}
	if sc.hasContext(eDriverLicense, i, k) && sc.emit(eDriverLicense, i, k, 0.2, "dl.grouped") {
		return k
	}
	return 0
}

// looseName weighs a run of one to four capitalised words at i as a
// person's name, from what each word is in the lexicon (a frequent given
// name, a known name part, a common English word, a place), where it
// stands (a sentence start proves nothing) and the cues around it ("my
// name is", "Hi", "Caller", "says", a possessive). It reports the run when
// the evidence reaches the default threshold, and returns its end, or 0.
func (sc *scanner) looseName(i int) int {
	s := sc.s
	var toks [4]struct {
		a, b int
		f    uint32
	}
	n := 0
	p := i
	end := -1
	for n < len(toks) {
		e := capWord(s, p)
		if e < 0 {
			if n == 0 {
				return sc.capsLoose(i)
			}
			// an initial or a particle inside a name: "Emmett S. Davis",
			// "Henrique Lopes de Mendonça"
			if e2 := initial(s, p); e2 > 0 {
				if q := gap(s, e2); q > 0 && capWord(s, q) > 0 {
					p = q
					continue
				}
				if boxFollows(s, e2) {
					// an initial before a box a first pass left: the run
					// was longer then, stay idempotent ("Aa Aa B [PERSON_NAME]")
					return e2
				}
			} else if isLower(s[p]) && n > 0 && toks[n-1].f&(fGiven|fLexGiven|fName|fSurname) != 0 {
				// only after a known name part: not "Übersicht der Gebühren"
				if e2 := alphaEnd(s, p); lookupWord(s, p, e2)&fParticle != 0 {
					if q := gap(s, e2); q > 0 && capWord(s, q) > 0 {
						p = q
						continue
					}
				}
			}
			break
		}
		f := sc.lookup(p, e)
		if f == 0 && surnameShape(s, p, e) {
			f = fName // "Wojciechowski", "Oyelaran", "Papadopoulos"
		} else if f == 0 && nonASCII(s, p, e) {
			f = fAccented // "Sigrún Jónsdóttir"
		}
		if n > 0 && (f&(fOrgWord|fPlace) != 0 || f&fStop != 0 && e-p > 3 && f&(fGiven|fSurname|fLexGiven) == 0) &&
			!sc.cuedPlaceSurname(i, e, f, toks[0].f) {
			// "Acme Holdings LLC", "Jordan Park", "Lincoln Elementary",
			// "Jordan County": an organisation or a place
			return e
		}
		if f&fMonth != 0 && f&fName != 0 && e-p == 3 && e < len(s) && s[e] == ' ' {
			// a month's abbreviation that is also a given name, before a
			// capitalised word, not a day: "Jun Park", not "Jun 5"
			if q := gap(s, e); q > 0 && capWord(s, q) > 0 {
				f &^= fMonth
			}
		}
		if f&(fStop|fGeneric|fHonor|fMonth|fDear|fClosing|fPlace|fOrgWord) != 0 && f&(fGiven|fSurname|fLexGiven) == 0 {
			break
		}
		if s[p:e] == "Jr" || s[p:e] == "Sr" {
			break // "Martin Luther King Jr. Boulevard": placeFollows skips it
		}
		toks[n].a, toks[n].b, toks[n].f = p, e, f
		n++
		end = e
		if e < len(s) && !(s[e] == ' ' || s[e] == '\t') {
			break // punctuation or a possessive ends the run
		}
		q := gap(s, e)
		if q < 0 {
			break
		}
		p = q
	}
	if n == 0 {
		return 0
	}
	if k := i; k > 0 {
		for k > 0 && (s[k-1] == ' ' || s[k-1] == '\t' || s[k-1] == '-' || s[k-1] == '"' || s[k-1] == '\'' || s[k-1] == '(') {
			k--
		}
		if k > 0 && s[k-1] == ']' {
			// after a box a first pass left, the context is gone: stay
			// idempotent, and skip the whole run, or its later words
			// would be weighed alone ("[PERSON_NAME] Ba BoC"), however
			// long it is
			return capRunEnd(s, end)
		}
	}
	// a capitalised title before the name: "County Coroner Lorraine
	// Whitcombe", "Sheriff Donna Pettigrew", "Ohio Coach Terrence Albright";
	// the title is a cue, the name is weighed alone
	titled := 0.0
	for n > 1 && tokenValue(toks[0].f) == 0 && toks[0].f&(fGiven|fLexGiven|fSurname) == 0 && !placePrefixes.has(s, toks[0].a, toks[0].b) &&
		(toks[0].f&fRole != 0 || n > 2 && tokenValue(toks[1].f) >= 0.4 && toks[1].f&(fAmbig|fLexAmbig|fCommon|fPlaceName) == 0) {
		if toks[0].f&fRole != 0 {
			titled = 0.4
		} else if titled == 0 {
			titled = 0.15
		}
		copy(toks[:], toks[1:n])
		n--
		i = toks[0].a
	}
	if boxFollows(s, end) {
		// before a box a first pass left, the words after the run are
		// gone: stay idempotent ("Aa Aa [PERSON_NAME]")
		return end
	}
	sent, cue := cueBefore(s, i)
	if titled > 0 {
		sent, cue = false, titled
	}
	if lc := sc.listCue(i, end); lc > 0 && lc > cue {
		placeLike := false
		for k := 0; k < n; k++ {
			placeLike = placeLike || toks[k].f&(fPlaceName|fPlace|fOrgWord|fMajorPlace) != 0
		}
		if !placeLike {
			sent, cue = false, lc
		}
	}
	if cue <= -1 {
		if !(n > 1 && strongPair(toks[0].f, toks[n-1].f)) {
			return end // the tail of a longer capitalised phrase: "North Carolina"
		}
		// a frequent given name and a known name part after a
		// capitalised title: "County Coroner Lorraine Whitcombe",
		// "Ohio Coach Terrence Albright"
		sent, cue = false, 0
	}
	if i > 0 && (s[i-1] == '@' || s[i-1] == '#') {
		if s[i-1] == '#' {
			if e := hashtagName(s, i, toks[0].b); e > 0 && sc.emit(ePersonName, i, e, 0.6, "name.hashtag") {
				return e
			}
		}
		return toks[0].b // a handle or a hashtag; the words after it are weighed apart: "@jo_b Gordon Whitlaw"
	}
	if end < len(s) && (s[end] == '_' || s[end] == '@') {
		return end // an e-mail's local part
	}
	if cue < 0.3 && emailFollows(s, end) {
		cue = 0.3 // "Wei Clark <wei@example.com>"
	}
	if n > 1 && placePrefixes.has(s, toks[0].a, toks[0].b) {
		return end // "San Diego", "Santa Fe", "Fort Worth"
	}
	if n > 1 && carMakes.has(s, toks[0].a, toks[0].b) {
		return end // a car and its model: "Toyota Corolla", "Honda Civic"
	}
	if n == 1 && toks[0].b-toks[0].a < 3 && cue < 0.4 {
		return 0 // "Wi- Fi", "Te amo"
	}
	if n > 1 {
		for k := 0; k < n; k++ {
			if toks[k].f&fMajorPlace == 0 {
				continue
			}
			if k == 0 && n == 2 && toks[0].f&(fGiven|fLexGiven) != 0 && tokenValue(toks[1].f) >= 0.15 &&
				toks[1].f&(fCommon|fPlaceName|fPlace|fOrgWord|fStop|fGeneric) == 0 {
				continue // a given name that is also a place, then a family name: "Georgia Okafor", "India Lindqvist"
			}
			return end // "Hyatt Regency Houston", "Chiang Mai"
		}
	}
	if n > 1 && notPerson(s, toks[0].a, end) || placeFollows(s, end) || eventFollows(s, end) || firmFollows(s, end) || businessAfterPossessive(s, end) {
		return end
	}
	if ampFirmBefore(s, i) && toks[0].f&(fGiven|fLexGiven) == 0 {
		return end // "Smith & Wesson", "Ernst & Young": two family names joined by '&' make a firm
	}

	var score float64
	if n == 1 {
		f := toks[0].f
		v := tokenValue(f)
		switch {
		case f&fMonth != 0:
			v = -1 // "4 June 1943", "On April 29"
		case f&fMajorPlace != 0 && cue < 0.45 && !(f&(fGiven|fLexGiven) != 0 && personWordBefore(s, i)):
			return 0 // "in Israel", "Paris!", "This is America"; but "Hi Georgia,"
		case f&fPlaceName != 0 && f&(fGiven|fLexGiven) == 0 && v > 0.2:
			v = 0.2
		}
		after := cueAfter(s, end)
		if cue == 0 && !sent && f&(fPlaceName|fMajorPlace|fCommon) == 0 && auxBefore(s, i) {
			if q := gap(s, end); q > 0 && isLower(s[q]) {
				cue = 0.25 // the subject of a question: "Why did Tomomi leave?", "Will Oyelaran attend?"
			}
		}
		if f&(fAmbig|fLexAmbig) != 0 && f&fMonth == 0 && after >= 0.15 && v < 0.35 {
			v = 0.35 // "Matt has confirmed", "Barb says": a nickname that is also a word, before a verb
		}
		if v <= 0 && cue < 0.45 {
			return 0
		}
		score = v + cue + after
		if !sent || v >= 0.45 {
			score += 0.05
		}
		if !sent {
			score += 0.05
		}
	} else {
		first, last := tokenValue(toks[0].f), tokenValue(toks[n-1].f)
		if toks[0].f&(fAmbig|fLexAmbig) != 0 && last >= 0.15 {
			first = 0.3 // "Bill McKechnie"
		}
		if first >= 0.45 && last == 0 && toks[n-1].f&(fName|fSurname) != 0 {
			last = 0.1 // "Corey Partridge": a surname that is also a word
		}
		if n == 2 && syllableName(s, toks[0].a, toks[0].b) && toks[1].b-toks[1].a <= 5 && toks[1].f&(fStop|fGeneric|fPlace|fOrgWord|fPlaceName) == 0 {
			// a romanised Korean or Chinese given name, then a short family
			// name that may be an English word too: "Jae-won Shin"
			first, last = max(first, 0.35), max(last, 0.25)
		}
		if n == 2 && toks[0].f&fSurname != 0 && syllableName(s, toks[1].a, toks[1].b) {
			// family name first, then a romanised Korean or Chinese given
			// name: "Park Seo-yeon", though "Park" is also a place noun
			first, last = max(first, 0.3), max(last, 0.25)
		}
		if first <= 0 || last < 0 {
			return 0
		}
		score = first + last + cue
		if first >= 0.15 && last >= 0.15 && toks[n-1].f&fCommon == 0 && (toks[0].f&fCommon == 0 || toks[0].f&(fAmbig|fLexAmbig) != 0) {
			score += 0.1 // two capitalised words no list calls common: "Bob Maumill"
		}
		if sent && toks[0].f&(fGiven|fLexGiven|fName|fSurname) == 0 {
			score -= 0.1
			if (toks[0].f|toks[n-1].f)&fCommon == 0 {
				score += cueAfter(s, end) // "Tomomi Nishiyama lives at"
			}
		}
	}
	if score < 0.5 {
		return 0
	}
	if n == 1 && toks[0].f&(fGiven|fLexGiven) != 0 {
		// "Ruiz, Ana": the surname before a comma belongs to the name
		if k := i - 2; k > 1 && s[k] == ',' && s[k+1] == ' ' && isAlpha(s[k-1]) {
			a := k
			for a > 0 && isAlpha(s[a-1]) {
				a--
			}
			if f := lookupAll(s, a, k); isUpper(s[a]) && capWord(s, a) == k && f&(fGiven|fLexGiven|fCommon|fStop) == 0 && f&(fSurname|fName) != 0 {
				i = a
			}
		}
	}
	if score > 0.85 {
		score = 0.85
	}
	if sc.emit(ePersonName, i, end, score, "name.loose") {
		return end
	}
	return 0
}

// listSeps separate the items of a list of people.
var listSeps = [...]string{", ", " and ", ", and ", " & ", " or ", ", or "}

// listCue is the evidence that the capitalised run s[i:end] continues a
// list of people: the finding just before it is a person's name, only a
// list separator stands between, and after a bare comma the list goes on
// ("Max Carey, Kiki Cuyler, and Pie Traynor"; not "Ana Ruiz, Salem").
func (sc *scanner) listCue(i, end int) float64 {
	n := len(sc.out)
	if n == 0 {
		return 0
	}
	last := sc.out[n-1]
	if last.Entity != sc.r.ents[ePersonName] || last.End > i || i-last.End > 6 || last.Score < 0.5 {
		return 0
	}
	s := sc.s
	sep := s[last.End:i]
	for _, w := range listSeps {
		if sep != w {
			continue
		}
		if w == ", " {
			// a bare comma: the list must go on after the run
			more := false
			for _, w2 := range listSeps {
				more = more || strings.HasPrefix(s[end:], w2)
			}
			if !more {
				return 0
			}
		}
		return 0.3
	}
	return 0
}

// hashtagName reports whether the hashtag word s[i:b] spells a person's
// name in CamelCase: a frequent given name that is no common word, then
// one or two parts that are known name parts ("#DonaldSterling",
// "#JessicaOkafor"). It returns b, or 0.
func hashtagName(s string, i, b int) int {
	var parts [4]int
	n := 0
	for k := i; k < b; k++ {
		if isUpper(s[k]) {
			if n == len(parts) {
				return 0
			}
			parts[n] = k
			n++
		} else if !isLower(s[k]) {
			return 0
		}
	}
	if n < 2 || n > 3 || parts[0] != i {
		return 0
	}
	for k := 0; k < n; k++ {
		e := b
		if k+1 < n {
			e = parts[k+1]
		}
		if e-parts[k] < 2 {
			return 0
		}
		f := lookupAll(s, parts[k], e)
		if k == 0 && (f&(fGiven|fLexGiven) == 0 || f&(fCommon|fAmbig|fLexAmbig|fPlaceName) != 0) {
			return 0
		}
		if k > 0 && (f&(fName|fSurname|fGiven|fLexGiven) == 0 && !surnameShape(s, parts[k], e) || f&(fPlaceName|fOrgWord|fStop) != 0) {
			return 0
		}
	}
	return b
}

// capRunEnd extends a run of capitalised words that ends at e over the
// capitalised words and initials that follow it.
func capRunEnd(s string, e int) int {
	for {
		q := gap(s, e)
		if q < 0 {
			return e
		}
		if e2 := capWord(s, q); e2 > 0 {
			e = e2
			continue
		}
		if e2 := initial(s, q); e2 > 0 {
			e = e2
			continue
		}
		return e
	}
}

// cuedPlaceSurname reports whether a place noun that is also a family
// name, ending a run of capitalised words at e, is the family name of a
// person a cue announced: "Tenant Hye-jin Park", "Caller Mary Park says"
// (a role word first in the run, or a cue before it), when nothing after
// it makes the run a place or a firm ("Caller Mary Park Committee").
func (sc *scanner) cuedPlaceSurname(i, e int, f, first uint32) bool {
	s := sc.s
	if f&fPlace == 0 || f&fOrgWord != 0 || f&fSurname == 0 {
		return false
	}
	if q := gap(s, e); q > 0 && capWord(s, q) > 0 {
		return false // more capitalised words: "Mary Park Road"
	}
	if orgFollows(s, e) || placeFollows(s, e) || eventFollows(s, e) {
		return false
	}
	return first&fRole != 0 || personWordBefore(s, i)
}

// personWordBefore reports whether the word before i (across spaces and
// one comma) announces a person, not just a name: a role or relation
// ("Tenant", "my wife"), a salutation or a greeting ("Dear", "Hi",
// "Thanks,"). Cues that also name places ("named", "call", "met") do not
// count: "named Lincoln Park".
func personWordBefore(s string, i int) bool {
	k := i
	for k > 0 && s[k-1] == ' ' {
		k--
	}
	colon := false
	if k > 0 && (s[k-1] == ',' || s[k-1] == ':') {
		colon = s[k-1] == ':'
		k--
		for k > 0 && s[k-1] == ' ' {
			k--
		}
	}
	b := k
	for k > 0 && b-k < 16 && isAlpha(s[k-1]) {
		k--
	}
	if k == b || k > 0 && isWord(s[k-1]) {
		return false
	}
	if f := lookupAll(s, k, b); f&(fRole|fKin|fDear) != 0 || colon && f&fLabel != 0 {
		return true // "Tenant Hye-jin Park", "Attendees: Jun Park"
	}
	switch strings.ToLower(s[k:b]) {
	case "hi", "hello", "hey", "thanks", "thank", "thx":
		return true
	}
	return false
}

// nonASCII reports whether s[a:b] has a byte beyond ASCII.
func nonASCII(s string, a, b int) bool {
	for k := a; k < b; k++ {
		if s[k] >= 0x80 {
			return true
		}
	}
	return false
}

// syllableName reports whether s[a:b] has the shape of a romanised Korean
// or Chinese given name: a capitalised syllable, a hyphen and a lower-case
// syllable ("Seo-yeon", "Min-jun"), as capWord reads one.
func syllableName(s string, a, b int) bool {
	h := strings.IndexByte(s[a:b], '-')
	return h >= 2 && h <= 4 && a+h+1 < b && isLower(s[a+h+1]) && b-(a+h+1) >= 2 && b-(a+h+1) <= 5
}

// strongPair reports whether a run of capitalised words that starts with
// the flags first and ends with last reads as a person's name by itself:
// a frequent given name that is no common word, then a known name part
// that is no common word or place.
func strongPair(first, last uint32) bool {
	return first&(fGiven|fLexGiven) != 0 && first&(fAmbig|fLexAmbig|fCommon|fPlaceName) == 0 &&
		last&(fName|fSurname) != 0 && last&(fCommon|fPlaceName|fStop|fGeneric|fPlace|fOrgWord) == 0
}

// tokenValue is the evidence that a capitalised word is part of a name:
// negative for a word that cannot be, zero for a common English word.
func tokenValue(f uint32) float64 {
	switch {
	case f&(fMonth|fStop|fGeneric|fHonor) != 0 && f&(fGiven|fSurname|fLexGiven) == 0:
		return -1
	case f&fCommon != 0:
		if f&(fAmbig|fLexAmbig|fSurname) != 0 {
			return 0.1 // Will, Rose, Brown, Young
		}
		return 0
	case f&(fGiven|fLexGiven) != 0:
		return 0.45
	case f&fSurname != 0:
		return 0.35
	case f&fName != 0:
		return 0.4
	case f&fPlaceName != 0:
		return 0.05
	case f&fAccented != 0:
		return 0.25 // a word no list knows, with accents: in English text a foreign name more often than anything else
	}
	return 0.15 // a word no list knows: "Nishiyama"
}

// notPerson reports whether s[a:b] is a place or a firm whose name reads
// like a person's ("Morgan Stanley", "Santa Clara").
func notPerson(s string, a, b int) bool {
	var buf [48]byte
	n := 0
	for k := a; k < b; k++ {
		c := s[k]
		switch {
		case isAlpha(c):
			if n == len(buf) {
				return false
			}
			buf[n] = lower(c)
			n++
		case c == ' ' || c == '\t':
			if n > 0 && buf[n-1] != ' ' {
				if n == len(buf) {
					return false // longer than any phrase listed
				}
				buf[n] = ' '
				n++
			}
		case c >= 0x80:
			return false
		}
	}
	w := string(buf[:n])
	if notPersonPhrases[w] {
		return true
	}
	f := wordsTable().get(w, 0, len(w))
	return f&fPlaceName != 0 && f&fName == 0
}

// cueBefore looks at what precedes a name candidate at i: whether it
// starts a sentence, and how much the words before it say that a name
// follows ("my name is", "I'm", "Hi", "Thanks,", "Caller", "by").
func cueBefore(s string, i int) (sentence bool, cue float64) {
	k := i
	for k > 0 && (s[k-1] == ' ' || s[k-1] == '\t' || s[k-1] == '"' || s[k-1] == '(') {
		k--
	}
	if k == 0 {
		return true, 0
	}
	c := s[k-1]
	comma := false
	switch {
	case c == '.' && k >= 3 && s[k-3:k] == "St.":
		return false, -1 // "Main St. John"
	case c == '.' || c == '!' || c == '?' || c == '\n' || c == '\r' || c == ':' || c == '>' || c == '*' || c == '-' || c == '|':
		return true, 0
	case c == ',':
		comma = true
		k--
		for k > 0 && s[k-1] == ' ' {
			k--
		}
	case !isAlpha(c):
		return false, 0
	}
	b := k
	a := b
	for a > 0 && b-a < 16 && isAlpha(s[a-1]) {
		a--
	}
	if a == b {
		return false, 0
	}
	if b-a == 1 && (s[a] == 'm' || s[a] == 'M') && a >= 2 && s[a-1] == '\'' && (s[a-2] == 'I' || s[a-2] == 'i') && (a == 2 || !isAlpha(s[a-3])) {
		return false, 0.4 // "I'm Tomasz"
	}
	f := lookupAll(s, a, b)
	if isUpper(s[a]) && !comma && sentenceAt(s, a) && clauseStarts.has(s, a, b) {
		// a question or a clause opens with an auxiliary or a conjunction
		// and the name is its subject: "Is Joaquín coming?", "Did
		// Oluwaseun call?", "When Priya arrived"; weighed as mid-sentence
		return false, 0
	}
	if isUpper(s[a]) && !comma && sentenceAt(s, a) && f&(fGiven|fLexGiven|fSurname|fCue|fDear|fRole|fKin|fHonor|fGeneric|fStop|fPlace|fPlaceName) == 0 {
		return true, 0 // "Both Svetlana Kuzmina", "Then Ngozi"
	}
	if isUpper(s[a]) && !comma && f&(fCue|fDear|fRole|fKin|fHonor|fGeneric) == 0 &&
		(f&(fStop|fPlaceName|fCommon|fPlace) != 0 && f&(fGiven|fLexGiven|fSurname) == 0 || b-a == 2 && s[a:b] == "St") {
		// "North Carolina", "New Jersey", "Main St. John"
		return false, -1
	}
	switch {
	case f&(fCue|fDear) != 0:
		return a == 0 || !isAlpha(s[a-1]) && a > 0 && (s[a-1] == '\n' || s[a-1] == ' '), 0.4
	case comma:
		return false, 0
	case f&(fRole|fKin) != 0:
		return false, 0.4
	case f&fNameCue != 0:
		// "my name is", "I am", "I'm", "this is"
		if b-a == 1 || b-a == 2 && (s[a] == 'i' || s[a] == 'I') {
			// "I'm" / "Im"
			if b-a == 1 && a >= 2 && s[a-1] == '\'' && (s[a-2] == 'I' || s[a-2] == 'i') {
				return false, 0.4
			}
			if b-a == 2 {
				return false, 0.4
			}
		}
		q := a
		for q > 0 && s[q-1] == ' ' {
			q--
		}
		w := q
		for w > 0 && q-w < 8 && isAlpha(s[w-1]) {
			w--
		}
		switch {
		case w == q:
		case equalFoldLower(s[w:q], "name"):
			return false, 0.45
		case equalFoldLower(s[w:q], "i"):
			return false, 0.4
		case equalFoldLower(s[w:q], "this"):
			return false, 0.3
		}
	case b-a == 2 && equalFoldLower(s[a:b], "by"):
		return false, 0.15
	case b-a == 2 && equalFoldLower(s[a:b], "of"):
		// "City of Springfield", "University of Ghana": a place or an
		// organisation's name
		q := a
		for q > 0 && s[q-1] == ' ' {
			q--
		}
		w := q
		for w > 0 && q-w < 16 && isAlpha(s[w-1]) {
			w--
		}
		if w < q && isUpper(s[w]) && lookupAll(s, w, q)&(fStop|fPlace|fOrgWord|fGeneric) != 0 {
			return false, -1
		}
	case locatives.has(s, a, b):
		return false, -0.1 // "in Ontario", "near Basel": more often a place
	case b-a <= 4 && (equalFoldLower(s[a:b], "to") || equalFoldLower(s[a:b], "with")):
		// "I spoke to Lakshmi", "met with Gregory"
		q := a
		for q > 0 && s[q-1] == ' ' {
			q--
		}
		w := q
		for w > 0 && q-w < 10 && isAlpha(s[w-1]) {
			w--
		}
		if w < q && talkVerbs.has(s, w, q) {
			return false, 0.2
		}
		if w < q && equalFoldLower(s[w:q], "according") {
			return false, 0.3 // "according to Tomomi": a source, a person more often than not
		}
	}
	return false, 0
}

// sentenceAt reports whether the word at a starts a sentence or a line.
func sentenceAt(s string, a int) bool {
	k := a
	for k > 0 && (s[k-1] == ' ' || s[k-1] == '\t' || s[k-1] == '"') {
		k--
	}
	return k == 0 || s[k-1] == '.' || s[k-1] == '!' || s[k-1] == '?' || s[k-1] == '\n'
}

// clauseStarts open a question or a clause whose subject may be a name
// that follows: "Is Joaquín coming?", "Did Oluwaseun call?", "When Priya
// arrived".
var clauseStarts = newWordSet("is was are were did does do has have had can could will would should may might must when why how whenever while after before because although though since until unless if once whether yesterday today tomorrow tonight later earlier then now also however meanwhile afterwards finally unfortunately fortunately luckily apparently recently actually and but so")

// auxWords are auxiliaries that put their subject after them in a
// question: "Why did Tomomi leave?".
var auxWords = newWordSet("did does do will would can could should")

// auxBefore reports whether the word before i is an auxiliary in lower
// case, or capitalised at the start of a sentence.
func auxBefore(s string, i int) bool {
	k := i
	for k > 0 && s[k-1] == ' ' {
		k--
	}
	b := k
	for k > 0 && b-k < 6 && isAlpha(s[k-1]) {
		k--
	}
	if k == b || k > 0 && isWord(s[k-1]) || !auxWords.has(s, k, b) {
		return false
	}
	return isLower(s[k]) || sentenceAt(s, k)
}

// personVerbs are what only a person does: after a capitalised word no
// list knows they make it a name, even at a sentence's start ("Tomomi
// lives in Lyon"); firms and places say, report and hold, so the other
// verbs after a person (saidWords) weigh less.
var personVerbs = newWordSet("lives lived died married divorced thinks thought feels felt wants wanted knows knew loves loved hates hated remembers remembered")

// personalNouns are what a person, not a firm or a place, has: after a
// possessive they make the word before a name ("Tomomi's phone number").
var personalNouns = newWordSet("phone number email address birthday age mother father mom dad mum sister brother wife husband son daughter kids children family parents partner girlfriend boyfriend cousin aunt uncle grandmother grandfather grandma grandpa fiance fiancee landlord roommate dog cat car passport license licence ssn medical health doctor lawyer attorney")

// locatives are prepositions after which a lone capitalised word is more
// often a place than a person.
var locatives = newWordSet("in at near from across outside around via into towards toward")

// carMakes start a vehicle's description ("a silver Honda Civic"), not a
// name; makes that are common given names (Mercedes) are left out.
var carMakes = newWordSet("toyota honda nissan hyundai kia subaru mazda mitsubishi suzuki lexus acura infiniti volkswagen vw bmw audi porsche volvo chevrolet chevy gmc buick cadillac chrysler jeep dodge tesla fiat peugeot renault citroen skoda opel seat saab jaguar isuzu scion rivian polestar")

// placePrefixes start place names that read like "First Last".
var placePrefixes = newWordSet("san santa santo sao los las fort port mount mt lake saint sainte new north south east west upper lower greater")

// talkVerbs make "to" or "with" after them a cue for a name: "I spoke to
// Lakshmi", "met with Gregory".
var talkVerbs = newWordSet("spoke speak talk talked wrote write sent send reach reached met meet meeting listen listened married belongs belonged gave give explained replied said forwarded forward")

// cueAfter is the evidence that the words after a single-word candidate
// ending at e give: a possessive, or a verb that follows a person
// ("Deborah says").
func cueAfter(s string, e int) float64 {
	v := 0.0
	// "Miranda, you are", "Jess and I": addressed, or paired with the writer
	if strings.HasPrefix(s[e:], ", you ") || strings.HasPrefix(s[e:], " and I ") || strings.HasPrefix(s[e:], " and me ") {
		return 0.35
	}
	p := e
	if p < len(s) && s[p] == ' ' {
		p++ // "Arafat 's" in tokenised text
	}
	if strings.HasPrefix(s[p:], "'s") || strings.HasPrefix(s[p:], "’s") || strings.HasPrefix(s[p:], "' s ") || strings.HasPrefix(s[p:], "’ s ") {
		v = 0.1 // "Rebecca's", and "Rebecca' s" in tokenised text
		e = strings.IndexByte(s[p:], 's') + p + 1
		if q := gap(s, e); q > 0 && isLower(s[q]) && personalNouns.has(s, q, alphaEnd(s, q)) {
			return 0.3 // "Tomomi's phone number", "Rubija's mother": what a person has
		}
	}
	// "Tamsin Oyelowo (born May 2, 1987)": a biography's opening
	if strings.HasPrefix(s[e:], " (born ") || strings.HasPrefix(s[e:], " (née ") || strings.HasPrefix(s[e:], " (nee ") {
		return 0.4
	}
	for k := 0; k < 2; k++ {
		q := gap(s, e)
		if q < 0 || !isLower(s[q]) {
			return v
		}
		c := alphaEnd(s, q)
		if personVerbs.has(s, q, c) {
			return v + 0.35 // "Tomomi lives in Lyon": what only a person does
		}
		if lookupAll(s, q, c)&fSaid != 0 {
			return v + 0.15
		}
		if c-q > 4 && s[c-2:c] == "ed" {
			return v + 0.1 // a verb in the past: "Hitzig published"
		}
		// one adverb may stand between: "Cabral also holds"
		if !(c-q > 3 && s[c-2:c] == "ly" || adverbs.has(s, q, c)) {
			return v
		}
		e = c
	}
	return v
}

// addNameKeys remembers the words of a person name just found at s[a:b],
// so that later mentions of them alone are found too ("Manuel Belgrano
// ... Belgrano's army"). Only names of two words or a good score are
// carried (a lone word found on weak evidence would spread its error),
// and only words that are no common word, place or title.
func (sc *scanner) addNameKeys(a, b int, score float64) {
	s := sc.s
	if score < 0.6 && strings.IndexByte(s[a:b], ' ') < 0 {
		return
	}
	for p := a; p < b && sc.nKeys < len(sc.nameKeys)/2; {
		e := capWord(s, p)
		if e < 0 || e > b {
			p = nextWord(s, p, b)
			continue
		}
		if e-p >= 3 && lookupAll(s, p, e)&(fCommon|fStop|fGeneric|fHonor|fMonth|fPlaceName|fPlace|fDear|fClosing|fOrgWord|fRole) == 0 {
			h := foldHash(s, p, e) | 1
			k := h & uint64(len(sc.nameKeys)-1)
			for sc.nameKeys[k] != 0 && sc.nameKeys[k] != h {
				k = (k + 1) & uint64(len(sc.nameKeys)-1)
			}
			if sc.nameKeys[k] == 0 {
				sc.nameKeys[k] = h
				sc.nKeys++
				sc.lastKey = a
			}
		}
		p = nextWord(s, e, b)
	}
}

// isNameKey reports whether the capitalised word s[a:b] is a word of a
// name found earlier in the text.
func (sc *scanner) isNameKey(a, b int) bool {
	h := foldHash(sc.s, a, b) | 1
	k := h & uint64(len(sc.nameKeys)-1)
	for sc.nameKeys[k] != 0 {
		if sc.nameKeys[k] == h {
			return true
		}
		k = (k + 1) & uint64(len(sc.nameKeys)-1)
	}
	return false
}

// repeatBefore finds, after the scan, the mentions of name words that
// come before the name that taught them ("I spoke to Nomvula ... Nomvula
// Dube"): it rereads the text up to where the last word was learnt, and
// merges what it finds into the sorted findings.
func (sc *scanner) repeatBefore(base int) {
	s := sc.s
	n := len(sc.out)
	cur := base
	for i := 0; i < sc.lastKey; i++ {
		c := s[i]
		if !(isUpper(c) || c >= 0xc0) || !tokenStart(s, i) {
			continue
		}
		e := capWord(s, i)
		if e < 0 {
			continue
		}
		if sc.isNameKey(i, e) {
			for cur < n && sc.out[cur].End <= i {
				cur++
			}
			if !(cur < n && sc.out[cur].Start < e) && !placeFollows(s, e) && !orgFollows(s, e) && !(i > 0 && (s[i-1] == '@' || s[i-1] == '#' || s[i-1] == ']')) {
				sc.emit(ePersonName, i, e, 0.6, "name.repeat")
			}
		}
		i = e - 1
	}
	if m := len(sc.out) - n; m > 0 {
		merged := make([]Finding, 0, len(sc.out)-base)
		a, b := sc.out[base:n], sc.out[n:]
		for len(a) > 0 && len(b) > 0 {
			if b[0].Start < a[0].Start {
				merged, b = append(merged, b[0]), b[1:]
			} else {
				merged, a = append(merged, a[0]), a[1:]
			}
		}
		merged = append(append(merged, a...), b...)
		copy(sc.out[base:], merged)
	}
}

// repeatName reports a run of words of names found earlier at i, unless
// a street or organisation word follows ("Okonkwo Street"). It returns
// the end, or 0.
func (sc *scanner) repeatName(i int) int {
	s := sc.s
	e := capWord(s, i)
	if e < 0 || !sc.isNameKey(i, e) {
		return 0
	}
	end := e
	for {
		q := gap(s, end)
		if q < 0 {
			break
		}
		e2 := capWord(s, q)
		if e2 < 0 {
			break
		}
		if !sc.isNameKey(q, e2) {
			// a name word after a known one belongs to the same name:
			// "Jane" known, "Jane Smith" found whole
			if f := lookupAll(s, q, e2); tokenValue(f) >= 0.15 && f&(fPlaceName|fPlace|fOrgWord) == 0 {
				end = e2
			}
			break
		}
		end = e2
	}
	if placeFollows(s, end) || orgFollows(s, end) {
		return 0
	}
	if sc.emit(ePersonName, i, end, 0.6, "name.repeat") {
		return end
	}
	return 0
}

// nextWord returns the start of the next word after p, before end.
func nextWord(s string, p, end int) int {
	for p < end && isWord(s[p]) {
		p++
	}
	for p < end && !isWord(s[p]) {
		p++
	}
	return p
}

// lowerCues finds lower-case names after a strong cue in chat-like text:
// "my name is eva kleist", "i'm tanner". The scanner does not stop at
// lower-case letters, so "name is" is searched for with strings.Index and
// "i'm" from each apostrophe, both fast on text that has none; capitalised
// cues ("Hi eva", "I'm eva") are handled by upper.
func (sc *scanner) lowerCues() {
	s := sc.s
	for off := 0; ; {
		k := strings.Index(s[off:], "name is ")
		if k < 0 {
			break
		}
		off += k + 8
		sc.lowerName(off)
		if sc.done {
			return
		}
	}
	for off := 0; ; {
		k := strings.IndexByte(s[off:], '\'')
		if k < 0 {
			break
		}
		a := off + k
		off = a + 1
		if a > 0 && a+2 < len(s) && s[a-1] == 'i' && (a == 1 || !isAlpha(s[a-2])) && s[a+1] == 'm' && s[a+2] == ' ' {
			sc.lowerName(a + 3)
			if sc.done {
				return
			}
		}
	}
}

// lowerCueWords are greetings, thanks and verbs of contact after which a
// lower-case known name part is a name: "thanks obama", "hey jude", "bye
// hendo", "can you call ngozi"; the scanner
// looks for them in lowerAt ("hi" apart, being two letters).
var lowerCueWords = [...]string{"thanks ", "thank you ", "hey ", "hello ", "bye ", "love you ", "congrats ", "dear ", "ask ", "tell ", "call ", "text ", "email ", "remind ", "ping "}

// lowerName reports a lower-case name at p after a strong cue: a known
// name part that is no common word, with a second name word when one
// follows.
func (sc *scanner) lowerName(p int) int {
	s := sc.s
	if p >= len(s) || !isLower(s[p]) {
		return 0
	}
	e := letterRun(s, p)
	f := lookupAll(s, p, e)
	if f&(fCommon|fStop|fGeneric|fMonth|fPlaceName|fHonor|fCue|fSaid|fNameCue) != 0 {
		return 0
	}
	if f&(fGiven|fLexGiven|fName|fSurname) == 0 {
		return 0
	}
	end := e
	if q := gap(s, e); q > 0 && isLower(s[q]) {
		e2 := letterRun(s, q)
		if f2 := lookupAll(s, q, e2); f2&(fName|fSurname|fGiven|fLexGiven) != 0 && f2&(fCommon|fStop|fGeneric|fSaid|fMonth) == 0 {
			end = e2
		}
	}
	if wordEnd(s, end) && sc.emit(ePersonName, p, end, 0.55, "name.lowercue") {
		return end
	}
	return 0
}

// upperCue handles a capitalised cue word at i ending at j followed by a
// lower-case name: "Hi eva", "Hey tanner", "I'm eva", "I am eva".
func (sc *scanner) upperCue(i, j int) int {
	s := sc.s
	switch {
	case j-i == 1 && s[i] == 'I':
		if strings.HasPrefix(s[j:], "'m ") {
			return sc.lowerName(j + 3)
		}
		if strings.HasPrefix(s[j:], " am ") {
			return sc.lowerName(j + 4)
		}
		return 0
	case lookupAll(s, i, j)&fCue != 0:
		if q := gap(s, j); q > 0 {
			return sc.lowerName(q)
		}
	}
	return 0
}

// capsLoose weighs a name written in capitals at i ("JOHN Q. SMITH",
// "love you JUSTIN"): a frequent given name that is no common word, then
// up to two more name words; alone, only when the words around it are not
// in capitals too (a shouted sentence or a heading).
func (sc *scanner) capsLoose(i int) int {
	s := sc.s
	e := capsWord(s, i)
	if e < 0 || e-i <= 3 || e < len(s) && s[e] == '_' || i > 0 && s[i-1] == '[' {
		return 0 // "MAC", "ED": acronyms; "[MAC_ADDRESS]": a box
	}
	if k := i; k > 0 {
		for k > 0 && (s[k-1] == ' ' || s[k-1] == '\t' || s[k-1] == '-' || s[k-1] == '"' || s[k-1] == '\'' || s[k-1] == '(') {
			k--
		}
		if k > 0 && s[k-1] == ']' {
			return e // after a box a first pass left, the context is gone: "[PERSON_NAME] A'YA"
		}
	}
	f := lookupAll(s, i, e)
	if f&(fGiven|fLexGiven) == 0 || f&(fCommon|fStop|fGeneric|fHonor|fMonth|fPlaceName|fPlace|fOrgWord) != 0 {
		return 0
	}
	end, words := e, 1
	p := e
	for words < 3 {
		q := gap(s, p)
		if q < 0 {
			break
		}
		if e2 := initial(s, q); e2 > 0 {
			if q2 := gap(s, e2); q2 > 0 && capsWord(s, q2) > 0 {
				q = q2
			}
		}
		e2 := capsWord(s, q)
		if e2 < 0 {
			break
		}
		f2 := lookupAll(s, q, e2)
		if f2&(fCommon|fStop|fGeneric|fMonth|fPlace|fOrgWord|fMajorPlace|fSaid|fCue) != 0 && f2&(fSurname|fGiven|fLexGiven) == 0 {
			if words == 1 {
				return 0 // "JUSTIN FOLLOW": a shouted sentence
			}
			break
		}
		end, p = e2, e2
		words++
	}
	if words == 1 {
		if k := wordBefore(s, i); k < i && isUpper(s[k]) && k+1 < len(s) && isUpper(s[k+1]) {
			return 0 // "PLEASE JUSTIN"
		}
	}
	if boxFollows(s, end) {
		return end // before a box a first pass left, the context is gone: "A'YA'[PERSON_NAME]"
	}
	score := 0.5
	if words > 1 {
		score = 0.6
	}
	if sc.emit(ePersonName, i, end, score, "name.caps") {
		return end
	}
	return 0
}

// surnameEnds are endings typical of family names in many languages,
// written for this package: Slavic, Baltic, Nordic, Greek, Armenian,
// Georgian, Turkish, Romanian, Italian, Spanish and Portuguese, South
// Asian and Yoruba.
var surnameEnds = []string{"ski", "ska", "sky", "wicz", "owicz", "enko", "ovic", "evic", "vich", "ovna", "ova", "eva", "ov", "ev", "uk", "chuk", "czak", "czyk", "sson", "ssen", "sen", "dottir", "dóttir", "poulos", "opoulos", "ides", "akis", "yan", "ian", "shvili", "dze", "oglu", "escu", "elli", "etti", "ini", "ucci", "ez", "aes", "eira", "anathan", "wala", "appa", "amurthy", "ola", "ade", "nwa"}

// surnameShape reports whether the word s[a:b], which no list knows, ends
// like a family name and is long enough for the ending to mean something.
func surnameShape(s string, a, b int) bool {
	if b-a < 6 {
		return false
	}
	for _, e := range surnameEnds {
		if b-a > len(e)+2 && equalFoldLower(s[b-len(e):b], e) {
			return true
		}
	}
	return false
}

// Lower-case names: the scanner calls lowerAt at each word start after a
// space or newline (and at the text's start) where two lower-case letters
// stand, for frequent given names written in lower case in chat-like text
// ("marisa is here", "tell brad"), with a family name after one when the
// lexicon knows it ("jill allen"), and for known name parts after a
// greeting ("thanks obama"). A given name counts only when the lexicon
// calls it frequent and neither it nor the larger word list calls it a
// common word (not "will", "dale", "june"), and when it stands alone
// between spaces or punctuation (not in a handle, an address or a path).
// A bit test on the word's first four bytes (lowerStart) turns most words
// away before any lookup.

// lowerAt is the lower-case name rule at the word start p, where two lower-case letters
// stand: a greeting and the name after it, or a frequent given name. It
// returns the end of what it reported, or 0.
func (sc *scanner) lowerAt(t *wordTable, p int) int {
	s := sc.s
	c := s[p+2]
	if !isLower(c) {
		if s[p] == 'h' && s[p+1] == 'i' && c == ' ' {
			return sc.lowerName(p + 3) // "hi eva"
		}
		return 0
	}
	for _, w := range lowerCueWords {
		if w[0] == s[p] && strings.HasPrefix(s[p:], w) {
			return sc.lowerName(p + len(w))
		}
	}
	return sc.lowerName1(t, p)
}

// lowerNameNot are the flags that keep a lower-case word from being read
// as a name.
const lowerNameNot = fCommon | fLexAmbig | fAmbig | fPlaceName | fLowerWord | fMonth | fStop | fGeneric | fHonor | fCue | fSaid | fNameCue | fParticle | fRole | fOrgWord | fKin | fDear | fClosing

// lowerName1 weighs the lower-case word at p for lowerAt and returns
// the end of what it reported, or 0.
func (sc *scanner) lowerName1(t *wordTable, p int) int {
	s := sc.s
	e := p
	for e < len(s) && isLower(s[e]) {
		e++
	}
	if e-p < 3 || e-p > 12 || !lowerBound(s, e) {
		return 0
	}
	if !t.isLowerName(s, p, e) {
		return 0
	}
	end := e
	if q := gap(s, e); q > 0 && isLower(s[q]) {
		e2 := q
		for e2 < len(s) && isLower(s[e2]) {
			e2++
		}
		if e2-q >= 3 && lowerBound(s, e2) {
			if f2 := t.get(s, q, e2); f2&(fName|fSurname|fLexGiven) != 0 && f2&lowerNameNot == 0 {
				end = e2 // "jill allen"
			}
		}
	}
	if sc.emit(ePersonName, p, end, 0.5, "name.lower") {
		return end
	}
	return 0
}

// lowerBound reports whether a lower-case word ends at e: at the end of
// the text, before a space or punctuation, or before a full stop that
// ends a sentence (not "eva.smith@", "maria_b").
func lowerBound(s string, e int) bool {
	if e >= len(s) {
		return true
	}
	switch s[e] {
	case ' ', '\n', '\r', '\t', ',', '!', '?', ':', ';', ')', '"', '\'':
		return true
	case '.':
		return e+1 >= len(s) || s[e+1] == ' ' || s[e+1] == '\n' || s[e+1] == '\r'
	}
	return false
}

// boxFollows reports whether a redaction box such as "[PERSON_NAME]"
// follows e after spaces or a hyphen ("Aa-[PERSON_NAME]"). Only the labels
// of the built-in entities and the pii marker ("[REDACTED:email]") count:
// a bracketed word of the document's own ("Maria Lopez [DECEASED]",
// "account 4134576207 [CLOSED]") must not hide what stands before it.
func boxFollows(s string, e int) bool {
	for e < len(s) && (s[e] == ' ' || s[e] == '\t' || s[e] == '-' || s[e] == '\'') {
		e++
	}
	if e >= len(s) || s[e] != '[' {
		return false
	}
	k := e + 1
	for k < len(s) && k-e < 40 && (isUpper(s[k]) || s[k] == '_') {
		k++
	}
	return k > e+1 && k < len(s) && (s[k] == ']' || s[k] == ':') && boxWords[s[e+1:k]]
}

// boxWords are the words inside the boxes the package's operators write:
// the built-in entities' labels and the pii marker's REDACTED.
var boxWords = func() map[string]bool {
	m := map[string]bool{"REDACTED": true}
	for _, e := range builtinEntities {
		m[strings.ToUpper(string(e))] = true
	}
	return m
}()

// firmFollows reports whether a company suffix in any case follows e:
// "Hartwell Logistics LLC", "Acme Roofing Inc.".
func firmFollows(s string, e int) bool {
	if e < len(s) && s[e] == ',' {
		e++ // "Acme Roofing, Inc."
	}
	// "Brennan & Sons", "Kowalski and Daughters", "Nguyen Bros.": a family
	// business
	if strings.HasPrefix(s[e:], " & ") {
		e += 2
	} else if strings.HasPrefix(s[e:], " and ") {
		if q := e + 5; q < len(s) && isUpper(s[q]) && familyFirmWords.has(s, q, alphaEnd(s, q)) {
			return true
		}
	}
	q := gap(s, e)
	if q < 0 || !isUpper(s[q]) {
		return false
	}
	c := alphaEnd(s, q)
	if familyFirmWords.has(s, q, c) {
		return true
	}
	return firmSuffixes.has(s, q, c)
}

// ampFirmBefore reports whether a capitalised word and " & " stand right
// before i, where the word is no given name: "Smith & Wesson".
func ampFirmBefore(s string, i int) bool {
	if i < 4 || s[i-3:i] != " & " {
		return false
	}
	b := i - 3
	if s[b-1] == ']' {
		return true // a box a first pass left: the word there was weighed then
	}
	a := b
	for a > 0 && isAlpha(s[a-1]) {
		a--
	}
	return a < b && isUpper(s[a]) && lookupAll(s, a, b)&(fGiven|fLexGiven) == 0
}

// familyFirmWords end the name of a family business after its founder's
// name: "Brennan & Sons", "Nguyen Brothers", "Adeyemi & Co".
var familyFirmWords = newWordSet("sons son daughters brothers bros sisters associates partners co company")

// businessAfterPossessive reports whether a possessive and a capitalised
// word that names a trade follow e: "Joe's Auto Body", "Huong's
// Alterations", "Maria's Bakery" are shops, not people.
func businessAfterPossessive(s string, e int) bool {
	p := e
	switch {
	case strings.HasPrefix(s[p:], "'s "):
		p += 3
	case strings.HasPrefix(s[p:], "’s "):
		p += 5
	default:
		return false
	}
	if p >= len(s) || !isUpper(s[p]) {
		return false
	}
	return tradeWords.has(s, p, alphaEnd(s, p))
}

// tradeWords name a shop or a trade after its owner's name.
var tradeWords = newWordSet("bakery alterations auto body pizza pizzeria kitchen salon cafe market deli garage repair repairs cleaners tavern grill pub bar shop store diner restaurant bistro barbershop barber boutique florist flowers pharmacy hardware plumbing roofing landscaping towing laundromat laundry bagels tacos tailoring tailor grocery liquor nails spa hair beauty catering bakeshop bookstore books motors")

// firmSuffixes are the legal forms that end a company's name.
var firmSuffixes = newWordSet("inc incorporated llc llp lp ltd limited corp corporation co company plc gmbh ag sa srl bv nv pty pllc pc")
