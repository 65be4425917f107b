// Package redisstore keeps cookies.Manager's server-side sessions in Redis
// (7.0 or later), through github.com/redis/go-redis/v9.
//
// # Where it sits
//
// redisstore imports cookies (whose Store interfaces it implements) and
// go-redis; it is a package of its own so that the SQL stores in
// cookies/sessionstore do not pull in a Redis client.
//
// # Layout
//
// A session is a hash at <prefix>s:<token> with fields d (the data) and a
// (the account id, if any), expiring at the session's expiry. An account's
// tokens are a set at <prefix>a:<account>, expiring with its latest
// session; members whose session is gone are dropped when the account is
// listed. Every write is one Lua script, so Redis applies it whole or not
// at all, and no other client sees it half done. The scripts address keys
// they compute from the prefix, so use a single Redis node (or Sentinel),
// not Redis Cluster.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/civickit/privacy/cookies"
)

// DefaultPrefix is the key prefix used when options leave it empty.
const DefaultPrefix = "cookies:session:"

// Store is a cookies.AccountStore (and an scs-compatible store) on Redis.
// It is safe for concurrent use; several app servers share one Redis.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
}

var (
	_ cookies.Store            = (*Store)(nil)
	_ cookies.CtxStore         = (*Store)(nil)
	_ cookies.IterableStore    = (*Store)(nil)
	_ cookies.IterableCtxStore = (*Store)(nil)
	_ cookies.AccountStore     = (*Store)(nil)
)

// Options configures a Store. Nil options are the defaults.
type Options struct {
	// Prefix starts every key the store uses; default DefaultPrefix. Give
	// each application sharing a Redis its own.
	Prefix string
}

// New returns a Store on rdb (a *redis.Client, or a failover client).
func New(rdb redis.UniversalClient, opts *Options) (*Store, error) {
	if rdb == nil {
		return nil, errors.New("redisstore: New needs a Redis client")
	}
	s := &Store{rdb: rdb, prefix: DefaultPrefix}
	if opts != nil && opts.Prefix != "" {
		s.prefix = opts.Prefix
	}
	return s, nil
}

func (s *Store) sessionKey(token string) string   { return s.prefix + "s:" + token }
func (s *Store) accountPrefix() string            { return s.prefix + "a:" }
func (s *Store) accountKey(account string) string { return s.accountPrefix() + account }

// commitScript writes a session. KEYS[1] is its hash; ARGV: 1 data,
// 2 expiry (Unix ms), 3 mode ("commit": keep the account; "account": set
// it to ARGV[5]; "update": only if the session exists, keeping the
// account), 4 token, 5 account, 6 account key prefix. It returns 1, or 0
// when an update found no session.
var commitScript = redis.NewScript(`
local k = KEYS[1]
local mode = ARGV[3]
if mode == 'update' and redis.call('EXISTS', k) == 0 then return 0 end
local account = redis.call('HGET', k, 'a')
if mode == 'account' then
  if account and account ~= ARGV[5] then redis.call('SREM', ARGV[6] .. account, ARGV[4]) end
  account = ARGV[5]
  if account == '' then redis.call('HDEL', k, 'a') else redis.call('HSET', k, 'a', account) end
end
redis.call('HSET', k, 'd', ARGV[1])
redis.call('PEXPIREAT', k, ARGV[2])
if account and account ~= '' then
  local ak = ARGV[6] .. account
  redis.call('SADD', ak, ARGV[4])
  if redis.call('PEXPIRETIME', ak) < tonumber(ARGV[2]) then redis.call('PEXPIREAT', ak, ARGV[2]) end
end
return 1
`)

// deleteScript deletes a session and its account set entry. KEYS[1] is
// its hash; ARGV: 1 token, 2 account key prefix.
var deleteScript = redis.NewScript(`
local a = redis.call('HGET', KEYS[1], 'a')
redis.call('DEL', KEYS[1])
if a then redis.call('SREM', ARGV[2] .. a, ARGV[1]) end
return 1
`)

// findAccountScript returns token, data pairs of an account's live
// sessions, dropping members whose session is gone. KEYS[1] is the
// account set; ARGV[1] is the session key prefix.
var findAccountScript = redis.NewScript(`
local out = {}
for _, t in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local d = redis.call('HGET', ARGV[1] .. t, 'd')
  if d then
    out[#out + 1] = t
    out[#out + 1] = d
  else
    redis.call('SREM', KEYS[1], t)
  end
end
return out
`)

// deleteAccountScript deletes an account's sessions but ARGV[2], and
// returns how many existed. KEYS[1] is the account set; ARGV[1] the
// session key prefix.
var deleteAccountScript = redis.NewScript(`
local n = 0
for _, t in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if t ~= ARGV[2] then
    n = n + redis.call('DEL', ARGV[1] .. t)
    redis.call('SREM', KEYS[1], t)
  end
end
return n
`)

// Find implements cookies.Store (scs's Store).
func (s *Store) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// FindCtx returns the data of token, if it has not expired.
func (s *Store) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	b, err := s.rdb.HGet(ctx, s.sessionKey(token), "d").Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("redisstore: find: %w", err)
	}
	return b, true, nil
}

func (s *Store) commit(ctx context.Context, mode, token, account string, b []byte, expiry time.Time) (bool, error) {
	n, err := commitScript.Run(ctx, s.rdb, []string{s.sessionKey(token)},
		b, expiry.UnixMilli(), mode, token, account, s.accountPrefix()).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: %s: %w", mode, err)
	}
	return n == 1, nil
}

// Commit implements cookies.Store (scs's Store).
func (s *Store) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx adds or replaces the data of token; an existing session keeps
// its account.
func (s *Store) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.commit(ctx, "commit", token, "", b, expiry)
	return err
}

// CommitAccount implements cookies.AccountStore.
func (s *Store) CommitAccount(ctx context.Context, token, account string, b []byte, expiry time.Time) error {
	_, err := s.commit(ctx, "account", token, account, b, expiry)
	return err
}

// Update implements cookies.AccountStore: it changes an existing session
// only.
func (s *Store) Update(ctx context.Context, token string, b []byte, expiry time.Time) (bool, error) {
	return s.commit(ctx, "update", token, "", b, expiry)
}

// Delete implements cookies.Store (scs's Store).
func (s *Store) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteCtx deletes token.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	if err := deleteScript.Run(ctx, s.rdb, []string{s.sessionKey(token)}, token, s.accountPrefix()).Err(); err != nil {
		return fmt.Errorf("redisstore: delete: %w", err)
	}
	return nil
}

// All implements cookies.IterableStore (scs's IterableStore).
func (s *Store) All() (map[string][]byte, error) {
	return s.AllCtx(context.Background())
}

// AllCtx returns every live session, scanning the prefix's keys.
func (s *Store) AllCtx(ctx context.Context) (map[string][]byte, error) {
	out := map[string][]byte{}
	pre := s.sessionKey("")
	it := s.rdb.Scan(ctx, 0, globEscape(pre)+"*", 256).Iterator()
	var keys []string
	for it.Next(ctx) {
		keys = append(keys, it.Val())
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("redisstore: all: %w", err)
	}
	if len(keys) == 0 {
		return out, nil
	}
	cmds := make([]*redis.StringCmd, len(keys))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.HGet(ctx, k, "d")
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redisstore: all: %w", err)
	}
	for i, c := range cmds {
		if b, err := c.Bytes(); err == nil {
			out[keys[i][len(pre):]] = b
		}
	}
	return out, nil
}

// FindAccount implements cookies.AccountStore.
func (s *Store) FindAccount(ctx context.Context, account string) (map[string][]byte, error) {
	res, err := findAccountScript.Run(ctx, s.rdb, []string{s.accountKey(account)}, s.sessionKey("")).Slice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redisstore: find account: %w", err)
	}
	out := make(map[string][]byte, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		t, ok1 := res[i].(string)
		d, ok2 := res[i+1].(string)
		if ok1 && ok2 {
			out[t] = []byte(d)
		}
	}
	return out, nil
}

// DeleteAccount implements cookies.AccountStore: one script.
func (s *Store) DeleteAccount(ctx context.Context, account, except string) (int, error) {
	n, err := deleteAccountScript.Run(ctx, s.rdb, []string{s.accountKey(account)}, s.sessionKey(""), except).Int()
	if err != nil {
		return 0, fmt.Errorf("redisstore: delete account: %w", err)
	}
	return n, nil
}

// globEscape escapes the characters SCAN's MATCH pattern gives a meaning,
// so that a prefix is matched literally.
func globEscape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\', '^', '-':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(b)
}
