package consent_test

import (
	"context"
	"fmt"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

func ExampleLedger_Link() {
	ctx := context.Background()
	enc, _ := pii.NewKeyring(pii.Encryption)
	idx, _ := pii.NewKeyring(pii.Indexing)
	tok, _ := pii.NewKeyring(pii.Encryption)
	shredder, _ := pii.NewShredder(enc, &pii.MemoryKeyStore{})
	indexer, _ := pii.NewIndexer(idx, nil)
	l, err := consent.New(consent.NewMemoryStore(), consent.Keys{Shredder: shredder, Indexer: indexer, Tokens: tok},
		&consent.Options{Controller: consent.Controller{Name: "City of Example", Email: "privacy@example.gov", Jurisdiction: "US-MA"}})
	if err != nil {
		panic(err)
	}
	mail, _ := l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	phone, _ := l.Enroll(ctx, pii.New(pii.Phone, "+1 617 555 0100"))
	browser, _ := l.EnrollDevice(ctx) // the cookie banner's subject
	given := func(subject, purpose string, ch consent.Channel) {
		_, _ = l.Record(ctx, consent.Event{Subject: subject, Type: consent.Given, Purpose: purpose, Channel: ch,
			Method: consent.WebForm, Actor: "subject"})
	}
	given(mail, "eline:weekly-news", consent.Email)
	given(phone, "street-alerts", consent.SMS)
	given(browser, "cookies:analytics", consent.Web)

	// The resident's portal account has verified both contact points and
	// is signed in on this browser: one person.
	person, _ := consent.NewPersonID()
	linked, err := l.Link(ctx, person, []string{mail, phone, browser}, consent.WebForm, "subject")
	if err != nil {
		panic(err)
	}
	fmt.Println("linked:", len(linked), "subjects; chain intact:", l.Verify(ctx, mail) == nil)

	// "Withdraw everything": every consent, on every channel.
	withdrawn, _ := l.WithdrawPerson(ctx, person, consent.WebForm, "subject", "withdraw all")
	fmt.Println("withdrawn:", len(withdrawn))
	for _, pc := range []struct {
		subject, purpose string
		ch               consent.Channel
	}{{mail, "eline:weekly-news", consent.Email}, {phone, "street-alerts", consent.SMS}, {browser, "cookies:analytics", consent.Web}} {
		d, _ := l.MayContact(ctx, pc.subject, pc.purpose, pc.ch)
		fmt.Println(pc.purpose, pc.ch, d.Status)
	}

	// "My data", then "delete my account".
	x, _ := l.ExportPersonRecords(ctx, person)
	fmt.Println("export:", len(x.Subjects), "subjects,", len(x.Links), "links")
	_ = l.ForgetPerson(ctx, person, consent.WebForm, "subject")
	_, err = l.ContactPoint(ctx, phone)
	fmt.Println("phone number:", err)
	// Output:
	// linked: 3 subjects; chain intact: true
	// withdrawn: 3
	// eline:weekly-news email ConsentWithdrawn
	// street-alerts sms ConsentWithdrawn
	// cookies:analytics web ConsentWithdrawn
	// export: 3 subjects, 3 links
	// phone number: consent: subject was forgotten
}
