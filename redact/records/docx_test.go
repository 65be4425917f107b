package records

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact/piitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docxFile is one entry of a test package.
type docxFile struct{ name, body string }

// buildZip writes entries in order, Deflate.
func buildZip(t testing.TB, files []docxFile) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
		require.NoError(t, err)
		_, err = w.Write([]byte(f.body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return b.Bytes()
}

const (
	nsW   = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	nsR   = `xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	nsAll = nsW + ` ` + nsR +
		` xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"` +
		` xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"` +
		` xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"` +
		` xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"` +
		` xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"` +
		` xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"` +
		` mc:Ignorable=""`
)

// Planted values of the fixture, and text that must survive.
var (
	docxSSN        = "512-44-7301"
	docxDeletedSSN = "512-44-7388"
	docxName       = "Ana Ruiz"
	docxBoxName    = "Maria Lopez"
	docxAuthor     = "Ben Okafor"
	docxHeadPhone  = "(617) 555-0143"
	docxFootPhone  = "(617) 555-0198"
	docxBoxPhone   = "(413) 555-0142"
	docxNoteEmail  = "ana.ruiz@example.com"
	docxCmtEmail   = "ana@example.com"
	docxLinkEmail  = "hr.ruiz@example.com"
	docxFieldEmail = "ben.okafor@example.com"
	docxInsPhone   = "(617) 555-0177"
	docxCard       = "4111 1111 1111 1111"
	docxKept       = []string{"Permit application", "was reviewed", "Inserted note approved", "Page header text",
		"Footer text", "Footnote about the permit", "Comment on the review", "Text box heading", "email me"}
)

func p(runs ...string) string { return `<w:p>` + strings.Join(runs, "") + `</w:p>` }
func r(text string) string {
	return `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">` + text + `</w:t></w:r>`
}

// pngWithText returns a small PNG carrying a tEXt chunk: metadata that a
// copied image would release.
func pngWithText(t testing.TB, text string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	data := b.Bytes()
	chunk := append([]byte("tEXt"), append([]byte("Comment\x00"), text...)...)
	var c bytes.Buffer
	_ = binary.Write(&c, binary.BigEndian, uint32(len(chunk)-4))
	c.Write(chunk)
	_ = binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	// after the IHDR chunk: 8 signature + 25 IHDR
	return append(append(append([]byte{}, data[:33]...), c.Bytes()...), data[33:]...)
}

// docxFixture builds a Word package with personal data in every place
// the redactor must look.
func docxFixture(t testing.TB) []byte {
	body := strings.Join([]string{
		p(r("Permit application"), r(" was reviewed.")),
		// An SSN split over three runs, a name over two.
		p(r("SSN: 512-"), r("44-"), r("7301"), r(". Applicant Ms. Ana "), r("Ruiz signed.")),
		// A tracked deletion holding an SSN, and a tracked insertion.
		p(r("Old number "), `<w:del w:id="1" w:author="`+docxName+`" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>SSN 512-44-7388</w:delText></w:r></w:del>`,
			`<w:ins w:id="2" w:author="`+docxName+`" w:date="2026-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">Inserted note approved, call (617) 555-0177</w:t></w:r></w:ins>`),
		// A hyperlink to a mailto address, and a HYPERLINK field code.
		p(`<w:hyperlink r:id="rIdLink"><w:r><w:t>email me</w:t></w:r></w:hyperlink>`),
		p(`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "mailto:ben.okafor@</w:instrText></w:r><w:r><w:instrText>example.com" </w:instrText></w:r>` +
			`<w:r><w:fldChar w:fldCharType="separate"/></w:r>` + r("write to us") + `<w:r><w:fldChar w:fldCharType="end"/></w:r>`),
		// A comment and a footnote reference.
		p(`<w:commentRangeStart w:id="0"/>`, r("Card 4111 1111 1111 1111 on file."), `<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>`,
			`<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>`),
		// A text box (a paragraph inside a paragraph) with a name and phone.
		p(r("Before the box. "), `<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="1828800" cy="457200"/><wp:docPr id="1" name="Text Box 1" descr="Photo of Ana Ruiz"/>`+
			`<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1828800" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>`+
			`<wps:txbx><w:txbxContent>`+p(r("Text box heading"))+p(r("Case worker Ms. Maria "), r("Lopez, phone (413) 555-"), r("0142"))+`</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`,
			r(" After the box.")),
		// A picture and an embedded OLE object.
		p(`<w:r><w:drawing><wp:inline><wp:extent cx="285750" cy="190500"/><wp:docPr id="2" name="Picture 2" descr="Signature of Ana Ruiz"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="2" name="image1.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImg"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="285750" cy="190500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`),
		p(`<w:r><w:object w:dxaOrig="1440" w:dyaOrig="1440"><v:shape id="_x0000_i1025" style="width:72pt;height:72pt" o:ole=""><v:imagedata r:id="rIdImg" o:title=""/></v:shape><o:OLEObject Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" DrawAspect="Icon" ObjectID="_1" r:id="rIdOle"/></w:object></w:r>`),
		`<w:sectPr><w:headerReference w:type="default" r:id="rIdHead"/><w:footerReference w:type="default" r:id="rIdFoot"/><w:pgSz w:w="12240" w:h="15840"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>`,
	}, "")
	xmlDecl := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	return buildZip(t, []docxFile{
		{"[Content_Types].xml", xmlDecl + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
			`<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
			`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
			`<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>` +
			`<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>` +
			`<Override PartName="/word/embeddings/oleObject1.bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>` +
			`<Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/>` +
			`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
			`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
			`<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>` +
			`</Types>`},
		{"_rels/.rels", xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
			`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>` +
			`</Relationships>`},
		{"word/document.xml", xmlDecl + `<w:document ` + nsAll + `><w:body>` + body + `</w:body></w:document>`},
		{"word/_rels/document.xml.rels", xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rIdHead" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>` +
			`<Relationship Id="rIdFoot" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
			`<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>` +
			`<Relationship Id="rIdCmt" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>` +
			`<Relationship Id="rIdLink" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="mailto:hr.ruiz@example.com" TargetMode="External"/>` +
			`<Relationship Id="rIdImg" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>` +
			`<Relationship Id="rIdOle" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/oleObject" Target="embeddings/oleObject1.bin"/>` +
			`<Relationship Id="rIdCx" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml" Target="../customXml/item1.xml"/>` +
			`</Relationships>`},
		{"word/header1.xml", xmlDecl + `<w:hdr ` + nsW + `>` + p(r("Page header text, phone "), r("(617) 555-"), r("0143")) + `</w:hdr>`},
		{"word/footer1.xml", xmlDecl + `<w:ftr ` + nsW + `>` + p(r("Footer text. Call (617) 555-0198 today.")) + `</w:ftr>`},
		{"word/footnotes.xml", xmlDecl + `<w:footnotes ` + nsW + `>` +
			`<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>` +
			`<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>` +
			`<w:footnote w:id="1">` + p(r("Footnote about the permit: write to ana.ruiz@"), r("example.com.")) + `</w:footnote></w:footnotes>`},
		{"word/comments.xml", xmlDecl + `<w:comments ` + nsW + `><w:comment w:id="0" w:author="Ben Okafor" w:initials="BO" w:date="2026-01-01T00:00:00Z">` +
			p(r("Comment on the review: ask ana@example.com first.")) + `</w:comment></w:comments>`},
		{"word/media/image1.png", string(pngWithText(t, "SSN 512-44-7301"))},
		{"word/embeddings/oleObject1.bin", "OLE\x00payload Ana Ruiz 512-44-7301"},
		{"customXml/item1.xml", xmlDecl + `<applicant xmlns="urn:example:permit"><name>Ana Ruiz</name><ssn>512-44-7301</ssn></applicant>`},
		{"customXml/itemProps1.xml", xmlDecl + `<ds:datastoreItem ds:itemID="{6A2B1C3D-0000-4000-8000-000000000001}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs/></ds:datastoreItem>`},
		{"customXml/_rels/item1.xml.rels", xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps" Target="itemProps1.xml"/></Relationships>`},
		{"docProps/core.xml", xmlDecl + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
			`<dc:title>Permit for Ana Ruiz</dc:title><dc:creator>Ana Ruiz</dc:creator><cp:lastModifiedBy>Ben Okafor</cp:lastModifiedBy><dc:description>SSN 512-44-7301</dc:description>` +
			`<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created></cp:coreProperties>`},
		{"docProps/app.xml", xmlDecl + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Company>Records Office</Company><Manager>Ben Okafor</Manager><Pages>1</Pages></Properties>`},
		{"docProps/custom.xml", xmlDecl + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
			`<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Contact"><vt:lpwstr>call (617) 555-0143</vt:lpwstr></property></Properties>`},
	})
}

// docxCanaries are the planted values in every form piitest knows.
func docxCanaries(t *testing.T) []piitest.Canary {
	cs := piitest.New(t)
	return []piitest.Canary{
		cs.Custom(pii.SSN, docxSSN), cs.Custom(pii.SSN, docxDeletedSSN),
		cs.Custom(pii.Name, docxName), cs.Custom(pii.Name, docxBoxName), cs.Custom(pii.Name, docxAuthor),
		cs.Custom(pii.Phone, docxHeadPhone), cs.Custom(pii.Phone, docxFootPhone), cs.Custom(pii.Phone, docxBoxPhone),
		cs.Custom(pii.Phone, docxInsPhone),
		cs.Custom(pii.Email, docxNoteEmail), cs.Custom(pii.Email, docxCmtEmail), cs.Custom(pii.Email, docxLinkEmail),
		cs.Custom(pii.Email, docxFieldEmail), cs.Custom(pii.PaymentCard, docxCard),
	}
}

var xmlTags = regexp.MustCompile(`<[^>]*>`)

// partText returns the character data of an XML part read with a plain
// decoder (not the redactor's splicer), joined without separators so
// that values split over runs are joined again.
func partText(t *testing.T, name string, b []byte) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var sb strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "release part %s is not well-formed XML", name)
		switch tt := tok.(type) {
		case xml.CharData:
			sb.Write(tt)
		case xml.StartElement:
			for _, a := range tt.Attr {
				sb.WriteString(" " + a.Value + " ")
			}
		}
	}
	return sb.String()
}

// readRelease unzips a release with archive/zip.
func readRelease(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, f := range zr.File {
		assert.Equal(t, zip.Deflate, f.Method, f.Name)
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		rc.Close()
		out[f.Name] = b
	}
	return out
}

func TestDOCXRedactsEveryPart(t *testing.T) {
	rq := newTestRequest(t, nil)
	in := docxFixture(t)
	res, err := rq.Document("permit.docx", in)
	require.NoError(t, err)
	require.Equal(t, DocDOCX, res.Format)
	assert.Equal(t, StatusRedacted, res.Status())
	parts := readRelease(t, res.Output)

	// Leak check: every part, raw and as text joined across runs.
	canaries := docxCanaries(t)
	var all strings.Builder
	for name, b := range parts {
		piitest.AssertNoLeak(t, b, canaries...)
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			txt := partText(t, name, b)
			piitest.AssertNoLeak(t, txt, canaries...)
			piitest.AssertNoLeak(t, xmlTags.ReplaceAllString(string(b), ""), canaries...)
			all.WriteString(txt)
		}
	}
	for _, k := range docxKept {
		assert.Contains(t, all.String(), k, "non-personal text survives")
	}

	// Parts withheld, and the package still consistent.
	assert.NotContains(t, parts, "word/embeddings/oleObject1.bin")
	assert.NotContains(t, string(parts["[Content_Types].xml"]), "oleObject1.bin")
	assert.NotContains(t, string(parts["word/_rels/document.xml.rels"]), "oleObject1.bin")
	assert.NotContains(t, string(parts["word/document.xml"]), "OLEObject")
	assert.NotContains(t, string(parts["word/document.xml"]), "delText")
	assert.Contains(t, string(parts["word/document.xml"]), `mailto:`, "the field code is kept, its address redacted")
	assert.Contains(t, string(parts["word/_rels/document.xml.rels"]), `Target="mailto:`)
	assert.Contains(t, string(parts["customXml/item1.xml"]), `<applicant xmlns="urn:example:permit"/>`)
	img, format, err := image.Decode(bytes.NewReader(parts["word/media/image1.png"]))
	require.NoError(t, err)
	assert.Equal(t, "png", format)
	assert.Equal(t, image.Rect(0, 0, 3, 2), img.Bounds(), "same size")
	withheld := map[string]bool{}
	for _, w := range res.Withheld {
		withheld[w.Part] = true
	}
	for _, w := range []string{"word/media/image1.png", "word/embeddings/oleObject1.bin", "customXml/item1.xml"} {
		assert.True(t, withheld[w], "%s listed as withheld", w)
	}

	// Locations name parts, never content.
	for _, e := range res.Entries {
		assert.NotEmpty(t, e.Part)
		piitest.AssertNoLeak(t, e.Part, canaries...)
	}
	wantParts := []string{"word/document.xml > paragraph 2", "word/header1.xml > paragraph 1", "word/footer1.xml > paragraph 1",
		"word/footnotes.xml > paragraph 3", "word/comments.xml > paragraph 1", "docProps/core.xml > creator",
		"word/_rels/document.xml.rels > relationship 1 target", "word/comments.xml > author attribute"}
	got := map[string]bool{}
	for _, e := range res.Entries {
		got[e.Part] = true
	}
	for _, w := range wantParts {
		assert.True(t, got[w], "an entry at %s", w)
	}

	// A second pass changes nothing.
	res2, err := rq.Document("permit.docx", res.Output)
	require.NoError(t, err)
	assert.Empty(t, res2.Entries)

	checkWithLibreOffice(t, res.Output, canaries)
}

// convertWithLibreOffice converts a file with LibreOffice (soffice
// --convert-to) and returns the result, or skips the test when LibreOffice
// is not installed.
func convertWithLibreOffice(t *testing.T, data []byte, filter, ext string) []byte {
	t.Helper()
	return convertFileWithLibreOffice(t, data, "in.docx", filter, ext)
}

// convertFileWithLibreOffice is convertWithLibreOffice for an input file
// name of any type; it returns the first output file.
func convertFileWithLibreOffice(t *testing.T, data []byte, name, filter, ext string) []byte {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed: skipping the LibreOffice check")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(in, data, 0o600))
	outDir := filepath.Join(dir, "out")
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", filter, "--outdir", outDir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "soffice: %s", out)
	outs, _ := filepath.Glob(filepath.Join(outDir, "*."+ext))
	require.NotEmpty(t, outs, "LibreOffice could not open the file: %s", out)
	var all []byte
	for _, o := range outs { // one file per sheet for a spreadsheet
		b, err := os.ReadFile(o)
		require.NoError(t, err)
		all = append(all, b...)
	}
	return all
}

// checkWithLibreOffice converts the release to text with LibreOffice, a
// reader independent of this package.
func checkWithLibreOffice(t *testing.T, release []byte, canaries []piitest.Canary) {
	t.Run("LibreOffice reads the release", func(t *testing.T) {
		txt := convertWithLibreOffice(t, release, "txt:Text (encoded):UTF8", "txt")
		piitest.AssertNoLeak(t, txt, canaries...)
		for _, k := range []string{"Permit application", "was reviewed", "Inserted note approved", "email me"} {
			assert.Contains(t, string(txt), k)
		}
	})
}

// TestDOCXWrittenByLibreOffice redacts the fixture as another program
// writes it (LibreOffice saves it again as .docx: its own namespaces,
// markup-compatibility blocks, styles and settings), then checks the
// release with archive/zip and with LibreOffice.
func TestDOCXWrittenByLibreOffice(t *testing.T) {
	written := convertWithLibreOffice(t, docxFixture(t), "docx:MS Word 2007 XML", "docx")
	canaries := docxCanaries(t)
	src := readRelease(t, written)
	require.Contains(t, string(src["word/document.xml"]), docxSSN, "the written file holds the planted values")
	require.Contains(t, string(src["word/comments.xml"]), docxCmtEmail)
	rq := newTestRequest(t, nil)
	res, err := rq.Document("written.docx", written)
	require.NoError(t, err)
	var all strings.Builder
	for name, b := range readRelease(t, res.Output) {
		piitest.AssertNoLeak(t, b, canaries...)
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			txt := partText(t, name, b)
			piitest.AssertNoLeak(t, txt, canaries...)
			all.WriteString(txt)
		}
	}
	for _, k := range docxKept {
		assert.Contains(t, all.String(), k, "non-personal text survives")
	}
	checkWithLibreOffice(t, res.Output, canaries)
}

func TestDOCXMalformed(t *testing.T) {
	rq := newTestRequest(t, nil)
	good := docxFixture(t)
	decl := `<?xml version="1.0"?>`
	cases := []struct {
		name string
		data []byte
		why  string
	}{
		{"not a zip", []byte("PK\x03\x04 not really"), "a truncated package"},
		{"truncated", good[:len(good)/2], "central directory lost"},
		{"no main part", buildZip(t, []docxFile{{"word/other.xml", "<a/>"}}), "not a Word document"},
		{"unclosed element", buildZip(t, []docxFile{{"word/document.xml", decl + `<w:document ` + nsW + `><w:body><w:p>`}}), "malformed XML"},
		{"bad entity", buildZip(t, []docxFile{{"word/document.xml", decl + `<w:document ` + nsW + `>&bogus;</w:document>`}}), "undefined entity"},
		{"mismatched tags", buildZip(t, []docxFile{{"word/document.xml", decl + `<a><b></a></b>`}}), "not well-formed"},
		{"duplicate names", buildZip(t, []docxFile{{"word/document.xml", "<a/>"}, {"word/document.xml", "<b/>"}}), "ambiguous package"},
		{"malformed rels", buildZip(t, []docxFile{{"word/document.xml", "<a/>"}, {"_rels/.rels", "<Relationships"}}), "malformed relationships"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := rq.Redact("bad.docx", DocDOCX, c.data)
			require.Error(t, err, c.why)
			assert.ErrorIs(t, err, ErrDocument, c.why)
			var de *DocumentError
			require.True(t, errors.As(err, &de))
		})
	}
}

func TestDOCXCases(t *testing.T) {
	rq := newTestRequest(t, nil)
	decl := `<?xml version="1.0" encoding="UTF-8"?>`
	doc := func(body string) []byte {
		return buildZip(t, []docxFile{{"word/document.xml", decl + `<w:document ` + nsAll + `><w:body>` + body + `</w:body></w:document>`}})
	}
	cases := []struct {
		name     string
		body     string
		gone     []string
		kept     []string
		why      string
		withheld int
	}{
		{"entities in text", p(r("Tom &amp; Jerry: SSN 512-44-"), r("7301 &lt;ok&gt;")), []string{"7301", "Tom", "Jerry"}, []string{"] &amp; [", "&lt;ok&gt;"}, "entities are decoded for detection (the names either side of & are found) and text is re-escaped", 0},
		{"tab between parts", p(`<w:r><w:t>Call (617) 555-</w:t><w:t>0143</w:t><w:tab/><w:t>now</w:t></w:r>`), []string{"0143", "555-"}, []string{"<w:tab/>", "now"}, "a tab ends the phone number and stays", 0},
		{"tab stops are not text", `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>` + r("SSN 512-44-7301") + `</w:p>`, []string{"7301"}, []string{`w:pos="720"`}, "w:tab in w:tabs defines a stop", 0},
		{"moveFrom removed", p(`<w:moveFrom w:id="3" w:author="x" w:date="2026-01-01T00:00:00Z"><w:r><w:t>SSN 512-44-7301</w:t></w:r></w:moveFrom>`, r("kept text")), []string{"7301", "moveFrom"}, []string{"kept text"}, "a move's source is a deletion", 0},
		{"comments in XML removed", p(r("hello")) + `<!-- Ana Ruiz 512-44-7301 -->`, []string{"7301", "Ana"}, []string{"hello"}, "XML comments are never read by Word", 0},
		{"simple field instr", p(`<w:fldSimple w:instr=" HYPERLINK &quot;mailto:ana@example.com&quot; ">` + r("link") + `</w:fldSimple>`), []string{"ana@example.com"}, []string{"HYPERLINK", "link"}, "field code in an attribute", 0},
		{"alt text", p(`<w:r><w:drawing><wp:inline><wp:docPr id="1" name="p" descr="SSN 512-44-7301" title="Ana Ruiz &amp; co, ana@example.com"/></wp:inline></w:drawing></w:r>`), []string{"7301", "ana@example.com"}, []string{`name="p"`}, "alternative text is text", 0},
		{"picture named after a file", p(`<w:r><w:drawing><wp:inline><wp:docPr id="1" name="Ana Ruiz passport.jpg"/></wp:inline></w:drawing></w:r>`), []string{"Ruiz"}, []string{`passport.jpg"`}, "Word names a picture after the file it was inserted from", 0},
		{"space preserved", p(`<w:r><w:t>Ms. Ana</w:t></w:r><w:r><w:t>Ruiz signed</w:t></w:r>`), []string{"Ruiz"}, []string{`<w:t xml:space="preserve"> signed</w:t>`}, "text left with a leading space keeps it", 0},
		{"leading space kept", p(`<w:r><w:t>Ms. Ana Ruiz</w:t></w:r><w:r><w:t> signed</w:t></w:r>`), []string{"Ruiz"}, []string{"signed"}, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := rq.Redact("c.docx", DocDOCX, doc(c.body))
			require.NoError(t, err, c.why)
			parts := readRelease(t, res.Output)
			d := string(parts["word/document.xml"])
			partText(t, "word/document.xml", parts["word/document.xml"])
			for _, g := range c.gone {
				assert.NotContains(t, d, g, c.why)
			}
			for _, k := range c.kept {
				assert.Contains(t, d, k, c.why)
			}
			assert.Len(t, res.Withheld, c.withheld)
		})
	}
}

func TestDOCXMacrosFontsChartsPeople(t *testing.T) {
	rq := newTestRequest(t, nil)
	decl := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`
	rels := func(rs ...string) string {
		return decl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + strings.Join(rs, "") + `</Relationships>`
	}
	rel := func(id, target string) string {
		return `<Relationship Id="` + id + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/x" Target="` + target + `"/>`
	}
	in := buildZip(t, []docxFile{
		{"[Content_Types].xml", decl + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/><Override PartName="/word/vbaData.xml" ContentType="application/vnd.ms-word.vbaData+xml"/>` +
			`<Override PartName="/word/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/></Types>`},
		{"word/document.xml", decl + `<w:document ` + nsAll + `><w:body>` + p(r("Macro document text")) + `</w:body></w:document>`},
		{"word/_rels/document.xml.rels", rels(rel("rId1", "vbaProject.bin"), rel("rId2", "fontTable.xml"), rel("rId3", "charts/chart1.xml"), rel("rId4", "people.xml"), rel("rId5", "settings.xml"))},
		{"word/vbaProject.bin", "\xd0\xcf\x11\xe0 macro by Ana Ruiz 512-44-7301"},
		{"word/_rels/vbaProject.bin.rels", rels(rel("rId1", "vbaData.xml"))},
		{"word/vbaData.xml", decl + `<wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>`},
		{"word/fontTable.xml", decl + `<w:fonts ` + nsW + ` ` + nsR + `><w:font w:name="Secret Sans"><w:embedRegular r:id="rIdF" w:fontKey="{00000000-0000-0000-0000-000000000000}"/></w:font></w:fonts>`},
		{"word/_rels/fontTable.xml.rels", rels(rel("rIdF", "fonts/font1.odttf"))},
		{"word/fonts/font1.odttf", "font bytes 512-44-7301"},
		{"word/charts/chart1.xml", decl + `<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ` + nsR + `>` +
			`<c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>Calls by Ana </a:t></a:r><a:r><a:t>Ruiz</a:t></a:r></a:p></c:rich></c:tx></c:title><c:strCache><c:pt idx="0"><c:v>ana@example.com</c:v></c:pt></c:strCache></c:chart>` +
			`<c:externalData r:id="rIdX"><c:autoUpdate val="0"/></c:externalData></c:chartSpace>`},
		{"word/charts/_rels/chart1.xml.rels", rels(rel("rIdX", "../embeddings/Microsoft_Excel_Worksheet.xlsx"))},
		{"word/embeddings/Microsoft_Excel_Worksheet.xlsx", "PK\x03\x04 workbook Ana Ruiz"},
		{"word/people.xml", decl + `<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="Ana Ruiz"><w15:presenceInfo w15:providerId="AD" w15:userId="S::ana@example.com::1"/></w15:person></w15:people>`},
		{"word/settings.xml", decl + `<w:settings ` + nsW + `><w:docVars><w:docVar w:name="client" w:val="Ana Ruiz, SSN 512-44-7301"/></w:docVars></w:settings>`},
		{"docProps/thumbnail.jpeg", "not really a jpeg"},
	})
	res, err := rq.Document("macro.docm", in)
	require.NoError(t, err)
	parts := readRelease(t, res.Output)
	cs := piitest.New(t)
	canaries := []piitest.Canary{cs.Custom(pii.Name, docxName), cs.Custom(pii.SSN, docxSSN), cs.Custom(pii.Email, docxCmtEmail)}
	for name, b := range parts {
		piitest.AssertNoLeak(t, b, canaries...)
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			piitest.AssertNoLeak(t, partText(t, name, b), canaries...)
		}
	}
	for _, gone := range []string{"word/vbaProject.bin", "word/_rels/vbaProject.bin.rels", "word/vbaData.xml", "word/fonts/font1.odttf", "word/embeddings/Microsoft_Excel_Worksheet.xlsx"} {
		_, ok := parts[gone]
		assert.False(t, ok, "%s taken out", gone)
	}
	assert.NotContains(t, string(parts["[Content_Types].xml"]), "vbaData", "no content type for a part taken out")
	assert.NotContains(t, string(parts["word/_rels/document.xml.rels"]), "vbaProject")
	assert.NotContains(t, string(parts["word/fontTable.xml"]), "embedRegular", "a reference to a removed part is removed")
	assert.NotContains(t, string(parts["word/charts/chart1.xml"]), "externalData")
	assert.Contains(t, string(parts["word/charts/chart1.xml"]), "Calls by")
	assert.Contains(t, string(parts["word/settings.xml"]), `w:name="client"`)
	_, _, err = image.Decode(bytes.NewReader(parts["docProps/thumbnail.jpeg"]))
	assert.NoError(t, err, "an unreadable thumbnail is replaced by a blank image")
	withheld := map[string]string{}
	for _, w := range res.Withheld {
		withheld[w.Part] = w.Reason
	}
	assert.Contains(t, withheld["word/vbaProject.bin"], "macros")
	assert.Contains(t, withheld["word/_rels/vbaProject.bin.rels"], "relationships of a withheld part")
	assert.Contains(t, withheld["word/fonts/font1.odttf"], "embedded font")
	assert.Contains(t, withheld["word/embeddings/Microsoft_Excel_Worksheet.xlsx"], "embedded object")
	assert.Contains(t, withheld["docProps/thumbnail.jpeg"], "image")
}

func TestDOCXAllowListAndAuthors(t *testing.T) {
	// An allow-listed author is released; others are boxed.
	allow, err := ParseAllowList(strings.NewReader("Ben Okafor\n"))
	require.NoError(t, err)
	rq := newTestRequest(t, &RequestOptions{Allow: allow})
	res, err := rq.Document("permit.docx", docxFixture(t))
	require.NoError(t, err)
	parts := readRelease(t, res.Output)
	assert.Contains(t, string(parts["word/comments.xml"]), `w:author="Ben Okafor"`)
	assert.NotContains(t, string(parts["docProps/core.xml"]), docxName)
}

// FuzzDOCX feeds mutated packages (kind 0) and mutated XML parts placed
// in a valid package (kinds 1-4: the main story, its relationships, the
// core properties, a custom XML item): the redactor must never panic,
// fail only with ErrDocument or a withheld error, and write a readable
// ZIP whose XML parts are well-formed.
func FuzzDOCX(f *testing.F) {
	decl := `<?xml version="1.0"?>`
	f.Add(uint8(0), docxFixture(f))
	f.Add(uint8(0), []byte("PK\x03\x04"))
	f.Add(uint8(1), []byte(decl+`<w:document `+nsAll+`><w:body>`+p(`<w:del w:author="Ana Ruiz"><w:r><w:delText>x</w:delText></w:r></w:del>`, r("SSN 512-"), r("44-7301"))+
		p(`<w:fldSimple w:instr="HYPERLINK mailto:a@example.com">`+r("x")+`</w:fldSimple>`, `<w:r><w:tab/><w:br/><w:t>Ms. Ana</w:t><w:t> Ruiz</w:t></w:r>`)+`</w:body></w:document>`))
	f.Add(uint8(1), []byte(`<w:p `+nsW+`><w:r><w:t>a<!--c--><![CDATA[Ana Ruiz & 512-44-7301]]></w:t></w:r><w:p><w:t>b</w:t></w:p></w:p>`))
	f.Add(uint8(2), []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="a" Target="mailto:ana@example.com" TargetMode="External"/><Relationship Id="b" Target='/word/embeddings/a.bin'/></Relationships>`))
	f.Add(uint8(3), []byte(`<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>Ana Ruiz</dc:creator><dc:title>SSN 512-44-7301</dc:title></cp:coreProperties>`))
	f.Add(uint8(4), []byte(`<r xmlns="u" xmlns:b="v" a="Ana Ruiz"><x>1</x></r>`))
	rq, err := NewRequest(ephemeralKey(f), nil)
	if err != nil {
		f.Fatal(err)
	}
	names := []string{"", "word/document.xml", "word/_rels/document.xml.rels", "docProps/core.xml", "customXml/item1.xml"}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		k := int(kind) % len(names)
		in := data
		if k > 0 {
			files := []docxFile{{"word/document.xml", `<w:document ` + nsW + `/>`}, {"word/embeddings/a.bin", "x"}}
			if k == 1 {
				files = files[1:]
			}
			files = append(files, docxFile{names[k], string(data)})
			in = buildZip(t, files)
		}
		began := time.Now()
		res, err := rq.Redact("fuzz.docx", DocDOCX, in)
		if d := time.Since(began); d > 5*time.Second {
			t.Fatalf("%d-byte input took %v", len(in), d)
		}
		if err != nil {
			if !errors.Is(err, ErrDocument) && !errors.Is(err, ErrWithheld) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		zr, err := zip.NewReader(bytes.NewReader(res.Output), int64(len(res.Output)))
		if err != nil {
			t.Fatalf("release is not a ZIP: %v", err)
		}
		if len(res.spans) != len(res.Entries) {
			t.Fatalf("%d spans for %d entries", len(res.spans), len(res.Entries))
		}
		if k == 0 {
			return
		}
		for _, zf := range zr.File {
			if zf.Name != names[k] {
				continue
			}
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			d := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("release part %s is not well-formed: %v", zf.Name, err)
				}
			}
		}
	})
}

// benchDOCX builds a package of about 50 pages (1,500 paragraphs) from a
// fixed seed, and the same text as plain text.
func benchDOCX(b *testing.B) ([]byte, string) {
	rng := rand.New(rand.NewPCG(7, 11))
	words := []string{"permit", "the", "application", "was", "reviewed", "by", "council", "on", "Monday", "and", "approved", "with", "conditions"}
	var body, plain strings.Builder
	for i := range 1500 {
		var runs []string
		var line []string
		for range 3 {
			var ws []string
			for range 4 + rng.IntN(6) {
				ws = append(ws, words[rng.IntN(len(words))])
			}
			s := strings.Join(ws, " ") + " "
			runs = append(runs, r(s))
			line = append(line, s)
		}
		if i%10 == 0 {
			s := fmt.Sprintf("Call Ms. Ana Ruiz at (617) 555-01%02d. ", i%100)
			runs = append(runs, r(s))
			line = append(line, s)
		}
		body.WriteString(p(runs...))
		plain.WriteString(strings.Join(line, "") + "\n")
	}
	data := buildZip(b, []docxFile{{"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document ` + nsAll + `><w:body>` + body.String() + `</w:body></w:document>`}})
	return data, plain.String()
}

func BenchmarkDOCX(b *testing.B) {
	rq, err := NewRequest(ephemeralKey(b), nil)
	require.NoError(b, err)
	data, plain := benchDOCX(b)
	b.Run("docx", func(b *testing.B) {
		b.SetBytes(int64(len(plain)))
		for b.Loop() {
			if _, err := rq.Redact("bench.docx", DocDOCX, data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("text", func(b *testing.B) {
		b.SetBytes(int64(len(plain)))
		for b.Loop() {
			if _, err := rq.Text("bench.txt", plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}
