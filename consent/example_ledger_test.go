package consent_test

import (
	"context"
	"fmt"
	"time"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

func Example() {
	ctx := context.Background()
	// Keys: in production, read keyrings wrapped by a KMS (pii.ReadKeyringFile)
	// and keep subject keys in a pii.SQLKeyStore.
	enc, _ := pii.NewKeyring(pii.Encryption)
	idx, _ := pii.NewKeyring(pii.Indexing)
	tok, _ := pii.NewKeyring(pii.Encryption)
	shredder, _ := pii.NewShredder(enc, &pii.MemoryKeyStore{})
	indexer, _ := pii.NewIndexer(idx, nil)
	ledger, err := consent.New(consent.NewMemoryStore(), consent.Keys{Shredder: shredder, Indexer: indexer, Tokens: tok}, nil)
	if err != nil {
		panic(err)
	}

	notice := consent.NewNotice("eline-privacy", 1, []byte("E-Line is opt-in; leave from any message."), "https://www.example.gov/eline/privacy", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	_ = ledger.PublishNotice(ctx, notice)

	// Sign-up form: double opt-in.
	subject, _ := ledger.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	token, _, _ := ledger.Request(ctx, subject, "eline:weekly-news", consent.Email, notice.Ref(), consent.WebForm)
	d, _ := ledger.MayContact(ctx, subject, "eline:weekly-news", consent.Email)
	fmt.Println("before confirming:", d.Allowed, d.Status)

	// The link in the confirmation e-mail.
	c, _ := ledger.Confirm(ctx, token)
	d, _ = ledger.MayContact(ctx, subject, "eline:weekly-news", consent.Email)
	fmt.Println("after confirming:", d.Allowed, d.Status, "event", c.Event.Seq)

	// Every message carries a one-click unsubscribe link.
	link, _ := ledger.UnsubscribeLink("https://www.example.gov/unsubscribe", subject, "eline:weekly-news", consent.Email)
	h, _ := consent.ListUnsubscribeHeaders(link, "")
	fmt.Println(h.Get("List-Unsubscribe-Post"))

	// The resident clicks it (POST List-Unsubscribe=One-Click).
	unsubToken, _ := ledger.UnsubscribeToken(subject, "eline:weekly-news", consent.Email)
	_, _ = ledger.Unsubscribe(ctx, unsubToken, consent.OneClick)
	d, _ = ledger.MayContact(ctx, subject, "eline:weekly-news", consent.Email)
	fmt.Println("after unsubscribing:", d.Allowed, d.Status, "by", d.Event.Method)
	fmt.Println("chain intact:", ledger.Verify(ctx, subject) == nil)
	// Output:
	// before confirming: false ConsentRequested
	// after confirming: true ConsentGiven event 2
	// List-Unsubscribe=One-Click
	// after unsubscribing: false ConsentWithdrawn by one_click_unsubscribe
	// chain intact: true
}

func ExampleLedger_MoveContact() {
	ctx := context.Background()
	enc, _ := pii.NewKeyring(pii.Encryption)
	idx, _ := pii.NewKeyring(pii.Indexing)
	tok, _ := pii.NewKeyring(pii.Encryption)
	shredder, _ := pii.NewShredder(enc, &pii.MemoryKeyStore{})
	indexer, _ := pii.NewIndexer(idx, nil)
	l, _ := consent.New(consent.NewMemoryStore(), consent.Keys{Shredder: shredder, Indexer: indexer, Tokens: tok}, nil)
	id, _ := l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	_, _ = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "eline:weekly-news",
		Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})

	// The resident proved, through a link sent there, that the new address
	// is theirs: their consent follows them.
	if err := l.MoveContact(ctx, id, pii.New(pii.Email, "resident.new@example.com")); err != nil {
		panic(err)
	}
	found, _ := l.Find(ctx, pii.New(pii.Email, "resident.new@example.com"))
	d, _ := l.MayContact(ctx, id, "eline:weekly-news", consent.Email)
	fmt.Println(found == id, d.Allowed)
	// Output: true true
}

func ExampleLedger_ExportRecords() {
	ctx := context.Background()
	enc, _ := pii.NewKeyring(pii.Encryption)
	idx, _ := pii.NewKeyring(pii.Indexing)
	tok, _ := pii.NewKeyring(pii.Encryption)
	shredder, _ := pii.NewShredder(enc, &pii.MemoryKeyStore{})
	indexer, _ := pii.NewIndexer(idx, nil)
	l, err := consent.New(consent.NewMemoryStore(), consent.Keys{Shredder: shredder, Indexer: indexer, Tokens: tok}, &consent.Options{
		// What each purpose's records declare (ISO/IEC TS 27560); New
		// refuses a malformed declaration with consent.ErrBadDeclaration.
		Purposes: []consent.PurposeDef{{
			ID: "eline:weekly-news", Description: "E-Line weekly news",
			MaxAge:           2 * 365 * 24 * time.Hour, // validity: ask again after two years
			Retention:        consent.Retention{Period: 90 * 24 * time.Hour},
			StorageLocations: []string{"US"},
			Recipients: []consent.Recipient{{Name: "Example Mail Service", Role: consent.RecipientProcessor,
				Purpose: "sends the newsletter", Location: "US"}},
		}},
		Controller: consent.Controller{Name: "City of Example", Contact: "Privacy Office", Email: "privacy@example.gov",
			Phone: "555-010-0100", URL: "https://www.example.gov", Jurisdiction: "US-MA", Language: "en"},
	})
	if err != nil {
		panic(err)
	}
	id, _ := l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	_, _ = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "eline:weekly-news",
		Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	_, _ = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "street-alerts",
		Channel: consent.SMS, Method: consent.PhoneCall, Actor: "staff:1234"})
	_, _ = l.Withdraw(ctx, id, "street-alerts", consent.SMS, consent.SMSKeyword, "keyword STOP")

	// An access request: every consent of the subject, as 27560 records
	// (marshal x with encoding/json for the file to hand over).
	x, _ := l.ExportRecords(ctx, id)
	or := func(s, dflt string) string {
		if s == "" {
			return dflt
		}
		return s
	}
	for _, r := range x.Records {
		p := r.Processing
		fmt.Println(p.PurposeID, p.Channel, r.Consent.Status, len(r.Events), "events")
		fmt.Println("  kept:", or(p.RetentionPeriod, "(schedule)"), "in", p.StorageLocations, "under", p.Jurisdiction,
			"valid:", or(r.Consent.Validity, "until withdrawn"))
		fmt.Println("  shared with:", len(r.Recipients), "recipient(s); to withdraw:", p.WithdrawalMethod)
	}
	// Output:
	// eline:weekly-news email ConsentGiven 1 events
	//   kept: P90D in [US] under US-MA valid: P730D
	//   shared with: 1 recipient(s); to withdraw: Use the one-click unsubscribe link in any message, or contact the controller.
	// street-alerts sms ConsentWithdrawn 2 events
	//   kept: (schedule) in [US-MA] under US-MA valid: until withdrawn
	//   shared with: 0 recipient(s); to withdraw: Reply STOP to any text message, or contact the controller.
}
