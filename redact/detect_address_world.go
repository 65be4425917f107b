package redact

import "strings"

// The parts of an address that follow a street in most of the world: a
// unit or floor, a district, a postcode and a city, in either order. The
// street rules (address, euroStreet, numberFirstEuro, bareStreet and the
// rules below) find the street; addrTail then carries the finding over
// the rest of the address, so that no house number or postcode survives
// next to a redacted street.

// Kinds of tail part, as a bit set.
const (
	tailCode     = 1 << iota // a postcode: "10115 Berlin", "Leeds LS6 2AB"
	tailUnit                 // a unit or floor: "Apt 2", "3º B", "2. tv"
	tailDistrict             // a district: "Col. Del Valle", "Shibuya-ku"
)

// placeWord reads a capitalised word at j with its hyphenated parts
// ("Aix-en-Provence", "Shibuya-ku", "Teheran-ro", "Nishi-Shinjuku"). It
// returns the end, or -1.
func placeWord(s string, j int) int {
	e := capWord(s, j)
	if e < 0 {
		return -1
	}
	for e+1 < len(s) && s[e] == '-' && (isAlpha(s[e+1]) || s[e+1] >= 0x80) {
		k := letterRun(s, e+1)
		if k == e+1 || k-e > 14 {
			break
		}
		e = k
	}
	return e
}

// districtEnds end a ward, district or road name in romanised Japanese and
// Korean addresses: "Shibuya-ku", "Gangnam-gu", "Teheran-ro", "1-chome".
var districtEnds = []string{"-ku", "-gu", "-shi", "-si", "-gun", "-cho", "-machi", "-dong", "-chome", "-ro", "-gil", "-daero"}

// hasDistrictEnd reports whether s[a:b] ends with one of districtEnds.
func hasDistrictEnd(s string, a, b int) bool {
	for _, d := range districtEnds {
		if b-a > len(d)+1 && equalFoldLower(s[b-len(d):b], d) {
			return true
		}
	}
	return false
}

// districtPre are the words (with an optional period) that open a
// district or a county: "Col. Del Valle", "Brgy. San Isidro", "Co. Mayo",
// "Quận 1", "TP. Hồ Chí Minh".
var districtPre = []string{"Col.", "Colonia", "Brgy.", "Barangay", "Co.", "TP.", "Quận", "Phường", "Huyện", "Bairro"}

// districtPost are the words that close a district or city name: "Chaoyang
// District", "Makati City".
var districtPost = newWordSet("district ward province city prefecture")

// tailUnitWords are the unit words of a tail part, besides unitWords:
// "Flat 2", "apto 52", "piso 3".
var tailUnitWords = newWordSet("flat apto piso dpto depto appt")

// tailSep returns the start of the next tail part after p: after ", ",
// a newline, " - " or a single space; or -1. single reports a single
// space, which may only lead to a postcode ("18 place Bellecour 69002
// Lyon").
func tailSep(s string, p int) (q int, single bool) {
	k := p
	comma := k < len(s) && s[k] == ','
	if comma {
		k++
	}
	if k < len(s) && s[k] == '\r' {
		k++
	}
	if k >= len(s) || s[k] != ' ' && s[k] != '\n' {
		return -1, false
	}
	nl := s[k] == '\n'
	k++
	dash := false
	if k+1 < len(s) && s[k] == '-' && s[k+1] == ' ' && s[k-1] == ' ' {
		k += 2 // "Kolkata - 700016", "1500 - Consolação"
		dash = true
	}
	if k >= len(s) || s[k] == ' ' || s[k] == '\n' {
		return -1, false
	}
	return k, !comma && !nl && !dash
}

// addrTail extends an address ending at e over the parts that follow it:
// "Calle Mayor 5" + ", 3º B, 28013 Madrid". Parts that carry no
// evidence (a plain locality, "Abids") count only when a part with
// evidence (a postcode, a unit, a district) follows. It returns the new
// end and the kinds of part found.
func (sc *scanner) addrTail(e int) (int, int) {
	s := sc.s
	end, kinds := e, 0
	p := e
	for n := 0; n < 5; n++ {
		q, single := tailSep(s, p)
		if q < 0 || single && !isDigit(s[q]) && s[q] != '#' {
			break
		}
		k, kind := tailPart(s, q)
		if k < 0 || single && kind&(tailCode|tailUnit) == 0 {
			break
		}
		if kind == 0 && p == end && kinds&tailDistrict != 0 && k-q < 32 {
			// the city after a district: "Shibuya-ku, Tokyo"
			kind = kinds & tailDistrict
		}
		p = k
		if kind != 0 {
			end, kinds = k, kinds|kind
		}
	}
	return end, kinds
}

// tailPart reads one part of an address tail at q and returns its end
// and kind (0 for a plain locality), or -1.
func tailPart(s string, q int) (int, int) {
	c := s[q]
	if isDigit(c) {
		if e := floorUnit(s, q); e > 0 {
			return e, tailUnit
		}
		if e := postcodeCity(s, q); e > 0 {
			return e, tailCode
		}
		if e := dashPostcode(s, q); e > 0 {
			return e, tailCode
		}
		if e := ordinal(s, q); e > 0 { // "4th Cross"
			if r := gap(s, e); r > 0 {
				if w := placeWord(s, r); w > 0 {
					return w, 0
				}
			}
		}
		return -1, 0
	}
	if c == '#' {
		if u := unitID(s, q+1); u > 0 {
			return u, tailUnit
		}
		return -1, 0
	}
	// a postcode alone: "D02 XY45", "NW1 6XE"
	if isUpper(c) && q+1 < len(s) && isDigit(s[q+1]) || q+2 < len(s) && isUpper(s[q+1]) && isDigit(s[q+2]) {
		if e := regionCode(s, q, false); e > 0 {
			return e, tailCode
		}
	}
	// a postcode with a country letter: "CH-8002 Zürich", "D-50667 Köln"
	if isUpper(c) && q+3 < len(s) {
		d := q + 1
		if isUpper(s[d]) {
			d++
		}
		if s[d] == '-' && d+1 < len(s) && isDigit(s[d+1]) {
			if e := postcodeCity(s, d+1); e > 0 {
				return e, tailCode
			}
			return -1, 0
		}
	}
	w := alphaEnd(s, q)
	if w > q && (lowerIn(unitWords, s, q, w) || tailUnitWords.has(s, q, w)) {
		if u := unitID(s, unitIDStart(s, w)); u > 0 {
			return u, tailUnit
		}
	}
	kind := 0
	p := q
	for _, d := range districtPre {
		if strings.HasPrefix(s[q:], d) && q+len(d) < len(s) && !isWord(s[q+len(d)]) {
			r := gap(s, q+len(d))
			if r < 0 {
				return -1, 0
			}
			if isDigit(s[r]) { // "Quận 1"
				k := r
				for k < len(s) && isDigit(s[k]) && k-r < 3 {
					k++
				}
				if !wordEnd(s, k) {
					return -1, 0
				}
				return k, tailDistrict
			}
			p, kind = r, tailDistrict
			break
		}
	}
	// a locality of one to four words, particles between: "Ciudad de
	// México", "Victoria Island", "São Paulo"
	end := -1
	for n := 0; n < 4; n++ {
		k := placeWord(s, p)
		if k < 0 {
			if n > 0 && end > 0 {
				if r := alphaEnd(s, p); r > p && euroParticles.has(s, p, r) {
					if r2 := gap(s, r); r2 > 0 && placeWord(s, r2) > 0 {
						p = r2
						continue
					}
				}
			}
			break
		}
		if n == 0 && kind == 0 && lookupAll(s, p, k)&(fStop|fMonth|fGeneric) != 0 {
			return -1, 0
		}
		end = k
		if hasDistrictEnd(s, p, k) || n > 0 && districtPost.has(s, p, k) {
			kind |= tailDistrict
		}
		r := gap(s, k)
		if r < 0 || !isUpper(s[r]) && s[r] < 0x80 && !isLower(s[r]) {
			break
		}
		p = r
	}
	if end < 0 {
		return -1, 0
	}
	// a postal district: "Dublin 2"
	if end+3 < len(s) && s[end] == ' ' && isDigit(s[end+1]) && (s[end+2] == ',' || isDigit(s[end+2]) && end+3 < len(s) && s[end+3] == ',') {
		k := end + 2
		if s[k] != ',' {
			k++
		}
		return k, kind
	}
	// after the locality: a state or province ("NSW", "QC", "- SP"), then
	// a postcode ("2000", "H3G 1P1", "LS6 2AB", "F26 X9K2", "150-0002")
	r := end
	if r+1 < len(s) && s[r] == ',' && s[r+1] == ' ' && r+2 < len(s) && isUpper(s[r+2]) && isDigit(s[min(r+3, len(s)-1)]) {
		r++ // "Bristol, BS8 1QU"
	}
	if r+2 < len(s) && s[r] == ' ' && s[r+1] == '-' && s[r+2] == ' ' {
		r += 2 // "Kolkata - 700016", "São Paulo - SP"
	}
	if r+1 < len(s) && s[r] == ' ' {
		t := r + 1
		a := t
		for t < len(s) && isUpper(s[t]) && t-a < 4 {
			t++
		}
		state := t-a >= 2 && t-a <= 3 && wordEnd(s, t)
		if state {
			if t+1 < len(s) && s[t] == ' ' {
				if e := regionCode(s, t+1, true); e > 0 {
					return e, kind | tailCode
				}
			}
			if e := regionCode(s, a, false); e > 0 {
				return e, kind | tailCode // "London NW1 6XE"
			}
			return t, kind
		}
		if e := regionCode(s, a, false); e > 0 {
			return e, kind | tailCode
		}
	}
	return end, kind
}

// regionCode reads a postcode that follows a city at j: a UK, Canadian or
// Irish postcode, four to six digits that are not a year ("Seoul 06133",
// "Bengaluru 560001", "Wellington 6011"), or a dashed Japanese or
// Brazilian code. After a state ("Sydney NSW 2000") a code may look like
// a year. It returns the end or -1.
func regionCode(s string, j int, afterState bool) int {
	if j >= len(s) {
		return -1
	}
	if isUpper(s[j]) {
		if e := caPostcode(s, j); e > 0 {
			return e
		}
		if e := ukPostcode(s, j); e > 0 {
			return e
		}
		return eircode(s, j)
	}
	if e := dashPostcode(s, j); e > 0 {
		return e
	}
	k := j
	for k < len(s) && isDigit(s[k]) && k-j < 7 {
		k++
	}
	if k-j < 4 || k-j > 6 || !numEnd(s, k) {
		return -1
	}
	if k-j == 4 && !afterState && (s[j] == '1' && s[j+1] == '9' || s[j] == '2' && s[j+1] == '0') {
		return -1 // "Boston 2019": a year
	}
	return k
}

// eircode reads an Irish Eircode at j ("F26 X9K2", "D6W 1234"): a letter,
// a digit, a digit or W, a space, and four letters and digits with at
// least one digit.
func eircode(s string, j int) int {
	if j+8 > len(s) || !isUpper(s[j]) || !isDigit(s[j+1]) || !(isDigit(s[j+2]) || s[j+2] == 'W') || s[j+3] != ' ' {
		return -1
	}
	digits := 0
	for k := j + 4; k < j+8; k++ {
		if isDigit(s[k]) {
			digits++
		} else if !isUpper(s[k]) {
			return -1
		}
	}
	if digits == 0 || !wordEnd(s, j+8) {
		return -1
	}
	return j + 8
}

// dashPostcode reads a dashed postcode alone: Japanese "150-0002" or
// Brazilian "01304-001".
func dashPostcode(s string, j int) int {
	k := j
	for k < len(s) && isDigit(s[k]) && k-j < 6 {
		k++
	}
	a := k - j
	if a != 3 && a != 5 || k+1 >= len(s) || s[k] != '-' {
		return -1
	}
	r := k + 1
	for r < len(s) && isDigit(s[r]) && r-k < 6 {
		r++
	}
	b := r - k - 1
	if !(a == 3 && b == 4 || a == 5 && b == 3) || !numEnd(s, r) {
		return -1
	}
	return r
}

// postcodeCity reads a postcode then a city at j: "10115 Berlin", "1015
// CJ Amsterdam", "111 35 Stockholm", "00-590 Warszawa", "1200-195
// Lisboa", "03100 Ciudad de México", "80142 Napoli NA". It returns the end
// or -1.
func postcodeCity(s string, j int) int {
	k := j
	for k < len(s) && isDigit(s[k]) && k-j < 6 {
		k++
	}
	n := k - j
	if n < 2 || n > 5 || k+1 >= len(s) {
		return -1
	}
	switch {
	case n == 2 && s[k] == '-': // Polish 00-590
		r := k + 1
		for r < len(s) && isDigit(s[r]) && r-k < 5 {
			r++
		}
		if r-k-1 != 3 {
			return -1
		}
		k = r
	case n == 4 && s[k] == '-': // Portuguese 1200-195
		r := k + 1
		for r < len(s) && isDigit(s[r]) && r-k < 5 {
			r++
		}
		if r-k-1 != 3 {
			return -1
		}
		k = r
	case n == 3 && s[k] == ' ' && k+3 < len(s) && isDigit(s[k+1]) && isDigit(s[k+2]) && s[k+3] == ' ': // Swedish 111 35
		k += 3
	case n == 4 && s[k] == ' ' && k+3 < len(s) && isUpper(s[k+1]) && isUpper(s[k+2]) && s[k+3] == ' ': // Dutch 1015 CJ
		k += 3
	case n < 3:
		return -1
	}
	if k+1 >= len(s) || s[k] != ' ' {
		return -1
	}
	c := placeWord(s, k+1)
	if c < 0 || lookupAll(s, k+1, c)&(fStop|fMonth|fGeneric) != 0 {
		return -1
	}
	// more words of the city: "Ciudad de México", "São Paulo"
	for w := 0; w < 2; w++ {
		r := gap(s, c)
		if r < 0 {
			break
		}
		if e := placeWord(s, r); e > 0 && lookupAll(s, r, e)&(fStop|fMonth) == 0 {
			c = e
			continue
		}
		if e := alphaEnd(s, r); e > r && euroParticles.has(s, r, e) {
			if r2 := gap(s, e); r2 > 0 {
				if e2 := placeWord(s, r2); e2 > 0 {
					c = e2
					continue
				}
			}
		}
		if r+2 <= len(s) && isUpper(s[r]) && isUpper(s[r+1]) && wordEnd(s, r+2) {
			c = r + 2 // a province: "80142 Napoli NA"
		}
		break
	}
	return c
}

// floorUnit reads a floor and door at j: Spanish "3º B", "2º izda.",
// Danish "2. tv".
func floorUnit(s string, j int) int {
	k := j
	for k < len(s) && isDigit(s[k]) && k-j < 3 {
		k++
	}
	if k == j || k+1 >= len(s) {
		return -1
	}
	if s[k] == 0xc2 && (s[k+1] == 0xba || s[k+1] == 0xaa || s[k+1] == 0xb0) { // º ª °
		r := k + 2
		if r < len(s) && s[r] == ' ' {
			r++
		}
		e := alphaEnd(s, r)
		if e == r || e-r > 5 {
			return k + 2
		}
		if e < len(s) && s[e] == '.' {
			e++
		}
		return e
	}
	if s[k] == '.' && k+3 < len(s) && s[k+1] == ' ' {
		e := alphaEnd(s, k+2)
		if e-k-2 == 2 && (s[k+2:e] == "tv" || s[k+2:e] == "th" || s[k+2:e] == "mf" || s[k+2:e] == "st") {
			return e
		}
	}
	return -1
}

// houseNumber reads a house number that follows a street name at q: "12",
// "3a", "10/12", "45/3/12", "4-B", Polish "5 m. 3", Finnish "12 B 7". It
// returns the end or -1.
func houseNumber(s string, q int) int {
	k := q
	for k < len(s) && isDigit(s[k]) && k-q < 5 {
		k++
	}
	if k == q || k-q > 4 {
		return -1
	}
	if k < len(s) && isAlpha(s[k]) && wordEnd(s, k+1) {
		k++ // 12a
	}
	for n := 0; n < 2 && k+1 < len(s) && (s[k] == '/' || s[k] == '-'); n++ {
		r := k + 1
		for r < len(s) && isDigit(s[r]) && r-k <= 4 {
			r++
		}
		if r == k+1 {
			if !isUpper(s[r]) || !wordEnd(s, r+1) {
				break
			}
			r++
		}
		k = r
	}
	if !wordEnd(s, k) {
		return -1
	}
	if strings.HasPrefix(s[k:], " m. ") || strings.HasPrefix(s[k:], " lok. ") {
		r := k + 4
		if s[k+1] == 'l' {
			r = k + 6
		}
		d := r
		for r < len(s) && isDigit(s[r]) && r-d < 4 {
			r++
		}
		if r > d && wordEnd(s, r) {
			k = r
		}
	} else if k+3 < len(s) && s[k] == ' ' && isUpper(s[k+1]) && s[k+2] == ' ' && isDigit(s[k+3]) {
		r := k + 3
		for r < len(s) && isDigit(s[r]) && r-k < 6 {
			r++
		}
		if r == len(s) || s[r] == ',' || s[r] == '\n' {
			k = r
		}
	}
	return k
}

// streetAbbrevs are abbreviations of street words that end with a
// period: "Av. Paulista", "ul. Długa", "al. Jerozolimskie", "os.
// Tysiąclecia", "Avda. de América".
var streetAbbrevs = newWordSet("av avda ul al os pl cl cra")

// standaloneStreetWords are street words that follow the street's name as
// a word of their own: "Mariahilfer Straße", "Lange Nieuwstraat" (whose
// adjective is part of the name).
var standaloneStreetWords = newWordSet("strasse allee weg platz gasse straat laan gracht")

// streetEndsLike reports whether the capitalised word s[a:b] ends like a
// street written as one word ("Hauptstraße", "Kungsgatan", "Laugavegur"),
// or is a street word of its own ("Straße").
func streetEndsLike(s string, a, b int) bool {
	if standaloneStreetWords.has(s, a, b) || b-a == 7 && s[a:b] == "Straße" {
		return true
	}
	for _, suf := range euroStreetEnds {
		if b-a > len(suf)+2 && equalFoldLower(s[b-len(suf):b], suf) {
			return true
		}
	}
	return false
}

// wordBack returns the start of the run of letters (ASCII or not) that
// ends at b.
func wordBack(s string, b int) int {
	a := b
	for a > 0 && (isAlpha(s[a-1]) || s[a-1] >= 0x80) {
		a--
	}
	return a
}

// streetBefore matches, at the house number at i, a street written before
// its number that a name rule took or the capitalised-word rules could not
// see: "Lange Nieuwstraat 9", "Mariahilfer Straße 45/3/12", "Av.
// Insurgentes Sur 1234", "Rua Augusta, 1500", "ul. Marszałkowska 10/12".
// It walks back at most four words to a street word or an abbreviation,
// or takes one word that ends like a street (with a capitalised adjective
// before it). It returns the end of the address, or 0.
func (sc *scanner) streetBefore(i int) int {
	s := sc.s
	b := i - 1
	comma := false
	if b >= 2 && s[b] == ' ' && s[b-1] == ',' {
		b--
		comma = true
	}
	if b < 1 || s[b-1] != '.' && !isLetterWordEnd(s[b-1]) {
		return 0
	}
	// the word before the number is capitalised ("Hauptstraße 12",
	// "Augusta, 1500", "Hauptstr. 12"): most numbers in prose stop here
	if a := wordBack(s, b-1); !isUpper(s[a]) && s[a] < 0xc3 {
		return 0
	}
	start := -1
	for w := 0; w < 4 && b > 0; w++ {
		dot := s[b-1] == '.'
		e := b
		if dot {
			e--
		}
		a := wordBack(s, e)
		if a == e || a > 0 && isWord(s[a-1]) {
			return 0
		}
		switch {
		case dot:
			// "Hauptstr. 12", or an abbreviation before the name: "Av.
			// Paulista, 1000", "ul. Długa 5"
			strEnd := e-a > 3 && equalFoldLower(s[e-3:e], "str") && isUpper(s[a])
			if !(w == 0 && strEnd) && !(w > 0 && streetAbbrevs.has(s, a, e)) {
				return 0
			}
			start = a
		case euroStreetWords.has(s, a, e) || numberedStreets.has(s, a, e):
			if w == 0 {
				// "Calle 10 No. 5-51", "Carrera 7 # 71-21": a numbered
				// street; otherwise the street needs a name ("Via 3
				// channels")
				if numberedStreets.has(s, a, e) && isUpper(s[a]) {
					if h := numberedHouse(s, i); h > 0 {
						end, kinds := sc.addrTail(h)
						return sc.emitAddr(a, end, addrScore(kinds), "address.europe")
					}
				}
				return 0
			}
			start = a
		case w == 0 && !comma && (isUpper(s[a]) || s[a] >= 0xc3) && streetEndsLike(s, a, e):
			start = a
			// a capitalised adjective before it: "Lange Nieuwstraat"
			if a >= 2 && s[a-1] == ' ' && isLetterWordEnd(s[a-2]) {
				p := wordBack(s, a-1)
				if isUpper(s[p]) && (p == 0 || !isWord(s[p-1])) && lookupAll(s, p, a-1)&(fStop|fMonth|fGeneric) == 0 && adjectiveEnd(s, p, a-1) {
					start = p
				}
			}
		default:
			if !(isUpper(s[a]) || s[a] >= 0xc3 || euroParticles.has(s, a, e)) {
				return 0
			}
			if a >= 3 && s[a-1] == ' ' && s[a-2] == '/' && s[a-3] == 'C' && (a == 3 || !isWord(s[a-4])) {
				start = a - 3 // "C/ Alcalá 120"
			}
		}
		if start >= 0 {
			break
		}
		b = a - 1
		if b < 1 || s[b] != ' ' {
			return 0
		}
	}
	if start < 0 || !tokenStart(s, start) {
		return 0
	}
	h := houseNumber(s, i)
	if h < 0 {
		return 0
	}
	end, kinds := sc.addrTail(h)
	return sc.emitAddr(start, end, addrScore(kinds), "address.europe")
}

// addrScore is the score of a street found before its number: higher with
// a postcode in its tail.
func addrScore(kinds int) float64 {
	if kinds&tailCode != 0 {
		return 0.9
	}
	return 0.75
}

// numberedStreets are the street words of Colombia and Mexico that take a
// number for a name: "Calle 10 No. 5-51", "Carrera 7 # 71-21".
var numberedStreets = newWordSet("calle carrera cra cl diagonal transversal avenida")

// numberedHouse reads, at the street number at i, the number and the
// house number after "No." or "#": "10 No. 5-51", "7 # 71-21", "60 No.
// 491". It returns the end or -1.
func numberedHouse(s string, i int) int {
	k := i
	for k < len(s) && isDigit(s[k]) && k-i < 4 {
		k++
	}
	if k < len(s) && isUpper(s[k]) && wordEnd(s, k+1) {
		k++ // "Calle 10A"
	}
	switch {
	case strings.HasPrefix(s[k:], " No. "):
		k += 5
	case strings.HasPrefix(s[k:], " # "):
		k += 3
	case strings.HasPrefix(s[k:], " #"), strings.HasPrefix(s[k:], " N° "):
		k += 2
		if s[k-1] != '#' {
			k += 3
		}
	default:
		return -1
	}
	d := k
	for k < len(s) && isDigit(s[k]) && k-d < 4 {
		k++
	}
	if k == d {
		return -1
	}
	if k+1 < len(s) && s[k] == '-' && isDigit(s[k+1]) {
		k++
		for k < len(s) && isDigit(s[k]) && k-d < 9 {
			k++
		}
	}
	if !wordEnd(s, k) {
		return -1
	}
	return k
}

func isLetterWordEnd(c byte) bool { return isAlpha(c) || c >= 0x80 }

// adjectiveEnd reports whether s[a:b] ends like a German or Dutch
// adjective ("Lange", "Mariahilfer", "Oude", "Alten").
func adjectiveEnd(s string, a, b int) bool {
	return b-a >= 4 && (s[b-1] == 'e' || s[b-1] == 'r' && s[b-2] == 'e' || s[b-1] == 'n' && s[b-2] == 'e' || s[b-1] == 's' && s[b-2] == 'e')
}

// addrPrefixWords open an address with a unit, plot or house before the
// street: "Flat 2, 14 Baker Street", "Plot 12, Adeola Odeku Street", "No.
// 23, 4th Cross", "Blk 4 Lot 12".
var addrPrefixWords = newWordSet("flat unit apt apartment plot house no blk block lot door shop")

// prefixAddress matches a unit, plot or house number then the street at i:
// "Flat 2, 14 Baker Street, London NW1 6XE", "Unit 4/22 Smith Street",
// "House 7, Ngong Road", "H.No. 5-9-22, Abids, Hyderabad 500001". Without
// a street that another rule finds, the rest must be a street without a
// number ("MG Road") or a tail with a postcode, unit or district. It
// returns the end or 0.
func (sc *scanner) prefixAddress(i, j int) int {
	s := sc.s
	if j+1 < len(s) && s[i] == 'H' && j == i+1 && strings.HasPrefix(s[j:], ".No.") {
		j += 3 // "H.No. 5-9-22"
	} else if !addrPrefixWords.has(s, i, j) {
		return 0
	}
	p := j
	if p < len(s) && s[p] == '.' {
		p++
	}
	if p < len(s) && s[p] == ' ' {
		p++
	}
	// the number: "2", "4B", "5-9-22", "3/2", "4/" before a house number
	k := p
	for k < len(s) && (isDigit(s[k]) || isUpper(s[k]) && k > p || s[k] == '-' && k+1 < len(s) && isDigit(s[k+1])) && k-p < 10 {
		k++
	}
	if k == p || !isDigit(s[p]) {
		return 0
	}
	if k+1 < len(s) && s[k] == '/' && isDigit(s[k+1]) {
		r := k + 1
		for r < len(s) && isDigit(s[r]) && r-k < 5 {
			r++
		}
		if r < len(s) && s[r] == ' ' && r+1 < len(s) && isUpper(s[r+1]) {
			// "Unit 4/22 Smith Street": 22 is the house number
			return sc.prefixed(i, k+1)
		}
		k = r // "Flat 3/2"
	}
	if !wordEnd(s, k) {
		return 0
	}
	q := k
	if q < len(s) && s[q] == ',' {
		q++
	}
	if q+1 >= len(s) || s[q] != ' ' {
		return 0
	}
	q++
	// another prefix: "Blk 4 Lot 12"
	if e := alphaEnd(s, q); e > q && isUpper(s[q]) && addrPrefixWords.has(s, q, e) {
		if r := sc.prefixAddress(q, e); r > 0 {
			return sc.restart(i, r)
		}
	}
	if isDigit(s[q]) {
		if e := sc.prefixed(i, q); e > 0 {
			return e
		}
	}
	// a street without a number: "Adeola Odeku Street", "MG Road"
	if e := suffixStreet(s, q); e > 0 {
		end, _ := sc.addrTail(e)
		return sc.emitAddr(i, end, 0.7, "address.prefix")
	}
	end, kinds := sc.addrTail(k)
	if kinds&(tailCode|tailDistrict) == 0 {
		return 0
	}
	return sc.emitAddr(i, end, 0.7, "address.prefix")
}

// prefixed runs the number-first street rules at q and moves the start of
// what they report back to the prefix at i.
func (sc *scanner) prefixed(i, q int) int {
	s := sc.s
	n := len(sc.out)
	e := q
	for e < len(s) && isDigit(s[e]) && e-q < 6 {
		e++
	}
	if e == q || s[q] == '0' {
		return 0
	}
	sc.address(q, e)
	if len(sc.out) == n && !sc.done {
		sc.numberFirstEuro(q, e)
	}
	if len(sc.out) == n && !sc.done {
		sc.asianStreet(q)
	}
	if sc.done {
		return len(s)
	}
	if len(sc.out) == n {
		return 0
	}
	return sc.restart(i, sc.out[len(sc.out)-1].End)
}

// restart moves the start of the last finding back to i when it ends at
// end.
func (sc *scanner) restart(i, end int) int {
	if sc.done {
		return end
	}
	if n := len(sc.out); n > 0 && sc.out[n-1].End == end && sc.out[n-1].Entity == PostalAddress && sc.out[n-1].Start > i {
		sc.out[n-1].Start = i
	}
	return end
}

// suffixStreet reads a street without a number at q: one to three
// capitalised words (or a short word in capitals, "MG") then a street
// suffix: "Adeola Odeku Street", "Ngong Road", "MG Road". It returns the
// end or -1.
func suffixStreet(s string, q int) int {
	p := q
	for w := 0; w < 4; w++ {
		e := capWord(s, p)
		if e < 0 {
			e = alphaEnd(s, p)
			if e-p < 2 || e-p > 3 || !allUpper(s, p, e) || !wordEnd(s, e) {
				return -1
			}
		}
		if w > 0 && lowerIn(streetSuffixes, s, p, e) {
			if e < len(s) && s[e] == '.' && e-p <= 4 {
				e++
			}
			return e
		}
		r := gap(s, e)
		if r < 0 {
			return -1
		}
		p = r
	}
	return -1
}

// asianStreet matches a romanised Japanese, Korean, Chinese or Vietnamese
// address that starts with its number at i: "3-2-1 Shibuya, Shibuya-ku,
// Tokyo 150-0002", "123 Teheran-ro, Gangnam-gu, Seoul 06133", "123 Nguyễn
// Huệ, Quận 1". The number (hyphenated blocks allowed) is followed by one
// to three capitalised words, and a road or ward ending ("-ro", "-ku") in
// those words or a district in the part after them is the evidence.
func (sc *scanner) asianStreet(i int) int {
	s := sc.s
	k := i
	for n := 0; n < 3; n++ {
		d := k
		for k < len(s) && isDigit(s[k]) && k-d < 4 {
			k++
		}
		if k == d {
			return 0
		}
		if k+1 < len(s) && s[k] == '-' && isDigit(s[k+1]) {
			k++
			continue
		}
		break
	}
	if !wordEnd(s, k) {
		return 0
	}
	p := gap(s, k)
	if p < 0 {
		return 0
	}
	end := -1
	evidence := false
	for w := 0; w < 3; w++ {
		e := placeWord(s, p)
		if e < 0 {
			// "1-chome"
			c := p
			for c < len(s) && (isDigit(s[c]) || s[c] == '-') {
				c++
			}
			if c > p && equalFoldLower(s[c-1:min(c+5, len(s))], "-chome") {
				e = c + 5
			} else {
				break
			}
		}
		evidence = evidence || hasDistrictEnd(s, p, e)
		end = e
		r := gap(s, e)
		if r < 0 {
			break
		}
		p = r
	}
	if end < 0 || !evidence && (end >= len(s) || s[end] != ',') {
		return 0
	}
	if f := gap(s, k); lookupAll(s, f, placeWord(s, f))&(fStop|fMonth|fGeneric) != 0 {
		return 0 // "12 March, ..."
	}
	t, kinds := sc.addrTail(end)
	if !evidence && kinds&tailDistrict == 0 {
		return 0
	}
	score := 0.7
	if kinds&tailCode != 0 {
		score = 0.9
	}
	return sc.emitAddr(i, t, score, "address.asia")
}
