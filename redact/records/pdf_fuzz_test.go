package records

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzPDF feeds untrusted bytes to the PDF reader: it must never panic or
// hang, fail only with a *WithheldError or a *DocumentError, and release
// only a PDF with one span per log entry.
func FuzzPDF(f *testing.F) {
	rq, err := NewRequest(ephemeralKey(f), nil)
	if err != nil {
		f.Fatal(err)
	}
	good := buildPDF(f, [][]string{pdfPIILines}, pdfFixtureOptions{})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF"))
	f.Add([]byte("%PDF-1.7\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := rq.Redact("fuzz.pdf", DocPDF, data)
		if err != nil {
			var we *WithheldError
			var de *DocumentError
			if !errors.As(err, &we) && !errors.As(err, &de) {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		if !bytes.HasPrefix(res.Output, []byte("%PDF-")) {
			t.Fatalf("release is not a PDF")
		}
		if len(res.spans) != len(res.Entries) {
			t.Fatalf("%d spans for %d entries", len(res.spans), len(res.Entries))
		}
	})
}
