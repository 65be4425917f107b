package redisstore_test

import (
	"testing"

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
