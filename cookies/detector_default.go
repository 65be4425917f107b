package cookies

import (
	"sync"

	"github.com/civickit/privacy/redact"
)

// defaultDetector returns the PII detector used when options give none: a
// redact.Redactor with its default options, built once and shared (it is
// immutable and safe for concurrent use).
func defaultDetector() (PIIDetector, error) { return sharedRedactor() }

var sharedRedactor = sync.OnceValues(func() (PIIDetector, error) {
	r, err := redact.New(nil)
	if err != nil {
		return nil, err
	}
	return r, nil
})

var _ PIIDetector = (*redact.Redactor)(nil)
