package main

import (
	"context"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/pii"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDevUnsubscribeHeaders(t *testing.T) {
	const token = "tok-en_1"
	tests := []struct {
		name, base, want string
		why              string
	}{
		{"loopback", "http://127.0.0.1:8080/unsubscribe", "http://127.0.0.1:8080/unsubscribe?token=tok-en_1", "the development server's own URL"},
		{"host name", "http://localhost/unsubscribe", "http://localhost/unsubscribe?token=tok-en_1", "any absolute http URL"},
		{"https", "https://portal.example.com/unsubscribe", "", "production URLs go through consent's helpers, never this one"},
		{"relative", "/unsubscribe", "", "mail clients need an absolute URL"},
		{"empty", "", "", "no base URL"},
		{"other scheme", "ftp://127.0.0.1/unsubscribe", "", "only http"},
		{"user info", "http://user:pw@127.0.0.1/unsubscribe", "", "credentials do not belong in a mail header"},
		{"comma", "http://127.0.0.1/un,subscribe", "", "a comma would split the List-Unsubscribe list"},
		{"angle bracket", "http://127.0.0.1/un>subscribe", "http://127.0.0.1/un%3Esubscribe?token=tok-en_1", "'>' is percent-encoded, so it cannot end the bracketed URI"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, h, err := devUnsubscribeHeaders(tc.base, token)
			if tc.want == "" {
				assert.ErrorContains(t, err, "portal: ", tc.why)
				assert.Nil(t, h, tc.why)
				return
			}
			require.NoError(t, err, tc.why)
			assert.Equal(t, tc.want, u, tc.why)
			assert.Equal(t, "<"+tc.want+">, <mailto:unsubscribe@example.com?subject=unsubscribe>", h.Get("List-Unsubscribe"), tc.why)
			assert.Equal(t, "List-Unsubscribe=One-Click", h.Get("List-Unsubscribe-Post"), tc.why)
			assert.Equal(t, token, mustURL(t, u).Query().Get("token"), "the token round-trips")
		})
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func mustScheme(t *testing.T, s string) string {
	t.Helper()
	return mustURL(t, s).Scheme
}

// TestUnsubscribeHeadersByMode checks that the hand-built headers are used
// only by the plain-HTTP development server, and that production (https)
// uses consent's helpers.
func TestUnsubscribeHeadersByMode(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		tls    bool
		scheme string
	}{
		{"development over http", false, "http"},
		{"production over https", true, "https"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tp := newTestPortal(t, portalOpts{tls: tc.tls})
			require.Equal(t, tc.tls, tp.app.secure)
			subject, err := tp.app.ledger.Enroll(ctx, pii.New(pii.Email, "mode@example.com"))
			require.NoError(t, err)
			u, h, err := tp.app.unsubscribeHeaders(subject, topics[0].ID)
			require.NoError(t, err)
			assert.Equal(t, tc.scheme, mustScheme(t, u))
			assert.True(t, strings.HasPrefix(u, tp.srv.URL+"/unsubscribe?token="), "points at this portal")

			token := mustURL(t, u).Query().Get("token")
			if tc.tls {
				want, err := consent.UnsubscribeURL(tp.srv.URL+"/unsubscribe", token)
				require.NoError(t, err)
				wantH, err := consent.ListUnsubscribeHeaders(want, unsubscribeMailbox)
				require.NoError(t, err)
				assert.Equal(t, want, u, "consent.UnsubscribeURL in production")
				assert.Equal(t, wantH, h, "consent.ListUnsubscribeHeaders in production")
			} else {
				_, err := consent.ListUnsubscribeHeaders(u, unsubscribeMailbox)
				require.Error(t, err, "consent refuses http, hence the development path")
				_, wantH, err := devUnsubscribeHeaders(tp.srv.URL+"/unsubscribe", token)
				require.NoError(t, err)
				assert.Equal(t, wantH, h)
			}

			// The link works: one-click unsubscribe withdraws consent.
			_, _, err = tp.app.ledger.Request(ctx, subject, topics[0].ID, consent.Email, tp.app.notice.Ref(), consent.WebForm)
			require.NoError(t, err)
			r := tp.post(tp.client(), u, url.Values{"List-Unsubscribe": {"One-Click"}})
			require.Equal(t, 200, r.Status)
			hist, err := tp.app.ledger.History(ctx, subject)
			require.NoError(t, err)
			require.NotEmpty(t, hist)
			assert.Equal(t, consent.Withdrawn, hist[len(hist)-1].Type)
		})
	}
}

// TestProductionNeedsHTTPS: production mode never falls back to the
// development headers; it refuses to start without an https base URL.
func TestProductionNeedsHTTPS(t *testing.T) {
	cfg := defaultConfig()
	cfg.DataDir = t.TempDir()
	cfg.BaseURL = "http://127.0.0.1:8080"
	cfg.secure = true
	cfg.DevKeysInProduction = true
	cfg.quietBanner = true
	cfg.argon = testArgon
	a, err := newApp(context.Background(), cfg, io.Discard)
	if err == nil {
		a.Close()
	}
	require.ErrorContains(t, err, "https base URL")
}

// Production mode refuses the development master key unless told so in so
// many words.
func TestProductionRefusesDevelopmentKeys(t *testing.T) {
	for _, allow := range []bool{false, true} {
		cfg := defaultConfig()
		cfg.DataDir = t.TempDir()
		cfg.BaseURL = "https://portal.example.com"
		cfg.quietBanner = true
		cfg.argon = testArgon
		cfg.DevKeysInProduction = allow
		a, err := newApp(context.Background(), cfg, io.Discard)
		if err == nil {
			a.Close()
		}
		if allow {
			assert.NoError(t, err, "-dev-keys-in-production accepts the risk")
			continue
		}
		require.ErrorContains(t, err, "refuses to run on the development master key")
		assert.ErrorContains(t, err, "-dev-keys-in-production")
		_, statErr := os.Stat(filepath.Join(cfg.DataDir, "keys", "master.key"))
		assert.ErrorIs(t, statErr, fs.ErrNotExist, "no key is made when refusing")
	}
}
