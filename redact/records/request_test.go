package records

import (
	"archive/zip"

	"github.com/civickit/privacy/redact"
	"golang.org/x/text/encoding/unicode"

	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestRequest(t *testing.T, opts *RequestOptions) *Request {
	t.Helper()
	rq, err := NewRequest(recordsKey(t), opts)
	require.NoError(t, err)
	return rq
}

func TestBuiltinCatalogs(t *testing.T) {
	want := map[string][]string{
		"federal":    {"(b)(6)", "(b)(7)(C)"},
		"ma":         {"(a)", "(c)", "(n)", "c.66 §10B"},
		"ca":         {"§7927.410", "§7927.700", "§7922.000", "§7927.705"},
		"ca-utility": {"§7927.410", "§7927.700", "§7922.000", "§7927.705"},
	}
	assert.Equal(t, []string{"ca", "ca-utility", "federal", "ma"}, Jurisdictions())
	for j, codes := range want {
		cat, err := BuiltinCatalog(j)
		require.NoError(t, err, j)
		assert.Equal(t, j, cat.Jurisdiction)
		for _, c := range codes {
			ex, ok := cat.Exemption(c)
			assert.True(t, ok, "%s lacks %s", j, c)
			assert.NotEmpty(t, ex.Citation)
		}
		for _, e := range redact.Entities() {
			r := cat.Rule(e)
			assert.NotEqual(t, j+".default", r.Name, "%s: built-in entity %s has its own rule", j, e)
		}
		// Every box of a built-in catalog survives a second pass.
		_, err = NewRequest(recordsKey(t), &RequestOptions{Catalog: cat})
		assert.NoError(t, err, j)
	}
	_, err := BuiltinCatalog("atlantis")
	assert.ErrorIs(t, err, ErrCatalog)
	// A caller's change to a returned catalog does not leak into the next.
	c1, _ := BuiltinCatalog("federal")
	c1.Exemptions[0].Code = "changed"
	c2, _ := BuiltinCatalog("federal")
	assert.Equal(t, "(b)(6)", c2.Exemptions[0].Code)
}

func TestParseCatalogErrors(t *testing.T) {
	base := func(mut string) string {
		return `{"jurisdiction":"city","name":"City law","default":{"code":"X1"},` +
			`"exemptions":[{"code":"X1","label":"Privacy","citation":"City Code 1"}]` + mut + `}`
	}
	cases := []struct {
		name, json, why string
	}{
		{"ok", base(`,"rules":[{"entity":"email","code":"X1","operator":"mask"}]`), ""},
		{"unknown field", base(`,"rulez":[]`), "a misspelt key must not drop rules silently"},
		{"duplicate code", `{"jurisdiction":"c","name":"n","default":{"code":"X1"},"exemptions":[{"code":"X1","label":"a","citation":"b"},{"code":"X1","label":"a","citation":"b"}]}`, "codes identify exemptions"},
		{"rule with unknown code", base(`,"rules":[{"entity":"email","code":"X2"}]`), "every rule cites an exemption of the catalog"},
		{"unknown operator", base(`,"rules":[{"entity":"email","code":"X1","operator":"shred"}]`), "operators are a closed set"},
		{"two rules for one entity", base(`,"rules":[{"entity":"email","code":"X1"},{"entity":"email","code":"X1"}]`), "ambiguous"},
		{"bad entity name", base(`,"rules":[{"entity":"E-Mail","code":"X1"}]`), "entity names are lower case"},
		{"bad box placeholder", base(`,"box":"[{reason}]"`), "unknown placeholders would print literally"},
		{"unclosed box placeholder", base(`,"box":"[{code"`), "malformed format"},
		{"missing citation", `{"jurisdiction":"c","name":"n","default":{"code":"X1"},"exemptions":[{"code":"X1","label":"a"}]}`, "each code has its citation"},
		{"no exemptions", `{"jurisdiction":"c","name":"n","default":{"code":"X1"},"exemptions":[]}`, "a catalog cites something"},
		{"default code unknown", `{"jurisdiction":"c","name":"n","default":{"code":"X9"},"exemptions":[{"code":"X1","label":"a","citation":"b"}]}`, "the default must cite a listed code"},
		{"trailing data", base(``) + `{}`, "one catalog per file"},
		{"not JSON", `jurisdiction: city`, "JSON only"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cat, err := ParseCatalog([]byte(c.json))
			if c.why == "" {
				require.NoError(t, err)
				assert.Equal(t, OpMask, cat.Rule(redact.Email).Operator)
				assert.Equal(t, "city.email", cat.Rule(redact.Email).Name)
				assert.Equal(t, "city.default", cat.Rule(redact.Phone).Name)
				return
			}
			assert.ErrorIs(t, err, ErrCatalog, c.why)
		})
	}
}

func TestRequestOptionsErrors(t *testing.T) {
	_, err := NewRequest(nil, nil)
	assert.ErrorIs(t, err, redact.ErrOptions, "a key is required")
	_, err = NewRequest(recordsKey(t), &RequestOptions{Box: "[REDACTED] maria.lopez@example.com"})
	assert.ErrorIs(t, err, ErrCatalog, "a box that is itself personal data is refused")
	_, err = NewRequest(recordsKey(t), &RequestOptions{Rules: []ExemptionRule{{Entity: redact.Email, Code: "(b)(99)"}}})
	assert.ErrorIs(t, err, ErrCatalog, "a rule citing an unknown code")
	_, err = NewRequest(recordsKey(t), &RequestOptions{Fields: map[string]redact.Entity{"name": "Person Name"}})
	assert.ErrorIs(t, err, redact.ErrOptions, "bad entity in Fields")
}

func TestRequestText(t *testing.T) {
	rq := newTestRequest(t, nil)
	text := "Résumé of café visit\nCall María at (413) 555-0142 or write to maria.lopez@example.com.\n"
	res, err := rq.Text("note.txt", text)
	require.NoError(t, err)
	// "Call María" is a name after a cue word: redacted since issue 13
	assert.Equal(t, "Résumé of café visit\nCall [REDACTED (b)(6)] at [REDACTED (b)(6)] or write to [REDACTED (b)(6)].\n", string(res.Output))
	require.Len(t, res.Entries, 3)
	assert.Equal(t, redact.PersonName, res.Entries[0].Entity)
	assert.Equal(t, 6, res.Entries[0].Column)
	// Columns count characters, not bytes ("María" has a two-byte í).
	assert.Equal(t, LogEntry{Document: "note.txt", Line: 2, Column: 15, Entity: redact.Phone, Code: "(b)(6)",
		Citation: "5 U.S.C. § 552(b)(6)", Operator: OpBox, Rule: "federal.phone", Detector: res.Entries[1].Detector,
		Confidence: res.Entries[1].Confidence, Chars: 14, ValueHMAC: res.Entries[1].ValueHMAC}, res.Entries[1])
	assert.Equal(t, 2, res.Entries[2].Line)
	assert.Equal(t, 42, res.Entries[2].Column)
	assert.Equal(t, "line 2, column 42", res.Entries[2].Location())
	for i, sp := range res.spans {
		assert.Equal(t, "[REDACTED (b)(6)]", string(res.Output[sp.start:sp.end]), "span %d", i)
	}
	// Clean text comes back as is.
	res, err = rq.Text("clean.txt", "The council met.")
	require.NoError(t, err)
	assert.Empty(t, res.Entries)
	assert.Equal(t, "The council met.", string(res.Output))
}

func TestRequestRulesAndOperators(t *testing.T) {
	acct := redact.Detector{Entity: "utility_account", Pattern: regexp.MustCompile(`UA-[0-9]{8}`), Score: 0.9}
	ca, err := BuiltinCatalog("ca")
	require.NoError(t, err)
	rq := newTestRequest(t, &RequestOptions{
		Catalog:   ca,
		Box:       "[{label}: {code} ({entity})]",
		Detectors: []redact.Detector{acct},
		Rules: []ExemptionRule{
			{Entity: redact.Email, Code: "§7927.700", Operator: OpHash},
			{Entity: redact.IPAddress, Code: "§7922.000", Operator: OpKeep},
			{Entity: redact.Phone, Code: "§7927.700", Operator: OpLabel, Name: "city.phone-policy"},
		},
	})
	res, err := rq.Text("t.txt", "Account UA-12345678, mail maria.lopez@example.com, phone 413-555-0142, from 203.0.113.57.")
	require.NoError(t, err)
	out := string(res.Output)
	assert.Contains(t, out, "[Utility customer data: §7927.410 (utility_account)]", "custom detector goes to its rule's code")
	assert.Regexp(t, `\[EMAIL:[0-9a-f]{16}\]`, out, "hash operator")
	assert.Contains(t, out, "[PHONE]", "label operator")
	assert.Contains(t, out, "203.0.113.57", "keep releases the value")
	require.Len(t, res.Entries, 3, "kept values are not logged")
	assert.Equal(t, "ca.utility_account", res.Entries[0].Rule)
	assert.Equal(t, OpHash, res.Entries[1].Operator)
	assert.Equal(t, "city.phone-policy", res.Entries[2].Rule)
}

func TestRequestJSON(t *testing.T) {
	rq := newTestRequest(t, &RequestOptions{Fields: map[string]redact.Entity{"Resident": redact.PersonName}})
	cases := []struct {
		name, in, out string
		paths         []string
		why           string
	}{
		{"nested", `{"a":{"b":[{"email":"x@example.com"}]}}`, `{"a":{"b":[{"email":"[REDACTED (b)(6)]"}]}}`,
			[]string{"$.a.b[0].email"}, "paths name keys and indexes"},
		{"odd key", `{"first name":"Thomas Reed"}`, `{"first name":"[REDACTED (b)(6)]"}`,
			[]string{`$["first name"]`}, "keys that are not identifiers are quoted"},
		{"escaped value", `{"note":"write \"me\" at x\u0040example.com\n"}`, `{"note":"write \"me\" at [REDACTED (b)(6)]\n"}`,
			[]string{"$.note"}, "escapes are decoded before scanning and written back"},
		{"number", `{"phone": 4135550142, "n": 3}`, `{"phone": "[REDACTED (b)(6)]", "n": 3}`,
			[]string{"$.phone"}, "a number holding personal data becomes a string"},
		{"key holds PII", `{"x@example.com": {"v": "413-555-0142"}}`, `{"x@example.com": {"v": "[REDACTED (b)(6)]"}}`,
			[]string{"$[*].v"}, "keys are not redacted, but never reach the log"},
		{"Fields option", `{"resident":"Lopez, M."}`, `{"resident":"[REDACTED (b)(6)]"}`,
			[]string{"$.resident"}, "a configured field takes the whole value"},
		{"already redacted", `{"email":"[REDACTED (b)(6)]"}`, `{"email":"[REDACTED (b)(6)]"}`,
			nil, "a second pass logs nothing"},
		{"scalar top", `"x@example.com"`, `"[REDACTED (b)(6)]"`, []string{"$"}, "any JSON value"},
		{"white space kept", "{\n  \"email\" :\t\"x@example.com\" ,\n  \"ok\": true\n}\n",
			"{\n  \"email\" :\t\"[REDACTED (b)(6)]\" ,\n  \"ok\": true\n}\n", []string{"$.email"}, "layout is preserved"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := rq.Redact("d.json", DocJSON, []byte(c.in))
			require.NoError(t, err)
			assert.Equal(t, c.out, string(res.Output), c.why)
			assert.True(t, json.Valid(res.Output))
			var paths []string
			for _, e := range res.Entries {
				paths = append(paths, e.Path)
			}
			assert.Equal(t, c.paths, paths, c.why)
			for _, sp := range res.spans {
				assert.Equal(t, "[REDACTED (b)(6)]", string(res.Output[sp.start:sp.end]))
			}
		})
	}
}

func TestRequestJSONLines(t *testing.T) {
	rq := newTestRequest(t, nil)
	in := "{\"to\":\"x@example.com\"}\n\n{\"to\":\"nobody\"}\r\n{\"to\":\"y@example.com\"}"
	res, err := rq.Redact("a.jsonl", DocJSONL, []byte(in))
	require.NoError(t, err)
	assert.Equal(t, "{\"to\":\"[REDACTED (b)(6)]\"}\n\n{\"to\":\"nobody\"}\r\n{\"to\":\"[REDACTED (b)(6)]\"}", string(res.Output))
	require.Len(t, res.Entries, 2)
	assert.Equal(t, 1, res.Entries[0].Line)
	assert.Equal(t, 4, res.Entries[1].Line)

	_, err = rq.Redact("a.jsonl", DocJSONL, []byte("{\"to\":\"x@example.com\"}\n{\"to\": \"y@example.com\",\n"))
	var de *DocumentError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, ErrDocument)
	assert.Equal(t, 2, de.Line)
	assert.NotContains(t, err.Error(), "example.com", "errors never quote content")
}

func TestRequestCSV(t *testing.T) {
	rq := newTestRequest(t, nil)
	cases := []struct{ name, in, out, why string }{
		{"crlf and quoting", "\ufeffEmail,memo\r\nx@example.com,\"a, b\"\r\n,plain\r\n\"\",\"call 413-555-0142, \"\"urgent\"\"\"\r\n",
			"\ufeffEmail,memo\r\n[REDACTED (b)(6)],\"a, b\"\r\n,plain\r\n,\"call [REDACTED (b)(6)], \"\"urgent\"\"\"\r\n",
			"rows keep their line ending; untouched rows are copied byte for byte; the BOM does not hide the header"},
		{"ragged rows", "a,b\n1\n2,3,x@example.com\n", "a,b\n1\n2,3,[REDACTED (b)(6)]\n", "rows may differ in length"},
		{"no final newline", "email\nx@example.com", "email\n[REDACTED (b)(6)]", "the last row has no line ending"},
		{"clean", "a,b\n1,2\n", "a,b\n1,2\n", "nothing found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := rq.Redact("p.csv", DocCSV, []byte(c.in))
			require.NoError(t, err)
			assert.Equal(t, c.out, string(res.Output), c.why)
			for _, sp := range res.spans {
				assert.Equal(t, "[REDACTED (b)(6)]", string(res.Output[sp.start:sp.end]))
			}
		})
	}
	res, err := rq.Redact("p.csv", DocCSV, []byte("name,Email\nAna,x@example.com\n"))
	require.NoError(t, err)
	// "Ana" alone in a cell is a frequent given name: found since issue 13
	require.Len(t, res.Entries, 2)
	assert.Equal(t, redact.PersonName, res.Entries[0].Entity)
	assert.Equal(t, 2, res.Entries[1].Row)
	assert.Equal(t, 2, res.Entries[1].Column)
	assert.Equal(t, "Email", res.Entries[1].Field)
	assert.Equal(t, "key.email", res.Entries[1].Detector)
	assert.Equal(t, "row 2, column Email", res.Entries[1].Location())

	_, err = rq.Redact("p.csv", DocCSV, []byte("a,b\n\"x@example.com,1\n"))
	assert.ErrorIs(t, err, ErrDocument)
	assert.NotContains(t, err.Error(), "example.com")
}

func TestDocumentFormats(t *testing.T) {
	zipOf := func(name string) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, _ = w.Write([]byte("<x/>"))
		require.NoError(t, zw.Close())
		return b.Bytes()
	}
	cases := []struct {
		name   string
		data   []byte
		want   DocFormat
		ok     bool
		reason string
	}{
		{"a.txt", []byte("hi"), DocText, true, "by extension"},
		{"b.MD", []byte("hi"), DocText, true, "extension in any case"},
		{"c.eml", []byte("Subject: x\r\n\r\nhi"), DocEmail, true, "e-mail is MIME, not text"},
		{"d.csv", []byte("a,b\n"), DocCSV, true, "csv"},
		{"e.json", []byte("{}"), DocJSON, true, "json"},
		{"f.jsonl", []byte("{}"), DocJSONL, true, "json lines"},
		{"g.pdf", []byte("%PDF-1.7"), DocPDF, true, "pdf"},
		{"h.mbox", []byte("From x\n"), DocMbox, true, "mbox"},
		{"noext", []byte("hello"), "", false, "no extension, no signature"},
		{"scan.txt", []byte("%PDF-1.4 ..."), DocPDF, true, "content wins over a text extension"},
		{"notes.txt", []byte("abc\x00def"), "", false, "binary content named as text is not text"},
		{"old.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "", false, "OLE Word is not supported"},
		{"letter.docx", zipOf("word/document.xml"), DocDOCX, true, "docx by its main part"},
		{"book.bin", zipOf("xl/workbook.xml"), DocXLSX, true, "xlsx by content whatever the name"},
		{"archive.zip", zipOf("readme.txt"), "", false, "other archives are not supported"},
		{"photo.JPG", []byte("\xff\xd8\xff\xe0"), DocImage, true, "jpeg"},
	}
	for _, c := range cases {
		f, ok := DetectFormat(c.name, c.data)
		assert.Equal(t, c.ok, ok, c.reason)
		assert.Equal(t, c.want, f, c.reason)
	}
	rq := newTestRequest(t, nil)
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("name,ssn\nAna Ruiz,512-44-7301\n"))
	require.NoError(t, err)
	res, err := rq.Document("export.csv", u16)
	require.NoError(t, err, "UTF-16 text from Windows is read, not withheld as binary")
	assert.Equal(t, "name,ssn\n[REDACTED (b)(6)],[REDACTED (b)(6)]\n", string(res.Output))
	_, err = rq.Document("old.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 ssn 123-45-6789"))
	assert.ErrorIs(t, err, ErrWithheld)
	st, reason := StatusFor(err)
	assert.Equal(t, StatusWithheld, st)
	assert.Equal(t, "unsupported format (.doc, OLE compound file)", reason)
	_, err = rq.Redact("x", DocFormat("xml"), nil)
	assert.ErrorIs(t, err, redact.ErrOptions)
}

func TestAllowList(t *testing.T) {
	rq := newTestRequest(t, nil)
	h, err := rq.HashValue("t.reed@example.com")
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{32}$`, h)
	other, err := NewRequest(ephemeralKey(t), nil)
	require.NoError(t, err)
	h2, err := other.HashValue("t.reed@example.com")
	require.NoError(t, err)
	assert.NotEqual(t, h, h2, "hashes are keyed")

	a, err := ParseAllowList(strings.NewReader("# officials\n  James Carter  \n\nhmac:" + strings.ToUpper(h) + "\n"))
	require.NoError(t, err)
	assert.Equal(t, 2, a.Len())
	var buf bytes.Buffer
	_, err = a.WriteTo(&buf)
	require.NoError(t, err)
	again, err := ParseAllowList(&buf)
	require.NoError(t, err)
	assert.Equal(t, a, again, "the file form round-trips")

	rq = newTestRequest(t, &RequestOptions{Allow: a})
	res, err := rq.Text("t.txt", "Councillor James Carter replied to t.reed@example.com and x@example.com.")
	require.NoError(t, err)
	assert.Equal(t, "Councillor James Carter replied to t.reed@example.com and [REDACTED (b)(6)].", string(res.Output))
	assert.Len(t, res.Entries, 1)
	res, err = rq.Redact("s.json", DocJSON, []byte(`{"email":"t.reed@example.com","full_name":"James Carter"}`))
	require.NoError(t, err)
	assert.Empty(t, res.Entries, "the allow-list applies to values taken by key name too")

	for _, bad := range []string{"hmac:xyz", "hmac:abcd", "hmac:" + strings.Repeat("0", 31)} {
		_, err := ParseAllowList(strings.NewReader(bad))
		assert.ErrorIs(t, err, ErrAllowList, bad)
	}
}

func TestLogWriter(t *testing.T) {
	rq := newTestRequest(t, nil)
	var c, j bytes.Buffer
	lw, err := NewLogWriter(rq.Catalog(), &c, &j)
	require.NoError(t, err)
	require.NoError(t, lw.Close())
	var empty struct {
		Redactions []LogEntry  `json:"redactions"`
		Summary    LogSummary  `json:"summary"`
		Exemptions []Exemption `json:"exemptions"`
	}
	require.NoError(t, json.Unmarshal(j.Bytes(), &empty), j.String())
	assert.Empty(t, empty.Redactions)
	assert.Len(t, empty.Exemptions, 2)

	c.Reset()
	j.Reset()
	lw, err = NewLogWriter(rq.Catalog(), &c, &j)
	require.NoError(t, err)
	for _, d := range []string{"a.txt", "b.txt"} {
		res, err := rq.Text(d, "mail x@example.com or y@example.com")
		require.NoError(t, err)
		require.NoError(t, lw.Add(res))
	}
	res, err := rq.Text("c.txt", "nothing here")
	require.NoError(t, err)
	require.NoError(t, lw.Add(res))
	require.NoError(t, lw.Fail("d.json", &DocumentError{Document: "d.json", Line: 3, Err: ErrDocument}))
	require.NoError(t, lw.Fail("e.gif", withheld("e.gif", ReasonUnsupported, ".gif")))
	require.NoError(t, lw.Close())
	assert.ErrorIs(t, lw.Add(res), errLogClosed)
	s := lw.Summary()
	assert.Equal(t, 5, s.Documents)
	assert.Equal(t, 2, s.Redacted)
	assert.Equal(t, 1, s.Clean)
	assert.Equal(t, 1, s.Failed)
	assert.Equal(t, 1, s.Withheld)
	assert.False(t, s.Complete())
	require.Len(t, s.Files, 5, "every document has a status")
	assert.Equal(t, FileStatus{Document: "e.gif", Status: StatusWithheld, Reason: "unsupported format (.gif)"}, s.Files[4])
	assert.Equal(t, 4, s.Redactions)
	assert.Equal(t, map[string]int{"(b)(6)": 4}, s.ByCode)
	assert.Equal(t, map[string]int{"a.txt": 2, "b.txt": 2, "c.txt": 0}, s.ByDocument)
	assert.Equal(t, 10, strings.Count(c.String(), "\n"), "header, four redactions, five status rows")
	assert.Contains(t, c.String(), "e.gif,,,,,,,,,,,,,,,,withheld,unsupported format (.gif),,,\n")
	var full struct {
		Redactions []LogEntry `json:"redactions"`
		Summary    LogSummary `json:"summary"`
	}
	require.NoError(t, json.Unmarshal(j.Bytes(), &full))
	assert.Len(t, full.Redactions, 4)
	assert.Equal(t, s, full.Summary)
	var sc bytes.Buffer
	require.NoError(t, s.WriteCSV(&sc))
	assert.Contains(t, sc.String(), "code,(b)(6),4,,\n")
	assert.Contains(t, sc.String(), "document,c.txt,0,clean,\n")
	assert.Contains(t, sc.String(), "document,d.json,0,failed,line 3: malformed document\n")
	assert.Contains(t, sc.String(), "document,e.gif,0,withheld,unsupported format (.gif)\n")
	_, err = NewLogWriter(nil, nil, nil)
	assert.True(t, errors.Is(err, redact.ErrOptions))
}

func TestReviewTruncates(t *testing.T) {
	rq := newTestRequest(t, nil)
	text := strings.Repeat("Write to x@example.com today. ", 100)
	res, err := rq.Text("long.txt", text)
	require.NoError(t, err)
	rv, err := NewReview(rq.Catalog(), &ReviewOptions{MaxBytes: 100, MaxEntries: 3})
	require.NoError(t, err)
	rv.Add(res)
	var b bytes.Buffer
	require.NoError(t, rv.WriteHTML(&b))
	html := b.String()
	assert.Contains(t, html, "Only the first")
	assert.Contains(t, html, "97 more redactions")
	assert.Equal(t, 3, strings.Count(html, `<tr id="d1-`), "three log rows shown")
	// Boxes are never cut: every mark holds a whole box.
	for _, m := range regexp.MustCompile(`<a href="#d1-\d+-row">([^<]*)</a>`).FindAllStringSubmatch(html, -1) {
		assert.Equal(t, "[REDACTED (b)(6)]", m[1])
	}
}

func TestLogEntryJSONMatchesEncodingJSON(t *testing.T) {
	cases := []LogEntry{
		{Document: "a.txt", Line: 3, Column: 9, Entity: redact.Email, Code: "(b)(6)", Citation: "5 U.S.C. § 552(b)(6)", Operator: OpBox,
			Rule: "federal.email", Detector: "email", Confidence: 0.9, Chars: 12, ValueHMAC: "00ff"},
		{Document: "d\"ir\\x<y>&\u2028.json", Line: 1, Path: `$["a\"b"][2]`, Entity: "utility_account", Code: "§7927.410", Confidence: 1},
		{Document: "p.csv", Row: 4, Column: 2, Field: "e-mail\t", Confidence: 0.35, Chars: 0},
	}
	for _, e := range cases {
		want, err := json.Marshal(e)
		require.NoError(t, err)
		got := e.appendJSON(nil)
		var a, b map[string]any
		require.NoError(t, json.Unmarshal(want, &a))
		require.NoError(t, json.Unmarshal(got, &b), string(got))
		assert.Equal(t, a, b, "hand-written encoder must agree with encoding/json")
	}
}
