package onvif_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeDevice serves testdata files by request, filling their {{…}} fields, and records what it was
// asked. It is a small Go stand-in for the faults and limits the third-party peer cannot show.
type fakeDevice struct {
	t      *testing.T
	mu     sync.Mutex
	calls  []string // action and path
	tokens int      // requests that carried a UsernameToken
	// answer picks the reply; nil serves file action+".xml" with 200.
	answer func(w http.ResponseWriter, r *http.Request, action string) bool
	fields map[string]string
}

func (f *fakeDevice) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	var env struct {
		Token string `xml:"Header>Security>UsernameToken>Username"`
		Body  struct {
			Inner struct{ XMLName xml.Name } `xml:",any"`
		}
	}
	_ = xml.Unmarshal(body, &env)
	action := env.Body.Inner.XMLName.Local
	f.mu.Lock()
	f.calls = append(f.calls, action+" "+r.URL.RequestURI())
	if env.Token != "" {
		f.tokens++
	}
	answer := f.answer
	f.mu.Unlock()
	if answer != nil && answer(w, r, action) {
		return
	}
	f.reply(w, http.StatusOK, action+".xml")
}

func (f *fakeDevice) reply(w http.ResponseWriter, status int, file string) {
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	now := time.Now().UTC()
	date := "<tt:Date><tt:Year>" + now.Format("2006") + "</tt:Year><tt:Month>" + now.Format("1") + "</tt:Month><tt:Day>" +
		now.Format("2") + "</tt:Day></tt:Date><tt:Time><tt:Hour>" + now.Format("15") + "</tt:Hour><tt:Minute>" +
		now.Format("4") + "</tt:Minute><tt:Second>" + now.Format("5") + "</tt:Second></tt:Time>"
	repl := []string{"{{NOW}}", now.Format(time.RFC3339), "{{TERMINATION}}", now.Add(time.Minute).Format(time.RFC3339),
		"{{DATE}}", date}
	f.mu.Lock()
	for k, v := range f.fields {
		repl = append(repl, "{{"+k+"}}", v)
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(strings.NewReplacer(repl...).Replace(string(b))))
}

func (f *fakeDevice) set(k, v string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fields == nil {
		f.fields = map[string]string{}
	}
	f.fields[k] = v
}

func (f *fakeDevice) called() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// startFake serves f and returns its device service URL.
func startFake(t *testing.T, f *fakeDevice) string {
	t.Helper()
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.set("HOST", strings.TrimPrefix(srv.URL, "http://"))
	return srv.URL + "/onvif/device_service"
}
