package sessionstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // driver "sqlite"; for PostgreSQL: github.com/jackc/pgx/v5/stdlib, driver "pgx"

	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/cookies/sessionstore"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

type accountPrefs struct{ Locale string }

// An account page's "where you're logged in" list, from sessions kept in
// SQLite.
func Example() {
	dir, _ := os.MkdirTemp("", "sessions")
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "sessions.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	ctx := context.Background()
	store, err := sessionstore.New(db, sqldialect.SQLite, nil)
	if err != nil {
		panic(err)
	}
	if err := store.Migrate(ctx); err != nil {
		panic(err)
	}
	kr, _ := pii.NewKeyring(pii.Encryption)
	m, err := cookies.NewManager(kr, &cookies.Options[accountPrefs]{Store: store})
	if err != nil {
		panic(err)
	}

	// Login: bind the session to the account's opaque id.
	req := httptest.NewRequest("POST", "https://portal.example.com/login", nil)
	req.RemoteAddr = "192.0.2.33:51000"
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
	s, _ := m.Load(req)
	s.SetAccount("acct-7f3a")
	s.Values.Locale = "en-US"
	if err := m.Save(httptest.NewRecorder(), req, s); err != nil {
		panic(err)
	}

	// The account page.
	list, err := m.Sessions(ctx, "acct-7f3a")
	if err != nil {
		panic(err)
	}
	for _, info := range list {
		fmt.Println(info.UserAgent, info.IPPrefix, info.Handle == s.Handle())
	}
	// "Log out" on one row of the page.
	ok, err := m.Revoke(ctx, "acct-7f3a", list[0].Handle)
	fmt.Println(ok, err)
	// Output:
	// Firefox on Linux 192.0.2.0 true
	// true <nil>
}
