package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/civickit/privacy/redact"
)

// newLogger returns the portal's logger: JSON lines through the redact
// package's slog handler, which takes personal data out of the message and
// every attribute (by key, by pii type and by content) and truncates IP
// addresses. main passes os.Stderr; tests pass a recorder and prove that the
// production wiring leaks nothing.
func newLogger(w io.Writer) (*slog.Logger, error) {
	base := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})
	return slog.New(redact.NewHandler(base, &redact.HandlerOptions{
		// The portal never logs a person's name, but if a future change
		// did, under any of these keys, the value goes whole.
		Keys: map[string]redact.Entity{"name": redact.PersonName, "full_name": redact.PersonName},
	})), nil
}

// truncateIP returns the network of a remote address: /24 for IPv4, /48 for
// IPv6. Access logs keep no full client address.
func truncateIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return "invalid"
	}
	ip = ip.Unmap()
	bits := 48
	if ip.Is4() {
		bits = 24
	}
	p, err := ip.Prefix(bits)
	if err != nil {
		return "invalid"
	}
	return p.String()
}

// statusWriter records the status code for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs one line per request: method, the route pattern (never the
// raw path or query, which can carry tokens), status, duration and the
// client network truncated to /24 or /48.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		rt := new(routeHolder)
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), routeKey{}, rt)))
		route := rt.pattern
		if route == "" {
			route = "(no route)"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", sw.status),
			slog.Duration("duration", time.Since(start)),
			slog.String("client", truncateIP(r.RemoteAddr)),
		)
	})
}

type routeKey struct{}

// routeHolder carries the matched route pattern from the mux back out to
// the access log, across middleware that copies the request.
type routeHolder struct{ pattern string }

// recordRoute wraps a handler registered on the mux so that the access log
// learns its pattern.
func recordRoute(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
			rt.pattern = r.Pattern
		}
		h.ServeHTTP(w, r)
	})
}
