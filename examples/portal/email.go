package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

// Changing the e-mail address. The address is the log-in and the consent
// contact point, so a change must be proved twice: the resident asks while
// signed in and with their password, and the change happens only when a
// link mailed to the new address is opened and its button pressed (POST,
// as for verification). The token is sealed like the other account tokens
// and, for this kind only, carries the new address inside its ciphertext.
//
// On confirmation the account is sealed again with the new address and
// re-indexed, and the consent ledger's subject moves to the new address
// (consent.Ledger.MoveContact), so subscriptions follow the resident. When
// the new address is already another consent subject (somebody subscribed
// with it without an account), the account takes that subject, with its
// own consent history, and the old subject's e-mail consents are withdrawn:
// nothing more goes to an address the resident has left. The old address
// is told of the change, without the new one.

const (
	tokenEmail = "email"
	emailTTL   = 24 * time.Hour
)

var errSameEmail = errors.New("portal: the account already has this address")

type emailView struct {
	Email   string
	Problem string // the field that needs correcting
}

func (a *app) emailForm(w http.ResponseWriter, r *http.Request, acct *account) {
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, http.StatusOK, "email", pageData{Title: "Change my e-mail address", Data: emailView{}})
}

// emailPost checks the password and mails a confirmation link to the new
// address.
func (a *app) emailPost(w http.ResponseWriter, r *http.Request, acct *account) {
	ctx := r.Context()
	v := emailView{Email: normEmail(formString(r, "email", 254))}
	again := func(status int, problem, msg string) {
		v.Problem = problem
		w.Header().Set("Cache-Control", "no-store")
		a.render(w, r, status, "email", pageData{Title: "Change my e-mail address", Error: msg, Data: v})
	}
	if !pii.ValidEmail(v.Email) {
		again(http.StatusUnprocessableEntity, "email", "Please check the field marked below.")
		return
	}
	newEmail := pii.New(pii.Email, v.Email)
	if newEmail.Equal(pii.New(pii.Email, normEmail(acct.Data.Email.Reveal()))) {
		again(http.StatusUnprocessableEntity, "email", "That is already your e-mail address.")
		return
	}
	// The password is checked as at log-in, with the same throttle: a
	// stolen session must not become a way to guess it.
	key, err := a.emailIndex(acct.Data.Email)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	ip := clientKey(r)
	if ok, wait := a.throttle.allow(key, ip); !ok {
		w.Header().Set("Retry-After", retryAfter(wait))
		again(http.StatusTooManyRequests, "password", "Too many wrong passwords. Please wait "+retryAfter(wait)+" seconds and try again.")
		return
	}
	release, err := a.throttle.hashSlot(ctx)
	if err != nil {
		return // the client went away
	}
	ok, err := a.checkPassword(ctx, acct.ID, r.PostFormValue("password"))
	release()
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if !ok {
		a.throttle.failed(key, ip)
		again(http.StatusUnauthorized, "password", "Please check the field marked below.")
		return
	}
	a.throttle.succeeded(key)
	if err := a.sendEmailChange(ctx, acct, newEmail); err != nil {
		a.internal(w, r, err)
		return
	}
	a.log.InfoContext(ctx, "e-mail change requested", "account", acct.ID)
	a.render(w, r, http.StatusOK, "checkmail", pageData{Title: "Check your new mailbox",
		Flash: "We have sent a link to the new address. Your e-mail address changes when you open it and press the button; until then it stays as it is."})
}

// checkPassword reports whether password is the account's.
func (a *app) checkPassword(ctx context.Context, accountID, password string) (bool, error) {
	var hash string
	if err := a.rdb.QueryRowContext(ctx, a.q(`SELECT password_hash FROM portal_accounts WHERE id = ?`), accountID).Scan(&hash); err != nil {
		return false, fmt.Errorf("portal: check password: %w", err)
	}
	ok, err := verifyPassword(hash, password)
	return ok && err == nil, nil
}

// sendEmailChange mails the confirmation link to the new address.
func (a *app) sendEmailChange(ctx context.Context, acct *account, newEmail pii.String) error {
	tok, err := a.sealTokenFor(accountToken{Kind: tokenEmail, Account: acct.ID, Email: newEmail.Reveal()}, emailTTL)
	if err != nil {
		return err
	}
	link := a.cfg.BaseURL + "/account/email/confirm?token=" + url.QueryEscape(tok)
	_, err = a.accountMail(ctx, newEmail, "Confirm your new e-mail address", fmt.Sprintf(`Hello,

someone (we hope you) asked to use this e-mail address for an account at
the City of Example's utility portal. To confirm it, open this link within
24 hours and press the button:

%s

If it was not you, ignore this message: nothing changes.

City of Example, Utility Billing
`, link))
	return err
}

func (a *app) emailConfirmForm(w http.ResponseWriter, r *http.Request) {
	a.tokenPage(w, r, tokenEmail, "Ask for a new one on the account page.", "Confirm your new e-mail address",
		verifyPage{Action: "/account/email/confirm", Text: "Press the button to make this your e-mail address.", Button: "Use this address"})
}

// emailConfirmPost makes the change. It needs no session: the link proves
// control of the new address, and the account holder asked for it with
// their password.
func (a *app) emailConfirmPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t, acct, ok := a.takeAccountToken(w, r, tokenEmail)
	if !ok {
		return
	}
	oldEmail := acct.Data.Email
	newEmail := pii.New(pii.Email, normEmail(t.Email))
	outcome, err := a.changeEmail(ctx, acct, newEmail)
	switch {
	case errors.Is(err, errEmailTaken):
		// The visitor controls the new address, so saying this reveals
		// nothing they could not learn by resetting its password.
		a.fail(w, r, http.StatusConflict, "This address already has an account of its own. Log in with it, or ask Utility Billing to close one of the two accounts.")
		return
	case errors.Is(err, errSameEmail):
		outcome = "same"
	case err != nil:
		a.internal(w, r, err)
		return
	default:
		a.log.InfoContext(ctx, "e-mail address changed", "account", acct.ID)
		if _, err := a.accountMail(ctx, oldEmail, "Your e-mail address was changed", `Hello,

the e-mail address of your account at the City of Example's utility portal
was changed, and this address is no longer used for it. If you did not ask
for this, call Utility Billing at 555-0100 at once.

City of Example, Utility Billing
`); err != nil {
			a.log.WarnContext(ctx, "could not tell the old address of the change", "account", acct.ID, "error", err)
		}
	}
	// Post/redirect/get: a reload must not post the used token again.
	if cur, err := a.lookupAccount(r); err == nil && cur != nil && cur.ID == acct.ID {
		seeOther(w, r, "/account?email="+outcome)
		return
	}
	seeOther(w, r, "/login?email="+outcome)
}

// emailOutcomes are the messages for changeEmail's outcomes, shown on the
// account and log-in pages.
var emailOutcomes = map[string]string{
	"changed": "Your e-mail address is changed.",
	"moved":   "Your e-mail address is changed, and your subscriptions follow you to it.",
	"merged":  "Your e-mail address is changed. The new address already had subscriptions of its own: they apply now, and the old address gets no more mail. Please check your lists.",
	"same":    "This is your e-mail address already.",
}

// changeEmail gives the account newEmail (already normalised) and moves its
// consent subject with it. It returns the outcome, a key of emailOutcomes.
func (a *app) changeEmail(ctx context.Context, acct *account, newEmail pii.String) (string, error) {
	idx, err := a.emailIndex(newEmail)
	if err != nil {
		return "", err
	}
	old := acct.Data
	d := acct.Data
	d.Email = newEmail
	if err := a.updateEmail(ctx, acct.ID, d, idx); err != nil {
		return "", err
	}
	if acct.ConsentSubject == "" {
		return "changed", nil
	}
	err = a.ledger.MoveContact(ctx, acct.ConsentSubject, newEmail)
	switch {
	case err == nil:
		return "moved", nil
	case errors.Is(err, consent.ErrForgotten) || errors.Is(err, consent.ErrNotFound):
		return "changed", a.setConsentSubject(ctx, acct.ID, "")
	case errors.Is(err, consent.ErrContactInUse):
		other, err := a.ledger.Find(ctx, newEmail)
		if err != nil {
			return "", err
		}
		if err := a.leaveSubject(ctx, acct.ConsentSubject); err != nil {
			return "", err
		}
		if err := a.setConsentSubject(ctx, acct.ID, other); err != nil {
			return "", err
		}
		// The person follows the account: the address left, the new one
		// (proved by the link that confirmed the change) joins.
		person, err := a.accountPerson(ctx, &account{ID: acct.ID, ConsentSubject: other})
		if err != nil {
			return "", err
		}
		if _, err := a.ledger.Unlink(ctx, person, acct.ConsentSubject, consent.WebForm, "subject"); err != nil &&
			!errors.Is(err, consent.ErrForgotten) && !errors.Is(err, consent.ErrNotFound) {
			return "", err
		}
		return "merged", nil
	}
	// The ledger failed: put the account back as it was, so the account
	// and the consent ledger never name different addresses.
	oldIdx, ierr := a.emailIndex(old.Email)
	if ierr == nil {
		ierr = a.updateEmail(ctx, acct.ID, old, oldIdx)
	}
	if ierr != nil {
		return "", fmt.Errorf("portal: move consent contact point: %w (and restoring the account failed: %v)", err, ierr)
	}
	return "", fmt.Errorf("portal: move consent contact point: %w", err)
}

// updateEmail stores the account's data, sealed again, under the e-mail
// index idx, unless another account has that address (errEmailTaken) or
// this one has it already (errSameEmail). The check and the update run in
// one transaction, serialised like createAccount's.
func (a *app) updateEmail(ctx context.Context, accountID string, d accountData, idx string) error {
	sealed, err := a.sealer.SealFields(recordAccount, accountID, &d)
	if err != nil {
		return fmt.Errorf("portal: seal account: %w", err)
	}
	blob, err := json.Marshal(sealed)
	if err != nil {
		return fmt.Errorf("portal: seal account: %w", err)
	}
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("portal: change e-mail: %w", err)
	}
	defer tx.Rollback()
	if a.dialect == sqldialect.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "portal_accounts:"+idx); err != nil {
			return fmt.Errorf("portal: change e-mail: %w", err)
		}
	}
	switch other, _, err := a.findByEmailTx(ctx, tx, d.Email, idx); {
	case err == nil && other.ID == accountID:
		return errSameEmail
	case err == nil:
		return errEmailTaken
	case !errors.Is(err, errNoSuchRecord):
		return err
	}
	if _, err := tx.ExecContext(ctx, a.q(`UPDATE portal_accounts SET sealed = ?, email_index = ? WHERE id = ?`), string(blob), idx, accountID); err != nil {
		return fmt.Errorf("portal: change e-mail: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("portal: change e-mail: %w", err)
	}
	return nil
}

// leaveSubject withdraws every e-mail consent of a subject whose address
// the resident has left.
func (a *app) leaveSubject(ctx context.Context, subject string) error {
	sts, err := a.ledger.Statuses(ctx, subject)
	if err != nil {
		return err
	}
	for _, s := range sts {
		if s.Channel != consent.Email {
			continue
		}
		if _, err := a.ledger.Withdraw(ctx, subject, s.Purpose, consent.Email, consent.WebForm, "address changed"); err != nil {
			return err
		}
	}
	return nil
}
