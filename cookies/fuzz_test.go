package cookies

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/civickit/privacy/pii"
)

var update = flag.Bool("update", false, "regenerate testdata fixtures (test keyring and fuzz seeds)")

// The fuzz fixtures: a test-only keyring, wrapped by a test-only master key,
// both committed so that committed seeds stay valid cookies. These keys
// protect nothing.
const (
	fixtureMasterKey = "testdata/test-master-key.json"
	fixtureKeyring   = "testdata/test-keyring.json"
)

var fixtureNow = time.Date(2025, 3, 14, 15, 0, 0, 0, time.UTC)

func fixtureCodec(t testing.TB, at time.Time) *Codec {
	t.Helper()
	kek, err := fixtureKEK(t)
	require.NoError(t, err)
	kr, err := pii.ReadKeyringFile(fixtureKeyring, pii.Encryption, kek)
	require.NoError(t, err)
	c, err := NewCodec(kr, &CodecOptions{Detector: testDetector{}, MaxAge: time.Hour, Now: func() time.Time { return at }})
	require.NoError(t, err)
	return c
}

// fixtureKEK loads the committed test master key. A checkout gives the
// file the umask's mode (0644 usually), which LoadMasterKey refuses, as it
// should for a real key: load a private copy.
func fixtureKEK(t testing.TB) (tink.AEAD, error) {
	t.Helper()
	b, err := os.ReadFile(fixtureMasterKey)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(t.TempDir(), "master.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		return nil, err
	}
	return pii.LoadMasterKey(p)
}

// TestUpdateFixtures regenerates the fixtures with -update.
func TestUpdateFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate fixtures")
	}
	for _, p := range []string{fixtureMasterKey, fixtureKeyring} {
		require.NoError(t, os.RemoveAll(p))
	}
	kek, err := pii.GenerateMasterKey(fixtureMasterKey)
	require.NoError(t, err)
	kr := newKeyring(t)
	_, err = kr.Rotate()
	require.NoError(t, err)
	require.NoError(t, kr.WriteFile(fixtureKeyring, kek))

	valid := fixtureCodec(t, fixtureNow.Add(-time.Minute))
	old := fixtureCodec(t, fixtureNow.Add(-2*time.Hour))
	must := func(v string, err error) string { require.NoError(t, err); return v }
	seeds := [][2]string{
		{"sid", must(valid.Encode("sid", fullPrefs()))},
		{"sid", must(valid.Encode("sid", prefs{Locale: "en-US", Dark: true}))},
		{"sid", must(valid.Encode("sid", map[string]any{"step": 2}))},
		{"sid", must(old.Encode("sid", prefs{Locale: "en-US"}))},
		{"other", must(valid.Encode("sid", prefs{Locale: "en-US"}))},
		{"sid", ""},
		{"sid", "AQAAAAA"},
		{"sid", "not base64!"},
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for i, s := range seeds {
		body := fmt.Sprintf("go test fuzz v1\nstring(%s)\nstring(%s)\n", strconv.Quote(s[0]), strconv.Quote(s[1]))
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%02d", i)), []byte(body), 0o644))
	}
	r1, err := encodePrefs(fullPrefs())
	require.NoError(t, err)
	r2, err := encodePrefs(prefs{Locale: "en-US"})
	require.NoError(t, err)
	rec := [][]byte{r1, r2, {0x0a, 'L'}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}}
	dir = filepath.Join("testdata", "fuzz", "FuzzDecodeRecord")
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for i, r := range rec {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", r)
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%02d", i)), []byte(body), 0o644))
	}
}

func encodePrefs(p prefs) ([]byte, error) {
	plan, err := planFor(reflect.TypeFor[prefs]())
	if err != nil {
		return nil, err
	}
	return plan.appendRecord(nil, reflect.ValueOf(p), nil)
}

// FuzzDecode feeds arbitrary cookie names and values to Codec.Decode: it
// must never panic, and every failure must be ErrInvalid or ErrExpired.
func FuzzDecode(f *testing.F) {
	c := fixtureCodec(f, fixtureNow)
	f.Fuzz(func(t *testing.T, name, value string) {
		var p prefs
		err := c.Decode(name, value, &p)
		if err != nil && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExpired) {
			t.Fatalf("undocumented error %v", err)
		}
		var m map[string]any
		err = c.Decode(name, value, &m)
		if err != nil && !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExpired) {
			t.Fatalf("undocumented error %v", err)
		}
	})
}

// FuzzDecodeRecord feeds arbitrary plaintext to the compact record decoder,
// which only ever sees authenticated bytes but must still never panic.
func FuzzDecodeRecord(f *testing.F) {
	plan, err := planFor(reflect.TypeFor[prefs]())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, b []byte) {
		v := reflect.New(plan.t).Elem()
		if err := plan.decodeRecord(b, v); err != nil && !errors.Is(err, errMalformed) {
			t.Fatalf("undocumented error %v", err)
		}
	})
}

func TestFuzzSeedsStillValid(t *testing.T) {
	c := fixtureCodec(t, fixtureNow)
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzDecode", "seed00"))
	require.NoError(t, err)
	var name, value string
	_, err = fmt.Sscanf(string(b), "go test fuzz v1\nstring(%q)\nstring(%q)\n", &name, &value)
	require.NoError(t, err)
	var p prefs
	require.NoError(t, c.Decode(name, value, &p), "the first seed is a valid cookie, so the fuzzer starts from one")
	require.Equal(t, fullPrefs(), p)
	b, err = os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzDecode", "seed03"))
	require.NoError(t, err)
	_, err = fmt.Sscanf(string(b), "go test fuzz v1\nstring(%q)\nstring(%q)\n", &name, &value)
	require.NoError(t, err)
	require.ErrorIs(t, c.Decode(name, value, &p), ErrExpired, "the fourth seed is an expired cookie")
}
