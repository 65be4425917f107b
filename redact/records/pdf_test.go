package records

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact/piitest"
)

// The planted values of the PDF fixtures: obviously fake.
const (
	pdfName  = "Ana Ruiz"
	pdfSSN   = "512-44-7301"
	pdfPhone = "(617) 555-0143"
	pdfEmail = "ana.ruiz@example.com"
)

// pdfPIILines is a page of a complaint that names a resident.
var pdfPIILines = []string{
	"Public comment received",
	"Resident: " + pdfName + ", SSN " + pdfSSN + ".",
	"She can be reached at " + pdfPhone + " or " + pdfEmail + ".",
	"The comment asks about the permit for the parking lot.",
}

// pdfCleanLines are pages with nothing to redact.
var pdfCleanLines = [][]string{
	{"City Council Minutes", "The council approved the budget for the parks department.", "The vote was five to two."},
	{"Item 4: Street lighting", "Lighting on Elm Avenue was discussed and referred to committee."},
}

// pdfFixtureOptions say what a generated PDF holds besides its pages.
type pdfFixtureOptions struct {
	meta       bool // Info dictionary, XMP, bookmark naming the resident
	attachment bool // an attached file and a file attachment annotation
	imagePage  bool // a page that is only an image (a scan)
}

// buildPDF writes a Letter PDF with one page per entry of pages, each line
// a line of Helvetica text.
func buildPDF(t testing.TB, pages [][]string, o pdfFixtureOptions) []byte {
	t.Helper()
	f := fpdf.New("P", "pt", "Letter", "")
	f.SetCreationDate(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC))
	f.SetModificationDate(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC))
	if o.meta {
		f.SetAuthor(pdfName, true)
		f.SetTitle("Complaint of "+pdfName, true)
		f.SetSubject("Contact "+pdfEmail, true)
		f.SetKeywords(pdfSSN, true)
		f.SetXmpMetadata([]byte(`<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>` + pdfName + ` ` + pdfPhone + `</dc:creator></x:xmpmeta><?xpacket end="w"?>`))
	}
	if o.attachment {
		f.SetAttachments([]fpdf.Attachment{{Content: []byte("notes: SSN " + pdfSSN + " phone " + pdfPhone), Filename: "notes.txt", Description: "notes"}})
	}
	f.SetFont("Helvetica", "", 12)
	for i, lines := range pages {
		f.AddPage()
		if o.meta && i == 0 {
			f.Bookmark("Complaint of "+pdfName, 0, -1)
		}
		for j, l := range lines {
			f.Text(72, 90+float64(j)*18, l)
		}
		if o.attachment && i == 0 {
			f.AddAttachmentAnnotation(&fpdf.Attachment{Content: []byte("callback " + pdfPhone + " " + pdfEmail), Filename: "call.txt", Description: "call " + pdfName}, 400, 400, 20, 20)
		}
	}
	if o.imagePage {
		f.AddPage()
		var buf bytes.Buffer
		require.NoError(t, png.Encode(&buf, scanImage(1)))
		f.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "PNG"}, &buf)
		f.ImageOptions("scan", 0, 0, 612, 792, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	var out bytes.Buffer
	require.NoError(t, f.Output(&out))
	return out.Bytes()
}

// scanImage is a deterministic grey image that stands for a scanned page.
func scanImage(seed uint64) image.Image {
	r := rand.New(rand.NewPCG(seed, 7))
	img := image.NewGray(image.Rect(0, 0, 200, 260))
	for i := range img.Pix {
		img.Pix[i] = uint8(200 + r.IntN(56))
	}
	for y := 40; y < 44; y++ {
		for x := 20; x < 180; x++ {
			img.SetGray(x, y, color.Gray{Y: 10})
		}
	}
	return img
}

// pdfCanaries are the planted values, for the independent leak checks.
func pdfCanaries(t *testing.T) []piitest.Canary {
	cs := piitest.New(t)
	return []piitest.Canary{
		cs.Custom(pii.SSN, pdfSSN),
		cs.Custom(pii.Phone, pdfPhone),
		cs.Custom(pii.Email, pdfEmail),
		cs.Custom(pii.Name, pdfName),
	}
}

// pdfStreams returns every stream of a PDF, inflated where it inflates.
// It is a crude reader on purpose, independent of PDFium: it looks for
// the keywords, not at the file's structure.
func pdfStreams(data []byte) [][]byte {
	var out [][]byte
	rest := data
	for {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			return out
		}
		if i >= 3 && string(rest[i-3:i]) == "end" { // the "stream" of "endstream"
			rest = rest[i+len("stream"):]
			continue
		}
		body := rest[i+len("stream"):]
		if bytes.HasPrefix(body, []byte("\r\n")) {
			body = body[2:]
		} else if bytes.HasPrefix(body, []byte("\n")) || bytes.HasPrefix(body, []byte("\r")) {
			body = body[1:]
		} else {
			rest = body // "endstream", or "stream" inside another word
			continue
		}
		end := bytes.Index(body, []byte("endstream"))
		if end < 0 {
			end = len(body)
		}
		raw := body[:end]
		out = append(out, raw)
		if zr, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
			inflated, _ := io.ReadAll(io.LimitReader(zr, 64<<20))
			out = append(out, inflated)
		}
		rest = body[end:]
	}
}

// pdftotext returns poppler's text of a PDF, or skips (ok false) when
// poppler is not installed.
func pdftotext(t testing.TB, data []byte) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Log("pdftotext (poppler-utils) not installed: skipping the poppler leak check")
		return "", false
	}
	cmd := exec.Command(bin, "-q", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	require.NoError(t, err, "pdftotext cannot read the release")
	return string(out), true
}

// assertNoPDFLeak checks a release with readers other than PDFium: the raw
// bytes, every stream inflated with compress/zlib, and poppler's text.
// No planted value may survive in any form (digits only, regrouped,
// escaped, upper or lower case), nor any of the document-level structures
// that could carry one.
func assertNoPDFLeak(t *testing.T, release []byte, canaries []piitest.Canary) {
	t.Helper()
	checks := map[string][]byte{"raw bytes": release}
	streams := pdfStreams(release)
	raw := 0
	for _, s := range streams {
		if !bytes.Contains(s, []byte("endstream")) {
			raw++
		}
	}
	require.GreaterOrEqual(t, raw, bytes.Count(release, []byte("endstream")), "the crude reader finds every stream")
	for i, s := range streams {
		checks[fmt.Sprintf("stream %d", i)] = s
	}
	if text, ok := pdftotext(t, release); ok {
		checks["pdftotext"] = []byte(text)
	}
	for where, b := range checks {
		if !piitest.AssertNoLeak(t, b, canaries...) {
			t.Logf("leak in %s", where)
		}
		lower := strings.ToLower(string(b))
		for _, v := range []string{"ruiz", "512447301", "6175550143", "5550143"} {
			assert.NotContains(t, lower, v, "planted value in %s", where)
		}
	}
	for _, key := range []string{"/Author", "/Title", "/Subject", "/Keywords", "/Outlines", "/EmbeddedFile", "/Metadata", "/Annots", "/AcroForm", "/JavaScript", "/Names", "/OpenAction"} {
		assert.NotContains(t, string(release), key, "the release must not carry %s", key)
	}
}

func TestPDFRedactsAndLeaksNothing(t *testing.T) {
	rq := newTestRequest(t, nil)
	canaries := pdfCanaries(t)
	cases := []struct {
		name   string
		pages  [][]string
		opts   pdfFixtureOptions
		status Status
		text   bool // the clean pages keep their text
		reason string
	}{
		{"clean pages around a page with PII", [][]string{pdfCleanLines[0], pdfPIILines, pdfCleanLines[1]}, pdfFixtureOptions{}, StatusRedacted, true,
			"the PII page is rendered with boxes, the clean pages keep their text"},
		{"metadata, XMP and bookmark name the resident", [][]string{pdfCleanLines[0], pdfCleanLines[1]}, pdfFixtureOptions{meta: true}, StatusClean, true,
			"document-level metadata is never copied, so clean pages alone make a clean release"},
		{"attachments", [][]string{pdfCleanLines[0], pdfPIILines}, pdfFixtureOptions{meta: true, attachment: true}, StatusRedacted, false,
			"attached files and file attachment annotations are not released; fpdf writes the annotation's appearance as a direct " +
				"stream, which PDFium cannot flatten or copy, so the page is released as an image"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := buildPDF(t, c.pages, c.opts)
			res, err := rq.Document("packet.pdf", data)
			require.NoError(t, err, c.reason)
			assert.Equal(t, c.status, res.Status(), c.reason)
			assert.True(t, bytes.HasPrefix(res.Output, []byte("%PDF-")))
			assertNoPDFLeak(t, res.Output, canaries)

			text, ok := pdftotext(t, res.Output)
			if ok && c.text {
				for _, lines := range c.pages {
					if strings.Contains(strings.Join(lines, " "), pdfSSN) {
						continue
					}
					for _, l := range lines {
						assert.Contains(t, text, l, "clean page text must survive")
					}
				}
			}
			for _, e := range res.Entries {
				assert.Regexp(t, `^page \d+ > box -?\d+,-?\d+,-?\d+,-?\d+$`, e.Part)
			}
		})
	}
}

func TestPDFLogsEveryRedactionWithABox(t *testing.T) {
	rq := newTestRequest(t, nil)
	data := buildPDF(t, [][]string{pdfCleanLines[0], pdfPIILines}, pdfFixtureOptions{})
	res, err := rq.Document("packet.pdf", data)
	require.NoError(t, err)
	entities := map[string]bool{}
	for _, e := range res.Entries {
		entities[string(e.Entity)] = true
		assert.True(t, strings.HasPrefix(e.Part, "page 2 > box "), "every value is on page 2: %s", e.Part)
		assert.NotEmpty(t, e.Code)
	}
	for _, want := range []string{"ssn", "phone", "email"} {
		assert.True(t, entities[want], "%s logged; got %v", want, entities)
	}
	text, ok := pdftotext(t, res.Output)
	if ok {
		assert.Contains(t, text, res.Entries[0].Code, "the box is labelled with its exemption code")
	}
	assert.Equal(t, len(res.Entries), len(res.spans))
}

func TestPDFWithholds(t *testing.T) {
	// As on a machine without Tesseract.
	old := pdfOCR
	t.Cleanup(func() { pdfOCR = old })
	pdfOCR = func(image.Image) ([][]OCRWord, error) { return nil, errNoOCR }
	rq := newTestRequest(t, nil)
	scan := buildPDF(t, [][]string{pdfCleanLines[0]}, pdfFixtureOptions{imagePage: true})
	cases := []struct {
		name   string
		data   []byte
		reason Reason
		why    string
	}{
		{"a scanned page without Tesseract", scan, ReasonNeedsOCR, "an image-only page cannot be read without OCR"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := rq.Document("scan.pdf", c.data)
			var we *WithheldError
			require.ErrorAs(t, err, &we, c.why)
			assert.Equal(t, c.reason, we.Reason, c.why)
		})
	}
}

func TestPDFMalformed(t *testing.T) {
	rq := newTestRequest(t, nil)
	good := buildPDF(t, [][]string{pdfPIILines}, pdfFixtureOptions{})
	cases := []struct {
		name string
		data []byte
		why  string
	}{
		{"header only", []byte("%PDF-1.7\n"), "no objects at all"},
		{"garbage after the header", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF"), "no pages"},
		{"truncated", good[:len(good)/3], "cut in the middle of its objects"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := rq.Document("bad.pdf", c.data)
			if err == nil {
				// PDFium repairs what it can; what it releases must
				// still leak nothing.
				assertNoPDFLeak(t, res.Output, pdfCanaries(t))
				return
			}
			var de *DocumentError
			require.ErrorAs(t, err, &de, c.why)
			assert.ErrorIs(t, err, ErrDocument)
			assert.NotContains(t, err.Error(), pdfSSN)
		})
	}
}

func TestPDFConcurrent(t *testing.T) {
	rq := newTestRequest(t, nil)
	data := buildPDF(t, [][]string{pdfCleanLines[0], pdfPIILines}, pdfFixtureOptions{})
	var wg sync.WaitGroup
	errs := make([]error, 6)
	outs := make([]*Result, 6)
	for i := range errs {
		wg.Go(func() { outs[i], errs[i] = rq.Document(fmt.Sprintf("d%d.pdf", i), data) })
	}
	wg.Wait()
	for i := range errs {
		require.NoError(t, errs[i])
		assert.Equal(t, len(outs[0].Entries), len(outs[i].Entries))
	}
}

// realDocsDir is the folder of real-world PDFs: $CIVICKIT_REAL_DOCS, or
// shared/data/real-docs/pdf beside the repository (<repo>/../shared).
func realDocsDir(t *testing.T) string {
	if d := os.Getenv("CIVICKIT_REAL_DOCS"); d != "" {
		return filepath.Join(d, "pdf")
	}
	// The test runs in <repo>/redact/records.
	d, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "real-docs", "pdf"))
	require.NoError(t, err)
	return d
}

func TestPDFRealDocuments(t *testing.T) {
	dir := realDocsDir(t)
	if os.Getenv("CIVICKIT_REAL_DOCS") == "" {
		dir = realDocs(t, "pdf")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	require.NotEmpty(t, files, "real-world PDFs in %s", dir)
	rq := newTestRequest(t, nil)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			start := time.Now()
			res, err := rq.Document(filepath.Base(f), data)
			var status Status
			var reason string
			if err == nil {
				status = res.Status()
				if _, ok := pdftotext(t, res.Output); ok {
					t.Logf("poppler reads the release")
				}
			} else {
				status, reason = StatusFor(err)
				var we *WithheldError
				var de *DocumentError
				require.True(t, errors.As(err, &we) || errors.As(err, &de), "typed error: %v", err)
			}
			t.Logf("%s: %s %s (%d entries) in %v", filepath.Base(f), status, reason, lenEntries(res), time.Since(start).Round(time.Millisecond))
		})
	}
}

func lenEntries(res *Result) int {
	if res == nil {
		return 0
	}
	return len(res.Entries)
}

func TestPDFScanWithOCRHook(t *testing.T) {
	// A stand-in for the OCR engine: it "reads" the resident's SSN in
	// the scan's top left corner.
	old := pdfOCR
	t.Cleanup(func() { pdfOCR = old })
	pdfOCR = func(img image.Image) ([][]OCRWord, error) {
		return [][]OCRWord{{{Text: "SSN", Left: 20, Top: 20, Right: 60, Bottom: 40}, {Text: pdfSSN, Left: 70, Top: 20, Right: 200, Bottom: 40}}}, nil
	}
	rq := newTestRequest(t, nil)
	res, err := rq.Document("scan.pdf", buildPDF(t, [][]string{pdfCleanLines[0]}, pdfFixtureOptions{imagePage: true}))
	require.NoError(t, err, "with OCR a scan is redacted, not withheld")
	require.Len(t, res.Entries, 1)
	assert.Equal(t, "page 2 > box 33,772,96,783", res.Entries[0].Part, "the word's pixels at 150 dpi, in points from the bottom left")
	assertNoPDFLeak(t, res.Output, pdfCanaries(t))
}

// A scanned page is read with Tesseract, and the release, rendered by
// Poppler and read again by OCR, holds no planted value.
func TestPDFScanWithTesseract(t *testing.T) {
	requireTesseract(t)
	pdftoppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm (poppler-utils) is not installed: the independent render is skipped")
	}
	scan := renderLines(t, []string{"Water meter repair request", "Resident SSN " + pdfSSN, "Call " + pdfPhone})
	var img bytes.Buffer
	require.NoError(t, png.Encode(&img, scan))
	f := fpdf.New("P", "pt", "Letter", "")
	f.AddPage()
	f.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "PNG"}, &img)
	f.ImageOptions("scan", 0, 0, 612, 792*float64(scan.Bounds().Dy())/float64(scan.Bounds().Dx())*612/792, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	var doc bytes.Buffer
	require.NoError(t, f.Output(&doc))

	rq := newTestRequest(t, nil)
	res, err := rq.Document("scan.pdf", doc.Bytes())
	require.NoError(t, err, "with Tesseract a scan is redacted, not withheld")
	require.NotEmpty(t, res.Entries)
	for _, e := range res.Entries {
		assert.True(t, strings.HasPrefix(e.Part, "page 1 > box "), e.Part)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "release.pdf")
	require.NoError(t, os.WriteFile(in, res.Output, 0o600))
	out, err := exec.Command(pdftoppm, "-r", "150", "-png", "-f", "1", "-l", "1", in, filepath.Join(dir, "page")).CombinedOutput()
	require.NoError(t, err, string(out))
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	require.Len(t, pages, 1)
	data, err := os.ReadFile(pages[0])
	require.NoError(t, err)
	text := ocrText(t, data)
	assert.Contains(t, text, "Water meter repair", "the rest of the page is released")
	for _, gone := range []string{"7301", "0143", "512-44"} {
		assert.NotContains(t, text, gone)
	}
	assertNoPDFLeak(t, res.Output, pdfCanaries(t))
}

// A PDF whose producer keeps one resource dictionary for every page (fpdf
// does) and draws the resident's details from a form XObject: a clean
// page copied with its resources would carry that XObject, unused but
// readable. The release must not.
func TestPDFSharedResources(t *testing.T) {
	f := fpdf.New("P", "pt", "Letter", "")
	f.SetFont("Helvetica", "", 12)
	f.AddPage()
	f.Text(72, 90, pdfCleanLines[0][0])
	tpl := f.CreateTemplate(func(tp *fpdf.Tpl) {
		tp.SetFont("Helvetica", "", 12)
		for j, l := range pdfPIILines {
			tp.Text(72, 90+float64(j)*18, l)
		}
	})
	f.AddPage()
	f.UseTemplate(tpl)
	f.AddPage()
	f.Text(72, 90, pdfCleanLines[1][0])
	var buf bytes.Buffer
	require.NoError(t, f.Output(&buf))

	rq := newTestRequest(t, nil)
	res, err := rq.Document("shared.pdf", buf.Bytes())
	require.NoError(t, err)
	require.NotEmpty(t, res.Entries, "the values drawn from the form XObject are found")
	assertNoPDFLeak(t, res.Output, pdfCanaries(t))
}

// handPDF writes a one-page PDF around a content stream, by hand, for
// what fpdf cannot write.
func handPDF(content string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// Text that only a marked-content property carries (an /ActualText the
// page does not show) is reviewed too: a clean-looking page that hides a
// resident's details there is rendered, not copied.
func TestPDFMarkedContent(t *testing.T) {
	rq := newTestRequest(t, nil)
	for _, prop := range []string{"ActualText", "Alt", "E"} {
		doc := handPDF("/Span <</" + prop + " (Ana Ruiz, SSN 512-44-7301)>> BDC BT /F1 12 Tf 72 700 Td (Applicant on file) Tj ET EMC")
		res, err := rq.Document("marked.pdf", doc)
		require.NoError(t, err, prop)
		require.NotEmpty(t, res.Entries, "/%s is reviewed", prop)
		assertNoPDFLeak(t, res.Output, pdfCanaries(t))
	}

	clean := handPDF("/Span <</ActualText (Applicant on file)>> BDC BT /F1 12 Tf 72 700 Td (Applicant on file) Tj ET EMC")
	res, err := rq.Document("clean.pdf", clean)
	require.NoError(t, err)
	assert.Equal(t, StatusClean, res.Status())
	if text, ok := pdftotext(t, res.Output); ok {
		assert.Contains(t, text, "Applicant on file", "a clean page is copied with its text")
	}
}

// A rendered page keeps an invisible text layer of what it releases: the
// page can be searched and read aloud, and the layer holds the boxes, not
// the values.
func TestPDFTextLayer(t *testing.T) {
	rq := newTestRequest(t, nil)
	res, err := rq.Document("complaint.pdf", buildPDF(t, [][]string{pdfPIILines}, pdfFixtureOptions{}))
	require.NoError(t, err)
	require.NotEmpty(t, res.Entries)
	text, ok := pdftotext(t, res.Output)
	if !ok {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	assert.Contains(t, text, "The comment asks about the permit for the parking lot.", "the released text is searchable")
	assert.Contains(t, text, "[REDACTED (b)(6)]", "the layer says where text was withheld")
	assertNoPDFLeak(t, res.Output, pdfCanaries(t))
}
