package consent_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

func ExampleNewChainKey() {
	ctx := context.Background()
	// The chain keyring: in production one of the keyrings pii.LoadKeyrings
	// reads, wrapped by the KMS key, never stored in the database.
	chainRing, _ := pii.NewKeyring(pii.Indexing)
	chainKey, _ := consent.NewChainKey(chainRing, nil)
	store := consent.NewKeyedMemoryStore(chainKey) // sqlstore: Options{ChainKey: chainKey}

	enc, _ := pii.NewKeyring(pii.Encryption)
	idx, _ := pii.NewKeyring(pii.Indexing)
	tok, _ := pii.NewKeyring(pii.Encryption)
	shredder, _ := pii.NewShredder(enc, &pii.MemoryKeyStore{})
	indexer, _ := pii.NewIndexer(idx, nil)
	ledger, err := consent.New(store, consent.Keys{Shredder: shredder, Indexer: indexer, Tokens: tok}, nil)
	if err != nil {
		panic(err)
	}
	subject, _ := ledger.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	e, _ := ledger.Record(ctx, consent.Event{Subject: subject, Type: consent.Given, Purpose: "eline:weekly-news",
		Channel: consent.Email, Method: consent.Paper, Actor: "staff:1234"})
	fmt.Println("scheme:", e.HashScheme, "key is the primary:", e.HashKey == chainRing.Primary())
	fmt.Println("verifies with the key:", ledger.Verify(ctx, subject) == nil)

	// Someone who can write the database but has no key rewrites the event
	// and recomputes its hash the old, unkeyed way.
	events, _ := ledger.History(ctx, subject)
	events[0].Type = consent.Withdrawn
	consent.Seal(&events[0], nil)
	err = chainKey.Verify(subject, events)
	var ce *consent.ChainError
	fmt.Println("downgrade found:", errors.As(err, &ce), "at event", ce.Seq)
	// Output:
	// scheme: keyed-prf key is the primary: true
	// verifies with the key: true
	// downgrade found: true at event 1
}
