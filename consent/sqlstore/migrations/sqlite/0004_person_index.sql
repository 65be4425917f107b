-- +goose Up
-- Persons (consent.PersonLinker): a link event (purpose 'consent:person',
-- type 'linked' or 'unlinked') carries the person id in detail. A partial
-- index over link events only finds a person's subjects in one range scan
-- (PersonSubjects); events are not touched. Which person a subject
-- belongs to is its latest link event: one seek on consent_events_decided.
CREATE INDEX consent_events_person ON consent_events (detail, subject, seq) WHERE purpose = 'consent:person';

-- +goose Down
DROP INDEX consent_events_person;
