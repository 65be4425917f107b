// Package redact finds personal data in text, records and logs and takes it
// out.
//
// # Where it sits
//
// redact imports pii only. redact/records (public-records requests) and
// redact/piitest (leak assertions for test suites) build on it; cookies,
// consent and retention may import it.
//
// # Detection
//
// A Redactor scans its input once. Cheap byte triggers (digits, '@', ':',
// '+', '(' and capital letters at word starts) start candidate matches,
// and each candidate goes through a validator, not just a pattern: NANP
// area and exchange rules for phone numbers, SSA rules for Social
// Security numbers, IRS ranges for ITINs, Luhn and issuer ranges for
// payment cards, the 3-7-1 checksum for ABA routing numbers, mod-97 for
// IBANs (capitals or lower case), net/netip for IP addresses. Numbers
// that look like anything (bank accounts, driver licences, passports,
// dates of birth, bare nine digit numbers) need context words nearby;
// vehicle licence plates need a state code ("MA 4XK-921") or a plate
// label or plate words; benefit ids (Medicaid, Medicare, SNAP/EBT, WIC,
// health-plan member ids) are reported only right after their label, and
// so is a passport number in any country's shape ("Passport No.:
// C01X00T47");
// Luhn-valid numbers outside the card networks' rules only beside a card
// word. Person names come from
// honorifics ("Ms. Lopez"), salutations ("Dear …"), signature blocks, cue
// words ("my name is", "Caller"), and a first/last-name gazetteer and a
// broad lexicon of name parts, common words and places from registry
// packages (see DATA.md), weighed with the words around them;
// street addresses from a house number, a street name and a suffix, plus
// optional unit, city, state and ZIP.
//
// Every Finding carries the entity, its pii.Category, byte offsets, a
// score in [0, 1] and the rule that fired. Context words in a window around
// a candidate raise or lower its score; findings below Options.MinScore are
// dropped. No regular expression runs on the hot path; work is linear in
// the input, and nothing is allocated when nothing is found.
//
// # Configuration
//
// Options select entities, set the minimum score, add allow-lists (exact
// and pattern), deny-lists (terms always reported, such as a requester's
// name), custom detectors (a pattern with an optional validator, or a
// function) and context words.
//
// # Operators
//
// Each finding is replaced by an Operator: Label ("[EMAIL]", the default),
// Marker (a fixed text), MaskLast4 (PCI display rule), Pseudonym (a keyed
// HMAC token, so records stay linkable), Encrypt (a reversible Tink AEAD
// token; see Reveal), TruncateIP (/24 and /48) and Keep. Overlapping
// findings are merged into one span deterministically, and the output of
// every built-in operator is left alone by a second pass: redacting
// redacted text changes nothing.
//
// # Structured data and logs
//
// RedactStruct returns a redacted copy of a struct by its `pii` tags (see
// pii.Tag) and by content; Map does the same for map[string]any; JSON and
// CSV stream records through, by key or column name and by content.
// NewHandler wraps a slog.Handler so that log records carry no personal
// data. NewWriter and RedactStream redact a stream of text of any length,
// including entities split across reads.
//
// # Public-records requests
//
// The public-records layer (exemption catalogs, requests, the redaction
// log, the review report and the document formats: text, CSV, JSON,
// e-mail, Office, PDF, scans) lives in package
// github.com/civickit/privacy/redact/records, which uses this package as
// its detection engine. The redact command (cmd/redact) runs it over
// folders of files.
//
// # Limits
//
// Detection is tuned for US English text. Names and addresses are found by
// shape, cues and word lists, not by a language model: names outside the
// lists without a cue, names in lower case without a strong cue, and
// addresses without a street suffix or an address cue are missed, and
// some capitalised places and brands are taken for names. Scores are
// heuristic.
package redact
