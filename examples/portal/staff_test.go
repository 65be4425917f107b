package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The outbox shows every address and every confirmation and unsubscribe
// link: it must not exist in production, and only staff may read it in
// development.
func TestOutboxOnlyForStaffInDevelopment(t *testing.T) {
	cases := []struct {
		name   string
		tls    bool
		staff  bool
		status int
		why    string
	}{
		{"production, staff", true, true, http.StatusNotFound, "production mode has no outbox at all"},
		{"production, resident", true, false, http.StatusNotFound, "production mode has no outbox at all"},
		{"development, resident", false, false, http.StatusForbidden, "a resident cannot read other people's mail"},
		{"development, staff", false, true, http.StatusOK, "the developer reads mail as staff"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp := newTestPortal(t, portalOpts{tls: c.tls})
			cl := tp.client()
			require.Equal(t, http.StatusOK, tp.signup(cl, fakePerson).Status)
			if c.staff {
				require.NoError(t, tp.app.setStaff(context.Background(), pii.New(pii.Email, fakePerson.Email), true))
			}
			assert.Equal(t, c.status, tp.get(cl, "/outbox").Status, c.why)
			assert.NotContains(t, tp.get(tp.client(), "/outbox").Body, `id="outbox"`, "never without logging in")
		})
	}
}

// Staff rights come from the server's operator, never from signing up
// with a particular address, and are checked on every request.
func TestStaffGrantedOutOfBand(t *testing.T) {
	tp := newTestPortal(t, portalOpts{})
	clerk := tp.client()
	p := fakePerson
	p.Email = "clerk@example.com"
	require.Equal(t, http.StatusOK, tp.signup(clerk, p).Status)
	assert.Equal(t, http.StatusForbidden, tp.get(clerk, "/staff/records").Status,
		"signing up as clerk@example.com grants nothing")

	ctx := context.Background()
	var out, errOut bytes.Buffer
	err := run(ctx, []string{"staff", "add", "-data", tp.dir, "nobody@example.com"}, &out, &errOut)
	assert.ErrorIs(t, err, errNoAccount, "only an existing account can be made staff")
	require.NoError(t, run(ctx, []string{"staff", "add", "-data", tp.dir, "Clerk@Example.com"}, &out, &errOut), errOut.String())
	assert.Equal(t, http.StatusOK, tp.get(clerk, "/staff/records").Status, "granted")
	require.NoError(t, run(ctx, []string{"staff", "remove", "-data", tp.dir, "clerk@example.com"}, &out, &errOut))
	assert.Equal(t, http.StatusForbidden, tp.get(clerk, "/staff/records").Status,
		"removed: the very next request is refused, without logging out")
	r := tp.post(clerk, "/staff/records", url.Values{"jurisdiction": {"ma"}, "set": {"accounts"}})
	assert.Equal(t, http.StatusForbidden, r.Status)

	assert.Error(t, run(ctx, []string{"staff", "grant", "x@example.com"}, &out, &errOut), "unknown verb")
	assert.Error(t, run(ctx, []string{"staff", "add", "-data", t.TempDir(), "x@example.com"}, &out, &errOut),
		"no portal in that folder: refused, no keys are created")
}
