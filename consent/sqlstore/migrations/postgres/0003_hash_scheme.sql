-- +goose Up
-- The keyed hash chain (consent.ChainKey): each event records how its hash
-- was made, hash_scheme 1 (unkeyed SHA-256, every event before this
-- migration) or 2 (HMAC-SHA256 PRF of the chain key), and for scheme 2 the
-- Tink key id of the chain key (hash_key; 0 for scheme 1). The chain key
-- itself never sits in the database. Existing events are not touched: the
-- defaults describe them.
ALTER TABLE consent_events ADD COLUMN hash_scheme SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE consent_events ADD COLUMN hash_key BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE consent_events DROP COLUMN hash_key;
ALTER TABLE consent_events DROP COLUMN hash_scheme;
