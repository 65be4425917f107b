package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/civickit/privacy/pii"
)

// Account e-mail: verification and password reset.
//
// An account can sign in only once its e-mail address is confirmed: sign-up
// sends a link; opening it shows a button, and only the POST of that
// button confirms (mail link scanners fetch links, they do not press
// buttons). A password reset works the same way and confirms the address
// too. Tokens are sealed with Tink AEAD (the portal's token keyring, bound
// to their kind as associated data), hold an account id, an expiry and a
// random nonce, and work once: the nonce is stored when used. Only the
// e-mail change token (email.go) also holds personal data, the new
// address, and only inside the ciphertext.
//
// Sign-up and reset never say whether an address has an account: both
// answer "check your e-mail" whatever the case; the owner of an address
// that has an account is told so by e-mail instead. At most
// accountMailLimit such messages go to one address per hour, counted in
// the database so the limit holds across servers.

const (
	verifyTTL        = 24 * time.Hour
	resetTTL         = time.Hour
	accountMailLimit = 5
	accountMailEvery = time.Hour
	tokenVerify      = "verify"
	tokenReset       = "reset"
)

var errBadToken = errors.New("portal: invalid or expired link")

type accountToken struct {
	Kind    string `json:"k"`
	Account string `json:"a"`
	Expires int64  `json:"e"`
	Nonce   string `json:"n"`
	Email   string `json:"m,omitempty"` // the new address, for tokenEmail only
	Phone   string `json:"p,omitempty"` // the phone number (E.164), for tokenPhone only
}

func tokenAD(kind string) []byte { return []byte("civickit/portal/" + kind + "/v1") }

// sealToken makes a token of kind for an account.
func (a *app) sealToken(kind, accountID string, ttl time.Duration) (string, error) {
	return a.sealTokenFor(accountToken{Kind: kind, Account: accountID}, ttl)
}

// sealTokenFor seals t, with its expiry and a fresh nonce set.
func (a *app) sealTokenFor(t accountToken, ttl time.Duration) (string, error) {
	n := make([]byte, 16)
	if _, err := rand.Read(n); err != nil {
		return "", err
	}
	t.Expires, t.Nonce = time.Now().Add(ttl).Unix(), hex.EncodeToString(n)
	b, err := json.Marshal(t)
	if err != nil {
		return "", err
	}
	aead, err := a.keys.Tokens.AEAD()
	if err != nil {
		return "", err
	}
	ct, err := aead.Encrypt(b, tokenAD(t.Kind))
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(ct), nil
}

// openToken checks a token of kind; it does not mark it used.
func (a *app) openToken(kind, s string) (accountToken, error) {
	var t accountToken
	if len(s) > 1024 {
		return t, errBadToken
	}
	ct, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return t, errBadToken
	}
	aead, err := a.keys.Tokens.AEAD()
	if err != nil {
		return t, err
	}
	b, err := aead.Decrypt(ct, tokenAD(kind))
	if err != nil || json.Unmarshal(b, &t) != nil || t.Kind != kind || time.Now().Unix() > t.Expires || t.Account == "" ||
		(kind == tokenEmail) != (t.Email != "") || (kind == tokenPhone) != (t.Phone != "") {
		return accountToken{}, errBadToken
	}
	return t, nil
}

// useToken records the token's nonce as used; errBadToken if it was.
func (a *app) useToken(ctx context.Context, t accountToken) error {
	// A used nonce is kept only while its token could still be valid.
	if err := a.execTx(ctx, `DELETE FROM portal_used_tokens WHERE used_at < ?`, time.Now().Add(-verifyTTL-time.Hour).Unix()); err != nil {
		return err
	}
	if err := a.execTx(ctx, `INSERT INTO portal_used_tokens (nonce, used_at) VALUES (?, ?)`, t.Nonce, time.Now().Unix()); err != nil {
		var n int
		if qerr := a.db.QueryRowContext(ctx, a.q(`SELECT COUNT(*) FROM portal_used_tokens WHERE nonce = ?`), t.Nonce).Scan(&n); qerr == nil && n > 0 {
			return errBadToken
		}
		return err
	}
	return nil
}

// isVerified reports whether the account's address was confirmed.
func (a *app) isVerified(ctx context.Context, accountID string) (bool, error) {
	var n int
	err := a.db.QueryRowContext(ctx, a.q(`SELECT COUNT(*) FROM portal_verified WHERE account_id = ?`), accountID).Scan(&n)
	return n > 0, err
}

// markVerified records that the account's address was confirmed.
func (a *app) markVerified(ctx context.Context, accountID string) error {
	ok, err := a.isVerified(ctx, accountID)
	if err != nil || ok {
		return err
	}
	return a.execTx(ctx, `INSERT INTO portal_verified (account_id, verified_at) VALUES (?, ?)`, accountID, time.Now().Unix())
}

// accountMail sends an account message to an address unless it has had
// accountMailLimit of them in the last hour; it reports whether it sent.
func (a *app) accountMail(ctx context.Context, to pii.String, subject, body string) (bool, error) {
	idx, err := a.emailIndex(to)
	if err != nil {
		return false, err
	}
	return a.limitedSend(ctx, idx, message{To: to, Subject: subject, Body: body})
}

// limitedSend sends m unless the recipient, known by the blind index idx,
// has had accountMailLimit account messages in the last hour; it reports
// whether it sent.
func (a *app) limitedSend(ctx context.Context, idx string, m message) (bool, error) {
	var n int
	if err := a.db.QueryRowContext(ctx, a.q(`SELECT COUNT(*) FROM portal_account_mail WHERE email_index = ? AND sent_at > ?`),
		idx, time.Now().Add(-accountMailEvery).Unix()).Scan(&n); err != nil {
		return false, err
	}
	if n >= accountMailLimit {
		a.log.WarnContext(ctx, "account mail limit reached")
		return false, nil
	}
	if err := a.execTx(ctx, `INSERT INTO portal_account_mail (email_index, sent_at) VALUES (?, ?)`, idx, time.Now().Unix()); err != nil {
		return false, err
	}
	// Kept no longer than the limit needs.
	if err := a.execTx(ctx, `DELETE FROM portal_account_mail WHERE sent_at < ?`, time.Now().Add(-2*accountMailEvery).Unix()); err != nil {
		return false, err
	}
	_, err := a.outbox.send(ctx, m)
	return err == nil, err
}

// sendVerification mails a verification link for acct.
func (a *app) sendVerification(ctx context.Context, acct *account) error {
	tok, err := a.sealToken(tokenVerify, acct.ID, verifyTTL)
	if err != nil {
		return err
	}
	link := a.cfg.BaseURL + "/verify?token=" + url.QueryEscape(tok)
	_, err = a.accountMail(ctx, acct.Data.Email, "Confirm your e-mail address", fmt.Sprintf(`Hello,

someone (we hope you) created an account at the City of Example's utility
portal with this e-mail address. To confirm it, open this link within 24
hours and press the button:

%s

If it was not you, ignore this message: the account cannot be used.

City of Example, Utility Billing
`, link))
	return err
}

// sendReset mails a password reset link for acct.
func (a *app) sendReset(ctx context.Context, acct *account) error {
	tok, err := a.sealToken(tokenReset, acct.ID, resetTTL)
	if err != nil {
		return err
	}
	link := a.cfg.BaseURL + "/reset/confirm?token=" + url.QueryEscape(tok)
	_, err = a.accountMail(ctx, acct.Data.Email, "Set a new password", fmt.Sprintf(`Hello,

someone (we hope you) asked to set a new password for your account at the
City of Example's utility portal. Open this link within an hour:

%s

If it was not you, ignore this message: your password stays as it is.

City of Example, Utility Billing
`, link))
	return err
}

// checkMail is the answer to sign-up and reset, the same whether or not
// the address has an account.
func (a *app) checkMail(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "checkmail", pageData{Title: "Check your e-mail",
		Flash: "If the address can be used, we have sent it a message with a link. Open it to continue."})
}

type verifyPage struct {
	Action, Token, Text, Button string
	Password                    bool
}

// tokenPage shows the button page behind an e-mailed link of kind, once
// the link's token checks out (it is used only by the button's POST);
// again says how to get a new link.
func (a *app) tokenPage(w http.ResponseWriter, r *http.Request, kind, again, title string, page verifyPage) {
	tok := r.URL.Query().Get("token")
	if _, err := a.openToken(kind, tok); err != nil {
		a.fail(w, r, http.StatusBadRequest, "This link is not valid or has expired. "+again)
		return
	}
	page.Token = tok
	a.render(w, r, http.StatusOK, "verify", pageData{Title: title, Data: page})
}

func (a *app) verifyForm(w http.ResponseWriter, r *http.Request) {
	a.tokenPage(w, r, tokenVerify, "Log in to get a new one.", "Confirm your e-mail address",
		verifyPage{Action: "/verify", Text: "Press the button to confirm your e-mail address and sign in.", Button: "Confirm my address"})
}

// takeToken checks the posted token of kind and marks it used; when it
// cannot be used it answers (again names the way to a new link) and
// reports false.
func (a *app) takeToken(w http.ResponseWriter, r *http.Request, kind, again string) (accountToken, bool) {
	t, err := a.openToken(kind, r.PostFormValue("token"))
	if err == nil {
		err = a.useToken(r.Context(), t)
	}
	if errors.Is(err, errBadToken) {
		a.fail(w, r, http.StatusBadRequest, "This link is not valid, has expired or was used already. "+again)
		return t, false
	}
	if err != nil {
		a.internal(w, r, err)
		return t, false
	}
	return t, true
}

// takeAccountToken is takeToken for a link sent from the account page (a
// new e-mail address, a phone number): it also loads the token's account,
// answering when it no longer exists.
func (a *app) takeAccountToken(w http.ResponseWriter, r *http.Request, kind string) (accountToken, *account, bool) {
	t, ok := a.takeToken(w, r, kind, "Ask for a new one on the account page.")
	if !ok {
		return t, nil, false
	}
	acct, err := a.accountByID(r.Context(), t.Account)
	if errors.Is(err, errNoSuchRecord) {
		a.fail(w, r, http.StatusBadRequest, "This account no longer exists.")
		return t, nil, false
	}
	if err != nil {
		a.internal(w, r, err)
		return t, nil, false
	}
	return t, acct, true
}

func (a *app) verifyPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t, ok := a.takeToken(w, r, tokenVerify, "Log in to get a new one.")
	if !ok {
		return
	}
	if err := a.markVerified(ctx, t.Account); err != nil {
		a.internal(w, r, err)
		return
	}
	acct, err := a.accountByID(ctx, t.Account)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	a.signIn(w, r, acct, "e-mail address confirmed")
}

func (a *app) resetForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "reset", pageData{Title: "Set a new password"})
}

// resetPost mails a reset link if the address has an account, and answers
// the same in every case.
func (a *app) resetPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email := pii.New(pii.Email, normEmail(formString(r, "email", 254)))
	if pii.ValidEmail(email.Reveal()) {
		idx, err := a.emailIndex(email)
		if err != nil {
			a.internal(w, r, err)
			return
		}
		acct, _, err := a.findByEmailTx(ctx, a.rdb, email, idx)
		switch {
		case errors.Is(err, errNoSuchRecord):
		case err != nil:
			a.internal(w, r, err)
			return
		default:
			if err := a.sendReset(ctx, acct); err != nil {
				a.internal(w, r, err)
				return
			}
		}
	}
	a.checkMail(w, r)
}

func (a *app) resetConfirmForm(w http.ResponseWriter, r *http.Request) {
	a.tokenPage(w, r, tokenReset, "Ask for a new one.", "Set a new password",
		verifyPage{Action: "/reset/confirm", Password: true, Text: "At least 10 characters.", Button: "Set my password"})
}

// resetConfirmPost sets the new password, confirms the address, ends every
// session of the account (a reset after a theft must log the thief out)
// and signs in.
func (a *app) resetConfirmPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	password := r.PostFormValue("password")
	if len(password) < 10 || len(password) > 128 {
		a.render(w, r, http.StatusUnprocessableEntity, "verify", pageData{Title: "Set a new password", Error: "Please choose a password of 10 to 128 characters.",
			Data: verifyPage{Action: "/reset/confirm", Token: r.PostFormValue("token"), Password: true, Text: "At least 10 characters.", Button: "Set my password"}})
		return
	}
	t, ok := a.takeToken(w, r, tokenReset, "Ask for a new one.")
	if !ok {
		return
	}
	hash, err := hashPassword(a.cfg.argon, password)
	if err == nil {
		err = a.execTx(ctx, `UPDATE portal_accounts SET password_hash = ? WHERE id = ?`, hash, t.Account)
	}
	if err == nil {
		_, err = a.sessions.RevokeAll(ctx, t.Account, "")
	}
	if err == nil {
		err = a.markVerified(ctx, t.Account)
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	acct, err := a.accountByID(ctx, t.Account)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	a.signIn(w, r, acct, "password reset")
}
