package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// EnvRedisAddr names the environment variable holding the test Redis
// address, for example 127.0.0.1:6379.
const EnvRedisAddr = "PRIVACY_TEST_REDIS_ADDR"

// EnvRequireRedis names the environment variable that, set to 1, makes a
// missing or unreachable Redis a test failure instead of a skip.
const EnvRequireRedis = "PRIVACY_TEST_REQUIRE_REDIS"

// Redis returns a client for the test Redis and a key prefix of the test's
// own; every key under the prefix is deleted when the test ends, so tests
// in different packages (and runs) never see each other's keys. It skips
// the test when PRIVACY_TEST_REDIS_ADDR is unset, unless
// PRIVACY_TEST_REQUIRE_REDIS=1, in which case it fails.
func Redis(t testing.TB) (*redis.Client, string) {
	t.Helper()
	addr := os.Getenv(EnvRedisAddr)
	if addr == "" {
		if os.Getenv(EnvRequireRedis) == "1" {
			t.Fatalf("testdb: %s is not set but %s=1", EnvRedisAddr, EnvRequireRedis)
		}
		t.Skipf("testdb: set %s to run Redis-backed tests (for example 127.0.0.1:6379)", EnvRedisAddr)
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		t.Fatalf("testdb: Redis at %s is unreachable: %v", EnvRedisAddr, err)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := sanitize(t.Name())
	if len(name) > 40 {
		name = name[:40]
	}
	prefix := "test:" + name + ":" + hex.EncodeToString(rnd[:]) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		it := rdb.Scan(ctx, 0, prefix+"*", 256).Iterator()
		var keys []string
		for it.Next(ctx) {
			keys = append(keys, it.Val())
		}
		if len(keys) > 0 {
			_ = rdb.Del(ctx, keys...).Err()
		}
		rdb.Close()
	})
	return rdb, prefix
}
