package redact

import (
	"strings"
	"unicode/utf8"
)

// Postal addresses written in their own script inside English text:
// Chinese and Japanese ("北京市朝阳区建国路88号", "東京都渋谷区神南1-2-3"),
// Korean ("서울특별시 강남구 테헤란로 123") and Russian or Ukrainian
// ("ул. Ленина, д. 5, кв. 12"). Written for this package from the
// countries' published address formats.

// hanAddrMarks are the characters that name the parts of a Chinese or
// Japanese address: province, city, district, county, town, village,
// road, street, lane, number, building, floor, room, prefecture, ward,
// block and lot.
const hanAddrMarks = "省市区區县縣镇鎮乡鄉村路街道巷弄号號楼樓室座栋棟都府県郡町丁番条通"

// hanUnits follow the number of a Chinese or Japanese address: "88号",
// "3番", "2丁目", "1201室".
const hanUnits = "号號番室座楼樓栋棟弄巷丁"

// hanAddress reports a Chinese or Japanese address at i: a run of Han and
// kana characters, digits and dashes (a "〒" postcode may lead, a
// six-digit postcode may follow) that names at least two address parts
// and has a number with its unit or a dashed block number. It returns
// the end of what it reported, or 0.
func (sc *scanner) hanAddress(i int) int {
	s := sc.s
	marks := 0
	var seen [8]rune
	unit := false
	e := i
	last := i
	for e < len(s) && e-i < 240 {
		r, w := utf8.DecodeRuneInString(s[e:])
		switch {
		case isDigit(s[e]) || r >= '０' && r <= '９':
			k := e + w
			if k < len(s) {
				r2, _ := utf8.DecodeRuneInString(s[k:])
				if strings.ContainsRune(hanUnits, r2) || (s[k] == '-' || r2 == '－') && k+1 < len(s) && isDigit(s[k+1]) {
					unit = true
				}
			}
		case s[e] == '-' || r == '－' || r == 'ー' || isAlpha(s[e]):
		case isHan(r) || r >= 0x3040 && r <= 0x30ff:
			if strings.ContainsRune(hanAddrMarks, r) {
				dup := false
				for _, x := range seen[:min(marks, len(seen))] {
					dup = dup || x == r
				}
				if !dup {
					if marks < len(seen) {
						seen[marks] = r
					}
					marks++
				}
			}
		default:
			goto done
		}
		e += w
		last = e
	}
done:
	if marks < 2 || !unit {
		return 0
	}
	e = last
	// a six-digit postcode after a space: "…长沙路J座 123456"
	if e+7 <= len(s) && s[e] == ' ' && digitsOnly(s[e+1:e+7]) && (e+7 == len(s) || !isWord(s[e+7])) {
		e += 7
	}
	start := i
	// a Japanese postcode before: "〒150-0041 "
	if k := strings.LastIndex(s[max(0, i-16):i], "〒"); k >= 0 {
		start = max(0, i-16) + k
	}
	return sc.emitAddr(start, e, 0.75, "address.han")
}

// hangulAdminEnds are the last syllables of the parts of a Korean
// address: province, city, district, county, neighbourhood, town,
// township, village, road, street.
const hangulAdminEnds = "도시구군동읍면리로길가"

// hangulAddress reports a Korean address at i: two or more words that end
// like the parts of an address ("서울특별시 강남구 테헤란로"), then a
// building number ("123", "45-6"), with an optional neighbourhood in
// brackets and a unit ("101동 202호"). It returns the end, or 0.
func (sc *scanner) hangulAddress(i int) int {
	s := sc.s
	parts := 0
	e := i
	for parts < 6 {
		k := e
		var lastR rune
		for k < len(s) {
			r, w := utf8.DecodeRuneInString(s[k:])
			if !isHangul(r) {
				break
			}
			lastR = r
			k += w
		}
		if k == e || !strings.ContainsRune(hangulAdminEnds, lastR) {
			break
		}
		parts++
		e = k
		if e+1 < len(s) && s[e] == ' ' {
			r, _ := utf8.DecodeRuneInString(s[e+1:])
			if isHangul(r) {
				e++
				continue
			}
		}
		break
	}
	if parts < 2 || e+2 > len(s) || s[e] != ' ' || !isDigit(s[e+1]) {
		return 0
	}
	e++
	for e < len(s) && (isDigit(s[e]) || s[e] == '-' && e+1 < len(s) && isDigit(s[e+1])) {
		e++
	}
	// "(역삼동)", "101동 202호"
	for k := 0; k < 3 && e+1 < len(s) && s[e] == ' '; k++ {
		q := e + 1
		if s[q] == '(' {
			c := strings.IndexByte(s[q:], ')')
			if c < 0 || c > 40 {
				break
			}
			e = q + c + 1
			continue
		}
		d := q
		for d < len(s) && isDigit(s[d]) {
			d++
		}
		if d == q {
			break
		}
		r, w := utf8.DecodeRuneInString(s[d:])
		if r != '동' && r != '호' && r != '층' {
			break
		}
		e = d + w
	}
	return sc.emitAddr(i, e, 0.75, "address.hangul")
}

// cyrStreetWords start a street in a Russian or Ukrainian address.
var cyrStreetWords = []string{"ул.", "улица", "пр.", "пр-т", "просп.", "проспект", "пер.", "переулок", "б-р", "бульвар", "ш.", "шоссе", "наб.", "набережная", "пл.", "площадь", "вул.", "вулиця", "пров.", "пл-ка", "мкр.", "микрорайон"}

// cyrUnitWords introduce the numbers after a street: house, building,
// block, flat, office.
var cyrUnitWords = []string{"д.", "дом", "буд.", "к.", "корп.", "стр.", "кв.", "оф.", "офис"}

// cyrAddress reports a Russian or Ukrainian address at i, where a street
// word stands ("ул. Ленина, д. 5, кв. 12", "пр-т Мира 14"): the street's
// name, a house number and the units and postcode after it. It returns
// the end, or 0.
func (sc *scanner) cyrAddress(i int) int {
	s := sc.s
	p := -1
	for _, w := range cyrStreetWords {
		if strings.HasPrefix(s[i:], w) {
			p = i + len(w)
			break
		}
	}
	if p < 0 {
		return 0
	}
	if p < len(s) && s[p] == ' ' {
		p++
	}
	// the street's name: up to three words, capitalised or numbered
	// ("Ленина", "Маршала Жукова", "8 Марта")
	e := p
	for words := 0; words < 3 && e < len(s); words++ {
		k := e
		for k < len(s) && (s[k] >= 0x80 || isAlpha(s[k]) || isDigit(s[k]) || s[k] == '-') {
			k++
		}
		if k == e {
			break
		}
		e = k
		if !(e+1 < len(s) && s[e] == ' ' && s[e+1] >= 0x80) || prefixOf(s[e+1:], cyrUnitWords) != "" {
			break
		}
		e++
	}
	if e == p {
		return 0
	}
	// the house number, after ", д. " or a space
	q, _ := cyrUnitAt(s, e)
	if q >= len(s) || !isDigit(s[q]) {
		return 0
	}
	end := q
	for end < len(s) && (isDigit(s[end]) || s[end] == '/' || s[end] >= 0x80 && end > q && !strings.HasPrefix(s[end:], "，")) {
		if s[end] >= 0x80 {
			r, w := utf8.DecodeRuneInString(s[end:])
			if r < 0x400 || r > 0x4ff || end+w < len(s) && isWord(s[end+w]) {
				break // one letter after the number: "5А"
			}
			end += w
			continue
		}
		end++
	}
	// units and a postcode: ", кв. 12", " корп. 2", ", 123456"
	for k := 0; k < 4; k++ {
		q, unit := cyrUnitAt(s, end)
		if unit {
			d := q
			for d < len(s) && isDigit(s[d]) {
				d++
			}
			if d == q {
				break
			}
			end = d
			continue
		}
		// Russian postcodes have six digits, Ukrainian ones five
		for _, n := range [2]int{6, 5} {
			if q+n <= len(s) && digitsOnly(s[q:q+n]) && (q+n == len(s) || !isWord(s[q+n])) {
				end = q + n
				break
			}
		}
		break
	}
	return sc.emitAddr(i, end, 0.75, "address.cyrillic")
}

// cyrUnitAt reads, at q, what stands before a number in a Russian or
// Ukrainian address: a comma, a space and a unit word with its space
// (", д. ", " кв. "), each if present. It returns where the number
// should start and whether a unit word stood there.
func cyrUnitAt(s string, q int) (int, bool) {
	if q < len(s) && s[q] == ',' {
		q++
	}
	if q < len(s) && s[q] == ' ' {
		q++
	}
	w := prefixOf(s[q:], cyrUnitWords)
	if w == "" {
		return q, false
	}
	q += len(w)
	if q < len(s) && s[q] == ' ' {
		q++
	}
	return q, true
}

// prefixOf returns the word of ws that s starts with, or "".
func prefixOf(s string, ws []string) string {
	for _, w := range ws {
		if strings.HasPrefix(s, w) {
			return w
		}
	}
	return ""
}

func digitsOnly(s string) bool {
	for k := 0; k < len(s); k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return len(s) > 0
}
