package records

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/jhillyerd/enmime/v2"
	"github.com/richardlehane/mscfb"
)

// Outlook messages (.msg).
//
// A .msg file is a compound file (read with github.com/richardlehane/mscfb)
// holding MAPI properties as streams: subject, sender, recipients, the
// body as text, HTML or compressed RTF, and attachments, which may be
// messages in their turn. The reader turns the properties a reader of the
// message needs into a MIME message and redacts that as an e-mail, so
// every rule of e-mail applies (attachments recursed into, what cannot be
// reviewed withheld). The release is that redacted message, a .eml file:
// Result.ReleaseExt says so. Everything else in the file (transport
// headers, named properties, conversation indexes, the RTF body when a
// text or HTML body exists) is not carried over, so it needs no review.
// A message with an RTF body only has that body withheld.

// msgMaxStreams bounds the streams read from one file.
const msgMaxStreams = 1 << 14

// msgObj is one message, recipient or attachment: its string and binary
// properties by tag ("0037" subject), its fixed-size properties by tag and
// its child objects.
type msgObj struct {
	str     map[string]string
	bin     map[string][]byte
	fixed   map[string]uint64
	recips  []*msgObj
	attachs []*msgObj
	embed   *msgObj // an attached message
}

// redactMSG redacts an Outlook message and releases it as e-mail.
func (rq *Request) redactMSG(res *Result, part string, data []byte) ([]byte, error) {
	bad := func(what string) error {
		return &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: %s", ErrDocument, what)}
	}
	root, err := readMSG(data)
	if err != nil {
		return nil, bad(err.Error())
	}
	eml, err := root.mime(res, part)
	if err != nil {
		return nil, bad("converting the message: " + err.Error())
	}
	out, err := rq.redactEmail(res, part, eml)
	if err != nil {
		return nil, err
	}
	if part == "" {
		res.ReleaseExt = ".eml"
	}
	return out, nil
}

// readMSG reads a compound file into its message tree.
func readMSG(data []byte) (root *msgObj, err error) {
	defer func() {
		if r := recover(); r != nil { // a malformed compound file must never take the process down
			root, err = nil, fmt.Errorf("malformed compound file")
		}
	}()
	r, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a compound file")
	}
	objs := map[string]*msgObj{"": newMsgObj()}
	var total int64
	n := 0
	for f, err := r.Next(); err == nil; f, err = r.Next() {
		if n++; n > msgMaxStreams {
			return nil, fmt.Errorf("too many entries")
		}
		if f.Size < 0 || f.Size > int64(len(data))*2+1<<20 {
			return nil, fmt.Errorf("entry larger than the file")
		}
		if total += f.Size; total > int64(len(data))*4+1<<20 {
			return nil, fmt.Errorf("entries larger than the file")
		}
		obj := objFor(objs, f.Path)
		if obj == nil || !strings.HasPrefix(f.Name, "__") {
			continue
		}
		if strings.HasPrefix(f.Name, "__recip_version1.0_") || strings.HasPrefix(f.Name, "__attach_version1.0_") ||
			strings.HasPrefix(f.Name, "__substg1.0_3701000D") || strings.HasPrefix(f.Name, "__nameid_version1.0") {
			objFor(objs, append(append([]string(nil), f.Path...), f.Name))
			continue
		}
		buf := make([]byte, f.Size)
		if _, err := io.ReadFull(f, buf); err != nil {
			return nil, fmt.Errorf("unreadable stream")
		}
		switch {
		case f.Name == "__properties_version1.0":
			obj.readFixed(buf, f.Path)
		case strings.HasPrefix(f.Name, "__substg1.0_") && len(f.Name) == 20:
			tag, typ := f.Name[12:16], f.Name[16:20]
			switch typ {
			case "001F":
				obj.str[tag] = utf16String(buf)
			case "001E":
				if _, ok := obj.str[tag]; !ok {
					obj.str[tag] = validText(strings.TrimRight(string(buf), "\x00"))
				}
			case "0102":
				obj.bin[tag] = buf
			}
		}
	}
	return objs[""], nil
}

func newMsgObj() *msgObj {
	return &msgObj{str: map[string]string{}, bin: map[string][]byte{}, fixed: map[string]uint64{}}
}

// objFor returns the object of a storage path, creating it (and linking
// it to its parent) on first sight; nil for storages that are not
// objects (the named-property map).
func objFor(objs map[string]*msgObj, path []string) *msgObj {
	key := strings.Join(path, "/")
	if o, ok := objs[key]; ok {
		return o
	}
	if len(path) == 0 {
		return objs[""]
	}
	parent := objFor(objs, path[:len(path)-1])
	name := path[len(path)-1]
	if parent == nil || strings.HasPrefix(name, "__nameid_version1.0") {
		objs[key] = nil
		return nil
	}
	o := newMsgObj()
	switch {
	case strings.HasPrefix(name, "__recip_version1.0_"):
		parent.recips = append(parent.recips, o)
	case strings.HasPrefix(name, "__attach_version1.0_"):
		parent.attachs = append(parent.attachs, o)
	case strings.HasPrefix(name, "__substg1.0_3701000D"):
		parent.embed = o
	default:
		objs[key] = nil
		return nil
	}
	objs[key] = o
	return o
}

// readFixed reads the fixed-size properties stream: a header (32 bytes
// for the top-level message, 24 for an attached one, 8 for recipients and
// attachments), then 16-byte entries of tag, flags and value.
func (o *msgObj) readFixed(b []byte, path []string) {
	head := 8
	switch {
	case len(path) == 0:
		head = 32
	case strings.HasPrefix(path[len(path)-1], "__substg1.0_3701000D"):
		head = 24
	}
	for i := head; i+16 <= len(b); i += 16 {
		tag := binary.LittleEndian.Uint32(b[i:])
		o.fixed[fmt.Sprintf("%04X%04X", tag>>16, tag&0xffff)] = binary.LittleEndian.Uint64(b[i+8:])
	}
}

// utf16String decodes a little-endian UTF-16 string property.
func utf16String(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	s := string(utf16.Decode(u))
	return strings.TrimRight(s, "\x00")
}

// filetime converts a FILETIME (100 ns since 1601) to a time.
func filetime(v uint64) (time.Time, bool) {
	if v == 0 {
		return time.Time{}, false
	}
	const epochDiff = 116444736000000000 // 1601 to 1970 in 100 ns
	if v < epochDiff {
		return time.Time{}, false
	}
	return time.Unix(0, int64((v-epochDiff)*100)).UTC(), true
}

// mime converts the message to a MIME message (not yet redacted). A body
// that cannot be converted (RTF only) is recorded as withheld.
func (o *msgObj) mime(res *Result, part string) ([]byte, error) {
	p, err := o.mimePart(res, part, 0)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := p.Encode(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// address formats a name and address for a header.
func address(name, addr string) string {
	name = strings.TrimSpace(name)
	addr = strings.TrimSpace(addr)
	switch {
	case addr == "" || !strings.Contains(addr, "@"):
		return name
	case name == "" || name == addr:
		return "<" + addr + ">"
	}
	return strconv.Quote(name) + " <" + addr + ">"
}

func (o *msgObj) mimePart(res *Result, part string, depth int) (*enmime.Part, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("attached messages nested too deeply")
	}
	root := enmime.NewPart("multipart/mixed")
	root.Header = map[string][]string{}
	h := root.Header
	if t, ok := filetime(o.fixed["00390040"]); ok { // PR_CLIENT_SUBMIT_TIME
		h.Set("Date", t.Format(time.RFC1123Z))
	} else if t, ok := filetime(o.fixed["0E060040"]); ok { // PR_MESSAGE_DELIVERY_TIME
		h.Set("Date", t.Format(time.RFC1123Z))
	}
	senderAddr := o.str["5D01"] // PR_SENDER_SMTP_ADDRESS
	if senderAddr == "" {
		senderAddr = o.str["0C1F"] // PR_SENDER_EMAIL_ADDRESS
	}
	if from := address(o.str["0C1A"], senderAddr); from != "" {
		h.Set("From", from)
	}
	byType := map[uint64][]string{}
	for _, r := range o.recips {
		addr := r.str["39FE"] // PR_SMTP_ADDRESS
		if addr == "" {
			addr = r.str["3003"] // PR_EMAIL_ADDRESS
		}
		if a := address(r.str["3001"], addr); a != "" {
			t := r.fixed["0C150003"] // PR_RECIPIENT_TYPE: 1 To, 2 Cc, 3 Bcc
			byType[t] = append(byType[t], a)
		}
	}
	to := append(byType[1], byType[0]...)
	if len(to) == 0 && o.str["0E04"] != "" {
		to = []string{o.str["0E04"]} // PR_DISPLAY_TO
	}
	if len(to) > 0 {
		h.Set("To", strings.Join(to, ", "))
	}
	if cc := byType[2]; len(cc) > 0 {
		h.Set("Cc", strings.Join(cc, ", "))
	} else if o.str["0E03"] != "" {
		h.Set("Cc", o.str["0E03"])
	}
	if s := o.str["0037"]; s != "" {
		h.Set("Subject", s)
	}
	// The body: text, else HTML, else (RTF only) withheld.
	switch {
	case o.str["1000"] != "":
		body := enmime.NewPart("text/plain")
		body.Charset = "utf-8"
		body.Content = []byte(o.str["1000"])
		root.AddChild(body)
	case len(o.bin["1013"]) > 0 || o.str["1013"] != "":
		html := o.bin["1013"]
		if len(html) == 0 {
			html = []byte(o.str["1013"])
		}
		body := enmime.NewPart("text/html")
		body.Charset = "utf-8"
		body.Content = []byte(validText(string(html)))
		root.AddChild(body)
	case len(o.bin["1009"]) > 0:
		res.withholdPart(joinPart(part, "body"), ReasonUnsupported, "compressed RTF body")
	}
	for i, a := range o.attachs {
		if a.embed != nil && a.fixed["37050003"] != 6 { // PR_ATTACH_METHOD 6 is an OLE object, not a message
			sub, err := a.embed.mimePart(res, joinPart(part, "attached message "+strconv.Itoa(i+1)), depth+1)
			if err != nil {
				return nil, err
			}
			var b bytes.Buffer
			if err := sub.Encode(&b); err != nil {
				return nil, err
			}
			p := enmime.NewPart("message/rfc822")
			p.Content = b.Bytes()
			root.AddChild(p)
			continue
		}
		name := a.str["3707"] // PR_ATTACH_LONG_FILENAME
		if name == "" {
			name = a.str["3704"] // PR_ATTACH_FILENAME
		}
		if name == "" {
			name = a.str["3001"] // PR_DISPLAY_NAME
		}
		ct := a.str["370E"] // PR_ATTACH_MIME_TAG
		if ct == "" || !strings.Contains(ct, "/") {
			ct = "application/octet-stream"
		}
		p := enmime.NewPart(ct)
		p.Disposition = "attachment"
		p.FileName = strings.ToValidUTF8(name, "_")
		p.Content = a.bin["3701"] // PR_ATTACH_DATA_BIN; absent for OLE objects and links
		if len(p.Content) == 0 {
			p.ContentType = "application/octet-stream"
			p.Content = []byte{0} // an attachment we cannot read is withheld, not dropped
		}
		root.AddChild(p)
	}
	if root.FirstChild == nil {
		body := enmime.NewPart("text/plain")
		body.Charset = "utf-8"
		body.Content = []byte("\r\n")
		root.AddChild(body)
	}
	return root, nil
}
