package redact

import "strings"

// Addresses that the US street rule does not cover: military mail (PSC,
// CMR, Unit ... APO/FPO/DPO), lone unit lines ("Apt. 297"), UK and
// Canadian postcodes, and European streets ("Hauptstraße 12", "12 Rue de
// la Paix", "Calle Mayor 5") with an optional postcode and city.

// militaryAddress matches "PSC 0413, Box 8144, APO AA 42323", "Unit 2050
// Box 4190, APO AP 96278" and "APO AE 09012" at i.
func (sc *scanner) militaryAddress(i, j int) int {
	s := sc.s
	w := s[i:j]
	end := -1
	p := i
	if w == "PSC" || w == "CMR" || w == "Unit" || w == "UNIT" {
		k := j
		if k < len(s) && s[k] == ' ' {
			k++
		}
		d := k
		for k < len(s) && isDigit(s[k]) && k-d < 6 {
			k++
		}
		if k == d {
			return 0
		}
		q := k
		if q < len(s) && s[q] == ',' {
			q++
		}
		if q < len(s) && s[q] == ' ' {
			q++
		}
		if !strings.HasPrefix(s[q:], "Box ") && !strings.HasPrefix(s[q:], "BOX ") {
			return 0
		}
		q += 4
		d = q
		for q < len(s) && isDigit(s[q]) && q-d < 6 {
			q++
		}
		if q == d || !wordEnd(s, q) {
			return 0
		}
		end = q
		p = sepAfter(s, q)
		if p < 0 {
			return sc.emitAddr(i, end, 0.7, "address.military")
		}
	}
	// APO/FPO/DPO AA|AE|AP ZIP
	if p+6 < len(s) && (strings.HasPrefix(s[p:], "APO ") || strings.HasPrefix(s[p:], "FPO ") || strings.HasPrefix(s[p:], "DPO ")) {
		c := s[p+4 : p+6]
		if c == "AA" || c == "AE" || c == "AP" {
			q := p + 6
			if q < len(s) && s[q] == ' ' {
				q++
			}
			if z := zip(s, q); z > 0 {
				return sc.emitAddr(i, z, 0.85, "address.military")
			}
		}
	}
	if end > 0 {
		return sc.emitAddr(i, end, 0.7, "address.military")
	}
	return 0
}

func (sc *scanner) emitAddr(i, end int, score float64, rule string) int {
	if sc.emit(ePostalAddress, i, end, score, rule) {
		return end
	}
	return 0
}

// unitLineWords are the unit words that make a line of an address alone.
var unitLineWords = newWordSet("apt apartment suite ste unit")

// unitLine matches a unit alone at the start of a line or after a comma:
// "Apt. 297", "Suite 12", "Unit 4B".
func (sc *scanner) unitLine(i, j int) int {
	s := sc.s
	if !unitLineWords.has(s, i, j) {
		return 0 // not "Room 12B", "Floor 3"
	}
	k := i
	for k > 0 && (s[k-1] == ' ' || s[k-1] == '\t') {
		k--
	}
	if k > 0 && s[k-1] != '\n' && s[k-1] != ',' {
		return 0
	}
	r := unitIDStart(s, j)
	u := unitID(s, r)
	if u < 0 || !isDigit(s[r]) {
		return 0
	}
	// the line ends there, or a comma follows: not "Suite 100 is ..."
	if k := sepAfter(s, u); u < len(s) && s[u] != '\n' && s[u] != '\r' && s[u] != ',' || k > 0 && s[u] == ' ' {
		return 0
	}
	return sc.emitAddr(i, u, 0.5, "address.unit")
}

// ukPostcode reads a UK postcode at i ("SW1A 1AA", "M1 1AE", "B33 8TH"):
// an outward code of a letter or two, a digit, and an optional digit or
// letter, a space, then a digit and two letters. It returns the end or -1.
func ukPostcode(s string, i int) int {
	k := i
	for k < len(s) && k-i < 2 && isUpper(s[k]) {
		k++
	}
	if k == i || k >= len(s) || !isDigit(s[k]) {
		return -1
	}
	k++
	if k < len(s) && (isDigit(s[k]) || isUpper(s[k])) {
		k++
	}
	if k+4 > len(s) || s[k] != ' ' || !isDigit(s[k+1]) || !isUpper(s[k+2]) || !isUpper(s[k+3]) || !wordEnd(s, k+4) {
		return -1
	}
	return k + 4
}

// caPostcode reads a Canadian postal code at i ("K1A 0B1", "M5V2T6").
func caPostcode(s string, i int) int {
	ok := func(k int, letter bool) bool {
		if k >= len(s) {
			return false
		}
		if letter {
			return isUpper(s[k]) && !strings.ContainsRune("DFIOQU", rune(s[k]))
		}
		return isDigit(s[k])
	}
	if !ok(i, true) || s[i] == 'W' || s[i] == 'Z' || !ok(i+1, false) || !ok(i+2, true) {
		return -1
	}
	k := i + 3
	if k < len(s) && s[k] == ' ' {
		k++
	}
	if !ok(k, false) || !ok(k+1, true) || !ok(k+2, false) || !wordEnd(s, k+3) {
		return -1
	}
	return k + 3
}

// postcode reports a UK or Canadian postcode at i.
func (sc *scanner) postcode(i int) int {
	s := sc.s
	if e := caPostcode(s, i); e > 0 {
		return sc.emitAddr(i, e, 0.6, "address.postcode")
	}
	// a UK postcode ends its line or phrase: not "Model B12 3CD ships"
	if e := ukPostcode(s, i); e > 0 && (e == len(s) || s[e] != ' ' || e+1 < len(s) && !isLower(s[e+1])) {
		return sc.emitAddr(i, e, 0.55, "address.postcode")
	}
	return 0
}

// euroStreetEnds are the endings of street names written as one word
// before the house number: "Hauptstraße 12", "Kungsgatan 3".
var euroStreetEnds = []string{"straße", "strasse", "str.", "gasse", "weg", "platz", "allee", "damm", "ring", "gatan", "vägen", "gade", "vej", "veien", "gata", "straat", "laan", "gracht", "plein", "utca", "ulica", "katu", "tie", "vegur", "gaten", "vegen"}

// euroStreetWords start a street name before (or after) the number: "Calle
// Mayor 5", "12 Rue de la Paix", "Via Roma 3".
var euroStreetWords = newWordSet("rue via viale piazza calle avenida rua carrer chemin quai impasse cours plac ulica strada travessa paseo largo corso")

// euroStreet matches a street name then a house number at i ("Hauptstraße
// 12", "Calle Mayor 5, 28013 Madrid", "Via Roma 3").
func (sc *scanner) euroStreet(i int) int {
	s := sc.s
	e := capWord(s, i)
	if e < 0 {
		return 0
	}
	if e < len(s) && s[e] == '.' && e-i > 3 && equalFoldLower(s[e-3:e], "str") {
		e++ // "Hauptstr. 12"
	}
	p := e
	if q := gap(s, e); q > 0 && isDigit(s[q]) {
		// one word: it must end like a street
		one := false
		for _, suf := range euroStreetEnds {
			if e-i > len(suf)+2 && equalFoldLower(s[e-len(suf):e], suf) {
				one = true
				break
			}
		}
		if !one {
			return 0
		}
	} else {
		if !euroStreetWords.has(s, i, e) {
			return 0
		}
		// one to three more words: "Calle Mayor", "Via dei Mille"
		for w := 0; w < 3; w++ {
			q := gap(s, p)
			if q < 0 || !isAlpha(s[q]) && s[q] < 0x80 {
				return 0
			}
			c := letterRun(s, q)
			if c == q {
				return 0
			}
			p = c
			if q2 := gap(s, p); q2 > 0 && isDigit(s[q2]) {
				break
			}
		}
	}
	q := gap(s, p)
	if q < 0 || !isDigit(s[q]) {
		return 0
	}
	k := houseNumber(s, q)
	if k < 0 {
		return 0
	}
	end, kinds := sc.addrTail(k)
	score := 0.6
	if kinds&tailCode != 0 {
		score = 0.9
	}
	return sc.emitAddr(i, end, score, "address.europe")
}

// intlAddress tries the address rules of this file on a capitalised word
// at i whose letters end at j.
func (sc *scanner) intlAddress(i, j int) int {
	s := sc.s
	if j < len(s) && isDigit(s[j]) && j-i <= 2 {
		return sc.postcode(i)
	}
	// every rule below needs a number after the word, or a street word,
	// or an APO line: most capitalised words stop here
	if j == i+1 && s[i] == 'H' && strings.HasPrefix(s[j:], ".No. ") {
		return sc.prefixAddress(i, j) // "H.No. 5-9-22"
	}
	k := j
	if k < len(s) && s[k] == '.' {
		k++ // "Apt. 297", "Hauptstr. 12"
	}
	if q := gap(s, k); !(q > 0 && (isDigit(s[q]) || s[q] == '#') || j-i == 3 && isUpper(s[i+1]) || euroStreetWords.has(s, i, j)) {
		return 0
	}
	if j-i == 3 || j-i == 4 {
		if e := sc.militaryAddress(i, j); e > 0 {
			return e
		}
	}
	if j-i <= 9 {
		if e := sc.prefixAddress(i, j); e > 0 {
			return e
		}
	}
	if j-i <= 5 {
		if e := sc.unitLine(i, j); e > 0 {
			return e
		}
	}
	return sc.euroStreet(i)
}

// euroParticles may stand between a street word and the street's name.
var euroParticles = newWordSet("de du des la le les del dei della di do da dos das d l")

// frenchStreetWords are street words written in lower case after the
// house number in French: "12 rue de la Paix", "45, boulevard Haussmann",
// "7 allée des Roses".
var frenchStreetWords = newWordSet("rue avenue boulevard bd place chemin impasse quai cours allée route square passage")

// frenchStart reports whether a lower-case word that starts with a, b
// may be one of frenchStreetWords, "bis" or "ter": a cheap test that
// most words after a number in prose fail.
func frenchStart(a, b byte) bool {
	switch a {
	case 'r':
		return b == 'u' || b == 'o'
	case 'a':
		return b == 'v' || b == 'l'
	case 'b':
		return b == 'o' || b == 'd' || b == 'i'
	case 'p':
		return b == 'l' || b == 'a'
	case 'c':
		return b == 'h' || b == 'o'
	case 'i':
		return b == 'm'
	case 'q':
		return b == 'u'
	case 's':
		return b == 'q'
	case 't':
		return b == 'e'
	}
	return false
}

// numberFirstEuro matches a house number then a street word at i: "12 Rue
// de la Paix, 75008 Paris", "5 Via Roma", "3 bis avenue des Lilas", "45,
// boulevard Haussmann", "1234 Rue Sainte-Catherine O, Montréal QC H3G
// 1P1". A street word in lower case must be followed by a particle or a
// capitalised word ("12 place settings" is no street).
func (sc *scanner) numberFirstEuro(i, j int) int {
	s := sc.s
	p := j
	if p < len(s) && s[p] == ',' {
		p++ // "45, boulevard Haussmann"
	}
	q := gap(s, p)
	if q < 0 || q+1 < len(s) && isLower(s[q]) && !frenchStart(s[q], s[q+1]) {
		return 0 // "12 people", "40 minutes": most numbers in prose stop here
	}
	if q+3 < len(s) && (s[q] == 'b' || s[q] == 't') && s[q+3] == ' ' && (s[q:q+3] == "bis" || s[q:q+3] == "ter") {
		if q = gap(s, q+3); q < 0 {
			return 0
		}
	}
	e := letterRun(s, q)
	if isUpper(s[q]) {
		if !euroStreetWords.has(s, q, e) || !wordEnd(s, e) {
			return 0
		}
		// "10 Via Bus": the name after a capitalised street word is not
		// an everyday word
		if r := gap(s, e); r > 0 {
			if c := alphaEnd(s, r); c > r && isUpper(s[r]) && lookupAll(s, r, c)&fCommon != 0 {
				return 0
			}
		}
	} else if !frenchStreetWords.has(s, q, e) || p > j && !isLower(s[q]) {
		return 0
	}
	// particles, then one or more capitalised words: "Rue de la Paix"
	p = e
	words := 0
	for k := 0; k < 5; k++ {
		r := gap(s, p)
		if r < 0 {
			break
		}
		c := placeWord(s, r)
		if c < 0 {
			c = letterRun(s, r)
			if c == r || !isLower(s[r]) || words > 0 || !euroParticles.has(s, r, c) {
				break
			}
		} else {
			words++
		}
		p = c
	}
	if words == 0 {
		return 0
	}
	// a compass point: "Rue Sainte-Catherine O", "Rue Sherbrooke E"
	if p+2 < len(s) && s[p] == ' ' && (s[p+1] == 'O' || s[p+1] == 'E' || s[p+1] == 'N' || s[p+1] == 'S') && (s[p+2] == ',' || s[p+2] == '.' && p+3 < len(s) && s[p+3] == ',') {
		p += 2
	}
	end, kinds := sc.addrTail(p)
	score := 0.6
	if kinds&tailCode != 0 {
		score = 0.9
	}
	return sc.emitAddr(i, end, score, "address.europe")
}

// addrCueWords before a house number make one or two capitalised words
// after it a street even without a suffix: "lives at 19 Ellery".
var addrCueWords = newWordSet("at on lives live living moved move located resides reside address to from")

// bareStreet matches a house number and one or two capitalised words that
// end the phrase, after an address cue or after a name and a comma: "Lan
// Nguyen, 84 Inman", "she lives at 19 Ellery." It returns the end or 0.
func (sc *scanner) bareStreet(i, j int) int {
	s := sc.s
	if j-i > 5 || s[i] == '0' {
		return 0
	}
	// the cue before the number
	k := i
	for k > 0 && s[k-1] == ' ' {
		k--
	}
	if k == i && k > 0 && s[k-1] != '\n' {
		return 0
	}
	cue := false
	if k == 0 || s[k-1] == '\n' {
		// the start of a line: a unit or a postcode must follow
	} else if s[k-1] == ',' {
		// "Lan Nguyen, 84 Inman": a capitalised word before the comma
		w := k - 1
		a := w
		for a > 0 && (isAlpha(s[a-1]) || s[a-1] >= 0x80) {
			a--
		}
		cue = a < w && (isUpper(s[a]) || s[a] >= 0xc0) && lookupAll(s, a, w)&(fCommon|fStop|fMonth) == 0
	} else if isAlpha(s[k-1]) {
		a := k
		for a > 0 && isAlpha(s[a-1]) {
			a--
		}
		cue = k-a <= 8 && addrCueWords.has(s, a, k)
	}
	if !cue && k > 0 && s[k-1] != '\n' {
		return 0
	}
	p := gap(s, j)
	if p < 0 {
		return 0
	}
	end := -1
	for w := 0; w < 2; w++ {
		e := capWord(s, p)
		if e < 0 {
			break
		}
		if f := lookupAll(s, p, e); f&(fStop|fMonth|fGeneric|fOrgWord|fHonor|fPlace) != 0 {
			return 0
		}
		end = e
		q := gap(s, e)
		if q < 0 {
			break
		}
		p = q
	}
	if end < 0 {
		return 0
	}
	// a unit after the street: "19 Ellery, Apt 2", "7 Sacramento #2";
	// without a cue before the number, a unit or a postcode must follow
	score := 0.55
	if end == len(s) || s[end] != ',' && s[end] != ' ' && s[end] != '\n' {
		if !cue {
			return 0
		}
	} else if t, kinds := sc.addrTail(end); kinds&(tailUnit|tailCode) != 0 {
		end, score = t, 0.7
	} else if !cue {
		return 0
	} else if end < len(s) && !(s[end] == ',' || s[end] == '.' || s[end] == ';' || s[end] == '\n' || s[end] == '\r' || s[end] == ')') {
		return 0
	}
	if sc.emit(ePostalAddress, i, end, score, "address.bare") {
		return end
	}
	return 0
}
