package piitest_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact"
	"github.com/civickit/privacy/redact/piitest"
)

// exampleT stands in for the *testing.T of a real test, printing failures.
type exampleT struct{ name string }

func (t exampleT) Helper()      {}
func (t exampleT) Name() string { return t.name }
func (t exampleT) Errorf(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
}

// signup is a portal handler with a leak: it puts the e-mail address in
// the redirect URL.
func signup(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logger.Info("signup", "email", r.FormValue("email"))
		http.Redirect(w, r, "/welcome?u="+url.QueryEscape(r.FormValue("email")), http.StatusSeeOther)
	})
}

// A leak test for a handler is three lines: canaries and a log recorder,
// a driver around the handler, and a request carrying a canary; the driver
// checks the response body, headers, cookies, redirect URL and what was
// logged. (HTTP.Probe sends the canaries as a form, a JSON body, a query
// string and headers in turn.) Here the handler logs through the redact
// handler but puts the address in its redirect URL; the failure says
// where, with the canary masked.
func Example() {
	t := exampleT{"TestSignup"} // in a real test, the *testing.T

	cs, logs := piitest.New(t), piitest.NewRecorder()
	h := piitest.NewHTTP(t, signup(logs.RedactingLogger(nil)), cs, logs)
	h.PostForm("/signup", url.Values{"email": {cs.Email().Value()}})

	// Output:
	// piitest: POST /signup: response header Location: 1 canary leak(s):
	//   canary email#1 of TestSignup "pt…id" (29 bytes) found URL-encoded (query) at line 1, column 12 (offset 11, 31 bytes)
	//     near: "/welcome?u=[CANARY email#1]"
}

// NewLogger is how a portal should build its logger: one function of an
// io.Writer, used by main with os.Stderr and by tests with a Recorder, so
// the tests prove the production wiring.
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(redact.NewHandler(slog.NewJSONHandler(w, nil), &redact.HandlerOptions{
		Keys: map[string]redact.Entity{"name": redact.PersonName},
	}))
}

// A portal logs through the redact slog handler, set as its default
// logger in main (slog.SetDefault(NewLogger(os.Stderr))). The same logger,
// writing to a Recorder, passes AssertNoPII in the test.
func Example_redactingLogger() {
	t := exampleT{"TestProfileLogging"}
	cs, logs := piitest.New(t), piitest.NewRecorder()
	slog.SetDefault(NewLogger(logs))
	defer slog.SetDefault(slog.New(slog.DiscardHandler))

	email, phone, card := cs.Email(), cs.Phone(), cs.Card()
	slog.Info("profile updated", "email", email.Value(), "name", cs.Name().Value())
	slog.Warn("payment declined for " + email.Value() + ", card " + card.Value() + ", call " + phone.Value())

	ok := piitest.AssertNoPII(t, logs, cs.Planted()...)
	fmt.Println("no personal data in logs:", ok)
	// Output:
	// no personal data in logs: true
}

// AssertNoLeak finds a canary however it was encoded; here inside a
// base64 token, at an arbitrary offset.
func ExampleAssertNoLeak() {
	t := exampleT{"TestToken"}
	cs := piitest.New(t)
	ssn := cs.SSN()
	token := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"42","ssn":"` + ssn.Value() + `"}`))
	captured := "level=INFO msg=\"issued\"\nlevel=DEBUG token=" + token + "\n"

	piitest.AssertNoLeak(t, captured, ssn)
	// Output:
	// piitest: captured output: 1 canary leak(s):
	//   canary ssn#1 of TestToken "66…10" (11 bytes) found base64 (offset 1 mod 3) at line 2, column 47 (offset 70, 12 bytes)
	//     near: …"dWIiOiI0MiIsInNzbiI6IjY2[CANARY ssn#1]In0\n"
}

// Canaries are obviously fake, pass the validators, and never print their
// value.
func ExampleCanaries() {
	cs := piitest.New(exampleT{"TestCanaries"})
	email, phone, card, ssn := cs.Email(), cs.Phone(), cs.Card(), cs.SSN()
	fmt.Println(email)
	fmt.Println(pii.ValidEmail(email.Value()), pii.ValidPhone(phone.Value()), pii.ValidLuhn(card.Value()), pii.ValidSSN(ssn.Value()))
	fmt.Println(len(cs.Planted()), "planted by", cs.Planted()[0].Test())
	// Output:
	// canary email#1 of TestCanaries "pt…id" (29 bytes)
	// true true true true
	// 4 planted by TestCanaries
}
