package review

import (
	"github.com/civickit/privacy/redact/records"

	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"log"
	"math"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

//go:embed templates/*.html static/*
var assets embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"pct": func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) },
}).ParseFS(assets, "templates/*.html"))

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// RejectReasons are the reasons offered for rejecting a proposal.
var RejectReasons = []string{
	"public official acting in an official capacity",
	"not personal data (wrong detection)",
	"already public",
	"the requester's own information",
	"other",
}

// maxAddText bounds the redactions one typed text adds.
const maxAddText = 1000

// maxPagesShown bounds the pages of a PDF shown as images.
const maxPagesShown = 60

func (s *Server) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		// Nothing is logged: the page may hold personal data.
		http.Error(w, "review: page failed", http.StatusInternalServerError)
	}
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	b, err := assets.ReadFile(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if strings.HasSuffix(name, ".js") {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	}
	_, _ = w.Write(b)
}

// common is what every page's layout needs.
type common struct {
	Title, Token, JS, CSS, Home string
}

func (s *Server) common() common {
	return common{Title: s.opts.Title, Token: s.token, JS: s.link("/static/review.js"), CSS: s.link("/static/review.css"), Home: s.link("/")}
}

type indexRow struct {
	N    int
	Link string
	*doc
	counts
}

// index lists the documents and offers Apply.
func (s *Server) index(w http.ResponseWriter, _ *http.Request, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []indexRow
	var total counts
	for i, d := range s.docs {
		c := s.countsOf(d)
		total.Proposals += c.Proposals
		total.Accepted += c.Accepted
		total.Rejected += c.Rejected
		total.Added += c.Added
		rows = append(rows, indexRow{N: i, Link: s.link("/doc", "id", strconv.Itoa(i)), doc: d, counts: c})
	}
	s.render(w, "index.html", struct {
		common
		Rows       []indexRow
		Total      counts
		Unreviewed int
		Message    string
		Last       *applied
		Catalog    string
	}{s.common(), rows, total, s.unreviewed(), message, s.last, s.cat.Name})
}

// span kinds in the text view.
type textPiece struct {
	Text  string
	Mark  bool
	Entry int    // proposal index, or -1 for an added redaction
	ID    string // the added redaction's id
	Class string
	Code  string
	Title string
}

type segView struct {
	N      int
	Part   string
	Pieces []textPiece
}

type propRow struct {
	N                        int
	Entry                    records.LogEntry
	Code                     string // the code it will be boxed under
	Location                 string
	Value                    string
	Verdict                  string
	Reason                   string
	FocusAccept, FocusReject bool
	SameValue                int // proposals of the same value in the request
}

type addedRow struct {
	records.ManualRedaction
	Where string
	Value string
	Focus bool
}

type pageView struct {
	N             int
	Src           string
	Width, Height int
	Boxes         []boxView
}

type boxView struct {
	X, Y, W, H  float64
	Class, Code string
	Label       string
}

var pageBoxRE = regexp.MustCompile(`^page (\d+) > box (-?\d+),(-?\d+),(-?\d+),(-?\d+)$`)

// document shows one document with its proposals and added redactions.
func (s *Server) document(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	id, d, ok := s.docArg(q.Get("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	focus := q.Get("focus")
	dd := s.dec.Documents[d.Name]
	verdict := func(i int) (string, string) {
		if v, ok := dd.Verdict(d.Keys[i]); ok {
			return string(v.Verdict), v.Reason
		}
		return "undecided", ""
	}
	codeOf := func(i int) string {
		if v, ok := dd.Verdict(d.Keys[i]); ok && v.Code != "" {
			return v.Code
		}
		return d.Entries[i].Code
	}
	// Values of the proposals, from the segments.
	values := make([]string, len(d.Entries))
	for _, sg := range d.Segments {
		for _, sp := range sg.Spans {
			if sp.Entry < len(values) {
				values[sp.Entry] = sg.Text[sp.Start:sp.End]
			}
		}
	}
	hashCount := map[string]int{}
	for _, o := range s.docs {
		for _, e := range o.Entries {
			hashCount[e.ValueHMAC]++
		}
	}
	var props []propRow
	for i, e := range d.Entries {
		v, reason := verdict(i)
		props = append(props, propRow{N: i, Entry: e, Code: codeOf(i), Location: e.Location(), Value: values[i], Verdict: v, Reason: reason,
			FocusAccept: focus == "accept-"+strconv.Itoa(i), FocusReject: focus == "reject-"+strconv.Itoa(i), SameValue: hashCount[e.ValueHMAC]})
	}
	var added []addedRow
	if dd != nil {
		for _, m := range dd.Added {
			a := addedRow{ManualRedaction: m, Where: m.Part, Focus: focus == "a"+m.ID}
			if m.Box != nil {
				a.Where = fmt.Sprintf("%s, box %.0f,%.0f,%.0f,%.0f (PDF points from the bottom left)", m.Part, m.Box.Left, m.Box.Bottom, m.Box.Right, m.Box.Top)
				if d.Format == records.DocImage {
					a.Where = fmt.Sprintf("%s, box x=%.0f y=%.0f w=%.0f h=%.0f (pixels)", m.Part, m.Box.Left, m.Box.Bottom, m.Box.Right-m.Box.Left, m.Box.Top-m.Box.Bottom)
				}
			} else {
				for _, sg := range d.Segments {
					if sg.Part == m.Part && m.End <= len(sg.Text) {
						a.Value = sg.Text[m.Start:m.End]
						break
					}
				}
				if a.Where == "" {
					a.Where = "text"
				}
			}
			added = append(added, a)
		}
	}
	var segs []segView
	if d.Format != records.DocPDF {
		for n, sg := range d.Segments {
			segs = append(segs, segView{N: n, Part: sg.Part, Pieces: s.pieces(d, dd, sg, verdict, codeOf)})
		}
	}
	var pgs []pageView
	var pageErr string
	morePages := 0
	if hasPages(d) {
		var err error
		pgs, morePages, err = s.pdfPages(id, d, dd, verdict, codeOf)
		if err != nil {
			pageErr = "The pages cannot be shown: the file changed or cannot be read. Restart the review."
		}
	}
	c := s.countsOf(d)
	s.render(w, "doc.html", struct {
		common
		ID         int
		Doc        *doc
		Counts     counts
		Props      []propRow
		Added      []addedRow
		Segments   []segView
		Pages      []pageView
		MorePages  int
		PageErr    string
		Output     string
		Codes      []records.Exemption
		Default    string
		Reasons    []string
		Reviewed   bool
		FocusRev   bool
		Prev, Next string
	}{
		common: s.common(), ID: id, Doc: d, Counts: c, Props: props, Added: added, Segments: segs,
		Pages: pgs, MorePages: morePages, PageErr: pageErr, Output: string(d.Output),
		Codes: s.codes(), Default: s.cat.Default.Code, Reasons: RejectReasons, Reviewed: c.Reviewed,
		FocusRev: focus == "reviewed",
		Prev:     s.neighbour(id, -1), Next: s.neighbour(id, 1),
	})
}

func (s *Server) neighbour(id, step int) string {
	if j := id + step; j >= 0 && j < len(s.docs) {
		return s.link("/doc", "id", strconv.Itoa(j))
	}
	return ""
}

// pieces cuts a segment's text into plain text and marks: proposals
// and added selections (an added selection that overlaps a proposal is
// listed but not marked).
func (s *Server) pieces(d *doc, dd *records.DocumentDecisions, sg records.Segment, verdict func(int) (string, string), codeOf func(int) string) []textPiece {
	type iv struct {
		start, end int
		p          textPiece
	}
	var ivs []iv
	for _, sp := range sg.Spans {
		e := d.Entries[sp.Entry]
		v, _ := verdict(sp.Entry)
		code := codeOf(sp.Entry)
		ivs = append(ivs, iv{sp.Start, sp.End, textPiece{Mark: true, Entry: sp.Entry, Class: "prop v-" + v, Code: code,
			Title: fmt.Sprintf("%s · %s · %s · confidence %.2f · %s", code, e.Entity, v, e.Confidence, e.Rule)}})
	}
	if dd != nil {
		for _, m := range dd.Added {
			if m.Box == nil && m.Part == sg.Part && m.End <= len(sg.Text) {
				ivs = append(ivs, iv{m.Start, m.End, textPiece{Mark: true, Entry: -1, ID: m.ID, Class: "added", Code: m.Code,
					Title: m.Code + " · added by " + m.By}})
			}
		}
	}
	// Sort by start; drop overlaps.
	for i := 1; i < len(ivs); i++ {
		for j := i; j > 0 && ivs[j].start < ivs[j-1].start; j-- {
			ivs[j], ivs[j-1] = ivs[j-1], ivs[j]
		}
	}
	var out []textPiece
	last := 0
	for _, x := range ivs {
		if x.start < last || x.end > len(sg.Text) {
			continue
		}
		if x.start > last {
			out = append(out, textPiece{Text: sg.Text[last:x.start]})
		}
		x.p.Text = sg.Text[x.start:x.end]
		out = append(out, x.p)
		last = x.end
	}
	if last < len(sg.Text) {
		out = append(out, textPiece{Text: sg.Text[last:]})
	}
	return out
}

// page returns a rendered page (cached; the cache is emptied when it
// holds more than 64 MiB).
func (s *Server) page(id int, d *doc, n int) (*records.PageImage, error) {
	if p, ok := s.pages[pageKey{id, n}]; ok {
		return p, nil
	}
	data, err := os.ReadFile(d.Path)
	if err != nil || records.ContentHash(data) != d.SHA {
		return nil, fmt.Errorf("review: the document changed since the review opened")
	}
	var p *records.PageImage
	if d.Format == records.DocImage {
		p, err = records.RenderImage(data)
	} else {
		p, err = records.RenderPDFPage(data, n-1)
	}
	if err != nil {
		return nil, err
	}
	size := 0
	for _, c := range s.pages {
		size += len(c.PNG)
	}
	if size > 64<<20 {
		clear(s.pages)
	}
	s.pages[pageKey{id, n}] = p
	return p, nil
}

// hasPages reports whether a document is shown as page images: a PDF or
// an image.
func hasPages(d *doc) bool { return d.Format == records.DocPDF || d.Format == records.DocImage }

// pagePart is the part of page n of a document in the decisions.
func pagePart(d *doc, n int) string {
	if d.Format == records.DocImage {
		return "image"
	}
	return "page " + strconv.Itoa(n)
}

var imageLineRE = regexp.MustCompile(`^image > line \d+ \(x=(-?\d+) y=(-?\d+) w=(\d+) h=(\d+)\)$`)

// proposalRect returns where proposal e sits on page n, if it is on it.
func proposalRect(d *doc, e records.LogEntry, n int) (records.Rect, bool) {
	var v [4]float64
	if d.Format == records.DocImage {
		m := imageLineRE.FindStringSubmatch(e.Part)
		if m == nil {
			return records.Rect{}, false
		}
		for k := range v {
			v[k], _ = strconv.ParseFloat(m[k+1], 64)
		}
		return records.Rect{Left: v[0], Bottom: v[1], Right: v[0] + v[2], Top: v[1] + v[3]}, true
	}
	m := pageBoxRE.FindStringSubmatch(e.Part)
	if m == nil || m[1] != strconv.Itoa(n) {
		return records.Rect{}, false
	}
	for k := range v {
		v[k], _ = strconv.ParseFloat(m[k+2], 64)
	}
	return records.Rect{Left: v[0], Bottom: v[1], Right: v[2], Top: v[3]}, true
}

// pdfPages renders a PDF's pages, or an image, with their boxes.
func (s *Server) pdfPages(id int, d *doc, dd *records.DocumentDecisions, verdict func(int) (string, string), codeOf func(int) string) ([]pageView, int, error) {
	if d.Format == records.DocImage {
		d.Pages = 1
	}
	if d.Pages == 0 {
		data, err := os.ReadFile(d.Path)
		if err != nil {
			return nil, 0, err
		}
		if d.Pages, err = records.PDFPageCount(data); err != nil {
			return nil, 0, err
		}
	}
	n := min(d.Pages, maxPagesShown)
	out := make([]pageView, 0, n)
	for p := 1; p <= n; p++ {
		img, err := s.page(id, d, p)
		if err != nil {
			return nil, 0, err
		}
		pv := pageView{N: p, Src: s.link("/page.png", "id", strconv.Itoa(id), "p", strconv.Itoa(p)), Width: img.Width, Height: img.Height}
		add := func(r records.Rect, class, code, label string) {
			x0, y0, x1, y1 := img.RectToImage(r)
			pv.Boxes = append(pv.Boxes, boxView{X: x0, Y: y0, W: x1 - x0, H: y1 - y0, Class: class, Code: code, Label: label})
		}
		for i, e := range d.Entries {
			r, ok := proposalRect(d, e, p)
			if !ok {
				continue
			}
			vd, _ := verdict(i)
			add(r, "prop v-"+vd, codeOf(i), fmt.Sprintf("proposal %d: %s, %s, %s", i, e.Entity, codeOf(i), vd))
		}
		if dd != nil {
			for _, m := range dd.Added {
				if m.Box != nil && m.Part == pagePart(d, p) {
					add(*m.Box, "added", m.Code, "added box "+m.ID+", "+m.Code)
				}
			}
		}
		out = append(out, pv)
	}
	return out, d.Pages - n, nil
}

// pageImage serves a rendered page.
func (s *Server) pageImage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	id, d, ok := s.docArg(q.Get("id"))
	p, err := strconv.Atoi(q.Get("p"))
	if !ok || !hasPages(d) || err != nil || p < 1 || p > maxPagesShown || (d.Format == records.DocImage && p != 1) {
		http.NotFound(w, r)
		return
	}
	img, err := s.page(id, d, p)
	if err != nil {
		http.Error(w, "the page cannot be shown", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(img.PNG)
}

// post handles every change: it applies it, saves the decisions file and
// sends the browser back to the document (Post/Redirect/Get).
func (s *Server) post(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f := r.Form // the body, or the query of a request with the token in its header
	if r.URL.Path == "/apply" {
		s.apply(w, r, f.Get("force") == "1")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, d, ok := s.docArg(f.Get("doc"))
	if !ok || d.SHA == "" {
		http.Error(w, "bad request: no such document", http.StatusBadRequest)
		return
	}
	if s.stale(d) {
		http.Error(w, "conflict: this document changed since its decisions were made; the decisions file keeps them, and applying withholds the document", http.StatusConflict)
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	focus := ""
	bad := func(msg string) { http.Error(w, "bad request: "+msg, http.StatusBadRequest) }
	switch r.URL.Path {
	case "/decide":
		i, err := strconv.Atoi(f.Get("entry"))
		if err != nil || i < 0 || i >= len(d.Entries) {
			bad("no such proposal")
			return
		}
		v := f.Get("verdict")
		reason := f.Get("reason")
		if v == string(records.VerdictRejected) && reason == "" {
			reason = "other"
		}
		if utf8.RuneCountInString(reason) > 200 {
			bad("reason too long")
			return
		}
		targets := []struct {
			d *doc
			i int
		}{{d, i}}
		if f.Get("all") == "1" {
			targets = targets[:0]
			h := d.Entries[i].ValueHMAC
			for _, o := range s.docs {
				if s.stale(o) {
					continue
				}
				for j, e := range o.Entries {
					if e.ValueHMAC == h {
						targets = append(targets, struct {
							d *doc
							i int
						}{o, j})
					}
				}
			}
		}
		code := f.Get("code")
		if _, ok := s.cat.Exemption(code); code != "" && !ok {
			bad("unknown exemption code")
			return
		}
		for _, t := range targets {
			dd := s.docDecisions(t.d)
			switch records.Verdict(v) {
			case records.VerdictAccepted:
				c := code
				if c == t.d.Entries[t.i].Code {
					c = ""
				}
				dd.Decide(records.ProposalDecision{ProposalKey: t.d.Keys[t.i], Verdict: records.VerdictAccepted, Code: c, By: s.opts.Reviewer, At: now})
			case records.VerdictRejected:
				dd.Decide(records.ProposalDecision{ProposalKey: t.d.Keys[t.i], Verdict: records.VerdictRejected, Reason: reason, By: s.opts.Reviewer, At: now})
			case "undecided":
				dd.Undecide(t.d.Keys[t.i])
			default:
				bad("verdict is accepted, rejected or undecided")
				return
			}
		}
		// Focus returns to the button pressed.
		focus = "accept-" + strconv.Itoa(i)
		if v == string(records.VerdictRejected) {
			focus = "reject-" + strconv.Itoa(i)
		}
	case "/add":
		n, err1 := strconv.Atoi(f.Get("seg"))
		a, err2 := strconv.Atoi(f.Get("start"))
		b, err3 := strconv.Atoi(f.Get("end"))
		if err1 != nil || err2 != nil || err3 != nil || n < 0 || n >= len(d.Segments) {
			bad("no text selected")
			return
		}
		sg := d.Segments[n]
		start, end, ok := utf16Range(sg.Text, a, b)
		if !ok || strings.TrimSpace(sg.Text[start:end]) == "" {
			bad("select some text in one part of the document")
			return
		}
		code := f.Get("code")
		if _, ok := s.cat.Exemption(code); !ok {
			bad("unknown exemption code")
			return
		}
		h, err := s.rq.HashValue(sg.Text[start:end])
		if err != nil {
			http.Error(w, "review: keyed hash failed", http.StatusInternalServerError)
			return
		}
		dd := s.docDecisions(d)
		m := records.ManualRedaction{ID: newID(), Code: code, Part: sg.Part, Start: start, End: end, ValueHMAC: h, By: s.opts.Reviewer, At: now}
		dd.Added = append(dd.Added, m)
		focus = "a" + m.ID
	case "/addtext":
		// The keyboard's way to add redactions: every occurrence of the
		// text typed, in every part of the document.
		text := f.Get("text")
		code := f.Get("code")
		if _, ok := s.cat.Exemption(code); !ok {
			bad("unknown exemption code")
			return
		}
		if strings.TrimSpace(text) == "" || len(text) > 1000 || !utf8.ValidString(text) {
			bad("type the text to redact")
			return
		}
		h, err := s.rq.HashValue(text)
		if err != nil {
			http.Error(w, "review: keyed hash failed", http.StatusInternalServerError)
			return
		}
		dd := s.docDecisions(d)
		n := 0
		for _, sg := range d.Segments {
			for off := 0; n < maxAddText; {
				i := strings.Index(sg.Text[off:], text)
				if i < 0 {
					break
				}
				start := off + i
				m := records.ManualRedaction{ID: newID(), Code: code, Part: sg.Part, Start: start, End: start + len(text), ValueHMAC: h, By: s.opts.Reviewer, At: now}
				dd.Added = append(dd.Added, m)
				focus = "a" + m.ID
				n++
				off = start + len(text)
			}
		}
		if n == 0 {
			bad("the text is not in this document (it must match exactly, case included)")
			return
		}
	case "/addbox":
		p, err := strconv.Atoi(f.Get("page"))
		var v [4]float64
		for k, name := range []string{"x", "y", "w", "h"} {
			if err == nil {
				v[k], err = strconv.ParseFloat(f.Get(name), 64)
			}
		}
		if err != nil || !hasPages(d) || p < 1 || p > maxPagesShown || (d.Format == records.DocImage && p != 1) || v[2] < 2 || v[3] < 2 {
			bad("draw a box on a page, or give its x, y, width and height")
			return
		}
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				bad("bad box")
				return
			}
		}
		code := f.Get("code")
		if _, ok := s.cat.Exemption(code); !ok {
			bad("unknown exemption code")
			return
		}
		img, err := s.page(id, d, p)
		if err != nil {
			http.Error(w, "the page cannot be read", http.StatusInternalServerError)
			return
		}
		x0, y0 := max(0, v[0]), max(0, v[1])
		x1, y1 := min(float64(img.Width), v[0]+v[2]), min(float64(img.Height), v[1]+v[3])
		if x1-x0 < 2 || y1-y0 < 2 {
			bad("the box is outside the page")
			return
		}
		rect := img.RectToPage(x0, y0, x1, y1)
		dd := s.docDecisions(d)
		m := records.ManualRedaction{ID: newID(), Code: code, Part: pagePart(d, p), Box: &rect, By: s.opts.Reviewer, At: now}
		dd.Added = append(dd.Added, m)
		focus = "a" + m.ID
	case "/remove":
		dd := s.docDecisions(d)
		if !dd.Remove(f.Get("id")) {
			bad("no such added redaction")
			return
		}
	case "/recode":
		code := f.Get("code")
		if _, ok := s.cat.Exemption(code); !ok {
			bad("unknown exemption code")
			return
		}
		dd := s.docDecisions(d)
		found := false
		for i := range dd.Added {
			if dd.Added[i].ID == f.Get("id") {
				dd.Added[i].Code, dd.Added[i].By, dd.Added[i].At = code, s.opts.Reviewer, now
				found = true
			}
		}
		if !found {
			bad("no such added redaction")
			return
		}
		focus = "a" + f.Get("id")
	case "/reviewed":
		dd := s.docDecisions(d)
		dd.Reviewed = f.Get("reviewed") == "1"
		dd.ReviewedBy, dd.ReviewedAt = "", time.Time{}
		if dd.Reviewed {
			dd.ReviewedBy, dd.ReviewedAt = s.opts.Reviewer, now
		}
		focus = "reviewed"
	}
	if err := s.save(); err != nil {
		http.Error(w, "review: the decisions file cannot be written; the last change is not saved", http.StatusInternalServerError)
		return
	}
	// No fragment: a browser skips autofocus on a page opened at one.
	http.Redirect(w, r, s.link("/doc", "id", strconv.Itoa(id), "focus", focus), http.StatusSeeOther)
}

// apply writes the release. With documents not marked reviewed it asks
// again, unless force is set.
func (s *Server) apply(w http.ResponseWriter, r *http.Request, force bool) {
	s.mu.Lock()
	if n := s.unreviewed(); n > 0 && !force {
		s.mu.Unlock()
		s.index(w, r, fmt.Sprintf("%d documents are not marked reviewed. Review them, or tick “apply anyway” to release their proposals as proposed.", n))
		return
	}
	if err := s.save(); err != nil {
		s.mu.Unlock()
		http.Error(w, "review: the decisions file cannot be written", http.StatusInternalServerError)
		return
	}
	cp := s.dec.Clone()
	s.mu.Unlock()
	sum, err := s.opts.Apply(r.Context(), cp)
	a := &applied{Summary: sum, At: time.Now()}
	if err != nil {
		a.Err = "the release could not be written: " + err.Error()
	}
	s.mu.Lock()
	s.last = a
	s.mu.Unlock()
	http.Redirect(w, r, s.link("/", "applied", "1")+"#applied", http.StatusSeeOther)
}

// utf16Range converts a range in UTF-16 code units (as a browser counts)
// to byte offsets in s, on character boundaries.
func utf16Range(s string, a, b int) (int, int, bool) {
	if a < 0 || b <= a {
		return 0, 0, false
	}
	start, end := -1, -1
	u := 0
	for i, r := range s {
		if u == a {
			start = i
		}
		if u == b {
			end = i
			break
		}
		u += utf16.RuneLen(r)
		if u > a && start < 0 {
			return 0, 0, false // inside a surrogate pair
		}
	}
	if end < 0 && u == b {
		end = len(s)
	}
	if start < 0 || end < 0 {
		return 0, 0, false
	}
	return start, end, true
}

func newID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
