package records

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"path"
)

// maxBlankPixels bounds the blank image written in place of a picture;
// larger pictures are replaced by a smaller blank of the same shape (Word
// lays a picture out by the size the document gives it, not its pixels).
const maxBlankPixels = 4 << 20

// blankImage returns a white image in place of a picture of the package:
// the same format and size for PNG, JPEG and GIF; a 1×1 PNG for the
// formats the standard library does not write (EMF, WMF, TIFF, BMP), and
// an empty drawing for SVG. No pixel of the original survives.
func blankImage(lower string, data []byte) []byte {
	if path.Ext(lower) == ".svg" {
		return []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	w, h := 1, 1
	if err == nil && cfg.Width > 0 && cfg.Height > 0 {
		w, h = cfg.Width, cfg.Height
		for int64(w)*int64(h) > maxBlankPixels {
			w, h = max(1, w/2), max(1, h/2)
		}
	} else {
		format = ""
	}
	var b bytes.Buffer
	switch format {
	case "jpeg":
		img := image.NewGray(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = 0xff
		}
		_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 50})
	case "gif":
		img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White})
		_ = gif.Encode(&b, img, nil)
	default:
		if format != "png" {
			w, h = 1, 1
		}
		img := image.NewGray(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = 0xff
		}
		_ = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img)
	}
	return b.Bytes()
}

// emptyRootXML returns a custom XML data part with its root element and
// namespace declarations only, so that the package's references to it
// stay valid while none of its data is released.
func emptyRootXML(data []byte) []byte {
	const decl = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>` + "\n"
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		start := int(d.InputOffset())
		tok, err := d.Token()
		if err != nil { // io.EOF, or not XML: an empty part of its own
			return []byte(decl + "<empty/>")
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		end := int(d.InputOffset())
		raw := data[start:end]
		vals, ok := rawAttrValues(raw)
		if !ok || len(vals) != len(se.Attr) {
			return []byte(decl + "<empty/>")
		}
		nameEnd := 1
		for nameEnd < len(raw) && !bytes.ContainsRune([]byte(" \t\r\n/>"), rune(raw[nameEnd])) {
			nameEnd++
		}
		var b bytes.Buffer
		b.WriteString(decl)
		b.Write(raw[:nameEnd])
		for i, a := range se.Attr {
			if a.Name.Space != "xmlns" && !(a.Name.Space == "" && a.Name.Local == "xmlns") {
				continue
			}
			b.WriteByte(' ')
			if a.Name.Space == "xmlns" {
				b.WriteString("xmlns:" + a.Name.Local)
			} else {
				b.WriteString("xmlns")
			}
			b.WriteString(`="`)
			b.Write(raw[vals[i][0]:vals[i][1]])
			b.WriteByte('"')
		}
		b.WriteString("/>")
		return b.Bytes()
	}
}
