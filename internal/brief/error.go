// Package brief is the domain of Brief Studio: briefs, sections, metadata,
// templates, the review workflow, the permission table and the one coded
// error type every layer speaks.
package brief

import (
	"errors"
	"fmt"
)

// Code classifies an error for the transports, which map each code to an
// HTTP status and a websocket error code in one place each.
type Code string

// The error codes of the contract (DESIGN.md "HTTP API").
const (
	EInvalid      Code = "invalid"
	EUnauthorized Code = "unauthorized"
	EForbidden    Code = "forbidden"
	ENotFound     Code = "not_found"
	EConflict     Code = "conflict"
	ETooLarge     Code = "too_large"
	ERateLimited  Code = "rate_limited"
	EInternal     Code = "internal"
)

// Error is the domain's coded error. Message is safe to show to a user;
// Err, when set, is the underlying cause kept for logs and errors.Is.
type Error struct {
	Code    Code
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a coded error with a formatted, user-facing message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an infrastructure failure; its cause is logged, not shown.
func Internal(err error) *Error {
	return &Error{Code: EInternal, Message: "internal error", Err: err}
}

// ErrorCode returns the code of the first coded error in err's chain, or
// EInternal for any other non-nil error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err: the coded error's
// message, or a generic text that hides internal details.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "internal error"
}
