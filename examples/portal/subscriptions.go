package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

// topic is one E-Line-style mailing list.
type topic struct {
	ID    string // consent purpose
	Title string
	About string
}

var topics = []topic{
	{"eline:weekly-news", "E-Line weekly news", "City news, events and meetings, every Friday."},
	{"eline:street-alerts", "Street cleaning and snow alerts", "Parking bans and street cleaning days for your area."},
	{"utility:paperless-billing", "Paperless billing", "Your utility bill by e-mail instead of paper."},
}

func topicByID(id string) (topic, bool) {
	for _, t := range topics {
		if t.ID == id {
			return t, true
		}
	}
	return topic{}, false
}

// The privacy notice that subscriptions are given under. Changing the text
// needs a new version: consent.Ledger.Outdated then lists who agreed to the
// old one.
const (
	noticeID      = "city-portal-privacy"
	noticeVersion = 2
	noticeText    = `City of Example utility portal privacy notice (version 2).
We use your e-mail address only for the lists you choose, and you can leave any
list from every message with one click. We never sell your data. Your name,
address, phone and account number are stored encrypted; payment card numbers are
never stored. You can see, export and ask us to delete your data on the My data page.
Records are kept as long as the law requires and no longer.`
)

var noticeEffective = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// topicStatus is one row of the subscriptions page.
type topicStatus struct {
	topic
	Status     string // "subscribed", "waiting for confirmation", "not subscribed"
	Subscribed bool
	Pending    bool
}

func (a *app) subscriptionsPage(w http.ResponseWriter, r *http.Request) {
	acct := a.currentAccount(r)
	a.renderSubscriptions(w, r, acct, http.StatusOK, "", "")
}

func (a *app) renderSubscriptions(w http.ResponseWriter, r *http.Request, acct *account, status int, flash, problem string) {
	rows := make([]topicStatus, len(topics))
	for i, t := range topics {
		rows[i] = topicStatus{topic: t, Status: "not subscribed"}
	}
	if acct != nil && acct.ConsentSubject != "" {
		st, err := a.ledger.Statuses(r.Context(), acct.ConsentSubject)
		if err != nil && !errors.Is(err, consent.ErrNotFound) {
			a.internal(w, r, err)
			return
		}
		for _, s := range st {
			if s.Channel != consent.Email {
				continue
			}
			for i := range rows {
				if rows[i].ID != s.Purpose {
					continue
				}
				pending := s.Status == consent.StatusRequested
				if !pending && !s.Status.AllowsContact() {
					// Subscribing again after leaving: a request newer
					// than the withdrawal waits for its confirmation.
					req, err := a.ledger.Store().LatestRequested(r.Context(), acct.ConsentSubject, s.Purpose, consent.Email)
					pending = err == nil && req.Seq > s.Event.Seq
				}
				switch {
				case s.Status.AllowsContact():
					rows[i].Status, rows[i].Subscribed = "subscribed", true
				case pending:
					rows[i].Status, rows[i].Pending = "waiting for your confirmation (see the e-mail we sent)", true
				case s.Status == consent.StatusWithdrawn:
					rows[i].Status = "unsubscribed"
				}
			}
		}
	}
	a.render(w, r, status, "subscriptions", pageData{Title: "E-mail subscriptions", Flash: flash, Error: problem, Data: map[string]any{
		"Topics": rows, "SignedIn": acct != nil, "Notice": a.notice,
	}})
}

// subscribe starts double opt-in for the chosen topics: a Requested event
// per topic, then one confirmation e-mail per topic to the outbox. Signed-in
// visitors subscribe their account's address; others type one.
func (a *app) subscribe(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	acct := a.currentAccount(r)
	var email pii.String
	if acct != nil {
		email = acct.Data.Email
	} else {
		email = pii.New(pii.Email, normEmail(formString(r, "email", 254)))
		if !pii.ValidEmail(email.Reveal()) {
			a.renderSubscriptions(w, r, nil, http.StatusUnprocessableEntity, "", "Please enter a valid e-mail address.")
			return
		}
	}
	if err := r.ParseForm(); err != nil {
		a.fail(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	var chosen []topic
	for _, id := range r.PostForm["topic"] {
		if t, ok := topicByID(id); ok {
			chosen = append(chosen, t)
		}
	}
	if len(chosen) == 0 {
		a.renderSubscriptions(w, r, acct, http.StatusUnprocessableEntity, "", "Please choose at least one list.")
		return
	}
	subject, err := a.ledger.Enroll(ctx, email)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if acct != nil && acct.ConsentSubject != subject {
		if err := a.setConsentSubject(ctx, acct.ID, subject); err != nil {
			a.internal(w, r, err)
			return
		}
		acct.ConsentSubject = subject
	}
	if acct != nil {
		if _, err := a.accountPerson(ctx, acct); err != nil {
			a.internal(w, r, err)
			return
		}
	}
	for _, t := range chosen {
		token, _, err := a.ledger.Request(ctx, subject, t.ID, consent.Email, a.notice.Ref(), consent.WebForm)
		var limit *consent.LimitError
		if errors.As(err, &limit) {
			// The ledger's own limit on confirmation e-mails per address:
			// no mail, and a message that does not say more than needed.
			minutes := int(limit.RetryAfter.Minutes()) + 1
			w.Header().Set("Retry-After", strconv.Itoa(int(limit.RetryAfter.Seconds())+1))
			a.renderSubscriptions(w, r, acct, http.StatusTooManyRequests, "",
				fmt.Sprintf("We have sent several confirmation e-mails to this address in the last hour. Please use the link in one of them, or try again in %d minutes.", minutes))
			return
		}
		if err != nil {
			a.internal(w, r, err)
			return
		}
		if err := a.sendConfirmation(ctx, email, subject, t, token); err != nil {
			a.internal(w, r, err)
			return
		}
	}
	a.log.InfoContext(ctx, "subscription requested", "subject", subject, "topics", len(chosen))
	a.renderSubscriptions(w, r, acct, http.StatusOK, "Almost done: we sent you an e-mail. Click the link in it to confirm.", "")
}

// withdraw unsubscribes the signed-in account from one topic at once.
func (a *app) withdraw(w http.ResponseWriter, r *http.Request, acct *account) {
	t, ok := topicByID(r.PostFormValue("topic"))
	if !ok {
		a.fail(w, r, http.StatusBadRequest, "There is no such list.")
		return
	}
	if acct.ConsentSubject == "" {
		a.renderSubscriptions(w, r, acct, http.StatusOK, "You were not subscribed to "+t.Title+": nothing changed.", "")
		return
	}
	left, err := a.ledger.Withdraw(r.Context(), acct.ConsentSubject, t.ID, consent.Email, consent.WebForm, "")
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if !left {
		a.renderSubscriptions(w, r, acct, http.StatusOK, "You were not subscribed to "+t.Title+": nothing changed.", "")
		return
	}
	a.renderSubscriptions(w, r, acct, http.StatusOK, "You are unsubscribed from "+t.Title+".", "")
}

// confirmForm shows a button; only the POST confirms, because mail
// scanners and link previews fetch every link in a message.
func (a *app) confirmForm(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if token == "" || len(token) > 2048 {
		a.fail(w, r, http.StatusBadRequest, "This confirmation link is not valid.")
		return
	}
	a.render(w, r, http.StatusOK, "confirm", pageData{Title: "Confirm your subscription", Data: map[string]any{"Token": token}})
}

func (a *app) confirm(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	if len(token) > 2048 {
		token = ""
	}
	c, err := a.ledger.Confirm(r.Context(), token)
	if errors.Is(err, consent.ErrInvalid) {
		a.fail(w, r, http.StatusBadRequest, "This confirmation link is not valid or has expired. Please subscribe again.")
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	t, _ := topicByID(c.Purpose)
	msg := "Thank you: you are subscribed to " + t.Title + "."
	if c.Already {
		// The link was used before: say what is true now.
		d, err := a.ledger.MayContact(r.Context(), c.Subject, c.Purpose, c.Channel)
		switch {
		case err != nil:
			a.internal(w, r, err)
			return
		case d.Allowed:
			msg = "You had confirmed this subscription already: " + t.Title + "."
		default:
			msg = "This link was used before, and you are not subscribed to " + t.Title + " now. To receive it again, subscribe again."
		}
	}
	a.log.InfoContext(r.Context(), "subscription confirmed", "subject", c.Subject, "purpose", c.Purpose, "already", c.Already)
	a.render(w, r, http.StatusOK, "confirm", pageData{Title: "Subscription confirmed", Flash: msg})
}

// sendConfirmation writes the double opt-in message to the outbox. Like
// every message, it carries an unsubscribe link and List-Unsubscribe
// headers.
func (a *app) sendConfirmation(ctx context.Context, to pii.String, subject string, t topic, token string) error {
	confirmURL := a.cfg.BaseURL + "/subscriptions/confirm?token=" + url.QueryEscape(token)
	unsubURL, hdr, err := a.unsubscribeHeaders(subject, t.ID)
	if err != nil {
		return err
	}
	body := fmt.Sprintf(`Hello,

someone (we hope you) asked to receive "%s" from the City of Example.
To confirm, open this link:

%s

If it was not you, ignore this message: you will not be subscribed.

You can unsubscribe at any time:
%s

City of Example, Privacy Office
`, t.Title, confirmURL, unsubURL)
	_, err = a.outbox.send(ctx, message{To: to, Subject: "Please confirm: " + t.Title, Body: body, Header: hdr})
	return err
}

// unsubscribeMailbox is the mailto: alternative in List-Unsubscribe.
const unsubscribeMailbox = "unsubscribe@example.com"

// unsubscribeHeaders returns the one-click unsubscribe URL for the subject
// and purpose and the List-Unsubscribe headers. In production (a.secure:
// an https base URL) they come from consent.UnsubscribeURL and
// consent.ListUnsubscribeHeaders, which require https as RFC 8058 does. Only
// the plain-HTTP development server builds them by hand
// (devUnsubscribeHeaders), so that the flow can be tried locally.
func (a *app) unsubscribeHeaders(subject, purpose string) (string, textproto.MIMEHeader, error) {
	token, err := a.ledger.UnsubscribeToken(subject, purpose, consent.Email)
	if err != nil {
		return "", nil, err
	}
	base := a.cfg.BaseURL + "/unsubscribe"
	if !a.secure {
		return devUnsubscribeHeaders(base, token)
	}
	u, err := consent.UnsubscribeURL(base, token)
	if err != nil {
		return "", nil, err
	}
	h, err := consent.ListUnsubscribeHeaders(u, unsubscribeMailbox)
	return u, h, err
}

// devUnsubscribeHeaders is consent.UnsubscribeURL plus
// consent.ListUnsubscribeHeaders for an http:// base URL, which those refuse.
// It is for the development server only: newApp refuses to start in
// production mode without an https base URL, and unsubscribeHeaders calls
// this only in development mode. It accepts nothing but an absolute http
// URL.
func devUnsubscribeHeaders(base, token string) (string, textproto.MIMEHeader, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil || u.Fragment != "" {
		return "", nil, errors.New("portal: the development unsubscribe URL must be an absolute http URL")
	}
	q := u.Query()
	q.Set("token", token)
	u.RawQuery = q.Encode()
	s := u.String()
	// As in consent.ListUnsubscribeHeaders: RFC 2369 encloses each URI in
	// angle brackets, so nothing may end or split one.
	if strings.ContainsAny(s, "<>, \r\n\t") {
		return "", nil, errors.New("portal: the development unsubscribe URL holds characters that List-Unsubscribe cannot carry")
	}
	h := textproto.MIMEHeader{}
	h.Set("List-Unsubscribe", "<"+s+">, <mailto:"+unsubscribeMailbox+"?subject=unsubscribe>")
	h.Set("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	return s, h, nil
}
