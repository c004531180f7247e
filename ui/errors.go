package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Errors the implementations of Cameras, Neighborhood, Requests and CameraAdmin return for the API to map
// to status codes: wrapped with %w when the error's own message is meant for the client, or with Errorf
// and WrapError to pick the status of an error that matches none of them.
var (
	ErrBadRequest  = errors.New("bad request")  // invalid parameters: 400
	ErrForbidden   = errors.New("forbidden")    // e.g. only a steward can invite: 403
	ErrNotFound    = errors.New("not found")    // unknown camera, stream, hood, request: 404
	ErrNoRecording = errors.New("no recording") // nothing recorded in range: 404
	ErrConflict    = errors.New("conflict")     // e.g. the invite was used, already a member: 409
	ErrRateLimited = errors.New("rate limited") // too many alerts or joins: 429
	ErrUnavailable = errors.New("unavailable")  // e.g. the steward or the author cannot be reached: 503
)

// statusOf is the one table from error to status for every route. The first row an error matches wins
// (an Error matches by its Kind); an error that matches none is a failure of this node: 500, with the
// error logged and not shown (see writeErr).
var statusOf = []struct {
	err  error
	code int
}{
	{ErrForbidden, http.StatusForbidden},
	{ErrConflict, http.StatusConflict},
	{ErrExists, http.StatusConflict},
	{ErrUserExists, http.StatusConflict},
	{ErrLastAdmin, http.StatusConflict},
	{ErrUnavailable, http.StatusServiceUnavailable},
	{ErrRateLimited, http.StatusTooManyRequests},
	{ErrNotFound, http.StatusNotFound},
	{ErrNoRecording, http.StatusNotFound},
	{ErrNoSuchUser, http.StatusNotFound},
	{ErrBadRequest, http.StatusBadRequest},
	{ErrInvalidUser, http.StatusBadRequest},
	{ErrInvalidRole, http.StatusBadRequest},
	{ErrWeakPassword, http.StatusBadRequest},
}

// Error is an error whose status the API takes from Kind (one of the errors above) and whose message,
// Err's, is what the client reads. Implementations return one (WrapError, Errorf) for an error of their
// own that means, say, a conflict; errors.Is and errors.As see both Kind and Err.
type Error struct {
	Kind error
	Err  error
}

// WrapError returns err as an Error of kind, or nil if err is nil.
func WrapError(kind, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: kind, Err: err}
}

// Errorf returns an Error of kind with the message fmt.Errorf makes of format and args (%w wraps).
func Errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Err: fmt.Errorf(format, args...)}
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Kind.Error()
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() []error { return []error{e.Kind, e.Err} }

// status is the status err answers with: that of its Error's Kind or of the first sentinel it matches,
// else 500.
func status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		err = e.Kind
	}
	for _, row := range statusOf {
		if errors.Is(err, row.err) {
			return row.code
		}
	}
	return http.StatusInternalServerError
}

// writeErr answers err with its status. A client error shows its message on one line; a failure (500)
// shows only a request ID, under which the whole error is logged: it may name files, peers or addresses
// the client has no business seeing. A cancelled request (its client went away or its connection was
// shed, its credential ended, the server is stopping) is no failure of the node: it answers 503 and is
// logged at debug only, so clients that hang up cannot fill the log with errors.
func (s *Server) writeErr(w http.ResponseWriter, err error) {
	if errors.Is(err, context.Canceled) {
		s.Logger.Debug("request cancelled", "err", err)
		writeError(w, http.StatusServiceUnavailable, "request cancelled")
		return
	}
	code := status(err)
	if code == http.StatusServiceUnavailable {
		// A peer that cannot be reached: the transport's error names neighbours' and agencies' addresses,
		// which no client of the API is shown; the log keeps them.
		s.Logger.Warn("api: unavailable", "err", err)
		writeError(w, code, redactAddresses(strings.ReplaceAll(err.Error(), "\n", ": "), nil))
		return
	}
	if code != http.StatusInternalServerError {
		writeError(w, code, strings.ReplaceAll(err.Error(), "\n", ": "))
		return
	}
	id := requestID()
	s.Logger.Error("api error", "request_id", id, "err", err)
	writeJSON(w, code, map[string]string{"error": "internal error (request " + id + " in the node's log)", "request_id": id})
}

// requestID names one failed request in the log: random, so it says nothing of the request.
func requestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
