package records

import (
	"context"
	"image"
)

// Scanned PDF pages are read with the same Tesseract OCR as images (see
// ocr.go): without Tesseract a scanned PDF is withheld as needing OCR.
func init() { pdfOCR = tesseractPDFOCR }

// tesseractPDFOCR returns the words of a rendered page, one slice per
// line in reading order.
func tesseractPDFOCR(img image.Image) ([][]OCRWord, error) {
	words, err := ocrWords(context.Background(), img)
	if err != nil {
		return nil, err
	}
	var out [][]OCRWord
	for _, l := range ocrLines(words) {
		line := make([]OCRWord, 0, len(l.Words))
		for _, w := range l.Words {
			line = append(line, OCRWord{Text: w.Text, Left: w.Box.Min.X, Top: w.Box.Min.Y, Right: w.Box.Max.X, Bottom: w.Box.Max.Y})
		}
		out = append(out, line)
	}
	return out, nil
}
