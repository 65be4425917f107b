package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/civickit/privacy/pii"
)

// payment is a stored bill payment. It has no card number: the card is
// handed to the payment processor (simulated here), which returns a token,
// and the portal keeps only that token and the last four digits, the most
// PCI DSS lets a merchant display. The retention schedule deletes payment
// rows three years after the transaction.
type payment struct {
	ID          string
	AccountID   string
	CardToken   string
	CardLast4   string
	AmountCents int64
	CreatedAt   time.Time
}

// cardInput is the payment form. Card, expiry and CVC live only in this
// struct for the length of the request: the card is a pii.String (every
// output path redacts it) and is never written anywhere.
type cardInput struct {
	Card   pii.String `validate:"required,luhn"`
	Expiry string     `validate:"required,len=5"`
	CVC    string     `validate:"required,numeric,min=3,max=4"`
	Amount int64      `validate:"min=100,max=1000000"`
}

var cardLabels = map[string]string{
	"Card": "card number", "Expiry": "expiry (MM/YY)", "CVC": "security code", "Amount": "amount ($1 to $10,000)",
}

// processCard stands in for a payment processor's tokenisation API: it
// charges the card and returns an opaque token. Nothing derived from the
// card number except its last four digits leaves this function.
func processCard(in cardInput) (token, last4 string) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, in.Card.Reveal())
	return newID("tok_"), digits[len(digits)-4:]
}

// parseAmount reads dollars ("42", "42.5", "42.50", "$1,000.00") as
// cents. Thousands separators must group by three.
func parseAmount(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "$"))
	if strings.Contains(s, ",") {
		whole, frac, hasFrac := strings.Cut(s, ".")
		groups := strings.Split(whole, ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, false
			}
		}
		s = strings.Join(groups, "")
		if hasFrac {
			s += "." + frac
		}
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" || len(whole) > 7 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || f < 0 {
		return 0, false
	}
	return w*100 + f, true
}

func validExpiry(s string, now time.Time) bool {
	t, err := time.Parse("01/06", s)
	if err != nil {
		return false
	}
	return !t.AddDate(0, 1, 0).Before(now)
}

// Paying is post/redirect/get with an idempotency key: each payment form
// carries a random key; the first POST with a key takes it (a unique row)
// before the card is charged, and every POST with that key, the first
// included, redirects to the receipt page. A double click, a resubmitted
// form or a reloaded receipt charges once.

func (a *app) payForm(w http.ResponseWriter, r *http.Request, acct *account) {
	a.renderPay(w, r, acct, http.StatusOK, "", randomHex(16))
}

func (a *app) renderPay(w http.ResponseWriter, r *http.Request, acct *account, status int, problem, idem string) {
	a.render(w, r, status, "pay", pageData{Title: "Pay my bill", Error: problem,
		Data: map[string]any{"Account": acct.Data.Number.Masked(), "Idem": idem}})
}

// validIdem reports whether s is a key payForm made: 32 hex digits.
func validIdem(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

func (a *app) pay(w http.ResponseWriter, r *http.Request, acct *account) {
	idem := r.PostFormValue("idem")
	if !validIdem(idem) {
		a.renderPay(w, r, acct, http.StatusBadRequest, "This payment form has expired. Please enter the payment again.", randomHex(16))
		return
	}
	amount, ok := parseAmount(r.PostFormValue("amount"))
	in := cardInput{
		Card:   pii.New(pii.PaymentCard, formString(r, "card", 40)),
		Expiry: formString(r, "expiry", 5),
		CVC:    formString(r, "cvc", 4),
		Amount: amount,
	}
	problem := ""
	if err := validatorV().Struct(in); err != nil {
		problem = fieldProblems(err, cardLabels)
	} else if !ok {
		problem = "Please check: amount."
	} else if !validExpiry(in.Expiry, time.Now()) {
		problem = "Please check: expiry (MM/YY)."
	}
	if problem != "" {
		// Shown again empty: the card number is never echoed back. The key
		// stays: nothing was charged.
		a.renderPay(w, r, acct, http.StatusUnprocessableEntity, problem, idem)
		return
	}
	id := newID("pay_")
	taken, err := a.takePaymentKey(r.Context(), idem, acct.ID, id)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if taken != id { // this form was submitted before: show that payment
		seeOther(w, r, "/pay/receipt/"+taken)
		return
	}
	token, last4 := processCard(in)
	p := payment{ID: id, AccountID: acct.ID, CardToken: token, CardLast4: last4, AmountCents: in.Amount, CreatedAt: time.Now().UTC().Truncate(time.Second)}
	if err := a.storePayment(r.Context(), p); err != nil {
		a.internal(w, r, err)
		return
	}
	a.log.InfoContext(r.Context(), "payment accepted", "account", acct.ID, "payment", p.ID, "card_token", p.CardToken, "amount_cents", p.AmountCents)
	seeOther(w, r, "/pay/receipt/"+p.ID)
}

// takePaymentKey records that the payment form idem pays as payment id,
// and returns id; when the key was taken before (by this account), it
// returns the payment id it was taken for.
func (a *app) takePaymentKey(ctx context.Context, idem, accountID, id string) (string, error) {
	err := a.execTx(ctx, `INSERT INTO portal_payment_keys (idem_key, account_id, payment_id, created_at) VALUES (?, ?, ?, ?)`,
		idem, accountID, id, time.Now().Unix())
	if err == nil {
		return id, nil
	}
	var owner, prev string
	if qerr := a.db.QueryRowContext(ctx, a.q(`SELECT account_id, payment_id FROM portal_payment_keys WHERE idem_key = ?`), idem).Scan(&owner, &prev); qerr != nil {
		return "", fmt.Errorf("portal: payment key: %w", err)
	}
	if owner != accountID {
		return "", fmt.Errorf("portal: payment key of another account")
	}
	return prev, nil
}

// receipt shows one of the account's payments. A payment whose form was
// taken but whose charge has not been stored yet (a double click still in
// flight) shows a short wait page.
func (a *app) receipt(w http.ResponseWriter, r *http.Request, acct *account) {
	ps, err := a.payments(r.Context(), acct.ID)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	for _, p := range ps {
		if p.ID == r.PathValue("id") {
			a.render(w, r, http.StatusOK, "paid", pageData{Title: "Payment received", Data: p})
			return
		}
	}
	a.fail(w, r, http.StatusNotFound, "There is no such payment on your account (yet: reload in a moment if you just paid).")
}

func (a *app) storePayment(ctx context.Context, p payment) error {
	if err := a.execTx(ctx, `INSERT INTO portal_payments (id, account_id, card_token, card_last4, amount_cents, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ID, p.AccountID, p.CardToken, p.CardLast4, p.AmountCents, p.CreatedAt.Unix()); err != nil {
		return fmt.Errorf("portal: store payment: %w", err)
	}
	return nil
}

func (a *app) payments(ctx context.Context, accountID string) ([]payment, error) {
	rows, err := a.rdb.QueryContext(ctx, a.q(`SELECT id, card_token, card_last4, amount_cents, created_at FROM portal_payments WHERE account_id = ? ORDER BY created_at DESC, id`), accountID)
	if err != nil {
		return nil, fmt.Errorf("portal: payments: %w", err)
	}
	defer rows.Close()
	var out []payment
	for rows.Next() {
		p := payment{AccountID: accountID}
		var created int64
		if err := rows.Scan(&p.ID, &p.CardToken, &p.CardLast4, &p.AmountCents, &created); err != nil {
			return nil, fmt.Errorf("portal: payments: %w", err)
		}
		p.CreatedAt = time.Unix(created, 0).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}
