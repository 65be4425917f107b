package redact

// National identity and tax numbers of other countries, after their label.
// A label beats nothing: "NI number QQ 12 34 56 C", "SIN: 046 454 286",
// "CPF 529.982.247-25", "BSN 111222333", "身份证 11010519491231002X". The
// label names the scheme, and the value must have that scheme's shape and,
// where it has one, pass its check digit, so that "PAN: the camera" or
// "RFC 3339" are left alone. There is no entity per country: identity and
// social-insurance numbers are reported as ssn (the US number's role),
// personal tax numbers as itin (as the "tax id" and "TIN" labels already
// are).

// natScheme is one country's number: how to check a value (its letters and
// digits without separators, upper case) and the entity it is reported as.
type natScheme struct {
	entity int
	check  func(v []byte) (ok, checked bool) // checked: a check digit passed
}

var (
	schemeNINO    = natScheme{eSSN, ninoOK}
	schemeSIN     = natScheme{eSSN, sinOK}
	schemeAadhaar = natScheme{eSSN, aadhaarOK}
	schemePAN     = natScheme{eITIN, panOK}
	schemeCURP    = natScheme{eSSN, curpOK}
	schemeRFC     = natScheme{eITIN, rfcOK}
	schemeCPF     = natScheme{eITIN, cpfOK}
	schemeDNI     = natScheme{eSSN, dniOK}
	schemeNIE     = natScheme{eSSN, nieOK}
	schemeNIF     = natScheme{eITIN, nifOK}
	schemeCF      = natScheme{eITIN, codiceFiscaleOK}
	schemeNIR     = natScheme{eSSN, nirOK}
	schemeSteuer  = natScheme{eITIN, steuerIDOK}
	schemeBSN     = natScheme{eSSN, bsnOK}
	schemeTFN     = natScheme{eITIN, tfnOK}
	schemeCN      = natScheme{eSSN, chinaIDOK}
	schemeRRN     = natScheme{eSSN, rrnOK}
	schemeSSS     = natScheme{eSSN, sssOK}
	schemePHTIN   = natScheme{eITIN, phTINOK}
)

// natLabels maps a label, lower case without spaces, '-' and '.', to its
// scheme. Words for "number" after the label ("no", "number", "nr",
// "numéro") are dropped before the lookup: "NI number", "SSS no.".
var natLabels = map[string]*natScheme{
	"ni": &schemeNINO, "nino": &schemeNINO, "nationalinsurance": &schemeNINO,
	"sin": &schemeSIN, "socialinsurance": &schemeSIN, "nas": &schemeSIN, "assurancesociale": &schemeSIN,
	"aadhaar": &schemeAadhaar, "aadhar": &schemeAadhaar, "uidai": &schemeAadhaar,
	"pan": &schemePAN, "pancard": &schemePAN, "permanentaccount": &schemePAN,
	"curp": &schemeCURP,
	"rfc":  &schemeRFC,
	"cpf":  &schemeCPF,
	"dni":  &schemeDNI, "documentonacionaldeidentidad": &schemeDNI,
	"nie":           &schemeNIE,
	"nif":           &schemeNIF,
	"codicefiscale": &schemeCF,
	"nir":           &schemeNIR, "insee": &schemeNIR, "sécuritésociale": &schemeNIR, "securitesociale": &schemeNIR,
	"steuerid": &schemeSteuer, "steueridentifikationsnummer": &schemeSteuer, "idnr": &schemeSteuer,
	"bsn": &schemeBSN, "bsnnummer": &schemeBSN, "burgerservicenummer": &schemeBSN, "sofinummer": &schemeBSN,
	"tfn": &schemeTFN, "taxfile": &schemeTFN,
	"身份证": &schemeCN, "身份证号": &schemeCN, "身份证号码": &schemeCN, "居民身份证": &schemeCN,
	"residentid": &schemeCN, "residentidentitycard": &schemeCN, "chineseid": &schemeCN,
	"rrn": &schemeRRN, "residentregistration": &schemeRRN, "주민등록번호": &schemeRRN, "주민번호": &schemeRRN,
	"sss": &schemeSSS,
	"tin": &schemePHTIN,
}

// natNumberWords are the words for "number" (and fillers such as "is")
// that may stand between a label and its value.
var natNumberWords = map[string]bool{
	"no": true, "nr": true, "num": true, "number": true, "numbers": true, "numéro": true, "numero": true,
	"número": true, "nummer": true, "n°": true, "nº": true, "id": true, "card": true, "is": true, "é": true,
	"es": true, "est": true, "ist": true, "my": true, "meu": true, "mi": true, "mon": true, "de": true,
	"号码": true, "번호": true,
}

// natLabelMax is the longest key of natLabels, in bytes.
const natLabelMax = 28

// nationalID reports a national id at v after its label (natLabels) and
// returns its end, or 0.
func (sc *scanner) nationalID(v int) int {
	s := sc.s
	// cheap reject: a letter, a ':', '#', '.' or a multi-byte character
	// (a CJK label) just before the value, with at most three spaces
	p := v - 1
	for p >= 0 && v-p <= 3 && s[p] == ' ' {
		p--
	}
	if p < 0 || !(isAlpha(s[p]) || s[p] == ':' || s[p] == '#' || s[p] == '.' || s[p] == ')' || s[p] >= 0x80) {
		return 0
	}
	sch := natLabelBefore(s, v)
	if sch == nil || !sc.r.on[sch.entity] {
		return 0
	}
	// the value: runs of capital letters and digits joined by single
	// separators; the longest prefix ending at a run's end that the
	// scheme accepts
	var buf [24]byte
	var ends [10]int
	var lens [10]int
	n, runs := 0, 0
	j := v
	for runs < len(ends) {
		k := j
		for k < len(s) && (isDigit(s[k]) || isUpper(s[k])) && n < len(buf) {
			buf[n] = s[k]
			n++
			k++
		}
		if k == j || k < len(s) && isWord(s[k]) {
			break
		}
		ends[runs], lens[runs] = k, n
		runs++
		if k+1 < len(s) && (s[k] == ' ' || s[k] == '-' || s[k] == '.' || s[k] == '/') && (isDigit(s[k+1]) || isUpper(s[k+1])) {
			j = k + 1
			continue
		}
		break
	}
	for r := runs - 1; r >= 0; r-- {
		end := ends[r]
		if !numEnd(s, end) {
			continue
		}
		ok, checked := sch.check(buf[:lens[r]])
		if !ok {
			continue
		}
		score := 0.65
		if checked {
			score = 0.8
		}
		if sc.emit(sch.entity, v, end, score, "natid.label") {
			return end
		}
		return 0
	}
	return 0
}

// natLabelBefore reads the label before a value at v, at most five words
// on the value's line, and returns its scheme or nil. It runs before
// every number that follows a word, so the word next to the value (or
// next to its number words) is first tested against natLast, the last
// words of the labels, by length and first letter, then whole.
func natLabelBefore(s string, v int) *natScheme {
	var wa, wb [5]int // the words, nearest first
	nw := 0
	b := v
	first := -1 // the nearest word that is not a number word
	for nw < len(wa) {
		g := b
		for b > 0 && g-b < 4 && (s[b-1] == ' ' || s[b-1] == ':' || s[b-1] == '#' || s[b-1] == '.' || s[b-1] == '(' || s[b-1] == ')' || s[b-1] == '-') {
			b--
		}
		if b == 0 || nw > 0 && b == g || !(isWord(s[b-1])) {
			break
		}
		a := b
		for a > 0 && b-a <= natLabelMax && (isWord(s[a-1]) || s[a-1] == '-' && a >= 2 && isWord(s[a-2])) {
			a--
		}
		if b-a > natLabelMax {
			break
		}
		wa[nw], wb[nw] = a, b
		nw++
		if first < 0 {
			if natLastWord(s, a, b) {
				first = nw - 1
			} else if nw > 3 || !natWord(s, a, b) {
				return nil
			}
		}
		b = a
	}
	if first < 0 {
		return nil
	}
	var key [natLabelMax + 4]byte
	for start := first; start >= 0; start-- {
		if sch := natKey(s, &wa, &wb, start, nw, key[:]); sch != nil {
			return sch
		}
	}
	return nil
}

// natLast holds the last word of every label of natLabels, lower case;
// natLastFirst has, per word length, a bit for each first letter (bit 26
// for a multi-byte first character).
var natLast, natLastFirst = func() (m map[string]bool, first [natLabelMax + 1]uint32) {
	m = map[string]bool{}
	for _, w := range []string{
		"ni", "nino", "insurance", "sin", "nas", "sociale", "aadhaar", "aadhar", "uidai", "pan", "pancard",
		"account", "curp", "rfc", "cpf", "dni", "identidad", "nie", "nif", "fiscale", "nir", "insee",
		"steuer-id", "steuerid", "steueridentifikationsnummer", "idnr", "bsn", "bsn-nummer", "burgerservicenummer",
		"sofinummer", "tfn", "file", "身份证", "身份证号", "身份证号码", "居民身份证", "id", "card", "rrn",
		"registration", "주민등록번호", "주민번호", "sss", "tin",
	} {
		m[w] = true
		c := w[0]
		bit := uint32(1) << 26
		if isLower(c) {
			bit = 1 << (c - 'a')
		}
		first[len(w)] |= bit
	}
	return m, first
}()

// natLastWord reports whether s[a:b] is one of natLast.
func natLastWord(s string, a, b int) bool {
	if b-a > natLabelMax {
		return false
	}
	c := lower(s[a])
	bit := uint32(1) << 26
	if isLower(c) {
		bit = 1 << (c - 'a')
	} else if c < 0x80 {
		return false
	}
	if natLastFirst[b-a]&bit == 0 {
		return false
	}
	var low [natLabelMax]byte
	for k := a; k < b; k++ {
		low[k-a] = lower(s[k])
	}
	return natLast[string(low[:b-a])]
}

// natKey tries the labels made of words first to last of wa, wb (nearest
// first), for each last from first on.
func natKey(s string, wa, wb *[5]int, first, nw int, key []byte) *natScheme {
	for last := first; last < nw; last++ {
		m := 0
		ok := true
		for w := last; w >= first && ok; w-- {
			for k := wa[w]; k < wb[w]; k++ {
				c := s[k]
				if c == '-' || c == '.' {
					continue
				}
				if m == len(key) {
					ok = false
					break
				}
				key[m] = lower(c)
				m++
			}
		}
		if !ok {
			break
		}
		if sch := natLabels[string(key[:m])]; sch != nil {
			return sch
		}
	}
	return nil
}

// natWord reports whether s[a:b] is one of natNumberWords.
func natWord(s string, a, b int) bool {
	if b-a > 8 {
		return false
	}
	var low [8]byte
	for k := a; k < b; k++ {
		low[k-a] = lower(s[k])
	}
	return natNumberWords[string(low[:b-a])]
}

// ---- shapes and check digits ----------------------------------------------

// shape reports whether v matches pattern, where 'A' is a capital letter,
// '9' a digit and 'X' either.
func shape(v []byte, pattern string) bool {
	if len(v) != len(pattern) {
		return false
	}
	for k, c := range v {
		switch pattern[k] {
		case 'A':
			if !isUpper(c) {
				return false
			}
		case '9':
			if !isDigit(c) {
				return false
			}
		case 'X':
			if !isUpper(c) && !isDigit(c) {
				return false
			}
		}
	}
	return true
}

func allDigits(v []byte, n int) bool { return len(v) == n && shape(v, "9999999999999999999"[:n]) }

// ninoOK: a UK National Insurance number, "QQ 12 34 56 C": two letters,
// six digits and a suffix A to D (the suffix may be left off).
func ninoOK(v []byte) (bool, bool) {
	if shape(v, "AA999999") {
		return true, false
	}
	return shape(v, "AA999999A") && v[8] <= 'D', false
}

// sinOK: a Canadian Social Insurance Number, nine digits with a Luhn check
// ("046 454 286").
func sinOK(v []byte) (bool, bool) { return allDigits(v, 9) && luhn(v) && !oneDigit(v), true }

// aadhaarOK: an Indian Aadhaar number, twelve digits not starting with 0
// or 1, with a Verhoeff check ("4973 1856 2407").
func aadhaarOK(v []byte) (bool, bool) {
	if !allDigits(v, 12) || v[0] < '2' {
		return false, false
	}
	c := uint8(0)
	for k := 0; k < 12; k++ {
		c = verhoeffD[c][verhoeffP[k%8][v[11-k]-'0']]
	}
	return c == 0, true
}

var verhoeffD = [10][10]uint8{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
	{3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
	{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
	{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
}

var verhoeffP = [8][10]uint8{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
	{8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
	{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
}

// panOK: an Indian Permanent Account Number, "ABCPE1234F": five letters
// (the fourth says who holds it), four digits, a letter.
func panOK(v []byte) (bool, bool) {
	if !shape(v, "AAAAA9999A") {
		return false, false
	}
	switch v[3] {
	case 'P', 'C', 'H', 'F', 'A', 'T', 'B', 'L', 'J', 'G':
		return true, false
	}
	return false, false
}

// curpOK: a Mexican CURP, "GOMA850412HDFRRL09": four letters, the date of
// birth, H or M, five letters, a letter or digit, a digit.
func curpOK(v []byte) (bool, bool) {
	return shape(v, "AAAA999999AAAAAAX9") && (v[10] == 'H' || v[10] == 'M' || v[10] == 'X') &&
		validDate(atoi(v[4:6]), atoi(v[6:8]), atoi(v[8:10])), false
}

// rfcOK: a Mexican RFC, "GOMA850412AB1": three or four letters, a date,
// three letters or digits.
func rfcOK(v []byte) (bool, bool) {
	k := len(v) - 9
	if k != 3 && k != 4 || !shape(v, "AAAA999999XXX"[4-k:]) {
		return false, false
	}
	return validDate(atoi(v[k:k+2]), atoi(v[k+2:k+4]), atoi(v[k+4:k+6])), false
}

// cpfOK: a Brazilian CPF, "529.982.247-25": eleven digits, two check
// digits.
func cpfOK(v []byte) (bool, bool) {
	if !allDigits(v, 11) || oneDigit(v) {
		return false, false
	}
	for n := 9; n <= 10; n++ {
		sum := 0
		for k := 0; k < n; k++ {
			sum += int(v[k]-'0') * (n + 1 - k)
		}
		if sum*10%11%10 != int(v[n]-'0') {
			return false, false
		}
	}
	return true, true
}

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// dniOK: a Spanish DNI, "12345678Z", whose letter checks the digits; or,
// as Argentina and Peru write theirs, seven or eight digits alone.
func dniOK(v []byte) (bool, bool) {
	if shape(v, "99999999A") {
		return dniLetters[atoi(v[:8])%23] == v[8], true
	}
	return (allDigits(v, 8) || allDigits(v, 7)) && !oneDigit(v), false
}

// nieOK: a Spanish NIE, "X1234567L": X, Y or Z, seven digits, a check
// letter.
func nieOK(v []byte) (bool, bool) {
	if !shape(v, "A9999999A") || v[0] < 'X' || v[0] > 'Z' {
		return false, false
	}
	return dniLetters[(int(v[0]-'X')*10000000+atoi(v[1:8]))%23] == v[8], true
}

// nifOK: a Spanish NIF, a DNI or a NIE.
func nifOK(v []byte) (bool, bool) {
	if len(v) == 9 && v[0] >= 'X' {
		return nieOK(v)
	}
	if shape(v, "99999999A") {
		return dniOK(v)
	}
	return false, false
}

// codiceFiscaleOK: an Italian codice fiscale, "RSSMRA85T10A562S": six
// letters, the year, a month letter, the day, a place code and a check
// letter.
func codiceFiscaleOK(v []byte) (bool, bool) {
	return shape(v, "AAAAAA99A99A999A"), false
}

// nirOK: a French social security number (NIR), "1 85 05 78 006 048 30":
// sex, year, month, place, order and a key of 97 minus the number mod 97.
func nirOK(v []byte) (bool, bool) {
	if !allDigits(v, 15) || v[0] != '1' && v[0] != '2' {
		return false, false
	}
	rem := 0
	for _, c := range v[:13] {
		rem = (rem*10 + int(c-'0')) % 97
	}
	return 97-rem == atoi(v[13:]), true
}

// steuerIDOK: a German tax id (Steuer-ID), "86 095 742 719": eleven
// digits, not starting with 0, with an ISO 7064 MOD 11,10 check digit.
func steuerIDOK(v []byte) (bool, bool) {
	if !allDigits(v, 11) || v[0] == '0' {
		return false, false
	}
	prod := 10
	for _, c := range v[:10] {
		sum := (int(c-'0') + prod) % 10
		if sum == 0 {
			sum = 10
		}
		prod = sum * 2 % 11
	}
	chk := 11 - prod
	if chk == 10 {
		chk = 0
	}
	return chk == int(v[10]-'0'), true
}

// bsnOK: a Dutch BSN, "111222333": nine digits that pass the "11-test".
func bsnOK(v []byte) (bool, bool) {
	if !allDigits(v, 9) || oneDigit(v) {
		return false, false
	}
	sum := 0
	for k := 0; k < 8; k++ {
		sum += int(v[k]-'0') * (9 - k)
	}
	return (sum-int(v[8]-'0'))%11 == 0, true
}

// tfnOK: an Australian Tax File Number, "123 456 782": nine digits with a
// weighted check.
func tfnOK(v []byte) (bool, bool) {
	if !allDigits(v, 9) {
		return false, false
	}
	w := [9]int{1, 4, 3, 7, 5, 8, 6, 9, 10}
	sum := 0
	for k := range w {
		sum += int(v[k]-'0') * w[k]
	}
	return sum%11 == 0, true
}

// chinaIDOK: a Chinese resident identity number, 18 characters: region,
// date of birth, order and a check character (a digit or X).
func chinaIDOK(v []byte) (bool, bool) {
	if len(v) != 18 || !allDigits(v[:17], 17) || !isDigit(v[17]) && v[17] != 'X' {
		return false, false
	}
	if !validDate(atoi(v[6:10]), atoi(v[10:12]), atoi(v[12:14])) {
		return false, false
	}
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k := range w {
		sum += int(v[k]-'0') * w[k]
	}
	return "10X98765432"[sum%11] == v[17], true
}

// rrnOK: a Korean resident registration number, "850412-1234567": the date
// of birth and seven digits, the first of them 1 to 8. Numbers issued
// since 2020 have no check digit, so none is tested.
func rrnOK(v []byte) (bool, bool) {
	return allDigits(v, 13) && v[6] >= '1' && v[6] <= '8' && validDate(atoi(v[:2]), atoi(v[2:4]), atoi(v[4:6])), false
}

// sssOK: a Philippine SSS number, "34-1234567-8": ten digits.
func sssOK(v []byte) (bool, bool) { return allDigits(v, 10) && !oneDigit(v), false }

// phTINOK: a Philippine TIN with its branch code, "123-456-789-000":
// twelve digits (nine digits after "TIN" are left to the US detectors).
func phTINOK(v []byte) (bool, bool) {
	return allDigits(v, 12) && !oneDigit(v[:9]), false
}
