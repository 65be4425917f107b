package cookies_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/alexedwards/scs/v2/memstore"

	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/pii"
)

// Server-side sessions on any scs store (here scs's memstore; in
// production cookies/sessionstore's PostgreSQL or Redis store), with an
// idle timeout and an absolute lifetime, bound to an account at login and
// revoked everywhere after a password reset.
func ExampleNewManager_serverSide() {
	kr, _ := pii.NewKeyring(pii.Encryption) // in production: pii.ReadKeyringFile
	m, err := cookies.NewManager(kr, &cookies.Options[Prefs]{
		Store:            memstore.New(),
		MaxAge:           8 * time.Hour,
		IdleTimeout:      30 * time.Minute,
		AbsoluteLifetime: 12 * time.Hour,
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s, _ := cookies.FromContext[Prefs](r.Context())
		s.SetAccount("acct-7f3a") // an opaque id, never an e-mail address; renews the session id
	})
	mux.HandleFunc("POST /password-reset", func(w http.ResponseWriter, r *http.Request) {
		n, err := m.RevokeAll(r.Context(), "acct-7f3a", "") // log out everywhere
		fmt.Println("revoked", n, err)
	})
	handler := m.Middleware(mux)

	login := func(ua string) *http.Cookie {
		req := httptest.NewRequest("POST", "https://portal.example.com/login", nil)
		req.Header.Set("User-Agent", ua)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Result().Cookies()[0]
	}
	laptop := login("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
	login("Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1")

	list, _ := m.Sessions(context.Background(), "acct-7f3a")
	fmt.Println(len(list), "sessions")

	handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "https://portal.example.com/password-reset", nil))
	req := httptest.NewRequest("GET", "https://portal.example.com/", nil)
	req.AddCookie(laptop)
	_, err = m.Load(req)
	fmt.Println(err)
	// Output:
	// 2 sessions
	// revoked 2 <nil>
	// cookies: session has ended
}

func ExampleUserAgentFamily() {
	fmt.Println(cookies.UserAgentFamily("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0"))
	// Output: Edge on Windows
}
