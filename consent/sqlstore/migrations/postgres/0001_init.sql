-- consent ledger, PostgreSQL. Times are Unix nanoseconds (UTC).
-- +goose Up
CREATE TABLE consent_subjects (
	id           TEXT PRIMARY KEY,
	kind         TEXT NOT NULL,
	contact      BYTEA,            -- pii.Sealed under the subject's own key; NULL once forgotten
	idx          BYTEA,            -- blind index; NULL once forgotten
	created_at   BIGINT NOT NULL,
	forgotten_at BIGINT,
	last_seq     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX consent_subjects_idx ON consent_subjects (kind, idx);

CREATE TABLE consent_events (
	subject        TEXT NOT NULL REFERENCES consent_subjects (id),
	seq            BIGINT NOT NULL,
	type           TEXT NOT NULL,
	purpose        TEXT NOT NULL,
	channel        TEXT NOT NULL,
	method         TEXT NOT NULL,
	notice_id      TEXT NOT NULL DEFAULT '',
	notice_version INTEGER NOT NULL DEFAULT 0,
	actor          TEXT NOT NULL,
	detail         TEXT NOT NULL DEFAULT '',
	occurred_at    BIGINT NOT NULL,
	recorded_at    BIGINT NOT NULL,
	prev_hash      BYTEA,
	hash           BYTEA NOT NULL,
	PRIMARY KEY (subject, seq)
);
CREATE INDEX consent_events_pair ON consent_events (subject, purpose, channel, seq);
CREATE INDEX consent_events_notice ON consent_events (purpose, notice_id, notice_version);

-- +goose StatementBegin
CREATE FUNCTION consent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'consent: % is append-only', TG_TABLE_NAME;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER consent_events_no_change BEFORE UPDATE OR DELETE ON consent_events
	FOR EACH ROW EXECUTE FUNCTION consent_append_only();
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
	FOR EACH STATEMENT EXECUTE FUNCTION consent_append_only();

CREATE TABLE consent_used_tokens (
	id      BYTEA PRIMARY KEY,
	subject TEXT NOT NULL,
	used_at BIGINT NOT NULL
);

CREATE TABLE consent_notices (
	id           TEXT NOT NULL,
	version      INTEGER NOT NULL,
	text_sha256  BYTEA NOT NULL,
	url          TEXT NOT NULL DEFAULT '',
	effective_at BIGINT NOT NULL,
	PRIMARY KEY (id, version)
);
CREATE TRIGGER consent_notices_no_change BEFORE UPDATE OR DELETE ON consent_notices
	FOR EACH ROW EXECUTE FUNCTION consent_append_only();
CREATE TRIGGER consent_notices_no_truncate BEFORE TRUNCATE ON consent_notices
	FOR EACH STATEMENT EXECUTE FUNCTION consent_append_only();

-- +goose Down
DROP TABLE consent_notices;
DROP TABLE consent_used_tokens;
DROP TABLE consent_events;
DROP TABLE consent_subjects;
DROP FUNCTION consent_append_only();
