package redact

// ibanLengths is the IBAN length per country (ISO 13616 registry).
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
	"BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
	"DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
	"GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
	"IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
	"LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
	"ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
	"PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
	"SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
	"TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

// iban matches an IBAN at i (two letters and two digits), in electronic
// form or printed in groups of four, checked with mod-97. The letters are
// all capitals or, as people type them in mail and chat, all lower case
// ("de89 3704 0044 0532 0130 00"); mixed case is refused.
func (sc *scanner) iban(i int) int {
	s := sc.s
	if i+4 > len(s) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
		return 0
	}
	low := isLower(s[i])
	var cc [2]byte
	for k := 0; k < 2; k++ {
		c := s[i+k]
		if low && !isLower(c) || !low && !isUpper(c) {
			return 0
		}
		cc[k] = c &^ 0x20
	}
	want, ok := ibanLengths[string(cc[:])]
	if !ok {
		return 0
	}
	letter := isUpper
	if low {
		letter = isLower
	}
	var buf [34]byte
	n := 0
	j := i
	for j < len(s) && n < want {
		c := s[j]
		switch {
		case isDigit(c) || letter(c):
			if isDigit(c) {
				buf[n] = c
			} else {
				buf[n] = c &^ 0x20 // upper case
			}
			n++
			j++
		case c == ' ' && n%4 == 0 && n > 0 && j+1 < len(s) && (isDigit(s[j+1]) || letter(s[j+1])):
			j++
		default:
			return 0
		}
	}
	if n != want || !wordEnd(s, j) {
		return 0
	}
	// mod-97 over the rearranged number, letters as 10..35
	rem := 0
	for k := 0; k < n; k++ {
		c := buf[(k+4)%n]
		if isDigit(c) {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			rem = (rem*100 + int(c-'A'+10)) % 97
		}
	}
	if rem != 1 {
		return 0
	}
	score := 0.95
	if low {
		score = 0.9
	}
	sc.emit(eIBAN, i, j, score, "iban.mod97")
	return j
}
