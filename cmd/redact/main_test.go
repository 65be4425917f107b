package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/civickit/privacy/redact/records"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var recordsDir = filepath.Join("..", "..", "redact", "records", "testdata", "records")

// buildCLI builds the command into a temp folder once per test.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "redact")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// runCLI runs the binary and returns its exit code and stderr.
func runCLI(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stderr.String()
	}
	require.NoError(t, err)
	return 0, stderr.String()
}

// copyTree copies a folder.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	}))
}

// snapshot returns every file under dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = string(b)
		return err
	}))
	return m
}

// readLog returns the redaction rows of a CSV log (status rows, which
// have no entity, are left out).
func readLog(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		if m["entity"] == "" {
			continue
		}
		rows = append(rows, m)
	}
	return rows
}

func TestCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildCLI(t)
	work := t.TempDir()
	in := filepath.Join(work, "request-2025-014")
	copyTree(t, filepath.Join(recordsDir, "input"), in)
	allow := filepath.Join(recordsDir, "allow.txt")
	key, master := filepath.Join(work, "keys", "log-key.json"), filepath.Join(work, "keys", "master.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(key), 0o700))

	code, stderr := runCLI(t, bin, "-keygen", "-key", key, "-master-key", master)
	require.Equal(t, exitClean, code, stderr)
	code, stderr = runCLI(t, bin, "-keygen", "-key", key, "-master-key", master)
	assert.Equal(t, exitError, code, "keygen must not overwrite a key")
	assert.Contains(t, stderr, "not overwriting")

	// A keyring wrapped by a key URI (the development scheme stands in for
	// a KMS here; pii/kms's packages are tested against KMS APIs).
	kmsKey := filepath.Join(work, "keys", "kms-log-key.json")
	uri := "dev-master-key://" + master
	code, stderr = runCLI(t, bin, "-keygen", "-key", kmsKey, "-kek-uri", uri)
	require.Equal(t, exitClean, code, stderr)
	code, stderr = runCLI(t, bin, "-keygen", "-key", filepath.Join(work, "keys", "both.json"), "-kek-uri", uri, "-master-key", master)
	assert.Equal(t, exitError, code, "one key-encryption key, not two")
	assert.Contains(t, stderr, "not both")
	code, stderr = runCLI(t, bin, "-out", filepath.Join(work, "out-kek-uri"), "-key", kmsKey, "-kek-uri", uri, filepath.Join(in, "alerts.jsonl"))
	assert.NotEqual(t, exitError, code, stderr)
	assert.NotContains(t, stderr, "ephemeral", "the -kek-uri key was used")

	t.Run("records set: outputs match the package's golden files", func(t *testing.T) {
		out := filepath.Join(work, "out-golden")
		before := snapshot(t, in)
		code, stderr := runCLI(t, bin, "-out", out, "-allow", allow, "-key", key, "-master-key", master, in)
		require.Equal(t, exitRedacted, code, stderr)
		assert.NotContains(t, stderr, "ephemeral", "a key was given")
		assert.Equal(t, before, snapshot(t, in), "inputs must never change")
		got := snapshot(t, out)
		for name := range before {
			want, err := os.ReadFile(filepath.Join(recordsDir, "golden", "federal", filepath.FromSlash(name)))
			require.NoError(t, err)
			assert.Equal(t, string(want), got[name], name)
		}
		for _, f := range []string{"redaction-log.csv", "redaction-log.json", "redaction-summary.csv", "review.html"} {
			assert.Contains(t, got, f)
		}
		for name := range got {
			assert.NotContains(t, name, ".tmp-", "temp files must be renamed or removed")
		}
		rows := readLog(t, filepath.Join(out, "redaction-log.csv"))
		docs := map[string]int{}
		for _, r := range rows {
			docs[r["document"]]++
			assert.Equal(t, "(b)(6)", r["code"])
			assert.Len(t, r["value_hmac"], 32)
		}
		assert.Len(t, docs, len(before), "every document has redactions in the log")
		var js struct {
			Redactions []json.RawMessage `json:"redactions"`
			Summary    struct {
				Redactions int            `json:"redactions"`
				ByCode     map[string]int `json:"by_code"`
			} `json:"summary"`
		}
		b, err := os.ReadFile(filepath.Join(out, "redaction-log.json"))
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &js))
		assert.Len(t, js.Redactions, len(rows))
		assert.Equal(t, len(rows), js.Summary.Redactions)
		assert.Equal(t, len(rows), js.Summary.ByCode["(b)(6)"])

		// Second pass over the released records changes nothing.
		again := filepath.Join(work, "out-again")
		code, stderr = runCLI(t, bin, "-out", again, "-allow", allow, "-key", key, "-master-key", master,
			"-log", filepath.Join(work, "again.csv"), "-log-json", filepath.Join(work, "again.json"),
			"-summary", filepath.Join(work, "again-summary.csv"), "-summary-json", filepath.Join(work, "again-summary.json"), "-report", filepath.Join(work, "again.html"), out)
		require.NotEqual(t, exitError, code, stderr)
		got2 := snapshot(t, again)
		for name := range before {
			assert.Equal(t, got[name], got2[name], "second pass changed %s", name)
		}
	})

	t.Run("every file ends with a status; withheld and failed files are not released", func(t *testing.T) {
		in2 := filepath.Join(work, "with-corrupt")
		copyTree(t, filepath.Join(recordsDir, "input"), in2)
		require.NoError(t, os.WriteFile(filepath.Join(in2, "a-broken.json"), []byte(`{"email": "x@example.com", `), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(in2, "b-broken.csv"), []byte("a,b\n\"unterminated,1\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(in2, "photo.gif"), []byte("GIF89a ana.ruiz@example.com"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(in2, "old.doc"), []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 SSN 512-44-7301"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(in2, "notes.txt.zip"), []byte("PK\x03\x04 not really"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(in2, ".hidden-notes.txt"), []byte("SSN 512-44-7301"), 0o644))
		out := filepath.Join(work, "out-corrupt")
		// A stale output of an earlier run must not survive a failure.
		require.NoError(t, os.MkdirAll(out, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(out, "a-broken.json"), []byte("stale"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(out, "photo.gif"), []byte("stale"), 0o644))
		code, stderr := runCLI(t, bin, "-out", out, "-allow", allow, "-key", key, "-master-key", master, in2)
		assert.Equal(t, exitIncomplete, code, "a distinct exit status for an incomplete release")
		assert.Contains(t, stderr, "a-broken.json: failed: line 1")
		assert.Contains(t, stderr, "b-broken.csv: failed")
		assert.Contains(t, stderr, "photo.gif: withheld")
		assert.Contains(t, stderr, "INCOMPLETE")
		assert.NotContains(t, stderr, "x@example.com", "errors never quote content")
		assert.NotContains(t, stderr, "512-44-7301", "errors never quote content")
		got := snapshot(t, out)
		for _, name := range []string{"a-broken.json", "b-broken.csv", "photo.gif", "old.doc", "notes.txt.zip", ".hidden-notes.txt"} {
			assert.NotContains(t, got, name, "%s is not released", name)
		}
		for _, name := range []string{"payments.csv", "subscribers.json", "council-correspondence.txt", "alerts.jsonl", "mail/complaint-water-bill.eml"} {
			assert.Contains(t, got, name, "the other files are still processed")
		}
		var js struct {
			Summary struct {
				Failed   int               `json:"documents_failed"`
				Withheld int               `json:"documents_withheld"`
				Errors   map[string]string `json:"errors"`
			} `json:"summary"`
		}
		require.NoError(t, json.Unmarshal([]byte(got["redaction-log.json"]), &js))
		assert.Equal(t, 2, js.Summary.Failed)
		assert.Equal(t, 4, js.Summary.Withheld)
		assert.Contains(t, js.Summary.Errors, "a-broken.json")
		assert.Equal(t, "hidden file", js.Summary.Errors[".hidden-notes.txt"])
		assert.Equal(t, "unsupported format (.doc, OLE compound file)", js.Summary.Errors["old.doc"])
		assert.Contains(t, got["review.html"], "a-broken.json")
		assert.Contains(t, got["review.html"], "photo.gif")

		// Every input file is listed exactly once, with a status, in the
		// JSON and CSV summaries.
		var inputs []string
		require.NoError(t, filepath.WalkDir(in2, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(in2, p)
				inputs = append(inputs, filepath.ToSlash(rel))
			}
			return err
		}))
		var sum records.LogSummary
		require.NoError(t, json.Unmarshal([]byte(got["redaction-summary.json"]), &sum))
		statuses := map[string]records.Status{}
		for _, f := range sum.Files {
			_, dup := statuses[f.Document]
			assert.False(t, dup, "%s listed twice", f.Document)
			statuses[f.Document] = f.Status
		}
		assert.Len(t, statuses, len(inputs))
		for _, p := range inputs {
			assert.Contains(t, statuses, p, "%s has a status", p)
			assert.Contains(t, got["redaction-summary.csv"], "document,"+p+",", "%s is in the CSV summary", p)
			if statuses[p] == records.StatusRedacted || statuses[p] == records.StatusClean {
				assert.Contains(t, got, p, "%s is released", p)
			}
		}
		assert.Equal(t, records.StatusWithheld, statuses["photo.gif"])
		assert.Equal(t, records.StatusFailed, statuses["b-broken.csv"])
	})

	t.Run("outputs are private by default and -mode widens them", func(t *testing.T) {
		out := filepath.Join(work, "out-private")
		code, stderr := runCLI(t, bin, "-out", out, "-key", key, "-master-key", master, in)
		require.Equal(t, exitRedacted, code, stderr)
		check := func(root string, file, dir os.FileMode) {
			require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				require.NoError(t, err)
				st, err := os.Stat(p)
				require.NoError(t, err)
				if d.IsDir() {
					if p != root {
						assert.Equal(t, dir, st.Mode().Perm(), p)
					}
				} else {
					assert.Equal(t, file, st.Mode().Perm(), p)
				}
				return nil
			}))
		}
		check(out, 0o600, 0o700)
		wide := filepath.Join(work, "out-wide")
		code, stderr = runCLI(t, bin, "-out", wide, "-mode", "0640", "-key", key, "-master-key", master, in)
		require.Equal(t, exitRedacted, code, stderr)
		check(wide, 0o640, 0o750)
		code, _ = runCLI(t, bin, "-out", wide, "-mode", "0444", in)
		assert.Equal(t, exitError, code, "a mode the owner cannot write is refused")
	})

	t.Run("exit 0 when nothing is redacted", func(t *testing.T) {
		clean := filepath.Join(work, "clean")
		require.NoError(t, os.MkdirAll(clean, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(clean, "minutes.md"), []byte("# Minutes\n\nThe council approved the budget.\n"), 0o644))
		code, stderr := runCLI(t, bin, "-out", filepath.Join(work, "out-clean"), clean)
		assert.Equal(t, exitClean, code, stderr)
		assert.Contains(t, stderr, "ephemeral", "no key: warn")
	})

	t.Run("allow-list by hash releases a value on the next run", func(t *testing.T) {
		out1 := filepath.Join(work, "out-hash-1")
		doc := filepath.Join(in, "council-correspondence.txt")
		code, stderr := runCLI(t, bin, "-out", out1, "-allow", allow, "-key", key, "-master-key", master, doc)
		require.Equal(t, exitRedacted, code, stderr)
		rows := readLog(t, filepath.Join(out1, "redaction-log.csv"))
		var hash string
		for _, r := range rows {
			if r["entity"] == "email" {
				hash = r["value_hmac"]
			}
		}
		require.NotEmpty(t, hash)
		allow2 := filepath.Join(work, "allow-hash.txt")
		require.NoError(t, os.WriteFile(allow2, []byte("James Carter\n(413) 555-0100\nhmac:"+hash+"\n"), 0o644))
		out2 := filepath.Join(work, "out-hash-2")
		code, stderr = runCLI(t, bin, "-out", out2, "-allow", allow2, "-key", key, "-master-key", master, doc)
		require.Equal(t, exitRedacted, code, stderr)
		rows2 := readLog(t, filepath.Join(out2, "redaction-log.csv"))
		assert.Less(t, len(rows2), len(rows))
		for _, r := range rows2 {
			assert.NotEqual(t, hash, r["value_hmac"])
		}
	})

	t.Run("refusals", func(t *testing.T) {
		cases := []struct {
			name string
			args []string
			why  string
		}{
			{"out is input", []string{"-out", in, in}, "output folder equals input"},
			{"out inside input", []string{"-out", filepath.Join(in, "redacted"), in}, "a rerun would read the outputs"},
			{"input inside out", []string{"-out", work, in}, "outputs would land over inputs"},
			{"input file inside out", []string{"-out", in, filepath.Join(in, "payments.csv")}, "output would overwrite the input file"},
			{"log inside input", []string{"-out", filepath.Join(work, "o1"), "-log", filepath.Join(in, "log.csv"), in}, "the log would land in the input"},
			{"unknown jurisdiction", []string{"-out", filepath.Join(work, "o2"), "-jurisdiction", "atlantis", in}, "no such catalog"},
			{"missing out", []string{in}, "-out is required"},
			{"key without master key", []string{"-out", filepath.Join(work, "o3"), "-key", key, in}, "keyring is wrapped"},
			{"bad flag", []string{"-nope"}, "unknown flag"},
		}
		before := snapshot(t, in)
		for _, c := range cases {
			code, stderr := runCLI(t, bin, c.args...)
			assert.Equal(t, exitError, code, "%s: %s (%s)", c.name, c.why, stderr)
		}
		assert.Equal(t, before, snapshot(t, in), "refused runs never touch inputs")
		_, err := os.Stat(filepath.Join(in, "redacted"))
		assert.True(t, os.IsNotExist(err), "no output folder is created inside an input")
	})

	t.Run("jurisdiction and box flags", func(t *testing.T) {
		out := filepath.Join(work, "out-ma")
		code, stderr := runCLI(t, bin, "-out", out, "-jurisdiction", "ma", "-box", "[WITHHELD {code}]", "-quiet",
			filepath.Join(in, "council-correspondence.txt"))
		require.Equal(t, exitRedacted, code, stderr)
		assert.Empty(t, strings.TrimSpace(strings.ReplaceAll(stderr, "redact: warning: no -key given; using an ephemeral key, so the value hashes in this log cannot be matched with other runs or used in an allow-list", "")))
		b, err := os.ReadFile(filepath.Join(out, "council-correspondence.txt"))
		require.NoError(t, err)
		assert.Contains(t, string(b), "[WITHHELD (c)]")
	})

	t.Run("own catalog and field flags", func(t *testing.T) {
		cat := filepath.Join(work, "springfield.json")
		require.NoError(t, os.WriteFile(cat, []byte(`{
		  "jurisdiction": "springfield", "name": "Springfield records ordinance",
		  "box": "<{code}>", "default": {"code": "S-1"},
		  "exemptions": [{"code": "S-1", "label": "privacy", "citation": "Springfield Code 2-14(a)"},
		                 {"code": "S-2", "label": "customers", "citation": "Springfield Code 2-14(b)"}],
		  "rules": [{"entity": "customer", "code": "S-2"}]
		}`), 0o644))
		src := filepath.Join(work, "own")
		require.NoError(t, os.MkdirAll(src, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(src, "list.csv"), []byte("Customer,amount\nLopez M.,3\n"), 0o644))
		out := filepath.Join(work, "out-own")
		code, stderr := runCLI(t, bin, "-out", out, "-catalog", cat, "-field", "customer=customer", src)
		require.Equal(t, exitRedacted, code, stderr)
		b, err := os.ReadFile(filepath.Join(out, "list.csv"))
		require.NoError(t, err)
		assert.Equal(t, "Customer,amount\n<S-2>,3\n", string(b))
		rows := readLog(t, filepath.Join(out, "redaction-log.csv"))
		require.Len(t, rows, 1)
		assert.Equal(t, "springfield.customer", rows[0]["rule"])
		assert.Equal(t, "Springfield Code 2-14(b)", rows[0]["citation"])

		bad := filepath.Join(work, "bad-catalog.json")
		require.NoError(t, os.WriteFile(bad, []byte(`{"jurisdiction": "x"}`), 0o644))
		code, stderr = runCLI(t, bin, "-out", filepath.Join(work, "out-bad"), "-catalog", bad, src)
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "invalid exemption catalog")
		code, _ = runCLI(t, bin, "-out", filepath.Join(work, "out-bad"), "-field", "oops", src)
		assert.Equal(t, exitError, code, "a -field without = is refused")
	})
}
