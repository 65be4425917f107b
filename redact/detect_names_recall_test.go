package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNameRecallRules covers the person-name rules added to raise recall
// on text nobody here wrote (issue 13): positive cases give the exact
// span, negative cases want no person name at all. All data is fake and
// written here.
func TestNameRecallRules(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	cases := []struct {
		text string
		want string
		why  string
	}{
		// a capitalised title or role before a name
		{"The report went to County Coroner Lorraine Whitcombe on Monday.", "Lorraine Whitcombe", "a capitalised title after a place word, then given name and surname"},
		{"State Inspector Darnell Okafor visited the site.", "Darnell Okafor", "the title word is a cue, not part of the name"},
		{"Harbor Sheriff Donna Pettigrew said the road was closed.", "Donna Pettigrew", "a role word before the name"},
		{"North Carolina is beautiful in May.", "", "a capitalised place phrase stays a place"},
		{"Cash Payment Office hours are posted.", "", "common words in capitals are no title plus name"},
		{"Sophomores Ebere Okonjo and friends", "Ebere Okonjo", "a capitalised common word before two known name parts"},
		{"We toured the Mount Ashby Estate last year.", "", "a place prefix is no title"},

		// a family name that is also a place noun (Park, Hall, Field),
		// after a role, a relation or a greeting
		{"Tenant Hye-jin Park reported a leak.", "Hye-jin Park", "role word, then a hyphenated given name and Park"},
		{"Caller Mary Park says the light is out.", "Mary Park", "role word in the run"},
		{"Owner Grace Hall was not home.", "Grace Hall", "Hall as a family name after a role"},
		{"Hi Mary Park, thanks for writing.", "Mary Park", "a greeting before the name"},
		{"Mary Park is open until dusk.", "", "without a cue, a given name and Park is a park"},
		{"A parcel was named Lincoln Park in 1901.", "", "'named' names places too"},
		{"Tenant Mary Park Committee meets Tuesdays.", "", "more capitalised words make it an organisation"},
		{"We met at Mary Park.", "", "a place after 'at'"},

		// romanised Korean given names, family name first
		{"Kim Min-jun lives nearby.", "Kim Min-jun", "a hyphen before a short lower-case syllable stays in the word"},
		{"Well-known artists came.", "", "a capitalised compound word is no name"},
		{"Park Seo-yeon called about the permit.", "Park Seo-yeon", "a family name that is also a place noun, then a syllable given name"},
		{"Park Avenue is closed.", "", "Park before a street word stays a place"},
		{"Use the Park-and-Ride lot.", "", "a hyphenated compound is no syllable name"},

		// company suffixes in any case end a person reading
		{"Owner: Hartwell Logistics LLC", "", "an organisation with a legal form in capitals"},
		{"Acme Roofing, Inc. sent a bill", "", "a legal form after a comma"},

		// a handle or hashtag before a name is skipped, not the name
		{"@fanpage_x Gordon Whitlaw sings tonight", "Gordon Whitlaw", "the name after a handle"},
		{"#NewMusic Marco Quintana featuring a friend", "Marco Quintana", "the name after a hashtag"},

		// lower-case names in chat-like text
		{"lol marisol is so funny", "marisol", "a frequent given name in lower case, no common word"},
		{"did you tell brianna about it", "brianna", "after a verb"},
		{"kassandra said hi", "kassandra", "at the start of the text"},
		{"jill allen finishes her exam today", "jill allen", "a known family name after it joins the name"},
		{"we will meet at the bank", "", "'will' is a common word too"},
		{"he works as a mason and a tucker", "", "given names that are also English words (lowerwords.txt)"},
		{"see maria_b and kassandra.x@example.com", "", "not inside a handle or an address"},
		{"the june meeting", "", "a month"},

		// greetings and thanks before a lower-case name part
		{"ok thanks nnamdi see you", "nnamdi", "a known name part after thanks"},
		{"hey okonkwo you there", "okonkwo", "after hey"},
		{"thanks again for the help", "", "a common word after thanks"},

		// cues after a single word
		{"Vijayalakshmi (born March 3, 1950) was a dancer.", "Vijayalakshmi", "a biography's opening"},
		{"Kowalczyk’ s letter came today", "Kowalczyk", "a possessive with a space, as tokenised text has it"},
		{"Kowalczyk letter came today", "", "the same without the possessive is too weak"},
	}
	for _, c := range cases {
		var got []string
		for _, f := range r.Find(c.text) {
			if f.Entity == PersonName {
				got = append(got, c.text[f.Start:f.End])
			}
		}
		if c.want == "" {
			assert.Empty(t, got, "%s: %q", c.why, c.text)
		} else {
			assert.Equal(t, []string{c.want}, got, "%s: %q", c.why, c.text)
		}
	}
}

// TestNameListCue covers the list cue: after a person's name and a list
// separator, a capitalised word no list knows is a name too, unless the
// list ends at a bare comma or the word is a place or a department. All
// data is fake and written here.
func TestNameListCue(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	cases := []struct {
		text, found, notFound, why string
	}{
		{"Ana Ruiz, Kaiwhenua, and the clerk met on Monday.", "Kaiwhenua", "", "a one-word name between commas after a name"},
		{"Thanks to Maria Lopez and Tsegaye for the photos.", "Tsegaye", "", "'and' after a name"},
		{"Ask Maria Lopez or Tsegaye about the permit.", "Tsegaye", "", "'or' after a name"},
		{"Please reply to Ana Ruiz, Wexford office.", "Ana Ruiz", "Wexford", "a bare comma that ends no list"},
		{"Copies went to Ana Ruiz and Finance.", "Ana Ruiz", "Finance", "a common word after 'and'"},
		{"Ana Ruiz and Chicago staff attended.", "Ana Ruiz", "Chicago", "a large city after 'and'"},
	}
	for _, c := range cases {
		var got []string
		for _, f := range r.Find(c.text) {
			if f.Entity == PersonName {
				got = append(got, c.text[f.Start:f.End])
			}
		}
		assert.Contains(t, got, c.found, c.why)
		if c.notFound != "" {
			assert.NotContains(t, got, c.notFound, c.why)
		}
	}
}
