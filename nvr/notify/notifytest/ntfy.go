package notifytest

import (
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// NtfyMessage is one message published to the Ntfy server, decoded as ntfy does.
type NtfyMessage struct {
	Topic    string
	Title    string
	Message  string
	Priority int
	Tags     []string
	Click    string
	Filename string // set when an attachment was PUT
	Attach   []byte
	Auth     string // the Authorization header
	Received time.Time
}

// Ntfy is a local server speaking ntfy's publish API (POST/PUT to /TOPIC; Title, Priority, Tags, Click,
// Filename and Message headers, RFC 2047 encoded values accepted). Fail makes it answer 503.
type Ntfy struct {
	*httptest.Server
	mu   sync.Mutex
	msgs []NtfyMessage
	fail bool
	// Got, when set, is called with each message as it arrives (benchmarks time it).
	Got func(NtfyMessage)
}

// StartNtfy starts the server; it stops with the test.
func StartNtfy(t testing.TB) *Ntfy {
	s := &Ntfy{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.publish))
	t.Cleanup(s.Close)
	return s
}

var dec = new(mime.WordDecoder)

func header(r *http.Request, names ...string) string {
	for _, n := range names {
		if v := r.Header.Get(n); v != "" {
			if d, err := dec.DecodeHeader(v); err == nil {
				return d
			}
			return v
		}
	}
	return ""
}

func (s *Ntfy) publish(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	if fail {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	m := NtfyMessage{Topic: strings.TrimPrefix(r.URL.Path, "/"), Title: header(r, "Title", "X-Title", "t"),
		Click: header(r, "Click", "X-Click"), Filename: header(r, "Filename", "X-Filename", "f"),
		Auth: r.Header.Get("Authorization"), Received: time.Now()}
	m.Priority, _ = strconv.Atoi(header(r, "Priority", "X-Priority", "p"))
	if t := header(r, "Tags", "X-Tags", "ta"); t != "" {
		m.Tags = strings.Split(t, ",")
	}
	if m.Filename != "" {
		m.Attach, m.Message = body, header(r, "Message", "X-Message", "m")
	} else {
		m.Message = string(body)
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	got := s.Got
	s.mu.Unlock()
	if got != nil {
		got(m)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"event":"message"}`)
}

// Messages returns what was published so far.
func (s *Ntfy) Messages() []NtfyMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]NtfyMessage(nil), s.msgs...)
}

// SetFail makes the server answer 503 (true) or accept again (false).
func (s *Ntfy) SetFail(fail bool) {
	s.mu.Lock()
	s.fail = fail
	s.mu.Unlock()
}
