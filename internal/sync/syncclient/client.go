// Package syncclient is a Go client of Brief Studio's live-sync protocol
// (docs/PROTOCOL.md): differential synchronization of a brief's sections
// over a websocket, with reconnect that loses nothing. The tests and the
// load tool use it; it is also the reference for other clients.
package syncclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	gosync "sync"
	"time"

	"github.com/gorilla/websocket"

	"briefstudio/internal/revision"
)

// Options configures a client.
type Options struct {
	// ClientID names this device or tab; edits are numbered per client id,
	// so reuse it across reconnects (Dial makes one when empty).
	ClientID string
	// Header is sent with the upgrade request (e.g. Origin).
	Header http.Header
	// OnMessage, if set, sees every message type received (after it was
	// applied), for tests and tools. It runs on the read goroutine.
	OnMessage func(typ string, raw []byte)
	// Trace, if set, sees every frame sent ("→") and received ("←").
	Trace func(dir string, raw []byte)
}

// Section is a section as the client holds it.
type section struct {
	key, title string
	text       string // what the user sees
	base       string // the text at version m (what the server acknowledged)
	shadow     string // base plus the edit in flight
	m          int64
	acked      int64 // highest edit number acknowledged
	inflight   bool
	sentAt     time.Time
	hello      *string // text sent in hello, until the welcome answers it
}

// Conflict is an unresolved merge the server reported.
type Conflict struct {
	ID      int64  `json:"id"`
	Section string `json:"section"`
	Text    string `json:"text"`
	Base    string `json:"base"`
}

// Client is a connection to one brief.
type Client struct {
	url, token, brief string
	opts              Options

	mu        gosync.Mutex
	ws        *websocket.Conn
	wmu       gosync.Mutex // one writer at a time
	secs      map[string]*section
	order     []string
	conflicts []Conflict
	errs      []string
	closed    bool
	joining   bool          // hello sent, welcome not yet here: hold edits
	gen       int           // connection generation
	welcome   chan error    // answers the pending hello
	changed   chan struct{} // pulsed on every state change
	readDone  chan struct{}
	rtts      []time.Duration // commit round trips (edit sent -> ack)
	refs      int
	pending   map[string]chan reviewReply // review actions waiting for their answer, by ref
	onAck     func(section string, d time.Duration)
}

// Dial connects and joins brief, returning once the welcome arrived.
func Dial(ctx context.Context, url, token, briefID string, opts Options) (*Client, error) {
	if opts.ClientID == "" {
		opts.ClientID = fmt.Sprintf("go-%d", time.Now().UnixNano())
	}
	c := &Client{url: url, token: token, brief: briefID, opts: opts, secs: map[string]*section{}, changed: make(chan struct{}, 1)}
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// ClientID is the id edits are numbered under.
func (c *Client) ClientID() string { return c.opts.ClientID }

// connect dials and sends hello with whatever is pending, then waits for
// the welcome.
func (c *Client) connect(ctx context.Context) error {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, res, err := d.DialContext(ctx, c.url, c.opts.Header)
	if err != nil {
		if res != nil {
			return fmt.Errorf("dial: %w (HTTP %d)", err, res.StatusCode)
		}
		return fmt.Errorf("dial: %w", err)
	}
	c.mu.Lock()
	c.ws = ws
	c.gen++
	c.joining = true
	c.welcome = make(chan error, 1)
	hello := map[string]any{"type": "hello", "token": c.token, "brief": c.brief, "client": c.opts.ClientID}
	var pending []map[string]any
	for _, key := range c.order {
		s := c.secs[key]
		if s.text == s.base && !s.inflight {
			continue
		}
		t := s.text
		s.hello = &t
		pending = append(pending, map[string]any{"key": key, "baseVersion": s.m, "delta": revision.Delta(s.base, s.text), "acked": s.acked})
	}
	if pending != nil {
		hello["sections"] = pending
	}
	welcome := c.welcome
	c.readDone = make(chan struct{})
	gen := c.gen
	c.mu.Unlock()
	if err := c.write(ws, hello); err != nil {
		ws.Close()
		return err
	}
	go c.readLoop(ws, gen)
	select {
	case err := <-welcome:
		return err
	case <-ctx.Done():
		ws.Close()
		return ctx.Err()
	}
}

func (c *Client) write(ws *websocket.Conn, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if c.opts.Trace != nil {
		c.opts.Trace("→", data)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return ws.WriteMessage(websocket.TextMessage, data)
}

type message struct {
	Type      string `json:"type"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Section   string `json:"section"`
	N         int64  `json:"n"`
	Base      int64  `json:"base"`
	Version   int64  `json:"version"`
	Delta     string `json:"delta"`
	Text      string `json:"text"`
	Reason    string `json:"reason"`
	Keep      bool   `json:"keep"`
	Ref       string `json:"ref"`
	Data      json.RawMessage
	Conflicts []Conflict
	Sections  []struct {
		Key       string     `json:"key"`
		Title     string     `json:"title"`
		Text      *string    `json:"text"`
		Version   int64      `json:"version"`
		Acked     int64      `json:"acked"`
		Conflicts []Conflict `json:"conflicts"`
		Error     *struct {
			Code, Message string
		} `json:"error"`
	} `json:"sections"`
}

func (c *Client) readLoop(ws *websocket.Conn, gen int) {
	defer func() {
		c.mu.Lock()
		if c.gen == gen {
			close(c.readDone)
		}
		select {
		case c.welcome <- errors.New("connection closed before welcome"):
		default:
		}
		c.mu.Unlock()
		c.pulse()
	}()
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			c.mu.Lock()
			if ce, ok := err.(*websocket.CloseError); ok && ce.Code != websocket.CloseNormalClosure {
				c.errs = append(c.errs, fmt.Sprintf("closed %d: %s", ce.Code, ce.Text))
			}
			select {
			case c.welcome <- fmt.Errorf("connection ended: %w", err):
			default:
			}
			c.mu.Unlock()
			return
		}
		if c.opts.Trace != nil {
			c.opts.Trace("←", data)
		}
		var m message
		if err := json.Unmarshal(data, &m); err != nil {
			continue
		}
		c.mu.Lock()
		if c.gen != gen {
			c.mu.Unlock()
			return
		}
		c.apply(&m)
		c.mu.Unlock()
		if c.opts.OnMessage != nil {
			c.opts.OnMessage(m.Type, data)
		}
		c.pulse()
		c.flush()
	}
}

// apply updates the state for one message (c.mu held).
func (c *Client) apply(m *message) {
	switch m.Type {
	case "welcome":
		c.order = c.order[:0]
		fresh := map[string]*section{}
		for _, ws := range m.Sections {
			if ws.Error != nil {
				c.errs = append(c.errs, ws.Key+": "+ws.Error.Message)
				if ws.Text == nil {
					continue
				}
			}
			text := ""
			if ws.Text != nil {
				text = *ws.Text
			}
			s := &section{key: ws.Key, title: ws.Title, text: text, base: text, shadow: text, m: ws.Version, acked: ws.Acked}
			if old := c.secs[ws.Key]; old != nil {
				// Typing that happened after hello rides on the merged text.
				sent := old.base
				if old.hello != nil {
					sent = *old.hello
				}
				if old.text != sent {
					s.text = patch(sent, old.text, text)
				}
			}
			fresh[ws.Key] = s
			c.order = append(c.order, ws.Key)
			c.conflicts = append(c.conflicts, ws.Conflicts...)
		}
		c.secs = fresh
		c.joining = false
		select {
		case c.welcome <- nil:
		default:
		}
	case "update":
		s := c.secs[m.Section]
		if s == nil {
			return
		}
		sent := s.acked
		if s.inflight {
			sent++
		}
		if m.N < sent {
			return // our edit is in flight: its acknowledgement brings this too
		}
		next, err := revision.ApplyDelta(s.shadow, m.Delta)
		if err != nil {
			c.errs = append(c.errs, "update does not apply: "+err.Error())
			return
		}
		if m.N > s.acked && s.inflight && !s.sentAt.IsZero() {
			d := time.Since(s.sentAt)
			c.rtts = append(c.rtts, d)
			if c.onAck != nil {
				c.onAck(m.Section, d)
			}
		}
		if s.text == s.shadow {
			s.text = next
		} else {
			// Typing since the shadow rides on the update: both sides'
			// changes are read from deltas, not found by diffing texts.
			s.text = revision.RebaseLive(s.shadow, s.text, next, revision.Delta(s.shadow, s.text), m.Delta)
		}
		s.shadow, s.base, s.m, s.acked, s.inflight = next, next, m.Version, m.N, false
	case "resync":
		s := c.secs[m.Section]
		if s == nil {
			return
		}
		if m.Keep && s.text != m.Text {
			go c.send(map[string]any{"type": "keep", "section": m.Section, "text": s.text})
		}
		s.text, s.shadow, s.base, s.m, s.acked, s.inflight = m.Text, m.Text, m.Text, m.Version, m.N, false
	case "conflicts":
		c.conflicts = append(c.conflicts, m.Conflicts...)
	case "outline":
		keep := map[string]bool{}
		c.order = c.order[:0]
		for _, os := range m.Sections {
			keep[os.Key] = true
			c.order = append(c.order, os.Key)
			if s := c.secs[os.Key]; s != nil {
				s.title = os.Title
				continue
			}
			text := ""
			if os.Text != nil {
				text = *os.Text
			}
			c.secs[os.Key] = &section{key: os.Key, title: os.Title, text: text, base: text, shadow: text, m: os.Version}
		}
		for k := range c.secs {
			if !keep[k] {
				delete(c.secs, k)
			}
		}
	case "result":
		c.answer(m.Ref, reviewReply{data: m.Data})
	case "error":
		if m.Ref != "" {
			c.answer(m.Ref, reviewReply{err: &ReviewError{Code: m.Code, Message: m.Message}})
			return
		}
		c.errs = append(c.errs, m.Code+": "+m.Message)
		if s := c.secs[m.Section]; s != nil && m.N > 0 && s.inflight {
			// The edit was refused: take the text back to what the server has.
			s.text, s.shadow, s.inflight = s.base, s.base, false
		}
	}
}

// patch carries the change from a to b onto text (which was a plus local
// typing): an exact three-way merge where the local typing wins overlaps.
func patch(a, b, text string) string { return revision.Rebase(a, text, b) }

func (c *Client) pulse() {
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

func (c *Client) send(v any) error {
	c.mu.Lock()
	ws := c.ws
	c.mu.Unlock()
	if ws == nil {
		return errors.New("not connected")
	}
	return c.write(ws, v)
}

// flush sends, per section, the local changes if no edit is in flight.
func (c *Client) flush() {
	c.mu.Lock()
	if c.joining {
		c.mu.Unlock()
		return // the welcome's numbering comes first
	}
	var out []map[string]any
	for _, key := range c.order {
		s := c.secs[key]
		if s.inflight || s.text == s.shadow {
			continue
		}
		n := s.acked + 1
		out = append(out, map[string]any{"type": "edit", "section": key, "n": n, "base": s.m, "delta": revision.Delta(s.shadow, s.text)})
		s.shadow, s.inflight, s.sentAt = s.text, true, time.Now()
	}
	ws := c.ws
	c.mu.Unlock()
	for _, m := range out {
		if ws == nil || c.write(ws, m) != nil {
			return // the reconnect's hello carries it
		}
	}
}

// SetText replaces a section's text locally and sends the change.
func (c *Client) SetText(key, text string) error {
	c.mu.Lock()
	s := c.secs[key]
	if s == nil {
		c.mu.Unlock()
		return fmt.Errorf("no section %q", key)
	}
	s.text = text
	c.mu.Unlock()
	c.flush()
	return nil
}

// Change edits a section locally and atomically: f gets the current text
// and returns the new one (as an editor applies a keystroke to what is on
// screen, whatever the read loop applied just before). Then it syncs.
func (c *Client) Change(key string, f func(text string) string) error {
	c.mu.Lock()
	s := c.secs[key]
	if s == nil {
		c.mu.Unlock()
		return fmt.Errorf("no section %q", key)
	}
	s.text = f(s.text)
	c.mu.Unlock()
	c.flush()
	return nil
}

// Edit changes a section locally: del code points at pos replaced by ins.
func (c *Client) Edit(key string, pos, del int, ins string) error {
	c.mu.Lock()
	s := c.secs[key]
	if s == nil {
		c.mu.Unlock()
		return fmt.Errorf("no section %q", key)
	}
	r := []rune(s.text)
	pos = min(max(pos, 0), len(r))
	del = min(max(del, 0), len(r)-pos)
	s.text = string(r[:pos]) + ins + string(r[pos+del:])
	c.mu.Unlock()
	c.flush()
	return nil
}

// Presence tells the others where this client's cursor is.
func (c *Client) Presence(key string, anchor, head int) error {
	return c.send(map[string]any{"type": "presence", "section": key, "cursor": map[string]int{"anchor": anchor, "head": head}})
}

// Text is a section's local text.
func (c *Client) Text(key string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.secs[key]; s != nil {
		return s.text
	}
	return ""
}

// Acked is a section's text as last acknowledged by the server: every
// edit in it is committed.
func (c *Client) Acked(key string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.secs[key]; s != nil {
		return s.base
	}
	return ""
}

// SetURL points later reconnects at another address (a restarted server).
func (c *Client) SetURL(url string) {
	c.mu.Lock()
	c.url = url
	c.mu.Unlock()
}

// Version is the server version a section's shadow is at.
func (c *Client) Version(key string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.secs[key]; s != nil {
		return s.m
	}
	return -1
}

// Sections lists the section keys in order.
func (c *Client) Sections() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.order...)
}

// Idle says nothing is pending or in flight.
func (c *Client) Idle() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.secs {
		if s.inflight || s.text != s.base {
			return false
		}
	}
	return true
}

// Errors returns the errors and close reasons the server sent.
func (c *Client) Errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errs...)
}

// Conflicts returns the unresolved merges the server reported.
func (c *Client) Conflicts() []Conflict {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Conflict(nil), c.conflicts...)
}

// RTTs returns the commit round trips measured so far (edit sent to its
// acknowledgement).
func (c *Client) RTTs() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := append([]time.Duration(nil), c.rtts...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Wait waits until cond holds (checked on every change) or ctx ends.
func (c *Client) Wait(ctx context.Context, cond func(*Client) bool) error {
	for {
		if cond(c) {
			return nil
		}
		select {
		case <-c.changed:
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Connected says the read loop of the current connection is running.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.readDone == nil {
		return false
	}
	select {
	case <-c.readDone:
		return false
	default:
		return true
	}
}

// Drop cuts the connection without a close handshake (a lost link).
func (c *Client) Drop() {
	c.mu.Lock()
	ws := c.ws
	c.mu.Unlock()
	if ws != nil {
		ws.UnderlyingConn().Close()
	}
}

// Reconnect drops the connection if it is up and connects again; whatever
// was not acknowledged goes with hello.
func (c *Client) Reconnect(ctx context.Context) error {
	c.Drop()
	c.mu.Lock()
	done := c.readDone
	c.mu.Unlock()
	if done != nil {
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.mu.Lock()
	for _, s := range c.secs {
		// An edit in flight is now unknown: hello's delta from base
		// carries it, and the server tells whether it was applied.
		s.inflight, s.shadow = false, s.base
	}
	c.mu.Unlock()
	return c.connect(ctx)
}

// Close closes the connection normally.
func (c *Client) Close() error {
	c.mu.Lock()
	ws := c.ws
	c.closed = true
	c.mu.Unlock()
	if ws == nil {
		return nil
	}
	c.wmu.Lock()
	ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.wmu.Unlock()
	return ws.Close()
}

// ReviewError is a review action the server refused.
type ReviewError struct {
	Code, Message string
}

func (e *ReviewError) Error() string { return e.Code + ": " + e.Message }

type reviewReply struct {
	data json.RawMessage
	err  error
}

// answer hands a review answer to whoever waits for ref (c.mu held).
func (c *Client) answer(ref string, r reviewReply) {
	if ch := c.pending[ref]; ch != nil {
		delete(c.pending, ref)
		ch <- r
	}
}

// Review runs a review action (PROTOCOL.md "Review") and returns its
// result's data, or the server's refusal as a *ReviewError.
func (c *Client) Review(ctx context.Context, action string, data any) (json.RawMessage, error) {
	c.mu.Lock()
	c.refs++
	ref := fmt.Sprintf("r%d", c.refs)
	ch := make(chan reviewReply, 1)
	if c.pending == nil {
		c.pending = map[string]chan reviewReply{}
	}
	c.pending[ref] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, ref)
		c.mu.Unlock()
	}()
	if err := c.send(map[string]any{"type": "review", "ref": ref, "action": action, "data": data}); err != nil {
		return nil, err
	}
	select {
	case r := <-ch:
		return r.data, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
