package cookies

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"time"
	"unicode/utf8"

	"github.com/civickit/privacy/redact"
)

// storedVersion is the first byte of a session as the Manager commits it
// to a Store.
const storedVersion = 1

// Limits on what a stored session carries besides its record.
const (
	// MaxAccountLen is the longest account id Session.SetAccount accepts,
	// in bytes.
	MaxAccountLen = 128
	maxIPLen      = 40 // a truncated IPv6 address
	maxUALen      = 40 // a user-agent family such as "Firefox on Linux"
)

// storedMeta is what a stored session keeps besides its Values record:
// the times the Manager's limits need and what an account page shows.
type storedMeta struct {
	created time.Time
	seen    time.Time // last seen
	account string    // opaque account id, "" if none
	ip      string    // truncated client address ("192.0.2.0"), "" if unknown
	ua      string    // user-agent family, "" if unknown
}

// appendStored appends the stored form of a session to dst:
//
//	version byte, created and last seen as uvarint Unix seconds,
//	account, ip and ua as uvarint length and bytes, then the record.
func appendStored(dst []byte, m storedMeta, record []byte) []byte {
	dst = append(dst, storedVersion)
	dst = binary.AppendUvarint(dst, uint64(m.created.Unix()))
	dst = binary.AppendUvarint(dst, uint64(m.seen.Unix()))
	for _, s := range [...]string{m.account, m.ip, m.ua} {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return append(dst, record...)
}

var errStored = errors.New("cookies: malformed stored session")

// decodeStored parses a stored session. Stores are trusted less than the
// process (anyone with database access can write them), so every length
// and time is checked; any defect is errStored.
func decodeStored(b []byte) (storedMeta, []byte, error) {
	var m storedMeta
	if len(b) < 1 || b[0] != storedVersion {
		return m, nil, errStored
	}
	b = b[1:]
	var times [2]time.Time
	for i := range times {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > 1<<40 {
			return m, nil, errStored
		}
		times[i] = time.Unix(int64(v), 0).UTC()
		b = b[n:]
	}
	m.created, m.seen = times[0], times[1]
	if m.seen.Before(m.created) {
		return m, nil, errStored
	}
	for i, limit := range [...]int{MaxAccountLen, maxIPLen, maxUALen} {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(limit) || l > uint64(len(b)-n) {
			return m, nil, errStored
		}
		s := string(b[n : n+int(l)])
		if !utf8.ValidString(s) {
			return m, nil, errStored
		}
		switch i {
		case 0:
			m.account = s
		case 1:
			m.ip = s
		case 2:
			m.ua = s
		}
		b = b[n+int(l):]
	}
	return m, b, nil
}

// truncatedIP returns the /24 (IPv4) or /48 (IPv6) network of addr, with
// the redact package's TruncateIP operator, or "" if addr is not an IP.
func truncatedIP(addr string) string {
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		addr = ap.Addr().String()
	}
	if _, err := netip.ParseAddr(addr); err != nil {
		return ""
	}
	out, err := redact.TruncateIP().Apply(nil, redact.Finding{Entity: redact.IPAddress, End: len(addr)}, addr)
	if err != nil || len(out) > maxIPLen {
		return ""
	}
	if _, err := netip.ParseAddr(string(out)); err != nil {
		return "" // the operator gave a label, not an address
	}
	return string(out)
}

// validAccount reports whether id can be a session's account id: not
// empty, at most MaxAccountLen bytes of printable UTF-8.
func validAccount(id string) bool {
	if id == "" || len(id) > MaxAccountLen || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if r < ' ' || r == 0x7f {
			return false
		}
	}
	return true
}
