package onvif

import (
	"errors"
	"strings"
)

// Errors callers branch on.
var (
	// ErrUnauthorized: the camera refused the user and password (a NotAuthorized or FailedAuthentication
	// fault, or HTTP 401 after answering its challenge).
	ErrUnauthorized = errors.New("onvif: the camera refused the user name or password")
	// ErrTooLarge: a response passed MaxResponse.
	ErrTooLarge = errors.New("onvif: response larger than its cap")
	// ErrNoMedia: the device offers no media service or no media profile.
	ErrNoMedia = errors.New("onvif: the device offers no media profile")
	// ErrNoEvents: the device offers no events service.
	ErrNoEvents = errors.New("onvif: the device offers no events service")
)

// Fault is a SOAP 1.2 fault (Code, Subcode, Reason) or a SOAP 1.1 one (faultcode, faultstring).
type Fault struct {
	Code    string `xml:"Code>Value"`
	Subcode string `xml:"Code>Subcode>Value"`
	Reason  string `xml:"Reason>Text"`
	Code11  string `xml:"faultcode"`
	Reason1 string `xml:"faultstring"`
}

func (f *Fault) Error() string {
	code := firstNonEmpty(f.Subcode, f.Code, f.Code11)
	reason := firstNonEmpty(f.Reason, f.Reason1)
	msg := "onvif fault " + oneLine(code)
	if reason != "" {
		msg += ": " + oneLine(reason)
	}
	if f.unauthorized() {
		msg += " (check the user and password)"
	}
	return msg
}

// Is makes a fault about credentials match ErrUnauthorized.
func (f *Fault) Is(target error) bool { return target == ErrUnauthorized && f.unauthorized() }

func (f *Fault) unauthorized() bool {
	s := strings.ToLower(f.Subcode + " " + f.Code + " " + f.Code11 + " " + f.Reason + " " + f.Reason1)
	return strings.Contains(s, "notauthorized") || strings.Contains(s, "not authorized") ||
		strings.Contains(s, "failedauthentication")
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// oneLine trims s to one printable line of at most 200 bytes: camera text goes into logs and the UI.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "?")), " ")
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}
