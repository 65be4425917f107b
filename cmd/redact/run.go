package main

import (
	"context"

	"github.com/civickit/privacy/internal/kekuri"
	"github.com/civickit/privacy/redact/records"

	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact"
	"github.com/tink-crypto/tink-go/v2/tink"
	"golang.org/x/term"
)

// Exit codes.
const (
	exitClean      = 0 // every file released, nothing redacted
	exitRedacted   = 1 // every file released, redactions made
	exitError      = 2 // the command could not run (usage, keys, outputs)
	exitIncomplete = 3 // some files (or parts of files) were withheld or failed: the release is incomplete
)

// progressMin is the number of files from which a progress bar is shown
// (when stderr is a terminal).
const progressMin = 50

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

type fieldFlags map[string]redact.Entity

func (f fieldFlags) String() string { return "" }

func (f fieldFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
		return errors.New("want KEY=ENTITY, for example name=person_name")
	}
	f[strings.TrimSpace(k)] = redact.Entity(strings.TrimSpace(v))
	return nil
}

type config struct {
	jurisdiction, catalog, box, allow string
	deny, denyCode                    string
	allowPatterns, allowDomains       listFlag
	version                           bool
	fields                            fieldFlags
	minScore                          float64
	out, logCSV, logJSON, summary     string
	summaryJSON, mode                 string
	report, key, masterKey, kekURI    string
	fileMode, dirMode                 os.FileMode
	keygen, quiet                     bool
	workers                           int
	// decisionsPath is the review decisions file; dec its decisions
	// when they are applied.
	decisionsPath string
	dec           *records.Decisions
}

// defineFlags defines the flags of redact and redact review.
func defineFlags(fl *flag.FlagSet, cfg *config) {
	fl.StringVar(&cfg.jurisdiction, "jurisdiction", "federal", "built-in exemption catalog: "+strings.Join(records.Jurisdictions(), ", "))
	fl.StringVar(&cfg.catalog, "catalog", "", "exemption catalog `file` (JSON); overrides -jurisdiction")
	fl.StringVar(&cfg.box, "box", "", "redaction box `format` with {code}, {entity}, {label} (default from the catalog, "+records.DefaultBox+")")
	fl.StringVar(&cfg.allow, "allow", "", "allow-list `file`: values, or hmac:<hash> lines, to release")
	fl.StringVar(&cfg.deny, "deny", "", "deny-list `file`: terms to withhold everywhere (a requester's name, a case number), one per line, \"[code] term\" for a term's own exemption code")
	fl.StringVar(&cfg.denyCode, "deny-code", "", "exemption `code` for -deny terms without one (default: the catalog's default code)")
	fl.Var(&cfg.allowPatterns, "allow-pattern", "release findings that this regular `expression` matches whole (repeatable)")
	fl.Var(&cfg.allowDomains, "allow-domain", "release e-mail addresses at this `domain` and its subdomains, for example cityname.gov (repeatable)")
	fl.BoolVar(&cfg.version, "version", false, "print the version and exit")
	fl.Var(cfg.fields, "field", "treat JSON key or CSV column `KEY=ENTITY` as personal data (repeatable)")
	fl.Float64Var(&cfg.minScore, "min-score", 0, "minimum detector confidence, 0 to 1 (default 0.5)")
	fl.StringVar(&cfg.out, "out", "", "output `folder` (required)")
	fl.StringVar(&cfg.logCSV, "log", "", "CSV redaction log `file` (default OUT/redaction-log.csv)")
	fl.StringVar(&cfg.logJSON, "log-json", "", "JSON redaction log `file` (default OUT/redaction-log.json)")
	fl.StringVar(&cfg.summary, "summary", "", "CSV summary `file` (default OUT/redaction-summary.csv)")
	fl.StringVar(&cfg.summaryJSON, "summary-json", "", "JSON summary `file` (default OUT/redaction-summary.json)")
	fl.StringVar(&cfg.mode, "mode", "0600", "permission `bits` of every file written (folders get x where r is set); widen on purpose, for example 0640")
	fl.StringVar(&cfg.report, "report", "", "HTML review report `file` (default OUT/review.html)")
	fl.StringVar(&cfg.key, "key", "", "keyring `file` for the log's keyed hashes (pii Indexing keyring)")
	fl.StringVar(&cfg.masterKey, "master-key", "", "key-encryption key `file` that wraps -key")
	fl.StringVar(&cfg.kekURI, "kek-uri", "", "instead of -master-key, a KMS `key URI` that wraps -key: "+kekuri.Usage)
	fl.IntVar(&cfg.workers, "workers", runtime.GOMAXPROCS(0), "files processed in parallel")
	fl.BoolVar(&cfg.quiet, "quiet", false, "no progress bar and no summary line")
}

// run is the command; it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "review" {
		return runReview(args[1:], stdout, stderr)
	}
	cfg := config{fields: fieldFlags{}}
	fl := flag.NewFlagSet("redact", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: redact -out DIR [flags] FILE_OR_FOLDER...")
		fmt.Fprintln(stderr, "       redact review -out DIR -key FILE -master-key FILE|-kek-uri URI [flags] FILE_OR_FOLDER...")
		fl.PrintDefaults()
	}
	defineFlags(fl, &cfg)
	fl.StringVar(&cfg.decisionsPath, "decisions", "", "apply the review decisions `file` (from redact review): rejected proposals are released, added redactions made; needs -key")
	fl.BoolVar(&cfg.keygen, "keygen", false, "create -key (and -master-key if missing), then exit")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitClean
		}
		return exitError
	}
	if cfg.version {
		fmt.Fprintln(stdout, "redact", versionString())
		return exitClean
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "redact: "+format+"\n", a...)
		return exitError
	}
	if cfg.keygen {
		if err := keygen(cfg.key, cfg.masterKey, cfg.kekURI); err != nil {
			return fail("%v", err)
		}
		by := cfg.masterKey
		if cfg.kekURI != "" {
			by = "the -kek-uri key"
		}
		fmt.Fprintf(stdout, "redact: wrote keyring %s wrapped by %s\n", cfg.key, by)
		return exitClean
	}
	if cfg.decisionsPath != "" && cfg.key == "" {
		return fail("-decisions needs -key (with -master-key or -kek-uri): the decisions are matched by the keyed hashes of the review")
	}
	rq, jobs, err := prepare(&cfg, fl.Args(), stderr)
	if err != nil {
		return fail("%v", err)
	}
	if cfg.decisionsPath != "" {
		if cfg.dec, err = rq.LoadDecisions(cfg.decisionsPath); err != nil {
			return fail("%v", err)
		}
		reportDecisions(cfg.dec, jobs, stderr)
	}
	return release(rq, jobs, cfg, stderr)
}

// prepare checks the flags, loads the key and the request, lists the
// input files and makes the output folder.
func prepare(cfg *config, inputs []string, stderr io.Writer) (*records.Request, []job, error) {
	if cfg.out == "" {
		return nil, nil, errors.New("-out is required")
	}
	if len(inputs) == 0 {
		return nil, nil, errors.New("no input files or folders")
	}
	if cfg.workers < 1 {
		cfg.workers = 1
	}
	m, err := strconv.ParseUint(cfg.mode, 8, 32)
	if err != nil || m&^0o666 != 0 || m&0o600 != 0o600 {
		return nil, nil, fmt.Errorf("-mode %q: want octal permission bits within 0666 that let the owner read and write, for example 0600 or 0640", cfg.mode)
	}
	cfg.fileMode = os.FileMode(m)
	cfg.dirMode = cfg.fileMode | (cfg.fileMode&0o444)>>2
	key, err := loadKey(cfg.key, cfg.masterKey, cfg.kekURI, stderr)
	if err != nil {
		return nil, nil, err
	}
	rq, err := newRequest(*cfg, key)
	if err != nil {
		return nil, nil, err
	}
	jobs, err := collect(inputs, cfg.out)
	if err != nil {
		return nil, nil, err
	}
	def := func(p *string, name string) {
		if *p == "" {
			*p = filepath.Join(cfg.out, name)
		}
	}
	def(&cfg.logCSV, "redaction-log.csv")
	def(&cfg.logJSON, "redaction-log.json")
	def(&cfg.summary, "redaction-summary.csv")
	def(&cfg.summaryJSON, "redaction-summary.json")
	def(&cfg.report, "review.html")
	sidecars := []string{cfg.logCSV, cfg.logJSON, cfg.summary, cfg.summaryJSON, cfg.report}
	if cfg.decisionsPath != "" {
		sidecars = append(sidecars, cfg.decisionsPath)
	}
	if err := checkSidecars(jobs, inputs, sidecars...); err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(cfg.out, cfg.dirMode); err != nil {
		return nil, nil, fmt.Errorf("creating output folder: %v", err)
	}
	return rq, jobs, nil
}

// release redacts the jobs into the output folder, prints the summary
// line and returns the exit code.
func release(rq *records.Request, jobs []job, cfg config, stderr io.Writer) int {
	var bar *progress
	if !cfg.quiet && len(jobs) >= progressMin {
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			bar = &progress{w: stderr, total: len(jobs)}
		}
	}
	sum, err := process(rq, jobs, cfg, bar, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "redact: %v\n", err)
		return exitError
	}
	if !cfg.quiet {
		reviewed := ""
		if cfg.dec != nil {
			reviewed = fmt.Sprintf("; review: %d added, %d proposals rejected", sum.Manual, sum.Rejected)
		}
		fmt.Fprintf(stderr, "redact: %d documents: %d redacted, %d clean, %d withheld, %d failed; %d parts withheld; %d redactions%s%s; log %s, report %s\n",
			sum.Documents, sum.Redacted, sum.Clean, sum.Withheld, sum.Failed, sum.Parts, sum.Redactions, byCode(sum.ByCode), reviewed, cfg.logCSV, cfg.report)
	}
	return exitCode(sum, cfg.quiet, stderr)
}

// exitCode is the exit code for a request's summary.
func exitCode(sum records.LogSummary, quiet bool, stderr io.Writer) int {
	switch {
	case !sum.Complete():
		if !quiet {
			fmt.Fprintln(stderr, "redact: the release is INCOMPLETE: withheld and failed files are not in the output folder; see the summary")
		}
		return exitIncomplete
	case sum.Redactions > 0:
		return exitRedacted
	}
	return exitClean
}

// reportDecisions tells, before a release, which inputs have no
// decisions (not reviewed) and which decisions name no input: neither is
// dropped silently.
func reportDecisions(dec *records.Decisions, jobs []job, stderr io.Writer) {
	names := map[string]bool{}
	unreviewed, readable := 0, 0
	for _, j := range jobs {
		names[j.name] = true
		if j.skip != nil {
			continue // withheld unread: nothing to review
		}
		readable++
		if dd := dec.Documents[j.name]; dd == nil || !dd.Reviewed {
			unreviewed++
		}
	}
	if unreviewed > 0 {
		fmt.Fprintf(stderr, "redact: %d of %d documents were not marked reviewed: their undecided proposals are redacted as proposed\n", unreviewed, readable)
	}
	var orphans []string
	for name := range dec.Documents {
		if !names[name] {
			orphans = append(orphans, name)
		}
	}
	slices.Sort(orphans)
	for _, name := range orphans {
		fmt.Fprintf(stderr, "redact: %s: the decisions file has decisions for this document, which is not among the inputs\n", name)
	}
}

func byCode(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var b strings.Builder
	b.WriteString(" (")
	for i, c := range codes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " " + strconv.Itoa(m[c]))
	}
	b.WriteString(")")
	return b.String()
}

func newRequest(cfg config, key redact.PRF) (*records.Request, error) {
	var cat *records.Catalog
	var err error
	if cfg.catalog != "" {
		cat, err = records.LoadCatalog(cfg.catalog)
	} else {
		cat, err = records.BuiltinCatalog(cfg.jurisdiction)
	}
	if err != nil {
		return nil, err
	}
	opts := &records.RequestOptions{Catalog: cat, Box: cfg.box, MinScore: cfg.minScore, Fields: cfg.fields}
	if cfg.allow != "" {
		if opts.Allow, err = records.LoadAllowList(cfg.allow); err != nil {
			return nil, err
		}
	}
	if len(cfg.allowPatterns)+len(cfg.allowDomains) > 0 && opts.Allow == nil {
		opts.Allow = &records.AllowList{}
	}
	for _, p := range cfg.allowPatterns {
		if err := opts.Allow.AddPattern(p); err != nil {
			return nil, fmt.Errorf("-allow-pattern %q: %w", p, err)
		}
	}
	for _, d := range cfg.allowDomains {
		if err := opts.Allow.AddDomain(d); err != nil {
			return nil, fmt.Errorf("-allow-domain %q: %w", d, err)
		}
	}
	if cfg.deny != "" {
		if opts.DenyList, err = records.LoadDenyList(cfg.deny); err != nil {
			return nil, err
		}
		opts.DenyList.SetDefaultCode(cfg.denyCode)
	}
	return records.NewRequest(key, opts)
}

// loadKey reads the keyring for the log's keyed hashes, or makes an
// ephemeral one with a warning.
func loadKey(keyPath, masterPath, kekURI string, stderr io.Writer) (redact.PRF, error) {
	if keyPath == "" {
		fmt.Fprintln(stderr, "redact: warning: no -key given; using an ephemeral key, so the value hashes in this log cannot be matched with other runs or used in an allow-list")
		kr, err := pii.NewKeyring(pii.Indexing)
		if err != nil {
			return nil, err
		}
		return kr.PRF()
	}
	kek, err := openKEK(masterPath, kekURI)
	if err != nil {
		return nil, err
	}
	kr, err := pii.ReadKeyringFile(keyPath, pii.Indexing, kek)
	if err != nil {
		return nil, err
	}
	return kr.PRF()
}

// openKEK opens the key-encryption key of -key: -kek-uri or -master-key,
// exactly one.
func openKEK(masterPath, kekURI string) (tink.AEAD, error) {
	switch {
	case masterPath != "" && kekURI != "":
		return nil, errors.New("give -master-key or -kek-uri, not both")
	case kekURI != "":
		return kekuri.Open(context.Background(), kekURI)
	case masterPath != "":
		return pii.LoadMasterKey(masterPath)
	}
	return nil, errors.New("-key needs -master-key (a key-encryption key file) or -kek-uri (a KMS key) that it is wrapped with")
}

func keygen(keyPath, masterPath, kekURI string) error {
	if keyPath == "" || masterPath == "" && kekURI == "" {
		return errors.New("-keygen needs -key and -master-key or -kek-uri")
	}
	if _, err := os.Stat(keyPath); err == nil {
		return fmt.Errorf("%s exists; not overwriting a key", keyPath)
	}
	if masterPath != "" && kekURI == "" {
		if _, err := os.Stat(masterPath); err != nil {
			if _, err := pii.GenerateMasterKey(masterPath); err != nil {
				return err
			}
		}
	}
	kek, err := openKEK(masterPath, kekURI)
	if err != nil {
		return err
	}
	kr, err := pii.NewKeyring(pii.Indexing)
	if err != nil {
		return err
	}
	return kr.CreateFile(keyPath, kek) // never replaces a key made meanwhile
}

// job is one input file and where its output goes.
type job struct {
	src  string // input path
	name string // document name: slash-separated path relative to its input
	dst  string // output path
	// skip, when set, withholds the file without reading it (hidden or
	// not a regular file).
	skip *records.WithheldError
}

// collect lists every file under the inputs, each to end with a status
// (hidden files and anything that is not a regular file are withheld
// without being read), and checks that the output folder neither is,
// contains nor lies inside an input.
func collect(inputs []string, out string) ([]job, error) {
	absOut, err := resolve(out)
	if err != nil {
		return nil, err
	}
	var jobs []job
	seen := map[string]string{}
	for _, in := range inputs {
		st, err := os.Stat(in)
		if err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}
		absIn, err := resolve(in)
		if err != nil {
			return nil, err
		}
		if absIn == absOut || within(absOut, absIn) || (st.IsDir() && within(absIn, absOut)) {
			return nil, fmt.Errorf("output folder %s must not be, contain or lie inside input %s", out, in)
		}
		prefix := ""
		if len(inputs) > 1 && st.IsDir() {
			prefix = filepath.Base(absIn) + "/"
		}
		add := func(p, name string, skip records.Reason) error {
			if other, dup := seen[name]; dup {
				return fmt.Errorf("inputs %s and %s would both be written to %s", other, p, name)
			}
			seen[name] = p
			j := job{src: p, name: name, dst: filepath.Join(out, filepath.FromSlash(name))}
			if skip != "" {
				j.skip = &records.WithheldError{Document: name, Reason: skip}
			}
			jobs = append(jobs, j)
			return nil
		}
		if !st.IsDir() {
			if err := add(in, filepath.Base(in), ""); err != nil {
				return nil, err
			}
			continue
		}
		err = filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(in, p)
			if err != nil {
				return err
			}
			var skip records.Reason
			switch {
			case !d.Type().IsRegular():
				skip = records.ReasonNotRegular
			case hidden(rel):
				skip = records.ReasonHidden
			}
			return add(p, prefix+filepath.ToSlash(rel), skip)
		})
		if err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}
	}
	return jobs, nil
}

// hidden reports whether a relative path has a component starting with '.'.
func hidden(rel string) bool {
	for _, c := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.HasPrefix(c, ".") {
			return true
		}
	}
	return false
}

// checkSidecars refuses log and report paths that are an input or an
// output document, or lie inside an input folder.
func checkSidecars(jobs []job, inputs []string, paths ...string) error {
	outs := map[string]bool{}
	for _, j := range jobs {
		a, err := resolve(j.dst)
		if err != nil {
			return err
		}
		outs[a] = true
	}
	seen := map[string]bool{}
	for _, p := range paths {
		a, err := resolve(p)
		if err != nil {
			return err
		}
		if outs[a] || seen[a] {
			return fmt.Errorf("%s is also an output document or another log or report", p)
		}
		seen[a] = true
		for _, in := range inputs {
			ai, err := resolve(in)
			if err != nil {
				return err
			}
			if a == ai || within(ai, a) {
				return fmt.Errorf("%s must not be or lie inside input %s", p, in)
			}
		}
	}
	return nil
}

// resolve returns the absolute path of p with symbolic links resolved as
// far as p exists.
func resolve(p string) (string, error) {
	a, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := a; ; {
		r, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(append([]string{r}, rest...)...), nil
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return a, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
		cur = parent
	}
}

// within reports whether p lies strictly inside dir.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// progress is a one-line progress bar.
type progress struct {
	w           io.Writer
	total, done int
	last        time.Time
}

func (p *progress) step() {
	if p == nil {
		return
	}
	p.done++
	if now := time.Now(); p.done < p.total && now.Sub(p.last) < 100*time.Millisecond {
		return
	} else {
		p.last = now
	}
	const width = 30
	n := width * p.done / p.total
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d files", strings.Repeat("#", n), strings.Repeat(".", width-n), p.done, p.total)
	if p.done == p.total {
		fmt.Fprintln(p.w)
	}
}
