package pii_test

import (
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newIndexer(t testing.TB, opts *pii.IndexerOptions) (*pii.Keyring, *pii.Indexer) {
	t.Helper()
	kr, err := pii.NewKeyring(pii.Indexing)
	require.NoError(t, err)
	ix, err := pii.NewIndexer(kr, opts)
	require.NoError(t, err)
	return kr, ix
}

func TestBlindIndexNormalisation(t *testing.T) {
	_, ix := newIndexer(t, &pii.IndexerOptions{Bits: 64})
	for _, tc := range []struct {
		a, b   pii.String
		same   bool
		reason string
	}{
		{pii.New(pii.Email, "Resident@Example.com "), pii.New(pii.Email, "resident@example.com"), true, "e-mail case and space fold"},
		{pii.New(pii.Phone, "+1 (617) 555-0123"), pii.New(pii.Phone, "617.555.0123"), true, "phone digits, NANP 1 dropped"},
		{pii.New(pii.PaymentCard, "4111 1111 1111 1111"), pii.New(pii.PaymentCard, "4111-1111-1111-1111"), true, "card separators"},
		{pii.New(pii.Email, "a@example.com"), pii.New(pii.Email, "b@example.com"), false, "different values"},
	} {
		x, err := ix.Compute("contact", 0, tc.a)
		require.NoError(t, err)
		y, err := ix.Compute("contact", 0, tc.b)
		require.NoError(t, err)
		assert.Equal(t, tc.same, x.String() == y.String(), tc.reason)
	}
}

func TestBlindIndexSeparation(t *testing.T) {
	kr, ix := newIndexer(t, &pii.IndexerOptions{Bits: 128})
	v := pii.New(pii.Email, "resident@example.com")
	a, err := ix.Compute("login_email", 0, v)
	require.NoError(t, err)
	b, err := ix.Compute("newsletter_email", 0, v)
	require.NoError(t, err)
	assert.NotEqual(t, a, b, "each index name has its own key")
	assert.Len(t, a, 16)

	_, other := newIndexer(t, &pii.IndexerOptions{Bits: 128})
	c, err := other.Compute("login_email", 0, v)
	require.NoError(t, err)
	assert.NotEqual(t, a, c, "another keyring gives other indexes")

	// Compound indexes are not confused by moving a boundary.
	x, err := ix.Compute("c", 0, pii.New(pii.Name, "ab"), pii.New(pii.Name, "c"))
	require.NoError(t, err)
	y, err := ix.Compute("c", 0, pii.New(pii.Name, "a"), pii.New(pii.Name, "bc"))
	require.NoError(t, err)
	assert.NotEqual(t, x, y)

	_, err = kr.Rotate()
	require.NoError(t, err)
	d, err := ix.Compute("login_email", 0, v)
	require.NoError(t, err)
	assert.NotEqual(t, a, d, "rotating the indexing key changes every index")
}

func TestBlindIndexTruncation(t *testing.T) {
	_, ix := newIndexer(t, &pii.IndexerOptions{EstimatedRows: 1_000_000})
	assert.Equal(t, 18, ix.Bits())
	for _, bits := range []int{1, 7, 12, 18, 32, 256} {
		bi, err := ix.Compute("e", bits, pii.New(pii.Email, "resident@example.com"))
		require.NoError(t, err)
		assert.Len(t, bi, (bits+7)/8)
		if r := bits % 8; r != 0 {
			assert.Zero(t, bi[len(bi)-1]&byte(0xff>>r), "bits past %d are zero", bits)
		}
	}
	_, err := ix.Compute("e", 300, pii.New(pii.Email, "x@example.com"))
	assert.Error(t, err)
	_, err = ix.Compute("e", 0, pii.New(pii.Phone, "no digits"))
	assert.ErrorIs(t, err, pii.ErrNothingToIndex)
	_, err = ix.Compute("", 0, pii.New(pii.Phone, "617"))
	assert.Error(t, err)
}

func TestRecommendedBits(t *testing.T) {
	for _, tc := range []struct {
		rows uint64
		want int
	}{{1, 1}, {100, 5}, {10_000, 12}, {1_000_000, 18}, {1 << 32, 31}} {
		b := pii.RecommendedBits(tc.rows)
		assert.Equal(t, tc.want, b, "rows=%d", tc.rows)
		if tc.rows >= 4 {
			c := pii.FalsePositiveRate(tc.rows, b)
			assert.GreaterOrEqual(t, c, 2.0, "at least two coincidences for %d rows", tc.rows)
			assert.Less(t, c, 4.0, "no more bits could be had for %d rows", tc.rows)
		}
	}
}

type subscriber struct {
	Email pii.String `pii:"email,encrypt,index=email"`
	City  string     `pii:"postal_address,index=city_zip"`
	ZIP   string     `pii:"zip,index=city_zip,bits=24"`
	Card  string     `pii:"payment_card,index=card_last4,last4,bits=16"`
}

func TestIndexFields(t *testing.T) {
	_, ix := newIndexer(t, nil)
	s := subscriber{Email: pii.New(pii.Email, "Resident@Example.com"), City: "Cambridge", ZIP: "02139", Card: "4111 1111 1111 1111"}
	got, err := ix.IndexFields(&s)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Len(t, got["city_zip"], 3)
	assert.Len(t, got["card_last4"], 2)

	want, err := ix.Compute("email", 0, pii.New(pii.Email, "resident@example.com"))
	require.NoError(t, err)
	assert.Equal(t, want, got["email"])
	l4, err := ix.Compute("card_last4", 16, pii.New(pii.Unknown, "1111"))
	require.NoError(t, err)
	assert.Equal(t, l4, got["card_last4"])

	_, err = pii.NewIndexer(nil, nil)
	assert.Error(t, err)
	enc, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	_, err = pii.NewIndexer(enc, nil)
	assert.ErrorIs(t, err, pii.ErrWrongPurpose)
}
