package pii_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTag(t *testing.T) {
	for _, tc := range []struct {
		tag    string
		want   pii.Tag
		err    bool
		reason string
	}{
		{"email", pii.Tag{Category: pii.Email, Redact: "redact"}, false, "category only"},
		{"email,encrypt,index", pii.Tag{Category: pii.Email, Encrypt: true, Index: "F", Redact: "redact"}, false, "bare index takes the field name"},
		{"postal_address,index=city_zip,bits=24", pii.Tag{Category: pii.PostalAddress, Index: "city_zip", Bits: 24, Redact: "redact"}, false, "named compound index with bits"},
		{"card,index=card4,last4,redact=mask", pii.Tag{Category: pii.PaymentCard, Index: "card4", Last4: true, Redact: "mask"}, false, "alias, last4, operator"},
		{" dob , encrypt ", pii.Tag{Category: pii.DateOfBirth, Encrypt: true, Redact: "redact"}, false, "spaces are trimmed"},
		{"-", pii.Tag{NotPII: true, Redact: "keep"}, false, "explicitly not PII"},
		{"", pii.Tag{}, true, "empty"},
		{"unknown", pii.Tag{}, true, "unknown category"},
		{"email,encrypt,encrypt", pii.Tag{}, true, "duplicate option"},
		{"email,bits=24", pii.Tag{}, true, "bits without index"},
		{"email,index,bits=0", pii.Tag{}, true, "bits out of range"},
		{"email,index,bits=257", pii.Tag{}, true, "bits out of range"},
		{"email,index=bad-name", pii.Tag{}, true, "index name with hyphen"},
		{"email,redact=shred", pii.Tag{}, true, "unknown operator"},
		{"email,,encrypt", pii.Tag{}, true, "empty option"},
		{"email,encrypt=yes", pii.Tag{}, true, "encrypt takes no value"},
		{"email,sparkle", pii.Tag{}, true, "unknown option"},
	} {
		got, err := pii.ParseTag(tc.tag, "F")
		if tc.err {
			assert.Error(t, err, "%q: %s", tc.tag, tc.reason)
			continue
		}
		require.NoError(t, err, "%q: %s", tc.tag, tc.reason)
		assert.Equal(t, tc.want, got, "%q: %s", tc.tag, tc.reason)
	}
}

type Contact struct {
	Email string `pii:"email,encrypt"`
}

type withEmbedded struct {
	Contact
	Name  string `pii:"name"`
	Plain string
}

type badTag struct {
	OK    string `pii:"email"`
	Wrong string `pii:"email,sparkle"`
}

type unexportedTag struct {
	//lint:ignore U1000 read only by reflection: the test checks that a tagged unexported field is refused
	secret string `pii:"ssn"`
}

func TestFields(t *testing.T) {
	fs, err := pii.FieldsOf(withEmbedded{})
	require.NoError(t, err)
	require.Len(t, fs, 2)
	assert.Equal(t, "Contact.Email", fs[0].Name)
	assert.Equal(t, []int{0, 0}, fs[0].Index)
	assert.Equal(t, "Name", fs[1].Name)

	again, err := pii.Fields(reflect.TypeOf(&withEmbedded{}))
	require.NoError(t, err)
	assert.Equal(t, &fs[0], &again[0], "fields are computed once and cached")

	_, err = pii.FieldsOf(badTag{Wrong: "resident@example.com"})
	var te *pii.TagError
	require.True(t, errors.As(err, &te))
	assert.Equal(t, "Wrong", te.Field)
	assert.Contains(t, err.Error(), "pii_test.badTag.Wrong")
	assert.NotContains(t, err.Error(), "resident")

	_, err = pii.FieldsOf(unexportedTag{})
	assert.ErrorAs(t, err, &te)
	_, err = pii.FieldsOf(42)
	assert.Error(t, err)
	_, err = pii.FieldsOf(nil)
	assert.Error(t, err)
}

func TestCategories(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range pii.Categories() {
		s := c.String()
		assert.False(t, seen[s], "duplicate string form %s", s)
		seen[s] = true
		back, err := pii.ParseCategory(s)
		require.NoError(t, err)
		assert.Equal(t, c, back)
		assert.NotEmpty(t, c.DisplayName())
		assert.GreaterOrEqual(t, c.Sensitivity(), pii.Low)
		b, err := c.MarshalText()
		require.NoError(t, err)
		var u pii.Category
		require.NoError(t, u.UnmarshalText(b))
		assert.Equal(t, c, u)
	}
	assert.GreaterOrEqual(t, len(seen), 21)
	assert.Equal(t, pii.Restricted, pii.SSN.Sensitivity())
	assert.Equal(t, pii.Restricted, pii.PaymentCard.Sensitivity())
	assert.True(t, pii.SSN.Sensitivity() > pii.Email.Sensitivity())
	c, err := pii.ParseCategory(" DOB ")
	require.NoError(t, err)
	assert.Equal(t, pii.DateOfBirth, c)
	_, err = pii.ParseCategory("shoe_size")
	assert.Error(t, err)
	_, err = pii.Category(200).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "restricted", pii.Restricted.String())
}
