package cookies

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/pii"
)

// oneStore answers every Find with the same bytes: the fuzzer controls
// both the cookie and what the store returns for it.
type oneStore struct{ b []byte }

func (s oneStore) Find(string) ([]byte, bool, error)    { return s.b, s.b != nil, nil }
func (oneStore) Commit(string, []byte, time.Time) error { return nil }
func (oneStore) Delete(string) error                    { return nil }
func (s oneStore) FindCtx(context.Context, string) ([]byte, bool, error) {
	return s.Find("")
}

func fixtureServerManager(t testing.TB, at time.Time, st Store) *Manager[prefs] {
	t.Helper()
	kek, err := fixtureKEK(t)
	require.NoError(t, err)
	kr, err := pii.ReadKeyringFile(fixtureKeyring, pii.Encryption, kek)
	require.NoError(t, err)
	m, err := NewManager(kr, &Options[prefs]{
		MaxAge: time.Hour, IdleTimeout: 30 * time.Minute, Detector: testDetector{},
		Now: func() time.Time { return at }, Store: st,
	})
	require.NoError(t, err)
	return m
}

// TestUpdateServerFuzzSeeds regenerates FuzzServerLoad's seeds with
// -update (after TestUpdateFixtures, which runs first, has made the
// keyring they are sealed with).
func TestUpdateServerFuzzSeeds(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate fixtures")
	}
	at := fixtureNow.Add(-time.Minute)
	m := fixtureServerManager(t, at, oneStore{})
	var buf [headerMax + idLen]byte
	copy(buf[headerMax:], "0123456789abcdef")
	cookie, err := m.codec.sealTTL(m.ad, formatRef, at, time.Hour, buf[:])
	require.NoError(t, err)
	rec, err := encodePrefs(prefs{Locale: "en-US", Dark: true})
	require.NoError(t, err)
	stored := appendStored(nil, storedMeta{at, at, "acct-7f3a", "192.0.2.0", "Firefox on Linux"}, rec)
	idle := appendStored(nil, storedMeta{at.Add(-2 * time.Hour), at.Add(-time.Hour), "", "", ""}, rec)
	seeds := []struct {
		cookie string
		stored []byte
	}{
		{cookie, stored}, // a live session
		{cookie, idle},   // idle past the timeout
		{cookie, nil},    // revoked: not in the store
		{cookie, []byte{1}},
		{"not a cookie", stored},
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzServerLoad")
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for i, s := range seeds {
		body := fmt.Sprintf("go test fuzz v1\nstring(%s)\n[]byte(%q)\n", strconv.Quote(s.cookie), s.stored)
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%02d", i)), []byte(body), 0o644))
	}
}

// FuzzServerLoad loads a server-side session from an arbitrary cookie
// value and arbitrary stored bytes (a store is trusted less than the
// process): Load must never panic and fail only with ErrInvalid,
// ErrExpired or ErrEnded; a session it accepts must save without panic.
func FuzzServerLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, cookie string, stored []byte) {
		m := fixtureServerManager(t, fixtureNow, oneStore{stored})
		req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
		req.Header.Set("Cookie", m.Name()+"="+cookie)
		s, err := m.Load(req)
		if err != nil && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExpired) && !errors.Is(err, ErrEnded) {
			t.Fatalf("undocumented error %v", err)
		}
		if s == nil {
			t.Fatal("Load returned no session")
		}
		s.Values.Visits++
		_ = m.Save(httptest.NewRecorder(), req, s)
	})
}

func TestServerFuzzSeedsStillValid(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzServerLoad", "seed00"))
	require.NoError(t, err)
	var cookie, stored string
	_, err = fmt.Sscanf(string(b), "go test fuzz v1\nstring(%q)\n[]byte(%q)\n", &cookie, &stored)
	require.NoError(t, err)
	m := fixtureServerManager(t, fixtureNow, oneStore{[]byte(stored)})
	req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	req.Header.Set("Cookie", m.Name()+"="+cookie)
	s, err := m.Load(req)
	require.NoError(t, err, "the first seed is a live session, so the fuzzer starts from one")
	require.Equal(t, "acct-7f3a", s.Account())
}
