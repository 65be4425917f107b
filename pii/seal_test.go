package pii_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/civickit/privacy/internal/testdb"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newSealer(t testing.TB) (*pii.Keyring, *pii.Sealer) {
	t.Helper()
	kr, err := pii.NewKeyring(pii.Encryption)
	require.NoError(t, err)
	s, err := pii.NewSealer(kr)
	require.NoError(t, err)
	return kr, s
}

func TestSealOpenRoundTrip(t *testing.T) {
	_, s := newSealer(t)
	ad := pii.AD{Record: "account", Field: "Email", ID: "acct-1"}
	v := pii.New(pii.Email, "resident@example.com")
	c, err := s.Seal(v, ad)
	require.NoError(t, err)
	assert.NotContains(t, string(c), "resident")
	got, err := s.Open(c, ad)
	require.NoError(t, err)
	assert.Equal(t, "resident@example.com", got.Reveal())
	assert.Equal(t, pii.Email, got.Category())
}

func TestOpenRejectsMovedCiphertext(t *testing.T) {
	_, s := newSealer(t)
	ad := pii.AD{Record: "account", Field: "Email", ID: "acct-1"}
	c, err := s.Seal(pii.New(pii.Email, "resident@example.com"), ad)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		ad   pii.AD
	}{
		{"another field of the same row", pii.AD{Record: "account", Field: "Phone", ID: "acct-1"}},
		{"the same field of another row", pii.AD{Record: "account", Field: "Email", ID: "acct-2"}},
		{"another record type", pii.AD{Record: "subscriber", Field: "Email", ID: "acct-1"}},
		{"shifted boundaries must not collide", pii.AD{Record: "accountE", Field: "mail", ID: "acct-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Open(c, tc.ad)
			assert.ErrorIs(t, err, pii.ErrInvalid)
		})
	}
}

func TestOpenEveryByteFlipped(t *testing.T) {
	_, s := newSealer(t)
	ad := pii.AD{Record: "r", Field: "f", ID: "1"}
	c, err := s.Seal(pii.New(pii.Phone, "555-010-0100"), ad)
	require.NoError(t, err)
	for i := range c {
		bad := bytes.Clone(c)
		bad[i] ^= 0x01
		_, err := s.Open(bad, ad)
		require.ErrorIs(t, err, pii.ErrInvalid, "byte %d flipped", i)
	}
	for n := 0; n < len(c); n++ {
		_, err := s.Open(c[:n], ad)
		require.ErrorIs(t, err, pii.ErrInvalid, "truncated to %d", n)
	}
}

func TestRotateRewrapDisable(t *testing.T) {
	kr, s := newSealer(t)
	ad := pii.AD{Record: "r", Field: "f", ID: "1"}
	old := kr.Primary()
	c1, err := s.Seal(pii.New(pii.PaymentCard, "4111 1111 1111 1111"), ad)
	require.NoError(t, err)
	assert.Equal(t, old, c1.KeyID())

	newID, err := kr.Rotate()
	require.NoError(t, err)
	require.NotEqual(t, old, newID)
	assert.Equal(t, newID, kr.Primary())

	_, err = s.Open(c1, ad)
	require.NoError(t, err, "old ciphertext opens after rotation")

	c2, err := s.Rewrap(c1, ad)
	require.NoError(t, err)
	assert.Equal(t, newID, c2.KeyID())

	require.NoError(t, kr.Disable(old))
	_, err = s.Open(c1, ad)
	assert.ErrorIs(t, err, pii.ErrInvalid, "disabled key no longer opens")
	got, err := s.Open(c2, ad)
	require.NoError(t, err)
	assert.Equal(t, "4111 1111 1111 1111", got.Reveal())

	require.NoError(t, kr.Enable(old))
	_, err = s.Open(c1, ad)
	require.NoError(t, err, "re-enabled key opens again")
	require.NoError(t, kr.Destroy(old))
	_, err = s.Open(c1, ad)
	assert.ErrorIs(t, err, pii.ErrInvalid)
	assert.ErrorIs(t, kr.Disable(0xdeadbeef), pii.ErrUnknownKey)
	assert.Error(t, kr.Disable(newID), "the primary cannot be disabled")
}

func TestKeyringWriteReadWrongKEK(t *testing.T) {
	dir := t.TempDir()
	kek, err := pii.GenerateMasterKey(filepath.Join(dir, "master.json"))
	require.NoError(t, err)
	_, err = pii.GenerateMasterKey(filepath.Join(dir, "master.json"))
	require.Error(t, err, "refuses to overwrite a master key")
	other, err := pii.GenerateMasterKey(filepath.Join(dir, "other.json"))
	require.NoError(t, err)

	kr, s := newSealer(t)
	path := filepath.Join(dir, "keyring.json")
	require.NoError(t, kr.WriteFile(path, kek))

	ad := pii.AD{Record: "r", Field: "f", ID: "1"}
	c, err := s.Seal(pii.New(pii.Name, "Pat Example"), ad)
	require.NoError(t, err)

	kek2, err := pii.LoadMasterKey(filepath.Join(dir, "master.json"))
	require.NoError(t, err)
	kr2, err := pii.ReadKeyringFile(path, pii.Encryption, kek2)
	require.NoError(t, err)
	s2, err := pii.NewSealer(kr2)
	require.NoError(t, err)
	got, err := s2.Open(c, ad)
	require.NoError(t, err)
	assert.Equal(t, "Pat Example", got.Reveal())

	_, err = pii.ReadKeyringFile(path, pii.Encryption, other)
	assert.ErrorIs(t, err, pii.ErrWrongKEK)
	_, err = pii.ReadKeyringFile(path, pii.Indexing, kek)
	assert.ErrorIs(t, err, pii.ErrWrongKEK, "the purpose is bound to the wrapping")
}

type account struct {
	ID    string
	Name  pii.String `pii:"name,encrypt"`
	Email pii.String `pii:"email,encrypt,index"`
	Phone string     `pii:"phone,encrypt,index"`
	Note  string     `pii:"-"`
}

func TestSealFieldsOpenFields(t *testing.T) {
	_, s := newSealer(t)
	a := account{ID: "a1", Name: pii.New(pii.Name, "Pat Example"), Email: pii.New(pii.Email, "pat@example.com"), Phone: "555-010-0123", Note: "hello"}
	sealed, err := s.SealFields("account", a.ID, &a)
	require.NoError(t, err)
	require.Len(t, sealed, 3)
	js, err := json.Marshal(sealed)
	require.NoError(t, err)
	assert.NotContains(t, string(js), "example.com")

	var back pii.SealedFields
	require.NoError(t, json.Unmarshal(js, &back))
	var b account
	require.NoError(t, s.OpenFields("account", "a1", back, &b))
	assert.Equal(t, "pat@example.com", b.Email.Reveal())
	assert.Equal(t, pii.Email, b.Email.Category())
	assert.Equal(t, "555-010-0123", b.Phone)

	// Swap two fields: both must fail, and dst must stay untouched.
	back["Email"], back["Name"] = back["Name"], back["Email"]
	var c account
	err = s.OpenFields("account", "a1", back, &c)
	assert.ErrorIs(t, err, pii.ErrInvalid)
	assert.True(t, c.Email.IsZero())
	assert.NotContains(t, err.Error(), "example")
}

func TestShredderForget(t *testing.T) {
	for name, store := range keyStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			kr, _ := newSealer(t)
			sh, err := pii.NewShredder(kr, store)
			require.NoError(t, err)
			ad := pii.AD{Record: "subscriber", Field: "email", ID: "s1"}
			c1, err := sh.Seal(ctx, "subj-1", pii.New(pii.Email, "one@example.com"), ad)
			require.NoError(t, err)
			c2, err := sh.Seal(ctx, "subj-2", pii.New(pii.Email, "two@example.com"), ad)
			require.NoError(t, err)

			_, err = sh.Open(ctx, "subj-2", c1, ad)
			assert.ErrorIs(t, err, pii.ErrInvalid, "one subject's key does not open another's data")

			require.NoError(t, sh.Forget(ctx, "subj-1"))
			require.NoError(t, sh.Forget(ctx, "subj-1"), "forget is idempotent")
			_, err = sh.Open(ctx, "subj-1", c1, ad)
			assert.ErrorIs(t, err, pii.ErrForgotten)
			_, err = sh.Seal(ctx, "subj-1", pii.New(pii.Email, "one@example.com"), ad)
			assert.ErrorIs(t, err, pii.ErrForgotten)

			got, err := sh.Open(ctx, "subj-2", c2, ad)
			require.NoError(t, err)
			assert.Equal(t, "two@example.com", got.Reveal())

			_, err = sh.Open(ctx, "never-seen", c2, ad)
			assert.ErrorIs(t, err, pii.ErrInvalid)

			// Rewrap after rotation, then the old keyring key can go.
			old := kr.Primary()
			_, err = kr.Rotate()
			require.NoError(t, err)
			require.NoError(t, sh.Rewrap(ctx, "subj-2"))
			require.NoError(t, kr.Disable(old))
			got, err = sh.Open(ctx, "subj-2", c2, ad)
			require.NoError(t, err)
			assert.Equal(t, "two@example.com", got.Reveal())
		})
	}
}

func keyStores(t *testing.T) map[string]pii.KeyStore {
	ctx := context.Background()
	stores := map[string]pii.KeyStore{"memory": &pii.MemoryKeyStore{}}
	lite, err := pii.NewSQLKeyStore(testdb.SQLite(t), sqldialect.SQLite, nil)
	require.NoError(t, err)
	require.NoError(t, lite.Migrate(ctx))
	stores["sqlite"] = lite
	if pgdb := postgresOrNil(t); pgdb != nil {
		pg, err := pii.NewSQLKeyStore(pgdb, sqldialect.Postgres, nil)
		require.NoError(t, err)
		require.NoError(t, pg.Migrate(ctx))
		stores["postgres"] = pg
	}
	if mydb := mysqlOrNil(t); mydb != nil {
		my, err := pii.NewSQLKeyStore(mydb, sqldialect.MySQL, nil)
		require.NoError(t, err)
		require.NoError(t, my.Migrate(ctx))
		stores["mysql"] = my
	}
	return stores
}

func TestSealedInSQL(t *testing.T) {
	_, s := newSealer(t)
	db := testdb.SQLite(t)
	_, err := db.Exec(`CREATE TABLE accounts (id TEXT PRIMARY KEY, email BLOB, phone BLOB)`)
	require.NoError(t, err)
	ad := pii.AD{Record: "account", Field: "email", ID: "a1"}
	c, err := s.Seal(pii.New(pii.Email, "resident@example.com"), ad)
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO accounts (id, email, phone) VALUES ($1, $2, $3)`, "a1", c, pii.Sealed(nil))
	require.NoError(t, err)

	var email, phone pii.Sealed
	require.NoError(t, db.QueryRow(`SELECT email, phone FROM accounts WHERE id = $1`, "a1").Scan(&email, &phone))
	assert.Nil(t, phone, "a nil Sealed is stored as NULL")
	got, err := s.Open(email, ad)
	require.NoError(t, err)
	assert.Equal(t, "resident@example.com", got.Reveal())
	assert.Contains(t, email.String(), "bytes")
	assert.NotContains(t, email.String(), "resident")
	assert.Error(t, email.Scan(42))
}

func TestShredderConcurrentFirstUse(t *testing.T) {
	for name, store := range keyStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			kr, _ := newSealer(t)
			sh, err := pii.NewShredder(kr, store)
			require.NoError(t, err)
			ad := pii.AD{Record: "r", Field: "f", ID: "1"}
			const n = 8
			out := make([]pii.Sealed, n)
			errs := make(chan error, n)
			for i := range n {
				go func() {
					c, err := sh.Seal(ctx, "new-subject", pii.New(pii.Phone, "617-555-0100"), ad)
					out[i] = c
					errs <- err
				}()
			}
			for range n {
				require.NoError(t, <-errs)
			}
			// Racing first uses must agree on one key: every ciphertext opens.
			for i, c := range out {
				_, err := sh.Open(ctx, "new-subject", c, ad)
				require.NoError(t, err, "ciphertext %d", i)
			}
		})
	}
}

func TestSQLKeyStoreForgetRestoresSecureDelete(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	db.SetMaxOpenConns(1) // the store and the check share one connection
	ks, err := pii.NewSQLKeyStore(db, sqldialect.SQLite, nil)
	require.NoError(t, err)
	require.NoError(t, ks.Migrate(ctx))
	var before int
	require.NoError(t, db.QueryRow(`PRAGMA secure_delete`).Scan(&before))
	require.NoError(t, ks.Forget(ctx, "subject-1"))
	var after int
	require.NoError(t, db.QueryRow(`PRAGMA secure_delete`).Scan(&after))
	assert.Equal(t, before, after, "Forget must not leave secure_delete changed on a pooled connection")
}
