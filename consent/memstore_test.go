package consent_test

import (
	"testing"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
)

func TestMemoryStoreConformance(t *testing.T) {
	consenttest.Run(t, func(t *testing.T) consent.Store { return consent.NewMemoryStore() })
}
