package geo

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every error a Validate method returns, so callers can tell a bad shape from
// other failures with errors.Is.
var ErrInvalid = errors.New("invalid geometry")

// FieldError is a validation error that names the offending field by its path inside the value being
// validated ("circle.center.lat", "polygon[3]", "fov"). Callers that decode the value from a larger
// document prepend their own key with Within.
type FieldError struct {
	// Field is the dotted path of the field; empty when the value as a whole is wrong.
	Field string
	// Problem says what is wrong, in words meant for the person who wrote the value.
	Problem string
}

// Error returns "field: problem", or just the problem when Field is empty.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Problem
	}
	return e.Field + ": " + e.Problem
}

// Unwrap makes every FieldError match ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Within returns err with its field path placed under prefix: Within("area", err) turns
// "circle.radius: ..." into "area.circle.radius: ...". Prefixes that start with "[" attach without a dot.
// Errors that are not a *FieldError are returned unchanged.
func Within(prefix string, err error) error {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return err
	}
	field := prefix
	switch {
	case fe.Field == "":
	case fe.Field[0] == '[':
		field += fe.Field
	default:
		field += "." + fe.Field
	}
	return &FieldError{Field: field, Problem: fe.Problem}
}

func invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)}
}
