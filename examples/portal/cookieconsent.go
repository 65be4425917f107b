package main

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/cookies"
)

// Cookie choices are recorded in the consent ledger. A visitor who answers
// the banner becomes a device subject (consent.Ledger.EnrollDevice): a
// random id, kept in the strictly necessary choice cookie, under which each
// answer is an event (Given or Withdrawn, on the Web channel, for
// "cookies:analytics", naming the privacy notice shown). Global Privacy
// Control withdraws a given consent the first time it is seen (method gpc).
// The cookies policy asks the ledger through a consent.DecisionCache: a
// choice made on this server takes effect at once (the ledger drops the
// cached answer when it appends); answers from elsewhere are at most
// deviceCacheTTL old.

const (
	purposeAnalytics = "cookies:analytics"
	deviceCacheTTL   = time.Minute
)

// deviceOf returns the device subject id the choice cookie carries, or ""
// (no answer yet, or a value from before answers were recorded).
func (a *app) deviceOf(r *http.Request) string {
	ck, err := r.Cookie(a.choice)
	if err != nil || len(ck.Value) != 27 || !strings.HasPrefix(ck.Value, "s") {
		return ""
	}
	return ck.Value
}

// deviceAllows reports whether the device's latest answer allows
// analytics, from the cache or the ledger; it fails closed (unknown or
// forgotten device, or the ledger is down: no analytics).
func (a *app) deviceAllows(ctx context.Context, dev string) bool {
	return dev != "" && a.devices.Allows(ctx, dev, purposeAnalytics, consent.Web)
}

// cookieConsent is the cookies.ConsentChecker. (cookies.Policy never asks
// about analytics on a request with Sec-GPC: 1.)
func (a *app) cookieConsent(r *http.Request, c cookies.Category) bool {
	if c != cookies.Analytics && c != cookies.Preferences {
		return false
	}
	return a.deviceAllows(r.Context(), a.deviceOf(r))
}

// cookieChoice records the banner's answer, "all" or "necessary", as a
// ledger event of the visitor's device subject.
func (a *app) cookieChoice(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	allow := r.PostFormValue("choice") == "all"
	dev := a.deviceOf(r)
	if dev != "" {
		if ok, err := a.ledger.Device(ctx, dev); err != nil {
			a.internal(w, r, err)
			return
		} else if !ok {
			dev = ""
		}
	}
	var err error
	if dev == "" {
		if dev, err = a.ledger.EnrollDevice(ctx); err != nil {
			a.internal(w, r, err)
			return
		}
	}
	// Every answer is an event naming the notice shown, a refusal too
	// (Withdrawn, even when nothing was given): the city can show what the
	// visitor chose, when, and under which notice.
	typ := consent.Withdrawn
	if allow {
		typ = consent.Given
	}
	_, err = a.ledger.Record(ctx, consent.Event{Subject: dev, Type: typ, Purpose: purposeAnalytics, Channel: consent.Web,
		Method: consent.WebForm, Notice: a.notice.Ref(), Actor: "subject", Detail: "cookie banner"})
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if acct := a.currentAccount(r); acct != nil {
		if err := a.linkDevice(ctx, acct, dev); err != nil {
			a.log.WarnContext(ctx, "device not linked to the account's person", "error", err)
		}
	}
	if err := a.policy.Set(w, r, &http.Cookie{Name: a.choice, Value: dev}); err != nil {
		a.internal(w, r, err)
		return
	}
	// The choice takes effect for this response: drop the analytics cookie
	// when refused (Sweep reads the request, which still has the old choice).
	if !allow {
		if _, err := r.Cookie(a.analytics); err == nil {
			_ = a.policy.Set(w, r, &http.Cookie{Name: a.analytics, MaxAge: -1})
		}
	}
	seeOther(w, r, localPath(r.PostFormValue("back")))
}

// gpcWithdraw records that Global Privacy Control withdrew a device's
// analytics consent, the first time a request with Sec-GPC: 1 meets one.
func (a *app) gpcWithdraw(ctx context.Context, r *http.Request) {
	dev := a.deviceOf(r)
	if !a.deviceAllows(ctx, dev) {
		return
	}
	if _, err := a.ledger.Withdraw(ctx, dev, purposeAnalytics, consent.Web, consent.GPCSignal, "Sec-GPC: 1"); err != nil {
		a.log.WarnContext(ctx, "GPC withdrawal not recorded", "error", err)
		return
	}
}
