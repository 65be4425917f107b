package redact_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/redact"
)

// The citymail corpus (testdata/citymail/*.txt) is realistic city
// correspondence with international residents: resident e-mails, 311 call
// notes, contact forms, letters, council minutes, police and code
// narratives, benefits and utility correspondence, permit applications,
// chatbot transcripts, forwarded threads and letters about family abroad.
// It was written and labelled from the entity definitions alone, without
// reading the detectors or their data, and was not tuned on: see
// testdata/citymail/README.md.
//
// Source format: each document starts with a line "### <id> <style>"; the
// lines up to the next such line (leading and trailing blank lines dropped)
// are its text. Gold spans are written inline as [[entity|value]]; the
// markup is removed and the value kept, so offsets are byte offsets into
// the plain text.

// citymailFloors are regression floors for New(nil) on the citymail corpus,
// set a little under the values measured (first when the corpus was
// committed, README.md beside it; raised on 2026-12-01 to P 0.91, R 0.92,
// F2 0.92 under P 0.928, R 0.934, F2 0.933). They guard against
// regressions; they are not targets.
var citymailFloors = struct {
	precision, recall, f2 float64
}{precision: 0.91, recall: 0.92, f2: 0.92}

const citymailDir = "testdata/citymail"

// parseCitymail converts one marked-up document body into text and spans.
func parseCitymail(id, src string) (string, []heldoutSpan, error) {
	known := map[redact.Entity]bool{}
	for _, e := range redact.Entities() {
		known[e] = true
	}
	var b strings.Builder
	var spans []heldoutSpan
	for {
		i := strings.Index(src, "[[")
		if i < 0 {
			break
		}
		b.WriteString(src[:i])
		rest := src[i+2:]
		bar := strings.IndexByte(rest, '|')
		end := strings.Index(rest, "]]")
		if bar < 0 || end < 0 || bar > end {
			return "", nil, fmt.Errorf("%s: unterminated or malformed markup near byte %d", id, b.Len())
		}
		ent := redact.Entity(rest[:bar])
		val := rest[bar+1 : end]
		if !known[ent] {
			return "", nil, fmt.Errorf("%s: unknown entity %q", id, ent)
		}
		if strings.Contains(val, "[[") || strings.Contains(val, "|") {
			return "", nil, fmt.Errorf("%s: nested markup in a %s span", id, ent)
		}
		if val == "" || strings.TrimSpace(val) != val {
			return "", nil, fmt.Errorf("%s: empty %s span or surrounding space at byte %d", id, ent, b.Len())
		}
		if strings.ContainsAny(val[len(val)-1:], ",;:") {
			return "", nil, fmt.Errorf("%s: %s span ends in punctuation at byte %d", id, ent, b.Len())
		}
		start := b.Len()
		b.WriteString(val)
		spans = append(spans, heldoutSpan{Start: start, End: b.Len(), Entity: ent})
		src = rest[end+2:]
	}
	b.WriteString(src)
	text := b.String()
	if strings.Contains(text, "]]") {
		return "", nil, fmt.Errorf("%s: stray ]] in text", id)
	}
	return text, spans, nil
}

// personTitles are honorifics and ranks that the guidelines keep outside a
// person_name span.
var personTitles = []string{"mr", "mrs", "ms", "miss", "dr", "prof", "rev", "fr", "pastor", "rabbi",
	"officer", "ofc", "sgt", "sergeant", "lt", "lieutenant", "major", "chief", "inspector",
	"councillor", "councilor", "council", "mayor", "judge", "sir", "madam"}

func loadCitymail(t *testing.T) []heldoutDoc {
	t.Helper()
	docs := loadMarked(t, citymailDir)
	require.GreaterOrEqual(t, len(docs), 150, "citymail corpus is incomplete")
	return docs
}

// loadMarked reads the marked-up documents of every *.txt file in dir (the
// citymail format) and checks their spans.
func loadMarked(t *testing.T, dir string) []heldoutDoc {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	slices.Sort(files)

	var docs []heldoutDoc
	ids := map[string]bool{}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		require.True(t, utf8.Valid(raw), file)
		lines := strings.Split(string(raw), "\n")
		var cur *heldoutDoc
		var body []string
		flush := func() {
			if cur == nil {
				return
			}
			src := strings.Trim(strings.Join(body, "\n"), "\n")
			text, spans, err := parseCitymail(cur.ID, src)
			require.NoError(t, err)
			cur.Text, cur.Spans = text, spans
			docs = append(docs, *cur)
			cur, body = nil, nil
		}
		for n, line := range lines {
			if strings.HasPrefix(line, "### ") {
				flush()
				f := strings.Fields(line[4:])
				require.Len(t, f, 2, "%s:%d: header must be '### <id> <style>'", file, n+1)
				require.False(t, ids[f[0]], "duplicate id %s", f[0])
				ids[f[0]] = true
				cur = &heldoutDoc{ID: f[0], Style: f[1]}
				continue
			}
			if cur == nil {
				require.Empty(t, strings.TrimSpace(line), "%s:%d: text before the first header", file, n+1)
				continue
			}
			body = append(body, line)
		}
		flush()
	}

	// The same checks as loadHeldout, plus the person_name title rule.
	for _, d := range docs {
		require.NotEmpty(t, strings.TrimSpace(d.Text), d.ID)
		last := 0
		for _, s := range d.Spans {
			require.True(t, s.Start >= last && s.End > s.Start && s.End <= len(d.Text),
				"%s: bad span %d-%d", d.ID, s.Start, s.End)
			require.True(t, utf8.RuneStart(d.Text[s.Start]), "%s: span start %d splits a character", d.ID, s.Start)
			require.True(t, s.End == len(d.Text) || utf8.RuneStart(d.Text[s.End]),
				"%s: span end %d splits a character", d.ID, s.End)
			require.Equal(t, strings.TrimSpace(d.Text[s.Start:s.End]), d.Text[s.Start:s.End],
				"%s: span %d-%d has surrounding space", d.ID, s.Start, s.End)
			if s.Entity == redact.PersonName {
				first := strings.ToLower(strings.TrimRight(strings.Fields(d.Text[s.Start:s.End])[0], "."))
				require.NotContains(t, personTitles, first, "%s: person_name span %d-%d starts with a title", d.ID, s.Start, s.End)
			}
			last = s.End
		}
	}
	return docs
}

// TestCitymailCorpus checks the corpus markup without running any detector.
func TestCitymailCorpus(t *testing.T) {
	docs := loadCitymail(t)
	perEntity := map[redact.Entity]int{}
	styles := map[string]int{}
	for _, d := range docs {
		styles[d.Style]++
		for _, s := range d.Spans {
			perEntity[s.Entity]++
		}
	}
	ents := make([]string, 0, len(perEntity))
	for e, n := range perEntity {
		ents = append(ents, fmt.Sprintf("%s=%d", e, n))
	}
	slices.Sort(ents)
	sty := make([]string, 0, len(styles))
	for s, n := range styles {
		sty = append(sty, fmt.Sprintf("%s=%d", s, n))
	}
	slices.Sort(sty)
	t.Logf("citymail: %d documents\nspans: %s\nstyles: %s", len(docs), strings.Join(ents, " "), strings.Join(sty, " "))
}

// TestCitymailPrecisionRecall scores New(nil) on the citymail corpus with
// the overlap rule of TestHeldoutPrecisionRecall, and adds a character-level
// leak rate per entity: the share of gold non-space bytes that no finding
// covers (a house number left beside a redacted street is a leak). Output
// is scores only; with -v it lists misses by id and offsets; with
// PRIVACY_CITYMAIL_DEBUG=1 it also prints the missed and spurious text, for
// local use only.
func TestCitymailPrecisionRecall(t *testing.T) {
	docs := loadCitymail(t)
	r, err := redact.New(nil)
	require.NoError(t, err)
	debug := os.Getenv("PRIVACY_CITYMAIL_DEBUG") == "1"
	total := scoreSpans(t, "citymail", docs, r, scoreOptions{leak: true, text: debug})
	assert.GreaterOrEqual(t, total.precision(), citymailFloors.precision, "overall precision fell below its floor")
	assert.GreaterOrEqual(t, total.recall(), citymailFloors.recall, "overall recall fell below its floor")
	assert.GreaterOrEqual(t, total.f2(), citymailFloors.f2, "overall F2 fell below its floor")
}
