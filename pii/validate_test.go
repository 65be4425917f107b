package pii_test

import (
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/go-playground/validator/v10"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidators(t *testing.T) {
	for _, tc := range []struct {
		fn     func(string) bool
		name   string
		in     string
		want   bool
		reason string
	}{
		{pii.ValidEmail, "email", "resident@example.com", true, "plain address"},
		{pii.ValidEmail, "email", "first.last+news@city.example.gov", true, "dots, plus tag, subdomain"},
		{pii.ValidEmail, "email", "no-at-sign.example.com", false, "no @"},
		{pii.ValidEmail, "email", "a@b@example.com", false, "two @"},
		{pii.ValidEmail, "email", ".lead@example.com", false, "leading dot"},
		{pii.ValidEmail, "email", "two..dots@example.com", false, "double dot"},
		{pii.ValidEmail, "email", "user@localhost", false, "single-label domain"},
		{pii.ValidEmail, "email", "user@example.c0m", false, "numeric TLD"},
		{pii.ValidEmail, "email", "user@-bad.example.com", false, "label starts with hyphen"},
		{pii.ValidPhone, "phone", "555-010-0100", false, "area code 555 is fine but exchange 010 starts with 0"},
		{pii.ValidPhone, "phone", "(617) 555-0123", true, "fictional 555-01XX in a real area code"},
		{pii.ValidPhone, "phone", "+1 617 555 0199", true, "country code and spaces"},
		{pii.ValidPhone, "phone", "617.555.0100", true, "dots"},
		{pii.ValidPhone, "phone", "117-555-0100", false, "area code starts with 1"},
		{pii.ValidPhone, "phone", "611-555-0100", false, "N11 area code"},
		{pii.ValidPhone, "phone", "617-911-0100", false, "N11 exchange"},
		{pii.ValidPhone, "phone", "697-555-0100", false, "N9X area codes are reserved"},
		{pii.ValidPhone, "phone", "617-555-010", false, "nine digits"},
		{pii.ValidPhone, "phone", "617-555-0100 ext 2", false, "letters"},
		{pii.ValidZIP, "zip", "02139", true, "five digits"},
		{pii.ValidZIP, "zip", "02139-4307", true, "ZIP+4"},
		{pii.ValidZIP, "zip", "00000", false, "all zeros"},
		{pii.ValidZIP, "zip", "2139", false, "four digits"},
		{pii.ValidZIP, "zip", "02139 4307", false, "space instead of hyphen"},
		{pii.ValidLuhn, "luhn", "4111 1111 1111 1111", true, "Visa test card"},
		{pii.ValidLuhn, "luhn", "5555-5555-5555-4444", true, "Mastercard test card"},
		{pii.ValidLuhn, "luhn", "4111 1111 1111 1112", false, "check digit off by one"},
		{pii.ValidLuhn, "luhn", "41111", false, "too short"},
		{pii.ValidLuhn, "luhn", "4111x1111 1111 1111", false, "letter"},
		{pii.ValidSSN, "ssn", "123-45-6788", true, "follows the rules"},
		{pii.ValidSSN, "ssn", "123456788", true, "no separators"},
		{pii.ValidSSN, "ssn", "000-12-3456", false, "area 000"},
		{pii.ValidSSN, "ssn", "666-12-3456", false, "area 666"},
		{pii.ValidSSN, "ssn", "912-70-3456", false, "area 9XX is ITIN space"},
		{pii.ValidSSN, "ssn", "123-00-4567", false, "group 00"},
		{pii.ValidSSN, "ssn", "123-45-0000", false, "serial 0000"},
		{pii.ValidSSN, "ssn", "078-05-1120", false, "the Woolworth wallet number"},
		{pii.ValidSSN, "ssn", "123-45 6788", false, "mixed separators"},
		{pii.ValidITIN, "itin", "912-70-3456", true, "group 70"},
		{pii.ValidITIN, "itin", "900-93-3456", false, "group 93 is outside the IRS ranges"},
		{pii.ValidITIN, "itin", "812-70-3456", false, "not 9XX"},
		{pii.ValidRoutingNumber, "routing", "011000015", true, "Federal Reserve Bank of Boston"},
		{pii.ValidRoutingNumber, "routing", "011000016", false, "checksum off"},
		{pii.ValidRoutingNumber, "routing", "991000015", false, "prefix 99 unassigned"},
		{pii.ValidRoutingNumber, "routing", "01100001", false, "eight digits"},
	} {
		assert.Equal(t, tc.want, tc.fn(tc.in), "%s(%q): %s", tc.name, tc.in, tc.reason)
	}
}

func TestRegisterValidators(t *testing.T) {
	v := validator.New(validator.WithRequiredStructEnabled())
	require.NoError(t, pii.RegisterValidators(v))
	type form struct {
		Email pii.String `validate:"required,pii_email"`
		Phone string     `validate:"omitempty,nanp_phone"`
		ZIP   string     `validate:"us_zip"`
		Card  string     `validate:"omitempty,luhn"`
	}
	ok := form{Email: pii.New(pii.Email, "resident@example.com"), Phone: "617-555-0142", ZIP: "02139"}
	require.NoError(t, v.Struct(ok))

	bad := form{Email: pii.New(pii.Email, "not-an-address"), Phone: "555", ZIP: "1", Card: "4111 1111 1111 1112"}
	err := v.Struct(bad)
	require.Error(t, err)
	var verrs validator.ValidationErrors
	require.ErrorAs(t, err, &verrs)
	assert.Len(t, verrs, 4)
	assert.NotContains(t, err.Error(), "not-an-address", "validator messages must not carry the value")
	assert.Error(t, pii.RegisterValidators(nil))
}
