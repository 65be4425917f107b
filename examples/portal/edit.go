package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/civickit/privacy/pii"
)

// Correct my data: a resident changes their name, service address or
// phone. The account's fields are sealed again (AES-256-GCM bound to the
// account id) and replace the old ones in one statement. The e-mail
// address, which is also the log-in and the consent contact point, is
// changed in email.go, since the new one is confirmed first.

type editView struct {
	Name, Address, Phone string
	Problem              string // the field that needs correcting
}

func (a *app) editForm(w http.ResponseWriter, r *http.Request, acct *account) {
	w.Header().Set("Cache-Control", "no-store")
	a.render(w, r, http.StatusOK, "edit", pageData{Title: "Correct my data", Data: editView{
		Name: acct.Data.Name.Reveal(), Address: acct.Data.Address.Reveal(), Phone: acct.Data.Phone.Reveal(),
	}})
}

func (a *app) editPost(w http.ResponseWriter, r *http.Request, acct *account) {
	v := editView{
		Name:    strings.TrimSpace(formString(r, "name", 200)),
		Address: strings.TrimSpace(formString(r, "address", 300)),
		Phone:   strings.TrimSpace(formString(r, "phone", 40)),
	}
	phone, okPhone := e164(v.Phone)
	switch {
	case v.Name == "":
		v.Problem = "name"
	case v.Address == "":
		v.Problem = "address"
	case !okPhone:
		v.Problem = "phone"
	}
	if v.Problem != "" {
		// The form keeps what was typed: it is the holder's own page, and
		// it is not cached.
		w.Header().Set("Cache-Control", "no-store")
		a.render(w, r, http.StatusUnprocessableEntity, "edit", pageData{Title: "Correct my data", Error: "Please check the field marked below.", Data: v})
		return
	}
	d := acct.Data
	d.Name = pii.New(pii.Name, v.Name)
	d.Address = pii.New(pii.PostalAddress, v.Address)
	d.Phone = pii.New(pii.Phone, phone)
	sealed, err := a.sealer.SealFields(recordAccount, acct.ID, &d)
	if err == nil {
		var blob []byte
		if blob, err = json.Marshal(sealed); err == nil {
			err = a.execTx(r.Context(), `UPDATE portal_accounts SET sealed = ? WHERE id = ?`, string(blob), acct.ID)
		}
	}
	if err != nil {
		a.internal(w, r, fmt.Errorf("portal: correct account: %w", err))
		return
	}
	a.log.InfoContext(r.Context(), "account corrected", "account", acct.ID)
	if !d.Phone.Equal(acct.Data.Phone) {
		// The old number is no longer the resident's: its subject leaves
		// the person. The correction stands if the ledger fails.
		if err := a.phoneChanged(r.Context(), acct.ID, acct.Data.Phone); err != nil {
			a.log.WarnContext(r.Context(), "old phone number not unlinked", "account", acct.ID, "error", err)
		}
	}
	seeOther(w, r, "/account")
}
