package redact

// Dates of birth as people outside the US write them: the day first and
// the month in their own language ("23 avril 1987", "3. Mai 1968", "5 de
// noviembre de 1982"), or the day, an English month abbreviation and the
// year joined by dashes ("12-Mar-1984"). Like every date, they are
// reported only beside a birth word (context.go), which includes the
// birth words of those languages ("geb.", "né le", "nacimiento").

// intlMonths are month names in French, German, Spanish, Italian,
// Portuguese and Dutch, lower case, with their number. English names are
// in the lexicon (monthNameAt).
var intlMonths = map[string]int{
	// French
	"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
	"août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
	// German
	"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "juni": 6, "juli": 7,
	"oktober": 10, "dezember": 12,
	// Spanish
	"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
	"septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
	// Italian
	"gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9,
	"ottobre": 10, "dicembre": 12,
	// Portuguese
	"janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
	"outubro": 10, "dezembro": 12,
	// Dutch
	"januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
}

// intlMonthAt returns the end of a month name of intlMonths at i, or -1.
func intlMonthAt(s string, i int) int {
	e := i
	for e < len(s) && e-i <= 11 && (isAlpha(s[e]) || s[e] >= 0x80) {
		e++
	}
	if e-i < 3 || e-i > 11 || !wordEnd(s, e) {
		return -1
	}
	var low [11]byte
	for k := i; k < e; k++ {
		low[k-i] = lower(s[k])
	}
	if intlMonths[string(low[:e-i])] == 0 {
		return -1
	}
	return e
}

// dayMonthYearIntl matches, at the day whose digits are s[i:j], "23 avril
// 1987", "3. Mai 1968", "1er janvier 1980", "5 de noviembre de 1982",
// "12 de março de 1990" and "12-Mar-1984", and reports it beside a
// birth word.
func (sc *scanner) dayMonthYearIntl(i, j int) {
	s := sc.s
	day := atoi(s[i:j])
	if day < 1 || day > 31 || j+4 >= len(s) {
		return
	}
	k := j
	if s[k] == '-' {
		// 12-Mar-1984: an English abbreviation between dashes
		e := alphaEnd(s, k+1)
		if e-k-1 != 3 || monthNameAt(s, k+1) < 0 || e+5 > len(s) || s[e] != '-' {
			return
		}
		y := digitsAt(s, e+1, 4, 4)
		if y < 0 || !numEnd(s, y) || !validDate(atoi(s[e+1:y]), 1, day) {
			return
		}
		if sc.hasContext(eDateOfBirth, i, y) {
			sc.emit(eDateOfBirth, i, y, 0.2, "dob.month")
		}
		return
	}
	switch {
	case s[k] == '.' && s[k+1] == ' ': // German "3. Mai"
		k += 2
	case s[k] == 'e' && s[k+1] == 'r' && k+2 < len(s) && s[k+2] == ' ': // French "1er"
		k += 3
	case s[k] == ' ':
		k++
	default:
		return
	}
	de := false
	if k+3 < len(s) && s[k] == 'd' && s[k+1] == 'e' && s[k+2] == ' ' {
		k += 3 // Spanish and Portuguese "5 de noviembre de 1982"
		de = true
	}
	e := intlMonthAt(s, k)
	if e < 0 || e+5 > len(s) || s[e] != ' ' {
		return
	}
	e++
	if de && e+3 < len(s) && s[e] == 'd' && s[e+1] == 'e' && s[e+2] == ' ' {
		e += 3
	}
	y := digitsAt(s, e, 4, 4)
	if y < 0 || !validDate(atoi(s[e:y]), 1, day) {
		return
	}
	if sc.hasContext(eDateOfBirth, i, y) {
		sc.emit(eDateOfBirth, i, y, 0.2, "dob.month")
	}
}
