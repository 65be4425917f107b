package records

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Excel workbooks are redacted at the level of their XML parts, not by
// loading them into a spreadsheet library and saving them again: such a
// library (excelize among them) keeps the shared strings table it read and
// appends new strings to it, so a cell value it replaced would survive in
// xl/sharedStrings.xml. Here every part of the package is read and written
// again: cells, shared strings, comments, drawings, charts, headers and
// footers, document properties and relationships are vetted, with each
// cell's column header as context; parts that cannot be vetted are taken
// out (pivot caches, macros, printer settings, custom XML, revision logs;
// pictures become a blank image) or, when taking them out would break the
// workbook (embedded objects, external links, slicers), the whole file is
// withheld. excelize is used only to read what a styled number looks like
// (a phone or SSN typed as a number with a number format).

// Limits on a workbook's package: past them the file is withheld.
const (
	xlsxMaxParts = 4096      // entries in the ZIP archive
	xlsxMaxPart  = 256 << 20 // uncompressed bytes of one part
	xlsxMaxTotal = 512 << 20 // uncompressed bytes of all parts
)

// xlsxDoc is one workbook being redacted.
type xlsxDoc struct {
	rq   *Request
	res  *Result
	part string
	data []byte

	names   []string          // part names in archive order
	parts   map[string][]byte // by lower-case name
	out     map[string][]byte // rewritten parts, by lower-case name
	removed map[string]bool   // lower-case names of parts taken out

	renames []sheetRename
	known   map[string]string // redacted cell values (trimmed) -> header
	sheets  []xlsxSheet
	sstPath string
	sst     []sstItem
	sstOut  []*string // the text each shared string is released with

	xl     *excelize.File
	xlErr  error
	xlOpen bool
}

type sheetRename struct{ old, new string }

type xlsxSheet struct {
	n    int    // 1-based position in the workbook
	name string // name in the file, used to ask excelize
	path string // lower-case part name
	grid [][]string
	read bool
}

// sstItem is one shared string: its byte range in the part and its text.
type sstItem struct {
	start, end int
	text       string
	phonetic   bool // has <rPh> runs, which are dropped when written
}

func (rq *Request) redactXLSX(res *Result, part string, data []byte) (out []byte, err error) {
	x := &xlsxDoc{rq: rq, res: res, part: part, data: data, parts: map[string][]byte{},
		out: map[string][]byte{}, removed: map[string]bool{}, known: map[string]string{}}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, x.malformed("unreadable workbook")
		}
	}()
	if err := x.read(); err != nil {
		return nil, err
	}
	return x.redact()
}

func (x *xlsxDoc) malformed(what string) error {
	return &DocumentError{Document: x.res.Document, Err: fmt.Errorf("%w: %s", ErrDocument, what)}
}

func (x *xlsxDoc) withheld(r Reason, detail string) error {
	return &WithheldError{Document: x.res.Document, Part: x.part, Reason: r, Detail: detail}
}

// read unpacks the archive, refusing duplicate, unsafe or oversized
// entries and encrypted ones.
func (x *xlsxDoc) read() error {
	zr, err := zip.NewReader(bytes.NewReader(x.data), int64(len(x.data)))
	if err != nil {
		return x.malformed("invalid ZIP archive")
	}
	if len(zr.File) > xlsxMaxParts {
		return x.withheld(ReasonUnreadable, "too many parts")
	}
	total := 0
	for _, f := range zr.File {
		name := f.Name
		if strings.HasSuffix(name, "/") {
			continue
		}
		if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") ||
			slices.Contains(strings.Split(name, "/"), "..") || strings.ContainsRune(name, 0) {
			return x.malformed("unsafe part name")
		}
		low := strings.ToLower(name)
		if _, dup := x.parts[low]; dup {
			return x.malformed("duplicate part")
		}
		if f.Flags&1 != 0 {
			return x.withheld(ReasonEncrypted, "ZIP")
		}
		if f.UncompressedSize64 > xlsxMaxPart {
			return x.withheld(ReasonUnreadable, "part too large")
		}
		rc, err := f.Open()
		if err != nil {
			return x.malformed("unreadable part")
		}
		b, err := io.ReadAll(io.LimitReader(rc, xlsxMaxPart+1))
		rc.Close()
		if err != nil {
			return x.malformed("unreadable part")
		}
		total += len(b)
		if len(b) > xlsxMaxPart || total > xlsxMaxTotal {
			return x.withheld(ReasonUnreadable, "workbook too large")
		}
		x.names = append(x.names, name)
		x.parts[low] = b
	}
	return nil
}

// rel is one relationship of a part.
type rel struct {
	typ, target string // target resolved to a lower-case part name, or the URL when external
	external    bool
}

// rels reads the relationships of the part named src.
func (x *xlsxDoc) rels(src string) map[string]rel {
	dir, file := path.Split(src)
	b, ok := x.parts[strings.ToLower(dir+"_rels/"+file+".rels")]
	if !ok {
		return nil
	}
	var doc struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if xml.Unmarshal(b, &doc) != nil {
		return nil
	}
	m := make(map[string]rel, len(doc.Rels))
	for _, r := range doc.Rels {
		if strings.EqualFold(r.Mode, "External") {
			m[r.ID] = rel{typ: r.Type, target: r.Target, external: true}
			continue
		}
		m[r.ID] = rel{typ: r.Type, target: resolveTarget(dir, r.Target)}
	}
	return m
}

// resolveTarget resolves a relationship target against the source part's
// folder and returns a lower-case part name.
func resolveTarget(dir, target string) string {
	var p string
	if strings.HasPrefix(target, "/") {
		p = path.Clean(target)
	} else {
		p = path.Clean("/" + dir + target)
	}
	return strings.ToLower(strings.TrimPrefix(p, "/"))
}

// relType reports whether a relationship type URI ends with name.
func relType(typ, name string) bool { return strings.HasSuffix(typ, "/"+name) }

func (x *xlsxDoc) redact() ([]byte, error) {
	// The workbook part, from the package relationships.
	wbPath := "xl/workbook.xml"
	for _, r := range x.rels("") {
		if relType(r.typ, "officeDocument") && !r.external {
			wbPath = r.target
		}
	}
	if _, ok := x.parts[wbPath]; !ok || !plainXMLPart(wbPath) {
		return nil, x.malformed("no workbook part")
	}
	if err := x.classify(); err != nil {
		return nil, err
	}
	wbRels := x.rels(wbPath)
	for _, r := range wbRels {
		if relType(r.typ, "sharedStrings") && !r.external {
			x.sstPath = r.target
		}
	}
	if x.sstPath != "" && (x.sstPath == wbPath || !plainXMLPart(x.sstPath)) {
		return nil, x.malformed("invalid shared strings part")
	}
	// The workbook: sheet names (renamed where they hold personal data).
	wbOut, err := x.vetXML(wbPath, x.parts[wbPath], &workbookHooks{x: x, rels: wbRels})
	if err != nil {
		return nil, err
	}
	x.out[wbPath] = wbOut
	if x.sstPath != "" {
		if b, ok := x.parts[x.sstPath]; ok {
			if x.sst, err = x.readSST(b); err != nil {
				return nil, err
			}
			x.sstOut = make([]*string, len(x.sst))
		}
	}
	// The worksheets, then the shared strings their cells decided.
	var sheetWalks []*sheetHooks
	for i := range x.sheets {
		sh := &x.sheets[i]
		b, ok := x.parts[sh.path]
		if !ok || x.out[sh.path] != nil {
			continue
		}
		if !plainXMLPart(sh.path) || sh.path == x.sstPath {
			return nil, x.malformed("invalid worksheet part")
		}
		h := &sheetHooks{x: x, sheet: sh, header: map[int]string{}, droppedSI: map[string]bool{}}
		w, err := x.walk(sh.path, b, h)
		if err != nil {
			return nil, err
		}
		h.data, h.splices = b, w.splices
		sheetWalks = append(sheetWalks, h)
		x.out[sh.path] = b // placeholder, written below
	}
	for _, h := range sheetWalks {
		x.out[h.sheet.path] = h.finish()
	}
	if x.sstPath != "" && x.sst != nil {
		if x.out[x.sstPath], err = x.writeSST(x.parts[x.sstPath]); err != nil {
			return nil, err
		}
	}
	// Every other part.
	for _, name := range x.names {
		low := strings.ToLower(name)
		if x.removed[low] || x.out[low] != nil {
			continue
		}
		b := x.parts[low]
		switch {
		case strings.HasPrefix(low, "xl/media/"):
			x.out[low] = xlsxBlankImage(low)
			x.res.withholdPart(joinPart(x.part, name), ReasonEmbedded, "picture, replaced by a blank image")
		case low == "[content_types].xml", strings.HasSuffix(low, ".rels"),
			strings.HasSuffix(low, ".xml"), strings.HasSuffix(low, ".vml"):
			o, err := x.vetXML(low, b, &genericHooks{x: x, src: low})
			if err != nil {
				return nil, err
			}
			x.out[low] = o
		default:
			return nil, x.withheld(ReasonEmbedded, "binary part")
		}
	}
	return x.write()
}

// classify takes out the parts that cannot be vetted, and withholds the
// file when one of them cannot be taken out without breaking it.
func (x *xlsxDoc) classify() error {
	n := 0
	for _, name := range x.names {
		low := strings.ToLower(name)
		base := path.Base(low)
		switch {
		case hasAnyPrefix(low, "xl/embeddings/", "xl/activex/", "xl/externallinks/", "xl/slicercaches/",
			"xl/slicers/", "xl/timelines/", "xl/timelinecaches/", "xl/macrosheets/", "xl/dialogsheets/", "xl/model/"):
			return x.withheld(ReasonEmbedded, "embedded objects, external links, slicers or macro sheets")
		case hasAnyPrefix(low, "xl/pivotcache/", "xl/pivottables/", "xl/printersettings/", "customxml/",
			"xl/revisions/", "docprops/thumbnail") || low == "xl/usernames.xml" ||
			strings.HasPrefix(base, "vbaproject") || strings.HasPrefix(base, "vbadata"):
			if strings.Contains(low, "/_rels/") {
				x.removed[low] = true // the relationships of a part taken out
				continue
			}
			x.removed[low] = true
			n++
			label := name
			if len(x.rq.red.Find(name)) > 0 {
				label = fmt.Sprintf("part %d", n)
			}
			x.res.withholdPart(joinPart(x.part, label), ReasonEmbedded, removedDetail(low))
		case strings.HasPrefix(low, "xl/media/"):
			switch path.Ext(low) {
			case ".png", ".jpg", ".jpeg", ".gif":
			default:
				return x.withheld(ReasonEmbedded, "picture in a format that cannot be replaced")
			}
		}
		if !x.removed[low] && len(x.rq.red.Find(strings.NewReplacer("/", " ", "_", " ").Replace(name))) > 0 {
			return x.withheld(ReasonEmbedded, "part name with personal data")
		}
	}
	// The relationships of removed parts go with them.
	for _, name := range x.names {
		low := strings.ToLower(name)
		if strings.HasSuffix(low, ".rels") {
			dir, file := path.Split(low)
			src := path.Join(path.Dir(strings.TrimSuffix(dir, "/")), strings.TrimSuffix(file, ".rels"))
			if x.removed[src] {
				x.removed[low] = true
			}
		}
	}
	return nil
}

func removedDetail(low string) string {
	switch {
	case strings.Contains(low, "pivot"):
		return "pivot table or cache, taken out"
	case strings.Contains(low, "vba"):
		return "macros, taken out"
	case strings.Contains(low, "printersettings"):
		return "printer settings, taken out"
	case strings.HasPrefix(low, "customxml/"):
		return "custom XML data, taken out"
	case strings.HasPrefix(low, "docprops/thumbnail"):
		return "thumbnail, taken out"
	}
	return "revision history, taken out"
}

func hasAnyPrefix(s string, ps ...string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// xlsxBlankImage returns a 1×1 white image in the format of name's extension.
func xlsxBlankImage(name string) []byte {
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	img.SetGray(0, 0, color.Gray{Y: 255})
	var b bytes.Buffer
	switch path.Ext(name) {
	case ".jpg", ".jpeg":
		_ = jpeg.Encode(&b, img, nil)
	case ".gif":
		_ = gif.Encode(&b, img, nil)
	default:
		_ = png.Encode(&b, img)
	}
	return b.Bytes()
}

// write packs the release: the parts kept, in their order, with fresh
// headers (no comments, extra fields or timestamps of the original).
func (x *xlsxDoc) write() ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range x.names {
		low := strings.ToLower(name)
		if x.removed[low] {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate,
			Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return nil, fmt.Errorf("records: write workbook: %w", err)
		}
		if _, err := w.Write(x.out[low]); err != nil {
			return nil, fmt.Errorf("records: write workbook: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("records: write workbook: %w", err)
	}
	return b.Bytes(), nil
}

// ---- Shared strings ----

func (x *xlsxDoc) readSST(b []byte) ([]sstItem, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	var items []sstItem
	var cur *sstItem
	var text strings.Builder
	var stack []string
	for {
		start := int(d.InputOffset())
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, x.malformed("invalid shared strings")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			if t.Name.Local == "si" && cur == nil {
				cur = &sstItem{start: start}
				text.Reset()
			}
			if t.Name.Local == "rPh" && cur != nil {
				cur.phonetic = true
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, x.malformed("invalid shared strings")
			}
			stack = stack[:len(stack)-1]
			if t.Name.Local == "si" && cur != nil {
				cur.end = int(d.InputOffset())
				cur.text = text.String()
				items = append(items, *cur)
				cur = nil
			}
		case xml.CharData:
			if cur != nil && len(stack) > 0 && stack[len(stack)-1] == "t" && !slices.Contains(stack, "rPh") {
				text.Write(t)
			}
		}
	}
	return items, nil
}

// plainXMLPart reports whether a part named as a workbook, worksheet or
// shared strings table is an XML part that is not one of the package's
// own (content types, relationships), which are vetted in their own way.
func plainXMLPart(p string) bool {
	return strings.HasSuffix(p, ".xml") && !strings.Contains(p, "_rels/") && p != "[content_types].xml"
}

// sstHooks vet a shared strings part outside its items (an extension
// list), leaving the items to writeSST.
type sstHooks struct{}

func (sstHooks) start(w *walker, se xml.StartElement, start, end int) (bool, error) {
	if se.Name.Local != "si" {
		return false, nil
	}
	_, err := w.skip()
	return true, err
}

// writeSST writes each shared string with the text its first cell was
// released with; a string no cell refers to is emptied. Strings whose
// other cells were released differently were written into those cells.
func (x *xlsxDoc) writeSST(b []byte) ([]byte, error) {
	w, err := x.walk(x.sstPath, b, sstHooks{})
	if err != nil {
		return nil, err
	}
	sp := w.splices
	for i, it := range x.sst {
		out := x.sstOut[i]
		switch {
		case out == nil:
			sp = append(sp, xlsxSplice{it.start, it.end, []byte("<si><t/></si>")})
		case *out != it.text || it.phonetic:
			sp = append(sp, xlsxSplice{it.start, it.end, []byte("<si><t xml:space=\"preserve\">" + escapeXLSX(*out) + "</t></si>")})
		}
	}
	return applyXLSXSplices(b, sp), nil
}

// ---- XML walking ----

// xlsxSplice replaces data[start:end] with repl.
type xlsxSplice struct {
	start, end int
	repl       []byte
}

func applyXLSXSplices(data []byte, sp []xlsxSplice) []byte {
	if len(sp) == 0 {
		return data
	}
	slices.SortStableFunc(sp, func(a, b xlsxSplice) int { return a.start - b.start })
	var b bytes.Buffer
	b.Grow(len(data) + 64*len(sp))
	last := 0
	for _, s := range sp {
		if s.start < last {
			continue // nested in a xlsxSplice already made
		}
		b.Write(data[last:s.start])
		b.Write(s.repl)
		last = s.end
	}
	b.Write(data[last:])
	return b.Bytes()
}

func escapeXLSX(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// walker reads one XML part token by token with byte offsets.
type walker struct {
	x       *xlsxDoc
	name    string // the part name
	data    []byte
	d       *xml.Decoder
	splices []xlsxSplice
	stack   []string // local names of open elements
	refs    []string // the location the innermost element with a ref gives ("comment B3")
	para    *paragraph
	paras   int
}

// paragraph collects the runs of one text (a comment, a drawing
// paragraph), so that a value split over runs is found.
type paragraph struct {
	depth int
	loc   string
	nodes []textNode
}

type textNode struct {
	start, end int // the raw bytes of the text
	text       string
}

func (w *walker) next() (tok xml.Token, start, end int, err error) {
	start = int(w.d.InputOffset())
	tok, err = w.d.RawToken()
	return tok, start, int(w.d.InputOffset()), err
}

// hooks customise the walk of one kind of part: start is called for every
// element; when it returns true it has read the element to its end.
type hooks interface {
	start(w *walker, se xml.StartElement, start, end int) (bool, error)
}

// vetXML walks one part, vets its text and attributes, and returns it
// with the splices made.
func (x *xlsxDoc) vetXML(name string, data []byte, h hooks) ([]byte, error) {
	w, err := x.walk(name, data, h)
	if err != nil {
		return nil, err
	}
	return applyXLSXSplices(data, w.splices), nil
}

// walk reads one part and returns the walker with the splices to make.
func (x *xlsxDoc) walk(name string, data []byte, h hooks) (*walker, error) {
	w := &walker{x: x, name: x.partName(name), data: data, d: xml.NewDecoder(bytes.NewReader(data))}
	if strings.HasSuffix(name, ".vml") {
		w.d.Strict = false
		w.d.AutoClose = xml.HTMLAutoClose
	}
	for {
		tok, start, end, err := w.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, x.malformed("invalid XML part")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			done, err := h.start(w, t, start, end)
			if err != nil {
				return nil, err
			}
			if done {
				continue
			}
			w.open(t, start, end)
		case xml.EndElement:
			if len(w.stack) == 0 {
				return nil, x.malformed("invalid XML part")
			}
			w.close()
		case xml.CharData:
			w.text(string(t), start, end)
		case xml.Comment, xml.Directive:
			w.splices = append(w.splices, xlsxSplice{start, end, nil})
		case xml.ProcInst:
			if t.Target != "xml" {
				w.splices = append(w.splices, xlsxSplice{start, end, nil})
			}
		}
	}
	if len(w.stack) != 0 {
		return nil, x.malformed("invalid XML part")
	}
	return w, nil
}

// partName is the location of a part in log entries.
func (x *xlsxDoc) partName(low string) string {
	for _, n := range x.names {
		if strings.ToLower(n) == low {
			return joinPart(x.part, n)
		}
	}
	return joinPart(x.part, low)
}

// open pushes an element, vets its attributes and starts a paragraph.
func (w *walker) open(se xml.StartElement, start, end int) {
	local := se.Name.Local
	ref := ""
	if len(w.refs) > 0 {
		ref = w.refs[len(w.refs)-1]
	}
	for _, a := range se.Attr {
		if a.Name.Local == "ref" && a.Name.Space == "" {
			ref = local + " " + a.Value
		}
	}
	changed := false
	attrs := slices.Clone(se.Attr)
	for i, a := range attrs {
		if skipAttr(a.Name) {
			continue
		}
		loc := local + " " + a.Name.Local
		if ref != "" {
			loc = ref + " " + a.Name.Local
		}
		if v := w.x.vetValue(joinPart(w.name, loc), attrKey(local, a.Name.Local), a.Value, true); v != a.Value {
			attrs[i].Value = v
			changed = true
		}
	}
	if changed {
		w.splices = append(w.splices, xlsxSplice{start, end, startTag(se.Name, attrs, bytes.HasSuffix(w.data[start:end], []byte("/>")))})
	}
	w.stack = append(w.stack, local)
	w.refs = append(w.refs, ref)
	if w.para == nil && (local == "text" || local == "p" && se.Name.Space == "a") {
		w.paras++
		loc := fmt.Sprintf("paragraph %d", w.paras)
		if ref != "" {
			loc = ref
		}
		w.para = &paragraph{depth: len(w.stack), loc: loc}
	}
}

func (w *walker) close() {
	if w.para != nil && w.para.depth == len(w.stack) {
		w.flushParagraph()
	}
	w.stack = w.stack[:len(w.stack)-1]
	w.refs = w.refs[:len(w.refs)-1]
}

// text vets one text node (or collects it into the open paragraph).
func (w *walker) text(s string, start, end int) {
	if strings.TrimSpace(s) == "" && w.para == nil {
		return
	}
	if w.para != nil && len(w.stack) > 0 {
		top := w.stack[len(w.stack)-1]
		if top == "t" || len(w.stack) == w.para.depth {
			if !slices.Contains(w.stack[w.para.depth:], "rPh") {
				w.para.nodes = append(w.para.nodes, textNode{start, end, s})
				return
			}
		}
	}
	if strings.TrimSpace(s) == "" {
		return
	}
	elem := ""
	if len(w.stack) > 0 {
		elem = w.stack[len(w.stack)-1]
	}
	loc := elem
	if r := w.refs; len(r) > 0 && r[len(r)-1] != "" {
		loc = r[len(r)-1]
	}
	if v := w.x.vetValue(joinPart(w.name, loc), textKey(elem), s, false); v != s {
		w.splices = append(w.splices, xlsxSplice{start, end, []byte(escapeXLSX(v))})
	}
}

// flushParagraph vets a paragraph's runs as one text and puts each
// replacement in the first run it overlaps, cutting the rest.
func (w *walker) flushParagraph() {
	p := w.para
	w.para = nil
	var joined strings.Builder
	offs := make([]int, len(p.nodes))
	for i, n := range p.nodes {
		offs[i] = joined.Len()
		joined.WriteString(n.text)
	}
	text := joined.String()
	if strings.TrimSpace(text) == "" {
		return
	}
	if renamed := w.x.applyRenames(text); renamed != text {
		// A sheet name changed: write the paragraph into its first run.
		eds := w.x.segmentKnown(joinPart(w.name, p.loc), "", renamed)
		w.replaceRuns(p.nodes, offs, []edit{{0, len(text), applyEdits(renamed, eds)}})
		return
	}
	w.replaceRuns(p.nodes, offs, w.x.segmentKnown(joinPart(w.name, p.loc), "", text))
}

func (w *walker) replaceRuns(nodes []textNode, offs []int, eds []edit) {
	for i, n := range nodes {
		lo, hi := offs[i], offs[i]+len(n.text)
		var local []edit
		for _, e := range eds {
			if e.end <= lo || e.start >= hi {
				continue
			}
			s, t := max(e.start, lo)-lo, min(e.end, hi)-lo
			repl := ""
			if e.start >= lo { // the run the edit starts in takes the replacement
				repl = e.repl
			}
			local = append(local, edit{s, t, repl})
		}
		if len(local) > 0 {
			w.splices = append(w.splices, xlsxSplice{n.start, n.end, []byte(escapeXLSX(applyEdits(n.text, local)))})
		}
	}
}

// startTag writes a start tag with its attributes.
func startTag(name xml.Name, attrs []xml.Attr, selfClose bool) []byte {
	var b bytes.Buffer
	b.WriteByte('<')
	writeName(&b, name)
	for _, a := range attrs {
		b.WriteByte(' ')
		writeName(&b, a.Name)
		b.WriteString(`="`)
		_ = xml.EscapeText(&b, []byte(a.Value))
		b.WriteByte('"')
	}
	if selfClose {
		b.WriteString("/>")
	} else {
		b.WriteByte('>')
	}
	return b.Bytes()
}

func writeName(b *bytes.Buffer, n xml.Name) {
	if n.Space != "" {
		b.WriteString(n.Space)
		b.WriteByte(':')
	}
	b.WriteString(n.Local)
}

// skip reads to the end of the element just opened and returns the offset
// after its end tag.
func (w *walker) skip() (int, error) {
	depth := 1
	for depth > 0 {
		tok, _, end, err := w.next()
		if err != nil {
			return 0, w.x.malformed("invalid XML part")
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
			if depth == 0 {
				return end, nil
			}
		}
	}
	return int(w.d.InputOffset()), nil
}

// skipAttr reports whether an attribute is structural: namespaces,
// references, identifiers, types and internal targets.
func skipAttr(n xml.Name) bool {
	if n.Space == "xmlns" || n.Local == "xmlns" || n.Space == "xml" || n.Space == "mc" {
		return true
	}
	switch n.Local {
	case "r", "ref", "sqref", "s", "t", "spans", "id", "Id", "uid", "guid", "Type", "TargetMode",
		"Target", "PartName", "ContentType", "Extension", "si", "cm", "vm":
		return true
	}
	return strings.HasSuffix(n.Local, "Id") && n.Local != "userId"
}

// textKey is the context a text element gives its value: the people
// fields of document properties and comments.
func textKey(elem string) string {
	switch elem {
	case "creator", "lastModifiedBy", "author", "Manager":
		return "full name"
	}
	return ""
}

func attrKey(elem, attr string) string {
	if elem == "person" && attr == "displayName" || elem == "fileSharing" && attr == "userName" {
		return "full name"
	}
	return ""
}

// vetValue returns a text or attribute value with sheet names renamed
// and personal data replaced. Attributes are only logged when something
// is found.
func (x *xlsxDoc) vetValue(part, key, v string, attr bool) string {
	if len(strings.TrimSpace(v)) < 2 {
		return v
	}
	v = x.applyRenames(v)
	if attr {
		if k, ok := x.known[strings.TrimSpace(v)]; ok && key == "" {
			key = k
		}
		if fs, _ := x.rq.cellFindings(nil, key, v); len(fs) == 0 {
			return v
		}
	}
	return applyEdits(v, x.segmentKnown(part, key, v))
}

// segmentKnown is segment, with the header of a redacted cell as context
// for a copy of its value elsewhere (a chart's cache).
func (x *xlsxDoc) segmentKnown(part, key, text string) []edit {
	if k, ok := x.known[strings.TrimSpace(text)]; ok && key == "" {
		key = k
	}
	return x.rq.segment(x.res, part, key, text)
}

// applyRenames rewrites references to renamed sheets.
func (x *xlsxDoc) applyRenames(s string) string {
	for _, r := range x.renames {
		if s == r.old {
			s = r.new
			continue
		}
		if !strings.Contains(s, r.old) {
			continue
		}
		q := "'" + strings.ReplaceAll(r.old, "'", "''") + "'!"
		s = strings.ReplaceAll(s, q, "'"+r.new+"'!")
		s = strings.ReplaceAll(s, r.old+"!", "'"+r.new+"'!")
	}
	return s
}

// genericHooks vet any part; for relationships they drop those to parts
// taken out and vet external targets (hyperlinks, mailto: addresses); for
// content types they drop overrides of parts taken out.
type genericHooks struct {
	x   *xlsxDoc
	src string
}

func (h *genericHooks) start(w *walker, se xml.StartElement, start, end int) (bool, error) {
	switch se.Name.Local {
	case "Relationship":
		var target, mode string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Target":
				target = a.Value
			case "TargetMode":
				mode = a.Value
			}
		}
		if strings.EqualFold(mode, "External") {
			v := h.x.vetValue(joinPart(w.name, "relationship"), "", target, true)
			if v != target {
				attrs := slices.Clone(se.Attr)
				for i := range attrs {
					if attrs[i].Name.Local == "Target" {
						attrs[i].Value = v
					}
				}
				e, err := w.skip()
				if err != nil {
					return false, err
				}
				w.splices = append(w.splices, xlsxSplice{start, e, startTag(se.Name, attrs, true)})
				return true, nil
			}
			return false, nil
		}
		dir := path.Dir(path.Dir(h.src))
		if dir == "." {
			dir = ""
		} else {
			dir += "/"
		}
		if h.x.removed[resolveTarget(dir, target)] {
			e, err := w.skip()
			if err != nil {
				return false, err
			}
			w.splices = append(w.splices, xlsxSplice{start, e, nil})
			return true, nil
		}
	case "Override":
		for _, a := range se.Attr {
			if a.Name.Local == "PartName" && h.x.removed[strings.ToLower(strings.TrimPrefix(a.Value, "/"))] {
				e, err := w.skip()
				if err != nil {
					return false, err
				}
				w.splices = append(w.splices, xlsxSplice{start, e, nil})
				return true, nil
			}
		}
	}
	return false, nil
}

// workbookHooks rename sheets whose names hold personal data ("Sheet 2")
// and drop the pivot caches taken out.
type workbookHooks struct {
	x    *xlsxDoc
	rels map[string]rel
}

func (h *workbookHooks) start(w *walker, se xml.StartElement, start, end int) (bool, error) {
	x := h.x
	switch se.Name.Local {
	case "pivotCaches":
		e, err := w.skip()
		if err != nil {
			return false, err
		}
		w.splices = append(w.splices, xlsxSplice{start, e, nil})
		return true, nil
	case "sheet":
		var name, id string
		for _, a := range se.Attr {
			switch {
			case a.Name.Local == "name" && a.Name.Space == "":
				name = a.Value
			case a.Name.Local == "id":
				id = a.Value
			}
		}
		n := len(x.sheets) + 1
		sh := xlsxSheet{n: n, name: name}
		if r, ok := h.rels[id]; ok && !r.external && relType(r.typ, "worksheet") {
			sh.path = r.target
		}
		x.sheets = append(x.sheets, sh)
		if x.rq.redactString(x.res, joinPart(x.part, fmt.Sprintf("sheet %d > name", n)), "", name) == name {
			return false, nil
		}
		newName := fmt.Sprintf("Sheet %d", n)
		for j := 2; slices.ContainsFunc(x.sheets, func(s xlsxSheet) bool { return strings.EqualFold(s.name, newName) }); j++ {
			newName = fmt.Sprintf("Sheet %d (%d)", n, j)
		}
		x.renames = append(x.renames, sheetRename{name, newName})
		attrs := slices.Clone(se.Attr)
		for i := range attrs {
			if attrs[i].Name.Local == "name" && attrs[i].Name.Space == "" {
				attrs[i].Value = newName
			}
		}
		w.splices = append(w.splices, xlsxSplice{start, end, startTag(se.Name, attrs, bytes.HasSuffix(w.data[start:end], []byte("/>")))})
		w.stack = append(w.stack, "sheet")
		w.refs = append(w.refs, "")
		return true, nil
	}
	return false, nil
}

// ---- Worksheets ----

// sheetHooks read a worksheet's cells. The first row with a value is the
// header: its texts are the context of the cells below them.
type sheetHooks struct {
	x         *xlsxDoc
	sheet     *xlsxSheet
	data      []byte
	row       int
	col       int
	headerRow int
	header    map[int]string
	cells     []cellRec
	deps      []int // indexes in cells of shared formula dependents
	droppedSI map[string]bool
	splices   []xlsxSplice // of the walk: headers, footers, hyperlinks...
}

// cellRec is a cell whose bytes may change once every sheet is read.
type cellRec struct {
	start, end   int
	ref, style   string
	sst          int    // shared string index, or -1
	out          string // the released value (for sst: when changed)
	changed      bool   // the value is rewritten
	fStart, fEnd int    // the formula element, or 0, 0
	fAttrs       []xml.Attr
	fText        string
	fAction      int // fKeep, fReplace, fDrop
	si           string
}

const (
	fKeep = iota
	fReplace
	fDrop
)

func (h *sheetHooks) start(w *walker, se xml.StartElement, start, end int) (bool, error) {
	switch se.Name.Local {
	case "row":
		h.col = 0
		for _, a := range se.Attr {
			if a.Name.Local == "r" {
				if n, err := strconv.Atoi(a.Value); err == nil && n > 0 {
					h.row = n
					break
				}
			}
		}
		if !slices.ContainsFunc(se.Attr, func(a xml.Attr) bool { return a.Name.Local == "r" }) {
			h.row++
		}
		w.stack = append(w.stack, "row")
		w.refs = append(w.refs, "")
		return true, nil
	case "c":
		return true, h.cell(w, se, start)
	}
	return false, nil
}

// cellRef parses "B7" into column 2 and row 7.
func cellRef(ref string) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' && col < 1<<20 {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	if i == 0 || i == len(ref) {
		return 0, 0, false
	}
	row, err := strconv.Atoi(ref[i:])
	return col, row, err == nil && row > 0 && col <= 1<<14
}

func (h *sheetHooks) cell(w *walker, se xml.StartElement, start int) error {
	x := h.x
	rec := cellRec{start: start, sst: -1}
	typ := ""
	for _, a := range se.Attr {
		switch a.Name.Local {
		case "r":
			rec.ref = a.Value
		case "s":
			rec.style = a.Value
		case "t":
			typ = a.Value
		}
	}
	if c, r, ok := cellRef(rec.ref); ok {
		h.col, h.row = c, r
	} else {
		h.col++
		rec.ref = colName(h.col) + strconv.Itoa(max(h.row, 1))
	}
	// Read the cell's children.
	var v, is strings.Builder
	var stack []string
	fIn, phonetic := false, false
	for depth := 1; depth > 0; {
		tok, s, e, err := w.next()
		if err != nil {
			return x.malformed("invalid worksheet")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			stack = append(stack, t.Name.Local)
			if t.Name.Local == "f" && depth == 2 {
				rec.fStart, rec.fAttrs, fIn = s, slices.Clone(t.Attr), true
				for _, a := range t.Attr {
					if a.Name.Local == "si" {
						rec.si = a.Value
					}
				}
				if bytes.HasSuffix(w.data[s:e], []byte("/>")) {
					rec.fEnd = e
				}
			}
		case xml.EndElement:
			depth--
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if depth == 1 && t.Name.Local == "f" && fIn && rec.fEnd == 0 {
				rec.fEnd = e
			}
			if depth == 0 {
				rec.end = e
			}
		case xml.CharData:
			switch {
			case len(stack) == 1 && stack[0] == "v":
				v.Write(t)
			case len(stack) == 1 && stack[0] == "f":
				rec.fText += string(t)
			case len(stack) > 0 && stack[0] == "is" && stack[len(stack)-1] == "t" && !slices.Contains(stack, "rPh"):
				is.Write(t)
			case len(stack) > 0 && stack[0] == "is" && slices.Contains(stack, "rPh"):
				phonetic = true // a reading guide: dropped, the cell is written again
			}
		}
	}
	if rec.end == 0 {
		return x.malformed("invalid worksheet")
	}
	// The value as text, and the context.
	var text, raw string
	numeric := false
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v.String()))
		if err != nil || i < 0 || i >= len(x.sst) {
			return x.malformed("invalid shared string reference")
		}
		rec.sst, text = i, x.sst[i].text
	case "inlineStr":
		text = is.String()
	case "str", "b", "e":
		text = v.String() // booleans and errors too: nothing else may hide there
	default: // "n", "d" and none
		raw = v.String()
		text = canonicalNumber(raw)
		numeric = true
	}
	key := ""
	if strings.TrimSpace(text) != "" || rec.fText != "" {
		if h.headerRow == 0 {
			h.headerRow = h.row
		}
		if h.row == h.headerRow {
			h.header[h.col] = text
		} else if h.row > h.headerRow {
			key = h.header[h.col]
		}
	}
	loc := joinPart(x.part, fmt.Sprintf("sheet %d > cell %s", h.sheet.n, safeRef(rec.ref)))
	// The formula.
	if rec.fText != "" {
		f := x.applyRenames(rec.fText)
		eds := x.rq.segment(x.res, loc+" formula", "", f)
		switch {
		case len(eds) > 0 && inLiterals(f, eds):
			rec.fAction, rec.fText = fReplace, applyEdits(f, eds)
		case len(eds) > 0 || hasExternalRef(f):
			rec.fAction = fDrop
			if rec.si != "" {
				h.droppedSI[rec.si] = true
			}
		case f != rec.fText:
			rec.fAction, rec.fText = fReplace, f
		}
	}
	// The value.
	{
		var eds []edit
		scanned := text
		if numeric {
			if disp := h.display(rec.style, text); disp != "" && disp != text {
				scanned = disp
				eds = x.segmentKnown(loc, key, disp)
			}
		}
		if len(eds) == 0 {
			scanned = text
			eds = x.segmentKnown(loc, key, text)
		}
		if len(eds) > 0 {
			out := applyEdits(scanned, eds)
			for _, e := range eds {
				x.known[strings.TrimSpace(scanned[e.start:e.end])] = key
			}
			x.known[strings.TrimSpace(scanned)] = key
			if numeric {
				x.known[strings.TrimSpace(raw)] = key
				x.known[text] = key
			}
			rec.out, rec.changed = out, true
		} else if phonetic {
			rec.out, rec.changed = text, true
		}
	}
	isDep := rec.si != "" && strings.TrimSpace(rec.fText) == "" && rec.fEnd > rec.fStart
	if rec.sst >= 0 || rec.changed || rec.fAction != fKeep || isDep {
		if rec.sst >= 0 {
			out := text
			if rec.changed {
				out = rec.out
			}
			if x.sstOut[rec.sst] == nil {
				x.sstOut[rec.sst] = &out
			}
			rec.changed = out != *x.sstOut[rec.sst]
			rec.out = out
		}
		if isDep {
			h.deps = append(h.deps, len(h.cells))
		}
		h.cells = append(h.cells, rec)
	}
	return nil
}

// display is the value excelize shows for a styled number (a date, an
// SSN typed as digits with the format 000-00-0000), or "".
func (h *sheetHooks) display(style, text string) string {
	if style == "" || style == "0" || text == "" {
		return ""
	}
	x := h.x
	if !x.xlOpen {
		x.xlOpen = true
		func() {
			defer func() {
				if recover() != nil {
					x.xl, x.xlErr = nil, errors.New("excelize panicked")
				}
			}()
			x.xl, x.xlErr = excelize.OpenReader(bytes.NewReader(x.data), excelize.Options{
				UnzipSizeLimit: xlsxMaxTotal, UnzipXMLSizeLimit: xlsxMaxTotal})
		}()
	}
	if x.xl == nil {
		return ""
	}
	sh := h.sheet
	if !sh.read {
		sh.read = true
		func() {
			defer func() { _ = recover() }()
			sh.grid, _ = x.xl.GetRows(sh.name)
		}()
	}
	if h.row-1 < len(sh.grid) && h.col-1 < len(sh.grid[h.row-1]) {
		return sh.grid[h.row-1][h.col-1]
	}
	return ""
}

// finish writes the sheet's changed cells once the shared strings are
// decided.
func (h *sheetHooks) finish() []byte {
	for _, i := range h.deps {
		if h.droppedSI[h.cells[i].si] {
			h.cells[i].fAction = fDrop
		}
	}
	sp := h.splices
	for _, c := range h.cells {
		if c.sst >= 0 && !c.changed && c.fAction == fKeep {
			continue
		}
		if !c.changed {
			switch c.fAction {
			case fDrop:
				sp = append(sp, xlsxSplice{c.fStart, c.fEnd, nil})
			case fReplace:
				sp = append(sp, xlsxSplice{c.fStart, c.fEnd, []byte(string(startTag(xml.Name{Local: "f"}, c.fAttrs, false)) + escapeXLSX(c.fText) + "</f>")})
			}
			continue
		}
		var b bytes.Buffer
		b.WriteString(`<c r="` + escapeXLSX(c.ref) + `"`)
		if c.style != "" {
			b.WriteString(` s="` + escapeXLSX(c.style) + `"`)
		}
		formula := c.fAction != fDrop && (c.fStart != 0 || c.fEnd != 0)
		if formula {
			b.WriteString(` t="str">`)
			if c.fAction == fReplace {
				b.Write(startTag(xml.Name{Local: "f"}, c.fAttrs, false))
				b.WriteString(escapeXLSX(c.fText) + "</f>")
			} else {
				b.Write(h.data[c.fStart:c.fEnd])
			}
			b.WriteString("<v>" + escapeXLSX(c.out) + "</v></c>")
		} else {
			b.WriteString(` t="inlineStr"><is><t xml:space="preserve">` + escapeXLSX(c.out) + `</t></is></c>`)
		}
		sp = append(sp, xlsxSplice{c.start, c.end, b.Bytes()})
	}
	return applyXLSXSplices(h.data, sp)
}

// colName returns the letters of a 1-based column number.
func colName(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}

// safeRef returns a cell reference for a location, or "?" when the file's
// reference is not one.
func safeRef(ref string) string {
	if _, _, ok := cellRef(ref); ok {
		return ref
	}
	return "?"
}

// canonicalNumber writes a number stored as 6.175550143E9 with all its
// digits, so that a phone number typed as a number is recognised.
func canonicalNumber(raw string) string {
	s := strings.TrimSpace(raw)
	if !strings.ContainsAny(s, "eE") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) >= 1e21 {
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// inLiterals reports whether every edit lies inside a string literal of a
// formula and writes no quote.
func inLiterals(f string, eds []edit) bool {
	var lits [][2]int
	for i := 0; i < len(f); i++ {
		if f[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(f) {
			if f[j] == '"' {
				if j+1 < len(f) && f[j+1] == '"' {
					j += 2
					continue
				}
				break
			}
			j++
		}
		lits = append(lits, [2]int{i + 1, j})
		i = j
	}
	for _, e := range eds {
		if strings.Contains(e.repl, `"`) || !slices.ContainsFunc(lits, func(l [2]int) bool { return e.start >= l[0] && e.end <= l[1] }) {
			return false
		}
	}
	return true
}

// hasExternalRef reports whether a formula refers to another workbook
// ("[1]Sheet1!A1"), whose link is taken out.
func hasExternalRef(f string) bool {
	for i := 0; i+2 < len(f); i++ {
		if f[i] == '[' && f[i+1] >= '0' && f[i+1] <= '9' {
			return true
		}
	}
	return false
}
