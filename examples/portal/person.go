package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/civickit/privacy/consent"
)

// A resident's consent subjects are one person in the ledger
// (consent.Ledger.Link): the account's e-mail subject, once the account
// has one (the address is verified: an account signs in only after
// confirming it), and every browser whose cookie-banner subject the
// resident signs in on (they hold its cookie and their password). "My
// data" exports the person's consent history, "withdraw everything"
// withdraws every consent of the person, and deleting the account forgets
// the person: every subject, crypto-shredded.
//
// The account's phone number joins once the resident confirms it by a
// text message (phone.go): the ledger links only contact points the
// resident has proved control of.
//
// A link holds while the account holds the contact point: when the
// account leaves its e-mail subject (a new address that already had a
// subject of its own) the old one is unlinked. An e-mail subject the
// account proves control of is taken from any other person it belonged to
// (its address was that person's once); a browser that signed in to
// another account first stays that account's (a shared computer is not
// proof that its visitors are one person).

// accountPerson returns the account's person id, choosing and storing one
// the first time, and links the account's e-mail subject to it (an account
// made before persons gets its person here).
func (a *app) accountPerson(ctx context.Context, acct *account) (string, error) {
	person, err := a.storedPerson(ctx, acct.ID)
	if err != nil {
		return "", err
	}
	if person == "" {
		p, err := consent.NewPersonID()
		if err != nil {
			return "", err
		}
		// Two first requests at once agree on one person: the second
		// update finds the column set and changes nothing.
		if err := a.execTx(ctx, `UPDATE portal_accounts SET person = ? WHERE id = ? AND person = ''`, p, acct.ID); err != nil {
			return "", fmt.Errorf("portal: account person: %w", err)
		}
		if person, err = a.storedPerson(ctx, acct.ID); err != nil {
			return "", err
		}
	}
	if acct.ConsentSubject != "" {
		if err := a.linkSubject(ctx, person, acct.ConsentSubject, true); err != nil {
			return "", err
		}
	}
	return person, nil
}

// linkSubject links subject to person. A subject that is another person's
// is taken from it when take is set (the resident proved control of its
// contact point) and left alone otherwise. Forgotten and unknown subjects
// are skipped: there is nothing to link.
func (a *app) linkSubject(ctx context.Context, person, subject string, take bool) error {
	_, err := a.ledger.Link(ctx, person, []string{subject}, consent.WebForm, "subject")
	if errors.Is(err, consent.ErrLinked) && take {
		var other string
		if other, err = a.ledger.Person(ctx, subject); err == nil && other != "" {
			if _, err = a.ledger.Unlink(ctx, other, subject, consent.WebForm, "subject"); err == nil {
				_, err = a.ledger.Link(ctx, person, []string{subject}, consent.WebForm, "subject")
			}
		}
	}
	switch {
	case err == nil, errors.Is(err, consent.ErrForgotten), errors.Is(err, consent.ErrNotFound):
		return nil
	case errors.Is(err, consent.ErrLinked):
		a.log.InfoContext(ctx, "subject left with another person", "subject", subject)
		return nil
	}
	return fmt.Errorf("portal: link subject: %w", err)
}

// linkDevice links dev, the browser's cookie-banner subject, to the
// account's person if it is a live device subject.
func (a *app) linkDevice(ctx context.Context, acct *account, dev string) error {
	if dev == "" {
		return nil
	}
	if ok, err := a.ledger.Device(ctx, dev); err != nil || !ok {
		return err
	}
	person, err := a.accountPerson(ctx, acct)
	if err != nil {
		return err
	}
	return a.linkSubject(ctx, person, dev, false)
}

// withdrawAll handles "withdraw everything": every consent of the
// person, on every channel (e-mail lists, cookie choices on every linked
// browser), in one ledger transaction.
func (a *app) withdrawAll(w http.ResponseWriter, r *http.Request, acct *account) {
	if r.PostFormValue("confirm") != "yes" {
		a.fail(w, r, http.StatusBadRequest, "Please tick the box to confirm that you want to withdraw every consent.")
		return
	}
	ctx := r.Context()
	person, err := a.accountPerson(ctx, acct)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	events, err := a.ledger.WithdrawPerson(ctx, person, consent.WebForm, "subject", "withdraw everything")
	if err != nil && !errors.Is(err, consent.ErrNoPerson) {
		a.internal(w, r, err)
		return
	}
	// The ledger's DecisionCache drops the browsers' cached answers as
	// the withdrawals are appended: they take effect on the next request.
	a.log.InfoContext(ctx, "withdraw everything", "account", acct.ID, "withdrawals", len(events))
	seeOther(w, r, "/mydata?done=withdrawn")
}
