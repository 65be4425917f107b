package consent_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/pii"
)

// plainStore hides MemoryStore's optional interfaces.
type plainStore struct{ consent.Store }

func TestMoveContactNeedsAContactMover(t *testing.T) {
	ctx := context.Background()
	l, err := consent.New(plainStore{consent.NewMemoryStore()}, consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	id, err := l.Enroll(ctx, pii.New(pii.Email, "old@example.com"))
	require.NoError(t, err)
	err = l.MoveContact(ctx, id, pii.New(pii.Email, "new@example.com"))
	assert.ErrorIs(t, err, errors.ErrUnsupported)
	assert.NotContains(t, err.Error(), "example.com", "no contact point in the error")
	cp, err := l.ContactPoint(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "old@example.com", cp.Reveal(), "nothing moved")
}
