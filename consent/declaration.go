package consent

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

// Retention declares how long the data collected for a purpose are kept
// (the ISO/IEC TS 27560 retention period).
type Retention struct {
	// Period is how long the data are kept once the consent ends
	// (withdrawn, revoked or expired). Zero means no period is declared.
	Period time.Duration
	// Description says it in words, for example "the address until you
	// leave the list; the record of your choices 3 years, as schedule
	// GS-12 requires". Empty means a sentence built from Period, or the
	// package default.
	Description string
}

// IsZero reports whether r declares nothing.
func (r Retention) IsZero() bool { return r.Period == 0 && r.Description == "" }

// RecipientRole is the part a recipient of a purpose's data plays, as a
// W3C DPV entity.
type RecipientRole string

// Recipient roles.
const (
	// RecipientProcessor processes the data for the city and on its
	// instructions, for example a mailing service (DPV DataProcessor).
	RecipientProcessor RecipientRole = "processor"
	// RecipientThirdParty receives the data for its own use (DPV
	// ThirdParty).
	RecipientThirdParty RecipientRole = "third_party"
	// RecipientJointController decides with the city what the data are
	// used for (DPV JointDataControllers).
	RecipientJointController RecipientRole = "joint_controller"
)

// Valid reports whether r is one of the defined roles.
func (r RecipientRole) Valid() bool {
	switch r {
	case RecipientProcessor, RecipientThirdParty, RecipientJointController:
		return true
	}
	return false
}

// IRI returns the role's DPV IRI, for example
// "https://w3id.org/dpv#DataProcessor".
func (r RecipientRole) IRI() string {
	switch r {
	case RecipientProcessor:
		return "https://w3id.org/dpv#DataProcessor"
	case RecipientThirdParty:
		return "https://w3id.org/dpv#ThirdParty"
	case RecipientJointController:
		return "https://w3id.org/dpv#JointDataControllers"
	}
	return ""
}

// Recipient is an organisation a purpose's data are disclosed to. It
// names an organisation, never a person.
type Recipient struct {
	// Name is the organisation's name, for example "Example Mail Service".
	Name string `json:"name" validate:"required,max=128"`
	// Role is its part: processor, third party or joint controller.
	Role RecipientRole `json:"role" validate:"consent_valid"`
	// Purpose says what it does with the data, for example "sends the
	// newsletter".
	Purpose string `json:"purpose,omitempty" validate:"max=256"`
	// Location is where it processes the data, an ISO 3166 code such as
	// "US" or "US-CA".
	Location string `json:"location,omitempty" validate:"omitempty,consent_region"`
	// URL is its privacy policy.
	URL string `json:"url,omitempty" validate:"omitempty,http_url,max=512"`
}

var regionRE = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)

func init() {
	if err := validate.RegisterValidation("consent_region", func(fl validator.FieldLevel) bool {
		return regionRE.MatchString(fl.Field().String())
	}); err != nil {
		panic(err)
	}
}

// purposeInput is what PurposeDef.check validates.
type purposeInput struct {
	Description          string      `validate:"max=256"`
	RetentionPeriod      int64       `validate:"gte=0"`
	RetentionDescription string      `validate:"max=512"`
	StorageLocations     []string    `validate:"max=16,dive,consent_region"`
	Recipients           []Recipient `validate:"max=32,dive"`
	Withdrawal           string      `validate:"max=512"`
	Jurisdiction         string      `validate:"omitempty,consent_region"`
}

// check validates p's receipt declarations. The error names the purpose,
// the field and the rule, never a value.
func (p PurposeDef) check() error {
	err := validate.Struct(purposeInput{
		Description: p.Description, RetentionPeriod: int64(p.Retention.Period),
		RetentionDescription: p.Retention.Description, StorageLocations: p.StorageLocations,
		Recipients: p.Recipients, Withdrawal: p.Withdrawal, Jurisdiction: p.Jurisdiction,
	})
	if err != nil {
		return fmt.Errorf("%w: purpose %s: %s", ErrBadDeclaration, p.ID, describe(err))
	}
	return nil
}

// controllerInput is what Controller.check validates. Every field may be
// empty (receipts then leave it empty); what is given must be well formed.
type controllerInput struct {
	Name         string `validate:"max=128"`
	Contact      string `validate:"max=128"`
	Address      string `validate:"max=256"`
	Email        string `validate:"omitempty,email,max=254"`
	Phone        string `validate:"max=32"`
	URL          string `validate:"omitempty,http_url,max=512"`
	PolicyURL    string `validate:"omitempty,http_url,max=512"`
	Jurisdiction string `validate:"omitempty,consent_region"`
	Language     string `validate:"omitempty,bcp47_language_tag"`
}

func (c Controller) check() error {
	err := validate.Struct(controllerInput(c))
	if err != nil {
		return fmt.Errorf("%w: controller: %s", ErrBadDeclaration, describe(err))
	}
	return nil
}

// ErrBadDeclaration means a purpose or the controller, as given to New,
// declares something malformed (a storage location that is no ISO 3166
// code, a recipient without a name...). The error names the purpose and
// the field, never the value.
var ErrBadDeclaration = errors.New("consent: bad declaration")

// describe turns validator errors into "field: rule" pairs, without values.
func describe(err error) string {
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return err.Error()
	}
	parts := make([]string, 0, len(ves))
	for _, fe := range ves {
		field := fe.Namespace()
		if i := strings.IndexByte(field, '.'); i >= 0 {
			field = field[i+1:]
		}
		field = fieldNames.Replace(field)
		rule, ok := ruleText[fe.Tag()]
		if !ok {
			rule = "fails " + fe.Tag()
		}
		if fe.Param() != "" {
			rule += " " + fe.Param()
		}
		parts = append(parts, field+" "+rule)
	}
	return strings.Join(parts, "; ")
}

var fieldNames = strings.NewReplacer("RetentionPeriod", "Retention.Period", "RetentionDescription", "Retention.Description")

var ruleText = map[string]string{
	"required":           "is required",
	"max":                "is longer than",
	"gte":                "must be at least",
	"consent_region":     "must be an ISO 3166 code such as US or US-MA",
	"consent_valid":      "is not one of the defined values",
	"email":              "must be an e-mail address",
	"http_url":           "must be an http or https URL",
	"bcp47_language_tag": "must be a BCP 47 language tag such as en or es-US",
}

// declared is a purpose's declarations with the defaults filled in.
type declared struct {
	retentionPeriod string // ISO 8601 duration, or ""
	retention       string
	locations       []string
	recipients      []Recipient
	withdrawal      string
	jurisdiction    string
	validity        time.Duration
}

// Default sentences of receipts and records.
const (
	defaultRetention  = "Kept while the consent is in force; the record of the consent and its withdrawal, which holds no contact data, is kept as long as the controller's records retention schedule requires."
	withdrawByEmail   = "Use the one-click unsubscribe link in any message, or contact the controller."
	withdrawBySMS     = "Reply STOP to any text message, or contact the controller."
	withdrawByContact = "Contact the controller."
	withdrawOnline    = "Change the choice where it was made (the website's cookie settings), or contact the controller."
	retentionAfterFmt = "Kept while the consent is in force and for %s after it ends."
)

// declared returns the declarations of purpose on ch, defaults filled in.
func (l *Ledger) declared(purpose string, ch Channel) declared {
	def := l.purposes[purpose]
	d := declared{
		retentionPeriod: isoDuration(def.Retention.Period),
		retention:       def.Retention.Description,
		locations:       def.StorageLocations,
		recipients:      def.Recipients,
		withdrawal:      def.Withdrawal,
		jurisdiction:    def.Jurisdiction,
		validity:        def.MaxAge,
	}
	if d.retention == "" {
		if d.retentionPeriod != "" {
			d.retention = fmt.Sprintf(retentionAfterFmt, humanDuration(def.Retention.Period))
		} else {
			d.retention = defaultRetention
		}
	}
	if d.jurisdiction == "" {
		d.jurisdiction = l.opts.Controller.Jurisdiction
	}
	if len(d.locations) == 0 {
		d.locations = []string{}
		if j := l.opts.Controller.Jurisdiction; j != "" {
			d.locations = []string{j}
		}
	}
	if d.recipients == nil {
		d.recipients = []Recipient{}
	}
	if d.withdrawal == "" {
		switch ch {
		case Email:
			d.withdrawal = withdrawByEmail
		case SMS:
			d.withdrawal = withdrawBySMS
		case Postal, Phone:
			d.withdrawal = withdrawByContact
		default: // the website: choices made in a banner
			d.withdrawal = withdrawOnline
		}
	}
	return d
}

// thirdParties returns the names of recipients that are not processors.
func (d declared) thirdParties() []string {
	var out []string
	for _, r := range d.recipients {
		if r.Role != RecipientProcessor {
			out = append(out, r.Name)
		}
	}
	return out
}

// humanDuration says d in words: "90 days", "1 day", or Go's form
// ("36h0m0s") when it is not a whole number of days.
func humanDuration(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d == day:
		return "1 day"
	case d > 0 && d%day == 0:
		return strconv.FormatInt(int64(d/day), 10) + " days"
	}
	return d.String()
}

// isoDuration formats d as an ISO 8601 duration ("P30D", "PT72H30M"),
// whole seconds; "" for zero or less.
func isoDuration(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	d = d.Round(time.Second)
	if d < time.Second {
		d = time.Second
	}
	const day = 24 * time.Hour
	var b strings.Builder
	b.WriteByte('P')
	if days := d / day; days > 0 {
		b.WriteString(strconv.FormatInt(int64(days), 10) + "D")
		d -= days * day
	}
	if d > 0 {
		b.WriteByte('T')
		if h := d / time.Hour; h > 0 {
			b.WriteString(strconv.FormatInt(int64(h), 10) + "H")
			d -= h * time.Hour
		}
		if m := d / time.Minute; m > 0 {
			b.WriteString(strconv.FormatInt(int64(m), 10) + "M")
			d -= m * time.Minute
		}
		if s := d / time.Second; s > 0 {
			b.WriteString(strconv.FormatInt(int64(s), 10) + "S")
		}
	}
	return b.String()
}
