package redisstore_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/cookies/internal/storetest"
	"github.com/civickit/privacy/cookies/sessionstore/redisstore"
	"github.com/civickit/privacy/internal/testdb"
)

const envHelperPrefix = "REDISSTORE_HELPER_PREFIX"

// TestHelperWriteProcess is not a test: it is the child process of
// TestKilledWriteProcess.
func TestHelperWriteProcess(t *testing.T) {
	prefix := os.Getenv(envHelperPrefix)
	if prefix == "" {
		t.Skip("helper process for TestKilledWriteProcess")
	}
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv(testdb.EnvRedisAddr)})
	st, err := redisstore.New(rdb, &redisstore.Options{Prefix: prefix})
	require.NoError(t, err)
	require.NoError(t, storetest.WriteForever(context.Background(), st))
}

// TestKilledWriteProcess kills a child writing 64 KiB sessions with
// SIGKILL at random moments (fixed seed). After every kill every session
// is a whole value, its account field is the one written with it, and the
// account index agrees: every session with an account is in that
// account's set.
func TestKilledWriteProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	rdb, prefix := testdb.Redis(t)
	ctx := context.Background()
	count := func() int64 {
		n, err := rdb.DBSize(ctx).Result()
		require.NoError(t, err)
		keys, err := rdb.Keys(ctx, prefix+"*").Result()
		require.NoError(t, err)
		var total int64
		for _, k := range keys {
			if strings.HasPrefix(k, prefix+"s:") {
				l, _ := rdb.HStrLen(ctx, k, "d").Result()
				total += l
			}
		}
		return total + n
	}
	r := rand.New(rand.NewPCG(15, 2))
	for round := range 5 {
		before := count()
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriteProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), envHelperPrefix+"="+prefix)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		require.NoError(t, cmd.Start())
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		for count() == before && len(exited) == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(5*time.Millisecond + time.Duration(r.IntN(75_000))*time.Microsecond)
		serr := cmd.Process.Signal(syscall.SIGKILL)
		err := <-exited
		// out is only read once the child is gone (Wait has copied its output).
		require.NoError(t, serr, "the child writes until killed: %s", out.String())
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, "child: %s", out.String())
		ws, ok := ee.Sys().(syscall.WaitStatus)
		require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL, "killed, not failed: %v\n%s", err, out.String())

		keys, err := rdb.Keys(ctx, prefix+"s:*").Result()
		require.NoError(t, err)
		for _, k := range keys {
			h, err := rdb.HGetAll(ctx, k).Result()
			require.NoError(t, err)
			tok, acct, ok := storetest.CheckBlob([]byte(h["d"]))
			require.True(t, ok, "%s holds a torn value", k)
			assert.Equal(t, strings.TrimPrefix(k, prefix+"s:"), tok)
			assert.Equal(t, acct, h["a"], "account written with the value")
			member, err := rdb.SIsMember(ctx, prefix+"a:"+acct, tok).Result()
			require.NoError(t, err)
			assert.True(t, member, "%s is in its account's set", tok)
		}
		t.Logf("round %d: %d whole sessions after the kill", round, len(keys))
	}
}
