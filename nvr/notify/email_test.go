package notify_test

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// emailChannel returns an email channel for s that trusts the test's CA.
func emailChannel(t *testing.T, s *notifytest.SMTP) notify.ChannelConfig {
	t.Helper()
	pem, err := os.ReadFile(s.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no CA in", s.CAFile())
	}
	return notify.ChannelConfig{Name: "mail", Kind: notify.KindEmail, Secret: []byte(s.Password),
		Email: notify.EmailConfig{SMTP: s.Addr, Username: s.User, From: "Porchlight <nvr@example.org>",
			To: []string{"owner@example.org"}, RootCAs: pool}}
}

// TestEmailDelivered: a motion notification reaches a real SMTP server (aiosmtpd) over STARTTLS and over
// implicit TLS, logged in with AUTH, with the title as subject, the message and link in the text and
// HTML bodies, and the event's snapshot attached.
func TestEmailDelivered(t *testing.T) {
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			s := notifytest.StartSMTP(t, mode)
			ch := emailChannel(t, s)
			if mode == "tls" {
				ch.Email.TLS = notify.TLSImplicit
			}
			n := start(t, fastConfig(t.TempDir(), ch))
			link := "https://nvr.example/#/events?camera=front&day=2026-12-06&event=7"
			if err := n.Notify(notify.Notification{Type: notify.TypeMotion, Camera: "front", EventID: 7, Link: link,
				Title: "Motion: front", Message: "Motion on front at 21:04:05"}); err != nil {
				t.Fatal(err)
			}
			testutil.WaitFor(t, 15*time.Second, "a mail", func() bool { return len(s.Mails(t)) == 1 })
			m := s.Mails(t)[0]
			if m.From != "nvr@example.org" || len(m.To) != 1 || m.To[0] != "owner@example.org" {
				t.Errorf("envelope from %q to %q", m.From, m.To)
			}
			got := parseMail(t, m.Data)
			if got.subject != "Motion: front" {
				t.Errorf("subject = %q", got.subject)
			}
			if !strings.Contains(got.text, "Motion on front at 21:04:05") || !strings.Contains(got.text, link) {
				t.Errorf("text body = %q", got.text)
			}
			if !strings.Contains(got.html, `href="https://nvr.example/#/events?camera=front&amp;day=2026-12-06&amp;event=7"`) {
				t.Errorf("html body = %q", got.html)
			}
			if !bytes.Equal(got.files["snapshot.jpg"], jpeg) {
				t.Errorf("attachment snapshot.jpg = %q, want the event's snapshot", got.files["snapshot.jpg"])
			}
			if ok, bad := s.Logins(t); ok != 1 || bad != 0 {
				t.Errorf("logins ok %d, failed %d; want 1, 0", ok, bad)
			}
		})
	}
}

// TestEmailWrongPasswordRetried: a wrong password fails the login, is counted and retried, delivers
// nothing and never appears in the log; once the channel gets the right password (SetChannels, no
// restart), the waiting notification goes out.
func TestEmailWrongPasswordRetried(t *testing.T) {
	s := notifytest.StartSMTP(t, "starttls")
	ch := emailChannel(t, s)
	ch.Secret = []byte("wrong-password-x")
	var logs logBuffer
	cfg := fastConfig(t.TempDir(), ch)
	cfg.Logger = logs.logger()
	n := start(t, cfg)
	if err := n.Notify(notify.Notification{Type: notify.TypeRequest, Title: "Footage request", Message: "m"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 15*time.Second, "two failed logins", func() bool {
		_, bad := s.Logins(t)
		return bad >= 2 && metric(t, n.Notifier, "porchlight_notify_failed_total", "channel", "mail", "type", "request") >= 2
	})
	if len(s.Mails(t)) != 0 {
		t.Fatal("a mail was accepted with a wrong password")
	}
	if d := metric(t, n.Notifier, "porchlight_notify_queue_depth", "channel", "mail"); d != 1 {
		t.Errorf("queue_depth = %v, want 1 (kept for retry)", d)
	}
	ch.Secret = []byte(s.Password)
	if err := n.SetChannels([]notify.ChannelConfig{ch}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 15*time.Second, "the mail after the password was fixed", func() bool { return len(s.Mails(t)) == 1 })
	if got := parseMail(t, s.Mails(t)[0].Data); got.subject != "Footage request" {
		t.Errorf("subject = %q", got.subject)
	}
	n.stop()
	for _, secret := range []string{"wrong-password-x", s.Password} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds the password %q:\n%s", secret, logs.String())
		}
	}
}

// TestEmailVerifiesCertificate: without the test's CA the server's certificate is not trusted: nothing
// is sent (so no password either), and the failure says why.
func TestEmailVerifiesCertificate(t *testing.T) {
	s := notifytest.StartSMTP(t, "starttls")
	ch := emailChannel(t, s)
	ch.Email.RootCAs = nil // the system's roots
	var logs logBuffer
	cfg := fastConfig(t.TempDir(), ch)
	cfg.Logger = logs.logger()
	n := start(t, cfg)
	if err := n.Notify(notify.Notification{Type: notify.TypeAlert, Title: "x"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 15*time.Second, "a failed attempt", func() bool {
		return metric(t, n.Notifier, "porchlight_notify_failed_total", "channel", "mail", "type", "alert") >= 1
	})
	n.stop()
	if ok, bad := s.Logins(t); ok+bad != 0 || len(s.Mails(t)) != 0 {
		t.Errorf("logins %d+%d, mails %d; want none past an untrusted certificate", ok, bad, len(s.Mails(t)))
	}
	if !strings.Contains(logs.String(), "certificate") {
		t.Errorf("the log does not say the certificate failed:\n%s", logs.String())
	}
}

// TestEmailServerDownLosesNothing: the SMTP server is down while three notifications are queued and
// retried; the node restarts; the server comes back on its port; all three arrive, in order, once each.
func TestEmailServerDownLosesNothing(t *testing.T) {
	s := notifytest.StartSMTP(t, "starttls")
	s.Stop()
	dir := t.TempDir()
	cfg := fastConfig(dir, emailChannel(t, s))
	n := start(t, cfg)
	for _, title := range []string{"one", "two", "three"} {
		if err := n.Notify(notify.Notification{Type: notify.TypeCamera, Camera: "front", Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 15*time.Second, "failed attempts", func() bool {
		return metric(t, n.Notifier, "porchlight_notify_failed_total", "channel", "mail", "type", "camera") >= 2
	})
	n.stop()
	s.Start(t, s.Port)
	start(t, cfg)
	testutil.WaitFor(t, 15*time.Second, "3 mails after the restart", func() bool { return len(s.Mails(t)) >= 3 })
	var got []string
	for _, m := range s.Mails(t) {
		got = append(got, parseMail(t, m.Data).subject)
	}
	if strings.Join(got, ",") != "one,two,three" {
		t.Errorf("mailed %q, want one,two,three", got)
	}
}

// parsedMail is what a test reads of a mail.
type parsedMail struct {
	subject, text, html string
	files               map[string][]byte
}

// parseMail reads a raw message with the standard library (not go-mail): headers, the text and HTML
// bodies and the attachments, transfer encodings decoded.
func parseMail(t *testing.T, raw []byte) parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read mail: %v\n%s", err, raw)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	out := parsedMail{subject: subj, files: map[string][]byte{}}
	var walk func(h map[string][]string, body io.Reader)
	walk = func(h map[string][]string, body io.Reader) {
		get := func(k string) string {
			if v := h[k]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		ct, params, err := mime.ParseMediaType(get("Content-Type"))
		if err != nil {
			t.Fatalf("content type %q: %v", get("Content-Type"), err)
		}
		if strings.HasPrefix(ct, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				p, err := r.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header, p)
			}
		}
		switch strings.ToLower(get("Content-Transfer-Encoding")) {
		case "base64":
			body = base64.NewDecoder(base64.StdEncoding, body)
		case "quoted-printable":
			body = quotedprintable.NewReader(body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		_, dp, _ := mime.ParseMediaType(get("Content-Disposition"))
		switch {
		case dp["filename"] != "":
			out.files[dp["filename"]] = b
		case ct == "text/plain":
			out.text = string(b)
		case ct == "text/html":
			out.html = string(b)
		}
	}
	walk(msg.Header, msg.Body)
	return out
}
