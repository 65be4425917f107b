package cookies

import (
	"fmt"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/stretchr/testify/require"
)

// benchPrefs is the payload of the benchmark session: the session id and
// issued-at live in the Manager's session header.
type benchPrefs struct {
	Locale string
	Flag   bool
}

// benchSession is the same information as one struct, as a securecookie
// user (or a Codec user) would write it.
type benchSession struct {
	ID       string
	IssuedAt time.Time
	Locale   string
	Flag     bool
}

const benchID = "q3Zt8Wc1pL0xYbN4rK7vEg" // 22 chars: 128 bits, base64url

// BenchmarkSessionCookie encodes and decodes a small session (id,
// issued-at, locale, one flag) with this package and with
// gorilla/securecookie's JSON and gob serializers. cookie-bytes is the
// length of cookie name plus value.
func BenchmarkSessionCookie(b *testing.B) {
	now := time.Now()
	bs := benchSession{ID: benchID, IssuedAt: now.Truncate(time.Second), Locale: "en-US", Flag: true}

	b.Run("impl=cookies.Manager", func(b *testing.B) {
		m, err := NewManager[benchPrefs](newKeyring(b), nil) // default detector: redact
		require.NoError(b, err)
		s := newSession[benchPrefs](now)
		s.Values = benchPrefs{Locale: "en-US", Flag: true}
		var size int
		b.ReportAllocs()
		for b.Loop() {
			buf, err := m.record(s)
			if err != nil {
				b.Fatal(err)
			}
			v, err := m.sealRecord(s, now, buf)
			if err != nil {
				b.Fatal(err)
			}
			got, err := m.open(v)
			if err != nil || got.Values != s.Values {
				b.Fatal("round trip failed", err)
			}
			size = len(m.name) + len(v)
		}
		b.ReportMetric(float64(size), "cookie-bytes")
	})

	b.Run("impl=cookies.Codec", func(b *testing.B) {
		c, err := NewCodec(newKeyring(b), nil) // default detector: redact
		require.NoError(b, err)
		var size int
		b.ReportAllocs()
		for b.Loop() {
			v, err := c.Encode("session", &bs)
			if err != nil {
				b.Fatal(err)
			}
			var got benchSession
			if err := c.Decode("session", v, &got); err != nil || got.ID != bs.ID {
				b.Fatal("round trip failed", err)
			}
			size = len("session") + len(v)
		}
		b.ReportMetric(float64(size), "cookie-bytes")
	})

	for _, ser := range []struct {
		name string
		s    securecookie.Serializer
	}{{"json", securecookie.JSONEncoder{}}, {"gob", securecookie.GobEncoder{}}} {
		b.Run("impl=securecookie-"+ser.name, func(b *testing.B) {
			sc := securecookie.New(securecookie.GenerateRandomKey(32), securecookie.GenerateRandomKey(32))
			sc.SetSerializer(ser.s)
			var size int
			b.ReportAllocs()
			for b.Loop() {
				v, err := sc.Encode("session", &bs)
				if err != nil {
					b.Fatal(err)
				}
				var got benchSession
				if err := sc.Decode("session", v, &got); err != nil || got.ID != bs.ID {
					b.Fatal("round trip failed", err)
				}
				size = len("session") + len(v)
			}
			b.ReportMetric(float64(size), "cookie-bytes")
		})
	}
}

// BenchmarkDecodeUnknownKey decodes a cookie made with a key the keyring
// does not hold, with 1 and 64 keys in the keyring: the cost does not grow
// with the number of keys, because the key id is looked up, not tried.
func BenchmarkDecodeUnknownKey(b *testing.B) {
	foreign, err := newCodec(b, newKeyring(b), nil).Encode("session", benchPrefs{Locale: "en-US"})
	require.NoError(b, err)
	for _, n := range []int{1, 64} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			kr := newKeyring(b)
			for range n - 1 {
				_, err := kr.Rotate()
				require.NoError(b, err)
			}
			c := newCodec(b, kr, nil)
			var dst benchPrefs
			b.ReportAllocs()
			for b.Loop() {
				if c.Decode("session", foreign, &dst) != ErrInvalid {
					b.Fatal("want ErrInvalid")
				}
			}
		})
	}
}
