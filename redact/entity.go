package redact

import (
	"strings"

	"github.com/civickit/privacy/pii"
)

// Entity names the kind of thing a detector found, for example "email" or
// "payment_card". Built-in entities are the constants below; a custom
// detector may use any other lower-case name. The string form is stable.
type Entity string

// The built-in entities.
const (
	Email          Entity = "email"
	Phone          Entity = "phone"
	SSN            Entity = "ssn"
	ITIN           Entity = "itin"
	PaymentCard    Entity = "payment_card"
	RoutingNumber  Entity = "routing_number"
	BankAccount    Entity = "bank_account"
	IBAN           Entity = "iban"
	DriverLicense  Entity = "driver_license"
	Passport       Entity = "passport"
	LicensePlate   Entity = "license_plate" // a vehicle plate, with a state or a plate label
	BenefitID      Entity = "benefit_id"    // Medicaid, Medicare, SNAP/EBT, WIC or health-plan member id, labelled
	IPAddress      Entity = "ip_address"
	MACAddress     Entity = "mac_address"
	URLCredentials Entity = "url_credentials"
	DateOfBirth    Entity = "date_of_birth"
	PostalAddress  Entity = "postal_address"
	PersonName     Entity = "person_name"
)

// builtinEntities lists every built-in entity in a stable order; the order
// breaks ties when overlapping findings have equal scores.
var builtinEntities = []Entity{
	URLCredentials, Email, IBAN, PaymentCard, SSN, ITIN, RoutingNumber,
	BankAccount, BenefitID, Passport, DriverLicense, LicensePlate, Phone,
	IPAddress, MACAddress, DateOfBirth, PostalAddress, PersonName,
}

// Entities returns the built-in entities in a stable order.
func Entities() []Entity { return append([]Entity(nil), builtinEntities...) }

var entityCategory = map[Entity]pii.Category{
	Email:          pii.Email,
	Phone:          pii.Phone,
	SSN:            pii.SSN,
	ITIN:           pii.ITIN,
	PaymentCard:    pii.PaymentCard,
	RoutingNumber:  pii.RoutingNumber,
	BankAccount:    pii.BankAccount,
	IBAN:           pii.BankAccount,
	DriverLicense:  pii.DriverLicense,
	Passport:       pii.Passport,
	LicensePlate:   pii.DriverLicense,
	BenefitID:      pii.AccountNumber,
	IPAddress:      pii.IPAddress,
	MACAddress:     pii.IPAddress,
	URLCredentials: pii.Credential,
	DateOfBirth:    pii.DateOfBirth,
	PostalAddress:  pii.PostalAddress,
	PersonName:     pii.Name,
}

// Category returns the pii.Category closest to e (MAC addresses map to
// IPAddress, IBANs to BankAccount, URL credentials to Credential, licence
// plates to DriverLicense as the other motor-vehicle record number,
// benefit ids to AccountNumber), or pii.Unknown for a custom entity.
func (e Entity) Category() pii.Category {
	if c, ok := entityCategory[e]; ok {
		return c
	}
	if c, err := pii.ParseCategory(string(e)); err == nil {
		return c
	}
	return pii.Unknown
}

// Label returns the replacement label for e, such as "[EMAIL]" or
// "[PAYMENT_CARD]".
func (e Entity) Label() string {
	if l, ok := entityLabels[e]; ok {
		return l
	}
	return "[" + strings.ToUpper(string(e)) + "]"
}

var entityLabels = func() map[Entity]string {
	m := make(map[Entity]string, len(builtinEntities))
	for _, e := range builtinEntities {
		m[e] = "[" + strings.ToUpper(string(e)) + "]"
	}
	return m
}()

// entityForCategory maps a pii.Category to the entity used when a whole
// value of that category is redacted (struct fields, map keys, columns).
func entityForCategory(c pii.Category) Entity {
	switch c {
	case pii.Name:
		return PersonName
	case pii.Email:
		return Email
	case pii.Phone:
		return Phone
	case pii.PostalAddress:
		return PostalAddress
	case pii.PaymentCard:
		return PaymentCard
	case pii.BankAccount:
		return BankAccount
	case pii.RoutingNumber:
		return RoutingNumber
	case pii.SSN:
		return SSN
	case pii.ITIN:
		return ITIN
	case pii.DriverLicense:
		return DriverLicense
	case pii.Passport:
		return Passport
	case pii.DateOfBirth:
		return DateOfBirth
	case pii.IPAddress:
		return IPAddress
	}
	if c == pii.Unknown || !c.Valid() {
		return "redacted"
	}
	return Entity(c.String())
}

// Internal ids of the built-in entities: their index in builtinEntities.
const (
	eURLCredentials = iota
	eEmail
	eIBAN
	ePaymentCard
	eSSN
	eITIN
	eRoutingNumber
	eBankAccount
	eBenefitID
	ePassport
	eDriverLicense
	eLicensePlate
	ePhone
	eIPAddress
	eMACAddress
	eDateOfBirth
	ePostalAddress
	ePersonName
)
