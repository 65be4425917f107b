-- +goose Up
-- MySQL has no partial indexes: the pair index gains the event type, so
-- that the latest request of a pair is one seek and the latest decided
-- event a short range. An index change only.
CREATE INDEX consent_events_typed ON consent_events (subject, purpose, channel, type, seq);
DROP INDEX consent_events_pair ON consent_events;

-- +goose Down
CREATE INDEX consent_events_pair ON consent_events (subject, purpose, channel, seq);
DROP INDEX consent_events_typed ON consent_events;
