package ui

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"testing"
)

// fakeBackups has one database, index.db, whose copy is its bytes.
type fakeBackups struct{ data []byte }

type fakeSnapshot struct{ r *bytes.Reader }

func (s fakeSnapshot) Size() int64                        { return s.r.Size() }
func (s fakeSnapshot) WriteTo(w io.Writer) (int64, error) { return s.r.WriteTo(w) }
func (s fakeSnapshot) Rollback() error                    { return nil }

func (f fakeBackups) SnapshotDatabase(name string, recordings bool) (DatabaseSnapshot, error) {
	if name != "index.db" {
		return nil, ErrNotFound
	}
	if !recordings {
		return fakeSnapshot{bytes.NewReader(f.data[:10])}, nil
	}
	return fakeSnapshot{bytes.NewReader(f.data)}, nil
}

// TestBackupDatabase: an admin (token or session) gets the copy with its Content-Length; a viewer is
// refused; an unknown database is 404.
func TestBackupDatabase(t *testing.T) {
	data := bytes.Repeat([]byte("bolt page "), 1000)
	e := newAuthEnvWith(t, func(s *Server) { s.Backups = fakeBackups{data} })
	admin := e.login("admin", e.adminPW)
	viewer := e.login("viewer", viewerPW)
	for _, tc := range []struct {
		name string
		c    creds
		db   string
		want int
	}{
		{"token", creds{bearer: testToken}, "index.db", http.StatusOK},
		{"admin session", admin, "index.db", http.StatusOK},
		{"viewer", viewer, "index.db", http.StatusForbidden},
		{"anonymous", creds{}, "index.db", http.StatusUnauthorized},
		{"unknown database", creds{bearer: testToken}, "other.db", http.StatusNotFound},
		{"bad recordings", creds{bearer: testToken}, "index.db?recordings=no", http.StatusBadRequest},
	} {
		code, hdr, body := e.do(tc.c, "GET", "/api/v1/backup/databases/"+tc.db, nil)
		if code != tc.want {
			t.Errorf("%s: got %d, want %d (%s)", tc.name, code, tc.want, body)
			continue
		}
		if code == http.StatusOK && (!bytes.Equal(body, data) || hdr.Get("Content-Length") != strconv.Itoa(len(data))) {
			t.Errorf("%s: got %d bytes (Content-Length %s), want the database's %d", tc.name, len(body), hdr.Get("Content-Length"), len(data))
		}
	}
}

// TestBackupDatabaseWithoutRecordings: ?recordings=false asks for the lighter copy.
func TestBackupDatabaseWithoutRecordings(t *testing.T) {
	data := bytes.Repeat([]byte("bolt page "), 1000)
	e := newAuthEnvWith(t, func(s *Server) { s.Backups = fakeBackups{data} })
	code, _, body := e.do(creds{bearer: testToken}, "GET", "/api/v1/backup/databases/index.db?recordings=false", nil)
	if code != http.StatusOK || !bytes.Equal(body, data[:10]) {
		t.Errorf("got %d, %d bytes; want 200 with the copy without recordings (10 bytes)", code, len(body))
	}
}
