// Package sync is live editing over websockets: one room (a goroutine) per
// open brief owns that brief's live texts and every client's shadows, and
// keeps clients and the database in step by differential synchronization
// (Neil Fraser, 2009) with code-point deltas. docs/PROTOCOL.md is the
// contract; this file is its vocabulary.
package sync

import (
	"encoding/json"

	"briefstudio/internal/brief"
)

// Message types, client to server.
const (
	MsgHello    = "hello"
	MsgEdit     = "edit"
	MsgPresence = "presence"
	MsgKeep     = "keep"
	MsgPing     = "ping"
	MsgReview   = "review" // a review action (comment, suggestion, decision), answered by result or error
)

// Message types, server to client.
const (
	MsgWelcome   = "welcome"
	MsgUpdate    = "update"
	MsgResync    = "resync"
	MsgConflicts = "conflicts"
	MsgOutline   = "outline"
	MsgBrief     = "brief"
	MsgPeers     = "peers"
	MsgError     = "error"
	MsgPong      = "pong"
	MsgResult    = "result" // the answer to a review action
	// Review changes, broadcast to the whole room as review.Change:
	// "comment", "suggestion" and "decision" messages.
)

// Close codes (RFC 6455 codes where one fits, 4000+ for the application).
const (
	CloseNormal       = 1000 // the client closed
	CloseGoingAway    = 1001 // the server is shutting down: reconnect later
	CloseTooLarge     = 1009 // a message over MaxMessage bytes
	CloseInternal     = 1011 // the server failed: reconnect
	CloseBadRequest   = 4000 // malformed message, or hello missing or repeated
	CloseUnauthorized = 4001 // token missing, wrong, expired or revoked
	CloseHelloTimeout = 4002 // no hello within HelloTimeout
	CloseForbidden    = 4003 // no longer allowed to read the brief
	CloseNotFound     = 4004 // no such brief, archived, or not visible
	CloseSlow         = 4008 // the client did not read fast enough
	CloseReplaced     = 4010 // a newer connection with the same client id took over
	CloseRateLimited  = 4029 // over MessagesPerSecond
)

// Cursor is a selection in a section's text, in code points.
type Cursor struct {
	Anchor int `json:"anchor"`
	Head   int `json:"head"`
}

// HelloSection is what a client has not had acknowledged in one section:
// its text as a delta from the text at BaseVersion, and the highest edit
// number it saw acknowledged.
type HelloSection struct {
	Key         string `json:"key"`
	BaseVersion int64  `json:"baseVersion"`
	Delta       string `json:"delta"`
	Acked       int64  `json:"acked"`
}

// inbound is any client message; Type says which fields count.
type inbound struct {
	Type     string          `json:"type"`
	Token    string          `json:"token,omitempty"`
	Brief    string          `json:"brief,omitempty"`
	Client   string          `json:"client,omitempty"`
	Sections []HelloSection  `json:"sections,omitempty"`
	Section  string          `json:"section,omitempty"`
	N        int64           `json:"n,omitempty"`
	Base     int64           `json:"base,omitempty"`
	Delta    string          `json:"delta,omitempty"`
	Cursor   *Cursor         `json:"cursor,omitempty"`
	Text     string          `json:"text,omitempty"`
	T        json.RawMessage `json:"t,omitempty"`
	// A review action: Action names it, Data holds its input as the REST
	// route takes it, Ref is the client's to match the answer.
	Action string          `json:"action,omitempty"`
	Data   json.RawMessage `json:"data,omitempty"`
	Ref    json.RawMessage `json:"ref,omitempty"`
}

// WelcomeSection is a section as a client starts from.
type WelcomeSection struct {
	Key       string           `json:"key"`
	Title     string           `json:"title"`
	Text      string           `json:"text"`
	Version   int64            `json:"version"`
	Acked     int64            `json:"acked"`
	Merged    bool             `json:"merged,omitempty"`
	Conflicts []brief.Conflict `json:"conflicts,omitempty"`
	Error     *ErrorBody       `json:"error,omitempty"`
}

// Peer is someone in the room.
type Peer struct {
	ID      string       `json:"id"`
	User    brief.Person `json:"user"`
	Role    string       `json:"role"`
	Section string       `json:"section,omitempty"`
	Cursor  *Cursor      `json:"cursor,omitempty"`
}

// ErrorBody is the payload of an error message.
type ErrorBody struct {
	Code    brief.Code `json:"code"`
	Message string     `json:"message"`
}

type welcomeMsg struct {
	Type      string           `json:"type"`
	Brief     briefInfo        `json:"brief"`
	Client    string           `json:"client"`
	You       Peer             `json:"you"`
	Sections  []WelcomeSection `json:"sections"`
	Peers     []Peer           `json:"peers"`
	Heartbeat int              `json:"heartbeat"` // ms between pings the client should send
}

type briefInfo struct {
	Type   string       `json:"type,omitempty"`
	ID     string       `json:"id"`
	Title  string       `json:"title"`
	Status brief.Status `json:"status"`
}

type updateMsg struct {
	Type    string `json:"type"`
	Section string `json:"section"`
	N       int64  `json:"n"`
	Base    int64  `json:"base"`
	Version int64  `json:"version"`
	Delta   string `json:"delta"`
	Ack     bool   `json:"ack,omitempty"`
}

type resyncMsg struct {
	Type    string `json:"type"`
	Section string `json:"section"`
	N       int64  `json:"n"`
	Version int64  `json:"version"`
	Text    string `json:"text"`
	Reason  string `json:"reason"`
	Keep    bool   `json:"keep"`
}

type conflictsMsg struct {
	Type      string           `json:"type"`
	Section   string           `json:"section"`
	Conflicts []brief.Conflict `json:"conflicts"`
}

type outlineSection struct {
	Key     string  `json:"key"`
	Title   string  `json:"title"`
	Version int64   `json:"version"`
	Text    *string `json:"text,omitempty"`
}

type outlineMsg struct {
	Type     string           `json:"type"`
	Sections []outlineSection `json:"sections"`
}

type peersMsg struct {
	Type  string `json:"type"`
	Peers []Peer `json:"peers"`
}

type errorMsg struct {
	Type    string          `json:"type"`
	Code    brief.Code      `json:"code"`
	Message string          `json:"message"`
	Section string          `json:"section,omitempty"`
	N       int64           `json:"n,omitempty"`
	Ref     json.RawMessage `json:"ref,omitempty"`
	Action  string          `json:"action,omitempty"`
}

type resultMsg struct {
	Type   string          `json:"type"`
	Ref    json.RawMessage `json:"ref,omitempty"`
	Action string          `json:"action"`
	Data   any             `json:"data"`
}

type pongMsg struct {
	Type string          `json:"type"`
	T    json.RawMessage `json:"t,omitempty"`
}
