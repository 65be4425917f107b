package sessionstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	redigo "github.com/gomodule/redigo/redis"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/cookies"
	ourredis "github.com/civickit/privacy/cookies/sessionstore/redisstore"
	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

// benchPrefs is the session payload of the benchmark: what a portal keeps
// besides the account (a locale and a step counter that every request
// changes, so every request writes to the store).
type benchPrefs struct {
	Locale string
	Step   int
}

// BenchmarkServerSession measures one request's load and save of a
// server-side session, through each library's middleware, with the same
// store back end: cookies.Manager on this package's stores against
// alexedwards/scs/v2's SessionManager on scs's own stores (postgresstore,
// redisstore, memstore) on the same PostgreSQL and Redis servers. Every
// request changes the session, so every request reads and writes the
// store once. PostgreSQL and Redis cases skip without
// PRIVACY_TEST_POSTGRES_DSN / PRIVACY_TEST_REDIS_ADDR.
func BenchmarkServerSession(b *testing.B) {
	backends := []struct {
		name string
		ours func(b *testing.B) cookies.Store
		scs  func(b *testing.B) scs.Store
	}{
		{"memory",
			func(b *testing.B) cookies.Store { return memstore.NewWithCleanupInterval(0) },
			func(b *testing.B) scs.Store { return memstore.NewWithCleanupInterval(0) }},
		{"sqlite",
			func(b *testing.B) cookies.Store { return newStore(b, testdb.SQLite(b), sqldialect.SQLite) },
			nil}, // scs's sqlite3store needs cgo (mattn/go-sqlite3)
		{"postgres",
			func(b *testing.B) cookies.Store { return newStore(b, testdb.Postgres(b), sqldialect.Postgres) },
			func(b *testing.B) scs.Store {
				db := testdb.Postgres(b)
				_, err := db.Exec(`CREATE TABLE sessions (token TEXT PRIMARY KEY, data BYTEA NOT NULL, expiry TIMESTAMPTZ NOT NULL);
					CREATE INDEX sessions_expiry_idx ON sessions (expiry)`)
				require.NoError(b, err)
				return postgresstore.NewWithCleanupInterval(db, 0)
			}},
		{"redis",
			func(b *testing.B) cookies.Store {
				rdb, prefix := testdb.Redis(b)
				st, err := ourredis.New(rdb, &ourredis.Options{Prefix: prefix})
				require.NoError(b, err)
				return st
			},
			func(b *testing.B) scs.Store {
				_, prefix := testdb.Redis(b) // skips without Redis; deletes the prefix after
				addr := os.Getenv(testdb.EnvRedisAddr)
				pool := &redigo.Pool{MaxIdle: 4, Dial: func() (redigo.Conn, error) { return redigo.Dial("tcp", addr) }}
				b.Cleanup(func() { pool.Close() })
				return redisstore.NewWithPrefix(pool, prefix+"scs:")
			}},
	}
	for _, be := range backends {
		b.Run("store="+be.name+"/impl=cookies.Manager", func(b *testing.B) {
			benchOurs(b, be.ours(b))
		})
		if be.scs == nil {
			continue
		}
		b.Run("store="+be.name+"/impl=scs", func(b *testing.B) {
			benchSCS(b, be.scs(b))
		})
	}
}

func benchOurs(b *testing.B, st cookies.Store) {
	kr, err := pii.NewKeyring(pii.Encryption)
	require.NoError(b, err)
	m, err := cookies.NewManager(kr, &cookies.Options[benchPrefs]{Store: st, MaxAge: time.Hour}) // default PII detector
	require.NoError(b, err)
	login, step := true, 0
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := cookies.FromContext[benchPrefs](r.Context())
		if login {
			s.SetAccount("acct-7f3a")
			s.Values.Locale = "en-US"
		}
		if s.Values.Step != step {
			b.Fatalf("loaded step %d, want %d: the last save was lost", s.Values.Step, step)
		}
		step++
		s.Values.Step = step
	}))
	c := firstCookie(b, h, m.Name())
	login = false
	runRequests(b, h, c)
}

func benchSCS(b *testing.B, st scs.Store) {
	sm := scs.New()
	sm.Store = st
	sm.Lifetime = time.Hour
	login, step := true, 0
	h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if login {
			if err := sm.RenewToken(ctx); err != nil {
				b.Fatal(err)
			}
			sm.Put(ctx, "account", "acct-7f3a")
			sm.Put(ctx, "locale", "en-US")
		}
		if got := sm.GetInt(ctx, "step"); got != step {
			b.Fatalf("loaded step %d, want %d: the last save was lost", got, step)
		}
		step++
		sm.Put(ctx, "step", step)
	}))
	c := firstCookie(b, h, sm.Cookie.Name)
	login = false
	runRequests(b, h, c)
}

func firstCookie(b *testing.B, h http.Handler, name string) *http.Cookie {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "https://portal.example.com/login", nil))
	for _, c := range rec.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	b.Fatal("no session cookie")
	return nil
}

func runRequests(b *testing.B, h http.Handler, c *http.Cookie) {
	req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/account", nil)
	req.AddCookie(c)
	req.RemoteAddr = "192.0.2.33:51000"
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
	req = req.WithContext(context.Background())
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
