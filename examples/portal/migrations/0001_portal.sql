-- The portal's own tables, SQLite and PostgreSQL. Times are Unix seconds
-- (BIGINT), which both databases store the same way. No column holds
-- plaintext PII: contact data is in sealed (a JSON object of pii.Sealed
-- values), the e-mail is found by a blind index, and payments keep a token
-- and the last four digits.
--
-- Version 1 is the schema the portal made before it had versioned
-- migrations, IF NOT EXISTS included, so that a database from an older
-- portal that lacks some of these tables gets them.
-- +goose Up
CREATE TABLE IF NOT EXISTS portal_accounts (
	id              TEXT PRIMARY KEY,
	email_index     TEXT NOT NULL,
	password_hash   TEXT NOT NULL,
	sealed          TEXT NOT NULL,
	consent_subject TEXT NOT NULL DEFAULT '',
	staff           INTEGER NOT NULL DEFAULT 0,
	created_at      BIGINT NOT NULL,
	last_active_at  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS portal_accounts_email_index ON portal_accounts (email_index);
CREATE TABLE IF NOT EXISTS portal_sessions (
	id          TEXT PRIMARY KEY,
	account_id  TEXT NOT NULL,
	created_at  BIGINT NOT NULL,
	expires_at  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS portal_sessions_account ON portal_sessions (account_id);
CREATE TABLE IF NOT EXISTS portal_payments (
	id           TEXT PRIMARY KEY,
	account_id   TEXT NOT NULL,
	card_token   TEXT NOT NULL,
	card_last4   TEXT NOT NULL,
	amount_cents BIGINT NOT NULL,
	created_at   BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS portal_payments_account ON portal_payments (account_id);
-- Accounts whose e-mail address was confirmed (verification or reset
-- link), single-use token nonces, and the account e-mails sent per
-- address (for their hourly limit).
CREATE TABLE IF NOT EXISTS portal_verified (
	account_id  TEXT PRIMARY KEY,
	verified_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS portal_used_tokens (
	nonce   TEXT PRIMARY KEY,
	used_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS portal_account_mail (
	email_index TEXT NOT NULL,
	sent_at     BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS portal_account_mail_index ON portal_account_mail (email_index, sent_at);
-- One row per payment form: its idempotency key, taken before the card
-- is charged, so that a double submit charges once.
CREATE TABLE IF NOT EXISTS portal_payment_keys (
	idem_key    TEXT PRIMARY KEY,
	account_id  TEXT NOT NULL,
	payment_id  TEXT NOT NULL,
	created_at  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE portal_payment_keys;
DROP TABLE portal_account_mail;
DROP TABLE portal_used_tokens;
DROP TABLE portal_verified;
DROP TABLE portal_payments;
DROP TABLE portal_sessions;
DROP TABLE portal_accounts;
