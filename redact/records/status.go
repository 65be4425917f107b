package records

import (
	"errors"
	"fmt"
)

// Status is how one input document ended. Every document a request is
// given ends in exactly one status; only StatusRedacted and StatusClean
// documents have a release.
type Status string

// The document statuses.
const (
	// StatusRedacted: released with at least one redaction.
	StatusRedacted Status = "redacted"
	// StatusClean: released, nothing to redact was found.
	StatusClean Status = "clean"
	// StatusWithheld: not released, for a reason that says why (see
	// Reason): an unsupported or encrypted format, an unreadable page, a
	// scan without OCR.
	StatusWithheld Status = "withheld"
	// StatusFailed: not released: the document could not be read (it is
	// malformed) or its release could not be written.
	StatusFailed Status = "failed"
)

// Reason says why a document or a part of one was withheld.
type Reason string

// The reasons for withholding. A WithheldError may carry more detail
// after the reason (for example the file type).
const (
	ReasonUnsupported Reason = "unsupported format"
	ReasonEncrypted   Reason = "encrypted"
	ReasonPassword    Reason = "password-protected"
	ReasonUnreadable  Reason = "unreadable"
	ReasonNeedsOCR    Reason = "needs OCR that is not available"
	ReasonHidden      Reason = "hidden file"
	ReasonNotRegular  Reason = "not a regular file"
	ReasonEmbedded    Reason = "embedded content that cannot be reviewed"
	ReasonTooDeep     Reason = "nested too deeply"
)

// ErrWithheld is wrapped (through a *WithheldError) by Request.Document
// when a document cannot be reviewed and so must not be released.
var ErrWithheld = errors.New("records: withheld")

// WithheldError says that a document, or a part of one, was withheld
// and why. It never quotes the document's content; Detail names a file
// type or a structure, never a value.
type WithheldError struct {
	Document string // the document's name as given
	Part     string // the part, for example "attachment 2 (photo.gif)"; "" for the whole document
	Reason   Reason
	Detail   string // for example ".gif" or "AES-256"
}

func (e *WithheldError) Error() string {
	where := fmt.Sprintf("document %q", e.Document)
	if e.Part != "" {
		where += " part " + e.Part
	}
	return fmt.Sprintf("records: %s withheld: %s", where, e.text())
}

// text is the reason with its detail, as logs and reports print it.
func (e *WithheldError) text() string {
	if e.Detail != "" {
		return string(e.Reason) + " (" + e.Detail + ")"
	}
	return string(e.Reason)
}

// Unwrap returns ErrWithheld.
func (e *WithheldError) Unwrap() error { return ErrWithheld }

// WithheldPart is a part of a released document that was taken out of
// the release because it could not be reviewed, for example an e-mail
// attachment in an unsupported format. The release holds a short notice
// in its place.
type WithheldPart struct {
	Part   string `json:"part"`
	Reason string `json:"reason"`
}

// withheld returns a *WithheldError for the whole document.
func withheld(doc string, r Reason, detail string) *WithheldError {
	return &WithheldError{Document: doc, Reason: r, Detail: detail}
}

// Status returns the document's status: StatusRedacted when anything was
// redacted (or a part withheld), StatusClean otherwise. A Result exists
// only for a document that is released; see StatusFor for errors.
func (r *Result) Status() Status {
	if len(r.Entries) > 0 || len(r.Withheld) > 0 {
		return StatusRedacted
	}
	return StatusClean
}

// StatusFor returns the status and reason for the error Request.Document
// returned: StatusWithheld for a *WithheldError, StatusFailed for any
// other error.
func StatusFor(err error) (Status, string) {
	var we *WithheldError
	if errors.As(err, &we) {
		return StatusWithheld, we.text()
	}
	var de *DocumentError
	if errors.As(err, &de) {
		return StatusFailed, de.reason()
	}
	return StatusFailed, err.Error()
}
