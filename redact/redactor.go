package redact

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unsafe"

	"github.com/civickit/privacy/pii"
)

// DefaultMinScore is the minimum confidence a finding needs to be reported
// when Options.MinScore is zero.
const DefaultMinScore = 0.5

// Default context settings; see ContextWords.
const (
	DefaultContextBefore = 48   // bytes examined before a candidate
	DefaultContextAfter  = 32   // bytes examined after a candidate
	DefaultContextBoost  = 0.4  // added for a positive context word
	DefaultContextCut    = 0.45 // subtracted for a negative context word
)

// ErrOptions is wrapped by every error New returns for invalid options.
var ErrOptions = errors.New("redact: invalid options")

// Options configure a Redactor. The zero value (or nil) means: every
// built-in entity, DefaultMinScore, the built-in context words, and the
// Label operator for everything.
type Options struct {
	// Entities restricts detection to these entities (built-in or custom).
	// Nil means every built-in entity plus every custom detector.
	Entities []Entity

	// MinScore is the minimum score a finding needs; 0 means
	// DefaultMinScore. Use a small positive value such as 0.01 to report
	// every candidate.
	MinScore float64

	// Allow lists texts that are never reported (for example the city's
	// own public phone number or address), matched whole, ignoring ASCII
	// case. A value that LooksLikeName also releases its NameVariants
	// ("Councillor Ruiz" for "Ana Ruiz").
	Allow []string
	// AllowPatterns are matched against the whole text of each finding;
	// a finding that matches any of them is dropped. They only ever run
	// on candidate spans, never on the whole input.
	AllowPatterns []*regexp.Regexp

	// Deny lists terms always reported as the given entity, matched as
	// whole words ignoring ASCII case (for example a requester's name that
	// must come out of every record of a request). All terms are matched
	// in one pass, whatever their number. A term that LooksLikeName also
	// matches its NameVariants ("Ms. Ruiz", "Ruiz, Ana").
	Deny map[Entity][]string

	// Detectors are custom detectors, run after the built-in scan.
	Detectors []Detector

	// Context adds context words per entity to the built-in ones (or
	// replaces them when NoDefaultContext is set).
	Context map[Entity]ContextWords
	// NoDefaultContext drops the built-in context words.
	NoDefaultContext bool
	// ContextBefore and ContextAfter set the window, in bytes, searched
	// for context words; 0 means the defaults.
	ContextBefore, ContextAfter int
	// ContextBoost and ContextPenalty set how much a positive word adds to
	// and a negative word subtracts from a score; 0 means the defaults.
	ContextBoost, ContextPenalty float64

	// Operators choose the operator per entity; Default is used for the
	// others (nil means Label()).
	Operators map[Entity]Operator
	Default   Operator

	// PRF and AEAD are the keys behind the "hash" and "encrypt" operator
	// names of `pii:"...,redact=hash"` struct tags and of OperatorByName.
	// They are optional; naming such an operator without its key is an
	// error.
	PRF  PRF
	AEAD AEAD
}

// ContextWords are words whose presence near a candidate changes its score.
// Matching is whole-word and ignores ASCII case; a multi-word entry
// ("date of birth") matches consecutive words.
type ContextWords struct {
	Positive []string // raise the score by ContextBoost
	Negative []string // lower the score by ContextPenalty
}

// Redactor finds and removes personal data. It is immutable after New and
// safe for concurrent use.
type Redactor struct {
	ents     []Entity       // id -> entity; built-ins first
	cats     []pii.Category // id -> category
	ids      map[Entity]int
	on       []bool // id -> enabled
	anyOn    bool
	minScore float64

	allow         map[string]struct{}
	allowPatterns []*regexp.Regexp
	deny          *denySet
	custom        []customDetector

	ctx                   map[string]*ctxEntry
	ctxTable              *foldTable[*ctxEntry]
	ctxFirst              [256]uint32 // first byte -> bit set of word lengths
	posIDs, negIDs        uint64      // ids with positive / negative words
	before, after         int
	boost, penalty        float64
	labels                map[string]bool
	ops                   []Operator // id -> operator
	defaultOp             Operator
	prf                   PRF
	aead                  AEAD
	nameOn, addrOn, dobOn bool
	idOn, bankOn, routeOn bool
	macOn, ipOn           bool
	plateOn, benefitOn    bool
	labelIDOn             bool // plates, benefit ids or passports after their label
	natIDOn               bool // national ids after their label (detect_natid.go)
}

// New returns a Redactor configured by opts; nil opts mean the defaults.
func New(opts *Options) (*Redactor, error) {
	wordsTable()
	if opts == nil {
		opts = &Options{}
	}
	r := &Redactor{
		ids:      map[Entity]int{},
		minScore: opts.MinScore,
		before:   opts.ContextBefore, after: opts.ContextAfter,
		boost: opts.ContextBoost, penalty: opts.ContextPenalty,
		allowPatterns: opts.AllowPatterns,
		prf:           opts.PRF,
		aead:          opts.AEAD,
		labels:        map[string]bool{"REDACTED": true},
	}
	if r.minScore == 0 {
		r.minScore = DefaultMinScore
	}
	if r.minScore < 0 || r.minScore > 1 {
		return nil, fmt.Errorf("%w: MinScore must be in [0, 1]", ErrOptions)
	}
	if r.before == 0 {
		r.before = DefaultContextBefore
	}
	if r.after == 0 {
		r.after = DefaultContextAfter
	}
	if r.before < 0 || r.after < 0 || r.before > 512 || r.after > 512 {
		return nil, fmt.Errorf("%w: context windows must be in [0, 512]", ErrOptions)
	}
	if r.boost == 0 {
		r.boost = DefaultContextBoost
	}
	if r.penalty == 0 {
		r.penalty = DefaultContextCut
	}
	for _, e := range builtinEntities {
		r.addEntity(e, e.Category())
	}
	for i, d := range opts.Detectors {
		cd, err := compileDetector(d)
		if err != nil {
			return nil, fmt.Errorf("%w: detector %d: %w", ErrOptions, i, err)
		}
		if _, dup := r.ids[d.Entity]; !dup {
			cat := d.Category
			if cat == pii.Unknown {
				cat = d.Entity.Category()
			}
			r.addEntity(d.Entity, cat)
		}
		cd.id = r.ids[d.Entity]
		r.custom = append(r.custom, cd)
	}
	var deny []denyTerm
	seenDeny := map[string]bool{}
	// Entities in a fixed order, so that a term listed under two entities
	// is always reported as the same one.
	denyEnts := make([]Entity, 0, len(opts.Deny))
	for e := range opts.Deny {
		denyEnts = append(denyEnts, e)
	}
	slices.Sort(denyEnts)
	for _, e := range denyEnts {
		terms := opts.Deny[e]
		if !validEntity(e) {
			return nil, fmt.Errorf("%w: deny entity %q", ErrOptions, e)
		}
		if _, ok := r.ids[e]; !ok {
			r.addEntity(e, e.Category())
		}
		for _, t := range terms {
			t = strings.Join(strings.Fields(t), " ")
			if t == "" {
				continue
			}
			for _, v := range denyVariants(t) {
				key := v.lower
				if v.afterTitle {
					key = "\x00" + key
				}
				if !seenDeny[key] {
					seenDeny[key] = true
					v.id = r.ids[e]
					deny = append(deny, v)
				}
			}
		}
	}
	if len(deny) > 0 {
		r.deny = newDenySet(deny)
	}
	r.on = make([]bool, len(r.ents))
	if opts.Entities == nil {
		for i := range r.on {
			r.on[i] = true
		}
	} else {
		for _, e := range opts.Entities {
			id, ok := r.ids[e]
			if !ok {
				return nil, fmt.Errorf("%w: unknown entity %q", ErrOptions, e)
			}
			r.on[id] = true
		}
		// deny terms are always reported
		if r.deny != nil {
			for _, id := range r.deny.ids {
				r.on[id] = true
			}
		}
	}
	for _, on := range r.on {
		r.anyOn = r.anyOn || on
	}
	is := func(e Entity) bool { return r.on[r.ids[e]] }
	r.nameOn = is(PersonName)
	r.addrOn = is(PostalAddress)
	r.dobOn = is(DateOfBirth)
	r.idOn = is(DriverLicense) || is(Passport)
	r.bankOn = is(BankAccount)
	r.routeOn = is(RoutingNumber)
	r.macOn = is(MACAddress)
	r.ipOn = is(IPAddress)
	r.plateOn = is(LicensePlate)
	r.benefitOn = is(BenefitID)
	r.labelIDOn = r.plateOn || r.benefitOn || is(Passport)
	r.natIDOn = is(SSN) || is(ITIN)

	if len(opts.Allow) > 0 {
		r.allow = make(map[string]struct{}, len(opts.Allow))
		for _, a := range opts.Allow {
			a = strings.TrimSpace(a)
			r.allow[strings.ToLower(a)] = struct{}{}
			for _, v := range NameVariants(a) {
				r.allow[strings.ToLower(v)] = struct{}{}
			}
		}
	}
	if err := r.buildContext(opts); err != nil {
		return nil, err
	}
	r.defaultOp = opts.Default
	if r.defaultOp == nil {
		r.defaultOp = Label()
	}
	r.ops = make([]Operator, len(r.ents))
	for e, op := range opts.Operators {
		id, ok := r.ids[e]
		if !ok {
			return nil, fmt.Errorf("%w: operator for unknown entity %q", ErrOptions, e)
		}
		r.ops[id] = op
	}
	for _, e := range r.ents {
		r.labels[strings.Trim(e.Label(), "[]")] = true
	}
	return r, nil
}

func validEntity(e Entity) bool {
	if e == "" || len(e) > 40 {
		return false
	}
	for i := 0; i < len(e); i++ {
		c := e[i]
		if !(isLower(c) || isDigit(c) || c == '_') {
			return false
		}
	}
	return true
}

func (r *Redactor) addEntity(e Entity, c pii.Category) {
	r.ids[e] = len(r.ents)
	r.ents = append(r.ents, e)
	r.cats = append(r.cats, c)
}

func (r *Redactor) knownLabel(l string) bool { return r.labels[l] }

// Allowed reports whether text, as a whole, is released by the allow-list
// (Options.Allow, with name variants and ignoring case, or
// Options.AllowPatterns).
func (r *Redactor) Allowed(text string) bool { return r.allowed(strings.TrimSpace(text)) }

func (r *Redactor) allowed(text string) bool {
	if r.allow != nil {
		key := text
		for i := 0; i < len(text); i++ {
			if c := text[i]; c >= 'A' && c <= 'Z' {
				key = strings.ToLower(text) // allocates only for a finding with capitals
				break
			}
		}
		if _, ok := r.allow[key]; ok {
			return true
		}
	}
	for _, re := range r.allowPatterns {
		if loc := re.FindStringIndex(text); loc != nil && loc[0] == 0 && loc[1] == len(text) {
			return true
		}
	}
	return false
}

// buildContext merges the built-in and configured context words into one
// lookup table keyed by lower-case word.
func (r *Redactor) buildContext(opts *Options) error {
	r.ctx = map[string]*ctxEntry{}
	add := func(id int, word string, pos bool) {
		ws := strings.Fields(strings.ToLower(word))
		if len(ws) == 0 || id >= 64 {
			return
		}
		for _, w := range ws {
			if len(w) > 24 {
				return
			}
		}
		e := r.ctx[ws[0]]
		if e == nil {
			e = &ctxEntry{}
			r.ctx[ws[0]] = e
		}
		r.ctxFirst[ws[0][0]] |= 1 << uint(len(ws[0]))
		bit := uint64(1) << uint(id)
		if pos {
			r.posIDs |= bit
		} else {
			r.negIDs |= bit
		}
		if len(ws) > 1 {
			e.phrases = append(e.phrases, ctxPhrase{rest: ws[1:], pos: pos, mask: bit})
			return
		}
		if pos {
			e.pos |= bit
		} else {
			e.neg |= bit
		}
	}
	if !opts.NoDefaultContext {
		for e, cw := range defaultContext {
			for _, w := range cw.Positive {
				add(r.ids[e], w, true)
			}
			for _, w := range cw.Negative {
				add(r.ids[e], w, false)
			}
		}
	}
	for e, cw := range opts.Context {
		id, ok := r.ids[e]
		if !ok {
			return fmt.Errorf("%w: context for unknown entity %q", ErrOptions, e)
		}
		if id >= 64 {
			return fmt.Errorf("%w: context words are limited to the first 64 entities", ErrOptions)
		}
		for _, w := range cw.Positive {
			add(id, w, true)
		}
		for _, w := range cw.Negative {
			add(id, w, false)
		}
	}
	if len(r.ctx) == 0 {
		r.ctx = nil
		return nil
	}
	r.ctxTable = newFoldTable(r.ctx)
	return nil
}

// Find returns the personal data found in s: non-overlapping findings in
// order of Start. It returns nil, without allocating, when nothing is
// found.
func (r *Redactor) Find(s string) []Finding {
	return r.find(s, nil)
}

// FindBytes is Find for a byte slice. b must not be modified during the call.
func (r *Redactor) FindBytes(b []byte) []Finding {
	return r.find(unsafe.String(unsafe.SliceData(b), len(b)), nil)
}

// AppendFind appends the findings in s to dst and returns the extended
// slice, letting a caller reuse one slice across calls.
func (r *Redactor) AppendFind(dst []Finding, s string) []Finding {
	return r.find(s, dst)
}

func (r *Redactor) find(s string, dst []Finding) []Finding {
	if !r.anyOn || len(s) == 0 {
		return dst
	}
	base := len(dst)
	sc := scanner{r: r, s: s, out: dst}
	sc.run()
	if sc.nKeys > 0 {
		sc.repeatBefore(base)
	}
	sc.runExtra()
	if len(sc.out) == base {
		return sc.out
	}
	res := resolve(sc.out[base:])
	return sc.out[:base+len(res)]
}

// Contains reports whether s holds any personal data at or above the
// minimum score. It stops at the first finding and never allocates.
func (r *Redactor) Contains(s string) bool {
	if !r.anyOn || len(s) == 0 {
		return false
	}
	sc := scanner{r: r, s: s, first: true}
	sc.run()
	if sc.done {
		return true
	}
	sc.runExtra()
	return sc.done
}

// ContainsBytes is Contains for a byte slice.
func (r *Redactor) ContainsBytes(b []byte) bool {
	return r.Contains(unsafe.String(unsafe.SliceData(b), len(b)))
}

// runExtra runs the deny-list and the custom detectors.
func (sc *scanner) runExtra() {
	if sc.r.deny != nil && !sc.done {
		sc.r.deny.find(sc)
	}
	for i := range sc.r.custom {
		if sc.done {
			return
		}
		sc.r.custom[i].find(sc)
	}
}
