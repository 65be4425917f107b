package redact

// foldTable is an open-addressing hash table keyed by lower-case ASCII
// words, looked up directly from a span of the input ignoring case, with
// no copy and no allocation. It replaces map[string]V on the scanner's
// hottest lookups (the name gazetteer and context words).
type foldTable[V any] struct {
	mask uint64
	keys []string
	vals []V
	used []bool
}

func newFoldTable[V any](m map[string]V) *foldTable[V] {
	size := uint64(16)
	for size < uint64(len(m))*4 {
		size <<= 1
	}
	t := &foldTable[V]{mask: size - 1, keys: make([]string, size), vals: make([]V, size), used: make([]bool, size)}
	for k, v := range m {
		h := foldHash(k, 0, len(k)) & t.mask
		for t.used[h] {
			h = (h + 1) & t.mask
		}
		t.keys[h], t.vals[h], t.used[h] = k, v, true
	}
	return t
}

// foldHash is FNV-1a over the lower-cased bytes of s[a:b].
func foldHash(s string, a, b int) uint64 {
	h := uint64(14695981039346656037)
	for k := a; k < b; k++ {
		h ^= uint64(lower(s[k]))
		h *= 1099511628211
	}
	return h
}

// get returns the value for s[a:b], ignoring ASCII case.
func (t *foldTable[V]) get(s string, a, b int) (v V, ok bool) {
	h := foldHash(s, a, b) & t.mask
	for t.used[h] {
		if equalFoldLower(s[a:b], t.keys[h]) {
			return t.vals[h], true
		}
		h = (h + 1) & t.mask
	}
	return v, false
}
