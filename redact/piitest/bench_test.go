package piitest

import (
	"bytes"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// benchLogs are 10 MB of JSON access and application logs from slog, with
// timestamps, ids, paths, IP addresses and durations but no canary: the
// whole input must be scanned, the common case for a passing test.
var benchLogs = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	buf.Grow(10<<20 + 4096)
	h := slog.NewJSONHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	lg := slog.New(h)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	paths := []string{"/signup", "/accounts/%d/bills", "/consent/%d", "/records-request/%d", "/static/app.%x.js"}
	for i := 0; buf.Len() < 10<<20; i++ {
		p := paths[i%len(paths)]
		if bytes.Contains([]byte(p), []byte("%")) {
			p = fmt.Sprintf(p, i*7919)
		}
		lg.Info("request",
			"ts", t0.Add(time.Duration(i)*time.Millisecond).Format(time.RFC3339Nano),
			"method", "POST", "path", p, "status", 200+i%5,
			"ip", fmt.Sprintf("192.0.2.%d", i%256), "dur_ms", i%997,
			"req_id", fmt.Sprintf("%016x", uint64(i)*0x9e3779b97f4a7c15),
			"user_agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
	}
	return buf.Bytes()[:10<<20]
})

// bench100 returns 100 canaries: the seven generated kinds in turn.
func bench100() []Canary {
	cs := NewNamed("BenchmarkScan")
	var out []Canary
	for len(out) < 100 {
		out = append(out, cs.All()...)
	}
	return out[:100]
}

// BenchmarkScan10MB100Canaries scans 10 MB of logs for 100 canaries in
// every form, with the prebuilt matcher, with AssertNoLeak (which builds
// it each call), and with the substring-search baselines a user would
// otherwise write: every form (same coverage, one bytes.Index pass per
// form over the case-folded input) and raw values only (100 passes of
// bytes.Contains, which misses every encoding).
func BenchmarkScan10MB100Canaries(b *testing.B) {
	logs := benchLogs()
	canaries := bench100()
	m := NewMatcher(canaries...)
	b.Logf("100 canaries, %d forms, %d indexed windows", m.Patterns(), len(m.grams))
	b.Run("matcher", func(b *testing.B) {
		b.SetBytes(int64(len(logs)))
		for b.Loop() {
			if len(m.Find(logs)) != 0 {
				b.Fatal("clean logs reported a leak")
			}
		}
	})
	b.Run("AssertNoLeak", func(b *testing.B) {
		b.SetBytes(int64(len(logs)))
		ft := &fakeT{}
		for b.Loop() {
			AssertNoLeak(ft, logs, canaries...)
		}
		if ft.failed() {
			b.Fatal(ft.output())
		}
	})
	b.Run("substring-all-forms", func(b *testing.B) {
		b.SetBytes(int64(len(logs)))
		for b.Loop() {
			folded := bytes.ToLower(logs)
			for _, p := range m.pats {
				hay, needle := folded, p.folded
				if p.exact {
					hay, needle = logs, p.orig
				}
				if bytes.Contains(hay, []byte(needle)) {
					b.Fatal("clean logs reported a leak")
				}
			}
		}
	})
	b.Run("substring-raw-only", func(b *testing.B) {
		b.SetBytes(int64(len(logs)))
		for b.Loop() {
			for _, c := range canaries {
				if bytes.Contains(logs, []byte(c.Value())) {
					b.Fatal("clean logs reported a leak")
				}
			}
		}
	})
}

// BenchmarkNewMatcher100 is the cost of preparing every form of 100
// canaries.
func BenchmarkNewMatcher100(b *testing.B) {
	canaries := bench100()
	for b.Loop() {
		NewMatcher(canaries...)
	}
}

// BenchmarkAssertNoPII10MB is AssertNoPII over the same logs: the matcher
// plus the redact detectors. The logs hold documentation IP addresses,
// which the detectors report, so the assertion fails; the time is what
// matters.
func BenchmarkAssertNoPII10MB(b *testing.B) {
	logs := benchLogs()
	canaries := bench100()
	b.SetBytes(int64(len(logs)))
	for b.Loop() {
		AssertNoPII(&fakeT{}, logs, canaries...)
	}
}
