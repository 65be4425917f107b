package pii_test

import (
	"encoding/json"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
)

// testdata/fixture-aead-keyset.json is a cleartext Tink keyset committed as a
// test fixture (never used outside tests), so that the committed fuzz corpus
// holds ciphertexts that really open.
var (
	fixtureOnce   sync.Once
	fixtureSealer *pii.Sealer
	fixtureErr    error
)

func fixedSealer(t testing.TB) *pii.Sealer {
	t.Helper()
	fixtureOnce.Do(func() {
		f, err := os.Open("testdata/fixture-aead-keyset.json")
		if err != nil {
			fixtureErr = err
			return
		}
		defer f.Close()
		h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(f))
		if err != nil {
			fixtureErr = err
			return
		}
		kr, err := pii.NewKeyringFromHandle(pii.Encryption, h)
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureSealer, fixtureErr = pii.NewSealer(kr)
	})
	if fixtureErr != nil {
		t.Fatalf("fixture sealer: %v", fixtureErr)
	}
	return fixtureSealer
}

var fuzzAD = pii.AD{Record: "account", Field: "Email", ID: "acct-1"}

// FuzzOpen: opening arbitrary bytes never panics, and fails only with
// ErrInvalid; what opens must re-seal and open to the same value.
func FuzzOpen(f *testing.F) {
	s := fixedSealer(f)
	good, err := s.Seal(pii.New(pii.Email, "resident@example.com"), fuzzAD)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(good))
	f.Add([]byte(good[:5]))
	f.Add([]byte{})
	f.Add([]byte{0x01, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, c []byte) {
		v, err := s.Open(c, fuzzAD)
		if err != nil {
			if !errors.Is(err, pii.ErrInvalid) {
				t.Fatalf("Open returned an undocumented error: %v", err)
			}
			return
		}
		c2, err := s.Seal(v, fuzzAD)
		if err != nil {
			t.Fatal(err)
		}
		v2, err := s.Open(c2, fuzzAD)
		if err != nil || !v2.Equal(v) || v2.Category() != v.Category() {
			t.Fatalf("re-seal round trip failed: %v", err)
		}
	})
}

// FuzzParseTag: any tag text parses or fails cleanly, and an accepted tag is
// internally consistent.
func FuzzParseTag(f *testing.F) {
	for _, s := range []string{"email", "email,encrypt,index", "card,index=c4,last4,bits=12,redact=mask", "-", "", ",", "email,bits=x", "dob,index=a,index=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tag, err := pii.ParseTag(s, "Field")
		if err != nil {
			return
		}
		if tag.NotPII {
			return
		}
		if !tag.Category.Valid() || tag.Category == pii.Unknown {
			t.Fatalf("accepted tag %q has category %v", s, tag.Category)
		}
		if (tag.Bits != 0 || tag.Last4) && tag.Index == "" {
			t.Fatalf("accepted tag %q has bits/last4 without index", s)
		}
		if tag.Bits < 0 || tag.Bits > 256 {
			t.Fatalf("accepted tag %q has bits %d", s, tag.Bits)
		}
	})
}

// FuzzDecodeJSON: JSON decoding of String and Sealed never panics and never
// accepts a redaction marker as data.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`"resident@example.com"`, `"[REDACTED:email]"`, `null`, `42`, `"AQID"`, `"\u0041"`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s pii.String
		if err := json.Unmarshal(b, &s); err == nil {
			if v := s.Reveal(); len(v) > 9 && v[:9] == "[REDACTED" && v[len(v)-1] == ']' {
				t.Fatalf("decoded a redaction marker as data")
			}
		}
		var c pii.Sealed
		_ = json.Unmarshal(b, &c)
	})
}
