package brief

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who signs in.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Local     bool      `json:"local,omitempty"` // the desktop's own user
	CreatedAt time.Time `json:"createdAt"`
}

// NewUser validates what creating a user takes.
func NewUser(email, name, role string) (User, error) {
	u := User{Email: strings.TrimSpace(email), Name: strings.TrimSpace(name)}
	var err error
	if u.Email, err = ValidateEmail(u.Email); err != nil {
		return u, err
	}
	if u.Name == "" {
		return u, Errorf(EInvalid, "name is required")
	}
	if err := validText("name", u.Name); err != nil {
		return u, err
	}
	if utf8.RuneCountInString(u.Name) > 200 {
		return u, Errorf(EInvalid, "name is too long (at most 200 characters)")
	}
	if u.Role, err = ParseRole(role); err != nil {
		return u, err
	}
	return u, nil
}

// ValidateEmail checks a bare e-mail address ("a@b.org", no display name).
func ValidateEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", Errorf(EInvalid, "email is required")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return "", Errorf(EInvalid, "%q is not an e-mail address", email)
	}
	return email, nil
}

// Actor returns the user acting on a brief where they hold member.
func (u User) Actor(member MemberRole) Actor { return Actor{Role: u.Role, Member: member} }
