package store

import (
	"context"
	"database/sql"
	"errors"
	gosync "sync"
	"time"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

// ClientEdit is an edit a live client made on the section text at Base.
type ClientEdit struct {
	ClientID string
	Section  string
	N        int64  // the client's sequence number for this section, from 1
	Base     int64  // the version its shadow was at
	Delta    string // from the text at Base to the client's text
}

// ClientResult is what became of a client's edit or rejoin.
type ClientResult struct {
	Version   int64            // the section's version afterwards
	Text      string           // the section's text at Version
	Mine      string           // the client's text, as the edit made it
	Acked     int64            // the highest sequence number applied from this client
	Changed   bool             // a new version was written
	Duplicate bool             // the edit had been applied before: nothing written
	Conflicts []brief.Conflict // hunks kept as unresolved merges
	// Ack is the delta from Mine to Text ("" when the caller must diff);
	// Forward the logged delta from Version-1 to Version when Changed.
	Ack, Forward string
}

type syncRow struct {
	n, base int64
	delta   string
	found   bool
}

func loadSyncRow(tx dbtx, u brief.User, clientID, id, key string) (syncRow, error) {
	var r syncRow
	err := tx.QueryRow(`SELECT n, base, delta FROM sync_clients WHERE user_id = ? AND client_id = ? AND brief_id = ? AND section_key = ?`,
		u.ID, clientID, id, key).Scan(&r.n, &r.base, &r.delta)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	r.found = err == nil
	return r, err
}

func saveSyncRow(tx dbtx, u brief.User, clientID, id, key string, n, base int64, delta string, version, now int64) error {
	_, err := tx.Exec(`INSERT INTO sync_clients (user_id, client_id, brief_id, section_key, n, base, delta, version, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(user_id, client_id, brief_id, section_key) DO UPDATE SET
		n = excluded.n, base = excluded.base, delta = excluded.delta, version = excluded.version, at = excluded.at`,
		u.ID, clientID, id, key, n, base, delta, version, now)
	return err
}

// sectionNow reads a live section's text and version.
func sectionNow(tx dbtx, id, key string) (string, int64, error) {
	var cur string
	var version int64
	err := tx.QueryRow(`SELECT text, version FROM sections WHERE brief_id = ? AND key = ? AND removed_at IS NULL`, id, key).Scan(&cur, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, brief.Errorf(brief.ENotFound, "section %q not found", key)
	}
	return cur, version, err
}

// ClientEditRequest is one live client's edit for ApplyClientEdits.
type ClientEditRequest struct {
	User brief.User
	Edit ClientEdit
	// BaseText is the text at Edit.Base when the caller has it cached
	// (else it is rebuilt from the log).
	BaseText *string
}

// ApplyClientEdit applies a live client's edit: the client's text is
// rebuilt from the text at e.Base (baseText when the caller has it cached,
// else from the log) and merged onto the current text, committed, and the
// client's sequence number recorded in the same transaction, so the same
// edit is never applied twice. A delta that does not apply is invalid.
func (s *Store) ApplyClientEdit(ctx context.Context, u brief.User, id string, e ClientEdit, baseText *string) (ClientResult, error) {
	res, errs, err := s.ApplyClientEdits(ctx, id, []ClientEditRequest{{User: u, Edit: e, BaseText: baseText}})
	if err != nil {
		return ClientResult{}, err
	}
	return res[0], errs[0]
}

// ApplyClientEdits applies a batch of live edits to one brief, in order,
// each as ApplyClientEdit would: a refused one (errs[i]) leaves the
// others; err is a failure of the whole batch, of which nothing was
// written. It is QueueClientEdits and a wait for the batch.
func (s *Store) ApplyClientEdits(ctx context.Context, id string, reqs []ClientEditRequest) ([]ClientResult, []error, error) {
	b := s.QueueClientEdits(ctx, id, reqs)
	<-b.Done()
	return b.Results()
}

// QueueClientEdits hands a batch of live edits of one brief to the live
// writer and returns at once; the batch's Done closes when it is
// committed or refused. Until the writer takes the batch up, Add puts more
// edits in it.
//
// The batches of all rooms go to one writer (liveWriter), which commits
// every batch waiting in one transaction: with hundreds of busy briefs,
// rooms queueing one by one for the writer's lock spent more time handing
// it over than writing. A caller that goes on while its batch waits (a
// room) has its next edits join the batch, so the writer never waits for
// the caller between two transactions.
func (s *Store) QueueClientEdits(ctx context.Context, id string, reqs []ClientEditRequest) *EditBatch {
	b := &EditBatch{ctx: ctx, id: id, reqs: reqs, done: make(chan struct{})}
	s.liveOnce.Do(func() { go s.liveWriter() })
	// Close waits for the senders, so no batch is left in the queue after
	// the writer stopped.
	s.liveMu.RLock()
	defer s.liveMu.RUnlock()
	if s.liveClosed {
		b.fail(errStoreClosed)
		return b
	}
	select {
	case s.liveQ <- b:
	case <-ctx.Done():
		b.fail(brief.Internal(ctx.Err()))
	}
	return b
}

var errStoreClosed = brief.Internal(errors.New("the store is closed"))

// EditBatch is one caller's batch of live edits on its way through the
// live writer.
type EditBatch struct {
	ctx context.Context
	id  string

	mu    gosync.Mutex
	taken bool // the writer took it up: no more edits join it
	reqs  []ClientEditRequest

	// Written by the writer before done closes.
	results []ClientResult
	errs    []error
	ev      []Event
	err     error
	done    chan struct{}
}

// MaxBatchEdits bounds the edits Add puts in one batch, so that one busy
// brief does not make a transaction long for every other.
const MaxBatchEdits = 64

// Add appends reqs to the batch if the writer has not taken it up and it
// has room, and says whether it did; their results follow the others'.
func (b *EditBatch) Add(reqs ...ClientEditRequest) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.taken || len(b.reqs)+len(reqs) > MaxBatchEdits {
		return false
	}
	b.reqs = append(b.reqs, reqs...)
	return true
}

// Done is closed when the batch's results are in.
func (b *EditBatch) Done() <-chan struct{} { return b.done }

// Results are the batch's outcome, once Done is closed: a result or an
// error for each edit, in the order they were given, or err for the whole
// batch, of which nothing was written.
func (b *EditBatch) Results() ([]ClientResult, []error, error) { return b.results, b.errs, b.err }

// take marks the batch taken up by the writer.
func (b *EditBatch) take() {
	b.mu.Lock()
	b.taken = true
	b.mu.Unlock()
}

func (b *EditBatch) fail(err error) {
	b.take()
	b.results, b.errs, b.err = nil, nil, err
	close(b.done)
}

// maxJobs bounds the batches one live transaction commits.
const maxJobs = 64

// liveQueue is how many batches may wait for the live writer before
// QueueClientEdits waits too: one or two for every busy brief.
const liveQueue = 1024

// liveWriter commits the batches callers hand it, all those waiting at
// once in one transaction, until the store closes.
func (s *Store) liveWriter() {
	defer close(s.writerDone)
	for {
		select {
		case <-s.closed: // before the queue, which may be ready too
			s.refuseQueued()
			return
		default:
		}
		var jobs []*EditBatch
		select {
		case <-s.closed:
			s.refuseQueued()
			return
		case j := <-s.liveQ:
			j.take()
			jobs = append(jobs, j)
		}
	more:
		for len(jobs) < maxJobs {
			select {
			case j := <-s.liveQ:
				j.take()
				jobs = append(jobs, j)
			default:
				break more
			}
		}
		s.commitJobs(jobs)
	}
}

// refuseQueued answers the batches still queued when the store closes:
// their callers' clients send them again when they reconnect. Close holds
// new ones back.
func (s *Store) refuseQueued() {
	for {
		select {
		case j := <-s.liveQ:
			j.fail(errStoreClosed)
		default:
			return
		}
	}
}

// commitJobs commits jobs in one transaction. If it fails, each job is
// tried again alone, so that one batch's failure is only its own.
func (s *Store) commitJobs(jobs []*EditBatch) {
	err := s.commitTx(jobs, false)
	if errors.Is(err, errRefusedAfterWrite) {
		err = s.commitTx(jobs, true)
	}
	if err != nil && len(jobs) > 1 {
		for _, j := range jobs {
			s.commitJobs([]*EditBatch{j})
		}
		return
	}
	// Callers hear of their batches before the events go out, so that a
	// room meets the events of its own edits with them landed.
	for _, j := range jobs {
		if err != nil {
			j.results, j.errs, j.err = nil, nil, err
		}
		close(j.done)
	}
	if err == nil {
		for _, j := range jobs {
			s.publish(j.ev...)
		}
	}
}

// commitTx applies jobs in one transaction; with savepoints, each edit in
// its own (see applyJob).
func (s *Store) commitTx(jobs []*EditBatch, savepoints bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return s.tx(ctx, func(sqlTx *sql.Tx) error {
		tx := s.prepared(sqlTx)
		for _, j := range jobs {
			if err := s.applyJob(tx, j, savepoints); err != nil {
				return err
			}
		}
		return nil
	})
}

// errRefusedAfterWrite fails a transaction without savepoints in which an
// edit was refused after it had written: it is tried again with them.
var errRefusedAfterWrite = brief.Internal(errors.New("an edit was refused after it wrote"))

// refuseAfterWrite, when set (tests), may refuse an edit after its writes.
var refuseAfterWrite func(ClientEdit) error

// applyJob applies one batch inside the writer's transaction; an internal
// error fails the transaction. An edit is refused (an error of its own,
// not the transaction's) before it writes anything, so no savepoint is
// needed to take it back: SQLite copies every page a savepoint's
// statements first touch, and the savepoint costs two statements more.
// If an edit is refused after a write all the same, the transaction fails
// with errRefusedAfterWrite and runs again with savepoints, each edit in
// its own.
func (s *Store) applyJob(tx *preparedTx, j *EditBatch, savepoints bool) error {
	j.results, j.errs, j.ev = make([]ClientResult, len(j.reqs)), make([]error, len(j.reqs)), nil
	if err := j.ctx.Err(); err != nil {
		for i := range j.errs {
			j.errs[i] = brief.Internal(err) // the caller gave up waiting
		}
		return nil
	}
	for i, req := range j.reqs {
		if savepoints {
			if _, err := tx.Exec(`SAVEPOINT edit`); err != nil {
				return err
			}
		}
		writes := tx.writes
		var mine []Event
		j.results[i], j.errs[i] = s.applyClientEdit(tx, req.User, j.id, req.Edit, req.BaseText, &mine)
		if err := j.errs[i]; err != nil {
			switch {
			case brief.ErrorCode(err) == brief.EInternal:
				return err
			case savepoints:
				if _, err := tx.Exec(`ROLLBACK TO edit`); err != nil {
					return err
				}
			case tx.writes != writes:
				return errRefusedAfterWrite
			}
		}
		if savepoints {
			if _, err := tx.Exec(`RELEASE edit`); err != nil {
				return err
			}
		}
		if j.errs[i] == nil {
			j.ev = append(j.ev, mine...)
			if r := j.results[i]; r.Changed && r.Forward != "" {
				s.logged(j.id, req.Edit.Section, r.Version, r.Forward)
			}
		}
	}
	return nil
}

func (s *Store) applyClientEdit(tx dbtx, u brief.User, id string, e ClientEdit, baseText *string, ev *[]Event) (ClientResult, error) {
	var res ClientResult
	r, err := access(tx, u, id, brief.ActEdit)
	if err != nil {
		return res, err
	}
	cur, version, err := sectionNow(tx, id, e.Section)
	if err != nil {
		return res, err
	}
	if e.Base < 0 || e.Base > version {
		return res, brief.Errorf(brief.EInvalid, "section %q has no version %d", e.Section, e.Base)
	}
	base := ""
	if baseText != nil {
		base = *baseText
	} else if base, err = textAt(tx, id, e.Section, e.Base); err != nil {
		return res, err
	}
	mine, err := revision.ApplyDelta(base, e.Delta)
	if err != nil {
		return res, brief.Errorf(brief.EInvalid, "the edit does not apply to version %d of %q: %s", e.Base, e.Section, brief.ErrorMessage(err))
	}
	row, err := loadSyncRow(tx, u, e.ClientID, id, e.Section)
	if err != nil {
		return res, err
	}
	res = ClientResult{Version: version, Text: cur, Mine: mine, Acked: row.n, Conflicts: []brief.Conflict{}}
	if e.N <= row.n {
		res.Duplicate = true
		return res, nil
	}
	if err := brief.ValidateSectionText(mine); err != nil {
		return res, err
	}
	w, err := s.mergeText(tx, u, id, e.Section, cur, version, base, e.Base, mine, e.Delta, false)
	if err != nil {
		return res, err
	}
	res.Version, res.Text, res.Conflicts, res.Acked = w.Version, w.Text, w.Conflicts, e.N
	res.Ack, res.Forward = w.ack, w.forward
	if w.ack == "" && mine == w.Text {
		res.Ack = revision.Keep(mine)
	}
	*ev = append(*ev, mergeEvents(id, w.Conflicts)...)
	if err := saveSyncRow(tx, u, e.ClientID, id, e.Section, e.N, e.Base, e.Delta, w.Version, ms(s.now())); err != nil {
		return res, err
	}
	if refuseAfterWrite != nil {
		if err := refuseAfterWrite(e); err != nil {
			return res, err
		}
	}
	if w.Version != version {
		res.Changed = true
		*ev = append(*ev, Event{Name: EventSectionChanged, Brief: id, Section: e.Section, Version: w.Version})
		return res, s.touch(tx, r, brief.EventTextChange, ev)
	}
	return res, nil
}

// RejoinSection merges what a returning client had not had acknowledged:
// its text, as delta from the text at base, where acked is the highest
// sequence number it saw acknowledged. If its last edit was applied after
// all (the acknowledgement was lost), the merge starts from that edit's
// result, so nothing is applied twice. A client with nothing pending
// (an empty or all-equal delta) needs only read access.
func (s *Store) RejoinSection(ctx context.Context, u brief.User, id, clientID, key string, base, acked int64, delta string) (ClientResult, error) {
	var res ClientResult
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActRead)
		if err != nil {
			return err
		}
		cur, version, err := sectionNow(tx, id, key)
		if err != nil {
			return err
		}
		if base < 0 || base > version {
			return brief.Errorf(brief.EInvalid, "section %q has no version %d", key, base)
		}
		baseText, err := textAt(tx, id, key, base)
		if err != nil {
			return err
		}
		mine, err := revision.ApplyDelta(baseText, delta)
		if err != nil {
			return brief.Errorf(brief.EInvalid, "the pending edit does not apply to version %d of %q: %s", base, key, brief.ErrorMessage(err))
		}
		row, err := loadSyncRow(tx, u, clientID, id, key)
		if err != nil {
			return err
		}
		res = ClientResult{Version: version, Text: cur, Mine: mine, Acked: max(row.n, acked), Conflicts: []brief.Conflict{}}
		from := baseText
		if row.found && row.n > acked && row.base == base {
			// Its last edit reached us; only what came after it is new.
			if from, err = revision.ApplyDelta(baseText, row.delta); err != nil {
				return err
			}
		}
		if mine == from {
			return nil
		}
		if err := brief.Authorize(u.Actor(r.Member), brief.ActEdit); err != nil {
			return err
		}
		if err := brief.ValidateSectionText(mine); err != nil {
			return err
		}
		mineDelta := delta
		if from != baseText {
			mineDelta = "" // the delta is from baseText, not from
		}
		w, err := s.mergeText(tx, u, id, key, cur, version, from, base, mine, mineDelta, false)
		if err != nil {
			return err
		}
		res.Version, res.Text, res.Conflicts = w.Version, w.Text, w.Conflicts
		ev = append(ev, mergeEvents(id, w.Conflicts)...)
		if w.Version != version {
			res.Changed = true
			ev = append(ev, Event{Name: EventSectionChanged, Brief: id, Section: key, Version: w.Version})
			return s.touch(tx, r, brief.EventTextChange, &ev)
		}
		return nil
	})
	if err == nil {
		s.publish(ev...)
	}
	return res, err
}

// KeepClientText keeps a client's whole text as an unresolved merge (when
// its edit could not be applied at all), so nothing it wrote is lost.
func (s *Store) KeepClientText(ctx context.Context, u brief.User, id, key string, text string) (brief.Conflict, error) {
	var c brief.Conflict
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActRead); err != nil {
			return err
		}
		if err := brief.ValidateSectionText(text); err != nil {
			return err
		}
		// A removed section's text is kept too: it shows if it comes back.
		var version int64
		err := tx.QueryRow(`SELECT version FROM sections WHERE brief_id = ? AND key = ?`, id, key).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return brief.Errorf(brief.ENotFound, "section %q not found", key)
		}
		if err != nil {
			return err
		}
		c, err = s.keepConflict(tx, u, id, key, "", version, version, revision.Hunk{Mine: text})
		return err
	})
	if err == nil {
		s.publish(mergeEvents(id, []brief.Conflict{c})...)
	}
	return c, err
}

// LiveSection is a section as a live room holds it.
type LiveSection struct {
	Key     string `json:"key"`
	Title   string `json:"title"`
	Text    string `json:"text"`
	Version int64  `json:"version"`
}

// LiveState reads a brief's live sections, title and status for a room
// (no permission check: the room checks its clients).
func (s *Store) LiveState(ctx context.Context, id string) (title string, status brief.Status, secs []LiveSection, err error) {
	err = s.read(ctx, func(tx *sql.Tx) error {
		var archived bool
		err := tx.QueryRow(`SELECT title, status, archived_at IS NOT NULL FROM briefs WHERE id = ?`, id).Scan(&title, &status, &archived)
		if errors.Is(err, sql.ErrNoRows) || archived {
			return brief.Errorf(brief.ENotFound, "brief not found")
		}
		if err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT key, title, text, version FROM sections WHERE brief_id = ? AND removed_at IS NULL ORDER BY position, key`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l LiveSection
			if err := rows.Scan(&l.Key, &l.Title, &l.Text, &l.Version); err != nil {
				return err
			}
			secs = append(secs, l)
		}
		return rows.Err()
	})
	return title, status, secs, err
}

// TextAt returns a section's text at a version (no permission check).
func (s *Store) TextAt(ctx context.Context, id, key string, version int64) (string, error) {
	var text string
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		text, err = textAt(tx, id, key, version)
		return err
	})
	return text, err
}

// ClientAcks returns, per section, the highest edit number applied from a
// client: where its numbering goes on after a reconnect.
func (s *Store) ClientAcks(ctx context.Context, u brief.User, clientID, id string) (map[string]int64, error) {
	acks := map[string]int64{}
	rows, err := s.db.QueryContext(ctx, `SELECT section_key, n FROM sync_clients WHERE user_id = ? AND client_id = ? AND brief_id = ?`,
		u.ID, clientID, id)
	if err != nil {
		return nil, brief.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, brief.Internal(err)
		}
		acks[k] = n
	}
	return acks, rows.Err()
}
