package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/civickit/privacy/pii"
)

// outbox is the portal's mail transport in development: every message is
// written as an .eml file (RFC 5322) into a folder, and the outbox page
// shows them. A real deployment would hand the same bytes to SMTP.
type outbox struct{ dir string }

// message is one outgoing e-mail.
type message struct {
	To      pii.String
	Subject string
	Body    string
	Header  textproto.MIMEHeader // extra headers (List-Unsubscribe...)
}

func newOutbox(dir string) (*outbox, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return &outbox{dir: dir}, nil
}

// emlName is the pattern of outbox file names: a timestamp and a random id,
// nothing about the recipient.
var emlName = regexp.MustCompile(`^[0-9]{8}T[0-9]{9}-[0-9a-f]{16}\.eml$`)

// send writes the message atomically (temp file, rename) and returns its
// file name.
func (o *outbox) send(_ context.Context, m message) (string, error) {
	now := time.Now().UTC()
	name := now.Format("20060102T150405") + fmt.Sprintf("%03d", now.Nanosecond()/1e6) + "-" + randomHex(8) + ".eml"
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", `"City of Example" <no-reply@example.com>`)
	hdr("To", (&mail.Address{Address: m.To.Reveal()}).String())
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	hdr("Date", now.Format(time.RFC1123Z))
	hdr("Message-ID", "<"+strings.TrimSuffix(name, ".eml")+"@portal.example.com>")
	keys := make([]string, 0, len(m.Header))
	for k := range m.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range m.Header[k] {
			hdr(k, v)
		}
	}
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n"))

	tmp, err := os.CreateTemp(o.dir, ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("outbox: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(b.Bytes())
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("outbox: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(o.dir, name)); err != nil {
		return "", fmt.Errorf("outbox: %w", err)
	}
	return name, nil
}

// outboxEntry is one line of the outbox page.
type outboxEntry struct {
	Name    string
	Subject string
	Date    time.Time
}

// list returns the messages, newest first.
func (o *outbox) list() ([]outboxEntry, error) {
	des, err := os.ReadDir(o.dir)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	var out []outboxEntry
	for _, de := range des {
		if !emlName.MatchString(de.Name()) {
			continue
		}
		m, err := o.read(de.Name())
		if err != nil {
			continue
		}
		d, _ := m.Header.Date()
		out = append(out, outboxEntry{Name: de.Name(), Subject: decodeHeader(m.Header.Get("Subject")), Date: d})
	}
	slices.Reverse(out) // names sort by time
	return out, nil
}

func decodeHeader(s string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}

// read parses one message by file name.
func (o *outbox) read(name string) (*mail.Message, error) {
	if !emlName.MatchString(name) {
		return nil, errNoSuchRecord
	}
	b, err := os.ReadFile(filepath.Join(o.dir, name))
	if err != nil {
		return nil, errNoSuchRecord
	}
	return mail.ReadMessage(bufio.NewReader(bytes.NewReader(b)))
}

func (a *app) outboxPage(w http.ResponseWriter, r *http.Request, _ *account) {
	list, err := a.outbox.list()
	if err != nil {
		a.internal(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "outbox", pageData{Title: "Outbox", Data: map[string]any{"Messages": list, "Dir": a.outbox.dir}})
}

// linkRE finds URLs in a message body to make them clickable.
var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// messagePage shows one message as a mail client would: headers, the body
// with clickable links, and an "Unsubscribe" button that does what mail
// providers do with List-Unsubscribe-Post (RFC 8058): POST
// List-Unsubscribe=One-Click to the List-Unsubscribe URL.
func (a *app) messagePage(w http.ResponseWriter, r *http.Request, _ *account) {
	m, err := a.outbox.read(r.PathValue("name"))
	if err != nil {
		a.fail(w, r, http.StatusNotFound, "There is no such message.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(m.Body, 1<<20))
	if err != nil {
		a.internal(w, r, err)
		return
	}
	var html strings.Builder
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	last := 0
	for _, loc := range linkRE.FindAllStringIndex(text, -1) {
		html.WriteString(template.HTMLEscapeString(text[last:loc[0]]))
		u := text[loc[0]:loc[1]]
		fmt.Fprintf(&html, `<a href="%s">%s</a>`, template.HTMLEscapeString(u), template.HTMLEscapeString(u))
		last = loc[1]
	}
	html.WriteString(template.HTMLEscapeString(text[last:]))

	oneClick := ""
	if m.Header.Get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click" {
		for _, part := range strings.Split(m.Header.Get("List-Unsubscribe"), ",") {
			part = strings.Trim(strings.TrimSpace(part), "<>")
			if strings.HasPrefix(part, a.cfg.BaseURL+"/") {
				oneClick = strings.TrimPrefix(part, a.cfg.BaseURL)
				break
			}
		}
	}
	headers := []struct{ K, V string }{}
	for _, k := range []string{"From", "To", "Subject", "Date", "List-Unsubscribe", "List-Unsubscribe-Post"} {
		if v := m.Header.Get(k); v != "" {
			headers = append(headers, struct{ K, V string }{k, decodeHeader(v)})
		}
	}
	a.render(w, r, http.StatusOK, "message", pageData{Title: decodeHeader(m.Header.Get("Subject")), Data: map[string]any{
		"Headers":  headers,
		"Body":     template.HTML(html.String()),
		"OneClick": oneClick,
	}})
}
