package records

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/civickit/privacy/redact"
)

// xmlMode says how an XML part of a Word package is read.
type xmlMode int

const (
	xmlGeneric      xmlMode = iota // stories and other parts: paragraphs, attributes, stray text
	xmlText                        // a WordprocessingML story (same reading as generic)
	xmlRels                        // a relationships part
	xmlContentTypes                // [Content_Types].xml
	xmlProps                       // docProps/core.xml, app.xml, custom.xml
)

// splice replaces data[start:end] of a part with repl.
type splice struct {
	start, end int
	repl       []byte
}

// textTag is the start tag of a text element (w:t), kept so that
// xml:space="preserve" can be added when a redaction leaves spaces at an
// end of its text.
type textTag struct {
	insertAt int // offset of the tag's closing '>'
	hasSpace bool
}

// pitem is one piece of a paragraph's text: the character data of a text
// element, or a tab or break element (synthetic, one character).
type pitem struct {
	start, end int // raw byte range in the part
	off        int // offset of text in the paragraph's text
	text       string
	synthetic  bool
	tag        *textTag
}

// para collects one paragraph's text and field codes.
type para struct {
	n            int
	items, instr []pitem
	text, itext  strings.Builder
}

// xmlPart reads one XML part and collects the splices of its release.
type xmlPart struct {
	rq      *Request
	res     *Result
	loc     string // location of the part
	data    []byte
	mode    xmlMode
	splices []splice

	dropIDs      map[string]bool // relationship ids whose elements are removed
	removedParts map[string]bool // lower-case part names taken out
	relsBase     string          // the source part's folder, for xmlRels
	droppedIDs   map[string]bool // for xmlRels: ids dropped

	stack    []string // local names of open elements
	paras    []*para
	nPara    int
	inT      int
	inInstr  int
	curTag   *textTag
	propName string
	nProp    int
	nRel     int
}

func (rq *Request) newXMLPart(res *Result, part, name string, data []byte, mode xmlMode) *xmlPart {
	return &xmlPart{rq: rq, res: res, loc: joinPart(part, docxPartName(rq, res, part, name)), data: data, mode: mode}
}

// personAttrs name people: their whole value is redacted.
var personAttrs = map[string]bool{"author": true, "initials": true, "userId": true}

// textAttrs carry free text (alternative text, titles, field codes).
var textAttrs = map[string]bool{"descr": true, "title": true, "alt": true, "instr": true, "tooltip": true, "string": true}

// textValParents are elements whose val attribute is free text.
var textValParents = map[string]bool{"alias": true, "tag": true, "docVar": true, "connectString": true,
	"query": true, "default": true, "statusText": true, "helpText": true, "listEntry": true}

// personProps are document properties that name people.
var personProps = map[string]bool{"creator": true, "lastmodifiedby": true, "manager": true}

func isWordNS(ns string) bool {
	return strings.HasSuffix(ns, "/wordprocessingml/2006/main") || ns == "http://purl.oclc.org/ooxml/wordprocessingml/main"
}

func isParaNS(ns string) bool {
	return isWordNS(ns) || strings.HasSuffix(ns, "/drawingml/2006/main") || ns == "http://purl.oclc.org/ooxml/drawingml/main"
}

// run reads the part and returns its release.
func (x *xmlPart) run() ([]byte, error) {
	d := xml.NewDecoder(bytes.NewReader(x.data))
	for {
		start := int(d.InputOffset())
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, docxError(x.res, "malformed XML in a part")
		}
		end := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			if x.removeElement(t) {
				stop, err := skipElement(d)
				if err != nil {
					return nil, docxError(x.res, "malformed XML in a part")
				}
				x.splices = append(x.splices, splice{start, stop, nil})
				continue
			}
			if err := x.startElement(t, start, end); err != nil {
				return nil, err
			}
		case xml.EndElement:
			x.endElement(t)
		case xml.CharData:
			x.charData(string(t), start, end)
		case xml.Comment, xml.Directive:
			x.splices = append(x.splices, splice{start, end, nil})
		case xml.ProcInst:
			if t.Target != "xml" {
				x.splices = append(x.splices, splice{start, end, nil})
			}
		}
	}
	if len(x.paras) != 0 {
		return nil, docxError(x.res, "malformed XML in a part")
	}
	out, err := applySplices(x.data, x.splices)
	if err != nil {
		return nil, docxError(x.res, "inconsistent edits in a part")
	}
	return out, nil
}

// skipElement reads to the end of the element just started and returns
// the offset after it.
func skipElement(d *xml.Decoder) (int, error) {
	depth := 1
	for depth > 0 {
		tok, err := d.Token()
		if err != nil {
			return 0, err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return int(d.InputOffset()), nil
}

// removeElement reports whether an element is taken out of the release
// with everything in it: tracked deletions and moves (the change is
// accepted), and elements that refer to a relationship that was dropped.
func (x *xmlPart) removeElement(t xml.StartElement) bool {
	switch x.mode {
	case xmlRels:
		if t.Name.Local != "Relationship" {
			return false
		}
		var id, target, mode string
		for _, a := range t.Attr {
			switch a.Name.Local {
			case "Id":
				id = a.Value
			case "Target":
				target = a.Value
			case "TargetMode":
				mode = a.Value
			}
		}
		if mode == "External" {
			return false
		}
		var p string
		if strings.HasPrefix(target, "/") {
			p = path.Clean(target[1:])
		} else {
			p = path.Clean(path.Join(x.relsBase, target))
		}
		if x.removedParts[strings.ToLower(p)] {
			if x.droppedIDs == nil {
				x.droppedIDs = map[string]bool{}
			}
			x.droppedIDs[id] = true
			return true
		}
		return false
	case xmlContentTypes:
		if t.Name.Local != "Override" {
			return false
		}
		for _, a := range t.Attr {
			if a.Name.Local == "PartName" && x.removedParts[strings.ToLower(strings.TrimPrefix(a.Value, "/"))] {
				return true
			}
		}
		return false
	}
	if isWordNS(t.Name.Space) {
		switch t.Name.Local {
		case "del", "moveFrom", "delText", "delInstrText":
			return true
		}
	}
	if len(x.dropIDs) > 0 {
		for _, a := range t.Attr {
			if strings.Contains(a.Name.Space, "relationships") && x.dropIDs[a.Value] {
				return true
			}
		}
	}
	return false
}

func (x *xmlPart) parent() string {
	if len(x.stack) == 0 {
		return ""
	}
	return x.stack[len(x.stack)-1]
}

func (x *xmlPart) startElement(t xml.StartElement, start, end int) error {
	local := t.Name.Local
	if err := x.attributes(t, start, end); err != nil {
		return err
	}
	inPara := len(x.paras) > 0
	switch {
	case local == "p" && isParaNS(t.Name.Space):
		x.nPara++
		x.paras = append(x.paras, &para{n: x.nPara})
	case local == "t" && inPara:
		x.inT++
		tt := &textTag{insertAt: -1}
		if bytes.HasSuffix(x.data[start:end], []byte(">")) && !bytes.HasSuffix(x.data[start:end], []byte("/>")) {
			tt.insertAt = end - 1
		}
		for _, a := range t.Attr {
			if a.Name.Local == "space" {
				tt.hasSpace = true
			}
		}
		x.curTag = tt
	case local == "instrText" && inPara:
		x.inInstr++
	case inPara && x.inT == 0 && (local == "tab" || local == "ptab") && x.parent() == "r":
		x.synthetic("\t", start, end)
	case inPara && x.inT == 0 && (local == "br" || local == "cr") && (x.parent() == "r" || x.parent() == "p"):
		x.synthetic("\n", start, end)
	case x.mode == xmlProps && local == "property":
		x.nProp++
		x.propName = ""
		for _, a := range t.Attr {
			if a.Name.Local == "name" {
				x.propName = a.Value
			}
		}
	}
	x.stack = append(x.stack, local)
	return nil
}

func (x *xmlPart) synthetic(s string, start, end int) {
	p := x.paras[len(x.paras)-1]
	p.items = append(p.items, pitem{start: start, end: end, off: p.text.Len(), text: s, synthetic: true})
	p.text.WriteString(s)
}

func (x *xmlPart) endElement(t xml.EndElement) {
	if len(x.stack) > 0 {
		x.stack = x.stack[:len(x.stack)-1]
	}
	switch {
	case t.Name.Local == "p" && isParaNS(t.Name.Space) && len(x.paras) > 0:
		p := x.paras[len(x.paras)-1]
		x.paras = x.paras[:len(x.paras)-1]
		x.finishPara(p)
	case t.Name.Local == "t" && x.inT > 0:
		x.inT--
		x.curTag = nil
	case t.Name.Local == "instrText" && x.inInstr > 0:
		x.inInstr--
	}
}

func (x *xmlPart) charData(s string, start, end int) {
	if len(x.paras) > 0 && (x.inT > 0 || x.inInstr > 0) {
		p := x.paras[len(x.paras)-1]
		if x.inT > 0 {
			p.items = append(p.items, pitem{start: start, end: end, off: p.text.Len(), text: s, tag: x.curTag})
			p.text.WriteString(s)
		} else {
			p.instr = append(p.instr, pitem{start: start, end: end, off: p.itext.Len(), text: s})
			p.itext.WriteString(s)
		}
		return
	}
	if strings.TrimSpace(s) == "" {
		return
	}
	var repl string
	switch x.mode {
	case xmlProps:
		key := x.parent()
		where := joinPart(x.loc, key)
		if x.propName != "" {
			key = x.propName
			where = joinPart(x.loc, fmt.Sprintf("property %d", x.nProp))
		}
		if personProps[strings.ToLower(x.parent())] {
			repl = x.rq.redactWhole(x.res, where, s)
		} else {
			repl = x.rq.redactString(x.res, where, key, s)
		}
	default:
		repl = x.segmentIfAny(joinPart(x.loc, "text of "+x.parent()), s)
	}
	if repl != s {
		x.splices = append(x.splices, splice{start, end, escapeXML(repl)})
	}
}

// segmentIfAny redacts a value that is not shown in the review unless it
// holds something to redact (attributes, stray text of structural parts).
func (x *xmlPart) segmentIfAny(where, s string) string {
	if strings.TrimSpace(s) == "" || len(x.rq.red.Find(s)) == 0 {
		return s
	}
	return x.rq.redactString(x.res, where, "", s)
}

// attributes redacts the free-text and person attributes of a start tag,
// and external relationship targets.
func (x *xmlPart) attributes(t xml.StartElement, start, end int) error {
	type change struct {
		i    int
		repl string
	}
	var changes []change
	for i, a := range t.Attr {
		if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" || a.Value == "" {
			continue
		}
		local := a.Name.Local
		var repl string
		switch {
		case x.mode == xmlContentTypes:
			continue
		case x.mode == xmlRels:
			if local != "Target" || t.Name.Local != "Relationship" || !isExternal(t) {
				continue
			}
			x.nRel++
			repl = x.rq.redactString(x.res, joinPart(x.loc, fmt.Sprintf("relationship %d target", x.nRel)), "", a.Value)
			if repl != a.Value {
				repl = strings.ReplaceAll(repl, " ", "%20")
			}
		case personAttrs[local]:
			repl = x.rq.redactWhole(x.res, joinPart(x.loc, local+" attribute"), a.Value)
		case textAttrs[local] || local == "val" && textValParents[t.Name.Local] ||
			local == "name" && (t.Name.Local == "docPr" || t.Name.Local == "cNvPr"):
			// A picture's name is often the file name it was inserted from.
			repl = x.segmentIfAny(joinPart(x.loc, local+" attribute"), a.Value)
		default:
			continue
		}
		if repl != a.Value {
			changes = append(changes, change{i, repl})
		}
	}
	if len(changes) == 0 {
		return nil
	}
	vals, ok := rawAttrValues(x.data[start:end])
	if !ok || len(vals) != len(t.Attr) {
		return docxError(x.res, "malformed XML tag in a part")
	}
	for _, c := range changes {
		r := vals[c.i]
		x.splices = append(x.splices, splice{start + r[0], start + r[1], escapeXML(c.repl)})
	}
	return nil
}

func isExternal(t xml.StartElement) bool {
	for _, a := range t.Attr {
		if a.Name.Local == "TargetMode" && a.Value == "External" {
			return true
		}
	}
	return false
}

// rawAttrValues returns the byte ranges (inside the quotes) of the
// attribute values of a raw start tag, in order.
func rawAttrValues(tag []byte) ([][2]int, bool) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	i := 1
	for i < len(tag) && !isSpace(tag[i]) && tag[i] != '/' && tag[i] != '>' {
		i++
	}
	var out [][2]int
	for {
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i >= len(tag) {
			return nil, false
		}
		if tag[i] == '/' || tag[i] == '>' {
			return out, true
		}
		for i < len(tag) && !isSpace(tag[i]) && tag[i] != '=' {
			i++
		}
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || tag[i] != '=' {
			return nil, false
		}
		i++
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || tag[i] != '"' && tag[i] != '\'' {
			return nil, false
		}
		q := tag[i]
		i++
		j := bytes.IndexByte(tag[i:], q)
		if j < 0 {
			return nil, false
		}
		out = append(out, [2]int{i, i + j})
		i += j + 1
	}
}

// finishPara redacts a paragraph's text and its field codes and maps the
// edits back onto the text elements.
func (x *xmlPart) finishPara(p *para) {
	where := joinPart(x.loc, fmt.Sprintf("paragraph %d", p.n))
	if text := p.text.String(); strings.TrimSpace(text) != "" {
		x.mapEdits(p.items, x.rq.segment(x.res, where, "", text))
	}
	if itext := p.itext.String(); strings.TrimSpace(itext) != "" {
		x.mapEdits(p.instr, x.rq.segment(x.res, where+" field code", "", itext))
	}
}

// mapEdits applies edits of a paragraph's text to its pieces: the
// replacement goes into the first text piece an edit touches, and the
// covered characters are removed from the others; a tab or break wholly
// covered is removed.
func (x *xmlPart) mapEdits(items []pitem, eds []edit) {
	if len(eds) == 0 {
		return
	}
	local := make([][]edit, len(items))
	for _, e := range eds {
		placed := false
		for i, it := range items {
			s, en := max(e.start, it.off), min(e.end, it.off+len(it.text))
			if s >= en {
				continue
			}
			if it.synthetic {
				local[i] = append(local[i], edit{0, len(it.text), ""})
				continue
			}
			ed := edit{s - it.off, en - it.off, ""}
			if !placed {
				ed.repl = e.repl
				placed = true
			}
			local[i] = append(local[i], ed)
		}
	}
	for i, it := range items {
		if len(local[i]) == 0 {
			continue
		}
		if it.synthetic {
			x.splices = append(x.splices, splice{it.start, it.end, nil})
			continue
		}
		nt := applyEdits(it.text, local[i])
		x.splices = append(x.splices, splice{it.start, it.end, escapeXML(nt)})
		if tt := it.tag; tt != nil && !tt.hasSpace && tt.insertAt >= 0 && nt != strings.TrimSpace(nt) {
			tt.hasSpace = true
			x.splices = append(x.splices, splice{tt.insertAt, tt.insertAt, []byte(` xml:space="preserve"`)})
		}
	}
}

// escapeXML escapes text for character data or a quoted attribute value.
func escapeXML(s string) []byte {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.Bytes()
}

// applySplices returns data with the splices applied.
func applySplices(data []byte, sps []splice) ([]byte, error) {
	if len(sps) == 0 {
		return data, nil
	}
	slices.SortStableFunc(sps, func(a, b splice) int { return a.start - b.start })
	out := make([]byte, 0, len(data)+64)
	last := 0
	for _, s := range sps {
		if s.start < last || s.end < s.start || s.end > len(data) {
			return nil, errSplice
		}
		out = append(out, data[last:s.start]...)
		out = append(out, s.repl...)
		last = s.end
	}
	return append(out, data[last:]...), nil
}

// redactWhole redacts a value that names a person in full (an author, a
// document's creator), logging it at where.
func (rq *Request) redactWhole(res *Result, where, value string) string {
	v := strings.TrimSpace(value)
	if v == "" || looksRedacted(v) || rq.allowVal[v] || rq.red.Allowed(v) {
		return value
	}
	f := []redact.Finding{{Entity: personEntity, Category: personEntity.Category(), Start: 0, End: len(value), Score: 1, Rule: "docx.person"}}
	out, entries, spans := rq.applyCell(res, f, value)
	for i := range entries {
		entries[i].Part = where
	}
	res.addView(where, []byte(out), spans)
	res.Entries = append(res.Entries, entries...)
	return out
}
