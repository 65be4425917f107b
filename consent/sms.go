package consent

import (
	"context"
	"errors"
	"slices"

	"github.com/civickit/privacy/pii"
)

// stopKeywords are the opt-out keywords of US carrier (CTIA) and TCPA
// practice. Matching ignores case and surrounding or repeated white space.
var stopKeywords = []string{"STOP", "STOPALL", "STOP ALL", "QUIT", "END", "REVOKE", "OPT OUT", "OPTOUT", "CANCEL", "UNSUBSCRIBE"}

// StopKeywords returns the keywords that withdraw SMS consent.
func StopKeywords() []string { return slices.Clone(stopKeywords) }

// IsStopKeyword reports whether an SMS body is an opt-out keyword (STOP,
// QUIT, END, REVOKE, OPT OUT, CANCEL, UNSUBSCRIBE, STOP ALL...), ignoring
// case, white space and trailing punctuation such as "Stop!".
func IsStopKeyword(body string) bool {
	b := trimUpper(body)
	for len(b) > 0 && (b[len(b)-1] == '.' || b[len(b)-1] == '!') {
		b = b[:len(b)-1]
	}
	return slices.Contains(stopKeywords, b)
}

// SMSResult is what HandleSMS did.
type SMSResult struct {
	// Keyword is true if the body was an opt-out keyword.
	Keyword bool
	// Subject is the sender's subject id, "" if the number is unknown.
	Subject string
	// Withdrawn lists the purposes withdrawn on the SMS channel.
	Withdrawn []string
}

// HandleSMS handles an inbound SMS from the phone number from: if the body
// is an opt-out keyword, it withdraws every purpose the sender has not
// already withdrawn on the SMS channel (method SMSKeyword), at once.
// Other messages are left to the caller. An unknown sender is not an error.
func (l *Ledger) HandleSMS(ctx context.Context, from pii.String, body string) (SMSResult, error) {
	if !IsStopKeyword(body) {
		return SMSResult{}, nil
	}
	res := SMSResult{Keyword: true}
	if from.Category() != pii.Phone {
		return res, errors.New("consent: HandleSMS needs a pii.String of category phone")
	}
	id, err := l.Find(ctx, from)
	if errors.Is(err, ErrNotFound) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Subject = id
	sts, err := l.Statuses(ctx, id)
	if err != nil {
		return res, err
	}
	for _, s := range sts {
		if s.Channel != SMS {
			continue
		}
		ok, err := l.Withdraw(ctx, id, s.Purpose, SMS, SMSKeyword, "keyword "+trimUpper(body))
		if errors.Is(err, ErrForgotten) {
			return res, nil
		}
		if err != nil {
			return res, err
		}
		if ok {
			res.Withdrawn = append(res.Withdrawn, s.Purpose)
		}
	}
	return res, nil
}
