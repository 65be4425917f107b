package records

import (
	"github.com/civickit/privacy/redact"

	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/go-playground/validator/v10"
)

// ErrCatalog is wrapped by every error about an exemption catalog that is
// malformed or inconsistent, and by requests for an unknown jurisdiction.
var ErrCatalog = errors.New("redact: invalid exemption catalog")

// The operator names an ExemptionRule may use.
const (
	OpBox      = "box"      // the catalog's box, "[REDACTED (b)(6)]" (the default)
	OpLabel    = "label"    // the entity label, "[EMAIL]"
	OpMask     = "mask"     // MaskLast4: "**** **** **** 1111"
	OpHash     = "hash"     // a keyed pseudonym, "[EMAIL:3f9a0c1e5b7d2a64]"
	OpTruncate = "truncate" // TruncateIP: "192.0.2.0"
	OpKeep     = "keep"     // released as is: neither redacted nor logged
)

var catalogOperators = []string{OpBox, OpLabel, OpMask, OpHash, OpTruncate, OpKeep}

// DefaultBox is the box format used when a catalog names none. {code} is
// replaced by the exemption code, {entity} by the entity name and {label}
// by the exemption's short label.
const DefaultBox = "[REDACTED {code}]"

//go:embed catalogs/*.json
var catalogFS embed.FS

// Exemption is one exemption a jurisdiction's public records law allows a
// record to be withheld under.
type Exemption struct {
	// Code is what the redaction box and the log show, for example
	// "(b)(6)" or "§7927.410".
	Code string `json:"code" validate:"required,max=64"`
	// Label is a short human name, for example "Personal privacy".
	Label string `json:"label" validate:"required,max=200"`
	// Citation is the legal citation, for example "5 U.S.C. § 552(b)(6)".
	Citation string `json:"citation" validate:"required,max=200"`
	// Description paraphrases what the exemption covers.
	Description string `json:"description,omitempty" validate:"max=2000"`
}

// ExemptionRule maps an entity (built-in or the Entity of a custom
// Detector) to the exemption it is withheld under and the operator that
// takes it out.
type ExemptionRule struct {
	Entity   redact.Entity `json:"entity" validate:"required,max=64"`
	Code     string        `json:"code" validate:"required,max=64"`
	Operator string        `json:"operator,omitempty"` // one of the Op names; "" means OpBox
	// Name identifies the rule in the redaction log; "" means
	// "<jurisdiction>.<entity>".
	Name string `json:"name,omitempty" validate:"max=100"`
}

// DefaultRule is the exemption and operator for entities no rule names.
type DefaultRule struct {
	Code     string `json:"code" validate:"required,max=64"`
	Operator string `json:"operator,omitempty"`
}

// Catalog is a jurisdiction's set of exemptions and the rules that apply
// them. Built-in catalogs come from BuiltinCatalog; a city's own comes from
// ParseCatalog or LoadCatalog (the same JSON form, see the files under
// redact/catalogs).
type Catalog struct {
	// Jurisdiction is a short id such as "federal", "ma" or "ca".
	Jurisdiction string `json:"jurisdiction" validate:"required,max=64"`
	// Name is the law's name, for the review report.
	Name string `json:"name" validate:"required,max=200"`
	// Box is the redaction box format; "" means DefaultBox.
	Box        string          `json:"box,omitempty" validate:"max=200"`
	Default    DefaultRule     `json:"default"`
	Exemptions []Exemption     `json:"exemptions" validate:"required,min=1,max=1000,dive"`
	Rules      []ExemptionRule `json:"rules" validate:"max=1000,dive"`
}

// Jurisdictions returns the ids of the built-in catalogs, sorted.
func Jurisdictions() []string {
	ents, err := fs.ReadDir(catalogFS, "catalogs")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(out)
	return out
}

// BuiltinCatalog returns a fresh copy of the built-in catalog of a
// jurisdiction: "federal" (FOIA (b)(6) and (b)(7)(C)), "ma" (G.L. c. 4
// § 7(26)(a), (c), (n) and c. 66 § 10B), "ca" (Gov. Code §§ 7927.410,
// 7927.700, 7922.000, 7927.705) or "ca-utility" (the California catalog
// with contact data of utility customers withheld under § 7927.410).
func BuiltinCatalog(jurisdiction string) (*Catalog, error) {
	if !slices.Contains(Jurisdictions(), jurisdiction) {
		return nil, fmt.Errorf("%w: no built-in catalog for jurisdiction %q (have %s)",
			ErrCatalog, jurisdiction, strings.Join(Jurisdictions(), ", "))
	}
	b, err := catalogFS.ReadFile(path.Join("catalogs", jurisdiction+".json"))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCatalog, err)
	}
	return ParseCatalog(b)
}

// LoadCatalog reads and checks a catalog file.
func LoadCatalog(name string) (*Catalog, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("redact: reading catalog: %w", err)
	}
	return ParseCatalog(b)
}

// ParseCatalog decodes and checks a catalog in its JSON form. Unknown
// fields are rejected, so a misspelt key does not silently drop a rule.
func ParseCatalog(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCatalog, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the catalog", ErrCatalog)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

var catalogValidator = validator.New(validator.WithRequiredStructEnabled())

// Validate checks c: required fields, unique exemption codes, rules and
// the default naming known codes and operators, one rule per entity,
// entity names of lower-case letters, digits and '_', and a box format
// with no unknown placeholder.
func (c *Catalog) Validate() error {
	if c == nil {
		return fmt.Errorf("%w: nil catalog", ErrCatalog)
	}
	if err := catalogValidator.Struct(c); err != nil {
		var ve validator.ValidationErrors
		if errors.As(err, &ve) && len(ve) > 0 {
			return fmt.Errorf("%w: field %s fails %q", ErrCatalog, ve[0].Namespace(), ve[0].Tag())
		}
		return fmt.Errorf("%w: %w", ErrCatalog, err)
	}
	codes := map[string]bool{}
	for _, e := range c.Exemptions {
		if codes[e.Code] {
			return fmt.Errorf("%w: exemption code %q listed twice", ErrCatalog, e.Code)
		}
		codes[e.Code] = true
	}
	if !codes[c.Default.Code] {
		return fmt.Errorf("%w: default code %q is not an exemption of the catalog", ErrCatalog, c.Default.Code)
	}
	if !validOperatorName(c.Default.Operator) {
		return fmt.Errorf("%w: default operator %q is not one of %s", ErrCatalog, c.Default.Operator, strings.Join(catalogOperators, ", "))
	}
	seen := map[redact.Entity]bool{}
	for _, r := range c.Rules {
		if !validEntityName(string(r.Entity)) {
			return fmt.Errorf("%w: rule entity %q must be lower-case letters, digits and _", ErrCatalog, r.Entity)
		}
		if seen[r.Entity] {
			return fmt.Errorf("%w: two rules for entity %q", ErrCatalog, r.Entity)
		}
		seen[r.Entity] = true
		if !codes[r.Code] {
			return fmt.Errorf("%w: rule for %q names unknown code %q", ErrCatalog, r.Entity, r.Code)
		}
		if !validOperatorName(r.Operator) {
			return fmt.Errorf("%w: rule for %q names unknown operator %q", ErrCatalog, r.Entity, r.Operator)
		}
	}
	if _, err := parseBox(c.box()); err != nil {
		return err
	}
	return nil
}

// Exemption returns the exemption with the given code.
func (c *Catalog) Exemption(code string) (Exemption, bool) {
	for _, e := range c.Exemptions {
		if e.Code == code {
			return e, true
		}
	}
	return Exemption{}, false
}

// Rule returns the rule for entity e: its own rule, or the catalog default
// (named "<jurisdiction>.default").
func (c *Catalog) Rule(e redact.Entity) ExemptionRule {
	for _, r := range c.Rules {
		if r.Entity == e {
			if r.Operator == "" {
				r.Operator = OpBox
			}
			if r.Name == "" {
				r.Name = c.Jurisdiction + "." + string(e)
			}
			return r
		}
	}
	op := c.Default.Operator
	if op == "" {
		op = OpBox
	}
	return ExemptionRule{Entity: e, Code: c.Default.Code, Operator: op, Name: c.Jurisdiction + ".default"}
}

// Clone returns a deep copy of c, for changing rules without touching a
// shared catalog.
func (c *Catalog) Clone() *Catalog {
	d := *c
	d.Exemptions = slices.Clone(c.Exemptions)
	d.Rules = slices.Clone(c.Rules)
	return &d
}

// SetRule adds or replaces the rule for r.Entity and checks the result.
func (c *Catalog) SetRule(r ExemptionRule) error {
	d := c.Clone()
	if i := slices.IndexFunc(d.Rules, func(x ExemptionRule) bool { return x.Entity == r.Entity }); i >= 0 {
		d.Rules[i] = r
	} else {
		d.Rules = append(d.Rules, r)
	}
	if err := d.Validate(); err != nil {
		return err
	}
	*c = *d
	return nil
}

func (c *Catalog) box() string {
	if c.Box == "" {
		return DefaultBox
	}
	return c.Box
}

func validOperatorName(s string) bool { return s == "" || slices.Contains(catalogOperators, s) }

func validEntityName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// boxPart is a literal text or a placeholder of a parsed box format.
type boxPart struct {
	lit   string
	field string // "code", "entity", "label" or "" for a literal
}

// parseBox splits a box format into literals and placeholders.
func parseBox(format string) ([]boxPart, error) {
	if format == "" || len(format) > 200 {
		return nil, fmt.Errorf("%w: box format must be 1 to 200 bytes", ErrCatalog)
	}
	var parts []boxPart
	s := format
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			parts = append(parts, boxPart{lit: s})
			break
		}
		if i > 0 {
			parts = append(parts, boxPart{lit: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("%w: box format has an unclosed {", ErrCatalog)
		}
		f := s[i+1 : i+j]
		switch f {
		case "code", "entity", "label":
		default:
			return nil, fmt.Errorf("%w: box format placeholder {%s} is not {code}, {entity} or {label}", ErrCatalog, f)
		}
		parts = append(parts, boxPart{field: f})
		s = s[i+j+1:]
	}
	return parts, nil
}

// renderBox writes the box for one exemption and entity.
func renderBox(parts []boxPart, e Exemption, ent redact.Entity) string {
	var b strings.Builder
	for _, p := range parts {
		switch p.field {
		case "":
			b.WriteString(p.lit)
		case "code":
			b.WriteString(e.Code)
		case "entity":
			b.WriteString(string(ent))
		case "label":
			b.WriteString(e.Label)
		}
	}
	return b.String()
}
