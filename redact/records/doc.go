// Package records redacts the documents of a public-records request: it
// finds personal data with package redact, withholds it under a
// jurisdiction's exemption codes, and accounts for every document and
// every redaction, so that a city can release records without releasing
// the people in them.
//
// # Where it sits
//
// records imports redact (and, through it, pii); only cmd/ and examples/
// import it.
//
// # Requests and exemption catalogs
//
// A Request redacts the documents of one records request under an
// exemption Catalog (built in: federal FOIA, Massachusetts, California and
// a California utility catalog; or your own JSON), putting the exemption
// code in each box, for example "[REDACTED (b)(6)]". An AllowList releases
// values such as a public official's name (by value, by the keyed hash the
// log prints, by pattern or by e-mail domain); a DenyList withholds terms
// everywhere (a requester's name, a case number) under their codes. Names
// in both lists also match the surname after a title and "Last, First".
//
// # Documents and formats
//
// Request.Document chooses a document's format from its name and its
// first bytes (the content wins for binary formats, so a PDF named .txt
// is not read as text) and redacts it:
//
//   - text and Markdown, located by line and column; CSV by row and column
//     header; JSON and JSON Lines by JSON path. UTF-16 files with a byte
//     order mark are read and released as UTF-8.
//   - HTML, released as its text (see html.go for why).
//   - e-mail (.eml) and mailboxes (.mbox): every MIME part decoded
//     (base64, quoted-printable, charsets, RFC 2047 headers), HTML parts as
//     text, attached messages and attachments recursed into with their own
//     formats; the release is a new, well-formed message holding only what
//     was reviewed.
//   - Outlook messages (.msg), read with mscfb and released as e-mail
//     (Result.ReleaseExt is ".eml").
//   - Word (.docx): the XML parts are rewritten by splicing their bytes, so
//     text split across runs is found whole; headers, footers, notes,
//     comments, text boxes, field codes, properties and link targets are
//     redacted; tracked deletions are removed; embedded objects, macros and
//     custom XML are taken out and images blanked, each listed as withheld.
//   - Excel (.xlsx): every cell with its column header as context (numbers
//     and formatted numbers too), shared strings rewritten without stale
//     copies, formulas, sheet names, comments, headers, chart caches and
//     properties; pivot caches, macros and pictures taken out and listed.
//   - PDF, through PDFium in WebAssembly: a new document whose pages with a
//     redaction are rendered with labelled boxes, other pages copied
//     without annotations; no metadata, bookmarks, attachments or forms.
//     Encrypted PDFs are withheld.
//   - Images and scanned PDF pages, by OCR with Tesseract (run as a
//     process); without Tesseract they are withheld as needing OCR.
//
// Each format reads its document as text segments with a location (a
// message header, a paragraph, a cell, a page), hands each one to the
// request, and applies the replacements to its own structure when it
// writes the release; adding a format never touches the others. Locations
// in the log fit the format: "attachment 2 (lease.docx) >
// word/header1.xml > paragraph 3".
//
// # Nothing is released unseen
//
// Every document ends in exactly one Status: redacted, clean, withheld
// (with a Reason: unsupported format, encrypted, password-protected,
// unreadable, needs OCR that is not available, ...) or failed. Document
// returns a *WithheldError or a *DocumentError for the last two, and a
// caller must not release such a document; StatusFor tells them apart. A
// part of a document that cannot be reviewed (an attachment in an
// unsupported format, an embedded object) is taken out of the release, a
// short notice is left in its place, and Result.Withheld lists it.
//
// # The redaction log and the review report
//
// Every redaction is recorded (location, entity, code, operator, rule,
// confidence and a keyed hash of the value, never the value) for a
// LogWriter, which writes the redaction log as CSV and JSON with a status
// row per document, and a LogSummary (CSV and JSON) that lists every
// document with its status. A Review is a self-contained HTML report a
// clerk checks before release: each document's released text with every
// box highlighted, and the documents and parts that were not released.
//
// # Review decisions
//
// A reviewer's decisions on a request (see decisions.go) accept or reject
// each proposed redaction, add redactions by selecting text (Proposed
// returns each document's segments: the original text of each part with
// its proposals) or by drawing a box on a PDF page (RenderPDFPage shows
// the page and converts pixels to page space), and mark documents
// reviewed. Request.Decide applies them: the release holds exactly the
// accepted, undecided and added redactions, the log says who decided each
// row (proposed, proposed-accepted, proposed-rejected with a reason,
// manual-added), and a document whose decisions no longer match it is
// withheld (ReasonStaleDecisions) with the mismatches listed. Decisions
// are saved in a decisions file sealed with a keyed MAC
// (Request.WriteDecisions, Request.LoadDecisions). Package
// records/review serves the review in a browser.
//
// # Limits
//
// Detection is package redact's, with its limits. The entity-to-exemption
// mappings of the built-in catalogs need a lawyer's review before a city
// relies on them. E-mail transport headers (Received, Message-ID,
// DKIM-Signature, X-...) are dropped from a release rather than reviewed,
// and HTML loses its markup; link targets and image descriptions are not
// released.
//
// # Telemetry
//
// With RequestOptions.MeterProvider (the OpenTelemetry metric API) a
// Request counts the documents it returns by outcome (redacted, clean,
// withheld with its reason, failed), the redactions by exemption code and
// entity, and the withheld parts. No attribute carries a document name or
// any of its text.
package records
