package records

import (
	"bytes"
	"testing"

	"github.com/jhillyerd/enmime/v2"
)

// FuzzEmail feeds arbitrary messages to the e-mail reader: it must never
// panic or hang, and a release must be a message that parses again.
func FuzzEmail(f *testing.F) {
	f.Add([]byte("Subject: hi\r\n\r\nCall (617) 555-0143."))
	f.Add([]byte("Subject: x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nTXkgU1NOIGlzIDUxMi00N"))
	f.Add([]byte("Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: y\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\nSSN 512-44-7301\r\n--c--\r\n--b--\r\n"))
	f.Add([]byte("From: =?UTF-8?B?QW5hIFJ1aXo=?= <ana.ruiz@example.com>\r\nSubject: =?UTF-8?Q?SSN_512-44-7301?=\r\n\r\nbody"))
	rq, err := NewRequest(recordsKey(f), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := rq.Redact("f.eml", DocEmail, data)
		if err != nil {
			return
		}
		if _, err := enmime.ReadParts(bytes.NewReader(res.Output)); err != nil {
			t.Fatalf("the release does not parse: %v", err)
		}
	})
}

// FuzzMbox splits arbitrary mailboxes.
func FuzzMbox(f *testing.F) {
	f.Add([]byte("From a@example.com Mon Mar  3 09:14:00 2025\nSubject: one\n\n>From x\n\nFrom b Tue\n\nhi\n"))
	f.Add([]byte("From \n"))
	rq, err := NewRequest(recordsKey(f), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = rq.Redact("f.mbox", DocMbox, data)
		msgs := splitMbox(data)
		for _, m := range msgs {
			if len(m) > len(data) {
				t.Fatal("a message longer than its mailbox")
			}
		}
	})
}
