package retention

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"
	"go.yaml.in/yaml/v3"
)

// Action is what happens to a record when its retention ends.
type Action string

// The actions.
const (
	// ActionRetain keeps the record: the rule sets a retention floor only
	// and never disposes of anything.
	ActionRetain Action = "retain"
	// ActionDelete deletes the record.
	ActionDelete Action = "delete"
	// ActionAnonymize removes the personal data from the record and keeps
	// the rest (for statistics).
	ActionAnonymize Action = "anonymize"
	// ActionCryptoShred deletes the record and destroys its subject's data
	// key (see Shredder), so copies in backups become unreadable too.
	ActionCryptoShred Action = "crypto_shred"
)

// Disposes reports whether a is one of the disposal actions.
func (a Action) Disposes() bool {
	return a == ActionDelete || a == ActionAnonymize || a == ActionCryptoShred
}

// Trigger is the event from which a rule's period is counted.
type Trigger string

// The triggers.
const (
	// TriggerCreated counts from the record's creation.
	TriggerCreated Trigger = "created"
	// TriggerLastActivity counts from the record's last activity (its
	// creation when it has none).
	TriggerLastActivity Trigger = "last_activity"
	// TriggerAccountClosed counts from the closing of the account the
	// record belongs to; until then the period has not started.
	TriggerAccountClosed Trigger = "account_closed"
	// TriggerEvent counts from a named event (Rule.Event), such as
	// "transaction" or "superseded"; until it happens the period has not
	// started.
	TriggerEvent Trigger = "event"
)

// Mode says who may change a rule, as in S3 Object Lock.
type Mode string

// The modes.
const (
	// ModeCompliance rules may only be extended, never shortened. This is
	// the default: law-mandated periods belong here.
	ModeCompliance Mode = "compliance"
	// ModeGovernance rules may be shortened by an explicit Override, which
	// names who made it and why, and which every affected Decision cites.
	ModeGovernance Mode = "governance"
)

// Category matching: a rule or hold category is "*" (every record), or a
// dotted name such as "payment" or "payment.card". A category matches
// itself and every category below it ("payment" matches "payment.card"),
// and a longer match is more specific.
const AnyCategory = "*"

// Rule is one line of a retention schedule.
type Rule struct {
	// ID names the rule in decisions and in the disposition log.
	ID string `json:"id" yaml:"id" validate:"required,retid"`
	// Category is the data category (record series) the rule covers.
	Category string `json:"category" yaml:"category" validate:"required,retcat"`
	// Period is how long after Trigger the rule applies.
	Period Period `json:"period" yaml:"period"`
	// Trigger is when the period starts.
	Trigger Trigger `json:"trigger" yaml:"trigger" validate:"required,oneof=created last_activity account_closed event"`
	// Event names the event for TriggerEvent (and must be empty otherwise).
	Event string `json:"event,omitempty" yaml:"event,omitempty" validate:"required_if=Trigger event,excluded_unless=Trigger event,omitempty,retid"`
	// Action is what happens when the period ends.
	Action Action `json:"action" yaml:"action" validate:"required,oneof=retain delete anonymize crypto_shred"`
	// DisposeOnly makes Period a maximum rather than a minimum: the rule
	// asks for disposal after Period but does not itself require the
	// record to be kept that long (PCI DSS "keep card data minimal"). By
	// default a disposal rule both retains for Period and then disposes.
	DisposeOnly bool `json:"dispose_only,omitempty" yaml:"dispose_only,omitempty" validate:"excluded_if=Action retain"`
	// Mode is compliance (the default) or governance.
	Mode Mode `json:"mode,omitempty" yaml:"mode,omitempty" validate:"omitempty,oneof=governance compliance"`
	// Citation is the authority for the rule, for example
	// "Cal. Gov. Code §34090".
	Citation string `json:"citation" yaml:"citation" validate:"required,max=500"`
}

// Retains reports whether the rule sets a retention floor.
func (r Rule) Retains() bool { return r.Action == ActionRetain || !r.DisposeOnly }

// Override changes the period of a rule after the fact: a governance rule
// may be shortened or extended, a compliance rule only extended. Overrides
// are part of the schedule so that they are reviewed, versioned and cited.
type Override struct {
	ID     string    `json:"id" yaml:"id" validate:"required,retid"`
	Rule   string    `json:"rule" yaml:"rule" validate:"required,retid"`
	Period Period    `json:"period" yaml:"period"`
	By     string    `json:"by" yaml:"by" validate:"required,max=200"`
	Reason string    `json:"reason" yaml:"reason" validate:"required,max=1000"`
	At     time.Time `json:"at" yaml:"at" validate:"required"`
}

// Definition is a schedule as written: what ParseJSON and ParseYAML read
// and NewSchedule validates.
type Definition struct {
	Name      string     `json:"name" yaml:"name" validate:"required,max=200"`
	Version   string     `json:"version,omitempty" yaml:"version,omitempty" validate:"max=100"`
	Rules     []Rule     `json:"rules" yaml:"rules" validate:"required,min=1,max=10000,dive"`
	Overrides []Override `json:"overrides,omitempty" yaml:"overrides,omitempty" validate:"max=10000,dive"`
}

// Schedule is a validated, immutable retention schedule. Build one with
// NewSchedule, ParseJSON or ParseYAML. It is safe for concurrent use.
type Schedule struct {
	def   Definition
	rules []compiledRule
	// byCategory maps a category (or "*") to the indexes of the rules that
	// name it, in schedule order.
	byCategory map[string][]int
}

type compiledRule struct {
	Rule
	period      Period   // effective period after overrides
	overrides   []string // IDs of the overrides applied, in order
	specificity int      // 0 for "*", else the number of dotted segments
	index       int
}

var (
	identRe    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$`)
	categoryRe = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
)

// ValidID reports whether s is a valid rule, hold or override ID: 1 to 100
// letters, digits and "_.:-", starting with a letter or digit.
func ValidID(s string) bool { return identRe.MatchString(s) }

// ValidCategory reports whether s is "*" or a dotted category name such as
// "payment.card" (lowercase letters, digits and underscores), at most 100
// bytes long.
func ValidCategory(s string) bool {
	return s == AnyCategory || len(s) <= 100 && categoryRe.MatchString(s)
}

var validate = sync.OnceValue(func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	must(v.RegisterValidation("retid", func(fl validator.FieldLevel) bool { return ValidID(fl.Field().String()) }))
	must(v.RegisterValidation("retcat", func(fl validator.FieldLevel) bool { return ValidCategory(fl.Field().String()) }))
	v.RegisterStructValidation(func(sl validator.StructLevel) {
		r := sl.Current().Interface().(Rule)
		checkPeriod(sl, r.Period, "period")
	}, Rule{})
	v.RegisterStructValidation(func(sl validator.StructLevel) {
		o := sl.Current().Interface().(Override)
		checkPeriod(sl, o.Period, "period")
	}, Override{})
	v.RegisterStructValidation(holdLevel, Hold{})
	return v
})

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func checkPeriod(sl validator.StructLevel, p Period, name string) {
	if p.IsZero() {
		sl.ReportError(p, name, name, "period_positive", "")
	} else if p.check() != nil {
		sl.ReportError(p, name, name, "period_range", "")
	}
}

// problemsFrom turns validator errors into Problems.
func problemsFrom(err error, root string) []Problem {
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return []Problem{{Message: "cannot be validated"}}
	}
	out := make([]Problem, 0, len(verrs))
	for _, fe := range verrs {
		field := strings.TrimPrefix(fe.Namespace(), root+".")
		out = append(out, Problem{Field: field, Message: messageFor(fe)})
	}
	return out
}

func messageFor(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "required_if":
		return "is required when " + paramText(fe.Param())
	case "excluded_unless":
		return "must be empty unless " + paramText(fe.Param())
	case "excluded_if":
		return "must be empty when " + paramText(fe.Param())
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "retid":
		return "must be an ID of 1 to 100 letters, digits and _.:- starting with a letter or digit"
	case "retcat":
		return `must be "*" or a dotted category name such as "payment.card"`
	case "max":
		return "is too long (at most " + fe.Param() + ")"
	case "min":
		return "needs at least " + fe.Param()
	case "period_positive":
		return "must be a positive period"
	case "period_range":
		return "must be a period of at most " + strconv.Itoa(maxPeriodYears) + " years"
	case "gtfield":
		return "must be after " + fe.Param()
	}
	return "fails " + fe.Tag()
}

// paramText turns a validator parameter "Field value" into "field is value".
func paramText(p string) string {
	f, v, _ := strings.Cut(p, " ")
	var b strings.Builder
	for i, r := range f {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String() + " is " + v
}

// NewSchedule validates def and compiles it. Every problem is listed in
// one *ValidationError (which wraps ErrInvalid).
func NewSchedule(def Definition) (*Schedule, error) {
	def = cloneDefinition(def)
	var problems []Problem
	if err := validate().Struct(def); err != nil {
		problems = append(problems, problemsFrom(err, "Definition")...)
	}
	s := &Schedule{def: def, byCategory: map[string][]int{}}
	ids := map[string]int{}
	for i, r := range def.Rules {
		if r.Mode == "" {
			def.Rules[i].Mode = ModeCompliance
			r.Mode = ModeCompliance
		}
		if j, dup := ids[r.ID]; dup && r.ID != "" {
			problems = append(problems, Problem{Field: fmt.Sprintf("rules[%d].id", i), Message: fmt.Sprintf("duplicates rules[%d].id", j)})
		}
		ids[r.ID] = i
		spec := 0
		if r.Category != AnyCategory {
			spec = strings.Count(r.Category, ".") + 1
		}
		s.rules = append(s.rules, compiledRule{Rule: r, period: r.Period, specificity: spec, index: i})
		s.byCategory[r.Category] = append(s.byCategory[r.Category], i)
	}
	// Overrides apply in time order; a compliance rule's effective period
	// may never decrease.
	order := make([]int, len(def.Overrides))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return def.Overrides[a].At.Compare(def.Overrides[b].At) })
	oids := map[string]int{}
	for i, o := range def.Overrides {
		if j, dup := oids[o.ID]; dup && o.ID != "" {
			problems = append(problems, Problem{Field: fmt.Sprintf("overrides[%d].id", i), Message: fmt.Sprintf("duplicates overrides[%d].id", j)})
		}
		oids[o.ID] = i
		if _, dup := ids[o.ID]; dup && o.ID != "" {
			problems = append(problems, Problem{Field: fmt.Sprintf("overrides[%d].id", i), Message: "is also a rule ID"})
		}
	}
	for _, i := range order {
		o := def.Overrides[i]
		ri, ok := ids[o.Rule]
		if !ok {
			if o.Rule != "" {
				problems = append(problems, Problem{Field: fmt.Sprintf("overrides[%d].rule", i), Message: "names no rule in this schedule"})
			}
			continue
		}
		cr := &s.rules[ri]
		if cr.Mode == ModeCompliance && !o.Period.AtLeast(cr.period) {
			problems = append(problems, Problem{Field: fmt.Sprintf("overrides[%d].period", i), Message: complianceMessage})
			continue
		}
		cr.period = o.Period
		cr.overrides = append(cr.overrides, o.ID)
	}
	if len(problems) > 0 {
		return nil, &ValidationError{What: "schedule", Problems: problems}
	}
	s.def = def
	return s, nil
}

func cloneDefinition(def Definition) Definition {
	def.Rules = slices.Clone(def.Rules)
	def.Overrides = slices.Clone(def.Overrides)
	return def
}

// Definition returns a copy of the schedule as written (with defaults
// filled in), for storing or showing.
func (s *Schedule) Definition() Definition { return cloneDefinition(s.def) }

// Name returns the schedule's name.
func (s *Schedule) Name() string { return s.def.Name }

// Rule returns the rule with the given ID, with its effective period (after
// overrides) in Period.
func (s *Schedule) Rule(id string) (Rule, bool) {
	for _, r := range s.rules {
		if r.ID == id {
			out := r.Rule
			out.Period = r.period
			return out, true
		}
	}
	return Rule{}, false
}

// Rules returns the rules in schedule order, each with its effective period.
func (s *Schedule) Rules() []Rule {
	out := make([]Rule, len(s.rules))
	for i, r := range s.rules {
		out[i] = r.Rule
		out[i].Period = r.period
	}
	return out
}

// Actions returns the set of actions the schedule's rules can take.
func (s *Schedule) Actions() map[Action]bool {
	out := map[Action]bool{}
	for _, r := range s.rules {
		out[r.Action] = true
	}
	return out
}

// WithOverride returns a new schedule with o added; the receiver is not
// changed. Shortening a compliance rule fails with an error wrapping
// ErrCompliance.
func (s *Schedule) WithOverride(o Override) (*Schedule, error) {
	def := s.Definition()
	def.Overrides = append(def.Overrides, o)
	return NewSchedule(def)
}

// matching calls fn for each rule covering category: the rules naming the
// category itself, each dotted ancestor, and "*".
func (s *Schedule) matching(category string, fn func(*compiledRule)) {
	c := category
	for {
		for _, i := range s.byCategory[c] {
			fn(&s.rules[i])
		}
		dot := strings.LastIndexByte(c, '.')
		if dot < 0 {
			break
		}
		c = c[:dot]
	}
	if category != AnyCategory {
		for _, i := range s.byCategory[AnyCategory] {
			fn(&s.rules[i])
		}
	}
}

// document forms: periods and times stay strings until every problem is
// collected.
type ruleDoc struct {
	ID          string `json:"id" yaml:"id"`
	Category    string `json:"category" yaml:"category"`
	Period      string `json:"period" yaml:"period"`
	Trigger     string `json:"trigger" yaml:"trigger"`
	Event       string `json:"event" yaml:"event"`
	Action      string `json:"action" yaml:"action"`
	DisposeOnly bool   `json:"dispose_only" yaml:"dispose_only"`
	Mode        string `json:"mode" yaml:"mode"`
	Citation    string `json:"citation" yaml:"citation"`
}

type overrideDoc struct {
	ID     string `json:"id" yaml:"id"`
	Rule   string `json:"rule" yaml:"rule"`
	Period string `json:"period" yaml:"period"`
	By     string `json:"by" yaml:"by"`
	Reason string `json:"reason" yaml:"reason"`
	At     string `json:"at" yaml:"at"`
}

type scheduleDoc struct {
	Name      string        `json:"name" yaml:"name"`
	Version   string        `json:"version" yaml:"version"`
	Rules     []ruleDoc     `json:"rules" yaml:"rules"`
	Overrides []overrideDoc `json:"overrides" yaml:"overrides"`
}

// maxDocumentSize bounds the schedule documents ParseJSON and ParseYAML read.
const maxDocumentSize = 4 << 20

// ParseJSON reads a schedule from JSON (see Definition for the fields) and
// validates it. Unknown fields are rejected. Every problem is listed in one
// *ValidationError, which wraps ErrInvalid.
func ParseJSON(b []byte) (*Schedule, error) {
	if len(b) > maxDocumentSize {
		return nil, &ValidationError{What: "schedule", Problems: []Problem{{Message: "document too large"}}}
	}
	var doc scheduleDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, &ValidationError{What: "schedule", Problems: []Problem{{Message: "not valid JSON for a schedule: " + syntaxOnly(err)}}}
	}
	if dec.More() {
		return nil, &ValidationError{What: "schedule", Problems: []Problem{{Message: "trailing data after the schedule"}}}
	}
	return fromDoc(doc)
}

// ParseYAML reads a schedule from YAML (the same fields as JSON) and
// validates it, like ParseJSON.
func ParseYAML(b []byte) (*Schedule, error) {
	if len(b) > maxDocumentSize {
		return nil, &ValidationError{What: "schedule", Problems: []Problem{{Message: "document too large"}}}
	}
	var doc scheduleDoc
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		msg := "empty document"
		if !errors.Is(err, io.EOF) {
			msg = "not valid YAML for a schedule: " + syntaxOnly(err)
		}
		return nil, &ValidationError{What: "schedule", Problems: []Problem{{Message: msg}}}
	}
	return fromDoc(doc)
}

// syntaxOnly keeps a decoder error's position and kind but drops quoted
// input, which could be anything.
func syntaxOnly(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "wrong type for field " + te.Field
	}
	msg := err.Error()
	if i := strings.IndexAny(msg, "\"`'"); i >= 0 {
		msg = strings.TrimRight(msg[:i], " :")
	}
	if len(msg) > 80 {
		msg = msg[:80] + "..."
	}
	return msg
}

func fromDoc(doc scheduleDoc) (*Schedule, error) {
	var problems []Problem
	def := Definition{Name: doc.Name, Version: doc.Version}
	for i, rd := range doc.Rules {
		r := Rule{ID: rd.ID, Category: rd.Category, Trigger: Trigger(rd.Trigger), Event: rd.Event,
			Action: Action(rd.Action), DisposeOnly: rd.DisposeOnly, Mode: Mode(rd.Mode), Citation: rd.Citation}
		if rd.Period != "" {
			p, err := ParsePeriod(rd.Period)
			if err != nil {
				problems = append(problems, Problem{Field: fmt.Sprintf("rules[%d].period", i), Message: "is not a period (use 3y, 2y6m, 90d, 36h or P3Y)"})
				p = Period{Days: 1} // avoid a second "required" problem
			}
			r.Period = p
		}
		def.Rules = append(def.Rules, r)
	}
	for i, od := range doc.Overrides {
		o := Override{ID: od.ID, Rule: od.Rule, By: od.By, Reason: od.Reason}
		if od.Period != "" {
			p, err := ParsePeriod(od.Period)
			if err != nil {
				problems = append(problems, Problem{Field: fmt.Sprintf("overrides[%d].period", i), Message: "is not a period (use 3y, 2y6m, 90d, 36h or P3Y)"})
				p = Period{Days: 1}
			}
			o.Period = p
		}
		if od.At != "" {
			t, err := time.Parse(time.RFC3339, od.At)
			if err != nil {
				problems = append(problems, Problem{Field: fmt.Sprintf("overrides[%d].at", i), Message: "is not an RFC 3339 time"})
				t = time.Unix(1, 0)
			}
			o.At = t
		}
		def.Overrides = append(def.Overrides, o)
	}
	s, err := NewSchedule(def)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.Problems = append(problems, ve.Problems...)
			return nil, ve
		}
		return nil, err
	}
	if len(problems) > 0 {
		return nil, &ValidationError{What: "schedule", Problems: problems}
	}
	return s, nil
}
