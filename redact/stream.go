package redact

import (
	"errors"
	"io"
)

// Stream buffering: text is scanned in chunks of streamChunk bytes. The
// last streamLookahead bytes of a chunk are held back until more input
// arrives, so that no entity (all are far shorter) is cut at a chunk
// boundary; streamHistory bytes already written stay in the buffer as
// context for the next scan.
const (
	streamChunk     = 64 << 10
	streamLookahead = 1024
	streamHistory   = 256
)

// Writer redacts text written to it and writes the result to an
// underlying writer. It holds back a little input so that entities split
// across Write calls are still found; Close flushes it. A Writer is not
// safe for concurrent use.
type Writer struct {
	r      *Redactor
	dst    io.Writer
	buf    []byte // history + pending input
	hist   int    // bytes at the start of buf already written
	out    []byte
	err    error
	closed bool
}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("redact: write to closed Writer")

// NewWriter returns a Writer that redacts with r and writes to dst.
func (r *Redactor) NewWriter(dst io.Writer) *Writer {
	return &Writer{r: r, dst: dst}
}

// Write buffers p and writes out every part that can no longer be changed
// by what follows. It always consumes all of p unless an error occurred.
func (w *Writer) Write(p []byte) (int, error) {
	if w.closed {
		return 0, ErrClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	for len(p) > 0 {
		room := streamChunk + streamLookahead - (len(w.buf) - w.hist)
		if room <= 0 {
			if err := w.flush(false); err != nil {
				return n - len(p), err
			}
			continue
		}
		k := min(room, len(p))
		w.buf = append(w.buf, p[:k]...)
		p = p[k:]
	}
	return n, nil
}

// Close writes out the rest of the input. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	return w.flush(true)
}

// flush scans the buffer and writes the redacted text up to a safe cut.
func (w *Writer) flush(final bool) error {
	buf := w.buf
	fs := w.r.FindBytes(buf)
	cut := len(buf)
	if !final {
		cut = len(buf) - streamLookahead
		// cut at a space, and never inside a finding
		for k := cut; k > w.hist && cut-k < 256; k-- {
			if buf[k] == ' ' || buf[k] == '\n' {
				cut = k
				break
			}
		}
		for _, f := range fs {
			if f.Start < cut && f.End > cut {
				cut = f.Start
			}
		}
		if cut < w.hist {
			cut = w.hist
		}
	}
	out := w.out[:0]
	last := w.hist
	for _, f := range fs {
		if f.End <= w.hist || f.Start >= cut {
			continue
		}
		start := max(f.Start, w.hist) // a finding reaching into history: redact the rest
		out = append(out, buf[last:start]...)
		out = w.r.applyOne(out, f, buf[f.Start:f.End])
		last = f.End
	}
	if last < cut {
		out = append(out, buf[last:cut]...)
	}
	w.out = out
	if _, err := w.dst.Write(out); err != nil {
		w.err = err
		return err
	}
	// keep some history before the cut as context for the next scan
	keepFrom := max(cut-streamHistory, 0)
	if last > cut {
		keepFrom = max(keepFrom, min(last, len(buf)))
	}
	rest := copy(w.buf, buf[keepFrom:])
	w.buf = w.buf[:rest]
	w.hist = max(cut, last) - keepFrom
	if w.hist > len(w.buf) {
		w.hist = len(w.buf)
	}
	return nil
}

// applyOne appends the operator output for one finding; a failing
// operator falls back to the label.
func (r *Redactor) applyOne(dst []byte, f Finding, text []byte) []byte {
	mark := len(dst)
	out, err := r.operator(f).Apply(dst, f, string(text))
	if err != nil {
		return append(dst[:mark], f.Entity.Label()...)
	}
	return out
}

// RedactStream copies src to dst with personal data redacted, in bounded
// memory, finding entities split across reads.
func (r *Redactor) RedactStream(dst io.Writer, src io.Reader) error {
	w := r.NewWriter(dst)
	if _, err := io.Copy(w, src); err != nil {
		return err
	}
	return w.Close()
}
