-- consent ledger, SQLite. Times are Unix nanoseconds (UTC).
-- +goose Up
CREATE TABLE consent_subjects (
	id           TEXT PRIMARY KEY,
	kind         TEXT NOT NULL,
	contact      BLOB,             -- pii.Sealed under the subject's own key; NULL once forgotten
	idx          BLOB,             -- blind index; NULL once forgotten
	created_at   INTEGER NOT NULL,
	forgotten_at INTEGER,
	last_seq     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX consent_subjects_idx ON consent_subjects (kind, idx);

CREATE TABLE consent_events (
	subject        TEXT NOT NULL REFERENCES consent_subjects (id),
	seq            INTEGER NOT NULL,
	type           TEXT NOT NULL,
	purpose        TEXT NOT NULL,
	channel        TEXT NOT NULL,
	method         TEXT NOT NULL,
	notice_id      TEXT NOT NULL DEFAULT '',
	notice_version INTEGER NOT NULL DEFAULT 0,
	actor          TEXT NOT NULL,
	detail         TEXT NOT NULL DEFAULT '',
	occurred_at    INTEGER NOT NULL,
	recorded_at    INTEGER NOT NULL,
	prev_hash      BLOB,
	hash           BLOB NOT NULL,
	PRIMARY KEY (subject, seq)
);
CREATE INDEX consent_events_pair ON consent_events (subject, purpose, channel, seq);
CREATE INDEX consent_events_notice ON consent_events (purpose, notice_id, notice_version);

-- +goose StatementBegin
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
	SELECT RAISE(ABORT, 'consent: consent_events is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN
	SELECT RAISE(ABORT, 'consent: consent_events is append-only');
END;
-- +goose StatementEnd

CREATE TABLE consent_used_tokens (
	id      BLOB PRIMARY KEY,
	subject TEXT NOT NULL,
	used_at INTEGER NOT NULL
);

CREATE TABLE consent_notices (
	id           TEXT NOT NULL,
	version      INTEGER NOT NULL,
	text_sha256  BLOB NOT NULL,
	url          TEXT NOT NULL DEFAULT '',
	effective_at INTEGER NOT NULL,
	PRIMARY KEY (id, version)
);
-- +goose StatementBegin
CREATE TRIGGER consent_notices_no_update BEFORE UPDATE ON consent_notices
BEGIN
	SELECT RAISE(ABORT, 'consent: consent_notices is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_notices_no_delete BEFORE DELETE ON consent_notices
BEGIN
	SELECT RAISE(ABORT, 'consent: consent_notices is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE consent_notices;
DROP TABLE consent_used_tokens;
DROP TABLE consent_events;
DROP TABLE consent_subjects;
