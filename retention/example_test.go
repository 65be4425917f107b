package retention_test

import (
	"fmt"
	"time"

	"github.com/civickit/privacy/retention"
)

func Example() {
	sched, err := retention.ParseYAML([]byte(`
name: Example City
rules:
  - {id: ca-floor, category: "*", period: 2y, trigger: created, action: retain, citation: Cal. Gov. Code §34090}
  - {id: web-logs, category: web_usage, period: 90d, trigger: created, action: delete, dispose_only: true, citation: privacy policy}
`))
	if err != nil {
		panic(err)
	}
	created := time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)
	rec := retention.Record{Source: "access_log", ID: "42", Category: "web_usage", Created: created}
	hold := retention.Hold{ID: "lit-2025-3", Kind: retention.HoldLegal, Scope: retention.Scope{Category: "web_usage"},
		PlacedBy: "City Attorney", Reason: "pending litigation", PlacedAt: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}

	d := retention.Evaluate(sched, rec, nil, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(d.Status, d.DisposeAt.Format(time.DateOnly), d.Rules)
	d = retention.Evaluate(sched, rec, nil, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(d.Status, d.Action)
	d = retention.Evaluate(sched, rec, []retention.Hold{hold}, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println(d.Status, d.Holds)
	// Output:
	// retained 2025-03-01 [ca-floor web-logs]
	// due delete
	// held [lit-2025-3]
}

func ExampleParsePeriod() {
	for _, s := range []string{"3y", "2y6m", "90d", "6m", "1h30m", "P3Y"} {
		p, _ := retention.ParsePeriod(s)
		fmt.Println(s, "=", p.AddTo(time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)).Format(time.DateTime))
	}
	// Output:
	// 3y = 2027-01-31 00:00:00
	// 2y6m = 2026-07-31 00:00:00
	// 90d = 2024-04-30 00:00:00
	// 6m = 2024-07-31 00:00:00
	// 1h30m = 2024-01-31 01:30:00
	// P3Y = 2027-01-31 00:00:00
}

func ExampleNewSchedule_invalid() {
	_, err := retention.ParseJSON([]byte(`{"name": "x", "rules": [{"id": "a", "category": "web", "period": "6q", "trigger": "created", "action": "shred"}]}`))
	fmt.Println(err)
	// Output:
	// retention: invalid schedule: 3 problems: rules[0].period: is not a period (use 3y, 2y6m, 90d, 36h or P3Y); rules[0].action: must be one of: retain, delete, anonymize, crypto_shred; rules[0].citation: is required
}
