package piitest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/civickit/privacy/redact"
	"github.com/stretchr/testify/assert"
)

// TestRedactingLoggerKeepsCanariesOut logs every generated canary the ways
// a portal would, through the redact slog handler, and expects no leak.
func TestRedactingLoggerKeepsCanariesOut(t *testing.T) {
	cs := New(t)
	e, p, c, s, a, sec := cs.Email(), cs.Phone(), cs.Card(), cs.SSN(), cs.Address(), cs.Secret()
	n := cs.Name()
	logs := NewRecorder()
	// redact does not treat a bare "name" key as personal data (too many
	// things have names); a portal that logs people's names under "name"
	// says so, and the leak test below proves it must
	lg := logs.RedactingLogger(&redact.HandlerOptions{Keys: map[string]redact.Entity{"name": redact.PersonName}})

	lg.Info("signup", "email", e.Value(), "phone", p.Value(), "name", n.Value(), "password", sec.Value())
	lg.Info("payment for " + e.Value() + " with card " + c.Value())
	lg.Warn("lookup", "query", "ssn="+s.Value()+"&phone="+p.Value())
	lg.Error("address check failed", "err", errors.New("no match for "+a.Value()))
	lg.With("user", map[string]string{"email": e.Value(), "ssn": s.Value()}).Debug("profile")
	lg.WithGroup("form").Info("received", "contact", fmt.Sprintf("%s / %s", e.Value(), p.Value()))

	ft := &fakeT{name: t.Name()}
	assert.True(t, AssertNoLeak(ft, logs, cs.Planted()...), ft.output())

	// the same records through a plain handler leak: the test above can fail
	plain := NewRecorder()
	plain.JSONLogger(nil).Info("signup", "email", e.Value())
	assert.False(t, AssertNoLeak(&fakeT{}, plain, e))

	// without the key, the invented name is still caught: a given name
	// before a surname no list holds reads as a person (issue 13)
	bare := NewRecorder()
	bare.RedactingLogger(nil).Info("signup", "name", n.Value())
	ft = &fakeT{name: t.Name()}
	assert.True(t, AssertNoLeak(ft, bare, n), "a bare name value is caught by content detection: %s", ft.output())
}
