package redact

import (
	"cmp"
	"slices"

	"github.com/civickit/privacy/pii"
)

// Finding is one detected span of personal data.
//
// Start and End are byte offsets into the scanned input (End exclusive), so
// input[Start:End] is the detected text. A Finding never holds the text
// itself, so findings are safe to log.
type Finding struct {
	Entity   Entity       // what was found, for example Email
	Category pii.Category // the closest pii.Category
	Start    int          // byte offset of the first byte
	End      int          // byte offset just past the last byte
	Score    float64      // confidence in [0, 1] after context adjustment
	Rule     string       // the rule that fired, for example "ssn.dashed"
}

// Len returns End - Start.
func (f Finding) Len() int { return f.End - f.Start }

// resolve sorts findings and merges overlapping ones deterministically: a
// cluster of overlapping findings becomes one finding spanning their union,
// carrying the entity, rule and score of the best member (highest score,
// then longest, then earliest, then entity rank). It works in place.
func resolve(fs []Finding) []Finding {
	if len(fs) < 2 {
		return fs
	}
	slices.SortFunc(fs, func(a, b Finding) int {
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		return cmp.Compare(b.End, a.End)
	})
	out := fs[:0]
	cur := fs[0]
	for _, f := range fs[1:] {
		if f.Start < cur.End {
			end := cur.End
			if f.End > end {
				end = f.End
			}
			if better(f, cur) {
				cur.Entity, cur.Category, cur.Score, cur.Rule = f.Entity, f.Category, f.Score, f.Rule
			}
			cur.End = end
			continue
		}
		out = append(out, cur)
		cur = f
	}
	return append(out, cur)
}

func better(a, b Finding) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.Len() != b.Len() {
		return a.Len() > b.Len()
	}
	return entityRank(a.Entity) < entityRank(b.Entity)
}

func entityRank(e Entity) int {
	for i, b := range builtinEntities {
		if b == e {
			return i
		}
	}
	return len(builtinEntities)
}
