package piitest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/civickit/privacy/redact"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// formValues reads the request's fields from whichever carrier it came in:
// form or query, JSON body, or headers.
func formValues(r *http.Request) map[string]string {
	out := map[string]string{}
	if r.Header.Get("Content-Type") == "application/json" {
		_ = json.NewDecoder(r.Body).Decode(&out)
		return out
	}
	_ = r.ParseForm()
	for k := range r.Form {
		out[k] = r.Form.Get(k)
	}
	for _, k := range []string{"Email", "Phone"} {
		if v := r.Header.Get(k); v != "" {
			out[strings.ToLower(k)] = v
		}
	}
	return out
}

// portal is a small signup handler with one switchable mistake.
func portal(logger *slog.Logger, mistake string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := formValues(r)
		email := f["email"]
		logger.Info("signup", "path", r.URL.Path, "fields", len(f))
		switch mistake {
		case "log":
			logger.Info("signup", "email", email)
		case "log-url":
			logger.Info("request", "url", r.URL.String())
		case "cookie":
			http.SetCookie(w, &http.Cookie{Name: "who", Value: base64.URLEncoding.EncodeToString([]byte(email))})
		case "cookie-plain":
			http.SetCookie(w, &http.Cookie{Name: "who", Value: url.QueryEscape(email)})
		case "redirect":
			http.Redirect(w, r, "/welcome?email="+url.QueryEscape(email), http.StatusSeeOther)
			return
		case "header":
			w.Header().Set("X-Debug-User", email)
		case "body":
			fmt.Fprintf(w, "<p>Welcome, %s</p>", strings.ToUpper(email))
			return
		case "error":
			http.Error(w, "invalid phone "+f["phone"], http.StatusBadRequest)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "opaque-session-id"})
		fmt.Fprint(w, "<p>Thank you. Check your inbox.</p>")
	})
}

func TestHTTPFindsEveryMistake(t *testing.T) {
	for _, tc := range []struct {
		mistake, where, why string
	}{
		{"log", "logs", "the handler logs the e-mail address"},
		{"log-url", "logs", "the handler logs the URL with its query string (GET carrier)"},
		{"cookie", "response header Set-Cookie", "a cookie carries the base64url e-mail address"},
		{"cookie-plain", "response header Set-Cookie", "a cookie carries the URL-encoded e-mail address"},
		{"redirect", "response header Location", "the redirect URL carries the e-mail address"},
		{"header", "response header X-Debug-User", "a debug header echoes the e-mail address"},
		{"body", "response body", "the page shows the e-mail address, upper-cased"},
		{"error", "response body", "the error message quotes the phone number"},
	} {
		t.Run(tc.mistake, func(t *testing.T) {
			logs := NewRecorder()
			cs := New(t)
			ft := &fakeT{name: t.Name()}
			h := NewHTTP(ft, portal(logs.JSONLogger(nil), tc.mistake), cs, logs)
			fields := map[string]Canary{"email": cs.Email(), "phone": cs.Phone()}
			h.Probe("/signup", fields)
			require.True(t, ft.failed(), tc.why)
			out := ft.output()
			assert.Contains(t, out, tc.where, tc.why)
			for _, c := range fields {
				assert.NotContains(t, out, c.Value(), "%s: the failure must not leak", tc.why)
			}
		})
	}
}

func TestHTTPCleanHandlerPasses(t *testing.T) {
	logs := NewRecorder()
	cs := New(t)
	ft := &fakeT{name: t.Name()}
	h := NewHTTP(ft, portal(logs.JSONLogger(nil), ""), cs, logs)
	h.Probe("/signup", map[string]Canary{"email": cs.Email(), "phone": cs.Phone(), "card": cs.Card()})
	resp := h.PostForm("/signup", url.Values{"email": {cs.Email().Value()}})
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Contains(t, string(body), "Thank you", "the body is still readable")
	assert.False(t, ft.failed(), ft.output())
	assert.NotZero(t, logs.Len(), "the handler did log")
}

func TestHTTPAllowBodyEcho(t *testing.T) {
	logs := NewRecorder()
	cs := New(t)
	ft := &fakeT{name: t.Name()}
	h := NewHTTP(ft, portal(logs.JSONLogger(nil), "body"), cs, logs)
	h.AllowBodyEcho = true
	h.PostForm("/signup", url.Values{"email": {cs.Email().Value()}})
	assert.False(t, ft.failed(), "a confirmation page may show the user their own data: %s", ft.output())
}

func TestHTTPChecksOnlyNewLogs(t *testing.T) {
	logs := NewRecorder()
	cs := New(t)
	e := cs.Email()
	lg := logs.TextLogger(nil)
	lg.Info("before", "email", e.Value()) // logged before the driver existed
	ft := &fakeT{name: t.Name()}
	h := NewHTTP(ft, portal(lg, ""), cs, logs)
	h.PostForm("/signup", url.Values{"email": {e.Value()}})
	assert.False(t, ft.failed(), "logs written before NewHTTP are not the handler's: %s", ft.output())
}

func TestHTTPRedactorOnLogs(t *testing.T) {
	r, err := redact.New(&redact.Options{Entities: []redact.Entity{redact.Email}})
	require.NoError(t, err)
	logs := NewRecorder()
	cs := New(t)
	lg := logs.JSONLogger(nil)
	handler := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		lg.Info("notify", "to", "clerk.unplanted@example.com")
	})
	ft := &fakeT{name: t.Name()}
	h := NewHTTP(ft, handler, cs, logs)
	h.Redactor = r
	h.Get("/", nil)
	assert.Contains(t, ft.output(), "unplanted personal data", "an e-mail address nobody planted is caught in logs")
	assert.NotContains(t, ft.output(), "clerk.unplanted@example.com")
}
