package records

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"testing"
)

// FuzzRequestDocument feeds untrusted records of every format through a
// Request: it must never panic, fail only with ErrDocument, write valid
// JSON for JSON input and as many CSV records as it read, and report spans
// that lie inside the output.
func FuzzRequestDocument(f *testing.F) {
	f.Add(uint8(0), []byte("Dear Ms. Maria Lopez, call (413) 555-0142.\n"))
	f.Add(uint8(1), []byte("email,memo\nx@example.com,\"a, b\"\r\n"))
	f.Add(uint8(2), []byte(`{"a":[{"email":"x@example.com","n":4135550142,"k\u0041":"\ud83d\ude00"}]}`))
	f.Add(uint8(3), []byte("{\"to\":\"x@example.com\"}\n\n[1,2]\n"))
	rq, err := NewRequest(ephemeralKey(f), nil)
	if err != nil {
		f.Fatal(err)
	}
	formats := []DocFormat{DocText, DocCSV, DocJSON, DocJSONL}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		format := formats[int(kind)%len(formats)]
		res, err := rq.Redact("fuzz", format, data)
		if err != nil {
			if !errors.Is(err, ErrDocument) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if format == DocText {
				t.Fatalf("text never fails: %v", err)
			}
			return
		}
		if len(res.spans) != len(res.Entries) {
			t.Fatalf("%d spans for %d entries", len(res.spans), len(res.Entries))
		}
		last := 0
		for _, sp := range res.spans {
			if sp.start < last || sp.end < sp.start || sp.end > len(res.Output) {
				t.Fatalf("bad span %v in output of %d bytes", sp, len(res.Output))
			}
			last = sp.end
		}
		switch format {
		case DocJSON:
			if !json.Valid(res.Output) {
				t.Fatalf("invalid JSON output %q", res.Output)
			}
		case DocCSV:
			if n, m := countCSV(t, data), countCSV(t, res.Output); n != m {
				t.Fatalf("read %d CSV records, wrote %d", n, m)
			}
		}
	})
}

func countCSV(t *testing.T, b []byte) int {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("output is not CSV: %v", err)
		}
		n++
	}
}
