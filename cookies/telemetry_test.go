package cookies

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Cookies that fail to decode are counted by reason (a tampering signal),
// and so are sessions the PII guard refuses; no cookie value or session
// content reaches a metric.
func TestTelemetry(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	clk := newClock()
	m, err := NewManager(newKeyring(t), &Options[webSession]{Detector: testDetector{}, Now: clk.Now, MaxAge: time.Hour,
		MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))})
	require.NoError(t, err)

	// A good cookie, made by the manager.
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	s, err := m.Load(r)
	require.NoError(t, err)
	s.Values.UserRef = "acct_0001"
	require.NoError(t, m.Save(w, r, s))
	good := w.Result().Cookies()[0]

	load := func(c *http.Cookie) {
		r := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
		r.AddCookie(c)
		_, _ = m.Load(r)
	}
	tampered := *good
	tampered.Value = strings.Repeat("A", len(good.Value))
	load(&tampered)
	load(&tampered)
	clk.Advance(2 * time.Hour)
	load(good)

	// A session holding an e-mail address is refused.
	r = httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	s, _ = m.Load(r)
	s.Values.UserRef = "resident@example.com"
	require.ErrorIs(t, m.Save(httptest.NewRecorder(), r, s), ErrContainsPII)

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			if sum, ok := mt.Data.(metricdata.Sum[int64]); ok {
				for _, p := range sum.DataPoints {
					reason, _ := p.Attributes.Value("cookies.reason")
					got[mt.Name+"/"+reason.AsString()] += p.Value
				}
			}
		}
	}
	assert.Equal(t, map[string]int64{"cookies.session.rejected/invalid": 2, "cookies.session.rejected/expired": 1, "cookies.session.refused/pii": 1}, got)
	dump, err := json.Marshal(rm)
	require.NoError(t, err)
	for _, secret := range []string{good.Value, "resident@example.com", "acct_0001"} {
		assert.NotContains(t, string(dump), secret)
	}
}
