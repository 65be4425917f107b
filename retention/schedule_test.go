package retention

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadCity(t testing.TB) *Schedule {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "city.yaml"))
	require.NoError(t, err)
	s, err := ParseYAML(b)
	require.NoError(t, err)
	return s
}

func TestParseJSONAndYAMLAgree(t *testing.T) {
	y := loadCity(t)
	b, err := os.ReadFile(filepath.Join("testdata", "city.json"))
	require.NoError(t, err)
	j, err := ParseJSON(b)
	require.NoError(t, err)
	assert.Equal(t, y.Definition(), j.Definition())
	require.Len(t, y.Rules(), 7)
	r, ok := y.Rule("pci-card-minimal")
	require.True(t, ok)
	assert.Equal(t, Period{Months: 3}, r.Period)
	assert.Equal(t, ModeCompliance, r.Mode, "mode defaults to compliance")
	assert.True(t, r.DisposeOnly)
	assert.Equal(t, "transaction", r.Event)
}

func TestScheduleListsEveryProblem(t *testing.T) {
	doc := `{
	  "name": "",
	  "rules": [
	    {"id": "a", "category": "Web Logs", "period": "6q", "trigger": "whenever", "action": "burn", "citation": "x"},
	    {"id": "a", "category": "web", "period": "3y", "trigger": "event", "action": "delete", "citation": ""},
	    {"id": "b", "category": "web", "period": "3y", "trigger": "created", "event": "x", "action": "retain", "dispose_only": true, "mode": "lax", "citation": "c"},
	    {"id": "c", "category": "web", "trigger": "created", "action": "delete", "citation": "c"}
	  ],
	  "overrides": [
	    {"id": "o1", "rule": "zz", "period": "1y", "by": "Records Officer", "reason": "r", "at": "2025-01-01T00:00:00Z"},
	    {"id": "o2", "rule": "c", "period": "1y", "by": "", "reason": "r", "at": "yesterday"}
	  ]
	}`
	_, err := ParseJSON([]byte(doc))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalid)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	fields := map[string]bool{}
	for _, p := range ve.Problems {
		fields[p.Field] = true
	}
	for _, want := range []string{
		"name", "rules[0].category", "rules[0].period", "rules[0].trigger", "rules[0].action",
		"rules[1].id", "rules[1].event", "rules[1].citation",
		"rules[2].event", "rules[2].dispose_only", "rules[2].mode",
		"rules[3].period",
		"overrides[0].rule", "overrides[1].by", "overrides[1].at",
	} {
		assert.True(t, fields[want], "problem for %s expected in: %v", want, err)
	}
	assert.GreaterOrEqual(t, len(ve.Problems), 15)
	assert.True(t, strings.HasPrefix(err.Error(), "retention: invalid schedule: "), err.Error())
}

func TestScheduleRejects(t *testing.T) {
	tests := []struct{ name, doc, reason string }{
		{"unknown field", `{"name":"n","rules":[{"id":"a","category":"web","period":"1y","trigger":"created","action":"delete","citation":"c","colour":"red"}]}`, "typos must not pass silently"},
		{"no rules", `{"name":"n","rules":[]}`, "an empty schedule covers nothing"},
		{"syntax", `{"name":`, "truncated JSON"},
		{"trailing", `{"name":"n","rules":[{"id":"a","category":"web","period":"1y","trigger":"created","action":"delete","citation":"c"}]} {}`, "two documents"},
		{"zero period", `{"name":"n","rules":[{"id":"a","category":"web","period":"0d","trigger":"created","action":"delete","citation":"c"}]}`, "a zero period is a mistake"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseJSON([]byte(tt.doc))
			require.Error(t, err, tt.reason)
			assert.ErrorIs(t, err, ErrInvalid, tt.reason)
		})
	}
	_, err := ParseYAML([]byte("name: n\nrules:\n  - id: a\n    colour: red\n"))
	assert.ErrorIs(t, err, ErrInvalid, "YAML rejects unknown fields too")
	_, err = ParseYAML(nil)
	assert.ErrorIs(t, err, ErrInvalid, "empty YAML")
}

func TestOverrides(t *testing.T) {
	s := loadCity(t)
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

	// Governance: may be shortened, with who and why.
	g, err := s.WithOverride(Override{ID: "ov-1", Rule: "web-logs", Period: Period{Days: 30}, By: "Records Officer", Reason: "council resolution 2025-14", At: at})
	require.NoError(t, err)
	r, _ := g.Rule("web-logs")
	assert.Equal(t, Period{Days: 30}, r.Period)
	orig, _ := s.Rule("web-logs")
	assert.Equal(t, Period{Days: 90}, orig.Period, "WithOverride leaves the receiver alone")

	// Compliance: may be extended...
	c, err := s.WithOverride(Override{ID: "ov-2", Rule: "or-utility-bills", Period: Period{Years: 5}, By: "Records Officer", Reason: "audit finding", At: at})
	require.NoError(t, err)
	r, _ = c.Rule("or-utility-bills")
	assert.Equal(t, Period{Years: 5}, r.Period)
	// ...but never shortened, not even back to the original after an extension.
	_, err = s.WithOverride(Override{ID: "ov-3", Rule: "or-utility-bills", Period: Period{Years: 2}, By: "Records Officer", Reason: "space", At: at})
	assert.ErrorIs(t, err, ErrCompliance)
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = c.WithOverride(Override{ID: "ov-4", Rule: "or-utility-bills", Period: Period{Years: 4}, By: "Records Officer", Reason: "undo", At: at.Add(time.Hour)})
	assert.ErrorIs(t, err, ErrCompliance, "a compliance period never decreases")

	// Overrides must say who and why.
	_, err = s.WithOverride(Override{ID: "ov-5", Rule: "web-logs", Period: Period{Days: 30}, At: at})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Problems, 2, "by and reason: %v", err)
	assert.False(t, errors.Is(err, ErrCompliance))
}

func TestCategoryMatching(t *testing.T) {
	tests := []struct {
		pattern, c string
		want       bool
		reason     string
	}{
		{"*", "anything", true, "star covers all"},
		{"payment", "payment", true, "itself"},
		{"payment", "payment.card", true, "a child"},
		{"payment", "payments", false, "a prefix that is not a segment"},
		{"payment.card", "payment", false, "the parent"},
		{"payment.card", "payment.card.pan", true, "a grandchild"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, categoryCovers(tt.pattern, tt.c), tt.reason)
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, name := range []string{"city.json", "city.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"name":"n","rules":[{"id":"a","category":"web","period":"1y","trigger":"created","action":"delete","citation":"c"}]}`))
	f.Add([]byte("name: n\nrules: [{id: a, category: web, period: 6m, trigger: created, action: delete, citation: c}]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) (*Schedule, error){ParseJSON, ParseYAML} {
			s, err := parse(b)
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("error does not wrap ErrInvalid: %v", err)
				}
				continue
			}
			// A valid schedule round-trips through its definition.
			s2, err := NewSchedule(s.Definition())
			if err != nil {
				t.Fatalf("definition of a valid schedule is invalid: %v", err)
			}
			_ = s2.Evaluate(Record{Source: "s", ID: "1", Category: "web", Created: time.Unix(0, 0)}, nil, time.Unix(1e9, 0))
		}
	})
}
