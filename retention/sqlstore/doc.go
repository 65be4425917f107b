// Package sqlstore is the SQL side of retention: holds, the disposition
// log, sweeps over tables described by configuration, and subject access
// and erasure requests, on SQLite (modernc.org/sqlite), PostgreSQL (pgx)
// and MySQL 8 / MariaDB 10.6+ (go-sql-driver/mysql). Options.Dialect is a
// sqldialect.Dialect, detected from the driver when left zero.
//
// # Where it sits
//
// sqlstore imports retention, pii/sqldialect, and internal/migrate and
// internal/sqlq (the module's one migration runner and SQL helpers).
//
// # Tables
//
// Store.Migrate creates or upgrades, with internal/migrate's runner, four
// tables (prefix "retention_" by default), recording versions in
// <prefix>schema_migrations; tables made by earlier versions of the store
// (which had no version table) are adopted as version 1, and
// Migrations(d, prefix) returns the goose-style files for DBAs:
// holds, disposition_log (append-only: triggers reject UPDATE and DELETE),
// sweep_cursor (one row per source: where the current pass is) and
// shred_queue (subjects whose keys are to be destroyed).
//
// # Sweeps
//
// A Source names a table and its id, category, timestamp and subject
// columns; every name is validated as an SQL identifier and quoted.
// Sweeper.Plan is a dry run. Sweeper.Sweep reads each source in id order,
// one batch per transaction, and in that transaction reads the holds,
// evaluates the rows, disposes of the due ones, appends one disposition
// log entry per (category, rules, action) with its count, and advances the
// source's cursor. A crash or cancellation loses at most the uncommitted
// batch, which the next Sweep redoes; nothing is disposed of or logged
// twice. The tests kill sweeping processes with SIGKILL mid-batch and
// check that the log's counts equal exactly what is gone.
//
// # Several servers
//
// On PostgreSQL and MySQL, batches of one source take turns on its cursor
// row (SELECT ... FOR UPDATE), due rows are re-read with FOR UPDATE SKIP LOCKED
// before disposal, and every batch locks the holds table in SHARE mode:
// batches run side by side, but no hold can be inserted, changed or
// removed (by Store.Place, Store.Release or plain SQL) while one is in
// flight. A hold placed during a sweep waits for the batches in flight
// and binds every later batch; no batch disposes of a record after a hold
// covering it has committed. MySQL gets the SHARE lock's effect from a
// LOCK IN SHARE MODE read of the whole holds table in a REPEATABLE READ
// transaction (shared next-key locks block every insert, update and
// delete of a hold), and serialises Place and Release with GET_LOCK. On
// SQLite, batches take the write lock at their start, so writers are
// serialised; Place and Release also wait
// their turn fairly against this process's batches (a hold waits for at
// most the batch in flight), while writers in other processes rely on
// SQLite's busy timeout and can be kept waiting until a sweep ends.
//
// # Crypto-shredding
//
// ActionCryptoShred deletes the row and queues its subject; once the
// subject has no rows left in any source with a subject column, the
// Shredder forgets the subject's key (so backups become unreadable too).
// A subject with records still kept (or held) keeps its key.
package sqlstore
