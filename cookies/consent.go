package cookies

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Category is a cookie's purpose, for consent. A strictly necessary
// cookie needs no consent; every other category needs the visitor's
// consent to that category before it is set.
type Category uint8

// The categories. The zero value is not a category.
const (
	// StrictlyNecessary cookies make a service the visitor asked for work
	// (a login session, a form in progress). They need no consent.
	StrictlyNecessary Category = iota + 1
	// Preferences cookies remember choices such as language or theme.
	Preferences
	// Analytics cookies measure how the site is used. A request with
	// Sec-GPC: 1 refuses them whatever the ConsentChecker says.
	Analytics
)

// String returns "strictly_necessary", "preferences" or "analytics".
func (c Category) String() string {
	switch c {
	case StrictlyNecessary:
		return "strictly_necessary"
	case Preferences:
		return "preferences"
	case Analytics:
		return "analytics"
	}
	return fmt.Sprintf("Category(%d)", uint8(c))
}

// Valid reports whether c is one of the defined categories.
func (c Category) Valid() bool { return c >= StrictlyNecessary && c <= Analytics }

// ConsentChecker says whether the visitor making r has consented to cookies
// of category c. The consent package, or the application, implements it.
// It is never asked about StrictlyNecessary cookies, nor about Analytics
// cookies on a request with Sec-GPC: 1.
type ConsentChecker interface {
	Allowed(r *http.Request, c Category) bool
}

// ConsentFunc adapts a function to ConsentChecker.
type ConsentFunc func(r *http.Request, c Category) bool

// Allowed calls f.
func (f ConsentFunc) Allowed(r *http.Request, c Category) bool { return f(r, c) }

// GPC reports whether r carries the Global Privacy Control signal
// (Sec-GPC: 1), which this package treats as a refusal of analytics.
func GPC(r *http.Request) bool { return strings.TrimSpace(r.Header.Get("Sec-GPC")) == "1" }

// allowed applies the consent rules: strictly necessary always; analytics
// never under GPC; otherwise the checker decides, and no checker means no.
func allowed(cc ConsentChecker, r *http.Request, c Category) bool {
	switch {
	case c == StrictlyNecessary:
		return true
	case !c.Valid():
		return false
	case c == Analytics && GPC(r):
		return false
	case cc == nil:
		return false
	}
	return cc.Allowed(r, c)
}

// Declaration declares one cookie a site sets: its name, category and
// purpose (for the cookie notice), and its longest lifetime.
type Declaration struct {
	Name     string        // the full cookie name, for example "__Host-lang"
	Category Category      // required
	Purpose  string        // what it is for, shown to visitors
	MaxAge   time.Duration // longest lifetime; zero means DefaultMaxAge; capped at MaxMaxAge
	// Script marks a cookie that page scripts must read: it is set
	// without HttpOnly. Leave false unless needed.
	Script bool
}

// PolicyOptions configures a Policy.
type PolicyOptions struct {
	// Consent decides non-essential categories. Nil refuses them all.
	Consent ConsentChecker
	// InsecureDevelopment sets cookies without Secure, for plain-HTTP
	// development on localhost. NewPolicy logs a warning when it is set.
	InsecureDevelopment bool
	// Logger receives the development warning; nil means slog.Default().
	Logger *slog.Logger
}

// Policy sets the non-session cookies a site declares, only with consent
// to their category, and with safe attributes: Secure, HttpOnly (unless
// Script), SameSite=Lax unless set stricter, Path=/, and an explicit
// Max-Age no longer than declared.
type Policy struct {
	decls  map[string]Declaration
	order  []string
	cc     ConsentChecker
	secure bool
}

// NewPolicy returns a Policy for the declared cookies. Names must be valid
// and unique, categories valid.
func NewPolicy(decls []Declaration, opts *PolicyOptions) (*Policy, error) {
	if opts == nil {
		opts = &PolicyOptions{}
	}
	p := &Policy{decls: make(map[string]Declaration, len(decls)), cc: opts.Consent, secure: !opts.InsecureDevelopment}
	for _, d := range decls {
		if !validName(d.Name) {
			return nil, fmt.Errorf("cookies: declaration: %w", errBadName)
		}
		if !d.Category.Valid() {
			return nil, fmt.Errorf("cookies: declaration %q: invalid category %s", d.Name, d.Category)
		}
		if _, dup := p.decls[d.Name]; dup {
			return nil, fmt.Errorf("cookies: cookie %q declared twice", d.Name)
		}
		var err error
		if d.MaxAge, err = checkMaxAge(d.MaxAge); err != nil {
			return nil, fmt.Errorf("cookies: declaration %q: %w", d.Name, err)
		}
		if opts.InsecureDevelopment && (strings.HasPrefix(d.Name, "__Host-") || strings.HasPrefix(d.Name, "__Secure-")) {
			return nil, fmt.Errorf("cookies: declaration %q: a __Host- or __Secure- cookie needs Secure, which InsecureDevelopment turns off", d.Name)
		}
		p.decls[d.Name] = d
		p.order = append(p.order, d.Name)
	}
	if opts.InsecureDevelopment {
		warnInsecure(opts.Logger, "policy")
	}
	return p, nil
}

// Declarations returns the declared cookies in declaration order, for a
// cookie notice page.
func (p *Policy) Declarations() []Declaration {
	out := make([]Declaration, 0, len(p.order))
	for _, n := range p.order {
		out = append(out, p.decls[n])
	}
	return out
}

// Allowed reports whether the declared cookie name may be set for r.
func (p *Policy) Allowed(r *http.Request, name string) bool {
	d, ok := p.decls[name]
	return ok && allowed(p.cc, r, d.Category)
}

// Set sets cookie c on w if it is declared (ErrNotDeclared otherwise) and
// the visitor consented to its category (ErrNoConsent otherwise). It
// applies the safe attributes and caps Max-Age at the declared MaxAge.
// Deleting a cookie (MaxAge < 0) is always allowed.
func (p *Policy) Set(w http.ResponseWriter, r *http.Request, c *http.Cookie) error {
	d, ok := p.decls[c.Name]
	if !ok {
		return ErrNotDeclared
	}
	out := *c
	out.Path, out.Domain, out.Expires = "/", "", time.Time{}
	out.Secure = p.secure
	out.HttpOnly = !d.Script
	out.Partitioned = false
	if out.SameSite != http.SameSiteStrictMode {
		out.SameSite = http.SameSiteLaxMode
	}
	if out.MaxAge >= 0 {
		if !allowed(p.cc, r, d.Category) {
			return ErrNoConsent
		}
		maxSec := int(d.MaxAge / time.Second)
		if out.MaxAge == 0 || out.MaxAge > maxSec {
			out.MaxAge = maxSec
		}
	} else {
		out.Value = ""
	}
	if err := out.Valid(); err != nil {
		return fmt.Errorf("cookies: cookie %q: %w", c.Name, errors.New("invalid value or attributes"))
	}
	setCookie(w, &out)
	return nil
}

// Sweep deletes every declared cookie that r carries but may no longer
// be set (consent withdrawn, or Sec-GPC: 1 for analytics). Call it on
// the response after a visitor changes their choices. It returns the
// names deleted.
func (p *Policy) Sweep(w http.ResponseWriter, r *http.Request) []string {
	var gone []string
	for _, c := range r.Cookies() {
		d, ok := p.decls[c.Name]
		if !ok || slices.Contains(gone, c.Name) || allowed(p.cc, r, d.Category) {
			continue
		}
		_ = p.Set(w, r, &http.Cookie{Name: c.Name, MaxAge: -1})
		gone = append(gone, c.Name)
	}
	return gone
}

// setCookie adds c to w's header, replacing a Set-Cookie already there
// for the same name, so a cookie saved twice in one response is sent once.
func setCookie(w http.ResponseWriter, c *http.Cookie) {
	h := w.Header()
	prefix := c.Name + "="
	old := h["Set-Cookie"]
	kept := old[:0]
	for _, line := range old {
		if !strings.HasPrefix(line, prefix) {
			kept = append(kept, line)
		}
	}
	if v := c.String(); v != "" {
		h["Set-Cookie"] = append(kept, v)
	}
}

func warnInsecure(l *slog.Logger, what string) {
	if l == nil {
		l = slog.Default()
	}
	l.Warn("cookies: InsecureDevelopment is on: cookies are sent over plain HTTP without Secure or the __Host- prefix; never use this in production", "component", what)
}
