// Package pii is the ground floor of civickit/privacy: the vocabulary of
// personal data a city portal collects, values that cannot leak it, and the
// Tink-based cryptography that keeps it encrypted at rest.
//
// # Where it sits
//
// pii imports no other package of this module but its own pii/sqldialect
// (the SQL dialect type its SQLKeyStore takes, which imports only the
// standard library) and internal/migrate and internal/sqlq (the module's
// one migration runner and SQL helpers); every other package may import
// it.
//
// It keeps the policy promises "credit card and payment information is
// protected by encryption" and "only employees who need it have access":
// plaintext exists only inside String values, which never print it, and is
// stored only sealed.
//
// # Vocabulary
//
// Category names a kind of personal data (Email, Phone, PaymentCard, SSN,
// DateOfBirth, ...) with a stable string form and a Sensitivity. Struct
// fields carry a `pii:"..."` tag naming their category and what to do with
// them (see Tag for the grammar); Fields parses tags once per type.
//
// # Values that cannot leak
//
// String holds plaintext in memory. String, GoString, every fmt verb,
// slog's LogValue, JSON, text and gob encodings all print a marker such as
// "[REDACTED:email]". Reveal is the one way to read the plaintext; grep for
// it in code review.
//
// # Keys
//
// A Keyring is a Tink keyset of one Purpose: Encryption (AES-256-GCM) or
// Indexing (HMAC-SHA256 PRF). Keyrings are written to disk or a database
// wrapped by a key-encryption key: a KMS AEAD in production (tink-go-gcpkms,
// tink-go-awskms, tink-go-hcvault), or a development master key file from
// GenerateMasterKey. Rotate adds a primary; Rewrap moves old ciphertext to
// it; Disable and Destroy retire old keys. Key files are written atomically
// with mode 0600: CreateFile and GenerateMasterKey never replace a file,
// even one another process created at the same moment (fs.ErrExist), and
// WriteFile replaces one after Rotate. LoadMasterKey refuses a file its
// group or others may read (ErrKeyFileMode), as ssh does.
//
// # Sealing fields
//
// Sealer encrypts values bound to an AD (record type, field, record id), so a
// ciphertext copied to another field or row does not open. SealFields and
// OpenFields do the same for every `pii:"...,encrypt"` field of a struct.
// Sealed works with database/sql and JSON. Every failure to open is the one
// error ErrInvalid.
//
// # Blind indexes
//
// Indexer computes truncated keyed hashes of normalised values for equality
// lookups on encrypted columns (log in by e-mail). Each index name gets its
// own derived key. Truncation trades false positives for privacy; see
// Indexer and RecommendedBits.
//
// # Crypto-shredding
//
// Shredder seals values under a per-subject data key kept in a KeyStore
// (MemoryKeyStore, or SQLKeyStore on SQLite, PostgreSQL or MySQL). Forget
// destroys the key: the subject's values then fail with ErrForgotten,
// wherever copies of them went, and nobody else's data is touched. Subject
// keys are wrapped with associated data of their own domain, so one
// Encryption keyring may serve a Sealer and a Shredder: no wrapped key
// opens as a sealed field. Keys wrapped before that separation still open,
// the Sealer refuses the record type "subject-key" they were bound to, and
// Shredder.Rewrap moves them.
//
// # Validation
//
// RegisterValidators adds pii_email, nanp_phone, us_zip, luhn, ssn, itin and
// aba_routing tags to a validator/v10 instance, and teaches it to validate
// String fields.
package pii
