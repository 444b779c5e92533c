package sync

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	gosync "sync"
	"time"

	"github.com/gorilla/websocket"

	"briefstudio/internal/auth"
	"briefstudio/internal/store"
)

// Limits and timings of the protocol (docs/PROTOCOL.md).
const (
	MaxMessage        = 1 << 20 // bytes of one message
	MessagesPerSecond = 200     // per connection, sustained
	HelloTimeout      = 10 * time.Second
	Heartbeat         = 5 * time.Second // ping period, both ways
	DeadAfter         = 15 * time.Second
	FanOutTick        = 20 * time.Millisecond // the longest a busy room holds a change back
	fanOutPerClient   = 75 * time.Microsecond
	writeWait         = 10 * time.Second
	sendQueue         = 512 // messages waiting for a slow reader before it is dropped
	authRecheck       = 5 * time.Second
)

// Hub owns the rooms: one per brief with connected clients.
type Hub struct {
	store *store.Store
	auth  *auth.Service
	log   *slog.Logger

	// HelloTimeout is how long a new connection may take to say hello
	// (HelloTimeout by default; tests shorten it).
	HelloTimeout time.Duration
	// AuthRecheck is how often a connected client's token is checked
	// again, so revocation ends its connection.
	AuthRecheck time.Duration

	mu     gosync.Mutex
	rooms  map[string]*room
	closed bool
	conns  gosync.WaitGroup
}

// NewHub returns a hub over the services. Register it as the store's
// publisher so that REST writes reach live clients.
func NewHub(st *store.Store, a *auth.Service, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.Default()
	}
	return &Hub{store: st, auth: a, log: log, rooms: map[string]*room{}, HelloTimeout: HelloTimeout, AuthRecheck: authRecheck}
}

// Serve runs one upgraded websocket connection until it ends.
func (h *Hub) Serve(ws *websocket.Conn) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		closeWith(ws, CloseGoingAway, "server shutting down")
		return
	}
	h.conns.Add(1)
	h.mu.Unlock()
	defer h.conns.Done()
	c := newClient(h, ws)
	c.run()
}

// acquire returns the brief's room, starting it if needed, counting one
// more client; release undoes that and stops the room after its last one.
// A room that is stopping finishes its inbox first: a new room for the
// brief starts only after it, so no edit of a departed client is applied
// after a newer connection's hello.
func (h *Hub) acquire(id string) *room {
	for {
		h.mu.Lock()
		r := h.rooms[id]
		if r != nil && r.stopping {
			h.mu.Unlock()
			<-r.done
			continue
		}
		if r == nil {
			r = newRoom(h, id)
			h.rooms[id] = r
			go r.run()
		}
		r.refs++
		h.mu.Unlock()
		return r
	}
}

func (h *Hub) release(r *room) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r.refs--
	if r.refs == 0 {
		r.stopping = true
		r.stop()
	}
}

// forget removes a room that has finished.
func (h *Hub) forget(r *room) {
	h.mu.Lock()
	if h.rooms[r.id] == r {
		delete(h.rooms, r.id)
	}
	h.mu.Unlock()
}

// Publish hears a committed change (store.Publisher) and passes it to the
// brief's room, if one is open. It never blocks: the room may itself be
// the writer.
func (h *Hub) Publish(e store.Event) {
	h.mu.Lock()
	r := h.rooms[e.Brief]
	h.mu.Unlock()
	if r != nil {
		r.notify(e)
	}
}

// Close tells every client the server is going away and waits (until ctx
// ends) for their connections to finish.
func (h *Hub) Close(ctx context.Context) {
	h.mu.Lock()
	h.closed = true
	rooms := make([]*room, 0, len(h.rooms))
	for _, r := range h.rooms {
		rooms = append(rooms, r)
	}
	h.mu.Unlock()
	for _, r := range rooms {
		r.shutdown()
	}
	done := make(chan struct{})
	go func() { h.conns.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// Rooms counts open rooms (for tests and the load tool).
func (h *Hub) Rooms() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.rooms)
}

func randomID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func closeWith(ws *websocket.Conn, code int, reason string) {
	msg := websocket.FormatCloseMessage(code, reason)
	ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
	ws.Close()
}
