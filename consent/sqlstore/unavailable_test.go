package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/civickit/privacy/consent"
	"github.com/civickit/privacy/consent/consenttest"
	"github.com/civickit/privacy/consent/sqlstore"
	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

// A database that cannot be reached is ErrUnavailable (a 503), never a
// verdict on the input; bad input is never ErrUnavailable.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	db, err := sql.Open("pgx", "postgres://postgres@"+addr+"/test?sslmode=disable&connect_timeout=2")
	require.NoError(t, err)
	defer db.Close()
	s, err := sqlstore.New(db, sqldialect.Postgres, nil)
	require.NoError(t, err)
	l, err := consent.New(s, consenttest.NewKeys(t, 0), nil)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	checks := map[string]error{}
	_, checks["Subject"] = s.Subject(ctx, "s1")
	checks["Migrate"] = s.Migrate(ctx)
	_, checks["Enroll"] = l.Enroll(ctx, pii.New(pii.Email, "resident@example.com"))
	_, checks["MayContact"] = l.MayContact(ctx, "s1", "eline:weekly-news", consent.Email)
	_, checks["Record"] = l.Record(ctx, consent.Event{Subject: "s1", Type: consent.Given, Purpose: "surveys", Channel: consent.Email, Method: consent.WebForm, Actor: "subject", Notice: consent.NoticeRef{ID: "n", Version: 1}})
	checks["PublishNotice"] = l.PublishNotice(ctx, consent.NewNotice("n", 1, []byte("text"), "", time.Now()))
	for op, err := range checks {
		require.Error(t, err, op)
		assert.ErrorIs(t, err, consent.ErrUnavailable, "%s: %v", op, err)
		assert.NotContains(t, err.Error(), "resident@example.com", op)
	}

	_, err = l.Record(ctx, consent.Event{Subject: "s1", Type: "bogus"})
	assert.ErrorIs(t, err, consent.ErrBadEvent)
	assert.False(t, errors.Is(err, consent.ErrUnavailable), "bad input is not an outage")
}
