package main

import (
	"encoding/json"

	"github.com/civickit/privacy/redact/records"

	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// outcome is what a worker made of one job.
type outcome struct {
	res *records.Result
	err error
}

// process redacts the jobs in parallel, writes each output atomically,
// and streams the log and the review report in job order. Every job ends
// with a status in the log, the summaries and the report; a withheld or
// failed document has no output (a stale one from an earlier run is
// removed). It returns the summary, and an error only when a log, a
// summary or the report could not be written.
func process(rq *records.Request, jobs []job, cfg config, bar *progress, stderr io.Writer) (records.LogSummary, error) {
	var none records.LogSummary
	logCSV, err := newAtomicFile(cfg.logCSV, cfg)
	if err != nil {
		return none, err
	}
	defer logCSV.abort()
	logJSON, err := newAtomicFile(cfg.logJSON, cfg)
	if err != nil {
		return none, err
	}
	defer logJSON.abort()
	lw, err := records.NewLogWriter(rq.Catalog(), logCSV, logJSON)
	if err != nil {
		return none, err
	}
	rv, err := records.NewReview(rq.Catalog(), &records.ReviewOptions{Title: "Redaction review"})
	if err != nil {
		return none, err
	}

	// Workers take jobs in order; tokens bound how far they run ahead of
	// the writer, so memory stays bounded on a large request.
	done := make([]chan outcome, len(jobs))
	for i := range done {
		done[i] = make(chan outcome, 1)
	}
	tokens := make(chan struct{}, 2*cfg.workers)
	next := make(chan int)
	go func() {
		for i := range jobs {
			tokens <- struct{}{}
			next <- i
		}
		close(next)
	}()
	for w := 0; w < cfg.workers; w++ {
		go func() {
			for i := range next {
				done[i] <- redactFile(rq, jobs[i], cfg)
			}
		}()
	}
	var werr error
	for i, j := range jobs {
		o := <-done[i]
		<-tokens
		bar.step()
		if o.err != nil {
			st, reason := records.StatusFor(o.err)
			fmt.Fprintf(stderr, "redact: %s: %s: %s\n", j.src, st, reason)
			var se *records.StaleError
			if errors.As(o.err, &se) {
				for _, d := range se.Stale {
					fmt.Fprintf(stderr, "redact: %s: stale decision: %s\n", j.src, staleText(d))
				}
			}
			if werr == nil {
				werr = lw.Fail(j.name, o.err)
			}
			rv.Fail(j.name, o.err)
			continue
		}
		if werr == nil {
			werr = lw.Add(o.res)
		}
		for _, p := range o.res.Withheld {
			fmt.Fprintf(stderr, "redact: %s: part withheld: %s: %s\n", j.src, p.Part, p.Reason)
		}
		rv.Add(o.res)
	}
	if werr != nil {
		return none, werr
	}
	if err := lw.Close(); err != nil {
		return none, err
	}
	sum := lw.Summary()
	if err := logCSV.commit(); err != nil {
		return none, err
	}
	if err := logJSON.commit(); err != nil {
		return none, err
	}
	if err := writeAtomic(cfg.summary, cfg, func(w io.Writer) error { return sum.WriteCSV(w) }); err != nil {
		return none, err
	}
	if err := writeAtomic(cfg.summaryJSON, cfg, func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(sum)
	}); err != nil {
		return none, err
	}
	if err := writeAtomic(cfg.report, cfg, rv.WriteHTML); err != nil {
		return none, err
	}
	return sum, nil
}

// redactFile reads, redacts and writes one file. When the file is
// withheld or fails it removes a stale output of an earlier run, so that
// nothing unchecked is left in the release.
func redactFile(rq *records.Request, j job, cfg config) outcome {
	fail := func(err error) outcome {
		os.Remove(j.dst)
		os.Remove(j.dst + ".eml") // an Outlook message's release
		return outcome{err: err}
	}
	if j.skip != nil {
		return fail(j.skip)
	}
	data, err := os.ReadFile(j.src)
	if err != nil {
		return fail(&records.DocumentError{Document: j.name, Err: fmt.Errorf("%w: cannot read the file", records.ErrDocument)})
	}
	var res *records.Result
	if cfg.dec != nil {
		res, err = rq.Decide(j.name, data, cfg.dec.Documents[j.name])
	} else {
		res, err = rq.Document(j.name, data)
	}
	if err != nil {
		return fail(err)
	}
	if err := writeAtomic(j.dst+res.ReleaseExt, cfg, func(w io.Writer) error {
		_, err := w.Write(res.Output)
		return err
	}); err != nil {
		return fail(&records.DocumentError{Document: j.name, Err: fmt.Errorf("%w: writing the release: %v", records.ErrDocument, err)})
	}
	return outcome{res: res}
}

// atomicFile is a buffered temp file renamed over its target on commit.
type atomicFile struct {
	f      *os.File
	w      *bufio.Writer
	target string
	mode   os.FileMode
	done   bool
}

func (a *atomicFile) Write(p []byte) (int, error) { return a.w.Write(p) }

func newAtomicFile(target string, cfg config) (*atomicFile, error) {
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, cfg.dirMode); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &atomicFile{f: f, w: bufio.NewWriterSize(f, 256<<10), target: target, mode: cfg.fileMode}, nil
}

func (a *atomicFile) commit() error {
	if a.done {
		return errors.New("file already committed")
	}
	a.done = true
	err := a.w.Flush()
	if err == nil {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(a.f.Name(), a.mode)
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.target)
	}
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("writing %s: %w", a.target, err)
	}
	return nil
}

func (a *atomicFile) abort() {
	if !a.done {
		a.done = true
		a.f.Close()
		os.Remove(a.f.Name())
	}
}

// writeAtomic writes target through a temp file in the same folder and a
// rename, so a reader never sees a partial file.
func writeAtomic(target string, cfg config, write func(io.Writer) error) error {
	f, err := newAtomicFile(target, cfg)
	if err != nil {
		return err
	}
	defer f.abort()
	if err := write(f); err != nil {
		return fmt.Errorf("writing %s: %w", target, err)
	}
	return f.commit()
}

// staleText describes a stale decision by its location and key, never a
// value.
func staleText(d records.StaleDecision) string {
	switch d.Kind {
	case "proposal":
		return fmt.Sprintf("proposal %s at %s: %s", d.Key.Entity, d.Key.Location, d.Why)
	case "added":
		where := d.Part
		if where == "" {
			where = "the text"
		}
		return fmt.Sprintf("added redaction %s in %s: %s", d.ID, where, d.Why)
	}
	return d.Why
}
