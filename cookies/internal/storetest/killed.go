package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/civickit/privacy/cookies"
)

// KilledBlobSize is the size of the values the killed-writer test writes:
// large enough that a write takes many pages (SQLite), protocol frames
// (PostgreSQL) or bulk strings (Redis).
const KilledBlobSize = 64 << 10

// Blob returns a value of size bytes that names its token, account and
// sequence number and ends with the SHA-256 of everything before it, so
// that a torn or mixed write is detected by CheckBlob.
func Blob(seq int, token, account string, size int) []byte {
	head := fmt.Sprintf("%s|%s|%d|", token, account, seq)
	b := make([]byte, 0, size)
	b = append(b, head...)
	for len(b) < size-sha256.Size {
		b = append(b, byte(seq+len(b)))
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// CheckBlob verifies a value made by Blob and returns its token and
// account.
func CheckBlob(b []byte) (token, account string, ok bool) {
	if len(b) < sha256.Size {
		return "", "", false
	}
	sum := sha256.Sum256(b[:len(b)-sha256.Size])
	if !bytes.Equal(sum[:], b[len(b)-sha256.Size:]) {
		return "", "", false
	}
	parts := strings.SplitN(string(b[:min(len(b), 200)]), "|", 4)
	if len(parts) < 4 {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// WriteForever is the killed child's work: commits, updates and
// account-wide deletes of large values over a few tokens and accounts,
// until the process is killed. A token always belongs to the same
// account, as a session's does.
func WriteForever(ctx context.Context, st cookies.AccountStore) error {
	expiry := time.Now().Add(time.Hour)
	for i := 0; ; i++ {
		tok := fmt.Sprintf("tok-%02d", i%40)
		acct := fmt.Sprintf("acct-%d", (i%40)%4)
		var err error
		switch i % 10 {
		case 0:
			_, err = st.DeleteAccount(ctx, acct, tok)
		case 1, 2, 3:
			_, err = st.Update(ctx, tok, Blob(i, tok, acct, KilledBlobSize), expiry)
		default:
			err = st.CommitAccount(ctx, tok, acct, Blob(i, tok, acct, KilledBlobSize), expiry)
		}
		if err != nil {
			return err
		}
	}
}
