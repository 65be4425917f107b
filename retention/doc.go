// Package retention keeps records as long as a retention schedule
// requires and no longer, never disposes of a record under a hold, and
// answers people's requests to see or delete their data.
//
// # Where it sits
//
// retention imports pii only (never cookies or consent); retention/sqlstore
// is its SQL side.
//
// # Schedules
//
// A Schedule is a list of Rules, one per data category (record series):
// a Period counted from a Trigger (creation, last activity, account
// closure or a named event), an Action at its end (retain, delete,
// anonymize, crypto_shred), a citation, and a Mode. Compliance rules (the
// default) may only be extended; governance rules may be shortened by an
// Override that names who and why, and every decision it affects cites it.
// Load schedules with ParseJSON or ParseYAML, or build them with
// NewSchedule; a schedule with problems is rejected with a
// *ValidationError listing every one of them.
//
// Periods are written "3y", "90d", "2y6m", "36h" or "P3Y6M"; years and
// months are calendar years and months (see Period).
//
// # Precedence
//
// When several rules cover a record, Microsoft Purview's principles of
// retention apply: retention wins over deletion, the longest retention
// wins, the most specific category chooses the disposal, and the shortest
// deletion period wins among equals. A record no rule covers is kept and
// reported. See (*Schedule).Evaluate.
//
// # Holds
//
// A Hold (legal, records_request, audit, temporary, event) covers records
// by record, subject, category or creation date range. While any hold
// covering a record is active the record is kept, whatever the schedule
// says. Releasing a hold releases only that hold; releasing an event hold
// restarts the retention clock of the records it covered, as in Google
// Cloud Storage. MemoryHolds keeps holds in memory; sqlstore.Store in SQL.
//
// # Decisions
//
// Evaluate is a pure function from a Record's metadata, holds and the
// time to a Decision: keep until, dispose at, the action, and the rules,
// citations, overrides and holds behind it, with a one-sentence reason.
//
// # Sweeps and subject requests
//
// The sqlstore subpackage applies a schedule to SQL tables: dry runs,
// batched, resumable and multi-server-safe sweeps with an append-only
// disposition log, and subject access and erasure requests, whose results
// (AccessExport, ErasureResult) are defined here. Its tests prove, on
// SQLite and PostgreSQL, that a sweep killed mid-batch (SIGKILL) and rerun
// disposes of every due record once, nothing held or not yet due, with a
// disposition log that counts exactly what is gone; that two concurrent
// sweepers dispose of each record once; and that a hold placed while a
// sweep runs binds every batch that starts after it commits (see the
// sqlstore package documentation for the locking).
//
// # Personal data
//
// Records and holds print without their subject; decisions, reports,
// errors and the disposition log carry no personal data. The one
// deliberate exception is AccessExport, which is the subject's own data.
package retention
