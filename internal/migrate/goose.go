package migrate

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing/fstest"
)

// Migration is one schema version, read from a goose-style file named
// NNNN_name.sql.
type Migration struct {
	Version int
	Name    string   // the file name without ".sql"
	Up      []string // statements, in order
	Down    []string
}

// Parse reads one goose-style migration: the statements after
// "-- +goose Up" up to "-- +goose Down" are Up, the rest Down. A statement
// ends with a line ending in ";", except between "-- +goose StatementBegin"
// and "-- +goose StatementEnd", which enclose one statement whose body may
// hold semicolons (a trigger or function body). Comment lines outside a
// statement are dropped.
func Parse(name string, src []byte) (Migration, error) {
	base := strings.TrimSuffix(path.Base(name), ".sql")
	v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
	if err != nil || v <= 0 || !strings.HasSuffix(name, ".sql") {
		return Migration{}, fmt.Errorf("migrate: bad migration file name %s (want NNNN_name.sql)", name)
	}
	m := Migration{Version: v, Name: base}
	var (
		section *[]string
		cur     strings.Builder
		block   bool
		sawUp   bool
	)
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		if s != "" && section != nil {
			*section = append(*section, s)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		if ann, ok := strings.CutPrefix(trimmed, "-- +goose "); ok {
			switch strings.TrimSpace(ann) {
			case "Up":
				if sawUp || block {
					return m, fmt.Errorf("migrate: %s:%d: unexpected +goose Up", name, line)
				}
				sawUp, section = true, &m.Up
			case "Down":
				if !sawUp || block || section == &m.Down {
					return m, fmt.Errorf("migrate: %s:%d: unexpected +goose Down", name, line)
				}
				flush()
				section = &m.Down
			case "StatementBegin":
				if block || section == nil {
					return m, fmt.Errorf("migrate: %s:%d: unexpected +goose StatementBegin", name, line)
				}
				flush()
				block = true
			case "StatementEnd":
				if !block {
					return m, fmt.Errorf("migrate: %s:%d: +goose StatementEnd without StatementBegin", name, line)
				}
				block = false
				flush()
			default:
				return m, fmt.Errorf("migrate: %s:%d: unknown annotation %q", name, line, trimmed)
			}
			continue
		}
		if section == nil {
			if trimmed != "" && !strings.HasPrefix(trimmed, "--") {
				return m, fmt.Errorf("migrate: %s:%d: SQL before +goose Up", name, line)
			}
			continue
		}
		if !block && cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "--")) {
			continue // a comment between statements
		}
		cur.WriteString(text)
		cur.WriteByte('\n')
		if !block && strings.HasSuffix(trimmed, ";") {
			flush()
		}
	}
	if err := sc.Err(); err != nil {
		return m, fmt.Errorf("migrate: %s: %w", name, err)
	}
	if block {
		return m, fmt.Errorf("migrate: %s: +goose StatementBegin without StatementEnd", name)
	}
	if !sawUp {
		return m, fmt.Errorf("migrate: %s: no +goose Up", name)
	}
	if strings.TrimSpace(cur.String()) != "" {
		return m, fmt.Errorf("migrate: %s: the last statement does not end with ;", name)
	}
	return m, nil
}

// Load parses every *.sql file at the root of fsys, in version order.
// Versions must be distinct.
func Load(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		m, err := Parse(e.Name(), b)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrate: two migrations numbered %d", out[i].Version)
		}
	}
	return out, nil
}

// Rename returns a copy of the *.sql files at the root of fsys in which
// every key of names is replaced by its value (longest key first), for
// stores whose table names are configurable: the files name the default
// tables. With no names it returns fsys's files as they are.
func Rename(fsys fs.FS, names map[string]string) (fs.FS, error) {
	keys := make([]string, 0, len(names))
	for k, v := range names {
		if k != v {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, k, names[k])
	}
	r := strings.NewReplacer(pairs...)
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	// An in-memory fs.FS; fstest.MapFS is the standard library's, and
	// imports no testing machinery.
	out := fstest.MapFS{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		if len(pairs) > 0 {
			b = []byte(r.Replace(string(b)))
		}
		out[e.Name()] = &fstest.MapFile{Data: b, Mode: 0o444}
	}
	return out, nil
}
