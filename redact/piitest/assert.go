package piitest

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/civickit/privacy/redact"
)

// TB is the part of testing.TB the assertions use. *testing.T, *testing.B
// and *testing.F satisfy it; tests of test helpers pass a fake.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Captured is what the assertions search: text, bytes, or a Recorder's
// contents.
type Captured interface {
	~string | ~[]byte | *Recorder
}

func bytesOf[C Captured](c C) []byte {
	switch v := any(c).(type) {
	case *Recorder:
		return v.Bytes()
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	rv := reflect.ValueOf(c)
	if rv.Kind() == reflect.String {
		return []byte(rv.String())
	}
	return rv.Bytes()
}

// MaxReported is how many leaks one failing assertion describes; it
// counts the rest.
const MaxReported = 20

// contextBytes is how much text either side of a leak a failure message
// shows, after masking canaries and redacting other personal data.
const contextBytes = 24

// AssertNoLeak fails t (with Errorf, so the test goes on) if any canary
// appears in captured in any form the package knows (see Matcher and
// Forms): raw or with its case changed; JSON-, URL- or HTML-escaped; hex;
// base64 at any alignment in a larger blob; and, for phone, card and SSN
// numbers, digits only or with other separators. It reports true if
// nothing leaked.
//
// The failure message names each canary, its test, the encoding and the
// line, column and byte offset, with the canary masked and the text around
// it redacted, so the failure output does not leak either.
func AssertNoLeak[C Captured](t TB, captured C, canaries ...Canary) bool {
	t.Helper()
	return check(t, "captured output", bytesOf(captured), NewMatcher(canaries...), nil)
}

// AssertNoPII is AssertNoLeak for the canaries given, and also fails t if
// the redact package's detectors (redact.New with default options) find
// personal data in captured that no canary accounts for: an e-mail address,
// phone, card, SSN, IP address, name or address the test never planted.
//
// Detectors can report look-alikes (a version number shaped like an IP
// address); use AssertNoPIIWith and a redactor configured with
// redact.Options.Allow, AllowPatterns or Entities to tune them.
func AssertNoPII[C Captured](t TB, captured C, canaries ...Canary) bool {
	t.Helper()
	r, err := defaultRedactor()
	if err != nil {
		t.Errorf("piitest: %v", err)
		return false
	}
	return check(t, "captured output", bytesOf(captured), NewMatcher(canaries...), r)
}

// AssertNoPIIWith is AssertNoPII with the given redactor's detectors.
func AssertNoPIIWith[C Captured](t TB, r *redact.Redactor, captured C, canaries ...Canary) bool {
	t.Helper()
	if r == nil {
		t.Errorf("piitest: AssertNoPIIWith needs a redactor")
		return false
	}
	return check(t, "captured output", bytesOf(captured), NewMatcher(canaries...), r)
}

var defaultRedactor = sync.OnceValues(func() (*redact.Redactor, error) {
	r, err := redact.New(nil)
	if err != nil {
		return nil, fmt.Errorf("piitest: default redactor: %w", err)
	}
	return r, nil
})

// check searches b (described as where) for the matcher's canaries and,
// when r is not nil, for what r detects; it reports every finding on t.
func check(t TB, where string, b []byte, m *Matcher, r *redact.Redactor) bool {
	t.Helper()
	leaks := m.Find(b)
	var found []redact.Finding
	if r != nil {
		for _, f := range r.FindBytes(b) {
			if !coveredBy(f, leaks) {
				found = append(found, f)
			}
		}
	}
	if len(leaks) == 0 && len(found) == 0 {
		return true
	}
	t.Errorf("%s", report(where, b, leaks, found))
	return false
}

func coveredBy(f redact.Finding, leaks []Leak) bool {
	for _, l := range leaks {
		if f.Start < l.Offset+l.Len && l.Offset < f.End {
			return true
		}
	}
	return false
}

// report writes the failure message: one entry per leak and finding, each
// with a masked excerpt.
func report(where string, b []byte, leaks []Leak, found []redact.Finding) string {
	var s strings.Builder
	n := len(leaks) + len(found)
	switch {
	case len(leaks) > 0 && len(found) > 0:
		fmt.Fprintf(&s, "piitest: %s: %d canary leak(s) and %d unplanted personal data finding(s):", where, len(leaks), len(found))
	case len(leaks) > 0:
		fmt.Fprintf(&s, "piitest: %s: %d canary leak(s):", where, len(leaks))
	default:
		fmt.Fprintf(&s, "piitest: %s: %d unplanted personal data finding(s):", where, len(found))
	}
	shown := 0
	for _, l := range leaks {
		if shown == MaxReported {
			break
		}
		shown++
		fmt.Fprintf(&s, "\n  %s\n    near: %s", l, excerpt(b, l.Offset, l.Offset+l.Len, leaks, found))
	}
	for _, f := range found {
		if shown == MaxReported {
			break
		}
		shown++
		line, col := lineOf(b, f.Start)
		fmt.Fprintf(&s, "\n  %s (rule %s, score %.2f) found at line %d, column %d (offset %d, %d bytes)\n    near: %s",
			f.Entity, f.Rule, f.Score, line, col, f.Start, f.Len(), excerpt(b, f.Start, f.End, leaks, found))
	}
	if n > shown {
		fmt.Fprintf(&s, "\n  ... and %d more", n-shown)
	}
	return s.String()
}

// excerpt returns the text around b[start:end] as a quoted string with
// every leak and finding in the window replaced by a marker, and what is
// left run through the default redactor, so an excerpt never carries a
// canary or other detected personal data.
func excerpt(b []byte, start, end int, leaks []Leak, found []redact.Finding) string {
	lo, hi := max(0, start-contextBytes), min(len(b), end+contextBytes)
	type span struct {
		a, b int
		mark string
	}
	var all []span
	for _, l := range leaks {
		all = append(all, span{l.Offset, l.Offset + l.Len, fmt.Sprintf("[CANARY %s#%d]", l.Canary.category, l.Canary.seq)})
	}
	for _, f := range found {
		all = append(all, span{f.Start, f.End, f.Entity.Label()})
	}
	// widen the window over spans that cross its edges until none does,
	// then mark every span inside it
	for changed := true; changed; {
		changed = false
		for _, sp := range all {
			if sp.a < hi && sp.b > lo && (sp.a < lo || sp.b > hi) {
				lo, hi, changed = min(lo, sp.a), max(hi, sp.b), true
			}
		}
	}
	var spans []span
	for _, sp := range all {
		if sp.a < hi && sp.b > lo {
			spans = append(spans, sp)
		}
	}
	var out strings.Builder
	r, _ := defaultRedactor()
	plain := func(a, z int) {
		if a >= z {
			return
		}
		txt := string(b[a:z])
		if r != nil {
			txt = r.Redact(txt)
		}
		out.WriteString(txt)
	}
	pos := lo
	sort.Slice(spans, func(i, j int) bool { return spans[i].a < spans[j].a })
	for _, sp := range spans {
		if sp.b <= pos {
			continue
		}
		plain(pos, sp.a)
		out.WriteString(sp.mark)
		pos = sp.b
	}
	plain(pos, hi)
	q := strconv.Quote(out.String())
	pre, post := "", ""
	if lo > 0 {
		pre = "…"
	}
	if hi < len(b) {
		post = "…"
	}
	return pre + q + post
}
