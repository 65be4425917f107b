-- +goose Up
-- MayContact and Latest read a pair's latest event that is not a request;
-- LatestRequested its latest request. MySQL has no partial indexes: a
-- generated column says whether an event is a request, and one index on
-- (subject, purpose, channel, requested, seq) replaces consent_events_pair,
-- so that each read is a single index seek (the newest entry of one
-- range), as with the partial indexes on SQLite and PostgreSQL. Events are
-- not touched: the column is derived.
ALTER TABLE consent_events ADD COLUMN requested BOOLEAN AS (type = 'requested') STORED;
CREATE INDEX consent_events_decided ON consent_events (subject, purpose, channel, requested, seq);
DROP INDEX consent_events_pair ON consent_events;

-- +goose Down
CREATE INDEX consent_events_pair ON consent_events (subject, purpose, channel, seq);
DROP INDEX consent_events_decided ON consent_events;
ALTER TABLE consent_events DROP COLUMN requested;
