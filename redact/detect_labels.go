package redact

// Names after form labels ("Name:", "Requester:", "Signed:") and chat or
// transcript speaker tags ("[10:31 AM] lisa:", "Sarah:"), found from the
// colon that ends the label.

// nameModifiers are the words that may stand before "name" in a label
// whose value is a person ("Full name:", "Applicant name:"); after any
// other word ("Street name:", "Business name:") the label is weak.
var nameModifiers = map[string]bool{
	"full": true, "first": true, "last": true, "legal": true, "your": true, "my": true, "print": true,
	"printed": true, "given": true, "family": true, "contact": true, "applicant": true, "resident": true,
	"customer": true, "owner": true, "employee": true, "requester": true, "requestor": true,
	"cardholder": true, "patient": true, "emergency": true, "tenant": true, "payer": true, "account": true,
	"holder": true, "person": true, "complainant": true, "caller": true, "officer": true, "spouse": true,
}

// labelled handles a colon at i: a name after a form label or a speaker
// tag before it. It returns the end of what it reported, or 0.
func (sc *scanner) labelled(i int) int {
	if end := sc.labelledNumber(i); end > 0 {
		return end
	}
	s := sc.s
	a := i
	for a > 0 && i-a <= 24 && isAlpha(s[a-1]) {
		a--
	}
	if a == i || i-a > 24 || !tokenStart(s, a) {
		return 0
	}
	f := lookupWord(s, a, i)
	if f&fLabel != 0 {
		return sc.labelName(a, i, f)
	}
	if f&fGiven != 0 && f&(fAmbig|fStop|fGeneric|fMonth|fHonor|fPlace) == 0 && speakerTag(s, a) &&
		i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '\t') {
		if sc.emit(ePersonName, a, i, 0.7, "name.speaker") {
			return i + 1
		}
	}
	return 0
}

// speakerTag reports whether the word at a opens its line, possibly after
// a bracketed time ("[10:31 AM] ") or a quote mark ("> ").
func speakerTag(s string, a int) bool {
	k := a
	for k > 0 && (s[k-1] == ' ' || s[k-1] == '\t') {
		k--
	}
	if k > 0 && s[k-1] == ']' {
		o := k - 1
		for o > 0 && k-o < 40 && s[o] != '[' && s[o] != '\n' {
			o--
		}
		if s[o] != '[' {
			return false
		}
		k = o
		for k > 0 && (s[k-1] == ' ' || s[k-1] == '\t') {
			k--
		}
	}
	return k == 0 || s[k-1] == '\n' || s[k-1] == '\r'
}

// labelName reads the value of a form label (the word s[a:i] before the
// colon at i, with flags f): capitalised words, a name in capitals, or a
// lower-case given name and surname from the gazetteer.
func (sc *scanner) labelName(a, i int, f uint32) int {
	s := sc.s
	strong := f&fStrong != 0
	// part is set when the label names one part of a name ("First
	// name:", "Surname:"): a single word is then the whole value
	part := partLabels.has(s, a, i)
	if strong && equalFoldLower(s[a:i], "name") {
		// "Street name:", "Business name:" are not people
		if b := a - 1; b > 0 && s[b] == ' ' && isAlpha(s[b-1]) {
			w := b
			for w > 0 && isAlpha(s[w-1]) {
				w--
			}
			strong = lowerIn(nameModifiers, s, w, b)
			part = namePartWords.has(s, w, b)
		}
	}
	p := gap(s, i+1)
	if i+1 < len(s) && !(s[i+1] == ' ' || s[i+1] == '\t') {
		p = i + 1
		if !isAlpha(s[p]) {
			return 0
		}
	}
	if p < 0 {
		return 0
	}
	// an honorific before the name: "Requester: Ms. Ana Lee"
	if e := alphaEnd(s, p); e > p && lookupWord(s, p, e)&fHonor != 0 {
		if e < len(s) && s[e] == '.' {
			e++
		}
		if q := gap(s, e); q > 0 {
			p = q
		}
	}
	// capitalised words
	if isUpper(s[p]) {
		if _, e, _ := nameWordsAt(s, p); e > 0 {
			e = nextLabelCut(s, p, e)
			w1 := capWordEnd(s, p)
			first := lookupAll(s, p, w1)
			last := first
			if k := lastWordStart(s, p, e); k > p {
				last = lookupAll(s, k, e)
			}
			known := func(f uint32) bool {
				return f&(fGiven|fSurname) != 0 && f&(fAmbig|fMonth|fStop|fGeneric|fPlace) == 0 ||
					f&(fLexGiven|fName) != 0 && f&(fCommon|fMonth|fStop|fGeneric|fPlace|fPlaceName|fOrgWord) == 0
			}
			multi := e > w1
			if orgFollows(s, e) || placeFollows(s, e) || eventFollows(s, e) {
				return 0
			}
			// "Patient: Gonzalez, Maria": the family name, a comma, the
			// given names
			if !multi && e+2 < len(s) && s[e] == ',' && s[e+1] == ' ' && capWord(s, e+2) > 0 {
				if _, e2, _ := nameWordsAt(s, e+2); e2 > 0 {
					e2 = nextLabelCut(s, e+2, e2)
					if g := lookupAll(s, e+2, capWordEnd(s, e+2)); (strong || known(first) || known(g)) &&
						!orgFollows(s, e2) && !placeFollows(s, e2) && g&(fStop|fGeneric|fMonth|fPlaceName) == 0 {
						if sc.emit(ePersonName, p, e2, 0.75, "name.label") {
							return e2
						}
						return 0
					}
				}
			}
			// a single word after a label is left to the other rules
			// unless the label asks for one part of a name ("First
			// name:", "Surname:") or a strong label meets a known name
			// part ("Caller: Oluwaseun"): the records layer feeds
			// "column: value" here, and a lone word in a "name" column
			// is that layer's decision
			score := 0.0
			switch {
			case !multi && part && first&(fStop|fGeneric|fMonth) == 0 && (first&fCommon == 0 || first&(fGiven|fLexGiven|fSurname|fName) != 0):
				score = 0.7
			case !multi && strong && known(first):
				score = 0.6
			case !multi:
			case known(first) || known(last):
				score = 0.8
			case strong:
				score = 0.65
			}
			if score > 0 && sc.emit(ePersonName, p, e, score, "name.label") {
				return e
			}
			return 0
		}
	}
	// a given name and a surname from the gazetteer, in lower case or in
	// capitals: "caller: sandra lee", "NAME: PAUL THOMPSON"
	e1 := letterRun(s, p)
	comma := e1 < len(s) && s[e1] == ','
	q := -1
	if comma {
		q = gap(s, e1+1) // "NAME: KOWALSKI, ANNA"
	} else {
		q = gap(s, e1)
	}
	if q < 0 {
		return 0
	}
	e2 := letterRun(s, q)
	if e2 == q || !wordEnd(s, e2) || !sameCase(s, p, e1) || !sameCase(s, q, e2) {
		return 0
	}
	f1, f2 := lookupAll(s, p, e1), lookupAll(s, q, e2)
	if comma {
		f1, f2 = f2, f1 // the family name first
	}
	given := func(f uint32) bool {
		return f&(fGiven|fLexGiven) != 0 && f&(fAmbig|fLexAmbig|fStop|fGeneric|fMonth) == 0
	}
	family := func(f uint32) bool {
		return f&fSurname != 0 && f&(fStop|fGeneric|fPlace) == 0 || f&fName != 0 && f&(fStop|fGeneric|fPlace|fCommon) == 0
	}
	plain := func(f uint32) bool {
		return f&(fCommon|fStop|fGeneric|fMonth|fPlace|fPlaceName|fOrgWord|fHonor) == 0
	}
	score := 0.0
	switch {
	case given(f1) && family(f2):
		score = 0.7 // "caller: sandra lee", "NAME: PAUL THOMPSON"
	case strong && isUpper(s[p]) && isUpper(s[q]) && plain(f1) && plain(f2):
		score = 0.65 // "Applicant: OYELARAN TEMITOPE": two words in capitals no list calls anything else
	}
	if score > 0 && sc.emit(ePersonName, p, e2, score, "name.label") {
		return e2
	}
	return 0
}

// partLabels name one part of a person's name; namePartWords do so before
// "name" ("First name:", "Maiden name:").
var (
	partLabels    = newWordSet("surname forename firstname lastname")
	namePartWords = newWordSet("first last given family middle maiden")
)

// nextLabelCut ends the value of a label that runs from p to e before the
// next label on the same line: "Last name: Oyelaran First name: Temitope"
// gives "Oyelaran", not "Oyelaran First".
func nextLabelCut(s string, p, e int) int {
	for k := p + 1; k < e; k++ {
		if s[k] != ' ' || !isAlpha(s[k+1]) {
			continue
		}
		w := alphaEnd(s, k+1)
		if w < len(s) && s[w] == ':' || len(s)-w >= 6 && equalFoldLower(s[w:w+6], " name:") {
			for k > p && s[k-1] == ' ' {
				k--
			}
			return k
		}
	}
	return e
}

// lastWordStart returns where the last word of the run s[p:e] starts.
func lastWordStart(s string, p, e int) int {
	k := e
	for k > p && s[k-1] != ' ' && s[k-1] != '\t' {
		k--
	}
	return k
}

// sameCase reports whether the ASCII letters of s[a:b] are all lower case
// or all upper case.
func sameCase(s string, a, b int) bool {
	up, low := false, false
	for k := a; k < b; k++ {
		up = up || isUpper(s[k])
		low = low || isLower(s[k])
	}
	return !(up && low) && b > a
}
