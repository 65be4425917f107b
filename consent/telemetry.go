package consent

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metrics, when Options.MeterProvider is set (OpenTelemetry API only; the
// application chooses the SDK and exporter). No attribute ever carries
// personal data or a subject id: only event types, channels, methods,
// purposes (ids the city declares) and decisions.
//
//	consent.events               counter   {event}  consent.event.type, consent.channel, consent.method, consent.purpose
//	consent.may_contact.duration histogram s        consent.channel, consent.purpose, consent.allowed
//	consent.requests.limited     counter   {request} consent.channel
type telemetry struct {
	events     metric.Int64Counter
	mayContact metric.Float64Histogram
	limited    metric.Int64Counter
}

const instrumentationName = "github.com/civickit/privacy/consent"

func newTelemetry(mp metric.MeterProvider) (*telemetry, error) {
	if mp == nil {
		return nil, nil // no provider: nothing is measured, at no cost
	}
	m := mp.Meter(instrumentationName)
	var t telemetry
	var err error
	if t.events, err = m.Int64Counter("consent.events", metric.WithUnit("{event}"),
		metric.WithDescription("Consent events appended to the ledger")); err != nil {
		return nil, fmt.Errorf("consent: telemetry: %w", err)
	}
	if t.mayContact, err = m.Float64Histogram("consent.may_contact.duration", metric.WithUnit("s"),
		metric.WithDescription("Time to answer MayContact")); err != nil {
		return nil, fmt.Errorf("consent: telemetry: %w", err)
	}
	if t.limited, err = m.Int64Counter("consent.requests.limited", metric.WithUnit("{request}"),
		metric.WithDescription("Confirmation requests refused by Options.RequestLimit")); err != nil {
		return nil, fmt.Errorf("consent: telemetry: %w", err)
	}
	return &t, nil
}

func (t *telemetry) appended(ctx context.Context, events ...Event) {
	if t == nil {
		return
	}
	for _, e := range events {
		t.events.Add(ctx, 1, metric.WithAttributes(
			attribute.String("consent.event.type", string(e.Type)),
			attribute.String("consent.channel", string(e.Channel)),
			attribute.String("consent.method", string(e.Method)),
			attribute.String("consent.purpose", e.Purpose)))
	}
}

func (t *telemetry) answered(ctx context.Context, start time.Time, purpose string, ch Channel, d Decision, err error) {
	if t == nil || err != nil {
		return
	}
	t.mayContact.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(
		attribute.String("consent.channel", string(ch)),
		attribute.String("consent.purpose", purpose),
		attribute.Bool("consent.allowed", d.Allowed)))
}

func (t *telemetry) limitedRequest(ctx context.Context, ch Channel) {
	if t == nil {
		return
	}
	t.limited.Add(ctx, 1, metric.WithAttributes(attribute.String("consent.channel", string(ch))))
}
