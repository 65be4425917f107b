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
	end, n, digits := idValue(s, v, 8)
	if end == 0 || n < 5 || digits == 0 || digits == n || !numEnd(s, end) {
		return 0
	}
	if sc.emit(eLicensePlate, v, end, 0.6, "plate.state") {
		return end
	}
	return 0
}

// contextPlate reports a plate-shaped value at v, 5 to 8 capital letters
// and digits with both kinds, when plate words surround it ("the tag on
// the sedan read 4XK921"). It returns the end, or 0.
func (sc *scanner) contextPlate(v int) int {
	s := sc.s
	end, n, digits := idValue(s, v, 8)
	if end == 0 || n < 5 || digits == 0 || digits == n || !numEnd(s, end) || !sc.hasContext(eLicensePlate, v, end) {
		return 0
	}
	if sc.emit(eLicensePlate, v, end, 0.3, "plate.context") {
		return end
	}
	return 0
}
