package redact

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
	for k := a; k < i && id < 0; k++ {
		if k > a && s[k-1] != ' ' {
			continue
		}
		var buf [32]byte
		n := 0
		for j := k; j < i && n < len(buf); j++ {
			switch c := s[j]; {
			case c == ' ' || c == '-' || c == '.' || c == '#' || c == '_':
			default:
				buf[n] = lower(c)
				n++
			}
		}
		if e, ok := labelNumberEntities[string(buf[:n])]; ok && n > 0 {
			id = e
		}
	}
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
