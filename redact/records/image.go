package records

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"time"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// Scans and photos are read with OCR (see ocr.go): each line of text is
// a segment, and the words a redaction overlaps are painted over with
// opaque black boxes. The release is the decoded image encoded again in
// its format, so it keeps none of the original's metadata (EXIF,
// comments, GPS positions, thumbnails).

// Limits on images.
const (
	imageMaxPixels = 60 << 20 // pixels of one image
	imageOCRTime   = 3 * time.Minute
	imageBoxPad    = 2 // pixels added around a word's box
)

func (rq *Request) redactImage(res *Result, part string, data []byte) ([]byte, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: invalid image", ErrDocument)}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > imageMaxPixels {
		return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonUnreadable, Detail: "image too large"}
	}
	switch format {
	case "gif":
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			return nil, &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: invalid image", ErrDocument)}
		}
		if len(g.Image) > 1 {
			return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonUnsupported, Detail: "animated GIF"}
		}
	case "tiff":
		if tiffPages(data) != 1 {
			return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonUnsupported, Detail: "multi-page TIFF"}
		}
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: invalid image", ErrDocument)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), imageOCRTime)
	defer cancel()
	words, err := ocrWords(ctx, img)
	switch {
	case errors.Is(err, errNoOCR):
		return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonNeedsOCR}
	case err != nil:
		return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonUnreadable, Detail: "OCR failed"}
	}
	var boxes []image.Rectangle
	for n, l := range ocrLines(words) {
		b := l.Box
		loc := joinPart(part, fmt.Sprintf("image > line %d (x=%d y=%d w=%d h=%d)", n+1, b.Min.X, b.Min.Y, b.Dx(), b.Dy()))
		for _, e := range rq.segment(res, loc, "", l.Text) {
			boxes = append(boxes, l.wordsIn(e.start, e.end)...)
		}
	}
	boxes = append(boxes, res.drawnImageBoxes(rq, joinPart(part, "image"))...)
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	black := image.NewUniform(color.Black)
	for _, b := range boxes {
		r := image.Rect(b.Min.X-imageBoxPad, b.Min.Y-imageBoxPad, b.Max.X+imageBoxPad, b.Max.Y+imageBoxPad).Add(img.Bounds().Min)
		draw.Draw(out, r.Intersect(out.Bounds()), black, image.Point{}, draw.Src)
	}
	var buf bytes.Buffer
	switch format {
	case "jpeg":
		err = jpeg.Encode(&buf, out, &jpeg.Options{Quality: 95})
	case "gif":
		err = gif.Encode(&buf, out, nil)
	case "tiff":
		err = tiff.Encode(&buf, out, &tiff.Options{Compression: tiff.Deflate})
	case "bmp":
		err = bmp.Encode(&buf, out)
	default:
		err = png.Encode(&buf, out)
	}
	if err != nil {
		return nil, fmt.Errorf("records: write image: %w", err)
	}
	return buf.Bytes(), nil
}

// tiffPages counts the image file directories of a TIFF file (up to 2),
// and returns 0 when the chain is malformed.
func tiffPages(data []byte) int {
	if len(data) < 8 {
		return 0
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		bo = binary.BigEndian
	}
	off := int64(bo.Uint32(data[4:8]))
	pages := 0
	for off != 0 && pages < 2 {
		if off+2 > int64(len(data)) {
			return 0
		}
		n := int64(bo.Uint16(data[off : off+2]))
		next := off + 2 + 12*n
		if next+4 > int64(len(data)) {
			return 0
		}
		pages++
		off = int64(bo.Uint32(data[next : next+4]))
	}
	return pages
}

// drawnImageBoxes returns the boxes a reviewer drew on an image (during
// Decide; pixels from the top left, Box.Bottom the upper edge), each
// logged as an added redaction.
func (res *Result) drawnImageBoxes(rq *Request, part string) []image.Rectangle {
	st := res.dec
	if st == nil {
		return nil
	}
	var out []image.Rectangle
	for _, m := range st.boxes[part] {
		r := image.Rect(int(math.Floor(m.Box.Left)), int(math.Floor(m.Box.Bottom)), int(math.Ceil(m.Box.Right)), int(math.Ceil(m.Box.Top)))
		out = append(out, r)
		st.used[m.ID] = true
		ex, _ := rq.cat.Exemption(m.Code)
		res.Entries = append(res.Entries, LogEntry{Document: res.Document,
			Part:   joinPart(part, fmt.Sprintf("box x=%d y=%d w=%d h=%d", r.Min.X, r.Min.Y, r.Dx(), r.Dy())),
			Entity: EntityManual, Code: ex.Code, Citation: ex.Citation, Operator: OpBox, Rule: "manual", Detector: "manual.box",
			Confidence: 1, Decision: DecisionManual, DecidedBy: m.By})
		res.spans = append(res.spans, span{len(res.view), len(res.view)})
	}
	return out
}
