package review

import (
	"github.com/civickit/privacy/redact/records"

	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchDocs writes n documents of obviously fake records (example.com
// addresses, 555-01xx numbers) from a fixed seed: nine letters in ten,
// one CSV in ten.
func benchDocs(b *testing.B, n int) []Document {
	b.Helper()
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(14, 2026))
	first := []string{"Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo"}
	last := []string{"Ruiz", "Okafor", "Nguyen", "Schmidt", "Kowalski", "Haddad", "Larsen", "Moreau"}
	person := func() (string, string, string) {
		f, l := first[rng.IntN(len(first))], last[rng.IntN(len(last))]
		return f + " " + l, strings.ToLower(f+"."+l) + "@example.com", fmt.Sprintf("(617) 555-01%02d", rng.IntN(100))
	}
	docs := make([]Document, n)
	for i := range docs {
		var b2 strings.Builder
		name := fmt.Sprintf("letter-%04d.txt", i)
		if i%10 == 9 {
			name = fmt.Sprintf("payments-%04d.csv", i)
			b2.WriteString("name,email,phone,amount\n")
			for range 20 {
				p, e, ph := person()
				fmt.Fprintf(&b2, "%s,%s,%s,%d.%02d\n", p, e, ph, rng.IntN(500), rng.IntN(100))
			}
		} else {
			p, e, ph := person()
			fmt.Fprintf(&b2, "Dear Council,\n\nMy name is %s and I live on Elm Avenue. ", p)
			for range 6 {
				b2.WriteString("The council discussed the street lighting budget and the parks department plan for the spring. ")
			}
			fmt.Fprintf(&b2, "\nPlease call me at %s or write to %s.\n\nRegards,\n%s\n", ph, e, p)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(b2.String()), 0o600); err != nil {
			b.Fatal(err)
		}
		docs[i] = Document{Name: name, Path: path}
	}
	return docs
}

func benchRequest(b *testing.B) *records.Request {
	b.Helper()
	key := testKey(b)
	rq, err := records.NewRequest(&key, nil)
	if err != nil {
		b.Fatal(err)
	}
	return rq
}

// BenchmarkOpenReview1000 is the time to open the review of a
// 1,000-document request (read, redact and keep every document's
// proposals and segments) and serve its index page. The baseline is
// BenchmarkProposeOnly1000: the same documents through Request.Document,
// the work a batch run of redact does before writing.
func BenchmarkOpenReview1000(b *testing.B) {
	docs := benchDocs(b, 1000)
	rq := benchRequest(b)
	dir := b.TempDir()
	apply := func(context.Context, *records.Decisions) (records.LogSummary, error) {
		return records.LogSummary{}, nil
	}
	for b.Loop() {
		s, err := New(Options{Request: rq, Documents: docs, DecisionsPath: filepath.Join(dir, "d.json"), Apply: apply})
		if err != nil {
			b.Fatal(err)
		}
		s.SetHost("127.0.0.1:1")
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:1/?token="+s.Token(), nil)
		r.RemoteAddr = "127.0.0.1:2"
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkProposeOnly1000 is the baseline of BenchmarkOpenReview1000.
func BenchmarkProposeOnly1000(b *testing.B) {
	docs := benchDocs(b, 1000)
	rq := benchRequest(b)
	for b.Loop() {
		for _, d := range docs {
			data, err := os.ReadFile(d.Path)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := rq.Document(d.Name, data); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDocumentPage is the time to show one document of the review
// (the letter with its proposals).
func BenchmarkDocumentPage(b *testing.B) {
	docs := benchDocs(b, 10)
	rq := benchRequest(b)
	apply := func(context.Context, *records.Decisions) (records.LogSummary, error) {
		return records.LogSummary{}, nil
	}
	s, err := New(Options{Request: rq, Documents: docs, DecisionsPath: filepath.Join(b.TempDir(), "d.json"), Apply: apply})
	if err != nil {
		b.Fatal(err)
	}
	s.SetHost("127.0.0.1:1")
	for b.Loop() {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:1/doc?id=0&token="+s.Token(), nil)
		r.RemoteAddr = "127.0.0.1:2"
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
