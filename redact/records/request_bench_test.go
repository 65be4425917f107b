package records

import (
	"github.com/civickit/privacy/redact"

	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// requestBenchData generates about size bytes of one format from a fixed
// seed: synthetic residents (example.com, 555-01xx, the test card) among
// ordinary council prose.
func requestBenchData(format DocFormat, size int) []byte {
	r := rand.New(rand.NewPCG(4, 2025))
	first := []string{"Maria", "Thomas", "Ana", "James", "Linda", "Grace", "Omar"}
	last := []string{"Lopez", "Reed", "Diaz", "Carter", "Nguyen", "Okafor", "Silva"}
	words := strings.Fields("the council water meter bill rate hearing street light public works budget agenda request repair notice account refund review approved resident permit")
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	name := func() string { return pick(first) + " " + pick(last) }
	email := func() string { return strings.ToLower(pick(first)) + fmt.Sprintf("%d@example.com", r.IntN(100)) }
	phone := func() string { return fmt.Sprintf("(413) 555-01%02d", r.IntN(100)) }
	prose := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = pick(words)
		}
		return strings.Join(ws, " ")
	}
	var b bytes.Buffer
	switch format {
	case DocText:
		for b.Len() < size {
			fmt.Fprintf(&b, "%s. ", prose(25))
			switch r.IntN(4) {
			case 0:
				fmt.Fprintf(&b, "Call %s or write to %s. ", phone(), email())
			case 1:
				fmt.Fprintf(&b, "Dear Ms. %s,\n", name())
			}
		}
	case DocCSV:
		b.WriteString("payment_id,customer_name,email,phone,card_number,amount,memo\n")
		for i := 1; b.Len() < size; i++ {
			fmt.Fprintf(&b, "P-%d,%s,%s,%s,4111111111111111,%d.00,%s\n", i, name(), email(), phone(), r.IntN(500), prose(4))
		}
	case DocJSON:
		b.WriteString(`{"subscribers":[`)
		for i := 1; b.Len() < size; i++ {
			if i > 1 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "\n{\"id\":%d,\"full_name\":%q,\"email\":%q,\"phone\":%q,\"note\":%q}", i, name(), email(), phone(), prose(8))
		}
		b.WriteString("\n]}\n")
	}
	return b.Bytes()
}

// BenchmarkRequest compares a Request (exemption codes, locations, keyed
// hashes, spans for the report) with what a user would otherwise pick: the
// engine's own Redactor.RedactBytes, CSV and JSON, which redact but log
// nothing.
func BenchmarkRequest(b *testing.B) {
	key := ephemeralKey(b)
	rq, err := NewRequest(key, nil)
	if err != nil {
		b.Fatal(err)
	}
	r, err := redact.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []DocFormat{DocText, DocCSV, DocJSON} {
		data := requestBenchData(f, 4<<20)
		b.Run(string(f)+"/request", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := rq.Redact("bench", f, data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(f)+"/engine", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var dst []byte
			for b.Loop() {
				switch f {
				case DocText:
					dst, _ = r.RedactBytes(dst[:0], data)
				case DocCSV:
					if err := r.CSV(io.Discard, bytes.NewReader(data), nil); err != nil {
						b.Fatal(err)
					}
				case DocJSON:
					if err := r.JSON(io.Discard, bytes.NewReader(data)); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
