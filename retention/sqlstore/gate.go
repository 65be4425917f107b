package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/civickit/privacy/internal/sqlq"
	"github.com/civickit/privacy/pii/sqldialect"
)

// SQLite has one writer at a time and its busy handler polls: a hold
// placement waiting for the write lock would lose it to every next sweep
// batch, be starved for the whole sweep, and fail once the busy timeout
// expires. gates make the writers of one SQLite file in this process take
// turns fairly: sweep and erasure batches hold a gate shared, Place and
// Release exclusive, and a waiting exclusive holder stops new batches from
// starting (sync.RWMutex), so a hold waits for at most the batch in flight.
// Writers in other processes still rely on SQLite's busy timeout.
var gates sync.Map // gate key -> *sync.RWMutex

// gate returns the gate of the store's SQLite file (nil on PostgreSQL and
// MySQL).
func (s *Store) gate(ctx context.Context) *sync.RWMutex {
	if s.dialect != sqldialect.SQLite {
		return nil
	}
	s.gateOnce.Do(func() {
		key := fmt.Sprintf("db:%p", s.db)
		var seq int
		var name string
		var file sql.NullString
		if err := s.db.QueryRowContext(ctx, `PRAGMA database_list`).Scan(&seq, &name, &file); err == nil && file.String != "" {
			key = "file:" + file.String
		}
		g, _ := gates.LoadOrStore(key, new(sync.RWMutex))
		s.gateMu = g.(*sync.RWMutex)
	})
	return s.gateMu
}

// beginWrite starts a sweep or erasure transaction; end rolls it back if
// it was not committed and releases what it holds.
//
// On SQLite the transaction takes the write lock at once (a deferred
// transaction that reads first can fail to upgrade), so nothing else
// writes, and no hold is placed, until it ends.
//
// On PostgreSQL it locks the holds table in SHARE mode: batches run side
// by side, but nothing can insert, update or delete a hold until the
// batch ends, whether through Store.Place or directly in SQL. Holds read
// in the transaction are therefore still the holds in force when it
// disposes of records, and a placement waits for the batches in flight
// (PostgreSQL queues later batches behind it).
//
// On MySQL it reads the whole holds table with LOCK IN SHARE MODE in a
// REPEATABLE READ transaction: InnoDB then holds shared next-key locks on
// every hold and every gap, up to the end of the index, so that, as on
// PostgreSQL, batches run side by side but no hold can be inserted,
// updated or deleted until the batch ends.
func (s *Store) beginWrite(ctx context.Context) (tx *sql.Tx, end func(), err error) {
	g := s.gate(ctx)
	if g != nil {
		g.RLock()
	}
	unlock := func() {
		if g != nil {
			g.RUnlock()
		}
	}
	tx, err = s.db.BeginTx(ctx, s.txOptions())
	if err != nil {
		unlock()
		return nil, nil, err
	}
	switch s.dialect {
	case sqldialect.SQLite:
		_, err = tx.ExecContext(ctx, `DELETE FROM `+s.shred+` WHERE 1 = 0`)
	case sqldialect.MySQL:
		var n int64
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+s.holds+` LOCK IN SHARE MODE`).Scan(&n)
	default:
		_, err = tx.ExecContext(ctx, `LOCK TABLE `+s.holds+` IN SHARE MODE`)
	}
	if err != nil {
		tx.Rollback()
		unlock()
		return nil, nil, err
	}
	return tx, func() { tx.Rollback(); unlock() }, nil
}

// txOptions returns the options of sweep, erasure and hold transactions:
// REPEATABLE READ on MySQL, whose gap locks keep holds from being placed
// during a batch (a session set to READ COMMITTED takes none), the
// database's default elsewhere.
func (s *Store) txOptions() *sql.TxOptions {
	if s.dialect == sqldialect.MySQL {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead}
	}
	return nil
}

// beginHolds starts a transaction that changes holds. On SQLite it waits
// for the batch in flight in this process and then takes the write lock;
// on PostgreSQL (an advisory lock) and MySQL (a named lock) it serialises
// hold changes among themselves, and its writes to the holds table wait
// for the batches in flight.
func (s *Store) beginHolds(ctx context.Context) (tx *sql.Tx, end func(), err error) {
	if s.dialect == sqldialect.MySQL {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return nil, nil, err
		}
		release, err := sqlq.LockMySQL(ctx, conn, fmt.Sprintf("civickit-retention-%016x", uint64(s.lockKey)))
		if err != nil {
			conn.Close()
			return nil, nil, err
		}
		tx, err := conn.BeginTx(ctx, s.txOptions())
		if err != nil {
			release()
			conn.Close()
			return nil, nil, err
		}
		return tx, func() { tx.Rollback(); release(); conn.Close() }, nil
	}
	g := s.gate(ctx)
	if g != nil {
		g.Lock()
	}
	unlock := func() {
		if g != nil {
			g.Unlock()
		}
	}
	tx, err = s.db.BeginTx(ctx, nil)
	if err != nil {
		unlock()
		return nil, nil, err
	}
	if s.dialect == sqldialect.SQLite {
		_, err = tx.ExecContext(ctx, `DELETE FROM `+s.holds+` WHERE 1 = 0`)
	} else {
		// Serialise hold changes among themselves (the duplicate ID check).
		_, err = tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, s.lockKey)
	}
	if err != nil {
		tx.Rollback()
		unlock()
		return nil, nil, err
	}
	return tx, func() { tx.Rollback(); unlock() }, nil
}
