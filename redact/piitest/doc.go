// Package piitest proves, in a portal's own test suite, that personal data
// never reaches its logs, errors or HTTP responses.
//
// It sits above redact (its AssertNoPII runs redact's detectors) and pii,
// and imports nothing else of this module; it lived under pii/ until the
// import from the ground floor up to redact was removed.
//
// It keeps the promise "we never sell your data; personal data never
// reaches logs, analytics or third parties" checkable: a vendor runs the
// tests and shows the city the result.
//
// # Canaries
//
// New(t) returns a Canaries generator for one test. Email, Phone, Card,
// SSN, Name, Address and Secret each return a new Canary: an obviously
// fake value that still passes this module's validators and the redact
// detectors (an address at example.invalid, a 555-01xx number in an
// assigned area code, a Luhn-valid card under the test BIN 411111, an SSN
// that follows the SSA rules, an invented name and street). Values derive
// from the test's name and a counter, so they are deterministic, unique
// within a test and different between tests: a leak is traceable to the
// test that planted it. Custom plants any other value. A Canary never
// prints its value (fmt, %#v, String); Value returns it to plant.
//
// # Capture
//
// A Recorder is an io.Writer that keeps what is written to it, safe for
// concurrent use. Point any logger at it: TextLogger and JSONLogger return
// slog loggers, StdLogger a standard library *log.Logger, and zap or
// zerolog take it as their io.Writer. RedactingLogger logs through
// redact.NewHandler, the handler a portal should use in production.
//
// # Assertions
//
// AssertNoLeak(t, captured, canaries...) fails the test if any canary
// appears in captured (a string, bytes or a Recorder) in any of these
// forms, each also with its ASCII case changed:
//
//   - raw, upper-cased, lower-cased;
//   - JSON-escaped (encoding/json with and without HTML escaping, every
//     byte as \u00XX, and escaped twice, for JSON inside JSON);
//   - URL-encoded for a query and for a path, and every byte percent-encoded;
//   - HTML-escaped, by name and numerically;
//   - hex, upper or lower case;
//   - base64, standard or URL alphabet, padded or not, at each of the three
//     alignments the value can have inside a larger encoded blob;
//   - for numbers (phone, card, SSN and other number categories): digits
//     only and regrouped with spaces, dots, dashes or none, "(617) 555-0142",
//     and each of those escaped as above; hex and base64 of the digits.
//
// AssertNoPII does the same and also runs the redact detectors (redact.New
// with default options) to catch personal data the test never planted;
// AssertNoPIIWith takes a tuned redactor. A failure says where (line,
// column, byte offset), which canary of which test and in which encoding,
// and shows the surrounding text with every canary masked and other
// personal data redacted: the failure output cannot leak what it reports.
// The assertions take a TB, the part of testing.TB they use.
//
// FindLeaks and Matcher return the leaks instead of failing a test. A
// Matcher searches for every form of every canary in one pass; see its
// documentation for how, and BENCHMARKS.md for its speed.
//
// # HTTP
//
// NewHTTP wraps an http.Handler. Do, Get, PostForm and PostJSON serve one
// request in-process and check the response body, every response header
// (Set-Cookie values and redirect Location URLs included, also
// URL-decoded) and what the handler logged to the Recorder while serving
// it, for every canary planted so far. Probe sends a set of canaries as a
// form, a JSON body, a query string and request headers in turn.
//
// # A redacting logger by default
//
// The assertions pass when the portal logs through the redact slog
// handler. Build the logger in one function of an io.Writer, used by main
// with os.Stderr and by tests with a Recorder, so that the tests prove the
// production wiring:
//
//	func NewLogger(w io.Writer) *slog.Logger {
//		return slog.New(redact.NewHandler(slog.NewJSONHandler(w, nil), nil))
//	}
//
//	// main:   slog.SetDefault(NewLogger(os.Stderr))
//	// tests:  logs := piitest.NewRecorder(); slog.SetDefault(NewLogger(logs))
//
// redact does not treat a bare "name" attribute as personal data; a portal
// that logs people's names under that key adds it to
// redact.HandlerOptions.Keys, and a leak test shows when it is missing.
//
// # Limits
//
//   - Only the forms above are found. Encrypted, hashed, compressed or
//     truncated values, values split across writes that another layer
//     reassembles differently, other character sets (UTF-16), and
//     combinations of two encodings other than those listed are not.
//   - Base64 matching ignores up to two bytes at each end of a canary (the
//     bytes that share a base64 group with their neighbours), so two custom
//     canaries that differ only there are confused in base64; generated
//     canaries differ throughout.
//   - Forms shorter than MinLen (8 bytes) are not searched for; use custom
//     canaries of 10 bytes or more.
//   - Phone canaries are drawn from about 27,000 fictional numbers, so two
//     tests of a large suite can share one; other kinds are effectively
//     unique.
//   - No SSN-shaped number can be guaranteed never to be issued; the SSN
//     canaries only follow the SSA's rules so that validators accept them.
//   - The redact detectors behind AssertNoPII report look-alikes; tune them
//     with AssertNoPIIWith.
package piitest
