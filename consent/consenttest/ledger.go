package consenttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

func newLedger(t *testing.T, s consent.Store, bits int, clock *Clock) *consent.Ledger {
	t.Helper()
	l, err := consent.New(s, NewKeys(t, bits), &consent.Options{
		Now:      clock.Now,
		Purposes: []consent.PurposeDef{{ID: "billing-notices", OptOut: true}, {ID: "surveys", MaxAge: 365 * 24 * time.Hour}},
	})
	require.NoError(t, err)
	return l
}

func email(i int) pii.String { return pii.New(pii.Email, fmt.Sprintf("resident%d@example.com", i)) }

func testLedger(t *testing.T, s consent.Store) {
	ctx := context.Background()
	clock := NewClock(t0)
	l := newLedger(t, s, 0, clock)
	notice := consent.NewNotice("eline-privacy", 1, []byte("E-Line: weekly news, unsubscribe at any time."), "https://www.example.gov/eline/privacy", t0)
	require.NoError(t, l.PublishNotice(ctx, notice))

	id, err := l.Enroll(ctx, pii.New(pii.Email, "  Resident1@Example.COM "))
	require.NoError(t, err)
	again, err := l.Enroll(ctx, email(1))
	require.NoError(t, err)
	assert.Equal(t, id, again, "the same address, normalised, is the same subject")
	found, err := l.Find(ctx, email(1))
	require.NoError(t, err)
	assert.Equal(t, id, found)
	_, err = l.Find(ctx, email(2))
	assert.ErrorIs(t, err, consent.ErrNotFound)
	cp, err := l.ContactPoint(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "  Resident1@Example.COM ", cp.Reveal(), "the contact point is kept as given")
	r, err := s.Subject(ctx, id)
	require.NoError(t, err)
	assert.NotContains(t, string(r.Contact), "example.com", "no plaintext contact data in the store")

	d, err := l.MayContact(ctx, id, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "nothing recorded: opt-in purposes need consent")
	assert.Equal(t, consent.StatusUnknown, d.Status)

	// Double opt-in.
	tok, _, err := l.Request(ctx, id, "eline:weekly-news", consent.Email, notice.Ref(), consent.WebForm)
	require.NoError(t, err)
	assert.NotContains(t, tok, "resident", "no PII in the token")
	d, err = l.MayContact(ctx, id, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "requested is not consent")
	assert.Equal(t, consent.StatusRequested, d.Status)

	clock.Advance(time.Hour)
	c, err := l.Confirm(ctx, tok)
	require.NoError(t, err)
	assert.False(t, c.Already)
	assert.Equal(t, consent.Confirmed, c.Event.Type)
	assert.Equal(t, notice.Ref(), c.Event.Notice, "the confirmation rests on the requested notice")
	c2, err := l.Confirm(ctx, tok)
	require.NoError(t, err, "confirming twice is harmless")
	assert.True(t, c2.Already)

	d, err = l.MayContact(ctx, id, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.True(t, d.Allowed)
	assert.Equal(t, consent.StatusGiven, d.Status)
	require.NotNil(t, d.Event)
	assert.Equal(t, c.Event.Seq, d.Event.Seq, "the decision names its event")

	d, err = l.MayContact(ctx, id, "eline:weekly-news", consent.SMS)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "consent is per channel")

	// Unsubscribe: at once, and idempotent.
	ut, err := l.UnsubscribeToken(id, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	u, err := l.Unsubscribe(ctx, ut, consent.OneClick)
	require.NoError(t, err)
	assert.True(t, u.Withdrawn)
	u, err = l.Unsubscribe(ctx, ut, consent.OneClick)
	require.NoError(t, err)
	assert.False(t, u.Withdrawn, "a second unsubscribe records nothing")
	d, err = l.MayContact(ctx, id, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed)
	assert.Equal(t, consent.StatusWithdrawn, d.Status)
	assert.Equal(t, consent.OneClick, d.Event.Method)
	_, err = l.Confirm(ctx, tok)
	require.NoError(t, err, "an old confirmation link does not re-subscribe")
	d, err = l.MayContact(ctx, id, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "still withdrawn after the old link")

	// Tokens of one kind are not tokens of the other.
	_, err = l.Confirm(ctx, ut)
	assert.ErrorIs(t, err, consent.ErrInvalid, "an unsubscribe token does not confirm")
	_, err = l.Unsubscribe(ctx, tok, consent.OneClick)
	assert.ErrorIs(t, err, consent.ErrInvalid, "a confirmation token does not unsubscribe")

	// Expiry of confirmation tokens.
	tok3, _, err := l.Request(ctx, id, "street-alerts", consent.Email, consent.NoticeRef{}, consent.WebForm)
	require.NoError(t, err)
	clock.Advance(73 * time.Hour)
	_, err = l.Confirm(ctx, tok3)
	assert.ErrorIs(t, err, consent.ErrInvalid, "an expired token")

	// Opt-out purposes and maximum age.
	d, err = l.MayContact(ctx, id, "billing-notices", consent.Postal)
	require.NoError(t, err)
	assert.True(t, d.Allowed, "opt-out purpose with no objection")
	_, err = l.Withdraw(ctx, id, "billing-notices", consent.Postal, consent.PhoneCall, "")
	require.NoError(t, err)
	d, err = l.MayContact(ctx, id, "billing-notices", consent.Postal)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "opt-out purpose after objection")
	_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.Paper, Actor: "staff:0042"})
	require.NoError(t, err)
	d, err = l.MayContact(ctx, id, "surveys", consent.Email)
	require.NoError(t, err)
	assert.True(t, d.Allowed)
	clock.Advance(366 * 24 * time.Hour)
	d, err = l.MayContact(ctx, id, "surveys", consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "older than the purpose's MaxAge")
	assert.Equal(t, consent.StatusExpired, d.Status)

	// Notices: an event must name a published notice.
	_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.Paper, Actor: "staff:0042", Notice: consent.NoticeRef{ID: "eline-privacy", Version: 9}})
	assert.ErrorIs(t, err, consent.ErrNotFound, "unpublished notice version")

	require.NoError(t, l.Verify(ctx, id))
	require.NoError(t, l.VerifyAll(ctx))

	// Forget: the contact point is shredded, the proof stays.
	before, err := l.History(ctx, id)
	require.NoError(t, err)
	require.NoError(t, l.Forget(ctx, id, consent.StaffAction, "staff:0042"))
	require.NoError(t, l.Forget(ctx, id, consent.StaffAction, "staff:0042"), "idempotent")
	_, err = l.ContactPoint(ctx, id)
	assert.ErrorIs(t, err, consent.ErrForgotten)
	_, err = l.Find(ctx, email(1))
	assert.ErrorIs(t, err, consent.ErrNotFound, "a forgotten subject cannot be found by contact point")
	after, err := l.History(ctx, id)
	require.NoError(t, err)
	assert.Greater(t, len(after), len(before), "Forget records withdrawals of what was still held")
	assert.Equal(t, consent.Withdrawn, after[len(after)-1].Type)
	require.NoError(t, l.Verify(ctx, id), "the chain survives forgetting")
	d, err = l.MayContact(ctx, id, "surveys", consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed)
	_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.Paper, Actor: "staff:0042"})
	assert.ErrorIs(t, err, consent.ErrForgotten, "a forgotten subject takes no new consent")
	u, err = l.Unsubscribe(ctx, ut, consent.OneClick)
	require.NoError(t, err, "an unsubscribe link of a forgotten subject still answers")
	assert.False(t, u.Withdrawn)
	newID, err := l.Enroll(ctx, email(1))
	require.NoError(t, err)
	assert.NotEqual(t, id, newID, "a returning person is a new subject")
}

func testLedgerCollisions(t *testing.T, s consent.Store) {
	// With 1-bit blind indexes nearly every address collides with another:
	// lookups must open candidates and compare.
	ctx := context.Background()
	l := newLedger(t, s, 1, NewClock(t0))
	ids := map[string]int{}
	for i := range 12 {
		id, err := l.Enroll(ctx, email(i))
		require.NoError(t, err)
		ids[id] = i
	}
	assert.Len(t, ids, 12, "colliding indexes do not merge subjects")
	for id, i := range ids {
		got, err := l.Find(ctx, email(i))
		require.NoError(t, err)
		assert.Equal(t, id, got)
	}
	phone, err := l.Enroll(ctx, pii.New(pii.Phone, "+1 (555) 010-0142"))
	require.NoError(t, err)
	got, err := l.Find(ctx, pii.New(pii.Phone, "555-010-0142"))
	require.NoError(t, err)
	assert.Equal(t, phone, got, "phone numbers are normalised")
	_, err = l.Enroll(ctx, pii.New(pii.Name, "Pat Example"))
	assert.Error(t, err, "a name is not a contact point")
}

func testLedgerConcurrentEnroll(t *testing.T, s consent.Store) {
	ctx := context.Background()
	l := newLedger(t, s, 4, NewClock(t0))
	const n = 6
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = l.Enroll(ctx, email(7))
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, ids[0], ids[i], "concurrent enrolments agree on one subject")
	}
	// ...and the one subject's chain takes concurrent withdrawals intact.
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = l.Record(ctx, consent.Event{Subject: ids[0], Type: consent.Given, Purpose: fmt.Sprintf("p%d", i), Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			require.NoError(t, err)
		}
	}
	assert.NoError(t, l.Verify(ctx, ids[0]))
}

func testLedgerImport(t *testing.T, s consent.Store) {
	ctx := context.Background()
	clock := NewClock(t0)
	l := newLedger(t, s, 0, clock)
	notice := consent.NewNotice("eline-privacy", 1, []byte("E-Line: weekly news."), "", t0)
	require.NoError(t, l.PublishNotice(ctx, notice))
	var ids []string
	for i := range 3 {
		id, err := l.Enroll(ctx, email(40+i))
		require.NoError(t, err)
		ids = append(ids, id)
	}
	// A mailing list's records: paper sign-ups from last year, then a
	// withdrawal, in the order they happened.
	imported := func(subject string, typ consent.EventType, at time.Time) consent.Event {
		return consent.Event{Subject: subject, Type: typ, Purpose: "eline:weekly-news", Channel: consent.Email,
			Method: consent.Import, Actor: "staff:import", Notice: notice.Ref(), OccurredAt: at}
	}
	events := []consent.Event{
		imported(ids[0], consent.Given, t0.Add(-300*24*time.Hour)),
		imported(ids[1], consent.Given, t0.Add(-200*24*time.Hour)),
		imported(ids[0], consent.Withdrawn, t0.Add(-100*24*time.Hour)),
		imported(ids[2], consent.Given, time.Time{}), // no date on the form: now
	}
	got, err := l.Import(ctx, events)
	require.NoError(t, err)
	require.Len(t, got, len(events))
	assert.True(t, got[3].OccurredAt.Equal(t0), "a zero OccurredAt means now")
	for _, e := range got {
		assert.True(t, e.RecordedAt.Equal(t0), "recorded now")
	}
	for i, want := range []bool{false, true, true} {
		d, err := l.MayContact(ctx, ids[i], "eline:weekly-news", consent.Email)
		require.NoError(t, err)
		assert.Equal(t, want, d.Allowed, "subject %d", i)
		assert.NoError(t, l.Verify(ctx, ids[i]))
	}

	// Invalid imports are refused before anything is appended, naming the
	// event at fault.
	require.NoError(t, l.Forget(ctx, ids[2], consent.StaffAction, "staff:1"))
	unknownNotice := imported(ids[1], consent.Withdrawn, t0)
	unknownNotice.Notice.Version = 9
	noMethod := imported(ids[1], consent.Withdrawn, t0)
	noMethod.Method = ""
	cases := []struct {
		bad  consent.Event
		want error
		why  string
	}{
		{imported("s_nobody", consent.Given, t0), consent.ErrNotFound, "an unknown subject"},
		{imported(ids[2], consent.Given, t0), consent.ErrForgotten, "a forgotten subject takes no new consent"},
		{unknownNotice, consent.ErrNotFound, "a notice that was never published"},
		{noMethod, consent.ErrBadEvent, "a malformed event"},
	}
	for _, c := range cases {
		_, err := l.Import(ctx, []consent.Event{imported(ids[1], consent.Withdrawn, t0), c.bad})
		require.ErrorIs(t, err, c.want, c.why)
		var be *consent.BatchError
		if assert.ErrorAs(t, err, &be, c.why) {
			assert.Equal(t, 1, be.Index, c.why)
		}
		h, err := l.History(ctx, ids[1])
		require.NoError(t, err)
		assert.Len(t, h, 1, "nothing appended: "+c.why)
	}
}
