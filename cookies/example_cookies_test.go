package cookies_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/pii"
)

// Prefs is a session payload: opaque references and choices, nothing
// personal.
type Prefs struct {
	AccountRef string // an opaque account id, never an e-mail address
	Locale     string
	Tour       bool
}

func ExampleNewManager() {
	kr, _ := pii.NewKeyring(pii.Encryption) // in production: pii.ReadKeyringFile
	m, err := cookies.NewManager[Prefs](kr, nil)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s, _ := cookies.FromContext[Prefs](r.Context())
		s.RenewID() // a new id on login: no session fixation
		s.Values.AccountRef = "acct-7f3a"
		fmt.Fprintln(w, "welcome")
	})
	handler := http.NewCrossOriginProtection().Handler(m.Middleware(mux))

	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest("POST", "https://portal.example.com/login", nil))
	c := rec.Result().Cookies()[0]
	// Max-Age is the 24-hour default MaxAge cut to the 12-hour default
	// absolute lifetime of a session created just now.
	fmt.Println(c.Name, c.Secure, c.HttpOnly, c.SameSite == http.SameSiteLaxMode, c.Path, c.MaxAge)
	// Output: __Host-session true true true / 43200
}

func ExampleCodec() {
	kr, _ := pii.NewKeyring(pii.Encryption)
	c, _ := cookies.NewCodec(kr, nil)

	v, _ := c.Encode("__Host-prefs", Prefs{Locale: "es-US"})
	var p Prefs
	fmt.Println(c.Decode("__Host-prefs", v, &p), p.Locale)
	// A value moved to another cookie name does not open.
	fmt.Println(c.Decode("__Host-other", v, &p))
	// Output:
	// <nil> es-US
	// cookies: cookie value is invalid
}

func ExampleCodec_Encode_refusesPII() {
	kr, _ := pii.NewKeyring(pii.Encryption)
	c, _ := cookies.NewCodec(kr, nil)

	_, err := c.Encode("__Host-prefs", Prefs{AccountRef: "resident@example.com"})
	fmt.Println(errors.Is(err, cookies.ErrContainsPII))
	fmt.Println(err) // names the field, never the value
	// Output:
	// true
	// cookies: field "AccountRef" contains personal data (detector matched)
}

func ExamplePolicy() {
	p, _ := cookies.NewPolicy([]cookies.Declaration{
		{Name: "__Host-lang", Category: cookies.Preferences, Purpose: "remembers your language"},
		{Name: "__Host-visits", Category: cookies.Analytics, Purpose: "counts visits"},
	}, &cookies.PolicyOptions{
		// The consent package, or the application, answers this.
		Consent: cookies.ConsentFunc(func(r *http.Request, c cookies.Category) bool { return true }),
	})
	r := httptest.NewRequest("GET", "https://portal.example.com/", nil)
	r.Header.Set("Sec-GPC", "1") // Global Privacy Control: no analytics
	w := httptest.NewRecorder()
	fmt.Println(p.Set(w, r, &http.Cookie{Name: "__Host-lang", Value: "es"}))
	fmt.Println(p.Set(w, r, &http.Cookie{Name: "__Host-visits", Value: "1"}))
	// Output:
	// <nil>
	// cookies: visitor has not consented to this cookie's category
}
