package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/civickit/privacy/pii"
	"github.com/civickit/privacy/pii/sqldialect"
)

// accountData is the personal data of an account. Every field is sealed
// with pii.Sealer, bound to the account id; none is stored in plaintext.
type accountData struct {
	Name    pii.String `pii:"name,encrypt"`
	Email   pii.String `pii:"email,encrypt"`
	Address pii.String `pii:"postal_address,encrypt"`
	Phone   pii.String `pii:"phone,encrypt"`
	Number  pii.String `pii:"account_number,encrypt"`
}

// account is one portal account, opened.
type account struct {
	ID             string
	Data           accountData
	ConsentSubject string // the consent ledger's subject id for the e-mail, "" until first subscription
	Staff          bool
	CreatedAt      time.Time
}

const (
	recordAccount = "account"       // pii.AD record type
	indexEmail    = "account_email" // blind index name
)

var (
	errEmailTaken   = errors.New("portal: an account with this e-mail address already exists")
	errBadLogin     = errors.New("portal: wrong e-mail address or password")
	errNoSuchRecord = errors.New("portal: no such record")
)

// newID returns a random 128-bit id in hex, prefixed: "acct_...". Ids are
// opaque and hold no personal data.
func newID(prefix string) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("portal: crypto/rand failed: " + err.Error())
	}
	return prefix + hex.EncodeToString(b[:])
}

// normEmail is the form in which e-mail addresses are sealed and compared.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (a *app) emailIndex(email pii.String) (string, error) {
	ix, err := a.indexer.Compute(indexEmail, 0, email)
	if err != nil {
		return "", fmt.Errorf("portal: email index: %w", err)
	}
	return ix.String(), nil
}

// createAccount stores a new account. It fails with errEmailTaken if the
// e-mail address has an account already. The check and the insert run in
// one transaction (serialised by SQLite's immediate transactions, and by an
// advisory lock on the blind index in PostgreSQL), so two concurrent sign-ups
// with one address cannot both succeed.
func (a *app) createAccount(ctx context.Context, d accountData, password string) (*account, error) {
	d.Email = pii.New(pii.Email, normEmail(d.Email.Reveal()))
	idx, err := a.emailIndex(d.Email)
	if err != nil {
		return nil, err
	}
	hash, err := hashPassword(a.cfg.argon, password)
	if err != nil {
		return nil, err
	}
	acct := &account{ID: newID("acct_"), Data: d, CreatedAt: time.Now().UTC().Truncate(time.Second)}
	sealed, err := a.sealer.SealFields(recordAccount, acct.ID, &acct.Data)
	if err != nil {
		return nil, fmt.Errorf("portal: seal account: %w", err)
	}
	blob, err := json.Marshal(sealed)
	if err != nil {
		return nil, fmt.Errorf("portal: seal account: %w", err)
	}
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("portal: create account: %w", err)
	}
	defer tx.Rollback()
	if a.dialect == sqldialect.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "portal_accounts:"+idx); err != nil {
			return nil, fmt.Errorf("portal: create account: %w", err)
		}
	}
	if _, _, err := a.findByEmailTx(ctx, tx, d.Email, idx); err == nil {
		return nil, errEmailTaken
	} else if !errors.Is(err, errNoSuchRecord) {
		return nil, err
	}
	staff := 0
	if acct.Staff {
		staff = 1
	}
	now := acct.CreatedAt.Unix()
	if _, err := tx.ExecContext(ctx, a.q(`INSERT INTO portal_accounts (id, email_index, password_hash, sealed, staff, created_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		acct.ID, idx, hash, string(blob), staff, now, now); err != nil {
		return nil, fmt.Errorf("portal: create account: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("portal: create account: %w", err)
	}
	return acct, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// findByEmailTx looks the blind index up and opens the candidates: a
// truncated blind index is shared by other addresses by design, so the
// match is decided by comparing the opened e-mail addresses.
func (a *app) findByEmailTx(ctx context.Context, q querier, email pii.String, idx string) (*account, string, error) {
	rows, err := q.QueryContext(ctx, a.q(`SELECT id, password_hash, sealed, consent_subject, staff, created_at FROM portal_accounts WHERE email_index = ?`), idx)
	if err != nil {
		return nil, "", fmt.Errorf("portal: find account: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			acct    account
			hash    string
			blob    string
			staff   int
			created int64
		)
		if err := rows.Scan(&acct.ID, &hash, &blob, &acct.ConsentSubject, &staff, &created); err != nil {
			return nil, "", fmt.Errorf("portal: find account: %w", err)
		}
		if err := a.openAccount(&acct, blob); err != nil {
			return nil, "", err
		}
		if acct.Data.Email.Equal(email) {
			acct.Staff = staff != 0
			acct.CreatedAt = time.Unix(created, 0).UTC()
			return &acct, hash, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("portal: find account: %w", err)
	}
	return nil, "", errNoSuchRecord
}

func (a *app) openAccount(acct *account, blob string) error {
	var sealed pii.SealedFields
	if err := json.Unmarshal([]byte(blob), &sealed); err != nil {
		return fmt.Errorf("portal: open account: %w", err)
	}
	if err := a.sealer.OpenFields(recordAccount, acct.ID, sealed, &acct.Data); err != nil {
		return fmt.Errorf("portal: open account: %w", err)
	}
	return nil
}

// login checks an e-mail address and password. Every failure is errBadLogin.
func (a *app) login(ctx context.Context, email pii.String, password string) (*account, error) {
	email = pii.New(pii.Email, normEmail(email.Reveal()))
	idx, err := a.emailIndex(email)
	if err != nil {
		return nil, errBadLogin
	}
	acct, hash, err := a.findByEmailTx(ctx, a.rdb, email, idx)
	if errors.Is(err, errNoSuchRecord) {
		_, _ = verifyPassword(a.dummyHash, password)
		return nil, errBadLogin
	}
	if err != nil {
		return nil, err
	}
	ok, err := verifyPassword(hash, password)
	if err != nil || !ok {
		return nil, errBadLogin
	}
	if err := a.execTx(ctx, `UPDATE portal_accounts SET last_active_at = ? WHERE id = ?`, time.Now().Unix(), acct.ID); err != nil {
		return nil, fmt.Errorf("portal: login: %w", err)
	}
	return acct, nil
}

// scanAccount reads and opens the account of a row of id, sealed,
// consent_subject, staff and created_at; errNoSuchRecord when there is none.
func (a *app) scanAccount(row *sql.Row) (*account, error) {
	var (
		acct    account
		blob    string
		staff   int
		created int64
	)
	err := row.Scan(&acct.ID, &blob, &acct.ConsentSubject, &staff, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSuchRecord
	}
	if err != nil {
		return nil, fmt.Errorf("portal: load account: %w", err)
	}
	if err := a.openAccount(&acct, blob); err != nil {
		return nil, err
	}
	acct.Staff = staff != 0
	acct.CreatedAt = time.Unix(created, 0).UTC()
	return &acct, nil
}

// setConsentSubject remembers the consent ledger's subject id for the
// account's e-mail address.
func (a *app) setConsentSubject(ctx context.Context, accountID, subject string) error {
	if err := a.execTx(ctx, `UPDATE portal_accounts SET consent_subject = ? WHERE id = ?`, subject, accountID); err != nil {
		return fmt.Errorf("portal: set consent subject: %w", err)
	}
	return nil
}

// accountByID loads and opens one account.
func (a *app) accountByID(ctx context.Context, id string) (*account, error) {
	return a.scanAccount(a.db.QueryRowContext(ctx, a.q(`SELECT id, sealed, consent_subject, staff, created_at FROM portal_accounts WHERE id = ?`), id))
}
