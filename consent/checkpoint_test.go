package consent

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/signature"
	"github.com/tink-crypto/tink-go/v2/tink"

	"github.com/civickit/privacy/pii"
)

func signingKeys(t testing.TB) (tink.Signer, tink.Verifier) {
	t.Helper()
	h, err := keyset.NewHandle(signature.ED25519KeyTemplate())
	require.NoError(t, err)
	s, err := signature.NewSigner(h)
	require.NoError(t, err)
	pub, err := h.Public()
	require.NoError(t, err)
	v, err := signature.NewVerifier(pub)
	require.NoError(t, err)
	return s, v
}

func checkpointLedger(t testing.TB, store Store) *Ledger {
	t.Helper()
	enc, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	idx, err := pii.NewKeyring(pii.Indexing)
	require.NoError(t, err)
	tok, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	sh, err := pii.NewShredder(enc, &pii.MemoryKeyStore{})
	require.NoError(t, err)
	ix, err := pii.NewIndexer(idx, nil)
	require.NoError(t, err)
	l, err := New(store, Keys{Shredder: sh, Indexer: ix, Tokens: tok}, nil)
	require.NoError(t, err)
	return l
}

// fill enrolls n subjects with events each and returns their ids.
func fill(t testing.TB, l *Ledger, n, events int) []string {
	t.Helper()
	ctx := context.Background()
	ids := make([]string, n)
	for i := range n {
		id, err := l.Enroll(ctx, pii.New(pii.Email, fmt.Sprintf("resident%d@example.com", i)))
		require.NoError(t, err)
		for j := range events {
			typ := Given
			if j%2 == 1 {
				typ = Withdrawn
			}
			_, err := l.Record(ctx, Event{Subject: id, Type: typ, Purpose: "eline:weekly-news", Channel: Email, Method: WebForm, Actor: "subject"})
			require.NoError(t, err)
		}
		ids[i] = id
	}
	return ids
}

// Each way the database's owner could tamper with the history is found and
// named by Audit against a checkpoint filed before.
func TestAuditFindsTampering(t *testing.T) {
	ctx := context.Background()
	signer, verifier := signingKeys(t)
	cases := []struct {
		name   string
		tamper func(m *MemoryStore, ids []string)
		kinds  map[int]ChangeKind
		seqs   map[int]int64
	}{
		{name: "nothing changed", tamper: func(*MemoryStore, []string) {}},
		{name: "an event edited", tamper: func(m *MemoryStore, ids []string) {
			m.events[ids[1]][1].Detail = "changed"
		}, kinds: map[int]ChangeKind{1: ChangeEdited}, seqs: map[int]int64{1: 2}},
		{name: "a chain recomputed with the plain hash after an edit", tamper: func(m *MemoryStore, ids []string) {
			ev := m.events[ids[2]]
			ev[0].Type = Withdrawn
			var prev *Event
			for i := range ev {
				Seal(&ev[i], prev)
				prev = &ev[i]
			}
		}, kinds: map[int]ChangeKind{2: ChangeEdited}, seqs: map[int]int64{2: 3}},
		{name: "the newest event deleted", tamper: func(m *MemoryStore, ids []string) {
			m.events[ids[0]] = m.events[ids[0]][:2]
		}, kinds: map[int]ChangeKind{0: ChangeDeleted}, seqs: map[int]int64{0: 3}},
		{name: "a subject deleted", tamper: func(m *MemoryStore, ids []string) {
			delete(m.events, ids[3])
			delete(m.subjects, ids[3])
		}, kinds: map[int]ChangeKind{3: ChangeDeleted}, seqs: map[int]int64{3: 1}},
		{name: "two subjects' events swapped", tamper: func(m *MemoryStore, ids []string) {
			m.events[ids[0]], m.events[ids[1]] = m.events[ids[1]], m.events[ids[0]]
		}, kinds: map[int]ChangeKind{0: ChangeEdited, 1: ChangeEdited}, seqs: map[int]int64{0: 1, 1: 1}},
		{name: "an event appended since, then edited", tamper: func(m *MemoryStore, ids []string) {
			e := Event{Subject: ids[1], Type: Given, Purpose: "surveys", Channel: Email, Method: WebForm, Actor: "subject", OccurredAt: time.Unix(1, 0), RecordedAt: time.Unix(1, 0)}
			Seal(&e, &m.events[ids[1]][2])
			e.Detail = "edited after sealing"
			m.events[ids[1]] = append(m.events[ids[1]], e)
		}, kinds: map[int]ChangeKind{1: ChangeBroken}, seqs: map[int]int64{1: 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewMemoryStore()
			l := checkpointLedger(t, m)
			ids := fill(t, l, 4, 3)
			cp, err := l.Checkpoint(ctx, signer, nil)
			require.NoError(t, err)
			b, err := MarshalCheckpoint(cp)
			require.NoError(t, err)
			filed, err := UnmarshalCheckpoint(b)
			require.NoError(t, err)
			// Legitimate appends after the checkpoint are no change.
			_, err = l.Record(ctx, Event{Subject: ids[0], Type: Given, Purpose: "surveys", Channel: Email, Method: WebForm, Actor: "subject"})
			require.NoError(t, err)
			if c.name == "the newest event deleted" {
				m.events[ids[0]] = m.events[ids[0]][:3] // drop the legitimate append too
			}
			m.mu.Lock()
			c.tamper(m, ids)
			m.mu.Unlock()

			r, err := l.Audit(ctx, filed, verifier)
			require.NoError(t, err)
			assert.Equal(t, 4, r.Subjects)
			assert.EqualValues(t, 12, r.Events)
			got := map[string]Change{}
			for _, ch := range r.Changes {
				got[ch.Subject] = ch
			}
			assert.Len(t, got, len(c.kinds), "%+v", r.Changes)
			for i, kind := range c.kinds {
				ch, ok := got[ids[i]]
				if assert.True(t, ok, "subject %d is reported", i) {
					assert.Equal(t, kind, ch.Kind, "subject %d: %s", i, ch.Detail)
					assert.Equal(t, c.seqs[i], ch.Seq, "subject %d: %s", i, ch.Detail)
				}
			}
			assert.Equal(t, len(c.kinds) == 0, r.OK())
		})
	}
}

// A checkpoint that was altered, or signed by another key, is refused;
// checkpoints chain by number and root.
func TestCheckpointVerifies(t *testing.T) {
	ctx := context.Background()
	signer, verifier := signingKeys(t)
	_, otherVerifier := signingKeys(t)
	l := checkpointLedger(t, NewMemoryStore())
	fill(t, l, 3, 2)
	cp, err := l.Checkpoint(ctx, signer, nil)
	require.NoError(t, err)
	require.NoError(t, VerifyCheckpoint(cp, verifier))
	assert.ErrorIs(t, VerifyCheckpoint(cp, otherVerifier), ErrCheckpointInvalid, "another key")

	alter := []func(c *Checkpoint){
		func(c *Checkpoint) { c.Heads[0].Seq++; c.Events++ },
		func(c *Checkpoint) { c.Heads = c.Heads[1:] },
		func(c *Checkpoint) { c.Root[0] ^= 1 },
		func(c *Checkpoint) { c.Events-- },
		func(c *Checkpoint) { c.CreatedAt = c.CreatedAt.Add(time.Hour) },
		func(c *Checkpoint) { c.Number = 2 },
		func(c *Checkpoint) { c.Heads[0], c.Heads[1] = c.Heads[1], c.Heads[0] },
	}
	for i, f := range alter {
		b, err := MarshalCheckpoint(cp)
		require.NoError(t, err)
		c, err := UnmarshalCheckpoint(b)
		require.NoError(t, err)
		f(c)
		assert.ErrorIs(t, VerifyCheckpoint(c, verifier), ErrCheckpointInvalid, "alteration %d", i)
		_, err = l.Audit(ctx, c, verifier)
		assert.ErrorIs(t, err, ErrCheckpointInvalid, "alteration %d", i)
	}
	_, err = UnmarshalCheckpoint([]byte(`{"version":1,"surprise":true}`))
	assert.ErrorIs(t, err, ErrCheckpointInvalid)

	next, err := l.Checkpoint(ctx, signer, cp)
	require.NoError(t, err)
	assert.EqualValues(t, 2, next.Number)
	assert.Equal(t, cp.Root, next.Prev, "the next checkpoint names the previous one's root")
	require.NoError(t, VerifyCheckpoint(next, verifier))
}

// Appends running while a checkpoint is taken: the checkpoint covers a
// consistent prefix of each chain, and the audit afterwards finds nothing.
func TestCheckpointConcurrentWithAppends(t *testing.T) {
	ctx := context.Background()
	signer, verifier := signingKeys(t)
	l := checkpointLedger(t, NewMemoryStore())
	ids := fill(t, l, 20, 1)
	done := make(chan error)
	go func() {
		for i := range 400 {
			if _, err := l.Record(ctx, Event{Subject: ids[i%len(ids)], Type: Given, Purpose: "surveys", Channel: Email, Method: WebForm, Actor: "subject"}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	var cps []*Checkpoint
	for range 5 {
		var prev *Checkpoint
		if len(cps) > 0 {
			prev = cps[len(cps)-1]
		}
		cp, err := l.Checkpoint(ctx, signer, prev)
		require.NoError(t, err)
		cps = append(cps, cp)
	}
	require.NoError(t, <-done)
	for _, cp := range cps {
		r, err := l.Audit(ctx, cp, verifier)
		require.NoError(t, err)
		assert.True(t, r.OK(), "checkpoint %d: %+v", cp.Number, r.Changes)
	}
}

// BenchmarkCheckpoint takes and audits a checkpoint of 1,000,000 events
// (100,000 subjects of 10 events) on the memory store, with the unkeyed
// chain and with the keyed chain (audit re-hashes every event: SHA-256, or
// the chain key's HMAC-SHA256 PRF through Tink).
func BenchmarkCheckpoint(b *testing.B) {
	for _, keyed := range []bool{false, true} {
		name := "unkeyed"
		var key *ChainKey
		if keyed {
			name, key = "keyed", chainKey(b, nil)
		}
		b.Run(name, func(b *testing.B) { benchCheckpoint(b, key) })
	}
}

func benchCheckpoint(b *testing.B, key *ChainKey) {
	ctx := context.Background()
	signer, verifier := signingKeys(b)
	m := NewKeyedMemoryStore(key)
	l := checkpointLedger(b, m)
	const subjects, per = 100_000, 10
	batch := make([]Event, 0, 10_000)
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range subjects {
		id := fmt.Sprintf("s%07d", i)
		_, _, err := m.CreateSubject(ctx, SubjectRecord{ID: id, Kind: ContactEmail, Contact: []byte{1}, Index: []byte{byte(i), byte(i >> 8), byte(i >> 16)}, CreatedAt: at}, nil)
		require.NoError(b, err)
		for j := range per {
			typ := Given
			if j%2 == 1 {
				typ = Withdrawn
			}
			batch = append(batch, Event{Subject: id, Type: typ, Purpose: "eline:weekly-news", Channel: Email, Method: WebForm, Actor: "subject", OccurredAt: at, RecordedAt: at})
		}
		if len(batch) == cap(batch) {
			_, err := m.AppendBatch(ctx, batch)
			require.NoError(b, err)
			batch = batch[:0]
		}
	}
	var cp *Checkpoint
	b.Run("checkpoint", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var err error
			cp, err = l.Checkpoint(ctx, signer, nil)
			require.NoError(b, err)
		}
		b.ReportMetric(float64(cp.Events), "events")
	})
	b.Run("audit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := l.Audit(ctx, cp, verifier)
			require.NoError(b, err)
			require.True(b, r.OK())
		}
		b.ReportMetric(float64(cp.Events)/(b.Elapsed().Seconds()/float64(b.N)), "events/s")
	})
}

// BenchmarkSeal is the cost of sealing one event: the unkeyed SHA-256
// chain against the keyed HMAC-SHA256 PRF (Tink) chain.
func BenchmarkSeal(b *testing.B) {
	prev := keyedChainOf(b, nil, 1, 1)[0]
	for _, c := range []struct {
		name string
		key  *ChainKey
	}{{"unkeyed", nil}, {"keyed", chainKey(b, nil)}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			e := prev
			e.Detail = "keyword STOP"
			for b.Loop() {
				if err := c.key.Seal(&e, &prev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRecordMemory is Ledger.Record on the memory store, unkeyed and
// keyed: no I/O, so the chain's share of an append is as large as it gets.
func BenchmarkRecordMemory(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		key  *ChainKey
	}{{"unkeyed", nil}, {"keyed", chainKey(b, nil)}} {
		b.Run(c.name, func(b *testing.B) {
			l := checkpointLedger(b, NewKeyedMemoryStore(c.key))
			ids := fill(b, l, 64, 0)
			i := 0
			for b.Loop() {
				if _, err := l.Record(ctx, Event{Subject: ids[i%len(ids)], Type: Given, Purpose: "eline:weekly-news", Channel: Email, Method: WebForm, Actor: "subject"}); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
		})
	}
}

// FuzzCheckpoint feeds any bytes to UnmarshalCheckpoint and
// VerifyCheckpoint, as an auditor's tool does with a filed checkpoint: no
// panic, and nothing verifies that the key did not sign.
func FuzzCheckpoint(f *testing.F) {
	signer, verifier := signingKeys(f)
	l := checkpointLedger(f, NewMemoryStore())
	fill(f, l, 3, 2)
	cp, err := l.Checkpoint(context.Background(), signer, nil)
	require.NoError(f, err)
	good, err := MarshalCheckpoint(cp)
	require.NoError(f, err)
	f.Add(good)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := UnmarshalCheckpoint(b)
		if err != nil {
			assert.ErrorIs(t, err, ErrCheckpointInvalid)
			return
		}
		if VerifyCheckpoint(c, verifier) == nil {
			// Only the signed checkpoint itself (in any JSON spelling) verifies.
			assert.Equal(t, cp.Root, c.Root)
			assert.Equal(t, cp.Number, c.Number)
			assert.Equal(t, cp.Events, c.Events)
		}
	})
}
