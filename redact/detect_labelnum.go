package redact

import "strings"

// A number after a form label that says what it is ("SSN: 999-01-6119",
// "Toll-free: 8005551234", "Desk: 5403926876") is reported even when the
// strict validator of its type refuses it: a records release needs recall
// more than strictness, and the label is the evidence. The score is lower
// than a validated match's.

// labelNumberEntities maps normalised labels (lower case, without spaces,
// '-', '.', '_' and '#') to the built-in entity of the number they head.
var labelNumberEntities = map[string]int{
	"ssn": eSSN, "socialsecurity": eSSN, "socialsecuritynumber": eSSN, "socialsecurityno": eSSN, "ssno": eSSN,
	"itin": eITIN, "taxid": eITIN, "tin": eITIN,
	"phone": ePhone, "phonenumber": ePhone, "phoneno": ePhone, "tel": ePhone, "telephone": ePhone,
	"mobile": ePhone, "cell": ePhone, "cellphone": ePhone, "fax": ePhone, "homephone": ePhone,
	"workphone": ePhone, "tollfree": ePhone, "desk": ePhone, "deskphone": ePhone, "direct": ePhone,
	"directline": ePhone, "pager": ePhone, "contactnumber": ePhone, "callbacknumber": ePhone,
	"card": ePaymentCard, "cardnumber": ePaymentCard, "creditcard": ePaymentCard, "debitcard": ePaymentCard,
	"accountnumber": eBankAccount, "bankaccount": eBankAccount, "acct": eBankAccount, "acctno": eBankAccount,
	"routing": eRoutingNumber, "routingnumber": eRoutingNumber, "aba": eRoutingNumber,
}

// labelledNumber handles a colon at i that ends a label naming a number
// type; it returns the end of what it reported, or 0.
func (sc *scanner) labelledNumber(i int) int {
	if end := sc.labelledAddress(i); end > 0 {
		return end
	}
	s := sc.s
	// A plate or benefit label ("EBT card number: ...", "Plate: ...")
	// says more than the card or phone word in it.
	if v := gap(s, i+1); v > 0 && v-i <= 3 {
		// a national id label ("National Insurance No:", "SIN:")
		// says more than the insurance word in it
		if sc.r.natIDOn {
			if end := sc.nationalID(v); end > 0 {
				return end
			}
		}
		if end := sc.labelledID(v); end > 0 {
			return end
		}
	}
	// The label: letters, spaces, '-', '.', '#', on the colon's line.
	a := i
	for a > 0 && i-a < 32 {
		c := s[a-1]
		if !(isAlpha(c) || c == ' ' || c == '-' || c == '.' || c == '#' || c == '_') {
			break
		}
		a--
	}
	if a == i {
		return 0
	}
	id := -1
	// The longest label first, then shorter ones word by word from the
	// left ("Customer SSN" is read as "SSN").
	labelKeys(s, a, i, func(_ int, key string) bool {
		e, ok := labelNumberEntities[key]
		if ok {
			id = e
		}
		return ok
	})
	if id < 0 || !sc.r.on[id] {
		return 0
	}
	// The value: digits and the usual separators, 7 to 19 digits.
	j := i + 1
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	start, end, digits := j, j, 0
	for ; j < len(s) && j-start < 28; j++ {
		c := s[j]
		if isDigit(c) {
			digits++
			end = j + 1
			continue
		}
		if c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || (c == '+' && j == start) {
			continue
		}
		break
	}
	if start < len(s) && s[start] == '(' {
		// keep the opening parenthesis of "(617) ..."
	} else if start < end && !isDigit(s[start]) && s[start] != '+' {
		return 0
	}
	if digits < 7 || digits > 19 || !numEnd(s, end) {
		return 0
	}
	if sc.emit(id, start, end, 0.6, "label.number") {
		return end
	}
	return 0
}

// phoneExt returns the end of an extension attached to a phone number
// that ends at j ("x4587", "ext4587", "ext.4587"), or -1.
func phoneExt(s string, j int) int {
	k := j
	switch {
	case k < len(s) && (s[k] == 'x' || s[k] == 'X'):
		k++
	case k+3 <= len(s) && equalFoldLower(s[k:k+3], "ext"):
		k += 3
		if k < len(s) && s[k] == '.' {
			k++
		}
	default:
		return -1
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

// labelAddress are the normalised labels whose value is a postal address.
var labelAddress = map[string]bool{
	"address": true, "streetaddress": true, "homeaddress": true, "mailingaddress": true,
	"serviceaddress": true, "residentialaddress": true, "propertyaddress": true, "residence": true,
	"address1": true, "addressline1": true, "addr": true,
}

// labelledAddress handles a colon at i after an address label: the rest of
// the line is the address, house number and ZIP included, whatever the
// address detector makes of it ("Address: 806 Christopher Meadow" must not
// leave "806" beside a redacted street). It returns the end of what it
// reported, or 0.
func (sc *scanner) labelledAddress(i int) int {
	s := sc.s
	a := i
	for a > 0 && i-a < 24 && (isAlpha(s[a-1]) || isDigit(s[a-1]) || s[a-1] == ' ' || s[a-1] == '-' || s[a-1] == '_') {
		a--
	}
	for a < i && s[a] == ' ' {
		a++
	}
	if a == i || !tokenStart(s, a) || !sc.r.on[ePostalAddress] {
		return 0
	}
	found := labelKeys(s, a, i, func(k int, key string) bool {
		return labelAddress[key] && !notPostal(s, a, k)
	})
	if !found {
		return 0
	}
	j := i + 1
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	start := j
	for j < len(s) && j-start < 160 && s[j] != '\n' && s[j] != '\r' && s[j] != ';' && s[j] != '|' {
		j++
	}
	end := j
	for end > start && (s[end-1] == ' ' || s[end-1] == '\t' || s[end-1] == ',') {
		end--
	}
	// An address has a number (house, unit, ZIP) or at least two words.
	digits, words := 0, 0
	for k := start; k < end; k++ {
		if isDigit(s[k]) {
			digits++
		}
		if (k == start || s[k-1] == ' ') && s[k] != ' ' {
			words++
		}
	}
	if end-start < 4 || (digits == 0 && words < 2) || !(isDigit(s[start]) || isAlpha(s[start]) || s[start] >= 0x80) {
		return 0
	}
	if sc.emit(ePostalAddress, start, end, 0.6, "label.address") {
		return end
	}
	return 0
}

// notPostal reports whether the word before position k of a label that
// starts at a makes "address" something else: an IP, e-mail, MAC or web
// address.
func notPostal(s string, a, k int) bool {
	if k == a {
		return false
	}
	j := k - 1
	for j > a && s[j-1] == ' ' {
		j--
	}
	w := j
	for w > a && s[w-1] != ' ' {
		w--
	}
	switch word := strings.ToLower(strings.Trim(s[w:j], " -_")); word {
	case "ip", "ipv4", "ipv6", "email", "e-mail", "mail", "mac", "web", "internet", "network", "wallet",
		"server", "host", "url", "ethernet", "hardware", "bitcoin":
		return true
	}
	return false
}

// labelKeys calls fn with each word-start suffix of the label s[a:i]
// (from the longest) and its key: lower case, without spaces, '-', '.',
// '#' and '_'. It stops and reports true when fn does.
func labelKeys(s string, a, i int, fn func(k int, key string) bool) bool {
	for k := a; k < i; k++ {
		if k > a && s[k-1] != ' ' {
			continue
		}
		var buf [32]byte
		n := 0
		for j := k; j < i && n < len(buf); j++ {
			switch c := s[j]; c {
			case ' ', '-', '.', '#', '_':
			default:
				buf[n] = lower(c)
				n++
			}
		}
		if n > 0 && fn(k, string(buf[:n])) {
			return true
		}
	}
	return false
}

// ---- identifiers after a label: licence plates, benefit ids, passports ---

// Kinds of word in a label read backwards from a value.
const (
	lwNone     uint8 = iota
	lwFiller         // "is", "was", "reads": between a label and its value
	lwIDWord         // "id", "number", "no", "#": says a value is an identifier
	lwPlate          // "plate": the value is a licence plate
	lwTag            // "tag": a plate only with an id word, '#' or ':' after it
	lwBenefit        // "medicaid", "snap", "wic": the value is a benefit id
	lwMember         // "member", "insurance": a benefit id only with an id word, '#' or ':'
	lwPassport       // "passport", "pasaporte", "passeport": the value is a passport number
	lwRouting        // "bsb", "ifsc", "sort" (code): the value is a bank's routing or branch code
)

// labelWords are the words of plate and benefit labels, in lower case.
var labelWords = map[string]uint8{
	"is": lwFiller, "was": lwFiller, "reads": lwFiller, "read": lwFiller,
	"id": lwIDWord, "ids": lwIDWord, "number": lwIDWord, "numbers": lwIDWord, "no": lwIDWord,
	"num": lwIDWord, "nbr": lwIDWord, "nr": lwIDWord, "identifier": lwIDWord, "case": lwIDWord, "card": lwIDWord,
	"plate": lwPlate, "plates": lwPlate,
	"tag": lwTag, "tags": lwTag,
	// plate labels abroad: German, French, Dutch, Spanish and Portuguese,
	// Italian, Polish; "registration" and "reg" (UK) also name other
	// numbers, so they count as "tag" does
	"kennzeichen": lwPlate, "nummernschild": lwPlate, "immatriculation": lwPlate, "plaque": lwPlate,
	"kenteken": lwPlate, "placa": lwPlate, "patente": lwPlate, "matricula": lwPlate, "targa": lwPlate,
	"tablica": lwPlate, "rejestracja": lwPlate, "registration": lwTag, "reg": lwTag, "rego": lwTag,
	"medicaid": lwBenefit, "medicare": lwBenefit, "mbi": lwBenefit, "masshealth": lwBenefit,
	"snap": lwBenefit, "ebt": lwBenefit, "wic": lwBenefit, "tanf": lwBenefit, "calfresh": lwBenefit,
	"member": lwMember, "subscriber": lwMember, "beneficiary": lwMember, "recipient": lwMember,
	"insurance": lwMember, "policy": lwMember,
	"passport": lwPassport, "pasaporte": lwPassport, "passeport": lwPassport, "reisepass": lwPassport,
	"passaporto": lwPassport, "paszport": lwPassport,
	// a bank's branch code: British sort codes, Australian BSB numbers,
	// Indian IFSC codes, Canadian transit numbers
	"sortcode": lwRouting, "sort": lwRouting, "bsb": lwRouting, "ifsc": lwRouting, "transit": lwRouting, "code": lwIDWord,
}

// idLabelBefore reads the label that ends just before a value at v
// ("Plate: ", "license plate ", "tag # ", "Medicaid ID is ", "SNAP case
// number ", "Member ID: ", "Medicare Beneficiary Identifier (MBI): ",
// "Passport No.: ") and returns eLicensePlate, eBenefitID, ePassport, or
// -1. The label is on the value's line and at most four words long.
func idLabelBefore(s string, v int) int {
	b := v
	idWord, punct := false, false
	for words := 0; words < 5; words++ {
		// the gap before the value or the previous word
		g := b
		paren := false
		for b > 0 && g-b < 4 {
			c := s[b-1]
			if c == ':' || c == '#' {
				punct = true
			} else if c == ')' {
				paren = true
			} else if c != ' ' && c != '\t' && c != '(' && c != ')' && c != '.' && c != '-' {
				break
			}
			b--
		}
		if b == g && words > 0 || b == 0 || !isAlpha(s[b-1]) {
			return -1
		}
		a := b
		for a > 0 && b-a <= 16 && isAlpha(s[a-1]) {
			a--
		}
		if b-a > 16 || a > 0 && isWord(s[a-1]) {
			return -1
		}
		kind := labelWord(s, a, b)
		if kind == lwNone && equalFoldLower(s[a:b], "cal") && a >= 5 && s[a-1] == '-' && equalFoldLower(s[a-5:a-1], "medi") {
			kind = lwBenefit // Medi-Cal
		}
		if kind == lwNone && paren && a > 0 && s[a-1] == '(' {
			kind = lwFiller // one word in brackets: "Passport (Canada): "
		}
		switch kind {
		case lwFiller:
		case lwIDWord:
			idWord = true
		case lwPlate:
			return eLicensePlate
		case lwTag:
			if idWord || punct {
				return eLicensePlate
			}
			return -1
		case lwBenefit:
			return eBenefitID
		case lwPassport:
			return ePassport
		case lwRouting:
			if idWord || punct || !equalFoldLower(s[a:b], "sort") && !equalFoldLower(s[a:b], "transit") {
				return eRoutingNumber
			}
			return -1
		case lwMember:
			if idWord || punct {
				return eBenefitID
			}
			return -1
		default:
			return -1
		}
		b = a
	}
	return -1
}

// labelWordsByLen holds labelWords by word length, so that labelWord
// compares a word with the few of its length instead of hashing it (it
// runs before every number in the text); labelFirst has, per length, a bit
// for each first letter, which turns most words away with one test.
var labelWordsByLen, labelFirst = func() (t [17][]labelWordKind, first [17]uint32) {
	for w, k := range labelWords {
		t[len(w)] = append(t[len(w)], labelWordKind{w, k})
		first[len(w)] |= 1 << (w[0] - 'a')
	}
	return t, first
}()

type labelWordKind struct {
	word string
	kind uint8
}

// labelWord returns the kind of the word s[a:b] in labelWords, ignoring
// case.
func labelWord(s string, a, b int) uint8 {
	if b-a >= len(labelWordsByLen) {
		return lwNone
	}
	if c := lower(s[a]); !isLower(c) || labelFirst[b-a]&(1<<(c-'a')) == 0 {
		return lwNone
	}
	for _, w := range labelWordsByLen[b-a] {
		if equalFoldLower(s[a:b], w.word) {
			return w.kind
		}
	}
	return lwNone
}

// idValue reads an identifier at v: runs of capital letters and digits
// joined by single '-' or ' ' (a run after a space must hold a digit:
// "8TRX 442", "1EG4-TE5-MK73", "6008 7512 3456 7890"), at most max
// characters without the separators. It returns the end, the number of
// characters and of digits, or end 0.
func idValue(s string, v, max int) (end, n, digits int) {
	j := v
	for {
		k, d := j, 0
		for k < len(s) && (isDigit(s[k]) || isUpper(s[k])) {
			if isDigit(s[k]) {
				d++
			}
			k++
		}
		if k == j || k < len(s) && isWord(s[k]) || n+k-j > max {
			return end, n, digits
		}
		if j > v && s[j-1] == ' ' && d == 0 {
			return end, n, digits
		}
		end, n, digits = k, n+k-j, digits+d
		if k+1 < len(s) && (s[k] == '-' || s[k] == ' ') && (isDigit(s[k+1]) || isUpper(s[k+1])) {
			j = k + 1
			continue
		}
		return end, n, digits
	}
}

// labelledID reports a licence plate, benefit id or passport number at v
// after its label (idLabelBefore). It returns the end of what it reported,
// or 0. A passport number after its label is any run of 6 to 12 capital
// letters and digits with at least 5 digits: countries' formats differ
// (A1234567, AB1234567, C01X00T47, 123456789), and the label is the
// evidence.
func (sc *scanner) labelledID(v int) int {
	r := sc.r
	if !r.labelIDOn {
		return 0
	}
	s := sc.s
	// cheap reject: a label ends in a letter, ':', '#' or ')' just before
	p := v - 1
	for p >= 0 && v-p < 4 && (s[p] == ' ' || s[p] == '\t') {
		p--
	}
	if p < 0 || p == v-1 && s[p] != ':' && s[p] != '#' || !(isAlpha(s[p]) || s[p] == ':' || s[p] == '#' || s[p] == ')' || s[p] == '.') {
		return 0
	}
	// the value is not a word of the label ("WIC ID 55012345" is read
	// from "55012345", not from "ID")
	if w := alphaEnd(s, v); w > v && w-v <= 16 && labelWord(s, v, w) != lwNone {
		return 0
	}
	switch idLabelBefore(s, v) {
	case eLicensePlate:
		end, n, digits := idValue(s, v, 8)
		if k := plateTail(s, v, end); k > 0 {
			end, n = end+1+k, n+k // "AB12 CDE", "AB 123 CD": the last letters are the plate's too
		}
		if end > 0 && n >= 4 && digits > 0 && r.on[eLicensePlate] && sc.emit(eLicensePlate, v, end, 0.7, "plate.label") {
			return end
		}
	case eBenefitID:
		end, n, digits := idValue(s, v, 20)
		if end == 0 || n < 6 || digits < 4 || !r.on[eBenefitID] {
			return 0
		}
		score, rule := 0.7, "benefit.label"
		if n == 11 && mbiShape(s, v, end) {
			score, rule = 0.8, "benefit.mbi"
		}
		if sc.emit(eBenefitID, v, end, score, rule) {
			return end
		}
	case eRoutingNumber:
		// "Sort code: 12-34-56", "BSB 062-000", "transit 12345", "IFSC:
		// HDFC0001234": six or five digits, or the IFSC shape
		end, n, digits := idValue(s, v, 11)
		if end > 0 && r.on[eRoutingNumber] && (n == digits && (n == 6 || n == 5) || n == 11 && ifscShape(s, v, end)) &&
			sc.emit(eRoutingNumber, v, end, 0.7, "routing.label") {
			return end
		}
	case ePassport:
		end, n, digits := idValue(s, v, 12)
		if end > 0 && n >= 6 && digits >= 5 && r.on[ePassport] && sc.emit(ePassport, v, end, 0.7, "passport.label") {
			return end
		}
	}
	return 0
}

// ifscShape reports whether s[a:b] is an Indian IFSC code: four capital
// letters, a zero, then six capital letters or digits ("HDFC0001234").
func ifscShape(s string, a, b int) bool {
	if b-a != 11 || s[a+4] != '0' {
		return false
	}
	for k := a; k < a+4; k++ {
		if !isUpper(s[k]) {
			return false
		}
	}
	for k := a + 5; k < b; k++ {
		if !isUpper(s[k]) && !isDigit(s[k]) {
			return false
		}
	}
	return true
}

// plateTail returns the length of a group of two or three capital
// letters after a space that ends a plate read as s[v:end], when the
// plate starts with a letter and ends with a digit, as British and
// Italian plates do ("AB12 CDE", "AB 123 CD"); or 0.
func plateTail(s string, v, end int) int {
	if end <= v || end+3 > len(s) || s[end] != ' ' || !isUpper(s[v]) || !isDigit(s[end-1]) {
		return 0
	}
	k := end + 1
	for k < len(s) && k-end <= 4 && isUpper(s[k]) {
		k++
	}
	if n := k - end - 1; n >= 2 && n <= 3 && (k == len(s) || !isWord(s[k])) {
		return n
	}
	return 0
}

// mbiShape reports whether s[a:b], separators aside, has the shape of a
// Medicare Beneficiary Identifier: 11 characters, digit (1-9), letter,
// letter or digit, digit, letter, letter or digit, digit, letter, letter,
// digit, digit; the letters never S, L, O, I, B or Z.
func mbiShape(s string, a, b int) bool {
	const shape = "9AXNAXNAANN"
	k := 0
	for p := a; p < b; p++ {
		c := s[p]
		if c == '-' || c == ' ' {
			continue
		}
		if k >= len(shape) {
			return false
		}
		letter := isUpper(c) && !strings.ContainsRune("SLOIBZ", rune(c))
		switch shape[k] {
		case '9':
			if !isDigit(c) || c == '0' {
				return false
			}
		case 'N':
			if !isDigit(c) {
				return false
			}
		case 'A':
			if !letter {
				return false
			}
		case 'X':
			if !letter && !isDigit(c) {
				return false
			}
		}
		k++
	}
	return k == len(shape)
}
