package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"briefstudio/internal/brief"
)

// Relay limits and timings (docs/PROTOCOL.md).
const (
	// MaxClientMessage is the largest frame the UI may send (the protocol's
	// limit, close 1009 above it).
	MaxClientMessage = 1 << 20
	// maxServerMessage bounds a frame from the shared server: a welcome
	// carries every section's text, so it may exceed the client limit.
	maxServerMessage = 64 << 20
	helloTimeout     = 10 * time.Second
	pingEvery        = 5 * time.Second
	deadAfter        = 15 * time.Second
	writeWait        = 10 * time.Second
	closeGrace       = 2 * time.Second
)

// Close codes the relay itself sends (the others are relayed as they come).
const (
	CloseTryAgainLater = 1013 // the shared server cannot be reached: the UI retries with backoff
	closeGoingAway     = 1001
	closeBadRequest    = 4000
	closeUnauthorized  = 4001
	closeHelloTimeout  = 4002
)

// LocalCheck authenticates the token the UI put in hello: it must be the
// local user's session on the embedded server.
type LocalCheck func(ctx context.Context, token string) error

// Relay joins the UI's upgraded websocket (client) to workspace id's shared
// server: the first message must be hello, whose token (the UI's local
// session, checked with check) is replaced by the stored session; every
// later frame goes through unchanged, both ways, and a close on either
// side closes the other with the same code and reason. When the shared
// server cannot be dialled the client is closed with 1013 "shared server
// unreachable". Relay returns when both connections are closed.
func (m *Manager) Relay(client *websocket.Conn, id string, check LocalCheck) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if !m.track(client, cancel) {
		closeConn(client, closeGoingAway, "the app is closing")
		return
	}
	defer m.untrack(client)

	client.SetReadLimit(MaxClientMessage)
	client.SetReadDeadline(time.Now().Add(helloTimeout))
	kind, data, err := client.ReadMessage()
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			fail(client, brief.EInvalid, "no hello within "+helloTimeout.String(), closeHelloTimeout)
		} else {
			client.Close()
		}
		return
	}
	hello, token, ok := parseHello(kind, data)
	if !ok {
		fail(client, brief.EInvalid, "the first message must be hello", closeBadRequest)
		return
	}
	if err := check(ctx, token); err != nil {
		fail(client, brief.EUnauthorized, "hello must carry this computer's session: "+brief.ErrorMessage(err), closeUnauthorized)
		return
	}
	ws, remoteToken, err := m.token(ctx, id)
	if err != nil && brief.ErrorCode(err) != brief.EUnauthorized {
		fail(client, brief.ErrorCode(err), brief.ErrorMessage(err), CloseTryAgainLater)
		return
	}
	hello["token"] = jsonString(remoteToken)
	out, err := marshal(hello)
	if err != nil {
		fail(client, brief.EInternal, "internal error", 1011)
		return
	}

	remote, err := m.dial(ctx, ws.URL)
	if err != nil {
		err = unreachable(ws.URL, err)
		m.reached(id, err)
		fail(client, EUnreachable, brief.ErrorMessage(err), CloseTryAgainLater, "shared server unreachable")
		return
	}
	m.reached(id, nil)
	remote.SetReadLimit(maxServerMessage)
	remote.SetWriteDeadline(time.Now().Add(writeWait))
	if err := remote.WriteMessage(websocket.TextMessage, out); err != nil {
		remote.Close()
		fail(client, EUnreachable, "the shared server connection was lost", CloseTryAgainLater, "shared server unreachable")
		return
	}
	code := m.pipe(ctx, client, remote)
	if code == closeUnauthorized {
		m.setNeedsLogin(id, true)
	}
}

// dial opens the shared server's websocket, with no Origin (as a script
// would: the token in hello gates it).
func (m *Manager) dial(ctx context.Context, base string) (*websocket.Conn, error) {
	u := base + "/api/ws"
	switch {
	case strings.HasPrefix(u, "https://"):
		u = "wss://" + strings.TrimPrefix(u, "https://")
	case strings.HasPrefix(u, "http://"):
		u = "ws://" + strings.TrimPrefix(u, "http://")
	}
	d := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		NetDialContext:   (&net.Dialer{Timeout: ConnectTimeout}).DialContext,
		HandshakeTimeout: 10 * time.Second,
		WriteBufferPool:  &sync.Pool{},
	}
	conn, res, err := d.DialContext(ctx, u, nil)
	if err != nil {
		if res != nil {
			return nil, fmt.Errorf("the websocket upgrade was answered HTTP %d", res.StatusCode)
		}
		return nil, err
	}
	return conn, nil
}

// parseHello reads the first frame: a JSON hello, kept field by field so
// that only its token changes.
func parseHello(kind int, data []byte) (map[string]json.RawMessage, string, bool) {
	if kind != websocket.TextMessage {
		return nil, "", false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return nil, "", false
	}
	var typ, token string
	if json.Unmarshal(m["type"], &typ) != nil || typ != "hello" {
		return nil, "", false
	}
	if raw, ok := m["token"]; ok && json.Unmarshal(raw, &token) != nil {
		return nil, "", false
	}
	return m, token, true
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// fail sends an error message and closes conn with code and reason (the
// message when no reason is given).
func fail(conn *websocket.Conn, code brief.Code, message string, closeCode int, reason ...string) {
	data, _ := marshal(map[string]string{"type": "error", "code": string(code), "message": message})
	conn.SetWriteDeadline(time.Now().Add(time.Second))
	conn.WriteMessage(websocket.TextMessage, data)
	r := message
	if len(reason) > 0 {
		r = reason[0]
	}
	closeConn(conn, closeCode, r)
}

// closeConn sends a close frame and closes the connection.
func closeConn(conn *websocket.Conn, code int, reason string) {
	conn.WriteControl(websocket.CloseMessage, closeMessage(code, reason), time.Now().Add(time.Second))
	conn.Close()
}

// closeMessage formats a close frame, keeping the reason within the 123
// bytes a close frame allows.
func closeMessage(code int, reason string) []byte {
	for len(reason) > 123 {
		r := []rune(reason)
		reason = string(r[:len(r)-1])
	}
	return websocket.FormatCloseMessage(code, reason)
}

func (m *Manager) track(c *websocket.Conn, stop func()) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false
	}
	m.relays[c] = stop
	m.relaysWG.Add(1)
	return true
}

func (m *Manager) untrack(c *websocket.Conn) {
	m.mu.Lock()
	delete(m.relays, c)
	m.mu.Unlock()
	m.relaysWG.Done()
}

// frame is one message for a side's writer.
type frame struct {
	kind  int
	data  []byte
	close bool // data is a close frame's payload
}

// side is one connection of a relay: only its writer goroutine writes data
// frames to it (gorilla allows control frames from any goroutine).
type side struct {
	conn  *websocket.Conn
	out   chan frame
	wrote chan struct{} // closed when the writer has stopped
}

func newSide(c *websocket.Conn) *side {
	return &side{conn: c, out: make(chan frame, 32), wrote: make(chan struct{})}
}

// writer writes queued frames and pings until a close frame was written,
// a write failed, or quit.
func (s *side) writer(quit <-chan struct{}) {
	defer close(s.wrote)
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case f := <-s.out:
			if f.close {
				s.conn.WriteControl(websocket.CloseMessage, f.data, time.Now().Add(time.Second))
				return
			}
			s.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := s.conn.WriteMessage(f.kind, f.data); err != nil {
				s.conn.Close() // its reader ends too
				return
			}
		case <-ping.C:
			if err := s.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				s.conn.Close()
				return
			}
		case <-quit:
			return
		}
	}
}

// ended is how a side's reader stopped.
type ended struct {
	from   *side
	code   int    // the close code received, or 0 for a lost link
	reason string // the close reason received
	tooBig bool   // the side sent a frame over its limit
}

// reader reads frames from s and queues them for to, until s fails.
func (s *side) reader(to *side, quit <-chan struct{}, done chan<- ended) {
	s.conn.SetPongHandler(func(string) error { s.conn.SetReadDeadline(time.Now().Add(deadAfter)); return nil })
	for {
		s.conn.SetReadDeadline(time.Now().Add(deadAfter))
		kind, data, err := s.conn.ReadMessage()
		if err != nil {
			e := ended{from: s}
			var ce *websocket.CloseError
			switch {
			case errors.As(err, &ce):
				e.code, e.reason = ce.Code, ce.Text
			case errors.Is(err, websocket.ErrReadLimit):
				e.tooBig = true
			}
			done <- e
			return
		}
		select {
		case to.out <- frame{kind: kind, data: data}:
		case <-quit:
			done <- ended{from: s, code: -1}
			return
		}
	}
}

// pipe relays frames between the two connections until one closes, then
// closes the other the same way. It returns the close code the shared
// server sent, if it was the one to close.
func (m *Manager) pipe(ctx context.Context, client, remote *websocket.Conn) int {
	c, r := newSide(client), newSide(remote)
	quit := make(chan struct{})
	done := make(chan ended, 2)
	go c.writer(quit)
	go r.writer(quit)
	go c.reader(r, quit, done)
	go r.reader(c, quit, done)

	var first ended
	select {
	case first = <-done:
	case <-ctx.Done(): // the app is closing
		first = ended{code: -1}
		for _, s := range []*side{c, r} {
			s.conn.WriteControl(websocket.CloseMessage, closeMessage(closeGoingAway, "the app is closing"), time.Now().Add(time.Second))
		}
	}
	remoteCode := 0
	if first.from != nil {
		other, code, reason := r, first.code, first.reason
		if first.from == r {
			other = c
			remoteCode = first.code
		}
		switch {
		case first.tooBig && first.from == c:
			code, reason = closeGoingAway, "the client sent a message over the limit"
		case first.tooBig:
			code, reason = 1009, "the shared server sent a message over the relay's limit"
		case code == 0 || code == websocket.CloseAbnormalClosure || code == websocket.CloseTLSHandshake:
			code, reason = closeGoingAway, "the other side's connection was lost"
			if first.from == r {
				code, reason = CloseTryAgainLater, "shared server connection lost"
			}
		}
		var payload []byte
		if code == websocket.CloseNoStatusReceived {
			payload = []byte{} // an empty close frame: no status, as received
		} else {
			payload = closeMessage(code, reason)
		}
		select {
		case other.out <- frame{close: true, data: payload}:
		case <-other.wrote:
		case <-time.After(closeGrace):
		}
		// Wait for the other side's answer to the close, briefly.
		select {
		case <-done:
		case <-time.After(closeGrace):
		}
	}
	close(quit)
	client.Close()
	remote.Close()
	<-c.wrote
	<-r.wrote
	return remoteCode
}
