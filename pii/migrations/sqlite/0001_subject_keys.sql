-- pii.SQLKeyStore, SQLite: one wrapped data key per subject. Forget sets
-- wrapped to NULL and forgotten_at, a tombstone that outlives the key.
-- Times are Unix milliseconds. Databases made by the store before it had
-- versioned migrations are adopted as version 1.
-- +goose Up
CREATE TABLE pii_subject_keys (
	subject      TEXT PRIMARY KEY,
	wrapped      BLOB,
	created_at   BIGINT NOT NULL,
	forgotten_at BIGINT
);

-- +goose Down
DROP TABLE pii_subject_keys;
