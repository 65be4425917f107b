package redisstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/cookies/internal/storetest"
	"github.com/civickit/privacy/cookies/sessionstore/redisstore"
	"github.com/civickit/privacy/internal/testdb"
)

func TestRedisStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cookies.AccountStore {
		rdb, prefix := testdb.Redis(t)
		st, err := redisstore.New(rdb, &redisstore.Options{Prefix: prefix})
		require.NoError(t, err)
		return st
	})
}

func TestNewValidates(t *testing.T) {
	_, err := redisstore.New(nil, nil)
	assert.Error(t, err, "a client is required")
}

func TestPrefixIsLiteral(t *testing.T) {
	rdb, prefix := testdb.Redis(t)
	glob, err := redisstore.New(rdb, &redisstore.Options{Prefix: prefix + "a*[b]?:"})
	require.NoError(t, err)
	other, err := redisstore.New(rdb, &redisstore.Options{Prefix: prefix + "aXb?:"})
	require.NoError(t, err)
	later := time.Now().Add(time.Hour)
	require.NoError(t, glob.Commit("tok-1", []byte("g"), later))
	require.NoError(t, other.Commit("tok-2", []byte("o"), later))
	all, err := glob.All()
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{"tok-1": []byte("g")}, all, "a prefix with glob characters matches only itself")
}
