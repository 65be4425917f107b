package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"testing/slogtest"

	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandlerSlogtest(t *testing.T) {
	var buf bytes.Buffer
	h := NewHandler(slog.NewJSONHandler(&buf, nil), nil)
	results := func() []map[string]any {
		var ms []map[string]any
		for _, line := range bytes.Split(buf.Bytes(), []byte{'\n'}) {
			if len(line) == 0 {
				continue
			}
			var m map[string]any
			require.NoError(t, json.Unmarshal(line, &m))
			ms = append(ms, m)
		}
		return ms
	}
	require.NoError(t, slogtest.TestHandler(h, results))
}

type signup struct {
	ID    int    `pii:"-"`
	Email string `pii:"email"`
	Note  string
}

func TestHandlerRedacts(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(NewHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}), &HandlerOptions{Keys: map[string]Entity{"utility-acct": "utility_account"}}))

	logger = logger.With("remote_addr", "192.0.2.77", "user", pii.New(pii.Email, "jane@example.com"))
	logger.WithGroup("req").Info("signup from jane@example.com",
		"email", "john@example.com",
		"note", "call (617) 555-0142",
		"client", netip.MustParseAddr("2001:db8:85a3:1234::1"),
		"signup", signup{ID: 9, Email: "jane@example.com", Note: "ssn 219-09-9998"},
		"err", errors.New("lookup jane@example.com failed"),
		"utility_acct", "A-99-1234",
		"card", 4111111111111111,
		"count", 3,
		"password", 12345,
		slog.Group("contact", "Phone", "(617) 555-0142", "city", "Springfield"),
		"free", "visited from 198.51.100.23 today",
	)
	out := buf.String()
	for _, leak := range []string{"jane@", "john@", "555-0142", "192.0.2.77", "85a3:1234", "219-09", "A-99", "4111111111111111", "12345", "198.51.100.23"} {
		assert.NotContains(t, out, leak)
	}
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &m))
	assert.Equal(t, "signup from [EMAIL]", m["msg"])
	assert.Equal(t, "192.0.2.0", m["remote_addr"], "IPs are truncated, not removed")
	assert.Equal(t, "[REDACTED:email]", m["user"], "pii.String stays redacted")
	req := m["req"].(map[string]any)
	assert.Equal(t, "[EMAIL]", req["email"])
	assert.Equal(t, "call [PHONE]", req["note"])
	assert.Equal(t, "2001:db8:85a3::", req["client"])
	assert.Equal(t, map[string]any{"ID": float64(9), "Email": "[REDACTED:email]", "Note": "ssn [SSN]"}, req["signup"])
	assert.Equal(t, "lookup [EMAIL] failed", req["err"])
	assert.Equal(t, "[UTILITY_ACCOUNT]", req["utility_acct"], "configured key")
	assert.Equal(t, "[PAYMENT_CARD]", req["card"], "by key name")
	assert.Equal(t, float64(3), req["count"])
	assert.Equal(t, "[CREDENTIAL]", req["password"])
	assert.Equal(t, map[string]any{"Phone": "[PHONE]", "city": "Springfield"}, req["contact"])
	assert.Equal(t, "visited from 198.51.100.0 today", req["free"], "IPs in text are truncated too")
}

func TestHandlerKeepIP(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(NewHandler(slog.NewTextHandler(&buf, nil), &HandlerOptions{KeepIP: true, NoDefaultKeys: true}))
	logger.Info("x", "ip", "192.0.2.77", "email", "plain text")
	assert.Contains(t, buf.String(), "ip=192.0.2.77")
	assert.Contains(t, buf.String(), `email="plain text"`, "no default keys")
	assert.False(t, strings.Contains(buf.String(), "[EMAIL]"))
}
