package sqlstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

// The database's owner can drop the append-only triggers and rewrite the
// table; a checkpoint filed before names what they changed: an edited
// event, and a newest event deleted with the subject's counter set back.
func TestAuditFindsTamperingInSQL(t *testing.T) {
	untrigger := map[sqldialect.Dialect][]string{
		sqldialect.SQLite:   {`DROP TRIGGER consent_events_no_update`, `DROP TRIGGER consent_events_no_delete`},
		sqldialect.Postgres: {`ALTER TABLE consent_events DISABLE TRIGGER USER`},
		sqldialect.MySQL:    {`DROP TRIGGER consent_events_no_update`, `DROP TRIGGER consent_events_no_delete`},
	}
	for name, mk := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, d := mk(t)
			s := open(t, db, d)
			l, err := consent.New(s, consenttest.NewKeys(t, 0), nil)
			require.NoError(t, err)
			signer, verifier := consenttest.SigningKeys(t)
			var ids []string
			for _, addr := range []string{"edited@example.com", "deleted@example.com", "kept@example.com"} {
				id, err := l.Enroll(ctx, pii.New(pii.Email, addr))
				require.NoError(t, err)
				for range 3 {
					_, err := l.Record(ctx, consent.Event{Subject: id, Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject"})
					require.NoError(t, err)
				}
				ids = append(ids, id)
			}
			cp, err := l.Checkpoint(ctx, signer, nil)
			require.NoError(t, err)

			_, err = db.ExecContext(ctx, sqlq.Rebind(d, `UPDATE consent_events SET detail = 'changed' WHERE subject = ? AND seq = 1`), ids[0])
			require.Error(t, err, "the triggers refuse while they are there")
			for _, q := range untrigger[d] {
				_, err := db.ExecContext(ctx, q)
				require.NoError(t, err, q)
			}
			_, err = db.ExecContext(ctx, sqlq.Rebind(d, `UPDATE consent_events SET detail = 'changed' WHERE subject = ? AND seq = 1`), ids[0])
			require.NoError(t, err)
			_, err = db.ExecContext(ctx, sqlq.Rebind(d, `DELETE FROM consent_events WHERE subject = ? AND seq = 3`), ids[1])
			require.NoError(t, err)
			_, err = db.ExecContext(ctx, sqlq.Rebind(d, `UPDATE consent_subjects SET last_seq = 2 WHERE id = ?`), ids[1])
			require.NoError(t, err)
			assert.NoError(t, l.Verify(ctx, ids[1]), "the chain alone does not show a deleted newest event")

			r, err := l.Audit(ctx, cp, verifier)
			require.NoError(t, err)
			require.Len(t, r.Changes, 2, "%+v", r.Changes)
			byID := map[string]consent.Change{}
			for _, c := range r.Changes {
				byID[c.Subject] = c
			}
			assert.Equal(t, consent.ChangeEdited, byID[ids[0]].Kind)
			assert.EqualValues(t, 1, byID[ids[0]].Seq)
			assert.Equal(t, consent.ChangeDeleted, byID[ids[1]].Kind)
			assert.EqualValues(t, 3, byID[ids[1]].Seq)
		})
	}
}
