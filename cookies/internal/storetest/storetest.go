// Package storetest is the conformance suite every cookies.AccountStore
// in this module passes: the SQL stores (SQLite, PostgreSQL) and the Redis
// store. It also runs a cookies.Manager end to end on the store.
package storetest

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/pii"
)

// Run runs the suite; newStore returns an empty store of the test's own
// whose clock is the real one.
func Run(t *testing.T, newStore func(t *testing.T) cookies.AccountStore) {
	ctx := context.Background()
	later := func() time.Time { return time.Now().Add(time.Hour) }
	past := func() time.Time { return time.Now().Add(-time.Second) }
	blob := func(s string) []byte { return append([]byte{0, 1, 0xff}, s...) } // binary-safe

	tests := []struct {
		name   string
		reason string
		run    func(t *testing.T, st cookies.AccountStore)
	}{
		{"find missing", "an unknown token is not found, and not an error", func(t *testing.T, st cookies.AccountStore) {
			_, found, err := st.Find("tok-missing")
			require.NoError(t, err)
			assert.False(t, found)
			require.NoError(t, st.Delete("tok-missing"), "deleting a missing token is not an error")
		}},
		{"commit find delete", "scs's Store contract: binary data round-trips, Commit replaces, Delete removes", func(t *testing.T, st cookies.AccountStore) {
			require.NoError(t, st.Commit("tok-1", blob("one"), later()))
			b, found, err := st.Find("tok-1")
			require.NoError(t, err)
			require.True(t, found)
			assert.Equal(t, blob("one"), b)
			require.NoError(t, st.Commit("tok-1", blob("two"), later()))
			b, _, _ = st.Find("tok-1")
			assert.Equal(t, blob("two"), b)
			require.NoError(t, st.Delete("tok-1"))
			_, found, _ = st.Find("tok-1")
			assert.False(t, found)
		}},
		{"expired", "a session past its expiry is never returned, listed or updated", func(t *testing.T, st cookies.AccountStore) {
			require.NoError(t, st.CommitAccount(ctx, "tok-old", "acct-1", blob("x"), past()))
			_, found, err := st.Find("tok-old")
			require.NoError(t, err)
			assert.False(t, found)
			got, err := st.FindAccount(ctx, "acct-1")
			require.NoError(t, err)
			assert.Empty(t, got)
			ok, err := st.Update(ctx, "tok-old", blob("y"), later())
			require.NoError(t, err)
			assert.False(t, ok, "an expired session is not brought back")
			_, found, _ = st.Find("tok-old")
			assert.False(t, found)
		}},
		{"accounts", "sessions are found by account; an unbound one is in no account", func(t *testing.T, st cookies.AccountStore) {
			require.NoError(t, st.CommitAccount(ctx, "tok-a1", "acct-1", blob("a1"), later()))
			require.NoError(t, st.CommitAccount(ctx, "tok-a2", "acct-1", blob("a2"), later()))
			require.NoError(t, st.CommitAccount(ctx, "tok-b1", "acct-2", blob("b1"), later()))
			require.NoError(t, st.CommitAccount(ctx, "tok-anon", "", blob("anon"), later()))
			got, err := st.FindAccount(ctx, "acct-1")
			require.NoError(t, err)
			assert.Equal(t, map[string][]byte{"tok-a1": blob("a1"), "tok-a2": blob("a2")}, got)
			got, err = st.FindAccount(ctx, "")
			require.NoError(t, err)
			assert.Empty(t, got, "the empty account is no account")
			all, err := st.(cookies.IterableStore).All()
			require.NoError(t, err)
			assert.Len(t, all, 4)
			// scs's Commit on a bound session keeps its account.
			require.NoError(t, st.Commit("tok-a1", blob("a1'"), later()))
			got, _ = st.FindAccount(ctx, "acct-1")
			assert.Equal(t, blob("a1'"), got["tok-a1"])
		}},
		{"update", "Update changes an existing session, keeps its account, and never creates one", func(t *testing.T, st cookies.AccountStore) {
			require.NoError(t, st.CommitAccount(ctx, "tok-u", "acct-1", blob("v1"), later()))
			ok, err := st.Update(ctx, "tok-u", blob("v2"), later())
			require.NoError(t, err)
			assert.True(t, ok)
			got, _ := st.FindAccount(ctx, "acct-1")
			assert.Equal(t, map[string][]byte{"tok-u": blob("v2")}, got)
			ok, err = st.Update(ctx, "tok-none", blob("v"), later())
			require.NoError(t, err)
			assert.False(t, ok)
			_, found, _ := st.Find("tok-none")
			assert.False(t, found, "a revoked session is not resurrected")
		}},
		{"delete account", "log out everywhere but one session, atomically, counting live sessions", func(t *testing.T, st cookies.AccountStore) {
			for _, tok := range []string{"tok-1", "tok-2", "tok-3"} {
				require.NoError(t, st.CommitAccount(ctx, tok, "acct-1", blob(tok), later()))
			}
			require.NoError(t, st.CommitAccount(ctx, "tok-other", "acct-2", blob("o"), later()))
			n, err := st.DeleteAccount(ctx, "acct-1", "tok-2")
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			got, _ := st.FindAccount(ctx, "acct-1")
			assert.Equal(t, map[string][]byte{"tok-2": blob("tok-2")}, got)
			_, found, _ := st.Find("tok-other")
			assert.True(t, found, "other accounts are untouched")
			n, err = st.DeleteAccount(ctx, "acct-1", "")
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			n, err = st.DeleteAccount(ctx, "acct-unknown", "")
			require.NoError(t, err)
			assert.Zero(t, n)
		}},
		{"delete removes from account", "a deleted session is no longer listed for its account", func(t *testing.T, st cookies.AccountStore) {
			require.NoError(t, st.CommitAccount(ctx, "tok-d", "acct-1", blob("d"), later()))
			require.NoError(t, st.Delete("tok-d"))
			got, err := st.FindAccount(ctx, "acct-1")
			require.NoError(t, err)
			assert.Empty(t, got)
		}},
		{"ctx variants", "the CtxStore and IterableCtxStore methods are the same store", func(t *testing.T, st cookies.AccountStore) {
			cs := st.(cookies.CtxStore)
			require.NoError(t, cs.CommitCtx(ctx, "tok-c", blob("c"), later()))
			b, found, err := cs.FindCtx(ctx, "tok-c")
			require.NoError(t, err)
			assert.True(t, found)
			assert.Equal(t, blob("c"), b)
			all, err := st.(cookies.IterableCtxStore).AllCtx(ctx)
			require.NoError(t, err)
			assert.Contains(t, all, "tok-c")
			require.NoError(t, cs.DeleteCtx(ctx, "tok-c"))
			_, found, _ = st.Find("tok-c")
			assert.False(t, found)
		}},
		{"manager", "a cookies.Manager on the store: login, list, revoke everywhere", func(t *testing.T, st cookies.AccountStore) {
			runManager(t, st)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			tc.run(t, st)
			if t.Failed() {
				t.Log(tc.reason)
			}
		})
	}
}

type payload struct{ Step int }

func runManager(t *testing.T, st cookies.AccountStore) {
	ctx := context.Background()
	kr, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	m, err := cookies.NewManager(kr, &cookies.Options[payload]{Store: st, MaxAge: time.Hour})
	require.NoError(t, err)
	login := func() (*http.Cookie, string) {
		req := httptest.NewRequest(http.MethodPost, "https://portal.example.com/login", nil)
		req.RemoteAddr = "192.0.2.33:4000"
		req.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36")
		s, err := m.Load(req)
		require.NoError(t, err)
		s.SetAccount("acct-7f3a")
		s.Values.Step = 1
		rec := httptest.NewRecorder()
		require.NoError(t, m.Save(rec, req, s))
		for _, c := range rec.Result().Cookies() {
			if c.Name == m.Name() {
				return c, s.Handle()
			}
		}
		t.Fatal("no session cookie")
		return nil, ""
	}
	c1, h1 := login()
	c2, _ := login()
	list, err := m.Sessions(ctx, "acct-7f3a")
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "Chrome on Windows", list[0].UserAgent)
	assert.Equal(t, "192.0.2.0", list[0].IPPrefix)
	assert.False(t, strings.Contains(c1.Value, "acct"), "the cookie is sealed")

	load := func(c *http.Cookie) (*cookies.Session[payload], error) {
		req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
		req.AddCookie(c)
		return m.Load(req)
	}
	s, err := load(c1)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Values.Step)
	assert.Equal(t, "acct-7f3a", s.Account())

	n, err := m.RevokeAll(ctx, "acct-7f3a", h1)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = load(c2)
	assert.ErrorIs(t, err, cookies.ErrEnded)
	s, err = load(c1)
	require.NoError(t, err)
	s.Destroy()
	rec := httptest.NewRecorder()
	require.NoError(t, m.Save(rec, httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil), s))
	_, err = load(c1)
	assert.ErrorIs(t, err, cookies.ErrEnded, "logout ends every copy")
	list, err = m.Sessions(ctx, "acct-7f3a")
	require.NoError(t, err)
	assert.Empty(t, list)
	assert.False(t, bytes.Contains([]byte(c1.Value), []byte(h1)), "the handle is not in the cookie")
}
