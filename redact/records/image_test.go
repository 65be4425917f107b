package records

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/tiff"
)

// renderLines draws lines of black text on a white page, large enough
// for OCR.
func renderLines(t testing.TB, lines []string) *image.RGBA {
	t.Helper()
	ft, err := opentype.Parse(goregular.TTF)
	require.NoError(t, err)
	face, err := opentype.NewFace(ft, &opentype.FaceOptions{Size: 36, DPI: 72, Hinting: font.HintingFull})
	require.NoError(t, err)
	defer face.Close()
	img := image.NewRGBA(image.Rect(0, 0, 900, 80+70*len(lines)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face}
	for i, l := range lines {
		d.Dot = fixed.P(40, 80+70*i)
		d.DrawString(l)
	}
	return img
}

func requireTesseract(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Skip("tesseract is not installed (apt-get install tesseract-ocr): OCR tests skipped")
	}
}

// ocrText reads an image back with OCR, as an independent check.
func ocrText(t *testing.T, data []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	words, err := ocrWords(context.Background(), img)
	require.NoError(t, err)
	var lines []string
	for _, l := range ocrLines(words) {
		lines = append(lines, l.Text)
	}
	return strings.Join(lines, "\n")
}

func TestImageRedactsOCRText(t *testing.T) {
	requireTesseract(t)
	page := renderLines(t, []string{"Water meter repair request", "SSN 512-44-7301", "Phone (617) 555-0143", "Approved by the council"})
	encode := map[string]func(*bytes.Buffer) error{
		"png":  func(b *bytes.Buffer) error { return png.Encode(b, page) },
		"jpeg": func(b *bytes.Buffer) error { return jpeg.Encode(b, page, &jpeg.Options{Quality: 95}) },
		"tiff": func(b *bytes.Buffer) error { return tiff.Encode(b, page, nil) },
		"gif":  func(b *bytes.Buffer) error { return gif.Encode(b, page, nil) },
	}
	rq := newTestRequest(t, nil)
	for _, format := range []string{"png", "jpeg", "tiff", "gif"} {
		t.Run(format, func(t *testing.T) {
			var in bytes.Buffer
			require.NoError(t, encode[format](&in))
			before := ocrText(t, in.Bytes())
			require.Contains(t, before, "512-44-7301", "the fixture is readable")
			res, err := rq.Document("scan."+format, in.Bytes())
			require.NoError(t, err)
			_, got, err := image.DecodeConfig(bytes.NewReader(res.Output))
			require.NoError(t, err)
			assert.Equal(t, format, got, "the release keeps its format")
			after := ocrText(t, res.Output)
			digits := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, after)
			for _, v := range []string{"512447301", "6175550143", "5550143"} {
				assert.NotContains(t, digits, v)
			}
			assert.Contains(t, after, "Water meter repair", "text without personal data survives")
			var parts []string
			for _, e := range res.Entries {
				parts = append(parts, e.Part)
				assert.True(t, strings.HasPrefix(e.Part, "image > line "), e.Part)
			}
			assert.Len(t, res.Entries, 2, "%v", parts)
		})
	}
}

func TestImageWithoutTesseract(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var in bytes.Buffer
	require.NoError(t, png.Encode(&in, image.NewGray(image.Rect(0, 0, 10, 10))))
	_, err := newTestRequest(t, nil).Document("scan.png", in.Bytes())
	var we *WithheldError
	require.ErrorAs(t, err, &we, "an image is never released unchecked")
	assert.Equal(t, ReasonNeedsOCR, we.Reason)
}

func TestImageMalformedAndMultiFrame(t *testing.T) {
	rq := newTestRequest(t, nil)
	_, err := rq.Redact("x.png", DocImage, []byte("\x89PNG\r\n\x1a\nbroken"))
	assert.True(t, errors.Is(err, ErrDocument), "a broken PNG fails: %v", err)

	frame := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	var g bytes.Buffer
	require.NoError(t, gif.EncodeAll(&g, &gif.GIF{Image: []*image.Paletted{frame, frame}, Delay: []int{1, 1}}))
	_, err = rq.Redact("x.gif", DocImage, g.Bytes())
	var we *WithheldError
	require.ErrorAs(t, err, &we, "frames after the first would go unread")
	assert.Equal(t, ReasonUnsupported, we.Reason)
}

func TestParseOCRTSV(t *testing.T) {
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t900\t300\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t40\t50\t80\t30\t96.5\tSSN\n" +
		"5\t1\t1\t1\t1\t2\t130\t50\t200\t30\t91\t512-44-7301\n" +
		"5\t1\t1\t1\t2\t1\t40\t120\t100\t30\t95\tPhone\n"
	words, err := parseOCRTSV([]byte(tsv))
	require.NoError(t, err)
	require.Len(t, words, 3)
	assert.Equal(t, image.Rect(130, 50, 330, 80), words[1].Box)
	lines := ocrLines(words)
	require.Len(t, lines, 2)
	assert.Equal(t, "SSN 512-44-7301", lines[0].Text)
	assert.Equal(t, []image.Rectangle{words[1].Box}, lines[0].wordsIn(4, 15))
	for _, bad := range []string{"5\t1\t1\n", "5\tx\t1\t1\t1\t1\t1\t1\t1\t1\t9\tw\n", "5\t1\t1\t1\t1\t1\t-5\t1\t1\t1\t9\tw\n"} {
		_, err := parseOCRTSV([]byte("level\n" + bad))
		assert.Error(t, err, "%q", bad)
	}
}

func FuzzOCRTSV(f *testing.F) {
	f.Add([]byte("level\tpage_num\n5\t1\t1\t1\t1\t1\t40\t50\t80\t30\t96.5\tSSN\n5\t1\t1\t1\t1\t2\t130\t50\t200\t30\t91\t512-44-7301\n"))
	f.Add([]byte("5\t1\t1\t1\t1\t1\t0\t0\t0\t0\t-1\t \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		words, err := parseOCRTSV(data)
		if err != nil {
			return
		}
		for _, l := range ocrLines(words) {
			for i, w := range l.Words {
				if w.Box.Dx() < 0 || w.Box.Dy() < 0 || w.Text == "" {
					t.Fatalf("bad word %+v", w)
				}
				if !strings.HasPrefix(l.Text[l.starts[i]:], w.Text) {
					t.Fatalf("word %d not at its start", i)
				}
			}
			_ = l.wordsIn(0, len(l.Text))
		}
	})
}

func BenchmarkOCR(b *testing.B) {
	requireTesseract(b)
	lines := make([]string, 12)
	for i := range lines {
		lines[i] = "Water meter repair request approved by the council"
	}
	lines[3], lines[7] = "SSN 512-44-7301", "Phone (617) 555-0143"
	var in bytes.Buffer
	require.NoError(b, png.Encode(&in, renderLines(b, lines)))
	rq, err := NewRequest(recordsKey(b), nil)
	require.NoError(b, err)
	b.SetBytes(int64(in.Len()))
	for b.Loop() {
		if _, err := rq.Redact("scan.png", DocImage, in.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
