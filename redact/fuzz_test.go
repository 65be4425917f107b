package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"Contact jane.doe@example.com or (617) 555-0142.",
	"SSN 219-09-9998, card 4111 1111 1111 1111, routing 021000021",
	"IBAN GB82 WEST 1234 5698 7654 32 from 2001:db8::1 and 192.0.2.1",
	"Dear Jane Smith,\n1200 N Main St., Apt 4B, Springfield, IL 62701\nSincerely,\nRobert Johnson",
	"DOB: 03/14/1985 https://u:p@example.com/?token=abc&email=a%40example.com",
	"[EMAIL:0123456789abcdef] [PHONE] ***-**-9998 +44 20 7946 0958",
	"1.2.3.4.5 12:30:45 00:1A:2B:3C:4D:5E P.O. Box 12",
}

func fuzzRedactor(t *testing.T, opts *Options) *Redactor {
	r, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// FuzzFind: the scanner never panics, and findings are in range, sorted
// and non-overlapping; Contains agrees with Find.
func FuzzFind(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	r := fuzzRedactor(&testing.T{}, nil)
	f.Fuzz(func(t *testing.T, s string) {
		fs := r.Find(s)
		last := 0
		for _, x := range fs {
			if x.Start < last || x.End <= x.Start || x.End > len(s) {
				t.Fatalf("bad finding %+v after %d in input of %d bytes", x, last, len(s))
			}
			last = x.End
		}
		if r.Contains(s) != (len(fs) > 0) {
			t.Fatalf("Contains=%v but %d findings", r.Contains(s), len(fs))
		}
	})
}

// FuzzNoLeak: with an operator that writes nothing, the output is exactly
// the input with every detected span removed: no byte of a span survives.
func FuzzNoLeak(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	r := fuzzRedactor(&testing.T{}, &Options{Default: Marker("")})
	f.Fuzz(func(t *testing.T, s string) {
		out, fs := r.RedactFindings(s)
		var want strings.Builder
		last := 0
		for _, x := range fs {
			want.WriteString(s[last:x.Start])
			last = x.End
		}
		want.WriteString(s[last:])
		if out != want.String() {
			t.Fatalf("output is not the input minus its findings")
		}
	})
}

// FuzzIdempotent: redacting redacted output changes nothing.
func FuzzIdempotent(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	rs := []*Redactor{
		fuzzRedactor(&testing.T{}, nil),
		fuzzRedactor(&testing.T{}, &Options{Default: MaskLast4()}),
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, " ")
		}
		for i, r := range rs {
			once := r.Redact(s)
			if twice := r.Redact(once); twice != once {
				t.Fatalf("redactor %d: second pass changed the output\n once: %q\ntwice: %q", i, once, twice)
			}
		}
	})
}
