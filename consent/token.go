package consent

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/civickit/privacy/pii"
)

// tokenKind says what a token is for. It is inside the ciphertext and in
// the associated data, so a token of one kind never passes for another.
type tokenKind byte

const (
	kindConfirm     tokenKind = 1
	kindUnsubscribe tokenKind = 2
)

func (k tokenKind) ad() []byte {
	switch k {
	case kindConfirm:
		return []byte("civickit/consent/token/v1/confirm")
	case kindUnsubscribe:
		return []byte("civickit/consent/token/v1/unsubscribe")
	}
	return []byte("civickit/consent/token/v1/invalid")
}

const (
	tokenVersion = 1
	nonceSize    = 16
	// maxTokenLen bounds the base64 text parsed, before any decoding work.
	maxTokenLen = 512
)

// claims is a token's plaintext: no PII, only the opaque subject id, the
// purpose, the channel, an expiry and a random nonce (the token's id for
// single use).
type claims struct {
	Kind    tokenKind
	Expires time.Time // zero: never
	Nonce   [nonceSize]byte
	Subject string
	Purpose string
	Channel Channel
}

var errClaims = errors.New("consent: bad token claims")

// encode lays out the claims as: version, kind, expiry (Unix seconds,
// 0 for never, 8 bytes big-endian), nonce, then subject, purpose and channel
// each as a 1-byte length and bytes.
func (c *claims) encode() ([]byte, error) {
	if len(c.Subject) > 255 || len(c.Purpose) > 255 || len(c.Channel) > 255 {
		return nil, errClaims
	}
	b := make([]byte, 0, 2+8+nonceSize+3+len(c.Subject)+len(c.Purpose)+len(c.Channel))
	b = append(b, tokenVersion, byte(c.Kind))
	var exp int64
	if !c.Expires.IsZero() {
		exp = c.Expires.Unix()
	}
	b = binary.BigEndian.AppendUint64(b, uint64(exp))
	b = append(b, c.Nonce[:]...)
	for _, s := range []string{c.Subject, c.Purpose, string(c.Channel)} {
		b = append(b, byte(len(s)))
		b = append(b, s...)
	}
	return b, nil
}

// decodeClaims parses encode's layout strictly: every byte accounted for,
// fields well-formed.
func decodeClaims(b []byte) (claims, error) {
	var c claims
	if len(b) < 2+8+nonceSize+3 || b[0] != tokenVersion {
		return c, errClaims
	}
	c.Kind = tokenKind(b[1])
	if c.Kind != kindConfirm && c.Kind != kindUnsubscribe {
		return c, errClaims
	}
	exp := int64(binary.BigEndian.Uint64(b[2:10]))
	if exp < 0 {
		return c, errClaims
	}
	if exp != 0 {
		c.Expires = time.Unix(exp, 0).UTC()
	}
	copy(c.Nonce[:], b[10:10+nonceSize])
	rest := b[10+nonceSize:]
	var fields [3]string
	for i := range fields {
		if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
			return c, errClaims
		}
		n := int(rest[0])
		fields[i] = string(rest[1 : 1+n])
		rest = rest[1+n:]
	}
	if len(rest) != 0 {
		return c, errClaims
	}
	c.Subject, c.Purpose, c.Channel = fields[0], fields[1], Channel(fields[2])
	if !validSubjectID(c.Subject) || !validName(c.Purpose) || !c.Channel.Valid() {
		return c, errClaims
	}
	return c, nil
}

// tokens makes and opens tokens with a Tink AEAD from an Encryption keyring.
type tokens struct {
	kr *pii.Keyring
}

func (t tokens) make(c claims) (string, error) {
	if _, err := rand.Read(c.Nonce[:]); err != nil {
		return "", fmt.Errorf("consent: token nonce: %w", err)
	}
	pt, err := c.encode()
	if err != nil {
		return "", err
	}
	a, err := t.kr.AEAD()
	if err != nil {
		return "", fmt.Errorf("consent: token key: %w", err)
	}
	ct, err := a.Encrypt(pt, c.Kind.ad())
	if err != nil {
		return "", fmt.Errorf("consent: make token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(ct), nil
}

// open returns the claims of a token of kind, or ErrInvalid for anything
// that does not verify, including an expired token.
func (t tokens) open(tok string, kind tokenKind, now time.Time) (claims, error) {
	if len(tok) == 0 || len(tok) > maxTokenLen {
		return claims{}, ErrInvalid
	}
	ct, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return claims{}, ErrInvalid
	}
	a, err := t.kr.AEAD()
	if err != nil {
		return claims{}, fmt.Errorf("consent: token key: %w", err)
	}
	pt, err := a.Decrypt(ct, kind.ad())
	if err != nil {
		return claims{}, ErrInvalid
	}
	c, err := decodeClaims(pt)
	if err != nil || c.Kind != kind {
		return claims{}, ErrInvalid
	}
	if !c.Expires.IsZero() && !now.Before(c.Expires) {
		return claims{}, ErrInvalid
	}
	return c, nil
}
