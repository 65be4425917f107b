package records

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
	"golang.org/x/text/encoding/charmap"
)

// E-mail (.eml) and mailbox (.mbox) documents.
//
// A message is parsed with enmime, which is tolerant of real Outlook and
// Gmail exports (bad boundaries, wrong charsets, broken encodings) and
// decodes every part: base64 and quoted-printable bodies, charsets, RFC
// 2047 headers and RFC 2231 file names. The release is a new message built
// from what was reviewed, never the original bytes:
//
//   - the headers a reader needs (From, To, Cc, Reply-To, Sender, Date,
//     Subject), decoded and redacted; every other header (Received,
//     DKIM-Signature, Message-ID, X-...) is dropped, since it carries
//     addresses and host names nobody reviews;
//   - text parts decoded to UTF-8 and redacted; HTML parts converted to text
//     and redacted (PII hides in markup: mailto links, attributes, text
//     split across tags), released as text/plain;
//   - attached messages (message/rfc822) redacted recursively;
//   - attachments redacted by their own format (Office, PDF, CSV, text,
//     images by OCR); an attachment that cannot be processed is withheld:
//     a short text notice takes its place and the log lists it;
//   - signed messages lose their signature (the content changed, and the
//     certificate names its owner); encrypted parts are withheld.

// emailKeep lists the headers a release keeps, in the order written.
var emailKeep = []string{"Date", "From", "Sender", "Reply-To", "To", "Cc", "Subject"}

// emailCtx carries the counters of one message.
type emailCtx struct {
	rq    *Request
	res   *Result
	base  string // the message's location
	attN  int    // attachments seen
	msgN  int    // attached messages seen
	textN int    // text parts seen
}

// emailParser trusts declared charsets: enmime's statistical charset
// detection costs 30 times the rest of the work. Text that is still not
// UTF-8 (an undeclared 8-bit charset) is read as Windows-1252, the usual
// culprit, so that no byte is dropped from review.
var emailParser = enmime.NewParser(enmime.MaxStoredPartErrors(16), enmime.DisableCharacterDetection(true))

// redactEmail redacts one MIME message.
func (rq *Request) redactEmail(res *Result, part string, data []byte) ([]byte, error) {
	root, err := emailParser.ReadParts(bytes.NewReader(data))
	if err != nil {
		return nil, &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: unreadable MIME message", ErrDocument)}
	}
	c := &emailCtx{rq: rq, res: res, base: part}
	out := enmime.NewPart("")
	out.Header = map[string][]string{}
	c.headers(root, out)
	out.Header.Set("MIME-Version", "1.0")
	body := c.walk(root)
	// The root carries both the message headers and the body's type.
	out.ContentType = body.ContentType
	out.ContentTypeParams = body.ContentTypeParams
	out.Charset = body.Charset
	out.Content = body.Content
	out.FirstChild = body.FirstChild
	for ch := out.FirstChild; ch != nil; ch = ch.NextSibling {
		ch.Parent = out
	}
	out.Disposition, out.FileName = body.Disposition, body.FileName
	var b bytes.Buffer
	if err := out.Encode(&b); err != nil {
		return nil, &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: writing the released message: %v", ErrDocument, err)}
	}
	return b.Bytes(), nil
}

// headers copies the kept headers of src to dst, decoded and redacted.
func (c *emailCtx) headers(src, dst *enmime.Part) {
	for _, k := range emailKeep {
		for _, v := range src.Header.Values(k) {
			v = strings.Join(strings.Fields(enmime.DecodeRFC2047(v)), " ")
			if v == "" {
				continue
			}
			dst.Header.Add(k, c.rq.redactString(c.res, joinPart(c.base, "header "+k), "", v))
		}
	}
}

// loc returns the location of a part of this message.
func (c *emailCtx) loc(p string) string { return joinPart(c.base, p) }

// walk returns the release of one part and its children.
func (c *emailCtx) walk(p *enmime.Part) *enmime.Part {
	ct := strings.ToLower(p.ContentType)
	if p.FirstChild != nil || strings.HasPrefix(ct, "multipart/") {
		return c.multipart(p, ct)
	}
	disp := strings.ToLower(p.Disposition)
	attached := disp == "attachment" || p.FileName != ""
	if cte := transferEncoding(p); cte != "" {
		// An encoding nobody decoded (x-uuencode, ...): the content is
		// still encoded, so detection cannot read it. Withheld.
		return c.withhold(c.nextPart(p, attached), ReasonUnsupported, "transfer encoding "+cte)
	}
	for _, e := range p.Errors {
		if e.Severe { // part of the content was lost while decoding
			return c.withhold(c.nextPart(p, attached), ReasonUnreadable, strings.ToLower(e.Name))
		}
	}
	switch {
	case ct == "message/rfc822" || ct == "message/global":
		return c.message(p)
	case !attached && (ct == "" || ct == "text/plain" || ct == "message/delivery-status" ||
		ct == "text/rfc822-headers" || ct == "message/disposition-notification"):
		return c.text(p, string(p.Content), "")
	case !attached && (ct == "text/html" || ct == "text/watch-html" || ct == "application/xhtml+xml"):
		txt, err := htmlText(p.Content)
		if err != nil {
			return c.withhold(c.nextText(), ReasonUnreadable, "HTML")
		}
		return c.text(p, txt, " (HTML as text)")
	case !attached && strings.HasPrefix(ct, "text/") && ct != "text/csv":
		return c.text(p, string(p.Content), "")
	case strings.HasPrefix(ct, "application/pkcs7-signature") || strings.HasPrefix(ct, "application/x-pkcs7-signature") ||
		ct == "application/pgp-signature":
		c.attN++
		loc := c.loc("attachment " + strconv.Itoa(c.attN) + " (signature)")
		c.res.withholdPart(loc, ReasonUnsupported, "signature, invalid once redacted")
		return notice(loc, ReasonUnsupported, "signature")
	case strings.HasPrefix(ct, "application/pkcs7-mime") || strings.HasPrefix(ct, "application/x-pkcs7-mime") ||
		ct == "application/pgp-encrypted":
		return c.withhold(c.nextAttachment(p), ReasonEncrypted, ct)
	}
	return c.attachment(p, ct)
}

func (c *emailCtx) nextText() string {
	c.textN++
	if c.textN == 1 {
		return c.loc("body")
	}
	return c.loc("body part " + strconv.Itoa(c.textN))
}

// nextPart names the next attachment, or the next text part.
func (c *emailCtx) nextPart(p *enmime.Part, attached bool) string {
	if attached {
		return c.nextAttachment(p)
	}
	return c.nextText()
}

// nextAttachment names the next attachment, its file name redacted.
func (c *emailCtx) nextAttachment(p *enmime.Part) string {
	loc, _ := c.nextAttachmentName(p)
	return loc
}

// nextAttachmentName is nextAttachment that also returns the redacted
// file name, so that it is redacted once.
func (c *emailCtx) nextAttachmentName(p *enmime.Part) (loc, name string) {
	c.attN++
	name = c.fileName(p)
	if name == "" {
		return c.loc("attachment " + strconv.Itoa(c.attN)), ""
	}
	return c.loc("attachment " + strconv.Itoa(c.attN) + " (" + name + ")"), name
}

// fileName returns p's file name redacted (a file is often named after
// its subject: "Ana Ruiz lease.docx").
func (c *emailCtx) fileName(p *enmime.Part) string {
	name := strings.TrimSpace(p.FileName)
	if name == "" {
		return ""
	}
	if len(name) > 200 {
		name = name[:200]
	}
	probe := &Result{Document: c.res.Document, hashes: c.res.hashes}
	return c.rq.redactString(probe, "", "", name)
}

// text releases a text part as UTF-8 text/plain.
func (c *emailCtx) text(p *enmime.Part, text, suffix string) *enmime.Part {
	loc := c.nextText() + suffix
	out := enmime.NewPart("text/plain")
	out.Charset = "utf-8"
	red := c.rq.redactString(c.res, loc, "", validText(text))
	out.Content = []byte(crlf(red))
	return out
}

// multipart releases a multipart part with each child released.
func (c *emailCtx) multipart(p *enmime.Part, ct string) *enmime.Part {
	switch ct {
	case "multipart/signed":
		ct = "multipart/mixed" // the signature is withheld below
	case "multipart/encrypted":
		return c.withhold(c.nextAttachment(p), ReasonEncrypted, ct)
	case "":
		ct = "multipart/mixed"
	}
	out := enmime.NewPart(ct)
	if t := p.ContentTypeParams["type"]; t != "" && ct == "multipart/related" {
		out.ContentTypeParams = map[string]string{"type": t}
	}
	for ch := p.FirstChild; ch != nil; ch = ch.NextSibling {
		out.AddChild(c.walk(ch))
	}
	if out.FirstChild == nil {
		out = enmime.NewPart("text/plain")
		out.Charset = "utf-8"
		out.Content = []byte("\n")
	}
	return out
}

// message releases an attached message, redacted as a message of its own.
func (c *emailCtx) message(p *enmime.Part) *enmime.Part {
	c.msgN++
	loc := c.loc("attached message " + strconv.Itoa(c.msgN))
	rel, err := c.rq.redactAs(c.res, loc, DocEmail, p.Content)
	if err != nil {
		return c.failPart(loc, err)
	}
	out := enmime.NewPart("message/rfc822")
	out.Content = rel
	return out
}

// attachment releases an attachment redacted by its own format, or a
// notice when it cannot be.
func (c *emailCtx) attachment(p *enmime.Part, ct string) *enmime.Part {
	loc, redactedName := c.nextAttachmentName(p)
	name := p.FileName
	f, ok := DetectFormat(name, p.Content)
	if !ok {
		switch ct {
		case "text/csv":
			f, ok = DocCSV, !looksBinary(p.Content)
		case "application/json":
			f, ok = DocJSON, !looksBinary(p.Content)
		case "text/plain":
			f, ok = DocText, !looksBinary(p.Content)
		case "text/html", "application/xhtml+xml":
			f, ok = DocHTML, !looksBinary(p.Content)
		}
	}
	if !ok {
		detail := ct
		if detail == "" {
			detail = "unknown type"
		}
		return c.withhold(loc, ReasonUnsupported, detail)
	}
	rel, err := c.rq.redactAs(c.res, loc, f, p.Content)
	if err != nil {
		return c.failPart(loc, err)
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	out := enmime.NewPart(ct)
	out.Disposition = "attachment"
	if p.Disposition != "" && strings.ToLower(p.Disposition) == "inline" {
		out.Disposition = "inline"
	}
	out.FileName = redactedName
	if f == DocMSG { // released as e-mail
		out.ContentType = "message/rfc822"
		out.FileName += ".eml"
	}
	out.ContentID = ""
	if p.ContentID != "" && !c.rq.red.Contains(p.ContentID) {
		out.ContentID = p.ContentID // keeps inline images linked to HTML
	}
	switch f {
	case DocText, DocCSV, DocJSON, DocJSONL, DocHTML:
		out.Charset = "utf-8"
	}
	out.Content = rel
	return out
}

// failPart withholds a part whose own format failed or withheld it.
func (c *emailCtx) failPart(loc string, err error) *enmime.Part {
	var we *WithheldError
	if errors.As(err, &we) {
		return c.withhold(loc, we.Reason, we.Detail)
	}
	return c.withhold(loc, ReasonUnreadable, "malformed")
}

// withhold records a withheld part and returns the notice released in its
// place.
func (c *emailCtx) withhold(loc string, r Reason, detail string) *enmime.Part {
	c.res.withholdPart(loc, r, detail)
	return notice(loc, r, detail)
}

// notice is the text part released in place of a withheld one.
func notice(loc string, r Reason, detail string) *enmime.Part {
	e := WithheldError{Reason: r, Detail: detail}
	out := enmime.NewPart("text/plain")
	out.Charset = "utf-8"
	out.Content = []byte("[Withheld from this release: " + loc + ": " + e.text() + "]\r\n")
	return out
}

// mboxEpoch is the date on every released mbox separator line: the
// original line names the sender.
var mboxEpoch = time.Unix(0, 0).UTC().Format("Mon Jan _2 15:04:05 2006")

// redactMbox redacts a mailbox: messages separated by "From " lines
// (mboxo or mboxrd quoting). Each message is redacted as an e-mail; one
// that cannot be read is withheld and listed, the others are released.
func (rq *Request) redactMbox(res *Result, part string, data []byte) ([]byte, error) {
	msgs := splitMbox(data)
	if len(msgs) == 0 && len(bytes.TrimSpace(data)) > 0 {
		return nil, &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: no \"From \" line starts a message", ErrDocument)}
	}
	var out bytes.Buffer
	for i, m := range msgs {
		loc := joinPart(part, "message "+strconv.Itoa(i+1))
		rel, err := rq.redactAs(res, loc, DocEmail, m)
		if err != nil {
			var we *WithheldError
			if errors.As(err, &we) {
				res.withholdPart(loc, we.Reason, we.Detail)
			} else {
				res.withholdPart(loc, ReasonUnreadable, "malformed")
			}
			continue
		}
		out.WriteString("From MAILER-DAEMON " + mboxEpoch + "\n")
		rel = bytes.ReplaceAll(rel, []byte("\r\n"), []byte("\n"))
		for len(rel) > 0 {
			line := rel
			if j := bytes.IndexByte(rel, '\n'); j >= 0 {
				line, rel = rel[:j+1], rel[j+1:]
			} else {
				rel = nil
			}
			if bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) {
				out.WriteByte('>') // mboxrd quoting
			}
			out.Write(line)
		}
		if !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
			out.WriteByte('\n')
		}
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}

// splitMbox splits a mailbox into messages without their "From " lines,
// undoing mboxrd quoting (">From " loses one '>').
func splitMbox(data []byte) [][]byte {
	var msgs [][]byte
	var cur []byte
	in := false
	atStart := true
	for len(data) > 0 {
		line := data
		if j := bytes.IndexByte(data, '\n'); j >= 0 {
			line, data = data[:j+1], data[j+1:]
		} else {
			data = nil
		}
		if bytes.HasPrefix(line, []byte("From ")) && atStart {
			if in {
				msgs = append(msgs, cur)
			}
			cur, in = nil, true
			atStart = false
			continue
		}
		blank := len(bytes.TrimRight(line, "\r\n")) == 0
		atStart = blank
		if !in {
			continue
		}
		if t := bytes.TrimLeft(line, ">"); len(t) < len(line) && bytes.HasPrefix(t, []byte("From ")) {
			line = line[1:]
		}
		cur = append(cur, line...)
	}
	if in {
		msgs = append(msgs, cur)
	}
	return msgs
}

// crlf returns s with every line ending as CRLF, as MIME wants.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// validText returns text as valid UTF-8: as it is when it is, else read as
// Windows-1252.
func validText(text string) string {
	if utf8.ValidString(text) {
		return text
	}
	if s, err := charmap.Windows1252.NewDecoder().String(text); err == nil {
		return s
	}
	return strings.ToValidUTF8(text, "\uFFFD")
}

// transferEncoding returns a part's Content-Transfer-Encoding when it is
// one enmime does not decode (and so the content is still encoded), or "".
// Misspellings of the identity encodings ("8bits") are taken for them.
func transferEncoding(p *enmime.Part) string {
	cte := strings.ToLower(strings.TrimSpace(p.Header.Get("Content-Transfer-Encoding")))
	for _, ok := range []string{"", "7bit", "8bit", "binary", "base64", "quoted-printable"} {
		if cte == ok || (ok != "" && strings.HasPrefix(cte, ok)) {
			return ""
		}
	}
	if len(cte) > 40 {
		cte = cte[:40]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, cte)
}
