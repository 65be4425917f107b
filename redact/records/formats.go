package records

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"

	"github.com/civickit/privacy/redact"
)

// DocFormat is how a Request reads a document.
type DocFormat string

// The document formats.
const (
	DocText  DocFormat = "text"  // plain text and Markdown (.txt, .md)
	DocCSV   DocFormat = "csv"   // comma-separated values with a header row
	DocJSON  DocFormat = "json"  // one JSON value
	DocJSONL DocFormat = "jsonl" // JSON Lines: one JSON value per line
	DocHTML  DocFormat = "html"  // a web page, released as its redacted text (.html, .htm)
	DocEmail DocFormat = "email" // one MIME message (.eml)
	DocMbox  DocFormat = "mbox"  // a sequence of messages (.mbox)
	DocMSG   DocFormat = "msg"   // an Outlook message, released as e-mail (.msg)
	DocDOCX  DocFormat = "docx"  // Word (Office Open XML)
	DocXLSX  DocFormat = "xlsx"  // Excel (Office Open XML)
	DocPDF   DocFormat = "pdf"   // PDF
	DocImage DocFormat = "image" // a scan or photo (.png, .jpg, .tif)
)

// maxDepth bounds how deeply containers nest (an attachment of a message
// attached to a message...); deeper parts are withheld.
const maxDepth = 8

// formatFunc redacts one document or part of one format. It logs each
// redaction in res with its Part under part, records withheld parts in
// res, and returns the release. An error withholds or fails the whole
// document (or, for an attachment, the part).
type formatFunc func(rq *Request, res *Result, part string, data []byte) ([]byte, error)

// formats maps each format to its reader and writer; each lives in its own
// file.
var formats map[DocFormat]formatFunc

func init() {
	formats = map[DocFormat]formatFunc{
		DocText:  plainFormat(DocText),
		DocCSV:   plainFormat(DocCSV),
		DocJSON:  plainFormat(DocJSON),
		DocJSONL: plainFormat(DocJSONL),
		DocHTML:  (*Request).redactHTML,
		DocEmail: (*Request).redactEmail,
		DocMbox:  (*Request).redactMbox,
		DocMSG:   (*Request).redactMSG,
		DocDOCX:  (*Request).redactDOCX,
		DocXLSX:  (*Request).redactXLSX,
		DocPDF:   (*Request).redactPDF,
		DocImage: (*Request).redactImage,
	}
}

// extFormats maps file extensions to formats.
var extFormats = map[string]DocFormat{
	".txt": DocText, ".md": DocText, ".text": DocText,
	".csv": DocCSV, ".json": DocJSON, ".jsonl": DocJSONL, ".ndjson": DocJSONL,
	".html": DocHTML, ".htm": DocHTML, ".xhtml": DocHTML,
	".eml": DocEmail, ".mbox": DocMbox, ".msg": DocMSG,
	".docx": DocDOCX, ".docm": DocDOCX, ".xlsx": DocXLSX, ".xlsm": DocXLSX,
	".pdf": DocPDF,
	".png": DocImage, ".jpg": DocImage, ".jpeg": DocImage, ".tif": DocImage, ".tiff": DocImage,
	".gif": DocImage, ".bmp": DocImage,
}

// FormatFor returns the format for a file name by its extension (any
// case), and false for others.
func FormatFor(name string) (DocFormat, bool) {
	f, ok := extFormats[strings.ToLower(filepath.Ext(name))]
	return f, ok
}

// Sniff returns the format that data's first bytes announce (PDF, the
// image formats, MIME messages) and false when they announce none of
// them. Office files are ZIP archives: Sniff tells them apart by their
// content types part.
func Sniff(data []byte) (DocFormat, bool) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return DocPDF, true
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(data, []byte("\xff\xd8\xff")),
		bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")),
		bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")),
		bytes.HasPrefix(data, []byte("BM")) && len(data) > 26 && data[14] >= 12 && data[15] == 0:
		return DocImage, true
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffOOXML(data)
	}
	return "", false
}

// binaryMagic lists the first bytes of formats that are never text.
var binaryMagic = [][]byte{
	[]byte("%PDF-"), []byte("PK\x03\x04"), []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), // OLE (.doc, .xls, .msg)
	[]byte("\x89PNG"), []byte("\xff\xd8\xff"), []byte("GIF8"), []byte("II*\x00"), []byte("MM\x00*"),
	[]byte("\x1f\x8b"), []byte("7z\xbc\xaf"), []byte("Rar!"), []byte("{\\rtf"),
}

// DetectFormat chooses the format of a file from its name and content. The
// content wins where the two disagree on a binary format, so that a PDF
// named .txt is not released as text; a text format whose content is
// binary (NUL bytes, or a known binary signature) is reported as not
// supported, so that it is withheld.
func DetectFormat(name string, data []byte) (DocFormat, bool) {
	byName, named := FormatFor(name)
	if sniffed, ok := Sniff(data); ok {
		if named && byName == DocXLSX && sniffed == DocDOCX || named && byName == sniffed {
			return byName, true
		}
		return sniffed, true
	}
	if !named {
		return "", false
	}
	switch byName {
	case DocText, DocCSV, DocJSON, DocJSONL, DocHTML, DocEmail, DocMbox:
		if _, ok := utf16BOM(data); !ok && looksBinary(data) {
			return "", false
		}
	}
	return byName, true
}

// looksBinary reports whether data is not text: a known binary signature
// or a NUL byte in its first 8 KiB.
func looksBinary(data []byte) bool {
	for _, m := range binaryMagic {
		if bytes.HasPrefix(data, m) {
			return true
		}
	}
	head := data[:min(len(data), 8<<10)]
	return bytes.IndexByte(head, 0) >= 0
}

// typeDetail names a file's type for a withheld reason: its extension, or
// "no extension", and "binary" when its content is not text.
func typeDetail(name string, data []byte) string {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == "" || len(ext) > 12 || strings.ContainsAny(ext, " \t") {
		ext = "no extension"
	}
	if _, named := FormatFor(name); named && looksBinary(data) {
		return ext + " with binary content"
	}
	if bytes.HasPrefix(data, binaryMagic[2]) {
		return ext + ", OLE compound file"
	}
	return ext
}

// redactAs redacts data of a format as a part of res (or the whole
// document when part is "").
func (rq *Request) redactAs(res *Result, part string, format DocFormat, data []byte) ([]byte, error) {
	fn, ok := formats[format]
	if !ok {
		return nil, fmt.Errorf("%w: unknown document format %q", redact.ErrOptions, format)
	}
	if res.depth >= maxDepth {
		return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonTooDeep}
	}
	res.depth++
	defer func() { res.depth-- }()
	return fn(rq, res, part, data)
}

// plainFormat adapts the text, CSV and JSON readers, which keep their own
// line, row and path locations, to formatFunc. At the top level they fill
// res directly; inside a container (an e-mail attachment) their entries
// get the part as a prefix.
func plainFormat(f DocFormat) formatFunc {
	return func(rq *Request, res *Result, part string, data []byte) ([]byte, error) {
		sub := res
		if part != "" || res.view != nil || len(res.Entries) > 0 {
			sub = &Result{Document: res.Document, Format: f, hashes: res.hashes,
				proposals: res.proposals, dec: res.dec, decPart: part}
			if res.capture != nil {
				sub.capture = &capture{base: len(res.Entries), segs: res.capture.segs, bytes: res.capture.bytes}
			}
		}
		// Windows saves "Unicode text" and CSV as UTF-16 with a byte order
		// mark: read it as UTF-8, and release it so.
		if u, ok := utf16BOM(data); ok {
			var err error
			if data, err = u.NewDecoder().Bytes(data); err != nil {
				return nil, &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: invalid UTF-16", ErrDocument)}
			}
		}
		var err error
		switch f {
		case DocText:
			err = rq.redactText(sub, data)
		case DocCSV:
			err = rq.redactCSV(sub, data)
		case DocJSON:
			err = rq.redactJSON(sub, data, false)
		case DocJSONL:
			err = rq.redactJSON(sub, data, true)
		}
		if err != nil {
			return nil, err
		}
		if sub != res {
			for i := range sub.Entries {
				sub.Entries[i].Part = joinPart(part, sub.Entries[i].Part)
			}
			res.Entries = append(res.Entries, sub.Entries...)
			res.Rejected = append(res.Rejected, sub.Rejected...)
			res.proposals = sub.proposals
			if res.capture != nil {
				res.capture.segs, res.capture.bytes = sub.capture.segs, sub.capture.bytes
			}
			res.addView(part, sub.Output, sub.spans)
			if res.hashes == nil {
				res.hashes = sub.hashes
			}
		}
		return sub.Output, nil
	}
}

// utf16BOM returns the UTF-16 encoding data's byte order mark announces.
func utf16BOM(data []byte) (encoding.Encoding, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), true
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), true
	}
	return nil, false
}
