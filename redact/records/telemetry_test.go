package records

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Each document the request returns is counted by outcome, each redaction
// by exemption code and entity; no document name or text reaches a metric.
func TestRecordsTelemetry(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	rq, err := NewRequest(recordsKey(t), &RequestOptions{MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))})
	require.NoError(t, err)
	_, err = rq.Document("complaint from jane.roe@example.com.txt", []byte("Please reply to jane.roe@example.com or 617-555-0142.\n"))
	require.NoError(t, err)
	_, err = rq.Document("minutes.txt", []byte("The council met at noon.\n"))
	require.NoError(t, err)
	_, err = rq.Document("John Roe photo.heic", []byte("\x00\x00\x00\x18ftypheic"))
	require.Error(t, err)

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			sum, ok := m.Data.(metricdata.Sum[int64])
			if !ok {
				continue
			}
			for _, p := range sum.DataPoints {
				key := m.Name
				for _, a := range []string{"records.status", "records.reason", "records.exemption"} {
					if v, ok := p.Attributes.Value(attribute.Key(a)); ok && v.AsString() != "" {
						key += "/" + v.AsString()
					}
				}
				got[key] += p.Value
			}
		}
	}
	assert.Equal(t, int64(1), got["records.documents/redacted"])
	assert.Equal(t, int64(1), got["records.documents/clean"])
	assert.Equal(t, int64(1), got["records.documents/withheld/unsupported format"])
	assert.Equal(t, int64(2), got["records.redactions/(b)(6)"], "%v", got)
	dump, err := json.Marshal(rm)
	require.NoError(t, err)
	for _, secret := range []string{"jane.roe", "617-555-0142", "John Roe", "complaint", "minutes"} {
		assert.NotContains(t, string(dump), secret)
	}
}
