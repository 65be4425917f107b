package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// testArgon is cheap argon2id for tests; the real cost is defaultArgon.
var testArgon = argonParams{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// syncBuffer is a concurrency-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testPortal is the portal served by httptest, in-process.
type testPortal struct {
	t    testing.TB
	app  *app
	srv  *httptest.Server
	logs *syncBuffer
	dir  string
}

type portalOpts struct {
	tls      bool
	postgres string
	pgConns  int // PostgreSQL pool size; 0 means the default
	argon    argonParams
	logs     io.Writer // also receives the portal's logs (a piitest.Recorder)
}

// newTestPortal starts the portal on 127.0.0.1 with a fresh data directory
// (SQLite unless o.postgres is set). With o.tls it serves HTTPS and uses the
// production cookie attributes (__Host-, Secure).
func newTestPortal(t testing.TB, o portalOpts) *testPortal {
	t.Helper()
	if o.argon.KeyLen == 0 {
		o.argon = testArgon
	}
	srv := httptest.NewUnstartedServer(nil)
	scheme := "http"
	if o.tls {
		scheme = "https"
	}
	tp := &testPortal{t: t, srv: srv, logs: new(syncBuffer), dir: t.TempDir()}
	cfg := defaultConfig()
	cfg.DataDir = tp.dir
	cfg.Postgres = o.postgres
	cfg.PGConns = o.pgConns
	cfg.BaseURL = scheme + "://" + srv.Listener.Addr().String()
	cfg.SweepEvery = 0
	cfg.argon = o.argon
	cfg.logOutput = tp.logs
	if o.logs != nil {
		cfg.logOutput = io.MultiWriter(tp.logs, o.logs)
	}
	cfg.quietBanner = true
	cfg.DevKeysInProduction = o.tls // the tests' keys are throwaway
	a, err := newApp(context.Background(), cfg, io.Discard)
	require.NoError(t, err)
	tp.app = a
	srv.Config.Handler = a.Handler()
	if o.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return tp
}

// client returns a browser-like client with its own cookie jar.
func (tp *testPortal) client() *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(tp.t, err)
	c := *tp.srv.Client() // a copy: srv.Client returns one shared client
	c.Jar = jar
	return &c
}

// response is a fetched page.
type response struct {
	Status   int
	Body     string
	Header   http.Header
	FinalURL string
}

func (tp *testPortal) do(c *http.Client, method, path string, form url.Values, hdr http.Header) response {
	tp.t.Helper()
	u := path
	if strings.HasPrefix(path, "/") {
		u = tp.srv.URL + path
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(tp.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	require.NoError(tp.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(tp.t, err)
	return response{Status: resp.StatusCode, Body: string(b), Header: resp.Header, FinalURL: resp.Request.URL.String()}
}

func (tp *testPortal) get(c *http.Client, path string) response {
	tp.t.Helper()
	return tp.do(c, http.MethodGet, path, nil, nil)
}

func (tp *testPortal) post(c *http.Client, path string, form url.Values) response {
	tp.t.Helper()
	return tp.do(c, http.MethodPost, path, form, nil)
}

// person is the data one test user types in.
type person struct {
	Name, Email, Address, Phone, Number, Password, Card string
}

var fakePerson = person{
	Name:     "Alice Example",
	Email:    "alice@example.com",
	Address:  "12 Example Street, Springfield, MA 01101",
	Phone:    "617-555-0123",
	Number:   "40012345",
	Password: "correct horse battery staple",
	Card:     "4111 1111 1111 1111",
}

func (p person) signupForm() url.Values {
	return url.Values{"name": {p.Name}, "email": {p.Email}, "address": {p.Address}, "phone": {p.Phone}, "account_number": {p.Number}, "password": {p.Password}}
}

// outboxFiles returns the outbox's .eml files, oldest first.
func (tp *testPortal) outboxFiles() []string {
	tp.t.Helper()
	m, err := filepath.Glob(filepath.Join(tp.dir, "outbox", "*.eml"))
	require.NoError(tp.t, err)
	return m
}

var (
	confirmLinkRE = regexp.MustCompile(`https?://[^\s]+/subscriptions/confirm\?token=[A-Za-z0-9_%\-]+`)
	unsubLinkRE   = regexp.MustCompile(`https?://[^\s]+/unsubscribe\?token=[A-Za-z0-9_%\-]+`)
)

// lastMail returns the newest message's raw text.
func (tp *testPortal) lastMail() string {
	tp.t.Helper()
	files := tp.outboxFiles()
	require.NotEmpty(tp.t, files, "outbox is empty")
	b, err := os.ReadFile(files[len(files)-1])
	require.NoError(tp.t, err)
	return string(b)
}

// allText is everything the portal wrote to disk outside its database and
// keys: used by leak checks.
func readAll(t testing.TB, files ...string) string {
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		b.Write(data)
	}
	return b.String()
}

var verifyLinkRE = regexp.MustCompile(`https?://[^\s]+/verify\?token=[A-Za-z0-9_%\-]+`)

// signup creates an account the way a resident does: the form, then the
// link in the e-mail, then its button (which signs in). It returns the
// last page: the account page, or the form's answer when it was refused.
func (tp *testPortal) signup(c *http.Client, p person) response {
	tp.t.Helper()
	r := tp.post(c, "/signup", p.signupForm())
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="checkmail"`) {
		return r
	}
	link := verifyLinkRE.FindString(tp.lastMail())
	require.NotEmpty(tp.t, link, "the verification e-mail has a link")
	u, err := url.Parse(link)
	require.NoError(tp.t, err)
	return tp.post(c, "/verify", url.Values{"token": {u.Query().Get("token")}})
}
