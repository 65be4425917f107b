package retention

import (
	"slices"
	"strings"
	"time"
)

// Status summarises a Decision.
type Status string

// The statuses.
const (
	// StatusDue: dispose of the record now with Decision.Action.
	StatusDue Status = "due"
	// StatusRetained: the schedule still requires the record; it is due at
	// Decision.DisposeAt.
	StatusRetained Status = "retained"
	// StatusHeld: an active hold keeps the record (Decision.Holds).
	StatusHeld Status = "held"
	// StatusAwaitingTrigger: a rule's period has not started (the account
	// is open, the event has not happened), so the record is kept.
	StatusAwaitingTrigger Status = "awaiting_trigger"
	// StatusUncovered: no rule covers the record's category. It is kept,
	// and sweeps report it so the schedule can be completed.
	StatusUncovered Status = "uncovered"
	// StatusKept: only retention rules cover the record; nothing ever
	// disposes of it. KeepUntil is the end of its retention.
	StatusKept Status = "kept"
)

// Decision is the evaluator's verdict on one record, with everything that
// decided it, so that it can be explained.
type Decision struct {
	Status Status `json:"status"`
	// KeepUntil is the retention floor: the record may not be disposed of
	// before it. Zero when there is no floor or the floor is not yet known
	// (a trigger has not happened).
	KeepUntil time.Time `json:"keep_until,omitzero"`
	// DisposeAt is when the record is to be disposed of with Action (holds
	// permitting). Zero when nothing disposes of it or the date is not yet
	// known.
	DisposeAt time.Time `json:"dispose_at,omitzero"`
	// Action is the action at DisposeAt (ActionRetain when none).
	Action Action `json:"action"`
	// Rules are the IDs of the deciding rules: those setting the floor and
	// the one choosing the disposal.
	Rules []string `json:"rules,omitempty"`
	// Citations are the deciding rules' citations, in the same order.
	Citations []string `json:"citations,omitempty"`
	// Overrides are the IDs of overrides that changed a deciding rule.
	Overrides []string `json:"overrides,omitempty"`
	// Holds are the IDs of the active holds keeping the record.
	Holds []string `json:"holds,omitempty"`
	// Reason explains the decision in one sentence, without personal data.
	Reason string `json:"reason"`
}

// Due reports whether the record is to be disposed of now.
func (d Decision) Due() bool { return d.Status == StatusDue }

// Evaluate decides what to do with r at now under schedule s and holds. It
// is a pure function; see (*Schedule).Evaluate, which takes an index of the
// holds for use in loops.
func Evaluate(s *Schedule, r Record, holds []Hold, now time.Time) Decision {
	return s.Evaluate(r, IndexHolds(holds), now)
}

// Evaluate decides what to do with r at now, given the holds in holds
// (nil for none).
//
// # Precedence
//
// Following Microsoft Purview's principles of retention:
//
//  1. An active hold covering the record keeps it (StatusHeld).
//  2. A record no rule covers is kept (StatusUncovered).
//  3. Retention wins over deletion: every rule that retains (ActionRetain,
//     and disposal rules without DisposeOnly) sets a floor at its trigger
//     plus its period, and the record is not disposed of before the latest
//     floor, the longest retention winning. A retaining rule whose trigger
//     has not happened keeps the record indefinitely (StatusAwaitingTrigger).
//  4. Among the disposal rules, the most specific category wins ("a.b"
//     beats "a" beats "*"); among those, the earliest disposal date (the
//     shortest deletion period) wins, and among equal dates the rule listed
//     first. It chooses the Action.
//  5. DisposeAt is the later of the floor and that disposal date.
//
// A released event hold covering the record restarts the clock of every
// rule at its release: a trigger before the release counts from the
// release instead.
func (s *Schedule) Evaluate(r Record, holds *HoldIndex, now time.Time) Decision {
	var d Decision
	var restart time.Time
	holds.each(&r, func(h *Hold) {
		if h.ActiveAt(now) {
			d.Holds = append(d.Holds, h.ID)
		} else if h.Kind == HoldEvent && !h.ReleasedAt.IsZero() && !h.ReleasedAt.After(now) && h.ReleasedAt.After(restart) {
			restart = h.ReleasedAt
		}
	})
	slices.Sort(d.Holds)
	d.Holds = slices.Compact(d.Holds)

	var (
		covered      bool
		floor        time.Time
		floorRule    *compiledRule
		floorPending *compiledRule
		best         *compiledRule // chosen disposal rule
		bestDate     time.Time
		bestPending  *compiledRule // a pending rule in the chosen tier
		tier         = -1
	)
	s.matching(r.Category, func(cr *compiledRule) {
		covered = true
		t, ok := r.triggerTime(cr.Trigger, cr.Event)
		var date time.Time
		if ok {
			if restart.After(t) {
				t = restart
			}
			date = cr.period.AddTo(t)
		}
		if cr.Retains() {
			switch {
			case !ok:
				if floorPending == nil || cr.index < floorPending.index {
					floorPending = cr
				}
			case floorRule == nil || date.After(floor) || date.Equal(floor) && cr.index < floorRule.index:
				floor, floorRule = date, cr
			}
		}
		if !cr.Action.Disposes() {
			return
		}
		if cr.specificity > tier {
			tier, best, bestDate, bestPending = cr.specificity, nil, time.Time{}, nil
		}
		if cr.specificity < tier {
			return
		}
		switch {
		case !ok:
			if bestPending == nil || cr.index < bestPending.index {
				bestPending = cr
			}
		case best == nil || date.Before(bestDate) || date.Equal(bestDate) && cr.index < best.index:
			best, bestDate = cr, date
		}
	})

	d.Action = ActionRetain
	var why string
	switch {
	case !covered:
		d.Status = StatusUncovered
		why = "no rule covers category " + r.Category
	case floorPending != nil:
		d.Status = StatusAwaitingTrigger
		d.addRule(floorPending)
		why = "rule " + floorPending.ID + " retains it until " + triggerText(floorPending) + " plus " + floorPending.period.String()
	case best == nil && bestPending != nil:
		d.Status = StatusAwaitingTrigger
		d.KeepUntil = floor
		d.Action = bestPending.Action
		d.addRule(floorRule)
		d.addRule(bestPending)
		why = "rule " + bestPending.ID + " disposes of it " + bestPending.period.String() + " after " + triggerText(bestPending)
	case best == nil:
		d.Status = StatusKept
		d.KeepUntil = floor
		d.addRule(floorRule)
		why = "only retention rules cover it; rule " + floorRule.ID + " retains it until " + floor.UTC().Format(time.DateOnly)
	default:
		d.KeepUntil = floor
		d.DisposeAt = bestDate
		if floor.After(bestDate) {
			d.DisposeAt = floor
		}
		d.Action = best.Action
		d.addRule(floorRule)
		d.addRule(best)
		if now.Before(d.DisposeAt) {
			d.Status = StatusRetained
			why = "retained until " + d.DisposeAt.UTC().Format(time.DateOnly) + ", then " + string(d.Action)
		} else {
			d.Status = StatusDue
			why = "due for " + string(d.Action) + " since " + d.DisposeAt.UTC().Format(time.DateOnly)
		}
		if floorRule != nil && floorRule != best && d.DisposeAt.Equal(floor) && floor.After(bestDate) {
			why += " (retention by rule " + floorRule.ID + " outlasts rule " + best.ID + ")"
		} else {
			why += " under rule " + best.ID
		}
	}
	if len(d.Holds) > 0 {
		d.Status = StatusHeld
		why = "held by " + strings.Join(d.Holds, ", ") + "; otherwise " + why
	}
	d.Reason = why
	return d
}

func (d *Decision) addRule(cr *compiledRule) {
	if cr == nil || slices.Contains(d.Rules, cr.ID) {
		return
	}
	d.Rules = append(d.Rules, cr.ID)
	d.Citations = append(d.Citations, cr.Citation)
	d.Overrides = append(d.Overrides, cr.overrides...)
}

func triggerText(cr *compiledRule) string {
	switch cr.Trigger {
	case TriggerEvent:
		return "event " + cr.Event
	case TriggerAccountClosed:
		return "the account closes"
	}
	return string(cr.Trigger)
}
