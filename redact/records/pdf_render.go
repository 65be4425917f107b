package records

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
)

// PageImage is one page of a PDF rendered as it is in the original, for
// a review: a reviewer sees the page with the proposed boxes drawn over
// it and draws boxes of their own. It maps the image's pixels to PDF page
// space (points from the bottom left) and back, whatever the page's
// rotation and media box.
type PageImage struct {
	PNG           []byte // the page, PNG; it shows personal data
	Width, Height int    // pixels
	// PDF page point of pixel (0,0), and the step in page space of one
	// pixel right (dx) and one pixel down (dy).
	origin, dx, dy [2]float64
}

// ToPage converts a pixel position (fractions allowed) to page space.
func (p *PageImage) ToPage(x, y float64) (float64, float64) {
	return p.origin[0] + x*p.dx[0] + y*p.dy[0], p.origin[1] + x*p.dx[1] + y*p.dy[1]
}

// ToImage converts a point in page space to a pixel position.
func (p *PageImage) ToImage(px, py float64) (float64, float64) {
	a, b, c, d := p.dx[0], p.dy[0], p.dx[1], p.dy[1]
	det := a*d - b*c
	if det == 0 {
		return 0, 0
	}
	u, v := px-p.origin[0], py-p.origin[1]
	return (d*u - b*v) / det, (a*v - c*u) / det
}

// RectToImage converts a rectangle in page space to the pixel rectangle
// (left, top, right, bottom) that covers it.
func (p *PageImage) RectToImage(r Rect) (x0, y0, x1, y1 float64) {
	ax, ay := p.ToImage(r.Left, r.Bottom)
	bx, by := p.ToImage(r.Right, r.Top)
	return math.Min(ax, bx), math.Min(ay, by), math.Max(ax, bx), math.Max(ay, by)
}

// RectToPage converts a pixel rectangle to page space.
func (p *PageImage) RectToPage(x0, y0, x1, y1 float64) Rect {
	ax, ay := p.ToPage(x0, y0)
	bx, by := p.ToPage(x1, y1)
	return Rect{Left: math.Min(ax, bx), Bottom: math.Min(ay, by), Right: math.Max(ax, bx), Top: math.Max(ay, by)}
}

// reviewDPI is the resolution of pages rendered for a review.
const reviewDPI = 96

// RenderPDFPage renders page index (0-based) of a PDF, without its
// annotations, at 96 dpi. It returns an error
// wrapping ErrDocument when the PDF or page cannot be read.
func RenderPDFPage(data []byte, index int) (*PageImage, error) {
	var pi *PageImage
	timedOut, err := withPDFInstance(func(inst pdfium.Pdfium) error {
		doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
		if err != nil {
			return err
		}
		defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
		c, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
		if err != nil {
			return err
		}
		if index < 0 || index >= c.PageCount {
			return errors.New("no such page")
		}
		pg, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc.Document, Index: index})
		if err != nil {
			return err
		}
		defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: pg.Page})
		w := &pdfWriter{inst: inst, res: &Result{}}
		r, err := inst.RenderPageInDPI(&requests.RenderPageInDPI{Page: pageRef(pg.Page), DPI: reviewDPI})
		if err != nil {
			return err
		}
		defer r.Cleanup()
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, r.Result.RenderedImage); err != nil {
			return err
		}
		wpx, hpx := r.Result.Width, r.Result.Height
		pi = &PageImage{PNG: buf.Bytes(), Width: wpx, Height: hpx}
		corner := func(x, y int) ([2]float64, error) {
			px, py, err := w.toPage(pg.Page, wpx, hpx, x, y)
			return [2]float64{px, py}, err
		}
		o, err := corner(0, 0)
		if err != nil {
			return err
		}
		xr, err := corner(wpx, 0)
		if err != nil {
			return err
		}
		yd, err := corner(0, hpx)
		if err != nil {
			return err
		}
		pi.origin = o
		pi.dx = [2]float64{(xr[0] - o[0]) / float64(wpx), (xr[1] - o[1]) / float64(wpx)}
		pi.dy = [2]float64{(yd[0] - o[0]) / float64(hpx), (yd[1] - o[1]) / float64(hpx)}
		return nil
	})
	if timedOut {
		err = errors.New("took too long")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: PDF page %d cannot be rendered for review (%w)", ErrDocument, index+1, err)
	}
	return pi, nil
}

// PDFPageCount returns the number of pages of a PDF.
func PDFPageCount(data []byte) (int, error) {
	n := 0
	_, err := withPDFInstance(func(inst pdfium.Pdfium) error {
		doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
		if err != nil {
			return err
		}
		defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
		c, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
		n = c.PageCount
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("%w: PDF cannot be read for review (%w)", ErrDocument, err)
	}
	return n, nil
}

// RenderImage returns an image document for a review, as PNG, with the
// identity mapping: page space of an image is its pixels from the top
// left (a Rect's Bottom is its upper edge, as ManualRedaction.Box of an
// image holds it).
func RenderImage(data []byte) (*PageImage, error) {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: invalid image", ErrDocument)
	}
	b := img.Bounds()
	if b.Dx()*b.Dy() > imageMaxPixels {
		return nil, fmt.Errorf("%w: image too large", ErrDocument)
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("records: encoding an image for review: %w", err)
	}
	return &PageImage{PNG: buf.Bytes(), Width: b.Dx(), Height: b.Dy(), dx: [2]float64{1, 0}, dy: [2]float64{0, 1}}, nil
}
