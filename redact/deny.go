package redact

import (
	"slices"
	"strings"
	"unicode"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"
)

// Deny-list terms are matched in one pass over the input whatever their
// number, by an Aho-Corasick automaton (github.com/petar-dambovaliev/
// aho-corasick, ASCII case-insensitive): a request may withhold thousands
// of names and case numbers. Every occurrence of a term that starts and
// ends at word boundaries is reported.

// denySet is the compiled deny-list.
type denySet struct {
	ac    ahocorasick.AhoCorasick
	ids   []int  // entity id of each pattern
	title []bool // the pattern is a surname that counts only after a title
}

// newDenySet compiles terms (lower case, deduplicated by the caller).
func newDenySet(terms []denyTerm) *denySet {
	pats := make([]string, len(terms))
	ids := make([]int, len(terms))
	title := make([]bool, len(terms))
	for i, t := range terms {
		pats[i], ids[i], title[i] = t.lower, t.id, t.afterTitle
	}
	b := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{
		AsciiCaseInsensitive: true,
		MatchKind:            ahocorasick.StandardMatch,
		DFA:                  true,
	})
	return &denySet{ac: b.Build(pats), ids: ids, title: title}
}

// find reports every whole-word occurrence of every term; overlapping
// ones ("Ana Ruiz" and "Ms. Ruiz" in "Ms. Ana Ruiz") are merged by the
// scanner like any overlapping findings.
func (d *denySet) find(sc *scanner) {
	s := sc.s
	it := d.ac.IterOverlapping(s)
	for m := it.Next(); m != nil && !sc.done; m = it.Next() {
		at, end := m.Start(), m.End()
		if at < 0 || end > len(s) || at >= end {
			continue
		}
		if !tokenStart(s, at) || !wordEnd(s, end) {
			continue
		}
		if d.title[m.Pattern()] {
			w := wordBefore(s, at)
			if w == at || !isTitle(strings.TrimSpace(s[w:at])) {
				continue // a surname alone is not denied
			}
			at = w
		}
		sc.emit(d.ids[m.Pattern()], at, end, 1, "deny")
	}
}

// nameTitles are the honorifics and titles a surname follows in records
// ("Councillor Ruiz", "Ms. Ruiz"), lower case, without a period.
var nameTitles = map[string]bool{}

func init() {
	for _, t := range strings.Fields("mr mrs ms miss mx dr councillor councilor councilwoman councilman commissioner " +
		"mayor officer detective det sergeant sgt lieutenant lt captain capt judge justice chief director inspector " +
		"senator sen representative rep professor prof rev reverend father sister attorney deputy trustee clerk " +
		"member alderman alderwoman supervisor selectman selectwoman superintendent") {
		nameTitles[t] = true
	}
}

// isTitle reports whether w (a word with an optional final period) is an
// honorific or title, in any case.
func isTitle(w string) bool {
	return nameTitles[strings.ToLower(strings.TrimSuffix(w, "."))]
}

// LooksLikeName reports whether term has the shape of a person's full
// name: two to four words, each starting with an upper-case letter and
// made of letters, apostrophes, hyphens and periods.
func LooksLikeName(term string) bool {
	words := strings.Fields(term)
	if len(words) < 2 || len(words) > 4 {
		return false
	}
	for _, w := range words {
		for i, r := range w {
			switch {
			case i == 0 && !unicode.IsUpper(r):
				return false
			case unicode.IsLetter(r), r == '\'', r == '’', r == '-', r == '.':
			default:
				return false
			}
		}
	}
	return true
}

// NameVariants returns the forms under which a person's full name appears
// in records besides the name itself, as a deny- or allow-list writes
// them: the surname after an honorific or a title ("Ms. Ruiz",
// "Councillor Ruiz") and "Last, First" ("Ruiz, Ana"). Deny- and
// allow-lists match all of them for every term that LooksLikeName (the
// deny-list without listing each title: a surname counts only after one);
// case and a possessive ("Ana Ruiz's") need no variant, since matching
// ignores case and stops at the apostrophe. It returns nil for other terms.
func NameVariants(name string) []string {
	if !LooksLikeName(name) {
		return nil
	}
	words := strings.Fields(name)
	first, last := words[0], words[len(words)-1]
	titles := make([]string, 0, len(nameTitles))
	for t := range nameTitles {
		titles = append(titles, t)
	}
	slices.Sort(titles)
	out := make([]string, 0, 2*len(titles)+2)
	for _, t := range titles {
		tt := strings.ToUpper(t[:1]) + t[1:]
		out = append(out, tt+" "+last, tt+". "+last)
	}
	out = append(out, last+", "+first)
	if len(words) > 2 {
		out = append(out, last+", "+strings.Join(words[:len(words)-1], " "))
	}
	return out
}

// denyVariants returns the deny-list patterns of a term: the term, and for
// a name its surname (matched only after a title) and "Last, First" forms.
func denyVariants(term string) []denyTerm {
	out := []denyTerm{{lower: strings.ToLower(term)}}
	if !LooksLikeName(term) {
		return out
	}
	words := strings.Fields(term)
	first, last := words[0], words[len(words)-1]
	out = append(out, denyTerm{lower: strings.ToLower(last), afterTitle: true},
		denyTerm{lower: strings.ToLower(last + ", " + first)})
	if len(words) > 2 {
		out = append(out, denyTerm{lower: strings.ToLower(last + ", " + strings.Join(words[:len(words)-1], " "))})
	}
	return out
}
