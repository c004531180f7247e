package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
)

// maxJSONBody bounds request bodies of the JSON API routes.
const maxJSONBody = 4 << 10

// readJSON decodes the JSON request body of r into v, answering 415 or 400 itself and returning false
// when it cannot. Requiring application/json also keeps cross-site HTML forms out: they cannot send it.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "request body must be application/json")
		return false
	}
	if err := decodeJSON(http.MaxBytesReader(w, r.Body, maxJSONBody), v); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) { // the server's ReadTimeout
			writeError(w, http.StatusRequestTimeout, "request body: not received in time")
			return false
		}
		writeError(w, http.StatusBadRequest, err.Error())
		return false
	}
	return true
}

// decodeJSON decodes exactly one JSON value from rd into v, rejecting unknown fields and trailing data.
func decodeJSON(rd io.Reader, v any) error {
	dec := json.NewDecoder(rd)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("request body: data after the JSON value")
	}
	return nil
}
