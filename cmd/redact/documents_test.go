package main

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact/piitest"
	"github.com/civickit/privacy/redact/records"
	"github.com/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The values planted in every document of the request below. All fake.
const (
	docSSN   = "512-44-7301"
	docPhone = "(617) 555-0143"
	docEmail = "ana.ruiz@example.com"
)

// writeDocuments writes one request folder with a document of every
// format the command reads, each holding the planted values, plus a file
// it cannot read.
func writeDocuments(t *testing.T, dir string) {
	t.Helper()
	w := func(name string, data []byte) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	sentence := "Resident SSN " + docSSN + ", phone " + docPhone + ", e-mail " + docEmail + ". The water meter was repaired."

	// E-mail: a base64 body and a quoted-printable attachment.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	p, _ := mw.CreatePart(map[string][]string{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"base64"}})
	io.WriteString(p, base64.StdEncoding.EncodeToString([]byte(sentence)))
	p, _ = mw.CreatePart(map[string][]string{"Content-Type": {"text/plain; name=notes.txt"}, "Content-Disposition": {"attachment; filename=notes.txt"},
		"Content-Transfer-Encoding": {"quoted-printable"}})
	qw := quotedprintable.NewWriter(p)
	io.WriteString(qw, sentence)
	qw.Close()
	mw.Close()
	w("mail/complaint.eml", []byte("From: "+mime.QEncoding.Encode("utf-8", "Ana Ruiz <"+docEmail+">")+"\r\nSubject: SSN "+docSSN+
		"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="+mw.Boundary()+"\r\n\r\n"+body.String()))

	// Word: the SSN split over three runs.
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels":         `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			`<w:p><w:r><w:t xml:space="preserve">Resident SSN 512-</w:t></w:r><w:r><w:t>44-</w:t></w:r><w:r><w:t>7301</w:t></w:r></w:p>` +
			`<w:p><w:r><w:t>` + sentence + `</w:t></w:r></w:p></w:body></w:document>`,
	} {
		f, err := zw.Create(name)
		require.NoError(t, err)
		io.WriteString(f, content)
	}
	require.NoError(t, zw.Close())
	w("letters/permit.docx", docx.Bytes())

	// Excel, through excelize.
	x := excelize.NewFile()
	require.NoError(t, x.SetSheetRow("Sheet1", "A1", &[]any{"Name", "SSN", "Phone", "Email", "Note"}))
	require.NoError(t, x.SetSheetRow("Sheet1", "A2", &[]any{"Ana Ruiz", docSSN, 6175550143, docEmail, "The water meter was repaired."}))
	var xb bytes.Buffer
	require.NoError(t, x.Write(&xb))
	w("data/residents.xlsx", xb.Bytes())

	// PDF: a clean page and one with the values.
	pdf := fpdf.New("P", "pt", "Letter", "")
	pdf.SetAuthor("Ana Ruiz", true)
	pdf.SetFont("Helvetica", "", 11)
	pdf.AddPage()
	pdf.Text(72, 90, "Council minutes, March 2025. The water meter was repaired.")
	pdf.AddPage()
	pdf.Text(72, 90, sentence)
	var pb bytes.Buffer
	require.NoError(t, pdf.Output(&pb))
	w("minutes.pdf", pb.Bytes())

	// A scan, as an image.
	ft, err := opentype.Parse(goregular.TTF)
	require.NoError(t, err)
	face, err := opentype.NewFace(ft, &opentype.FaceOptions{Size: 36, DPI: 72, Hinting: font.HintingFull})
	require.NoError(t, err)
	img := image.NewRGBA(image.Rect(0, 0, 900, 220))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face}
	for i, l := range []string{"Water meter repair", "Resident SSN " + docSSN} {
		d.Dot = fixed.P(40, 80+70*i)
		d.DrawString(l)
	}
	var ib bytes.Buffer
	require.NoError(t, png.Encode(&ib, img))
	w("scans/form.png", ib.Bytes())

	w("photo.heic", []byte("\x00\x00\x00\x18ftypheic SSN "+docSSN))
}

// releaseText reads every released file with a reader other than the one
// that wrote it and returns all the text it finds, for the leak check.
func releaseText(t *testing.T, out string) string {
	t.Helper()
	var all strings.Builder
	tags := regexp.MustCompile(`<[^>]*>`)
	require.NoError(t, filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		all.Write(data) // raw bytes, in every case
		switch strings.ToLower(filepath.Ext(p)) {
		case ".eml":
			m, err := mail.ReadMessage(bytes.NewReader(data))
			require.NoError(t, err, "the released message parses")
			b, _ := io.ReadAll(m.Body)
			all.Write(b)
			dec := new(mime.WordDecoder)
			for _, v := range m.Header {
				s, _ := dec.DecodeHeader(strings.Join(v, " "))
				all.WriteString(s)
			}
		case ".docx", ".xlsx":
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			require.NoError(t, err, "the released Office file is a zip")
			for _, f := range zr.File {
				rc, err := f.Open()
				require.NoError(t, err)
				b, _ := io.ReadAll(rc)
				rc.Close()
				all.WriteString(tags.ReplaceAllString(string(b), ""))
			}
		case ".pdf":
			if bin, err := exec.LookPath("pdftotext"); err == nil {
				txt, err := exec.Command(bin, p, "-").Output()
				require.NoError(t, err, "Poppler reads the released PDF")
				all.Write(txt)
				assert.Contains(t, string(txt), "Council minutes", "the clean page keeps its text")
			}
		case ".png":
			if bin, err := exec.LookPath("tesseract"); err == nil {
				txt, err := exec.Command(bin, p, "stdout").Output()
				require.NoError(t, err)
				all.Write(txt)
				assert.Contains(t, string(txt), "Water meter", "the rest of the scan is released")
			}
		}
		return nil
	}))
	return all.String()
}

// TestCLIDocuments runs the command over a request with every document
// format and checks, with independent readers, that no planted value is
// released, and that the summary accounts for every file.
func TestCLIDocuments(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildCLI(t)
	work := t.TempDir()
	in := filepath.Join(work, "request")
	writeDocuments(t, in)
	out := filepath.Join(work, "release")
	code, stderr := runCLI(t, bin, "-out", out, in)
	assert.Equal(t, exitIncomplete, code, "the .heic file is withheld: %s", stderr)
	assert.Contains(t, stderr, "photo.heic: withheld: unsupported format (.heic)")

	var sum records.LogSummary
	b, err := os.ReadFile(filepath.Join(out, "redaction-summary.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &sum))
	status := map[string]records.Status{}
	for _, f := range sum.Files {
		status[f.Document] = f.Status
	}
	want := map[string]records.Status{
		"mail/complaint.eml": records.StatusRedacted, "letters/permit.docx": records.StatusRedacted,
		"data/residents.xlsx": records.StatusRedacted, "minutes.pdf": records.StatusRedacted,
		"photo.heic": records.StatusWithheld,
	}
	if _, err := exec.LookPath("tesseract"); err == nil {
		want["scans/form.png"] = records.StatusRedacted
	} else {
		want["scans/form.png"] = records.StatusWithheld
	}
	assert.Equal(t, want, status, "every file has its status")

	// Logs and reports are not part of the release; leave them out of the
	// document checks but check them for leaks too.
	rel := filepath.Join(work, "release-docs")
	require.NoError(t, os.MkdirAll(rel, 0o700))
	for doc, st := range status {
		if st != records.StatusRedacted && st != records.StatusClean {
			_, err := os.Stat(filepath.Join(out, doc))
			assert.True(t, os.IsNotExist(err), "%s is not released", doc)
			continue
		}
		data, err := os.ReadFile(filepath.Join(out, doc))
		require.NoError(t, err, "%s is released", doc)
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(rel, doc)), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(rel, doc), data, 0o600))
	}
	text := releaseText(t, rel)
	cs := piitest.New(t)
	canaries := []piitest.Canary{cs.Custom(pii.SSN, docSSN), cs.Custom(pii.Phone, docPhone), cs.Custom(pii.Email, docEmail)}
	piitest.AssertNoLeak(t, text, canaries...)
	assert.NotContains(t, strings.ToLower(text), "ruiz")
	assert.GreaterOrEqual(t, strings.Count(text, "The water meter was repaired."), 4,
		"the ordinary sentence survives in the e-mail, its attachment, the Word and the Excel file")
	for _, side := range []string{"redaction-log.csv", "redaction-log.json", "redaction-summary.csv", "redaction-summary.json", "review.html"} {
		data, err := os.ReadFile(filepath.Join(out, side))
		require.NoError(t, err)
		piitest.AssertNoLeak(t, data, canaries...)
	}
}

// TestCLIDenyAndAllow: a clerk's deny-list withholds a requester's name in
// every form under its code, and the city's own addresses are released.
func TestCLIDenyAndAllow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildCLI(t)
	work := t.TempDir()
	in := filepath.Join(work, "in")
	require.NoError(t, os.MkdirAll(in, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(in, "memo.txt"), []byte(
		"Request of JORDAN ABERNATHY (case CR-2024-118), answered by clerk@cityname.gov. Ms. Abernathy's earlier request was denied.\n"), 0o644))
	deny := filepath.Join(work, "deny.txt")
	require.NoError(t, os.WriteFile(deny, []byte("Jordan Abernathy\n[(b)(7)(C)] CR-2024-118\n"), 0o644))
	out := filepath.Join(work, "out")
	code, stderr := runCLI(t, bin, "-out", out, "-deny", deny, "-allow-domain", "cityname.gov", in)
	require.Equal(t, exitRedacted, code, stderr)
	got, err := os.ReadFile(filepath.Join(out, "memo.txt"))
	require.NoError(t, err)
	assert.Equal(t, "Request of [REDACTED (b)(6)] (case [REDACTED (b)(7)(C)]), answered by clerk@cityname.gov. [REDACTED (b)(6)]'s earlier request was denied.\n", string(got))

	code, _ = runCLI(t, bin, "-out", filepath.Join(work, "out2"), "-deny", deny, "-deny-code", "(z)", in)
	assert.Equal(t, exitError, code, "a code the catalog lacks is refused")
	code, _ = runCLI(t, bin, "-out", filepath.Join(work, "out3"), "-allow-pattern", "(", in)
	assert.Equal(t, exitError, code, "a bad pattern is refused")

	cmd := exec.Command(bin, "-version")
	v, err := cmd.Output()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(v), "redact "), "prints its version: %s", v)
}
