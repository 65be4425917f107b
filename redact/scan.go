package redact

import (
	"strings"
)

// Byte classes that trigger work in the scanner. Every other byte is skipped
// with one table load and compare.
const (
	clsNone uint8 = iota
	clsDigit
	clsUpper
	clsAt
	clsColon
	clsPlus
	clsParen
	clsBracket
	clsSpace // a space or newline, before a lower-case name
	clsUTF8  // the lead byte of a letter beyond ASCII: an accented, Greek or Cyrillic capital, or Han and Hangul
)

var byteClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = clsDigit
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = clsUpper
	}
	t['@'] = clsAt
	t[':'] = clsColon
	t['+'] = clsPlus
	t['('] = clsParen
	t['['] = clsBracket
	t[' '] = clsSpace // names in lower case (lowerAt), when names are on
	t['\n'] = clsSpace
	// Latin-1 and Latin Extended ("Élodie", "Łukasz"), Greek, Cyrillic
	// (lead bytes up to 0xdb: Armenian, Hebrew and Arabic too);
	// Indic scripts (0xe0); CJK ideographs and Hangul syllables
	for c := 0xc3; c <= 0xdb; c++ {
		t[c] = clsUTF8
	}
	t[0xe0] = clsUTF8
	for c := 0xe4; c <= 0xed; c++ {
		t[c] = clsUTF8
	}
	return t
}()

func isDigit(c byte) bool { return c-'0' < 10 }
func isUpper(c byte) bool { return c-'A' < 26 }
func isLower(c byte) bool { return c-'a' < 26 }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }

// isWord reports whether c can be part of a word: ASCII letters and digits,
// and every byte of a multi-byte UTF-8 sequence (so that a word with an
// accented letter is never split into two).
func isWord(c byte) bool { return isDigit(c) || isAlpha(c) || c >= 0x80 }

func isHex(c byte) bool { return isDigit(c) || (c|0x20)-'a' < 6 }

func lower(c byte) byte {
	if isUpper(c) {
		return c | 0x20
	}
	return c
}

// tokenStart reports whether position i begins a word: it is the first byte
// or follows a byte that is not part of a word.
func tokenStart(s string, i int) bool { return i == 0 || !isWord(s[i-1]) }

// glued reports whether position i follows a word byte, the closing
// bracket of a box a first pass left, or a masking star: a candidate
// starting there is part of something else ("[IP_ADDRESS]+5623..." was
// "::13+5623...", "[PERSON_NAME]::12" was "Dear Ann::12", and
// "****5432::" was an IBAN whose last four digits a mask kept), so
// redacting twice changes nothing.
func glued(s string, i int) bool {
	return i > 0 && (isWord(s[i-1]) || s[i-1] == ']' || s[i-1] == '*')
}

// inLabel reports whether the word s[i:j] belongs to a redaction label
// ("[LICENSE_PLATE]", "[PAYMENT_CARD]", "[REDACTED:ssn]"): such words are
// no evidence, or a second pass would find more than the first.
func inLabel(s string, i, j int) bool {
	return i > 0 && (s[i-1] == '[' || s[i-1] == '_') || j < len(s) && (s[j] == ']' || s[j] == '_')
}

// maskedTail reports whether position i follows a single space after a
// group a mask wrote: in "**54 32::" MaskLast4 kept the last four digits
// of an IBAN printed in groups, and "32::" is the rest of that masked
// value, not an IPv6 address of its own (a second pass must change
// nothing).
func maskedTail(s string, i int) bool {
	if i < 2 || s[i-1] != ' ' {
		return false
	}
	k := i - 2
	for k >= 0 && isDigit(s[k]) {
		k--
	}
	return k >= 0 && s[k] == '*'
}

// wordEnd reports whether position j ends a word: it is past the end or
// at a byte that is not part of a word.
func wordEnd(s string, j int) bool { return j >= len(s) || !isWord(s[j]) }

// numEnd reports whether a number ending at j really ends there: no word
// byte follows, nor a separator followed by another digit (which would make
// the number part of a longer one, like 1.2.3.4.5 or 123-45-6789-0).
func numEnd(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	c := s[j]
	if c >= 0x80 {
		w := uniDash(s, j)
		return w > 0 && !(j+w < len(s) && isDigit(s[j+w]))
	}
	if isWord(c) {
		return false
	}
	if (c == '-' || c == '.' || c == '/') && j+1 < len(s) && isDigit(s[j+1]) {
		return false
	}
	return true
}

// equalFold reports whether a equals b ignoring ASCII case; b must be lower
// case.
func equalFoldLower(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != b[i] {
			return false
		}
	}
	return true
}

// scanner is the state of one pass over one input. It lives on the stack.
type scanner struct {
	r     *Redactor
	s     string
	out   []Finding
	first bool // stop at the first reportable finding
	done  bool

	hexEnd int // end of the last hex/colon run examined by colon()

	// hashes of the words of person names found so far (addNameKeys)
	nameKeys [128]uint64
	nKeys    int
	lastKey  int // start of the name that taught the last key

	// one-word cache of lookup
	lkA, lkB int
	lkF      uint32

	// the table block last seen by tableHeaderMask: its separator, the
	// start of its first line and of the last line read
	tblSep           byte
	tblHead, tblLast int
	tblAny           int8 // whether the text has a '|' or a tab: 0 not yet known, 1 yes, -1 no

	// context cache for the most recent candidate span
	ctxStart, ctxEnd int
	ctxPos, ctxNeg   uint64
	ctxValid         bool
	ctxTable         bool // tableContext has run for this candidate
}

// run is the single pass over the input.
func (sc *scanner) run() {
	s := sc.s
	n := len(s)
	i := 0
	var words *wordTable
	if sc.r.nameOn {
		words = wordsTable()
		if n > 3 && isLower(s[0]) && isLower(s[1]) && words.lowerStart(s, 0) {
			sc.lowerAt(words, 0)
		}
	}
	for i < n {
		cls := byteClass[s[i]]
		if cls == clsNone {
			i++
			continue
		}
		next := i + 1
		switch cls {
		case clsDigit:
			if tokenStart(s, i) {
				next = sc.digit(i)
			} else if i >= 2 && isLower(s[i-1]) && isLower(s[i-2]) && tokenStart(s, i-2) && sc.r.on[eIBAN] {
				// a lower-case IBAN ("de89 3704 ..."): lower-case
				// letters trigger nothing, so its first digit does
				if e := sc.iban(i - 2); e > 0 {
					next = e
				}
			}
		case clsUpper:
			if tokenStart(s, i) {
				// a national id that starts with letters ("QQ 12 34 56
				// C", "ABCPE1234F", "X1234567L"): a capital followed
				// by a capital or a digit
				if p := i + 1; p < n && (isUpper(s[p]) || isDigit(s[p])) && sc.r.natIDOn {
					if e := sc.nationalID(i); e > 0 {
						next = e
						break
					}
				}
				next = sc.upper(i)
			}
		case clsAt:
			next = sc.at(i)
		case clsColon:
			next = sc.colon(i)
		case clsPlus:
			next = sc.plus(i)
		case clsParen:
			next = sc.paren(i)
		case clsBracket:
			next = sc.marker(i)
		case clsUTF8:
			if (sc.r.nameOn || sc.r.addrOn) && tokenStart(s, i) {
				next = sc.nonASCIIWord(i)
			}
		case clsSpace:
			if p := i + 1; p+3 < n && words != nil && isLower(s[p]) && isLower(s[p+1]) {
				// words.lowerStart, written out to stay inline
				if k := lowerKey(s, p); words.lowerStarts[k>>6]&(1<<(k&63)) != 0 || s[p] == 'h' && s[p+1] == 'i' && s[p+2] == ' ' {
					if e := sc.lowerAt(words, p); e > p {
						next = e
					}
				}
			}
		}
		if sc.done {
			return
		}
		if next <= i {
			next = i + 1
		}
		i = next
	}
	if sc.r.nameOn {
		sc.lowerCues()
	}
}

// emit reports a candidate of built-in or custom entity id. The score is
// adjusted by context words, then the candidate is dropped if it falls
// below the minimum score or is allow-listed.
func (sc *scanner) emit(id, start, end int, score float64, rule string) bool {
	r := sc.r
	if !r.on[id] || start >= end || sc.done {
		return false
	}
	score = sc.adjust(id, start, end, score)
	if score < r.minScore {
		return false
	}
	if r.allowed(sc.s[start:end]) {
		return false
	}
	// A surname found after a title ("Councillor Ruiz") is released when
	// the allow-list names the person ("Ana Ruiz" allows "Councillor Ruiz").
	if r.allow != nil {
		if w := wordBefore(sc.s, start); w < start && r.allowed(sc.s[w:end]) {
			return false
		}
	}
	if sc.first {
		sc.done = true
		return true
	}
	if sc.out == nil {
		sc.out = make([]Finding, 0, 8+len(sc.s)/64)
	}
	sc.out = append(sc.out, Finding{
		Entity: r.ents[id], Category: r.cats[id],
		Start: start, End: end, Score: score, Rule: rule,
	})
	if id == ePersonName {
		sc.addNameKeys(start, end, score)
	}
	return true
}

// adjust applies context words around s[start:end] to score.
func (sc *scanner) adjust(id, start, end int, score float64) float64 {
	r := sc.r
	if r.ctx == nil || id >= 64 {
		return clamp(score)
	}
	// skip the context search when it cannot change the outcome
	bit := uint64(1) << uint(id)
	if score >= r.minScore && r.negIDs&bit == 0 || score < r.minScore && (r.posIDs&bit == 0 || score+r.boost < r.minScore) {
		return clamp(score)
	}
	if !sc.ctxValid || sc.ctxStart != start || sc.ctxEnd != end {
		sc.ctxPos, sc.ctxNeg = r.contextMasks(sc.s, start, end)
		sc.ctxStart, sc.ctxEnd, sc.ctxValid, sc.ctxTable = start, end, true, false
	}
	if sc.ctxPos&bit == 0 {
		sc.tableContext(start)
	}
	if sc.ctxPos&bit != 0 {
		score += r.boost
	}
	if sc.ctxNeg&bit != 0 {
		score -= r.penalty
	}
	return clamp(score)
}

// hasContext reports whether a positive context word for id surrounds
// s[start:end]. Detectors that need context (bank accounts, licences,
// passports, dates of birth) call it before doing more work.
func (sc *scanner) hasContext(id, start, end int) bool {
	r := sc.r
	if r.ctx == nil || id >= 64 {
		return false
	}
	if !sc.ctxValid || sc.ctxStart != start || sc.ctxEnd != end {
		sc.ctxPos, sc.ctxNeg = r.contextMasks(sc.s, start, end)
		sc.ctxStart, sc.ctxEnd, sc.ctxValid, sc.ctxTable = start, end, true, false
	}
	if sc.ctxPos&(uint64(1)<<uint(id)) == 0 {
		sc.tableContext(start)
	}
	return sc.ctxPos&(uint64(1)<<uint(id)) != 0
}

func clamp(f float64) float64 {
	if f < 0 {
		return 0
	}
	if f > 1 {
		return 1
	}
	return f
}

// ctxEntry is what one context word means: bit masks of the entity ids for
// which it is positive or negative, and phrases that start with it.
type ctxEntry struct {
	pos, neg uint64
	phrases  []ctxPhrase
}

type ctxPhrase struct {
	rest []string // the following words, lower case
	pos  bool
	mask uint64
}

type wordSpan struct{ a, b int }

// contextMasks tokenises the windows before and after s[start:end] and
// returns the masks of entity ids with positive and negative context.
func (r *Redactor) contextMasks(s string, start, end int) (pos, neg uint64) {
	lo := start - r.before
	if lo < 0 {
		lo = 0
	}
	hi := end + r.after
	if hi > len(s) {
		hi = len(s)
	}
	var words [32]wordSpan
	n := 0
	collect := func(a, b int) {
		i := a
		// do not start in the middle of a word cut by the window
		if i > 0 && i < b && isWord(s[i-1]) {
			for i < b && isWord(s[i]) {
				i++
			}
		}
		for i < b && n < len(words) {
			for i < b && !isWord(s[i]) {
				i++
			}
			j := i
			for j < len(s) && isWord(s[j]) {
				j++
			}
			if j > i {
				words[n] = wordSpan{i, j}
				n++
			}
			i = j
		}
	}
	// context does not cross a sentence end or a line break (a cue word
	// on the next line of a form belongs to another field)
	lo = windowStart(s, lo, start)
	hi = windowEnd(s, end, hi)
	posFrom, posTo, lo := boxedWindow(s, lo, start, end, hi)
	collect(lo, start)
	nBefore := n
	collect(end, hi)
	for k := 0; k < n; k++ {
		w := words[k]
		if w.b-w.a > 24 || r.ctxFirst[lower(s[w.a])]&(1<<uint(w.b-w.a)) == 0 {
			continue
		}
		posOK := w.a >= posFrom && w.b <= posTo
		// the words of a redaction label ("[SSN]", "[PAYMENT_CARD]",
		// "[REDACTED:ssn]") are not context: redacted text must not make
		// its neighbours look more personal on a second pass
		if w.a > 0 && (s[w.a-1] == '[' || s[w.a-1] == '_') || w.b < len(s) && (s[w.b] == ']' || s[w.b] == '_') {
			continue
		}
		e, ok := r.ctxTable.get(s, w.a, w.b)
		if !ok {
			continue
		}
		if posOK {
			pos |= e.pos
		}
		if k < nBefore { // negative words count only before: "order 123", "invoice 456"
			neg |= e.neg
		}
		for _, p := range e.phrases {
			if k+len(p.rest) >= n {
				continue
			}
			match := true
			for m, rw := range p.rest {
				ws := words[k+1+m]
				if !equalFoldLower(s[ws.a:ws.b], rw) {
					match = false
					break
				}
			}
			if match {
				if p.pos {
					if posOK {
						pos |= p.mask
					}
				} else {
					neg |= p.mask
				}
			}
		}
	}
	return pos, neg
}

// tableContext adds, once per candidate, the context of a table header
// above the candidate at start (tableHeaderMask) to sc.ctxPos. It is
// asked only when the words around the candidate did not say enough, and
// only in text that has a '|' or a tab at all.
func (sc *scanner) tableContext(start int) {
	if sc.ctxTable {
		return
	}
	sc.ctxTable = true
	if sc.tblAny == 0 {
		sc.tblAny = -1
		if strings.IndexByte(sc.s, '|') >= 0 || strings.IndexByte(sc.s, '\t') >= 0 {
			sc.tblAny = 1
		}
	}
	if sc.tblAny > 0 {
		sc.ctxPos |= sc.tableHeaderMask(start)
	}
}

// tableHeaderMask returns the positive context of the header cell above
// a candidate at start that stands in a cell of a table written as text:
// a pipe table ("| Name | DOB | Phone |") or tab-separated lines pasted
// from a spreadsheet. The header is the first line of the block of lines
// with the same separator; its cell in the candidate's column says what
// the column holds, however far below it the candidate is. Only short
// cells and lines are read (a separator within 200 bytes before the
// candidate, lines of at most 4 KB), and the block's first line is
// remembered, so a long table is walked once.
func (sc *scanner) tableHeaderMask(start int) uint64 {
	s := sc.s
	var sep byte
	for k := start - 1; k >= 0 && start-k <= 200; k-- {
		if c := s[k]; c == '|' || c == '\t' {
			sep = c
			break
		} else if c == '\n' {
			return 0
		}
	}
	if sep == 0 {
		return 0
	}
	base := max(0, start-4096)
	ls := strings.LastIndexByte(s[base:start], '\n')
	if ls < 0 {
		return 0 // the first line, which has no header above it, or a line too long to be a row
	}
	ls += base + 1
	col := strings.Count(s[ls:start], string(sep))
	hs := -1
	if sc.tblSep == sep && sc.tblLast <= ls && sc.tblLast > sc.tblHead {
		// the block remembered goes on down to this line?
		ok := true
		for p := sc.tblLast; p < ls; {
			e := strings.IndexByte(s[p:ls], '\n')
			if e < 0 || e > 4096 || strings.IndexByte(s[p:p+e], sep) < 0 {
				ok = false
				break
			}
			p += e + 1
		}
		if ok {
			hs = sc.tblHead
		}
	}
	if hs < 0 {
		hs = ls
		for lines := 0; hs > 0 && lines < 1000; lines++ {
			pe := hs - 1 // the '\n' ending the line above
			b := max(0, pe-4096)
			ps := strings.LastIndexByte(s[b:pe], '\n')
			if ps < 0 && b > 0 {
				break
			}
			ps += b + 1
			if strings.IndexByte(s[ps:pe], sep) < 0 {
				break
			}
			hs = ps
		}
		sc.tblSep, sc.tblHead = sep, hs
	}
	sc.tblLast = ls
	if hs == ls {
		return 0 // the candidate's own line is the first: no header above
	}
	he := hs + strings.IndexByte(s[hs:], '\n')
	// the header's cell in the candidate's column
	a := hs
	for c := 0; c < col; c++ {
		k := strings.IndexByte(s[a:he], sep)
		if k < 0 {
			return 0
		}
		a += k + 1
	}
	b := he
	if k := strings.IndexByte(s[a:he], sep); k >= 0 {
		b = a + k
	}
	r := sc.r
	var pos uint64
	for i := a; i < b; {
		for i < b && !isWord(s[i]) {
			i++
		}
		j := i
		for j < b && isWord(s[j]) {
			j++
		}
		if j > i && j-i <= 24 {
			if e, ok := r.ctxTable.get(s, i, j); ok {
				pos |= e.pos
				for _, p := range e.phrases {
					if p.pos {
						pos |= p.mask // "date of birth": in a header the phrase's first word is enough
					}
				}
			}
		}
		i = j
	}
	return pos
}

// boxedWindow adjusts the context window [lo, start) before and [end, hi)
// after a candidate for the boxes a first pass left ("[PERSON_NAME]",
// "[SSN]"). A box is not as long as the text it replaced, so a word
// beyond it may have been outside the window on the first pass, and a
// negative word may have been inside: positive words count only between
// the last box before and the first box after the candidate, and negative
// words are looked for 40 bytes further back. A second pass then never
// finds more than the first did. It returns the positive range and the
// new start of the window.
func boxedWindow(s string, lo, start, end, hi int) (posFrom, posTo, newLo int) {
	posFrom, posTo, newLo = lo, hi, lo
	if k := strings.LastIndexByte(s[lo:start], ']'); k >= 0 {
		posFrom = lo + k + 1
		newLo = min(windowStart(s, max(lo-40, 0), start), lo)
	}
	if k := strings.IndexByte(s[end:hi], '['); k >= 0 {
		posTo = end + k
	}
	return posFrom, posTo, newLo
}

// windowStart moves the start lo of the context window before a candidate
// at start past the last line break or sentence end in s[lo:start]. A line
// break is crossed only when the candidate opens its line and the line
// before ends with a colon: a label written above its value ("Date of
// birth:" then the date on the next line).
func windowStart(s string, lo, start int) int {
	if k := strings.LastIndexByte(s[lo:start], '\n'); k >= 0 {
		nl := lo + k
		if !blankLine(s[nl+1:start]) || !endsWithColon(s[lo:nl]) {
			return nl + 1
		}
		if k2 := strings.LastIndexByte(s[lo:nl], '\n'); k2 >= 0 {
			lo += k2 + 1
		}
	}
	for k := start - 1; k > lo; k-- {
		if s[k] == ' ' && s[k-1] == '.' && sentenceEnd(s, k-1) {
			return k + 1
		}
	}
	return lo
}

// windowEnd moves the end hi of the context window after a candidate
// ending at end before the first line break or sentence end.
func windowEnd(s string, end, hi int) int {
	if k := strings.IndexByte(s[end:hi], '\n'); k >= 0 {
		hi = end + k
	}
	for k := end; k+1 < hi; k++ {
		if s[k] == '.' && s[k+1] == ' ' && sentenceEnd(s, k) {
			return k
		}
	}
	return hi
}

func blankLine(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' && s[i] != '\r' {
			return false
		}
	}
	return true
}

func endsWithColon(s string) bool {
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ' ', '\t', '\r':
			continue
		case ':':
			return true
		}
		return false
	}
	return false
}

// sentenceEnd reports whether the period at s[k], followed by a space,
// ends a sentence: the next word starts with a capital letter and the word
// before the period is not a short abbreviation of letters ("no.", "Mr.", "D.O.B.",
// "St."). "account no. 0953" and "D.O.B. 1943-07-25" stay one context.
func sentenceEnd(s string, k int) bool {
	p := k + 1
	for p < len(s) && p-k < 4 && s[p] == ' ' {
		p++
	}
	if p < len(s) && !isUpper(s[p]) {
		return false
	}
	w := k
	for w > 0 && isAlpha(s[w-1]) {
		w--
	}
	return w == k || k-w > 3
}

// marker skips a redaction marker this package wrote, such as
// "[EMAIL:0123456789abcdef]" or "[EMAIL:enc:...]", so that redacting
// redacted text changes nothing.
func (sc *scanner) marker(i int) int {
	s := sc.s
	j := i + 1
	for j < len(s) && j-i < 40 && (isUpper(s[j]) || s[j] == '_') {
		j++
	}
	if j == i+1 || j >= len(s) || s[j] != ':' {
		return i + 1
	}
	label := s[i+1 : j]
	if !sc.r.knownLabel(label) {
		return i + 1
	}
	j++
	if strings.HasPrefix(s[j:], encPrefix) {
		k := j + len(encPrefix)
		for k < len(s) && k-j < maxSealedLen && isBase64URL(s[k]) {
			k++
		}
		if k < len(s) && s[k] == ']' {
			return k + 1
		}
		return i + 1
	}
	k := j
	letters := false
	for k < len(s) && k-j < pseudonymHexLen && isHex(s[k]) && !isUpper(s[k]) {
		letters = letters || !isDigit(s[k])
		k++
	}
	if k-j == pseudonymHexLen && letters && k < len(s) && s[k] == ']' {
		return k + 1
	}
	return i + 1
}

func isBase64URL(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '-' || c == '_'
}

// wordBefore returns the start of the word (letters and periods) before
// position i, separated from it by spaces, or i when there is none.
func wordBefore(s string, i int) int {
	j := i
	for j > 0 && s[j-1] == ' ' {
		j--
	}
	if j == i {
		return i
	}
	k := j
	for k > 0 && (isAlpha(s[k-1]) || s[k-1] == '.') {
		k--
	}
	if k == j {
		return i
	}
	return k
}
