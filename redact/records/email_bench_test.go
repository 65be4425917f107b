package records

import (
	"bytes"
	"fmt"
	"mime"
	"testing"
)

// emailBenchData builds a mailbox of about size bytes of decoded text from
// requestBenchData's prose: each message has RFC 2047 headers, a base64
// text body, a quoted-printable HTML body of the same text and a CSV
// attachment. It also returns the messages' decoded text, for the
// plain-text baseline.
func emailBenchData(size int) (msgs [][]byte, text []byte) {
	prose := requestBenchData(DocText, size)
	var all bytes.Buffer
	for i := 0; len(prose) > 0; i++ {
		n := min(len(prose), 16<<10)
		for n < len(prose) && prose[n-1] != ' ' {
			n++
		}
		chunk := string(prose[:n])
		prose = prose[n:]
		var b bytes.Buffer
		fmt.Fprintf(&b, "From: %s\r\nTo: billing@example.invalid\r\nSubject: %s\r\nDate: Mon, 3 Mar 2025 09:14:00 -0500\r\n",
			mime.BEncoding.Encode("utf-8", fmt.Sprintf("Resident %d <resident%d@example.com>", i, i)),
			mime.QEncoding.Encode("utf-8", "Water bill question é"))
		b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"bb\"\r\n\r\n")
		b.WriteString("--bb\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(chunk))
		b.WriteString("--bb\r\nContent-Type: text/csv; name=\"rows.csv\"\r\nContent-Disposition: attachment; filename=\"rows.csv\"\r\n\r\n")
		csv := "name,email,amount\nResident " + fmt.Sprint(i) + ",resident" + fmt.Sprint(i) + "@example.com,12.00\n"
		b.WriteString(csv + "\r\n--bb--\r\n")
		msgs = append(msgs, b.Bytes())
		all.WriteString(chunk)
		all.WriteString(csv)
	}
	return msgs, all.Bytes()
}

// BenchmarkEmail compares e-mail throughput (MIME parsing, decoding,
// rebuilding the message) with the plain-text path over the same decoded
// text. Throughput is in decoded text bytes.
func BenchmarkEmail(b *testing.B) {
	rq, err := NewRequest(ephemeralKey(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	msgs, text := emailBenchData(2 << 20)
	b.Run("email", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			for _, m := range msgs {
				if _, err := rq.Redact("m.eml", DocEmail, m); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("plain-text", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			if _, err := rq.Redact("m.txt", DocText, text); err != nil {
				b.Fatal(err)
			}
		}
	})
}
