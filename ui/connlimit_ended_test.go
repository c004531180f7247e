package ui

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestEndedCredentialEndsConnExemption: a connection that authenticated is exempt from the caps only while
// the credential that authenticated it lives. Once that credential has ended (here: its user was
// removed), the connection's next request, to any route, counts it as unauthenticated again, and newer
// connections from its address shed it, as they would any connection that never authenticated.
func TestEndedCredentialEndsConnExemption(t *testing.T) {
	e := newAuthEnv(t)
	addr := strings.TrimPrefix(e.url, "http://")
	viewer := e.login("viewer", viewerPW)

	conn, err := dialFrom("127.0.0.2", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	get := func(path, cookie string) int {
		t.Helper()
		if cookie != "" {
			cookie = "Cookie: " + sessionCookie + "=" + cookie + "\r\n"
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n", path, cookie)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	wantStatus(t, "the viewer's request", get("/api/v1/session", viewer.cookie), 200, nil)
	code, _, body := e.do(creds{bearer: testToken}, "DELETE", "/api/v1/users/viewer", nil)
	wantStatus(t, "delete the viewer", code, 204, body)
	wantStatus(t, "a public page on the viewer's connection", get("/", ""), 200, nil)

	// perAddr newer connections from its address shed it.
	for range defaultMaxUnauthPerAddr {
		c, err := dialFrom("127.0.0.2", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("the removed viewer's connection after %d newer ones: got read error %v, want EOF (shed)", defaultMaxUnauthPerAddr, err)
	}
}
