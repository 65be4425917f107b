package consent

import (
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/pii"
)

func chainKey(t testing.TB, opts *ChainKeyOptions) *ChainKey {
	t.Helper()
	kr, err := pii.NewKeyring(pii.Indexing)
	require.NoError(t, err)
	k, err := NewChainKey(kr, opts)
	require.NoError(t, err)
	return k
}

// reseal seals events again in order with k (nil: unkeyed), as someone who
// rewrites the database would.
func reseal(t testing.TB, k *ChainKey, events []Event) []Event {
	t.Helper()
	var prev *Event
	for i := range events {
		require.NoError(t, k.Seal(&events[i], prev))
		prev = &events[i]
	}
	return events
}

var keyedT0 = time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)

// keyedChainOf returns n events: the first legacy ones unkeyed, recorded
// before cutover, the rest sealed with k.
func keyedChainOf(t testing.TB, k *ChainKey, legacy, n int) []Event {
	t.Helper()
	var out []Event
	for i := range n {
		at := keyedT0.Add(time.Duration(i) * time.Minute)
		e := Event{Subject: "s1", Type: Given, Purpose: "news", Channel: Email, Method: WebForm, Actor: "subject", OccurredAt: at, RecordedAt: at}
		var prev *Event
		if i > 0 {
			prev = &out[i-1]
		}
		if i < legacy {
			Seal(&e, prev)
		} else {
			require.NoError(t, k.Seal(&e, prev))
		}
		out = append(out, e)
	}
	return out
}

func TestKeyedChain(t *testing.T) {
	cutover := keyedT0.Add(90 * time.Second) // events 1 and 2 were recorded before it
	attacker := chainKey(t, nil)
	cases := []struct {
		name    string
		legacy  int // unkeyed events at the start
		tamper  func(k *ChainKey, e []Event) []Event
		wantSeq int64 // 0: intact
		reason  string
	}{
		{name: "intact keyed chain verifies", tamper: func(_ *ChainKey, e []Event) []Event { return e }},
		{name: "legacy prefix then keyed verifies", legacy: 2, tamper: func(_ *ChainKey, e []Event) []Event { return e }},
		{name: "edited event", tamper: func(_ *ChainKey, e []Event) []Event { e[2].Type = Withdrawn; return e },
			wantSeq: 3, reason: "keyed hash does not match"},
		{name: "edited key id", tamper: func(_ *ChainKey, e []Event) []Event { e[1].HashKey++; return e },
			wantSeq: 2, reason: "does not hold"},
		{name: "whole chain recomputed with the unkeyed hash (downgrade)",
			tamper: func(_ *ChainKey, e []Event) []Event {
				e[1].Detail = "changed"
				return reseal(t, nil, e)
			}, wantSeq: 3, reason: "requires a keyed one"}, // events 1 and 2 predate the cutover
		{name: "tail recomputed with the unkeyed hash after a keyed event",
			tamper: func(_ *ChainKey, e []Event) []Event {
				e[3].Detail = "changed"
				Seal(&e[3], &e[2])
				Seal(&e[4], &e[3])
				return e
			}, wantSeq: 4, reason: "after a keyed one"},
		{name: "legacy prefix recomputed with the unkeyed hash breaks the first keyed link", legacy: 2,
			tamper: func(_ *ChainKey, e []Event) []Event {
				e[0].Detail = "changed"
				Seal(&e[0], nil)
				Seal(&e[1], &e[0])
				return e
			}, wantSeq: 3, reason: "previous-hash"},
		{name: "legacy events recorded after the cutover are a downgrade", legacy: 3,
			tamper: func(_ *ChainKey, e []Event) []Event { return e }, wantSeq: 3, reason: "requires a keyed one"},
		{name: "chain recomputed with another key (without the chain key)",
			tamper: func(_ *ChainKey, e []Event) []Event { return reseal(t, attacker, e) }, wantSeq: 1, reason: "does not hold"},
		{name: "chain recomputed with another key under the right key id",
			tamper: func(k *ChainKey, e []Event) []Event {
				e = reseal(t, attacker, e)
				for i := range e {
					e[i].HashKey = k.kr.Primary()
				}
				return e
			}, wantSeq: 1, reason: "keyed hash does not match"},
		{name: "events of another subject", tamper: func(k *ChainKey, e []Event) []Event {
			for i := range e {
				e[i].Subject = "s2"
			}
			return reseal(t, k, e) // even with the key: Verify is asked about s1
		}, wantSeq: 1, reason: "another subject"},
		{name: "unknown scheme", tamper: func(_ *ChainKey, e []Event) []Event { e[0].HashScheme = 9; return e },
			wantSeq: 1, reason: "unknown hash scheme"},
		{name: "zero scheme", tamper: func(_ *ChainKey, e []Event) []Event { e[4].HashScheme = 0; return e },
			wantSeq: 5, reason: "unknown hash scheme"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := chainKey(t, &ChainKeyOptions{KeyedSince: cutover})
			err := k.Verify("s1", c.tamper(k, keyedChainOf(t, k, c.legacy, 5)))
			if c.wantSeq == 0 {
				assert.NoError(t, err)
				return
			}
			var ce *ChainError
			require.True(t, errors.As(err, &ce), "want *ChainError, got %v", err)
			assert.ErrorIs(t, err, ErrChainBroken)
			assert.Equal(t, c.wantSeq, ce.Seq, ce.Reason)
			assert.Contains(t, ce.Reason, c.reason)
		})
	}
}

func TestChainKeyOptions(t *testing.T) {
	legacy := keyedChainOf(t, nil, 5, 5)
	assert.NoError(t, VerifyChain("s1", legacy), "an unkeyed history verifies without a key")

	strict := chainKey(t, nil)
	err := strict.Verify("s1", legacy)
	assert.ErrorIs(t, err, ErrChainBroken, "with no KeyedSince, no unkeyed event is accepted")

	moved := chainKey(t, &ChainKeyOptions{KeyedSince: keyedT0.Add(time.Hour)})
	assert.NoError(t, moved.Verify("s1", legacy), "unkeyed events recorded before KeyedSince verify")

	keyed := keyedChainOf(t, strict, 0, 3)
	err = VerifyChain("s1", keyed)
	assert.ErrorIs(t, err, ErrChainKeyNeeded, "keyed events need the key")
	assert.NotErrorIs(t, err, ErrChainBroken, "which is no verdict")
	assert.ErrorIs(t, moved.Verify("s1", keyed), ErrChainBroken, "another chain key's events do not verify")
}

func TestChainKeyRotation(t *testing.T) {
	kr, err := pii.NewKeyring(pii.Indexing)
	require.NoError(t, err)
	k, err := NewChainKey(kr, nil)
	require.NoError(t, err)
	events := keyedChainOf(t, k, 0, 2)
	old := kr.Primary()
	_, err = kr.Rotate()
	require.NoError(t, err)
	var e Event = events[1]
	e.Detail = "after rotation"
	require.NoError(t, k.Seal(&e, &events[1]))
	events = append(events, e)
	assert.Equal(t, old, events[0].HashKey)
	assert.Equal(t, kr.Primary(), events[2].HashKey, "new events use the new primary key")
	assert.NotEqual(t, old, events[2].HashKey)
	assert.NoError(t, k.Verify("s1", events), "old events verify by their key id")
	require.NoError(t, kr.Disable(old))
	err = k.Verify("s1", events)
	assert.ErrorIs(t, err, ErrChainBroken, "a disabled chain key no longer verifies its events")
}

func TestNewChainKey(t *testing.T) {
	enc, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	_, err = NewChainKey(enc, nil)
	assert.ErrorIs(t, err, pii.ErrWrongPurpose, "an encryption keyring is no chain key")
	_, err = NewChainKey(nil, nil)
	assert.Error(t, err)

	k := chainKey(t, nil)
	for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.Regexp(t, `^consent\.ChainKey\(primary 0x[0-9a-f]{8}\)$`, fmt.Sprintf(f, k), f)
	}
	assert.Equal(t, "consent.ChainKey(unkeyed)", (*ChainKey)(nil).String())
	assert.Equal(t, "keyed-prf", HashKeyedPRF.String())
	assert.Equal(t, "sha256", HashSHA256.String())
}

func TestKeyedHashIsNotTheUnkeyedOne(t *testing.T) {
	k := chainKey(t, nil)
	a := keyedChainOf(t, k, 0, 1)[0]
	b := keyedChainOf(t, nil, 1, 1)[0]
	assert.Equal(t, HashKeyedPRF, a.HashScheme)
	assert.Equal(t, HashSHA256, b.HashScheme)
	assert.Len(t, a.Hash, 32)
	assert.NotEqual(t, a.Hash, b.Hash)
	assert.NotEqual(t, a.Hash, ComputeHash(&a, nil))
}

func TestLedgerChainKeyMustMatchStore(t *testing.T) {
	k := chainKey(t, nil)
	base := checkpointLedger(t, NewMemoryStore())
	keys := Keys{Shredder: base.shredder, Indexer: base.ix, Tokens: base.tok.kr}
	cases := []struct {
		name  string
		store Store
		opt   *ChainKey
		ok    bool
		want  *ChainKey
	}{
		{"unkeyed store, no key", NewMemoryStore(), nil, true, nil},
		{"keyed store, ledger takes its key", NewKeyedMemoryStore(k), nil, true, k},
		{"keyed store, same key", NewKeyedMemoryStore(k), k, true, k},
		{"unkeyed store would seal unkeyed", NewMemoryStore(), k, false, nil},
		{"another key", NewKeyedMemoryStore(chainKey(t, nil)), k, false, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := New(c.store, keys, &Options{ChainKey: c.opt})
			if !c.ok {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Same(t, c.want, l.ChainKey())
		})
	}
}

// The canonical encoding is fixed: events sealed by earlier versions must
// verify for ever. The unkeyed hash and the keyed encoding of one event,
// pinned.
func TestCanonicalVectors(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	e := Event{Subject: "s1", Seq: 2, Type: Withdrawn, Purpose: "eline:weekly-news", Channel: Email, Method: OneClick,
		Notice: NoticeRef{ID: "privacy", Version: 3}, Actor: "subject", Detail: "keyword STOP", OccurredAt: at, RecordedAt: at.Add(time.Second)}
	prev := []byte("0123456789abcdef0123456789abcdef")
	assert.Equal(t, "d943868f878fa64e9e8b89d11db03c11528b1a6ab891867eb076d9003f61e2de", hex.EncodeToString(ComputeHash(&e, prev)))
	assert.Equal(t, "0000001963697669636b69742f636f6e73656e742f6576656e742f76320000000273310000000800000000000000020000000977697468647261776e00000011656c696e653a7765656b6c792d6e65777300000005656d61696c000000156f6e655f636c69636b5f756e7375627363726962650000000770726976616379000000080000000000000003000000077375626a6563740000000c6b6579776f72642053544f50000000081816c11eeef33206000000081816c11f2a8dfc06000000203031323334353637383961626364656630313233343536373839616263646566000000080000000001020304",
		hex.EncodeToString(canonical(&e, prev, keyedDomain, 0x01020304, true)))
}

// FuzzKeyedChain changes one field of one event of a keyed chain (a
// database row is untrusted input to Verify): no panic, and the chain
// verifies if and only if nothing changed.
func FuzzKeyedChain(f *testing.F) {
	key := chainKey(f, nil)
	f.Add(uint8(0), uint8(0), "keyword STOP", int64(0), uint8(2))
	f.Add(uint8(2), uint8(3), "", int64(3), uint8(1))
	f.Add(uint8(1), uint8(5), "", int64(0), uint8(1))
	f.Add(uint8(3), uint8(7), "\x00", int64(-1), uint8(0))
	f.Fuzz(func(t *testing.T, idx, field uint8, s string, n int64, scheme uint8) {
		events := keyedChainOf(t, key, 0, 4)
		orig := make([]Event, len(events))
		copy(orig, events)
		e := &events[int(idx)%len(events)]
		switch field % 9 {
		case 0:
			e.Detail = s
		case 1:
			e.Actor = s
		case 2:
			e.Subject = s
		case 3:
			e.Seq = n
		case 4:
			e.OccurredAt = time.Unix(0, n).UTC()
		case 5:
			e.HashScheme = HashScheme(scheme)
		case 6:
			e.HashKey = uint32(n)
		case 7:
			e.Hash = []byte(s)
		case 8:
			e.PrevHash = []byte(s)
		}
		err := key.Verify("s1", events)
		if reflect.DeepEqual(events, orig) {
			assert.NoError(t, err, "unchanged")
			return
		}
		if field%9 == 8 && int(idx)%len(events) == 0 && len(s) == 0 {
			// nil and empty PrevHash are the same link.
			return
		}
		assert.ErrorIs(t, err, ErrChainBroken)
	})
}
