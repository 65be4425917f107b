package records

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTML documents and e-mail parts.
//
// Personal data hides in markup: mailto links, attributes, comments,
// scripts, and text split across tags ("<b>512-44</b>-7301"). Redacting
// the markup in place would have to vet every attribute, so an HTML
// document is released as its text instead: the text nodes, joined
// exactly as a browser joins inline elements (nothing added between
// "<b>512-44</b>" and "-7301", so the number is found whole), with line
// breaks for block elements and tabs between table cells; then redacted,
// and written back as a minimal page that shows the text as it is
// (<pre>, escaped). Attributes (link targets, image descriptions),
// comments, scripts and styles are not released, so they need no review.

// htmlBlocks are the elements that start a new line.
var htmlBlocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Tr: true, atom.Table: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Blockquote: true,
	atom.Pre: true, atom.Hr: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Address: true, atom.Title: true, atom.Body: true, atom.Caption: true,
}

// htmlText returns the text of an HTML document as a browser shows it.
func htmlText(data []byte) (string, error) {
	z := xhtml.NewTokenizer(bytes.NewReader(data))
	var b strings.Builder
	skip := 0 // inside script, style, template
	nl := func() {
		if s := b.String(); len(s) > 0 && !strings.HasSuffix(s, "\n") {
			b.WriteByte('\n')
		}
	}
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			if z.Err() == io.EOF {
				return strings.TrimSpace(b.String()) + "\n", nil
			}
			return "", z.Err()
		case xhtml.TextToken:
			if skip == 0 {
				b.WriteString(collapseSpace(string(z.Text())))
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style || a == atom.Template || a == atom.Noscript:
				if z.Token().Type == xhtml.StartTagToken {
					skip++
				}
			case a == atom.Td || a == atom.Th:
				b.WriteByte('\t')
			case htmlBlocks[a]:
				nl()
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case (a == atom.Script || a == atom.Style || a == atom.Template || a == atom.Noscript) && skip > 0:
				skip--
			case htmlBlocks[a]:
				nl()
			}
		}
	}
}

// collapseSpace turns each run of white space into one space, as HTML
// shows text.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// redactHTML releases an HTML document as its redacted text in a minimal
// page.
func (rq *Request) redactHTML(res *Result, part string, data []byte) ([]byte, error) {
	txt, err := htmlText(data)
	if err != nil {
		return nil, &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: unreadable HTML", ErrDocument)}
	}
	red := rq.redactString(res, joinPart(part, "text"), "", txt)
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Released text</title></head>\n<body><pre>")
	b.WriteString(html.EscapeString(red))
	b.WriteString("</pre></body></html>\n")
	return b.Bytes(), nil
}
