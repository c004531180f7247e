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
//
// Behind a reverse proxy: with BasePath (config http.base_path, e.g. /nvr) everything is served under
// that sub-path, the proxy passing the path through (basepath.go). Routes are registered without it; a
// URL the server hands out goes through s.path (and cookies use cookiePath). In the web app, paths are
// never written as they are: api(method, "/api/v1/...") prefixes the base path, and every other URL a
// script builds goes through url(path) from app.js (fetch, EventSource, video.src, a.href, service worker
// registration); index.html's href="/…" and src="/…" get it from the server, and CSS, the manifest and
// a service worker use paths relative to themselves. TestWebAppURLsUseTheBasePath fails on a path
// written otherwise. With TrustedProxies, the client address (login limits, connection caps, logs) is
// the one the proxy reports in X-Forwarded-For, Forwarded or X-Real-IP; from other peers those headers
// are ignored (forwarded.go, clientaddr.go).
package ui
