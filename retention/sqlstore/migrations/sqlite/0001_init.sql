-- retention/sqlstore, SQLite: holds, the append-only disposition log, the
-- sweep cursors and the crypto-shred queue. Times are Unix microseconds.
-- Version 1 is the schema the store made before it had versioned
-- migrations; such a database is adopted as version 1. The "retention_"
-- prefix is Options.TablePrefix.
-- +goose Up
CREATE TABLE "retention_holds" (id TEXT PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, record_id TEXT NOT NULL, subject TEXT NOT NULL, category TEXT NOT NULL, range_from INTEGER, range_to INTEGER, placed_by TEXT NOT NULL, reason TEXT NOT NULL, placed_at INTEGER NOT NULL, expires INTEGER, released_at INTEGER, released_by TEXT);
CREATE TABLE "retention_disposition_log" (seq INTEGER PRIMARY KEY AUTOINCREMENT, sweep_id TEXT NOT NULL, kind TEXT NOT NULL, schedule TEXT NOT NULL, source TEXT NOT NULL, category TEXT NOT NULL, rules TEXT NOT NULL, action TEXT NOT NULL, count INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE TABLE "retention_sweep_cursor" (source TEXT PRIMARY KEY, last_key TEXT, key_int INTEGER NOT NULL DEFAULT 0, pass INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE "retention_shred_queue" (subject TEXT PRIMARY KEY, queued_at INTEGER NOT NULL);
-- +goose StatementBegin
CREATE TRIGGER "retention_log_no_update" BEFORE UPDATE ON "retention_disposition_log" BEGIN SELECT RAISE(ABORT, 'retention: the disposition log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER "retention_log_no_delete" BEFORE DELETE ON "retention_disposition_log" BEGIN SELECT RAISE(ABORT, 'retention: the disposition log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE "retention_shred_queue";
DROP TABLE "retention_sweep_cursor";
DROP TABLE "retention_disposition_log";
DROP TABLE "retention_holds";
