package records

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact/piitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planted is the fake personal data the e-mail fixtures carry. Every value
// is one the detectors find in the sentence it is planted in.
type planted struct {
	name, ssn, phone, email, card string
}

var emailPII = planted{
	name:  "Ana Ruiz",
	ssn:   "512-44-7301",
	phone: "(617) 555-0143",
	email: "ana.ruiz@example.com",
	card:  "4111 1111 1111 1111",
}

func (p planted) canaries(t *testing.T) []piitest.Canary {
	cs := piitest.New(t)
	return []piitest.Canary{cs.Custom(pii.SSN, p.ssn), cs.Custom(pii.Phone, p.phone), cs.Custom(pii.Email, p.email),
		cs.Custom(pii.PaymentCard, p.card), cs.Custom(pii.Name, "Ruiz")}
}

// mimeMsg builds a message: headers, then a multipart/mixed body of the
// given parts (each a header map and a raw, already encoded body).
type mimePart struct {
	header map[string]string
	body   string
}

var boundaryN int

func buildMessage(t *testing.T, headers map[string]string, parts ...mimePart) []byte {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	boundaryN++
	require.NoError(t, mw.SetBoundary(fmt.Sprintf("fixture-boundary-%d", boundaryN)))
	for _, p := range parts {
		h := map[string][]string{}
		for k, v := range p.header {
			h[k] = []string{v}
		}
		w, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, err = io.WriteString(w, p.body)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	var b bytes.Buffer
	for _, k := range []string{"From", "To", "Cc", "Subject", "Date", "Message-ID", "Received", "X-Originating-IP"} {
		if v, ok := headers[k]; ok {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("MIME-Version: 1.0\r\n")
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=%q\r\n\r\n", mw.Boundary())
	b.Write(body.Bytes())
	return b.Bytes()
}

func b64(s string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.String()
}

func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	_, _ = io.WriteString(w, s)
	_ = w.Close()
	return b.String()
}

// complaintEmail is the fixture of the issue: a base64 body, a
// quoted-printable soft line break inside an SSN, RFC 2047 headers, an
// HTML part, a base64 text attachment, a CSV attachment, an attached
// message with a base64 body, a GIF, a signature.
func complaintEmail(t *testing.T, p planted) []byte {
	nested := buildMessage(t, map[string]string{
		"From":    mime.BEncoding.Encode("utf-8", p.name+" <"+p.email+">"),
		"Subject": "Fwd: my details",
	}, mimePart{map[string]string{"Content-Type": "text/plain; charset=utf-8", "Content-Transfer-Encoding": "base64"},
		b64("Forwarding my card " + p.card + " for the autopay form.\r\n")})
	return buildMessage(t, map[string]string{
		"From":             mime.BEncoding.Encode("utf-8", p.name+" <"+p.email+">"),
		"To":               "Utility Billing <billing@example.invalid>",
		"Subject":          mime.QEncoding.Encode("utf-8", "SSN "+p.ssn+" call "+p.phone),
		"Date":             "Mon, 3 Mar 2025 09:14:00 -0500",
		"Message-ID":       "<" + p.email + ">",
		"Received":         "from mail.example.com (198.51.100.23) by mx.example.invalid",
		"X-Originating-IP": "[198.51.100.23]",
	},
		mimePart{map[string]string{"Content-Type": "text/plain; charset=utf-8", "Content-Transfer-Encoding": "base64"},
			b64("Hello, my name is " + p.name + ". My SSN is " + p.ssn + ", phone " + p.phone + ", email " + p.email + ".\r\nThe water bill doubled this month.\r\n")},
		mimePart{map[string]string{"Content-Type": "text/plain; charset=utf-8", "Content-Transfer-Encoding": "quoted-printable"},
			"Second note: my SSN is 512-44-=\r\n7301 again, about the water bill.\r\n"},
		mimePart{map[string]string{"Content-Type": "text/html; charset=iso-8859-1", "Content-Transfer-Encoding": "quoted-printable"},
			qp("<html><body><p>Reach me at <a href=\"mailto:" + p.email + "\">my address</a>.</p><p>SSN <b>512-44</b>-7301</p><p>Caf\xe9 meeting notes.</p></body></html>")},
		mimePart{map[string]string{"Content-Type": "text/plain; name=\"lease.txt\"", "Content-Disposition": "attachment; filename=\"lease.txt\"", "Content-Transfer-Encoding": "base64"},
			b64("Lease for unit 4. Tenant SSN " + p.ssn + ".\n")},
		mimePart{map[string]string{"Content-Type": "text/csv; name=\"payments.csv\"", "Content-Disposition": "attachment; filename=\"payments.csv\"", "Content-Transfer-Encoding": "base64"},
			b64("name,email,amount\n" + p.name + "," + p.email + ",42.00\n")},
		mimePart{map[string]string{"Content-Type": "message/rfc822"}, string(nested)},
		mimePart{map[string]string{"Content-Type": "image/gif; name=\"photo.gif\"", "Content-Disposition": "attachment; filename=\"photo.gif\"", "Content-Transfer-Encoding": "base64"},
			b64("GIF89a\x01\x00\x01\x00\x00\x00\x00;")},
	)
}

// decodeAll reads a message with the standard library (not enmime, which
// wrote it) and returns its decoded headers and every decoded part, nested
// messages included, as one text.
func decodeAll(t *testing.T, raw []byte, depth int) string {
	t.Helper()
	require.Less(t, depth, 10)
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err, "the release is a well-formed message")
	var out strings.Builder
	dec := new(mime.WordDecoder)
	var lines []string
	for k, vs := range msg.Header {
		for _, v := range vs {
			d, err := dec.DecodeHeader(v)
			require.NoError(t, err)
			lines = append(lines, k+": "+d+"\n")
		}
	}
	slices.Sort(lines)
	out.WriteString(strings.Join(lines, ""))
	body, err := io.ReadAll(msg.Body)
	require.NoError(t, err)
	decodeEntity(t, &out, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), body, depth)
	return out.String()
}

func decodeEntity(t *testing.T, out *strings.Builder, ctype, cte string, body []byte, depth int) {
	t.Helper()
	switch strings.ToLower(cte) {
	case "base64":
		d, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(body)))
		require.NoError(t, err)
		body = d
	case "quoted-printable":
		d, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		require.NoError(t, err)
		body = d
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if ctype == "" {
		mt, err = "text/plain", nil
	}
	require.NoError(t, err)
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			b, err := io.ReadAll(p)
			require.NoError(t, err)
			decodeEntity(t, out, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), b, depth+1)
		}
	case mt == "message/rfc822":
		out.WriteString(decodeAll(t, body, depth+1))
	default:
		out.Write(body)
		out.WriteByte('\n')
	}
}

func TestEmailDecodesEveryPart(t *testing.T) {
	rq := newTestRequest(t, nil)
	raw := complaintEmail(t, emailPII)
	res, err := rq.Document("complaint.eml", raw)
	require.NoError(t, err)
	assert.Equal(t, StatusRedacted, res.Status())
	assert.Equal(t, DocEmail, res.Format)

	// Independent leak check: the standard library decodes every header
	// and part of the release; no planted value survives in any form.
	decoded := decodeAll(t, res.Output, 0)
	piitest.AssertNoLeak(t, decoded, emailPII.canaries(t)...)
	piitest.AssertNoLeak(t, res.Output, emailPII.canaries(t)...)
	assert.NotContains(t, decoded, "198.51.100.23", "transport headers are dropped")
	assert.NotContains(t, decoded, "Message-Id", "Message-ID is dropped")

	// What is not personal data is released, decoded.
	for _, keep := range []string{"The water bill doubled this month.", "about the water bill", "Lease for unit 4.",
		"Café meeting notes.", "To: Utility Billing <", "for the autopay form", "42.00"} {
		assert.Contains(t, decoded, keep)
	}
	// The GIF cannot be reviewed: withheld, with a notice, never passed on.
	require.Len(t, res.Withheld, 1)
	assert.Equal(t, "attachment 3 (photo.gif)", res.Withheld[0].Part)
	assert.Contains(t, decoded, "[Withheld from this release: attachment 3 (photo.gif)")
	assert.NotContains(t, string(res.Output), base64.StdEncoding.EncodeToString([]byte("GIF89a")))

	// Every redaction is located in its part.
	parts := map[string]int{}
	for _, e := range res.Entries {
		parts[e.Part]++
		assert.NotEmpty(t, e.Part)
		assert.NotContains(t, e.Location(), "Ruiz", "locations hold no content")
	}
	for _, p := range []string{"header From", "header Subject", "body", "body part 2", "body part 3 (HTML as text)",
		"attachment 1 (lease.txt)", "attachment 2 (payments.csv)", "attached message 1 > header From", "attached message 1 > body"} {
		assert.Positive(t, parts[p], "a redaction in %s", p)
	}
	// The review text is the decoded text, not the encoded release.
	assert.Contains(t, string(res.view), "── header Subject ──")
	assert.Contains(t, string(res.view), "The water bill doubled")
}

func TestEmailIdempotent(t *testing.T) {
	rq := newTestRequest(t, nil)
	res, err := rq.Document("complaint.eml", complaintEmail(t, emailPII))
	require.NoError(t, err)
	again, err := rq.Document("complaint.eml", res.Output)
	require.NoError(t, err)
	assert.Empty(t, again.Entries, "a released message has nothing left to redact")
	assert.Equal(t, strings.Fields(decodeText(t, res.Output)), strings.Fields(decodeText(t, again.Output)))
}

// decodeText is decodeAll without the headers enmime regenerates
// (boundaries differ between runs).
func decodeText(t *testing.T, raw []byte) string {
	var keep []string
	for _, l := range strings.Split(decodeAll(t, raw, 0), "\n") {
		if !strings.HasPrefix(l, "Content-Type: multipart/") && !strings.HasPrefix(l, "Mime-Version") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func TestEmailCases(t *testing.T) {
	rq := newTestRequest(t, nil)
	cases := []struct {
		name, msg string
		gone      []string
		kept      []string
		withheld  int
		why       string
	}{
		{"single part base64", "Subject: note\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64("My SSN is 512-44-7301."),
			[]string{"512-44-7301"}, []string{"My SSN is"}, 0, "a base64 body is decoded before detection"},
		{"latin-1 body", "Subject: note\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nJos=E9 called from (617) 555-0143.",
			[]string{"555-0143", "José"}, []string{"called from"}, 0, "charsets are converted to UTF-8 (the name is found only once it is)"},
		{"no content type", "Subject: hi\r\n\r\nCall (617) 555-0143 today.",
			[]string{"555-0143"}, []string{"today"}, 0, "no Content-Type is text/plain"},
		{"encrypted", "Subject: x\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64("ciphertext 512-44-7301"),
			[]string{"512-44-7301", "Y2lwaGVydGV4dC"}, []string{"Withheld from this release"}, 1, "encrypted content is withheld"},
		{"signed", "Subject: x\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSSN 512-44-7301\r\n--b\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64("cert of ana.ruiz@example.com") + "--b--\r\n",
			[]string{"512-44-7301", "ana.ruiz", "Y2VydCBvZi"}, []string{"SSN [REDACTED"}, 1, "the signature (with its certificate) is withheld"},
		{"unknown attachment", "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"Ana Ruiz records.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64("binary 512-44-7301") + "--b--\r\n",
			[]string{"512-44-7301", "Ruiz", "YmluYXJ5"}, []string{"see attached", "Withheld from this release: attachment 1"}, 1, "an unknown attachment is withheld and its file name redacted"},
		{"html attachment", "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename=page.html\r\n\r\n<p>Email <a href=\"mailto:ana.ruiz@example.com\">me</a> or call (617) 555-0143</p>\r\n--b--\r\n",
			[]string{"ana.ruiz", "555-0143"}, []string{"Email", "or call"}, 0, "an HTML attachment is released as its text"},
		{"uuencode text part", "Subject: x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 600 note.txt\r\nM4U-.(#4Q,BTT-\"TW,S`Q\r\nend\r\n",
			[]string{"begin 600", "M4U-"}, []string{"Withheld from this release: body: unsupported format (transfer encoding x-uuencode)"}, 1, "a text part in an encoding nobody decoded is withheld, not released encoded"},
		{"misspelt 8bit", "Subject: x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bits\r\n\r\nCall (617) 555-0143 today.\r\n",
			[]string{"555-0143"}, []string{"today"}, 0, "8bits is 8bit"},
		{"uuencode", "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/msword; name=a.doc\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 600 a.doc\r\nM4U-.(#4Q,BTT-\"TW,S`Q\r\nend\r\n--b--\r\n",
			[]string{"begin 600", "M4U-"}, []string{"Withheld"}, 1, "an encoding we do not decode is withheld, never passed through"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := rq.Document("m.eml", []byte(c.msg))
			require.NoError(t, err, c.why)
			text := decodeAll(t, res.Output, 0)
			for _, g := range c.gone {
				assert.NotContains(t, text, g, c.why)
				assert.NotContains(t, string(res.Output), g, c.why)
			}
			for _, k := range c.kept {
				assert.Contains(t, text, k, c.why)
			}
			assert.Len(t, res.Withheld, c.withheld, c.why)
		})
	}
}

func TestEmailMalformed(t *testing.T) {
	rq := newTestRequest(t, nil)
	for _, raw := range []string{"", "\x00\x01\x02", "Content-Type: multipart/mixed; boundary=\"\r\n\r\n--\r\n"} {
		res, err := rq.Document("bad.eml", []byte(raw))
		if err != nil {
			st, _ := StatusFor(err)
			assert.NotEqual(t, StatusRedacted, st)
			continue
		}
		_ = decodeAll(t, res.Output, 0)
	}
}

func TestMbox(t *testing.T) {
	rq := newTestRequest(t, nil)
	m1 := "From ana.ruiz@example.com Mon Mar  3 09:14:00 2025\nSubject: one\n\nMy SSN is 512-44-7301.\n>From the desk of the clerk.\n\n"
	m2 := "From someone@example.com Tue Mar  4 10:00:00 2025\nSubject: two\n\nCall (617) 555-0143.\n"
	res, err := rq.Document("box.mbox", []byte(m1+m2))
	require.NoError(t, err)
	out := string(res.Output)
	assert.Equal(t, 2, strings.Count(out, "From MAILER-DAEMON "), "one separator per message")
	assert.NotContains(t, out, "ana.ruiz@example.com", "the separator line names the sender: replaced")
	assert.NotContains(t, out, "512-44-7301")
	assert.NotContains(t, out, "555-0143")
	assert.Contains(t, out, ">From the desk", "a body line starting with From stays quoted")
	parts := map[string]bool{}
	for _, e := range res.Entries {
		parts[e.Part] = true
	}
	assert.True(t, parts["message 1 > body"])
	assert.True(t, parts["message 2 > body"])
	// The release splits into the same two messages.
	msgs := splitMbox(res.Output)
	require.Len(t, msgs, 2)
	for _, m := range msgs {
		_, err := mail.ReadMessage(bytes.NewReader(m))
		assert.NoError(t, err)
	}
	_, err = rq.Document("junk.mbox", []byte("not a mailbox\n"))
	assert.ErrorIs(t, err, ErrDocument)
}

// realDocs returns the folder of real-world documents shared beside the
// repository, or skips the test.
func realDocs(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", "real-docs", sub)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("PRIVACY_TEST_REQUIRE_SHARED") != "" {
			t.Fatalf("%s is required (PRIVACY_TEST_REQUIRE_SHARED) but missing", dir)
		}
		t.Skipf("real-world documents not found at %s (they live in ../shared beside the repository)", dir)
	}
	return dir
}

func TestRealEmails(t *testing.T) {
	dir := realDocs(t, "eml")
	rq := newTestRequest(t, nil)
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, ents)
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		res, err := rq.Document(e.Name(), data)
		if err != nil {
			st, reason := StatusFor(err)
			t.Logf("%s: %s: %s", e.Name(), st, reason)
			assert.NotEqual(t, StatusRedacted, st)
			continue
		}
		// The release is well formed and every address in it is gone.
		text := decodeAll(t, res.Output, 0)
		assert.NotRegexp(t, `[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}`, text, "%s: an e-mail address survived", e.Name())
		t.Logf("%s: %s, %d redactions, %d parts withheld", e.Name(), res.Status(), len(res.Entries), len(res.Withheld))
	}
}
