package pii

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"

	prfsubtle "github.com/tink-crypto/tink-go/v2/prf/subtle"
)

// BlindIndex is a truncated keyed hash of a normalised value, stored beside
// its ciphertext so that equality lookups ("log in by e-mail") work without
// decrypting every row. It is bytes with the unused low bits of the last byte
// zeroed. Hex-encoded by String.
type BlindIndex []byte

// String returns the index in lower-case hex.
func (b BlindIndex) String() string { return hex.EncodeToString(b) }

// Normalizer maps a value to the canonical form that is indexed, so that
// "Alice@Example.com " and "alice@example.com" find the same row. It returns
// false if the value has nothing to index (for example, a phone number with
// no digits).
type Normalizer func(v string) (string, bool)

// Built-in normalisers. They are functions, not variables: nothing can
// replace one and silently change every blind index in the process.

// NormalizeEmail trims space and lower-cases.
func NormalizeEmail(v string) (string, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	return v, v != ""
}

// NormalizeDigits keeps only ASCII digits; for phone numbers a leading
// NANP country code "1" on an 11-digit number is dropped, so
// "+1 (555) 010-0100" and "555-010-0100" match.
func NormalizeDigits(v string) (string, bool) {
	d := digitsOnly(v)
	return d, d != ""
}

// NormalizePhone is NormalizeDigits with the NANP "1" dropped.
func NormalizePhone(v string) (string, bool) {
	d := digitsOnly(v)
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d, d != ""
}

// NormalizeLast4 keeps the last four digits (card, SSN, account), for
// "find by last 4" indexes. Values with fewer than four digits have
// nothing to index.
func NormalizeLast4(v string) (string, bool) {
	d := digitsOnly(v)
	if len(d) < 4 {
		return "", false
	}
	return d[len(d)-4:], true
}

// NormalizeText folds case, trims, and collapses inner white space.
func NormalizeText(v string) (string, bool) {
	v = strings.Join(strings.FieldsFunc(strings.ToLower(v), unicode.IsSpace), " ")
	return v, v != ""
}

// NormalizerFor returns the default normaliser for a category: e-mail
// folding for Email; phone digits for Phone; digits for card, bank, routing,
// account, SSN, ITIN and ZIP; text folding otherwise.
func NormalizerFor(c Category) Normalizer {
	switch c {
	case Email:
		return NormalizeEmail
	case Phone:
		return NormalizePhone
	case PaymentCard, BankAccount, RoutingNumber, AccountNumber, SSN, ITIN, ZIP:
		return NormalizeDigits
	}
	return NormalizeText
}

// ErrNothingToIndex is returned when normalisation leaves nothing to index.
var ErrNothingToIndex = errors.New("pii: value has nothing to index after normalisation")

// IndexerOptions configures an Indexer.
type IndexerOptions struct {
	// Bits is the default index length in bits (1 to 256) for indexes that do
	// not set their own. Zero means RecommendedBits(EstimatedRows).
	Bits int
	// EstimatedRows is how many rows an index is expected to cover; it sets
	// the default Bits. Zero means 1,000,000.
	EstimatedRows uint64
}

// Indexer computes blind indexes with a keyed PRF (Tink HMAC-SHA256) from an
// Indexing keyring. Each index name gets its own key, derived from the
// keyring's primary PRF key, so one index's values cannot be correlated with
// another's.
//
// # Truncation and false positives
//
// An index of b bits over R rows yields on average C = R / 2^b rows per
// lookup that share an index value by coincidence; lookups must open the
// candidates and compare (Lookup-then-verify). CipherSweet's rule, used
// here by RecommendedBits, keeps 2 <= C <= sqrt(R): at least two
// coincidences so that an index value does not single out one row to someone
// who steals the table, and few enough that lookups stay cheap. For one
// million rows that is 10 to 18 bits; RecommendedBits picks 18.
//
// # Rotating the index key
//
// Blind indexes cannot be rewrapped: rotating the Indexing keyring changes
// every index value. To rotate: add the new key with Keyring.Rotate on a copy
// of the keyring, build a second Indexer on it, write both index columns for
// new rows, backfill the new column by opening each row's sealed value, switch
// lookups to the new column, then drop the old column and destroy the old key.
type Indexer struct {
	kr   *Keyring
	bits int
	keys sync.Map // indexKey -> *prfsubtle.HMACPRF
}

type indexKey struct {
	primary uint32
	name    string
}

// NewIndexer returns an Indexer on an Indexing keyring.
func NewIndexer(kr *Keyring, opts *IndexerOptions) (*Indexer, error) {
	if kr == nil {
		return nil, errors.New("pii: NewIndexer needs a keyring")
	}
	if kr.Purpose() != Indexing {
		return nil, fmt.Errorf("%w: NewIndexer needs an indexing keyring, got %s", ErrWrongPurpose, kr.Purpose())
	}
	var o IndexerOptions
	if opts != nil {
		o = *opts
	}
	if o.Bits == 0 {
		rows := o.EstimatedRows
		if rows == 0 {
			rows = 1_000_000
		}
		o.Bits = RecommendedBits(rows)
	}
	if o.Bits < 1 || o.Bits > 256 {
		return nil, fmt.Errorf("pii: index bits %d out of range 1..256", o.Bits)
	}
	return &Indexer{kr: kr, bits: o.Bits}, nil
}

// Bits returns the default index length in bits.
func (ix *Indexer) Bits() int { return ix.bits }

// RecommendedBits returns the largest index length b for which an index over
// rows rows still has at least two expected coincidences per value
// (rows / 2^b >= 2), and at least enough bits that coincidences stay under
// sqrt(rows); see Indexer. It returns at least 1.
func RecommendedBits(rows uint64) int {
	if rows < 4 {
		return 1
	}
	b := bits.Len64(rows/2) - 1 // floor(log2(rows/2))
	return max(b, 1)
}

// FalsePositiveRate returns the expected number of rows, among rows rows,
// that share a b-bit index value with a given value by coincidence: rows/2^b.
func FalsePositiveRate(rows uint64, b int) float64 {
	return float64(rows) / math.Exp2(float64(b))
}

func (ix *Indexer) prfFor(name string) (*prfsubtle.HMACPRF, error) {
	st := ix.kr.state.Load()
	k := indexKey{primary: st.primary, name: name}
	if p, ok := ix.keys.Load(k); ok {
		return p.(*prfsubtle.HMACPRF), nil
	}
	// Derive the per-index key from the keyring's primary PRF key, with the
	// index name as domain separation.
	key, err := st.prf.ComputePrimaryPRF([]byte("civickit/pii/blind-index/v1\x00"+name), 32)
	if err != nil {
		return nil, fmt.Errorf("pii: derive index key: %w", err)
	}
	// NewHMACPRF keeps a reference to key: it must not be cleared.
	p, err := prfsubtle.NewHMACPRF("SHA256", key)
	if err != nil {
		return nil, fmt.Errorf("pii: index key: %w", err)
	}
	ix.keys.Store(k, p)
	return p, nil
}

// Compute returns the blind index of one or more values for the index name:
// a single value for a simple index, several for a compound index (for
// example city and ZIP). Each value is normalised with NormalizerFor its
// category. bits overrides the Indexer's default when non-zero.
func (ix *Indexer) Compute(name string, bits int, values ...String) (BlindIndex, error) {
	return ix.ComputeWith(name, bits, nil, values...)
}

// ComputeWith is Compute with an explicit normaliser for every value (nil
// means the category default).
func (ix *Indexer) ComputeWith(name string, b int, norm Normalizer, values ...String) (BlindIndex, error) {
	if name == "" {
		return nil, errors.New("pii: blind index needs a name")
	}
	if len(values) == 0 {
		return nil, errors.New("pii: blind index needs a value")
	}
	if b == 0 {
		b = ix.bits
	}
	if b < 1 || b > 256 {
		return nil, fmt.Errorf("pii: index bits %d out of range 1..256", b)
	}
	p, err := ix.prfFor(name)
	if err != nil {
		return nil, err
	}
	size := 0
	for _, v := range values {
		size += binary.MaxVarintLen64 + v.Len()
	}
	in := make([]byte, 0, size) // normalisation rarely grows a value
	for _, v := range values {
		n := norm
		if n == nil {
			n = NormalizerFor(v.Category())
		}
		s, ok := n(v.Reveal())
		if !ok {
			return nil, ErrNothingToIndex
		}
		in = binary.AppendUvarint(in, uint64(len(s)))
		in = append(in, s...)
	}
	out, err := p.ComputePRF(in, uint32((b+7)/8))
	clear(in)
	if err != nil {
		return nil, fmt.Errorf("pii: blind index: %w", err)
	}
	if r := b % 8; r != 0 {
		out[len(out)-1] &= byte(0xff << (8 - r))
	}
	return out, nil
}

// indexGroup is one blind index of a struct type: its name, truncation
// and the fields that feed it, in declaration order.
type indexGroup struct {
	name   string
	bits   int
	fields []Field
}

var indexPlanCache sync.Map // reflect.Type -> []indexGroup

// indexPlan groups the indexed fields of a struct type by index name, once
// per type.
func indexPlan(t reflect.Type, fields []Field) []indexGroup {
	if p, ok := indexPlanCache.Load(t); ok {
		return p.([]indexGroup)
	}
	var groups []indexGroup
	for _, f := range fields {
		if f.Tag.Index == "" {
			continue
		}
		i := slices.IndexFunc(groups, func(g indexGroup) bool { return g.name == f.Tag.Index })
		if i < 0 {
			groups = append(groups, indexGroup{name: f.Tag.Index})
			i = len(groups) - 1
		}
		if f.Tag.Bits != 0 {
			groups[i].bits = f.Tag.Bits
		}
		groups[i].fields = append(groups[i].fields, f)
	}
	indexPlanCache.Store(t, groups)
	return groups
}

// IndexFields computes the blind indexes named by the `pii:"...,index"` tags
// of *v (a pointer to struct). Fields sharing an index name form one compound
// index, in declaration order; the tag's bits and last4 options apply. The
// result is keyed by index name.
func (ix *Indexer) IndexFields(v any) (map[string]BlindIndex, error) {
	rv, fields, err := structFields(v)
	if err != nil {
		return nil, err
	}
	groups := indexPlan(rv.Type(), fields)
	out := make(map[string]BlindIndex, len(groups))
	var stack [8]String
	for _, g := range groups {
		vals := stack[:0]
		for _, f := range g.fields {
			val, err := fieldString(rv.FieldByIndex(f.Index), f)
			if err != nil {
				return nil, err
			}
			if f.Tag.Last4 {
				d, ok := NormalizeLast4(val.Reveal())
				if !ok {
					return nil, fmt.Errorf("pii: field %s: %w", f.Name, ErrNothingToIndex)
				}
				val = New(Unknown, d)
			}
			vals = append(vals, val)
		}
		bi, err := ix.Compute(g.name, g.bits, vals...)
		if err != nil {
			return nil, fmt.Errorf("pii: index %s: %w", g.name, err)
		}
		out[g.name] = bi
	}
	return out, nil
}
