package records

import (
	"bytes"
	"fmt"
	"os/exec"
	"testing"
)

// councilPacket is a 100-page text-only agenda packet with a resident's
// phone number on every page, so that every page is redacted.
func councilPacket(b testing.TB) []byte {
	pages := make([][]string, 100)
	for i := range pages {
		lines := []string{fmt.Sprintf("Council packet, item %d", i+1)}
		for j := range 30 {
			lines = append(lines, fmt.Sprintf("Line %d: the committee reviewed the proposal and voted to refer it to staff.", j+1))
		}
		lines[10] = fmt.Sprintf("Comment from a resident, call (617) 555-01%02d about the hearing.", i%100)
		pages[i] = lines
	}
	return buildPDF(b, pages, pdfFixtureOptions{})
}

// BenchmarkPDFCouncilPacket redacts the packet end to end: text
// extraction, detection, rendering every page and writing the release.
func BenchmarkPDFCouncilPacket(b *testing.B) {
	rq := newTestRequest(&testing.T{}, nil)
	data := councilPacket(b)
	if _, err := rq.Document("packet.pdf", data); err != nil { // start the engine
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := rq.Document("packet.pdf", data)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Entries) < 100 {
			b.Fatalf("%d entries", len(res.Entries))
		}
	}
	b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkPDFCouncilPacketPdftotext is the baseline: poppler's pdftotext
// extracting the packet's text (no detection, no redaction).
func BenchmarkPDFCouncilPacketPdftotext(b *testing.B) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		b.Skip("pdftotext (poppler-utils) not installed")
	}
	data := councilPacket(b)
	for b.Loop() {
		cmd := exec.Command(bin, "-q", "-", "-")
		cmd.Stdin = bytes.NewReader(data)
		if _, err := cmd.Output(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "pages/s")
}
