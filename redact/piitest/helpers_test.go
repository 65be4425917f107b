package piitest

import (
	"fmt"
	"strings"
)

// fakeT records failures instead of failing, so tests can check that an
// assertion fails and what it says.
type fakeT struct {
	name string
	errs []string
}

func (f *fakeT) Helper()      {}
func (f *fakeT) Name() string { return f.name }
func (f *fakeT) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *fakeT) failed() bool   { return len(f.errs) > 0 }
func (f *fakeT) output() string { return strings.Join(f.errs, "\n") }

var _ TB = (*fakeT)(nil)
