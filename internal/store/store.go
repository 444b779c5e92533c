// Package store keeps Brief Studio's data in SQLite (modernc.org/sqlite):
// embedded numbered migrations, users and tokens, briefs with their sections,
// members and edit log, and the brand profile. Its Store is the service the
// transports call: every method that acts for a user checks the permission
// table through brief.Authorize inside its transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the SQLite-backed service.
type Store struct {
	db *sql.DB
	// wmu lets one write transaction run at a time in this process, so
	// writers queue here (a handoff) rather than in SQLite's busy handler,
	// which sleeps for milliseconds between retries. Other processes (the
	// command line while serve runs) still meet busy_timeout.
	wmu gosync.Mutex
	// wconn is the connection write transactions run on (guarded by wmu).
	// SQLite has one writer anyway, and a connection drops its page cache
	// whenever another connection wrote: writes spread over the pool read
	// their pages again, under the cache's process-wide lock.
	wconn *sql.Conn
	// wstmts are the live path's statements prepared on wconn (guarded by
	// wmu; see preparedTx).
	wstmts map[string]*sql.Stmt
	now    func() time.Time
	pub    Publisher
	// The live writer (see ApplyClientEdits): started by the first live
	// edit, stopped by Close.
	liveOnce   gosync.Once
	liveQ      chan *EditBatch
	liveMu     gosync.RWMutex // senders to liveQ hold it for reading; Close, to set liveClosed
	liveClosed bool
	closed     chan struct{}
	writerDone chan struct{}
	// checkpointerDone is closed when the checkpointer stopped.
	checkpointerDone chan struct{}
	closeOnce        gosync.Once
	stmts            gosync.Map // query -> *sql.Stmt (see preparedDB)
	// logs holds the live path's recent edit-log deltas, parsed, by
	// section (guarded by wmu).
	logs map[sectionRef]*revision.DeltaLog
}

// Option configures a Store.
type Option func(*Store)

// WithClock replaces the wall clock (tests).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// FileName is the database file inside a data directory.
const FileName = "briefstudio.db"

// OpenDir opens (creating when needed) the database in a data directory,
// with clear errors when the directory cannot be used.
func OpenDir(dir string, opts ...Option) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory %s cannot be created: %w", dir, err)
	}
	probe, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return nil, fmt.Errorf("data directory %s is not writable: %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return Open(filepath.Join(dir, FileName), opts...)
}

// Open opens the database file at path and brings its schema up to date.
func Open(path string, opts ...Option) (*Store, error) {
	// busy_timeout first so every pooled connection waits instead of failing;
	// _txlock=immediate takes the write lock at BEGIN, which is what keeps
	// read-then-write transactions from failing with SQLITE_BUSY.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// Keep connections open: each new one runs the pragmas above, and a
	// burst of sign-ins (thousands of websockets joining) opened and closed
	// connections by the hundred with database/sql's default of two idle.
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	s := &Store{db: db, now: time.Now, liveQ: make(chan *EditBatch, liveQueue), closed: make(chan struct{}), writerDone: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	s.checkpointerDone = make(chan struct{})
	go s.checkpointer()
	return s, nil
}

// walCheckpointEvery is how often the checkpointer copies the WAL's new
// pages into the database file.
var walCheckpointEvery = 250 * time.Millisecond // a var: tests shorten it

// walRestartFrames is the WAL's length (frames of 4 KiB) at which the
// checkpointer holds the writers back for one short checkpoint, so that the
// WAL starts again from its beginning.
var walRestartFrames = 4096 // a var: tests lower it

// checkpointer checkpoints the WAL until the store closes. The writer
// connection does not checkpoint on its own (wal_autocheckpoint=0):
// SQLite's automatic checkpoint runs in the commit that crosses 1,000
// pages and fsyncs twice there, so every few seconds one commit, and every
// edit queued behind it, waited 6-7 ms. Here a PASSIVE checkpoint (it
// waits for nobody) copies the pages while the writer goes on. The WAL
// restarts only at a write that begins with every frame copied, which a
// busy writer never gives a checkpoint running beside it; so once the WAL
// is walRestartFrames long, the checkpointer takes the write lock and
// copies the few frames written meanwhile.
func (s *Store) checkpointer() {
	defer close(s.checkpointerDone)
	t := time.NewTicker(walCheckpointEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if frames := s.checkpoint(); frames >= walRestartFrames {
				s.wmu.Lock()
				s.checkpoint()
				s.wmu.Unlock()
			}
		case <-s.closed:
			return
		}
	}
}

// checkpoint runs a PASSIVE checkpoint and returns the WAL's length in
// frames. One that fails (another process checkpointing) is the next
// tick's to finish.
func (s *Store) checkpoint() int {
	var busy, frames, copied int
	if err := s.db.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return 0
	}
	return frames
}

// Close stops the live writer (after the transaction it is in) and closes
// the database.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.liveMu.Lock()
		s.liveClosed = true
		s.liveMu.Unlock()
		close(s.closed)
		if s.checkpointerDone != nil {
			<-s.checkpointerDone
		}
		started := true
		s.liveOnce.Do(func() { started = false })
		if started {
			<-s.writerDone
		}
		s.stmts.Range(func(_, st any) bool {
			st.(*sql.Stmt).Close()
			return true
		})
		s.wmu.Lock()
		s.dropWriteConn()
		s.wmu.Unlock()
	})
	return s.db.Close()
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with its number", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			var done int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, n).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.Exec(string(body)); err != nil {
				return err
			}
			_, err := tx.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, n, ms(s.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// tx runs fn in a transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	err := s.run(ctx, nil, fn)
	if err != nil {
		s.logs = nil // they may hold versions that were rolled back
	}
	return err
}

// read runs fn in a read-only transaction: a consistent snapshot that
// neither waits for nor blocks the writer (WAL).
func (s *Store) read(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.run(ctx, &sql.TxOptions{ReadOnly: true}, fn)
}

func (s *Store) run(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	var tx *sql.Tx
	var err error
	if opts == nil {
		tx, err = s.beginWrite(ctx)
	} else {
		tx, err = s.db.BeginTx(ctx, opts)
	}
	if err != nil {
		return brief.Internal(fmt.Errorf("sqlite: begin: %w", err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return wrap(err)
	}
	if err := tx.Commit(); err != nil {
		return brief.Internal(fmt.Errorf("sqlite: commit: %w", err))
	}
	return nil
}

// wrap keeps coded errors and codes everything else as internal.
func wrap(err error) error {
	var coded *brief.Error
	if errors.As(err, &coded) {
		return err
	}
	return brief.Internal(fmt.Errorf("sqlite: %w", err))
}

// Backup writes a consistent copy of the database to path (VACUUM INTO).
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return brief.Errorf(brief.EConflict, "%s already exists; choose another file", path)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", path, err)
	}
	return nil
}

// Setting reads a workspace setting ("" when unset).
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", brief.Internal(fmt.Errorf("sqlite: setting %s: %w", key, err))
	}
	return v, nil
}

// SetSetting writes a workspace setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return brief.Internal(fmt.Errorf("sqlite: set %s: %w", key, err))
	}
	return nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// maxConns bounds the database connections, all kept open between uses:
// one writer at a time (wmu) and readers beside it; more only queue for the
// cores' time (10,000 websockets signing in joined in 13 s with no bound,
// 8.7 s with this one). No store function uses a second connection inside
// a transaction, so the bound cannot deadlock; a writer waits for wmu
// before it takes a connection.
const maxConns = 8

// dbtx is what the store's helpers need of a transaction: a *sql.Tx, or
// prepared(tx), which runs the same statements prepared once per
// connection.
type dbtx interface {
	Exec(query string, args ...any) (sql.Result, error)
	Query(query string, args ...any) (*sql.Rows, error)
	QueryRow(query string, args ...any) *sql.Row
}

// preparedTx runs a write transaction's statements prepared: the SQLite
// driver prepares every statement it is given (parsing and planning it
// again), which was a sixth of a live edit's time, a dozen statements each.
//
// They are prepared on the writer connection and run there directly, not
// through the Tx: it is the same SQLite connection, so the same
// transaction, and database/sql's Tx.Stmt builds a new statement on every
// call and, for a Tx's context, a goroutine per query to watch it (a
// fifth of the writer's garbage, 7,000 goroutines a second). database/sql
// lets a Conn's statements run while a Tx on it is open; it would close
// the Conn under them only on driver.ErrBadConn, which modernc's
// statements never return.
type preparedTx struct {
	tx *sql.Tx
	s  *Store
	// writes counts the statements run through Exec (each may write).
	writes int
}

// prepared wraps tx, a transaction on the writer connection (s.tx).
func (s *Store) prepared(tx *sql.Tx) *preparedTx { return &preparedTx{tx: tx, s: s} }

// stmt is query prepared on the writer connection, or nil if it cannot be
// (wmu is held: the transaction is s.tx's).
func (p *preparedTx) stmt(query string) *sql.Stmt {
	s := p.s
	if st, ok := s.wstmts[query]; ok {
		return st
	}
	if s.wconn == nil {
		return nil
	}
	st, err := s.wconn.PrepareContext(context.Background(), query)
	if err != nil {
		return nil
	}
	if s.wstmts == nil {
		s.wstmts = map[string]*sql.Stmt{}
	}
	s.wstmts[query] = st
	return st
}

func (p *preparedTx) Exec(query string, args ...any) (sql.Result, error) {
	p.writes++
	if st := p.stmt(query); st != nil {
		return st.Exec(args...)
	}
	return p.tx.Exec(query, args...)
}

func (p *preparedTx) Query(query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(query); st != nil {
		return st.Query(args...)
	}
	return p.tx.Query(query, args...)
}

func (p *preparedTx) QueryRow(query string, args ...any) *sql.Row {
	if st := p.stmt(query); st != nil {
		return st.QueryRow(args...)
	}
	return p.tx.QueryRow(query, args...)
}

// stmt is query prepared on the database (database/sql then keeps it
// prepared on each connection it runs on), or nil if it cannot be.
func (s *Store) stmt(query string) *sql.Stmt {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	st, err := s.db.Prepare(query)
	if err != nil {
		return nil
	}
	if old, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return old.(*sql.Stmt)
	}
	return st
}

// preparedDB runs single statements prepared (sign-in checks a token on
// every connection and every few seconds of it).
type preparedDB struct{ s *Store }

func (p preparedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.s.stmt(query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.s.db.QueryRowContext(ctx, query, args...)
}

// writeCache is the writer connection's page cache, in KiB (SQLite's
// default is 2,000): the pages of every busy brief's rows and indexes.
const writeCache = 32 << 10

// beginWrite begins a write transaction on the writer connection (with wmu
// held), opening it first if there is none or it was closed.
func (s *Store) beginWrite(ctx context.Context) (*sql.Tx, error) {
	for try := 0; ; try++ {
		if s.wconn == nil {
			c, err := s.db.Conn(ctx)
			if err != nil {
				return nil, err
			}
			if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d; PRAGMA wal_autocheckpoint = 0", writeCache)); err != nil {
				c.Close()
				return nil, err
			}
			s.wconn = c
		}
		tx, err := s.wconn.BeginTx(ctx, nil)
		if errors.Is(err, sql.ErrConnDone) && try == 0 {
			s.dropWriteConn() // database/sql dropped it (a cancelled statement); take another
			continue
		}
		return tx, err
	}
}

// dropWriteConn closes the writer connection and its statements (wmu held).
func (s *Store) dropWriteConn() {
	for _, st := range s.wstmts {
		st.Close()
	}
	s.wstmts = nil
	if s.wconn != nil {
		s.wconn.Close()
		s.wconn = nil
	}
}
