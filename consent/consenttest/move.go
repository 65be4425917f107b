package consenttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

func testMoveContact(t *testing.T, s consent.Store) {
	m, ok := s.(consent.ContactMover)
	if !ok {
		t.Skip("the store does not implement consent.ContactMover")
	}
	ctx := context.Background()
	moved := rec(1, 0xbb)
	moved.Contact = []byte{0xc0, 0xee, 9, 9, 9}
	_, err := m.MoveContact(ctx, moved, nil)
	assert.ErrorIs(t, err, consent.ErrNotFound, "unknown subject")

	create(t, s, rec(1, 0xaa))
	create(t, s, rec(2, 0xbb))
	_, err = s.Append(ctx, ev(subject(1), consent.Given, "news", consent.Email, t0), nil)
	require.NoError(t, err)

	// same sees the other subjects on the new index, never the mover.
	var seen []string
	other, err := m.MoveContact(ctx, moved, func(c []consent.SubjectRecord) (string, error) {
		for _, x := range c {
			seen = append(seen, x.ID)
		}
		return "", nil
	})
	require.NoError(t, err)
	assert.Empty(t, other)
	assert.Equal(t, []string{subject(2)}, seen)
	got, err := s.Subject(ctx, subject(1))
	require.NoError(t, err)
	assert.Equal(t, moved.Contact, got.Contact, "the new sealed contact point is stored")
	assert.Equal(t, moved.Index, got.Index, "the new blind index is stored")
	assert.True(t, got.CreatedAt.Equal(t0), "created-at is unchanged")
	cands, err := s.SubjectsByIndex(ctx, consent.ContactEmail, []byte{0xaa, 0x40})
	require.NoError(t, err)
	assert.Empty(t, cands, "the old index finds nothing")
	events, err := s.Events(ctx, subject(1))
	require.NoError(t, err)
	assert.Len(t, events, 1, "the events stay")

	seen = nil
	_, err = m.MoveContact(ctx, moved, func(c []consent.SubjectRecord) (string, error) {
		for _, x := range c {
			seen = append(seen, x.ID)
		}
		return "", nil
	})
	require.NoError(t, err, "moving to the same index again")
	assert.Equal(t, []string{subject(2)}, seen, "the mover is not its own candidate")

	// same naming a subject: nothing changes.
	back := rec(1, 0xbb)
	other, err = m.MoveContact(ctx, back, func([]consent.SubjectRecord) (string, error) { return subject(2), nil })
	require.NoError(t, err)
	assert.Equal(t, subject(2), other)
	got, err = s.Subject(ctx, subject(1))
	require.NoError(t, err)
	assert.Equal(t, moved.Contact, got.Contact, "a refused move changes nothing")

	// An error from same aborts.
	boom := errors.New("boom")
	_, err = m.MoveContact(ctx, back, func([]consent.SubjectRecord) (string, error) { return "", boom })
	assert.ErrorIs(t, err, boom)

	// Another kind is refused.
	phone := back
	phone.Kind = consent.ContactPhone
	_, err = m.MoveContact(ctx, phone, nil)
	require.Error(t, err, "a subject keeps its kind")
	assert.NotErrorIs(t, err, consent.ErrNotFound)
	got, err = s.Subject(ctx, subject(1))
	require.NoError(t, err)
	assert.Equal(t, consent.ContactEmail, got.Kind)
	assert.Equal(t, moved.Contact, got.Contact, "a refused move changes nothing")

	// A forgotten subject takes no contact point again.
	require.NoError(t, s.ForgetSubject(ctx, subject(1), t0))
	_, err = m.MoveContact(ctx, back, nil)
	assert.ErrorIs(t, err, consent.ErrForgotten)
	got, err = s.Subject(ctx, subject(1))
	require.NoError(t, err)
	assert.Empty(t, got.Contact, "still forgotten")
	assert.Empty(t, got.Index, "still forgotten")
}

func testLedgerMove(t *testing.T, s consent.Store) {
	if _, ok := s.(consent.ContactMover); !ok {
		t.Skip("the store does not implement consent.ContactMover")
	}
	ctx := context.Background()
	l := newLedger(t, s, 0, NewClock(t0))
	id, err := l.Enroll(ctx, email(1))
	require.NoError(t, err)
	_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	require.NoError(t, err)

	require.NoError(t, l.MoveContact(ctx, id, email(2)))
	found, err := l.Find(ctx, email(2))
	require.NoError(t, err)
	assert.Equal(t, id, found, "the subject is found by its new address")
	_, err = l.Find(ctx, email(1))
	assert.ErrorIs(t, err, consent.ErrNotFound, "and no longer by its old one")
	cp, err := l.ContactPoint(ctx, id)
	require.NoError(t, err)
	assert.True(t, cp.Equal(email(2)))
	d, err := l.MayContact(ctx, id, "surveys", consent.Email)
	require.NoError(t, err)
	assert.True(t, d.Allowed, "consent follows the person to the new address")
	require.NoError(t, l.Verify(ctx, id), "the chain is untouched")
	again, err := l.Enroll(ctx, pii.New(pii.Email, " Resident2@Example.COM"))
	require.NoError(t, err)
	assert.Equal(t, id, again, "enrolling the new address finds the subject")

	require.NoError(t, l.MoveContact(ctx, id, pii.New(pii.Email, "RESIDENT2@example.com")), "moving to the same address is a no-op")

	id3, err := l.Enroll(ctx, email(3))
	require.NoError(t, err)
	assert.ErrorIs(t, l.MoveContact(ctx, id, email(3)), consent.ErrContactInUse)
	cp, err = l.ContactPoint(ctx, id)
	require.NoError(t, err)
	assert.True(t, cp.Equal(pii.New(pii.Email, "RESIDENT2@example.com")), "a refused move changes nothing")
	found, err = l.Find(ctx, email(3))
	require.NoError(t, err)
	assert.Equal(t, id3, found)

	err = l.MoveContact(ctx, id, pii.New(pii.Phone, "+12025550123"))
	require.Error(t, err, "an e-mail subject does not take a phone number")
	assert.NotErrorIs(t, err, consent.ErrContactInUse)
	assert.ErrorIs(t, l.MoveContact(ctx, "s_no_such_subject", email(4)), consent.ErrNotFound)

	require.NoError(t, l.Forget(ctx, id3, consent.WebForm, "subject"))
	assert.ErrorIs(t, l.MoveContact(ctx, id3, email(5)), consent.ErrForgotten)
	_, err = l.ContactPoint(ctx, id3)
	assert.ErrorIs(t, err, consent.ErrForgotten, "a refused move does not bring a forgotten subject back")
	_, err = l.Find(ctx, email(5))
	assert.ErrorIs(t, err, consent.ErrNotFound)
}

// testLedgerMoveRace races Enroll of an address with a move of another
// subject to it: whichever wins, exactly one subject has the address.
func testLedgerMoveRace(t *testing.T, s consent.Store) {
	if _, ok := s.(consent.ContactMover); !ok {
		t.Skip("the store does not implement consent.ContactMover")
	}
	ctx := context.Background()
	l := newLedger(t, s, 4, NewClock(t0)) // 4-bit indexes: collisions too
	for i := range 10 {
		target := pii.New(pii.Email, fmt.Sprintf("mover%d@example.com", i))
		mover, err := l.Enroll(ctx, pii.New(pii.Email, fmt.Sprintf("old%d@example.com", i)))
		require.NoError(t, err)
		var wg sync.WaitGroup
		var enrolled string
		var enrollErr, moveErr error
		wg.Add(2)
		go func() { defer wg.Done(); enrolled, enrollErr = l.Enroll(ctx, target) }()
		go func() { defer wg.Done(); moveErr = l.MoveContact(ctx, mover, target) }()
		wg.Wait()
		require.NoError(t, enrollErr)
		if moveErr == nil {
			assert.Equal(t, mover, enrolled, "round %d: the move won, so Enroll found the mover", i)
		} else {
			require.ErrorIs(t, moveErr, consent.ErrContactInUse, "round %d", i)
			assert.NotEqual(t, mover, enrolled, "round %d", i)
		}
		found, err := l.Find(ctx, target)
		require.NoError(t, err)
		assert.Equal(t, enrolled, found, "round %d: one subject has the address", i)
	}
}

// testLedgerDevice records cookie choices for device subjects, which have
// no contact point, next to people.
func testLedgerDevice(t *testing.T, s consent.Store) {
	ctx := context.Background()
	l := newLedger(t, s, 4, NewClock(t0))
	var devs []string
	for range 3 {
		id, err := l.EnrollDevice(ctx)
		require.NoError(t, err)
		devs = append(devs, id)
	}
	person, err := l.Enroll(ctx, email(1))
	require.NoError(t, err)
	for i, id := range devs {
		typ := consent.Given
		if i == 1 {
			typ = consent.Withdrawn
		}
		_, err := l.Record(ctx, consent.Event{Subject: id, Type: typ, Purpose: "cookies:analytics", Channel: consent.Web, Method: consent.WebForm, Actor: "subject"})
		require.NoError(t, err)
	}
	for i, id := range devs {
		ok, err := l.Device(ctx, id)
		require.NoError(t, err)
		assert.True(t, ok)
		d, err := l.MayContact(ctx, id, "cookies:analytics", consent.Web)
		require.NoError(t, err)
		assert.Equal(t, i != 1, d.Allowed, "device %d", i)
	}
	ok, err := l.Device(ctx, person)
	require.NoError(t, err)
	assert.False(t, ok, "a person is no device")
	found, err := l.Find(ctx, email(1))
	require.NoError(t, err)
	assert.Equal(t, person, found, "devices never match a contact point")
	require.NoError(t, l.Forget(ctx, devs[0], consent.WebForm, "subject"))
	d, err := l.MayContact(ctx, devs[0], "cookies:analytics", consent.Web)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "a forgotten device has withdrawn")
	require.NoError(t, l.VerifyAll(ctx))
}
