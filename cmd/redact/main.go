// Command redact takes personal data out of records released under a
// public-records request, labels each redaction with its exemption code,
// and writes a redaction log and an HTML review report.
//
// Usage:
//
//	redact -out DIR [flags] FILE_OR_FOLDER...
//	redact review -out DIR -key FILE -master-key FILE [flags] FILE_OR_FOLDER...
//
// It reads every file under the inputs (folders recursively): e-mail
// (.eml, .mbox, Outlook .msg released as .eml), Word (.docx), Excel
// (.xlsx), PDF, scans and images (by OCR with Tesseract, when installed),
// HTML, text, CSV, JSON and JSON Lines, choosing the format by extension
// and content. Each redacted file is written under DIR at the same
// relative path, atomically (temp file and rename), with mode 0600 in
// 0700 folders (see -mode). Every file ends with one status, in the
// summaries, the log and the report: redacted, clean, withheld (with the
// reason: unsupported format, encrypted, needs OCR, hidden file, ...) or
// failed (malformed). A withheld or failed file is never written to DIR,
// and a stale copy of it from an earlier run is removed. It never writes
// over an input: DIR may not be, contain or lie inside an input.
//
// Exit status: 0 when every file was released and nothing redacted, 1
// when every file was released with redactions, 2 when the command could
// not run (bad flags, keys, outputs), 3 when any file or part of a file
// was withheld or failed: the release is incomplete.
//
// Flags:
//
//	-jurisdiction federal|ma|ca|ca-utility   built-in exemption catalog (default federal)
//	-catalog FILE        a catalog of your own (JSON, see redact/catalogs)
//	-box FORMAT          redaction box, for example "[REDACTED {code}]"
//	-allow FILE          allow-list: values, hmac:<hash>, re:<pattern> or domain:<domain> lines to release
//	-allow-pattern RE    release findings the expression matches whole (repeatable)
//	-allow-domain D      release e-mail addresses at domain D and its subdomains (repeatable)
//	-deny FILE           deny-list: terms to withhold everywhere; "[code] term" gives a term its code
//	-deny-code CODE      exemption code for deny-list terms without one (default: the catalog's default)
//	-field KEY=ENTITY    treat a JSON key / CSV column as personal data (repeatable)
//	-min-score N         minimum detector confidence (default 0.5)
//	-out DIR             output folder (required)
//	-log FILE            CSV redaction log (default DIR/redaction-log.csv)
//	-log-json FILE       JSON redaction log (default DIR/redaction-log.json)
//	-summary FILE        CSV summary: counts and every document's status (default DIR/redaction-summary.csv)
//	-summary-json FILE   the same as JSON (default DIR/redaction-summary.json)
//	-mode BITS           permission bits of files written (default 0600; folders get x where r is set)
//	-report FILE         HTML review report (default DIR/review.html)
//	-key FILE            keyring for the log's keyed hashes (pii Indexing keyring)
//	-master-key FILE     key-encryption key file the keyring is wrapped with
//	-kek-uri URI         instead of -master-key, a KMS key that wraps -key
//	                     (aws-kms://, gcp-kms://, hcvault:// with VAULT_TOKEN)
//	-keygen              create -key (and -master-key if missing), then exit
//	-workers N           files processed in parallel (default: number of CPUs)
//	-quiet               no progress bar and no summary line
//	-decisions FILE      apply a review's decisions file (needs -key): rejected proposals released, added redactions made
//	-version             print the version and exit
//
// redact review serves the review of the same inputs in a browser, on
// 127.0.0.1 only, at a random port with a random token in the address it
// prints: every document as it will be released, each proposal to accept
// or reject, redactions to add by selecting text or drawing a box on a
// PDF page, and Apply, which writes the release as redact -decisions
// does. Every decision is saved at once to the decisions file (default
// OUT/review-decisions.json), so a review can be stopped and resumed.
// It takes the flags above (but -keygen) and:
//
//	-decisions FILE      decisions file, created or resumed
//	-port N              port on 127.0.0.1 (default: random)
//	-open                open the review in the default browser
//	-reviewer NAME       who decides, for the log (default: the login name)
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
