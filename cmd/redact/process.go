package main

import (
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
// and streams the log and the review report in job order. It returns the
// summary, the number of failed documents and an error only when a log or
// the report could not be written.
func process(rq *records.Request, jobs []job, cfg config, bar *progress, stderr io.Writer) (records.LogSummary, int, error) {
	var none records.LogSummary
	logCSV, err := newAtomicFile(cfg.logCSV)
	if err != nil {
		return none, 0, err
	}
	defer logCSV.abort()
	logJSON, err := newAtomicFile(cfg.logJSON)
	if err != nil {
		return none, 0, err
	}
	defer logJSON.abort()
	lw, err := records.NewLogWriter(rq.Catalog(), logCSV, logJSON)
	if err != nil {
		return none, 0, err
	}
	rv, err := records.NewReview(rq.Catalog(), &records.ReviewOptions{Title: "Redaction review"})
	if err != nil {
		return none, 0, err
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
				done[i] <- redactFile(rq, jobs[i])
			}
		}()
	}
	failed := 0
	var werr error
	for i, j := range jobs {
		o := <-done[i]
		<-tokens
		bar.step()
		if o.err != nil {
			failed++
			var de *records.DocumentError
			if errors.As(o.err, &de) {
				fmt.Fprintf(stderr, "%v\n", o.err)
			} else {
				fmt.Fprintf(stderr, "redact: %s: %v\n", j.src, o.err)
			}
			lw.Fail(j.name, o.err)
			rv.Fail(j.name, o.err)
			continue
		}
		if werr == nil {
			werr = lw.Add(o.res)
		}
		rv.Add(o.res)
	}
	if werr != nil {
		return none, failed, werr
	}
	if err := lw.Close(); err != nil {
		return none, failed, err
	}
	sum := lw.Summary()
	if err := logCSV.commit(); err != nil {
		return none, failed, err
	}
	if err := logJSON.commit(); err != nil {
		return none, failed, err
	}
	if err := writeAtomic(cfg.summary, func(w io.Writer) error { return sum.WriteCSV(w) }); err != nil {
		return none, failed, err
	}
	if err := writeAtomic(cfg.report, rv.WriteHTML); err != nil {
		return none, failed, err
	}
	return sum, failed, nil
}

// redactFile reads, redacts and writes one file. On failure it removes a
// stale output of an earlier run, so that nothing unchecked is left.
func redactFile(rq *records.Request, j job) outcome {
	data, err := os.ReadFile(j.src)
	if err != nil {
		os.Remove(j.dst)
		return outcome{err: err}
	}
	res, err := rq.Document(j.name, data)
	if err != nil {
		os.Remove(j.dst)
		return outcome{err: err}
	}
	if err := writeAtomic(j.dst, func(w io.Writer) error {
		_, err := w.Write(res.Output)
		return err
	}); err != nil {
		return outcome{err: err}
	}
	return outcome{res: res}
}

// atomicFile is a buffered temp file renamed over its target on commit.
type atomicFile struct {
	f      *os.File
	w      *bufio.Writer
	target string
	done   bool
}

func (a *atomicFile) Write(p []byte) (int, error) { return a.w.Write(p) }

func newAtomicFile(target string) (*atomicFile, error) {
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &atomicFile{f: f, w: bufio.NewWriterSize(f, 256<<10), target: target}, nil
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
		err = os.Chmod(a.f.Name(), 0o644)
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
func writeAtomic(target string, write func(io.Writer) error) error {
	f, err := newAtomicFile(target)
	if err != nil {
		return err
	}
	defer f.abort()
	if err := write(f); err != nil {
		return fmt.Errorf("writing %s: %w", target, err)
	}
	return f.commit()
}
