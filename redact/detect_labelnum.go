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
