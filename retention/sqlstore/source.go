package sqlstore

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/civickit/privacy/pii/sqldialect"
	"github.com/civickit/privacy/retention"
)

// Source describes a table of records to sweep. Every name is checked to
// be an SQL identifier and quoted; no configuration text is pasted into
// SQL unchecked.
//
// Timestamp columns may hold database timestamps, RFC 3339 text (or
// "2006-01-02 15:04:05", or "2006-01-02"), or integers counting Unix
// seconds. NULL means "has not happened".
type Source struct {
	// Name identifies the source in holds, decisions and the log.
	Name string `json:"name" yaml:"name"`
	// Table is the table name, optionally schema-qualified.
	Table string `json:"table" yaml:"table"`
	// ID is the primary key column: an integer or text column, unique.
	ID string `json:"id" yaml:"id"`
	// CategoryColumn holds each row's category; or set Category for a
	// table whose rows all have one category. Exactly one is required.
	CategoryColumn string `json:"category_column,omitempty" yaml:"category_column,omitempty"`
	Category       string `json:"category,omitempty" yaml:"category,omitempty"`
	// Created is the creation time column (required).
	Created string `json:"created" yaml:"created"`
	// LastActivity and Closed are optional timestamp columns.
	LastActivity string `json:"last_activity,omitempty" yaml:"last_activity,omitempty"`
	Closed       string `json:"closed,omitempty" yaml:"closed,omitempty"`
	// Events maps event names (as rules name them) to timestamp columns.
	Events map[string]string `json:"events,omitempty" yaml:"events,omitempty"`
	// Subject is the column identifying the record's subject. Needed for
	// subject holds, subject requests and crypto-shredding.
	Subject string `json:"subject,omitempty" yaml:"subject,omitempty"`
	// Anonymize lists the columns ActionAnonymize sets to NULL (the
	// subject column is cleared too), and AnonymizedAt the timestamp column
	// marking a row as anonymised; rows with it set are skipped. Both are
	// needed for sources that a rule anonymises.
	Anonymize    []string `json:"anonymize,omitempty" yaml:"anonymize,omitempty"`
	AnonymizedAt string   `json:"anonymized_at,omitempty" yaml:"anonymized_at,omitempty"`
	// Export lists the columns an access request returns; empty means
	// every column.
	Export []string `json:"export,omitempty" yaml:"export,omitempty"`
}

// compiledSource is a Source with its SQL prepared.
type compiledSource struct {
	Source
	table, id, cat, created, last, closed, subject, marker string   // quoted
	events                                                 []string // event names, sorted
	eventCols                                              []string // quoted, same order
	anon                                                   []string // quoted
	export                                                 []string // quoted; empty = *
	selectCols                                             string
	canAnonymize                                           bool
}

func compileSource(d sqldialect.Dialect, src Source) (*compiledSource, []retention.Problem) {
	var ps []retention.Problem
	bad := func(field, msg string) {
		ps = append(ps, retention.Problem{Field: field, Message: msg})
	}
	c := &compiledSource{Source: src}
	if !retention.ValidID(src.Name) {
		bad("name", "must be an ID (letters, digits, _.:-)")
	}
	q := func(field, name string, required bool) string {
		if name == "" {
			if required {
				bad(field, "is required")
			}
			return ""
		}
		out, err := quoteIdent(d, name)
		if err != nil {
			bad(field, "must be an SQL identifier")
		}
		return out
	}
	c.table = q("table", src.Table, true)
	if strings.Contains(src.ID, ".") {
		bad("id", "must be a column name")
	}
	c.id = q("id", src.ID, true)
	switch {
	case src.CategoryColumn != "" && src.Category != "":
		bad("category", "set category or category_column, not both")
	case src.CategoryColumn == "" && src.Category == "":
		bad("category", "set category or category_column")
	case src.Category != "" && (!retention.ValidCategory(src.Category) || src.Category == retention.AnyCategory):
		bad("category", "must be a dotted category name")
	}
	c.cat = q("category_column", src.CategoryColumn, false)
	c.created = q("created", src.Created, true)
	c.last = q("last_activity", src.LastActivity, false)
	c.closed = q("closed", src.Closed, false)
	c.subject = q("subject", src.Subject, false)
	c.marker = q("anonymized_at", src.AnonymizedAt, false)
	c.events = slices.Sorted(maps.Keys(src.Events))
	for _, e := range c.events {
		if !retention.ValidID(e) {
			bad("events", "event names must be IDs")
		}
		c.eventCols = append(c.eventCols, q("events."+e, src.Events[e], true))
	}
	for i, a := range src.Anonymize {
		c.anon = append(c.anon, q(fmt.Sprintf("anonymize[%d]", i), a, true))
		if a == src.ID || a == src.Created || a == src.CategoryColumn {
			bad(fmt.Sprintf("anonymize[%d]", i), "must not be the id, category or created column")
		}
	}
	for i, e := range src.Export {
		c.export = append(c.export, q(fmt.Sprintf("export[%d]", i), e, true))
	}
	c.canAnonymize = len(c.anon) > 0 && c.marker != ""
	if (len(c.anon) > 0) != (c.marker != "") {
		bad("anonymize", "anonymize and anonymized_at go together")
	}
	cols := []string{c.id, nz(c.cat, "NULL"), c.created, nz(c.last, "NULL"), nz(c.closed, "NULL"), nz(c.subject, "NULL")}
	cols = append(cols, c.eventCols...)
	c.selectCols = strings.Join(cols, ", ")
	return c, ps
}

func nz(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// scannedRow is one row's metadata as read.
type scannedRow struct {
	key any // int64 or string, for keyset pagination and IN lists
	rec retention.Record
}

// scan reads the metadata columns selected with selectCols.
func (c *compiledSource) scan(sc interface{ Scan(...any) error }) (scannedRow, error) {
	n := 6 + len(c.eventCols)
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := sc.Scan(ptrs...); err != nil {
		return scannedRow{}, err
	}
	var r scannedRow
	switch k := vals[0].(type) {
	case int64:
		r.key = k
		r.rec.ID = fmt.Sprint(k)
	case string:
		r.key = k
		r.rec.ID = k
	case []byte:
		r.key = string(k)
		r.rec.ID = string(k)
	default:
		return r, fmt.Errorf("sqlstore: source %s: id column has unsupported type %T", c.Name, vals[0])
	}
	r.rec.Source = c.Name
	r.rec.Category = c.Category
	if c.cat != "" {
		r.rec.Category = asString(vals[1])
	}
	var err error
	if r.rec.Created, err = asTime(vals[2]); err != nil {
		return r, c.colErr("created", err)
	}
	if r.rec.LastActivity, err = asTime(vals[3]); err != nil {
		return r, c.colErr("last_activity", err)
	}
	if r.rec.Closed, err = asTime(vals[4]); err != nil {
		return r, c.colErr("closed", err)
	}
	r.rec.Subject = asString(vals[5])
	for i, e := range c.events {
		t, err := asTime(vals[6+i])
		if err != nil {
			return r, c.colErr("events."+e, err)
		}
		if !t.IsZero() {
			if r.rec.Events == nil {
				r.rec.Events = make(map[string]time.Time, len(c.events))
			}
			r.rec.Events[e] = t
		}
	}
	return r, nil
}

func (c *compiledSource) colErr(col string, err error) error {
	return fmt.Errorf("sqlstore: source %s column %s: %w", c.Name, col, err)
}

func asString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"}

// asTime decodes a timestamp column value; the error never quotes the
// value.
func asTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return x, nil
	case int64:
		return time.Unix(x, 0).UTC(), nil
	case float64:
		return time.Unix(int64(x), 0).UTC(), nil
	case []byte:
		return asTime(string(x))
	case string:
		if x == "" {
			return time.Time{}, nil
		}
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, x); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("%w: not a timestamp", retention.ErrInvalid)
	}
	return time.Time{}, fmt.Errorf("%w: unsupported timestamp type %T", retention.ErrInvalid, v)
}
