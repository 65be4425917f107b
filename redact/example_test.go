package redact_test

import (
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"

	"github.com/civickit/privacy/redact"
)

func Example() {
	r, err := redact.New(nil)
	if err != nil {
		panic(err)
	}
	text := "Dear Jane Smith, we charged 4111 1111 1111 1111 and will call (617) 555-0142."
	out, findings := r.RedactFindings(text)
	fmt.Println(out)
	for _, f := range findings {
		fmt.Printf("%s %s %.2f\n", f.Entity, f.Rule, f.Score)
	}
	// Output:
	// Dear [PERSON_NAME], we charged [PAYMENT_CARD] and will call [PHONE].
	// person_name name.salutation 0.80
	// payment_card card.grouped 1.00
	// phone phone.nanp 1.00
}

func ExampleNew_customDetector() {
	r, err := redact.New(&redact.Options{
		// the city's utility account numbers, and its public switchboard
		Detectors: []redact.Detector{{Entity: "utility_account", Pattern: regexp.MustCompile(`UA-\d{6}`)}},
		Allow:     []string{"(617) 555-0100"},
		Operators: map[redact.Entity]redact.Operator{redact.PaymentCard: redact.MaskLast4()},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Redact("Account UA-123456 paid by 4111 1111 1111 1111; questions: (617) 555-0100."))
	// Output:
	// Account [UTILITY_ACCOUNT] paid by **** **** **** 1111; questions: (617) 555-0100.
}

func ExampleRedactStruct() {
	type Resident struct {
		ID    int    `pii:"-"`
		Email string `pii:"email"`
		Card  string `pii:"payment_card,redact=mask"`
		Note  string
	}
	r, _ := redact.New(nil)
	out, err := redact.RedactStruct(r, Resident{
		ID: 7, Email: "jane@example.com", Card: "4111111111111111", Note: "prefers 617-555-0142",
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d %s %s %q\n", out.ID, out.Email, out.Card, out.Note)
	// Output:
	// 7 [REDACTED:email] ************1111 "prefers [PHONE]"
}

func ExampleNewHandler() {
	logger := slog.New(redact.NewHandler(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}), nil))
	logger.Info("password reset for jane@example.com", "remote_addr", "192.0.2.77", "ssn", "219-09-9998")
	// Output:
	// level=INFO msg="password reset for [EMAIL]" remote_addr=192.0.2.0 ssn=[SSN]
}

func ExampleRedactor_RedactStream() {
	r, _ := redact.New(nil)
	var out strings.Builder
	if err := r.RedactStream(&out, strings.NewReader("From 198.51.100.23: mail jane@example.com\n")); err != nil {
		panic(err)
	}
	fmt.Print(out.String())
	// Output:
	// From [IP_ADDRESS]: mail [EMAIL]
}
