package pii

import (
	"fmt"
	"strings"
)

// Category names a kind of personal data a city portal collects. The zero
// value is Unknown. A Category's string form (see String) is stable: it is
// what struct tags, stored schedules and logs use, and it never changes
// between releases.
type Category uint8

// The categories. New categories are only ever appended.
const (
	Unknown        Category = iota // not personal data, or not classified
	Name                           // a person's name
	Email                          // an e-mail address
	Phone                          // a telephone number
	PostalAddress                  // a street or mailing address
	ZIP                            // a ZIP or ZIP+4 code
	AccountNumber                  // a utility or customer account number
	PaymentCard                    // a payment card number (PAN)
	BankAccount                    // a bank account number
	RoutingNumber                  // an ABA routing transit number
	SSN                            // a US Social Security number
	ITIN                           // a US Individual Taxpayer Identification Number
	DriverLicense                  // a driver licence or state ID number
	Passport                       // a passport number
	DateOfBirth                    // a date of birth
	Age                            // a person's age
	Gender                         // a person's gender
	IPAddress                      // an IPv4 or IPv6 address
	Geolocation                    // a latitude/longitude or similar position
	UserAgent                      // a browser or device user agent string
	Credential                     // a password, PIN, secret answer or token
	Correspondence                 // free text written by or about a person
	numCategories
)

// Sensitivity ranks how much harm disclosure of a category can do. Higher
// values are more sensitive; code may compare them with < and >.
type Sensitivity uint8

// Sensitivity levels, from least to most sensitive.
const (
	// Low: data that identifies a person only in combination (user agent, age).
	Low Sensitivity = iota + 1
	// Moderate: contact data and quasi-identifiers (name, e-mail, phone, address).
	Moderate
	// High: data whose disclosure enables fraud or discrimination (account
	// numbers, date of birth, driver licence, correspondence).
	High
	// Restricted: data governed by law or contract (SSN, payment cards, bank
	// accounts, credentials). Encrypt at rest; show masked at most.
	Restricted
)

var sensitivityNames = [...]string{Low: "low", Moderate: "moderate", High: "high", Restricted: "restricted"}

// String returns "low", "moderate", "high" or "restricted".
func (s Sensitivity) String() string {
	if s >= Low && int(s) < len(sensitivityNames) {
		return sensitivityNames[s]
	}
	return fmt.Sprintf("Sensitivity(%d)", uint8(s))
}

type categoryInfo struct {
	name        string // stable string form
	display     string // human-readable name
	sensitivity Sensitivity
}

var categoryTable = [numCategories]categoryInfo{
	Unknown:        {"unknown", "Unclassified data", Low},
	Name:           {"name", "Person name", Moderate},
	Email:          {"email", "E-mail address", Moderate},
	Phone:          {"phone", "Phone number", Moderate},
	PostalAddress:  {"postal_address", "Postal address", Moderate},
	ZIP:            {"zip", "ZIP code", Low},
	AccountNumber:  {"account_number", "Account number", High},
	PaymentCard:    {"payment_card", "Payment card number", Restricted},
	BankAccount:    {"bank_account", "Bank account number", Restricted},
	RoutingNumber:  {"routing_number", "Bank routing number", Moderate},
	SSN:            {"ssn", "Social Security number", Restricted},
	ITIN:           {"itin", "Taxpayer identification number", Restricted},
	DriverLicense:  {"driver_license", "Driver licence number", High},
	Passport:       {"passport", "Passport number", High},
	DateOfBirth:    {"date_of_birth", "Date of birth", High},
	Age:            {"age", "Age", Low},
	Gender:         {"gender", "Gender", Moderate},
	IPAddress:      {"ip_address", "IP address", Moderate},
	Geolocation:    {"geolocation", "Geolocation", High},
	UserAgent:      {"user_agent", "User agent", Low},
	Credential:     {"credential", "Credential", Restricted},
	Correspondence: {"correspondence", "Correspondence", High},
}

var categoryByName = func() map[string]Category {
	m := make(map[string]Category, numCategories+8)
	for c := Category(0); c < numCategories; c++ {
		m[categoryTable[c].name] = c
	}
	// Accepted aliases; String always returns the canonical form.
	for alias, c := range map[string]Category{
		"address": PostalAddress, "card": PaymentCard, "pan": PaymentCard,
		"dob": DateOfBirth, "ip": IPAddress, "password": Credential,
		"driver_licence": DriverLicense, "account": AccountNumber,
		"routing": RoutingNumber, "geo": Geolocation, "postal_code": ZIP,
	} {
		m[alias] = c
	}
	return m
}()

// Categories returns every defined category except Unknown, in a stable order.
func Categories() []Category {
	out := make([]Category, 0, numCategories-1)
	for c := Name; c < numCategories; c++ {
		out = append(out, c)
	}
	return out
}

// Valid reports whether c is a defined category (Unknown included).
func (c Category) Valid() bool { return c < numCategories }

// String returns the stable string form, for example "email" or
// "payment_card".
func (c Category) String() string {
	if c.Valid() {
		return categoryTable[c].name
	}
	return fmt.Sprintf("Category(%d)", uint8(c))
}

// DisplayName returns a human-readable name such as "E-mail address".
func (c Category) DisplayName() string {
	if c.Valid() {
		return categoryTable[c].display
	}
	return c.String()
}

// Sensitivity returns how sensitive data of this category is.
func (c Category) Sensitivity() Sensitivity {
	if c.Valid() {
		return categoryTable[c].sensitivity
	}
	return Restricted
}

// MarshalText implements encoding.TextMarshaler with the stable string form.
func (c Category) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("pii: invalid category %d", uint8(c))
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; see ParseCategory.
func (c *Category) UnmarshalText(b []byte) error {
	v, err := ParseCategory(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseCategory returns the category whose string form (or accepted alias,
// such as "dob" or "card") is s. Matching ignores case and surrounding space.
func ParseCategory(s string) (Category, error) {
	if c, ok := categoryByName[strings.ToLower(strings.TrimSpace(s))]; ok {
		return c, nil
	}
	return Unknown, fmt.Errorf("pii: unknown category %q", s)
}
