package retention

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in     string
		want   Period
		reason string
	}{
		{"3y", Period{Years: 3}, "years"},
		{"90d", Period{Days: 90}, "days"},
		{"2y6m", Period{Years: 2, Months: 6}, "m is months in the calendar form"},
		{"6m", Period{Months: 6}, "a bare m is months, never minutes"},
		{"90m", Period{Months: 90}, "a bare m is months even when large"},
		{"1y2m3w4d", Period{Years: 1, Months: 2, Weeks: 3, Days: 4}, "all calendar units"},
		{"36h", Period{Clock: 36 * time.Hour}, "a Go duration"},
		{"1h30m", Period{Clock: 90 * time.Minute}, "minutes beside hours are minutes"},
		{"0h90m", Period{Clock: 90 * time.Minute}, "minutes written with 0h"},
		{"500ms", Period{Clock: 500 * time.Millisecond}, "ms is a clock unit"},
		{"1y12h", Period{Years: 1, Clock: 12 * time.Hour}, "calendar then clock"},
		{"2y0h30m0s", Period{Years: 2, Clock: 30 * time.Minute}, "canonical mixed form"},
		{"P3Y6M", Period{Years: 3, Months: 6}, "ISO 8601"},
		{"P90D", Period{Days: 90}, "ISO 8601 days"},
		{"PT36H", Period{Clock: 36 * time.Hour}, "ISO 8601 time part"},
		{"P1Y2M3W4DT5H6M7S", Period{1, 2, 3, 4, 5*time.Hour + 6*time.Minute + 7*time.Second}, "ISO 8601 everything"},
		{" 3y ", Period{Years: 3}, "surrounding space is ignored"},
		{"0d", Period{}, "zero is a valid period"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePeriod(tt.in)
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.want, got, tt.reason)
			back, err := ParsePeriod(got.String())
			require.NoError(t, err, "String must parse back")
			assert.Equal(t, got, back, "round trip through %q", got.String())
		})
	}
}

func TestParsePeriodErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"", "empty"},
		{"3", "no unit"},
		{"y", "no number"},
		{"6m2y", "units out of order"},
		{"3y3y", "unit repeated"},
		{"-3h", "negative clock"},
		{"3x", "unknown unit"},
		{"1h2y", "clock before calendar"},
		{"10001y", "beyond the bound"},
		{"99999999999999999999d", "number overflows"},
		{"P", "ISO with nothing"},
		{"PT", "ISO with empty time part"},
		{"P1H", "ISO hours outside the time part"},
		{"P1M1Y", "ISO out of order"},
		{"3 y", "space inside"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParsePeriod(tt.in)
			require.Error(t, err, tt.reason)
			assert.True(t, errors.Is(err, errPeriod), tt.reason)
		})
	}
}

func TestPeriodAddToCalendar(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		la = time.FixedZone("PST", -8*3600)
	}
	tests := []struct {
		p          string
		from, want time.Time
		reason     string
	}{
		{"1y", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), "29 Feb plus a year rounds forward"},
		{"1m", time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), "31 Jan plus a month rounds forward"},
		{"2y6m", time.Date(2023, 1, 15, 9, 0, 0, 0, time.UTC), time.Date(2025, 7, 15, 9, 0, 0, 0, time.UTC), "years and months"},
		{"1d", time.Date(2025, 3, 8, 12, 0, 0, 0, la), time.Date(2025, 3, 9, 12, 0, 0, 0, la), "a day is a calendar day across DST (23 hours here)"},
		{"2w", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), "weeks are seven days"},
		{"1y12h", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), "calendar then clock"},
	}
	for _, tt := range tests {
		t.Run(tt.p, func(t *testing.T) {
			assert.True(t, tt.want.Equal(MustParsePeriod(tt.p).AddTo(tt.from)), tt.reason)
		})
	}
}

func TestPeriodAtLeast(t *testing.T) {
	tests := []struct {
		p, q   string
		want   bool
		reason string
	}{
		{"3y", "2y", true, "more years"},
		{"2y", "3y", false, "fewer years"},
		{"1y", "12m", true, "a year is twelve months"},
		{"12m", "1y", true, "twelve months is a year"},
		{"400d", "1y", true, "400 days always exceed a year"},
		{"365d", "1y", false, "365 days can be shorter than a leap year"},
		{"1y", "366d", false, "a year can be 365 days"},
		{"1d", "23h", true, "a calendar day is at least 23 hours"},
		{"1d", "24h", false, "a calendar day can be 23 hours"},
		{"3y", "3y", true, "equal"},
		{"2y6m", "2y7m", false, "fewer months"},
	}
	for _, tt := range tests {
		t.Run(tt.p+">="+tt.q, func(t *testing.T) {
			assert.Equal(t, tt.want, MustParsePeriod(tt.p).AtLeast(MustParsePeriod(tt.q)), tt.reason)
		})
	}
}

// TestPeriodAtLeastSound checks AtLeast against AddTo from many starts: it
// may be conservative but never claims a shorter period is at least as long.
func TestPeriodAtLeastSound(t *testing.T) {
	periods := []string{"1y", "12m", "365d", "366d", "1m", "28d", "31d", "4w", "1d", "23h", "24h", "25h", "1y1d", "13m", "2y", "730d", "1m1d", "30d24h"}
	la, err := time.LoadLocation("America/New_York")
	if err != nil {
		la = time.UTC
	}
	for _, a := range periods {
		for _, b := range periods {
			p, q := MustParsePeriod(a), MustParsePeriod(b)
			if !p.AtLeast(q) {
				continue
			}
			for day := 0; day < 4*366; day += 3 {
				start := time.Date(2023, 1, 1, 6, 0, 0, 0, la).AddDate(0, 0, day)
				require.False(t, p.AddTo(start).Before(q.AddTo(start)), "%s claimed >= %s but is shorter from %s", a, b, start)
			}
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"3y", "2y6m", "90d", "36h", "1h30m", "P3Y6M", "PT36H", "1y0h30m0s", "500ms", "6m2y", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			if !errors.Is(err, errPeriod) {
				t.Fatalf("error does not wrap errPeriod: %v", err)
			}
			return
		}
		back, err := ParsePeriod(p.String())
		if err != nil {
			t.Fatalf("String() = %q does not parse: %v", p.String(), err)
		}
		if back != p {
			t.Fatalf("round trip: %#v != %#v", back, p)
		}
		start := time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)
		if p.AddTo(start).Before(start) {
			t.Fatalf("period %q moves time backwards", p.String())
		}
		if !p.AtLeast(p) {
			t.Fatalf("period %q is not at least itself", p.String())
		}
	})
}
