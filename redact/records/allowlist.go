package records

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

// ErrAllowList is wrapped by errors about a malformed allow-list.
var ErrAllowList = errors.New("redact: invalid allow-list")

// HashPrefix starts an allow-list line that names a value by its keyed
// hash, as printed in the redaction log and review report, instead of by
// its text.
const HashPrefix = "hmac:"

// AllowList holds values a records request releases even though they are
// detected as personal data: a public official's name, the city hall
// address, the clerk's office phone number.
//
// Its file form has one entry per line. Blank lines and lines starting
// with '#' are ignored; "hmac:<hex>" names a value by the keyed hash the
// redaction log and review report print (so a clerk can allow a value from
// the report without typing it, and it only matches under the same key);
// "re:<regular expression>" releases every finding the expression
// matches whole (Go RE2 syntax); "domain:<domain>" releases every e-mail
// address at that domain or its subdomains (a city's own work addresses);
// any other line is a value, matched whole ignoring case after trimming
// surrounding spaces. A value that is a person's full name also releases
// that person's surname after a title ("Councillor Ruiz" for "Ana Ruiz")
// and "Last, First" (see redact.NameVariants).
type AllowList struct {
	values   []string
	hashes   map[string]bool
	patterns []*regexp.Regexp
	sources  []string // the patterns' and domains' lines, for WriteTo
}

// ParseAllowList reads an allow-list in its file form.
func ParseAllowList(r io.Reader) (*AllowList, error) {
	a := &AllowList{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if h, ok := strings.CutPrefix(line, HashPrefix); ok {
			if err := a.AddHash(h); err != nil {
				return nil, fmt.Errorf("%w: line %d: %w", ErrAllowList, n, err)
			}
			continue
		}
		if re, ok := strings.CutPrefix(line, PatternPrefix); ok {
			if err := a.AddPattern(re); err != nil {
				return nil, fmt.Errorf("%w: line %d: %w", ErrAllowList, n, err)
			}
			continue
		}
		if d, ok := strings.CutPrefix(line, DomainPrefix); ok {
			if err := a.AddDomain(d); err != nil {
				return nil, fmt.Errorf("%w: line %d: %w", ErrAllowList, n, err)
			}
			continue
		}
		a.AddValue(line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrAllowList, err)
	}
	return a, nil
}

// LoadAllowList reads an allow-list file.
func LoadAllowList(name string) (*AllowList, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("redact: reading allow-list: %w", err)
	}
	defer f.Close()
	return ParseAllowList(f)
}

// AddValue allows a value (trimmed of surrounding spaces).
func (a *AllowList) AddValue(v string) {
	v = strings.TrimSpace(v)
	if v != "" && !slices.Contains(a.values, v) {
		a.values = append(a.values, v)
	}
}

// AddHash allows the value whose keyed hash (hex, as in the log's
// value_hmac column) is h.
func (a *AllowList) AddHash(h string) error {
	h = strings.ToLower(strings.TrimSpace(h))
	if b, err := hex.DecodeString(h); err != nil || len(b) != hashLen {
		return fmt.Errorf("%w: hash must be %d hex digits", ErrAllowList, 2*hashLen)
	}
	if a.hashes == nil {
		a.hashes = map[string]bool{}
	}
	a.hashes[h] = true
	return nil
}

// The prefixes of pattern and domain lines in an allow-list file.
const (
	PatternPrefix = "re:"
	DomainPrefix  = "domain:"
)

// AddPattern releases every finding that the regular expression (Go RE2
// syntax) matches as a whole.
func (a *AllowList) AddPattern(expr string) error {
	expr = strings.TrimSpace(expr)
	re, err := regexp.Compile(expr)
	if err != nil || expr == "" {
		return fmt.Errorf("%w: not a regular expression", ErrAllowList)
	}
	a.patterns = append(a.patterns, re)
	a.sources = append(a.sources, PatternPrefix+expr)
	return nil
}

// AddDomain releases every e-mail address at domain or one of its
// subdomains, in any case: "cityname.gov" releases clerk@cityname.gov and
// permits@dpw.cityname.gov, not someone@cityname.gov.example.com.
func (a *AllowList) AddDomain(domain string) error {
	d := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(domain), "@"))
	if d == "" || strings.ContainsAny(d, " @/\\") || !strings.Contains(d, ".") {
		return fmt.Errorf("%w: not a domain name", ErrAllowList)
	}
	re := regexp.MustCompile(`(?i)^[^@\s]+@(?:[a-z0-9-]+\.)*` + regexp.QuoteMeta(d) + `$`)
	a.patterns = append(a.patterns, re)
	a.sources = append(a.sources, DomainPrefix+d)
	return nil
}

// Len returns the number of entries.
func (a *AllowList) Len() int {
	if a == nil {
		return 0
	}
	return len(a.values) + len(a.hashes) + len(a.patterns)
}

// WriteTo writes the allow-list in its file form: values first, in the
// order added, then hashes, sorted.
func (a *AllowList) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	b.WriteString("# redact allow-list: one value per line, hmac:<hash> from the redaction log, re:<pattern> or domain:<domain>\n")
	for _, v := range a.values {
		b.WriteString(v)
		b.WriteByte('\n')
	}
	for _, src := range a.sources {
		b.WriteString(src)
		b.WriteByte('\n')
	}
	hs := make([]string, 0, len(a.hashes))
	for h := range a.hashes {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	for _, h := range hs {
		b.WriteString(HashPrefix + h + "\n")
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}
