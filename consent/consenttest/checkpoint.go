package consenttest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/signature"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/civickit/privacy/consent"
)

// SigningKeys returns a fresh Ed25519 signer and its verifier, for
// checkpoints in tests.
func SigningKeys(t testing.TB) (tink.Signer, tink.Verifier) {
	t.Helper()
	h, err := keyset.NewHandle(signature.ED25519KeyTemplate())
	require.NoError(t, err)
	s, err := signature.NewSigner(h)
	require.NoError(t, err)
	pub, err := h.Public()
	require.NoError(t, err)
	v, err := signature.NewVerifier(pub)
	require.NoError(t, err)
	return s, v
}

// testHeads checks HeadReader against Events, with paging.
func testHeads(t *testing.T, s consent.Store) {
	hr, ok := s.(consent.HeadReader)
	if !ok {
		t.Skip("the store does not implement consent.HeadReader")
	}
	ctx := context.Background()
	for i := range 5 {
		create(t, s, rec(i, byte(i)))
		for j := 0; j < i; j++ {
			_, err := s.Append(ctx, ev(subject(i), consent.Given, "news", consent.Email, t0), nil)
			require.NoError(t, err)
		}
	}
	var got []consent.Head
	for after := ""; ; {
		page, err := hr.Heads(ctx, after, 2)
		require.NoError(t, err)
		got = append(got, page...)
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].Subject
	}
	require.Len(t, got, 4, "a subject without events has no head")
	for k, h := range got {
		i := k + 1
		assert.Equal(t, subject(i), h.Subject)
		events, err := s.Events(ctx, h.Subject)
		require.NoError(t, err)
		assert.Equal(t, events[len(events)-1].Seq, h.Seq)
		assert.Equal(t, events[len(events)-1].Hash, h.Hash)
	}
}

// testLedgerCheckpoint takes checkpoints around appends and audits them.
func testLedgerCheckpoint(t *testing.T, s consent.Store) {
	ctx := context.Background()
	signer, verifier := SigningKeys(t)
	l := newLedger(t, s, 0, NewClock(t0))
	var ids []string
	for i := range 5 {
		id, err := l.Enroll(ctx, email(i))
		require.NoError(t, err)
		ids = append(ids, id)
		for range i + 1 {
			_, err := l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
			require.NoError(t, err)
		}
	}
	cp, err := l.Checkpoint(ctx, signer, nil)
	require.NoError(t, err)
	assert.Len(t, cp.Heads, 5)
	assert.EqualValues(t, 15, cp.Events)
	_, err = l.Record(ctx, consent.Event{Subject: ids[0], Type: consent.Withdrawn, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	require.NoError(t, err)
	id, err := l.Enroll(ctx, email(9))
	require.NoError(t, err)
	_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	require.NoError(t, err)
	r, err := l.Audit(ctx, cp, verifier)
	require.NoError(t, err)
	assert.True(t, r.OK(), "appends since the checkpoint are no change: %+v", r.Changes)
	assert.Equal(t, 1, r.NewSubjects)
}
