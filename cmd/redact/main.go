// Command redact takes personal data out of records released under a
// public-records request, labels each redaction with its exemption code,
// and writes a redaction log and an HTML review report.
//
// Usage:
//
//	redact -out DIR [flags] FILE_OR_FOLDER...
//
// It reads .txt, .md, .eml, .csv, .json and .jsonl files (folders
// recursively, skipping hidden ones) and writes each redacted file under
// DIR at the same relative path, atomically (temp file and rename). It
// never writes over an input: DIR may not be, contain or lie inside an
// input. A file that cannot be read is reported and the others are still
// processed.
//
// Exit status: 0 when nothing was redacted, 1 when redactions were made,
// 2 on any error (bad flags, an unreadable or malformed file, a failed
// write).
//
// Flags:
//
//	-jurisdiction federal|ma|ca|ca-utility   built-in exemption catalog (default federal)
//	-catalog FILE        a catalog of your own (JSON, see redact/catalogs)
//	-box FORMAT          redaction box, for example "[REDACTED {code}]"
//	-allow FILE          allow-list: values (or hmac:<hash> lines) to release
//	-field KEY=ENTITY    treat a JSON key / CSV column as personal data (repeatable)
//	-min-score N         minimum detector confidence (default 0.5)
//	-out DIR             output folder (required)
//	-log FILE            CSV redaction log (default DIR/redaction-log.csv)
//	-log-json FILE       JSON redaction log (default DIR/redaction-log.json)
//	-summary FILE        CSV summary per code and document (default DIR/redaction-summary.csv)
//	-report FILE         HTML review report (default DIR/review.html)
//	-key FILE            keyring for the log's keyed hashes (pii Indexing keyring)
//	-master-key FILE     key-encryption key file the keyring is wrapped with
//	-keygen              create -master-key (if missing) and -key, then exit
//	-workers N           files processed in parallel (default: number of CPUs)
//	-quiet               no progress bar and no summary line
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
