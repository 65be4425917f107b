package piitest

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"log/slog"
	"sync"

	"github.com/civickit/privacy/redact"
)

// Recorder is an io.Writer that keeps everything written to it, for
// capturing a portal's logs in a test. Point any logger at it: log/slog's
// text and JSON handlers, the standard log package, zap (zapcore.AddSync),
// zerolog (zerolog.New(rec)) or a plain fmt.Fprintf. It is safe for
// concurrent use, and each Write is kept whole.
//
// A Recorder has no String method on purpose: printing captured logs in a
// failure message would leak what the test is looking for. Pass it to
// AssertNoLeak or AssertNoPII instead.
type Recorder struct {
	mu  sync.Mutex
	buf []byte
}

var _ io.Writer = (*Recorder)(nil)

// NewRecorder returns an empty Recorder. The zero value is ready to use as
// well.
func NewRecorder() *Recorder { return &Recorder{} }

// Write appends p. It never fails.
func (r *Recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.buf = append(r.buf, p...)
	r.mu.Unlock()
	return len(p), nil
}

// Bytes returns a copy of everything written so far.
func (r *Recorder) Bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.buf)
}

// Since returns a copy of what was written after the first n bytes, and the
// new length; Len followed later by Since(n) gives what one step logged.
func (r *Recorder) Since(n int) ([]byte, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n = min(max(n, 0), len(r.buf))
	return bytes.Clone(r.buf[n:]), len(r.buf)
}

// Len returns how many bytes were written.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.buf)
}

// Reset discards everything written.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.buf = nil
	r.mu.Unlock()
}

// debugOptions logs every level, so a leak at debug level is caught too.
func debugOptions(opts *slog.HandlerOptions) *slog.HandlerOptions {
	if opts != nil {
		return opts
	}
	return &slog.HandlerOptions{Level: slog.LevelDebug}
}

// TextLogger returns a slog logger writing text records to r. Nil options
// mean every level, debug included.
func (r *Recorder) TextLogger(opts *slog.HandlerOptions) *slog.Logger {
	return slog.New(slog.NewTextHandler(r, debugOptions(opts)))
}

// JSONLogger returns a slog logger writing JSON records to r. Nil options
// mean every level, debug included.
func (r *Recorder) JSONLogger(opts *slog.HandlerOptions) *slog.Logger {
	return slog.New(slog.NewJSONHandler(r, debugOptions(opts)))
}

// StdLogger returns a standard library logger writing to r with the given
// prefix and flags (log.LstdFlags, ...).
func (r *Recorder) StdLogger(prefix string, flag int) *log.Logger {
	return log.New(r, prefix, flag)
}

// RedactingLogger returns a slog logger that writes JSON records to r
// through redact.NewHandler, the handler a portal should log through in
// production (see the package documentation). Nil options mean
// redact's defaults; every level is logged.
func (r *Recorder) RedactingLogger(opts *redact.HandlerOptions) *slog.Logger {
	return slog.New(redact.NewHandler(slog.NewJSONHandler(r, debugOptions(nil)), opts))
}

// Format prints "piitest.Recorder(N bytes)" for every verb, never the
// captured text.
func (r *Recorder) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "piitest.Recorder(%d bytes)", r.Len())
}
