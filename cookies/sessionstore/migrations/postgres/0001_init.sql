-- Server-side sessions of cookies.Manager, PostgreSQL. Times are Unix
-- milliseconds (UTC).
-- +goose Up
CREATE TABLE cookie_sessions (
	token   TEXT PRIMARY KEY,   -- the session's handle (SHA-256 of its id), never the id
	account TEXT,               -- opaque account id given to Session.SetAccount; NULL if none
	data    BYTEA NOT NULL,     -- cookies.Manager's encoding of the session
	expiry  BIGINT NOT NULL     -- when the row may be forgotten
);
CREATE INDEX cookie_sessions_account ON cookie_sessions (account) WHERE account IS NOT NULL;
CREATE INDEX cookie_sessions_expiry ON cookie_sessions (expiry);

-- +goose Down
DROP TABLE cookie_sessions;
