package piitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"

	"github.com/civickit/privacy/redact"
)

// HTTP drives an http.Handler in-process (with httptest) with requests
// that carry canaries, and checks everything that comes back for them:
// the response body, every response header (Set-Cookie values and redirect
// Location URLs included) and what the portal logged to a Recorder while
// serving the request. Each leak fails the test through TB.Errorf.
type HTTP struct {
	// Handler is the portal under test.
	Handler http.Handler
	// Canaries are searched for: every canary planted so far, at the time
	// of each check.
	Canaries *Canaries
	// Logs, if not nil, is the Recorder the portal logs to; what each
	// request logged is checked.
	Logs *Recorder
	// AllowBodyEcho lets response bodies show the canaries, for a page that
	// echoes the user's own data back to them. Headers, cookies, redirect
	// URLs and logs are checked regardless.
	AllowBodyEcho bool
	// Redactor, if not nil, also checks logs with its detectors (see
	// AssertNoPII), to catch personal data the test did not plant.
	Redactor *redact.Redactor

	t      TB
	logPos int
}

// NewHTTP returns an HTTP driver for h that checks for the canaries of cs
// (and, when logs is not nil, the logs recorded there).
func NewHTTP(t TB, h http.Handler, cs *Canaries, logs *Recorder) *HTTP {
	x := &HTTP{Handler: h, Canaries: cs, Logs: logs, t: t}
	if logs != nil {
		x.logPos = logs.Len()
	}
	return x
}

// Do serves req and checks the response and logs. It returns the response,
// whose body can still be read. Do may be called from one goroutine at a
// time.
func (x *HTTP) Do(req *http.Request) *http.Response {
	x.t.Helper()
	w := httptest.NewRecorder()
	x.Handler.ServeHTTP(w, req)
	resp := w.Result()
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))

	var cs []Canary
	if x.Canaries != nil {
		cs = x.Canaries.Planted()
	}
	m := NewMatcher(cs...)
	what := req.Method + " " + req.URL.Path
	if !x.AllowBodyEcho {
		check(x.t, what+": response body", body, m, nil)
	}
	keys := make([]string, 0, len(resp.Header))
	for k := range resp.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range resp.Header[k] {
			if !check(x.t, what+": response header "+k, []byte(v), m, nil) {
				continue
			}
			// a cookie value or redirect URL encoded twice (a codec's
			// base64 of a URL-encoded value, a return URL in a query
			// string) shows its canary once decoded
			if d, err := url.QueryUnescape(v); err == nil && d != v {
				check(x.t, what+": response header "+k+" (URL-decoded)", []byte(d), m, nil)
			}
		}
	}
	if x.Logs != nil {
		var logs []byte
		logs, x.logPos = x.Logs.Since(x.logPos)
		check(x.t, what+": logs", logs, m, x.Redactor)
	}
	return resp
}

// Get sends GET target with query added to its query string.
func (x *HTTP) Get(target string, query url.Values) *http.Response {
	x.t.Helper()
	return x.Do(httptest.NewRequest(http.MethodGet, withQuery(target, query), nil))
}

// PostForm sends form as an application/x-www-form-urlencoded POST body.
func (x *HTTP) PostForm(target string, form url.Values) *http.Response {
	x.t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return x.Do(req)
}

// PostJSON sends v, encoded as JSON, as a POST body.
func (x *HTTP) PostJSON(target string, v any) *http.Response {
	x.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		x.t.Errorf("piitest: PostJSON: %v", err)
		return nil
	}
	req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return x.Do(req)
}

// Probe sends the fields to target in every carrier a portal reads, one
// request each: a POST form, a POST JSON object, a GET query string, and a
// GET whose request headers carry the fields (header name = field name).
// Every response and the logs are checked after each request.
func (x *HTTP) Probe(target string, fields map[string]Canary) {
	x.t.Helper()
	form := url.Values{}
	obj := map[string]string{}
	names := make([]string, 0, len(fields))
	for k, c := range fields {
		form.Set(k, c.Value())
		obj[k] = c.Value()
		names = append(names, k)
	}
	sort.Strings(names)
	x.PostForm(target, form)
	x.PostJSON(target, obj)
	x.Get(target, form)
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, k := range names {
		req.Header.Set(k, fields[k].Value())
	}
	x.Do(req)
}

func withQuery(target string, q url.Values) string {
	if len(q) == 0 {
		return target
	}
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	return target + sep + q.Encode()
}
