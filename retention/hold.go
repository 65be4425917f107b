package retention

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"
)

// HoldKind says why a hold was placed.
type HoldKind string

// The hold kinds.
const (
	// HoldLegal is a litigation hold.
	HoldLegal HoldKind = "legal"
	// HoldRecordsRequest keeps records an open public-records request asks for.
	HoldRecordsRequest HoldKind = "records_request"
	// HoldAudit keeps records an audit is examining.
	HoldAudit HoldKind = "audit"
	// HoldTemporary is a short hold, usually with an expiry.
	HoldTemporary HoldKind = "temporary"
	// HoldEvent is an event-based hold (as in Google Cloud Storage): while
	// it is active nothing it covers is disposed of, and when it is released
	// the retention clock of every record it covers restarts at the release.
	HoldEvent HoldKind = "event"
)

// Scope says which records a hold covers. Every field that is set must
// match (they combine with AND); at least one of RecordID, Subject,
// Category, From or To must be set, and RecordID needs Source.
type Scope struct {
	// Source restricts the hold to one source.
	Source string `json:"source,omitempty" yaml:"source,omitempty" validate:"omitempty,retid"`
	// RecordID covers one record of Source.
	RecordID string `json:"record_id,omitempty" yaml:"record_id,omitempty" validate:"omitempty,max=200"`
	// Subject covers every record of one subject.
	Subject string `json:"subject,omitempty" yaml:"subject,omitempty" validate:"omitempty,max=200"`
	// Category covers a category and every category below it ("*" for all).
	Category string `json:"category,omitempty" yaml:"category,omitempty" validate:"omitempty,retcat"`
	// From and To cover records created in [From, To); either may be zero
	// for an open end.
	From time.Time `json:"from,omitzero" yaml:"from,omitempty"`
	To   time.Time `json:"to,omitzero" yaml:"to,omitempty"`
}

// Hold stops the disposal of the records its scope covers, for as long as
// it is active, whatever the schedule says.
type Hold struct {
	ID       string   `json:"id" yaml:"id" validate:"required,retid"`
	Kind     HoldKind `json:"kind" yaml:"kind" validate:"required,oneof=legal records_request audit temporary event"`
	Scope    Scope    `json:"scope" yaml:"scope"`
	PlacedBy string   `json:"placed_by" yaml:"placed_by" validate:"required,max=200"`
	Reason   string   `json:"reason" yaml:"reason" validate:"required,max=1000"`
	// PlacedAt is when the hold took effect.
	PlacedAt time.Time `json:"placed_at" yaml:"placed_at" validate:"required"`
	// Expires, if set, ends the hold by itself (for temporary holds).
	Expires time.Time `json:"expires,omitzero" yaml:"expires,omitempty"`
	// ReleasedAt and ReleasedBy record the release; zero while active.
	ReleasedAt time.Time `json:"released_at,omitzero" yaml:"released_at,omitempty"`
	ReleasedBy string    `json:"released_by,omitempty" yaml:"released_by,omitempty" validate:"max=200"`
}

func holdLevel(sl validator.StructLevel) {
	h := sl.Current().Interface().(Hold)
	s := h.Scope
	if s.RecordID == "" && s.Subject == "" && s.Category == "" && s.From.IsZero() && s.To.IsZero() {
		sl.ReportError(s, "scope", "scope", "scope_empty", "")
	}
	if s.RecordID != "" && s.Source == "" {
		sl.ReportError(s.Source, "scope.source", "source", "scope_source", "")
	}
	if !s.From.IsZero() && !s.To.IsZero() && !s.To.After(s.From) {
		sl.ReportError(s.To, "scope.to", "to", "gtfield", "scope.from")
	}
	if !h.Expires.IsZero() && !h.Expires.After(h.PlacedAt) {
		sl.ReportError(h.Expires, "expires", "expires", "gtfield", "placed_at")
	}
	if !h.ReleasedAt.IsZero() && h.ReleasedBy == "" {
		sl.ReportError(h.ReleasedBy, "released_by", "released_by", "required", "")
	}
	if h.ReleasedAt.IsZero() && h.ReleasedBy != "" {
		sl.ReportError(h.ReleasedAt, "released_at", "released_at", "required", "")
	}
}

// Validate checks the hold; every problem is listed in one
// *ValidationError, which wraps ErrInvalid.
func (h Hold) Validate() error {
	if err := validate().Struct(h); err != nil {
		ps := problemsFrom(err, "Hold")
		for i := range ps {
			switch {
			case strings.HasSuffix(ps[i].Field, "scope") && ps[i].Message == "fails scope_empty":
				ps[i].Message = "must set record_id, subject, category, from or to"
			case ps[i].Message == "fails scope_source":
				ps[i].Message = "is required with record_id"
			}
		}
		return &ValidationError{What: "hold", Problems: ps}
	}
	return nil
}

// String names the hold without its subject or reason.
func (h Hold) String() string { return "hold " + h.ID + " (" + string(h.Kind) + ")" }

// GoString is String, so %#v prints no subject or reason either.
func (h Hold) GoString() string { return "retention.Hold{" + h.ID + "}" }

// LogValue implements slog.LogValuer without the subject or reason.
func (h Hold) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", h.ID), slog.String("kind", string(h.Kind)))
}

// ActiveAt reports whether the hold is in force at t: placed, not released
// and not expired.
func (h *Hold) ActiveAt(t time.Time) bool {
	return !t.Before(h.PlacedAt) &&
		(h.ReleasedAt.IsZero() || t.Before(h.ReleasedAt)) &&
		(h.Expires.IsZero() || t.Before(h.Expires))
}

// Covers reports whether the hold's scope covers r (active or not).
func (h *Hold) Covers(r *Record) bool {
	s := &h.Scope
	if s.Source != "" && s.Source != r.Source {
		return false
	}
	if s.RecordID != "" && s.RecordID != r.ID {
		return false
	}
	if s.Subject != "" && s.Subject != r.Subject {
		return false
	}
	if s.Category != "" && !categoryCovers(s.Category, r.Category) {
		return false
	}
	if !s.From.IsZero() && r.Created.Before(s.From) {
		return false
	}
	if !s.To.IsZero() && !r.Created.Before(s.To) {
		return false
	}
	return true
}

// categoryCovers reports whether pattern ("*", "a" or "a.b") covers c.
func categoryCovers(pattern, c string) bool {
	if pattern == AnyCategory || pattern == c {
		return true
	}
	return len(c) > len(pattern) && c[len(pattern)] == '.' && c[:len(pattern)] == pattern
}

// HoldIndex is a set of holds indexed for fast lookup by record. Build it
// once per sweep batch with IndexHolds; it is read-only afterwards.
type HoldIndex struct {
	all        []Hold
	byRecord   map[string][]int
	bySubject  map[string][]int
	byCategory map[string][]int
	other      []int
}

// IndexHolds indexes holds (active and released: released event holds
// still restart clocks). The slice is copied.
func IndexHolds(holds []Hold) *HoldIndex {
	x := &HoldIndex{all: slices.Clone(holds), byRecord: map[string][]int{}, bySubject: map[string][]int{}, byCategory: map[string][]int{}}
	for i := range x.all {
		s := &x.all[i].Scope
		switch {
		case s.RecordID != "":
			k := s.Source + "\x00" + s.RecordID
			x.byRecord[k] = append(x.byRecord[k], i)
		case s.Subject != "":
			x.bySubject[s.Subject] = append(x.bySubject[s.Subject], i)
		case s.Category != "":
			x.byCategory[s.Category] = append(x.byCategory[s.Category], i)
		default:
			x.other = append(x.other, i)
		}
	}
	return x
}

// Len returns the number of holds in the index.
func (x *HoldIndex) Len() int {
	if x == nil {
		return 0
	}
	return len(x.all)
}

// each calls fn for every hold covering r.
func (x *HoldIndex) each(r *Record, fn func(*Hold)) {
	if x == nil || len(x.all) == 0 {
		return
	}
	try := func(idx []int) {
		for _, i := range idx {
			if h := &x.all[i]; h.Covers(r) {
				fn(h)
			}
		}
	}
	if len(x.byRecord) > 0 {
		try(x.byRecord[r.Source+"\x00"+r.ID])
	}
	if r.Subject != "" {
		try(x.bySubject[r.Subject])
	}
	if len(x.byCategory) > 0 {
		c := r.Category
		for {
			try(x.byCategory[c])
			dot := strings.LastIndexByte(c, '.')
			if dot < 0 {
				break
			}
			c = c[:dot]
		}
		if r.Category != AnyCategory {
			try(x.byCategory[AnyCategory])
		}
	}
	try(x.other)
}

// Covering returns the holds covering r that are active at now.
func (x *HoldIndex) Covering(r Record, now time.Time) []Hold {
	var out []Hold
	x.each(&r, func(h *Hold) {
		if h.ActiveAt(now) {
			out = append(out, *h)
		}
	})
	return out
}

// HoldStore keeps holds. Implementations: *MemoryHolds here and
// sqlstore.Store for SQL databases.
type HoldStore interface {
	// Place stores a new hold after validating it. An existing ID fails
	// with an error wrapping ErrInvalid.
	Place(ctx context.Context, h Hold) error
	// Release releases one hold (and no other). It fails with ErrNotFound
	// or ErrReleased.
	Release(ctx context.Context, id, by string, at time.Time) error
	// Get returns one hold or ErrNotFound.
	Get(ctx context.Context, id string) (Hold, error)
	// Holds returns every hold, active and released, ordered by ID.
	Holds(ctx context.Context) ([]Hold, error)
}

// MemoryHolds is an in-memory HoldStore for tests and single-process use.
// The zero value is ready to use.
type MemoryHolds struct {
	mu    sync.Mutex
	holds map[string]Hold
}

var _ HoldStore = (*MemoryHolds)(nil)

// CheckRelease validates a release of h by by at at, for HoldStore
// implementations.
func CheckRelease(h Hold, by string, at time.Time) error {
	if !h.ReleasedAt.IsZero() {
		return fmt.Errorf("retention: release hold %s: %w", h.ID, ErrReleased)
	}
	var ps []Problem
	if by == "" || len(by) > 200 {
		ps = append(ps, Problem{Field: "released_by", Message: "is required (at most 200 bytes)"})
	}
	if at.IsZero() {
		ps = append(ps, Problem{Field: "released_at", Message: "is required"})
	} else if at.Before(h.PlacedAt) {
		ps = append(ps, Problem{Field: "released_at", Message: "must not be before placed_at"})
	}
	if ps != nil {
		return &ValidationError{What: "hold release", Problems: ps}
	}
	return nil
}

// Place implements HoldStore.
func (m *MemoryHolds) Place(_ context.Context, h Hold) error {
	if err := h.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holds == nil {
		m.holds = map[string]Hold{}
	}
	if _, ok := m.holds[h.ID]; ok {
		return &ValidationError{What: "hold", Problems: []Problem{{Field: "id", Message: "already exists"}}}
	}
	m.holds[h.ID] = h
	return nil
}

// Release implements HoldStore.
func (m *MemoryHolds) Release(_ context.Context, id, by string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := m.holds[id]
	if !ok {
		return fmt.Errorf("retention: release hold: %w", ErrNotFound)
	}
	if err := CheckRelease(h, by, at); err != nil {
		return err
	}
	h.ReleasedAt, h.ReleasedBy = at, by
	m.holds[id] = h
	return nil
}

// Get implements HoldStore.
func (m *MemoryHolds) Get(_ context.Context, id string) (Hold, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := m.holds[id]
	if !ok {
		return Hold{}, fmt.Errorf("retention: get hold: %w", ErrNotFound)
	}
	return h, nil
}

// Holds implements HoldStore.
func (m *MemoryHolds) Holds(_ context.Context) ([]Hold, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Hold, 0, len(m.holds))
	for _, h := range m.holds {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Hold) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
