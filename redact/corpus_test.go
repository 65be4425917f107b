package redact

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type corpusDoc struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Text  string `json:"text"`
	Spans []struct {
		Start  int    `json:"start"`
		End    int    `json:"end"`
		Entity Entity `json:"entity"`
	} `json:"spans"`
}

func loadCorpus(t testing.TB) []corpusDoc {
	f, err := os.Open("testdata/corpus/corpus.jsonl")
	require.NoError(t, err)
	defer f.Close()
	var docs []corpusDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var d corpusDoc
		require.NoError(t, json.Unmarshal(sc.Bytes(), &d))
		docs = append(docs, d)
	}
	require.NoError(t, sc.Err())
	return docs
}

type prCount struct{ tp, fp, fn, gold int }

func (c prCount) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c prCount) recall() float64 {
	if c.gold == 0 {
		return 1
	}
	return float64(c.gold-c.fn) / float64(c.gold)
}

// corpusMetrics scores r on the corpus. A prediction is a true positive if
// it overlaps a gold span of the same entity; a gold span is recalled if a
// prediction of its entity overlaps it.
func corpusMetrics(r *Redactor, docs []corpusDoc) map[Entity]*prCount {
	m := map[Entity]*prCount{}
	get := func(e Entity) *prCount {
		if m[e] == nil {
			m[e] = &prCount{}
		}
		return m[e]
	}
	for _, d := range docs {
		pred := r.Find(d.Text)
		for _, p := range pred {
			hit := false
			for _, g := range d.Spans {
				if g.Entity == p.Entity && p.Start < g.End && g.Start < p.End {
					hit = true
				}
			}
			if hit {
				get(p.Entity).tp++
			} else {
				get(p.Entity).fp++
			}
		}
		for _, g := range d.Spans {
			c := get(g.Entity)
			c.gold++
			found := false
			for _, p := range pred {
				if g.Entity == p.Entity && p.Start < g.End && g.Start < p.End {
					found = true
				}
			}
			if !found {
				c.fn++
			}
		}
	}
	return m
}

// corpusFloors are the minimum precision and recall per entity, set a few
// points under the measured values so that a regression fails the test.
var corpusFloors = map[Entity][2]float64{ // precision, recall
	Email:         {0.99, 0.99},
	Phone:         {0.99, 0.99},
	SSN:           {0.99, 0.99},
	PaymentCard:   {0.99, 0.99},
	RoutingNumber: {0.99, 0.99},
	BankAccount:   {0.95, 0.95},
	IBAN:          {0.99, 0.99},
	IPAddress:     {0.99, 0.99},
	DateOfBirth:   {0.95, 0.95},
	PostalAddress: {0.88, 0.97}, // the city's own address is an unlabelled false positive
	PersonName:    {0.97, 0.95},
}

func TestCorpusPrecisionRecall(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	m := corpusMetrics(r, loadCorpus(t))
	var ents []string
	for e := range m {
		ents = append(ents, string(e))
	}
	sort.Strings(ents)
	var b strings.Builder
	fmt.Fprintf(&b, "\n| entity | gold | TP | FP | FN | precision | recall |\n|---|---:|---:|---:|---:|---:|---:|\n")
	var all prCount
	for _, e := range ents {
		c := m[Entity(e)]
		all.tp += c.tp
		all.fp += c.fp
		all.fn += c.fn
		all.gold += c.gold
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %.3f | %.3f |\n", e, c.gold, c.tp, c.fp, c.fn, c.precision(), c.recall())
	}
	fmt.Fprintf(&b, "| **all** | %d | %d | %d | %d | %.3f | %.3f |\n", all.gold, all.tp, all.fp, all.fn, all.precision(), all.recall())
	t.Log(b.String())
	for e, floor := range corpusFloors {
		c := m[e]
		if c == nil {
			t.Errorf("%s: no gold spans in the corpus", e)
			continue
		}
		if c.precision() < floor[0] {
			t.Errorf("%s: precision %.3f below floor %.2f", e, c.precision(), floor[0])
		}
		if c.recall() < floor[1] {
			t.Errorf("%s: recall %.3f below floor %.2f", e, c.recall(), floor[1])
		}
	}
}
