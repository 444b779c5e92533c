package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"briefstudio/internal/brief"
)

// Timeouts of the calls to shared servers.
const (
	ConnectTimeout = 5 * time.Second  // TCP connect (and the websocket dial's)
	headerTimeout  = 2 * time.Minute  // the proxy waits this long for an answer (an export takes a while)
	callTimeout    = 15 * time.Second // sign-in, renewal, logout, probes
)

// remote calls a shared server's API.
type remote struct {
	transport *http.Transport
	client    *http.Client
}

func newRemote() *remote {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          50,
		MaxIdleConnsPerHost:   10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: headerTimeout,
		ExpectContinueTimeout: time.Second,
	}
	return &remote{transport: t, client: &http.Client{Transport: t, Timeout: callTimeout,
		// A redirect would carry the bearer token elsewhere: a shared
		// server's API does not redirect, so none is followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (rm *remote) close() { rm.transport.CloseIdleConnections() }

// session is what POST /api/login and /api/session/renew answer.
type session struct {
	Token     string    `json:"sessionToken"`
	ExpiresAt time.Time `json:"expiresAt"`
	User      User      `json:"user"`
}

// unreachable is the error of a server that did not answer.
func unreachable(base string, err error) error {
	var ne net.Error
	msg := err.Error()
	if errors.As(err, &ne) && ne.Timeout() {
		msg = "it did not answer in time"
	} else if errors.Is(err, context.DeadlineExceeded) {
		msg = "it did not answer in time"
	} else {
		var oe *net.OpError
		if errors.As(err, &oe) {
			msg = oe.Err.Error()
		}
	}
	return &brief.Error{Code: EUnreachable, Message: fmt.Sprintf("the shared server %s cannot be reached: %s", base, msg), Err: err}
}

// remoteError is a shared server's error answer.
type remoteError struct {
	status  int
	code    brief.Code
	message string
}

func (e *remoteError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.status, e.code, e.message)
}

// call sends a JSON request with the token and decodes a JSON answer into
// out. A 2xx answer returns nil; an error answer a coded error: the
// shared server's own for 4xx, EUnreachable for anything that is not a
// Brief Studio answer.
func (rm *remote) call(ctx context.Context, method, base, path, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		js, err := json.Marshal(in)
		if err != nil {
			return brief.Internal(err)
		}
		body = bytes.NewReader(js)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, body)
	if err != nil {
		return brief.Internal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := rm.client.Do(req)
	if err != nil {
		return unreachable(base, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return unreachable(base, err)
	}
	if res.StatusCode/100 == 2 {
		if out == nil || res.StatusCode == http.StatusNoContent {
			return nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			return notBriefStudio(base, res.StatusCode)
		}
		return nil
	}
	var e struct {
		Error struct {
			Code    brief.Code `json:"code"`
			Message string     `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &e) != nil || e.Error.Code == "" || res.StatusCode >= 500 {
		return notBriefStudio(base, res.StatusCode)
	}
	return &brief.Error{Code: e.Error.Code, Message: e.Error.Message,
		Err: &remoteError{status: res.StatusCode, code: e.Error.Code, message: e.Error.Message}}
}

func notBriefStudio(base string, status int) error {
	return brief.Errorf(EUnreachable, "the shared server %s cannot be reached: it did not answer as a Brief Studio server (HTTP %d)", base, status)
}

// login trades a login-link token for a session.
func (rm *remote) login(ctx context.Context, base, token string) (session, error) {
	var s session
	err := rm.call(ctx, http.MethodPost, base, "/api/login", "", map[string]string{"token": token}, &s)
	switch brief.ErrorCode(err) {
	case "":
		if s.Token == "" {
			return s, notBriefStudio(base, http.StatusOK)
		}
		return s, nil
	case brief.EUnauthorized:
		return s, brief.Errorf(brief.EUnauthorized, "this login link was already used or has expired: ask for a new one")
	case brief.ERateLimited:
		return s, brief.Errorf(brief.ERateLimited, "the shared server refuses more sign-ins from this computer for now: wait a minute and try again")
	case brief.EInvalid:
		return s, brief.Errorf(brief.EInvalid, "the shared server refused the link: %s", brief.ErrorMessage(err))
	}
	return s, err
}

// renew extends a session.
func (rm *remote) renew(ctx context.Context, base, token string) (session, error) {
	var s session
	err := rm.call(ctx, http.MethodPost, base, "/api/session/renew", token, nil, &s)
	if err == nil && s.Token == "" {
		s.Token = token
	}
	return s, err
}

// logout ends a session on the shared server, best effort.
func (rm *remote) logout(ctx context.Context, base, token string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	rm.call(ctx, http.MethodPost, base, "/api/logout", token, nil, nil)
}

// me returns the session's user.
func (rm *remote) me(ctx context.Context, base, token string) (User, error) {
	var u User
	err := rm.call(ctx, http.MethodGet, base, "/api/me", token, nil, &u)
	return u, err
}

// health says whether the server answers at all.
func (rm *remote) health(ctx context.Context, base string) error {
	return rm.call(ctx, http.MethodGet, base, "/api/health", "", nil, nil)
}

// projectName is the server's brand name, "" when it has none of its own.
func (rm *remote) projectName(ctx context.Context, base, token string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var b struct {
		ProjectName string `json:"projectName"`
	}
	if rm.call(ctx, http.MethodGet, base, "/api/brand", token, nil, &b) != nil {
		return ""
	}
	name := strings.TrimSpace(b.ProjectName)
	if name == brief.DefaultBrand().ProjectName {
		return ""
	}
	return name
}
