package consent_test

import (
	"testing"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
)

func TestMemoryStoreConformance(t *testing.T) {
	consenttest.Run(t, func(t *testing.T) consent.Store { return consent.NewMemoryStore() })
}

func TestMemoryStoreKeyedConformance(t *testing.T) {
	key := consenttest.NewChainKey(t, nil)
	consenttest.Run(t, func(t *testing.T) consent.Store { return consent.NewKeyedMemoryStore(key) })
}

func TestMemoryStoreTampering(t *testing.T) {
	consenttest.RunTamper(t, func(t *testing.T, key *consent.ChainKey) (consent.Store, consenttest.Tamperer) {
		m := consent.NewKeyedMemoryStore(key)
		return m, m
	})
}
