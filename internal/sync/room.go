package sync

import (
	"context"
	"encoding/json"
	"time"

	gosync "sync"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
	"briefstudio/internal/store"
)

// room is one open brief. Its goroutine owns the live texts and every
// client's shadows; clients and the store talk to it through its inbox.
type room struct {
	hub      *Hub
	id       string
	refs     int  // clients holding the room (guarded by hub.mu)
	stopping bool // its last client left (guarded by hub.mu)
	done     chan struct{}

	in       chan roomMsg
	quit     chan struct{}
	stopOnce gosync.Once

	evMu   gosync.Mutex
	events []store.Event
	wake   chan struct{}

	// Owned by run.
	clients    map[*client]bool
	secs       map[string]*live
	order      []string
	title      string
	status     brief.Status
	loaded     bool
	dirty      map[string]bool
	peersDirty bool
	flushC     <-chan time.Time
	flushNow   bool      // fan out once the current message is handled
	lastFlush  time.Time // when the room last fanned out
	peersAt    time.Time // when the room last sent the peers list
	flights    []*flight // edit batches on their way through the store, oldest first
}

// flight is a batch of edits the room handed to the store: the room goes
// on (fans out, takes the next edits into the batch until the writer
// takes it up) and acknowledges them when it lands.
type flight struct {
	batch *store.EditBatch
	todo  []pendingEdit
}

// live is a section as the room holds it: the latest committed text, and
// the log's recent deltas, from which a client a few versions behind gets
// one composed delta instead of a diff.
type live struct {
	key, title string
	text       string
	version    int64
	log        revision.DeltaLog
}

// advance moves the section to a committed version; forward is the delta
// from the version before it, when known.
func (l *live) advance(text string, version int64, forward string) {
	switch {
	case version == l.version:
		return
	case forward != "" && version == l.version+1:
		l.log.Append(version, forward)
	default:
		l.log.Reset(version)
	}
	l.text, l.version = text, version
}

// deltaFrom is the delta from shadow, the text at version m, to the
// current text: composed from the log when it reaches back to m, else a
// diff.
func (l *live) deltaFrom(m int64, shadow string) string {
	if m < l.version {
		if d, ok := l.log.Since(m, l.version); ok {
			return d
		}
	}
	return revision.Delta(shadow, l.text)
}

// roomInbox is how many messages wait for a room before its clients' read
// pumps wait too. Every open brief holds one, and the collector scans it
// each cycle: at 1,024 the 500 rooms of the realistic load were a fifth of
// the live heap.
const roomInbox = 256

type roomMsg struct {
	c        *client
	msg      *inbound
	leave    bool
	shutdown bool
}

func newRoom(h *Hub, id string) *room {
	return &room{hub: h, id: id, in: make(chan roomMsg, roomInbox), quit: make(chan struct{}), wake: make(chan struct{}, 1), done: make(chan struct{}),
		clients: map[*client]bool{}, secs: map[string]*live{}, dirty: map[string]bool{}}
}

func (r *room) post(m roomMsg) {
	select {
	case r.in <- m:
	case <-r.done:
	}
}

func (r *room) stop()     { r.stopOnce.Do(func() { close(r.quit) }) }
func (r *room) shutdown() { r.post(roomMsg{shutdown: true}) }

// notify queues a store event without blocking.
func (r *room) notify(e store.Event) {
	r.evMu.Lock()
	r.events = append(r.events, e)
	r.evMu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *room) run() {
	for {
		select {
		case m := <-r.in:
			if !isEdit(m) {
				r.handle(m)
				break
			}
			// Edits waiting behind this one are committed with it: one
			// transaction for the batch.
			batch, next := []roomMsg{m}, roomMsg{}
		drain:
			for len(batch) < store.MaxBatchEdits {
				select {
				case n := <-r.in:
					if !isEdit(n) {
						next = n
						break drain
					}
					batch = append(batch, n)
				default:
					break drain
				}
			}
			r.edits(batch)
			if next.c != nil || next.shutdown {
				r.handle(next)
			}
		case <-r.landed():
			r.land()
		case <-r.wake:
			// The store answers a batch before it sends the batch's
			// events: with what has landed taken in, the room knows its
			// own edits' events for what they are.
			r.landReady()
			r.evMu.Lock()
			events := r.events
			r.events = nil
			r.evMu.Unlock()
			aside(func() {
				for _, e := range events {
					r.event(e)
				}
			})
		case <-r.flushC:
			r.flushC = nil
			r.flush()
		case <-r.quit:
			// Every client has left; what they sent before is still
			// applied, then the room is gone.
			for {
				select {
				case m := <-r.in:
					r.handle(m)
					continue
				default:
				}
				break
			}
			r.settle()
			r.hub.forget(r)
			close(r.done)
			return
		}
		if r.flushNow {
			r.flushNow = false
			r.flush()
		}
	}
}

func (r *room) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// schedule arranges a fan-out: at once (after the message in hand) when
// the room has been quiet for its tick, else when the tick ends. So a lone
// keystroke reaches the others without waiting, and a busy room still
// sends one delta per tick for many edits.
func (r *room) schedule() {
	if r.flushC != nil || r.flushNow {
		return
	}
	tick := fanOutEvery(len(r.clients))
	if since := time.Since(r.lastFlush); since >= tick {
		r.flushNow = true
	} else {
		r.flushC = time.After(tick - since)
	}
}

// fanOutEvery is the least time between two fan-outs in a room of n: a
// fan-out sends up to n messages, so a tick of n × 75 µs (at most
// FanOutTick) keeps any room under about 13,000 a second, and a small
// room, where few edits meet, does not make them wait.
func fanOutEvery(n int) time.Duration { return min(FanOutTick, time.Duration(n)*fanOutPerClient) }

func (r *room) handle(m roomMsg) {
	if m.msg != nil && m.msg.Type != MsgPresence && m.msg.Type != MsgEdit {
		// Joins and review read what the edits on their way write.
		r.settle()
	}
	switch {
	case m.shutdown:
		for c := range r.clients {
			c.fail(brief.EInternal, "the server is shutting down: reconnect in a moment", CloseGoingAway)
		}
	case m.leave:
		if r.clients[m.c] {
			delete(r.clients, m.c)
			r.peersDirty = true
			r.schedule()
		}
	case m.msg.Type == MsgHello:
		aside(func() { r.join(m.c, m.msg) })
	default:
		if !r.clients[m.c] {
			return // it left, or never got in
		}
		if !r.recheck(m.c) {
			return
		}
		switch m.msg.Type {
		case MsgEdit:
			r.edits([]roomMsg{m})
		case MsgPresence:
			r.presence(m.c, m.msg)
		case MsgKeep:
			aside(func() { r.keep(m.c, m.msg) })
		case MsgReview:
			aside(func() { r.review(m.c, m.msg) })
		}
	}
}

// load reads the brief's live state from the store.
func (r *room) load() error {
	ctx, cancel := r.ctx()
	defer cancel()
	title, status, secs, err := r.hub.store.LiveState(ctx, r.id)
	if err != nil {
		return err
	}
	r.title, r.status, r.loaded = title, status, true
	r.order = r.order[:0]
	fresh := map[string]*live{}
	for _, s := range secs {
		l := &live{key: s.Key, title: s.Title, text: s.Text, version: s.Version}
		l.log.Reset(s.Version)
		fresh[s.Key] = l
		r.order = append(r.order, s.Key)
	}
	r.secs = fresh
	return nil
}

// recheck re-authenticates a client's token every few seconds, so a
// revoked or expired session loses the connection.
func (r *room) recheck(c *client) bool {
	if time.Since(c.lastAuth) < r.hub.AuthRecheck {
		return true
	}
	ctx, cancel := r.ctx()
	defer cancel()
	var err error
	aside(func() { _, _, err = r.hub.auth.Authenticate(ctx, c.token) })
	if err != nil {
		delete(r.clients, c)
		c.fail(brief.EUnauthorized, brief.ErrorMessage(err), CloseUnauthorized)
		return false
	}
	c.lastAuth = time.Now()
	return true
}

// join merges what the client had pending (hello's sections), then sends
// it the brief as it now stands.
func (r *room) join(c *client, h *inbound) {
	if !r.loaded {
		if err := r.load(); err != nil {
			c.fail(brief.ErrorCode(err), brief.ErrorMessage(err), CloseNotFound)
			return
		}
	}
	// An older connection of the same client (its link dropped, and the
	// server has not noticed yet) is retired first: whatever it still has
	// queued must not be applied after this hello's merge.
	for o := range r.clients {
		if o.user.ID == c.user.ID && o.clientID == c.clientID {
			delete(r.clients, o)
			o.kill(CloseReplaced, "replaced by a newer connection of this client")
		}
	}
	ctx, cancel := r.ctx()
	defer cancel()
	merged := map[string]WelcomeSection{}
	var extra []WelcomeSection
	for _, hs := range h.Sections {
		sec := r.secs[hs.Key]
		if sec == nil {
			extra = append(extra, WelcomeSection{Key: hs.Key, Error: &ErrorBody{Code: brief.ENotFound,
				Message: "this section was removed; send your text with keep to have it kept"}})
			continue
		}
		res, err := r.hub.store.RejoinSection(ctx, c.user, r.id, c.clientID, hs.Key, hs.BaseVersion, hs.Acked, hs.Delta)
		if err != nil {
			merged[hs.Key] = WelcomeSection{Error: &ErrorBody{Code: brief.ErrorCode(err), Message: brief.ErrorMessage(err)}}
			continue
		}
		if res.Version > sec.version {
			sec.advance(res.Text, res.Version, "")
			r.dirty[hs.Key] = true
		}
		merged[hs.Key] = WelcomeSection{Acked: res.Acked, Merged: res.Changed, Conflicts: res.Conflicts}
	}
	acks, err := r.hub.store.ClientAcks(ctx, c.user, c.clientID, r.id)
	if err != nil {
		c.fail(brief.EInternal, "internal error", CloseInternal)
		return
	}
	w := welcomeMsg{Type: MsgWelcome, Brief: briefInfo{ID: r.id, Title: r.title, Status: r.status}, Client: c.clientID,
		You: r.peer(c), Heartbeat: int(Heartbeat / time.Millisecond)}
	for _, key := range r.order {
		sec := r.secs[key]
		ws := merged[key]
		ws.Key, ws.Title, ws.Text, ws.Version = key, sec.title, sec.text, sec.version
		ws.Acked = max(ws.Acked, acks[key])
		w.Sections = append(w.Sections, ws)
		c.secs[key] = &shadow{n: ws.Acked, m: sec.version, text: sec.text}
	}
	w.Sections = append(w.Sections, extra...)
	r.clients[c] = true
	for o := range r.clients {
		w.Peers = append(w.Peers, r.peer(o))
	}
	c.enqueue(w)
	r.peersDirty = true
	r.schedule()
}

func (r *room) peer(c *client) Peer {
	return Peer{ID: c.id, User: brief.Person{ID: c.user.ID, Name: c.user.Name}, Role: string(c.member), Section: c.section, Cursor: c.cursor}
}

func isEdit(m roomMsg) bool { return m.msg != nil && m.msg.Type == MsgEdit && !m.leave && !m.shutdown }

// peersEvery is the least time between two peers lists in a room of n:
// a tick for up to 25 people, a tick more for every 25 more.
func peersEvery(n int) time.Duration { return FanOutTick * time.Duration(1+n/25) }

// pendingEdit is an edit of a batch on its way to the store.
type pendingEdit struct {
	c  *client
	m  *inbound
	sh *shadow
}

// edits hands clients' edits to the store (a batch commits in one
// transaction); each is acknowledged when it lands (land), with the delta
// that takes the client's new shadow to the committed text, and the
// others hear of them on the next tick.
func (r *room) edits(batch []roomMsg) {
	var todo []pendingEdit
	for _, bm := range batch {
		c, m := bm.c, bm.msg
		if !r.clients[c] || !r.recheck(c) {
			c.markPending(m.Section, -1)
			continue // it left, or never got in
		}
		sh := c.secs[m.Section]
		if sh != nil && sh.sending {
			// A second edit while one is on its way (the protocol has
			// one at a time): it is checked once the first has landed.
			r.send(todo)
			todo = nil
			r.settle()
		}
		if !r.admit(c, m, sh) {
			c.markPending(m.Section, -1)
			continue
		}
		sh.sending = true
		todo = append(todo, pendingEdit{c, m, sh})
	}
	r.send(todo)
}

// admit checks an edit against its client's shadow and rights, answering
// one it refuses.
func (r *room) admit(c *client, m *inbound, sh *shadow) bool {
	switch {
	case sh == nil:
		c.enqueue(errorMsg{Type: MsgError, Code: brief.ENotFound, Message: "no such section in this brief", Section: m.Section, N: m.N})
	case !brief.Can(c.user.Actor(c.member), brief.ActEdit):
		c.enqueue(errorMsg{Type: MsgError, Code: brief.EForbidden, Section: m.Section, N: m.N,
			Message: brief.ErrorMessage(brief.Authorize(c.user.Actor(c.member), brief.ActEdit))})
	case m.N <= sh.n:
		// applied before (a client resending after a lost ack)
	case m.N != sh.n+1:
		r.resync(c, m.Section, "edit number out of sequence")
	default:
		return true
	}
	return false
}

// send hands edits to the store: into the batch still waiting for the
// writer if there is one with room, else as a new batch.
func (r *room) send(todo []pendingEdit) {
	if len(todo) == 0 {
		return
	}
	reqs := make([]store.ClientEditRequest, len(todo))
	for i, p := range todo {
		var base *string
		if text, ok := p.sh.textAt(p.m.Base); ok {
			base = &text
		}
		reqs[i] = store.ClientEditRequest{User: p.c.user, BaseText: base,
			Edit: store.ClientEdit{ClientID: p.c.clientID, Section: p.m.Section, N: p.m.N, Base: p.m.Base, Delta: p.m.Delta}}
	}
	if n := len(r.flights); n > 0 && r.flights[n-1].batch.Add(reqs...) {
		r.flights[n-1].todo = append(r.flights[n-1].todo, todo...)
		return
	}
	// The writer bounds the transaction's time; the room does not give up
	// on a batch it handed over.
	b := r.hub.store.QueueClientEdits(context.Background(), r.id, reqs)
	r.flights = append(r.flights, &flight{batch: b, todo: todo})
}

// landed is closed when the oldest batch on its way has its results (nil
// when none is on its way).
func (r *room) landed() <-chan struct{} {
	if len(r.flights) == 0 {
		return nil
	}
	return r.flights[0].batch.Done()
}

// land answers the edits of the oldest batch, which has its results.
func (r *room) land() {
	f := r.flights[0]
	r.flights[0] = nil
	r.flights = r.flights[1:]
	results, errs, err := f.batch.Results()
	if err == nil {
		// The whole batch first: each acknowledgement brings its client
		// to the section as the batch left it (editApplied).
		for i, p := range f.todo {
			if errs[i] == nil {
				r.advance(p.m.Section, results[i])
			}
		}
	}
	for i, p := range f.todo {
		p.c.markPending(p.m.Section, -1)
		p.sh.sending = false
		switch {
		case err != nil:
			r.editFailed(p, err)
		case errs[i] != nil:
			r.editFailed(p, errs[i])
		default:
			r.editApplied(p, results[i])
		}
	}
}

// landReady answers the edits of every batch that has landed, in order.
func (r *room) landReady() {
	for len(r.flights) > 0 {
		select {
		case <-r.flights[0].batch.Done():
			r.land()
		default:
			return
		}
	}
}

// settle waits for every batch on its way and answers its edits, for what
// needs the store as the edits left it.
func (r *room) settle() {
	for len(r.flights) > 0 {
		<-r.flights[0].batch.Done()
		r.land()
	}
}

// editFailed answers an edit the store refused.
func (r *room) editFailed(p pendingEdit, err error) {
	c, m := p.c, p.m
	switch brief.ErrorCode(err) {
	case brief.EForbidden, brief.ENotFound:
		c.enqueue(errorMsg{Type: MsgError, Code: brief.ErrorCode(err), Message: brief.ErrorMessage(err), Section: m.Section, N: m.N})
	case brief.ETooLarge:
		c.enqueue(errorMsg{Type: MsgError, Code: brief.ETooLarge, Message: brief.ErrorMessage(err), Section: m.Section, N: m.N})
		r.resync(c, m.Section, brief.ErrorMessage(err))
	case brief.EInternal:
		r.hub.log.Error("sync: edit", "brief", r.id, "err", err)
		r.resync(c, m.Section, "the server could not apply the edit")
	default:
		r.resync(c, m.Section, brief.ErrorMessage(err))
	}
}

// editApplied acknowledges a committed edit (land has taken its batch's
// versions in).
func (r *room) editApplied(p pendingEdit, res store.ClientResult) {
	c, m, sh := p.c, p.m, p.sh
	sh.n = max(sh.n, res.Acked)
	ack, version, text := res.Ack, res.Version, res.Text
	if ack == "" {
		ack = revision.Delta(res.Mine, res.Text)
	}
	// The acknowledgement brings the client to the section as its batch
	// left it, not only as its own edit did: the client's next edit is
	// then made on the latest text, and fewer versions lie between it and
	// the text it meets (in a busy room, a batch's worth fewer). With
	// conflicts, their places are those of the edit's own version.
	if sec := r.secs[m.Section]; sec != nil && sec.version > version && len(res.Conflicts) == 0 {
		if d, ok := sec.log.After(ack, version, sec.version); ok {
			ack, version, text = d, sec.version, sec.text
		}
	}
	c.enqueue(updateMsg{Type: MsgUpdate, Section: m.Section, N: sh.n, Base: m.Base, Version: version,
		Delta: ack, Ack: true})
	sh.reset(version, text)
	if len(res.Conflicts) > 0 {
		c.enqueue(conflictsMsg{Type: MsgConflicts, Section: m.Section, Conflicts: res.Conflicts})
	}
}

// advance takes a committed edit's version of a section in, to be fanned
// out.
func (r *room) advance(key string, res store.ClientResult) {
	if sec := r.secs[key]; sec != nil && res.Version > sec.version {
		sec.advance(res.Text, res.Version, res.Forward)
		r.dirty[key] = true
		r.schedule()
	}
}

// resync sends a client the full text of a section (its edit could not be
// applied); the client keeps its own text by answering with keep.
func (r *room) resync(c *client, key, reason string) {
	sec := r.secs[key]
	sh := c.secs[key]
	if sec == nil || sh == nil {
		return
	}
	c.enqueue(resyncMsg{Type: MsgResync, Section: key, N: sh.n, Version: sec.version, Text: sec.text, Reason: reason, Keep: true})
	sh.reset(sec.version, sec.text)
}

// keep stores a client's whole text as an unresolved merge (after resync).
func (r *room) keep(c *client, m *inbound) {
	ctx, cancel := r.ctx()
	defer cancel()
	conflict, err := r.hub.store.KeepClientText(ctx, c.user, r.id, m.Section, m.Text)
	if err != nil {
		c.enqueue(errorMsg{Type: MsgError, Code: brief.ErrorCode(err), Message: brief.ErrorMessage(err), Section: m.Section})
		return
	}
	c.enqueue(conflictsMsg{Type: MsgConflicts, Section: m.Section, Conflicts: []brief.Conflict{conflict}})
}

func (r *room) presence(c *client, m *inbound) {
	if m.Section != "" && r.secs[m.Section] == nil {
		c.enqueue(errorMsg{Type: MsgError, Code: brief.ENotFound, Message: "no such section in this brief", Section: m.Section})
		return
	}
	c.section, c.cursor = m.Section, m.Cursor
	r.peersDirty = true
	r.schedule()
}

// flush fans committed changes out to every client behind, one delta per
// distinct shadow version, and sends presence if it changed.
func (r *room) flush() {
	r.lastFlush = time.Now()
	for key := range r.dirty {
		sec := r.secs[key]
		delete(r.dirty, key)
		if sec == nil {
			continue
		}
		deltas := map[int64]string{}
		for c := range r.clients {
			sh := c.secs[key]
			if sh == nil || sh.m >= sec.version || c.editPending(key) {
				continue // up to date, or its edit's acknowledgement will bring this
			}
			d, ok := deltas[sh.m]
			if !ok {
				d = sec.deltaFrom(sh.m, sh.text)
				deltas[sh.m] = d
			}
			c.enqueue(updateMsg{Type: MsgUpdate, Section: key, N: sh.n, Base: sh.m, Version: sec.version, Delta: d})
			sh.moveTo(sec.version, sec.text)
		}
	}
	if r.peersDirty {
		// The list grows with the room and goes to everyone: a big room
		// sends it less often.
		if wait := peersEvery(len(r.clients)) - time.Since(r.peersAt); wait > 0 {
			if r.flushC == nil {
				r.flushC = time.After(wait)
			}
			return
		}
		r.peersDirty, r.peersAt = false, time.Now()
		msg := peersMsg{Type: MsgPeers, Peers: []Peer{}}
		for c := range r.clients {
			msg.Peers = append(msg.Peers, r.peer(c))
		}
		data, err := json.Marshal(msg)
		if err != nil {
			r.hub.log.Error("sync: encode", "err", err)
			return
		}
		for c := range r.clients {
			c.enqueueData(data)
		}
	}
}

// event applies a change committed elsewhere (REST, another process).
func (r *room) event(e store.Event) {
	if !r.loaded {
		return
	}
	switch e.Name {
	case store.EventSectionChanged:
		if sec := r.secs[e.Section]; sec != nil && e.Version <= sec.version {
			return // this room wrote it, or already knows it
		}
		r.reload(false)
	case store.EventOutlineChanged:
		r.reload(true)
	case store.EventBriefChanged:
		r.reload(false)
		for c := range r.clients {
			c.enqueue(briefMsg{Type: MsgBrief, Brief: briefInfo{ID: r.id, Title: r.title, Status: r.status}})
		}
	case store.EventMembersChanged:
		ctx, cancel := r.ctx()
		defer cancel()
		for c := range r.clients {
			m, err := r.hub.store.Authorize(ctx, c.user, r.id, brief.ActRead)
			if err != nil {
				delete(r.clients, c)
				c.fail(brief.EForbidden, "you no longer have access to this brief", CloseForbidden)
				continue
			}
			if m != c.member {
				c.member = m
				r.peersDirty = true
				r.schedule()
			}
		}
	case store.EventReview:
		// Text an accepted suggestion changed goes out first.
		r.flush()
		data, err := json.Marshal(e.Data)
		if err != nil {
			r.hub.log.Error("sync: encode", "err", err)
			return
		}
		for c := range r.clients {
			c.enqueueData(data)
		}
	case store.EventBriefArchived:
		for c := range r.clients {
			delete(r.clients, c)
			c.fail(brief.ENotFound, "the brief was archived", CloseNotFound)
		}
	}
}

// reload re-reads the brief: changed texts are fanned out, and with
// outline, every client gets the new outline (with the text of sections
// new to it).
func (r *room) reload(outline bool) {
	old := r.secs
	if err := r.load(); err != nil {
		for c := range r.clients {
			delete(r.clients, c)
			c.fail(brief.ErrorCode(err), brief.ErrorMessage(err), CloseNotFound)
		}
		return
	}
	for key, sec := range r.secs {
		if o := old[key]; o != nil && o.version != sec.version {
			r.dirty[key] = true
		}
	}
	if len(r.dirty) > 0 {
		r.schedule()
	}
	if !outline {
		return
	}
	for c := range r.clients {
		msg := outlineMsg{Type: MsgOutline, Sections: []outlineSection{}}
		for _, key := range r.order {
			sec := r.secs[key]
			os := outlineSection{Key: key, Title: sec.title, Version: sec.version}
			if c.secs[key] == nil {
				text := sec.text
				os.Text = &text
				c.secs[key] = &shadow{m: sec.version, text: sec.text}
			}
			msg.Sections = append(msg.Sections, os)
		}
		for key := range c.secs {
			if r.secs[key] == nil {
				delete(c.secs, key)
			}
		}
		c.enqueue(msg)
	}
}

type briefMsg struct {
	Type  string    `json:"type"`
	Brief briefInfo `json:"brief"`
}
