package records

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact/piitest"
)

// The values planted in the test workbook. All are fake.
var xlsxPlanted = []struct {
	cat   pii.Category
	value string
}{
	{pii.Name, "Ana Ruiz"},
	{pii.Email, "ana.ruiz@example.com"},
	{pii.Phone, "6175550143"},
	{pii.SSN, "512-44-7301"},
	{pii.SSN, "512447302"}, // a number shown as 512-44-7302 by its format
	{pii.Email, "bob.lee@example.com"},
	{pii.Phone, "(617) 555-0188"},
	{pii.Email, "carl.diaz@example.com"},
	{pii.Email, "dana.cho@example.com"},
}

// rezip rewrites the parts of an archive through fn (which may return
// nil to drop a part) and appends extra parts.
func rezip(t testing.TB, data []byte, fn func(name string, b []byte) []byte, extra map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		rc.Close()
		if fn != nil {
			b = fn(f.Name, b)
		}
		if b == nil {
			continue
		}
		w, err := zw.Create(f.Name)
		require.NoError(t, err)
		_, err = w.Write(b)
		require.NoError(t, err)
	}
	for name, s := range extra {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(s))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return out.Bytes()
}

func replaceCell(t testing.TB, sheet []byte, ref, with string) []byte {
	t.Helper()
	re := regexp.MustCompile(`<c r="` + ref + `"[^>]*?(/>|>.*?</c>)`)
	require.True(t, re.Match(sheet), "cell %s in fixture", ref)
	return re.ReplaceAll(sheet, []byte(with))
}

// xlsxFixture builds the test workbook: shared strings, an inline string,
// a phone and an SSN typed as numbers, a formula with a string literal and
// one naming a sheet called after a person, a comment, a header, a
// hyperlink, document properties, a picture and a pivot cache.
func xlsxFixture(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetName("Sheet1", "Residents"))
	rows := [][]any{
		{"Name", "Email", "Phone", "SSN", "Note", "Amount", "Reference"},
		{"Ana Ruiz", "ana.ruiz@example.com", 6175550143, "512-44-7301", "Water meter repair", 42, 512447302},
		{"Ana Ruiz", "INLINE", 4135550100, "", "PLACEHOLDER", 7.5, ""},
		{"", "", "", "", "INLINE2"},
	}
	for i, r := range rows {
		require.NoError(t, f.SetSheetRow("Residents", fmt.Sprintf("A%d", i+1), &r))
	}
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("000-00-0000")})
	require.NoError(t, err)
	require.NoError(t, f.SetCellStyle("Residents", "G2", "G2", style))
	_, err = f.NewSheet("Ana Ruiz")
	require.NoError(t, err)
	require.NoError(t, f.SetCellValue("Ana Ruiz", "A1", "Budget"))
	require.NoError(t, f.SetCellValue("Residents", "A5", "LINKED"))
	require.NoError(t, f.AddComment("Residents", excelize.Comment{Cell: "E2", Author: "Ana Ruiz",
		Paragraph: []excelize.RichTextRun{{Text: "Checked with carl."}, {Text: "diaz@example.com today"}}}))
	require.NoError(t, f.SetHeaderFooter("Residents", &excelize.HeaderFooterOptions{OddHeader: "&CPrepared for dana.cho@example.com"}))
	require.NoError(t, f.SetCellHyperLink("Residents", "B2", "mailto:ana.ruiz@example.com", "External"))
	require.NoError(t, f.SetDocProps(&excelize.DocProperties{Creator: "Ana Ruiz", LastModifiedBy: "Ana Ruiz", Title: "Resident list"}))
	require.NoError(t, f.SetAppProps(&excelize.AppProperties{Company: "Ana Ruiz Consulting"}))
	var pic bytes.Buffer
	require.NoError(t, png.Encode(&pic, image.NewGray(image.Rect(0, 0, 4, 4))))
	require.NoError(t, f.AddPictureFromBytes("Residents", "I2", &excelize.Picture{Extension: ".png", File: pic.Bytes()}))
	var b bytes.Buffer
	require.NoError(t, f.Write(&b))
	return rezip(t, b.Bytes(), func(name string, b []byte) []byte {
		switch name {
		case "xl/worksheets/sheet1.xml":
			b = replaceCell(t, b, "B3", `<c r="B3" t="inlineStr"><is><t>bob.lee@example.com</t></is></c>`)
			b = replaceCell(t, b, "E4", `<c r="E4" t="inlineStr"><is><r><t>Reach Bob at bob.</t></r><r><t>lee@example.com</t></r></is></c>`)
			b = replaceCell(t, b, "E3", `<c r="E3" t="str"><f>CONCATENATE("Call ","(617) 555-0188")</f><v>Call (617) 555-0188</v></c>`)
			b = replaceCell(t, b, "A5", `<c r="A5" t="str"><f>'Ana Ruiz'!A1&amp;" total"</f><v>Budget total</v></c>`)
			// A reading guide (phonetic run) and a boolean hold values too.
			b = bytes.Replace(b, []byte("</sheetData>"), []byte(`<row r="6"><c r="E6" t="inlineStr"><is><t>Water permit</t>`+
				`<rPh sb="0" eb="5"><t>carl.diaz@example.com</t></rPh></is></c><c r="F6" t="b"><v>dana.cho@example.com</v></c></row></sheetData>`), 1)
		case "xl/_rels/workbook.xml.rels":
			b = bytes.Replace(b, []byte("</Relationships>"), []byte(`<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/pivotCacheDefinition" Target="pivotCache/pivotCacheDefinition1.xml"/></Relationships>`), 1)
		case "xl/workbook.xml":
			b = bytes.Replace(b, []byte("</workbook>"), []byte(`<pivotCaches><pivotCache cacheId="1" r:id="rId99"/></pivotCaches></workbook>`), 1)
		}
		return b
	}, map[string]string{
		"xl/pivotCache/pivotCacheDefinition1.xml": `<pivotCacheDefinition><cacheFields><cacheField name="Name"><sharedItems><s v="Ana Ruiz"/></sharedItems></cacheField></cacheFields></pivotCacheDefinition>`,
		"xl/pivotCache/pivotCacheRecords1.xml":    `<pivotCacheRecords><r><s v="ana.ruiz@example.com"/><n v="6175550143"/></r></pivotCacheRecords>`,
		// A chart's caches copy cell values; its title is rich text in runs.
		"xl/charts/chart9.xml": `<c:chartSpace xmlns:c="c" xmlns:a="a"><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>Calls to (617) </a:t></a:r><a:r><a:t>555-0188</a:t></a:r></a:p></c:rich></c:tx></c:title>` +
			`<c:ser><c:cat><c:strRef><c:f>Residents!$A$2</c:f><c:strCache><c:pt idx="0"><c:v>Ana Ruiz</c:v></c:pt></c:strCache></c:strRef></c:cat>` +
			`<c:val><c:numRef><c:f>Residents!$C$2</c:f><c:numCache><c:pt idx="0"><c:v>6175550143</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser></c:chart></c:chartSpace>`,
		"xl/persons/person.xml":                    `<personList><person displayName="Ana Ruiz" id="{6B1C2F3A-0000-4000-8000-000000000001}" userId="dana.cho@example.com" providerId="None"/></personList>`,
		"xl/threadedComments/threadedComment1.xml": `<ThreadedComments><threadedComment ref="E2" id="{1}" personId="{6B1C2F3A-0000-4000-8000-000000000001}"><text>Ask bob.lee@example.com</text></threadedComment></ThreadedComments>`,
		"xl/drawings/drawing9.xml":                 `<xdr:wsDr xmlns:xdr="x"><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Picture 1" descr="Photo of Ana Ruiz"/></xdr:nvPicPr></xdr:pic></xdr:wsDr>`,
	})
}

func ptr[T any](v T) *T { return &v }

var tagRE = regexp.MustCompile(`<[^>]*>`)

// xlsxLeaks unzips a release with archive/zip and looks for every planted
// value, in every form piitest knows (digits only, regrouped, escaped...),
// in each part's raw bytes, its text without tags, and its name.
func xlsxLeaks(t *testing.T, release []byte) []string {
	t.Helper()
	cs := piitest.New(t)
	var canaries []piitest.Canary
	for _, p := range xlsxPlanted {
		canaries = append(canaries, cs.Custom(p.cat, p.value))
	}
	m := piitest.NewMatcher(canaries...)
	zr, err := zip.NewReader(bytes.NewReader(release), int64(len(release)))
	require.NoError(t, err)
	var leaks []string
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		rc.Close()
		text := html.UnescapeString(tagRE.ReplaceAllString(string(b), ""))
		for _, l := range append(append(m.Find(b), m.FindString(text)...), m.FindString(f.Name)...) {
			leaks = append(leaks, f.Name+": "+l.String())
		}
	}
	return leaks
}

// assertWellFormed parses every XML part of an archive.
func assertWellFormed(t *testing.T, data []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") {
			continue
		}
		rc, err := f.Open()
		require.NoError(t, err)
		d := xml.NewDecoder(rc)
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, f.Name)
		}
		rc.Close()
	}
}

func TestXLSXRedactsEveryPart(t *testing.T) {
	fixture := xlsxFixture(t)
	planted := map[string]bool{}
	for _, l := range xlsxLeaks(t, fixture) {
		planted[l[:strings.Index(l, ":")]] = true
	}
	for _, p := range []string{"xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/comments1.xml",
		"docProps/core.xml", "docProps/app.xml", "xl/worksheets/_rels/sheet1.xml.rels", "xl/pivotCache/pivotCacheRecords1.xml",
		"xl/charts/chart9.xml", "xl/persons/person.xml", "xl/threadedComments/threadedComment1.xml", "xl/drawings/drawing9.xml"} {
		assert.True(t, planted[p], "the fixture plants a value in %s", p)
	}
	rq := newTestRequest(t, nil)
	res, err := rq.Document("residents.xlsx", fixture)
	require.NoError(t, err)
	require.Equal(t, DocXLSX, res.Format)
	assert.Empty(t, xlsxLeaks(t, res.Output))
	assertWellFormed(t, res.Output)
	t.Run("LibreOffice opens the release", func(t *testing.T) {
		// Every sheet as CSV (the last filter option, -1, exports all sheets).
		csv := convertFileWithLibreOffice(t, res.Output, "release.xlsx",
			"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "csv")
		for _, k := range []string{"Water meter repair", "Water permit", "Budget", "42"} {
			assert.Contains(t, string(csv), k, "ordinary cells survive")
		}
		cs := piitest.New(t)
		var canaries []piitest.Canary
		for _, p := range xlsxPlanted {
			canaries = append(canaries, cs.Custom(p.cat, p.value))
		}
		piitest.AssertNoLeak(t, csv, canaries...)
	})

	// Where things were redacted.
	parts := map[string]bool{}
	for _, e := range res.Entries {
		parts[e.Part] = true
		assert.NotContains(t, e.Part, "Ana")
	}
	for _, want := range []string{
		"sheet 1 > cell A2", "sheet 1 > cell B2", "sheet 1 > cell C2", "sheet 1 > cell D2", "sheet 1 > cell G2",
		"sheet 1 > cell B3", "sheet 1 > cell E4", "sheet 1 > cell E3 formula", "sheet 1 > cell E3", "sheet 2 > name",
		"docProps/core.xml > creator", "docProps/core.xml > lastModifiedBy", "docProps/app.xml > Company",
		"xl/comments1.xml > comment E2", "xl/worksheets/sheet1.xml > oddHeader",
		"xl/charts/chart9.xml > paragraph 1", "xl/charts/chart9.xml > v", "xl/persons/person.xml > person displayName",
		"xl/persons/person.xml > person userId", "xl/threadedComments/threadedComment1.xml > threadedComment E2",
		"xl/drawings/drawing9.xml > cNvPr descr",
	} {
		assert.True(t, parts[want], "no redaction at %s (have %v)", want, parts)
	}
	var withheld []string
	for _, w := range res.Withheld {
		withheld = append(withheld, w.Part)
	}
	assert.ElementsMatch(t, []string{"xl/pivotCache/pivotCacheDefinition1.xml", "xl/pivotCache/pivotCacheRecords1.xml",
		"xl/media/image1.png"}, withheld)

	// A different reader: excelize opens the release; ordinary cells are
	// unchanged, the sheet named after a person is renamed everywhere.
	f, err := excelize.OpenReader(bytes.NewReader(res.Output))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{"Residents", "Sheet 2"}, f.GetSheetList())
	for _, tc := range []struct{ cell, want, why string }{
		{"A1", "Name", "headers are not personal data"},
		{"E2", "Water meter repair", "a note without personal data"},
		{"F2", "42", "a number under Amount"},
		{"F3", "7.5", "a number under Amount"},
		{"A3", "[REDACTED (b)(6)]", "the second cell of a shared string"},
		{"C2", "[REDACTED (b)(6)]", "a phone typed as a number under Phone"},
		{"B3", "[REDACTED (b)(6)]", "an inline string under Email"},
		{"E4", "Reach Bob at [REDACTED (b)(6)]", "an inline rich string keeps its other words"},
		{"E3", "Call [REDACTED (b)(6)]", "a formula's cached value"},
		{"A5", "Budget total", "a formula naming a renamed sheet keeps its value"},
		{"E6", "Water permit", "an inline string's reading guide is dropped"},
	} {
		v, err := f.GetCellValue("Residents", tc.cell)
		require.NoError(t, err)
		assert.Equal(t, tc.want, v, tc.why)
	}
	formula, err := f.GetCellFormula("Residents", "A5")
	require.NoError(t, err)
	assert.Equal(t, `'Sheet 2'!A1&" total"`, formula)
	formula, err = f.GetCellFormula("Residents", "E3")
	require.NoError(t, err)
	assert.Equal(t, `CONCATENATE("Call ","[REDACTED (b)(6)]")`, formula)
	v, err := f.GetCellValue("Sheet 2", "A1")
	require.NoError(t, err)
	assert.Equal(t, "Budget", v)
	rows, err := f.GetRows("Residents")
	require.NoError(t, err)
	comments, err := f.GetComments("Residents")
	require.NoError(t, err)
	props, err := f.GetDocProps()
	require.NoError(t, err)
	all := fmt.Sprint(rows, comments, props.Creator, props.LastModifiedBy, props.Title)
	for _, p := range xlsxPlanted {
		assert.NotContains(t, all, p.value)
	}
	assert.Contains(t, all, "Resident list")

	// Redacting the release again finds nothing more.
	res2, err := rq.Document("residents.xlsx", res.Output)
	require.NoError(t, err)
	assert.Empty(t, res2.Entries)
}

// TestExcelizeKeepsStaleSharedStrings shows why the release is not
// written with excelize: replacing a cell's text appends a string to the
// shared strings table and keeps the old one.
func TestExcelizeKeepsStaleSharedStrings(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(xlsxFixture(t)))
	require.NoError(t, err)
	require.NoError(t, f.SetCellStr("Residents", "A2", "[REDACTED]"))
	require.NoError(t, f.SetCellStr("Residents", "A3", "[REDACTED]"))
	var b bytes.Buffer
	require.NoError(t, f.Write(&b))
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	require.NoError(t, err)
	rc, err := zr.Open("xl/sharedStrings.xml")
	require.NoError(t, err)
	sst, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Contains(t, string(sst), "Ana Ruiz", "excelize keeps the replaced string")
}

func TestXLSXWithholds(t *testing.T) {
	base := xlsxFixture(t)
	rq := newTestRequest(t, nil)
	for _, tc := range []struct {
		name   string
		data   []byte
		reason Reason
		why    string
	}{
		{"embedding", rezip(t, base, nil, map[string]string{"xl/embeddings/oleObject1.bin": "OLE"}), ReasonEmbedded,
			"an embedded object cannot be taken out without breaking the sheet"},
		{"external link", rezip(t, base, nil, map[string]string{"xl/externalLinks/externalLink1.xml": "<externalLink/>"}), ReasonEmbedded,
			"formulas refer to external links"},
		{"unknown binary", rezip(t, base, nil, map[string]string{"xl/blob.dat": "x"}), ReasonEmbedded,
			"a part that is neither XML nor known"},
		{"emf picture", rezip(t, base, nil, map[string]string{"xl/media/image9.emf": "x"}), ReasonEmbedded,
			"a picture that cannot be replaced by a blank one"},
		{"part name", rezip(t, base, nil, map[string]string{"xl/ana.ruiz@example.com.xml": "<a/>"}), ReasonEmbedded,
			"a part's name holds personal data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rq.Document("w.xlsx", tc.data)
			var we *WithheldError
			require.ErrorAs(t, err, &we, tc.why)
			assert.Equal(t, tc.reason, we.Reason, tc.why)
			assert.NotContains(t, err.Error(), "ana.ruiz")
		})
	}
}

func TestXLSXMalformed(t *testing.T) {
	base := xlsxFixture(t)
	rq := newTestRequest(t, nil)
	for _, tc := range []struct {
		name string
		data []byte
		why  string
	}{
		{"not a zip", []byte("PK\x03\x04garbage"), "a broken archive"},
		{"no workbook", rezip(t, base, func(n string, b []byte) []byte {
			if n == "xl/workbook.xml" {
				return nil
			}
			return b
		}, nil), "the main part is missing"},
		{"bad sheet xml", rezip(t, base, func(n string, b []byte) []byte {
			if n == "xl/worksheets/sheet1.xml" {
				return b[:len(b)/2]
			}
			return b
		}, nil), "a truncated worksheet"},
		{"bad sst index", rezip(t, base, func(n string, b []byte) []byte {
			if n == "xl/worksheets/sheet1.xml" {
				return replaceCell(t, b, "A1", `<c r="A1" t="s"><v>999</v></c>`)
			}
			return b
		}, nil), "a cell refers to a missing shared string"},
		{"sst is the workbook", rezip(t, base, func(n string, b []byte) []byte {
			if n == "xl/_rels/workbook.xml.rels" {
				return bytes.Replace(b, []byte(`Target="/xl/sharedStrings.xml"`), []byte(`Target="workbook.xml"`), 1)
			}
			return b
		}, nil), "a part read as two kinds would be written twice"},
		{"sheet is a relationships part", rezip(t, base, func(n string, b []byte) []byte {
			if n == "xl/_rels/workbook.xml.rels" {
				return bytes.Replace(b, []byte(`Target="worksheets/sheet2.xml"`), []byte(`Target="worksheets/_rels/sheet1.xml.rels"`), 1)
			}
			return b
		}, nil), "relationships are vetted as relationships only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rq.Redact("w.xlsx", DocXLSX, tc.data)
			require.Error(t, err, tc.why)
			assert.True(t, errors.Is(err, ErrDocument), "%s: %v", tc.why, err)
		})
	}
}

func FuzzXLSX(f *testing.F) {
	f.Add(xlsxFixture(f))
	f.Add([]byte("PK\x03\x04"))
	rq, err := NewRequest(ephemeralKey(f), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := rq.Redact("fuzz.xlsx", DocXLSX, data)
		if err != nil {
			var we *WithheldError
			if !errors.Is(err, ErrDocument) && !errors.As(err, &we) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if _, err := zip.NewReader(bytes.NewReader(res.Output), int64(len(res.Output))); err != nil {
			t.Fatalf("release is not an archive: %v", err)
		}
		if len(res.spans) != len(res.Entries) {
			t.Fatalf("%d spans for %d entries", len(res.spans), len(res.Entries))
		}
	})
}

// xlsxBenchData builds a 20,000-row sheet and the same rows as CSV.
func xlsxBenchData(b *testing.B, rows int) (xlsx, csv []byte) {
	r := rand.New(rand.NewPCG(7, 2025))
	first := []string{"Maria", "Thomas", "Ana", "James", "Linda", "Grace", "Omar"}
	last := []string{"Lopez", "Reed", "Diaz", "Carter", "Nguyen", "Okafor", "Silva"}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	require.NoError(b, err)
	header := []any{"payment_id", "customer_name", "email", "phone", "amount", "memo"}
	require.NoError(b, sw.SetRow("A1", header))
	var c bytes.Buffer
	c.WriteString("payment_id,customer_name,email,phone,amount,memo\n")
	for i := 2; i <= rows+1; i++ {
		fn, ln := first[r.IntN(len(first))], last[r.IntN(len(last))]
		row := []any{fmt.Sprintf("P-%d", i), fn + " " + ln, strings.ToLower(fn) + fmt.Sprintf("%d@example.com", r.IntN(100)),
			fmt.Sprintf("(413) 555-01%02d", r.IntN(100)), r.IntN(500), "water meter repair"}
		require.NoError(b, sw.SetRow(fmt.Sprintf("A%d", i), row))
		fmt.Fprintf(&c, "%s,%s,%s,%s,%d,%s\n", row[0], row[1], row[2], row[3], row[4], row[5])
	}
	require.NoError(b, sw.Flush())
	var x bytes.Buffer
	require.NoError(b, f.Write(&x))
	return x.Bytes(), c.Bytes()
}

func BenchmarkXLSX(b *testing.B) {
	const rows = 20000
	x, c := xlsxBenchData(b, rows)
	rq, err := NewRequest(recordsKey(b), nil)
	require.NoError(b, err)
	for _, bc := range []struct {
		name   string
		format DocFormat
		data   []byte
	}{{"xlsx", DocXLSX, x}, {"csv", DocCSV, c}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				if _, err := rq.Redact("bench", bc.format, bc.data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
