package main

import (
	"github.com/civickit/privacy/consent"
)

// Pages show people words, not identifiers: "Subscribed", not
// "ConsentGiven"; "E-Line weekly news", not "eline:weekly-news".

var statusLabels = map[consent.Status]string{
	consent.StatusUnknown:   "Not subscribed",
	consent.StatusRequested: "Waiting for your confirmation",
	consent.StatusGiven:     "Subscribed",
	consent.StatusRenewed:   "Subscribed (renewed)",
	consent.StatusWithdrawn: "Unsubscribed",
	consent.StatusRevoked:   "Stopped by the city",
	consent.StatusExpired:   "Expired",
}

var methodLabels = map[consent.Method]string{
	consent.WebForm: "on this website", consent.EmailLink: "by the link in an e-mail",
	consent.OneClick: "by one-click unsubscribe", consent.SMSKeyword: "by text message",
	consent.Paper: "on paper", consent.PhoneCall: "by phone", consent.Import: "imported",
	consent.GPCSignal: "by your browser's Global Privacy Control", consent.StaffAction: "by city staff",
	consent.SystemSchedule: "automatically",
}

var channelLabels = map[consent.Channel]string{
	consent.Email: "e-mail", consent.SMS: "text message", consent.Phone: "phone call",
	consent.Postal: "post", consent.Web: "this website, on your browser",
}

var recordLabels = map[string]string{
	purposeAnalytics: "Analytics cookies",
	"accounts":       "Your account", "payments": "Bill payments", "sessions": "Log-in sessions",
	"account": "Contact details and log-in", "payment.card_token": "Payment: card token and last 4 digits, no card number",
	"web_session": "Session (no personal data)",
}

// label returns the human word for an identifier, or the identifier.
func label(v any) string {
	switch x := v.(type) {
	case consent.Status:
		if l, ok := statusLabels[x]; ok {
			return l
		}
		return string(x)
	case consent.Channel:
		if l, ok := channelLabels[x]; ok {
			return l
		}
		return string(x)
	case consent.Method:
		if l, ok := methodLabels[x]; ok {
			return l
		}
		return string(x)
	case string:
		if t, ok := topicByID(x); ok {
			return t.Title
		}
		if l, ok := recordLabels[x]; ok {
			return l
		}
		return x
	}
	return ""
}
