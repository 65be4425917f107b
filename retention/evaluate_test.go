package retention

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func day(n int) time.Time { return t0.AddDate(0, 0, n) }

func TestEvaluatePrecedence(t *testing.T) {
	s := loadCity(t)
	tests := []struct {
		name      string
		rec       Record
		holds     []Hold
		now       time.Time
		status    Status
		action    Action
		disposeAt time.Time
		rules     []string
		reason    string
	}{
		{
			name: "web log inside the 2-year floor", rec: Record{Source: "logs", ID: "1", Category: "web_usage", Created: day(0)},
			now: day(100), status: StatusRetained, action: ActionDelete, disposeAt: day(0).AddDate(2, 0, 0),
			rules:  []string{"ca-34090-floor", "web-logs"},
			reason: "retention wins over deletion: the 90-day dispose-only rule waits for the 2-year floor",
		},
		{
			name: "web log after the floor", rec: Record{Source: "logs", ID: "1", Category: "web_usage", Created: day(0)},
			now: day(731), status: StatusDue, action: ActionDelete, disposeAt: day(0).AddDate(2, 0, 0),
			rules: []string{"ca-34090-floor", "web-logs"}, reason: "due once every floor has passed",
		},
		{
			name: "card receipt: longest retention wins", rec: Record{Source: "pay", ID: "9", Category: "payment.card", Created: day(0), Events: map[string]time.Time{"transaction": day(10)}},
			now: day(800), status: StatusRetained, action: ActionCryptoShred, disposeAt: day(10).AddDate(3, 0, 0),
			rules:  []string{"or-card-receipts", "pci-card-minimal"},
			reason: "Oregon's 3 years outlasts both PCI's 3 months and the 2-year floor",
		},
		{
			name: "card receipt due", rec: Record{Source: "pay", ID: "9", Category: "payment.card", Created: day(0), Events: map[string]time.Time{"transaction": day(10)}},
			now: day(10).AddDate(3, 0, 0), status: StatusDue, action: ActionCryptoShred, disposeAt: day(10).AddDate(3, 0, 0),
			rules: []string{"or-card-receipts", "pci-card-minimal"}, reason: "due exactly at the floor",
		},
		{
			name: "card without its transaction", rec: Record{Source: "pay", ID: "9", Category: "payment.card", Created: day(0)},
			now: day(5000), status: StatusAwaitingTrigger, action: ActionRetain,
			rules: []string{"or-card-receipts"}, reason: "a retention rule whose trigger has not happened keeps the record",
		},
		{
			name: "open account", rec: Record{Source: "acct", ID: "a", Category: "account", Created: day(0)},
			now: day(5000), status: StatusAwaitingTrigger, action: ActionRetain, rules: []string{"account-data"},
			reason: "the clock starts when the account closes",
		},
		{
			name: "closed account", rec: Record{Source: "acct", ID: "a", Category: "account", Created: day(0), Closed: day(1000)},
			now: day(1400), status: StatusDue, action: ActionAnonymize, disposeAt: day(1000).AddDate(1, 0, 0),
			rules: []string{"account-data"}, reason: "a year after closing, anonymise",
		},
		{
			name: "uncovered category", rec: Record{Source: "x", ID: "1", Category: "permits", Created: day(0)},
			now: day(5000), status: StatusKept, action: ActionRetain,
			rules: []string{"ca-34090-floor"}, reason: "only the general retain rule covers it, so nothing disposes of it",
		},
		{
			name: "legal hold beats a due record", rec: Record{Source: "logs", ID: "1", Category: "web_usage", Created: day(0)},
			holds: []Hold{{ID: "lit-1", Kind: HoldLegal, Scope: Scope{Category: "web_usage"}, PlacedBy: "City Attorney", Reason: "case", PlacedAt: day(700)}},
			now:   day(800), status: StatusHeld, action: ActionDelete, disposeAt: day(0).AddDate(2, 0, 0),
			rules: []string{"ca-34090-floor", "web-logs"}, reason: "no record under an active hold is disposed of",
		},
		{
			name: "released hold", rec: Record{Source: "logs", ID: "1", Category: "web_usage", Created: day(0)},
			holds: []Hold{{ID: "lit-1", Kind: HoldLegal, Scope: Scope{Category: "web_usage"}, PlacedBy: "City Attorney", Reason: "case", PlacedAt: day(700), ReleasedAt: day(790), ReleasedBy: "City Attorney"}},
			now:   day(800), status: StatusDue, action: ActionDelete, disposeAt: day(0).AddDate(2, 0, 0),
			rules: []string{"ca-34090-floor", "web-logs"}, reason: "a released legal hold does not restart the clock",
		},
		{
			name: "released event hold restarts the clock", rec: Record{Source: "logs", ID: "1", Category: "web_usage", Created: day(0)},
			holds: []Hold{{ID: "ev-1", Kind: HoldEvent, Scope: Scope{Source: "logs", RecordID: "1"}, PlacedBy: "Clerk", Reason: "pending", PlacedAt: day(1), ReleasedAt: day(790), ReleasedBy: "Clerk"}},
			now:   day(800), status: StatusRetained, action: ActionDelete, disposeAt: day(790).AddDate(2, 0, 0),
			rules: []string{"ca-34090-floor", "web-logs"}, reason: "the 2-year clock restarts at the release",
		},
		{
			name: "expired temporary hold", rec: Record{Source: "logs", ID: "1", Category: "web_usage", Created: day(0)},
			holds: []Hold{{ID: "tmp", Kind: HoldTemporary, Scope: Scope{To: day(5)}, PlacedBy: "Clerk", Reason: "migration", PlacedAt: day(700), Expires: day(750)}},
			now:   day(800), status: StatusDue, action: ActionDelete, disposeAt: day(0).AddDate(2, 0, 0),
			rules: []string{"ca-34090-floor", "web-logs"}, reason: "a temporary hold ends at its expiry",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Evaluate(s, tt.rec, tt.holds, tt.now)
			assert.Equal(t, tt.status, d.Status, "%s: %s", tt.reason, d.Reason)
			assert.Equal(t, tt.action, d.Action, tt.reason)
			assert.True(t, tt.disposeAt.Equal(d.DisposeAt), "%s: dispose at %v, want %v", tt.reason, d.DisposeAt, tt.disposeAt)
			assert.Equal(t, tt.rules, d.Rules, tt.reason)
			assert.Len(t, d.Citations, len(d.Rules))
			assert.NotEmpty(t, d.Reason)
		})
	}
}

func TestEvaluateSpecificBeatsGeneral(t *testing.T) {
	s, err := NewSchedule(Definition{Name: "t", Rules: []Rule{
		{ID: "general-delete", Category: "*", Period: Period{Days: 10}, Trigger: TriggerCreated, Action: ActionDelete, DisposeOnly: true, Citation: "c"},
		{ID: "payment-anon", Category: "payment", Period: Period{Days: 30}, Trigger: TriggerCreated, Action: ActionAnonymize, DisposeOnly: true, Citation: "c"},
		{ID: "card-shred-late", Category: "payment.card", Period: Period{Days: 60}, Trigger: TriggerCreated, Action: ActionCryptoShred, DisposeOnly: true, Citation: "c"},
		{ID: "card-delete-early", Category: "payment.card", Period: Period{Days: 40}, Trigger: TriggerCreated, Action: ActionDelete, DisposeOnly: true, Citation: "c"},
		{ID: "card-anon-tie", Category: "payment.card", Period: Period{Days: 40}, Trigger: TriggerCreated, Action: ActionAnonymize, DisposeOnly: true, Citation: "c"},
	}})
	require.NoError(t, err)
	tests := []struct {
		category string
		action   Action
		at       time.Time
		rule     string
		reason   string
	}{
		{"payment.card", ActionDelete, day(40), "card-delete-early", "most specific tier, shortest period, first of equals"},
		{"payment.ach", ActionAnonymize, day(30), "payment-anon", "the parent category is more specific than *"},
		{"permit", ActionDelete, day(10), "general-delete", "only the general rule"},
	}
	for _, tt := range tests {
		d := Evaluate(s, Record{Source: "s", ID: "1", Category: tt.category, Created: day(0)}, nil, day(1000))
		assert.Equal(t, StatusDue, d.Status, tt.reason)
		assert.Equal(t, tt.action, d.Action, tt.reason)
		assert.True(t, tt.at.Equal(d.DisposeAt), "%s: %v", tt.reason, d.DisposeAt)
		assert.Equal(t, []string{tt.rule}, d.Rules, tt.reason)
	}
}

func TestEvaluateGovernanceOverrideIsCited(t *testing.T) {
	s := loadCity(t)
	g, err := s.WithOverride(Override{ID: "ov-floor", Rule: "web-logs", Period: Period{Days: 30}, By: "Records Officer", Reason: "resolution", At: day(0)})
	require.NoError(t, err)
	d := Evaluate(g, Record{Source: "logs", ID: "1", Category: "web_usage", Created: day(0)}, nil, day(800))
	assert.Equal(t, []string{"ov-floor"}, d.Overrides)
}

func TestRecordAndHoldPrintNoSubject(t *testing.T) {
	r := Record{Source: "acct", ID: "7", Category: "account", Subject: "subject-secret-1234"}
	h := Hold{ID: "h1", Kind: HoldLegal, Scope: Scope{Subject: "subject-secret-1234"}, Reason: "reason-secret-5678"}
	for _, s := range []string{fmt.Sprint(r), fmt.Sprintf("%+v", r), fmt.Sprintf("%#v", r), fmt.Sprint(h), fmt.Sprintf("%+v", h), fmt.Sprintf("%#v", h)} {
		assert.NotContains(t, s, "secret")
	}
}

// ---- property tests ----

var (
	propRuleCats   = []string{"*", "a", "a.b", "a.b.c", "b"}
	propRecordCats = []string{"a", "a.b", "a.b.c", "a.x", "b", "c"}
	propEvents     = []string{"e1", "e2"}
)

func randPeriod(r *rand.Rand) Period {
	switch r.IntN(4) {
	case 0:
		return Period{Days: 1 + r.IntN(900)}
	case 1:
		return Period{Months: 1 + r.IntN(30)}
	case 2:
		return Period{Years: 1 + r.IntN(4), Months: r.IntN(12)}
	default:
		return Period{Clock: time.Duration(1+r.IntN(5000)) * time.Hour}
	}
}

func randSchedule(r *rand.Rand) *Schedule {
	n := 1 + r.IntN(6)
	def := Definition{Name: "random"}
	for i := range n {
		rule := Rule{
			ID:       fmt.Sprintf("r%d", i),
			Category: propRuleCats[r.IntN(len(propRuleCats))],
			Period:   randPeriod(r),
			Trigger:  []Trigger{TriggerCreated, TriggerLastActivity, TriggerAccountClosed, TriggerEvent}[r.IntN(4)],
			Action:   []Action{ActionRetain, ActionDelete, ActionAnonymize, ActionCryptoShred}[r.IntN(4)],
			Mode:     []Mode{ModeCompliance, ModeGovernance}[r.IntN(2)],
			Citation: "random citation",
		}
		if rule.Trigger == TriggerEvent {
			rule.Event = propEvents[r.IntN(len(propEvents))]
		}
		if rule.Action != ActionRetain {
			rule.DisposeOnly = r.IntN(2) == 0
		}
		def.Rules = append(def.Rules, rule)
	}
	s, err := NewSchedule(def)
	if err != nil {
		panic(err)
	}
	return s
}

func randTime(r *rand.Rand) time.Time {
	return day(r.IntN(3000)).Add(time.Duration(r.IntN(86400)) * time.Second)
}

func randRecord(r *rand.Rand, i int) Record {
	rec := Record{Source: []string{"s1", "s2"}[r.IntN(2)], ID: fmt.Sprint(i), Category: propRecordCats[r.IntN(len(propRecordCats))],
		Subject: fmt.Sprintf("subj-%d", r.IntN(5)), Created: randTime(r)}
	if r.IntN(2) == 0 {
		rec.LastActivity = rec.Created.Add(time.Duration(r.IntN(1000)) * time.Hour)
	}
	if r.IntN(3) == 0 {
		rec.Closed = rec.Created.Add(time.Duration(r.IntN(20000)) * time.Hour)
	}
	for _, e := range propEvents {
		if r.IntN(2) == 0 {
			if rec.Events == nil {
				rec.Events = map[string]time.Time{}
			}
			rec.Events[e] = rec.Created.Add(time.Duration(r.IntN(20000)) * time.Hour)
		}
	}
	return rec
}

func randHolds(r *rand.Rand, nrec int) []Hold {
	var hs []Hold
	for i := range r.IntN(4) {
		h := Hold{ID: fmt.Sprintf("h%d", i), Kind: []HoldKind{HoldLegal, HoldRecordsRequest, HoldAudit, HoldTemporary, HoldEvent}[r.IntN(5)],
			PlacedBy: "Clerk", Reason: "test", PlacedAt: randTime(r)}
		switch r.IntN(4) {
		case 0:
			h.Scope = Scope{Source: []string{"s1", "s2"}[r.IntN(2)], RecordID: fmt.Sprint(r.IntN(nrec))}
		case 1:
			h.Scope = Scope{Subject: fmt.Sprintf("subj-%d", r.IntN(5))}
		case 2:
			h.Scope = Scope{Category: propRuleCats[r.IntN(len(propRuleCats))]}
		default:
			from := randTime(r)
			h.Scope = Scope{From: from, To: from.AddDate(0, 0, 1+r.IntN(600))}
		}
		if r.IntN(2) == 0 {
			h.ReleasedAt, h.ReleasedBy = h.PlacedAt.Add(time.Duration(r.IntN(20000))*time.Hour), "Clerk"
		}
		if h.Kind == HoldTemporary && r.IntN(2) == 0 {
			h.Expires = h.PlacedAt.Add(time.Duration(1+r.IntN(5000)) * time.Hour)
		}
		if err := h.Validate(); err != nil {
			panic(err)
		}
		hs = append(hs, h)
	}
	return hs
}

// oracle is a deliberately naive restatement of the rules of the issue.
type oracle struct {
	held       bool
	floorKnown bool      // every retaining rule has triggered
	floor      time.Time // latest retaining date
	due        bool      // the record must be disposed of now
	action     Action
	anyDispose bool
}

func (o *oracle) compute(s *Schedule, rec Record, holds []Hold, now time.Time) {
	*o = oracle{floorKnown: true}
	var restart time.Time
	for _, h := range holds {
		covers := (h.Scope.Source == "" || h.Scope.Source == rec.Source) &&
			(h.Scope.RecordID == "" || h.Scope.RecordID == rec.ID) &&
			(h.Scope.Subject == "" || h.Scope.Subject == rec.Subject) &&
			(h.Scope.Category == "" || h.Scope.Category == "*" || h.Scope.Category == rec.Category || strings.HasPrefix(rec.Category, h.Scope.Category+".")) &&
			(h.Scope.From.IsZero() || !rec.Created.Before(h.Scope.From)) &&
			(h.Scope.To.IsZero() || rec.Created.Before(h.Scope.To))
		if !covers {
			continue
		}
		active := !now.Before(h.PlacedAt) && (h.ReleasedAt.IsZero() || now.Before(h.ReleasedAt)) && (h.Expires.IsZero() || now.Before(h.Expires))
		if active {
			o.held = true
		} else if h.Kind == HoldEvent && !h.ReleasedAt.IsZero() && !h.ReleasedAt.After(now) && h.ReleasedAt.After(restart) {
			restart = h.ReleasedAt
		}
	}
	type cand struct {
		spec int
		date time.Time
		ok   bool
		act  Action
		idx  int
	}
	var cands []cand
	for i, rule := range s.Rules() {
		if !(rule.Category == "*" || rule.Category == rec.Category || strings.HasPrefix(rec.Category, rule.Category+".")) {
			continue
		}
		var t time.Time
		switch rule.Trigger {
		case TriggerCreated:
			t = rec.Created
		case TriggerLastActivity:
			t = rec.Created
			if rec.LastActivity.After(t) {
				t = rec.LastActivity
			}
		case TriggerAccountClosed:
			t = rec.Closed
		case TriggerEvent:
			t = rec.Events[rule.Event]
		}
		ok := !t.IsZero()
		if ok && restart.After(t) {
			t = restart
		}
		date := rule.Period.AddTo(t)
		if rule.Action == ActionRetain || !rule.DisposeOnly {
			if !ok {
				o.floorKnown = false
			} else if date.After(o.floor) {
				o.floor = date
			}
		}
		if rule.Action != ActionRetain {
			o.anyDispose = true
			spec := 0
			if rule.Category != "*" {
				spec = strings.Count(rule.Category, ".") + 1
			}
			cands = append(cands, cand{spec, date, ok, rule.Action, i})
		}
	}
	top := -1
	for _, c := range cands {
		top = max(top, c.spec)
	}
	var best *cand
	for i := range cands {
		c := &cands[i]
		if c.spec != top || !c.ok {
			continue
		}
		if best == nil || c.date.Before(best.date) {
			best = c
		}
	}
	if best != nil {
		o.action = best.act
		o.due = !o.held && o.floorKnown && !now.Before(o.floor) && !now.Before(best.date)
	}
}

// TestPropertyEvaluate: over random schedules, holds and records, nothing
// held or inside its retention floor is ever due, everything due is, and
// the action follows the precedence rules.
func TestPropertyEvaluate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 2025))
	iters := 3000
	if testing.Short() {
		iters = 300
	}
	var dueSeen, heldSeen, retainedSeen int
	for it := range iters {
		s := randSchedule(r)
		const nrec = 30
		holds := randHolds(r, nrec)
		idx := IndexHolds(holds)
		now := randTime(r).AddDate(r.IntN(4), 0, 0)
		for i := range nrec {
			rec := randRecord(r, i)
			d := s.Evaluate(rec, idx, now)
			var o oracle
			o.compute(s, rec, holds, now)
			ctx := fmt.Sprintf("iteration %d record %d: %s", it, i, d.Reason)
			switch d.Status {
			case StatusDue:
				dueSeen++
				require.False(t, o.held, "held record due: %s", ctx)
				require.True(t, o.floorKnown, "record due before a retention trigger: %s", ctx)
				require.False(t, now.Before(o.floor), "record due inside its floor: %s", ctx)
				require.True(t, o.anyDispose, ctx)
			case StatusHeld:
				heldSeen++
			case StatusRetained:
				retainedSeen++
			}
			require.Equal(t, o.held, d.Status == StatusHeld, "held iff an active hold covers it: %s", ctx)
			require.Equal(t, o.due, d.Due(), "everything due is due, nothing else: %s", ctx)
			if d.Due() {
				require.Equal(t, o.action, d.Action, "precedence picks the action: %s", ctx)
			}
			if !d.DisposeAt.IsZero() {
				require.False(t, d.DisposeAt.Before(o.floor), "dispose date inside the floor: %s", ctx)
				require.False(t, d.DisposeAt.Before(d.KeepUntil), ctx)
			}
			// Monotone in time without holds: once due, always due.
			if d2 := s.Evaluate(rec, nil, now); d2.Due() {
				later := now.Add(time.Duration(r.IntN(10000)) * time.Hour)
				require.True(t, s.Evaluate(rec, nil, later).Due(), "due at now but not later: %s", ctx)
			}
		}
	}
	// The generator must exercise every branch, or the test proves little.
	assert.Greater(t, dueSeen, 100)
	assert.Greater(t, heldSeen, 100)
	assert.Greater(t, retainedSeen, 100)
}

// TestPropertyReleaseOne: releasing one hold releases no other.
func TestPropertyReleaseOne(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2025))
	for range 500 {
		holds := randHolds(r, 10)
		if len(holds) < 2 {
			continue
		}
		now := randTime(r)
		k := r.IntN(len(holds))
		if !holds[k].ActiveAt(now) {
			continue
		}
		released := append([]Hold(nil), holds...)
		released[k].ReleasedAt, released[k].ReleasedBy = now, "Clerk"
		before, after := IndexHolds(holds), IndexHolds(released)
		for i := range 10 {
			rec := randRecord(r, i)
			b, a := before.Covering(rec, now), after.Covering(rec, now)
			var want []string
			for _, h := range b {
				if h.ID != holds[k].ID {
					want = append(want, h.ID)
				}
			}
			var got []string
			for _, h := range a {
				got = append(got, h.ID)
			}
			require.Equal(t, want, got)
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	s := loadCity(b)
	holds := IndexHolds([]Hold{
		{ID: "lit-1", Kind: HoldLegal, Scope: Scope{Category: "utility"}, PlacedBy: "x", Reason: "y", PlacedAt: day(0)},
		{ID: "req-1", Kind: HoldRecordsRequest, Scope: Scope{Subject: "subj-3"}, PlacedBy: "x", Reason: "y", PlacedAt: day(0)},
	})
	recs := []Record{
		{Source: "logs", ID: "1", Category: "web_usage", Subject: "subj-1", Created: day(0)},
		{Source: "pay", ID: "2", Category: "payment.card", Subject: "subj-2", Created: day(0), Events: map[string]time.Time{"transaction": day(1)}},
		{Source: "acct", ID: "3", Category: "account", Subject: "subj-3", Created: day(0), Closed: day(500)},
		{Source: "bills", ID: "4", Category: "utility.bill", Subject: "subj-4", Created: day(0)},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = s.Evaluate(recs[i%len(recs)], holds, day(2000))
	}
}
