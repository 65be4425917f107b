-- retention/sqlstore, PostgreSQL: holds, the append-only disposition log,
-- the sweep cursors and the crypto-shred queue. Times are Unix
-- microseconds. Version 1 is the schema the store made before it had
-- versioned migrations; such a database is adopted as version 1. The
-- "retention_" prefix is Options.TablePrefix.
-- +goose Up
CREATE TABLE "retention_holds" (id TEXT PRIMARY KEY, kind TEXT NOT NULL, source TEXT NOT NULL, record_id TEXT NOT NULL, subject TEXT NOT NULL, category TEXT NOT NULL, range_from BIGINT, range_to BIGINT, placed_by TEXT NOT NULL, reason TEXT NOT NULL, placed_at BIGINT NOT NULL, expires BIGINT, released_at BIGINT, released_by TEXT);
CREATE TABLE "retention_disposition_log" (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, sweep_id TEXT NOT NULL, kind TEXT NOT NULL, schedule TEXT NOT NULL, source TEXT NOT NULL, category TEXT NOT NULL, rules TEXT NOT NULL, action TEXT NOT NULL, count BIGINT NOT NULL, at BIGINT NOT NULL);
CREATE TABLE "retention_sweep_cursor" (source TEXT PRIMARY KEY, last_key TEXT, key_int BOOLEAN NOT NULL DEFAULT FALSE, pass BIGINT NOT NULL DEFAULT 0, updated_at BIGINT NOT NULL DEFAULT 0);
CREATE TABLE "retention_shred_queue" (subject TEXT PRIMARY KEY, queued_at BIGINT NOT NULL);
-- +goose StatementBegin
CREATE FUNCTION "retention_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'retention: the disposition log is append-only'; END $$;
-- +goose StatementEnd
CREATE TRIGGER "retention_log_append_only" BEFORE UPDATE OR DELETE ON "retention_disposition_log" FOR EACH ROW EXECUTE FUNCTION "retention_log_append_only"();
CREATE TRIGGER "retention_log_no_truncate" BEFORE TRUNCATE ON "retention_disposition_log" FOR EACH STATEMENT EXECUTE FUNCTION "retention_log_append_only"();

-- +goose Down
DROP TABLE "retention_shred_queue";
DROP TABLE "retention_sweep_cursor";
DROP TABLE "retention_disposition_log";
DROP TABLE "retention_holds";
DROP FUNCTION "retention_log_append_only"();
