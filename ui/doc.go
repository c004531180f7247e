// Package ui is Porchlight's HTTP server: the /api/v1 JSON API, authentication (API tokens now; users and
// sessions), /metrics, and the embedded web app.
//
// It knows nothing of how footage is recorded or how neighbors talk: it declares small interfaces for
// what it serves (Cameras) and nvr passes the implementations. It must not import recorder, federation
// or nvr.
package ui
