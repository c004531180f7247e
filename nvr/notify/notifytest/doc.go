// Package notifytest holds receivers for tests of notifications: an ntfy publish endpoint (Go, speaking
// ntfy's publish API) and a webhook receiver written in Python that checks the HMAC signature with Python's
// hmac module. Only tests import it.
package notifytest
