-- pii.SQLKeyStore, MySQL 8 / MariaDB 10.6+: one wrapped data key per
-- subject. Forget sets wrapped to NULL and forgotten_at, a tombstone that
-- outlives the key. Times are Unix milliseconds.
-- +goose Up
CREATE TABLE pii_subject_keys (
	subject      VARCHAR(191) NOT NULL PRIMARY KEY,
	wrapped      BLOB,
	created_at   BIGINT NOT NULL,
	forgotten_at BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE pii_subject_keys;
