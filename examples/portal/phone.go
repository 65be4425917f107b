package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

// Confirming the phone number: the account holder asks for a text message
// (a button on the account page); it carries a single-use link, sealed
// like the other account tokens, with the number inside its ciphertext;
// opening it and pressing its button (a POST, as for e-mail links) proves
// control of the number, whose consent subject then joins the account's
// person (see person.go). Correcting the number unlinks the old one's
// subject.
//
// The portal has no SMS provider: in development a text message is
// written to the outbox as an e-mail to an e-mail-to-SMS gateway address
// under example.invalid. A deployment hands the same text to its
// provider. Texts count towards the same hourly limit as account e-mails,
// per number.

const (
	tokenPhone = "phone"
	phoneTTL   = time.Hour
	indexPhone = "account_phone" // blind index name, for the hourly limit
)

var errPhoneChanged = errors.New("portal: the account's phone number changed since the link was sent")

// phoneOutcomes are the account page's messages after a confirmation.
var phoneOutcomes = map[string]string{
	"linked": "Your phone number is confirmed: it is part of your consent record now.",
}

// accountText sends a text message to an account's phone number unless it
// has had accountMailLimit account messages in the last hour; it reports
// whether it sent.
func (a *app) accountText(ctx context.Context, phone pii.String, body string) (bool, error) {
	ix, err := a.indexer.Compute(indexPhone, 0, phone)
	if err != nil {
		return false, fmt.Errorf("portal: phone index: %w", err)
	}
	gateway := pii.New(pii.Email, strings.TrimPrefix(phone.Reveal(), "+")+"@sms.example.invalid")
	return a.limitedSend(ctx, ix.String(), message{To: gateway, Subject: "Text message", Body: body})
}

// phonePost texts a confirmation link to the account's phone number.
func (a *app) phonePost(w http.ResponseWriter, r *http.Request, acct *account) {
	ctx := r.Context()
	if _, ok := e164(acct.Data.Phone.Reveal()); !ok {
		a.fail(w, r, http.StatusUnprocessableEntity, "This phone number cannot be confirmed. Please correct it first.")
		return
	}
	tok, err := a.sealTokenFor(accountToken{Kind: tokenPhone, Account: acct.ID, Phone: acct.Data.Phone.Reveal()}, phoneTTL)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	link := a.cfg.BaseURL + "/account/phone/confirm?token=" + url.QueryEscape(tok)
	if _, err := a.accountText(ctx, acct.Data.Phone, "City of Example: to confirm this number for your utility account, open "+link+
		" within an hour and press the button. Not you? Ignore this text."); err != nil {
		a.internal(w, r, err)
		return
	}
	a.log.InfoContext(ctx, "phone confirmation requested", "account", acct.ID)
	a.render(w, r, http.StatusOK, "checkmail", pageData{Title: "Check your phone",
		Flash: "We have sent a text message with a link to your phone number. Your number is confirmed when you open it and press the button."})
}

func (a *app) phoneConfirmForm(w http.ResponseWriter, r *http.Request) {
	a.tokenPage(w, r, tokenPhone, "Ask for a new one on the account page.", "Confirm your phone number",
		verifyPage{Action: "/account/phone/confirm", Text: "Press the button to confirm this phone number for your account.", Button: "Confirm my number"})
}

// phoneConfirmPost links the number's consent subject to the account's
// person. Like the e-mail change, it needs no session: the link proves
// control of the number, and the account holder asked for it.
func (a *app) phoneConfirmPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t, acct, ok := a.takeAccountToken(w, r, tokenPhone)
	if !ok {
		return
	}
	if err := a.confirmPhone(ctx, acct, pii.New(pii.Phone, t.Phone)); errors.Is(err, errPhoneChanged) {
		a.fail(w, r, http.StatusConflict, "The account's phone number was changed since this link was sent. Ask for a new one on the account page.")
		return
	} else if err != nil {
		a.internal(w, r, err)
		return
	}
	a.log.InfoContext(ctx, "phone number confirmed", "account", acct.ID)
	seeOther(w, r, "/account?phone=linked")
}

// confirmPhone links the consent subject of phone, which the resident
// proved control of, to the account's person, unless the account's number
// is another one now (errPhoneChanged).
func (a *app) confirmPhone(ctx context.Context, acct *account, phone pii.String) error {
	if !acct.Data.Phone.Equal(phone) {
		return errPhoneChanged
	}
	subject, err := a.ledger.Enroll(ctx, phone)
	if err != nil {
		return err
	}
	person, err := a.accountPerson(ctx, acct)
	if err != nil {
		return err
	}
	return a.linkSubject(ctx, person, subject, true)
}

// storedPerson returns the account's person id, "" if it has none yet.
func (a *app) storedPerson(ctx context.Context, accountID string) (string, error) {
	var person string
	if err := a.db.QueryRowContext(ctx, a.q(`SELECT person FROM portal_accounts WHERE id = ?`), accountID).Scan(&person); err != nil {
		return "", fmt.Errorf("portal: account person: %w", err)
	}
	return person, nil
}

// phoneLinked reports whether the account's phone number's subject
// belongs to the account's person; false when that cannot be told.
func (a *app) phoneLinked(ctx context.Context, acct *account) bool {
	if acct.Data.Phone.Reveal() == "" {
		return false
	}
	person, err := a.storedPerson(ctx, acct.ID)
	if err != nil || person == "" {
		return false
	}
	subject, err := a.ledger.Find(ctx, acct.Data.Phone)
	if err != nil {
		return false
	}
	got, err := a.ledger.Person(ctx, subject)
	return err == nil && got == person
}

// phoneChanged unlinks the subject of old, the account's previous phone
// number, from the account's person: the resident no longer has it.
func (a *app) phoneChanged(ctx context.Context, accountID string, old pii.String) error {
	person, err := a.storedPerson(ctx, accountID)
	if err != nil || person == "" || old.Reveal() == "" {
		return err
	}
	subject, err := a.ledger.Find(ctx, old)
	if errors.Is(err, consent.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := a.ledger.Unlink(ctx, person, subject, consent.WebForm, "subject"); err != nil &&
		!errors.Is(err, consent.ErrForgotten) && !errors.Is(err, consent.ErrNotFound) {
		return err
	}
	return nil
}
