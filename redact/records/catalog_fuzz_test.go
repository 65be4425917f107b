package records

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseCatalog checks that a catalog file either parses into a catalog
// that validates and builds a Request, or fails with ErrCatalog.
func FuzzParseCatalog(f *testing.F) {
	for _, j := range Jurisdictions() {
		b, err := catalogFS.ReadFile("catalogs/" + j + ".json")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"jurisdiction":"c","name":"n","box":"[{code}","default":{"code":"X"},"exemptions":[{"code":"X","label":"l","citation":"c"}]}`))
	key := ephemeralKey(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := ParseCatalog(data)
		if err != nil {
			if !errors.Is(err, ErrCatalog) {
				t.Fatalf("error does not wrap ErrCatalog: %v", err)
			}
			return
		}
		if err := cat.Validate(); err != nil {
			t.Fatalf("parsed catalog does not validate: %v", err)
		}
		if _, err := NewRequest(key, &RequestOptions{Catalog: cat}); err != nil && !errors.Is(err, ErrCatalog) {
			t.Fatalf("NewRequest: %v", err)
		}
	})
}

// FuzzParseAllowList checks that an allow-list either parses and
// round-trips through WriteTo, or fails with ErrAllowList.
func FuzzParseAllowList(f *testing.F) {
	f.Add([]byte("# officials\nJames Carter\n(413) 555-0100\nhmac:00112233445566778899aabbccddeeff\n"))
	f.Add([]byte("hmac:zz\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAllowList(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrAllowList) {
				t.Fatalf("error does not wrap ErrAllowList: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if _, err := a.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		b, err := ParseAllowList(&buf)
		if err != nil {
			t.Fatalf("written allow-list does not parse: %v", err)
		}
		if b.Len() != a.Len() {
			t.Fatalf("round trip: %d entries, then %d", a.Len(), b.Len())
		}
	})
}
