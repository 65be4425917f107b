package main

import (
	"context"
	"net/http"
	"time"
)

// The account page lists the account's active sessions (when each began
// and was last used, the network it came from, truncated, and the browser
// family; never the full user agent or address) and lets the holder end
// one, or every one but this ("log out everywhere else"). A password
// reset ends them all (verify.go).

type sessionView struct {
	Handle    string    `json:"-"` // the store's digest of the session id, for the revoke button
	Current   bool      `json:"current"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Network   string    `json:"network"` // the client address truncated to /24 or /48
	Browser   string    `json:"browser"`
}

// accountSessions returns the account's active sessions, marking current
// (a session handle, or ""). A store failure is logged and shows none.
func (a *app) accountSessions(ctx context.Context, accountID, current string) []sessionView {
	infos, err := a.sessions.Sessions(ctx, accountID)
	if err != nil {
		a.log.ErrorContext(ctx, "sessions not listed", "error", err)
		return nil
	}
	out := make([]sessionView, 0, len(infos))
	for _, s := range infos {
		out = append(out, sessionView{Handle: s.Handle, Current: s.Handle == current, CreatedAt: s.CreatedAt,
			LastSeen: s.LastSeenAt, ExpiresAt: s.ExpiresAt, Network: s.IPPrefix, Browser: s.UserAgent})
	}
	return out
}

// revokeSession ends one of the account's sessions, by its handle.
func (a *app) revokeSession(w http.ResponseWriter, r *http.Request, acct *account) {
	handle := formString(r, "session", 128)
	ended, err := a.sessions.Revoke(r.Context(), acct.ID, handle)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if ended {
		a.log.InfoContext(r.Context(), "session revoked", "account", acct.ID)
	}
	if handle == a.session(r).Handle() {
		a.session(r).Destroy()
		seeOther(w, r, "/")
		return
	}
	seeOther(w, r, "/account?sessions=ended")
}

// revokeOtherSessions ends every session of the account but this one.
func (a *app) revokeOtherSessions(w http.ResponseWriter, r *http.Request, acct *account) {
	n, err := a.sessions.RevokeAll(r.Context(), acct.ID, a.session(r).Handle())
	if err != nil {
		a.internal(w, r, err)
		return
	}
	a.log.InfoContext(r.Context(), "other sessions revoked", "account", acct.ID, "count", n)
	seeOther(w, r, "/account?sessions=ended")
}
