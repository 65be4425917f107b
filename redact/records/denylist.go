package records

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/civickit/privacy/redact"
)

// ErrDenyList is wrapped by errors about a malformed deny-list.
var ErrDenyList = errors.New("records: invalid deny-list")

// DenyList holds terms a records request withholds wherever they appear,
// whatever the detectors say: a requester's name, a juvenile's name, a case
// number. Each term is withheld under an exemption code: its own, or the
// list's default (the catalog's default code when none is given).
//
// Its file form has one term per line. Blank lines and lines starting
// with '#' are ignored; "[code] term" gives a term its own exemption code,
// for example "[(b)(7)(C)] Jordan Abernathy". Terms match whole words,
// ignoring case; a term that is a person's full name also matches the
// surname after a title ("Ms. Abernathy") and "Last, First" (see
// redact.NameVariants). All terms are matched in one pass, whatever their
// number.
type DenyList struct {
	byCode map[string][]string // "" is the default code
	n      int
}

// ParseDenyList reads a deny-list in its file form.
func ParseDenyList(r io.Reader) (*DenyList, error) {
	d := &DenyList{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		code := ""
		if line[0] == '[' {
			end := strings.IndexByte(line, ']')
			if end < 0 {
				return nil, fmt.Errorf("%w: line %d: an exemption code in [brackets] is not closed", ErrDenyList, n)
			}
			code, line = strings.TrimSpace(line[1:end]), strings.TrimSpace(line[end+1:])
			if code == "" {
				return nil, fmt.Errorf("%w: line %d: empty exemption code", ErrDenyList, n)
			}
		}
		if err := d.Add(code, line); err != nil {
			return nil, fmt.Errorf("%w: line %d: %w", ErrDenyList, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDenyList, err)
	}
	return d, nil
}

// LoadDenyList reads a deny-list file.
func LoadDenyList(name string) (*DenyList, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("records: reading deny-list: %w", err)
	}
	defer f.Close()
	return ParseDenyList(f)
}

// Add withholds term under code ("" for the list's default).
func (d *DenyList) Add(code, term string) error {
	term = strings.Join(strings.Fields(term), " ")
	if term == "" {
		return errors.New("empty term")
	}
	if d.byCode == nil {
		d.byCode = map[string][]string{}
	}
	if !slices.Contains(d.byCode[code], term) {
		d.byCode[code] = append(d.byCode[code], term)
		d.n++
	}
	return nil
}

// SetDefaultCode withholds the terms that have no code of their own under
// code (a deny-list file's code, for example "-deny-code" on the command
// line), instead of the catalog's default.
func (d *DenyList) SetDefaultCode(code string) {
	code = strings.TrimSpace(code)
	if d == nil || code == "" || len(d.byCode[""]) == 0 {
		return
	}
	for _, t := range d.byCode[""] {
		if !slices.Contains(d.byCode[code], t) {
			d.byCode[code] = append(d.byCode[code], t)
		}
	}
	delete(d.byCode, "")
}

// Len returns the number of terms.
func (d *DenyList) Len() int {
	if d == nil {
		return 0
	}
	return d.n
}

// denyEntity is the entity of deny-list terms under one code: "denied"
// for the default code, "denied_2", "denied_3"... for others, in code
// order.
const denyEntity = "denied"

// rules returns the deny-list's terms by entity and the rules that send
// each entity to its code (defaultCode for terms without one).
func (d *DenyList) rules(defaultCode string) (map[redact.Entity][]string, []ExemptionRule) {
	terms := map[redact.Entity][]string{}
	var rules []ExemptionRule
	codes := make([]string, 0, len(d.byCode))
	for c := range d.byCode {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	n := 1
	for _, c := range codes {
		e := redact.Entity(denyEntity)
		code := c
		if c == "" || c == defaultCode {
			code = defaultCode
		} else {
			n++
			e = redact.Entity(denyEntity + "_" + strconv.Itoa(n))
		}
		if _, seen := terms[e]; !seen {
			rules = append(rules, ExemptionRule{Entity: e, Code: code, Operator: OpBox, Name: "deny-list"})
		}
		terms[e] = append(terms[e], d.byCode[c]...)
	}
	return terms, rules
}
