package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/retention"
	retsql "github.com/civickit/privacy/retention/sqlstore"
)

// schedule.json is the portal's records retention schedule.
//
//go:embed schedule.json
var scheduleJSON []byte

// retentionSources describe the portal's tables to the sweeper. Each row's
// subject is the account id.
var retentionSources = []retsql.Source{
	{Name: "accounts", Table: "portal_accounts", ID: "id", Category: "account",
		Created: "created_at", LastActivity: "last_active_at", Subject: "id",
		Export: []string{"id", "created_at", "last_active_at"}},
	{Name: "payments", Table: "portal_payments", ID: "id", Category: "payment.card_token",
		Created: "created_at", Events: map[string]string{"transaction": "created_at"}, Subject: "account_id",
		Export: []string{"id", "card_token", "card_last4", "amount_cents", "created_at"}},
}

func (a *app) initRetention(ctx context.Context) error {
	sched, err := retention.ParseJSON(scheduleJSON)
	if err != nil {
		return fmt.Errorf("retention schedule: %w", err)
	}
	a.retStore, err = retsql.New(a.db, &retsql.Options{Dialect: a.dialect})
	if err != nil {
		return err
	}
	if err := a.retStore.Migrate(ctx); err != nil {
		return fmt.Errorf("retention store: %w", err)
	}
	a.sweeper, err = retsql.NewSweeper(a.retStore, sched, retentionSources, nil)
	return err
}

// runSweeper runs the retention sweeper every interval until ctx is done.
// Each pass logs what it disposed of: counts per category and rule, never a
// record's content.
func (a *app) runSweeper(ctx context.Context, every time.Duration) {
	if every <= 0 {
		<-ctx.Done()
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		a.sweepOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (a *app) sweepOnce(ctx context.Context) {
	// Sessions end by themselves (an hour unused, eight hours in all); their
	// rows go once they have.
	if n, err := a.sessionStore.DeleteExpired(ctx); err != nil {
		a.log.ErrorContext(ctx, "expired sessions not deleted", "error", err)
	} else if n > 0 {
		a.log.InfoContext(ctx, "expired sessions deleted", slog.Int64("count", n))
	}
	rep, err := a.sweeper.Sweep(ctx)
	if err != nil {
		if ctx.Err() == nil {
			a.log.ErrorContext(ctx, "retention sweep failed", "error", err)
		}
		return
	}
	a.log.InfoContext(ctx, "retention sweep",
		slog.String("sweep", rep.SweepID),
		slog.Int64("scanned", rep.Scanned),
		slog.Int64("disposed", rep.DisposedCount()),
		slog.Int("shredded_subjects", rep.Shredded))
}

// export is the "my data" download: everything the portal holds about the
// signed-in person. It contains personal data and goes only to them.
type export struct {
	GeneratedAt time.Time               `json:"generated_at"`
	Account     map[string]string       `json:"account"`
	Records     *retention.AccessExport `json:"records"`
	Consent     []consent.PurposeStatus `json:"consent_status,omitempty"`
	History     []consent.Event         `json:"consent_history,omitempty"`
	Payments    []paymentView           `json:"payments"`
	Notice      consent.NoticeRef       `json:"privacy_notice"`
	Cookies     map[string]string       `json:"cookies"`
	Sessions    []sessionView           `json:"sessions"`
	// ConsentRecords is the consent history as ISO/IEC TS 27560 records
	// (see consent.RecordSchemas).
	ConsentRecords *consent.RecordExport `json:"consent_records,omitempty"`
	// PersonRecords is the consent history of the whole person: the
	// e-mail subject and the linked browsers (cookie choices), as ISO/IEC
	// TS 27560 records per subject, and the links.
	PersonRecords *consent.PersonRecordExport `json:"person_consent_records,omitempty"`
	// PersonConsent is where every consent of the person stands, for the
	// page.
	PersonConsent []consentView `json:"-"`
}

// consentView is one consent of the person on My data.
type consentView struct {
	Purpose string
	Channel consent.Channel
	Status  consent.Status
	Since   time.Time
}

// paymentView is one payment in the holder's own data: no card token,
// which means nothing to them.
type paymentView struct {
	ID          string    `json:"id"`
	Date        time.Time `json:"date"`
	AmountCents int64     `json:"amount_cents"`
	CardLast4   string    `json:"card_last4"`
}

func (a *app) buildExport(ctx context.Context, acct *account) (*export, error) {
	rec, err := a.sweeper.Access(ctx, acct.ID, newID("access_"))
	if err != nil {
		return nil, err
	}
	ex := &export{
		GeneratedAt: time.Now().UTC(),
		// The export is the one place plaintext leaves on purpose: to the
		// verified account holder.
		Account: map[string]string{
			"id": acct.ID, "name": acct.Data.Name.Reveal(), "email": acct.Data.Email.Reveal(),
			"service_address": acct.Data.Address.Reveal(), "phone": acct.Data.Phone.Reveal(),
			"utility_account_number": acct.Data.Number.Reveal(),
		},
		Records:  rec,
		Notice:   a.notice.Ref(),
		Cookies:  map[string]string{a.sessions.Name(): "a random session id, encrypted; no personal data"},
		Sessions: a.accountSessions(ctx, acct.ID, ""),
	}
	ps, err := a.payments(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		ex.Payments = append(ex.Payments, paymentView{ID: p.ID, Date: p.CreatedAt, AmountCents: p.AmountCents, CardLast4: p.CardLast4})
	}
	if acct.ConsentSubject != "" {
		if ex.Consent, err = a.ledger.Statuses(ctx, acct.ConsentSubject); err != nil && !errors.Is(err, consent.ErrNotFound) {
			return nil, err
		}
		if ex.History, err = a.ledger.History(ctx, acct.ConsentSubject); err != nil && !errors.Is(err, consent.ErrNotFound) {
			return nil, err
		}
		// The same history as ISO/IEC TS 27560 consent records.
		rec, err := a.ledger.ExportRecords(ctx, acct.ConsentSubject)
		if err != nil && !errors.Is(err, consent.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			ex.ConsentRecords = &rec
		}
	}
	person, err := a.accountPerson(ctx, acct)
	if err != nil {
		return nil, err
	}
	px, err := a.ledger.ExportPersonRecords(ctx, person)
	if err != nil && !errors.Is(err, consent.ErrNoPerson) {
		return nil, err
	}
	if err == nil {
		ex.PersonRecords = &px
		for _, sx := range px.Subjects {
			for _, r := range sx.Records {
				ex.PersonConsent = append(ex.PersonConsent, consentView{Purpose: r.Processing.PurposeID,
					Channel: r.Processing.Channel, Status: r.Consent.Status, Since: r.Consent.Since})
			}
		}
	}
	return ex, nil
}

// myDataOutcomes are the messages My data shows after a redirect.
var myDataOutcomes = map[string]string{
	"withdrawn": "Every consent you gave is withdrawn: no e-mail lists, no analytics cookies on any browser you signed in on.",
}

func (a *app) myData(w http.ResponseWriter, r *http.Request, acct *account) {
	ex, err := a.buildExport(r.Context(), acct)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "mydata", pageData{Title: "My data", Flash: myDataOutcomes[r.URL.Query().Get("done")], Data: ex})
}

func (a *app) myDataJSON(w http.ResponseWriter, r *http.Request, acct *account) {
	ex, err := a.buildExport(r.Context(), acct)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="my-data.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(ex)
}

// erasure is the erase page's data.
type erasure struct {
	Result  *retention.ErasureResult
	Consent string
}

// erase handles "delete my data": the retention sweeper disposes of what it
// may, defers what the schedule still requires and refuses what a hold
// keeps; the consent ledger shreds the e-mail address but keeps the
// pseudonymous proof of withdrawal; and the session ends.
func (a *app) erase(w http.ResponseWriter, r *http.Request, acct *account) {
	if r.PostFormValue("confirm") != "yes" {
		a.fail(w, r, http.StatusBadRequest, "Please tick the box to confirm that you want your data deleted.")
		return
	}
	ctx := r.Context()
	// The person, read before the account row goes.
	person, err := a.accountPerson(ctx, acct)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	reqID := newID("erase_")
	res, err := a.sweeper.Erase(ctx, acct.ID, reqID)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	e := erasure{Result: res}
	// Forget the person: the e-mail subject and every linked browser.
	switch err := a.ledger.ForgetPerson(ctx, person, consent.WebForm, "subject"); {
	case err == nil:
		e.Consent = "Your e-mail address and your browsers' cookie choices were erased from the consent ledger (their keys destroyed). The record that you withdrew stays, without anything that identifies you, as the law asks us to prove it."
	case !errors.Is(err, consent.ErrNoPerson):
		a.internal(w, r, err)
		return
	}
	if _, err := a.sessions.RevokeAll(ctx, acct.ID, ""); err != nil {
		a.log.WarnContext(ctx, "sessions not revoked after erasure", "error", err)
	}
	a.session(r).Destroy()
	a.log.InfoContext(ctx, "erasure request", "request", reqID,
		"disposed", res.Count(retention.OutcomeDisposed), "deferred", res.Count(retention.OutcomeDeferred), "refused", res.Count(retention.OutcomeRefused))
	// The page is rendered as signed out.
	a.render(w, r.WithContext(context.WithValue(ctx, accountKey{}, (*account)(nil))), http.StatusOK, "erased", pageData{Title: "Your deletion request", User: nil, Data: e})
}
