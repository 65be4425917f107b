package records

import (
	"github.com/civickit/privacy/redact"

	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/prf"
)

func init() {
	// Another test file of the package may define -update too.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// recordsKey is the fixed test-only PRF keyset under testdata/records, so
// that the keyed hashes in golden logs are stable. Never use a committed
// cleartext key for real records.
func recordsKey(t testing.TB) redact.PRF {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "records", "test-prf-keyset.json"))
	require.NoError(t, err)
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(bytes.NewReader(b)))
	require.NoError(t, err)
	set, err := prf.NewPRFSet(h)
	require.NoError(t, err)
	return set
}

func ephemeralKey(t testing.TB) redact.PRF {
	t.Helper()
	h, err := keyset.NewHandle(prf.HMACSHA256PRFKeyTemplate())
	require.NoError(t, err)
	set, err := prf.NewPRFSet(h)
	require.NoError(t, err)
	return set
}

// golden compares got with testdata/records/golden/name, rewriting it
// under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "records", "golden", filepath.FromSlash(name))
	if updateGolden() {
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, got, 0o644))
		return
	}
	want, err := os.ReadFile(p)
	require.NoError(t, err, "missing golden file; run go test -run %s -update", t.Name())
	assert.Equal(t, string(want), string(got), "golden file %s differs; review and run with -update", p)
}

// recordDocs returns the synthetic records set: relative name -> content.
func recordDocs(t testing.TB) ([]string, map[string][]byte) {
	t.Helper()
	root := filepath.Join("testdata", "records", "input")
	var names []string
	docs := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		names = append(names, rel)
		docs[rel] = b
		return nil
	}))
	require.NotEmpty(t, names)
	return names, docs
}

func recordsAllow(t testing.TB) *AllowList {
	t.Helper()
	a, err := LoadAllowList(filepath.Join("testdata", "records", "allow.txt"))
	require.NoError(t, err)
	return a
}

// runRecords redacts the records set under a jurisdiction and returns the
// outputs, the CSV and JSON logs, the summary CSV and the review report.
func runRecords(t *testing.T, jurisdiction string) (map[string][]byte, []byte, []byte, []byte, []byte) {
	t.Helper()
	cat, err := BuiltinCatalog(jurisdiction)
	require.NoError(t, err)
	rq, err := NewRequest(recordsKey(t), &RequestOptions{Catalog: cat, Allow: recordsAllow(t)})
	require.NoError(t, err)
	var logCSV, logJSON, sumCSV, html bytes.Buffer
	lw, err := NewLogWriter(rq.Catalog(), &logCSV, &logJSON)
	require.NoError(t, err)
	rv, err := NewReview(rq.Catalog(), &ReviewOptions{Title: "Records request 2025-014 (synthetic)"})
	require.NoError(t, err)
	names, docs := recordDocs(t)
	outs := map[string][]byte{}
	for _, n := range names {
		res, err := rq.Document(n, docs[n])
		require.NoError(t, err, n)
		outs[n] = res.Output
		require.NoError(t, lw.Add(res))
		rv.Add(res)
	}
	require.NoError(t, lw.Close())
	require.NoError(t, lw.Summary().WriteCSV(&sumCSV))
	require.NoError(t, rv.WriteHTML(&html))
	return outs, logCSV.Bytes(), logJSON.Bytes(), sumCSV.Bytes(), html.Bytes()
}

func TestRecordsGolden(t *testing.T) {
	for _, j := range []string{"federal", "ma", "ca-utility"} {
		t.Run(j, func(t *testing.T) {
			outs, logCSV, logJSON, sumCSV, html := runRecords(t, j)
			cat, err := BuiltinCatalog(j)
			require.NoError(t, err)
			rq, err := NewRequest(recordsKey(t), &RequestOptions{Catalog: cat, Allow: recordsAllow(t)})
			require.NoError(t, err)
			for n, out := range outs {
				golden(t, j+"/"+n, out)
				again, err := rq.Document(n, out)
				require.NoError(t, err)
				assert.Equal(t, string(out), string(again.Output), "redacting %s twice must change nothing", n)
			}
			golden(t, j+"/redaction-log.csv", logCSV)
			golden(t, j+"/redaction-log.json", logJSON)
			golden(t, j+"/redaction-summary.csv", sumCSV)
			golden(t, j+"/review.html", html)
		})
	}
}

// recordsPII lists every personal value in the records set that is not on
// the allow-list.
var recordsPII = []string{
	"Maria Lopez", "maria.lopez@example.com", "42 Elm Street", "01103",
	"4111 1111 1111 1111", "4111111111111111", "4111-1111-1111-1111",
	"555-0142", "555-0187", "555-0123", "555 0123", "5550123", "555-0199",
	"Thomas Reed", "t.reed@example.com", "17 Oak Avenue",
	"Ana Diaz", "ana.diaz@example.com", "9 Birch Road", "203.0.113.57",
}

func TestRecordsLogAndReportHoldNoPII(t *testing.T) {
	for _, j := range Jurisdictions() {
		t.Run(j, func(t *testing.T) {
			outs, logCSV, logJSON, sumCSV, html := runRecords(t, j)
			for _, v := range recordsPII {
				for what, b := range map[string][]byte{"csv log": logCSV, "json log": logJSON, "summary": sumCSV, "review": html} {
					assert.NotContains(t, string(b), v, "%s leaks a withheld value", what)
				}
				for n, out := range outs {
					assert.NotContains(t, string(out), v, "%s still holds a withheld value", n)
				}
			}
			// The allow-list releases the public officials' data.
			assert.Contains(t, string(outs["council-correspondence.txt"]), "James Carter")
			assert.Contains(t, string(outs["council-correspondence.txt"]), "(413) 555-0100")
			// The report is self-contained: no scripts, no external assets.
			low := strings.ToLower(string(html))
			for _, bad := range []string{"<script", "src=", "http://", "https://", "@import", "<link"} {
				assert.NotContains(t, low, bad)
			}
		})
	}
}
