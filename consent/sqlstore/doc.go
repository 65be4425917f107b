// Package sqlstore is the database/sql consent.Store, for SQLite
// (modernc.org/sqlite, driver "sqlite"; the embedded default), PostgreSQL
// (github.com/jackc/pgx/v5/stdlib, driver "pgx") and MySQL 8 / MariaDB
// 10.6+ (github.com/go-sql-driver/mysql, driver "mysql"). One
// implementation serves all three; the dialect is a sqldialect.Dialect,
// detected from the driver when it is sqldialect.Auto.
//
// # Where it sits
//
// sqlstore imports consent, pii, pii/sqldialect, and internal/migrate and
// internal/sqlq (the module's one migration runner and SQL helpers).
//
// # Schema and migrations
//
// Migrate applies the embedded, versioned migrations (migrations/<dialect>)
// that are not yet recorded in consent_schema_migrations, each in its own
// transaction, with internal/migrate's runner; concurrent Migrate calls
// wait for each other. Migrations(d) returns the same goose-style files as
// an fs.FS for DBAs who apply schema changes themselves. The tables are
// consent_subjects (opaque id, contact kind, sealed contact point, blind
// index, a per-subject sequence counter), consent_events (append-only;
// primary key (subject, seq)), consent_used_tokens and consent_notices. No
// table holds a contact point in plaintext.
//
// Triggers reject UPDATE and DELETE on consent_events and consent_notices
// on every database (and TRUNCATE on PostgreSQL; MySQL fires no trigger on
// TRUNCATE). They keep honest code and
// mistakes out; they do not stop the database owner, who can drop them.
// In PostgreSQL, run the application as a role with only SELECT and INSERT
// on those tables.
//
// Migration 0002 replaces the (subject, purpose, channel, seq) index with
// two partial indexes on the same columns, one for requests and one for
// every other event, so that the newest event of either kind for a
// subject, purpose and channel is one index seek. MySQL has no partial
// indexes: there a generated column "requested" and one index on
// (subject, purpose, channel, requested, seq) do the same. MayContact reads the
// subject, its latest decided event and, failing that, its latest request
// in one query (State) of three index point lookups. There is no derived
// "current state" table: the events stay the only record, and Verify's
// authority with them.
//
// Migration 0003 adds hash_scheme and hash_key to consent_events: how each
// event's hash was made (1, the unkeyed SHA-256 chain, for every event
// before it; 2, the keyed chain) and the Tink key id of the chain key that
// made a keyed one. It touches no existing row's values.
//
// # Keyed hash chain
//
// With Options.ChainKey the store seals every event with the chain key
// (consent.ChainKey.Seal) in the append transaction, and reports the key
// (consent.KeyedStore) so that the Ledger and consent.Audit verify with
// it. The key's keyring never sits in the database: the application (and
// an auditor's tool) loads it from its own wrapped file. A store opened
// without a key seals unkeyed events; opening one database with and
// without a key at once breaks the chains of subjects that get an unkeyed
// event after a keyed one.
//
// # Group commit
//
// Append does not commit on its own. It queues its event; one writer
// goroutine per Store (started when the queue fills, gone when it empties)
// takes up to Options.MaxBatch queued events at a time and appends them in
// one transaction, so that concurrent appenders share one commit and one
// fsync; each Append returns when the transaction holding its event has
// committed, so durability is unchanged. Within a batch, events are
// chained in queue order (a subject's second event in the batch links its
// first). An event that cannot be appended (unknown subject, forgotten
// subject and not a withdrawal, used token) fails alone; if the transaction fails as a whole, the writer commits the
// batch's events one by one so that only the events at fault fail.
// AppendBatch (consent.BatchAppender, used by Ledger.Import) appends a
// caller's events in one transaction, all or nothing.
//
// # Concurrency
//
// A batch first locks its subjects' rows, in id order (SELECT ... FOR
// UPDATE on PostgreSQL and MySQL; the write lock on SQLite), and reads each chain
// head (the subject's sequence counter and its last event's hash); it then
// inserts the events (one statement over arrays on PostgreSQL) and moves
// the counters. Appends for one subject therefore serialise, also across
// processes sharing the database, and the hash chain never forks; the
// primary key (subject, seq) backs this up. Locking in id order keeps
// batches of different processes from deadlocking.
//
// The same locked row carries forgotten_at, and the batch checks it there:
// ForgetSubject's UPDATE of the row waits for, or is waited for by, every
// batch that appends for the subject, so no event other than a withdrawal
// commits after it, and Ledger.Record needs no separate read of the
// subject (one round trip less per event).
//
// CreateSubject takes a transaction-scoped advisory lock on the blind index
// (PostgreSQL), a named lock (GET_LOCK, MySQL) or the write lock (SQLite)
// so that concurrent enrolments of one contact point agree on one subject.
//
// On MySQL, token and notice inserts recognise the duplicate-key error
// rather than use INSERT IGNORE (which would turn every error into a
// warning) or ON DUPLICATE KEY UPDATE (which would fire the append-only
// triggers), and RowsAffected counts changed rows, which ForgetSubject
// allows for.
//
// # Persons
//
// The store is a consent.PersonLinker. Link events are ordinary rows of
// consent_events (purpose 'consent:person', the person id in detail), in
// the subjects' hash chains and under the same append-only triggers; no
// table holds persons. Migration 0004 indexes them by person id (a
// partial index on SQLite and PostgreSQL, a generated column "person" and
// its index on MySQL) for PersonSubjects. AppendLinks locks its subjects'
// rows as an append batch does and decides each link under that lock, so
// that concurrent links of one subject to two persons cannot both
// succeed.
//
// Open SQLite with WAL, a busy timeout and immediate transactions, as
// New's documentation shows; the store also works without _txlock=immediate.
package sqlstore
