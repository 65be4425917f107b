package cookies

import (
	"context"
	"time"
)

// Store keeps server-side sessions (Options.Store). Its method set is that
// of github.com/alexedwards/scs/v2's Store, so every scs store (memstore,
// redisstore, postgresstore, sqlite3store, ...) can be used as it is.
//
// A token is the session's Handle, never the session id the cookie
// carries; b is the Manager's encoding of the session; expiry is when the
// store may forget it (the Manager also enforces its own limits on Find).
type Store interface {
	// Find returns the data committed for token, with found false if
	// there is none or it has expired. An error means the store failed.
	Find(token string) (b []byte, found bool, err error)
	// Commit adds or replaces the data for token, kept until expiry.
	Commit(token string, b []byte, expiry time.Time) error
	// Delete removes token and its data; deleting a missing token is not
	// an error.
	Delete(token string) error
}

// CtxStore is a Store whose methods also take a context; the Manager
// prefers these (scs's CtxStore).
type CtxStore interface {
	Store
	FindCtx(ctx context.Context, token string) (b []byte, found bool, err error)
	CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error
	DeleteCtx(ctx context.Context, token string) error
}

// IterableStore can return every unexpired session, token to data (scs's
// IterableStore). The Manager uses it to list and revoke an account's
// sessions when the store is not an AccountStore: one pass over all
// sessions, fine for a small portal.
type IterableStore interface {
	All() (map[string][]byte, error)
}

// IterableCtxStore is IterableStore with a context (scs's
// IterableCtxStore).
type IterableCtxStore interface {
	AllCtx(ctx context.Context) (map[string][]byte, error)
}

// AccountStore is a Store that indexes sessions by account, so that an
// account's sessions are listed and revoked without reading every session,
// and that a session revoked while a request was using it is not brought
// back by that request's save. The stores in cookies/sessionstore (SQLite,
// PostgreSQL) and cookies/sessionstore/redisstore implement it.
//
// The account is the opaque id the application passed to
// Session.SetAccount; it is "" for a session bound to no account.
type AccountStore interface {
	Store
	// CommitAccount is Commit that also records the token's account.
	CommitAccount(ctx context.Context, token, account string, b []byte, expiry time.Time) error
	// Update replaces the data and expiry of an existing, unexpired
	// token, keeping its account; it returns false, and stores nothing,
	// if the token is gone (revoked, expired).
	Update(ctx context.Context, token string, b []byte, expiry time.Time) (found bool, err error)
	// FindAccount returns the unexpired sessions of account, token to
	// data.
	FindAccount(ctx context.Context, account string) (map[string][]byte, error)
	// DeleteAccount deletes every session of account except the token
	// except ("" for none), in one atomic step, and returns how many it
	// deleted.
	DeleteAccount(ctx context.Context, account, except string) (int, error)
}

func storeFind(ctx context.Context, st Store, token string) ([]byte, bool, error) {
	if cs, ok := st.(CtxStore); ok {
		return cs.FindCtx(ctx, token)
	}
	return st.Find(token)
}

func storeCommit(ctx context.Context, st Store, token string, b []byte, expiry time.Time) error {
	if cs, ok := st.(CtxStore); ok {
		return cs.CommitCtx(ctx, token, b, expiry)
	}
	return st.Commit(token, b, expiry)
}

func storeDelete(ctx context.Context, st Store, token string) error {
	if cs, ok := st.(CtxStore); ok {
		return cs.DeleteCtx(ctx, token)
	}
	return st.Delete(token)
}

// storeAll returns every session of an iterable store, and false if the
// store cannot iterate.
func storeAll(ctx context.Context, st Store) (map[string][]byte, bool, error) {
	switch it := st.(type) {
	case IterableCtxStore:
		all, err := it.AllCtx(ctx)
		return all, true, err
	case IterableStore:
		all, err := it.All()
		return all, true, err
	}
	return nil, false, nil
}
