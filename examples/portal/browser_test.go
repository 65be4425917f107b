package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"image"
	_ "image/png" // registers the PNG decoder for TestScreenshotIsPNG
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "write testdata/screenshot.png (the home page) for the README")

const chromiumPath = "/usr/bin/chromium"

// pngMagic starts every PNG file.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// TestScreenshotIsPNG checks the README's screenshot: a real PNG (chromedp
// writes JPEG for any quality below 100) of a desktop-sized page.
func TestScreenshotIsPNG(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "screenshot.png"))
	require.NoError(t, err)
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	require.NoError(t, err)
	assert.Equal(t, "png", format)
	assert.InDelta(t, 1280, cfg.Width, 20, "taken at the browser test's window width (less a scrollbar when the page is taller)")
}

// TestBrowser drives Debian's Chromium, headless, through the whole portal
// over TLS (the __Host- session cookie needs Secure): sign up, log out and
// in, subscribe, confirm from the outbox, one-click unsubscribe, see my
// data, pay a bill. It checks the session cookie's attributes and that no
// cookie holds personal data, and the GPC signal. On failure it saves a
// screenshot and logs its path.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (install it with .ci/install-packages or apt-get install -y chromium)", chromiumPath)
	}
	tp := newTestPortal(t, portalOpts{tls: true})
	p := fakePerson

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
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	// A guard against a hung browser, not a speed assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	base := tp.srv.URL
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			path := filepath.Join(os.TempDir(), fmt.Sprintf("portal-browser-failure-%d.png", time.Now().UnixNano()))
			sctx, scancel := context.WithTimeout(bctx, 10*time.Second)
			if png, serr := chromedp.Run(sctx, chromedp.FullScreenshot(100)); serr == nil {
				if werr := os.WriteFile(path, png, 0o644); werr == nil {
					t.Logf("screenshot of the failure: %s", path)
				}
			}
			scancel()
			t.Fatalf("browser step %q: %v", name, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, "text of %s", sel)
		return v
	}
	// WCAG 2.2 AA: axe-core checks the page the browser shows (when it is
	// installed: .ci/install-packages puts it under .ci/node).
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

	step("home page", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#cookie-banner`)))
	if *updateScreenshot {
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(png, pngMagic), "chromedp returned a PNG")
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "screenshot.png"), png, 0o644))
		t.Log("wrote testdata/screenshot.png")
	}
	// With -update-screenshot, each page of the journey is saved under
	// testdata/screens for review.
	shot := func(name string) {
		t.Helper()
		if !*updateScreenshot {
			return
		}
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join("testdata", "screens"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join("testdata", "screens", name+".png"), png, 0o644))
	}
	a11y("home page")
	for _, pg := range []string{"/signup", "/login", "/reset", "/privacy", "/cookies"} {
		step("open "+pg, chromedp.Navigate(base+pg), chromedp.WaitVisible(chromedp.CSS(`main`)))
		a11y(pg)
	}
	step("refuse analytics", chromedp.Click(chromedp.CSS(`#cookies-necessary`)), chromedp.WaitNotPresent(chromedp.CSS(`#cookie-banner`)))
	// The banner's answers are ledger events of the visitor's device
	// subject, naming the notice shown: refused, allowed on the cookies
	// page, refused again.
	device := func() string {
		t.Helper()
		res, err := chromedp.Call(bctx, network.GetCookies, network.GetCookiesParams{})
		require.NoError(t, err)
		for _, c := range res.Cookies {
			if c.Name == tp.app.choice {
				return c.Value
			}
		}
		t.Fatal("no cookie-banner choice cookie")
		return ""
	}
	dev := device()
	lastChoice := func(want consent.EventType) {
		t.Helper()
		hist, err := tp.app.ledger.History(context.Background(), dev)
		require.NoError(t, err)
		require.NotEmpty(t, hist)
		last := hist[len(hist)-1]
		assert.Equal(t, want, last.Type)
		assert.Equal(t, purposeAnalytics, last.Purpose)
		assert.Equal(t, consent.Web, last.Channel)
		assert.Equal(t, tp.app.notice.Ref(), last.Notice, "the event names the notice shown")
		d, err := tp.app.ledger.MayContact(context.Background(), dev, purposeAnalytics, consent.Web)
		require.NoError(t, err)
		assert.Equal(t, want == consent.Given, d.Allowed)
	}
	lastChoice(consent.Withdrawn)
	// a click that posts a form, waiting for the page it leads to
	submit := func(name, sel string) {
		t.Helper()
		if _, err := chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("browser step %q: %v", name, err)
		}
	}
	step("open the cookies page", chromedp.Navigate(base+"/cookies"), chromedp.WaitVisible(chromedp.CSS(`#cookie-list`)))
	submit("allow analytics on the cookies page", `#cookies-page-all`)
	assert.Equal(t, dev, device(), "the same device subject")
	lastChoice(consent.Given)
	submit("refuse analytics again", `#cookies-page-necessary`)
	lastChoice(consent.Withdrawn)
	hist, err := tp.app.ledger.History(context.Background(), dev)
	require.NoError(t, err)
	assert.Len(t, hist, 3, "three answers, three events")
	require.NoError(t, tp.app.ledger.Verify(context.Background(), dev))

	step("sign up",
		chromedp.Navigate(base+"/signup"),
		chromedp.SendKeys(chromedp.CSS(`#name`), p.Name),
		chromedp.SendKeys(chromedp.CSS(`#email`), p.Email),
		chromedp.SendKeys(chromedp.CSS(`#address`), p.Address),
		chromedp.SendKeys(chromedp.CSS(`#phone`), p.Phone),
		chromedp.SendKeys(chromedp.CSS(`#account_number`), p.Number),
		chromedp.SendKeys(chromedp.CSS(`#password`), p.Password),
		chromedp.Click(chromedp.CSS(`#signup-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#checkmail`)),
	)
	a11y("check-mail page")
	shot("01-check-your-email")
	// The account works once the address is confirmed: the link in the
	// e-mail opens a page whose button confirms (a link scanner's GET
	// does nothing).
	verifyURL := verifyLinkRE.FindString(tp.lastMail())
	require.NotEmpty(t, verifyURL, "the verification e-mail has a link")
	step("confirm the e-mail address",
		chromedp.Navigate(verifyURL),
		chromedp.Click(chromedp.CSS(`#verify-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#account-facts`)),
	)
	a11y("account page")
	shot("02-account")
	assert.Contains(t, text(`#account-facts`), p.Name)
	checkCookies(t, bctx, p)

	step("log out and in",
		chromedp.Click(chromedp.CSS(`#logout`)),
		chromedp.WaitVisible(chromedp.CSS(`#nav-login`)),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`#email`), p.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), p.Password),
		chromedp.Click(chromedp.CSS(`#login-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#account-facts`)),
	)
	checkCookies(t, bctx, p)

	step("subscribe",
		chromedp.Navigate(base+"/subscriptions"),
		chromedp.Click(chromedp.CSS(`input[value="eline:weekly-news"]`)),
		chromedp.Click(chromedp.CSS(`#subscribe-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash`)),
	)
	a11y("subscriptions page")
	// Production mode has no outbox page: the confirmation link comes from
	// the mail the portal sent (its outbox folder), as a resident's mail
	// app would show it.
	mail := tp.lastMail()
	confirmURL := confirmLinkRE.FindString(mail)
	require.NotEmpty(t, confirmURL, "the confirmation mail has a link")
	unsubURL := unsubLinkRE.FindString(mail)
	require.NotEmpty(t, unsubURL, "and a one-click unsubscribe link")
	step("confirm from the e-mail",
		chromedp.Navigate(confirmURL),
		chromedp.Click(chromedp.CSS(`#confirm-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash`)),
	)
	assert.Contains(t, text(`#flash`), "you are subscribed")
	acct, err := tp.app.login(context.Background(), pii.New(pii.Email, p.Email), p.Password)
	require.NoError(t, err)
	d, err := tp.app.ledger.MayContact(context.Background(), acct.ConsentSubject, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.True(t, d.Allowed, "confirmed in the browser")

	// One-click unsubscribe (RFC 8058) is a POST the mail provider makes,
	// not the browser.
	require.Equal(t, http.StatusOK, tp.post(tp.client(), unsubURL, url.Values{"List-Unsubscribe": {"One-Click"}}).Status)
	d, err = tp.app.ledger.MayContact(context.Background(), acct.ConsentSubject, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "one-click unsubscribe withdrew consent")

	step("my data",
		chromedp.Navigate(base+"/mydata"),
		chromedp.WaitVisible(chromedp.CSS(`#mydata-account`)),
	)
	a11y("my data page")
	assert.Contains(t, text(`#mydata-consent`), "E-Line weekly news\tUnsubscribed", "human words, not identifiers")
	assert.NotContains(t, text(`#mydata-consent`), "ConsentWithdrawn")

	step("correct my data", chromedp.Navigate(base+"/account/edit"), chromedp.WaitVisible(chromedp.CSS(`#edit-form`)))
	a11y("correct my data")
	shot("03-correct-my-data")
	// A new e-mail address: asked for with the password, made by the
	// button behind the link mailed to it.
	newEmail := "alice.new@example.com"
	step("change my e-mail address",
		chromedp.Navigate(base+"/account/email"),
		chromedp.WaitVisible(chromedp.CSS(`#email-form`)),
	)
	a11y("change my e-mail address")
	step("ask for the change",
		chromedp.SendKeys(chromedp.CSS(`#email`), newEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), p.Password),
		chromedp.Click(chromedp.CSS(`#email-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#checkmail`)),
	)
	emailURL := emailLinkRE.FindString(tp.lastMail())
	require.NotEmpty(t, emailURL, "the new address gets a link")
	step("confirm the new address",
		chromedp.Navigate(emailURL),
		chromedp.Click(chromedp.CSS(`#verify-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#account-facts`)),
	)
	assert.Contains(t, text(`#account-facts`), newEmail)
	assert.Contains(t, text(`#flash`), "Your e-mail address is changed")
	p.Email = newEmail
	checkCookies(t, bctx, p)
	step("payment form", chromedp.Navigate(base+"/pay"), chromedp.WaitVisible(chromedp.CSS(`#pay-form`)))
	a11y("payment form")
	step("pay a bill",
		chromedp.SendKeys(chromedp.CSS(`#amount`), "42.50"),
		chromedp.SendKeys(chromedp.CSS(`#card`), p.Card),
		chromedp.SendKeys(chromedp.CSS(`#expiry`), "12/39"),
		chromedp.SendKeys(chromedp.CSS(`#cvc`), "123"),
		chromedp.Click(chromedp.CSS(`#pay-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#paid`)),
	)
	a11y("receipt page")
	shot("04-receipt")
	paid := text(`#paid`)
	assert.Contains(t, paid, "$42.50")
	assert.Contains(t, paid, "ending in 1111")
	checkCookies(t, bctx, p)

	// Global Privacy Control: no banner, no analytics cookie, a notice.
	// Keyboard only: the skip link, then the log-in form, without a mouse.
	step("log out for the keyboard journey", chromedp.Click(chromedp.CSS(`#logout`)), chromedp.WaitVisible(chromedp.CSS(`#nav-login`)))
	step("keyboard-only log in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#login-form`)),
		chromedp.KeyEvent(kb.Tab),
	)
	focused := func() string {
		t.Helper()
		id, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
		require.NoError(t, err)
		return id
	}
	require.Equal(t, "skip-link", focused(), "the first Tab reaches the skip link")
	step("skip to the content", chromedp.KeyEvent(kb.Enter))
	for range 20 {
		if focused() == "email" {
			break
		}
		step("tab", chromedp.KeyEvent(kb.Tab))
	}
	require.Equal(t, "email", focused(), "Tab reaches the e-mail field from the skip link")
	step("type and submit",
		chromedp.KeyEvent(p.Email),
		chromedp.KeyEvent(kb.Tab),
		chromedp.KeyEvent(p.Password),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#account-facts`)),
	)

	// Staff, granted out of band by the server's operator.
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"staff", "add", "-data", tp.dir, p.Email}, &out, &errOut), errOut.String())
	step("staff records export",
		chromedp.Navigate(base+"/staff/records"),
		chromedp.WaitVisible(chromedp.CSS(`#records-form`)),
		chromedp.Click(chromedp.CSS(`#records-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#release-summary`)),
	)
	a11y("staff records release")
	shot("05-staff-release")
	require.NoError(t, run(context.Background(), []string{"staff", "remove", "-data", tp.dir, p.Email}, &out, &errOut), errOut.String())

	// Password reset, as a resident who forgot it.
	step("log out for the reset", chromedp.Click(chromedp.CSS(`#logout`)), chromedp.WaitVisible(chromedp.CSS(`#nav-login`)))
	step("ask for a reset",
		chromedp.Navigate(base+"/reset"),
		chromedp.SendKeys(chromedp.CSS(`#email`), p.Email),
		chromedp.Click(chromedp.CSS(`#reset-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#checkmail`)),
	)
	resetURL := resetLinkRE.FindString(tp.lastMail())
	require.NotEmpty(t, resetURL, "the reset e-mail has a link")
	step("set a new password",
		chromedp.Navigate(resetURL),
		chromedp.WaitVisible(chromedp.CSS(`#verify-form`)),
	)
	a11y("new password page")
	shot("06-new-password")
	step("submit the new password",
		chromedp.SendKeys(chromedp.CSS(`#password`), "a brand new password 42"),
		chromedp.Click(chromedp.CSS(`#verify-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#account-facts`)),
	)

	step("GPC",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Sec-GPC": "1"}}); err != nil {
				return err
			}
			_, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{})
			return err
		}),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#gpc`)),
	)
	banners, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#cookie-banner").length`))
	require.NoError(t, err)
	assert.Zero(t, banners, "no cookie banner under GPC")

	for _, s := range []string{p.Email, p.Name, p.Phone, p.Number, "4111111111111111", p.Password} {
		assert.NotContains(t, tp.logs.String(), s, "logs hold personal data")
	}
}

// checkCookies asserts the session cookie's attributes and that no cookie
// carries personal data, plainly or base64-encoded.
func checkCookies(t *testing.T, ctx context.Context, p person) {
	t.Helper()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{})
	require.NoError(t, err)
	cks := res.Cookies
	var session *network.Cookie
	for _, c := range cks {
		if c.Name == "__Host-portal_session" {
			session = c
		}
		v, _ := url.QueryUnescape(c.Value)
		decoded := ""
		if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "=")); err == nil {
			decoded = string(b)
		}
		for _, s := range []string{p.Email, p.Name, p.Address, p.Phone, p.Number, "Alice", "alice"} {
			assert.NotContains(t, v, s, "cookie %s holds personal data", c.Name)
			assert.NotContains(t, decoded, s, "cookie %s holds personal data (base64)", c.Name)
		}
		assert.NotEqual(t, "__Host-analytics_id", c.Name, "analytics cookie without consent")
	}
	require.NotNil(t, session, "no __Host-portal_session cookie")
	assert.True(t, session.Secure, "Secure")
	assert.True(t, session.HTTPOnly, "HttpOnly")
	assert.Equal(t, network.CookieSameSiteLax, session.SameSite, "SameSite=Lax")
	assert.Equal(t, "/", session.Path)
	assert.False(t, session.Session, "explicit Max-Age")
}

// axeViolation is one axe-core violation, as axeRun reports it.
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
