package consent_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/redact/piitest"
)

// With a MeterProvider the ledger counts events by type and times
// MayContact, and no metric carries a contact point or a subject id: the
// canaries (redact/piitest) used as contact points appear nowhere in what
// an exporter would send.
func TestTelemetry(t *testing.T) {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(t, 0), &consent.Options{MeterProvider: mp, RequestLimit: 1})
	require.NoError(t, err)
	cs := piitest.New(t)
	email := cs.Email()
	id, err := l.Enroll(ctx, pii.New(pii.Email, email.Value()))
	require.NoError(t, err)
	_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
	require.NoError(t, err)
	_, err = l.Record(ctx, consent.Event{Subject: id, Type: consent.Withdrawn, Purpose: "surveys", Channel: consent.Email, Method: consent.OneClick, Actor: "subject"})
	require.NoError(t, err)
	d, err := l.MayContact(ctx, id, "surveys", consent.Email)
	require.NoError(t, err)
	require.False(t, d.Allowed)
	_, _, err = l.Request(ctx, id, "eline:weekly-news", consent.Email, consent.NoticeRef{}, consent.WebForm)
	require.NoError(t, err)
	_, _, err = l.Request(ctx, id, "eline:weekly-news", consent.Email, consent.NoticeRef{}, consent.WebForm)
	var le *consent.LimitError
	require.ErrorAs(t, err, &le, "the second request in the window is limited")

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(ctx, &rm))
	sums := map[string]int64{}
	histograms := map[string]uint64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range data.DataPoints {
					typ, _ := p.Attributes.Value("consent.event.type")
					sums[m.Name+"/"+typ.AsString()] += p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range data.DataPoints {
					histograms[m.Name] += p.Count
				}
			}
		}
	}
	assert.Equal(t, map[string]int64{
		"consent.events/given": 1, "consent.events/withdrawn": 1, "consent.events/requested": 1,
		"consent.requests.limited/": 1,
	}, sums)
	assert.Equal(t, map[string]uint64{"consent.may_contact.duration": 1}, histograms)

	dump, err := json.Marshal(rm)
	require.NoError(t, err)
	piitest.AssertNoLeak(t, string(dump), cs.Planted()...)
	assert.NotContains(t, string(dump), id, "no subject id in the metrics")
}

// Without a MeterProvider nothing is measured and nothing is allocated
// for it.
func BenchmarkMayContactTelemetry(b *testing.B) {
	ctx := context.Background()
	for _, name := range []string{"none", "sdk"} {
		b.Run(name, func(b *testing.B) {
			opts := &consent.Options{}
			if name == "sdk" {
				opts.MeterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
			}
			l, err := consent.New(consent.NewMemoryStore(), consenttest.NewKeys(b, 0), opts)
			require.NoError(b, err)
			id, err := l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.MayContact(ctx, id, "surveys", consent.Email); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
