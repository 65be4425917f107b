package cookies

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type prefsV1 struct {
	Locale string
	Step   int
	Old    bool
}

type prefsV2 struct {
	Step    int    // moved
	Locale  string // kept
	Added   string // new
	Renamed int    `cookie:"Old"` // same wire name, another kind: skipped
	Hidden  string `cookie:"-"`
}

func TestRecordSchemaEvolution(t *testing.T) {
	c := newCodec(t, newKeyring(t), nil)
	v, err := c.Encode("sid", prefsV1{Locale: "en-US", Step: 3, Old: true})
	require.NoError(t, err)
	var got prefsV2
	require.NoError(t, c.Decode("sid", v, &got), "old cookies stay readable after fields are added, moved or removed")
	assert.Equal(t, prefsV2{Step: 3, Locale: "en-US"}, got)

	v, err = c.Encode("sid", prefsV2{Step: 1, Hidden: "not sent"})
	require.NoError(t, err)
	require.NoError(t, c.Decode("sid", v, &got))
	assert.Empty(t, got.Hidden, `cookie:"-" fields are not encoded`)
}

type bigComposite struct {
	Inner struct{ Tabs []string }
	Times []time.Time
	Bytes map[string][]byte
	Small int8
	U     uint16
}

func TestRecordLongCompositesAndEdges(t *testing.T) {
	plan, err := planFor(reflect.TypeFor[bigComposite]())
	require.NoError(t, err)
	in := bigComposite{Small: -128, U: 65535}
	for i := range 45 { // > 127 bytes, and > 16383 bytes: two- and three-byte length prefixes
		in.Inner.Tabs = append(in.Inner.Tabs, strings.Repeat("t", i*20))
	}
	in.Times = []time.Time{time.Unix(-1e10, 999_999_999).UTC(), time.Date(2262, 4, 12, 0, 0, 0, 1, time.UTC), {}}
	in.Bytes = map[string][]byte{"a": {1}, "b": nil}
	b, err := plan.appendRecord(nil, reflect.ValueOf(in), testDetector{})
	require.NoError(t, err)
	assert.Greater(t, len(b), 16383)
	out := reflect.New(plan.t).Elem()
	require.NoError(t, plan.decodeRecord(b, out))
	got := out.Interface().(bigComposite)
	assert.Equal(t, in.Inner, got.Inner)
	assert.Equal(t, in.Small, got.Small)
	assert.Equal(t, in.U, got.U)
	require.Len(t, got.Times, 3)
	for i := range in.Times {
		assert.True(t, in.Times[i].Equal(got.Times[i]), "time %d", i)
	}
	assert.Equal(t, []byte{1}, got.Bytes["a"])
	assert.Empty(t, got.Bytes["b"])

	// Values out of range for the field are malformed, not truncated.
	type wide struct{ Small int64 }
	type narrow struct{ Small int8 }
	wp, err := planFor(reflect.TypeFor[wide]())
	require.NoError(t, err)
	b, err = wp.appendRecord(nil, reflect.ValueOf(wide{Small: 1000}), nil)
	require.NoError(t, err)
	np, err := planFor(reflect.TypeFor[narrow]())
	require.NoError(t, err)
	assert.ErrorIs(t, np.decodeRecord(b, reflect.New(np.t).Elem()), errMalformed)
}

func TestRecordMapsAreDeterministic(t *testing.T) {
	plan, err := planFor(reflect.TypeFor[prefs]())
	require.NoError(t, err)
	p := prefs{Flags: map[string]bool{"a": true, "b": true, "c": true, "d": true, "e": true}}
	first, err := plan.appendRecord(nil, reflect.ValueOf(p), nil)
	require.NoError(t, err)
	for range 20 {
		again, err := plan.appendRecord(nil, reflect.ValueOf(p), nil)
		require.NoError(t, err)
		require.Equal(t, first, again, "the same map encodes the same, so an unchanged session is not re-sent")
	}
}

type withAddr struct {
	Locale string
	Addr   netip.Addr
}

// TestTypesWithOwnEncoding: a struct type that keeps its state in
// unexported fields and encodes itself (netip.Addr) must not be encoded
// field by field, which silently stored nothing; it goes through JSON,
// where the PII guard sees its encoded form.
func TestTypesWithOwnEncoding(t *testing.T) {
	_, err := planFor(reflect.TypeFor[withAddr]())
	assert.ErrorIs(t, err, errNotPlain, "the compact plan refuses a self-encoding struct")

	c := newCodec(t, newKeyring(t), nil)
	v, err := c.Encode("sid", withAddr{Locale: "en-US", Addr: netip.MustParseAddr("2001:db8::1")})
	require.NoError(t, err)
	var got withAddr
	require.NoError(t, c.Decode("sid", v, &got))
	assert.Equal(t, netip.MustParseAddr("2001:db8::1"), got.Addr, "the address survives the round trip")

	ipc, err := NewCodec(newKeyring(t), &CodecOptions{Detector: substrDetector("192.0.2.123")})
	require.NoError(t, err)
	var pe *PIIError
	_, err = ipc.Encode("sid", withAddr{Addr: netip.MustParseAddr("192.0.2.123")})
	require.ErrorIs(t, err, ErrContainsPII, "an IP address held in a netip.Addr is refused like the same string")
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "Addr", pe.Field)
	assert.NotContains(t, err.Error(), "192.0.2.123", "the error names the field, not the value")

	_, err = NewManager[withAddr](newKeyring(t), &Options[withAddr]{Detector: testDetector{}})
	assert.Error(t, err, "a session payload that the compact encoding would lose is refused up front")
}

// substrDetector matches strings that contain it.
type substrDetector string

func (d substrDetector) Contains(s string) bool { return strings.Contains(s, string(d)) }
