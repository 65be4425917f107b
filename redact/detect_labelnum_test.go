package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Defects from the independent evaluation: a labelled number that a strict
// validator refuses, and a phone with an attached extension.
func TestLabelledNumbersAndExtensions(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	cases := []struct {
		text, entity, value, why string
	}{
		{"SSN: 999-01-6119", "ssn", "999-01-6119", "the label says SSN though the area is not issued"},
		{"Customer SSN: 000-12-3456", "ssn", "000-12-3456", "the last word of the label counts"},
		{"Toll-free: 8005551234", "phone", "8005551234", "a hyphenated label"},
		{"Desk: 5403926876", "phone", "5403926876", "a desk line"},
		{"Fax: (617) 555-0100", "phone", "(617) 555-0100", "parenthesised area code"},
		{"Call 345-899-3560x4587 today", "phone", "345-899-3560x4587", "an attached extension belongs to the number"},
		{"Call 3458993560ext.12 today", "phone", "3458993560ext.12", "ext. attached"},
		{"Address: 806 Christopher Meadow\nNext line", "postal_address", "806 Christopher Meadow", "the house number goes with the street"},
		{"Street Address: 6196 Douglas Green, 70394", "postal_address", "6196 Douglas Green, 70394", "number and ZIP too"},
	}
	for _, c := range cases {
		fs := r.Find(c.text)
		var got []string
		for _, f := range fs {
			got = append(got, string(f.Entity)+"="+c.text[f.Start:f.End])
		}
		assert.Contains(t, got, c.entity+"="+c.value, c.why)
	}
	for _, clean := range []string{"Phone: 911", "Room: 12", "SSN: none", "Desk: B-12", "Tel: see above", "Meeting: 10:30", "Address: none"} {
		assert.Empty(t, r.Find(clean), "%q: nothing to report", clean)
	}
}

// A label is evidence whatever else is detected: with person names turned
// off, "SSN:" and "Address:" still head their values. And "00" is the
// international prefix most countries dial instead of '+'.
func TestLabelsWithoutNamesAndInternationalPrefix(t *testing.T) {
	noNames, err := New(&Options{Entities: []Entity{SSN, Phone, PostalAddress, BankAccount}})
	require.NoError(t, err)
	all, err := New(nil)
	require.NoError(t, err)
	cases := []struct {
		r                        *Redactor
		text, entity, value, why string
	}{
		{noNames, "SSN: 999-01-6119", "ssn", "999-01-6119", "the label works with names off"},
		{noNames, "Desk: 5403926876", "phone", "5403926876", "a phone label with names off"},
		{noNames, "Address: 806 Christopher Meadow", "postal_address", "806 Christopher Meadow", "an address label with names off"},
		{all, "001-518-640-0854", "phone", "001-518-640-0854", "00 then country code 1 and a NANP number"},
		{all, "ring 0044 20 7946 0958 after six", "phone", "0044 20 7946 0958", "00 then a UK number"},
		{all, "Member ID: 0012 3456 789", "benefit_id", "0012 3456 789", "leading zeros of an id are no dialling prefix"},
	}
	for _, c := range cases {
		var got []string
		for _, f := range c.r.Find(c.text) {
			got = append(got, string(f.Entity)+"="+c.text[f.Start:f.End])
		}
		assert.Contains(t, got, c.entity+"="+c.value, c.why)
	}
	for _, clean := range []struct{ text, why string }{
		{"ref 0012 3456 7890", "leading zeros, no valid number after them"},
		{"0033 1234", "too short for a number"},
		{"batch 001-002-003", "a sequence"},
	} {
		for _, f := range all.Find(clean.text) {
			assert.NotEqual(t, Phone, f.Entity, "%s: %q", clean.why, clean.text)
		}
	}
}

// The words of a redaction label are no evidence for the plate and card
// rules, which read plate and card words themselves: a second pass must
// change nothing.
func TestLabelWordsAreNoEvidence(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	for _, c := range []struct{ text, why string }{
		{"CA 00A00 000A0", "a plate, then letters and digits beside [LICENSE_PLATE]"},
		{"4111111111111111 811111111111112", "a card, then a Luhn-valid number beside [PAYMENT_CARD]"},
	} {
		once := r.Redact(c.text)
		assert.Equal(t, once, r.Redact(once), c.why)
	}
}
