package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

// A link is evidence in the subject's chain: the triggers refuse to move
// a subject to another person, and once the database's owner drops them
// and does, Verify names the rewritten link.
func TestLinkRewriteIsEvident(t *testing.T) {
	untrigger := map[sqldialect.Dialect][]string{
		sqldialect.SQLite:   {`DROP TRIGGER consent_events_no_update`},
		sqldialect.Postgres: {`ALTER TABLE consent_events DISABLE TRIGGER USER`},
		sqldialect.MySQL:    {`DROP TRIGGER consent_events_no_update`},
	}
	for name, mk := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, d := mk(t)
			s := open(t, db, d)
			l, err := consent.New(s, consenttest.NewKeys(t, 0), nil)
			require.NoError(t, err)
			mail, err := l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
			require.NoError(t, err)
			dev, err := l.EnrollDevice(ctx)
			require.NoError(t, err)
			const pA, pB = "p_tamper_a", "p_tamper_b"
			_, err = l.Link(ctx, pA, []string{mail, dev}, consent.WebForm, "subject")
			require.NoError(t, err)

			move := sqlq.Rebind(d, `UPDATE consent_events SET detail = ? WHERE subject = ? AND purpose = ?`)
			_, err = db.ExecContext(ctx, move, pB, mail, consent.PersonPurpose)
			require.Error(t, err, "the triggers refuse while they are there")
			for _, q := range untrigger[d] {
				_, err := db.ExecContext(ctx, q)
				require.NoError(t, err, q)
			}
			_, err = db.ExecContext(ctx, move, pB, mail, consent.PersonPurpose)
			require.NoError(t, err)

			ids, err := l.PersonSubjects(ctx, pB)
			require.NoError(t, err)
			assert.Equal(t, []string{mail}, ids, "the rewrite took effect")
			err = l.Verify(ctx, mail)
			var ce *consent.ChainError
			require.True(t, errors.As(err, &ce), "Verify names the rewritten link: %v", err)
			assert.EqualValues(t, 1, ce.Seq)
			assert.NoError(t, l.Verify(ctx, dev), "the other subject's link is intact")
		})
	}
}
