package redact

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chunkedReader returns its data in pieces of random size, so entities
// fall across read boundaries.
type chunkedReader struct {
	data []byte
	rng  *rand.Rand
	max  int
}

func (c *chunkedReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, errIOEOF
	}
	n := min(1+c.rng.IntN(c.max), len(p), len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

func TestStreamMatchesWholeInput(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	text := densePII(300 << 10)
	want := r.Redact(text)
	for _, max := range []int{1, 7, 4096, 100000} {
		var out bytes.Buffer
		src := &chunkedReader{data: []byte(text), rng: rand.New(rand.NewPCG(5, uint64(max))), max: max}
		require.NoError(t, r.RedactStream(&out, src))
		assert.Equal(t, want, out.String(), "reads of at most %d bytes", max)
	}
}

func TestStreamEntitySplitAcrossWrites(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	pad := strings.Repeat("x ", streamChunk/2)
	text := pad + "card 4111 1111 1111 1111 mail jane@example.com" + pad
	var out bytes.Buffer
	w := r.NewWriter(&out)
	for i := 0; i < len(text); i += 3 {
		_, err := w.Write([]byte(text[i:min(i+3, len(text))]))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	assert.NotContains(t, out.String(), "4111")
	assert.NotContains(t, out.String(), "jane@")
	assert.Equal(t, r.Redact(text), out.String())

	_, err = w.Write([]byte("x"))
	assert.ErrorIs(t, err, ErrClosed)
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestStreamWriteError(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	err = r.RedactStream(failWriter{}, strings.NewReader(strings.Repeat("hello ", streamChunk)))
	assert.Error(t, err)
}

var errIOEOF = io.EOF
