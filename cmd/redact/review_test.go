package main

import (
	"github.com/civickit/privacy/redact/records"

	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const reviewLetter = "Dear Ms. Ruiz,\nPlease call Ana Ruiz at (617) 555-0143 or write to ana.ruiz@example.com.\nCase file 4471-B was opened by the clerk.\n"

// reviewSetup makes a key, an input folder with a letter, and the
// request the command would build with them.
func reviewSetup(t *testing.T) (dir string, keyArgs []string, rq *records.Request) {
	t.Helper()
	dir = t.TempDir()
	keyArgs = []string{"-key", filepath.Join(dir, "key.json"), "-master-key", filepath.Join(dir, "master.key")}
	var so, se bytes.Buffer
	require.Equal(t, exitClean, run(append([]string{"-keygen"}, keyArgs...), &so, &se), se.String())
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "in"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in", "letter.txt"), []byte(reviewLetter), 0o600))
	key, err := loadKey(keyArgs[1], keyArgs[3], "", io.Discard)
	require.NoError(t, err)
	rq, err = newRequest(config{jurisdiction: "federal", fields: fieldFlags{}}, key)
	require.NoError(t, err)
	return dir, keyArgs, rq
}

// letterDecisions rejects the e-mail proposal and adds "4471-B".
func letterDecisions(t *testing.T, rq *records.Request) *records.Decisions {
	t.Helper()
	data := []byte(reviewLetter)
	res, segs, _, err := rq.Proposed("letter.txt", data)
	require.NoError(t, err)
	keys := records.ProposalKeys(res.Entries)
	dd := &records.DocumentDecisions{SHA256: records.ContentHash(data), Reviewed: true, ReviewedBy: "clerk"}
	for i, e := range res.Entries {
		if e.Entity == "email" {
			dd.Decide(records.ProposalDecision{ProposalKey: keys[i], Verdict: records.VerdictRejected, Reason: "already public", By: "clerk"})
		}
	}
	i := strings.Index(segs[0].Text, "4471-B")
	h, err := rq.HashValue("4471-B")
	require.NoError(t, err)
	dd.Added = append(dd.Added, records.ManualRedaction{ID: "m1", Code: "(b)(6)", Part: segs[0].Part, Start: i, End: i + 6, ValueHMAC: h, By: "clerk"})
	d := records.NewDecisions(rq.Catalog())
	d.Documents["letter.txt"] = dd
	return d
}

func TestDecisionsBatch(t *testing.T) {
	dir, keyArgs, rq := reviewSetup(t)
	decPath := filepath.Join(dir, "decisions.json")
	require.NoError(t, rq.WriteDecisions(decPath, letterDecisions(t, rq)))
	out := filepath.Join(dir, "out")
	args := append(append([]string{"-out", out, "-decisions", decPath}, keyArgs...), filepath.Join(dir, "in"))
	var so, se bytes.Buffer
	require.Equal(t, exitRedacted, run(args, &so, &se), se.String())
	assert.Contains(t, se.String(), "review: 1 added, 1 proposals rejected")
	rel, err := os.ReadFile(filepath.Join(out, "letter.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(rel), "ana.ruiz@example.com", "the rejected proposal is released")
	assert.NotContains(t, string(rel), "4471-B", "the added redaction is made")
	assert.NotContains(t, string(rel), "555-0143")
	decisions := map[string]string{}
	for _, r := range readLog(t, filepath.Join(out, "redaction-log.csv")) {
		decisions[r["decision"]] = r["decided_by"] + "|" + r["decision_reason"]
	}
	assert.Equal(t, "clerk|already public", decisions[records.DecisionRejected])
	assert.Equal(t, "clerk|", decisions[records.DecisionManual])
	assert.Contains(t, decisions, records.DecisionProposed, "undecided proposals are logged as proposed")
	sum, err := os.ReadFile(filepath.Join(out, "redaction-summary.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(sum), "total,manual_redactions,1,,\n")
	assert.Contains(t, string(sum), "total,proposals_rejected,1,,\n")
	assert.NotContains(t, se.String(), "Ruiz", "no personal data on stderr")

	// Decisions for a document that is not among the inputs are reported.
	d := letterDecisions(t, rq)
	d.Documents["gone.txt"] = &records.DocumentDecisions{SHA256: records.ContentHash([]byte("x")), Reviewed: true}
	orphan := filepath.Join(dir, "orphan.json")
	require.NoError(t, rq.WriteDecisions(orphan, d))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in", "notes.txt"), []byte("The council met."), 0o600))
	se.Reset()
	oargs := append(append([]string{"-out", filepath.Join(dir, "out-orphan"), "-decisions", orphan}, keyArgs...), filepath.Join(dir, "in"))
	assert.Equal(t, exitRedacted, run(oargs, &so, &se), se.String())
	assert.Contains(t, se.String(), "gone.txt: the decisions file has decisions for this document, which is not among the inputs")
	assert.Contains(t, se.String(), "1 of 2 documents were not marked reviewed")
	require.NoError(t, os.Remove(filepath.Join(dir, "in", "notes.txt")))

	// The document changed: its decisions are stale; it is withheld and
	// its old release removed; the run is incomplete.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in", "letter.txt"), []byte(reviewLetter+"P.S.\n"), 0o600))
	se.Reset()
	assert.Equal(t, exitIncomplete, run(args, &so, &se))
	assert.Contains(t, se.String(), "review decisions no longer match the document")
	assert.Contains(t, se.String(), "stale decision")
	_, err = os.Stat(filepath.Join(out, "letter.txt"))
	assert.True(t, os.IsNotExist(err), "no release of a document whose decisions are stale")

	// A decisions file changed by hand is refused outright.
	raw, err := os.ReadFile(decPath)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(decPath, bytes.Replace(raw, []byte("already public"), []byte("already publik"), 1), 0o600))
	se.Reset()
	assert.Equal(t, exitError, run(args, &so, &se))
	assert.Contains(t, se.String(), "invalid decisions file")
}

func TestDecisionsFlagsNeedKey(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, reason string
		args         []string
		want         string
	}{
		{"batch", "decisions are matched by keyed hashes: an ephemeral key cannot match them", []string{"-out", dir + "/o", "-decisions", dir + "/d.json", dir}, "-decisions needs -key"},
		{"review", "a review's decisions must be usable by a later run", []string{"review", "-out", dir + "/o", dir}, "-key (with -master-key or -kek-uri) is required"},
	}
	for _, tc := range tests {
		var so, se bytes.Buffer
		assert.Equal(t, exitError, run(tc.args, &so, &se), tc.reason)
		assert.Contains(t, se.String(), tc.want, tc.reason)
	}
}

// TestReviewServerApplies drives the review server of the command
// through its handler: reject, add by selection, mark reviewed, apply;
// the release, log and summary are written as by -decisions.
func TestReviewServerApplies(t *testing.T) {
	dir, keyArgs, _ := reviewSetup(t)
	cfg := config{fields: fieldFlags{}, jurisdiction: "federal", mode: "0600", workers: 1, quiet: true,
		key: keyArgs[1], masterKey: keyArgs[3], out: filepath.Join(dir, "out")}
	cfg.decisionsPath = filepath.Join(cfg.out, "review-decisions.json")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in", ".notes.txt"), []byte("x"), 0o600))
	var se bytes.Buffer
	rq, jobs, err := prepare(&cfg, []string{filepath.Join(dir, "in")}, io.Discard)
	require.NoError(t, err)
	srv, err := newReviewServer(rq, jobs, cfg, nil, "clerk", &se)
	require.NoError(t, err)
	srv.SetHost("127.0.0.1:7777")
	post := func(path string, form url.Values) *httptest.ResponseRecorder {
		form.Set("token", srv.Token())
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:7777"+path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = "127.0.0.1:40000"
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w
	}
	get := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:7777/?token="+srv.Token(), nil)
	get.RemoteAddr = "127.0.0.1:40000"
	gw := httptest.NewRecorder()
	srv.ServeHTTP(gw, get)
	assert.Contains(t, gw.Body.String(), "withheld: hidden file", "a file the review does not read is listed with its status")
	letter := ""
	for i, j := range jobs {
		if j.name == "letter.txt" {
			letter = strconv.Itoa(i)
		}
	}
	res, _, _, err := rq.Proposed("letter.txt", []byte(reviewLetter))
	require.NoError(t, err)
	for i, e := range res.Entries {
		if e.Entity == "email" {
			require.Equal(t, http.StatusSeeOther, post("/decide", url.Values{"doc": {letter}, "entry": {strconv.Itoa(i)}, "verdict": {"rejected"}, "reason": {"already public"}}).Code)
		}
	}
	i := strings.Index(reviewLetter, "4471-B")
	require.Equal(t, http.StatusSeeOther, post("/add", url.Values{"doc": {letter}, "seg": {"0"}, "start": {strconv.Itoa(i)}, "end": {strconv.Itoa(i + 6)}, "code": {"(b)(6)"}}).Code)
	require.Equal(t, http.StatusSeeOther, post("/reviewed", url.Values{"doc": {letter}, "reviewed": {"1"}}).Code)
	require.Equal(t, http.StatusSeeOther, post("/apply", url.Values{}).Code)
	rel, err := os.ReadFile(filepath.Join(cfg.out, "letter.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(rel), "ana.ruiz@example.com")
	assert.NotContains(t, string(rel), "4471-B")
	for _, f := range []string{"redaction-log.csv", "redaction-log.json", "redaction-summary.json", "review.html", "review-decisions.json"} {
		_, err := os.Stat(filepath.Join(cfg.out, f))
		assert.NoError(t, err, f)
	}
	require.NoError(t, os.Remove(filepath.Join(dir, "in", ".notes.txt")))
	// The decisions file the review wrote is what -decisions reads.
	out2 := filepath.Join(dir, "out2")
	var so, se2 bytes.Buffer
	args := append(append([]string{"-out", out2, "-decisions", cfg.decisionsPath}, keyArgs...), filepath.Join(dir, "in"))
	require.Equal(t, exitRedacted, run(args, &so, &se2), se2.String())
	rel2, err := os.ReadFile(filepath.Join(out2, "letter.txt"))
	require.NoError(t, err)
	assert.Equal(t, string(rel), string(rel2), "a later run over the same inputs reproduces the same release")
}
