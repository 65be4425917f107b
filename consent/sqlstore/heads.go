package sqlstore

import (
	"context"
	"fmt"

	"github.com/civickit/privacy/consent"
)

var _ consent.HeadReader = (*Store)(nil)

// Heads implements consent.HeadReader in one query per page.
func (s *Store) Heads(ctx context.Context, after string, limit int) (_ []consent.Head, err error) {
	defer unavailable(&err)
	rows, err := s.db.QueryContext(ctx, s.q.heads, after, limit)
	if err != nil {
		return nil, fmt.Errorf("consent/sqlstore: heads: %w", err)
	}
	defer rows.Close()
	var out []consent.Head
	for rows.Next() {
		var h consent.Head
		if err := rows.Scan(&h.Subject, &h.Seq, &h.Hash); err != nil {
			return nil, fmt.Errorf("consent/sqlstore: heads: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("consent/sqlstore: heads: %w", err)
	}
	return out, nil
}
