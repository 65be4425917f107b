package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii"
)

// pageData is what every template gets.
type pageData struct {
	Title     string
	User      *userView
	Flash     string
	Error     string
	Banner    bool // show the cookie banner
	GPC       bool // the browser sent Sec-GPC: 1
	Analytics bool // an analytics cookie may be set
	Dev       bool // plain-HTTP development mode
	Data      any
}

// userView is the signed-in account as pages show it.
type userView struct {
	Name  string
	Staff bool
}

const sessionTTL = 8 * time.Hour

// session returns the request's cookie session.
func (a *app) session(r *http.Request) *cookies.Session[sessionValues] {
	s, ok := cookies.FromContext[sessionValues](r.Context())
	if !ok {
		panic("portal: session middleware did not run")
	}
	return s
}

// currentAccount returns the signed-in account, or nil (also when the
// database cannot be reached: see lookupAccount).
func (a *app) currentAccount(r *http.Request) *account {
	acct, _ := a.lookupAccount(r)
	return acct
}

// lookupAccount returns the signed-in account; nil and no error when the
// visitor is not signed in (or the session has ended, which signs them
// out); and an error when the database could not tell, in which case the
// session is kept: a database hiccup must not log everyone out.
func (a *app) lookupAccount(r *http.Request) (*account, error) {
	if v, ok := r.Context().Value(accountKey{}).(*account); ok {
		return v, nil
	}
	s, ok := cookies.FromContext[sessionValues](r.Context())
	if !ok || s.Account() == "" {
		return nil, nil // no session (the CSRF refusal page runs outside it), or not signed in
	}
	acct, err := a.accountByID(r.Context(), s.Account())
	if errors.Is(err, errNoSuchRecord) {
		s.Destroy() // the account is gone: so is the session
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return acct, nil
}

// unavailable answers 503 when the database cannot be reached, keeping
// the visitor's session.
func (a *app) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	a.log.ErrorContext(r.Context(), "database unavailable", slog.String("route", r.Pattern), slog.Any("error", err))
	w.Header().Set("Retry-After", "30")
	a.fail(w, r, http.StatusServiceUnavailable, "The portal cannot reach its database just now. You are still signed in: please try again in a minute.")
}

type accountKey struct{}

// requireLogin sends visitors who are not signed in to the log-in page.
func (a *app) requireLogin(h func(http.ResponseWriter, *http.Request, *account)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acct, err := a.lookupAccount(r)
		if err != nil {
			a.unavailable(w, r, err)
			return
		}
		if acct == nil {
			// Back to this page after logging in (GET pages only; the
			// path alone: a query string may carry personal data).
			next := "/login"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				next += "?next=" + url.QueryEscape(r.URL.Path)
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), accountKey{}, acct)), acct)
	}
}

// requireStaff is requireLogin for staff accounts.
func (a *app) requireStaff(h func(http.ResponseWriter, *http.Request, *account)) http.HandlerFunc {
	return a.requireLogin(func(w http.ResponseWriter, r *http.Request, acct *account) {
		if !acct.Staff {
			a.fail(w, r, http.StatusForbidden, "This page is for city staff.")
			return
		}
		h(w, r, acct)
	})
}

// startSession binds the session to the account, under a fresh session
// id (a new id on every log-in defeats session fixation).
func (a *app) startSession(ctx context.Context, r *http.Request, acct *account) error {
	a.session(r).SetAccount(acct.ID)
	return nil
}

// render writes a page.
func (a *app) render(w http.ResponseWriter, r *http.Request, status int, name string, pd pageData) {
	t, ok := a.pages[name]
	if !ok {
		panic("portal: no page " + name)
	}
	if pd.User == nil {
		if acct := a.currentAccount(r); acct != nil {
			pd.User = &userView{Name: acct.Data.Name.Reveal(), Staff: acct.Staff}
		}
	}
	pd.GPC = consent.GPC(r)
	if pd.GPC {
		a.gpcWithdraw(r.Context(), r)
	}
	pd.Banner = a.deviceOf(r) == "" && !pd.GPC
	pd.Analytics = a.policy.Allowed(r, a.analytics)
	pd.Dev = !a.secure
	if pd.Analytics {
		if _, err := r.Cookie(a.analytics); err != nil {
			_ = a.policy.Set(w, r, &http.Cookie{Name: a.analytics, Value: randomHex(16)})
		}
	} else {
		// Consent withdrawn, or Global Privacy Control turned on since the
		// cookie was set: delete what may no longer be kept.
		a.policy.Sweep(w, r)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, pd); err != nil {
		a.log.ErrorContext(r.Context(), "template failed", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail shows an error page. The message is fixed text chosen by the
// handler: error pages never echo what the visitor sent.
func (a *app) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	a.render(w, r, status, "error", pageData{Title: http.StatusText(status), Error: msg})
}

// internal logs err (through the redacting logger) and shows a generic page.
func (a *app) internal(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errAborted) {
		return
	}
	if errors.Is(err, consent.ErrUnavailable) || sqlq.Transient(err) {
		// An outage, not a bug: 503 with a page that says so, session kept.
		a.unavailable(w, r, err)
		return
	}
	a.log.ErrorContext(r.Context(), "request failed", slog.String("route", r.Pattern), slog.Any("error", err))
	a.fail(w, r, http.StatusInternalServerError, "Something went wrong on our side. Please try again.")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// formString reads a trimmed form field, at most max bytes.
func formString(r *http.Request, name string, max int) string {
	v := strings.TrimSpace(r.PostFormValue(name))
	if len(v) > max {
		return ""
	}
	return v
}

// formPII reads a form field as a pii.String of category c.
func formPII(r *http.Request, name string, c pii.Category, max int) pii.String {
	return pii.New(c, formString(r, name, max))
}

// seeOther redirects after a POST.
func seeOther(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path, http.StatusSeeOther)
}
