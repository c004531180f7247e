// Package mqtttest runs the real peers of the MQTT tests: Debian's mosquitto broker, started on a free
// loopback port with a config file of its own (no system service), and mosquitto_sub, a client that is not
// ours, whose messages the tests read. Both are killed by PID when the test ends.
package mqtttest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// Broker is a running mosquitto.
type Broker struct {
	Port int
	Dir  string // its config dir, for files the config names
}

// StartBroker starts mosquitto on 127.0.0.1 with a plain listener allowing anonymous clients, unless
// listener is given: then it is the config's listener section (use {{PORT}} for the port), e.g. a TLS
// listener with a password file.
func StartBroker(t testing.TB, listener string) *Broker {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		bin = "/usr/sbin/mosquitto" // Debian's, not on the PATH of users other than root
		if _, err := os.Stat(bin); err != nil {
			t.Fatal("mosquitto is missing: apt-get install mosquitto mosquitto-clients (.ci/deps)")
		}
	}
	b := &Broker{Port: testutil.FreePort(t), Dir: t.TempDir()}
	if listener == "" {
		listener = "listener {{PORT}} 127.0.0.1\nallow_anonymous true\n"
	}
	// Run as the test's user: as root, mosquitto would switch to user mosquitto, who cannot read the
	// test's temporary files.
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	conf := "user " + me.Username + "\npersistence false\nlog_dest stderr\nlog_type error\nper_listener_settings false\n" +
		strings.ReplaceAll(listener, "{{PORT}}", strconv.Itoa(b.Port))
	path := filepath.Join(b.Dir, "mosquitto.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", path)
	var logs bytes.Buffer // shown when the test fails: as root mosquitto warns at every start
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("mosquitto's log:\n%s", logs.String())
		}
	})
	testutil.WaitFor(t, 10*time.Second, "mosquitto to listen", func() bool {
		c, err := net.Dial("tcp", b.Addr())
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return b
}

// Addr is the broker's host:port.
func (b *Broker) Addr() string { return fmt.Sprintf("127.0.0.1:%d", b.Port) }

// URL is the broker's tcp:// URL.
func (b *Broker) URL() string { return "tcp://" + b.Addr() }

// Msg is one message mosquitto_sub printed (its -F %j format).
type Msg struct {
	Topic      string    `json:"topic"`
	Retain     int       `json:"retain"`
	PayloadLen int       `json:"payloadlen"`
	Payload    string    `json:"payload"`
	Seen       time.Time `json:"-"` // when this process read the line
}

// Sub is a running mosquitto_sub.
type Sub struct {
	mu   sync.Mutex
	msgs []Msg
	more chan struct{} // closed and replaced when a message arrives
	done chan struct{} // closed when mosquitto_sub has exited
}

// Subscribe starts mosquitto_sub on the broker's port for filter, with extra arguments (credentials, TLS
// options). It prints each message as JSON; Messages and Wait read them.
func Subscribe(t testing.TB, port int, filter string, extra ...string) *Sub {
	t.Helper()
	args := append([]string{"-h", "127.0.0.1", "-p", strconv.Itoa(port), "-t", filter, "-F", "%j", "-q", "1"}, extra...)
	cmd := exec.Command("mosquitto_sub", args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Sub{more: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var m Msg
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				continue // a binary payload mosquitto_sub could not print as a JSON string
			}
			m.Seen = time.Now()
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			close(s.more)
			s.more = make(chan struct{})
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); <-s.done })
	return s
}

// Messages returns the messages read so far.
func (s *Sub) Messages() []Msg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Msg(nil), s.msgs...)
}

// Wait returns the first message from index from on that matches, failing the test after d. It returns
// the message's index too, for a later Wait to start after it.
func (s *Sub) Wait(t testing.TB, d time.Duration, from int, what string, match func(Msg) bool) (Msg, int) {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for i := from; i < len(s.msgs); i++ {
			if match(s.msgs[i]) {
				m := s.msgs[i]
				s.mu.Unlock()
				return m, i
			}
		}
		from = max(from, len(s.msgs))
		more := s.more
		s.mu.Unlock()
		select {
		case <-more:
		case <-s.done:
			t.Fatalf("mosquitto_sub exited before %s", what)
		case <-deadline.C:
			t.Fatalf("no message %s within %s; got %d messages", what, d, from)
		}
	}
}

// Retained returns the retained messages on filter now, by topic, as a fresh mosquitto_sub sees them: it
// exits at the first non-retained message or after wait.
func Retained(t testing.TB, port int, filter string, wait time.Duration, extra ...string) map[string]Msg {
	t.Helper()
	args := append([]string{"-h", "127.0.0.1", "-p", strconv.Itoa(port), "-t", filter, "-F", "%j", "--retained-only",
		"-W", strconv.Itoa(max(1, int(wait.Seconds())))}, extra...)
	out, _ := exec.Command("mosquitto_sub", args...).Output() // -W ends it with a non-zero status
	got := map[string]Msg{}
	for line := range strings.Lines(string(out)) {
		var m Msg
		if json.Unmarshal([]byte(line), &m) == nil {
			got[m.Topic] = m
		}
	}
	return got
}
