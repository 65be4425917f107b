package records

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDenyListCodes(t *testing.T) {
	d, err := ParseDenyList(strings.NewReader("# requester and a juvenile\nJordan Abernathy\n[(b)(7)(C)] Riley Okonkwo\n[(b)(7)(C)] CR-2024-118\n\n"))
	require.NoError(t, err)
	assert.Equal(t, 3, d.Len())
	rq := newTestRequest(t, &RequestOptions{DenyList: d})
	res, err := rq.Text("letter.txt", "Request from JORDAN ABERNATHY about Councillor Okonkwo and case cr-2024-118. Okonkwo Street is closed.")
	require.NoError(t, err)
	out := string(res.Output)
	assert.Equal(t, "Request from [REDACTED (b)(6)] about [REDACTED (b)(7)(C)] and case [REDACTED (b)(7)(C)]. Okonkwo Street is closed.", out,
		"each term under its code; a surname alone (a street) is not withheld")
	for _, e := range res.Entries {
		assert.Equal(t, "deny-list", e.Rule)
	}
	_, err = NewRequest(recordsKey(t), &RequestOptions{DenyList: mustDeny(t, "[(z)(9)] x")})
	assert.ErrorIs(t, err, ErrCatalog, "a code the catalog does not have is refused")

	for _, bad := range []string{"[(b)(6) unclosed", "[] empty code", "[(b)(6)]"} {
		_, err := ParseDenyList(strings.NewReader(bad))
		assert.ErrorIs(t, err, ErrDenyList, bad)
	}
}

func mustDeny(t *testing.T, s string) *DenyList {
	d, err := ParseDenyList(strings.NewReader(s))
	require.NoError(t, err)
	return d
}

func TestAllowPatternsAndDomains(t *testing.T) {
	a, err := ParseAllowList(strings.NewReader("Ana Ruiz\ndomain:cityname.gov\nre:\\(617\\) 555-01[0-4][0-9]\n"))
	require.NoError(t, err)
	rq := newTestRequest(t, &RequestOptions{Allow: a})
	res, err := rq.Text("memo.txt", "Councillor Ruiz (clerk@cityname.gov, permits@dpw.CityName.gov, (617) 555-0142) met Ms. Lopez (lopez@cityname.gov.example.com, (617) 555-0188).")
	require.NoError(t, err)
	out := string(res.Output)
	for _, kept := range []string{"Councillor Ruiz", "clerk@cityname.gov", "permits@dpw.CityName.gov", "(617) 555-0142"} {
		assert.Contains(t, out, kept, "released by the allow-list")
	}
	for _, gone := range []string{"Lopez", "lopez@cityname.gov.example.com", "555-0188"} {
		assert.NotContains(t, out, gone, "not on the allow-list")
	}
	var b strings.Builder
	_, err = a.WriteTo(&b)
	require.NoError(t, err)
	again, err := ParseAllowList(strings.NewReader(b.String()))
	require.NoError(t, err)
	assert.Equal(t, a.Len(), again.Len(), "the file form round-trips")
	for _, bad := range []string{"re:(", "domain:no-dot", "domain:a b.gov"} {
		_, err := ParseAllowList(strings.NewReader(bad))
		assert.ErrorIs(t, err, ErrAllowList, bad)
	}
}
