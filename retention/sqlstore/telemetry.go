package sqlstore

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metrics, when SweeperOptions.MeterProvider is set (OpenTelemetry API
// only), recorded at the end of each Sweep. Attributes name sources,
// categories and actions from the schedule, never a record, a subject or a
// hold's name (which may name a case).
//
//	retention.sweeps             counter {sweep}   retention.outcome (ok, error)
//	retention.records.evaluated  counter {record}  retention.source
//	retention.records.disposed   counter {record}  retention.source, retention.category, retention.action
//	retention.records.held       counter {record}
type telemetry struct {
	sweeps, evaluated, disposed, held metric.Int64Counter
}

func newTelemetry(mp metric.MeterProvider) (*telemetry, error) {
	if mp == nil {
		return nil, nil
	}
	m := mp.Meter("github.com/civickit/privacy/retention/sqlstore")
	var t telemetry
	for _, c := range []struct {
		dst        *metric.Int64Counter
		name, unit string
		desc       string
	}{
		{&t.sweeps, "retention.sweeps", "{sweep}", "Retention sweeps run"},
		{&t.evaluated, "retention.records.evaluated", "{record}", "Records evaluated against the schedule"},
		{&t.disposed, "retention.records.disposed", "{record}", "Records disposed of"},
		{&t.held, "retention.records.held", "{record}", "Due records kept by a legal hold"},
	} {
		var err error
		if *c.dst, err = m.Int64Counter(c.name, metric.WithUnit(c.unit), metric.WithDescription(c.desc)); err != nil {
			return nil, fmt.Errorf("sqlstore: telemetry: %w", err)
		}
	}
	return &t, nil
}

// swept records a finished (or failed) sweep's report.
func (t *telemetry) swept(ctx context.Context, rep *Report, err error) {
	if t == nil || rep == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	t.sweeps.Add(ctx, 1, metric.WithAttributes(attribute.String("retention.outcome", outcome)))
	t.evaluated.Add(ctx, rep.Scanned)
	for _, d := range rep.Disposed {
		t.disposed.Add(ctx, d.Count, metric.WithAttributes(
			attribute.String("retention.source", d.Source),
			attribute.String("retention.category", d.Category),
			attribute.String("retention.action", string(d.Action))))
	}
	var held int64
	for _, n := range rep.Held {
		held += n
	}
	if held > 0 {
		t.held.Add(ctx, held)
	}
}
