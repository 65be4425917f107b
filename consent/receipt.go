package consent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Controller identifies the city (the PII controller) in receipts. It is
// the city's public contact information, not a person's.
type Controller struct {
	Name         string `json:"name"`         // "City of Example"
	Contact      string `json:"contact"`      // "Privacy Office"
	Address      string `json:"address"`      // the office's postal address
	Email        string `json:"email"`        // privacy@example.gov
	Phone        string `json:"phone"`        // the office's phone number
	URL          string `json:"url"`          // https://www.example.gov
	PolicyURL    string `json:"policy_url"`   // the privacy policy
	Jurisdiction string `json:"jurisdiction"` // "US-MA"
	Language     string `json:"language"`     // "en"
}

// receiptID derives a stable receipt id from the subject and the hash of
// its latest event: the same history always yields the same id, and any
// new event a new one.
func receiptID(subject string, events []Event) string {
	h := sha256.New()
	h.Write([]byte("civickit/consent/receipt/v1\x00" + subject + "\x00"))
	if n := len(events); n > 0 {
		h.Write(events[n-1].Hash)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// ISORecord is a consent record in the style of ISO/IEC TS 27560:2023
// (consent record information structure), using W3C DPV terms for status.
// The PII principal is the opaque subject id: the record holds no contact
// data.
type ISORecord struct {
	SchemaVersion  string          `json:"schema_version"`
	RecordID       string          `json:"record_id"`
	PIIPrincipalID string          `json:"pii_principal_id"`
	Controller     Controller      `json:"pii_controller"`
	Generated      time.Time       `json:"record_generated"`
	Processing     []ISOProcessing `json:"processing"`
	Events         []ISOEvent      `json:"events"`
	ChainHead      string          `json:"chain_head"` // hex SHA-256 of the latest event
}

// ISOProcessing is the current state of one purpose and channel.
type ISOProcessing struct {
	Purpose     string    `json:"purpose"`
	Description string    `json:"purpose_description,omitempty"`
	Channel     Channel   `json:"channel"`
	LegalBasis  string    `json:"legal_basis"` // a DPV IRI
	PIICategory []string  `json:"pii_categories"`
	Status      Status    `json:"consent_status"`
	StatusIRI   string    `json:"consent_status_iri"`
	Since       time.Time `json:"status_since"`
	Notice      NoticeRef `json:"notice"`

	// The purpose's declarations (PurposeDef), defaults filled in.

	// RetentionPeriod is the declared Retention.Period as an ISO 8601
	// duration ("P1095D"); empty when none is declared.
	RetentionPeriod string `json:"retention_period,omitempty"`
	// Retention says how long the data are kept, in words.
	Retention string `json:"retention"`
	// StorageLocations are ISO 3166 codes.
	StorageLocations []string `json:"storage_locations"`
	// Recipients are the processors and third parties the data go to.
	Recipients []Recipient `json:"recipients"`
	// WithdrawalMethod says how to withdraw.
	WithdrawalMethod string `json:"withdrawal_method"`
	// Jurisdiction is an ISO 3166 code.
	Jurisdiction string `json:"jurisdiction"`
	// Validity is the purpose's MaxAge as an ISO 8601 duration; empty
	// means until withdrawn.
	Validity string `json:"validity,omitempty"`
	// ExpiresAt is when a consent in force lapses (the event it rests on
	// plus MaxAge); nil when it does not, or no consent is in force.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// ISOEvent is one event of the record.
type ISOEvent struct {
	Seq        int64     `json:"seq"`
	Type       EventType `json:"event_type"`
	Status     Status    `json:"event_state"`
	Purpose    string    `json:"purpose"`
	Channel    Channel   `json:"channel"`
	Method     Method    `json:"method"`
	Actor      string    `json:"actor"`
	Notice     NoticeRef `json:"notice"`
	OccurredAt time.Time `json:"event_time"`
	RecordedAt time.Time `json:"recorded_time"`
	Hash       string    `json:"hash"`
}

func piiCategoryFor(ch Channel) string {
	switch ch {
	case Email:
		return "email"
	case SMS, Phone:
		return "phone"
	case Postal:
		return "postal_address"
	}
	// Any other channel reaches a device, known by a random id (a cookie,
	// for example): an online identifier.
	return "online_identifier"
}

// expiry returns when the consent in force in s lapses, or nil.
func expiry(s PurposeStatus, validity time.Duration) *time.Time {
	if validity <= 0 || !s.Status.AllowsContact() {
		return nil
	}
	t := s.Event.OccurredAt.Add(validity).UTC()
	return &t
}

// ISOReceipt returns the subject's record in the style of ISO/IEC TS 27560,
// for the subject (a "see the data we have about you" request) or an
// auditor. Marshal it with encoding/json.
func (l *Ledger) ISOReceipt(ctx context.Context, subject string) (ISORecord, error) {
	if _, err := l.store.Subject(ctx, subject); err != nil {
		return ISORecord{}, err
	}
	events, err := l.store.Events(ctx, subject)
	if err != nil {
		return ISORecord{}, err
	}
	r := ISORecord{
		SchemaVersion:  "ISO/IEC TS 27560:2023 (civickit profile v1)",
		RecordID:       receiptID(subject, events),
		PIIPrincipalID: subject,
		Controller:     l.opts.Controller,
		Generated:      l.now(),
		Processing:     []ISOProcessing{},
		Events:         []ISOEvent{},
	}
	for _, s := range statuses(events) {
		def := l.purposes[s.Purpose]
		basis := "https://w3id.org/dpv#Consent"
		if def.OptOut {
			basis = "https://w3id.org/dpv#LegitimateInterest"
		}
		d := l.declared(s.Purpose, s.Channel)
		r.Processing = append(r.Processing, ISOProcessing{
			Purpose: s.Purpose, Description: def.Description, Channel: s.Channel, LegalBasis: basis,
			PIICategory: []string{piiCategoryFor(s.Channel)}, Status: s.Status, StatusIRI: s.Status.IRI(),
			Since: s.Event.OccurredAt, Notice: s.Event.Notice,
			RetentionPeriod: d.retentionPeriod, Retention: d.retention, StorageLocations: d.locations,
			Recipients: d.recipients, WithdrawalMethod: d.withdrawal, Jurisdiction: d.jurisdiction,
			Validity: isoDuration(d.validity), ExpiresAt: expiry(s, d.validity),
		})
	}
	for _, e := range events {
		r.Events = append(r.Events, ISOEvent{
			Seq: e.Seq, Type: e.Type, Status: e.Type.Status(), Purpose: e.Purpose, Channel: e.Channel,
			Method: e.Method, Actor: e.Actor, Notice: e.Notice, OccurredAt: e.OccurredAt, RecordedAt: e.RecordedAt,
			Hash: hex.EncodeToString(e.Hash),
		})
	}
	if n := len(events); n > 0 {
		r.ChainHead = hex.EncodeToString(events[n-1].Hash)
	}
	return r, nil
}

// KantaraReceipt is a Kantara Initiative Consent Receipt (specification
// v1.1). Field names follow the specification's JSON.
type KantaraReceipt struct {
	Version          string              `json:"version"`
	Jurisdiction     string              `json:"jurisdiction"`
	ConsentTimestamp int64               `json:"consentTimestamp"`
	CollectionMethod string              `json:"collectionMethod"`
	ConsentReceiptID string              `json:"consentReceiptID"`
	PublicKey        string              `json:"publicKey,omitempty"`
	Language         string              `json:"language,omitempty"`
	PIIPrincipalID   string              `json:"piiPrincipalId"`
	PIIControllers   []KantaraController `json:"piiControllers"`
	PolicyURL        string              `json:"policyUrl"`
	Services         []KantaraService    `json:"services"`
	Sensitive        bool                `json:"sensitive"`
	SPICat           []string            `json:"spiCat"`
}

// KantaraController is a PII controller in a Kantara receipt.
type KantaraController struct {
	PIIController    string `json:"piiController"`
	OnBehalf         bool   `json:"onBehalf"`
	Contact          string `json:"contact"`
	Address          string `json:"address"`
	Email            string `json:"email"`
	Phone            string `json:"phone"`
	PIIControllerURL string `json:"piiControllerUrl,omitempty"`
}

// KantaraService is a service in a Kantara receipt.
type KantaraService struct {
	Service  string           `json:"service"`
	Purposes []KantaraPurpose `json:"purposes"`
}

// KantaraPurpose is a purpose in a Kantara receipt.
type KantaraPurpose struct {
	Purpose              string   `json:"purpose"`
	PurposeCategory      []string `json:"purposeCategory"`
	ConsentType          string   `json:"consentType"`
	PIICategory          []string `json:"piiCategory"`
	PrimaryPurpose       bool     `json:"primaryPurpose"`
	Termination          string   `json:"termination"`
	ThirdPartyDisclosure bool     `json:"thirdPartyDisclosure"`
	ThirdPartyName       string   `json:"thirdPartyName,omitempty"`
}

// KantaraReceipt returns a Kantara Consent Receipt v1.1 for the purposes
// the subject currently consents to (status ConsentGiven or
// RenewedConsentGiven), one service per channel. The consent timestamp is
// that of the latest of those consents; the PII principal id is the
// opaque subject id. Marshal it with encoding/json.
func (l *Ledger) KantaraReceipt(ctx context.Context, subject string) (KantaraReceipt, error) {
	if _, err := l.store.Subject(ctx, subject); err != nil {
		return KantaraReceipt{}, err
	}
	events, err := l.store.Events(ctx, subject)
	if err != nil {
		return KantaraReceipt{}, err
	}
	c := l.opts.Controller
	r := KantaraReceipt{
		Version:          "KI-CR-v1.1.0",
		Jurisdiction:     c.Jurisdiction,
		ConsentReceiptID: receiptID(subject, events),
		Language:         c.Language,
		PIIPrincipalID:   subject,
		PIIControllers: []KantaraController{{
			PIIController: c.Name, Contact: c.Contact, Address: c.Address, Email: c.Email, Phone: c.Phone, PIIControllerURL: c.URL,
		}},
		PolicyURL: c.PolicyURL,
		Services:  []KantaraService{},
		SPICat:    []string{},
	}
	byChannel := map[Channel]int{}
	var latest time.Time
	for _, s := range statuses(events) {
		if !s.Status.AllowsContact() {
			continue
		}
		def := l.purposes[s.Purpose]
		i, ok := byChannel[s.Channel]
		if !ok {
			i = len(r.Services)
			byChannel[s.Channel] = i
			r.Services = append(r.Services, KantaraService{Service: "City contact by " + string(s.Channel)})
		}
		name := s.Purpose
		if def.Description != "" {
			name = def.Description
		}
		term := "until withdrawn: use the unsubscribe link in any message, or contact the controller"
		if def.MaxAge > 0 {
			term = "until withdrawn, or " + def.MaxAge.String() + " after it was given"
		}
		ctype := "EXPLICIT"
		if def.OptOut {
			ctype = "IMPLICIT"
		}
		third := l.declared(s.Purpose, s.Channel).thirdParties()
		r.Services[i].Purposes = append(r.Services[i].Purposes, KantaraPurpose{
			Purpose: name, PurposeCategory: []string{s.Purpose}, ConsentType: ctype,
			PIICategory: []string{piiCategoryFor(s.Channel)}, PrimaryPurpose: true, Termination: term,
			ThirdPartyDisclosure: len(third) > 0, ThirdPartyName: strings.Join(third, ", "),
		})
		if s.Event.OccurredAt.After(latest) {
			latest = s.Event.OccurredAt
			r.CollectionMethod = string(s.Event.Method)
		}
	}
	if !latest.IsZero() {
		r.ConsentTimestamp = latest.Unix()
	}
	return r, nil
}
