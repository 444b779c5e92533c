package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"briefstudio/internal/brief"
)

// client is one websocket connection. Its read and write pumps are the
// only goroutines touching the connection (gorilla's chat discipline);
// everything else about it (shadows, presence) belongs to its room.
type client struct {
	hub       *Hub
	ws        *websocket.Conn
	id        string // this connection, as peers see it
	qmu       gosync.Mutex
	queue     []outbound    // waiting for the write pump (a slice, not a channel: an idle connection holds no buffer)
	wake      chan struct{} // the queue has something
	done      chan struct{}
	once      gosync.Once
	closing   atomic.Bool   // a close frame is queued behind pending messages
	closeSent chan struct{} // the close frame went out

	// Set once by hello, before the client joins its room.
	clientID string // the device or tab, for edit numbering across reconnects
	token    string
	user     brief.User
	briefID  string

	// Edits received, by section, that the room has not taken up yet: the
	// client sets aside updates while its edit is in flight (the
	// acknowledgement brings them), so the room does not send them.
	pendMu  gosync.Mutex
	pending map[string]int

	// Owned by the room goroutine.
	member   brief.MemberRole
	secs     map[string]*shadow
	section  string
	cursor   *Cursor
	lastAuth time.Time
}

// shadow is the server's copy of what one client holds of one section:
// the text at version m (the shadow), the last edit number applied from
// it, and the earlier versions sent to it since its last acknowledgement
// (held): a client sets updates aside while its own edit is in flight, so
// its next edit may be made on any of them.
type shadow struct {
	n       int64
	m       int64
	text    string
	held    []heldText
	sending bool // an edit of it is on its way through the store
}

// heldText is a version of a section's text a client may still hold.
type heldText struct {
	m    int64
	text string
}

// maxHeld bounds the versions a shadow remembers (texts are shared with
// the room's, so each costs a string header); an edit made on an older
// one has its base text read from the edit log.
const maxHeld = 64

// moveTo moves the shadow to a version sent to the client, remembering the
// one it leaves.
func (sh *shadow) moveTo(m int64, text string) {
	if len(sh.held) == maxHeld {
		sh.held = append(sh.held[:0], sh.held[1:]...)
	}
	sh.held = append(sh.held, heldText{sh.m, sh.text})
	sh.m, sh.text = m, text
}

// reset sets the shadow to a version the client is known to hold.
func (sh *shadow) reset(m int64, text string) {
	sh.m, sh.text, sh.held = m, text, sh.held[:0]
}

// textAt is the text at version m if the client may hold it.
func (sh *shadow) textAt(m int64) (string, bool) {
	if m == sh.m {
		return sh.text, true
	}
	for i := len(sh.held) - 1; i >= 0; i-- {
		if sh.held[i].m == m {
			return sh.held[i].text, true
		}
	}
	return "", false
}

type outbound struct {
	data        []byte
	closeCode   int
	closeReason string
}

func newClient(h *Hub, ws *websocket.Conn) *client {
	return &client{hub: h, ws: ws, id: randomID(), wake: make(chan struct{}, 1), done: make(chan struct{}),
		closeSent: make(chan struct{}), secs: map[string]*shadow{}}
}

// run serves the connection: hello, then messages to the room until the
// connection ends.
func (c *client) run() {
	c.ws.SetReadLimit(MaxMessage)
	go c.writePump()
	defer c.finish()

	c.ws.SetReadDeadline(time.Now().Add(c.hub.HelloTimeout))
	hello, err := c.read()
	if err != nil {
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			c.fail(brief.EInvalid, "no hello within "+c.hub.HelloTimeout.String(), CloseHelloTimeout)
		}
		return
	}
	if hello.Type != MsgHello {
		c.fail(brief.EInvalid, "the first message must be hello", CloseBadRequest)
		return
	}
	var ok bool
	aside(func() { ok = c.authenticate(hello) })
	if !ok {
		return
	}
	r := c.hub.acquire(c.briefID)
	defer c.hub.release(r)
	r.post(roomMsg{c: c, msg: hello})
	defer r.post(roomMsg{c: c, leave: true})

	limit := newBucket(MessagesPerSecond)
	c.ws.SetPongHandler(func(string) error { c.ws.SetReadDeadline(time.Now().Add(DeadAfter)); return nil })
	for {
		c.ws.SetReadDeadline(time.Now().Add(DeadAfter))
		m, err := c.read()
		if err != nil {
			return
		}
		if !limit.take(time.Now()) {
			c.fail(brief.ERateLimited, fmt.Sprintf("more than %d messages a second", MessagesPerSecond), CloseRateLimited)
			c.drain()
			return
		}
		switch m.Type {
		case MsgPing:
			c.enqueue(pongMsg{Type: MsgPong, T: m.T})
		case MsgEdit:
			c.markPending(m.Section, 1)
			r.post(roomMsg{c: c, msg: m})
		case MsgPresence, MsgKeep, MsgReview:
			r.post(roomMsg{c: c, msg: m})
		case MsgHello:
			c.fail(brief.EInvalid, "hello was already received on this connection", CloseBadRequest)
			c.drain()
			return
		default:
			c.fail(brief.EInvalid, fmt.Sprintf("unknown message type %q", m.Type), CloseBadRequest)
			c.drain()
			return
		}
	}
}

// aside runs fn on a goroutine of its own and waits for it: for the store
// calls of long-lived goroutines (a connection's reader, a room). SQLite
// (modernc's translation of its C) runs on the caller's stack and grows it
// to tens of KB, which a goroutine that lives on keeps until the collector
// has halved it a few times: with 10,000 idle connections in 2,500 briefs,
// stacks were 230 MB of the server's 500. A goroutine that ends gives its
// stack back at once.
func aside(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}

// read reads one message; a malformed one is answered and ends the
// connection (the returned error).
func (c *client) read() (*inbound, error) {
	kind, data, err := c.ws.ReadMessage()
	if err != nil {
		if errors.Is(err, websocket.ErrReadLimit) {
			c.kill(CloseTooLarge, fmt.Sprintf("message over %d bytes", MaxMessage))
		}
		return nil, err
	}
	if kind != websocket.TextMessage || !utf8.Valid(data) {
		c.fail(brief.EInvalid, "messages are JSON text frames", CloseBadRequest)
		return nil, errors.New("binary frame")
	}
	var m inbound
	if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
		msg := "malformed message: a JSON object with a type is expected"
		if err != nil {
			msg += ": " + err.Error()
		}
		c.fail(brief.EInvalid, msg, CloseBadRequest)
		return nil, errors.New("malformed")
	}
	return &m, nil
}

// authenticate checks hello's token and the brief before any data flows.
func (c *client) authenticate(h *inbound) bool {
	ctx := context.Background()
	u, _, err := c.hub.auth.Authenticate(ctx, h.Token)
	if err != nil {
		c.fail(brief.EUnauthorized, brief.ErrorMessage(err), CloseUnauthorized)
		return false
	}
	if h.Brief == "" {
		c.fail(brief.EInvalid, "hello must name a brief", CloseBadRequest)
		return false
	}
	m, err := c.hub.store.Authorize(ctx, u, h.Brief, brief.ActRead)
	if err != nil {
		code := CloseNotFound
		if brief.ErrorCode(err) == brief.EInternal {
			code = CloseInternal
		}
		c.fail(brief.ErrorCode(err), brief.ErrorMessage(err), code)
		return false
	}
	c.clientID = strings.TrimSpace(h.Client)
	if c.clientID == "" || len(c.clientID) > 100 {
		c.clientID = randomID()
	}
	c.token, c.user, c.briefID, c.member, c.lastAuth = h.Token, u, h.Brief, m, time.Now()
	return true
}

// writePump is the only writer of the connection's data frames.
func (c *client) writePump() {
	ping := time.NewTicker(Heartbeat)
	defer ping.Stop()
	for {
		select {
		case <-c.wake:
			c.qmu.Lock()
			batch := c.queue
			c.queue = nil
			c.qmu.Unlock()
			for _, m := range batch {
				c.ws.SetWriteDeadline(time.Now().Add(writeWait))
				if m.closeCode != 0 {
					c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(m.closeCode, m.closeReason))
					close(c.closeSent)
					// The read loop ends when the peer answers; finish then
					// closes the socket. A peer that never answers is cut.
					select {
					case <-c.done:
					case <-time.After(2 * time.Second):
						c.kill(m.closeCode, m.closeReason)
					}
					return
				}
				if err := c.ws.WriteMessage(websocket.TextMessage, m.data); err != nil {
					c.kill(CloseInternal, "")
					return
				}
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				c.kill(CloseInternal, "")
				return
			}
		case <-c.done:
			return
		}
	}
}

// enqueue queues a message for the client; a client whose queue is full
// reads too slowly and is dropped (it reconnects and loses nothing).
func (c *client) enqueue(v any) {
	data, err := json.Marshal(v)
	if err != nil {
		c.hub.log.Error("sync: encode", "err", err)
		return
	}
	c.enqueueData(data)
}

// enqueueData queues an encoded message (one encoding for many clients).
func (c *client) enqueueData(data []byte) {
	if !c.push(outbound{data: data}, false) {
		c.kill(CloseSlow, "too slow to read its messages")
	}
}

// push queues o for the write pump; false when the queue is full (past
// sendQueue, unless force). Nothing is queued once the connection is done.
func (c *client) push(o outbound, force bool) bool {
	select {
	case <-c.done:
		return true
	default:
	}
	c.qmu.Lock()
	if len(c.queue) >= sendQueue && !force {
		c.qmu.Unlock()
		return false
	}
	c.queue = append(c.queue, o)
	c.qmu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

// fail sends an error and then closes with code, in that order.
func (c *client) fail(code brief.Code, message string, closeCode int) {
	c.enqueue(errorMsg{Type: MsgError, Code: code, Message: message})
	c.closing.Store(true)
	c.push(outbound{closeCode: closeCode, closeReason: truncateReason(message)}, true)
}

// finish ends the connection when its read loop is over: a close that was
// queued (after an error) goes out first.
func (c *client) finish() {
	if c.closing.Load() {
		select {
		case <-c.closeSent:
		case <-c.done:
		case <-time.After(writeWait):
		}
	}
	c.kill(CloseNormal, "")
}

// drain reads and discards until the peer answers our close (or a short
// while passes), so that closing the socket with its data unread does not
// reset the connection before the peer has read the close frame.
func (c *client) drain() {
	c.ws.SetReadDeadline(time.Now().Add(2 * time.Second))
	for {
		if _, _, err := c.ws.ReadMessage(); err != nil {
			return
		}
	}
}

// kill closes the connection at once (safe from any goroutine).
func (c *client) kill(code int, reason string) {
	c.once.Do(func() {
		close(c.done)
		c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, truncateReason(reason)), time.Now().Add(time.Second))
		c.ws.Close()
	})
}

// truncateReason keeps a close reason within the 123 bytes a close frame
// allows.
func truncateReason(s string) string {
	for len(s) > 120 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// bucket is a token bucket: n a second, bursts up to n.
type bucket struct {
	rate, tokens float64
	last         time.Time
}

func newBucket(n int) *bucket { return &bucket{rate: float64(n), tokens: float64(n)} }

func (b *bucket) take(now time.Time) bool {
	if !b.last.IsZero() {
		b.tokens = min(b.rate, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// markPending counts an edit of section received (+1) or taken up by the
// room (-1).
func (c *client) markPending(section string, d int) {
	c.pendMu.Lock()
	defer c.pendMu.Unlock()
	if c.pending == nil {
		c.pending = map[string]int{}
	}
	if c.pending[section] += d; c.pending[section] <= 0 {
		delete(c.pending, section)
	}
}

// editPending says whether an edit of section is on its way to the room.
func (c *client) editPending(section string) bool {
	c.pendMu.Lock()
	defer c.pendMu.Unlock()
	return c.pending[section] > 0
}
