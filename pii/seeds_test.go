package pii_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/civickit/privacy/pii"
)

var writeSeeds = flag.Bool("write-seeds", false, "rewrite the committed fuzz seed corpora under testdata/fuzz")

// TestWriteFuzzSeeds regenerates testdata/fuzz/* with -write-seeds; without
// the flag it checks that the committed corpora exist.
func TestWriteFuzzSeeds(t *testing.T) {
	s := fixedSealer(t)
	good, err := s.Seal(pii.New(pii.Email, "resident@example.com"), fuzzAD)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append(pii.Sealed(nil), good...)
	flipped[len(flipped)-1] ^= 1
	seeds := map[string][]string{
		"FuzzOpen": {
			fmt.Sprintf("[]byte(%q)", []byte(good)),
			fmt.Sprintf("[]byte(%q)", []byte(good[:len(good)-1])),
			fmt.Sprintf("[]byte(%q)", []byte(flipped)),
			fmt.Sprintf("[]byte(%q)", []byte(good[:5])),
			`[]byte("")`,
		},
		"FuzzParseTag": {
			`string("email,encrypt,index")`, `string("payment_card,index=card4,last4,bits=12,redact=mask")`,
			`string("-")`, `string("email,bits=24")`, `string("email,index=a,index=b")`,
		},
		"FuzzDecodeJSON": {
			`[]byte("\"resident@example.com\"")`, `[]byte("\"[REDACTED:email]\"")`, `[]byte("null")`,
			`[]byte("{\"a\":1}")`, `[]byte("\"\\ud800\"")`,
		},
	}
	for name, entries := range seeds {
		dir := filepath.Join("testdata", "fuzz", name)
		for i, e := range entries {
			path := filepath.Join(dir, fmt.Sprintf("seed-%02d", i))
			if !*writeSeeds {
				if _, err := os.Stat(path); err != nil {
					t.Errorf("missing committed fuzz seed %s (run go test -run TestWriteFuzzSeeds -write-seeds)", path)
				}
				continue
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte("go test fuzz v1\n"+e+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
