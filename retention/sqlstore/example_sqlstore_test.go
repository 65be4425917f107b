package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/civickit/privacy/retention"
	"github.com/civickit/privacy/retention/sqlstore"
	_ "modernc.org/sqlite"
)

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "retention-example")
	defer os.RemoveAll(dir)
	db, _ := sql.Open("sqlite", "file:"+filepath.Join(dir, "portal.db")+"?_pragma=busy_timeout(10000)&_txlock=immediate")
	defer db.Close()
	db.Exec(`CREATE TABLE access_log (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, visitor TEXT)`)
	db.Exec(`INSERT INTO access_log VALUES (1, '2023-01-05T10:00:00Z', 'visitor-1'), (2, '2025-06-01T10:00:00Z', 'visitor-2')`)

	sched, _ := retention.ParseYAML([]byte(`
name: Example City
rules:
  - {id: ca-floor, category: "*", period: 2y, trigger: created, action: retain, citation: Cal. Gov. Code §34090}
  - {id: web-logs, category: web_usage, period: 90d, trigger: created, action: delete, dispose_only: true, citation: privacy policy}
`))
	store, _ := sqlstore.New(db, nil)
	if err := store.Migrate(ctx); err != nil {
		panic(err)
	}
	sweeper, err := sqlstore.NewSweeper(store, sched, []sqlstore.Source{{
		Name: "access_log", Table: "access_log", ID: "id", Category: "web_usage", Created: "created_at", Subject: "visitor",
	}}, &sqlstore.SweeperOptions{Now: func() time.Time { return time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		panic(err)
	}
	rep, err := sweeper.Sweep(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("scanned", rep.Scanned, "disposed", rep.DisposedCount())
	log, _ := store.Log(ctx, 0, 0)
	fmt.Println(log[0].Source, log[0].Category, log[0].Rules, log[0].Action, log[0].Count)
	// Output:
	// scanned 2 disposed 1
	// access_log web_usage [ca-floor web-logs] delete 1
}
