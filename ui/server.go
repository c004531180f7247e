package ui

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server serves the API, /metrics and the web app, under BasePath.
//
// Users (users.json), issued API tokens (tokens.json) and the CLI's token (api.token) live in DataDir;
// sessions and login failure counts live in memory and end with the process.
type Server struct {
	Listen  string // host:port; port 0 picks a free one
	DataDir string // required: holds users.json (from porchlight init), api.token, tokens.json
	TLS     bool   // the server is reached over HTTPS: session cookies get the Secure flag
	// TLSConfig, when set, makes the server speak HTTPS itself (see TLSConfig); it implies TLS.
	TLSConfig *tls.Config
	Cameras   Cameras              // required
	Registry  *prometheus.Registry // served at /metrics; nil = a registry with Go and process metrics only
	Logger    *slog.Logger
	Now       func() time.Time
	// BasePath serves everything (web app, API, /metrics, /healthz, /readyz) under a sub-path such as
	// /nvr, for a reverse proxy that passes that path through (basepath.go); "" or "/": at the root.
	BasePath string
	// TrustedProxies are the reverse proxies whose forwarding headers tell the client's address
	// (forwarded.go); from any other peer those headers are ignored.
	TrustedProxies []netip.Prefix

	// CameraAdmin manages the configured cameras; nil: none are listed, changes and probes answer 501.
	CameraAdmin CameraAdmin
	// CameraFinder finds cameras on the LAN (ONVIF); nil: its routes answer 501.
	CameraFinder CameraFinder
	// Requests is the node's agency-request side (federation); nil: those routes answer 503.
	Requests Requests
	// Events is the node's events (the recorder's); nil: the event routes answer 503.
	Events Events
	// EventAlerts drafts neighborhood alerts from events; nil: GET and POST /api/v1/events/{id}/alert
	// answer 503.
	EventAlerts EventAlerts
	// Hoods is the node's neighborhoods (federation); nil: the hood and alert routes answer 503.
	Hoods Neighborhood
	// AlertReads is the read mark of the neighborhood feed; nil: its routes answer 503.
	AlertReads AlertReads
	// NotifyAdmin manages the notification channels; nil: their routes answer 501 (a user's own list is
	// empty).
	NotifyAdmin NotifyAdmin
	// Push is the node's Web Push (VAPID key, subscriptions); nil: the push routes answer 503.
	Push Push
	// HLS serves the live streams as LL-HLS; nil: the HLS routes answer 503.
	HLS LiveHLS
	// Backups copies the node's databases for `porchlight backup`; nil: GET
	// /api/v1/backup/databases/{name} answers 503.
	Backups Backups
	// Build is the version and formats GET /api/v1/version reports.
	Build BuildInfo
	// Ready reports whether the recorder and its database are up, for GET /readyz; nil: ready whenever
	// the server serves.
	Ready Readiness
	// alertKeepalive is how often the alert stream sends a comment line; 0: 15 s. Tests shorten it.
	alertKeepalive time.Duration
	// readTimeout bounds the arrival of a request's headers and body; 0: 10 s. Tests shorten it.
	readTimeout time.Duration
	// afterFunc sets the timers of Now's clock (sessions' absolute expiry); nil: time.AfterFunc. Tests
	// that move Now by hand set their clock's.
	afterFunc afterFunc

	ln     net.Listener
	mux    *http.ServeMux
	auth   *authState
	errLog *serverErrorLog
}

// Start validates the server, loads its users and tokens and binds its listener; Addr is known
// afterwards. Run serves. A DataDir without users.json is an error wrapping fs.ErrNotExist.
func (s *Server) Start() error {
	if s.Cameras == nil {
		return errors.New("ui: Cameras is required")
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.BasePath == "/" {
		s.BasePath = ""
	}
	if err := validBasePath(s.BasePath); err != nil {
		return fmt.Errorf("ui: BasePath %q: %w", s.BasePath, err)
	}
	if s.afterFunc == nil {
		s.afterFunc = realAfterFunc
	}
	if s.Registry == nil {
		s.Registry = prometheus.NewRegistry()
	}
	auth, err := newAuthState(s.DataDir, s.Now, s.afterFunc, s.Logger)
	if err != nil {
		return fmt.Errorf("ui: %w", err)
	}
	s.auth = auth
	ln, err := net.Listen("tcp", s.Listen)
	if err != nil {
		return fmt.Errorf("ui: http.listen: %w", err)
	}
	s.ln = newConnLimiter(ln, defaultMaxUnauthPerAddr, defaultMaxUnauth, s.Registry)
	s.errLog = newServerErrorLog(s.Logger, s.Now, s.Registry)
	if s.TLSConfig != nil {
		s.ln, s.TLS = tls.NewListener(s.ln, s.TLSConfig), true
	}
	if s.readTimeout == 0 {
		s.readTimeout = 10 * time.Second
	}
	s.mux = s.routes()
	return nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Handler returns the server's HTTP handler (Start must have been called).
func (s *Server) Handler() http.Handler { return s.withClient(recheckConn(s.withBasePath(s.mux))) }

// Run serves until ctx is done, then shuts down, giving requests in flight up to 3 s.
func (s *Server) Run(ctx context.Context) error {
	// A request's headers and body must arrive within readTimeout, also when the handler does not read the
	// body (the server reads the rest before answering). net/http lifts that deadline once the body is in
	// (TestStreamOutlivesTheReadTimeout), so responses such as a live stream or an export may last long;
	// there is no WriteTimeout for them. Connections that have not authenticated are capped by the
	// connLimiter.
	srv := &http.Server{Handler: s.Handler(), ConnContext: withConn,
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: s.readTimeout, IdleTimeout: 2 * time.Minute,
		ErrorLog: s.errLog.logger()}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	<-errc
	return nil
}

// route is one registered route; the table is also checked against openapi.yaml by a test.
type route struct {
	method, path string
	access       access
	h            http.HandlerFunc
}

func (s *Server) routeTable() []route {
	return []route{
		{"POST", "/api/v1/login", public, s.login},
		{"POST", "/api/v1/logout", anyUser, s.logout},
		{"GET", "/api/v1/session", anyUser, s.session},
		{"POST", "/api/v1/password", anyUser, s.changePassword},
		{"GET", "/api/v1/users", adminOnly, s.listUsers},
		{"POST", "/api/v1/users", adminOnly, s.addUser},
		{"DELETE", "/api/v1/users/{name}", adminOnly, s.deleteUser},
		{"GET", "/api/v1/tokens", adminOnly, s.listTokens},
		{"POST", "/api/v1/tokens", adminOnly, s.createToken},
		{"DELETE", "/api/v1/tokens/{id}", adminOnly, s.revokeToken},
		{"GET", "/api/v1/cameras", anyUser, s.listCameras},
		{"GET", "/api/v1/cameras/{name}/recordings", anyUser, s.listRecordings},
		{"GET", "/api/v1/cameras/{name}/export.mp4", anyUser, s.exportMP4},
		{"GET", "/api/v1/cameras/{name}/live.mp4", anyUser, s.serveLive},
		{"GET", "/api/v1/cameras/{name}/hls/index.m3u8", anyUser, s.serveHLSPlaylist},
		{"GET", "/api/v1/cameras/{name}/hls/{file}", anyUser, s.serveHLSFile},
		{"GET", "/api/v1/config/cameras", anyUser, s.listCameraSettings},
		{"POST", "/api/v1/config/cameras", adminOnly, s.addCamera},
		{"PUT", "/api/v1/config/cameras/{name}", adminOnly, s.replaceCamera},
		{"DELETE", "/api/v1/config/cameras/{name}", adminOnly, s.deleteCamera},
		{"POST", "/api/v1/cameras/probe", adminOnly, s.probeCamera},
		{"POST", "/api/v1/cameras/discover", adminOnly, s.discoverCameras},
		{"POST", "/api/v1/cameras/onvif/probe", adminOnly, s.inspectONVIF},
		{"GET", "/api/v1/storage", anyUser, s.storage},
		{"GET", "/api/v1/p2p", anyUser, s.p2pNode},
		{"GET", "/api/v1/hoods", anyUser, s.listHoods},
		{"POST", "/api/v1/hoods", adminOnly, s.createHood},
		{"POST", "/api/v1/hoods/join", adminOnly, s.joinHood},
		{"POST", "/api/v1/hoods/cosign", adminOnly, s.cosignInvite},
		{"POST", "/api/v1/hoods/{id}/invites", adminOnly, s.createInvite},
		{"GET", "/api/v1/hoods/{id}/invites/qr.svg", adminOnly, s.inviteQR},
		{"GET", "/api/v1/hoods/{id}/members", anyUser, s.listMembers},
		{"DELETE", "/api/v1/hoods/{id}/members/{member}", adminOnly, s.revokeMember},
		{"GET", "/api/v1/events", anyUser, s.listEvents},
		{"GET", "/api/v1/events/stream", anyUser, s.streamEvents},
		{"GET", "/api/v1/events/{id}/snapshot.jpg", anyUser, s.eventSnapshot},
		{"GET", "/api/v1/events/{id}/alert", adminOnly, s.draftEventAlert},
		{"POST", "/api/v1/events/{id}/alert", adminOnly, s.postEventAlert},
		{"GET", "/api/v1/alerts", anyUser, s.listAlerts},
		{"POST", "/api/v1/alerts", adminOnly, s.postAlert},
		{"GET", "/api/v1/alerts/stream", anyUser, s.streamAlerts},
		{"GET", "/api/v1/alerts/unread", anyUser, s.getUnreadAlerts},
		{"POST", "/api/v1/alerts/read", anyUser, s.markAlertsRead},
		{"GET", "/api/v1/alerts/{id}/clip.mp4", anyUser, s.alertClip},
		{"GET", "/api/v1/requests", anyUser, s.listRequests},
		{"POST", "/api/v1/requests", adminOnly, s.postRequest},
		{"GET", "/api/v1/requests/{id}", anyUser, s.getRequest},
		{"POST", "/api/v1/requests/{id}/approve", adminOnly, s.approveRequest},
		{"POST", "/api/v1/requests/{id}/decline", adminOnly, s.declineRequest},
		{"POST", "/api/v1/requests/{id}/close", adminOnly, s.closeRequest},
		{"GET", "/api/v1/deliveries", anyUser, s.listDeliveries},
		{"GET", "/api/v1/submissions", adminOnly, s.listSubmissions},
		{"GET", "/api/v1/submissions/{id}/clip.mp4", adminOnly, s.submissionClip},
		{"GET", "/api/v1/submissions/{id}/custody", adminOnly, s.submissionCustody},
		{"GET", "/api/v1/request-policy", anyUser, s.getPolicy},
		{"PUT", "/api/v1/request-policy", adminOnly, s.putPolicy},
		{"GET", "/api/v1/agencies", anyUser, s.listAgencies},
		{"GET", "/api/v1/log/verify", anyUser, s.verifyLogs},
		{"GET", "/api/v1/transparency", anyUser, s.transparency},
		{"GET", "/api/v1/notify/channels", adminOnly, s.listNotifyChannels},
		{"POST", "/api/v1/notify/channels", adminOnly, s.addNotifyChannel},
		{"PUT", "/api/v1/notify/channels/{name}", adminOnly, s.replaceNotifyChannel},
		{"DELETE", "/api/v1/notify/channels/{name}", adminOnly, s.deleteNotifyChannel},
		{"POST", "/api/v1/notify/channels/{name}/test", adminOnly, s.testNotifyChannel},
		{"GET", "/api/v1/notify/mine", anyUser, s.listMyChannels},
		{"PUT", "/api/v1/notify/mine/{name}", anyUser, s.changeMyChannel},
		{"GET", "/api/v1/push/key", anyUser, s.pushKey},
		{"GET", "/api/v1/push/subscriptions", anyUser, s.listPushSubscriptions},
		{"POST", "/api/v1/push/subscriptions", anyUser, s.addPushSubscription},
		{"DELETE", "/api/v1/push/subscriptions/{id}", anyUser, s.deletePushSubscription},
		{"GET", "/api/v1/backup/databases/{name}", adminOnly, s.backupDatabase},
		{"GET", "/api/v1/openapi.yaml", anyUser, s.serveOpenAPI},
		{"GET", "/api/v1/version", anyUser, s.version},
		{"GET", "/metrics", public, promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}).ServeHTTP},
		{"GET", "/healthz", public, s.healthz},
		{"GET", "/readyz", public, s.readyz},
	}
}

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range s.routeTable() {
		mux.HandleFunc(rt.method+" "+rt.path, s.guard(rt.access, rt.h))
	}
	mux.Handle("/", webApp(s.BasePath))
	mux.HandleFunc("/api/", s.guard(anyUser, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API route")
	}))
	return mux
}
