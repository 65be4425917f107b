package sessionstore_test

import (
	"github.com/alexedwards/scs/postgresstore"
	scsredis "github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/civickit/privacy/cookies"
	"github.com/civickit/privacy/cookies/sessionstore"
	"github.com/civickit/privacy/cookies/sessionstore/redisstore"
)

// Our stores are scs stores: an scs.SessionManager can use them.
var (
	_ scs.Store            = (*sessionstore.SQLStore)(nil)
	_ scs.IterableStore    = (*sessionstore.SQLStore)(nil)
	_ scs.CtxStore         = (*sessionstore.SQLStore)(nil)
	_ scs.IterableCtxStore = (*sessionstore.SQLStore)(nil)
	_ scs.Store            = (*redisstore.Store)(nil)
	_ scs.IterableStore    = (*redisstore.Store)(nil)
	_ scs.CtxStore         = (*redisstore.Store)(nil)
	_ scs.IterableCtxStore = (*redisstore.Store)(nil)
)

// scs's stores are cookies stores: a cookies.Manager can use them.
var (
	_ cookies.Store         = (*memstore.MemStore)(nil)
	_ cookies.IterableStore = (*memstore.MemStore)(nil)
	_ cookies.Store         = (*postgresstore.PostgresStore)(nil)
	_ cookies.IterableStore = (*postgresstore.PostgresStore)(nil)
	_ cookies.Store         = (*scsredis.RedisStore)(nil)
	_ cookies.IterableStore = (*scsredis.RedisStore)(nil)
)
