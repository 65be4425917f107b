package redact

import "strings"

var streetSuffixes = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("street st avenue ave av road rd boulevard blvd drive dr lane ln way court ct place pl terrace ter parkway pkwy circle cir highway hwy square sq trail trl alley aly plaza plz row loop pike turnpike expressway expy freeway fwy crescent cres close point pt run path walk crossing xing ridge rdg commons heights hts tce parade pde esplanade esp mews meadow meadows grove") {
		m[w] = true
	}
	return m
}()

// lowerCaseUnsafeSuffixes are street suffixes that are also everyday
// words ("way", "run", "close", "point"); in lower-case text they do not
// end a street.
var lowerCaseUnsafeSuffixes = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("way row loop pike run path walk close point pt crossing xing ridge commons heights square sq plaza cres crescent alley trail") {
		m[w] = true
	}
	return m
}()

// addrStopWords are lower-case words that never name a street: in "2 cats
// on my street" or "in 2019 the road" they stop the match.
var addrStopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("the a an and or of for to in on at by with from into onto near off over under up down along across past behind my our your his her their its this that these those some any no not all more less most many few other same per than then there here is are was were be been has have had it they we you he she i who which what when where days weeks months years hours minutes times people cars trucks houses homes blocks feet miles units cats dogs") {
		m[w] = true
	}
	return m
}()

// wordLenBack returns the length of the run of letters ending at e.
func wordLenBack(s string, e int) int {
	k := e
	for k > 0 && isAlpha(s[k-1]) {
		k--
	}
	return e - k
}

func allLower(s string, a, b int) bool {
	for k := a; k < b; k++ {
		if !isLower(s[k]) {
			return false
		}
	}
	return true
}

// suffixless are street names that need no suffix.
var suffixless = map[string]bool{"broadway": true}

var fullSuffixes = map[string]bool{"way": true, "row": true, "loop": true, "pike": true, "run": true, "path": true, "walk": true}

var directionals = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("n s e w ne nw se sw north south east west northeast northwest southeast southwest") {
		m[w] = true
	}
	return m
}()

var unitWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("apt apartment unit suite ste fl floor rm room bldg building lot") {
		m[w] = true
	}
	return m
}()

func lowerIn(m map[string]bool, s string, a, b int) bool {
	if b-a > 16 || b <= a {
		return false
	}
	var buf [16]byte
	for k := a; k < b; k++ {
		buf[k-a] = lower(s[k])
	}
	return m[string(buf[:b-a])]
}

// alphaEnd returns the end of the run of ASCII letters at j.
func alphaEnd(s string, j int) int {
	for j < len(s) && isAlpha(s[j]) {
		j++
	}
	return j
}

// ordinal reads 1st, 2nd, 3rd, 42nd ... at j; it returns the end or -1.
func ordinal(s string, j int) int {
	k := j
	for k < len(s) && isDigit(s[k]) && k-j < 4 {
		k++
	}
	if k == j || k+2 > len(s) {
		return -1
	}
	suf := s[k : k+2]
	if suf != "st" && suf != "nd" && suf != "rd" && suf != "th" || !wordEnd(s, k+2) {
		return -1
	}
	return k + 2
}

// address matches a US street address whose house number runs from i to
// j: "1200 N Main St., Apt 4B, Springfield, IL 62701-1234". The street
// needs a name and a suffix; unit, city, state and ZIP are optional and
// raise the score.
func (sc *scanner) address(i, j int) {
	s := sc.s
	p := j
	if p < len(s) && isAlpha(s[p]) && p+1 < len(s) && s[p+1] == ' ' { // 12B Main St, 12b main st
		p++
	} else if p+1 < len(s) && s[p] == '/' && isDigit(s[p+1]) && j-i <= 3 {
		// a unit then the house number: "3/15 Beach Road", "14/2 Park Street"
		p++
		for p < len(s) && isDigit(s[p]) && p-j < 5 {
			p++
		}
	}
	if p+1 >= len(s) || s[p] != ' ' {
		return
	}
	p++
	// optional directional
	if e := alphaEnd(s, p); e > p && isUpper(s[p]) && lowerIn(directionals, s, p, e) {
		q := e
		if q < len(s) && s[q] == '.' {
			q++
		}
		if q+1 < len(s) && s[q] == ' ' {
			p = q + 1
		}
	}
	// one to four name words, then a suffix
	names := 0
	end := -1
	lastEnd := -1
	lc := false // a word of the street is in lower case: "2448 chestnut st"
	for w := 0; w < 5; w++ {
		var e int
		if isDigit(s[p]) {
			e = ordinal(s, p)
		} else if isAlpha(s[p]) {
			e = alphaEnd(s, p)
			if e < len(s) && s[e] == '\'' {
				e = alphaEnd(s, e+1)
			}
			if isLower(s[p]) {
				// lower-case text ("2448 chestnut st"): the street's words
				// are all lower case, the house number has two digits or
				// more, and no word is "the", "my" or "and"
				if names > 0 && !lc || j-i < 2 || !allLower(s, p, e) || lowerIn(addrStopWords, s, p, e) {
					return
				}
				lc = true
			} else if lc {
				return
			}
		} else {
			return
		}
		if e <= p {
			return
		}
		if names > 0 && lowerIn(streetSuffixes, s, p, e) && wordEnd(s, e) &&
			(isUpper(s[p]) || !lowerIn(lowerCaseUnsafeSuffixes, s, p, e)) {
			if lc && names == 1 && lowerIn(streetSuffixes, s, lastEnd-wordLenBack(s, lastEnd), lastEnd) {
				return // "12 lane road": a suffix cannot name the street
			}
			end = e
			// the period of an abbreviation ("St.") belongs to it; after a
			// full word ("Street.") it ends the sentence
			if end < len(s) && s[end] == '.' && e-p <= 4 && !lowerIn(fullSuffixes, s, p, e) {
				end++
			}
			break
		}
		names++
		lastEnd = e
		if e+1 >= len(s) || s[e] != ' ' || names > 4 {
			break
		}
		p = e + 1
	}
	if end < 0 {
		// a street without a suffix ("Broadway") counts when a known
		// suffix-less name or a city, state and ZIP follows
		if names < 1 || names > 3 || lc {
			return
		}
		e := lastEnd
		if e < 0 || !wordEnd(s, e) {
			return
		}
		if e-8 > j && lowerIn(suffixless, s, e-8, e) && !isWord(s[e-9]) {
			end = e
		} else if q := sepAfter(s, e); q > 0 && sc.cityStateZip(q) > 0 {
			end = e
		} else if e == len(s) || s[e] != ',' || lookupAll(s, j+1, alphaEnd(s, j+1))&(fMonth|fStop|fGeneric) != 0 {
			return // not "12 March, Madrid 28013"
		} else if _, kinds := sc.addrTail(e); kinds&tailCode != 0 {
			end = e // "42 Christopher Meadow, Leeds LS6 2AB"
		} else {
			return
		}
	}
	score := 0.65
	if lc {
		score = 0.55
	}
	// trailing directional: "Main St NW"
	if end+1 < len(s) && s[end] == ' ' {
		if e := alphaEnd(s, end+1); e > end+1 && isUpper(s[end+1]) && e-end-1 <= 2 && lowerIn(directionals, s, end+1, e) && wordEnd(s, e) {
			end = e
		}
	}
	// unit
	if q := sepAfter(s, end); q > 0 {
		if s[q] == '#' {
			if u := unitID(s, q+1); u > 0 {
				end = u
			}
		} else if e := alphaEnd(s, q); e > q && lowerIn(unitWords, s, q, e) {
			if u := unitID(s, unitIDStart(s, e)); u > 0 {
				end = u
			}
		}
	}
	// city, state ZIP
	if q := sepAfter(s, end); q > 0 {
		if e := sc.cityStateZip(q); e > 0 {
			end, score = e, 0.9
		} else if e, kinds := sc.addrTail(end); e > end {
			// the rest of an address abroad: "Leeds LS6 2AB", "Sydney
			// NSW 2000", "Makati City 1226"
			end = e
			if kinds&tailCode != 0 {
				score = 0.9
			}
		}
	}
	sc.emit(ePostalAddress, i, end, score, "address.street")
}

// sepAfter returns the start of the next component after an address part
// ending at j: ", " or a newline or a single space; or -1.
func sepAfter(s string, j int) int {
	p := j
	if p < len(s) && s[p] == ',' {
		p++
	}
	if p < len(s) && s[p] == '\r' {
		p++
	}
	if p < len(s) && (s[p] == ' ' || s[p] == '\n') {
		p++
	} else {
		return -1
	}
	if p >= len(s) || p == j+1 && s[j] == ',' {
		return -1
	}
	return p
}

// unitIDStart returns where a unit's number starts after the unit word
// ending at e: past a period, a space and a '#', each if present ("Apt.
// 4B", "Suite #12").
func unitIDStart(s string, e int) int {
	if e < len(s) && s[e] == '.' {
		e++
	}
	if e < len(s) && s[e] == ' ' {
		e++
	}
	if e < len(s) && s[e] == '#' {
		e++
	}
	return e
}

// unitID reads a unit identifier (letters, digits, '-') of 1-6 bytes that
// contains a digit or is a single letter.
func unitID(s string, j int) int {
	k := j
	digits := 0
	for k < len(s) && k-j < 7 && (isDigit(s[k]) || isAlpha(s[k]) || s[k] == '-') {
		if isDigit(s[k]) {
			digits++
		}
		k++
	}
	if k == j || k-j > 6 || !wordEnd(s, k) || (digits == 0 && k-j != 1) {
		return -1
	}
	return k
}

// cityStateZip matches "Springfield, IL 62701", "Springfield IL 62701-1234"
// or "IL 62701" at j.
func (sc *scanner) cityStateZip(j int) int {
	s := sc.s
	p := j
	for w := 0; w < 4; w++ {
		if p+2 < len(s) && isUpper(s[p]) && isUpper(s[p+1]) && !isAlpha(s[p+2]) && stateCodes[s[p:p+2]] {
			q := p + 2
			if q < len(s) && s[q] == ' ' {
				q++
			}
			if z := zip(s, q); z > 0 {
				return z
			}
		}
		e := capWord(s, p)
		if e < 0 {
			return -1
		}
		p = e
		if p < len(s) && s[p] == ',' {
			p++
		}
		if p >= len(s) || s[p] != ' ' {
			return -1
		}
		p++
	}
	return -1
}

// zip reads a ZIP or ZIP+4 code at j.
func zip(s string, j int) int {
	if j+5 > len(s) {
		return -1
	}
	for k := j; k < j+5; k++ {
		if !isDigit(s[k]) {
			return -1
		}
	}
	e := j + 5
	if e+5 <= len(s) && s[e] == '-' {
		ok := true
		for k := e + 1; k < e+5; k++ {
			ok = ok && isDigit(s[k])
		}
		if ok {
			e += 5
		}
	}
	if !wordEnd(s, e) {
		return -1
	}
	return e
}

// poBox matches "PO Box 123", "P.O. Box 123", "P. O. Box 123" and "Post
// Office Box 123" at i, with an optional city, state and ZIP.
func (sc *scanner) poBox(i int) int {
	s := sc.s
	var p int
	switch {
	case strings.HasPrefix(s[i:], "PO Box "), strings.HasPrefix(s[i:], "PO BOX "):
		p = i + 7
	case strings.HasPrefix(s[i:], "P.O. Box "), strings.HasPrefix(s[i:], "P.O. BOX "):
		p = i + 9
	case strings.HasPrefix(s[i:], "P. O. Box "):
		p = i + 10
	case strings.HasPrefix(s[i:], "Post Office Box "):
		p = i + 16
	default:
		return 0
	}
	k := p
	for k < len(s) && isDigit(s[k]) && k-p < 8 {
		k++
	}
	if k == p || !wordEnd(s, k) {
		return 0
	}
	end := k
	score := 0.75
	if q := sepAfter(s, end); q > 0 {
		if e := sc.cityStateZip(q); e > 0 {
			end, score = e, 0.9
		}
	}
	sc.emit(ePostalAddress, i, end, score, "address.pobox")
	return end
}
