package pii_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/civickit/privacy/pii"
)

func ExampleString() {
	email := pii.New(pii.Email, "resident@example.com")

	fmt.Println(email)
	fmt.Printf("%v %q %#v\n", email, email, email)
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	logger.Info("signup", "email", email)

	// Reading the plaintext is one explicit call.
	fmt.Println(len(email.Reveal()))
	// Output:
	// [REDACTED:email]
	// [REDACTED:email] "[REDACTED:email]" pii.String("[REDACTED:email]")
	// level=INFO msg=signup email=[REDACTED:email]
	// 20
}

func ExampleSealer() {
	kr, err := pii.NewKeyring(pii.Encryption)
	if err != nil {
		panic(err)
	}
	sealer, err := pii.NewSealer(kr)
	if err != nil {
		panic(err)
	}

	ad := pii.AD{Record: "account", Field: "card", ID: "acct-42"}
	sealed, err := sealer.Seal(pii.New(pii.PaymentCard, "4111 1111 1111 1111"), ad)
	if err != nil {
		panic(err)
	}

	card, err := sealer.Open(sealed, ad)
	fmt.Println(card.Masked(), card.Category(), err)

	// The same ciphertext copied to another record does not open.
	_, err = sealer.Open(sealed, pii.AD{Record: "account", Field: "card", ID: "acct-43"})
	fmt.Println(errors.Is(err, pii.ErrInvalid))
	// Output:
	// •••• 1111 payment_card <nil>
	// true
}

func ExampleSealer_SealFields() {
	type Account struct {
		ID    string
		Name  pii.String `pii:"name,encrypt"`
		Email pii.String `pii:"email,encrypt,index"`
	}
	enc, _ := pii.NewKeyring(pii.Encryption)
	idx, _ := pii.NewKeyring(pii.Indexing)
	sealer, _ := pii.NewSealer(enc)
	indexer, _ := pii.NewIndexer(idx, &pii.IndexerOptions{EstimatedRows: 100_000})

	a := Account{ID: "acct-42", Name: pii.New(pii.Name, "Pat Example"), Email: pii.New(pii.Email, "pat@example.com")}
	sealed, err := sealer.SealFields("account", a.ID, &a)
	if err != nil {
		panic(err)
	}
	indexes, err := indexer.IndexFields(&a)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(sealed), indexer.Bits(), "bits")

	// Later: look the row up by the e-mail a resident types at login.
	lookup, _ := indexer.Compute("Email", 0, pii.New(pii.Email, " Pat@Example.com"))
	fmt.Println(lookup.String() == indexes["Email"].String())

	var back Account
	if err := sealer.OpenFields("account", a.ID, sealed, &back); err != nil {
		panic(err)
	}
	fmt.Println(back.Email, back.Email.Equal(a.Email))
	// Output:
	// 2 15 bits
	// true
	// [REDACTED:email] true
}

func ExampleShredder() {
	ctx := context.Background()
	kr, _ := pii.NewKeyring(pii.Encryption)
	shredder, _ := pii.NewShredder(kr, &pii.MemoryKeyStore{})

	ad := pii.AD{Record: "subscriber", Field: "email", ID: "sub-7"}
	sealed, _ := shredder.Seal(ctx, "subject-7", pii.New(pii.Email, "resident@example.com"), ad)

	// The resident asks to be forgotten.
	_ = shredder.Forget(ctx, "subject-7")
	_, err := shredder.Open(ctx, "subject-7", sealed, ad)
	fmt.Println(errors.Is(err, pii.ErrForgotten))
	// Output: true
}

func ExampleKeyring_Rotate() {
	kr, _ := pii.NewKeyring(pii.Encryption)
	sealer, _ := pii.NewSealer(kr)
	ad := pii.AD{Record: "account", Field: "phone", ID: "acct-1"}
	old, _ := sealer.Seal(pii.New(pii.Phone, "617-555-0100"), ad)
	oldKey := kr.Primary()

	newKey, _ := kr.Rotate()
	moved, _ := sealer.Rewrap(old, ad) // re-encrypt without seeing plaintext
	_ = kr.Disable(oldKey)

	_, errOld := sealer.Open(old, ad)
	v, errNew := sealer.Open(moved, ad)
	fmt.Println(moved.KeyID() == newKey, errors.Is(errOld, pii.ErrInvalid), v.Masked(), errNew)
	// Output: true true •••• 0100 <nil>
}
