package records

import (
	"github.com/civickit/privacy/redact"

	_ "embed"
	"fmt"
	"html"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed templates/review.html
var reviewHTML string

var reviewTmpl = template.Must(template.New("review").Parse(reviewHTML))

// Review limits.
const (
	DefaultReviewMaxBytes   = 256 << 10 // document text shown per document
	DefaultReviewMaxEntries = 2000      // log rows shown per document
)

// ReviewOptions configure a Review. Nil means the defaults.
type ReviewOptions struct {
	// Title heads the report; "" means "Redaction review".
	Title string
	// MaxBytes is how much of each redacted document is shown; 0 means
	// DefaultReviewMaxBytes, a negative value shows no text.
	MaxBytes int
	// MaxEntries is how many log rows are shown per document; 0 means
	// DefaultReviewMaxEntries.
	MaxEntries int
}

// Review builds the HTML review report of a request: every document as it
// would be released, each proposed redaction highlighted in its
// exemption's colour with its code, entity, confidence and keyed value
// hash, so that a clerk can check it before release and move values that
// must be released to the allow-list.
//
// The report is one self-contained HTML file (inline CSS, no scripts, no
// external assets, a Content-Security-Policy that forbids loading
// anything). It shows redacted text only: a withheld value never appears
// in it. Review is safe for concurrent use; documents appear in the order
// added.
type Review struct {
	mu     sync.Mutex
	cat    *Catalog
	opts   ReviewOptions
	class  map[string]string
	docs   []reviewDoc
	errs   []reviewErr
	counts map[string]int
	total  int
}

type reviewDoc struct {
	ID, Name, Format string
	Status           Status
	Withheld         []WithheldPart
	Count            int
	Codes            []reviewCode
	Body             template.HTML // the redacted text with marks, escaped
	Truncated        bool
	Shown            int
	Entries          []reviewEntry
	MoreEntries      int
}

type reviewCode struct {
	Code, Class string
	Count       int
}

type reviewEntry struct {
	LogEntry
	N         int
	ID, Class string
	Location  string
	Hash      string
}

type reviewErr struct {
	Document, Message string
	Status            Status
}

// NewReview starts a review report for a request under cat.
func NewReview(cat *Catalog, opts *ReviewOptions) (*Review, error) {
	if cat == nil {
		return nil, fmt.Errorf("%w: NewReview needs a catalog", redact.ErrOptions)
	}
	rv := &Review{cat: cat.Clone(), class: map[string]string{}, counts: map[string]int{}}
	if opts != nil {
		rv.opts = *opts
	}
	if rv.opts.Title == "" {
		rv.opts.Title = "Redaction review"
	}
	if rv.opts.MaxBytes == 0 {
		rv.opts.MaxBytes = DefaultReviewMaxBytes
	}
	if rv.opts.MaxEntries <= 0 {
		rv.opts.MaxEntries = DefaultReviewMaxEntries
	}
	for i, e := range rv.cat.Exemptions {
		rv.class[e.Code] = "c" + strconv.Itoa(i%6)
	}
	return rv, nil
}

func (rv *Review) classOf(code string) string {
	if c, ok := rv.class[code]; ok {
		return c
	}
	return "c0"
}

// Add adds one redacted document. It keeps only what the report shows, so
// a large request does not stay in memory.
func (rv *Review) Add(res *Result) {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	n := len(rv.docs)
	d := reviewDoc{ID: "d" + strconv.Itoa(n+1), Name: res.Document, Format: string(res.Format), Count: len(res.Entries),
		Status: res.Status(), Withheld: slices.Clone(res.Withheld)}
	codes := map[string]int{}
	for _, e := range res.Entries {
		codes[e.Code]++
		rv.counts[e.Code]++
		rv.total++
	}
	for _, ex := range rv.cat.Exemptions {
		if c := codes[ex.Code]; c > 0 {
			d.Codes = append(d.Codes, reviewCode{ex.Code, rv.classOf(ex.Code), c})
		}
	}
	for i, e := range res.Entries {
		if i >= rv.opts.MaxEntries {
			d.MoreEntries = len(res.Entries) - i
			break
		}
		d.Entries = append(d.Entries, reviewEntry{LogEntry: e, N: i + 1, ID: d.ID + "-" + strconv.Itoa(i+1),
			Class: rv.classOf(e.Code), Location: e.Location(), Hash: e.ValueHMAC})
	}
	if rv.opts.MaxBytes > 0 {
		out := res.Output
		if res.view != nil {
			out = res.view
		}
		limit := len(out)
		if limit > rv.opts.MaxBytes {
			limit = rv.opts.MaxBytes
			for i, sp := range res.spans { // never cut a box in two
				if sp.start < limit && sp.end > limit {
					limit = sp.end
				}
				if i > 0 && sp.start >= limit {
					break
				}
			}
			for limit < len(out) && !utf8.RuneStart(out[limit]) {
				limit++
			}
			d.Truncated = limit < len(out)
		}
		d.Shown = limit
		var b strings.Builder
		b.Grow(limit + 128*len(res.spans))
		last := 0
		for i, sp := range res.spans {
			if sp.start >= limit {
				break
			}
			b.WriteString(html.EscapeString(string(out[last:sp.start])))
			e := res.Entries[i]
			id := d.ID + "-" + strconv.Itoa(i+1)
			cite := ""
			if ex, ok := rv.cat.Exemption(e.Code); ok {
				cite = " (" + ex.Citation + ")"
			}
			title := fmt.Sprintf("%s%s · %s · %s · confidence %.2f", e.Code, cite, e.Entity, e.Location(), e.Confidence)
			fmt.Fprintf(&b, `<mark class="%s" id="%s" title="%s"><a href="#%s-row">%s</a></mark>`,
				rv.classOf(e.Code), id, html.EscapeString(title), id, html.EscapeString(string(out[sp.start:sp.end])))
			last = sp.end
		}
		if last < limit {
			b.WriteString(html.EscapeString(string(out[last:limit])))
		}
		// Every piece of document text and every attribute above is
		// escaped; ids and classes are generated.
		d.Body = template.HTML(b.String())
	}
	rv.docs = append(rv.docs, d)
}

// Fail lists a document that has no release: withheld (a
// *WithheldError) or failed. err's message must hold no personal data
// (errors from Request never do).
func (rv *Review) Fail(document string, err error) {
	st, reason := StatusFor(err)
	rv.mu.Lock()
	defer rv.mu.Unlock()
	rv.errs = append(rv.errs, reviewErr{document, reason, st})
}

// WriteHTML writes the report.
func (rv *Review) WriteHTML(w io.Writer) error {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	type exRow struct {
		Exemption
		Class string
		Count int
	}
	data := struct {
		Title, Catalog                          string
		Documents, Redactions, Failed, Withheld int
		Parts                                   int
		Exemptions                              []exRow
		Errors                                  []reviewErr
		Docs                                    []reviewDoc
	}{
		Title: rv.opts.Title, Catalog: rv.cat.Name,
		Documents: len(rv.docs) + len(rv.errs), Redactions: rv.total,
		Errors: slices.Clone(rv.errs), Docs: rv.docs,
	}
	for _, e := range rv.errs {
		if e.Status == StatusWithheld {
			data.Withheld++
		} else {
			data.Failed++
		}
	}
	for _, d := range rv.docs {
		data.Parts += len(d.Withheld)
	}
	for _, ex := range rv.cat.Exemptions {
		data.Exemptions = append(data.Exemptions, exRow{ex, rv.classOf(ex.Code), rv.counts[ex.Code]})
	}
	if err := reviewTmpl.Execute(w, data); err != nil {
		return fmt.Errorf("redact: writing review report: %w", err)
	}
	return nil
}
