package redact

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/civickit/privacy/pii"
)

// ErrInvalid is wrapped by errors for input that cannot be parsed (a
// malformed JSON or CSV stream).
var ErrInvalid = errors.New("redact: invalid input")

const maxDepth = 32

var piiStringType = reflect.TypeFor[pii.String]()

// RedactStruct returns a redacted deep copy of v, which is usually a
// struct or a pointer to one; v itself is not modified.
//
// Fields with a `pii` tag are replaced whole by the operator the tag's
// redact= option names (see pii.Tag and Redactor.OperatorByName; the
// default "redact" writes the pii marker, "[REDACTED:email]"). pii.String
// values are treated the same way, using their own category. Untagged
// string fields, and strings inside slices, maps, pointers and nested
// structs, are redacted by content. Fields tagged "-" are copied as they
// are. A tagged field of a type that cannot hold a replacement text (a
// number, a time) is set to its zero value unless the operator is "keep".
//
// Unexported fields are copied as they are: redact cannot see into them.
func RedactStruct[T any](r *Redactor, v T) (T, error) {
	out, err := r.Struct(v)
	if err != nil {
		var zero T
		return zero, err
	}
	if out == nil {
		var zero T
		return zero, nil
	}
	return out.(T), nil
}

// Struct is RedactStruct for a value of any type; it returns a value of
// the same dynamic type.
func (r *Redactor) Struct(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	rv, err := r.redactValue(reflect.ValueOf(v), nil, 0)
	if err != nil {
		return nil, err
	}
	return rv.Interface(), nil
}

// redactValue returns a redacted copy of v. A non-nil tag means the value
// is personal data as a whole.
// redactElems fills out (a new slice or array of v's type and length) with
// the redacted elements of v.
func (r *Redactor) redactElems(out, v reflect.Value, tag *pii.Tag, depth int) (reflect.Value, error) {
	for i := 0; i < v.Len(); i++ {
		e, err := r.redactValue(v.Index(i), tag, depth+1)
		if err != nil {
			return reflect.Value{}, err
		}
		out.Index(i).Set(e)
	}
	return out, nil
}

func (r *Redactor) redactValue(v reflect.Value, tag *pii.Tag, depth int) (reflect.Value, error) {
	if depth > maxDepth {
		return reflect.Zero(v.Type()), nil
	}
	t := v.Type()
	if t == piiStringType {
		ps := v.Interface().(pii.String)
		tg := pii.Tag{Category: ps.Category(), Redact: "redact"}
		if tag != nil {
			tg.Redact = tag.Redact
			if tag.Category != pii.Unknown {
				tg.Category = tag.Category
			}
		}
		if tg.Redact == "keep" {
			return v, nil
		}
		out, err := r.whole(ps.Reveal(), tg)
		if err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(pii.New(tg.Category, out)), nil
	}
	switch v.Kind() {
	case reflect.String:
		if tag != nil {
			if tag.Redact == "keep" {
				return v, nil
			}
			out, err := r.whole(v.String(), *tag)
			if err != nil {
				return reflect.Value{}, err
			}
			return reflect.ValueOf(out).Convert(t), nil
		}
		return reflect.ValueOf(r.Redact(v.String())).Convert(t), nil
	case reflect.Pointer:
		if v.IsNil() {
			return v, nil
		}
		inner, err := r.redactValue(v.Elem(), tag, depth+1)
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(inner)
		return p, nil
	case reflect.Interface:
		if v.IsNil() {
			return v, nil
		}
		inner, err := r.redactValue(v.Elem(), tag, depth+1)
		if err != nil {
			return reflect.Value{}, err
		}
		out := reflect.New(t).Elem()
		out.Set(inner)
		return out, nil
	case reflect.Slice:
		if v.IsNil() {
			return v, nil
		}
		if t.Elem().Kind() == reflect.Uint8 { // []byte: text
			if tag != nil && tag.Redact == "keep" {
				return v, nil
			}
			var s string
			if tag != nil {
				var err error
				if s, err = r.whole(string(v.Bytes()), *tag); err != nil {
					return reflect.Value{}, err
				}
			} else {
				s = r.Redact(string(v.Bytes()))
			}
			return reflect.ValueOf([]byte(s)).Convert(t), nil
		}
		return r.redactElems(reflect.MakeSlice(t, v.Len(), v.Len()), v, tag, depth)
	case reflect.Array:
		return r.redactElems(reflect.New(t).Elem(), v, tag, depth)
	case reflect.Map:
		if v.IsNil() {
			return v, nil
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			vtag := tag
			if k.Kind() == reflect.String && tag == nil {
				if e, ok := KeyEntity(k.String()); ok {
					vtag = &pii.Tag{Category: e.Category(), Redact: "replace"}
				}
			}
			nk := k
			if k.Kind() == reflect.String {
				nk = reflect.ValueOf(r.Redact(k.String())).Convert(k.Type())
			}
			nv, err := r.redactValue(iter.Value(), vtag, depth+1)
			if err != nil {
				return reflect.Value{}, err
			}
			out.SetMapIndex(nk, nv)
		}
		return out, nil
	case reflect.Struct:
		return r.redactStruct(v, tag, depth)
	}
	// numbers, booleans, times inside a struct...: personal data as a whole
	// is zeroed; anything else is kept
	if tag != nil && tag.Redact != "keep" && !tag.NotPII {
		return reflect.Zero(t), nil
	}
	return v, nil
}

func (r *Redactor) redactStruct(v reflect.Value, tag *pii.Tag, depth int) (reflect.Value, error) {
	t := v.Type()
	fields, err := pii.Fields(t)
	if err != nil {
		return reflect.Value{}, fmt.Errorf("redact: %w", err)
	}
	tags := map[int]pii.Tag{}
	for _, f := range fields {
		if len(f.Index) == 1 {
			tags[f.Index[0]] = f.Tag
		}
	}
	out := reflect.New(t).Elem()
	out.Set(v)
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		ftag := tag
		if tg, ok := tags[i]; ok {
			if tg.NotPII {
				continue
			}
			if tg.Redact == "drop" {
				out.Field(i).Set(reflect.Zero(sf.Type))
				continue
			}
			ftag = &tg
		}
		nv, err := r.redactValue(v.Field(i), ftag, depth+1)
		if err != nil {
			return reflect.Value{}, err
		}
		out.Field(i).Set(nv)
	}
	return out, nil
}

// whole redacts s as one value of the tag's category with the tag's
// operator.
func (r *Redactor) whole(s string, tag pii.Tag) (string, error) {
	if s == "" {
		return "", nil
	}
	op, err := r.OperatorByName(tag.Redact)
	if err != nil {
		return "", err
	}
	e := entityForCategory(tag.Category)
	f := Finding{Entity: e, Category: tag.Category, Start: 0, End: len(s), Score: 1, Rule: "tag"}
	if tag.Redact == "mask" || tag.Redact == "truncate" || tag.Redact == "hash" {
		// these operators depend on the detected entity: use it when the
		// whole value is one
		if fs := r.Find(s); len(fs) == 1 && fs[0].Start == 0 && fs[0].End == len(s) {
			f.Entity = fs[0].Entity
		}
	}
	b, err := op.Apply(nil, f, s)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// wholeEntity redacts s as one value of entity e with e's configured
// operator (for values found by key or column name).
func (r *Redactor) wholeEntity(s string, e Entity) string {
	if s == "" {
		return s
	}
	f := Finding{Entity: e, Category: e.Category(), Start: 0, End: len(s), Score: 1, Rule: "key"}
	b, err := r.operator(f).Apply(nil, f, s)
	if err != nil {
		return e.Label()
	}
	return string(b)
}

// Map returns a redacted deep copy of m: values under keys that name
// personal data (see KeyEntity) are replaced whole, other strings are
// redacted by content, nested maps and slices are walked. Numbers under
// such keys become their label; other numbers are kept unless the digits
// themselves are detected (a phone number stored as a number).
func (r *Redactor) Map(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return r.mapValue(m, "", 0).(map[string]any)
}

func (r *Redactor) mapValue(v any, force Entity, depth int) any {
	if depth > maxDepth {
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			f := force
			if f == "" {
				if e, ok := KeyEntity(k); ok {
					f = e
				}
			}
			out[r.Redact(k)] = r.mapValue(val, f, depth+1)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = r.mapValue(val, force, depth+1)
		}
		return out
	case string:
		if force != "" {
			return r.wholeEntity(x, force)
		}
		return r.Redact(x)
	case json.Number:
		return r.number(string(x), force, x)
	case float64:
		return r.number(strconv.FormatFloat(x, 'f', -1, 64), force, x)
	case int:
		return r.number(strconv.Itoa(x), force, x)
	case int64:
		return r.number(strconv.FormatInt(x, 10), force, x)
	case nil, bool:
		return x
	default:
		out, err := r.Struct(x)
		if err != nil {
			return credential.Label()
		}
		return out
	}
}

// number returns orig, or a label if the number is personal data by key or
// by content.
func (r *Redactor) number(lit string, force Entity, orig any) any {
	if force != "" {
		return r.wholeEntity(lit, force)
	}
	if len(lit) >= 7 {
		if fs := r.Find(lit); len(fs) == 1 && fs[0].Start == 0 && fs[0].End == len(lit) {
			return r.wholeEntity(lit, fs[0].Entity)
		}
	}
	return orig
}

// JSON copies a stream of JSON values (one document, or several such as
// JSON Lines) from src to dst, redacting as Map does: by key name and by
// content. Output is compact, one value per line. It reads and writes one
// token at a time, so memory does not grow with the document. Malformed
// input fails with an error wrapping ErrInvalid after the well-formed
// prefix has been written.
func (r *Redactor) JSON(dst io.Writer, src io.Reader) error {
	dec := json.NewDecoder(src)
	dec.UseNumber()
	var stack []jsonFrame
	w := &errWriter{w: dst}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) != 0 {
				return fmt.Errorf("%w: unexpected end of JSON", ErrInvalid)
			}
			return w.err
		}
		if err != nil {
			return fmt.Errorf("%w: %s", ErrInvalid, jsonErrorKind(err))
		}
		var top *jsonFrame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		// a key
		if top != nil && top.obj && top.expectKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				w.byte('}')
				stack = stack[:len(stack)-1]
				r.afterValue(w, &stack)
				continue
			}
			k, _ := tok.(string)
			if top.n > 0 {
				w.byte(',')
			}
			w.quote(r.Redact(k))
			w.byte(':')
			top.keyForce = top.force
			if top.keyForce == "" {
				if e, ok := KeyEntity(k); ok {
					top.keyForce = e
				}
			}
			top.expectKey = false
			continue
		}
		force := Entity("")
		if top != nil {
			if top.obj {
				force = top.keyForce
			} else {
				force = top.force
				if top.n > 0 {
					if d, ok := tok.(json.Delim); !ok || d != ']' {
						w.byte(',')
					}
				}
			}
		}
		switch x := tok.(type) {
		case json.Delim:
			switch x {
			case '{', '[':
				w.byte(byte(x))
				if len(stack) >= 10000 {
					return fmt.Errorf("%w: JSON nested too deeply", ErrInvalid)
				}
				stack = append(stack, jsonFrame{obj: x == '{', expectKey: x == '{', force: force})
				continue
			case ']':
				w.byte(']')
				stack = stack[:len(stack)-1]
			}
		case string:
			if force != "" {
				w.quote(r.wholeEntity(x, force))
			} else {
				w.quote(r.Redact(x))
			}
		case json.Number:
			switch v := r.number(string(x), force, x).(type) {
			case json.Number:
				w.str(string(v))
			case string:
				w.quote(v)
			}
		case bool:
			w.str(strconv.FormatBool(x))
		case nil:
			w.str("null")
		}
		r.afterValue(w, &stack)
		if w.err != nil {
			return w.err
		}
	}
}

type jsonFrame struct {
	obj       bool
	n         int
	expectKey bool
	force     Entity // set under a key that names personal data
	keyForce  Entity // the entity of the key just read
}

// afterValue updates the enclosing frame after a complete value and ends
// a top-level value with a newline.
func (r *Redactor) afterValue(w *errWriter, stack *[]jsonFrame) {
	if len(*stack) == 0 {
		w.byte('\n')
		return
	}
	top := &(*stack)[len(*stack)-1]
	top.n++
	if top.obj {
		top.expectKey = true
	}
}

func jsonErrorKind(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "syntax error at offset " + strconv.FormatInt(se.Offset, 10)
	}
	return "malformed JSON"
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}
func (e *errWriter) byte(c byte)  { e.write([]byte{c}) }
func (e *errWriter) str(s string) { e.write([]byte(s)) }
func (e *errWriter) quote(s string) {
	b, _ := json.Marshal(s)
	e.write(b)
}

// CSVOptions configure Redactor.CSV.
type CSVOptions struct {
	// NoHeader says the first record is data, not column names.
	NoHeader bool
	// Columns maps column names (as in the header) to the entity their
	// values are; these columns are redacted whole. Columns whose names
	// KeyEntity recognises are redacted whole too.
	Columns map[string]Entity
	// Keep lists column names copied unchanged (not even content
	// redaction), such as a record id.
	Keep []string
	// Comma is the field delimiter; 0 means ','.
	Comma rune
}

// CSV copies CSV records from src to dst, redacting by column (see
// CSVOptions) and by content in every other cell. It streams one record at
// a time. Malformed input fails with an error wrapping ErrInvalid.
func (r *Redactor) CSV(dst io.Writer, src io.Reader, opts *CSVOptions) error {
	if opts == nil {
		opts = &CSVOptions{}
	}
	cr := csv.NewReader(src)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cw := csv.NewWriter(dst)
	if opts.Comma != 0 {
		cr.Comma, cw.Comma = opts.Comma, opts.Comma
	}
	var cols []Entity
	var keep []bool
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%w: CSV line %d: %s", ErrInvalid, pe.Line, pe.Err)
			}
			return fmt.Errorf("redact: reading CSV: %w", err)
		}
		if first && !opts.NoHeader {
			first = false
			cols = make([]Entity, len(rec))
			keep = make([]bool, len(rec))
			for i, name := range rec {
				if e, ok := opts.Columns[name]; ok {
					cols[i] = e
				} else if e, ok := KeyEntity(name); ok {
					cols[i] = e
				}
				for _, k := range opts.Keep {
					keep[i] = keep[i] || strings.EqualFold(k, name)
				}
			}
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("redact: writing CSV: %w", err)
			}
			continue
		}
		first = false
		for i, cell := range rec {
			switch {
			case i < len(keep) && keep[i]:
			case i < len(cols) && cols[i] != "":
				rec[i] = r.wholeEntity(cell, cols[i])
			default:
				rec[i] = r.Redact(cell)
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("redact: writing CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("redact: writing CSV: %w", err)
	}
	return nil
}
