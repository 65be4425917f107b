package records

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// OCR runs Tesseract (https://github.com/tesseract-ocr/tesseract) as a
// process: the image goes in on standard input as PNG and the word boxes
// come back on standard output as TSV, so that no copy of a record is
// written to disk. Without the tesseract program on PATH, images are
// withheld (ReasonNeedsOCR).

// errNoOCR says that the tesseract program is not installed.
var errNoOCR = errors.New("records: tesseract not found")

// ocrMaxOutput bounds what Tesseract may print for one image.
const ocrMaxOutput = 64 << 20

// ocrWord is one word Tesseract read, with its box in image coordinates
// and its place in the page's layout.
type ocrWord struct {
	Text                    string
	Box                     image.Rectangle
	Block, Par, Line, Index int
	Conf                    float64 // 0 to 100
}

// ocrLineKey identifies a line of a page.
func (w ocrWord) lineKey() [3]int { return [3]int{w.Block, w.Par, w.Line} }

// ocrWords reads the words of an image with Tesseract.
func ocrWords(ctx context.Context, img image.Image) ([]ocrWord, error) {
	bin, err := exec.LookPath("tesseract")
	if err != nil {
		return nil, errNoOCR
	}
	var in bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&in, img); err != nil {
		return nil, fmt.Errorf("records: ocr: encode image: %w", err)
	}
	cmd := exec.CommandContext(ctx, bin, "stdin", "stdout", "--psm", "3", "tsv")
	cmd.Stdin = &in
	out := &limitedBuffer{max: ocrMaxOutput}
	var stderr limitedBuffer
	stderr.max = 4 << 10
	cmd.Stdout, cmd.Stderr = out, &stderr
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	if err := cmd.Run(); err != nil {
		// Tesseract's messages may quote nothing of the image, but keep
		// them out of the error anyway: only the exit status.
		return nil, fmt.Errorf("records: ocr: tesseract failed: %w", errors.Unwrap(err))
	}
	if out.over {
		return nil, errors.New("records: ocr: output too large")
	}
	return parseOCRTSV(out.Bytes())
}

// limitedBuffer keeps up to max bytes and notes whether more came.
type limitedBuffer struct {
	bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		b.over = true
		p = p[:max(0, b.max-b.Len())]
	}
	b.Buffer.Write(p)
	return len(p), nil
}

// parseOCRTSV reads Tesseract's TSV output ("level page_num block_num
// par_num line_num word_num left top width height conf text") and returns
// its words (level 5) with text, in reading order.
func parseOCRTSV(data []byte) ([]ocrWord, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var words []ocrWord
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			if strings.HasPrefix(line, "level") {
				continue
			}
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.SplitN(line, "\t", 12)
		if len(f) < 11 {
			return nil, errors.New("records: ocr: invalid TSV line")
		}
		var n [10]int
		for i := range n {
			v, err := strconv.Atoi(f[i])
			if err != nil || v < -1 || v > 1<<24 {
				return nil, errors.New("records: ocr: invalid TSV number")
			}
			n[i] = v
		}
		if n[0] != 5 || len(f) < 12 || strings.TrimSpace(f[11]) == "" {
			continue
		}
		conf, err := strconv.ParseFloat(f[10], 64)
		if err != nil {
			return nil, errors.New("records: ocr: invalid TSV confidence")
		}
		if n[6] < 0 || n[7] < 0 || n[8] < 0 || n[9] < 0 {
			return nil, errors.New("records: ocr: invalid TSV box")
		}
		words = append(words, ocrWord{
			Text:  strings.TrimSpace(f[11]),
			Box:   image.Rect(n[6], n[7], n[6]+n[8], n[7]+n[9]),
			Block: n[2], Par: n[3], Line: n[4], Index: n[5],
			Conf: conf,
		})
	}
	if err := sc.Err(); err != nil {
		return nil, errors.New("records: ocr: invalid TSV")
	}
	return words, nil
}

// ocrLine is a line of words joined with spaces; starts[i] is where word
// i begins in Text.
type ocrLine struct {
	Text   string
	Words  []ocrWord
	starts []int
	Box    image.Rectangle
}

// ocrLines groups words into lines, in the order Tesseract read them.
func ocrLines(words []ocrWord) []ocrLine {
	var lines []ocrLine
	for i, w := range words {
		if i == 0 || w.lineKey() != words[i-1].lineKey() {
			lines = append(lines, ocrLine{Box: w.Box})
		}
		l := &lines[len(lines)-1]
		if len(l.Words) > 0 {
			l.Text += " "
		}
		l.starts = append(l.starts, len(l.Text))
		l.Text += w.Text
		l.Words = append(l.Words, w)
		l.Box = l.Box.Union(w.Box)
	}
	return lines
}

// wordsIn returns the boxes of the words of a line that overlap
// Text[start:end].
func (l *ocrLine) wordsIn(start, end int) []image.Rectangle {
	var boxes []image.Rectangle
	for i, w := range l.Words {
		ws, we := l.starts[i], l.starts[i]+len(w.Text)
		if ws < end && we > start {
			boxes = append(boxes, w.Box)
		}
	}
	return boxes
}
