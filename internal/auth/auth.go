// Package auth signs people in without passwords: single-use login links,
// renewable and revocable session tokens, long-lived API tokens for
// scripts. Every token is 256 random bits and stored only as a SHA-256.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"
	"time"

	"briefstudio/internal/brief"
	"briefstudio/internal/store"
)

// Lifetimes of the tokens.
const (
	LoginTTL   = 15 * time.Minute
	SessionTTL = 30 * 24 * time.Hour
)

// DefaultPublicURL is where links point when no server has said otherwise.
const DefaultPublicURL = "http://127.0.0.1:8737"

// settingPublicURL is where `serve` records the URL its links must carry, so
// `user add` run beside it prints links that work.
const settingPublicURL = "public_url"

// Service is the sign-in service.
type Service struct {
	store *store.Store
}

// New returns the sign-in service over a store.
func New(s *store.Store) *Service { return &Service{store: s} }

// Session is a signed-in session as POST /api/login answers it.
type Session struct {
	Token     string     `json:"sessionToken"`
	ExpiresAt time.Time  `json:"expiresAt"`
	User      brief.User `json:"user"`
}

// Created is a new user with their first API token and login link.
type Created struct {
	User  brief.User `json:"user"`
	Token string     `json:"token"`
	Login string     `json:"login"`
}

var prefixes = map[store.TokenKind]string{store.TokenLogin: "bsl_", store.TokenSession: "bss_", store.TokenAPI: "bsa_"}

func hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// issue makes a token of a kind for a user and stores its hash.
func (a *Service) issue(ctx context.Context, userID int64, kind store.TokenKind, ttl time.Duration) (string, *time.Time, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, brief.Internal(err)
	}
	token := prefixes[kind] + base64.RawURLEncoding.EncodeToString(raw)
	var exp *time.Time
	if ttl > 0 {
		t := a.store.Now().Add(ttl).UTC().Truncate(time.Millisecond)
		exp = &t
	}
	return token, exp, a.store.InsertToken(ctx, userID, kind, hash(token), exp)
}

// PublicURL is the base of the links this workspace prints.
func (a *Service) PublicURL(ctx context.Context) string {
	if u, _ := a.store.Setting(ctx, settingPublicURL); u != "" {
		return u
	}
	return DefaultPublicURL
}

// SetPublicURL records the base of the links (done by `serve`).
func (a *Service) SetPublicURL(ctx context.Context, u string) error {
	return a.store.SetSetting(ctx, settingPublicURL, strings.TrimRight(u, "/"))
}

// CreateUser creates a user with an API token and a login link. actor is
// the admin doing it, or nil for the command line (which has the files).
func (a *Service) CreateUser(ctx context.Context, actor *brief.User, email, name, role string) (Created, error) {
	if actor != nil {
		if err := brief.Authorize(actor.Actor(brief.MemberNone), brief.ActAdminister); err != nil {
			return Created{}, err
		}
	}
	u, err := brief.NewUser(email, name, role)
	if err != nil {
		return Created{}, err
	}
	if u, err = a.store.CreateUser(ctx, u); err != nil {
		return Created{}, err
	}
	token, _, err := a.issue(ctx, u.ID, store.TokenAPI, 0)
	if err != nil {
		return Created{}, err
	}
	link, err := a.LoginLink(ctx, u.ID)
	if err != nil {
		return Created{}, err
	}
	return Created{User: u, Token: token, Login: link}, nil
}

// LoginLink makes a fresh single-use login link for a user.
func (a *Service) LoginLink(ctx context.Context, userID int64) (string, error) {
	token, _, err := a.issue(ctx, userID, store.TokenLogin, LoginTTL)
	if err != nil {
		return "", err
	}
	return a.PublicURL(ctx) + "/login?token=" + url.QueryEscape(token), nil
}

// Login trades a login-link token (once) or an API token for a session.
func (a *Service) Login(ctx context.Context, token string) (Session, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return Session{}, brief.Errorf(brief.EInvalid, "token is required")
	}
	var t store.Token
	var err error
	if strings.HasPrefix(token, prefixes[store.TokenLogin]) {
		t, err = a.store.UseLoginToken(ctx, hash(token))
	} else {
		t, err = a.store.TokenByHash(ctx, hash(token))
	}
	if brief.ErrorCode(err) == brief.ENotFound {
		return Session{}, brief.Errorf(brief.EUnauthorized, "this login link is invalid: ask for a new one")
	}
	if err != nil {
		return Session{}, err
	}
	now := a.store.Now()
	switch {
	case t.RevokedAt != nil:
		return Session{}, brief.Errorf(brief.EUnauthorized, "this login link was revoked: ask for a new one")
	case t.Kind == store.TokenLogin && t.UsedAt != nil:
		return Session{}, brief.Errorf(brief.EUnauthorized, "this login link was already used: ask for a new one")
	case t.ExpiresAt != nil && !now.Before(*t.ExpiresAt):
		return Session{}, brief.Errorf(brief.EUnauthorized, "this login link has expired (links last 15 minutes): ask for a new one")
	case t.Kind == store.TokenSession:
		return Session{}, brief.Errorf(brief.EUnauthorized, "a session token cannot sign in: use a login link or an API token")
	}
	return a.newSession(ctx, t.UserID)
}

func (a *Service) newSession(ctx context.Context, userID int64) (Session, error) {
	u, err := a.store.User(ctx, userID)
	if err != nil {
		return Session{}, err
	}
	token, exp, err := a.issue(ctx, userID, store.TokenSession, SessionTTL)
	if err != nil {
		return Session{}, err
	}
	return Session{Token: token, ExpiresAt: *exp, User: u}, nil
}

// Authenticate resolves a bearer token (a session or an API token) to its
// user; anything else is unauthorized.
func (a *Service) Authenticate(ctx context.Context, bearer string) (brief.User, store.Token, error) {
	t, err := a.bearer(ctx, bearer)
	if err != nil {
		return brief.User{}, t, err
	}
	u, err := a.store.User(ctx, t.UserID)
	if brief.ErrorCode(err) == brief.ENotFound {
		return u, t, brief.Errorf(brief.EUnauthorized, "unknown user")
	}
	return u, t, err
}

func (a *Service) bearer(ctx context.Context, bearer string) (store.Token, error) {
	if bearer == "" {
		return store.Token{}, brief.Errorf(brief.EUnauthorized, "sign in first: no bearer token was sent")
	}
	t, err := a.store.TokenByHash(ctx, hash(bearer))
	if brief.ErrorCode(err) == brief.ENotFound {
		return t, brief.Errorf(brief.EUnauthorized, "the token is not valid: sign in again")
	}
	if err != nil {
		return t, err
	}
	switch {
	case t.Kind == store.TokenLogin:
		return t, brief.Errorf(brief.EUnauthorized, "a login link token must be traded at POST /api/login first")
	case t.RevokedAt != nil:
		return t, brief.Errorf(brief.EUnauthorized, "the token was revoked: sign in again")
	case t.ExpiresAt != nil && !a.store.Now().Before(*t.ExpiresAt):
		return t, brief.Errorf(brief.EUnauthorized, "the session has expired: sign in again")
	}
	return t, nil
}

// Renew extends a session by SessionTTL from now.
func (a *Service) Renew(ctx context.Context, bearer string) (Session, error) {
	u, t, err := a.Authenticate(ctx, bearer)
	if err != nil {
		return Session{}, err
	}
	if t.Kind != store.TokenSession {
		return Session{}, brief.Errorf(brief.EInvalid, "only a session can be renewed")
	}
	exp := a.store.Now().Add(SessionTTL).UTC().Truncate(time.Millisecond)
	if err := a.store.SetTokenExpiry(ctx, t.ID, exp); err != nil {
		return Session{}, err
	}
	return Session{Token: bearer, ExpiresAt: exp, User: u}, nil
}

// Logout revokes the session (or API token) it is called with.
func (a *Service) Logout(ctx context.Context, bearer string) error {
	_, t, err := a.Authenticate(ctx, bearer)
	if err != nil {
		return err
	}
	return a.store.RevokeToken(ctx, t.ID)
}

// RevokeUser revokes every token of a user (sessions, API tokens, links).
// actor is the admin doing it, or nil for the command line.
func (a *Service) RevokeUser(ctx context.Context, actor *brief.User, userID int64) (int64, error) {
	if actor != nil {
		if err := brief.Authorize(actor.Actor(brief.MemberNone), brief.ActAdminister); err != nil {
			return 0, err
		}
	}
	if _, err := a.store.User(ctx, userID); err != nil {
		return 0, err
	}
	return a.store.RevokeUserTokens(ctx, userID)
}

// LocalSession signs in the desktop's own user, creating them on first use:
// the person at this computer owns its data directory.
func (a *Service) LocalSession(ctx context.Context, name string) (Session, error) {
	u, err := a.store.LocalUser(ctx)
	if brief.ErrorCode(err) == brief.ENotFound {
		if strings.TrimSpace(name) == "" {
			name = "Me"
		}
		u = brief.User{Email: "me@this-computer.local", Name: name, Role: brief.RoleAdmin, Local: true}
		u, err = a.store.CreateUser(ctx, u)
	}
	if err != nil {
		return Session{}, err
	}
	return a.newSession(ctx, u.ID)
}
