package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact/piitest"
	"github.com/civickit/privacy/redact/records"
	"github.com/go-pdf/fpdf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateReviewScreenshot = flag.Bool("update-review-screenshot", false, "write testdata/review-*.png (the review pages) for the README")

const chromiumPath = "/usr/bin/chromium"

// The review fixture's planted values: obviously fake.
const (
	rvPhone  = "(617) 555-0143"
	rvEmail  = "ana.ruiz@example.com"
	rvCase   = "4471-B"
	rvPermit = "88-123"
)

// writeReviewInputs writes a request with a text letter, a CSV, an
// e-mail and a PDF.
func writeReviewInputs(t *testing.T, in string) {
	t.Helper()
	w := func(name string, data []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(in, name), data, 0o600))
	}
	w("letter.txt", []byte("Dear Ms. Ruiz,\nPlease call Ana Ruiz at "+rvPhone+" or write to "+rvEmail+".\nCase file "+rvCase+" was opened by the clerk.\n"))
	w("people.csv", []byte("name,email,phone\nAna Ruiz,"+rvEmail+","+rvPhone+"\n"))
	w("note.eml", []byte("From: Ana Ruiz <"+rvEmail+">\r\nTo: clerk@example.gov\r\nSubject: Water bill\r\nDate: Mon, 2 Mar 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease call me at "+rvPhone+".\r\n"))
	f := fpdf.New("P", "pt", "Letter", "")
	f.SetFont("Helvetica", "", 12)
	f.AddPage()
	f.Text(72, 90, "Council minutes, parks board.")
	f.Text(72, 108, "Permit "+rvPermit+" was granted to the applicant.")
	f.Text(72, 126, "Questions to "+rvPhone+".")
	var b bytes.Buffer
	require.NoError(t, f.Output(&b))
	w("minutes.pdf", b.Bytes())
}

// chromiumOrSkip skips the test when Chromium is not installed, unless
// PRIVACY_TEST_REQUIRE_CHROMIUM is set (CI), where it fails.
func chromiumOrSkip(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("PRIVACY_TEST_REQUIRE_CHROMIUM") != "" {
			t.Fatalf("Chromium is required (PRIVACY_TEST_REQUIRE_CHROMIUM) but %s is missing: run .ci/install-packages", chromiumPath)
		}
		t.Skipf("browser test skipped: %s not found (install it with .ci/install-packages or apt-get install -y chromium)", chromiumPath)
	}
}

// TestReviewBrowser drives redact review in headless Chromium over a
// letter, a CSV, an e-mail and a PDF: it rejects a proposal with the
// keyboard, adds a redaction by selecting text, draws a box on a PDF
// page, marks the documents reviewed and applies; then it checks the
// release with independent readers (Poppler for the PDF) and the log.
func TestReviewBrowser(t *testing.T) {
	chromiumOrSkip(t)
	dir, keyArgs, _ := reviewSetup(t)
	in := filepath.Join(dir, "in")
	require.NoError(t, os.Remove(filepath.Join(in, "letter.txt")))
	writeReviewInputs(t, in)
	cfg := config{fields: fieldFlags{}, jurisdiction: "federal", mode: "0600", workers: 2, quiet: true,
		key: keyArgs[1], masterKey: keyArgs[3], out: filepath.Join(dir, "out")}
	cfg.decisionsPath = filepath.Join(cfg.out, "review-decisions.json")
	rq, jobs, err := prepare(&cfg, []string{in}, io.Discard)
	require.NoError(t, err)
	var serverErr bytes.Buffer
	srv, err := newReviewServer(rq, jobs, cfg, nil, "clerk1", &serverErr)
	require.NoError(t, err)
	ln, err := srv.Listen(0)
	require.NoError(t, err)
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	defer func() {
		stop()
		require.NoError(t, <-done)
	}()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	// A guard against a hung browser, not a speed assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			path := filepath.Join(os.TempDir(), fmt.Sprintf("review-browser-failure-%d.png", time.Now().UnixNano()))
			if png, serr := chromedp.Run(bctx, chromedp.FullScreenshot(100)); serr == nil {
				if werr := os.WriteFile(path, png, 0o600); werr == nil {
					t.Logf("screenshot of the failure: %s", path)
				}
			}
			t.Fatalf("browser step %q: %v", name, err)
		}
	}
	shot := func(name string) {
		t.Helper()
		if !*updateReviewScreenshot {
			return
		}
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "review-"+name+".png"), png, 0o644))
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](js))
		require.NoError(t, err, js)
		return v
	}
	// WCAG 2.2 AA: axe-core checks each page (when it is installed, as
	// for the portal's browser test).
	axe := axeSource(t)
	a11y := func(page string) {
		t.Helper()
		if axe == "" {
			return
		}
		_, err := chromedp.Run(bctx, chromedp.Evaluate[chromedp.Void](axe))
		require.NoError(t, err, "loading axe-core")
		violations, err := chromedp.Run(bctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
		require.NoError(t, err, "running axe-core")
		for _, v := range violations {
			t.Errorf("%s: WCAG violation %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, v.Targets)
		}
	}
	// The ids of the proposals, as the server numbers them.
	entryOf := func(name, entity string) int {
		data, err := os.ReadFile(filepath.Join(in, name))
		require.NoError(t, err)
		res, _, _, err := rq.Proposed(name, data)
		require.NoError(t, err)
		for i, e := range res.Entries {
			if string(e.Entity) == entity {
				return i
			}
		}
		t.Fatalf("%s has no %s proposal", name, entity)
		return -1
	}
	docLink := func(name string) string {
		return `//a[normalize-space(text())="` + name + `"]`
	}

	step("index", chromedp.Navigate(srv.URL()), chromedp.WaitVisible(chromedp.CSS(`#apply`)))
	a11y("index")

	// The letter: reject the e-mail proposal with the keyboard only.
	email := strconv.Itoa(entryOf("letter.txt", "email"))
	step("open the letter", chromedp.Click(chromedp.Search(docLink("letter.txt"))), chromedp.WaitVisible(chromedp.CSS(`pre.seg`)))
	step("choose a reason with the keyboard",
		chromedp.Focus(chromedp.CSS(`#reason-`+email)),
		chromedp.KeyEvent(kb.ArrowDown), // "not personal data (wrong detection)"
		chromedp.KeyEvent(kb.Tab))
	assert.Equal(t, "reject-"+email, eval(`document.activeElement ? document.activeElement.id : ""`), "Tab goes from the reason to Reject")
	step("reject with the keyboard",
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#p`+email+`.v-rejected`)))
	assert.Equal(t, "reject-"+email, eval(`document.activeElement ? document.activeElement.id : ""`),
		"focus comes back to the button pressed after the page reloads")
	assert.Contains(t, eval(`document.getElementById("verdict-`+email+`").textContent`), "rejected: not personal data")

	// Add a redaction by selecting the case number.
	step("select text and add", chromedp.Evaluate[chromedp.Void](`(() => {
		const pre = document.querySelector("pre.seg");
		const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
		let n;
		while ((n = walker.nextNode())) {
			const i = n.data.indexOf("`+rvCase+`");
			if (i >= 0) {
				const r = document.createRange();
				r.setStart(n, i); r.setEnd(n, i + `+strconv.Itoa(len(rvCase))+`);
				const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
				return;
			}
		}
		throw new Error("case number not found");
	})()`),
		chromedp.Click(chromedp.CSS(`#add-selection`)),
		chromedp.WaitVisible(chromedp.CSS(`mark.added`)))
	assert.Equal(t, rvCase, eval(`document.querySelector("mark.added").firstChild.data`))
	shot("letter")
	a11y("letter")
	step("mark the letter reviewed", chromedp.Click(chromedp.CSS(`#reviewed`)), chromedp.WaitVisible(chromedp.Search(`//button[@id="reviewed" and contains(., "Unmark")]`)))

	// The PDF: draw a box over the permit line with the mouse.
	step("open the PDF", chromedp.Navigate(srv.URL()), chromedp.Click(chromedp.Search(docLink("minutes.pdf"))),
		chromedp.WaitVisible(chromedp.CSS(`svg.overlay[data-page="1"]`)))
	rect, err := chromedp.Run(bctx, chromedp.Evaluate[[]float64](`(() => {
		const s = document.querySelector('svg.overlay[data-page="1"]');
		s.scrollIntoView({block: "start"});
		const r = s.getBoundingClientRect();
		return [r.left, r.top, r.width, r.height];
	})()`))
	require.NoError(t, err)
	require.Len(t, rect, 4)
	at := func(xpt, ypt float64) (float64, float64) { return rect[0] + rect[2]*xpt/612, rect[1] + rect[3]*ypt/792 }
	x0, y0 := at(60, 95)
	x1, y1 := at(420, 113)
	step("draw a box",
		chromedp.MouseEvent(chromedp.MouseMoved, x0, y0),
		chromedp.MouseEvent(chromedp.MousePressed, x0, y0, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, (x0+x1)/2, (y0+y1)/2, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseMoved, x1, y1, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseReleased, x1, y1, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.WaitVisible(chromedp.CSS(`svg.overlay rect.added`)))
	shot("pdf")
	a11y("pdf")
	step("mark the PDF reviewed", chromedp.Click(chromedp.CSS(`#reviewed`)), chromedp.WaitVisible(chromedp.Search(`//button[@id="reviewed" and contains(., "Unmark")]`)))

	// Apply: refused while the CSV and the e-mail are not reviewed, then
	// applied anyway on purpose.
	step("apply without review", chromedp.Navigate(srv.URL()), chromedp.Click(chromedp.CSS(`#apply`)), chromedp.WaitVisible(chromedp.CSS(`p.err`)))
	assert.Contains(t, eval(`document.querySelector("p.err").textContent`), "2 documents are not marked reviewed")
	step("apply anyway", chromedp.Click(chromedp.CSS(`#force`)), chromedp.Click(chromedp.CSS(`#apply`)), chromedp.WaitVisible(chromedp.CSS(`#applied-summary`)))
	summary := eval(`document.getElementById("applied-summary").textContent`)
	assert.Contains(t, summary, "4 documents")
	assert.Contains(t, summary, "1 proposals rejected")

	// The release, read with readers other than the writer's.
	text := releaseText(t, cfg.out)
	letter, err := os.ReadFile(filepath.Join(cfg.out, "letter.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(letter), rvEmail, "the rejected proposal is released")
	assert.NotContains(t, string(letter), rvCase, "the redaction added by selection is made")
	assert.Contains(t, string(letter), "Case file [REDACTED (b)(6)] was opened")
	released := pdfText(t, rq, filepath.Join(cfg.out, "minutes.pdf"))
	assert.NotContains(t, released, rvPermit, "the text under the drawn box is gone")
	assert.NotContains(t, released, "granted to the applicant", "the text under the drawn box is gone")
	assert.Contains(t, released, "Council minutes", "the rest of the page is released")
	cs := piitest.New(t)
	piitest.AssertNoLeak(t, []byte(text), cs.Custom(pii.Phone, rvPhone))
	assert.NotContains(t, text, rvCase)
	assert.NotContains(t, text, rvPermit)
	rows := readLog(t, filepath.Join(cfg.out, "redaction-log.csv"))
	var kinds []string
	for _, r := range rows {
		kinds = append(kinds, r["document"]+":"+r["decision"])
		if r["decision"] != "" {
			assert.NotEmpty(t, r["value_hmac"] != "" || r["detector"] == "manual.box", "every row keeps its keyed hash")
		}
	}
	assert.Contains(t, kinds, "letter.txt:"+records.DecisionRejected)
	assert.Contains(t, kinds, "letter.txt:"+records.DecisionManual)
	assert.Contains(t, kinds, "minutes.pdf:"+records.DecisionManual)
	assert.Contains(t, kinds, "people.csv:"+records.DecisionProposed, "a document not reviewed is released as proposed, and says so")
	for _, r := range rows {
		if r["decision"] == records.DecisionRejected || r["decision"] == records.DecisionManual {
			assert.Equal(t, "clerk1", r["decided_by"])
		}
	}
	assert.NotContains(t, serverErr.String(), "Ruiz", "the server prints no personal data")
	assert.False(t, strings.Contains(serverErr.String(), srv.Token()), "the server prints no token")
}

// pdfText returns the text of a released PDF as Poppler's pdftotext
// reads it, or, without Poppler, as the records PDF engine reads it (the
// segments of a new review of the release).
func pdfText(t *testing.T, rq *records.Request, path string) string {
	t.Helper()
	if bin, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command(bin, "-q", path, "-").Output()
		require.NoError(t, err, "Poppler reads the released PDF")
		return string(txt)
	}
	t.Log("pdftotext (poppler-utils) not installed: the PDF is read with the records PDF engine")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	_, segs, _, err := rq.Proposed(filepath.Base(path), data)
	require.NoError(t, err)
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axeRun runs axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))`

// axeSource returns axe-core's script, from PRIVACY_TEST_AXE or
// .ci/node/node_modules/axe-core/axe.min.js, or "" (the checks skip) when
// it is not installed, unless PRIVACY_TEST_REQUIRE_AXE is set.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("PRIVACY_TEST_AXE")
	if path == "" {
		path = filepath.Join("..", "..", ".ci", "node", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("PRIVACY_TEST_REQUIRE_AXE") != "" {
			t.Fatalf("axe-core is required (PRIVACY_TEST_REQUIRE_AXE) but %s cannot be read: %v", path, err)
		}
		t.Logf("accessibility checks skipped: axe-core not found at %s (npm install --prefix .ci/node axe-core)", path)
		return ""
	}
	return string(b)
}
