package redact

import (
	"context"
	"log/slog"
	"net"
	"net/netip"
	"reflect"
	"strconv"
	"sync"
)

// HandlerOptions configure NewHandler.
type HandlerOptions struct {
	// Redactor does the content detection; nil means New(nil).
	Redactor *Redactor
	// Keys maps more attribute keys to the entity their values are; their
	// values are replaced whole. Keys are matched like KeyEntity matches
	// (ignoring case, '_', '-', '.', spaces), in addition to KeyEntity's
	// list unless NoDefaultKeys is set.
	Keys          map[string]Entity
	NoDefaultKeys bool
	// KeepIP logs IP addresses whole instead of truncating them to /24
	// (IPv4) or /48 (IPv6).
	KeepIP bool
}

// Handler is a slog.Handler that removes personal data from records before
// passing them to another handler. It redacts
//
//   - attributes whose key names personal data ("email", "ssn",
//     "password", ...; see KeyEntity and HandlerOptions.Keys), whole;
//   - struct values by their `pii` tags (see RedactStruct), maps, slices;
//   - pii.String values, which already log as their marker;
//   - personal data detected in string values, error texts and the message;
//   - IP addresses, which are truncated to /24 or /48 rather than removed,
//     so that logs keep their value for abuse handling.
//
// Groups, WithAttrs and WithGroup are supported; a Handler passes
// testing/slogtest.
type Handler struct {
	next   slog.Handler
	r      *Redactor
	keys   map[string]Entity
	noDef  bool
	keepIP bool
}

var _ slog.Handler = (*Handler)(nil)

// defaultRedactor is built on first use, so that importing the package
// does not load the word lexicon.
var defaultRedactor = sync.OnceValue(func() *Redactor {
	r, err := New(nil)
	if err != nil {
		panic("redact: default options rejected: " + err.Error())
	}
	return r
})

// NewHandler returns a Handler that redacts records and passes them to
// next.
func NewHandler(next slog.Handler, opts *HandlerOptions) *Handler {
	if opts == nil {
		opts = &HandlerOptions{}
	}
	h := &Handler{next: next, r: opts.Redactor, noDef: opts.NoDefaultKeys, keepIP: opts.KeepIP}
	if h.r == nil {
		h.r = defaultRedactor()
	}
	if len(opts.Keys) > 0 {
		h.keys = make(map[string]Entity, len(opts.Keys))
		for k, e := range opts.Keys {
			h.keys[normKey(k)] = e
		}
	}
	return h
}

// Enabled reports whether the next handler handles level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle redacts the message and attributes of rec and passes the result on.
func (h *Handler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.Redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a, "", 0))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs redacts attrs and returns a Handler whose next handler has them.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.attr(a, "", 0)
	}
	c := *h
	c.next = h.next.WithAttrs(red)
	return &c
}

// WithGroup returns a Handler whose next handler opens group name.
func (h *Handler) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}

func (h *Handler) keyEntity(key string) (Entity, bool) {
	if h.keys != nil {
		if e, ok := h.keys[normKey(key)]; ok {
			return e, true
		}
	}
	if h.noDef {
		return "", false
	}
	return KeyEntity(key)
}

// attr returns a redacted copy of a. force is the entity of an enclosing
// group whose key named personal data.
func (h *Handler) attr(a slog.Attr, force Entity, depth int) slog.Attr {
	if a.Equal(slog.Attr{}) {
		return a
	}
	v := a.Value.Resolve()
	if force == "" {
		if e, ok := h.keyEntity(a.Key); ok {
			force = e
		}
	}
	if depth > maxDepth {
		return slog.String(a.Key, credential.Label())
	}
	switch v.Kind() {
	case slog.KindGroup:
		as := v.Group()
		out := make([]slog.Attr, len(as))
		for i, g := range as {
			out[i] = h.attr(g, force, depth+1)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindString:
		return slog.String(a.Key, h.text(v.String(), force))
	case slog.KindInt64:
		if force != "" {
			return slog.String(a.Key, h.text(strconv.FormatInt(v.Int64(), 10), force))
		}
		if n := v.Int64(); n >= 1000000 || n <= -1000000 {
			if s := h.r.number(strconv.FormatInt(n, 10), "", nil); s != nil {
				return slog.Any(a.Key, s)
			}
		}
		return slog.Attr{Key: a.Key, Value: v}
	case slog.KindUint64:
		if force != "" {
			return slog.String(a.Key, h.text(strconv.FormatUint(v.Uint64(), 10), force))
		}
		if n := v.Uint64(); n >= 1000000 {
			if s := h.r.number(strconv.FormatUint(n, 10), "", nil); s != nil {
				return slog.Any(a.Key, s)
			}
		}
		return slog.Attr{Key: a.Key, Value: v}
	case slog.KindAny:
		return slog.Attr{Key: a.Key, Value: h.anyValue(v.Any(), force)}
	default: // bool, float, duration, time
		if force != "" {
			return slog.String(a.Key, force.Label())
		}
		return slog.Attr{Key: a.Key, Value: v}
	}
}

// text redacts a string value: whole if force names an entity, with IP
// addresses truncated, by content otherwise.
func (h *Handler) text(s string, force Entity) string {
	if force == IPAddress || force == "" {
		if ip, err := netip.ParseAddr(s); err == nil {
			if h.keepIP {
				return s
			}
			t, _ := truncateIP(ip.String())
			return t
		}
		if force == IPAddress {
			if ap, err := netip.ParseAddrPort(s); err == nil {
				if h.keepIP {
					return s
				}
				t, _ := truncateIP(ap.Addr().String())
				return t
			}
		}
	}
	if force != "" {
		return h.r.wholeEntity(s, force)
	}
	if h.keepIP {
		return h.r.Redact(s)
	}
	return h.r.redactTruncatingIP(s)
}

// redactTruncatingIP is Redact with IP addresses truncated instead of
// labelled (unless an operator is configured for them).
func (r *Redactor) redactTruncatingIP(s string) string {
	fs := r.Find(s)
	if len(fs) == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+16*len(fs))
	last := 0
	for _, f := range fs {
		b = append(b, s[last:f.Start]...)
		var op Operator = truncateOp{}
		if f.Entity != IPAddress || r.ops[r.ids[IPAddress]] != nil {
			op = r.operator(f)
		}
		mark := len(b)
		var err error
		if b, err = op.Apply(b, f, s[f.Start:f.End]); err != nil {
			b = append(b[:mark], f.Entity.Label()...)
		}
		last = f.End
	}
	return string(append(b, s[last:]...))
}

func (h *Handler) anyValue(x any, force Entity) slog.Value {
	switch v := x.(type) {
	case nil:
		return slog.AnyValue(nil)
	case error:
		if force != "" {
			return slog.StringValue(force.Label())
		}
		return slog.StringValue(h.text(v.Error(), ""))
	case netip.Addr:
		return slog.StringValue(h.text(v.String(), IPAddress))
	case net.IP:
		return slog.StringValue(h.text(v.String(), IPAddress))
	case []byte:
		return slog.StringValue(h.text(string(v), force))
	}
	if force != "" {
		if s, ok := x.(interface{ String() string }); ok {
			return slog.StringValue(h.r.wholeEntity(s.String(), force))
		}
		return slog.StringValue(force.Label())
	}
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Struct, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Array, reflect.Interface, reflect.String:
		if m, ok := x.(map[string]any); ok {
			return slog.AnyValue(h.r.Map(m))
		}
		out, err := h.r.Struct(x)
		if err != nil {
			return slog.StringValue(credential.Label())
		}
		return slog.AnyValue(out)
	}
	return slog.AnyValue(x)
}
