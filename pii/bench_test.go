package pii_test

import (
	"testing"

	"github.com/civickit/privacy/pii"
)

var value32 = "resident.number.42@example.com.." // 32 bytes

// BenchmarkSealOpen32 seals and opens one 32-byte value with Sealer.
func BenchmarkSealOpen32(b *testing.B) {
	_, s := newSealer(b)
	v := pii.New(pii.Email, value32)
	ad := pii.AD{Record: "account", Field: "Email", ID: "acct-000042"}
	b.ReportAllocs()
	b.SetBytes(32)
	for b.Loop() {
		c, err := s.Seal(v, ad)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Open(c, ad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawTinkAEAD32 is the baseline: the same keyset's Tink AEAD on the
// same value, with an associated data string of the same length that the
// caller builds once.
func BenchmarkRawTinkAEAD32(b *testing.B) {
	kr, _ := newSealer(b)
	a, err := kr.AEAD()
	if err != nil {
		b.Fatal(err)
	}
	pt := []byte(value32)
	ad := pii.AD{Record: "account", Field: "Email", ID: "acct-000042"}.Bytes()
	b.ReportAllocs()
	b.SetBytes(32)
	for b.Loop() {
		c, err := a.Encrypt(pt, ad)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Decrypt(c, ad); err != nil {
			b.Fatal(err)
		}
	}
}

type record8 struct {
	ID       string
	Name     pii.String `pii:"name,encrypt"`
	Email    pii.String `pii:"email,encrypt,index"`
	Phone    pii.String `pii:"phone,encrypt,index"`
	Street   pii.String `pii:"postal_address,encrypt"`
	ZIP      pii.String `pii:"zip,encrypt"`
	Account  pii.String `pii:"account_number,encrypt"`
	DOB      pii.String `pii:"dob,encrypt"`
	Language string     `pii:"-"`
}

// BenchmarkRecord8Fields2Indexes seals 7 encrypted fields, computes 2 blind
// indexes and opens the record again: one row written and read.
func BenchmarkRecord8Fields2Indexes(b *testing.B) {
	_, s := newSealer(b)
	_, ix := newIndexer(b, nil)
	r := record8{
		ID: "acct-000042", Name: pii.New(pii.Name, "Pat Example"), Email: pii.New(pii.Email, "pat@example.com"),
		Phone: pii.New(pii.Phone, "617-555-0142"), Street: pii.New(pii.PostalAddress, "1 Example Street"),
		ZIP: pii.New(pii.ZIP, "02139"), Account: pii.New(pii.AccountNumber, "1002003004"),
		DOB: pii.New(pii.DateOfBirth, "1970-01-01"), Language: "en",
	}
	b.ReportAllocs()
	for b.Loop() {
		sealed, err := s.SealFields("account", r.ID, &r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ix.IndexFields(&r); err != nil {
			b.Fatal(err)
		}
		var back record8
		if err := s.OpenFields("account", r.ID, sealed, &back); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBlindIndex computes one e-mail blind index.
func BenchmarkBlindIndex(b *testing.B) {
	_, ix := newIndexer(b, nil)
	v := pii.New(pii.Email, "Resident@Example.com")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Compute("email", 0, v); err != nil {
			b.Fatal(err)
		}
	}
}
