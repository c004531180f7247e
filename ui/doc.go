// Package ui is Porchlight's HTTP server: the /api/v1 JSON API, authentication, /metrics, and the
// embedded web app.
//
// Authentication: users with roles (admin, viewer) and argon2id hashes in <data_dir>/users.json; browser
// sessions in memory behind an HttpOnly, SameSite=Strict cookie with a per-session CSRF token; API tokens
// (the CLI's api.token and tokens issued through the API, stored as SHA-256 hashes in tokens.json) that
// act as admin; login slow-down per (client address, user name) with a budget per address, never a lock
// on a user name (ratelimit.go). The route table marks what each route needs (public, any user, admin).
// Every authenticated request runs in its credential's scope (auth_scope.go): ending a session, a user's
// sessions or a token ends the requests made with it, streams included, and closes their connections.
//
// Slow clients: request headers, bodies and idle connections have deadlines, and connections on which no
// request has shown a credential yet are capped per client address and in total (connLimiter), so that
// clients holding connections open cannot deny the owner the API.
//
// It knows nothing of how footage is recorded or how neighbors talk: it declares small interfaces for
// what it serves (Cameras, CameraAdmin, CameraFinder, Events, EventAlerts, Neighborhood) and nvr passes the
// implementations. Events (events_api.go) are listed newest first in pages, streamed as Server-Sent Events
// like alerts (sse.go), and their snapshots served as JPEG; viewers read them as they see every camera. An
// admin turns an event into a neighborhood alert in two steps (eventalert.go): a draft that sends nothing,
// then the confirmation, posted like any alert with a clip. It must not import recorder, federation or nvr.
package ui
