package cookies

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/civickit/privacy/pii"
)

// guardAny is the PII guard for values encoded as JSON: it walks v and
// refuses pii-tagged struct fields, pii.String and pii.Sealed values, and
// strings (and map keys) the detector matches. path names where it is, for
// the error; no value is ever put in the error.
func guardAny(v reflect.Value, path string, det PIIDetector, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("cookies: value at %s nests too deeply", path)
	}
	if !v.IsValid() {
		return nil
	}
	switch v.Type() {
	case piiString:
		return &PIIError{Field: path, Reason: "type pii.String"}
	case piiSealed:
		return &PIIError{Field: path, Reason: "type pii.Sealed (encrypted personal data is still personal data)"}
	}
	if det != nil && v.Kind() != reflect.String && v.Type() != timeType {
		// A type with its own encoding (netip.Addr, a custom MarshalJSON)
		// may put what its unexported fields hold into the cookie: check
		// the encoded form, which is what would be stored.
		if out, ok := marshalForGuard(v); ok && det.Contains(out) {
			return &PIIError{Field: path, Reason: "detector matched its encoding"}
		}
	}
	switch v.Kind() {
	case reflect.String:
		if det != nil && v.Len() > 0 && det.Contains(v.String()) {
			return &PIIError{Field: path, Reason: "detector matched"}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return guardAny(v.Elem(), path, det, depth+1)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil
		}
		for i := range v.Len() {
			if err := guardAny(v.Index(i), path+"[]", det, depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if err := guardAny(it.Key(), path+"{key}", det, depth+1); err != nil {
				return err
			}
			if err := guardAny(it.Value(), path+"{}", det, depth+1); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		prefix := path + "."
		if path == "(value)" {
			prefix = ""
		}
		for i := range t.NumField() {
			f := t.Field(i)
			fp := prefix + f.Name
			skipScan := false
			if tag, ok := f.Tag.Lookup(pii.TagKey); ok {
				pt, err := pii.ParseTag(tag, f.Name)
				switch {
				case err != nil:
					return &PIIError{Field: fp, Reason: "tagged pii"}
				case !pt.NotPII:
					return &PIIError{Field: fp, Reason: fmt.Sprintf("tagged pii:%q", pt.Category.String())}
				}
				skipScan = true
			}
			if !f.IsExported() {
				continue
			}
			d := det
			if skipScan {
				d = nil
			}
			if err := guardAny(v.Field(i), fp, d, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// marshalForGuard returns what v's own MarshalJSON or MarshalText produces,
// if v has one; errors and nil pointers give false.
func marshalForGuard(v reflect.Value) (string, bool) {
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return "", false
	}
	if !v.CanInterface() {
		return "", false
	}
	if !marshals(v.Type()) {
		return "", false
	}
	x := v.Interface()
	if v.CanAddr() {
		x = v.Addr().Interface() // reach pointer-receiver methods too
	}
	switch m := x.(type) {
	case json.Marshaler:
		b, err := m.MarshalJSON()
		return string(b), err == nil
	case encoding.TextMarshaler:
		b, err := m.MarshalText()
		return string(b), err == nil
	}
	return "", false
}
