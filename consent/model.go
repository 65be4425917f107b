package consent

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"time"

	"github.com/go-playground/validator/v10"
)

// Channel is how the city contacts a subject.
type Channel string

// Channels.
const (
	Email  Channel = "email"
	SMS    Channel = "sms"
	Postal Channel = "postal"
	Phone  Channel = "phone"
	// Web is the city's website itself: cookie and tracking choices made in
	// a cookie banner, recorded for a device subject (Ledger.EnrollDevice)
	// under purposes such as "cookies:analytics".
	Web Channel = "web"
)

// Valid reports whether c is one of the defined channels.
func (c Channel) Valid() bool {
	switch c {
	case Email, SMS, Postal, Phone, Web:
		return true
	}
	return false
}

// ContactKind is the kind of contact point that identifies a subject.
type ContactKind string

// Contact point kinds.
const (
	ContactEmail  ContactKind = "email"
	ContactPhone  ContactKind = "phone"
	ContactPostal ContactKind = "postal"
	// ContactDevice is a browser, known only by the random subject id kept
	// in a strictly necessary cookie: it has no contact point (see
	// Ledger.EnrollDevice).
	ContactDevice ContactKind = "device"
)

// Valid reports whether k is one of the defined kinds.
func (k ContactKind) Valid() bool {
	switch k {
	case ContactEmail, ContactPhone, ContactPostal, ContactDevice:
		return true
	}
	return false
}

// EventType is what happened to a subject's consent for one purpose and
// channel.
type EventType string

// Event types. Events are never updated or deleted: a change of mind is a
// new event.
const (
	Requested EventType = "requested" // consent was asked for (double opt-in pending)
	Given     EventType = "given"     // the subject agreed (single opt-in: paper, phone, form)
	Confirmed EventType = "confirmed" // the subject confirmed a double opt-in request
	Withdrawn EventType = "withdrawn" // the subject withdrew
	Revoked   EventType = "revoked"   // the city ended the consent (for example, a bounced address)
	Expired   EventType = "expired"   // the consent lapsed
	Renewed   EventType = "renewed"   // the subject agreed again (for example, under a new notice)

	// Linked and Unlinked are not consent: they record that the subject
	// joined or left a person (see Ledger.Link). Their Purpose is
	// PersonPurpose, their Channel is empty and their Detail is the
	// person id. Only Ledger.Link and Ledger.Unlink record them.
	Linked   EventType = "linked"   // the subject was linked to the person named in Detail
	Unlinked EventType = "unlinked" // the subject was unlinked from the person named in Detail
)

// Valid reports whether t is one of the defined event types.
func (t EventType) Valid() bool {
	switch t {
	case Requested, Given, Confirmed, Withdrawn, Revoked, Expired, Renewed, Linked, Unlinked:
		return true
	}
	return false
}

// Method is how an event was captured.
type Method string

// Methods.
const (
	WebForm        Method = "web_form"
	EmailLink      Method = "email_link"
	OneClick       Method = "one_click_unsubscribe"
	SMSKeyword     Method = "sms_keyword"
	Paper          Method = "paper"
	PhoneCall      Method = "phone"
	Import         Method = "import"
	GPCSignal      Method = "gpc"
	StaffAction    Method = "staff"
	SystemSchedule Method = "system"
)

// Valid reports whether m is one of the defined methods.
func (m Method) Valid() bool {
	switch m {
	case WebForm, EmailLink, OneClick, SMSKeyword, Paper, PhoneCall, Import, GPCSignal, StaffAction, SystemSchedule:
		return true
	}
	return false
}

// Status is a consent status from the W3C Data Privacy Vocabulary (DPV).
// Its string form is the DPV concept name, for example "ConsentGiven".
type Status string

// Consent statuses (https://w3id.org/dpv#ConsentStatus).
const (
	StatusUnknown   Status = "ConsentUnknown"
	StatusRequested Status = "ConsentRequested"
	StatusGiven     Status = "ConsentGiven"
	StatusWithdrawn Status = "ConsentWithdrawn"
	StatusRevoked   Status = "ConsentRevoked"
	StatusExpired   Status = "ConsentExpired"
	StatusRenewed   Status = "RenewedConsentGiven"
)

// IRI returns the status's DPV IRI, for example
// "https://w3id.org/dpv#ConsentGiven".
func (s Status) IRI() string { return "https://w3id.org/dpv#" + string(s) }

// AllowsContact reports whether the status is one under which the subject
// may be contacted: ConsentGiven or RenewedConsentGiven.
func (s Status) AllowsContact() bool { return s == StatusGiven || s == StatusRenewed }

// Status returns the DPV status an event of type t leaves behind.
func (t EventType) Status() Status {
	switch t {
	case Requested:
		return StatusRequested
	case Given, Confirmed:
		return StatusGiven
	case Withdrawn:
		return StatusWithdrawn
	case Revoked:
		return StatusRevoked
	case Expired:
		return StatusExpired
	case Renewed:
		return StatusRenewed
	}
	return StatusUnknown
}

// NoticeRef names the version of a privacy notice an event was recorded
// under.
type NoticeRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// IsZero reports whether r names no notice.
func (r NoticeRef) IsZero() bool { return r.ID == "" && r.Version == 0 }

// Notice is one version of a privacy notice: what the subject was shown.
// The ledger keeps the SHA-256 of the text so that, years later, the city
// can show which wording a consent rests on.
type Notice struct {
	ID          string    `json:"id"`
	Version     int       `json:"version"`
	TextSHA256  []byte    `json:"text_sha256"`
	URL         string    `json:"url,omitempty"`
	EffectiveAt time.Time `json:"effective_at"`
}

// Ref returns the notice's reference.
func (n Notice) Ref() NoticeRef { return NoticeRef{ID: n.ID, Version: n.Version} }

// NewNotice returns a Notice for version of the notice id with the SHA-256
// of its text.
func NewNotice(id string, version int, text []byte, url string, effective time.Time) Notice {
	h := sha256.Sum256(text)
	return Notice{ID: id, Version: version, TextSHA256: h[:], URL: url, EffectiveAt: effective.UTC()}
}

// Event is one entry in a subject's consent history. Subject ids are opaque
// random ids, never PII; Actor and Detail must not hold PII either (use a
// staff id, not a name).
type Event struct {
	Subject    string    `json:"subject"`
	Seq        int64     `json:"seq"` // 1, 2, 3... per subject; set by the store
	Type       EventType `json:"type"`
	Purpose    string    `json:"purpose"`
	Channel    Channel   `json:"channel"`
	Method     Method    `json:"method"`
	Notice     NoticeRef `json:"notice"`
	Actor      string    `json:"actor"`            // "subject", "staff:1234", "system"
	Detail     string    `json:"detail,omitempty"` // non-PII note, for example "keyword STOP"
	OccurredAt time.Time `json:"occurred_at"`
	RecordedAt time.Time `json:"recorded_at"`
	PrevHash   []byte    `json:"prev_hash"` // Hash of event Seq-1 (nil for Seq 1); set by the store
	Hash       []byte    `json:"hash"`      // see ComputeHash and ChainKey; set by the store
	// HashScheme says how Hash was made: HashSHA256 (unkeyed) or
	// HashKeyedPRF (keyed by the chain key); set by the store.
	HashScheme HashScheme `json:"hash_scheme"`
	// HashKey is the Tink key id of the chain key that made a keyed Hash,
	// 0 for an unkeyed one; set by the store.
	HashKey uint32 `json:"hash_key,omitempty"`
}

// SubjectRecord is a subject as stored: an opaque id, the kind of its
// contact point, the contact point sealed under the subject's own data key
// (pii.Shredder), and the blind index used to find it. Contact and Index are
// nil once the subject is forgotten.
type SubjectRecord struct {
	ID          string
	Kind        ContactKind
	Contact     []byte // pii.Sealed
	Index       []byte // pii.BlindIndex
	CreatedAt   time.Time
	ForgottenAt time.Time // zero while the subject is remembered
}

// Forgotten reports whether the subject was forgotten.
func (r SubjectRecord) Forgotten() bool { return !r.ForgottenAt.IsZero() }

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9:._/-]{0,63}$`)

// validName reports whether s is a valid purpose or notice id: 1 to 64
// characters of lower-case letters, digits and ":._/-", starting with a
// letter or digit.
func validName(s string) bool { return nameRE.MatchString(s) }

var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(v.RegisterValidation("consent_name", func(fl validator.FieldLevel) bool {
		return validName(fl.Field().String())
	}))
	must(v.RegisterValidation("consent_valid", func(fl validator.FieldLevel) bool {
		x, ok := fl.Field().Interface().(interface{ Valid() bool })
		return ok && x.Valid()
	}))
	return v
}()

// eventInput is what check validates; the validator's messages name fields
// and rules, never values (Actor or Detail could hold PII by mistake).
type eventInput struct {
	Subject       string    `validate:"required,max=64,printascii"`
	Type          EventType `validate:"consent_valid"`
	Purpose       string    `validate:"consent_name"`
	Channel       Channel   `validate:"consent_valid"`
	Method        Method    `validate:"consent_valid"`
	NoticeID      string    `validate:"omitempty,consent_name"`
	NoticeVersion int       `validate:"gte=0"`
	Actor         string    `validate:"required,max=128,printascii"`
	Detail        string    `validate:"max=512"`
	OccurredAt    time.Time `validate:"required"`
}

// check validates e's caller-supplied fields.
func (e *Event) check() error {
	err := validate.Struct(eventInput{
		Subject: e.Subject, Type: e.Type, Purpose: e.Purpose, Channel: e.Channel,
		Method: e.Method, NoticeID: e.Notice.ID, NoticeVersion: e.Notice.Version,
		Actor: e.Actor, Detail: e.Detail, OccurredAt: e.OccurredAt,
	})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadEvent, err)
	}
	if e.Type == Linked || e.Type == Unlinked || e.Purpose == PersonPurpose {
		return errLinkEvent
	}
	return nil
}
