package retention

import (
	"context"

	"github.com/civickit/privacy/pii"
)

// Shredder destroys a subject's data key, so that everything sealed under
// it (including copies in backups) becomes unreadable. *pii.Shredder
// implements it. Forget must be idempotent: forgetting a subject twice, or
// one that has no key, succeeds.
type Shredder interface {
	Forget(ctx context.Context, subject string) error
}

var _ Shredder = (*pii.Shredder)(nil)
