package cookies

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"time"
)

// openRef decodes a server-side session cookie (the sealed id only) and
// loads the session from the store, checking it against the Manager's
// current limits.
func (m *Manager[T]) openRef(ctx context.Context, value string) (*Session[T], error) {
	now := m.codec.now()
	format, issued, expires, body, err := m.codec.open(m.ad, value, now)
	if err != nil {
		return nil, err
	}
	if format != formatRef || len(body) != idLen {
		return nil, ErrInvalid
	}
	if end := issued.Add(m.maxAge); !now.Before(end) {
		return nil, &ExpiredError{IssuedAt: issued, ExpiresAt: end, Limit: LimitMaxAge}
	} else if end.Before(expires) {
		expires = end
	}
	s := &Session[T]{issued: issued.Unix(), srv: &serverState{}}
	copy(s.id[:], body)
	srv := s.srv
	srv.key = handleOf(s.id)
	b, found, err := storeFind(ctx, m.store, srv.key)
	if err != nil {
		return nil, fmt.Errorf("%w: find: %w", ErrStore, err)
	}
	if !found {
		return nil, ErrEnded
	}
	meta, rec, err := decodeStored(b)
	if err != nil {
		return nil, ErrInvalid
	}
	if end, limit := m.deadline(meta.created, meta.seen); !now.Before(end) {
		// Over under the current policy: forget it now rather than at
		// the store's expiry, which an older policy set.
		_ = storeDelete(ctx, m.store, srv.key)
		return nil, &ExpiredError{IssuedAt: issued, ExpiresAt: end, Limit: limit}
	} else if end.Before(expires) {
		expires = end
	}
	if err := m.plan.decodeRecord(rec, reflect.ValueOf(&s.Values).Elem()); err != nil {
		return nil, ErrInvalid
	}
	s.created, s.expires = meta.created, expires.Unix()
	srv.seen, srv.account, srv.stored = meta.seen, meta.account, true
	s.loaded = append([]byte(nil), rec...)
	return s, nil
}

// saveStored is Save for a server-side session; record is its encoded
// Values, already past the PII guard.
func (m *Manager[T]) saveStored(w http.ResponseWriter, r *http.Request, s *Session[T], now time.Time, record []byte) error {
	ctx := r.Context()
	srv := s.server()
	if srv.account != "" {
		if !validAccount(srv.account) {
			return fmt.Errorf("cookies: account id must be 1-%d bytes of printable text", MaxAccountLen)
		}
		if m.codec.det != nil && m.codec.det.Contains(srv.account) {
			return &PIIError{Field: "(account)", Reason: "detector matched; pass an opaque account id"}
		}
	}
	commit := s.renewed || s.migrate ||
		(!srv.stored && (len(record) > 0 || srv.account != "")) ||
		(srv.stored && (!bytes.Equal(record, s.loaded) || now.Sub(srv.seen) >= m.touch))
	sendCookie := s.renewed || (!srv.stored && commit) || (srv.stored && m.refreshCookieDue(s, now))
	if !commit && !sendCookie {
		return nil
	}
	if !allowed(m.consent, r, m.category) {
		if s.present {
			setCookie(w, m.cookie(m.name, "", -1, m.secure))
			s.present = false
		}
		if srv.stored {
			if err := storeDelete(ctx, m.store, srv.key); err != nil {
				return fmt.Errorf("%w: delete: %w", ErrStore, err)
			}
			srv.stored = false
		}
		return ErrNoConsent
	}
	if s.renewed {
		if srv.stored {
			// The old id must stop working (session fixation).
			if err := storeDelete(ctx, m.store, srv.key); err != nil {
				return fmt.Errorf("%w: delete: %w", ErrStore, err)
			}
			srv.stored = false
		}
		s.created = now.Truncate(time.Second)
	}
	if !srv.stored {
		srv.key = handleOf(s.id)
	}
	ttl := m.cookieTTL(s.created, now)
	if ttl <= 0 {
		end := s.created.Add(m.absolute)
		if s.present {
			setCookie(w, m.cookie(m.name, "", -1, m.secure))
			s.present = false
		}
		if srv.stored {
			_ = storeDelete(ctx, m.store, srv.key)
			srv.stored = false
		}
		return &ExpiredError{IssuedAt: unixTime(s.issued), ExpiresAt: end, Limit: LimitAbsolute}
	}
	if commit {
		seen := now.Truncate(time.Second)
		meta := storedMeta{
			created: s.created, seen: seen, account: srv.account,
			ip: truncatedIP(m.clientIP(r)), ua: UserAgentFamily(r.UserAgent()),
		}
		b := appendStored(make([]byte, 0, 64+len(record)), meta, record)
		expiry, _ := m.deadline(s.created, seen)
		switch {
		case srv.stored && m.acct != nil:
			found, err := m.acct.Update(ctx, srv.key, b, expiry)
			if err != nil {
				return fmt.Errorf("%w: update: %w", ErrStore, err)
			}
			if !found {
				// Revoked while this request ran: do not bring it back.
				if s.present {
					setCookie(w, m.cookie(m.name, "", -1, m.secure))
					s.present = false
				}
				srv.stored = false
				return ErrEnded
			}
		case m.acct != nil:
			if err := m.acct.CommitAccount(ctx, srv.key, srv.account, b, expiry); err != nil {
				return fmt.Errorf("%w: commit: %w", ErrStore, err)
			}
		default:
			if err := storeCommit(ctx, m.store, srv.key, b, expiry); err != nil {
				return fmt.Errorf("%w: commit: %w", ErrStore, err)
			}
		}
		srv.stored, srv.seen = true, seen
		s.loaded = append(s.loaded[:0], record...)
	}
	if sendCookie {
		var buf [headerMax + idLen]byte
		copy(buf[headerMax:], s.id[:])
		value, err := m.codec.sealTTL(m.ad, formatRef, now, ttl, buf[:])
		if err != nil {
			return err
		}
		setCookie(w, m.cookie(m.name, value, int(ttl/time.Second), m.secure))
		s.issued, s.present = now.Unix(), true
	}
	s.isNew, s.renewed, s.migrate = false, false, false
	issued := unixTime(s.issued)
	expires := issued.Add(m.cookieTTL(s.created, issued))
	if end, _ := m.deadline(s.created, srv.seen); end.Before(expires) {
		expires = end
	}
	s.expires = expires.Unix()
	return nil
}

// refreshCookieDue reports whether a server-side session's cookie should
// be re-issued: half its MaxAge has passed and a new one would last
// longer (never past the absolute lifetime).
func (m *Manager[T]) refreshCookieDue(s *Session[T], now time.Time) bool {
	issued := unixTime(s.issued)
	if now.Sub(issued) < m.maxAge/2 {
		return false
	}
	old := issued.Add(m.cookieTTL(s.created, issued))
	return now.Truncate(time.Second).Add(m.cookieTTL(s.created, now)).After(old)
}

// SessionInfo describes one active server-side session of an account, for
// an account page ("where you're logged in"). It holds nothing that
// identifies the visitor beyond what such a page shows: a truncated
// address and a browser family, no full user-agent string, no session id.
type SessionInfo struct {
	// Handle names the session for Revoke; it is not the session id and
	// cannot be made into a cookie. Compare it with Session.Handle to
	// mark "this device".
	Handle     string
	CreatedAt  time.Time // when the session was created (at login)
	LastSeenAt time.Time // when it was last used, to TouchInterval
	ExpiresAt  time.Time // when it ends unless used again
	// IPPrefix is the client's network at the last write: the address
	// truncated to /24 (IPv4) or /48 (IPv6), such as "192.0.2.0".
	IPPrefix string
	// UserAgent is a browser and platform family such as "Firefox on
	// Linux" (see UserAgentFamily).
	UserAgent string
}

// Sessions returns the active sessions of account (as given to
// Session.SetAccount), the most recently used first. The store must be an
// AccountStore, or iterable (IterableStore), in which case every session
// is read: ErrNotSupported otherwise.
func (m *Manager[T]) Sessions(ctx context.Context, account string) ([]SessionInfo, error) {
	all, err := m.accountSessions(ctx, account)
	if err != nil {
		return nil, err
	}
	now := m.codec.now()
	out := make([]SessionInfo, 0, len(all))
	for token, meta := range all {
		end, _ := m.deadline(meta.created, meta.seen)
		if !now.Before(end) {
			continue
		}
		out = append(out, SessionInfo{
			Handle: token, CreatedAt: meta.created, LastSeenAt: meta.seen, ExpiresAt: end,
			IPPrefix: meta.ip, UserAgent: meta.ua,
		})
	}
	slices.SortFunc(out, func(a, b SessionInfo) int {
		if c := b.LastSeenAt.Compare(a.LastSeenAt); c != 0 {
			return c
		}
		return cmp.Compare(a.Handle, b.Handle)
	})
	return out, nil
}

// accountSessions returns the stored sessions of account, by token.
func (m *Manager[T]) accountSessions(ctx context.Context, account string) (map[string]storedMeta, error) {
	if m.store == nil {
		return nil, ErrNoStore
	}
	if !validAccount(account) {
		return nil, errors.New("cookies: invalid account id")
	}
	var raw map[string][]byte
	var err error
	if m.acct != nil {
		raw, err = m.acct.FindAccount(ctx, account)
	} else {
		var ok bool
		raw, ok, err = storeAll(ctx, m.store)
		if !ok {
			return nil, ErrNotSupported
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	out := make(map[string]storedMeta)
	for token, b := range raw {
		meta, _, err := decodeStored(b)
		if err == nil && meta.account == account {
			out[token] = meta
		}
	}
	return out, nil
}

// Revoke ends the session with the given handle if it belongs to account,
// wherever it is being used: its next request gets a new, empty session.
// It reports whether it ended one; a handle that is unknown, already
// ended or another account's is not an error.
func (m *Manager[T]) Revoke(ctx context.Context, account, handle string) (bool, error) {
	if m.store == nil {
		return false, ErrNoStore
	}
	if !validAccount(account) {
		return false, errors.New("cookies: invalid account id")
	}
	if len(handle) != handleLen {
		return false, nil // not a handle (it comes from a form): no such session
	}
	b, found, err := storeFind(ctx, m.store, handle)
	if err != nil {
		return false, fmt.Errorf("%w: find: %w", ErrStore, err)
	}
	if !found {
		return false, nil
	}
	if meta, _, err := decodeStored(b); err != nil || meta.account != account {
		return false, nil
	}
	if err := storeDelete(ctx, m.store, handle); err != nil {
		return false, fmt.Errorf("%w: delete: %w", ErrStore, err)
	}
	return true, nil
}

// RevokeAll ends every session of account except the one whose handle is
// except ("" ends them all): "log out everywhere", and what to do after a
// password change or reset (keeping the session that made the change, if
// any). It returns how many sessions it ended. With an AccountStore this
// is one atomic step; with an iterable store each session is deleted in
// turn, and a session saved by a request already running may survive.
func (m *Manager[T]) RevokeAll(ctx context.Context, account, except string) (int, error) {
	if m.store == nil {
		return 0, ErrNoStore
	}
	if m.acct != nil {
		if !validAccount(account) {
			return 0, errors.New("cookies: invalid account id")
		}
		n, err := m.acct.DeleteAccount(ctx, account, except)
		if err != nil {
			return n, fmt.Errorf("%w: delete account: %w", ErrStore, err)
		}
		return n, nil
	}
	all, err := m.accountSessions(ctx, account)
	if err != nil {
		return 0, err
	}
	n := 0
	for token := range all {
		if token == except {
			continue
		}
		if err := storeDelete(ctx, m.store, token); err != nil {
			return n, fmt.Errorf("%w: delete: %w", ErrStore, err)
		}
		n++
	}
	return n, nil
}
