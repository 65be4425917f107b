package retention

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a length of time as a records schedule writes it: whole
// calendar years, months, weeks and days, plus an exact clock duration.
//
// # Calendar arithmetic
//
// A Period is added to an instant with AddTo, which calls
// time.Time.AddDate(Years, Months, 7*Weeks+Days) and then adds Clock. So a
// year is "the same month and day, N years later" and a month is "the same
// day, N months later", in the instant's own location, as time.AddDate
// defines them: dates that do not exist are normalised forward (29 February
// 2024 plus 1y is 1 March 2025; 31 January plus 1m is 2 or 3 March). For
// retention the forward rounding is the safe direction: a record is never
// disposed of before the anniversary the law counts. A day is a calendar
// day (23, 24 or 25 hours across a daylight-saving change), not 24 hours.
//
// # Text form
//
// ParsePeriod accepts:
//
//   - Calendar: one or more of <n>y, <n>m, <n>w, <n>d in that order, for
//     example "3y", "90d", "2y6m", "1y2m3w4d". Here m means MONTHS.
//   - Clock: a time.ParseDuration string, for example "36h", "1h30m",
//     "2h45m10s", "0h90m". A bare "90m" is 90 months, never 90 minutes:
//     write minutes with an h beside them.
//   - Both, calendar first: "1y12h", "2y0h30m".
//
// ISO 8601 durations ("P3Y6M", "P90D", "PT36H") are accepted too. String
// returns the canonical calendar form followed by the clock part, if any.
type Period struct {
	Years  int
	Months int
	Weeks  int
	Days   int
	Clock  time.Duration
}

// errPeriod is wrapped by every ParsePeriod failure.
var errPeriod = errors.New("retention: invalid period")

// maxPeriodYears bounds every component so that AddTo can never overflow.
const maxPeriodYears = 10000

// ParsePeriod parses a period; see Period for the grammar. The zero period
// ("0d") is valid here; schedules reject it separately.
func ParsePeriod(s string) (Period, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Period{}, fmt.Errorf("%w: empty", errPeriod)
	}
	if in[0] == 'P' || in[0] == 'p' {
		return parseISOPeriod(in)
	}
	p, rest, err := parseCalendar(in)
	if err != nil {
		return Period{}, err
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return Period{}, fmt.Errorf("%w: %q is neither a calendar period (3y, 2y6m, 90d) nor a Go duration", errPeriod, clip(in))
		}
		if d < 0 {
			return Period{}, fmt.Errorf("%w: negative", errPeriod)
		}
		p.Clock = d
	}
	if err := p.check(); err != nil {
		return Period{}, err
	}
	return p, nil
}

// setCalendar sets the calendar component named by the lower-case unit
// letter y, m, w or d to n.
func (p *Period) setCalendar(unit byte, n int) {
	switch unit {
	case 'y':
		p.Years = n
	case 'm':
		p.Months = n
	case 'w':
		p.Weeks = n
	case 'd':
		p.Days = n
	}
}

// clip shortens untrusted text quoted in an error.
func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

// parseCalendar consumes leading calendar components ([Ny][Nm][Nw][Nd])
// and returns the rest of s, which must then be a Go duration. "ms" is a
// clock unit, not months.
func parseCalendar(s string) (p Period, rest string, err error) {
	const units = "ymwd"
	last := -1
	rest = s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) {
			return p, rest, nil
		}
		u := strings.IndexByte(units, rest[i])
		if u < 0 || (rest[i] == 'm' && i+1 < len(rest) && rest[i+1] == 's') {
			return p, rest, nil
		}
		if u <= last {
			return Period{}, "", fmt.Errorf("%w: units must appear once each, in the order y m w d", errPeriod)
		}
		last = u
		n, convErr := strconv.Atoi(rest[:i])
		if convErr != nil || n > maxPeriodYears*366 {
			return Period{}, "", fmt.Errorf("%w: number too large", errPeriod)
		}
		p.setCalendar(units[u], n)
		rest = rest[i+1:]
	}
	return p, "", nil
}

// parseISOPeriod parses PnYnMnWnDTnHnMnS (fractions only on seconds).
func parseISOPeriod(s string) (Period, error) {
	bad := fmt.Errorf("%w: %q is not an ISO 8601 duration", errPeriod, clip(s))
	rest := strings.ToUpper(s[1:])
	if rest == "" {
		return Period{}, bad
	}
	var p Period
	inTime := false
	last := -1
	seen := false
	for rest != "" {
		if rest[0] == 'T' {
			if inTime {
				return Period{}, bad
			}
			inTime = true
			rest = rest[1:]
			if rest == "" {
				return Period{}, bad
			}
			continue
		}
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 || i == len(rest) {
			return Period{}, bad
		}
		num, unit := rest[:i], rest[i]
		rest = rest[i+1:]
		order := "YMWD"
		if inTime {
			order = "HMS"
		}
		u := strings.IndexByte(order, unit)
		if inTime {
			u += 4
		}
		if u < last || (inTime && u < 4) || (!inTime && u >= 4) || u == last {
			return Period{}, bad
		}
		last = u
		seen = true
		if inTime {
			d, err := time.ParseDuration(num + strings.ToLower(string(unit)))
			if err != nil {
				return Period{}, bad
			}
			p.Clock += d
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil || n > maxPeriodYears*366 {
			return Period{}, bad
		}
		p.setCalendar(unit|0x20, n)
	}
	if !seen {
		return Period{}, bad
	}
	if err := p.check(); err != nil {
		return Period{}, err
	}
	return p, nil
}

// check bounds the components so AddTo stays far from overflow.
func (p Period) check() error {
	if p.Years < 0 || p.Months < 0 || p.Weeks < 0 || p.Days < 0 || p.Clock < 0 {
		return fmt.Errorf("%w: negative", errPeriod)
	}
	if p.Years > maxPeriodYears || p.Months > 12*maxPeriodYears || p.Weeks > 53*maxPeriodYears || p.Days > 366*maxPeriodYears {
		return fmt.Errorf("%w: longer than %d years", errPeriod, maxPeriodYears)
	}
	return nil
}

// MustParsePeriod is ParsePeriod for constants; it panics on error.
func MustParsePeriod(s string) Period {
	p, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

// IsZero reports whether p is the empty period.
func (p Period) IsZero() bool { return p == Period{} }

// AddTo returns t plus p: t.AddDate(Years, Months, 7*Weeks+Days).Add(Clock).
func (p Period) AddTo(t time.Time) time.Time {
	return t.AddDate(p.Years, p.Months, 7*p.Weeks+p.Days).Add(p.Clock)
}

// AtLeast reports whether p is certainly at least as long as q from every
// starting instant. It is exact when the calendar parts compare one by one
// and conservative otherwise (it may answer false for periods that are in
// fact longer, never true for ones that are shorter).
func (p Period) AtLeast(q Period) bool {
	pm, qm := 12*p.Years+p.Months, 12*q.Years+q.Months
	pd, qd := 7*p.Weeks+p.Days, 7*q.Weeks+q.Days
	if pm >= qm && pd >= qd && (pd > qd || p.Clock >= q.Clock) {
		if pd > qd && p.Clock < q.Clock {
			// more days, less clock: compare the day/clock remainder exactly
			// (a calendar day is at least 23 hours).
			return time.Duration(pd-qd)*23*time.Hour+p.Clock >= q.Clock
		}
		return true
	}
	// Fall back to bounds: shortest p against longest q.
	minP := time.Duration(pm/12*365+pm%12*28+pd)*24*time.Hour + p.Clock - time.Duration(pd)*time.Hour
	maxQ := time.Duration(qm/12*366+qm%12*31+qd)*24*time.Hour + q.Clock + time.Duration(qd)*time.Hour
	return minP >= maxQ
}

// String returns the canonical text form, for example "2y6m" or "36h0m0s";
// the zero period is "0d".
func (p Period) String() string {
	var b strings.Builder
	for _, c := range []struct {
		n int
		u byte
	}{{p.Years, 'y'}, {p.Months, 'm'}, {p.Weeks, 'w'}, {p.Days, 'd'}} {
		if c.n != 0 {
			b.WriteString(strconv.Itoa(c.n))
			b.WriteByte(c.u)
		}
	}
	if p.Clock != 0 {
		s := p.Clock.String()
		if !strings.Contains(s, "h") {
			s = "0h" + s // keep minutes from reading as months
		}
		b.WriteString(s)
	}
	if b.Len() == 0 {
		return "0d"
	}
	return b.String()
}

// MarshalText implements encoding.TextMarshaler.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; see ParsePeriod.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
