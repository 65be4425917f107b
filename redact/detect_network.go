package redact

import "net/netip"

// ipv4 matches a dotted-quad IPv4 address. Five or more dotted groups (a
// version string such as 1.2.3.4.5) are not an address.
func (sc *scanner) ipv4(i int, g *groups) {
	if !sc.r.ipOn || g.n < 4 {
		return
	}
	s := sc.s
	if i > 0 && s[i-1] == '*' || maskedTail(s, i) {
		return // the digits a mask kept of a longer value, or what followed it: "******0.0.0.1", "****** 0.0.0.1"
	}
	for k := 0; k < 4; k++ {
		if k < 3 && g.sep[k] != '.' {
			return
		}
		sz := g.size(k)
		if sz > 3 || (sz > 1 && s[g.a[k]] == '0') || atoi(s[g.a[k]:g.b[k]]) > 255 {
			return
		}
	}
	end := g.b[3]
	if g.n > 4 && g.sep[3] == '.' {
		return
	}
	if !numEnd(s, end) {
		return
	}
	// Loopback (127/8) and unspecified (0.0.0.0) addresses identify no one:
	// like their IPv6 forms they are never reported, whatever the context.
	if atoi(s[g.a[0]:g.b[0]]) == 127 || s[i:end] == "0.0.0.0" {
		return
	}
	sc.emit(eIPAddress, i, end, 0.7, "ipv4")
}

func isHexColon(c byte) bool { return isHex(c) || c == ':' }

// hexColon examines the run of hex digits, colons and dots around the
// colon at i for an IPv6 address or a colon-separated MAC address. Each run
// is examined once (sc.hexEnd), so the work is linear.
func (sc *scanner) hexColon(i int) int {
	s := sc.s
	a := i
	for a > 0 && i-a < 40 && isHexColon(s[a-1]) {
		a--
	}
	b := i + 1
	for b < len(s) && b-a < 46 && (isHexColon(s[b]) || s[b] == '.') {
		b++
	}
	sc.hexEnd = b
	if glued(s, a) || maskedTail(s, a) || (a > 0 && s[a-1] == '.') || (b < len(s) && isWord(s[b])) ||
		(b < len(s) && (s[b] == '*' || s[b] == '[' && boxFollows(s, b))) {
		// glued to a word, or to a box or a mask a first pass left where a
		// word was ("1::GB82..." became "1::[IBAN]" or "1::****5432")
		return b
	}
	// a trailing dot ends a sentence, not an address
	for b > a && s[b-1] == '.' {
		b--
	}
	if b-a < 3 {
		return b
	}
	cand := s[a:b]
	if sc.r.macOn && len(cand) == 17 {
		if macShape(cand, ':') {
			sc.emit(eMACAddress, a, b, 0.8, "mac")
			return b
		}
	}
	if !sc.r.ipOn {
		return b
	}
	colons := 0
	for k := 0; k < len(cand); k++ {
		if cand[k] == ':' {
			colons++
		}
	}
	if colons < 2 {
		return b
	}
	ip, err := netip.ParseAddr(cand)
	if err != nil || !ip.Is6() {
		return b
	}
	// A loopback or unspecified address identifies nobody: never reported,
	// whatever the context (a context word, or a box a first pass left
	// beside it, must not make a second pass find it).
	if ip.IsLoopback() || ip.IsUnspecified() {
		return b
	}
	sc.emit(eIPAddress, a, b, 0.8, "ipv6")
	return b
}

// macShape reports whether m is six pairs of hex digits separated by sep.
func macShape(m string, sep byte) bool {
	if len(m) != 17 {
		return false
	}
	for k := 0; k < 17; k++ {
		if k%3 == 2 {
			if m[k] != sep {
				return false
			}
		} else if !isHex(m[k]) {
			return false
		}
	}
	// all zeros and broadcast are not device addresses
	return m != "00:00:00:00:00:00" && m != "00-00-00-00-00-00" &&
		!equalFoldLower(m, "ff:ff:ff:ff:ff:ff") && !equalFoldLower(m, "ff-ff-ff-ff-ff-ff")
}

// mac matches a dash-separated MAC address (00-1A-2B-3C-4D-5E) or a colon
// one that starts with a digit pair, at a word start.
func (sc *scanner) mac(i int) int {
	s := sc.s
	if i+17 > len(s) || !isHex(s[i]) || !isHex(s[i+1]) {
		return 0
	}
	sep := s[i+2]
	if sep != '-' && sep != ':' {
		return 0
	}
	if !macShape(s[i:i+17], sep) || !wordEnd(s, i+17) || (i+17 < len(s) && s[i+17] == sep) {
		return 0
	}
	if sep == ':' {
		sc.hexEnd = i + 17
	}
	sc.emit(eMACAddress, i, i+17, 0.8, "mac")
	return i + 17
}
