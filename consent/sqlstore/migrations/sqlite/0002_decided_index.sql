-- +goose Up
-- MayContact and Latest read a pair's latest event that is not a request;
-- LatestRequested its latest request. Two partial indexes, one for each,
-- replace consent_events_pair, so that each is a single index seek (the
-- newest entry of one (subject, purpose, channel) range) whatever the
-- number of events, and each event is still indexed once. Events are not
-- touched: this is an index change only.
CREATE INDEX consent_events_decided ON consent_events (subject, purpose, channel, seq DESC) WHERE type <> 'requested';
CREATE INDEX consent_events_requested ON consent_events (subject, purpose, channel, seq DESC) WHERE type = 'requested';
DROP INDEX consent_events_pair;

-- +goose Down
CREATE INDEX consent_events_pair ON consent_events (subject, purpose, channel, seq);
DROP INDEX consent_events_requested;
DROP INDEX consent_events_decided;
