// Package notifytest holds receivers for tests of notifications: an ntfy publish endpoint (Go, speaking
// ntfy's publish API), a webhook receiver written in Python that checks the HMAC signature with Python's
// hmac module, an SMTP server (Debian's aiosmtpd) that requires STARTTLS or implicit TLS and AUTH, and a
// push service stand-in written for node.js that checks the VAPID JWT with node's crypto and decrypts
// pushes with http_ece from npm. Only tests import it.
package notifytest
