-- +goose Up
-- The account's person in the consent ledger (consent.NewPersonID): the
-- account's e-mail subject and the browsers it signs in on are linked to
-- it. An opaque random id, no personal data; '' until first needed.
ALTER TABLE portal_accounts ADD COLUMN person TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE portal_accounts DROP COLUMN person;
