-- +goose Up
-- Persons (consent.PersonLinker): a link event (purpose 'consent:person',
-- type 'linked' or 'unlinked') carries the person id in detail. MySQL has
-- no partial indexes and cannot index a TEXT column whole: a generated
-- column holds the person id of link events (NULL for every other event),
-- and an index on it finds a person's subjects in one range scan
-- (PersonSubjects). Events are not touched: the column is derived. Which
-- person a subject belongs to is its latest link event: one seek on
-- consent_events_decided.
ALTER TABLE consent_events ADD COLUMN person VARCHAR(191) AS (CASE WHEN purpose = 'consent:person' THEN LEFT(detail, 191) END) STORED;
CREATE INDEX consent_events_person ON consent_events (person, subject, seq);

-- +goose Down
DROP INDEX consent_events_person ON consent_events;
ALTER TABLE consent_events DROP COLUMN person;
