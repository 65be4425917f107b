// Package sessionstore keeps cookies.Manager's server-side sessions
// (cookies.Options.Store) in SQLite or PostgreSQL through database/sql;
// its subpackage redisstore keeps them in Redis.
//
// # Where it sits
//
// sessionstore imports cookies (whose Store interfaces it implements) and
// pii/sqldialect, and migrates with the module's shared runner
// (goose-style files, Migrations). It imports no database driver: open the *sql.DB
// with modernc.org/sqlite (driver "sqlite") or
// github.com/jackc/pgx/v5/stdlib (driver "pgx") yourself.
//
// # What it stores
//
// One row per session in cookie_sessions: the session's handle (a digest
// of its id, never the id the cookie carries), the opaque account id the
// application gave Session.SetAccount (indexed, so "log out everywhere"
// is one DELETE), the Manager's encoding of the session (Values, which
// passed the PII guard, times, a truncated IP and a browser family), and
// an expiry. Every write is a single statement: applied whole or not at
// all, even if the process dies mid-write.
//
// The store is also an scs store (github.com/alexedwards/scs/v2 Store,
// IterableStore and their Ctx variants), and cookies.Manager works as well
// with any scs store; these stores add the account index.
//
// # Schema
//
// Migrate applies the embedded goose-style migrations
// (migrations/<dialect>/NNNN_name.sql, "-- +goose Up" / "-- +goose Down")
// and records each version in cookie_sessions_schema_migrations. Call it
// at start-up; concurrent calls from several app servers wait for each
// other. Expired rows are never returned; DeleteExpired reclaims their
// space, so run it every few minutes.
package sessionstore
