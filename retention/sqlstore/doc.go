// Package sqlstore is the SQL side of retention: holds, the disposition
// log, sweeps over tables described by configuration, and subject access
// and erasure requests, on SQLite (modernc.org/sqlite) and PostgreSQL
// (pgx).
//
// # Tables
//
// Store.Migrate creates four tables (prefix "retention_" by default):
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
// twice.
//
// # Several servers
//
// On PostgreSQL, batches of one source take turns on its cursor row
// (SELECT ... FOR UPDATE), due rows are re-read with FOR UPDATE SKIP LOCKED
// before disposal, and Store.Place takes an exclusive advisory lock that
// sweep batches take shared, so a hold placed while a batch is in flight
// waits for it and binds every later batch. On SQLite, transactions take
// the write lock at their start.
//
// # Crypto-shredding
//
// ActionCryptoShred deletes the row and queues its subject; once the
// subject has no rows left in any source with a subject column, the
// Shredder forgets the subject's key (so backups become unreadable too).
// A subject with records still kept (or held) keeps its key.
package sqlstore
