// Package sqlstore is the database/sql consent.Store, for SQLite
// (modernc.org/sqlite, driver "sqlite"; the embedded default) and
// PostgreSQL (github.com/jackc/pgx/v5/stdlib, driver "pgx"). One
// implementation serves both; the dialect is chosen by a pii.Dialect.
//
// # Schema and migrations
//
// Migrate applies the embedded, versioned migrations (migrations/<dialect>)
// that are not yet recorded in consent_schema_migrations, each in its own
// transaction; concurrent Migrate calls wait for each other. The tables are
// consent_subjects (opaque id, contact kind, sealed contact point, blind
// index, a per-subject sequence counter), consent_events (append-only;
// primary key (subject, seq)), consent_used_tokens and consent_notices. No
// table holds a contact point in plaintext.
//
// Triggers reject UPDATE and DELETE on consent_events and consent_notices
// on both databases (and TRUNCATE on PostgreSQL). They keep honest code and
// mistakes out; they do not stop the database owner, who can drop them.
// In PostgreSQL, run the application as a role with only SELECT and INSERT
// on those tables.
//
// # Concurrency
//
// Append first increments the subject's sequence counter with
// UPDATE ... RETURNING, which takes the subject row's lock in PostgreSQL
// and the write lock in SQLite, so appends for one subject serialise and
// the hash chain never forks; the primary key (subject, seq) backs this up.
// Appends for different subjects proceed in parallel on PostgreSQL.
// CreateSubject takes a transaction-scoped advisory lock on the blind index
// (PostgreSQL) or the write lock (SQLite) so that concurrent enrolments of
// one contact point agree on one subject.
//
// Open SQLite with WAL, a busy timeout and immediate transactions, as
// New's documentation shows; the store also works without _txlock=immediate.
package sqlstore
