package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"briefstudio/internal/brief"
)

// TokenKind says what a token is for.
type TokenKind string

// The token kinds.
const (
	TokenLogin   TokenKind = "login"   // single-use, short-lived, in a login link
	TokenSession TokenKind = "session" // bearer for the UI, renewable
	TokenAPI     TokenKind = "api"     // long-lived bearer for scripts
)

// Token is a stored token's record (its hash, never the token itself).
type Token struct {
	ID        int64
	UserID    int64
	Kind      TokenKind
	CreatedAt time.Time
	ExpiresAt *time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
}

const userColumns = `id, email, name, role, local, created_at`

func scanUser(row interface{ Scan(...any) error }) (brief.User, error) {
	var u brief.User
	var created int64
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Local, &created)
	u.CreatedAt = fromMS(created)
	return u, err
}

// CreateUser adds a user; a taken e-mail is a conflict.
func (s *Store) CreateUser(ctx context.Context, u brief.User) (brief.User, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = createUser(tx, u, s.now())
		return err
	})
	return u, err
}

func createUser(tx *sql.Tx, u brief.User, now time.Time) (brief.User, error) {
	var id int64
	var inactive bool
	err := tx.QueryRow(`SELECT id, inactive FROM users WHERE email = ?`, u.Email).Scan(&id, &inactive)
	if err == nil && !inactive {
		return u, brief.Errorf(brief.EConflict, "a user with e-mail %s already exists", u.Email)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return u, err
	}
	u.CreatedAt = fromMS(ms(now))
	if err == nil {
		// Someone named in an imported brief's history: the account is
		// theirs, so their revisions and comments link to it.
		_, err := tx.Exec(`UPDATE users SET email = ?, name = ?, role = ?, local = ?, created_at = ?, inactive = 0 WHERE id = ?`,
			u.Email, u.Name, u.Role, u.Local, ms(now), id)
		u.ID = id
		return u, err
	}
	res, err := tx.Exec(`INSERT INTO users (email, name, role, local, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.Email, u.Name, u.Role, u.Local, ms(now))
	if err != nil {
		return u, err
	}
	u.ID, err = res.LastInsertId()
	return u, err
}

// User returns a user by id. People who have no account (named in an
// imported brief's history only) are not users: they are not found here,
// by UserByEmail, Users or CountUsers.
func (s *Store) User(ctx context.Context, id int64) (brief.User, error) {
	return s.userWhere(ctx, `id = ?`, id)
}

// UserByEmail returns a user by e-mail (case-insensitive).
func (s *Store) UserByEmail(ctx context.Context, email string) (brief.User, error) {
	return s.userWhere(ctx, `email = ?`, strings.TrimSpace(email))
}

// LocalUser returns the desktop's own user, if one was made.
func (s *Store) LocalUser(ctx context.Context) (brief.User, error) {
	return s.userWhere(ctx, `local = 1`)
}

func (s *Store) userWhere(ctx context.Context, where string, args ...any) (brief.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE inactive = 0 AND (`+where+`) ORDER BY id LIMIT 1`, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return u, brief.Errorf(brief.ENotFound, "user not found")
	}
	if err != nil {
		return u, brief.Internal(fmt.Errorf("sqlite: user: %w", err))
	}
	return u, nil
}

// Users lists every user.
func (s *Store) Users(ctx context.Context) ([]brief.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE inactive = 0 ORDER BY id`)
	if err != nil {
		return nil, brief.Internal(fmt.Errorf("sqlite: users: %w", err))
	}
	defer rows.Close()
	users := []brief.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, brief.Internal(fmt.Errorf("sqlite: users: %w", err))
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// CountUsers tells whether the workspace is new.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE inactive = 0`).Scan(&n); err != nil {
		return 0, brief.Internal(fmt.Errorf("sqlite: count users: %w", err))
	}
	return n, nil
}

// InsertToken stores the hash of a new token.
func (s *Store) InsertToken(ctx context.Context, userID int64, kind TokenKind, hash []byte, expires *time.Time) error {
	var exp any
	if expires != nil {
		exp = ms(*expires)
	}
	// Only an active user may hold a token.
	res, err := s.db.ExecContext(ctx, `INSERT INTO tokens (user_id, kind, hash, created_at, expires_at)
		SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ? AND inactive = 0)`,
		userID, kind, hash, ms(s.now()), exp, userID)
	if err != nil {
		return brief.Internal(fmt.Errorf("sqlite: insert token: %w", err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return brief.Errorf(brief.ENotFound, "user not found")
	}
	return nil
}

// TokenByHash finds a token record by its hash.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (Token, error) {
	return tokenByHash(ctx, preparedDB{s}, hash)
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func tokenByHash(ctx context.Context, q querier, hash []byte) (Token, error) {
	var t Token
	var created int64
	var exp, used, revoked sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, user_id, kind, created_at, expires_at, used_at, revoked_at FROM tokens WHERE hash = ?`, hash).
		Scan(&t.ID, &t.UserID, &t.Kind, &created, &exp, &used, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return t, brief.Errorf(brief.ENotFound, "token not found")
	}
	if err != nil {
		return t, brief.Internal(fmt.Errorf("sqlite: token: %w", err))
	}
	t.CreatedAt = fromMS(created)
	t.ExpiresAt, t.UsedAt, t.RevokedAt = nullTime(exp), nullTime(used), nullTime(revoked)
	return t, nil
}

func nullTime(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// UseLoginToken marks a login token used, exactly once: a second use (even
// a concurrent one) finds it used and fails.
func (s *Store) UseLoginToken(ctx context.Context, hash []byte) (Token, error) {
	var t Token
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if t, err = tokenByHash(ctx, tx, hash); err != nil {
			return err
		}
		if t.Kind != TokenLogin || t.UsedAt != nil || t.RevokedAt != nil {
			return nil // the caller decides what to say
		}
		now := s.now()
		if _, err := tx.Exec(`UPDATE tokens SET used_at = ? WHERE id = ?`, ms(now), t.ID); err != nil {
			return err
		}
		return nil
	})
	return t, err
}

// SetTokenExpiry moves a token's expiry (session renewal).
func (s *Store) SetTokenExpiry(ctx context.Context, id int64, expires time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE tokens SET expires_at = ? WHERE id = ?`, ms(expires), id); err != nil {
		return brief.Internal(fmt.Errorf("sqlite: renew token: %w", err))
	}
	return nil
}

// RevokeToken revokes one token.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, ms(s.now()), id); err != nil {
		return brief.Internal(fmt.Errorf("sqlite: revoke token: %w", err))
	}
	return nil
}

// RevokeUserTokens revokes every token of a user and says how many.
func (s *Store) RevokeUserTokens(ctx context.Context, userID int64) (int64, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, ms(s.now()), userID)
	if err != nil {
		return 0, brief.Internal(fmt.Errorf("sqlite: revoke tokens: %w", err))
	}
	return res.RowsAffected()
}
