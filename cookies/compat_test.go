package cookies

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Fixed test keys for the legacy securecookie setup; they protect nothing.
var (
	legacyHashKey  = []byte("test-hash-key-0123456789abcdef-0123456789abcdef-0123456789abcdef")
	legacyBlockKey = []byte("test-block-key-0123456789abcdef!")
)

func TestCodecAsGorillaSessionsStore(t *testing.T) {
	c := newCodec(t, newKeyring(t), nil)
	store := &sessions.CookieStore{
		Codecs:  []securecookie.Codec{c},
		Options: &sessions.Options{Path: "/", MaxAge: 3600, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode},
	}
	req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	rec := httptest.NewRecorder()
	sess, err := store.Get(req, "__Host-gs")
	require.NoError(t, err)
	assert.True(t, sess.IsNew)
	sess.Values["step"] = 2
	sess.Values["locale"] = "es-US"
	require.NoError(t, sess.Save(req, rec))
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)

	// The cookie is ours: it opens with the Codec, and is bound to its name.
	var m map[string]any
	require.NoError(t, c.Decode("__Host-gs", cookies[0].Value, &m))
	assert.Equal(t, ErrInvalid, c.Decode("other", cookies[0].Value, &m))

	req2 := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	req2.AddCookie(cookies[0])
	sess2, err := store.New(req2, "__Host-gs")
	require.NoError(t, err)
	assert.False(t, sess2.IsNew)
	assert.Equal(t, 2.0, sess2.Values["step"], "values come back as JSON types")
	assert.Equal(t, "es-US", sess2.Values["locale"])

	// The PII guard applies to gorilla sessions too.
	sess2.Values["email"] = "resident@example.com"
	err = sess2.Save(req2, httptest.NewRecorder())
	var me securecookie.MultiError // gorilla wraps codec errors without Unwrap
	require.ErrorAs(t, err, &me)
	require.Len(t, me, 1)
	assert.ErrorIs(t, me[0], ErrContainsPII)
	assert.NotContains(t, err.Error(), "resident")
}

func TestGorillaSessionsMigration(t *testing.T) {
	// Cookies issued by the old setup keep working when the new codec goes
	// first and the old one second; saving re-issues them in the new format.
	old := securecookie.New(legacyHashKey, legacyBlockKey)
	oldStore := &sessions.CookieStore{Codecs: []securecookie.Codec{old}, Options: &sessions.Options{Path: "/", MaxAge: 3600}}
	req := httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	rec := httptest.NewRecorder()
	s, err := oldStore.New(req, "session")
	require.NoError(t, err)
	s.Values["step"] = "3"
	require.NoError(t, s.Save(req, rec))
	oldCookie := rec.Result().Cookies()[0]

	c := newCodec(t, newKeyring(t), nil)
	store := &sessions.CookieStore{Codecs: []securecookie.Codec{c, old}, Options: &sessions.Options{Path: "/", MaxAge: 3600}}
	req = httptest.NewRequest(http.MethodGet, "https://portal.example.com/", nil)
	req.AddCookie(oldCookie)
	s, err = store.New(req, "session")
	require.NoError(t, err)
	assert.Equal(t, "3", s.Values["step"])
	rec = httptest.NewRecorder()
	require.NoError(t, s.Save(req, rec))
	var m map[string]any
	require.NoError(t, c.Decode("session", rec.Result().Cookies()[0].Value, &m), "re-issued in the new format")
	assert.Equal(t, "3", m["step"])
}

func TestManagerLegacyMigration(t *testing.T) {
	gobCodec, err := NewLegacyCodec(legacyHashKey, legacyBlockKey)
	require.NoError(t, err)
	jsonCodec, err := NewLegacyCodec(legacyHashKey, nil)
	require.NoError(t, err)
	jsonCodec.SetSerializer(securecookie.JSONEncoder{})

	tests := []struct {
		name   string
		reason string
		old    securecookie.Codec
		value  any
		conv   func(decode func(dst any) error) (webSession, error)
	}{
		{"gob struct", "securecookie's default: gob, AES-CTR + HMAC", gobCodec, webSession{UserRef: "acct-9", Locale: "en-US", Step: 4}, nil},
		{"json struct", "signed-only cookie with the JSON encoder", jsonCodec, webSession{UserRef: "acct-9", Locale: "en-US", Step: 4}, nil},
		{"gorilla map", "a gorilla/sessions map converted field by field", gobCodec,
			map[any]any{"user": "acct-9", "locale": "en-US", "step": 4, "email": "resident@example.com"},
			func(decode func(dst any) error) (webSession, error) {
				var m map[any]any
				if err := decode(&m); err != nil {
					return webSession{}, err
				}
				// The old session held an e-mail address: drop it here.
				ref, _ := m["user"].(string)
				loc, _ := m["locale"].(string)
				step, _ := m["step"].(int)
				return webSession{UserRef: ref, Locale: loc, Step: step}, nil
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(o *Options[webSession]) {
				o.Legacy = &Legacy[webSession]{Name: "session", Codec: tc.old, Convert: tc.conv}
			})
			v, err := tc.old.Encode("session", tc.value)
			require.NoError(t, err)
			resp := h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
				assert.Equal(t, webSession{UserRef: "acct-9", Locale: "en-US", Step: 4}, s.Values, tc.reason)
			}, &http.Cookie{Name: "session", Value: v})
			c := sessionCookie(t, resp, h.m.Name())
			require.NotNil(t, c, "re-issued in the new format without the handler changing anything")
			del := sessionCookie(t, resp, "session")
			require.NotNil(t, del, "the old cookie is deleted")
			assert.Equal(t, -1, del.MaxAge)
			h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
				assert.False(t, s.IsNew())
				assert.Equal(t, "acct-9", s.Values.UserRef)
			}, c)
		})
	}
}

func TestManagerLegacyRejects(t *testing.T) {
	old, err := NewLegacyCodec(legacyHashKey, legacyBlockKey)
	require.NoError(t, err)
	old.MaxAge(60)
	h := newHarness(t, func(o *Options[webSession]) { o.Legacy = &Legacy[webSession]{Name: "session", Codec: old} })
	forger, err := NewLegacyCodec([]byte("another-hash-key-0123456789abcdef-0123456789"), legacyBlockKey)
	require.NoError(t, err)
	forged, err := forger.Encode("session", webSession{UserRef: "acct-1"})
	require.NoError(t, err)
	resp := h.do(t, func(w http.ResponseWriter, r *http.Request, s *Session[webSession]) {
		assert.True(t, s.IsNew())
		assert.Empty(t, s.Values.UserRef, "a legacy cookie with the wrong MAC is refused")
	}, &http.Cookie{Name: "session", Value: forged})
	del := sessionCookie(t, resp, "session")
	require.NotNil(t, del, "an unreadable legacy cookie is deleted too")

	m, err := NewManager(newKeyring(t), &Options[webSession]{Detector: testDetector{}, Legacy: &Legacy[webSession]{Name: "session", Codec: old}})
	require.NoError(t, err)
	_, lerr := m.legacy.read("garbage")
	assert.Equal(t, ErrInvalid, lerr, "garbage in the legacy cookie is the uniform error")
}

func TestNewLegacyCodecValidatesKeys(t *testing.T) {
	tests := []struct {
		reason      string
		hash, block []byte
		ok          bool
	}{
		{"32-byte hash key, AES-256 block key", legacyHashKey[:32], legacyBlockKey, true},
		{"signed-only cookies", legacyHashKey, nil, true},
		{"AES-128 block key", legacyHashKey, legacyBlockKey[:16], true},
		{"short hash key", legacyHashKey[:16], legacyBlockKey, false},
		{"no hash key", nil, legacyBlockKey, false},
		{"block key of a size AES does not have", legacyHashKey, legacyBlockKey[:20], false},
	}
	for _, tc := range tests {
		_, err := NewLegacyCodec(tc.hash, tc.block)
		assert.Equal(t, tc.ok, err == nil, tc.reason)
	}
}
