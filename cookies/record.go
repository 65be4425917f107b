package cookies

import (
	"encoding"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/civickit/privacy/pii"
)

// This file is the compact binary encoding of a session payload struct.
//
// A record is a sequence of fields; zero-valued fields are left out. Each
// field is
//
//	key   uvarint(len(name)<<4 | kind)
//	name  the field's wire name (Go name, or the `cookie:"name"` tag)
//	value by the kind's wire type: varint (bool, integers), fixed 8 bytes
//	      (floats), or uvarint length + bytes (everything else)
//
// Fields are matched by name and kind on decode, and unknown ones are
// skipped, so adding, removing or reordering fields of a payload struct,
// or changing a field between kinds (bool to string, say), keeps existing
// cookies readable (like JSON, at a fraction of its size and cost). A
// change within a kind (int8 to int64) is decoded if the value fits; a
// change of a slice's or map's element type makes old cookies ErrInvalid.

const (
	wireVarint = 0
	wireFixed  = 1
	wireBytes  = 2
)

type kind uint8

const (
	kBool kind = iota
	kInt
	kUint
	kFloat
	kString
	kBytes
	kTime
	kStruct
	kSlice
	kMap
)

// node describes how one Go type is encoded.
type node struct {
	k    kind
	t    reflect.Type
	st   *structPlan // kStruct
	elem *node       // kSlice, kMap (value; keys are strings)
	scan bool        // strings inside are given to the PII detector
}

func (n *node) wire() int {
	switch n.k {
	case kBool, kInt, kUint:
		return wireVarint
	case kFloat:
		return wireFixed
	}
	return wireBytes
}

type fieldPlan struct {
	name  string // wire name
	path  string // Go field path, for errors
	index int
	n     *node
	key   uint64 // uvarint(len(name)<<4 | kind)
}

type structPlan struct {
	t      reflect.Type
	fields []fieldPlan
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	piiString   = reflect.TypeFor[pii.String]()
	piiSealed   = reflect.TypeFor[pii.Sealed]()
	planCache   sync.Map // reflect.Type -> planResult
	errNotPlain = errors.New("cookies: type cannot use the compact encoding")
)

type planResult struct {
	p   *structPlan
	err error
}

// planFor returns the cached plan for struct type t. The error is a
// *PIIError when t declares personal data, or errNotPlain-wrapped when a
// field has a type the compact encoding does not support.
func planFor(t reflect.Type) (*structPlan, error) {
	if r, ok := planCache.Load(t); ok {
		pr := r.(planResult)
		return pr.p, pr.err
	}
	p, err := buildStruct(t, "", 0)
	planCache.Store(t, planResult{p, err})
	return p, err
}

const maxDepth = 16

func buildStruct(t reflect.Type, prefix string, depth int) (*structPlan, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: %s nests too deeply (recursive type?)", errNotPlain, t)
	}
	p := &structPlan{t: t}
	for i := range t.NumField() {
		f := t.Field(i)
		path := prefix + f.Name
		if tag, ok := f.Tag.Lookup(pii.TagKey); ok {
			pt, err := pii.ParseTag(tag, f.Name)
			switch {
			case err != nil:
				return nil, &PIIError{Field: path, Reason: "tagged pii"}
			case !pt.NotPII:
				return nil, &PIIError{Field: path, Reason: fmt.Sprintf("tagged pii:%q", pt.Category.String())}
			}
		}
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if ct, ok := f.Tag.Lookup("cookie"); ok {
			if ct == "-" {
				continue
			}
			if ct != "" {
				name = ct
			}
		}
		scan := f.Tag.Get(pii.TagKey) != "-"
		n, err := buildNode(f.Type, path, scan, depth)
		if err != nil {
			return nil, err
		}
		for _, g := range p.fields {
			if g.name == name {
				return nil, fmt.Errorf("%w: %s: two fields named %q", errNotPlain, t, name)
			}
		}
		p.fields = append(p.fields, fieldPlan{
			name: name, path: path, index: i, n: n,
			key: uint64(len(name))<<4 | uint64(n.k),
		})
	}
	return p, nil
}

func buildNode(t reflect.Type, path string, scan bool, depth int) (*node, error) {
	switch t {
	case piiString:
		return nil, &PIIError{Field: path, Reason: "type pii.String"}
	case piiSealed:
		return nil, &PIIError{Field: path, Reason: "type pii.Sealed (encrypted personal data is still personal data)"}
	case timeType:
		return &node{k: kTime, t: t}, nil
	}
	n := &node{t: t, scan: scan}
	switch t.Kind() {
	case reflect.Bool:
		n.k = kBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n.k = kInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n.k = kUint
	case reflect.Float32, reflect.Float64:
		n.k = kFloat
	case reflect.String:
		n.k = kString
	case reflect.Struct:
		if marshals(t) {
			// A struct with its own encoding (netip.Addr, big.Int, ...) keeps
			// its state in unexported fields: the field-by-field encoding
			// would silently drop it, so such values go through JSON.
			return nil, fmt.Errorf("%w: field %s: %s has its own text or JSON encoding", errNotPlain, path, t)
		}
		st, err := buildStruct(t, path+".", depth+1)
		if err != nil {
			return nil, err
		}
		n.k, n.st = kStruct, st
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			n.k = kBytes
			break
		}
		e, err := buildNode(t.Elem(), path+"[]", scan, depth+1)
		if err != nil {
			return nil, err
		}
		n.k, n.elem = kSlice, e
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%w: field %s: map keys must be strings", errNotPlain, path)
		}
		e, err := buildNode(t.Elem(), path+"{}", scan, depth+1)
		if err != nil {
			return nil, err
		}
		n.k, n.elem = kMap, e
	default:
		return nil, fmt.Errorf("%w: field %s has unsupported type %s", errNotPlain, path, t)
	}
	return n, nil
}

// appendRecord appends the encoding of struct value v, giving every string
// of a scanned field to det (when det is not nil).
func (p *structPlan) appendRecord(b []byte, v reflect.Value, det PIIDetector) ([]byte, error) {
	for i := range p.fields {
		f := &p.fields[i]
		fv := v.Field(f.index)
		if f.n.k != kStruct && fv.IsZero() {
			continue
		}
		start := len(b)
		b = binary.AppendUvarint(b, f.key)
		b = append(b, f.name...)
		var err error
		var empty bool
		b, empty, err = f.n.appendValue(b, fv, f.path, det, true)
		if err != nil {
			return nil, err
		}
		if empty {
			b = b[:start]
		}
	}
	return b, nil
}

// appendValue appends one value. For wire type 2 it writes the length
// prefix. empty reports a struct that encoded to nothing (left out when it
// is a field).
func (n *node) appendValue(b []byte, v reflect.Value, path string, det PIIDetector, field bool) (_ []byte, empty bool, err error) {
	switch n.k {
	case kBool:
		if v.Bool() {
			return append(b, 1), false, nil
		}
		return append(b, 0), false, nil
	case kInt:
		return binary.AppendVarint(b, v.Int()), false, nil
	case kUint:
		return binary.AppendUvarint(b, v.Uint()), false, nil
	case kFloat:
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Float())), false, nil
	case kString:
		s := v.String()
		if n.scan && det != nil && s != "" && det.Contains(s) {
			return nil, false, &PIIError{Field: path, Reason: "detector matched"}
		}
		b = binary.AppendUvarint(b, uint64(len(s)))
		return append(b, s...), false, nil
	case kBytes:
		s := v.Bytes()
		b = binary.AppendUvarint(b, uint64(len(s)))
		return append(b, s...), false, nil
	case kTime:
		t := v.Interface().(time.Time)
		var tmp [binary.MaxVarintLen64 + binary.MaxVarintLen32]byte
		in := binary.AppendVarint(tmp[:0], t.Unix())
		in = binary.AppendUvarint(in, uint64(t.Nanosecond()))
		b = binary.AppendUvarint(b, uint64(len(in)))
		return append(b, in...), false, nil
	}
	// Length-prefixed composites: reserve one length byte, shift if longer.
	start := len(b)
	b = append(b, 0)
	switch n.k {
	case kStruct:
		b, err = n.st.appendRecord(b, v, det)
	case kSlice:
		b = binary.AppendUvarint(b, uint64(v.Len()))
		for i := range v.Len() {
			if b, _, err = n.elem.appendValue(b, v.Index(i), path+"[]", det, false); err != nil {
				break
			}
		}
	case kMap:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
		b = binary.AppendUvarint(b, uint64(len(keys)))
		for _, k := range keys {
			ks := k.String()
			if n.scan && det != nil && ks != "" && det.Contains(ks) {
				return nil, false, &PIIError{Field: path + "{}", Reason: "detector matched a map key"}
			}
			b = binary.AppendUvarint(b, uint64(len(ks)))
			b = append(b, ks...)
			if b, _, err = n.elem.appendValue(b, v.MapIndex(k), path+"{}", det, false); err != nil {
				break
			}
		}
	}
	if err != nil {
		return nil, false, err
	}
	size := len(b) - start - 1
	if field && n.k == kStruct && size == 0 {
		return b, true, nil
	}
	if size < 0x80 {
		b[start] = byte(size)
		return b, false, nil
	}
	var lb [binary.MaxVarintLen64]byte
	l := binary.PutUvarint(lb[:], uint64(size))
	b = append(b, lb[:l-1]...) // grow
	copy(b[start+l:], b[start+1:start+1+size])
	copy(b[start:], lb[:l])
	return b, false, nil
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// marshals reports whether t (or *t) defines its own JSON or text encoding.
func marshals(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) ||
		pt.Implements(jsonMarshalerType) || pt.Implements(textMarshalerType)
}

var errMalformed = errors.New("malformed record")

// decodeRecord decodes a record into struct value v (settable, zeroed).
func (p *structPlan) decodeRecord(b []byte, v reflect.Value) error {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return errMalformed
		}
		b = b[n:]
		nameLen, k := key>>4, kind(key&15)
		if nameLen > uint64(len(b)) || k > kMap {
			return errMalformed
		}
		name := b[:nameLen]
		b = b[nameLen:]
		u, raw, rest, err := readValue(b, (&node{k: k}).wire())
		if err != nil {
			return err
		}
		b = rest
		f := p.field(name)
		if f == nil || f.n.k != k {
			continue // a field this version of the struct does not have
		}
		if err := f.n.set(v.Field(f.index), u, raw); err != nil {
			return err
		}
	}
	return nil
}

// readValue reads one value of wire type w from the front of b: a varint
// or fixed 64-bit scalar into u, or a length-delimited payload into raw. It
// returns the rest of b, or errMalformed if b is too short.
func readValue(b []byte, w int) (u uint64, raw, rest []byte, err error) {
	switch w {
	case wireVarint:
		u, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, nil, nil, errMalformed
		}
		return u, nil, b[n:], nil
	case wireFixed:
		if len(b) < 8 {
			return 0, nil, nil, errMalformed
		}
		return binary.LittleEndian.Uint64(b), nil, b[8:], nil
	}
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return 0, nil, nil, errMalformed
	}
	return 0, b[n : n+int(l)], b[n+int(l):], nil
}

func (p *structPlan) field(name []byte) *fieldPlan {
	for i := range p.fields {
		if p.fields[i].name == string(name) {
			return &p.fields[i]
		}
	}
	return nil
}

// set stores a decoded scalar (u) or length-delimited payload (raw) in v.
func (n *node) set(v reflect.Value, u uint64, raw []byte) error {
	switch n.k {
	case kBool:
		v.SetBool(u != 0)
	case kInt:
		x := int64(u>>1) ^ -int64(u&1)
		if v.OverflowInt(x) {
			return errMalformed
		}
		v.SetInt(x)
	case kUint:
		if v.OverflowUint(u) {
			return errMalformed
		}
		v.SetUint(u)
	case kFloat:
		v.SetFloat(math.Float64frombits(u))
	case kString:
		v.SetString(string(raw))
	case kBytes:
		v.SetBytes(append([]byte(nil), raw...))
	case kTime:
		sec, n1 := binary.Varint(raw)
		if n1 <= 0 {
			return errMalformed
		}
		ns, n2 := binary.Uvarint(raw[n1:])
		if n2 <= 0 || ns >= 1e9 || n1+n2 != len(raw) {
			return errMalformed
		}
		v.Set(reflect.ValueOf(time.Unix(sec, int64(ns)).UTC()))
	case kStruct:
		return n.st.decodeRecord(raw, v)
	case kSlice, kMap:
		return n.setComposite(v, raw)
	}
	return nil
}

func (n *node) setComposite(v reflect.Value, b []byte) error {
	count, k := binary.Uvarint(b)
	if k <= 0 || count > uint64(len(b)) {
		return errMalformed
	}
	b = b[k:]
	var s, m reflect.Value
	if n.k == kSlice {
		s = reflect.MakeSlice(n.t, int(count), int(count))
	} else {
		m = reflect.MakeMapWithSize(n.t, int(count))
	}
	for i := range int(count) {
		var key reflect.Value
		if n.k == kMap {
			_, kb, rest, err := readValue(b, wireBytes)
			if err != nil {
				return err
			}
			key = reflect.New(n.t.Key()).Elem()
			key.SetString(string(kb))
			b = rest
		}
		u, raw, rest, err := readValue(b, n.elem.wire())
		if err != nil {
			return err
		}
		b = rest
		if n.k == kSlice {
			if err := n.elem.set(s.Index(i), u, raw); err != nil {
				return err
			}
			continue
		}
		ev := reflect.New(n.t.Elem()).Elem()
		if err := n.elem.set(ev, u, raw); err != nil {
			return err
		}
		m.SetMapIndex(key, ev)
	}
	if len(b) != 0 {
		return errMalformed
	}
	if n.k == kSlice {
		v.Set(s)
	} else {
		v.Set(m)
	}
	return nil
}
