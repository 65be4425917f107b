package records

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/civickit/privacy/redact/piitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func u16(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u)+2)
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// fixedProps builds a __properties_version1.0 stream: a header of head
// bytes, then one 16-byte entry per property.
func fixedProps(head int, props map[uint32]uint64) []byte {
	b := make([]byte, head, head+16*len(props))
	for tag, v := range props {
		e := make([]byte, 16)
		binary.LittleEndian.PutUint32(e, tag)
		binary.LittleEndian.PutUint32(e[4:], 6)
		binary.LittleEndian.PutUint64(e[8:], v)
		b = append(b, e...)
	}
	return b
}

func toFiletime(t time.Time) uint64 {
	return uint64(t.UnixNano()/100) + 116444736000000000
}

// outlookMessage builds an Outlook .msg with a sender, a recipient, a
// text body, transport headers, a large text attachment (regular sectors),
// an attached message and a GIF.
func outlookMessage(p planted) []byte {
	const root = "__substg1.0_"
	att0 := "__attach_version1.0_#00000000/"
	att1 := "__attach_version1.0_#00000001/"
	att2 := "__attach_version1.0_#00000002/"
	emb := att1 + "__substg1.0_3701000D/"
	rcp := "__recip_version1.0_#00000000/"
	lease := "Lease for unit 4. Tenant SSN " + p.ssn + ".\n" + strings.Repeat("The tenant keeps the yard tidy.\n", 200)
	return writeCFB(map[string][]byte{
		root + "0037001F":                          u16("Water bill: SSN " + p.ssn),
		root + "0C1A001F":                          u16(p.name),
		root + "0C1F001F":                          u16(p.email),
		root + "1000001F":                          u16("Hello, my name is " + p.name + ". Call me at " + p.phone + ".\r\nThe water bill doubled.\r\n"),
		root + "007D001F":                          u16("Received: from mx.example.com (198.51.100.23)\r\nX-Sender: " + p.email + "\r\n"),
		"__properties_version1.0":                  fixedProps(32, map[uint32]uint64{0x00390040: toFiletime(time.Date(2025, 3, 3, 14, 14, 0, 0, time.UTC))}),
		rcp + root + "3001001F":                    u16("Utility Billing"),
		rcp + root + "39FE001F":                    u16("billing@example.invalid"),
		rcp + "__properties_version1.0":            fixedProps(8, map[uint32]uint64{0x0C150003: 1}),
		att0 + root + "3707001F":                   u16("lease.txt"),
		att0 + root + "370E001F":                   u16("text/plain"),
		att0 + root + "37010102":                   []byte(lease),
		att0 + "__properties_version1.0":           fixedProps(8, map[uint32]uint64{0x37050003: 1}),
		att1 + "__properties_version1.0":           fixedProps(8, map[uint32]uint64{0x37050003: 5}),
		emb + root + "0037001F":                    u16("Fwd: card"),
		emb + root + "1000001F":                    u16("My card is " + p.card + " for autopay."),
		emb + "__properties_version1.0":            fixedProps(24, nil),
		att2 + root + "3707001F":                   u16("photo.gif"),
		att2 + root + "37010102":                   []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"__nameid_version1.0/__substg1.0_00020102": []byte(p.email),
	})
}

func TestOutlookMessage(t *testing.T) {
	rq := newTestRequest(t, nil)
	data := outlookMessage(emailPII)
	f, ok := DetectFormat("complaint.msg", data)
	require.True(t, ok)
	require.Equal(t, DocMSG, f)
	res, err := rq.Document("complaint.msg", data)
	require.NoError(t, err)
	assert.Equal(t, ".eml", res.ReleaseExt, "an Outlook message is released as e-mail")
	decoded := decodeAll(t, res.Output, 0)
	piitest.AssertNoLeak(t, decoded, emailPII.canaries(t)...)
	piitest.AssertNoLeak(t, res.Output, emailPII.canaries(t)...)
	assert.NotContains(t, decoded, "198.51.100.23", "transport headers are not carried over")
	for _, keep := range []string{"The water bill doubled.", "Lease for unit 4.", "The tenant keeps the yard tidy.",
		"Subject: Water bill: SSN [REDACTED", "Date: Mon, 03 Mar 2025 14:14:00 +0000", "for autopay", "Subject: Fwd: card"} {
		assert.Contains(t, decoded, keep)
	}
	require.Len(t, res.Withheld, 1)
	assert.Equal(t, "attachment 2 (photo.gif)", res.Withheld[0].Part)
	parts := map[string]bool{}
	for _, e := range res.Entries {
		parts[e.Part] = true
	}
	for _, p := range []string{"header From", "header Subject", "body", "attachment 1 (lease.txt)", "attached message 1 > body"} {
		assert.True(t, parts[p], "a redaction in %s", p)
	}
}

func TestOutlookMessageMalformed(t *testing.T) {
	rq := newTestRequest(t, nil)
	good := outlookMessage(emailPII)
	for _, c := range []struct {
		data []byte
		why  string
	}{
		{[]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "a header alone"},
		{good[:1024], "truncated"},
		{append(append([]byte{}, good[:600]...), make([]byte, 2000)...), "zeroed sectors"},
	} {
		_, err := rq.Document("bad.msg", c.data)
		require.Error(t, err, c.why)
		st, reason := StatusFor(err)
		assert.NotEqual(t, StatusRedacted, st, c.why)
		assert.NotContains(t, reason, "example.com", c.why)
	}
}

// FuzzMSG feeds damaged compound files to the .msg reader: it must never
// panic or hang. Run it with -fuzzminimizetime 5x: minimising inputs of
// this reader under the default time budget stalls the fuzzer.
func FuzzMSG(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, and that is slow
	// on large ones.
	f.Add(writeCFB(map[string][]byte{
		"__substg1.0_0037001F":                                                    u16("SSN 512-44-7301"),
		"__substg1.0_1000001F":                                                    u16("Call (617) 555-0143."),
		"__properties_version1.0":                                                 fixedProps(32, map[uint32]uint64{0x00390040: 1 << 60}),
		"__recip_version1.0_#00000000/__substg1.0_39FE001F":                       u16("ana.ruiz@example.com"),
		"__attach_version1.0_#00000000/__substg1.0_3707001F":                      u16("a.txt"),
		"__attach_version1.0_#00000000/__substg1.0_37010102":                      []byte("SSN 512-44-7301"),
		"__attach_version1.0_#00000001/__substg1.0_3701000D/__substg1.0_1000001F": u16("hi"),
	}))
	f.Add(writeCFB(map[string][]byte{"__substg1.0_1000001F": u16("hi")}))
	rq, err := NewRequest(recordsKey(f), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = rq.Redact("f.msg", DocMSG, data)
	})
}
