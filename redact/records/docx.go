package records

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/civickit/privacy/redact"
)

// A Word document (.docx, .docm) is a ZIP package of XML parts. The
// release is written by splicing the original bytes of each XML part:
// encoding/xml reads the part and reports the byte range of every piece
// of text, and only those ranges (and the elements taken out) change, so
// that namespace prefixes and everything Word relies on stay as they were.
//
// Every entry of the package is either vetted (XML read in full, its text
// redacted), rewritten (images blanked, custom XML emptied), or taken out
// and listed in Result.Withheld (embedded objects, macros, ActiveX
// controls, unknown binary parts). Tracked deletions are accepted: deleted
// text is removed from the release, never kept as revision marks.

// Limits on a package, so that a ZIP bomb is refused rather than read.
const (
	maxDOCXEntries   = 20000
	maxDOCXPartBytes = 256 << 20
	maxDOCXTotal     = 1 << 30
)

// docxEntry is one ZIP entry as read, and what becomes of it.
type docxEntry struct {
	f       *zip.File
	name    string // as in the archive
	lower   string // lower case, for matching
	data    []byte
	removed bool   // taken out of the release
	out     []byte // the release's content when not removed
}

// docxError returns a DocumentError that names what is wrong, never content.
func docxError(res *Result, what string) error {
	return &DocumentError{Document: res.Document, Err: fmt.Errorf("%w: Word: %s", ErrDocument, what)}
}

func (rq *Request) redactDOCX(res *Result, part string, data []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, docxError(res, "not a ZIP package")
	}
	if len(zr.File) > maxDOCXEntries {
		return nil, docxError(res, "too many entries in the package")
	}
	entries := make([]*docxEntry, 0, len(zr.File))
	byName := map[string]*docxEntry{}
	total := 0
	hasMain := false
	for _, f := range zr.File {
		if f.Flags&1 != 0 {
			return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonEncrypted, Detail: "encrypted ZIP entry"}
		}
		e := &docxEntry{f: f, name: f.Name, lower: strings.ToLower(strings.TrimPrefix(f.Name, "/"))}
		if _, dup := byName[e.lower]; dup {
			return nil, docxError(res, "duplicate entry names")
		}
		byName[e.lower] = e
		entries = append(entries, e)
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		if f.UncompressedSize64 > maxDOCXPartBytes {
			return nil, docxError(res, "entry too large")
		}
		rc, err := f.Open()
		if err != nil {
			return nil, docxError(res, "unreadable entry")
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxDOCXPartBytes+1))
		rc.Close()
		if err != nil {
			return nil, docxError(res, "unreadable entry")
		}
		if len(b) > maxDOCXPartBytes {
			return nil, docxError(res, "entry too large")
		}
		if total += len(b); total > maxDOCXTotal {
			return nil, docxError(res, "package too large")
		}
		e.data = b
		if e.lower == "word/document.xml" {
			hasMain = true
		}
	}
	if !hasMain {
		return nil, docxError(res, "no word/document.xml")
	}

	// 1. Decide which entries are taken out: binary parts that cannot be
	// reviewed. A part's own relationships go with it.
	for _, e := range entries {
		if strings.HasSuffix(e.name, "/") {
			continue
		}
		switch docxKindOf(e.lower) {
		case docxRemove, docxUnknownBinary:
			e.removed = true
		}
	}
	for _, e := range entries {
		if src, ok := relsSource(e.lower); ok {
			if s, ok := byName[src]; ok && s.removed {
				e.removed = true
			}
		}
	}
	removed := map[string]bool{}
	for _, e := range entries {
		if e.removed {
			removed[e.lower] = true
		}
	}

	// 2. Relationships: drop those to removed parts, redact external
	// targets. dropped maps a source part to the ids of its dropped
	// relationships, whose referring elements are removed next.
	dropped := map[string]map[string]bool{}
	for _, e := range entries {
		if e.removed || !strings.HasSuffix(e.lower, ".rels") {
			continue
		}
		src, _ := relsSource(e.lower)
		x := rq.newXMLPart(res, part, e.name, e.data, xmlRels)
		x.relsBase = path.Dir(src)
		if src == "" {
			x.relsBase = ""
		}
		x.removedParts = removed
		if e.out, err = x.run(); err != nil {
			return nil, err
		}
		if len(x.droppedIDs) > 0 {
			dropped[src] = x.droppedIDs
		}
	}

	// 3. Everything else, in package order.
	for _, e := range entries {
		if strings.HasSuffix(e.name, "/") {
			continue
		}
		loc := joinPart(part, docxPartName(rq, res, part, e.name))
		if e.removed {
			res.withholdPart(loc, ReasonEmbedded, docxRemovedDetail(e.lower))
			continue
		}
		if strings.HasSuffix(e.lower, ".rels") {
			continue // read above
		}
		switch kind := docxKindOf(e.lower); kind {
		case docxImage:
			e.out = blankImage(e.lower, e.data)
			res.withholdPart(loc, ReasonEmbedded, "image not reviewed")
		case docxCustomXML:
			e.out = emptyRootXML(e.data)
			res.withholdPart(loc, ReasonEmbedded, "custom XML data not reviewed")
		default:
			mode := xmlGeneric
			switch kind {
			case docxText:
				mode = xmlText
			case docxContentTypes:
				mode = xmlContentTypes
			case docxProps:
				mode = xmlProps
			}
			x := rq.newXMLPart(res, part, e.name, e.data, mode)
			x.dropIDs = dropped[e.lower]
			x.removedParts = removed
			if e.out, err = x.run(); err != nil {
				return nil, err
			}
		}
	}

	// 4. Write the release: same order, Deflate, no extra fields or
	// comments (they are not reviewed).
	var buf bytes.Buffer
	buf.Grow(len(data))
	zw := zip.NewWriter(&buf)
	// Deflate at its fastest level: the release's size matters less than
	// the time a large request takes.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	for _, e := range entries {
		if e.removed {
			continue
		}
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: e.f.Modified}
		if strings.HasSuffix(e.name, "/") {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, docxError(res, "cannot write entry")
		}
		if _, err := w.Write(e.out); err != nil {
			return nil, docxError(res, "cannot write entry")
		}
	}
	if err := zw.Close(); err != nil {
		return nil, docxError(res, "cannot write package")
	}
	return buf.Bytes(), nil
}

// docxPartName is an entry's name for locations: package part names are
// structural (word/document.xml, word/media/image3.png), but a name that
// a person chose is redacted first.
func docxPartName(rq *Request, res *Result, part, name string) string {
	if rq.red.Contains(name) {
		return rq.redactString(res, joinPart(part, "part name"), "", name)
	}
	return name
}

// docxKind classifies a package entry.
type docxKind int

const (
	docxGeneric       docxKind = iota // other XML: vetted generically
	docxText                          // a WordprocessingML story: paragraphs
	docxContentTypes                  // [Content_Types].xml
	docxProps                         // docProps/*.xml
	docxImage                         // blanked
	docxCustomXML                     // customXml/item*.xml: emptied
	docxRemove                        // embedded objects, macros, ActiveX
	docxUnknownBinary                 // not XML, not an image: taken out
)

var docxImageExts = []string{".png", ".jpg", ".jpeg", ".jpe", ".gif", ".emf", ".wmf", ".emz", ".wmz", ".bmp", ".tif", ".tiff", ".svg", ".wdp", ".jxr", ".ico", ".pict", ".webp"}

func docxKindOf(lower string) docxKind {
	base := path.Base(lower)
	dir := path.Dir(lower)
	ext := path.Ext(lower)
	switch {
	case lower == "[content_types].xml":
		return docxContentTypes
	case ext == ".rels":
		return docxGeneric // read as relationships
	case strings.HasPrefix(lower, "word/embeddings/"), strings.HasPrefix(lower, "word/activex/"),
		base == "vbaproject.bin", base == "vbadata.xml", base == "attachedtoolbars.bin",
		base == "customizations.xml", strings.HasPrefix(lower, "word/printersettings/"):
		return docxRemove
	case slices.Contains(docxImageExts, ext):
		return docxImage
	case dir == "customxml" && strings.HasPrefix(base, "item") && !strings.HasPrefix(base, "itemprops"):
		return docxCustomXML
	case dir == "docprops" && ext == ".xml":
		return docxProps
	case ext != ".xml":
		return docxUnknownBinary
	case dir == "word" || dir == "word/glossary":
		switch {
		case base == "document.xml", base == "footnotes.xml", base == "endnotes.xml", base == "comments.xml",
			strings.HasPrefix(base, "header"), strings.HasPrefix(base, "footer"):
			return docxText
		}
	}
	return docxGeneric
}

func docxRemovedDetail(lower string) string {
	switch {
	case strings.HasPrefix(lower, "word/embeddings/"):
		return "embedded object"
	case strings.HasPrefix(lower, "word/activex/"):
		return "ActiveX control"
	case strings.HasPrefix(lower, "word/fonts/"):
		return "embedded font"
	case strings.HasSuffix(lower, ".rels"):
		return "relationships of a withheld part"
	case strings.Contains(lower, "vba"), strings.HasSuffix(lower, "attachedtoolbars.bin"), strings.HasSuffix(lower, "customizations.xml"):
		return "macros"
	}
	return "binary part"
}

// relsSource returns the part a relationships part belongs to
// ("word/_rels/document.xml.rels" -> "word/document.xml"; "_rels/.rels"
// -> "").
func relsSource(lower string) (string, bool) {
	if !strings.HasSuffix(lower, ".rels") {
		return "", false
	}
	dir, base := path.Split(lower)
	if !strings.HasSuffix(dir, "_rels/") {
		return "", false
	}
	parent := strings.TrimSuffix(dir, "_rels/")
	return parent + strings.TrimSuffix(base, ".rels"), true
}

// errSplice is an internal inconsistency in the edits of a part.
var errSplice = errors.New("overlapping edits")

// personEntity is what author attributes and properties are redacted as.
const personEntity = redact.PersonName
