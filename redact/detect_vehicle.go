package redact

// Vehicle licence plates. A plate is letters and digits that could be
// anything, so it is reported only with evidence: a state code before it
// ("MA 4XK-921"), a plate label ("Plate: 7ABC123", "license plate 8TRX
// 442", "tag # ABC1234", in detect_labelnum.go), or plate words in the
// context window. Bare alphanumerics are never plates. Vanity plates
// without a digit are missed.

// plateStates are the USPS codes of the states, DC and the territories
// that issue plates. "ID" is left out: "ID A1234567" is an identity
// document number far more often than an Idaho plate.
var plateStates = func() (m [26 * 26]bool) {
	for _, c := range []string{
		"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "IL", "IN", "IA",
		"KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
		"NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
		"VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
	} {
		m[int(c[0]-'A')*26+int(c[1]-'A')] = true
	}
	return m
}()

// statePlate handles a two-capital word at i followed by a space: a state
// code and a plate of 5 to 8 letters and digits with both kinds
// ("MA 4XK-921", "CA 7ABC123", "NY ABC-1234"). All-digit values after a
// state code are ZIP codes. It returns the end of the plate, or 0.
func (sc *scanner) statePlate(i int) int {
	s := sc.s
	if i+4 > len(s) || s[i+2] != ' ' || !plateStates[int(s[i]-'A')*26+int(s[i+1]-'A')] {
		return 0
	}
	v := i + 3
	// "NY DL 123 456 789": a licence label after the state, not a plate
	if w := alphaEnd(s, v); w > v && w < len(s) && s[w] == ' ' && licenceLabel(s[v:w]) {
		return 0
	}
	end, n, digits := idValue(s, v, 8)
	if end == 0 || n < 5 || digits == 0 || digits == n || !numEnd(s, end) || clockTimes(s, v, end) {
		return 0
	}
	if sc.emit(eLicensePlate, v, end, 0.6, "plate.state") {
		return end
	}
	return 0
}

// licenceLabel reports whether w is a driver licence or identity label
// written in capitals after a state code ("NY DL", "MA ID").
func licenceLabel(w string) bool {
	switch w {
	case "DL", "DLN", "ID", "LIC", "DMV":
		return true
	}
	return false
}

// contextPlate reports a plate-shaped value at v, 5 to 8 capital letters
// and digits with both kinds, when a plate word stands near it on its
// line ("the tag on the sedan read 4XK921") and no word before it makes
// it something else ("price tag", "model", "part"). The words are checked
// here rather than through the context tables, whose every extra word
// slows every candidate. It returns the end, or 0.
func (sc *scanner) contextPlate(v int) int {
	s := sc.s
	end, n, digits := idValue(s, v, 8)
	if end == 0 || n < 5 || digits == 0 || digits == n || !numEnd(s, end) || clockTimes(s, v, end) {
		return 0
	}
	lo := windowStart(s, max(v-DefaultContextBefore, 0), v)
	hi := windowEnd(s, end, min(end+DefaultContextAfter, len(s)))
	from, to, negLo := boxedWindow(s, lo, v, end, hi)
	if _, neg := plateWords(s, negLo, v); neg {
		return 0
	}
	pos, _ := plateWords(s, from, v)
	if !pos {
		pos, _ = plateWords(s, end, to)
	}
	if pos && sc.emit(eLicensePlate, v, end, 0.7, "plate.context") {
		return end
	}
	return 0
}

// plateWords reports whether s[a:b] holds a plate word ("plate", "tag",
// "lpr") and whether it holds a word that makes a tag or number something
// else ("price", "model", "serial", "part", "order", "flight", "room").
func plateWords(s string, a, b int) (pos, neg bool) {
	for i := a; i < b; {
		if !isAlpha(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isAlpha(s[j]) {
			j++
		}
		if (i == 0 || !isWord(s[i-1])) && (j >= len(s) || !isWord(s[j])) && !inLabel(s, i, j) {
			w := s[i:j]
			switch len(w) {
			case 3:
				pos = pos || equalFoldLower(w, "tag") || equalFoldLower(w, "lpr")
				neg = neg || equalFoldLower(w, "sku")
			case 4:
				pos = pos || equalFoldLower(w, "tags") || equalFoldLower(w, "alpr")
				neg = neg || equalFoldLower(w, "part") || equalFoldLower(w, "room")
			case 5:
				pos = pos || equalFoldLower(w, "plate")
				neg = neg || equalFoldLower(w, "price") || equalFoldLower(w, "model") || equalFoldLower(w, "order") || equalFoldLower(w, "route")
			case 6:
				pos = pos || equalFoldLower(w, "plates")
				neg = neg || equalFoldLower(w, "serial") || equalFoldLower(w, "flight")
			case 7:
				neg = neg || equalFoldLower(w, "invoice") || equalFoldLower(w, "version")
			}
		}
		i = j
	}
	return pos, neg
}

// clockTimes reports whether s[a:b] holds a clock time in capitals, digits
// then AM or PM ("10AM-2PM" after "OK" is opening hours, not a plate).
func clockTimes(s string, a, b int) bool {
	for k := a + 1; k+1 < b; k++ {
		if isDigit(s[k-1]) && (s[k] == 'A' || s[k] == 'P') && s[k+1] == 'M' && (k+2 == b || !isAlpha(s[k+2])) {
			return true
		}
	}
	return false
}
