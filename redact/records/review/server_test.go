package review

import (
	"github.com/civickit/privacy/redact/records"

	"bytes"
	"cmp"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/prf"
)

const testLetter = "Dear Ms. Ruiz,\nPlease call Ana Ruiz at (617) 555-0143 or write to ana.ruiz@example.com.\nCase file 4471-B was opened by the clerk.\n"

func testKey(t testing.TB) prf.Set {
	t.Helper()
	h, err := keyset.NewHandle(prf.HMACSHA256PRFKeyTemplate())
	require.NoError(t, err)
	set, err := prf.NewPRFSet(h)
	require.NoError(t, err)
	return *set
}

func testPDF(t testing.TB, lines ...string) []byte {
	t.Helper()
	f := fpdf.New("P", "pt", "Letter", "")
	f.SetFont("Helvetica", "", 12)
	f.AddPage()
	for j, l := range lines {
		f.Text(72, 90+float64(j)*18, l)
	}
	var out bytes.Buffer
	require.NoError(t, f.Output(&out))
	return out.Bytes()
}

// fixture is a review over a letter and a PDF, with an Apply that
// redacts into memory.
type fixture struct {
	srv      *Server
	rq       *records.Request
	dir      string
	decPath  string
	mu       sync.Mutex
	released map[string][]byte
	applied  int
}

func newFixture(t *testing.T, key prf.Set, dec *records.Decisions) *fixture {
	t.Helper()
	dir := t.TempDir()
	fx := &fixture{dir: dir, decPath: filepath.Join(dir, "decisions.json"), released: map[string][]byte{}}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "letter.txt"), []byte(testLetter), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "minutes.pdf"), testPDF(t, "Minutes of the parks board.", "Permit 88-123 was granted."), 0o600))
	rq, err := records.NewRequest(&key, nil)
	require.NoError(t, err)
	fx.rq = rq
	if dec == nil {
		if _, err := os.Stat(fx.decPath); err == nil {
			dec, err = rq.LoadDecisions(fx.decPath)
			require.NoError(t, err)
		}
	}
	fx.srv, err = New(Options{Request: rq, DecisionsPath: fx.decPath, Reviewer: "clerk1", Decisions: dec,
		Documents: []Document{{Name: "letter.txt", Path: filepath.Join(dir, "letter.txt")}, {Name: "minutes.pdf", Path: filepath.Join(dir, "minutes.pdf")}},
		Apply: func(_ context.Context, d *records.Decisions) (records.LogSummary, error) {
			fx.mu.Lock()
			defer fx.mu.Unlock()
			fx.applied++
			var sum records.LogSummary
			for _, name := range []string{"letter.txt", "minutes.pdf"} {
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					return sum, err
				}
				res, err := rq.Decide(name, data, d.Documents[name])
				if err != nil {
					return sum, err
				}
				fx.released[name] = res.Output
				sum.Documents++
				sum.Redactions += len(res.Entries)
				sum.Rejected += len(res.Rejected)
			}
			return sum, nil
		}})
	require.NoError(t, err)
	fx.srv.SetHost("127.0.0.1:5555")
	return fx
}

func (fx *fixture) get(path string, q url.Values) *httptest.ResponseRecorder {
	if q == nil {
		q = url.Values{}
	}
	q.Set("token", fx.srv.Token())
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:5555"+path+"?"+q.Encode(), nil)
	r.RemoteAddr = "127.0.0.1:40000"
	w := httptest.NewRecorder()
	fx.srv.ServeHTTP(w, r)
	return w
}

func (fx *fixture) post(path string, form url.Values) *httptest.ResponseRecorder {
	form.Set("token", fx.srv.Token())
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:5555"+path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "http://127.0.0.1:5555")
	r.RemoteAddr = "127.0.0.1:40000"
	w := httptest.NewRecorder()
	fx.srv.ServeHTTP(w, r)
	return w
}

func entryOf(t *testing.T, fx *fixture, doc int, entity string) int {
	t.Helper()
	for i, e := range fx.srv.docs[doc].Entries {
		if string(e.Entity) == entity {
			return i
		}
	}
	t.Fatalf("no %s proposal", entity)
	return -1
}

func TestGuard(t *testing.T) {
	fx := newFixture(t, testKey(t), nil)
	tok := fx.srv.Token()
	tests := []struct {
		name, reason   string
		method, target string
		host           string
		body           string
		header         map[string]string
		want           int
		remote         string
	}{
		{"token", "a page with the token is served", "GET", "/?token=" + tok, "127.0.0.1:5555", "", nil, 200, ""},
		{"no token", "every request needs the token", "GET", "/", "127.0.0.1:5555", "", nil, 403, ""},
		{"wrong token", "a wrong token is refused", "GET", "/?token=" + wrongToken(tok), "127.0.0.1:5555", "", nil, 403, ""},
		{"static without token", "the script needs the token too", "GET", "/static/review.js", "127.0.0.1:5555", "", nil, 403, ""},
		{"rebinding", "a Host that is not the loopback address:port (DNS rebinding) is refused", "GET", "/?token=" + tok, "evil.example:5555", "", nil, 403, ""},
		{"localhost name", "only the address that was printed", "GET", "/?token=" + tok, "localhost:5555", "", nil, 403, ""},
		{"other port", "another port is another origin", "GET", "/?token=" + tok, "127.0.0.1:5556", "", nil, 403, ""},
		{"post token in query only", "a change needs the token in its body or header, not only in the URL", "POST", "/reviewed?token=" + tok, "127.0.0.1:5555", "doc=0&reviewed=1",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 403, ""},
		{"post cross origin", "a form posted from another origin is refused even with the token", "POST", "/reviewed", "127.0.0.1:5555", "doc=0&reviewed=1&token=" + tok,
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example"}, 403, ""},
		{"post cross site", "Sec-Fetch-Site cross-site is refused", "POST", "/reviewed", "127.0.0.1:5555", "doc=0&reviewed=1&token=" + tok,
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}, 403, ""},
		{"post header token", "the X-Review-Token header carries the token", "POST", "/reviewed?doc=0&reviewed=1", "127.0.0.1:5555", "",
			map[string]string{"X-Review-Token": tok}, 303, ""},
		{"get a change", "changes are POST only", "GET", "/reviewed?token=" + tok, "127.0.0.1:5555", "", nil, 405, ""},
		{"put", "other methods are refused", "PUT", "/?token=" + tok, "127.0.0.1:5555", "", nil, 405, ""},
		{"remote peer", "a request from another machine is refused, token or not", "GET", "/?token=" + tok, "127.0.0.1:5555", "", nil, 403, "192.0.2.7:5000"},
		{"ipv6 loopback peer", "::1 is this computer too", "GET", "/?token=" + tok, "127.0.0.1:5555", "", nil, 200, "[::1]:5000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "http://"+tc.host+tc.target, strings.NewReader(tc.body))
			r.Host = tc.host
			r.RemoteAddr = cmp.Or(tc.remote, "127.0.0.1:40000")
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			fx.srv.ServeHTTP(w, r)
			assert.Equal(t, tc.want, w.Code, tc.reason)
			csp := w.Header().Get("Content-Security-Policy")
			assert.Contains(t, csp, "default-src 'none'", "every answer has the strict CSP")
			assert.NotContains(t, csp, "unsafe-inline")
			assert.Equal(t, "same-origin", w.Header().Get("Referrer-Policy"), "no address with its token goes elsewhere")
			assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
			if tc.want == 403 {
				assert.NotContains(t, w.Body.String(), "Ruiz")
			}
		})
	}
	// Listen binds the loopback address only, at a random port.
	ln, err := fx.srv.Listen(0)
	require.NoError(t, err)
	defer ln.Close()
	assert.True(t, strings.HasPrefix(ln.Addr().String(), "127.0.0.1:"), ln.Addr().String())
	assert.Equal(t, "http://"+ln.Addr().String()+"/?token="+tok, fx.srv.URL())
	// An unset host (before Listen) accepts nothing.
	fx.srv.SetHost("")
	assert.Equal(t, 403, fx.get("/", nil).Code)
}

func TestPagesHaveNoInlineScript(t *testing.T) {
	fx := newFixture(t, testKey(t), nil)
	for _, p := range []string{"/", "/doc"} {
		w := fx.get(p, url.Values{"id": {"0"}})
		require.Equal(t, 200, w.Code)
		body := w.Body.String()
		assert.NotContains(t, body, "<script>", "no inline script: the CSP would block it")
		assert.NotContains(t, body, " style=", "no inline style")
		assert.NotRegexp(t, `\son[a-z]+=`, body, "no event handler attributes")
	}
}

func TestDecideAddApplyAndResume(t *testing.T) {
	key := testKey(t)
	fx := newFixture(t, key, nil)
	email := entryOf(t, fx, 0, "email")
	w := fx.post("/decide", url.Values{"doc": {"0"}, "entry": {strconv.Itoa(email)}, "verdict": {"rejected"}, "reason": {"already public"}})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	assert.Contains(t, w.Header().Get("Location"), "focus=reject-"+strconv.Itoa(email), "focus returns to the button pressed")

	// Select "4471-B" (offsets in UTF-16 code units, as a browser counts).
	i := strings.Index(testLetter, "4471-B")
	w = fx.post("/add", url.Values{"doc": {"0"}, "seg": {"0"}, "start": {strconv.Itoa(i)}, "end": {strconv.Itoa(i + 6)}, "code": {"(b)(6)"}})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())

	// Draw a box over the second line of the PDF's page 1.
	fx.srv.mu.Lock()
	img, err := fx.srv.page(1, fx.srv.docs[1], 1)
	fx.srv.mu.Unlock()
	require.NoError(t, err)
	s := float64(img.Width) / 612
	w = fx.post("/addbox", url.Values{"doc": {"1"}, "page": {"1"}, "x": {ftoa(60 * s)}, "y": {ftoa(94 * s)}, "w": {ftoa(300 * s)}, "h": {ftoa(20 * s)}, "code": {"(b)(6)"}})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())

	// The decisions file: 0600, no withheld value in it.
	st, err := os.Stat(fx.decPath)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	raw, err := os.ReadFile(fx.decPath)
	require.NoError(t, err)
	for _, v := range []string{"Ruiz", "555-0143", "4471-B", "88-123"} {
		assert.NotContains(t, string(raw), v, "the decisions file holds keyed hashes and locations, never values")
	}

	// Apply asks again while documents are not marked reviewed.
	w = fx.post("/apply", url.Values{})
	require.Equal(t, 200, w.Code)
	assert.Contains(t, w.Body.String(), "not marked reviewed")
	assert.Equal(t, 0, fx.applied)
	for _, d := range []string{"0", "1"} {
		require.Equal(t, http.StatusSeeOther, fx.post("/reviewed", url.Values{"doc": {d}, "reviewed": {"1"}}).Code)
	}
	w = fx.post("/apply", url.Values{})
	require.Equal(t, http.StatusSeeOther, w.Code)
	require.Equal(t, 1, fx.applied)
	letter := string(fx.released["letter.txt"])
	assert.Contains(t, letter, "ana.ruiz@example.com", "rejected: released")
	assert.NotContains(t, letter, "4471-B", "added by selection: redacted")
	assert.NotContains(t, letter, "555-0143", "undecided: redacted as proposed")
	assert.NotEmpty(t, fx.released["minutes.pdf"])
	index := fx.get("/", url.Values{"applied": {"1"}}).Body.String()
	assert.Contains(t, index, "Last release")

	// A new server over the same file resumes the review.
	fx2 := newFixture(t, key, nil)
	_ = fx2
	rq := fx.rq
	dec, err := rq.LoadDecisions(fx.decPath)
	require.NoError(t, err)
	srv2, err := New(Options{Request: rq, DecisionsPath: fx.decPath, Decisions: dec, Apply: fx.srv.opts.Apply, Documents: fx.srv.opts.Documents})
	require.NoError(t, err)
	c := srv2.countsOf(srv2.docs[0])
	assert.Equal(t, counts{Proposals: len(fx.srv.docs[0].Entries), Rejected: 1, Added: 1, Reviewed: true}, c)

	// Undo, then the same verdict for every proposal of one value.
	w = fx.post("/decide", url.Values{"doc": {"0"}, "entry": {strconv.Itoa(email)}, "verdict": {"undecided"}})
	require.Equal(t, http.StatusSeeOther, w.Code)
	_, ok := fx.srv.dec.Documents["letter.txt"].Verdict(fx.srv.docs[0].Keys[email])
	assert.False(t, ok)
}

func TestDocumentPageShowsProposalsAndPages(t *testing.T) {
	fx := newFixture(t, testKey(t), nil)
	body := fx.get("/doc", url.Values{"id": {"0"}}).Body.String()
	assert.Contains(t, body, `<mark class="prop v-undecided"`, "proposals are marked in the text")
	assert.Contains(t, body, "Reason to reject proposal", "every control has a label")
	for i := range fx.srv.docs[0].Entries {
		assert.Contains(t, body, `id="accept-`+strconv.Itoa(i)+`"`)
		assert.Contains(t, body, `id="reject-`+strconv.Itoa(i)+`"`)
	}
	pdf := fx.get("/doc", url.Values{"id": {"1"}}).Body.String()
	assert.Contains(t, pdf, `<svg class="overlay"`, "PDF pages are images with an overlay")
	assert.Contains(t, pdf, "/page.png?")
	png := fx.get("/page.png", url.Values{"id": {"1"}, "p": {"1"}})
	require.Equal(t, 200, png.Code)
	assert.Equal(t, "image/png", png.Header().Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(png.Body.Bytes(), []byte("\x89PNG")))
	assert.Equal(t, 404, fx.get("/page.png", url.Values{"id": {"0"}, "p": {"1"}}).Code, "a text document has no pages")
	assert.Equal(t, 404, fx.get("/doc", url.Values{"id": {"7"}}).Code)
}

func TestBadPosts(t *testing.T) {
	fx := newFixture(t, testKey(t), nil)
	tests := []struct {
		name, reason, path string
		form               url.Values
	}{
		{"no doc", "the document must exist", "/decide", url.Values{"doc": {"9"}, "entry": {"0"}, "verdict": {"accepted"}}},
		{"no entry", "the proposal must exist", "/decide", url.Values{"doc": {"0"}, "entry": {"99"}, "verdict": {"accepted"}}},
		{"bad verdict", "verdicts are a closed set", "/decide", url.Values{"doc": {"0"}, "entry": {"0"}, "verdict": {"maybe"}}},
		{"empty selection", "a selection must hold text", "/add", url.Values{"doc": {"0"}, "seg": {"0"}, "start": {"3"}, "end": {"3"}, "code": {"(b)(6)"}}},
		{"past the end", "offsets inside the segment", "/add", url.Values{"doc": {"0"}, "seg": {"0"}, "start": {"3"}, "end": {"9999"}, "code": {"(b)(6)"}}},
		{"unknown code", "codes come from the catalog", "/add", url.Values{"doc": {"0"}, "seg": {"0"}, "start": {"0"}, "end": {"4"}, "code": {"(z)"}}},
		{"box on text", "boxes only on PDF pages", "/addbox", url.Values{"doc": {"0"}, "page": {"1"}, "x": {"1"}, "y": {"1"}, "w": {"9"}, "h": {"9"}, "code": {"(b)(6)"}}},
		{"tiny box", "a box needs an area", "/addbox", url.Values{"doc": {"1"}, "page": {"1"}, "x": {"1"}, "y": {"1"}, "w": {"1"}, "h": {"9"}, "code": {"(b)(6)"}}},
		{"box off the page", "a box must touch the page", "/addbox", url.Values{"doc": {"1"}, "page": {"1"}, "x": {"99999"}, "y": {"1"}, "w": {"9"}, "h": {"9"}, "code": {"(b)(6)"}}},
		{"nan box", "numbers only", "/addbox", url.Values{"doc": {"1"}, "page": {"1"}, "x": {"NaN"}, "y": {"1"}, "w": {"9"}, "h": {"9"}, "code": {"(b)(6)"}}},
		{"remove unknown", "only added redactions can be removed", "/remove", url.Values{"doc": {"0"}, "id": {"nope"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := fx.post(tc.path, tc.form)
			assert.Equal(t, http.StatusBadRequest, w.Code, tc.reason)
			assert.NotContains(t, w.Body.String(), "Ruiz", "no personal data in errors")
		})
	}
	_, err := os.Stat(fx.decPath)
	assert.True(t, os.IsNotExist(err), "a refused change writes nothing")
}

func TestStaleDocumentIsShownAndLocked(t *testing.T) {
	key := testKey(t)
	fx := newFixture(t, key, nil)
	require.Equal(t, http.StatusSeeOther, fx.post("/reviewed", url.Values{"doc": {"0"}, "reviewed": {"1"}}).Code)
	dec, err := fx.rq.LoadDecisions(fx.decPath)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(fx.dir, "letter.txt"), []byte(testLetter+"P.S.\n"), 0o600))
	srv, err := New(Options{Request: fx.rq, DecisionsPath: fx.decPath, Decisions: dec, Apply: fx.srv.opts.Apply, Documents: fx.srv.opts.Documents})
	require.NoError(t, err)
	srv.SetHost("127.0.0.1:5555")
	fx.srv = srv
	assert.Contains(t, fx.get("/", nil).Body.String(), "changed since its decisions were made")
	assert.Equal(t, http.StatusConflict, fx.post("/reviewed", url.Values{"doc": {"0"}, "reviewed": {"0"}}).Code,
		"old decisions are neither overwritten nor dropped")
}

func TestUTF16Range(t *testing.T) {
	s := "a€b😀c"
	tests := []struct {
		name, reason string
		a, b         int
		want         string
		ok           bool
	}{
		{"ascii", "one unit per ASCII letter", 0, 1, "a", true},
		{"bmp", "€ is one UTF-16 unit, three bytes", 1, 2, "€", true},
		{"astral", "😀 is two UTF-16 units", 3, 5, "😀", true},
		{"to end", "the end offset may be the text's length", 5, 6, "c", true},
		{"inside a pair", "an offset inside a surrogate pair is refused", 4, 5, "", false},
		{"empty", "empty ranges are refused", 2, 2, "", false},
		{"past end", "offsets past the end are refused", 5, 9, "", false},
		{"negative", "negative offsets are refused", -1, 2, "", false},
	}
	for _, tc := range tests {
		start, end, ok := utf16Range(s, tc.a, tc.b)
		assert.Equal(t, tc.ok, ok, tc.name+": "+tc.reason)
		if ok {
			assert.Equal(t, tc.want, s[start:end], tc.name+": "+tc.reason)
		}
	}
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func TestImageDocumentBox(t *testing.T) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Skip("tesseract is not installed: an image cannot be reviewed without OCR")
	}
	key := testKey(t)
	rq, err := records.NewRequest(&key, nil)
	require.NoError(t, err)
	dir := t.TempDir()
	img := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	path := filepath.Join(dir, "scan.png")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o600))
	var got *records.Decisions
	srv, err := New(Options{Request: rq, DecisionsPath: filepath.Join(dir, "d.json"), Documents: []Document{{Name: "scan.png", Path: path}},
		Apply: func(_ context.Context, d *records.Decisions) (records.LogSummary, error) {
			got = d
			return records.LogSummary{}, nil
		}})
	require.NoError(t, err)
	srv.SetHost("127.0.0.1:5555")
	fx := &fixture{srv: srv}
	body := fx.get("/doc", url.Values{"id": {"0"}}).Body.String()
	assert.Contains(t, body, `<svg class="overlay"`, "an image is shown with an overlay to draw on")
	require.Equal(t, 200, fx.get("/page.png", url.Values{"id": {"0"}, "p": {"1"}}).Code)
	w := fx.post("/addbox", url.Values{"doc": {"0"}, "page": {"1"}, "x": {"10"}, "y": {"20"}, "w": {"100"}, "h": {"30"}, "code": {"(b)(6)"}})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	require.Equal(t, http.StatusSeeOther, fx.post("/apply", url.Values{"force": {"1"}}).Code)
	require.NotNil(t, got)
	added := got.Documents["scan.png"].Added
	require.Len(t, added, 1)
	assert.Equal(t, "image", added[0].Part)
	assert.Equal(t, records.Rect{Left: 10, Bottom: 20, Right: 110, Top: 50}, *added[0].Box, "an image's box is in its pixels")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	res, err := rq.Decide("scan.png", data, got.Documents["scan.png"])
	require.NoError(t, err)
	out, err := png.Decode(bytes.NewReader(res.Output))
	require.NoError(t, err)
	r, _, _, _ := out.At(50, 35).RGBA()
	assert.Equal(t, uint32(0), r, "the box is painted black")
	r, _, _, _ = out.At(200, 150).RGBA()
	assert.NotEqual(t, uint32(0), r, "outside the box is untouched")
}

func TestChangeCodes(t *testing.T) {
	fx := newFixture(t, testKey(t), nil)
	phone := entryOf(t, fx, 0, "phone")
	w := fx.post("/decide", url.Values{"doc": {"0"}, "entry": {strconv.Itoa(phone)}, "verdict": {"accepted"}, "code": {"(b)(7)(C)"}})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	v, ok := fx.srv.dec.Documents["letter.txt"].Verdict(fx.srv.docs[0].Keys[phone])
	require.True(t, ok)
	assert.Equal(t, "(b)(7)(C)", v.Code, "accepting under another code keeps the code")
	body := fx.get("/doc", url.Values{"id": {"0"}}).Body.String()
	assert.Contains(t, body, "(b)(7)(C) (proposed (b)(6))")

	w = fx.post("/decide", url.Values{"doc": {"0"}, "entry": {strconv.Itoa(phone)}, "verdict": {"accepted"}, "code": {"(b)(6)"}})
	require.Equal(t, http.StatusSeeOther, w.Code)
	v, _ = fx.srv.dec.Documents["letter.txt"].Verdict(fx.srv.docs[0].Keys[phone])
	assert.Empty(t, v.Code, "the proposal's own code is not stored as a change")
	assert.Equal(t, http.StatusBadRequest, fx.post("/decide", url.Values{"doc": {"0"}, "entry": {"0"}, "verdict": {"accepted"}, "code": {"(z)"}}).Code)

	i := strings.Index(testLetter, "4471-B")
	require.Equal(t, http.StatusSeeOther, fx.post("/add", url.Values{"doc": {"0"}, "seg": {"0"}, "start": {strconv.Itoa(i)}, "end": {strconv.Itoa(i + 6)}, "code": {"(b)(6)"}}).Code)
	id := fx.srv.dec.Documents["letter.txt"].Added[0].ID
	require.Equal(t, http.StatusSeeOther, fx.post("/recode", url.Values{"doc": {"0"}, "id": {id}, "code": {"(b)(7)(C)"}}).Code)
	assert.Equal(t, "(b)(7)(C)", fx.srv.dec.Documents["letter.txt"].Added[0].Code)
	assert.Equal(t, http.StatusBadRequest, fx.post("/recode", url.Values{"doc": {"0"}, "id": {"nope"}, "code": {"(b)(6)"}}).Code)
	assert.Equal(t, http.StatusBadRequest, fx.post("/recode", url.Values{"doc": {"0"}, "id": {id}, "code": {"(z)"}}).Code)

	require.Equal(t, http.StatusSeeOther, fx.post("/apply", url.Values{"force": {"1"}}).Code)
	letter := string(fx.released["letter.txt"])
	assert.Contains(t, letter, "Case file [REDACTED (b)(7)(C)] was opened", "the added redaction's new code")
}

func TestAddTypedText(t *testing.T) {
	fx := newFixture(t, testKey(t), nil)
	w := fx.post("/addtext", url.Values{"doc": {"0"}, "text": {"clerk"}, "code": {"(b)(6)"}})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	added := fx.srv.dec.Documents["letter.txt"].Added
	require.Len(t, added, 1, "one occurrence in the letter")
	assert.Equal(t, testLetter[added[0].Start:added[0].End], "clerk")
	raw, err := os.ReadFile(fx.decPath)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), `"clerk"`, "the typed text is kept as a keyed hash only")
	assert.Equal(t, http.StatusBadRequest, fx.post("/addtext", url.Values{"doc": {"0"}, "text": {"Zebra"}, "code": {"(b)(6)"}}).Code, "text not in the document")
	assert.Equal(t, http.StatusBadRequest, fx.post("/addtext", url.Values{"doc": {"0"}, "text": {"  "}, "code": {"(b)(6)"}}).Code, "blank text")
	require.Equal(t, http.StatusSeeOther, fx.post("/apply", url.Values{"force": {"1"}}).Code)
	assert.Contains(t, string(fx.released["letter.txt"]), "opened by the [REDACTED (b)(6)].")
}

// wrongToken returns tok with its last character changed (to another one
// whatever it was: a random token may end in any character).
func wrongToken(tok string) string {
	last := "x"
	if strings.HasSuffix(tok, "x") {
		last = "y"
	}
	return tok[:len(tok)-1] + last
}
