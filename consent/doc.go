// Package consent is an append-only consent ledger for opt-in contact: who
// agreed to be contacted for what, on which channel, under which version of
// which notice, and when they withdrew, kept so that a city can prove it
// years later.
//
// # Where it sits
//
// consent imports pii only (never cookies or retention); consent/sqlstore
// is its database/sql store and consent/consenttest its conformance suite.
//
// # Model
//
// A subject is a contact point (an e-mail address, a phone number or a
// postal address) under an opaque random id. The ledger never stores the
// contact point in plaintext: it is sealed with pii.Shredder under a data
// key of the subject's own, and found again by a pii.Indexer blind index.
// Blind indexes are truncated and collide by design, so lookups open every
// candidate and compare (Ledger.Find, Ledger.Enroll).
//
// What happens to consent is an Event (Requested, Given, Confirmed,
// Withdrawn, Revoked, Expired, Renewed), for one purpose (a name such as
// "eline:weekly-news") and one Channel (email, sms, postal, phone), with the
// Method that captured it, the notice version, an actor, and the times it
// occurred and was recorded. Events are never updated or deleted. The
// current Status, a W3C DPV consent status, is derived from the latest
// event; only ConsentGiven (Given, Confirmed) and RenewedConsentGiven
// (Renewed) allow contact. A later Requested event (asking again after a
// notice change) does not suspend a consent that is still in force.
//
// Ledger.MayContact answers yes or no, with the reason and the event the
// answer rests on.
//
// # Asking on every request
//
// A cookie policy asks on every request whether a visitor's device subject
// accepted analytics cookies. Ledger.Cache returns a DecisionCache that
// answers MayContact from memory: an event appended or a subject forgotten
// through the same Ledger drops that subject's answers at once, so a
// withdrawal takes effect on this server's next request; a change made
// through another server's Ledger is seen when the cached answer expires,
// after at most the TTL the caller chose. Outages are never cached, and
// DecisionCache.Allows fails closed. Wire it to package cookies with
// cookies.ConsentFunc (this package does not import cookies):
//
//	cache, _ := ledger.Cache(time.Minute, 0)
//	policy, _ := cookies.NewPolicy(decls, &cookies.PolicyOptions{Consent: cookies.ConsentFunc(func(r *http.Request, c cookies.Category) bool {
//		return c == cookies.Analytics && cache.Allows(r.Context(), deviceOf(r), "cookies:analytics", consent.Web)
//	})})
//
// # Tamper evidence
//
// Each event carries the hash of the subject's previous event, and its own
// hash over a canonical encoding of its content and that link; every event
// records how its hash was made (Event.HashScheme). Ledger.Verify walks a
// subject's chain and reports the first break as a *ChainError. The SQL
// store (package consent/sqlstore) adds triggers that reject UPDATE,
// DELETE (and, on PostgreSQL, TRUNCATE) of events.
//
// Two hash schemes exist. HashSHA256 (scheme 1) is the plain SHA-256 of the
// encoding (ComputeHash, Seal, VerifyChain): whoever can write the
// database can edit an event and recompute the subject's whole chain.
// HashKeyedPRF (scheme 2) is the keyed chain: the HMAC-SHA256 PRF (Tink,
// package prf) of the encoding under a chain key, with the key's Tink key
// id recorded in the event (Event.HashKey). The chain key (ChainKey, from
// NewChainKey) is a pii keyring of purpose pii.Indexing that never sits in
// the database: load it like the application's other keyrings
// (pii.LoadKeyrings or pii.ReadKeyringContext, wrapped by the KMS
// key-encryption key), from a file of its own. Without it nobody can make
// a keyed hash that verifies.
//
// The store seals each event inside its append transaction, so the store
// holds the key: NewKeyedMemoryStore, or sqlstore.Options.ChainKey; both
// report it through the optional KeyedStore interface, and the Ledger
// (Options.ChainKey, or nil to take the store's) and Audit verify with it.
// New refuses a ledger key the store does not seal with. With a chain key,
// ChainKey.Verify (and so Ledger.Verify and Audit) finds:
//
//   - an edited event: its keyed hash no longer matches;
//   - a chain recomputed without the key, under another key or under the
//     right key id with another key: the hashes do not match, or name a
//     key the keyring does not hold;
//   - a downgrade, a chain recomputed with the old unkeyed hash: once a
//     subject's chain has a keyed event, an unkeyed event after it is a
//     break; and an unkeyed event recorded (RecordedAt) at or after
//     ChainKeyOptions.KeyedSince is a break too (zero, the default, means
//     every event must be keyed);
//   - events swapped between two subjects: the subject id is in every
//     hash.
//
// Existing ledgers stay verifiable and move to the keyed chain: events
// sealed before keep scheme 1 (the SQL store's migration 0003 marks every
// existing event so), and with a chain key whose KeyedSince is the moment
// every server appends with the key, new events are keyed and link the
// unkeyed chain. The first keyed event of a subject also protects the
// unkeyed events before it: recomputing them breaks its link, which
// cannot be recomputed without the key. Rotating the chain keyring keys
// new events with the new primary; keep old chain keys enabled, since an
// event made by a disabled or destroyed key no longer verifies. A server
// without the key that appends after a keyed event breaks the chain: move
// every server to the key at once.
//
// What the keyed chain does not protect against:
//
//   - Deleting a subject's newest events, or the whole subject: a shorter
//     chain still verifies. Checkpoints (below) find it for everything
//     they cover.
//   - Whoever holds the chain key (the application servers, the auditor
//     given the keyring to verify): HMAC is symmetric, so anyone who can
//     verify can forge. A database administrator without access to the
//     application servers or the KMS cannot; an attacker who controls an
//     application server can append, and rewrite, anything it can key.
//     A signed checkpoint, whose private key is elsewhere, still pins what
//     it covers.
//   - With KeyedSince set (a ledger that was unkeyed before), unkeyed
//     events recorded before it: the unkeyed prefix of a subject that has
//     no keyed event yet can be edited and recomputed, and a whole chain
//     can be rewritten unkeyed with every recorded time moved before
//     KeyedSince. Only a checkpoint covering the subject shows that; leave
//     KeyedSince zero on a ledger keyed from its start.
//   - Events appended since the last checkpoint and then deleted with
//     their newest event (the chain alone shows nothing), and a withheld
//     newest checkpoint: the auditor must know how many checkpoints were
//     filed (VerifyCheckpoints refuses a replayed or forked one only among
//     those it is given).
//   - What the application is told to record: the chain proves the history
//     was not changed since it was written, not that it was true.
//
// Run the application under a database role that can only SELECT and
// INSERT events, keep the chain keyring with the other keyrings (wrapped
// by the KMS key, away from the database server), and take checkpoints
// often.
//
// # Flows
//
// Double opt-in: Ledger.Request records Requested and returns a
// confirmation token; Ledger.Confirm checks it and records Confirmed (or
// Renewed, over an existing consent). Tokens are Tink AEAD ciphertexts from
// a pii Encryption keyring, bound by associated data to their kind,
// base64url without padding; they hold an opaque subject id, the purpose,
// the channel, an expiry and a random nonce, never PII. The nonce is
// recorded as used in the same transaction as the event, so confirming
// twice is harmless. Request allows Options.RequestLimit requests per
// subject and channel in Options.RequestWindow (default 5 an hour) and
// refuses more with a *LimitError, counting the ledger's own Requested
// events, so that a sign-up form cannot be used to flood an address with
// confirmation messages, from any number of servers.
//
// Unsubscribe: every message carries a link with an unsubscribe token
// (Ledger.UnsubscribeLink) and the List-Unsubscribe and
// List-Unsubscribe-Post headers (ListUnsubscribeHeaders). UnsubscribeHandler
// implements RFC 8058: a POST with List-Unsubscribe=One-Click withdraws at
// once; a GET only shows a confirmation page, because link scanners fetch
// links.
//
// SMS: Ledger.HandleSMS withdraws every SMS consent of a sender who texts
// STOP, QUIT, END, REVOKE, OPT OUT, CANCEL or UNSUBSCRIBE.
//
// Notice changes: Ledger.Outdated lists the subjects whose consent rests on
// an older version of a notice, to tell them or ask again.
//
// Global Privacy Control: GPCMiddleware puts the Sec-GPC: 1 signal in the
// request context (GPC, GPCFromContext); Ledger.HonorGPC records it as a
// withdrawal of non-essential purposes for a known subject.
//
// Receipts and records: see the section below.
//
// # Receipts and records
//
// ISO/IEC TS 27560 tells consent records, which the controller keeps and
// updates over a consent's life, from receipts, copies given to the
// person at a point in time. Ledger.ExportRecords returns a subject's
// whole history as records, one per purpose and channel, for an access
// request: a stable record id, the controller and recipients, the
// processing (purpose, legal basis as a DPV IRI, PII category,
// jurisdiction, storage locations, retention, withdrawal method), the
// current status with its validity, expiry and withdrawal time, the
// published notices the events rest on (URL, SHA-256 of the text,
// effective date) and every event with its hash. Its JSON Schema, written
// from the standard's element list, is in consent/schema
// (consent-record.schema.json for one record, consent-records.schema.json
// for the export), embedded and returned by RecordSchemas so that a city can
// publish it beside its exports; the package's tests validate exports
// against that copy.
// ExportRecords needs Options.Controller with a Name. Ledger.ISOReceipt (a
// receipt of the whole subject, with the same declared fields per purpose
// and channel) and Ledger.KantaraReceipt (Kantara Consent Receipt v1.1,
// naming third parties) are receipts.
//
// The fields come from what the city declares, and New validates each
// declaration (ErrBadDeclaration, naming the purpose and the field, never
// the value). Per purpose (PurposeDef), with the default when left empty:
//
//   - Retention (a Period, as an ISO 8601 duration, and/or a sentence):
//     "kept while the consent is in force; the record of the consent and
//     its withdrawal as long as the records retention schedule requires".
//   - StorageLocations (ISO 3166 codes): the controller's Jurisdiction.
//   - Recipients (name, role processor, third_party or joint_controller,
//     purpose, location, policy URL): nobody.
//   - Withdrawal (a sentence): by e-mail, the one-click unsubscribe link in
//     any message; by SMS, reply STOP; by post or phone, contact the
//     controller; on the website, change the choice where it was made.
//   - Jurisdiction (ISO 3166): the controller's Jurisdiction.
//   - MaxAge is the validity; without it a consent lasts until withdrawn.
//
// The Controller (name, contact, address, e-mail, phone, URL, policy URL,
// jurisdiction, BCP 47 language) is the controller's contact in every
// receipt and record; each field is optional, and what is given must be
// well formed. Notices (PublishNotice) give their URL, text hash and
// effective date.
//
// # Forgetting
//
// Ledger.Forget withdraws whatever the subject still consents to, destroys
// the subject's data key (pii.Shredder.Forget) and clears the sealed contact
// point and blind index. The events stay: they hold no PII, and they are the
// proof that the person withdrew and that the city stopped. With the key
// gone nobody, the city included, can tie them to a person again.
//
// Forgetting and recording are consistent under concurrency. A store
// refuses every event but a withdrawal for a forgotten subject
// (ErrForgotten), checking it in the append's own transaction, under the
// lock that links the chain; Forget marks the subject forgotten and then
// withdraws whatever was recorded before the mark. So a consent recorded
// while Forget runs is either refused or superseded by a later
// withdrawal, in the chain and in MayContact, and nothing but withdrawals
// follows once Forget returns.
//
// # A new address
//
// Ledger.MoveContact gives a subject a new contact point of the same kind
// when a person changes their address: the subject keeps its id and every
// event, so consent and withdrawals follow the person, and the new
// contact point is sealed under the subject's own key. The caller proves
// first that the person controls the new address; the move is not an
// event in the chain, so record it in an audit log of your own. A new
// address that is already another subject's is refused with
// ErrContactInUse. Stores implement the optional ContactMover interface
// for it, under the same lock as CreateSubject, so a move and a sign-up of
// the same address never leave two subjects with it.
//
// # Persons
//
// One resident is often several subjects: an e-mail address, a phone
// number, the browsers that answered the cookie banner. Ledger.Link groups
// subjects into a person, under an opaque random id (NewPersonID), once
// the resident has proved control of each (the verified contact points of
// one portal account, or documents checked at a counter); a subject
// belongs to at most one person at a time (ErrLinked otherwise), and
// every subject must exist and be remembered, or nothing is linked. The
// links are evidence, so they are events in each subject's own chain
// (Linked and Unlinked, purpose PersonPurpose, the person id in Detail),
// covered by Verify and checkpoints and never rewritten; they are not
// consent, so statuses, receipts and records leave them out.
//
// Per person, the ledger lists the subjects (PersonSubjects), withdraws
// everything (WithdrawPerson: every purpose in force on every channel of
// every subject, and an objection to every OptOut purpose, in one
// transaction on a BatchAppender), forgets (ForgetPerson: Forget for each
// subject; the links stay, as pseudonymous as the rest), and exports
// (ExportPersonRecords, PersonReceipts). Stores implement the optional
// PersonLinker interface for it, deciding each link under the lock that
// serialises the subject's appends.
//
// # Checkpoints
//
// Ledger.Checkpoint signs, with a Tink signature key that never sits in the
// database, a Merkle root over every subject's chain head (its newest
// sequence number and hash); checkpoints chain by number and previous root.
// File each where the database's owner cannot change it. Ledger.Audit (or
// Audit on a store alone, for an auditor's tool such as cmd/consentaudit)
// verifies a checkpoint and names every change since: an edited event, a
// chain recomputed after an edit (with or without the chain key, or
// downgraded to the unkeyed hash), a deleted newest event or subject,
// events moved between subjects, a broken append. On a keyed ledger Audit
// needs the chain key (the store's; ErrChainKeyNeeded otherwise), so that
// events appended since the checkpoint are checked too. VerifyCheckpoints
// checks the sequence of filed checkpoints, refusing an old one presented
// as the latest (a replay) and a fork, and returns the one to audit
// against. Stores that implement the optional HeadReader list heads
// without reading whole histories.
//
// # Telemetry
//
// With Options.MeterProvider (the OpenTelemetry metric API; the application
// picks the SDK and exporter) the ledger counts appended events by type,
// channel, method and purpose (consent.events), times MayContact
// (consent.may_contact.duration) and counts rate-limited confirmation
// requests (consent.requests.limited). No attribute carries a contact
// point or a subject id. Without a provider nothing is measured, at no
// cost.
//
// # Stores
//
// MemoryStore is for tests and examples; consent/sqlstore is the
// database/sql store for SQLite and PostgreSQL. consent/consenttest is the
// conformance suite every Store must pass. Both stores implement
// BatchAppender, which Ledger.Import uses to append many events (moving an
// existing mailing list's records in) in one all-or-nothing transaction;
// the SQL store also commits concurrent Records together (group commit;
// see consent/sqlstore). Both implement PersonLinker too (see Persons).
package consent
