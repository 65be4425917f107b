package pii

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// TagKey is the struct tag key this module reads: `pii:"..."`.
const TagKey = "pii"

// Tag is a parsed `pii:"..."` struct tag.
//
// # Grammar
//
//	tag     = "-" | category { "," option }
//	option  = "encrypt" | "index" [ "=" name ] | "bits=" n | "last4" | "redact=" op
//	op      = "redact" | "mask" | "replace" | "hash" | "encrypt" | "truncate" | "keep" | "drop"
//
// The category is a Category string form or alias ("email", "phone",
// "payment_card", "dob", ...). "encrypt" asks Sealer to seal the field;
// "index" asks for a blind index (fields that share an index name form one
// compound index, in field order); "bits" sets the blind index truncation
// (1 to 256; default from the Indexer, see RecommendedBits); "last4" indexes
// only the last four digits (find a card or SSN by its last four); "redact" names the
// operator the redact package applies (default "redact"). "-" marks a field
// as explicitly not personal data.
//
// Examples:
//
//	Email string `pii:"email,encrypt,index"`
//	Last4 string `pii:"payment_card,redact=mask"`
//	City  string `pii:"postal_address,encrypt,index=city_zip,bits=24"`
//	Card  string `pii:"payment_card,index=card_last4,last4,bits=12"`
//	Note  string `pii:"-"`
type Tag struct {
	Category Category
	Encrypt  bool   // seal the field with Sealer
	Index    string // blind index name; empty for none
	Bits     int    // blind index truncation in bits; 0 for the Indexer's default
	Last4    bool   // index only the last four digits
	Redact   string // redaction operator name; "redact" by default
	NotPII   bool   // the tag was "-"
}

var redactOps = map[string]bool{
	"redact": true, "mask": true, "replace": true, "hash": true,
	"encrypt": true, "truncate": true, "keep": true, "drop": true,
}

// ParseTag parses the value of a `pii` struct tag; fieldName is used only as
// the default blind index name for a bare "index" option.
func ParseTag(tag, fieldName string) (Tag, error) {
	tag = strings.TrimSpace(tag)
	if tag == "-" {
		return Tag{NotPII: true, Redact: "keep"}, nil
	}
	parts := strings.Split(tag, ",")
	c, err := ParseCategory(parts[0])
	if err != nil || c == Unknown {
		return Tag{}, fmt.Errorf("unknown category %q", strings.TrimSpace(parts[0]))
	}
	t := Tag{Category: c, Redact: "redact"}
	seen := map[string]bool{}
	for _, opt := range parts[1:] {
		opt = strings.TrimSpace(opt)
		key, val, hasVal := strings.Cut(opt, "=")
		if seen[key] {
			return Tag{}, fmt.Errorf("option %q given twice", key)
		}
		seen[key] = true
		switch key {
		case "encrypt":
			if hasVal {
				return Tag{}, fmt.Errorf("option %q takes no value", key)
			}
			t.Encrypt = true
		case "index":
			t.Index = fieldName
			if hasVal {
				if !validIdent(val) {
					return Tag{}, fmt.Errorf("index name %q must be letters, digits and _", val)
				}
				t.Index = val
			}
		case "bits":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 256 {
				return Tag{}, fmt.Errorf("bits=%s: want a number from 1 to 256", val)
			}
			t.Bits = n
		case "last4":
			if hasVal {
				return Tag{}, fmt.Errorf("option %q takes no value", key)
			}
			t.Last4 = true
		case "redact":
			if !redactOps[val] {
				return Tag{}, fmt.Errorf("unknown redact operator %q", val)
			}
			t.Redact = val
		case "":
			return Tag{}, fmt.Errorf("empty option")
		default:
			return Tag{}, fmt.Errorf("unknown option %q", key)
		}
	}
	if (t.Bits != 0 || t.Last4) && t.Index == "" {
		return Tag{}, fmt.Errorf("bits and last4 need index")
	}
	return t, nil
}

func validIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Field describes one tagged field of a struct type.
type Field struct {
	Name  string       // Go field name, dotted through embedded structs ("Contact.Email")
	Index []int        // for reflect.Value.FieldByIndex
	Type  reflect.Type // the field's type
	Tag   Tag
}

// TagError reports a malformed `pii` tag. It names the type and field, never
// a value.
type TagError struct {
	Type  string // the struct type, e.g. "portal.Account"
	Field string // the Go field name
	Err   string // what is wrong
}

func (e *TagError) Error() string {
	return "pii: bad tag on " + e.Type + "." + e.Field + ": " + e.Err
}

type fieldsResult struct {
	fields []Field
	err    error
}

var fieldCache sync.Map // reflect.Type -> fieldsResult

// Fields returns the fields of struct type t (or pointer to struct) that
// carry a `pii` tag, including those of embedded structs, in declaration
// order. Fields tagged "-" are included with Tag.NotPII set. The result is
// computed once per type and cached; callers must not modify it.
func Fields(t reflect.Type) ([]Field, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("pii: %s is not a struct type", t)
	}
	if r, ok := fieldCache.Load(t); ok {
		fr := r.(fieldsResult)
		return fr.fields, fr.err
	}
	var fields []Field
	err := collectFields(t, t, nil, "", &fields, 0)
	fieldCache.Store(t, fieldsResult{fields, err})
	return fields, err
}

// FieldsOf is Fields(reflect.TypeOf(v)).
func FieldsOf(v any) ([]Field, error) {
	if v == nil {
		return nil, fmt.Errorf("pii: nil value has no fields")
	}
	return Fields(reflect.TypeOf(v))
}

func collectFields(root, t reflect.Type, index []int, prefix string, out *[]Field, depth int) error {
	if depth > 8 {
		return nil
	}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		raw, tagged := sf.Tag.Lookup(TagKey)
		if !tagged {
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				if err := collectFields(root, sf.Type, idx, prefix+sf.Name+".", out, depth+1); err != nil {
					return err
				}
			}
			continue
		}
		tag, err := ParseTag(raw, sf.Name)
		if err != nil {
			return &TagError{Type: root.String(), Field: prefix + sf.Name, Err: err.Error()}
		}
		if !sf.IsExported() {
			return &TagError{Type: root.String(), Field: prefix + sf.Name, Err: "tagged field is not exported"}
		}
		*out = append(*out, Field{Name: prefix + sf.Name, Index: idx, Type: sf.Type, Tag: tag})
	}
	return nil
}
