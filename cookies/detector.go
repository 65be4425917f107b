package cookies

// PIIDetector reports whether a string contains personal data. The redact
// package's *redact.Redactor satisfies it; it is the default.
type PIIDetector interface {
	Contains(s string) bool
}
