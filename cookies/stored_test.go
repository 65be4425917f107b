package cookies

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoredRoundTrip(t *testing.T) {
	created := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		reason string
		meta   storedMeta
		record []byte
	}{
		{"full", "every field set", storedMeta{created, created.Add(time.Hour), "acct-7f3a", "192.0.2.0", "Firefox on Linux"}, []byte{0x0a, 'L', 2, 'e', 'n'}},
		{"anonymous", "no account, address or agent", storedMeta{created: created, seen: created}, nil},
		{"ipv6", "a /48 prefix fits", storedMeta{created, created, "a", "2001:db8:1::", "Safari on iOS"}, []byte{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := appendStored(nil, tc.meta, tc.record)
			got, rec, err := decodeStored(b)
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.meta, got, tc.reason)
			assert.Equal(t, len(tc.record), len(rec), tc.reason)
			assert.True(t, bytes.Equal(tc.record, rec) || len(rec) == 0, tc.reason)
		})
	}
}

func TestDecodeStoredRefuses(t *testing.T) {
	created := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	good := appendStored(nil, storedMeta{created, created, "acct-1", "192.0.2.0", "Chrome on Windows"}, nil)
	long := make([]byte, MaxAccountLen+1)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		name   string
		reason string
		b      []byte
	}{
		{"empty", "no version byte", nil},
		{"version", "an unknown version", append([]byte{9}, good[1:]...)},
		{"truncated", "a length past the end", good[:len(good)-3]},
		{"seen before created", "last seen cannot precede creation", appendStored(nil, storedMeta{created: created, seen: created.Add(-time.Second)}, nil)},
		{"account too long", "lengths are bounded", appendStored(nil, storedMeta{created: created, seen: created, account: string(long)}, nil)},
		{"not utf-8", "strings must be UTF-8", appendStored(nil, storedMeta{created: created, seen: created, ua: "\xff\xfe"}, nil)},
		{"huge time", "times are bounded", []byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decodeStored(tc.b)
			assert.ErrorIs(t, err, errStored, tc.reason)
		})
	}
}

// FuzzDecodeStored feeds arbitrary bytes to the stored-session decoder:
// a store is trusted less than the process, so it must never panic, fail
// only with errStored, and what it accepts must encode back to the same
// bytes.
func FuzzDecodeStored(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		meta, rec, err := decodeStored(b)
		if err != nil {
			if !errors.Is(err, errStored) {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		if again := appendStored(nil, meta, rec); !bytes.Equal(again, b) {
			// Uvarints have one canonical form only when minimal; accept a
			// longer input form as long as the decoded values agree.
			m2, r2, err := decodeStored(again)
			if err != nil || m2 != meta || !bytes.Equal(r2, rec) {
				t.Fatalf("re-encoding changed the session")
			}
		}
	})
}

func TestUserAgentFamily(t *testing.T) {
	tests := []struct {
		ua, want, reason string
	}{
		{"Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0", "Firefox on Linux", "desktop Firefox"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36", "Chrome on Windows", "Chrome also says Safari"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0", "Edge on Windows", "Edge also says Chrome"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1", "Safari on iOS", "iOS also says Mac OS X"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Safari/605.1.15", "Safari on macOS", "desktop Safari"},
		{"Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36", "Chrome on Android", "Android also says Linux"},
		{"Mozilla/5.0 (X11; CrOS x86_64 16181.61.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36", "Chrome on ChromeOS", "ChromeOS"},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Bot", "crawlers"},
		{"curl/8.11.1", "Script on Other", "command-line clients"},
		{"ann@example.com 555-0142", "Other on Other", "nothing of the header's own text is kept"},
		{"", "", "no header"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, UserAgentFamily(tc.ua), tc.reason)
	}
}

func TestTruncatedIP(t *testing.T) {
	tests := []struct{ in, want, reason string }{
		{"192.0.2.33:51000", "192.0.2.0", "RemoteAddr form, IPv4 /24"},
		{"192.0.2.33", "192.0.2.0", "bare IPv4"},
		{"[2001:db8:1:2::55]:443", "2001:db8:1::", "RemoteAddr form, IPv6 /48"},
		{"::ffff:192.0.2.9", "192.0.2.0", "IPv4-mapped"},
		{"portal.example.com:443", "", "not an address"},
		{"", "", "empty"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, truncatedIP(tc.in), tc.reason)
	}
}
