package redact

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/prf"
)

func newPRF(t *testing.T) PRF {
	h, err := keyset.NewHandle(prf.HMACSHA256PRFKeyTemplate())
	require.NoError(t, err)
	set, err := prf.NewPRFSet(h)
	require.NoError(t, err)
	return set
}

func newAEAD(t *testing.T) AEAD {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	require.NoError(t, err)
	a, err := aead.New(h)
	require.NoError(t, err)
	return a
}

func TestOperators(t *testing.T) {
	const text = "Card 4111 1111 1111 1111, mail jane.doe@example.com, ip 192.0.2.77, ssn 219-09-9998."
	cases := []struct {
		name string
		op   Operator
		want string
		why  string
	}{
		{"label", Label(), "Card [PAYMENT_CARD], mail [EMAIL], ip [IP_ADDRESS], ssn [SSN].", "default labels"},
		{"marker", Marker("███"), "Card ███, mail ███, ip ███, ssn ███.", "fixed marker"},
		{"mask", MaskLast4(), "Card **** **** **** 1111, mail [EMAIL], ip [IP_ADDRESS], ssn ***-**-9998.", "last four digits kept, non-numbers labelled"},
		{"truncate", TruncateIP(), "Card [PAYMENT_CARD], mail [EMAIL], ip 192.0.2.0, ssn [SSN].", "IPv4 truncated to /24"},
		{"keep", Keep(), text, "keep changes nothing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := New(&Options{Default: c.op})
			require.NoError(t, err)
			assert.Equal(t, c.want, r.Redact(text), c.why)
		})
	}
}

func TestTruncateIPv6(t *testing.T) {
	r, err := New(&Options{Operators: map[Entity]Operator{IPAddress: TruncateIP()}})
	require.NoError(t, err)
	assert.Equal(t, "from 2001:db8:85a3:: now", r.Redact("from 2001:db8:85a3:1234::8a2e:370:7334 now"))
	assert.Equal(t, "from 192.0.2.0 now", r.Redact("from ::ffff:192.0.2.128 now"), "mapped IPv4 truncated as IPv4")
}

func TestPseudonymLinksValues(t *testing.T) {
	r, err := New(&Options{Default: Pseudonym(newPRF(t))})
	require.NoError(t, err)
	a := r.Redact("phone (617) 555-0142")
	b := r.Redact("phone 617.555.0142")
	c := r.Redact("phone (617) 555-0143")
	assert.Equal(t, a, b, "one number written two ways gives one token")
	assert.NotEqual(t, a, c, "different numbers give different tokens")
	assert.Regexp(t, `^phone \[PHONE:[0-9a-f]{16}\]$`, a)
	assert.Equal(t, a, r.Redact(a), "a pseudonym is not detected again")

	other, err := New(&Options{Default: Pseudonym(newPRF(t))})
	require.NoError(t, err)
	assert.NotEqual(t, a, other.Redact("phone (617) 555-0142"), "another key gives another token")
}

func TestEncryptReveal(t *testing.T) {
	key := newAEAD(t)
	ad := []byte("request-42")
	r, err := New(&Options{Default: Encrypt(key, ad)})
	require.NoError(t, err)
	const text = "Email jane.doe@example.com or call (617) 555-0142."
	out := r.Redact(text)
	assert.NotContains(t, out, "jane.doe")
	assert.NotContains(t, out, "555-0142")
	assert.Contains(t, out, "[EMAIL:enc:")
	assert.Equal(t, out, r.Redact(out), "tokens are not detected again")

	back, err := Reveal(key, ad, out)
	require.NoError(t, err)
	assert.Equal(t, text, back)

	_, err = Reveal(key, []byte("other request"), out)
	assert.ErrorIs(t, err, ErrToken, "wrong associated data")
	_, err = Reveal(newAEAD(t), ad, out)
	assert.ErrorIs(t, err, ErrToken, "wrong key")
	tampered := strings.Replace(out, "enc:", "enc:A", 1)
	_, err = Reveal(key, ad, tampered)
	assert.ErrorIs(t, err, ErrToken, "tampered token")
}

func TestOperatorByName(t *testing.T) {
	r, err := New(nil)
	require.NoError(t, err)
	for _, name := range []string{"redact", "replace", "mask", "truncate", "keep", "drop"} {
		_, err := r.OperatorByName(name)
		assert.NoError(t, err, name)
	}
	_, err = r.OperatorByName("hash")
	assert.ErrorIs(t, err, ErrOptions, "hash without a PRF")
	_, err = r.OperatorByName("encrypt")
	assert.ErrorIs(t, err, ErrOptions, "encrypt without an AEAD")
	_, err = r.OperatorByName("rot13")
	assert.ErrorIs(t, err, ErrOptions, "unknown operator")

	keyed, err := New(&Options{PRF: newPRF(t), AEAD: newAEAD(t)})
	require.NoError(t, err)
	for _, name := range []string{"hash", "encrypt"} {
		_, err := keyed.OperatorByName(name)
		assert.NoError(t, err, name)
	}
}

type failingPRF struct{}

func (failingPRF) ComputePrimaryPRF([]byte, uint32) ([]byte, error) {
	return nil, assert.AnError
}

func TestFailingOperatorNeverLeaks(t *testing.T) {
	r, err := New(&Options{Default: Pseudonym(failingPRF{})})
	require.NoError(t, err)
	assert.Equal(t, "mail [EMAIL]", r.Redact("mail jane.doe@example.com"), "Redact falls back to the label")
	fs := r.Find("mail jane.doe@example.com")
	_, err = r.Apply("mail jane.doe@example.com", fs)
	assert.Error(t, err, "Apply reports the failure")
}
