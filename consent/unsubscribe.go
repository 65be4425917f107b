package consent

import (
	"errors"
	"html/template"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// UnsubscribeURL returns base (an https URL) with token added as the query
// parameter "token", for the link in a message and its List-Unsubscribe
// header.
func UnsubscribeURL(base, token string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", errors.New("consent: the unsubscribe base URL must be an absolute https URL")
	}
	q := u.Query()
	q.Set("token", token)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// UnsubscribeLink makes an unsubscribe token for the subject, purpose and
// channel and returns UnsubscribeURL(base, token).
func (l *Ledger) UnsubscribeLink(base, subject, purpose string, ch Channel) (string, error) {
	tok, err := l.UnsubscribeToken(subject, purpose, ch)
	if err != nil {
		return "", err
	}
	return UnsubscribeURL(base, tok)
}

// ListUnsubscribeHeaders returns the List-Unsubscribe (RFC 2369) and
// List-Unsubscribe-Post (RFC 8058) headers for a message: one-click
// unsubscribe at unsubscribeURL (https, as RFC 8058 requires), and, if
// mailto is not empty, a mailto: alternative (for example
// "unsubscribe@example.gov"). Copy them into the message's header; sign
// them with DKIM as RFC 8058 asks.
func ListUnsubscribeHeaders(unsubscribeURL, mailto string) (textproto.MIMEHeader, error) {
	u, err := url.Parse(unsubscribeURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, errors.New("consent: List-Unsubscribe needs an absolute https URL")
	}
	// RFC 2369 encloses each URI in angle brackets; characters that would
	// end or split one must be percent-encoded.
	if strings.ContainsAny(unsubscribeURL, "<>, \r\n\t") {
		return nil, errors.New("consent: the unsubscribe URL holds characters that List-Unsubscribe cannot carry")
	}
	v := "<" + unsubscribeURL + ">"
	if mailto != "" {
		if strings.ContainsAny(mailto, "<>, \r\n\t") || !strings.Contains(mailto, "@") {
			return nil, errors.New("consent: the mailto address is malformed")
		}
		v += ", <mailto:" + mailto + "?subject=unsubscribe>"
	}
	h := textproto.MIMEHeader{}
	h.Set("List-Unsubscribe", v)
	h.Set("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	return h, nil
}

// UnsubscribeHandler serves the link in List-Unsubscribe and in the body
// of every message (RFC 8058):
//
//   - POST with the form field List-Unsubscribe=One-Click (what mail
//     clients send) withdraws at once and answers 200 with a short text;
//   - GET shows an HTML page that asks the person to confirm, and withdraws
//     nothing, because link scanners and mail previews fetch links;
//   - POST from that page's form (field "confirm") withdraws and shows a
//     confirmation.
//
// The token is read from the "token" query parameter (or form field).
// Responses are not cached and send no Referer, so the token does not leak.
type UnsubscribeHandler struct {
	l    *Ledger
	tmpl *template.Template
	csp  string
}

// UnsubscribeHandlerOptions configures an UnsubscribeHandler.
type UnsubscribeHandlerOptions struct {
	// Templates overrides the built-in pages. It must define "confirm",
	// "done" and "invalid"; each gets an UnsubscribePage. The confirm
	// page's form must POST the token back (a hidden "token" field).
	Templates *template.Template
	// ContentSecurityPolicy is the pages' Content-Security-Policy header;
	// "" means DefaultUnsubscribeCSP, which loads nothing. Templates that
	// use the city's stylesheet widen it, for example with "style-src
	// 'self'". Keep form-action 'self': the confirm form posts here.
	ContentSecurityPolicy string
}

// DefaultUnsubscribeCSP is the built-in pages' Content-Security-Policy.
const DefaultUnsubscribeCSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'"

// UnsubscribePage is the data the handler's templates get.
type UnsubscribePage struct {
	Token       string // for the confirm form's hidden field
	Purpose     string // the purpose id
	Description string // the purpose's description, if the ledger knows one
	Channel     Channel
	Withdrawn   bool // on "done": false if the person had already left
}

var defaultPages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>Unsubscribe</title></head><body>{{end}}
{{define "confirm"}}{{template "head"}}<main><h1>Unsubscribe</h1>
<p>Stop receiving <strong>{{if .Description}}{{.Description}}{{else}}{{.Purpose}}{{end}}</strong> by {{.Channel}}?</p>
<form method="post"><input type="hidden" name="token" value="{{.Token}}"><button type="submit" name="confirm" value="1">Unsubscribe</button></form>
</main></body></html>{{end}}
{{define "done"}}{{template "head"}}<main><h1>You are unsubscribed</h1>
<p>You will no longer receive <strong>{{if .Description}}{{.Description}}{{else}}{{.Purpose}}{{end}}</strong> by {{.Channel}}.{{if not .Withdrawn}} (You had already unsubscribed.){{end}}</p>
</main></body></html>{{end}}
{{define "invalid"}}{{template "head"}}<main><h1>This link does not work</h1>
<p>The unsubscribe link is incomplete or no longer valid. Use the link in a recent message, or contact us.</p>
</main></body></html>{{end}}
`))

// NewUnsubscribeHandler returns the handler for l.
func NewUnsubscribeHandler(l *Ledger, opts *UnsubscribeHandlerOptions) (*UnsubscribeHandler, error) {
	if l == nil {
		return nil, errors.New("consent: NewUnsubscribeHandler needs a ledger")
	}
	h := &UnsubscribeHandler{l: l, tmpl: defaultPages, csp: DefaultUnsubscribeCSP}
	if opts != nil && opts.ContentSecurityPolicy != "" {
		if strings.ContainsAny(opts.ContentSecurityPolicy, "\r\n") {
			return nil, errors.New("consent: ContentSecurityPolicy must be one line")
		}
		h.csp = opts.ContentSecurityPolicy
	}
	if opts != nil && opts.Templates != nil {
		for _, name := range []string{"confirm", "done", "invalid"} {
			if opts.Templates.Lookup(name) == nil {
				return nil, errors.New("consent: unsubscribe templates must define confirm, done and invalid")
			}
		}
		h.tmpl = opts.Templates
	}
	return h, nil
}

const maxFormBytes = 4 << 10

func (h *UnsubscribeHandler) page(w http.ResponseWriter, status int, name string, p UnsubscribePage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = h.tmpl.ExecuteTemplate(w, name, p)
}

func (h *UnsubscribeHandler) pageFor(c claims) UnsubscribePage {
	return UnsubscribePage{Purpose: c.Purpose, Description: h.l.purposes[c.Purpose].Description, Channel: c.Channel}
}

// ServeHTTP implements http.Handler.
func (h *UnsubscribeHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Robots-Tag", "noindex")
	hd.Set("Content-Security-Policy", h.csp)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		c, err := h.l.tok.open(tok, kindUnsubscribe, h.l.now())
		if err != nil {
			h.page(w, http.StatusBadRequest, "invalid", UnsubscribePage{})
			return
		}
		p := h.pageFor(c)
		p.Token = tok
		h.page(w, http.StatusOK, "confirm", p)
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseMultipartForm(maxFormBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			http.Error(w, "consent: malformed form", http.StatusBadRequest)
			return
		}
		tok := r.URL.Query().Get("token")
		if tok == "" {
			tok = r.PostFormValue("token")
		}
		switch {
		case r.PostFormValue("List-Unsubscribe") == "One-Click":
			if _, err := h.l.Unsubscribe(r.Context(), tok, OneClick); err != nil {
				h.fail(w, err, false)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("unsubscribed\n"))
		case r.PostFormValue("confirm") != "":
			u, err := h.l.Unsubscribe(r.Context(), tok, EmailLink)
			if err != nil {
				h.fail(w, err, true)
				return
			}
			p := UnsubscribePage{Purpose: u.Purpose, Description: h.l.purposes[u.Purpose].Description, Channel: u.Channel, Withdrawn: u.Withdrawn}
			h.page(w, http.StatusOK, "done", p)
		default:
			http.Error(w, "consent: expected List-Unsubscribe=One-Click", http.StatusBadRequest)
		}
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "consent: method not allowed", http.StatusMethodNotAllowed)
	}
}

func (h *UnsubscribeHandler) fail(w http.ResponseWriter, err error, html bool) {
	status := http.StatusInternalServerError
	if errors.Is(err, ErrInvalid) {
		status = http.StatusBadRequest
	}
	if html {
		h.page(w, status, "invalid", UnsubscribePage{})
		return
	}
	http.Error(w, http.StatusText(status), status)
}
