// Package notifytest holds receivers for tests of notifications: an ntfy publish endpoint (Go, speaking
// ntfy's publish API), a webhook receiver written in Python that checks the HMAC signature with Python's
// hmac module, and an SMTP server (Debian's aiosmtpd) that requires STARTTLS or implicit TLS and AUTH.
// Only tests import it.
package notifytest
