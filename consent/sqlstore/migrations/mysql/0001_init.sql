-- consent ledger, MySQL 8 / MariaDB 10.6+. Times are Unix nanoseconds (UTC).
-- Binary collation: ids, purposes and channels compare byte for byte, as on
-- SQLite and PostgreSQL. MySQL ignores REFERENCES on a column, hence the
-- table-level FOREIGN KEY.
-- +goose Up
CREATE TABLE consent_subjects (
	id           VARCHAR(191) NOT NULL PRIMARY KEY,
	kind         VARCHAR(64) NOT NULL,
	contact      BLOB,                 -- pii.Sealed under the subject's own key; NULL once forgotten
	idx          VARBINARY(255),       -- blind index; NULL once forgotten
	created_at   BIGINT NOT NULL,
	forgotten_at BIGINT,
	last_seq     BIGINT NOT NULL DEFAULT 0,
	INDEX consent_subjects_idx (kind, idx)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE consent_events (
	subject        VARCHAR(191) NOT NULL,
	seq            BIGINT NOT NULL,
	type           VARCHAR(64) NOT NULL,
	purpose        VARCHAR(191) NOT NULL,
	channel        VARCHAR(64) NOT NULL,
	method         VARCHAR(64) NOT NULL,
	notice_id      VARCHAR(191) NOT NULL DEFAULT '',
	notice_version INTEGER NOT NULL DEFAULT 0,
	actor          TEXT NOT NULL,
	detail         TEXT NOT NULL,
	occurred_at    BIGINT NOT NULL,
	recorded_at    BIGINT NOT NULL,
	prev_hash      VARBINARY(255),
	hash           VARBINARY(255) NOT NULL,
	PRIMARY KEY (subject, seq),
	INDEX consent_events_pair (subject, purpose, channel, seq),
	INDEX consent_events_notice (purpose, notice_id, notice_version),
	CONSTRAINT consent_events_subject FOREIGN KEY (subject) REFERENCES consent_subjects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose StatementBegin
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent: consent_events is append-only';
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent: consent_events is append-only';
-- +goose StatementEnd

CREATE TABLE consent_used_tokens (
	id      VARBINARY(255) NOT NULL PRIMARY KEY,
	subject VARCHAR(191) NOT NULL,
	used_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE consent_notices (
	id           VARCHAR(191) NOT NULL,
	version      INTEGER NOT NULL,
	text_sha256  VARBINARY(64) NOT NULL,
	url          TEXT NOT NULL,
	effective_at BIGINT NOT NULL,
	PRIMARY KEY (id, version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose StatementBegin
CREATE TRIGGER consent_notices_no_update BEFORE UPDATE ON consent_notices FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent: consent_notices is append-only';
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consent_notices_no_delete BEFORE DELETE ON consent_notices FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'consent: consent_notices is append-only';
-- +goose StatementEnd

-- +goose Down
DROP TABLE consent_notices;
DROP TABLE consent_used_tokens;
DROP TABLE consent_events;
DROP TABLE consent_subjects;
