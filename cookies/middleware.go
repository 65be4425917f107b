package cookies

import (
	"errors"
	"io"
	"net/http"
)

// Middleware loads the session for each request, puts it in the request
// context (see FromContext), and saves it just before the first byte of the
// response is written: on the handler's first WriteHeader, Write, Flush or
// ReadFrom, or when the handler returns without writing. A cookie is only
// set when the session needs one (see Save).
//
// A cookie that does not open (forged, expired, from a disabled key, or
// naming a server-side session that has ended) is ignored and the visitor
// gets a new session. If the Store fails, the request gets 503 Service
// Unavailable and the handler does not run. A save that fails (PII in
// Values, cookie too long) is logged without values and the response goes
// out without the cookie; call Save yourself to handle the error.
//
// The wrapped ResponseWriter keeps http.ResponseController working: it
// implements Flush and FlushError (saving first) and Unwrap for the rest.
func (m *Manager[T]) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := m.Load(r)
		switch {
		case errors.Is(err, ErrStore):
			// Carrying on with an empty session would log the visitor
			// out and lose their state: fail this request instead.
			m.log.ErrorContext(r.Context(), "cookies: session store failed", "cookie", m.name, "error", err)
			http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
			return
		case err != nil:
			m.log.DebugContext(r.Context(), "cookies: session cookie not accepted, starting a new session", "cookie", m.name, "error", err)
		}
		r = r.WithContext(NewContext(r.Context(), s))
		sw := &sessionWriter{ResponseWriter: w}
		sw.commit = func() {
			if err := m.Save(w, r, s); err != nil && !errors.Is(err, ErrNoConsent) {
				m.log.ErrorContext(r.Context(), "cookies: session not saved", "cookie", m.name, "error", err)
			}
		}
		next.ServeHTTP(sw, r)
		sw.before()
	})
}

// sessionWriter saves the session before the response header goes out.
type sessionWriter struct {
	http.ResponseWriter
	commit func()
	done   bool
}

func (w *sessionWriter) before() {
	if !w.done {
		w.done = true
		w.commit()
	}
}

// WriteHeader saves the session, then writes the header. Informational
// (1xx) headers other than 101 pass through without saving.
func (w *sessionWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.before()
	w.ResponseWriter.WriteHeader(code)
}

func (w *sessionWriter) Write(b []byte) (int, error) {
	w.before()
	return w.ResponseWriter.Write(b)
}

// ReadFrom keeps io.Copy's sendfile path when the underlying writer has one.
func (w *sessionWriter) ReadFrom(r io.Reader) (int64, error) {
	w.before()
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{w.ResponseWriter}, r)
}

type writerOnly struct{ io.Writer }

// Flush implements http.Flusher.
func (w *sessionWriter) Flush() { _ = w.FlushError() }

// FlushError is what http.ResponseController.Flush calls.
func (w *sessionWriter) FlushError() error {
	w.before()
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *sessionWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
