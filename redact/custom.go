package redact

import (
	"errors"
	"regexp"
	"strings"

	"github.com/civickit/privacy/pii"
)

// Detector is a custom detector, for example a city's utility account
// number format. Give it either a Pattern (with an optional Validate) or a
// Func.
//
// A Pattern is never run over the whole input when it starts with a
// literal (see regexp.Regexp.LiteralPrefix): the literal is found with a
// fast substring search and the pattern then runs, anchored, in a window of
// MaxLen bytes. A pattern with no literal prefix is run over the whole
// input, which is much slower; prefer one with a literal.
type Detector struct {
	Entity   Entity       // required: lower-case letters, digits and _
	Category pii.Category // optional: defaults to Entity.Category()

	Pattern  *regexp.Regexp          // what to look for
	Validate func(match string) bool // optional check of each match
	MaxLen   int                     // longest match in bytes; 0 means 64
	Score    float64                 // score of a match; 0 means 0.85

	// Func, instead of Pattern, finds matches itself and reports each
	// with its byte offsets and score.
	Func func(s string, report func(start, end int, score float64))
}

type customDetector struct {
	d        Detector
	id       int
	prefix   string
	anchored *regexp.Regexp
	rule     string
}

func compileDetector(d Detector) (customDetector, error) {
	if !validEntity(d.Entity) {
		return customDetector{}, errors.New("entity must be lower-case letters, digits and _")
	}
	if (d.Pattern == nil) == (d.Func == nil) {
		return customDetector{}, errors.New("give exactly one of Pattern and Func")
	}
	if d.Score == 0 {
		d.Score = 0.85
	}
	if d.Score < 0 || d.Score > 1 {
		return customDetector{}, errors.New("score must be in [0, 1]")
	}
	if d.MaxLen <= 0 {
		d.MaxLen = 64
	}
	cd := customDetector{d: d, rule: "custom:" + string(d.Entity)}
	if d.Pattern != nil {
		cd.prefix, _ = d.Pattern.LiteralPrefix()
		if cd.prefix != "" {
			a, err := regexp.Compile(`^(?:` + d.Pattern.String() + `)`)
			if err != nil {
				return customDetector{}, err
			}
			cd.anchored = a
		}
	}
	return cd, nil
}

func (c *customDetector) find(sc *scanner) {
	s := sc.s
	d := &c.d
	if d.Func != nil {
		type hit struct {
			a, b  int
			score float64
		}
		var hits []hit
		d.Func(s, func(start, end int, score float64) {
			if start >= 0 && end <= len(s) && start < end {
				hits = append(hits, hit{start, end, score})
			}
		})
		for _, h := range hits {
			sc.emit(c.id, h.a, h.b, h.score, c.rule)
		}
		return
	}
	ok := func(a, b int) bool {
		return d.Validate == nil || d.Validate(s[a:b])
	}
	if c.anchored == nil {
		for _, loc := range d.Pattern.FindAllStringIndex(s, -1) {
			if ok(loc[0], loc[1]) {
				sc.emit(c.id, loc[0], loc[1], d.Score, c.rule)
			}
		}
		return
	}
	i := 0
	for i < len(s) && !sc.done {
		k := strings.Index(s[i:], c.prefix)
		if k < 0 {
			return
		}
		at := i + k
		hi := at + d.MaxLen
		if hi > len(s) {
			hi = len(s)
		}
		if loc := c.anchored.FindStringIndex(s[at:hi]); loc != nil && loc[1] > 0 {
			a, b := at, at+loc[1]
			if wordEnd(s, b) && tokenStart(s, a) && ok(a, b) {
				sc.emit(c.id, a, b, d.Score, c.rule)
				i = b
				continue
			}
		}
		i = at + 1
	}
}

// denyTerm is one deny-list term, lower case, and its entity.
type denyTerm struct {
	id         int
	lower      string
	afterTitle bool // a surname: reported only after an honorific or title
}
