package records

import (
	"encoding/binary"
	"slices"
	"strings"
	"unicode/utf16"
)

// writeCFB builds a compound file (MS-CFB version 3, 512-byte sectors)
// holding the given streams, named by slash-separated paths; storages are
// made for every folder. No Go library writes compound files, so the .msg
// test fixtures are built with this small writer: streams under 4096 bytes
// go to the mini stream as the format requires, larger ones to sectors of
// their own.
func writeCFB(streams map[string][]byte) []byte {
	const (
		secSize   = 512
		miniSize  = 64
		cutoff    = 4096
		free      = 0xFFFFFFFF
		endChain  = 0xFFFFFFFE
		fatSect   = 0xFFFFFFFD
		noStream  = 0xFFFFFFFF
		entrySize = 128
	)
	type entry struct {
		name     string
		typ      byte // 1 storage, 2 stream, 5 root
		data     []byte
		children []int
		left     uint32
		right    uint32
		child    uint32
		start    uint32
		size     uint32
	}
	entries := []*entry{{name: "Root Entry", typ: 5}}
	index := map[string]int{"": 0}
	var dirOf func(path string) int
	dirOf = func(path string) int {
		if i, ok := index[path]; ok {
			return i
		}
		parent, name := "", path
		if j := strings.LastIndex(path, "/"); j >= 0 {
			parent, name = path[:j], path[j+1:]
		}
		p := dirOf(parent)
		entries = append(entries, &entry{name: name, typ: 1})
		i := len(entries) - 1
		entries[p].children = append(entries[p].children, i)
		index[path] = i
		return i
	}
	paths := make([]string, 0, len(streams))
	for p := range streams {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, path := range paths {
		parent, name := "", path
		if j := strings.LastIndex(path, "/"); j >= 0 {
			parent, name = path[:j], path[j+1:]
		}
		p := dirOf(parent)
		entries = append(entries, &entry{name: name, typ: 2, data: streams[path]})
		entries[p].children = append(entries[p].children, len(entries)-1)
	}
	// Siblings: a chain through right siblings in the format's order
	// (shorter names first, then by upper-cased name).
	for _, e := range entries {
		e.left, e.right, e.child = noStream, noStream, noStream
	}
	for _, e := range entries {
		kids := e.children
		slices.SortFunc(kids, func(a, b int) int {
			na, nb := entries[a].name, entries[b].name
			if len(na) != len(nb) {
				return len(na) - len(nb)
			}
			return strings.Compare(strings.ToUpper(na), strings.ToUpper(nb))
		})
		if len(kids) > 0 {
			e.child = uint32(kids[0])
			for k := 0; k+1 < len(kids); k++ {
				entries[kids[k]].right = uint32(kids[k+1])
			}
		}
	}
	// The mini stream and its FAT.
	var mini []byte
	var miniFAT []uint32
	var big []*entry
	for _, e := range entries {
		if e.typ != 2 {
			continue
		}
		e.size = uint32(len(e.data))
		if len(e.data) >= cutoff {
			big = append(big, e)
			continue
		}
		if len(e.data) == 0 {
			e.start = endChain
			continue
		}
		first := uint32(len(mini) / miniSize)
		e.start = first
		n := (len(e.data) + miniSize - 1) / miniSize
		for k := 0; k < n; k++ {
			if k == n-1 {
				miniFAT = append(miniFAT, endChain)
			} else {
				miniFAT = append(miniFAT, first+uint32(k)+1)
			}
		}
		mini = append(mini, e.data...)
		for len(mini)%miniSize != 0 {
			mini = append(mini, 0)
		}
	}
	secs := func(n int) int { return (n + secSize - 1) / secSize }
	dirSecs := secs(len(entries) * entrySize)
	miniFATSecs := secs(len(miniFAT) * 4)
	miniSecs := secs(len(mini))
	bigSecs := 0
	for _, e := range big {
		bigSecs += secs(len(e.data))
	}
	other := dirSecs + miniFATSecs + miniSecs + bigSecs
	fatSecs := 1
	for fatSecs*(secSize/4) < other+fatSecs {
		fatSecs++
	}
	if fatSecs > 109 {
		panic("writeCFB: file too large for a header-only DIFAT")
	}
	fat := make([]uint32, fatSecs*(secSize/4))
	for i := range fat {
		fat[i] = free
	}
	next := 0
	alloc := func(n int) uint32 {
		if n == 0 {
			return endChain
		}
		first := next
		for k := 0; k < n; k++ {
			if k == n-1 {
				fat[next] = endChain
			} else {
				fat[next] = uint32(next + 1)
			}
			next++
		}
		return uint32(first)
	}
	for k := 0; k < fatSecs; k++ {
		fat[next] = fatSect
		next++
	}
	dirStart := alloc(dirSecs)
	miniFATStart := alloc(miniFATSecs)
	miniStart := alloc(miniSecs)
	for _, e := range big {
		e.start = alloc(secs(len(e.data)))
	}
	entries[0].start, entries[0].size = miniStart, uint32(len(mini))
	if len(mini) == 0 {
		entries[0].start = endChain
	}

	out := make([]byte, secSize*(1+next))
	h := out[:secSize]
	copy(h, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	le := binary.LittleEndian
	le.PutUint16(h[24:], 0x003E)
	le.PutUint16(h[26:], 0x0003)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 9)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[44:], uint32(fatSecs))
	le.PutUint32(h[48:], dirStart)
	le.PutUint32(h[56:], cutoff)
	le.PutUint32(h[60:], miniFATStart)
	le.PutUint32(h[64:], uint32(miniFATSecs))
	le.PutUint32(h[68:], endChain)
	for k := 0; k < 109; k++ {
		v := uint32(free)
		if k < fatSecs {
			v = uint32(k)
		}
		le.PutUint32(h[76+4*k:], v)
	}
	sector := func(i uint32) []byte { return out[secSize*(int(i)+1):] }
	for i, v := range fat {
		le.PutUint32(out[secSize+4*i:], v)
	}
	dir := sector(dirStart)
	for i := range dirSecs * secSize / entrySize {
		d := dir[i*entrySize : (i+1)*entrySize]
		if i >= len(entries) {
			le.PutUint32(d[68:], noStream)
			le.PutUint32(d[72:], noStream)
			le.PutUint32(d[76:], noStream)
			continue
		}
		e := entries[i]
		name := utf16.Encode([]rune(e.name))
		for k, c := range name {
			le.PutUint16(d[2*k:], c)
		}
		le.PutUint16(d[64:], uint16(2*len(name)+2))
		d[66], d[67] = e.typ, 1
		le.PutUint32(d[68:], e.left)
		le.PutUint32(d[72:], e.right)
		le.PutUint32(d[76:], e.child)
		le.PutUint32(d[116:], e.start)
		le.PutUint32(d[120:], e.size)
	}
	if miniFATSecs > 0 {
		mf := sector(miniFATStart)
		for i := range miniFATSecs * secSize / 4 {
			v := uint32(free)
			if i < len(miniFAT) {
				v = miniFAT[i]
			}
			le.PutUint32(mf[4*i:], v)
		}
	}
	if miniSecs > 0 {
		copy(sector(miniStart), mini)
	}
	for _, e := range big {
		copy(sector(e.start), e.data)
	}
	return out
}
