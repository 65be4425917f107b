package consenttest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
)

// verifyStoreChain verifies a subject's chain as s seals it: the one
// place the person tests verify below the Ledger, so that a store that
// seals otherwise (a keyed chain) changes this line only.
func verifyStoreChain(s consent.Store, subject string, events []consent.Event) error {
	return chainKeyOf(s).Verify(subject, events)
}

func linkEv(subj string, typ consent.EventType, person string) consent.Event {
	e := ev(subj, typ, consent.PersonPurpose, "", t0)
	e.Detail = person
	return e
}

// testAppendLinks checks a PersonLinker's rules, case by case on one
// store: links need existing, remembered subjects, a subject belongs to
// one person at a time, a refused batch appends nothing, repeated links
// and unlinks of no effect append nothing, and link events chain with the
// subject's other events.
func testAppendLinks(t *testing.T, s consent.Store) {
	pl, ok := s.(consent.PersonLinker)
	if !ok {
		t.Skip("the store does not implement consent.PersonLinker")
	}
	ctx := context.Background()
	for i := 1; i <= 4; i++ {
		create(t, s, rec(i, byte(i)))
	}
	_, err := s.Append(ctx, ev(subject(1), consent.Given, "news", consent.Email, t0), nil)
	require.NoError(t, err)
	require.NoError(t, s.ForgetSubject(ctx, subject(4), t0))
	const pA, pB = "p_conformance_a", "p_conformance_b"

	steps := []struct {
		why     string
		events  []consent.Event
		stored  []string // subjects whose events are appended
		err     error
		errAt   int
		persons map[string][]string // PersonSubjects after the step
	}{
		{why: "a first link is appended", events: []consent.Event{linkEv(subject(1), consent.Linked, pA)},
			stored: []string{subject(1)}, persons: map[string][]string{pA: {subject(1)}, pB: nil}},
		{why: "linking to the same person again appends nothing", events: []consent.Event{linkEv(subject(1), consent.Linked, pA)},
			persons: map[string][]string{pA: {subject(1)}}},
		{why: "a subject belongs to one person at a time", events: []consent.Event{linkEv(subject(1), consent.Linked, pB)},
			err: consent.ErrLinked, persons: map[string][]string{pA: {subject(1)}, pB: nil}},
		{why: "an unknown subject refuses the whole batch", events: []consent.Event{linkEv(subject(2), consent.Linked, pA), linkEv(subject(9), consent.Linked, pA)},
			err: consent.ErrNotFound, errAt: 1, persons: map[string][]string{pA: {subject(1)}}},
		{why: "a forgotten subject refuses the whole batch", events: []consent.Event{linkEv(subject(2), consent.Linked, pA), linkEv(subject(4), consent.Linked, pA)},
			err: consent.ErrForgotten, errAt: 1, persons: map[string][]string{pA: {subject(1)}}},
		{why: "two events for one subject refuse the whole batch", events: []consent.Event{linkEv(subject(2), consent.Linked, pA), linkEv(subject(2), consent.Unlinked, pA)},
			err: consent.ErrBadEvent, errAt: 1, persons: map[string][]string{pA: {subject(1)}}},
		{why: "unlinking from a person the subject does not belong to appends nothing", events: []consent.Event{linkEv(subject(1), consent.Unlinked, pB)},
			persons: map[string][]string{pA: {subject(1)}, pB: nil}},
		{why: "unlinking from its person is appended", events: []consent.Event{linkEv(subject(1), consent.Unlinked, pA)},
			stored: []string{subject(1)}, persons: map[string][]string{pA: nil}},
		{why: "unlinking again appends nothing", events: []consent.Event{linkEv(subject(1), consent.Unlinked, pA)},
			persons: map[string][]string{pA: nil}},
		{why: "once unlinked, a subject may join another person", events: []consent.Event{linkEv(subject(1), consent.Linked, pB)},
			stored: []string{subject(1)}, persons: map[string][]string{pA: nil, pB: {subject(1)}}},
		{why: "a batch links several subjects", events: []consent.Event{linkEv(subject(3), consent.Linked, pA), linkEv(subject(2), consent.Linked, pA)},
			stored: []string{subject(3), subject(2)}, persons: map[string][]string{pA: {subject(2), subject(3)}, pB: {subject(1)}}},
	}
	for _, st := range steps {
		got, err := pl.AppendLinks(ctx, st.events)
		if st.err != nil {
			var be *consent.BatchError
			require.ErrorAs(t, err, &be, st.why)
			assert.ErrorIs(t, err, st.err, st.why)
			assert.Equal(t, st.errAt, be.Index, st.why)
			assert.Empty(t, got, st.why)
		} else {
			require.NoError(t, err, st.why)
			var subjects []string
			for _, e := range got {
				subjects = append(subjects, e.Subject)
				assert.NotEmpty(t, e.Hash, st.why)
			}
			assert.Equal(t, st.stored, subjects, st.why)
		}
		for p, want := range st.persons {
			ids, err := pl.PersonSubjects(ctx, p)
			require.NoError(t, err)
			assert.Equal(t, want, ids, "%s: subjects of %s", st.why, p)
		}
	}
	ids, err := pl.PersonSubjects(ctx, "p_conformance_unknown")
	require.NoError(t, err)
	assert.Empty(t, ids, "an unknown person has no subjects")

	events, err := s.Events(ctx, subject(1))
	require.NoError(t, err)
	require.Len(t, events, 4, "a consent event and three link events")
	assert.Equal(t, []consent.EventType{consent.Given, consent.Linked, consent.Unlinked, consent.Linked},
		[]consent.EventType{events[0].Type, events[1].Type, events[2].Type, events[3].Type})
	assert.Equal(t, []string{"", pA, pA, pB}, []string{events[0].Detail, events[1].Detail, events[2].Detail, events[3].Detail})
	for i := 1; i <= 3; i++ {
		events, err := s.Events(ctx, subject(i))
		require.NoError(t, err)
		assert.NoError(t, verifyStoreChain(s, subject(i), events), "link events are in the chain")
	}
	e, err := s.Latest(ctx, subject(1), consent.PersonPurpose, "")
	require.NoError(t, err)
	assert.Equal(t, consent.Linked, e.Type, "Latest finds the newest link event")
	events, err = s.Events(ctx, subject(4))
	require.NoError(t, err)
	assert.Empty(t, events, "nothing reached the forgotten subject")
}

// testAppendLinksRace links one subject to several persons at once:
// exactly one person gets it.
func testAppendLinksRace(t *testing.T, s consent.Store) {
	pl, ok := s.(consent.PersonLinker)
	if !ok {
		t.Skip("the store does not implement consent.PersonLinker")
	}
	ctx := context.Background()
	create(t, s, rec(1, 1))
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = pl.AppendLinks(ctx, []consent.Event{linkEv(subject(1), consent.Linked, fmt.Sprintf("p_race_%d", i))})
		}()
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, -1, won, "two persons got the subject")
			won = i
			continue
		}
		assert.ErrorIs(t, err, consent.ErrLinked, "linker %d", i)
	}
	require.NotEqual(t, -1, won, "one linker wins")
	ids, err := pl.PersonSubjects(ctx, fmt.Sprintf("p_race_%d", won))
	require.NoError(t, err)
	assert.Equal(t, []string{subject(1)}, ids)
	events, err := s.Events(ctx, subject(1))
	require.NoError(t, err)
	assert.Len(t, events, 1, "one link event")
	assert.NoError(t, verifyStoreChain(s, subject(1), events))
}

func phone(i int) pii.String { return pii.New(pii.Phone, fmt.Sprintf("+1 617 555 01%02d", i)) }

// testLedgerPerson drives the Ledger's person API on the store: links need
// existing subjects, withdraw-all and forget reach every channel of every
// subject of the person and nobody else, exports and receipts are per
// person, and the links stay in the chains, forgotten subjects included.
func testLedgerPerson(t *testing.T, s consent.Store) {
	if _, ok := s.(consent.PersonLinker); !ok {
		t.Skip("the store does not implement consent.PersonLinker")
	}
	ctx := context.Background()
	clock := NewClock(t0)
	l, err := consent.New(s, NewKeys(t, 0), &consent.Options{
		Now:        clock.Now,
		Purposes:   []consent.PurposeDef{{ID: "billing-notices", OptOut: true}, {ID: "eline:weekly-news", Description: "Weekly E-Line news"}},
		Controller: consent.Controller{Name: "City of Example", Email: "privacy@example.gov", Jurisdiction: "US-MA"},
	})
	require.NoError(t, err)
	mail, err := l.Enroll(ctx, email(80))
	require.NoError(t, err)
	tel, err := l.Enroll(ctx, phone(1))
	require.NoError(t, err)
	dev, err := l.EnrollDevice(ctx)
	require.NoError(t, err)
	other, err := l.Enroll(ctx, email(81))
	require.NoError(t, err)
	p, err := consent.NewPersonID()
	require.NoError(t, err)
	q, err := consent.NewPersonID()
	require.NoError(t, err)
	assert.NotEqual(t, p, q, "person ids are random")

	// Links need every subject to exist, and are all or nothing.
	_, err = l.Link(ctx, p, []string{mail, "s_conformance_unknown"}, consent.WebForm, "subject")
	require.ErrorIs(t, err, consent.ErrNotFound, "an unknown subject")
	ids, err := l.PersonSubjects(ctx, p)
	require.NoError(t, err)
	assert.Empty(t, ids, "nothing was linked")
	who, err := l.Person(ctx, mail)
	require.NoError(t, err)
	assert.Empty(t, who, "no person yet")
	_, err = l.Person(ctx, "s_conformance_unknown")
	assert.ErrorIs(t, err, consent.ErrNotFound)
	_, err = l.Link(ctx, "not a person id", []string{mail}, consent.WebForm, "subject")
	assert.ErrorIs(t, err, consent.ErrBadEvent, "a malformed person id")
	_, err = l.WithdrawPerson(ctx, p, consent.WebForm, "subject", "")
	assert.ErrorIs(t, err, consent.ErrNoPerson, "a person without subjects")

	clock.Advance(1)
	linked, err := l.Link(ctx, p, []string{mail, tel, dev, mail}, consent.WebForm, "subject")
	require.NoError(t, err)
	assert.Len(t, linked, 3, "one Linked event per subject")
	for _, e := range linked {
		got, ok := consent.LinkOf(e)
		assert.True(t, ok)
		assert.Equal(t, p, got)
	}
	_, err = l.Link(ctx, q, []string{other, tel}, consent.WebForm, "subject")
	require.ErrorIs(t, err, consent.ErrLinked, "tel is p's")
	who, err = l.Person(ctx, other)
	require.NoError(t, err)
	assert.Empty(t, who, "other was not linked to q either")
	again, err := l.Link(ctx, p, []string{mail}, consent.WebForm, "subject")
	require.NoError(t, err)
	assert.Empty(t, again, "linking again records nothing")
	who, err = l.Person(ctx, tel)
	require.NoError(t, err)
	assert.Equal(t, p, who)

	// Link events are not consent, and only Link records them.
	_, err = l.Record(ctx, consent.Event{Subject: other, Type: consent.Linked, Purpose: consent.PersonPurpose, Method: consent.WebForm, Actor: "subject", Detail: p})
	assert.ErrorIs(t, err, consent.ErrBadEvent, "Record refuses a link event")
	_, err = l.Record(ctx, consent.Event{Subject: other, Type: consent.Given, Purpose: consent.PersonPurpose, Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	assert.ErrorIs(t, err, consent.ErrBadEvent, "Record refuses the person purpose")
	_, err = consent.New(s, NewKeys(t, 0), &consent.Options{Purposes: []consent.PurposeDef{{ID: consent.PersonPurpose}}})
	assert.Error(t, err, "no purpose may be declared with the person purpose's id")

	clock.Advance(1)
	for _, e := range []consent.Event{
		{Subject: mail, Type: consent.Given, Purpose: "eline:weekly-news", Channel: consent.Email},
		{Subject: mail, Type: consent.Given, Purpose: "surveys", Channel: consent.Email},
		{Subject: tel, Type: consent.Given, Purpose: "alerts", Channel: consent.SMS},
		{Subject: tel, Type: consent.Requested, Purpose: "eline:weekly-news", Channel: consent.SMS},
		{Subject: dev, Type: consent.Given, Purpose: "cookies:analytics", Channel: consent.Web},
		{Subject: other, Type: consent.Given, Purpose: "eline:weekly-news", Channel: consent.Email},
	} {
		e.Method, e.Actor = consent.WebForm, "subject"
		_, err := l.Record(ctx, e)
		require.NoError(t, err)
	}
	sts, err := l.Statuses(ctx, mail)
	require.NoError(t, err)
	assert.Len(t, sts, 2, "Statuses leaves the link out")

	// Export per person: each subject's records, and the links.
	x, err := l.ExportPersonRecords(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, p, x.PersonID)
	var exported []string
	for _, r := range x.Subjects {
		exported = append(exported, r.PIIPrincipalID)
		for _, c := range r.Records {
			assert.NotEqual(t, consent.PersonPurpose, c.Processing.PurposeID, "a link is no consent record")
		}
	}
	ids, err = l.PersonSubjects(ctx, p)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{mail, tel, dev}, ids)
	assert.Equal(t, ids, exported, "one export per subject, in PersonSubjects order")
	assert.Len(t, x.Links, 3, "the three Linked events")
	raw, err := json.Marshal(x)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "resident80", "no contact data")
	assert.NotContains(t, string(raw), "5550101", "no contact data")
	assert.NotContains(t, string(raw), other, "nobody else's records")
	receipts, err := l.PersonReceipts(ctx, p)
	require.NoError(t, err)
	require.Len(t, receipts, 3)
	for i, r := range receipts {
		assert.Equal(t, ids[i], r.PIIPrincipalID, "receipts in PersonSubjects order")
	}

	// Withdraw everything: every pair in force on every channel of every
	// subject, opt-out purposes included, and nobody else's.
	clock.Advance(1)
	withdrawn, err := l.WithdrawPerson(ctx, p, consent.WebForm, "subject", "withdraw all")
	require.NoError(t, err)
	// mail: eline, surveys, billing-notices (opt-out) by e-mail; tel:
	// alerts by SMS, the pending eline request by SMS, billing-notices by
	// SMS and phone; dev: cookies:analytics and billing-notices on the web.
	assert.Len(t, withdrawn, 9)
	pairs := []struct {
		subject, purpose string
		ch               consent.Channel
	}{
		{mail, "eline:weekly-news", consent.Email}, {mail, "surveys", consent.Email}, {mail, "billing-notices", consent.Email},
		{tel, "alerts", consent.SMS}, {tel, "eline:weekly-news", consent.SMS}, {tel, "billing-notices", consent.SMS},
		{tel, "billing-notices", consent.Phone}, {dev, "cookies:analytics", consent.Web}, {dev, "billing-notices", consent.Web},
	}
	for _, pc := range pairs {
		d, err := l.MayContact(ctx, pc.subject, pc.purpose, pc.ch)
		require.NoError(t, err)
		assert.False(t, d.Allowed, "%s by %s", pc.purpose, pc.ch)
		assert.Equal(t, consent.StatusWithdrawn, d.Status, "%s by %s", pc.purpose, pc.ch)
	}
	d, err := l.MayContact(ctx, other, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.True(t, d.Allowed, "another person's consent stands")
	d, err = l.MayContact(ctx, other, "billing-notices", consent.Email)
	require.NoError(t, err)
	assert.True(t, d.Allowed, "another person's opt-out purpose stands")
	more, err := l.WithdrawPerson(ctx, p, consent.WebForm, "subject", "withdraw all")
	require.NoError(t, err)
	assert.Empty(t, more, "withdrawing again records nothing")

	// Unlink and link again.
	ok, err := l.Unlink(ctx, p, dev, consent.WebForm, "subject")
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = l.Unlink(ctx, p, dev, consent.WebForm, "subject")
	require.NoError(t, err)
	assert.False(t, ok, "not p's any more")
	ids, err = l.PersonSubjects(ctx, p)
	require.NoError(t, err)
	assert.NotContains(t, ids, dev)
	_, err = l.Link(ctx, p, []string{dev}, consent.WebForm, "subject")
	require.NoError(t, err)

	// Forget the person: every subject, every channel; nobody else.
	clock.Advance(1)
	_, err = l.Record(ctx, consent.Event{Subject: mail, Type: consent.Given, Purpose: "eline:weekly-news", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	require.NoError(t, err)
	require.NoError(t, l.ForgetPerson(ctx, p, consent.StaffAction, "staff:1"))
	for _, id := range []string{mail, tel, dev} {
		r, err := s.Subject(ctx, id)
		require.NoError(t, err)
		assert.True(t, r.Forgotten(), "every subject of the person is forgotten")
		assert.Nil(t, r.Contact)
	}
	_, err = l.ContactPoint(ctx, mail)
	assert.ErrorIs(t, err, consent.ErrForgotten)
	_, err = l.ContactPoint(ctx, tel)
	assert.ErrorIs(t, err, consent.ErrForgotten)
	_, err = l.Find(ctx, email(80))
	assert.ErrorIs(t, err, consent.ErrNotFound, "the e-mail address is shredded")
	_, err = l.Find(ctx, phone(1))
	assert.ErrorIs(t, err, consent.ErrNotFound, "the phone number is shredded")
	d, err = l.MayContact(ctx, mail, "eline:weekly-news", consent.Email)
	require.NoError(t, err)
	assert.False(t, d.Allowed, "the consent given just before was withdrawn too")
	got, err := l.ContactPoint(ctx, other)
	require.NoError(t, err, "another person is remembered")
	assert.True(t, got.Equal(email(81)))
	require.NoError(t, l.ForgetPerson(ctx, p, consent.StaffAction, "staff:1"), "forgetting again")

	// The links survive, in the chains.
	ids, err = l.PersonSubjects(ctx, p)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{mail, tel, dev}, ids, "forgotten subjects stay the person's")
	for _, id := range ids {
		h, err := l.History(ctx, id)
		require.NoError(t, err)
		n := 0
		for _, e := range h {
			if who, ok := consent.LinkOf(e); ok && who == p {
				n++
			}
		}
		assert.NotZero(t, n, "the link events stay")
		assert.NoError(t, l.Verify(ctx, id))
	}
	require.NoError(t, l.VerifyAll(ctx))
	x, err = l.ExportPersonRecords(ctx, p)
	require.NoError(t, err)
	assert.Len(t, x.Subjects, 3)
	assert.Len(t, x.Links, 5, "three Linked, one Unlinked, one Linked")
	_, err = l.Link(ctx, q, []string{mail}, consent.WebForm, "subject")
	assert.ErrorIs(t, err, consent.ErrForgotten, "a forgotten subject takes no link")
	_, err = l.Unlink(ctx, p, mail, consent.WebForm, "subject")
	assert.ErrorIs(t, err, consent.ErrForgotten, "a forgotten subject stays linked")
	_, err = l.ExportPersonRecords(ctx, q)
	assert.ErrorIs(t, err, consent.ErrNoPerson)
}
