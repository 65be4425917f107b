package records

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Metrics, when RequestOptions.MeterProvider is set (OpenTelemetry API
// only), one observation per document Document, Redact, Text or Decide
// returns. Attributes are exemption codes, entity types, statuses and
// withholding reasons from fixed lists: never a document or part name
// (file names can name people), nor any text.
//
//	records.documents        counter {document}  records.status (redacted, clean, withheld, failed), records.reason
//	records.redactions       counter {redaction} records.exemption, records.entity
//	records.parts.withheld   counter {part}      records.reason
type telemetry struct {
	documents, redactions, parts metric.Int64Counter
}

func newTelemetry(mp metric.MeterProvider) (*telemetry, error) {
	if mp == nil {
		return nil, nil
	}
	m := mp.Meter("github.com/civickit/privacy/redact/records")
	var t telemetry
	for _, c := range []struct {
		dst              *metric.Int64Counter
		name, unit, desc string
	}{
		{&t.documents, "records.documents", "{document}", "Documents processed, by outcome"},
		{&t.redactions, "records.redactions", "{redaction}", "Redactions made, by exemption code"},
		{&t.parts, "records.parts.withheld", "{part}", "Parts of released documents withheld"},
	} {
		var err error
		if *c.dst, err = m.Int64Counter(c.name, metric.WithUnit(c.unit), metric.WithDescription(c.desc)); err != nil {
			return nil, fmt.Errorf("records: telemetry: %w", err)
		}
	}
	return &t, nil
}

// observe records one document's outcome.
func (t *telemetry) observe(res *Result, err error) {
	if t == nil {
		return
	}
	ctx := context.Background()
	if err != nil {
		status, reason := StatusFailed, ""
		var we *WithheldError
		if errors.As(err, &we) {
			status, reason = StatusWithheld, knownReason(string(we.Reason))
		}
		t.documents.Add(ctx, 1, metric.WithAttributes(attribute.String("records.status", string(status)), attribute.String("records.reason", reason)))
		return
	}
	made := 0
	for _, e := range res.Entries {
		if e.Decision == DecisionRejected {
			continue // released after review: not a redaction
		}
		made++
		t.redactions.Add(ctx, 1, metric.WithAttributes(attribute.String("records.exemption", e.Code), attribute.String("records.entity", string(e.Entity))))
	}
	for _, w := range res.Withheld {
		t.parts.Add(ctx, 1, metric.WithAttributes(attribute.String("records.reason", knownReason(w.Reason))))
	}
	status := StatusClean
	if made > 0 || len(res.Withheld) > 0 {
		status = StatusRedacted
	}
	t.documents.Add(ctx, 1, metric.WithAttributes(attribute.String("records.status", string(status)), attribute.String("records.reason", "")))
}

// knownReason returns the fixed reason r starts with, else "other": a
// part's reason may carry detail such as a file name after it.
func knownReason(r string) string {
	for _, k := range []Reason{ReasonUnsupported, ReasonEncrypted, ReasonPassword, ReasonUnreadable, ReasonNeedsOCR,
		ReasonHidden, ReasonNotRegular, ReasonEmbedded, ReasonTooDeep, ReasonStaleDecisions} {
		if strings.HasPrefix(r, string(k)) {
			return string(k)
		}
	}
	return "other"
}
