package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIntlAddresses covers the address rules of detect_address_intl.go
// (issue 13); all addresses are invented.
func TestIntlAddresses(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	cases := []struct{ text, want, why string }{
		{"Forward to PSC 0413, Box 8144, APO AA 42323 please", "PSC 0413, Box 8144, APO AA 42323", "a military post office address"},
		{"Unit 2050 Box 4190, APO AP 96278", "Unit 2050 Box 4190, APO AP 96278", "an army unit box"},
		{"CMR 467 Box 21", "CMR 467 Box 21", "a community mail room box"},
		{"Ship to:\nApt. 297\nSpringfield", "Apt. 297", "a unit alone on its line"},
		{"Elm Court, Suite 12, Springfield", "Suite 12", "a unit after a comma"},
		{"Hauptstraße 12, 10115 Berlin", "Hauptstraße 12, 10115 Berlin", "a German street, number, postcode and city"},
		{"She lives at Kungsgatan 44 now", "Kungsgatan 44", "a Swedish street"},
		{"Lindenstr. 7", "Lindenstr. 7", "an abbreviated German street"},
		{"12 Rue de la Paix, 75008 Paris", "12 Rue de la Paix, 75008 Paris", "a French address"},
		{"Calle Mayor 5, 28013 Madrid", "Calle Mayor 5, 28013 Madrid", "a Spanish address"},
		{"Via Roma 3", "Via Roma 3", "an Italian street"},
		{"London SW1A 1AA", "SW1A 1AA", "a UK postcode"},
		{"Manchester M1 1AE, UK", "M1 1AE", "a UK postcode before a comma"},
		{"Toronto, ON M5V 2T6", "M5V 2T6", "a Canadian postal code"},

		{"We need 12 Rue signs", "", "a street word without a name"},
		{"Model B12 3CD ships today", "", "a product code shaped like a postcode"},
		{"Room 12B", "", "a meeting room"},
		{"Suite 100 is the conference room", "", "a unit word inside a sentence"},
		{"Unit 4 trucks are parked", "", "a fleet unit"},
		{"The Ring 5 ceremony", "", "a word ending like a street is not enough: Ring is a word"},
		{"APO is closed", "", "APO without a code"},
	}
	for _, c := range cases {
		var got []string
		found := false
		for _, f := range r.Find(c.text) {
			if f.Entity != PostalAddress {
				continue
			}
			got = append(got, c.text[f.Start:f.End])
			found = found || c.text[f.Start:f.End] == c.want
		}
		if c.want == "" {
			assert.Empty(t, got, "negative (%s): %q", c.why, c.text)
		} else {
			assert.True(t, found, "positive (%s): %q want %q, got %q", c.why, c.text, c.want, got)
		}
	}
}

// TestNationalPhones covers numbers written without a country code
// (issue 13); the numbers are from ranges set aside for drama or are
// invented.
func TestNationalPhones(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	cases := []struct{ text, want, why string }{
		{"tel 020 7946 0958", "020 7946 0958", "a London number with a phone word"},
		{"mobile: 0490 75 40 81", "0490 75 40 81", "an Australian mobile"},
		{"call 06 12 34 56 78 after six", "06 12 34 56 78", "a French mobile in pairs"},
		{"Call 345-899-3560x4587 today", "345-899-3560x4587", "an attached extension belongs to the number"},
		{"invoice 020 7946 0958", "", "no phone context"},
		{"call 055-555-0142", "", "a US layout with an impossible area code"},
		{"phone count 0 1 2", "", "too few digits"},
	}
	for _, c := range cases {
		var got []string
		found := false
		for _, f := range r.Find(c.text) {
			if f.Entity != Phone {
				continue
			}
			got = append(got, c.text[f.Start:f.End])
			found = found || c.text[f.Start:f.End] == c.want
		}
		if c.want == "" {
			assert.Empty(t, got, "negative (%s): %q", c.why, c.text)
		} else {
			assert.True(t, found, "positive (%s): %q want %q, got %q", c.why, c.text, c.want, got)
		}
	}
}

// TestBareStreets covers streets without a suffix after an address cue.
func TestBareStreets(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	cases := []struct{ text, want, why string }{
		{"Lan Nguyen, 84 Inman", "84 Inman", "a name, a comma, a house number and a street"},
		{"she lives at 19 Ellery.", "19 Ellery", "lives at, a number, a street"},
		{"10 Downing", "", "no cue before the number"},
		{"at 5 Days Inn", "", "a hotel"},
		{"The team of 12 Engineers, all", "", "a count"},
		{"on 12 March, the board met", "", "a date"},
	}
	for _, c := range cases {
		var got []string
		found := false
		for _, f := range r.Find(c.text) {
			if f.Entity != PostalAddress {
				continue
			}
			got = append(got, c.text[f.Start:f.End])
			found = found || c.text[f.Start:f.End] == c.want
		}
		if c.want == "" {
			assert.Empty(t, got, "negative (%s): %q", c.why, c.text)
		} else {
			assert.True(t, found, "positive (%s): %q want %q, got %q", c.why, c.text, c.want, got)
		}
	}
}
