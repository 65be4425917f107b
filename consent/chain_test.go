package consent

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func chainOf(n int) []Event {
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	var out []Event
	var prev *Event
	for i := range n {
		e := Event{Subject: "s1", Type: Given, Purpose: "news", Channel: Email, Method: WebForm, Actor: "subject",
			OccurredAt: t0.Add(time.Duration(i) * time.Minute), RecordedAt: t0.Add(time.Duration(i) * time.Minute)}
		Seal(&e, prev)
		out = append(out, e)
		prev = &out[len(out)-1]
	}
	return out
}

func TestVerifyChain(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func([]Event) []Event
		wantSeq int64 // 0: intact
	}{
		{"intact chain verifies", func(e []Event) []Event { return e }, 0},
		{"empty history verifies", func([]Event) []Event { return nil }, 0},
		{"changed type is caught at that event", func(e []Event) []Event { e[2].Type = Withdrawn; return e }, 3},
		{"changed purpose", func(e []Event) []Event { e[1].Purpose = "surveys"; return e }, 2},
		{"changed time by a nanosecond", func(e []Event) []Event { e[3].OccurredAt = e[3].OccurredAt.Add(1); return e }, 4},
		{"changed notice version", func(e []Event) []Event { e[0].Notice.Version = 2; return e }, 1},
		{"deleted event leaves a gap", func(e []Event) []Event { return append(e[:2], e[3:]...) }, 3},
		{"deleted last event is not detectable from the chain alone", func(e []Event) []Event { return e[:4] }, 0},
		{"rehashed event breaks the next link", func(e []Event) []Event {
			e[1].Actor = "staff:9"
			e[1].Hash = ComputeHash(&e[1], e[1].PrevHash)
			return e
		}, 3},
		{"swapped events", func(e []Event) []Event { e[1], e[2] = e[2], e[1]; return e }, 2},
		{"foreign subject", func(e []Event) []Event { e[4].Subject = "s2"; return e }, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := VerifyChain("s1", c.tamper(chainOf(5)))
			if c.wantSeq == 0 {
				assert.NoError(t, err)
				return
			}
			var ce *ChainError
			require.True(t, errors.As(err, &ce), "want *ChainError, got %v", err)
			assert.ErrorIs(t, err, ErrChainBroken)
			assert.Equal(t, c.wantSeq, ce.Seq)
			assert.Contains(t, err.Error(), "consent: hash chain of subject s1")
		})
	}
}

func TestCanonicalIsInjective(t *testing.T) {
	// Moving bytes between adjacent fields must change the hash.
	a := chainOf(1)[0]
	b := a
	a.Actor, a.Detail = "ab", "c"
	b.Actor, b.Detail = "a", "bc"
	assert.NotEqual(t, ComputeHash(&a, nil), ComputeHash(&b, nil))
	// Time zones do not matter, instants do.
	c := a
	c.OccurredAt = a.OccurredAt.In(time.FixedZone("x", 3600))
	assert.Equal(t, ComputeHash(&a, nil), ComputeHash(&c, nil))
}

func TestEventCheck(t *testing.T) {
	ok := func() Event { return chainOf(1)[0] }
	cases := []struct {
		name  string
		edit  func(*Event)
		valid bool
	}{
		{"well-formed", func(*Event) {}, true},
		{"unknown type", func(e *Event) { e.Type = "maybe" }, false},
		{"upper-case purpose", func(e *Event) { e.Purpose = "News" }, false},
		{"purpose with space", func(e *Event) { e.Purpose = "weekly news" }, false},
		{"namespaced purpose", func(e *Event) { e.Purpose = "eline:weekly-news" }, true},
		{"unknown channel", func(e *Event) { e.Channel = "fax" }, false},
		{"unknown method", func(e *Event) { e.Method = "telepathy" }, false},
		{"empty actor", func(e *Event) { e.Actor = "" }, false},
		{"zero occurred-at", func(e *Event) { e.OccurredAt = time.Time{} }, false},
		{"negative notice version", func(e *Event) { e.Notice = NoticeRef{ID: "p", Version: -1} }, false},
		{"bad notice id", func(e *Event) { e.Notice = NoticeRef{ID: "P P", Version: 1} }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := ok()
			c.edit(&e)
			err := e.check()
			if c.valid {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrBadEvent)
			}
		})
	}
}

func TestStatusMapping(t *testing.T) {
	allows := map[EventType]bool{Given: true, Confirmed: true, Renewed: true}
	for _, typ := range []EventType{Requested, Given, Confirmed, Withdrawn, Revoked, Expired, Renewed} {
		assert.Equal(t, allows[typ], typ.Status().AllowsContact(), "only given/confirmed/renewed allow contact: %s", typ)
		assert.NotEqual(t, StatusUnknown, typ.Status(), string(typ))
	}
	assert.Equal(t, "https://w3id.org/dpv#ConsentWithdrawn", StatusWithdrawn.IRI())
}
