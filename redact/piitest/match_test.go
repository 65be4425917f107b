package piitest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"log"
	"net/url"
	"strings"
	"testing"

	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encoding is one way a test plants a canary; the encoders here are the
// standard library's (or written out by hand), independent of forms.go.
type encoding struct {
	name    string
	want    string // a substring the failure must name; "" when the form may equal another
	numeric bool   // only for phones, cards and SSNs
	enc     func(v string) string
}

func digitsOnly(v string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, v)
}

// regroup writes the digits of v in v's own groups with sep between them.
func regroup(v, sep string) string {
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r < '0' || r > '9' }), sep)
}

func jsonBody(v string) string {
	b, _ := json.Marshal(v)
	return string(b[1 : len(b)-1])
}

func b64At(e *base64.Encoding, offset int) func(string) string {
	return func(v string) string {
		blob := []byte(strings.Repeat("~", offset) + `{"user":"` + v + `","n":1}`)
		return e.EncodeToString(blob)
	}
}

var encodings = func() []encoding {
	es := []encoding{
		{"raw", "raw", false, func(v string) string { return v }},
		{"upper-cased", "upper-cased", false, strings.ToUpper},
		{"lower-cased", "", false, strings.ToLower},
		{"mixed case", "", false, func(v string) string {
			b := []byte(v)
			for i := range b {
				if i%2 == 0 && b[i] >= 'a' && b[i] <= 'z' {
					b[i] -= 'a' - 'A'
				}
			}
			return string(b)
		}},
		{"JSON-escaped", "", false, jsonBody},
		{"JSON inside JSON", "", false, func(v string) string { return jsonBody(`{"email":"` + jsonBody(v) + `"}`) }},
		{"JSON \\u-escaped", "JSON-escaped (\\u)", false, func(v string) string {
			var b strings.Builder
			for _, r := range v {
				if r < 0x80 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
					b.WriteRune(r)
				} else {
					fmt.Fprintf(&b, "\\u%04X", r) // upper-case hex digits, as some encoders write
				}
			}
			return b.String()
		}},
		{"URL query", "", false, url.QueryEscape},
		{"URL path", "", false, url.PathEscape},
		{"URL lower-case percent", "", false, func(v string) string {
			q := url.QueryEscape(v)
			var b strings.Builder
			for i := 0; i < len(q); i++ {
				if q[i] == '%' {
					b.WriteString(strings.ToLower(q[i : i+3]))
					i += 2
					continue
				}
				b.WriteByte(q[i])
			}
			return b.String()
		}},
		{"URL every byte", "", false, func(v string) string {
			var b strings.Builder
			for i := 0; i < len(v); i++ {
				c := v[i]
				if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
					b.WriteByte(c)
				} else {
					fmt.Fprintf(&b, "%%%02X", c)
				}
			}
			return b.String()
		}},
		{"HTML", "", false, html.EscapeString},
		{"HTML template", "", false, template.HTMLEscapeString},
		{"HTML numeric", "", false, func(v string) string {
			var b strings.Builder
			for _, r := range v {
				if r < 0x80 && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
					b.WriteRune(r)
				} else {
					fmt.Fprintf(&b, "&#%d;", r)
				}
			}
			return b.String()
		}},
		{"hex", "hex", false, func(v string) string { return hex.EncodeToString([]byte(v)) }},
		{"HEX", "hex", false, func(v string) string { return strings.ToUpper(hex.EncodeToString([]byte(v))) }},
		{"digits only", "", true, digitsOnly},
		{"space-separated", "", true, func(v string) string { return regroup(v, " ") }},
		{"dot-separated", "", true, func(v string) string { return regroup(v, ".") }},
		{"dash-separated", "", true, func(v string) string { return regroup(v, "-") }},
		{"digits only, URL query", "", true, func(v string) string { return url.QueryEscape(digitsOnly(v)) }},
		{"digits only, hex", "hex", true, func(v string) string { return hex.EncodeToString([]byte(digitsOnly(v))) }},
		{"digits only, base64", "base64", true, func(v string) string {
			return base64.StdEncoding.EncodeToString([]byte("card=" + digitsOnly(v)))
		}},
		{"space-separated, URL query", "", true, func(v string) string { return url.QueryEscape(regroup(v, " ")) }},
	}
	for _, e := range []struct {
		name string
		enc  *base64.Encoding
	}{
		{"base64 std", base64.StdEncoding}, {"base64 url", base64.URLEncoding},
		{"base64 raw std", base64.RawStdEncoding}, {"base64 raw url", base64.RawURLEncoding},
	} {
		for off := range 3 {
			es = append(es, encoding{fmt.Sprintf("%s at offset %d", e.name, off), "base64", false, b64At(e.enc, off)})
		}
	}
	return es
}()

// plantedCanaries are one of each generated kind and two custom values
// whose escaped forms differ from the raw one.
func plantedCanaries(cs *Canaries) []Canary {
	return append(cs.All(),
		cs.Custom(pii.Name, `Zoë O'Quill <Tavorimex> & "Co"`),
		cs.Custom(pii.AccountNumber, "UTIL-0042-7781-33"),
	)
}

// otherCanaries are what another test would plant.
func otherCanaries() []Canary {
	cs := NewNamed("TestSomethingElse")
	return append(cs.All(),
		cs.Custom(pii.Name, `Zoë O'Brien <Quilzarvex> & "Sons"`),
		cs.Custom(pii.AccountNumber, "UTIL-0099-1234-56"),
	)
}

func TestAssertNoLeakFindsEveryEncoding(t *testing.T) {
	cs := New(t)
	for _, c := range plantedCanaries(cs) {
		for _, e := range encodings {
			if e.numeric && !isNumeric(c.Category()) {
				continue
			}
			planted := e.enc(c.Value())
			captured := "time=2026-01-02T03:04:05Z level=INFO msg=\"request\"\nstatus=200 data=" + planted + " bytes=512\nend\n"
			ft := &fakeT{name: t.Name()}
			ok := AssertNoLeak(ft, captured, c)
			if !assert.False(t, ok, "%v planted %s must fail", c, e.name) || !assert.Len(t, ft.errs, 1) {
				continue
			}
			msg := ft.errs[0]
			assert.Contains(t, msg, fmt.Sprintf("%s#%d", c.Category(), c.Seq()), "%s: names the canary", e.name)
			assert.Contains(t, msg, t.Name(), "%s: names the test", e.name)
			assert.Contains(t, msg, "line 2", "%s: says where", e.name)
			if planted != c.Value() || e.name == "raw" {
				assert.Contains(t, msg, e.want, "%s: names the encoding", e.name)
			}
			assert.NotContains(t, msg, c.Value(), "%s: the message must not leak the canary", e.name)
			if len(planted) >= MinLen {
				assert.NotContains(t, msg, planted, "%s: the message must not leak the encoded canary", e.name)
			}
			assert.Empty(t, FindLeaks([]byte(msg), c), "%s: no form of the canary is in the message", e.name)
		}
	}
}

func TestAssertNoLeakCleanOutputPasses(t *testing.T) {
	cs := New(t)
	planted := plantedCanaries(cs)
	other := otherCanaries()
	var logs bytes.Buffer
	for i := range 2000 {
		fmt.Fprintf(&logs, "time=2026-01-02T03:04:%02dZ level=INFO msg=\"request\" id=%08x path=/accounts/%d dur=%dms\n", i%60, i*2654435761, i, i%997)
	}
	// other tests' canaries, in every encoding, must not be mistaken for ours
	for _, c := range other {
		for _, e := range encodings {
			logs.WriteString(e.enc(c.Value()) + "\n")
		}
	}
	ft := &fakeT{name: t.Name()}
	assert.True(t, AssertNoLeak(ft, logs.Bytes(), planted...), ft.output())
	assert.True(t, AssertNoLeak(ft, logs.String()), "no canaries: nothing to find")
	assert.False(t, ft.failed(), ft.output())
}

func TestLeakPosition(t *testing.T) {
	cs := New(t)
	e := cs.Email()
	captured := "one\ntwo\nxyz " + e.Value() + "\nfour " + strings.ToUpper(e.Value())
	leaks := FindLeaks([]byte(captured), e)
	require.Len(t, leaks, 2)
	assert.Equal(t, Leak{Canary: e, Encoding: "raw", Offset: 12, Len: len(e.Value()), Line: 3, Column: 5}, leaks[0])
	assert.Equal(t, 4, leaks[1].Line)
	assert.Equal(t, 6, leaks[1].Column)
	assert.Equal(t, "raw, upper-cased", leaks[1].Encoding)
	line, col := lineOf([]byte(captured), leaks[1].Offset)
	assert.Equal(t, [2]int{4, 6}, [2]int{line, col}, "lineOf agrees with the scan")
}

func TestLeakAtEdges(t *testing.T) {
	cs := New(t)
	c := cs.Secret()
	for _, tc := range []struct{ captured, why string }{
		{c.Value(), "the whole input"},
		{c.Value() + "tail", "at the start"},
		{"head" + c.Value(), "at the end"},
		{"\n" + c.Value() + "\n", "alone on a line"},
	} {
		leaks := FindLeaks([]byte(tc.captured), c)
		assert.Len(t, leaks, 1, tc.why)
	}
	assert.Empty(t, FindLeaks([]byte(c.Value()[:len(c.Value())-1]), c), "a truncated canary is not the canary")
	assert.Empty(t, FindLeaks(nil, c), "empty input")
}

func TestFailureReportsManyLeaksBriefly(t *testing.T) {
	cs := New(t)
	c := cs.Email()
	captured := strings.Repeat("msg="+c.Value()+"\n", MaxReported+5)
	ft := &fakeT{name: t.Name()}
	assert.False(t, AssertNoLeak(ft, []byte(captured), c))
	require.Len(t, ft.errs, 1, "one failure per assertion")
	assert.Contains(t, ft.errs[0], fmt.Sprintf("%d canary leak(s)", MaxReported+5))
	assert.Contains(t, ft.errs[0], "... and 5 more")
	assert.NotContains(t, ft.errs[0], c.Value())
}

func TestExcerptMasksNeighbours(t *testing.T) {
	cs := New(t)
	e, p := cs.Email(), cs.Phone()
	// an unplanted e-mail address right next to the canary must not be
	// printed either
	captured := "user=" + e.Value() + " phone=" + p.Value() + " cc=alice.unplanted@example.com"
	ft := &fakeT{name: t.Name()}
	assert.False(t, AssertNoLeak(ft, captured, e, p))
	msg := ft.output()
	assert.NotContains(t, msg, e.Value())
	assert.NotContains(t, msg, p.Value())
	assert.NotContains(t, msg, "alice.unplanted@example.com", "other personal data near a leak is redacted")
	assert.Contains(t, msg, "[CANARY email#1]")
	assert.Contains(t, msg, "[CANARY phone#2]")
}

func TestAssertNoPIIFindsUnplanted(t *testing.T) {
	cs := New(t)
	e := cs.Email()
	for _, tc := range []struct {
		value, context string
		want           string
		why            string
	}{
		{"someone@example.com", "user logged in: %s", "email", "an e-mail address nobody planted"},
		{"4012 8888 8888 1881", "card %s declined", "payment_card", "a card number nobody planted"},
		{"219-45-6789", "ssn=%s", "ssn", "an SSN nobody planted"},
	} {
		ft := &fakeT{name: t.Name()}
		assert.False(t, AssertNoPII(ft, fmt.Sprintf(tc.context, tc.value), e), tc.why)
		assert.Contains(t, ft.output(), tc.want, tc.why)
		assert.Contains(t, ft.output(), "unplanted", tc.why)
		assert.NotContains(t, ft.output(), tc.value, "%s: value not printed", tc.why)
	}
	ft := &fakeT{name: t.Name()}
	assert.False(t, AssertNoPII(ft, "to: "+e.Value(), e))
	assert.Contains(t, ft.output(), "1 canary leak(s):", "a canary is reported as a canary, not again as a finding")
	assert.NotContains(t, ft.output(), "unplanted")

	ft = &fakeT{name: t.Name()}
	assert.True(t, AssertNoPII(ft, "level=INFO msg=\"signup complete\" status=200 account=[REDACTED:email]", e), ft.output())
}

func TestCapturedTypes(t *testing.T) {
	type logText string
	cs := New(t)
	c := cs.Card()
	rec := NewRecorder()
	fmt.Fprintf(rec, "card %s\n", c.Value())
	for name, fn := range map[string]func(TB) bool{
		"string":    func(ft TB) bool { return AssertNoLeak(ft, "card "+c.Value(), c) },
		"[]byte":    func(ft TB) bool { return AssertNoLeak(ft, []byte("card "+c.Value()), c) },
		"named":     func(ft TB) bool { return AssertNoLeak(ft, logText("card "+c.Value()), c) },
		"*Recorder": func(ft TB) bool { return AssertNoLeak(ft, rec, c) },
	} {
		ft := &fakeT{}
		assert.False(t, fn(ft), name)
	}
}

func TestLoggers(t *testing.T) {
	cs := New(t)
	for _, c := range plantedCanaries(cs) {
		for name, logf := range map[string]func(*Recorder, string){
			"slog text": func(r *Recorder, v string) { r.TextLogger(nil).Debug("signup", "value", v) },
			"slog json": func(r *Recorder, v string) { r.JSONLogger(nil).Info("signup", "value", v) },
			"slog json group": func(r *Recorder, v string) {
				r.JSONLogger(nil).With("req", map[string]any{"form": map[string]string{"v": v}}).Warn("x")
			},
			"log":        func(r *Recorder, v string) { r.StdLogger("portal: ", log.LstdFlags).Printf("signup %q", v) },
			"log %x":     func(r *Recorder, v string) { r.StdLogger("", 0).Printf("blob %x", v) },
			"fmt %v map": func(r *Recorder, v string) { fmt.Fprintf(r, "%v\n", map[string]string{"v": v}) },
		} {
			rec := NewRecorder()
			logf(rec, c.Value())
			ft := &fakeT{}
			assert.False(t, AssertNoLeak(ft, rec, c), "%s: %v", name, c)
		}
	}
}

func TestRecorderConcurrent(t *testing.T) {
	rec := NewRecorder()
	lg := rec.JSONLogger(nil)
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 100 {
				lg.Info("line", "g", g, "i", i)
			}
		}()
	}
	for range 8 {
		<-done
	}
	lines := strings.Split(strings.TrimSuffix(string(rec.Bytes()), "\n"), "\n")
	assert.Len(t, lines, 800, "no write lost")
	for _, l := range lines {
		assert.True(t, json.Valid([]byte(l)), "no write torn")
	}
	since, n := rec.Since(rec.Len() - len(lines[len(lines)-1]) - 1)
	assert.Equal(t, lines[len(lines)-1]+"\n", string(since))
	assert.Equal(t, rec.Len(), n)
	rec.Reset()
	assert.Zero(t, rec.Len())
}

func TestFormsNamed(t *testing.T) {
	cs := New(t)
	for _, tc := range []struct {
		c    Canary
		want []string
		why  string
	}{
		{cs.Card(), []string{"raw", "digits only", "separated by dash", "hex", "hex, digits only", "base64 (offset 1 mod 3)"}, "cards are regrouped and encoded"},
		{cs.Phone(), []string{"raw", "digits only", "(area) code", "separated by dot", "URL-encoded (query), separated by space"}, "phones are regrouped"},
		{cs.Email(), []string{"raw", "URL-encoded (query)", "hex"}, "e-mail addresses have no digit forms"},
	} {
		got := Forms(tc.c)
		for _, w := range tc.want {
			assert.Contains(t, got, w, tc.why)
		}
		if tc.c.Category() == pii.Email {
			assert.NotContains(t, got, "digits only", tc.why)
		}
		for _, f := range forms(tc.c) {
			assert.GreaterOrEqual(t, len(f.text), MinLen, "%s: every form is long enough to search for", f.encoding)
		}
	}
	short := Forms(cs.Custom(pii.ZIP, "02139"))
	assert.NotContains(t, short, "raw", "a value shorter than MinLen is not searched for raw")
	assert.Equal(t, []string{"hex"}, short, "only encodings that lengthen it to MinLen are searched")
}

func TestManyCanariesOneLeak(t *testing.T) {
	canaries := bench100()
	victim := canaries[57]
	var b bytes.Buffer
	for i := range 8000 {
		fmt.Fprintf(&b, "level=INFO i=%d id=%x msg=\"nothing here\"\n", i, i*7919)
	}
	b.WriteString("token=" + base64.StdEncoding.EncodeToString([]byte("xx"+victim.Value()+"yy")) + "\n")
	leaks := FindLeaks(b.Bytes(), canaries...)
	require.Len(t, leaks, 1)
	assert.Equal(t, victim, leaks[0].Canary)
	assert.Equal(t, 8001, leaks[0].Line)
	assert.Contains(t, leaks[0].Encoding, "base64")
}
