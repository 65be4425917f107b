package consent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// RecordSchemaVersion names the profile of ISO/IEC TS 27560 consent
// records that ExportRecords produces; consent/schema holds its JSON
// Schema.
const RecordSchemaVersion = "civickit/consent-record/v1 (ISO/IEC TS 27560:2023)"

// RecordExport is a subject's whole consent history as ISO/IEC TS 27560
// consent records, for an access request ("see the data we have about
// you") or an auditor: one record per purpose and channel, each with every
// event of its life. Marshal it with encoding/json. It holds no contact
// data: the PII principal is the opaque subject id.
type RecordExport struct {
	SchemaVersion  string          `json:"schema_version"`
	PIIPrincipalID string          `json:"pii_principal_id"`
	Generated      time.Time       `json:"generated"`
	Controller     Controller      `json:"pii_controller"`
	Records        []ConsentRecord `json:"records"`
	// ChainHead is the hex hash of the subject's newest event; every
	// record's events belong to that one chain (see Ledger.Verify).
	ChainHead string `json:"chain_head"`
}

// ConsentRecord is the ISO/IEC TS 27560 record of one consent: what the
// subject agreed to (or objected to) for one purpose on one channel, under
// which notices, who the parties are, and every event of its life cycle.
// 27560 distinguishes the record, which the controller keeps and updates
// as the consent changes, from receipts, copies of it given to the
// subject at a point in time (ISOReceipt, KantaraReceipt); its id stays the
// same through the consent's life, while Updated and Events grow.
type ConsentRecord struct {
	// Header.
	SchemaVersion  string    `json:"schema_version"`
	RecordID       string    `json:"record_id"` // stable: derived from subject, purpose and channel
	PIIPrincipalID string    `json:"pii_principal_id"`
	Created        time.Time `json:"record_created"` // when the first event was recorded
	Updated        time.Time `json:"record_updated"` // when the newest event was recorded

	// Parties.
	Controller Controller  `json:"pii_controller"`
	Recipients []Recipient `json:"recipients"` // processors and third parties; empty: nobody

	// What is processed, and how.
	Processing RecordProcessing `json:"processing"`

	// Where the consent stands now.
	Consent RecordState `json:"consent"`

	// Notices the events rest on, oldest first.
	Notices []RecordNotice `json:"notices"`

	// Events of this purpose and channel, oldest first.
	Events []ISOEvent `json:"events"`
}

// RecordProcessing is the processing a record's consent is about: the
// purpose's declarations (PurposeDef), defaults filled in.
type RecordProcessing struct {
	PurposeID        string   `json:"purpose_id"`
	Purpose          string   `json:"purpose,omitempty"` // the purpose's Description
	Channel          Channel  `json:"channel"`
	LegalBasis       string   `json:"legal_basis"` // a DPV IRI: Consent, or LegitimateInterest for an opt-out purpose
	PIICategories    []string `json:"pii_categories"`
	Jurisdiction     string   `json:"jurisdiction"`
	StorageLocations []string `json:"storage_locations"`
	RetentionPeriod  string   `json:"retention_period,omitempty"` // ISO 8601 duration
	Retention        string   `json:"retention"`
	WithdrawalMethod string   `json:"withdrawal_method"`
}

// RecordState is where a record's consent stands when the record is
// generated.
type RecordState struct {
	Status    Status    `json:"status"`
	StatusIRI string    `json:"status_iri"`
	Since     time.Time `json:"since"`  // when the event it derives from occurred
	Notice    NoticeRef `json:"notice"` // the notice that event was recorded under
	// Validity is the purpose's MaxAge as an ISO 8601 duration; empty
	// means until withdrawn.
	Validity string `json:"validity,omitempty"`
	// ExpiresAt is when the consent lapses (or lapsed: Status is then
	// ConsentExpired), for a purpose with a MaxAge.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// WithdrawnAt is when the subject withdrew or the city revoked, if the
	// consent ended so.
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
}

// RecordNotice is a notice version a record rests on, as published
// (PublishNotice). URL, TextSHA256 and EffectiveAt are empty for a version
// that was never published to the ledger.
type RecordNotice struct {
	ID          string     `json:"id"`
	Version     int        `json:"version"`
	URL         string     `json:"url,omitempty"`
	TextSHA256  string     `json:"text_sha256,omitempty"` // hex
	EffectiveAt *time.Time `json:"effective_at,omitempty"`
}

// recordID derives a record's id from the subject, purpose and channel:
// the same consent keeps its id through its life.
func recordID(subject, purpose string, ch Channel) string {
	h := sha256.Sum256([]byte("civickit/consent/record/v1\x00" + subject + "\x00" + purpose + "\x00" + string(ch)))
	return hex.EncodeToString(h[:16])
}

// ExportRecords returns the subject's whole consent history as ISO/IEC TS
// 27560 consent records, one per purpose and channel the subject has
// events for, in the order of their first events. Forgotten subjects can
// be exported too: their records hold no contact data. It needs
// Options.Controller with at least a Name, since a record names its
// controller.
func (l *Ledger) ExportRecords(ctx context.Context, subject string) (RecordExport, error) {
	if l.opts.Controller.Name == "" {
		return RecordExport{}, errors.New("consent: ExportRecords needs Options.Controller with a Name")
	}
	if _, err := l.store.Subject(ctx, subject); err != nil {
		return RecordExport{}, err
	}
	events, err := l.store.Events(ctx, subject)
	if err != nil {
		return RecordExport{}, err
	}
	now := l.now()
	x := RecordExport{
		SchemaVersion: RecordSchemaVersion, PIIPrincipalID: subject, Generated: now,
		Controller: l.opts.Controller, Records: []ConsentRecord{},
	}
	if n := len(events); n > 0 {
		x.ChainHead = hex.EncodeToString(events[n-1].Hash)
	}
	notices := map[NoticeRef]RecordNotice{}
	for _, s := range statuses(events) {
		rec, err := l.consentRecord(ctx, subject, s, events, now, notices)
		if err != nil {
			return RecordExport{}, err
		}
		x.Records = append(x.Records, rec)
	}
	return x, nil
}

// consentRecord builds the record of s's purpose and channel from the subject's
// events; notices caches notice look-ups across records.
func (l *Ledger) consentRecord(ctx context.Context, subject string, s PurposeStatus, events []Event, now time.Time, notices map[NoticeRef]RecordNotice) (ConsentRecord, error) {
	def := l.purposes[s.Purpose]
	d := l.declared(s.Purpose, s.Channel)
	basis := "https://w3id.org/dpv#Consent"
	if def.OptOut {
		basis = "https://w3id.org/dpv#LegitimateInterest"
	}
	r := ConsentRecord{
		SchemaVersion: RecordSchemaVersion, RecordID: recordID(subject, s.Purpose, s.Channel), PIIPrincipalID: subject,
		Controller: l.opts.Controller, Recipients: d.recipients,
		Processing: RecordProcessing{
			PurposeID: s.Purpose, Purpose: def.Description, Channel: s.Channel, LegalBasis: basis,
			PIICategories: []string{piiCategoryFor(s.Channel)}, Jurisdiction: d.jurisdiction,
			StorageLocations: d.locations, RetentionPeriod: d.retentionPeriod, Retention: d.retention,
			WithdrawalMethod: d.withdrawal,
		},
		Consent: RecordState{
			Status: s.Status, Since: s.Event.OccurredAt, Notice: s.Event.Notice,
			Validity: isoDuration(d.validity), ExpiresAt: expiry(s, d.validity),
		},
		Notices: []RecordNotice{},
		Events:  []ISOEvent{},
	}
	if r.Consent.ExpiresAt != nil && now.After(*r.Consent.ExpiresAt) {
		r.Consent.Status = StatusExpired // as MayContact answers
	}
	if s.Status == StatusWithdrawn || s.Status == StatusRevoked {
		t := s.Event.OccurredAt
		r.Consent.WithdrawnAt = &t
	}
	r.Consent.StatusIRI = r.Consent.Status.IRI()
	seen := map[NoticeRef]bool{}
	for _, e := range events {
		if e.Purpose != s.Purpose || e.Channel != s.Channel {
			continue
		}
		if r.Created.IsZero() {
			r.Created = e.RecordedAt
		}
		r.Updated = e.RecordedAt
		r.Events = append(r.Events, ISOEvent{
			Seq: e.Seq, Type: e.Type, Status: e.Type.Status(), Purpose: e.Purpose, Channel: e.Channel,
			Method: e.Method, Actor: e.Actor, Notice: e.Notice, OccurredAt: e.OccurredAt, RecordedAt: e.RecordedAt,
			Hash: hex.EncodeToString(e.Hash),
		})
		if e.Notice.IsZero() || seen[e.Notice] {
			continue
		}
		seen[e.Notice] = true
		n, ok := notices[e.Notice]
		if !ok {
			var err error
			if n, err = l.recordNotice(ctx, e.Notice); err != nil {
				return ConsentRecord{}, err
			}
			notices[e.Notice] = n
		}
		r.Notices = append(r.Notices, n)
	}
	return r, nil
}

// recordNotice looks a notice version up; one never published is named
// by its reference alone.
func (l *Ledger) recordNotice(ctx context.Context, ref NoticeRef) (RecordNotice, error) {
	out := RecordNotice{ID: ref.ID, Version: ref.Version}
	n, err := l.store.Notice(ctx, ref.ID, ref.Version)
	if errors.Is(err, ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return RecordNotice{}, fmt.Errorf("consent: notice %s version %d: %w", ref.ID, ref.Version, err)
	}
	out.URL, out.TextSHA256 = n.URL, hex.EncodeToString(n.TextSHA256)
	if !n.EffectiveAt.IsZero() {
		t := n.EffectiveAt.UTC()
		out.EffectiveAt = &t
	}
	return out, nil
}
