package records

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"maps"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdferrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/structs"
)

// A PDF is redacted by writing a new document, page by page, so that
// nothing of the original passes through unless it was reviewed:
//
//   - Annotations and form fields are first flattened into their page's
//     content, so that what they show is read with the page's text;
//     annotations that show nothing (comments, links, hidden fields) are
//     not released, and are recorded as withheld parts.
//   - Each page's text is read with the position of every character and
//     handed to segment as one segment ("page 3").
//   - A page with nothing to redact is copied as a form XObject of its
//     content stream and resources only: not its annotations, metadata,
//     actions or private application data.
//   - A page with a redaction is rendered to an image, the redacted
//     characters' boxes are painted black, and the image replaces the page,
//     with the exemption code written on each box. No text of the page
//     survives, so no extractor can recover what the box hides; an
//     invisible text layer of the released text (each redacted span
//     replaced by its box) keeps the page searchable and readable aloud.
//   - A scanned page (images and no visible text) needs OCR (see pdfOCR);
//     without it the document is withheld.
//   - The new document has no Info dictionary, XMP metadata, outline,
//     attachments, JavaScript or form.

// pdfDPI is the resolution of rendered pages.
const pdfDPI = 150

// pdfMaxPixels bounds the size of one rendered page; larger pages are
// rendered at a lower resolution.
const pdfMaxPixels = 24_000_000

// maxPDFObjects bounds how many page objects are inspected per page to
// tell scans from text pages.
const maxPDFObjects = 200_000

// OCRWord is one word that OCR found on a rendered page, with its box in
// the image's pixels (origin top left).
type OCRWord struct {
	Text                     string
	Left, Top, Right, Bottom int
}

// pdfOCR is the hook for OCR of scanned PDF pages (pages whose only
// content is images, perhaps with an invisible text layer that cannot be
// checked against them). It gets the page rendered at pdfDPI and returns
// its words in reading order, one line per inner slice. While it is nil, a
// PDF with a scanned page is withheld with ReasonNeedsOCR.
var pdfOCR func(img image.Image) ([][]OCRWord, error)

// pdfRect is a rectangle in PDF page space (points, origin bottom left).
type pdfRect struct{ left, bottom, right, top float64 }

func (r pdfRect) empty() bool { return !(r.right > r.left && r.top > r.bottom) }

func (r pdfRect) union(o pdfRect) pdfRect {
	return pdfRect{min(r.left, o.left), min(r.bottom, o.bottom), max(r.right, o.right), max(r.top, o.top)}
}

// pdfBox is one black box on a rendered page, labelled with the code.
type pdfBox struct {
	rect  pdfRect
	label string
}

// pageText is the text of one page with a location for each unit (a
// character, or an OCR word): offs[i] is the byte offset in text where
// unit i starts (units that add no text share the next unit's offset).
type pageText struct {
	text string
	offs []int
	box  func(i int) (pdfRect, error)
}

// resultMark is the state of a Result before a document part, to undo
// what a failed part added.
type resultMark struct {
	entries, spans, view, withheld int
	rejected, proposals, segs      int
	capBytes                       int
	lastPart                       string
	used                           map[string]bool
}

func (res *Result) mark() resultMark {
	m := resultMark{entries: len(res.Entries), spans: len(res.spans), view: len(res.view), withheld: len(res.Withheld),
		rejected: len(res.Rejected), proposals: res.proposals, lastPart: res.lastPart}
	if res.capture != nil {
		m.segs, m.capBytes = len(res.capture.segs), res.capture.bytes
	}
	if res.dec != nil {
		m.used = maps.Clone(res.dec.used)
	}
	return m
}

func (res *Result) rollback(m resultMark) {
	res.Entries = res.Entries[:m.entries]
	res.spans = res.spans[:m.spans]
	res.view = res.view[:m.view]
	res.Withheld = res.Withheld[:m.withheld]
	res.Rejected = res.Rejected[:m.rejected]
	res.proposals = m.proposals
	res.lastPart = m.lastPart
	if res.capture != nil {
		res.capture.segs, res.capture.bytes = res.capture.segs[:m.segs], m.capBytes
	}
	if res.dec != nil {
		res.dec.used = m.used
	}
}

func (rq *Request) redactPDF(res *Result, part string, data []byte) ([]byte, error) {
	m := res.mark()
	var out []byte
	timedOut, err := withPDFInstance(func(inst pdfium.Pdfium) error {
		w := &pdfWriter{rq: rq, res: res, part: part, inst: inst}
		var err error
		out, err = w.redact(data)
		if errors.Is(err, errRasterAll) {
			res.rollback(m)
			w = &pdfWriter{rq: rq, res: res, part: part, inst: inst, rasterAll: true}
			out, err = w.redact(data)
		}
		return err
	})
	if timedOut {
		err = &WithheldError{Document: res.Document, Part: part, Reason: ReasonUnreadable, Detail: "PDF took too long to read"}
	}
	if err != nil {
		res.rollback(m)
		var we *WithheldError
		var de *DocumentError
		if !errors.As(err, &we) && !errors.As(err, &de) {
			err = &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: PDF: %w", ErrDocument, err)}
		}
		return nil, err
	}
	return out, nil
}

// pdfWriter redacts one PDF with one PDFium instance.
type pdfWriter struct {
	rq   *Request
	res  *Result
	part string
	inst pdfium.Pdfium
	data []byte
	src  references.FPDF_DOCUMENT
	dst  references.FPDF_DOCUMENT
	// rasterAll renders every page, clean ones too: set when a page with
	// a redaction draws from form XObjects, which a producer may share
	// with other pages through one resource dictionary (a clean page
	// copied with its resources would carry the XObject, unused but
	// readable).
	rasterAll bool
	copied    int // clean pages copied so far
	// curText and curEdits are the text of the page being written and
	// its redactions (set by redactText), for the invisible text layer of
	// a rendered page; copied pages need no layer, so it is built only in
	// rasterPage.
	curText  *pageText
	curEdits []edit
}

// errRasterAll restarts a document in rasterAll mode when the need for it
// is found after clean pages were copied.
var errRasterAll = errors.New("records: PDF: render every page")

// reopen replaces the source document with a fresh copy read from data,
// for a page that PDFium could not flatten.
func (w *pdfWriter) reopen() error {
	_, _ = w.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: w.src})
	doc, err := w.inst.OpenDocument(&requests.OpenDocument{File: &w.data})
	if err != nil {
		return w.docErr("cannot be read again (%w)", err)
	}
	w.src = doc.Document
	return nil
}

// hiddenAnnots counts a page's annotations, and those of them whose
// content the page does not show (comments, links, attachments, media):
// flattening drops them.
func (w *pdfWriter) hiddenAnnots(page references.FPDF_PAGE) (hidden, total int, err error) {
	ac, err := w.inst.FPDFPage_GetAnnotCount(&requests.FPDFPage_GetAnnotCount{Page: pageRef(page)})
	if err != nil {
		return 0, 0, err
	}
	for j := range ac.Count {
		a, err := w.inst.FPDFPage_GetAnnot(&requests.FPDFPage_GetAnnot{Page: pageRef(page), Index: j})
		if err != nil {
			hidden++
			continue
		}
		st, err := w.inst.FPDFAnnot_GetSubtype(&requests.FPDFAnnot_GetSubtype{Annotation: a.Annotation})
		_, _ = w.inst.FPDFPage_CloseAnnot(&requests.FPDFPage_CloseAnnot{Annotation: a.Annotation})
		if err != nil {
			hidden++
			continue
		}
		switch st.Subtype {
		case enums.FPDF_ANNOT_SUBTYPE_WIDGET, enums.FPDF_ANNOT_SUBTYPE_FREETEXT, enums.FPDF_ANNOT_SUBTYPE_STAMP,
			enums.FPDF_ANNOT_SUBTYPE_LINE, enums.FPDF_ANNOT_SUBTYPE_SQUARE, enums.FPDF_ANNOT_SUBTYPE_CIRCLE,
			enums.FPDF_ANNOT_SUBTYPE_POLYGON, enums.FPDF_ANNOT_SUBTYPE_POLYLINE, enums.FPDF_ANNOT_SUBTYPE_INK,
			enums.FPDF_ANNOT_SUBTYPE_HIGHLIGHT, enums.FPDF_ANNOT_SUBTYPE_UNDERLINE, enums.FPDF_ANNOT_SUBTYPE_SQUIGGLY,
			enums.FPDF_ANNOT_SUBTYPE_STRIKEOUT, enums.FPDF_ANNOT_SUBTYPE_CARET, enums.FPDF_ANNOT_SUBTYPE_POPUP:
			// Shown on the page, flattened into it (a popup shows its
			// parent's comment, counted with the parent).
		default:
			hidden++
		}
	}
	return hidden, ac.Count, nil
}

func (w *pdfWriter) docErr(format string, args ...any) error {
	return &DocumentError{Document: w.res.Document, Err: fmt.Errorf("%w: PDF: "+format, append([]any{ErrDocument}, args...)...)}
}

func (w *pdfWriter) withheld(r Reason, detail string) error {
	return &WithheldError{Document: w.res.Document, Part: w.part, Reason: r, Detail: detail}
}

func (w *pdfWriter) redact(data []byte) ([]byte, error) {
	inst := w.inst
	w.data = data
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	switch {
	case errors.Is(err, pdferrors.ErrPassword):
		return nil, w.withheld(ReasonPassword, "PDF")
	case errors.Is(err, pdferrors.ErrSecurity):
		return nil, w.withheld(ReasonEncrypted, "PDF, unsupported security handler")
	case err != nil:
		return nil, w.docErr("cannot be opened (%w)", err)
	}
	w.src = doc.Document
	defer func() { inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: w.src}) }()

	sec, err := inst.FPDF_GetSecurityHandlerRevision(&requests.FPDF_GetSecurityHandlerRevision{Document: w.src})
	if err != nil {
		return nil, err
	}
	if sec.SecurityHandlerRevision != -1 {
		return nil, w.withheld(ReasonEncrypted, fmt.Sprintf("PDF, security handler revision %d", sec.SecurityHandlerRevision))
	}
	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: w.src})
	if err != nil {
		return nil, err
	}
	if count.PageCount <= 0 {
		return nil, w.docErr("no pages")
	}
	nd, err := inst.FPDF_CreateNewDocument(&requests.FPDF_CreateNewDocument{})
	if err != nil {
		return nil, err
	}
	w.dst = nd.Document
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: w.dst})

	for i := range count.PageCount {
		if err := w.page(i); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := inst.FPDF_SaveAsCopy(&requests.FPDF_SaveAsCopy{Document: w.dst, Flags: requests.SaveFlagNoIncremental, FileWriter: &buf}); err != nil {
		return nil, fmt.Errorf("records: writing the PDF release: %w", err)
	}
	return buf.Bytes(), nil
}

// loadPage loads page i of the source document.
func (w *pdfWriter) loadPage(i int) (references.FPDF_PAGE, error) {
	p, err := w.inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: w.src, Index: i})
	if err != nil {
		return "", w.docErr("page %d cannot be read (%w)", i+1, err)
	}
	return p.Page, nil
}

func (w *pdfWriter) closePage(p references.FPDF_PAGE) {
	_, _ = w.inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: p})
}

func pageRef(p references.FPDF_PAGE) requests.Page { return requests.Page{ByReference: &p} }

// page redacts page i into the new document.
func (w *pdfWriter) page(i int) error {
	inst := w.inst
	w.curText, w.curEdits = nil, nil
	pagePart := joinPart(w.part, fmt.Sprintf("page %d", i+1))
	page, err := w.loadPage(i)
	if err != nil {
		return err
	}
	defer func() {
		if page != "" {
			w.closePage(page)
		}
	}()

	// Annotations: flatten what they show into the page; the rest is not
	// released.
	hidden, total, err := w.hiddenAnnots(page)
	if err != nil {
		return err
	}
	if total > 0 {
		// go-pdfium reloads the page after a successful flatten, so that
		// page reads the flattened content.
		if _, err := inst.FPDFPage_Flatten(&requests.FPDFPage_Flatten{Page: pageRef(page), Usage: requests.FPDFPage_FlattenUsagePrint}); err != nil {
			// PDFium could not reload the flattened page: read the page
			// from a fresh copy of the document, without its annotations.
			w.closePage(page)
			page = ""
			if err := w.reopen(); err != nil {
				return err
			}
			if page, err = w.loadPage(i); err != nil {
				return err
			}
			hidden = total
		}
		if hidden > 0 {
			w.res.withholdPart(joinPart(pagePart, "annotations"), ReasonEmbedded,
				fmt.Sprintf("%d annotations that are not shown on the page: comments, links, attachments", hidden))
		}
	}

	visible, images, err := w.walkObjects(pageRef(page), "", 0, new(int))
	if err != nil {
		return err
	}
	if !visible && images {
		return w.scannedPage(i, page, pagePart)
	}

	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: pageRef(page)})
	if err != nil {
		return w.docErr("page %d text cannot be read (%w)", i+1, err)
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	pt, err := w.pageText(tp.TextPage)
	if err != nil {
		return err
	}
	boxes, err := w.redactText(pagePart, pt)
	if err != nil {
		return err
	}
	if len(boxes) > 0 && !w.rasterAll {
		forms, err := w.hasForms(pageRef(page))
		if err != nil {
			return err
		}
		if forms {
			if w.copied > 0 {
				return errRasterAll
			}
			w.rasterAll = true
		}
	}
	if len(boxes) == 0 && !w.rasterAll {
		// Text that only marked-content properties carry (/ActualText,
		// /Alt) is copied with the page but not shown: review it, and
		// render the page instead when it holds personal data.
		hidden, err := w.markedText(pageRef(page))
		if err != nil {
			return err
		}
		if hidden != "" && len(w.rq.segment(w.res, joinPart(pagePart, "marked content"), "", hidden)) > 0 {
			return w.rasterPage(i, page, nil)
		}
		err = w.copyPage(i, page)
		if err == nil {
			w.copied++
			return nil
		}
		// PDFium cannot copy the page's content (a broken resource):
		// release it as an image.
		if err := w.dropPage(i); err != nil {
			return err
		}
	}
	return w.rasterPage(i, page, boxes)
}

// dropPage removes page i of the new document if a failed copy left it.
func (w *pdfWriter) dropPage(i int) error {
	c, err := w.inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: w.dst})
	if err != nil {
		return err
	}
	if c.PageCount > i {
		_, err = w.inst.FPDFPage_Delete(&requests.FPDFPage_Delete{Document: w.dst, PageIndex: i})
	}
	return err
}

// maxMarkedText bounds the marked-content text read from one page.
const maxMarkedText = 1 << 20

// markedText returns the string values of the marked-content properties
// of a page's objects (and those of its form XObjects), one per line:
// /ActualText, /Alt, /E and the like, which text extractors may read but
// the page does not show.
func (w *pdfWriter) markedText(page requests.Page) (string, error) {
	var b strings.Builder
	seen := map[string]bool{}
	n := 0
	var walk func(form references.FPDF_PAGEOBJECT, depth int) error
	walk = func(form references.FPDF_PAGEOBJECT, depth int) error {
		var count int
		if form == "" {
			c, err := w.inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
			if err != nil {
				return err
			}
			count = c.Count
		} else {
			c, err := w.inst.FPDFFormObj_CountObjects(&requests.FPDFFormObj_CountObjects{PageObject: form})
			if err != nil {
				return err
			}
			count = c.Count
		}
		for j := range count {
			if n++; n > maxPDFObjects || b.Len() > maxMarkedText {
				return nil
			}
			var obj references.FPDF_PAGEOBJECT
			if form == "" {
				o, err := w.inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: j})
				if err != nil {
					return err
				}
				obj = o.PageObject
			} else {
				o, err := w.inst.FPDFFormObj_GetObject(&requests.FPDFFormObj_GetObject{PageObject: form, Index: uint64(j)})
				if err != nil {
					return err
				}
				obj = o.PageObject
			}
			marks, err := w.inst.FPDFPageObj_CountMarks(&requests.FPDFPageObj_CountMarks{PageObject: obj})
			if err != nil {
				return err
			}
			for k := range marks.Count {
				m, err := w.inst.FPDFPageObj_GetMark(&requests.FPDFPageObj_GetMark{PageObject: obj, Index: uint64(k)})
				if err != nil {
					return err
				}
				params, err := w.inst.FPDFPageObjMark_CountParams(&requests.FPDFPageObjMark_CountParams{PageObjectMark: m.Mark})
				if err != nil {
					return err
				}
				for p := range params.Count {
					key, err := w.inst.FPDFPageObjMark_GetParamKey(&requests.FPDFPageObjMark_GetParamKey{PageObjectMark: m.Mark, Index: uint64(p)})
					if err != nil {
						continue
					}
					v, err := w.inst.FPDFPageObjMark_GetParamStringValue(&requests.FPDFPageObjMark_GetParamStringValue{PageObjectMark: m.Mark, Key: key.Key})
					if err != nil || strings.TrimSpace(v.Value) == "" || seen[v.Value] {
						continue // not a string
					}
					seen[v.Value] = true
					b.WriteString(strings.ToValidUTF8(v.Value, "\uFFFD"))
					b.WriteByte('\n')
				}
			}
			if form == "" || depth < maxDepth {
				t, err := w.inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: obj})
				if err != nil {
					return err
				}
				if t.Type == enums.FPDF_PAGEOBJ_FORM && depth < maxDepth {
					if err := walk(obj, depth+1); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	if err := walk("", 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

// hasForms reports whether a page draws any form XObject.
func (w *pdfWriter) hasForms(page requests.Page) (bool, error) {
	c, err := w.inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
	if err != nil {
		return false, err
	}
	for j := range min(c.Count, maxPDFObjects) {
		o, err := w.inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: j})
		if err != nil {
			return false, err
		}
		t, err := w.inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: o.PageObject})
		if err != nil {
			return false, err
		}
		if t.Type == enums.FPDF_PAGEOBJ_FORM {
			return true, nil
		}
	}
	return c.Count > maxPDFObjects, nil
}

// walkObjects reports whether a page (or form XObject, when form is set)
// has visible text and images. It stops at the first visible text.
func (w *pdfWriter) walkObjects(page requests.Page, form references.FPDF_PAGEOBJECT, depth int, seen *int) (visible, images bool, err error) {
	var n int
	if form == "" {
		c, err := w.inst.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: page})
		if err != nil {
			return false, false, err
		}
		n = c.Count
	} else {
		c, err := w.inst.FPDFFormObj_CountObjects(&requests.FPDFFormObj_CountObjects{PageObject: form})
		if err != nil {
			return false, false, err
		}
		n = c.Count
	}
	for j := range n {
		if *seen++; *seen > maxPDFObjects {
			// Too many objects to look at: a page that big is no scan.
			return true, images, nil
		}
		var obj references.FPDF_PAGEOBJECT
		if form == "" {
			o, err := w.inst.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: page, Index: j})
			if err != nil {
				return false, false, err
			}
			obj = o.PageObject
		} else {
			o, err := w.inst.FPDFFormObj_GetObject(&requests.FPDFFormObj_GetObject{PageObject: form, Index: uint64(j)})
			if err != nil {
				return false, false, err
			}
			obj = o.PageObject
		}
		t, err := w.inst.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: obj})
		if err != nil {
			return false, false, err
		}
		switch t.Type {
		case enums.FPDF_PAGEOBJ_TEXT:
			m, err := w.inst.FPDFTextObj_GetTextRenderMode(&requests.FPDFTextObj_GetTextRenderMode{PageObject: obj})
			if err != nil {
				return false, false, err
			}
			if m.TextRenderMode != enums.FPDF_TEXTRENDERMODE_INVISIBLE && m.TextRenderMode != enums.FPDF_TEXTRENDERMODE_CLIP {
				return true, images, nil
			}
		case enums.FPDF_PAGEOBJ_IMAGE:
			images = true
		case enums.FPDF_PAGEOBJ_FORM:
			if depth >= maxDepth {
				continue
			}
			v, im, err := w.walkObjects(page, obj, depth+1, seen)
			if err != nil {
				return false, false, err
			}
			images = images || im
			if v {
				return true, images, nil
			}
		}
	}
	return false, images, nil
}

// pageText reads the text of a page and where each character is.
func (w *pdfWriter) pageText(tp references.FPDF_TEXTPAGE) (*pageText, error) {
	inst := w.inst
	cc, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp})
	if err != nil {
		return nil, err
	}
	n := cc.Count
	pt := &pageText{offs: make([]int, n+1)}
	pt.box = func(i int) (pdfRect, error) {
		b, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp, Index: i})
		if err != nil {
			return pdfRect{}, err
		}
		r := b.Rect
		return pdfRect{
			left: float64(min(r.Left, r.Right)), right: float64(max(r.Left, r.Right)),
			bottom: float64(min(r.Top, r.Bottom)), top: float64(max(r.Top, r.Bottom)),
		}, nil
	}
	if n == 0 {
		return pt, nil
	}
	// The whole text in one call; per character only when the text does
	// not have one code point per character (characters outside the BMP,
	// or ones PDFium has no Unicode for).
	runes := []rune(nil)
	if t, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp, StartIndex: 0, Count: n}); err == nil {
		runes = []rune(strings.TrimRight(t.Text, "\x00"))
	}
	if len(runes) != n {
		runes = make([]rune, n)
		for i := range n {
			u, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp, Index: i})
			if err != nil {
				return nil, err
			}
			runes[i] = rune(u.Unicode)
		}
	}
	var b strings.Builder
	b.Grow(n + n/8)
	for i, r := range runes {
		pt.offs[i] = b.Len()
		switch {
		case r == '\r' && i+1 < n && runes[i+1] == '\n':
			// one line break
		case r == '\r':
			b.WriteByte('\n')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		case r > utf8.MaxRune || (r >= 0xd800 && r < 0xe000) || r == 0xfffe || r == 0xffff:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	pt.offs[n] = b.Len()
	pt.text = b.String()
	return pt, nil
}

// redactText segments a page's text and returns the black boxes for its
// edits. Each edit's log entry gets the box it covers in its Part
// ("page 3 > box 72,540,210,552", PDF points from the bottom left).
func (w *pdfWriter) redactText(pagePart string, pt *pageText) ([]pdfBox, error) {
	drawn, err := w.drawnBoxes(pagePart, pt)
	if err != nil {
		return nil, err
	}
	base := len(w.res.Entries)
	eds := w.rq.segment(w.res, pagePart, "", pt.text)
	w.curText, w.curEdits = pt, eds
	if len(eds) == 0 {
		return w.drawnEntries(pagePart, drawn), nil
	}
	entries := w.res.Entries[base:]
	var boxes []pdfBox
	u := 0 // units before u end before the current edit
	for k, e := range eds {
		label := ""
		if k < len(entries) {
			label = entries[k].Code
		}
		for u < len(pt.offs)-1 && pt.offs[u] < e.start {
			u++
		}
		var rects []pdfRect
		for j := u; j < len(pt.offs)-1 && pt.offs[j] < e.end; j++ {
			if pt.offs[j+1] == pt.offs[j] {
				continue // adds no text
			}
			r, err := pt.box(j)
			if err != nil {
				return nil, err
			}
			if r.empty() {
				continue
			}
			rects = lineBoxes(rects, r)
		}
		if len(rects) == 0 {
			// The characters have no place on the page that PDFium can
			// tell: cover the whole page rather than risk them.
			rects = []pdfRect{{-1e6, -1e6, 1e6, 1e6}}
		}
		all := rects[0]
		for _, r := range rects {
			all = all.union(r)
			boxes = append(boxes, pdfBox{rect: r, label: label})
		}
		if k < len(entries) {
			entries[k].Part = joinPart(pagePart, pageBoxPart(all))
		}
	}
	return append(boxes, w.drawnEntries(pagePart, drawn)...), nil
}

// pageBoxPart names a box on a page in the log: "box 72,540,210,552" (PDF
// points from the bottom left).
func pageBoxPart(r pdfRect) string {
	return fmt.Sprintf("box %d,%d,%d,%d", int(math.Floor(r.left)), int(math.Floor(r.bottom)), int(math.Ceil(r.right)), int(math.Ceil(r.top)))
}

// drawnBoxes returns the boxes a reviewer drew on a page (during Decide)
// and hands the text under them to the page's segment as added spans, so
// that the characters they cover are redacted, logged and left out of the
// text layer.
func (w *pdfWriter) drawnBoxes(pagePart string, pt *pageText) ([]*ManualRedaction, error) {
	st := w.res.dec
	if st == nil || len(st.boxes[pagePart]) == 0 {
		return nil, nil
	}
	drawn := st.boxes[pagePart]
	var spans []manualSpan
	for _, m := range drawn {
		r := pdfRect{m.Box.Left, m.Box.Bottom, m.Box.Right, m.Box.Top}
		start := -1
		flush := func(end int) {
			if start >= 0 && end > start {
				spans = append(spans, manualSpan{start, end, m})
			}
			start = -1
		}
		for j := 0; j+1 < len(pt.offs); j++ {
			if pt.offs[j+1] == pt.offs[j] {
				continue
			}
			c, err := pt.box(j)
			if err != nil {
				return nil, err
			}
			cx, cy := (c.left+c.right)/2, (c.bottom+c.top)/2
			in := !c.empty() && cx >= r.left && cx <= r.right && cy >= r.bottom && cy <= r.top
			switch {
			case in && start < 0:
				start = pt.offs[j]
			case !in && start >= 0 && strings.TrimSpace(pt.text[pt.offs[j]:pt.offs[j+1]]) != "":
				flush(pt.offs[j])
			}
		}
		flush(pt.offs[len(pt.offs)-1])
	}
	if st.pending == nil {
		st.pending = map[string][]manualSpan{}
	}
	st.pending[pagePart] = spans
	return drawn, nil
}

// drawnEntries marks the drawn boxes used and returns them as black
// boxes; a box with no text under it gets a log entry of its own.
func (w *pdfWriter) drawnEntries(pagePart string, drawn []*ManualRedaction) []pdfBox {
	var boxes []pdfBox
	for _, m := range drawn {
		covered := w.res.dec.used[m.ID] // text under it was redacted
		w.res.dec.used[m.ID] = true
		r := pdfRect{m.Box.Left, m.Box.Bottom, m.Box.Right, m.Box.Top}
		boxes = append(boxes, pdfBox{rect: r, label: m.Code})
		if !covered {
			ex, _ := w.rq.cat.Exemption(m.Code)
			w.res.Entries = append(w.res.Entries, LogEntry{Document: w.res.Document, Part: joinPart(pagePart, pageBoxPart(r)),
				Entity: EntityManual, Code: ex.Code, Citation: ex.Citation, Operator: OpBox, Rule: "manual", Detector: "manual.box",
				Confidence: 1, Decision: DecisionManual, DecidedBy: m.By})
			w.res.spans = append(w.res.spans, span{len(w.res.view), len(w.res.view)})
		}
	}
	return boxes
}

// lineBoxes adds a character's box to the boxes of one redaction: to the
// last box when the character is on the same line, after it, and near it;
// to a new box otherwise.
func lineBoxes(rects []pdfRect, r pdfRect) []pdfRect {
	if n := len(rects); n > 0 {
		l := rects[n-1]
		overlap := min(l.top, r.top) - max(l.bottom, r.bottom)
		h := min(l.top-l.bottom, r.top-r.bottom)
		if overlap > 0.5*h && r.left >= l.left-1 && r.left <= l.right+3*h {
			rects[n-1] = l.union(r)
			return rects
		}
	}
	return append(rects, r)
}

// copyPage copies page i of the source into the new document as a form
// XObject: its content and resources, nothing of its page dictionary.
func (w *pdfWriter) copyPage(i int, page references.FPDF_PAGE) error {
	inst := w.inst
	bb, err := inst.FPDF_GetPageBoundingBox(&requests.FPDF_GetPageBoundingBox{Page: pageRef(page)})
	if err != nil {
		return err
	}
	rot, err := inst.FPDFPage_GetRotation(&requests.FPDFPage_GetRotation{Page: pageRef(page)})
	if err != nil {
		return err
	}
	r := bb.Rect
	left, right := min(r.Left, r.Right), max(r.Left, r.Right)
	bottom, top := min(r.Top, r.Bottom), max(r.Top, r.Bottom)
	if !(right > left && top > bottom) {
		return w.docErr("page %d has no size", i+1)
	}
	// go-pdfium v1.21.4 passes Source as PDFium's first argument, which
	// is the destination (FPDF_NewXObjectFromPage(dest_doc, src_doc,
	// index)): name them the other way round. Were it fixed, the call
	// would fail (the new document has no page i yet) rather than copy the
	// wrong page, and TestPDFRedactsAndLeaksNothing would say so.
	xo, err := inst.FPDF_NewXObjectFromPage(&requests.FPDF_NewXObjectFromPage{Source: w.dst, Destination: w.src, SourcePageIndex: i})
	if err != nil {
		return err
	}
	defer inst.FPDF_CloseXObject(&requests.FPDF_CloseXObject{XObject: xo.XObject})
	fo, err := inst.FPDF_NewFormObjectFromXObject(&requests.FPDF_NewFormObjectFromXObject{XObject: xo.XObject})
	if err != nil {
		return err
	}
	np, err := inst.FPDFPage_New(&requests.FPDFPage_New{Document: w.dst, PageIndex: i, Width: float64(right - left), Height: float64(top - bottom)})
	if err != nil {
		return err
	}
	defer w.closePage(np.Page)
	if _, err := inst.FPDFPage_SetMediaBox(&requests.FPDFPage_SetMediaBox{Page: pageRef(np.Page), Left: left, Bottom: bottom, Right: right, Top: top}); err != nil {
		return err
	}
	if _, err := inst.FPDFPage_SetRotation(&requests.FPDFPage_SetRotation{Page: pageRef(np.Page), Rotate: rot.PageRotation}); err != nil {
		return err
	}
	if _, err := inst.FPDFPage_InsertObject(&requests.FPDFPage_InsertObject{Page: pageRef(np.Page), PageObject: fo.PageObject}); err != nil {
		return err
	}
	_, err = inst.FPDFPage_GenerateContent(&requests.FPDFPage_GenerateContent{Page: pageRef(np.Page)})
	return err
}

// renderSize is the size in points of a page as shown (rotated), and in
// pixels at pdfDPI or less.
func (w *pdfWriter) renderSize(page references.FPDF_PAGE) (wpt, hpt float64, wpx, hpx int, err error) {
	pw, err := w.inst.FPDF_GetPageWidthF(&requests.FPDF_GetPageWidthF{Page: pageRef(page)})
	if err != nil {
		return 0, 0, 0, 0, err
	}
	ph, err := w.inst.FPDF_GetPageHeightF(&requests.FPDF_GetPageHeightF{Page: pageRef(page)})
	if err != nil {
		return 0, 0, 0, 0, err
	}
	wpt, hpt = float64(pw.PageWidth), float64(ph.PageHeight)
	if !(wpt > 0 && hpt > 0 && wpt < 1e6 && hpt < 1e6) {
		return 0, 0, 0, 0, w.docErr("page has no size")
	}
	scale := float64(pdfDPI) / 72
	if px := wpt * hpt * scale * scale; px > pdfMaxPixels {
		scale *= math.Sqrt(pdfMaxPixels / px)
	}
	return wpt, hpt, max(1, int(math.Ceil(wpt*scale))), max(1, int(math.Ceil(hpt*scale))), nil
}

// rasterPage renders page i, paints the boxes black and adds the image as
// page i of the new document, with each box's label on it.
func (w *pdfWriter) rasterPage(i int, page references.FPDF_PAGE, boxes []pdfBox) error {
	inst := w.inst
	wpt, hpt, wpx, hpx, err := w.renderSize(page)
	if err != nil {
		return err
	}
	bm, err := inst.FPDFBitmap_Create(&requests.FPDFBitmap_Create{Width: wpx, Height: hpx, Alpha: 0})
	if err != nil {
		return err
	}
	defer inst.FPDFBitmap_Destroy(&requests.FPDFBitmap_Destroy{Bitmap: bm.Bitmap})
	if _, err := inst.FPDFBitmap_FillRect(&requests.FPDFBitmap_FillRect{Bitmap: bm.Bitmap, Width: wpx, Height: hpx, Color: 0xFFFFFFFF}); err != nil {
		return err
	}
	if _, err := inst.FPDF_RenderPageBitmap(&requests.FPDF_RenderPageBitmap{Bitmap: bm.Bitmap, Page: pageRef(page), SizeX: wpx, SizeY: hpx}); err != nil {
		return err
	}
	type devBox struct {
		x0, y0, x1, y1 int
		label          string
	}
	dev := make([]devBox, 0, len(boxes))
	for _, b := range boxes {
		x0, y0, err := w.toDevice(page, wpx, hpx, b.rect.left, b.rect.bottom)
		if err != nil {
			return err
		}
		x1, y1, err := w.toDevice(page, wpx, hpx, b.rect.right, b.rect.top)
		if err != nil {
			return err
		}
		// One pixel more on each side for anti-aliased glyph edges.
		d := devBox{max(0, min(x0, x1)-1), max(0, min(y0, y1)-1), min(wpx, max(x0, x1)+2), min(hpx, max(y0, y1)+2), b.label}
		if d.x1 <= d.x0 || d.y1 <= d.y0 {
			continue
		}
		if _, err := inst.FPDFBitmap_FillRect(&requests.FPDFBitmap_FillRect{Bitmap: bm.Bitmap, Left: d.x0, Top: d.y0, Width: d.x1 - d.x0, Height: d.y1 - d.y0, Color: 0xFF000000}); err != nil {
			return err
		}
		dev = append(dev, d)
	}

	np, err := inst.FPDFPage_New(&requests.FPDFPage_New{Document: w.dst, PageIndex: i, Width: wpt, Height: hpt})
	if err != nil {
		return err
	}
	defer w.closePage(np.Page)
	img, err := inst.FPDFPageObj_NewImageObj(&requests.FPDFPageObj_NewImageObj{Document: w.dst})
	if err != nil {
		return err
	}
	// The page is written as a JPEG encoded here: PDFium's own image
	// writer (raw pixels, deflated in WebAssembly) is ten times slower.
	buf, err := inst.FPDFBitmap_GetBuffer(&requests.FPDFBitmap_GetBuffer{Bitmap: bm.Bitmap})
	if err != nil {
		return err
	}
	stride, err := inst.FPDFBitmap_GetStride(&requests.FPDFBitmap_GetStride{Bitmap: bm.Bitmap})
	if err != nil {
		return err
	}
	jpg, err := encodeBGRx(buf.Buffer, stride.Stride, wpx, hpx)
	if err != nil {
		return err
	}
	if _, err := inst.FPDFImageObj_LoadJpegFileInline(&requests.FPDFImageObj_LoadJpegFileInline{ImageObject: img.PageObject, FileData: jpg}); err != nil {
		return err
	}
	if _, err := inst.FPDFImageObj_SetMatrix(&requests.FPDFImageObj_SetMatrix{ImageObject: img.PageObject, Transform: structs.FPDF_FS_MATRIX{A: float32(wpt), D: float32(hpt)}}); err != nil {
		return err
	}
	if _, err := inst.FPDFPage_InsertObject(&requests.FPDFPage_InsertObject{Page: pageRef(np.Page), PageObject: img.PageObject}); err != nil {
		return err
	}
	sx, sy := wpt/float64(wpx), hpt/float64(hpx)
	for _, d := range dev {
		bw, bh := float64(d.x1-d.x0)*sx, float64(d.y1-d.y0)*sy
		if err := w.label(np.Page, d.label, float64(d.x0)*sx, hpt-float64(d.y1)*sy, bw, bh); err != nil {
			return err
		}
	}
	// An invisible text layer of what is released, so that the rendered
	// page can still be searched, selected and read aloud. It is built
	// from the page's text with every redacted span replaced by its box.
	var layer []layerLine
	if w.curText != nil {
		layer = textLayer(w.curText, w.curEdits)
	}
	for _, l := range layer {
		x0, y0, err := w.toDevice(page, wpx, hpx, l.x, l.y)
		if err != nil {
			return err
		}
		if err := w.invisibleText(np.Page, l.text, float64(x0)*sx, hpt-float64(y0)*sy, l.size); err != nil {
			return err
		}
	}
	_, err = inst.FPDFPage_GenerateContent(&requests.FPDFPage_GenerateContent{Page: pageRef(np.Page)})
	return err
}

// layerLine is one line of released text for a rendered page's invisible
// text layer: its text and where its first character sits (page space).
type layerLine struct {
	text       string
	x, y, size float64
}

// textLayer returns the lines of released text of a page: its text with
// each edit's span replaced by the edit's replacement (the box text), so
// that no withheld character is in it.
func textLayer(pt *pageText, eds []edit) []layerLine {
	var lines []layerLine
	var cur strings.Builder
	var at *pdfRect
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" && at != nil {
			lines = append(lines, layerLine{text: t, x: at.left, y: at.bottom, size: max(1, at.top-at.bottom)})
		}
		cur.Reset()
		at = nil
	}
	k := 0 // the next edit
	for j := 0; j+1 < len(pt.offs); j++ {
		start, end := pt.offs[j], pt.offs[j+1]
		if end <= start {
			continue
		}
		for k < len(eds) && eds[k].end <= start {
			k++
		}
		unit := pt.text[start:end]
		if k < len(eds) && start >= eds[k].start && start < eds[k].end {
			if start == eds[k].start || cur.Len() == 0 {
				cur.WriteString(eds[k].repl)
			}
			continue // a withheld character
		}
		if strings.ContainsAny(unit, "\r\n") {
			flush()
			continue
		}
		if at == nil && strings.TrimSpace(unit) != "" {
			if r, err := pt.box(j); err == nil && !r.empty() {
				at = &r
			}
		}
		cur.WriteString(unit)
	}
	flush()
	return lines
}

// invisibleText adds text in render mode 3 (invisible) at x, y (points,
// bottom left of the line).
func (w *pdfWriter) invisibleText(page references.FPDF_PAGE, text string, x, y, size float64) error {
	inst := w.inst
	to, err := inst.FPDFPageObj_NewTextObj(&requests.FPDFPageObj_NewTextObj{Document: w.dst, Font: "Helvetica", FontSize: float32(min(max(size, 1), 72))})
	if err != nil {
		return err
	}
	if _, err := inst.FPDFText_SetText(&requests.FPDFText_SetText{PageObject: to.PageObject, Text: text}); err != nil {
		return err
	}
	if _, err := inst.FPDFTextObj_SetTextRenderMode(&requests.FPDFTextObj_SetTextRenderMode{PageObject: to.PageObject, TextRenderMode: enums.FPDF_TEXTRENDERMODE_INVISIBLE}); err != nil {
		return err
	}
	if _, err := inst.FPDFPageObj_Transform(&requests.FPDFPageObj_Transform{PageObject: to.PageObject, Transform: structs.FPDF_FS_MATRIX{A: 1, D: 1, E: float32(x), F: float32(y)}}); err != nil {
		return err
	}
	_, err = inst.FPDFPage_InsertObject(&requests.FPDFPage_InsertObject{Page: pageRef(page), PageObject: to.PageObject})
	return err
}

// toDevice converts a point in page space to the rendered bitmap's pixels.
func (w *pdfWriter) toDevice(page references.FPDF_PAGE, wpx, hpx int, x, y float64) (int, int, error) {
	d, err := w.inst.FPDF_PageToDevice(&requests.FPDF_PageToDevice{Page: pageRef(page), SizeX: wpx, SizeY: hpx, PageX: x, PageY: y})
	if err != nil {
		return 0, 0, err
	}
	return d.DeviceX, d.DeviceY, nil
}

// label writes text in white Helvetica inside a black box (x, y its
// bottom left in points), when it fits at a legible size.
func (w *pdfWriter) label(page references.FPDF_PAGE, text string, x, y, bw, bh float64) error {
	if text == "" {
		return nil
	}
	n := float64(utf8.RuneCountInString(text))
	size := min(bh*0.75, 10, (bw-2)/(0.56*n))
	if size < 4 {
		return nil
	}
	inst := w.inst
	to, err := inst.FPDFPageObj_NewTextObj(&requests.FPDFPageObj_NewTextObj{Document: w.dst, Font: "Helvetica", FontSize: float32(size)})
	if err != nil {
		return err
	}
	if _, err := inst.FPDFText_SetText(&requests.FPDFText_SetText{PageObject: to.PageObject, Text: text}); err != nil {
		return err
	}
	if _, err := inst.FPDFPageObj_SetFillColor(&requests.FPDFPageObj_SetFillColor{PageObject: to.PageObject, FillColor: structs.FPDF_COLOR{R: 255, G: 255, B: 255, A: 255}}); err != nil {
		return err
	}
	tx := x + 1
	ty := y + (bh-size*0.7)/2
	if _, err := inst.FPDFPageObj_Transform(&requests.FPDFPageObj_Transform{PageObject: to.PageObject, Transform: structs.FPDF_FS_MATRIX{A: 1, D: 1, E: float32(tx), F: float32(ty)}}); err != nil {
		return err
	}
	_, err = inst.FPDFPage_InsertObject(&requests.FPDFPage_InsertObject{Page: pageRef(page), PageObject: to.PageObject})
	return err
}

// scannedPage redacts a page that is an image: with OCR when pdfOCR is
// set, else the whole document is withheld. The page is always released
// as a rendered image, without any text layer it had.
func (w *pdfWriter) scannedPage(i int, page references.FPDF_PAGE, pagePart string) error {
	if pdfOCR == nil {
		return w.withheld(ReasonNeedsOCR, fmt.Sprintf("PDF page %d is a scan", i+1))
	}
	inst := w.inst
	r, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{Page: pageRef(page), DPI: pdfDPI})
	if err != nil {
		return err
	}
	lines, err := pdfOCR(r.Result.RenderedImage)
	wpx, hpx := r.Result.Width, r.Result.Height
	r.Cleanup()
	if errors.Is(err, errNoOCR) {
		return w.withheld(ReasonNeedsOCR, fmt.Sprintf("PDF page %d is a scan", i+1))
	}
	if err != nil {
		return w.withheld(ReasonUnreadable, fmt.Sprintf("PDF page %d: OCR failed", i+1))
	}
	var words []OCRWord
	var b strings.Builder
	var offs []int
	for li, line := range lines {
		if li > 0 {
			b.WriteByte('\n')
		}
		for wi, word := range line {
			if wi > 0 {
				b.WriteByte(' ')
			}
			offs = append(offs, b.Len())
			words = append(words, word)
			b.WriteString(word.Text)
		}
	}
	offs = append(offs, b.Len())
	pt := &pageText{text: b.String(), offs: offs, box: func(j int) (pdfRect, error) {
		wd := words[j]
		x0, y0, err := w.toPage(page, wpx, hpx, wd.Left, wd.Bottom)
		if err != nil {
			return pdfRect{}, err
		}
		x1, y1, err := w.toPage(page, wpx, hpx, wd.Right, wd.Top)
		if err != nil {
			return pdfRect{}, err
		}
		return pdfRect{min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)}, nil
	}}
	boxes, err := w.redactText(pagePart, pt)
	if err != nil {
		return err
	}
	return w.rasterPage(i, page, boxes)
}

// toPage converts a pixel of a page rendered at wpx×hpx to page space.
func (w *pdfWriter) toPage(page references.FPDF_PAGE, wpx, hpx, x, y int) (float64, float64, error) {
	d, err := w.inst.FPDF_DeviceToPage(&requests.FPDF_DeviceToPage{Page: pageRef(page), SizeX: wpx, SizeY: hpx, DeviceX: x, DeviceY: y})
	if err != nil {
		return 0, 0, err
	}
	return d.PageX, d.PageY, nil
}

// pdfJPEGQuality is the JPEG quality of rendered pages.
const pdfJPEGQuality = 80

// encodeBGRx encodes a PDFium BGRx bitmap as a JPEG: grey when every
// pixel is grey (most pages of text), in colour otherwise.
func encodeBGRx(buf []byte, stride, w, h int) ([]byte, error) {
	if stride < 4*w || len(buf) < stride*h {
		return nil, errors.New("records: PDF bitmap has an unexpected layout")
	}
	gray := true
	for y := 0; y < h && gray; y++ {
		row := buf[y*stride : y*stride+4*w]
		for x := 0; x < len(row); x += 4 {
			if row[x] != row[x+1] || row[x+1] != row[x+2] {
				gray = false
				break
			}
		}
	}
	var img image.Image
	if gray {
		g := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			row := buf[y*stride : y*stride+4*w]
			dst := g.Pix[y*g.Stride : y*g.Stride+w]
			for x := range dst {
				dst[x] = row[4*x]
			}
		}
		img = g
	} else {
		c := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			row := buf[y*stride : y*stride+4*w]
			dst := c.Pix[y*c.Stride : y*c.Stride+4*w]
			for x := 0; x < len(dst); x += 4 {
				dst[x], dst[x+1], dst[x+2], dst[x+3] = row[x+2], row[x+1], row[x], 0xff
			}
		}
		img = c
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: pdfJPEGQuality}); err != nil {
		return nil, fmt.Errorf("records: encoding a PDF page: %w", err)
	}
	return out.Bytes(), nil
}
