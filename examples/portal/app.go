package main

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/civickit/privacy/consent"
	consentsql "github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/cookies/sessionstore"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
	retsql "github.com/civickit/privacy/retention/sqlstore"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// app is the portal: its configuration, database, keys and the SDK parts
// wired together. Handlers are methods on it.
type app struct {
	cfg      config
	db       *sql.DB // write pool: writes and the SDK's stores (on SQLite one connection; see openDB)
	rdb      *sql.DB // read pool: the portal's own queries (on PostgreSQL the same pool as db)
	dialect  sqldialect.Dialect
	keys     *keys
	keyrings keyringFiles // for Reload after a rotation (SIGHUP)
	sealer   *pii.Sealer
	indexer  *pii.Indexer
	shredder *pii.Shredder
	ledger   *consent.Ledger
	unsub    http.Handler
	sessions *cookies.Manager[sessionValues]
	// sessionStore keeps the sessions (cookie_sessions) in the portal's
	// database.
	sessionStore *sessionstore.SQLStore
	policy       *cookies.Policy
	choice       string                 // name of the cookie-banner choice cookie
	analytics    string                 // name of the analytics cookie
	devices      *consent.DecisionCache // cookie-banner answers, from the consent ledger
	outbox       *outbox
	log          *slog.Logger
	pages        map[string]*template.Template
	secure       bool
	dummyHash    string
	throttle     *loginThrottle
	notice       consent.Notice
	retStore     *retsql.Store
	sweeper      *retsql.Sweeper
	releases     releases
}

// sessionValues is what the portal keeps in a session besides the account
// it is bound to (cookies.Session.SetAccount): nothing yet. The cookie
// carries only the sealed session id; the session lives in the database.
type sessionValues struct{}

// newApp opens the database, loads or generates keys, and builds every part.
// It prints the development-key warning to stdout unless cfg.quietBanner.
func newApp(ctx context.Context, cfg config, stdout io.Writer) (*app, error) {
	if cfg.logOutput == nil {
		cfg.logOutput = io.Discard
	}
	if cfg.argon.KeyLen == 0 {
		cfg.argon = defaultArgon
	}
	log, err := newLogger(cfg.logOutput)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log}
	a.secure = cfg.secure || strings.HasPrefix(cfg.BaseURL, "https://")
	if a.secure {
		// Production links (confirmation, one-click unsubscribe) must be
		// https; only development mode may build them over http.
		if _, err := consent.UnsubscribeURL(cfg.BaseURL+"/unsubscribe", "t"); err != nil {
			return nil, fmt.Errorf("portal: production mode needs an https base URL (-base-url https://...): %w", err)
		}
	}

	if a.secure && !cfg.DevKeysInProduction && (cfg.KEKURI == "" || strings.HasPrefix(cfg.KEKURI, pii.DevMasterKeyScheme)) {
		// A plaintext master key file in production: the deployment must
		// say in so many words that it accepts that.
		return nil, errors.New("portal: production mode (an https -base-url) refuses to run on the development master key: anyone who can read " +
			"the key file can open every sealed value. Wrap the keyrings with a KMS key (-kek-uri), or pass -dev-keys-in-production to accept the risk")
	}
	var banner io.Writer = stdout
	if cfg.quietBanner {
		banner = nil
	}
	if a.keys, a.keyrings, _, err = loadKeys(ctx, cfg.DataDir, cfg.KEKURI, cfg.CreateKeys, cfg.CreateChainKey, banner); err != nil {
		return nil, err
	}
	if a.db, a.rdb, a.dialect, err = openDB(ctx, cfg.DataDir, cfg.Postgres, cfg.PGConns); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	if a.sealer, err = pii.NewSealer(a.keys.Fields); err != nil {
		return nil, err
	}
	if a.indexer, err = pii.NewIndexer(a.keys.Index, nil); err != nil {
		return nil, err
	}
	a.throttle = newLoginThrottle()
	if a.dummyHash, err = hashPassword(cfg.argon, newID("")); err != nil {
		return nil, err
	}
	if err := a.initConsent(ctx); err != nil {
		return nil, err
	}
	if err := a.initRetention(ctx); err != nil {
		return nil, err
	}
	if err := a.initCookies(ctx); err != nil {
		return nil, err
	}
	if a.outbox, err = newOutbox(filepath.Join(cfg.DataDir, "outbox")); err != nil {
		return nil, err
	}
	if a.pages, err = parsePages(); err != nil {
		return nil, err
	}
	ok = true
	return a, nil
}

// Close releases the database pools.
func (a *app) Close() error {
	err := a.db.Close()
	if a.rdb != a.db {
		err = errors.Join(err, a.rdb.Close())
	}
	return err
}

func (a *app) dialectName() string { return string(a.dialect) }

// q rebinds placeholders for the app's dialect.
func (a *app) q(query string) string { return rebind(a.dialect, query) }

func (a *app) initConsent(ctx context.Context) error {
	ks, err := pii.NewSQLKeyStore(a.db, a.dialect, nil)
	if err != nil {
		return err
	}
	if err := ks.Migrate(ctx); err != nil {
		return fmt.Errorf("consent keys: %w", err)
	}
	if a.shredder, err = pii.NewShredder(a.keys.Subjects, ks); err != nil {
		return err
	}
	// The keyed hash chain: the store seals every event with the chain
	// keyring, which sits with the other keyrings, never in the database;
	// the ledger verifies with the store's key.
	chain, err := consent.NewChainKey(a.keys.Chain, &consent.ChainKeyOptions{KeyedSince: a.cfg.ChainKeyedSince})
	if err != nil {
		return err
	}
	store, err := consentsql.New(a.db, a.dialect, &consentsql.Options{ChainKey: chain})
	if err != nil {
		return err
	}
	if err := store.Migrate(ctx); err != nil {
		return fmt.Errorf("consent store: %w", err)
	}
	var defs []consent.PurposeDef
	for _, t := range topics {
		defs = append(defs, consent.PurposeDef{ID: t.ID, Description: t.Title})
	}
	a.ledger, err = consent.New(store, consent.Keys{Shredder: a.shredder, Indexer: a.indexer, Tokens: a.keys.Tokens}, &consent.Options{
		Purposes: defs,
		Controller: consent.Controller{
			Name: "City of Example", Contact: "Privacy Office", Email: "privacy@example.com",
			URL: a.cfg.BaseURL, PolicyURL: a.cfg.BaseURL + "/privacy", Jurisdiction: "US-MA", Language: "en",
		},
	})
	if err != nil {
		return err
	}
	if a.devices, err = a.ledger.Cache(deviceCacheTTL, 0); err != nil {
		return err
	}
	a.notice = consent.NewNotice(noticeID, noticeVersion, []byte(noticeText), a.cfg.BaseURL+"/privacy", noticeEffective)
	if err := a.ledger.PublishNotice(ctx, a.notice); err != nil {
		return fmt.Errorf("consent notice: %w", err)
	}
	// The unsubscribe pages in the city's look: its template and a policy
	// that allows its stylesheet and nothing else.
	unsubPages, err := template.ParseFS(templateFS, "templates/unsubscribe.html")
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	a.unsub, err = consent.NewUnsubscribeHandler(a.ledger, &consent.UnsubscribeHandlerOptions{
		Templates:             unsubPages,
		ContentSecurityPolicy: "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	})
	return err
}

func (a *app) initCookies(ctx context.Context) error {
	// Sessions live on the server (cookies.Options.Store): the cookie holds
	// a sealed random id, the database the rest, so a session can be
	// revoked (log out, "log out everywhere", a password reset) and ends
	// after an hour unused or eight hours in all, whatever the cookie says.
	var err error
	if a.sessionStore, err = sessionstore.New(a.db, a.dialect, nil); err != nil {
		return err
	}
	if err := a.sessionStore.Migrate(ctx); err != nil {
		return fmt.Errorf("session store: %w", err)
	}
	a.sessions, err = cookies.NewManager(a.keys.Cookies, &cookies.Options[sessionValues]{
		Name:                "portal_session",
		MaxAge:              sessionTTL,
		IdleTimeout:         time.Hour,
		AbsoluteLifetime:    sessionTTL,
		Store:               a.sessionStore,
		InsecureDevelopment: !a.secure,
		Logger:              a.log,
	})
	if err != nil {
		return err
	}
	a.choice, a.analytics = "cookie_choice", "analytics_id"
	if a.secure {
		a.choice, a.analytics = cookies.HostPrefix+a.choice, cookies.HostPrefix+a.analytics
	}
	a.policy, err = cookies.NewPolicy([]cookies.Declaration{
		{Name: a.choice, Category: cookies.StrictlyNecessary, Purpose: "A random id under which your answers to the cookie banner are recorded.", MaxAge: 180 * 24 * time.Hour},
		{Name: a.analytics, Category: cookies.Analytics, Purpose: "A random visitor id for counting page views. Only with your consent, never with Global Privacy Control.", MaxAge: 30 * 24 * time.Hour},
	}, &cookies.PolicyOptions{
		Consent:             cookies.ConsentFunc(a.cookieConsent),
		InsecureDevelopment: !a.secure,
		Logger:              a.log,
	})
	return err
}

var pageNames = []string{
	"home", "signup", "login", "account", "subscriptions", "confirm", "outbox", "message",
	"pay", "paid", "mydata", "erased", "records", "cookies", "privacy", "error",
	"checkmail", "verify", "reset", "edit", "email",
}

func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"money": func(cents int64) string { return fmt.Sprintf("$%d.%02d", cents/100, cents%100) },
		"date":  func(t time.Time) string { return t.Format("2 Jan 2006 15:04 MST") },
		"label": label,
	}
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}

// Handler returns the portal's HTTP handler: routes wrapped in the session
// middleware, GPC middleware, CSRF protection and the access log.
func (a *app) Handler() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, recordRoute(h)) }

	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/", recordRoute(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") { // no directory listings
			a.fail(w, r, http.StatusNotFound, "There is no page at this address.")
			return
		}
		files.ServeHTTP(w, r)
	})))
	handle("GET /healthz", a.healthz)
	handle("GET /{$}", a.home)
	handle("GET /privacy", a.privacy)
	handle("GET /cookies", a.cookieNotice)
	handle("POST /cookies", a.cookieChoice)

	handle("GET /signup", a.signupForm)
	handle("POST /signup", a.signup)
	handle("GET /login", a.loginForm)
	handle("POST /login", a.loginPost)
	handle("POST /logout", a.logout)
	handle("GET /verify", a.verifyForm)
	handle("POST /verify", a.verifyPost)
	handle("GET /reset", a.resetForm)
	handle("POST /reset", a.resetPost)
	handle("GET /reset/confirm", a.resetConfirmForm)
	handle("POST /reset/confirm", a.resetConfirmPost)
	handle("GET /account", a.requireLogin(a.accountPage))
	handle("GET /account/edit", a.requireLogin(a.editForm))
	handle("POST /account/edit", a.requireLogin(a.editPost))
	handle("GET /account/email", a.requireLogin(a.emailForm))
	handle("POST /account/email", a.requireLogin(a.emailPost))
	handle("GET /account/email/confirm", a.emailConfirmForm)
	handle("POST /account/email/confirm", a.emailConfirmPost)
	handle("POST /account/sessions/revoke", a.requireLogin(a.revokeSession))
	handle("POST /account/sessions/revoke-others", a.requireLogin(a.revokeOtherSessions))

	handle("GET /subscriptions", a.subscriptionsPage)
	handle("POST /subscriptions", a.subscribe)
	handle("POST /subscriptions/withdraw", a.requireLogin(a.withdraw))
	handle("GET /subscriptions/confirm", a.confirmForm)
	handle("POST /subscriptions/confirm", a.confirm)
	mux.Handle("/unsubscribe", recordRoute(a.unsub))

	// The outbox shows every message sent: addresses and confirmation and
	// unsubscribe links. It exists only in development mode, and only for
	// staff (see "portal staff add").
	if !a.secure {
		handle("GET /outbox", a.requireStaff(a.outboxPage))
		handle("GET /outbox/{name}", a.requireStaff(a.messagePage))
	}

	a.routesMore(handle)

	mux.Handle("/", recordRoute(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.fail(w, r, http.StatusNotFound, "There is no page at this address.")
	})))

	var h http.Handler = mux
	h = a.sessions.Middleware(h)
	h = consent.GPCMiddleware(h)
	h = limitBody(h)
	h = securityHeaders(h, a.secure)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The route pattern, never the raw URL (it may carry personal data).
		_, route := mux.Handler(r)
		a.log.WarnContext(r.Context(), "cross-site request refused", "route", route)
		a.fail(w, r, http.StatusForbidden, "This form was sent from another site and was refused (cross-site request forgery protection).")
	}))
	h = cop.Handler(h)
	h = accessLog(a.log, h)
	return h
}

// maxFormBytes bounds a request body: the portal's forms are small, and an
// unbounded body (a 20 MB multipart log-in) costs memory and time.
const maxFormBytes = 64 << 10

// limitBody caps every request body at maxFormBytes; reading past it fails
// and the form handlers answer with an error.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxFormBytes {
			w.Header().Set("Connection", "close")
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets headers every page gets; in production mode also
// HSTS, so that browsers never try plain HTTP again.
func securityHeaders(next http.Handler, secure bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// errAborted is returned by helpers that already wrote an error page.
var errAborted = errors.New("portal: response already written")

// healthz answers 200 "ok" when the portal can serve pages: its database
// answers a query on the accounts and sessions tables within two seconds. Otherwise 503,
// so that a load balancer takes the server out of rotation.
func (a *app) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var n int
	err := a.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM portal_accounts WHERE 1 = 0`).Scan(&n)
	if err == nil {
		err = a.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM cookie_sessions WHERE 1 = 0`).Scan(&n)
	}
	if err == nil {
		err = a.db.PingContext(ctx)
	}
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		a.log.ErrorContext(r.Context(), "health check failed", slog.Any("error", err))
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ok\n")
}
