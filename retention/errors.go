package retention

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. Callers branch on these with errors.Is.
var (
	// ErrInvalid reports untrusted input that failed to parse or validate:
	// a schedule, a hold, a period. Every such failure wraps ErrInvalid and
	// nothing else, so callers handle them uniformly.
	ErrInvalid = errors.New("retention: invalid input")
	// ErrNotFound reports a hold (or other named object) that does not exist.
	ErrNotFound = errors.New("retention: not found")
	// ErrCompliance reports an attempt to shorten a compliance-mode rule.
	ErrCompliance = errors.New("retention: compliance rules may only be extended")
	// ErrReleased reports an operation on a hold that is already released.
	ErrReleased = errors.New("retention: hold already released")
)

// Problem is one thing wrong with a schedule or hold: the field path (JSON
// names, for example "rules[2].period") and what is wrong with it. Messages
// never quote personal data.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// String returns "field: message".
func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// ValidationError lists every problem found in one input. It unwraps to
// ErrInvalid, and to ErrCompliance when one of the problems is the
// shortening of a compliance rule.
type ValidationError struct {
	What     string // "schedule" or "hold"
	Problems []Problem
}

// Error lists all the problems on one line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("retention: invalid ")
	b.WriteString(e.What)
	b.WriteString(": ")
	if len(e.Problems) != 1 {
		b.WriteString(strconv.Itoa(len(e.Problems)))
		b.WriteString(" problems: ")
	}
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns ErrInvalid (and ErrCompliance when it applies).
func (e *ValidationError) Unwrap() []error {
	errs := []error{ErrInvalid}
	for _, p := range e.Problems {
		if p.Message == complianceMessage {
			errs = append(errs, ErrCompliance)
			break
		}
	}
	return errs
}

const complianceMessage = "shortens a compliance-mode rule, which may only be extended"
