package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"net"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// email sends a notification as a mail through the channel's SMTP server: the title as subject, the
// message and link as plain text and as HTML, and the event's snapshot attached. A connection per send:
// notifications are rare, and a kept connection would only time out between them.
type email struct {
	cfg     *ChannelConfig
	timeout time.Duration // bounds each read and write of the session (ctx bounds only the dial)
}

func (c *email) send(ctx context.Context, n *Notification, snapshot []byte) error {
	m, err := c.message(n, snapshot)
	if err != nil {
		return err
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	if err := cl.DialAndSendWithContext(ctx, m); err != nil {
		return classifySMTP(err)
	}
	return nil
}

// client makes a go-mail client for the channel: the server's certificate is verified against RootCAs
// (or the system's roots) for the host name of smtp, in either TLS mode.
func (c *email) client() (*mail.Client, error) {
	e := &c.cfg.Email
	host, portS, _ := net.SplitHostPort(e.SMTP)
	port, _ := strconv.Atoi(portS)
	opts := []mail.Option{mail.WithTLSConfig(&tls.Config{ServerName: host, RootCAs: e.RootCAs, MinVersion: tls.VersionTLS12})}
	switch e.Mode() {
	case TLSImplicit:
		opts = append(opts, mail.WithSSL())
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	opts = append(opts, mail.WithPort(port), mail.WithTimeout(c.timeout)) // the port after WithSSL, which must not choose it
	if e.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(e.Username),
			mail.WithPassword(strings.TrimSpace(string(c.cfg.Secret))))
	}
	cl, err := mail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return cl, nil
}

// message builds the mail of n. Its Message-ID is derived from n.ID, so a mail sent twice (the server
// took it but the answer was lost) is recognisably the same one.
func (c *email) message(n *Notification, snapshot []byte) (*mail.Msg, error) {
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.From(c.cfg.Email.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := m.To(c.cfg.Email.To...); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	m.Subject(headerSafe(n.Title))
	m.SetMessageIDWithValue(n.ID + "@porchlight")
	m.SetDateWithValue(n.Time)
	text := n.Message + "\n"
	htm := "<p>" + html.EscapeString(n.Message) + "</p>\n"
	if n.Link != "" {
		text += "\nOpen in Porchlight: " + n.Link + "\n"
		htm += `<p><a href="` + html.EscapeString(n.Link) + `">Open in Porchlight</a></p>` + "\n"
	}
	if snapshot != nil {
		htm += "<p>The event's snapshot is attached.</p>\n"
	}
	m.SetBodyString(mail.TypeTextPlain, text)
	m.AddAlternativeString(mail.TypeTextHTML, htm)
	if snapshot != nil {
		if err := m.AttachReader("snapshot.jpg", bytes.NewReader(snapshot), mail.WithFileContentType("image/jpeg")); err != nil {
			return nil, fmt.Errorf("attach snapshot: %w", err)
		}
	}
	return m, nil
}

// classifySMTP marks a permanent refusal of the sender or a recipient (5xx to MAIL FROM or RCPT TO) as
// ErrRejected: retrying cannot change it. Everything else, a failed login included (the admin may fix
// the password while the job waits), is retried.
func classifySMTP(err error) error {
	var se *mail.SendError
	if errors.As(err, &se) && !se.IsTemp() && (se.Reason == mail.ErrSMTPMailFrom || se.Reason == mail.ErrSMTPRcptTo) {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return err
}
