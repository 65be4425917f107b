package main

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/pii"
	"github.com/go-playground/validator/v10"
	"github.com/nyaruka/phonenumbers"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// validatorV returns the validator with the pii tags registered.
func validatorV() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		if err := pii.RegisterValidators(v); err != nil {
			panic(err)
		}
		// Phone numbers from anywhere, as libphonenumber knows them
		// (github.com/nyaruka/phonenumbers); a number without a country
		// code is read as a US one.
		if err := v.RegisterValidation("intl_phone", func(fl validator.FieldLevel) bool {
			_, ok := e164(fl.Field().String())
			return ok
		}); err != nil {
			panic(err)
		}
		validate = v
	})
	return validate
}

// fieldProblems turns validator errors into messages that name the form
// field, never its value.
func fieldProblems(err error, labels map[string]string) string {
	var ve validator.ValidationErrors
	if !errors.As(err, &ve) {
		return "Please check the form."
	}
	var names []string
	for _, fe := range ve {
		l := labels[fe.Field()]
		if l == "" {
			l = fe.Field()
		}
		names = append(names, l)
	}
	return "Please check: " + strings.Join(names, ", ") + "."
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "home", pageData{Title: "City of Example Utilities"})
}

func (a *app) privacy(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "privacy", pageData{Title: "Privacy notice", Data: map[string]any{
		"Text": noticeText, "ID": a.notice.ID, "Version": a.notice.Version,
	}})
}

// cookieNotice lists the declared cookies, for the banner's "details" link.
func (a *app) cookieNotice(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "cookies", pageData{Title: "Cookies", Data: map[string]any{
		"Session":      a.sessions.Name(),
		"Declarations": a.policy.Declarations(),
	}})
}

type signupInput struct {
	Name     pii.String `validate:"required,max=200"`
	Email    pii.String `validate:"required,pii_email"`
	Address  pii.String `validate:"required,max=300"`
	Phone    pii.String `validate:"required,intl_phone"`
	Number   pii.String `validate:"required,numeric,min=6,max=16"`
	Password string     `validate:"required,min=10,max=128"`
}

// signupField is one field of the sign-up form as the page shows it.
type signupField struct {
	ID, Label, Type, Auto string
	Max                   int
	Value, Problem        string
}

// signupForm returns the sign-up form's fields: empty, or, answering a
// POST that needs corrections, with what the visitor typed (their own
// values, on a response that is not cached; never the password) and a
// message on each field to correct.
func signupForm(r *http.Request, problems map[string]string) map[string]any {
	val := func(k string, max int) string {
		if r == nil || r.Method != http.MethodPost {
			return ""
		}
		return formString(r, k, max)
	}
	f := func(id, label, typ, auto string, max int, field string) signupField {
		return signupField{ID: id, Label: label, Type: typ, Auto: auto, Max: max, Value: val(id, max), Problem: problems[field]}
	}
	return map[string]any{
		"Fields": []signupField{
			f("name", "Full name", "", "name", 200, "Name"),
			f("email", "E-mail address", "email", "email", 254, "Email"),
			f("address", "Service address", "", "street-address", 300, "Address"),
			f("phone", "Phone (from outside the US, start with + and the country code)", "tel", "tel", 40, "Phone"),
			f("account_number", "Utility account number", "", "", 40, "Number"),
		},
		"PasswordProblem": problems["Password"],
	}
}

// fieldMessages maps each invalid field of a validation error to a
// message that names the field, never its value.
func fieldMessages(err error, labels map[string]string) map[string]string {
	out := map[string]string{}
	var ve validator.ValidationErrors
	if !errors.As(err, &ve) {
		return out
	}
	for _, fe := range ve {
		l := labels[fe.Field()]
		if l == "" {
			l = fe.Field()
		}
		out[fe.Field()] = "Please check the " + l + "."
	}
	return out
}

var signupLabels = map[string]string{
	"Name": "name", "Email": "e-mail address", "Address": "service address",
	"Phone": "phone number", "Number": "utility account number (6 to 16 digits)", "Password": "password (10 characters or more)",
}

func (a *app) signupForm(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "signup", pageData{Title: "Create an account", Data: signupForm(nil, nil)})
}

func (a *app) signup(w http.ResponseWriter, r *http.Request) {
	in := signupInput{
		Name:     formPII(r, "name", pii.Name, 200),
		Email:    formPII(r, "email", pii.Email, 254),
		Address:  formPII(r, "address", pii.PostalAddress, 300),
		Phone:    formPII(r, "phone", pii.Phone, 40),
		Number:   pii.New(pii.AccountNumber, strings.ReplaceAll(formString(r, "account_number", 40), "-", "")),
		Password: r.PostFormValue("password"),
	}
	if err := validatorV().Struct(in); err != nil {
		// The form comes back with what was typed (never the password) and
		// a message on each field to correct, to the visitor who typed it,
		// on a response no cache keeps.
		w.Header().Set("Cache-Control", "no-store")
		a.render(w, r, http.StatusUnprocessableEntity, "signup", pageData{Title: "Create an account",
			Error: fieldProblems(err, signupLabels), Data: signupForm(r, fieldMessages(err, signupLabels))})
		return
	}
	ctx := r.Context()
	if p, ok := e164(in.Phone.Reveal()); ok {
		in.Phone = pii.New(pii.Phone, p) // stored as E.164: +16175550143
	}
	acct, err := a.createAccount(ctx, accountData{Name: in.Name, Email: in.Email, Address: in.Address, Phone: in.Phone, Number: in.Number}, in.Password)
	if errors.Is(err, errEmailTaken) {
		// Say nothing here about the existing account: tell its owner.
		if _, err := a.accountMail(ctx, pii.New(pii.Email, normEmail(in.Email.Reveal())), "Someone tried to create an account with your address",
			"Hello,\n\nsomeone tried to create an account at the City of Example's utility portal with this\n"+
				"e-mail address, which has an account already. If it was you, log in, or set a new password at\n"+
				a.cfg.BaseURL+"/reset\n\nIf it was not you, ignore this message.\n\nCity of Example, Utility Billing\n"); err != nil {
			a.internal(w, r, err)
			return
		}
		a.checkMail(w, r)
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if err := a.sendVerification(ctx, acct); err != nil {
		a.internal(w, r, err)
		return
	}
	a.log.InfoContext(ctx, "account created", "account", acct.ID)
	a.checkMail(w, r)
}

// signIn starts a session for acct (a new session id: no fixation), logs
// event and sends the visitor to their account page.
func (a *app) signIn(w http.ResponseWriter, r *http.Request, acct *account, event string) {
	a.signInTo(w, r, acct, event, "")
}

// signInTo is signIn that then goes to next (a local path) instead of the
// account page.
func (a *app) signInTo(w http.ResponseWriter, r *http.Request, acct *account, event, next string) {
	if err := a.startSession(r.Context(), r, acct); err != nil {
		a.internal(w, r, err)
		return
	}
	a.log.InfoContext(r.Context(), event, "account", acct.ID)
	// The verified e-mail address's subject and this browser's are the
	// account's person now. A ledger failure does not stop the sign-in:
	// the next one, or My data, links them.
	if err := a.linkDevice(r.Context(), acct, a.deviceOf(r)); err != nil {
		a.log.WarnContext(r.Context(), "subjects not linked at sign-in", "error", err)
	} else if _, err := a.accountPerson(r.Context(), acct); err != nil {
		a.log.WarnContext(r.Context(), "subjects not linked at sign-in", "error", err)
	}
	if next == "" {
		next = "/account"
	}
	seeOther(w, r, next)
}

func (a *app) loginForm(w http.ResponseWriter, r *http.Request) {
	flash := emailOutcomes[r.URL.Query().Get("email")]
	if flash != "" {
		flash += " Log in with your new address."
	}
	a.render(w, r, http.StatusOK, "login", pageData{Title: "Log in", Flash: flash, Data: map[string]string{"Next": localNext(r.URL.Query().Get("next"))}})
}

// localNext is where to go after logging in: a local path, or "" for the
// account page.
func localNext(next string) string {
	if p := localPath(next); p != "/" {
		return p
	}
	return ""
}

func (a *app) loginPost(w http.ResponseWriter, r *http.Request) {
	email := formPII(r, "email", pii.Email, 254)
	key, err := a.emailIndex(pii.New(pii.Email, normEmail(email.Reveal())))
	if err != nil {
		a.internal(w, r, err)
		return
	}
	ip := clientKey(r)
	if ok, wait := a.throttle.allow(key, ip); !ok {
		a.log.WarnContext(r.Context(), "log-in throttled", "wait_seconds", retryAfter(wait))
		w.Header().Set("Retry-After", retryAfter(wait))
		a.render(w, r, http.StatusTooManyRequests, "login", pageData{Title: "Log in",
			Error: "Too many failed log-ins. Please wait " + retryAfter(wait) + " seconds and try again."})
		return
	}
	release, err := a.throttle.hashSlot(r.Context())
	if err != nil {
		return // the client went away
	}
	acct, err := a.login(r.Context(), email, r.PostFormValue("password"))
	release()
	if errors.Is(err, errBadLogin) {
		a.throttle.failed(key, ip)
		a.render(w, r, http.StatusUnauthorized, "login", pageData{Title: "Log in", Error: "Wrong e-mail address or password."})
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	a.throttle.succeeded(key)
	verified, err := a.isVerified(r.Context(), acct.ID)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	if !verified {
		// The password is right, so saying this reveals nothing new.
		if err := a.sendVerification(r.Context(), acct); err != nil {
			a.internal(w, r, err)
			return
		}
		a.render(w, r, http.StatusForbidden, "login", pageData{Title: "Log in",
			Error: "Please confirm your e-mail address first: we have sent you a new link."})
		return
	}
	a.signInTo(w, r, acct, "login", localNext(r.PostFormValue("next")))
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	a.session(r).Destroy() // deletes the stored session too
	seeOther(w, r, "/")
}

// accountView is the account page's data: contact data masked where the
// category allows (phone, account number), shown otherwise since it is the
// holder's own.
type accountView struct {
	ID       string
	Name     string
	Email    string
	Address  string
	Phone    string
	Number   string
	Staff    bool
	Sessions []sessionView // the account's active sessions, this one marked
	// PhoneLinked reports whether the phone number was confirmed by a
	// text message and so belongs to the account's person.
	PhoneLinked bool
}

func (a *app) accountPage(w http.ResponseWriter, r *http.Request, acct *account) {
	flash := emailOutcomes[r.URL.Query().Get("email")]
	if r.URL.Query().Get("sessions") == "ended" {
		flash = "Those sessions are ended: the devices that used them are logged out."
	}
	if f := phoneOutcomes[r.URL.Query().Get("phone")]; f != "" {
		flash = f
	}
	a.render(w, r, http.StatusOK, "account", pageData{Title: "My account", Flash: flash, Data: accountView{
		ID:          acct.ID,
		Name:        acct.Data.Name.Reveal(),
		Email:       acct.Data.Email.Reveal(),
		Address:     acct.Data.Address.Reveal(),
		Phone:       acct.Data.Phone.Masked(),
		Number:      acct.Data.Number.Masked(),
		Staff:       acct.Staff,
		Sessions:    a.accountSessions(r.Context(), acct.ID, a.session(r).Handle()),
		PhoneLinked: a.phoneLinked(r.Context(), acct),
	}})
}

var _ cookies.ConsentChecker = cookies.ConsentFunc(nil)

// localPath returns back when it is a path on this site, and "/" for
// anything a browser could take elsewhere: an absolute or
// protocol-relative URL, or a backslash, which browsers read as a slash
// ("/\\evil.example" is "//evil.example").
func localPath(back string) string {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\x00\r\n\t") {
		return "/"
	}
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return back
}

// e164 returns a phone number in E.164 form (+16175550143), reading a
// number without a country code as a US one, and false when it is not a
// valid number anywhere.
func e164(s string) (string, bool) {
	if len(s) > 40 {
		return "", false
	}
	n, err := phonenumbers.Parse(s, "US")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	return phonenumbers.Format(n, phonenumbers.E164), true
}
