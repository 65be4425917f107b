package records

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const decideLetter = "Dear Ms. Ruiz,\nPlease call Ana Ruiz at (617) 555-0143 or write to ana.ruiz@example.com.\nCase file 4471-B was opened by the clerk.\nMayor Bea Ortiz signed it.\n"

// proposalsOf returns a text document's proposals and their keys.
func proposalsOf(t *testing.T, rq *Request, name string, data []byte) (*Result, []Segment, []ProposalKey) {
	t.Helper()
	res, segs, complete, err := rq.Proposed(name, data)
	require.NoError(t, err)
	require.True(t, complete)
	return res, segs, ProposalKeys(res.Entries)
}

// manualText returns an added text redaction of the first occurrence of
// value in a segment's text.
func manualText(t *testing.T, rq *Request, segs []Segment, id, value, code string) ManualRedaction {
	t.Helper()
	for _, s := range segs {
		if i := strings.Index(s.Text, value); i >= 0 {
			h, err := rq.HashValue(value)
			require.NoError(t, err)
			return ManualRedaction{ID: id, Code: code, Part: s.Part, Start: i, End: i + len(value), ValueHMAC: h, By: "clerk"}
		}
	}
	t.Fatalf("no segment holds the value")
	return ManualRedaction{}
}

func keyFor(t *testing.T, res *Result, keys []ProposalKey, entity string) ProposalKey {
	t.Helper()
	for i, e := range res.Entries {
		if string(e.Entity) == entity {
			return keys[i]
		}
	}
	t.Fatalf("no %s proposal", entity)
	return ProposalKey{}
}

func TestDecideText(t *testing.T) {
	rq := newTestRequest(t, nil)
	data := []byte(decideLetter)
	res, segs, keys := proposalsOf(t, rq, "letter.txt", data)
	require.Len(t, segs, 1, "a text document is one segment")
	assert.Equal(t, decideLetter, segs[0].Text)
	require.Len(t, segs[0].Spans, len(res.Entries), "every proposal has a span")
	for _, sp := range segs[0].Spans {
		assert.Equal(t, res.Entries[sp.Entry].Chars, len([]rune(decideLetter[sp.Start:sp.End])))
	}
	email := keyFor(t, res, keys, "email")
	phone := keyFor(t, res, keys, "phone")
	dd := &DocumentDecisions{SHA256: ContentHash(data), Reviewed: true,
		Proposals: []ProposalDecision{
			{ProposalKey: email, Verdict: VerdictRejected, Reason: "public contact", By: "clerk"},
			{ProposalKey: phone, Verdict: VerdictAccepted, By: "clerk"},
		},
		Added: []ManualRedaction{manualText(t, rq, segs, "m1", "4471-B", "(b)(6)")},
	}
	out, err := rq.Decide("letter.txt", data, dd)
	require.NoError(t, err)
	text := string(out.Output)
	assert.Contains(t, text, "ana.ruiz@example.com", "a rejected proposal is released")
	assert.NotContains(t, text, "555-0143", "an accepted proposal is redacted")
	assert.NotContains(t, text, "4471-B", "an added redaction is made")
	assert.Contains(t, text, "Case file [REDACTED (b)(6)] was opened")
	require.Len(t, out.Rejected, 1)
	assert.Equal(t, DecisionRejected, out.Rejected[0].Decision)
	assert.Equal(t, "public contact", out.Rejected[0].DecisionReason)
	assert.Equal(t, email.Location, out.Rejected[0].Location())
	decisions := map[string]int{}
	for _, e := range out.Entries {
		decisions[e.Decision]++
		if e.Entity == EntityManual {
			assert.Equal(t, "(b)(6)", e.Code)
			assert.Equal(t, "clerk", e.DecidedBy)
			assert.Equal(t, 3, e.Line)
		}
	}
	assert.Equal(t, 1, decisions[DecisionAccepted])
	assert.Equal(t, 1, decisions[DecisionManual])
	assert.Equal(t, len(res.Entries)-2, decisions[DecisionProposed], "undecided proposals stay redacted")

	// No decisions: as Document, each entry marked proposed.
	plain, err := rq.Decide("letter.txt", data, nil)
	require.NoError(t, err)
	assert.Equal(t, string(res.Output), string(plain.Output))
}

func TestDecideManualOverlapsProposal(t *testing.T) {
	rq := newTestRequest(t, nil)
	data := []byte(decideLetter)
	res, segs, _ := proposalsOf(t, rq, "letter.txt", data)
	// "ana.ruiz@example.com." with the full stop: covers the e-mail
	// proposal and a character more.
	m := manualText(t, rq, segs, "m1", "to ana.ruiz@example.com.", "(b)(6)")
	out, err := rq.Decide("letter.txt", data, &DocumentDecisions{SHA256: ContentHash(data), Added: []ManualRedaction{m}})
	require.NoError(t, err)
	assert.Contains(t, string(out.Output), "write [REDACTED (b)(6)]\nCase")
	assert.Len(t, out.Entries, len(res.Entries), "the swallowed proposal is replaced by the added one")
}

func TestDecideStale(t *testing.T) {
	rq := newTestRequest(t, nil)
	data := []byte(decideLetter)
	res, segs, keys := proposalsOf(t, rq, "letter.txt", data)
	_ = res
	good := manualText(t, rq, segs, "m1", "4471-B", "(b)(6)")
	tests := []struct {
		name, reason string
		data         []byte
		dd           DocumentDecisions
		kind         string
	}{
		{"content changed", "decisions are bound to the content hash",
			[]byte(strings.Replace(decideLetter, "clerk", "Clerk", 1)), DocumentDecisions{SHA256: ContentHash(data)}, "document"},
		{"proposal gone", "a decided proposal that is not proposed any more is reported, not dropped",
			data, DocumentDecisions{SHA256: ContentHash(data), Proposals: []ProposalDecision{{ProposalKey: ProposalKey{Location: "line 9, column 1", Entity: "email", ValueHMAC: keys[0].ValueHMAC}, Verdict: VerdictRejected}}}, "proposal"},
		{"selection text changed", "an added selection whose text does not hash the same is not applied elsewhere",
			data, DocumentDecisions{SHA256: ContentHash(data), Added: []ManualRedaction{func() ManualRedaction { m := good; m.Start++; m.End++; return m }()}}, "added"},
		{"part gone", "an added selection in a part the document does not have",
			data, DocumentDecisions{SHA256: ContentHash(data), Added: []ManualRedaction{func() ManualRedaction { m := good; m.Part = "attachment 9"; return m }()}}, "added"},
		{"box on a text document", "a box drawn on a page that the document does not have",
			data, DocumentDecisions{SHA256: ContentHash(data), Added: []ManualRedaction{{ID: "b", Code: "(b)(6)", Part: "page 1", Box: &Rect{0, 0, 10, 10}}}}, "added"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rq.Decide("letter.txt", tc.data, &tc.dd)
			var se *StaleError
			require.ErrorAs(t, err, &se, tc.reason)
			require.NotEmpty(t, se.Stale)
			assert.Equal(t, tc.kind, se.Stale[0].Kind, tc.reason)
			st, reason := StatusFor(err)
			assert.Equal(t, StatusWithheld, st, "a document with stale decisions is withheld")
			assert.Contains(t, reason, string(ReasonStaleDecisions))
			assert.NotContains(t, err.Error(), "Ruiz", "no personal data in the error")
		})
	}
}

func TestDecideEmailSelection(t *testing.T) {
	rq := newTestRequest(t, nil)
	raw := complaintEmail(t, emailPII)
	_, segs, complete, err := rq.Proposed("complaint.eml", raw)
	require.NoError(t, err)
	require.True(t, complete)
	require.Greater(t, len(segs), 1, "an e-mail has a segment per header and part")
	// Redact a word of the subject or body that nothing proposed.
	var m ManualRedaction
	found := false
	for _, s := range segs {
		if i := strings.Index(s.Text, "water"); i >= 0 && !found {
			h, _ := rq.HashValue("water")
			m = ManualRedaction{ID: "m1", Code: "(b)(6)", Part: s.Part, Start: i, End: i + 5, ValueHMAC: h}
			found = true
		}
	}
	require.True(t, found, "the fixture mentions water")
	out, err := rq.Decide("complaint.eml", raw, &DocumentDecisions{SHA256: ContentHash(raw), Added: []ManualRedaction{m}})
	require.NoError(t, err)
	n := 0
	for _, e := range out.Entries {
		if e.Decision == DecisionManual {
			n++
			assert.Equal(t, m.Part, e.Part, "logged at the part it was selected in")
		}
	}
	assert.Equal(t, 1, n)
}

func TestDecidePDFBox(t *testing.T) {
	rq := newTestRequest(t, nil)
	data := buildPDF(t, [][]string{pdfPIILines, {"Page two mentions the permit 88-123 only."}}, pdfFixtureOptions{})
	res, _, keys := proposalsOf(t, rq, "letter.pdf", data)
	img, err := RenderPDFPage(data, 1)
	require.NoError(t, err)
	assert.Greater(t, img.Width, 100)
	// The line on page 2 sits at y=90pt from the top of a 792pt page:
	// draw a box over the whole line, in pixels as a reviewer would.
	s := float64(img.Width) / 612
	box := img.RectToPage(60*s, 75*s, 560*s, 96*s)
	assert.InDelta(t, 60, box.Left, 1)
	assert.InDelta(t, 792-96, box.Bottom, 1)
	x0, y0, _, _ := img.RectToImage(box)
	assert.InDelta(t, 60*s, x0, 0.01, "pixels and points convert both ways")
	assert.InDelta(t, 75*s, y0, 0.01)
	name := keyFor(t, res, keys, "email")
	dd := &DocumentDecisions{SHA256: ContentHash(data),
		Proposals: []ProposalDecision{{ProposalKey: name, Verdict: VerdictRejected, Reason: "public"}},
		Added:     []ManualRedaction{{ID: "b1", Code: "(b)(6)", Part: "page 2", Box: &box, By: "clerk"}}}
	out, err := rq.Decide("letter.pdf", data, dd)
	require.NoError(t, err)
	manual := 0
	for _, e := range out.Entries {
		if e.Decision == DecisionManual {
			manual++
			assert.True(t, strings.HasPrefix(e.Part, "page 2 > box "), e.Part)
			assert.Equal(t, "manual.box", e.Detector)
		}
	}
	assert.GreaterOrEqual(t, manual, 1)
	if text, ok := pdftotext(t, out.Output); ok {
		assert.NotContains(t, text, "88-123", "the text under a drawn box is gone, text layer too")
		pages := strings.Split(text, "\f")
		require.GreaterOrEqual(t, len(pages), 2)
		assert.NotContains(t, pages[1], "permit", "the text under a drawn box is gone, text layer too")
		assert.Contains(t, text, pdfEmail, "the rejected proposal is released")
		assert.NotContains(t, text, "555-0143")
	}
}

func TestDecisionsSealAndFile(t *testing.T) {
	rq := newTestRequest(t, nil)
	d := NewDecisions(rq.Catalog())
	d.Documents["a.txt"] = &DocumentDecisions{SHA256: ContentHash([]byte("x")), Reviewed: true, ReviewedBy: "clerk",
		ReviewedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "decisions.json")
	require.NoError(t, rq.WriteDecisions(path, d))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	got, err := rq.LoadDecisions(path)
	require.NoError(t, err)
	assert.Equal(t, d.Documents["a.txt"].ReviewedAt, got.Documents["a.txt"].ReviewedAt)

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	tampered := strings.Replace(string(raw), `"reviewed": true`, `"reviewed": false`, 1)
	require.NotEqual(t, string(raw), tampered)
	require.NoError(t, os.WriteFile(path, []byte(tampered), 0o600))
	_, err = rq.LoadDecisions(path)
	assert.ErrorIs(t, err, ErrDecisions, "a file changed by hand is refused")

	other := newTestRequest(t, &RequestOptions{})
	other.key = ephemeralKey(t)
	require.NoError(t, rq.WriteDecisions(path, d))
	_, err = other.LoadDecisions(path)
	assert.ErrorIs(t, err, ErrDecisions, "a file sealed under another key is refused")

	ma, err := BuiltinCatalog("ma")
	require.NoError(t, err)
	_, err = newTestRequest(t, &RequestOptions{Catalog: ma}).LoadDecisions(path)
	assert.ErrorIs(t, err, ErrDecisions, "a file made under another catalog is refused")
}

func TestParseDecisionsRejects(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	hm := strings.Repeat("cd", 16)
	tests := []struct{ name, reason, in string }{
		{"not json", "malformed JSON", `{`},
		{"version", "another version", `{"version":2,"jurisdiction":"federal","documents":{}}`},
		{"unknown field", "unknown fields are refused, not ignored", `{"version":1,"documents":{},"extra":1}`},
		{"trailing", "one object only", `{"version":1,"documents":{}} {}`},
		{"bad sha", "sha256 must be 64 hex digits", `{"version":1,"documents":{"a":{"sha256":"zz"}}}`},
		{"bad verdict", "verdict is accepted or rejected", `{"version":1,"documents":{"a":{"sha256":"` + sha + `","proposals":[{"location":"line 1, column 1","entity":"email","value_hmac":"` + hm + `","verdict":"maybe"}]}}}`},
		{"twice", "a proposal decided twice is ambiguous", `{"version":1,"documents":{"a":{"sha256":"` + sha + `","proposals":[{"location":"l","entity":"email","value_hmac":"` + hm + `","verdict":"accepted"},{"location":"l","entity":"email","value_hmac":"` + hm + `","verdict":"rejected"}]}}}`},
		{"empty span", "an added selection needs start < end", `{"version":1,"documents":{"a":{"sha256":"` + sha + `","added":[{"id":"1","code":"x","part":"","start":3,"end":3,"value_hmac":"` + hm + `"}]}}}`},
		{"no hash", "an added selection needs its value hash", `{"version":1,"documents":{"a":{"sha256":"` + sha + `","added":[{"id":"1","code":"x","part":"","start":1,"end":3}]}}}`},
		{"empty box", "a box needs an area", `{"version":1,"documents":{"a":{"sha256":"` + sha + `","added":[{"id":"1","code":"x","part":"page 1","box":{"Left":5,"Bottom":5,"Right":5,"Top":9}}]}}}`},
		{"duplicate id", "ids identify added redactions", `{"version":1,"documents":{"a":{"sha256":"` + sha + `","added":[{"id":"1","code":"x","part":"page 1","box":{"Left":1,"Bottom":1,"Right":5,"Top":9}},{"id":"1","code":"x","part":"page 1","box":{"Left":1,"Bottom":1,"Right":5,"Top":9}}]}}}`},
		{"null document", "a document entry must be an object", `{"version":1,"documents":{"a":null}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDecisions([]byte(tc.in))
			assert.ErrorIs(t, err, ErrDecisions, tc.reason)
		})
	}
	d, err := ParseDecisions([]byte(`{"version":1,"jurisdiction":"federal","documents":{"a":{"sha256":"` + sha + `"}}}`))
	require.NoError(t, err)
	assert.Len(t, d.Documents, 1)
}

func TestDocumentDecisionsEdit(t *testing.T) {
	dd := &DocumentDecisions{}
	k := ProposalKey{Location: "line 1, column 1", Entity: "email"}
	dd.Decide(ProposalDecision{ProposalKey: k, Verdict: VerdictRejected})
	dd.Decide(ProposalDecision{ProposalKey: k, Verdict: VerdictAccepted})
	require.Len(t, dd.Proposals, 1, "a second verdict replaces the first")
	v, ok := dd.Verdict(k)
	assert.True(t, ok)
	assert.Equal(t, VerdictAccepted, v.Verdict)
	dd.Undecide(k)
	_, ok = dd.Verdict(k)
	assert.False(t, ok)
	dd.Added = []ManualRedaction{{ID: "a"}, {ID: "b"}}
	assert.True(t, dd.Remove("a"))
	assert.False(t, dd.Remove("a"))
	assert.Len(t, dd.Added, 1)
}

func TestDecideImageBox(t *testing.T) {
	requireTesseract(t)
	page := renderLines(t, []string{"Water meter repair request", "Permit 88-123 granted", "Approved by the council"})
	var in bytes.Buffer
	require.NoError(t, png.Encode(&in, page))
	data := in.Bytes()
	rq := newTestRequest(t, nil)
	pi, err := RenderImage(data)
	require.NoError(t, err)
	assert.Equal(t, page.Bounds().Dx(), pi.Width)
	// The second line's glyphs sit between y=115 and y=160.
	box := pi.RectToPage(30, 110, 700, 165)
	assert.Equal(t, Rect{Left: 30, Bottom: 110, Right: 700, Top: 165}, box, "an image's page space is its pixels")
	out, err := rq.Decide("scan.png", data, &DocumentDecisions{SHA256: ContentHash(data),
		Added: []ManualRedaction{{ID: "b1", Code: "(b)(6)", Part: "image", Box: &box, By: "clerk"}}})
	require.NoError(t, err)
	after := ocrText(t, out.Output)
	assert.NotContains(t, after, "88-123", "the box is painted over")
	assert.Contains(t, after, "Water meter repair", "the rest is released")
	require.NotEmpty(t, out.Entries)
	last := out.Entries[len(out.Entries)-1]
	assert.Equal(t, DecisionManual, last.Decision)
	assert.Equal(t, "image > box x=30 y=110 w=670 h=55", last.Part)
}

func TestDecideChangesCode(t *testing.T) {
	rq := newTestRequest(t, nil)
	data := []byte(decideLetter)
	res, _, keys := proposalsOf(t, rq, "letter.txt", data)
	phone := keyFor(t, res, keys, "phone")
	dd := &DocumentDecisions{SHA256: ContentHash(data), Proposals: []ProposalDecision{
		{ProposalKey: phone, Verdict: VerdictAccepted, Code: "(b)(7)(C)", By: "clerk"}}}
	out, err := rq.Decide("letter.txt", data, dd)
	require.NoError(t, err)
	assert.Contains(t, string(out.Output), "(b)(6)] at [REDACTED (b)(7)(C)] or", "the box carries the code the reviewer chose")
	for _, e := range out.Entries {
		if e.Entity == "phone" {
			assert.Equal(t, "(b)(7)(C)", e.Code)
			assert.Equal(t, DecisionAccepted, e.Decision)
		}
	}
	dd.Proposals[0].Code = "(z)(9)"
	_, err = rq.Decide("letter.txt", data, dd)
	var se *StaleError
	assert.ErrorAs(t, err, &se, "a code the catalog does not have is reported, not applied")
	_, err = ParseDecisions([]byte(`{"version":1,"documents":{"a":{"sha256":"` + strings.Repeat("ab", 32) + `","proposals":[{"location":"l","entity":"email","verdict":"rejected","code":"(b)(6)"}]}}}`))
	assert.ErrorIs(t, err, ErrDecisions, "a code on a rejected proposal means nothing: refused")
}
