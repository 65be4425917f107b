package redact

import "strings"

// Dates are personal data here only as dates of birth: a date is reported
// when a birth context word ("DOB", "born", "date of birth", "birthday")
// is near it.

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	if y < 100 {
		return true
	}
	return y >= 1900 && y <= 2099
}

// numericDate matches 03/14/1985, 3-14-85, 1985-03-14 and 14.03.1985.
func (sc *scanner) numericDate(i int, g *groups) {
	s := sc.s
	if g.n < 3 || g.sep[0] != g.sep[1] || (g.sep[0] != '/' && g.sep[0] != '-' && g.sep[0] != '.') {
		return
	}
	a, b, c := g.size(0), g.size(1), g.size(2)
	end := g.b[2]
	if !numEnd(s, end) {
		return
	}
	v := func(k int) int { return atoi(s[g.a[k]:g.b[k]]) }
	ok := false
	switch {
	case a == 4 && b <= 2 && c <= 2:
		ok = validDate(v(0), v(1), v(2))
	case a <= 2 && b <= 2 && (c == 4 || c == 2):
		ok = validDate(v(2), v(0), v(1)) || validDate(v(2), v(1), v(0))
	}
	if ok && sc.hasContext(eDateOfBirth, i, end) {
		sc.emit(eDateOfBirth, i, end, 0.2, "dob.numeric")
	}
}

// cjkDate matches a date written the Chinese, Japanese or Korean way at
// i, where a four-digit year ends at y: "1985年11月2日", "1985년 11월
// 2일"; with a birth word in the context ("生年月日", "생년월일").
func (sc *scanner) cjkDate(i, y int) {
	s := sc.s
	p := y
	var v [3]int
	for k, unit := range [3][2]string{{"年", "년"}, {"月", "월"}, {"日", "일"}} {
		if k > 0 {
			if p < len(s) && s[p] == ' ' {
				p++
			}
			d := p
			for p < len(s) && isDigit(s[p]) && p-d < 2 {
				p++
			}
			if p == d {
				return
			}
			v[k] = atoi(s[d:p])
		} else {
			v[0] = atoi(s[i:y])
		}
		switch {
		case strings.HasPrefix(s[p:], unit[0]):
			p += len(unit[0])
		case strings.HasPrefix(s[p:], unit[1]):
			p += len(unit[1])
		default:
			return
		}
	}
	if validDate(v[0], v[1], v[2]) && sc.hasContext(eDateOfBirth, i, p) {
		sc.emit(eDateOfBirth, i, p, 0.2, "dob.cjk")
	}
}

// monthNameAt returns the end of a month name (optionally followed by a
// '.') at i, or -1.
func monthNameAt(s string, i int) int {
	e := alphaEnd(s, i)
	if e == i || lookupWord(s, i, e)&fMonth == 0 {
		return -1
	}
	if e < len(s) && s[e] == '.' {
		e++
	}
	return e
}

func digitsAt(s string, j, min, max int) int {
	k := j
	for k < len(s) && isDigit(s[k]) && k-j < max {
		k++
	}
	if k-j < min || !wordEnd(s, k) {
		return -1
	}
	return k
}

// dayAt reads a day of the month at j, plain ("4") or ordinal ("4th",
// "21st"); it returns the end or -1.
func dayAt(s string, j int) int {
	if d := digitsAt(s, j, 1, 2); d > 0 {
		return d
	}
	if d := ordinal(s, j); d > 0 && d-j <= 4 {
		return d
	}
	return -1
}

// monthDate matches "March 14, 1985", "Mar 14 1985" and "October 4th
// 1995" at i (the month
// name ends at j).
func (sc *scanner) monthDate(i, j int) int {
	s := sc.s
	e := monthNameAt(s, i)
	if e < 0 || e+1 >= len(s) || s[e] != ' ' {
		return 0
	}
	d := dayAt(s, e+1)
	if d < 0 {
		return 0
	}
	if d < len(s) && s[d] == ',' {
		d++
	}
	if d+1 >= len(s) || s[d] != ' ' {
		return 0
	}
	y := digitsAt(s, d+1, 4, 4)
	if y < 0 || !validDate(atoi(s[d+1:y]), 1, 1) {
		return 0
	}
	if sc.hasContext(eDateOfBirth, i, y) && sc.emit(eDateOfBirth, i, y, 0.2, "dob.month") {
		return y
	}
	return 0
}

// dayMonthYear matches "14 March 1985" and "14th March 1985" at i (the
// digits of the day end at j).
func (sc *scanner) dayMonthYear(i, j int) {
	s := sc.s
	if o := ordinal(s, i); o == j+2 {
		j = o
	}
	if j+1 >= len(s) || s[j] != ' ' || !isUpper(s[j+1]) {
		return
	}
	e := monthNameAt(s, j+1)
	if e < 0 || e+1 >= len(s) || s[e] != ' ' {
		return
	}
	y := digitsAt(s, e+1, 4, 4)
	if y < 0 || !validDate(atoi(s[e+1:y]), 1, atoi(strings.TrimRight(s[i:j], "stndrh"))) {
		return
	}
	if sc.hasContext(eDateOfBirth, i, y) {
		sc.emit(eDateOfBirth, i, y, 0.2, "dob.month")
	}
}
