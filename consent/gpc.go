package consent

import (
	"context"
	"net/http"
	"strings"
)

type gpcKey struct{}

// GPCMiddleware reads the Global Privacy Control header (Sec-GPC: 1) of
// each request and records the signal in the request's context, where GPC
// and GPCFromContext read it. Other parts of a portal (the cookies
// package's non-essential categories, analytics) check it there; a handler
// that knows the subject can make it durable with Ledger.HonorGPC.
// It adds "Sec-GPC" to the response's Vary header.
func GPCMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Sec-GPC")
		on := strings.TrimSpace(r.Header.Get("Sec-GPC")) == "1"
		next.ServeHTTP(w, r.WithContext(WithGPC(r.Context(), on)))
	})
}

// WithGPC returns ctx carrying the GPC signal on.
func WithGPC(ctx context.Context, on bool) context.Context {
	return context.WithValue(ctx, gpcKey{}, on)
}

// GPCFromContext reports whether ctx carries a GPC signal (set by
// GPCMiddleware or WithGPC).
func GPCFromContext(ctx context.Context) bool {
	on, _ := ctx.Value(gpcKey{}).(bool)
	return on
}

// GPC reports whether the request carries a GPC signal: in its context
// (GPCMiddleware) or, if the middleware did not run, in its Sec-GPC
// header. Its signature fits a small interface such as
// interface{ GPC(*http.Request) bool } via a func adapter.
func GPC(r *http.Request) bool {
	if on, ok := r.Context().Value(gpcKey{}).(bool); ok {
		return on
	}
	return strings.TrimSpace(r.Header.Get("Sec-GPC")) == "1"
}

// PurposeChannel names one purpose on one channel.
type PurposeChannel struct {
	Purpose string
	Channel Channel
}

// HonorGPC records a GPC signal from the subject as a withdrawal, with
// method GPCSignal, of each listed non-essential purpose the subject has
// not already withdrawn. It returns the pairs withdrawn.
func (l *Ledger) HonorGPC(ctx context.Context, subject string, pairs ...PurposeChannel) ([]PurposeChannel, error) {
	var out []PurposeChannel
	for _, p := range pairs {
		ok, err := l.Withdraw(ctx, subject, p.Purpose, p.Channel, GPCSignal, "Sec-GPC: 1")
		if err != nil {
			return out, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}
