// Package review serves the review of a public-records request in a
// browser, on 127.0.0.1 only: every document as it will be released, each
// proposed redaction with its exemption code, entity, confidence and rule,
// for a clerk to accept or reject, to add redactions by selecting text or
// drawing a box on a PDF page, to mark documents reviewed and then to
// apply the decisions.
//
// # Where it sits
//
// review imports records (and through it redact and pii); only cmd/redact
// imports it.
//
// # Security
//
// The server listens on 127.0.0.1 on a random port. Every request must
// carry the random token printed in the URL (in the query for a page, in
// the form body or the X-Review-Token header for a change, never only in
// a cookie) and a Host header that is exactly the listening address, so
// that neither another user's browser tab nor a DNS-rebinding page can
// reach it. Pages have a strict Content-Security-Policy (no inline script
// or style, nothing from elsewhere), are never cached and send no
// referrer. The server logs nothing: it shows personal data to the
// reviewer and to no one else.
//
// # Decisions
//
// Every decision is saved at once to the decisions file
// (records.Request.WriteDecisions: sealed, atomic, 0600), so closing the
// browser or stopping the server loses nothing; a new server over the
// same inputs and file resumes the review.
package review

import (
	"github.com/civickit/privacy/redact/records"

	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"
)

// ErrOptions is wrapped by New for options that cannot work.
var ErrOptions = errors.New("review: invalid options")

// Document is one input of the request.
type Document struct {
	Name string // the document's name in the log: its path relative to its input
	Path string // where it is read from
	// Withheld, when set, lists the document as withheld for this reason
	// without reading it (a hidden file, not a regular file).
	Withheld string
}

// Options configure a Server.
type Options struct {
	// Request redacts the documents; it must have a persistent key (the
	// decisions are matched by keyed hashes).
	Request *records.Request
	// Documents are the request's inputs, every one of them: those that
	// cannot be reviewed are listed with their status.
	Documents []Document
	// Decisions are the decisions so far (from the decisions file), or
	// nil to start a review.
	Decisions *records.Decisions
	// DecisionsPath is the decisions file, written on every change.
	DecisionsPath string
	// Reviewer names who decides, for the log.
	Reviewer string
	// Apply writes the release with the decisions; it returns the
	// release's summary. The server passes a copy of its decisions.
	Apply func(ctx context.Context, d *records.Decisions) (records.LogSummary, error)
	// Workers is how many documents are read at once when the review
	// opens; 0 means the number of CPUs.
	Workers int
	// Title heads the pages; "" means "Redaction review".
	Title string
}

// Server is a review. It is an http.Handler; Listen serves it.
type Server struct {
	opts  Options
	rq    *records.Request
	cat   *records.Catalog
	token string

	mu    sync.Mutex
	host  string // "127.0.0.1:port": the only Host accepted
	dec   *records.Decisions
	docs  []*doc
	pages map[pageKey]*records.PageImage
	last  *applied
}

type pageKey struct{ doc, page int }

// doc is one document of the review.
type doc struct {
	Name, Path string
	SHA        string
	Format     records.DocFormat
	Status     records.Status
	Reason     string // why it is withheld or failed
	Entries    []records.LogEntry
	Keys       []records.ProposalKey
	Segments   []records.Segment
	Complete   bool
	Output     []byte // the proposed release of a format without segments
	Withheld   []records.WithheldPart
	Pages      int // PDF pages, 0 until counted
}

// applied is the outcome of the last Apply.
type applied struct {
	Summary records.LogSummary
	Err     string
	At      time.Time
}

// New opens a review: it reads and redacts every document (in parallel)
// to list its proposals. Decisions for documents that changed are kept
// and shown as stale.
func New(opts Options) (*Server, error) {
	if opts.Request == nil || opts.DecisionsPath == "" || opts.Apply == nil {
		return nil, fmt.Errorf("%w: a review needs a Request, a DecisionsPath and Apply", ErrOptions)
	}
	if opts.Title == "" {
		opts.Title = "Redaction review"
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Reviewer == "" {
		opts.Reviewer = "reviewer"
	}
	s := &Server{opts: opts, rq: opts.Request, cat: opts.Request.Catalog(), pages: map[pageKey]*records.PageImage{}}
	s.dec = opts.Decisions
	if s.dec == nil {
		s.dec = records.NewDecisions(s.cat)
	}
	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		return nil, fmt.Errorf("review: token: %w", err)
	}
	s.token = base64.RawURLEncoding.EncodeToString(tok)
	s.docs = make([]*doc, len(opts.Documents))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.Workers, max(1, len(opts.Documents))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s.docs[i] = s.open(opts.Documents[i])
			}
		}()
	}
	for i := range opts.Documents {
		next <- i
	}
	close(next)
	wg.Wait()
	return s, nil
}

// open reads one document's proposals.
func (s *Server) open(d Document) *doc {
	dc := &doc{Name: d.Name, Path: d.Path}
	if d.Withheld != "" {
		dc.Status, dc.Reason = records.StatusWithheld, d.Withheld
		return dc
	}
	data, err := os.ReadFile(d.Path)
	if err != nil {
		dc.Status, dc.Reason = records.StatusFailed, "cannot read the file"
		return dc
	}
	dc.SHA = records.ContentHash(data)
	res, segs, complete, err := s.rq.Proposed(d.Name, data)
	if err != nil {
		dc.Status, dc.Reason = records.StatusFor(err)
		return dc
	}
	dc.Format, dc.Status = res.Format, res.Status()
	dc.Entries, dc.Keys, dc.Segments, dc.Complete = res.Entries, records.ProposalKeys(res.Entries), segs, complete
	dc.Withheld = res.Withheld
	if len(segs) == 0 {
		dc.Output = res.Output
	}
	return dc
}

// Token returns the server's token.
func (s *Server) Token() string { return s.token }

// SetHost sets the address (host:port) the server is reached at: the
// only Host header it accepts. Listen sets it.
func (s *Server) SetHost(hostport string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.host = hostport
}

// URL returns the review's address with its token.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return "http://" + s.host + "/?token=" + s.token
}

// Listen listens on 127.0.0.1 at port (0 for a random port) and sets the
// accepted Host to the address it got.
func (s *Server) Listen(port int) (net.Listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("review: listen: %w", err)
	}
	s.SetHost(ln.Addr().String())
	return ln, nil
}

// Serve serves the review on ln until ctx is done.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	// The standard logger would print client errors; they may carry a
	// URL with the token: keep the server silent.
	hs.ErrorLog = discardLogger()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	err := hs.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// csp is the pages' Content-Security-Policy: the script and style sheet
// come from the server itself, nothing else.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

// ServeHTTP checks the Host and the token, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin") // no-referrer would make form posts send "Origin: null"
	h.Set("Cache-Control", "no-store")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	s.mu.Lock()
	host := s.host
	s.mu.Unlock()
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err != nil || !net.ParseIP(ip).IsLoopback() {
		// The listener is on 127.0.0.1 only; this guards a handler
		// mounted elsewhere by mistake.
		http.Error(w, "forbidden: this review answers only this computer", http.StatusForbidden)
		return
	}
	if host == "" || r.Host != host {
		http.Error(w, "forbidden: this review answers only at its own loopback address", http.StatusForbidden)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if !s.tokenOK(r.URL.Query().Get("token")) {
			http.Error(w, "forbidden: open the address with the token that redact review printed", http.StatusForbidden)
			return
		}
	case http.MethodPost:
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+host {
			http.Error(w, "forbidden: cross-origin request", http.StatusForbidden)
			return
		}
		if sf := r.Header.Get("Sec-Fetch-Site"); sf != "" && sf != "same-origin" && sf != "none" {
			http.Error(w, "forbidden: cross-site request", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		tok := r.Header.Get("X-Review-Token")
		if tok == "" {
			if err := r.ParseForm(); err != nil {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			tok = r.PostForm.Get("token")
		}
		if !s.tokenOK(tok) {
			http.Error(w, "forbidden: the token is missing from the form", http.StatusForbidden)
			return
		}
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case "/":
		s.index(w, r, "")
	case "/doc":
		s.document(w, r)
	case "/page.png":
		s.pageImage(w, r)
	case "/static/review.js", "/static/review.css":
		s.static(w, r)
	case "/decide", "/add", "/addtext", "/addbox", "/remove", "/recode", "/reviewed", "/apply":
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		s.post(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) tokenOK(t string) bool {
	return t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

// docArg returns the document a request names by index.
func (s *Server) docArg(v string) (int, *doc, bool) {
	i, err := strconv.Atoi(v)
	if err != nil || i < 0 || i >= len(s.docs) {
		return 0, nil, false
	}
	return i, s.docs[i], true
}

// docDecisions returns (creating) a document's decisions; they are
// bound to the content the review read.
func (s *Server) docDecisions(d *doc) *records.DocumentDecisions {
	dd := s.dec.Documents[d.Name]
	if dd == nil {
		dd = &records.DocumentDecisions{SHA256: d.SHA}
		s.dec.Documents[d.Name] = dd
	}
	return dd
}

// stale reports whether a document's saved decisions were made on other
// content.
func (s *Server) stale(d *doc) bool {
	dd := s.dec.Documents[d.Name]
	return dd != nil && dd.SHA256 != d.SHA
}

// save writes the decisions file.
func (s *Server) save() error {
	return s.rq.WriteDecisions(s.opts.DecisionsPath, s.dec)
}

// link returns a path with the token and the arguments.
func (s *Server) link(path string, kv ...string) string {
	q := url.Values{"token": {s.token}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return path + "?" + q.Encode()
}

// counts summarises a document's decisions.
type counts struct {
	Proposals, Accepted, Rejected, Added int
	Reviewed, Stale                      bool
}

func (s *Server) countsOf(d *doc) counts {
	c := counts{Proposals: len(d.Entries), Stale: s.stale(d)}
	dd := s.dec.Documents[d.Name]
	if dd == nil {
		return c
	}
	c.Reviewed, c.Added = dd.Reviewed, len(dd.Added)
	for _, k := range d.Keys {
		if v, ok := dd.Verdict(k); ok {
			if v.Verdict == records.VerdictRejected {
				c.Rejected++
			} else {
				c.Accepted++
			}
		}
	}
	return c
}

// unreviewed counts the documents with a release that are not marked
// reviewed (withheld and failed ones have none to review).
func (s *Server) unreviewed() int {
	n := 0
	for _, d := range s.docs {
		if d.Status != records.StatusWithheld && d.Status != records.StatusFailed && !s.countsOf(d).Reviewed {
			n++
		}
	}
	return n
}

// codes returns the catalog's exemptions for a select, the default
// code first.
func (s *Server) codes() []records.Exemption {
	ex := slices.Clone(s.cat.Exemptions)
	slices.SortStableFunc(ex, func(a, b records.Exemption) int {
		return cmp.Compare(btoi(b.Code == s.cat.Default.Code), btoi(a.Code == s.cat.Default.Code))
	})
	return ex
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
