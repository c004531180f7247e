package nvr_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/democam"
)

// TestBackupRestoreHood backs up a household while it records a camera and while its neighborhood posts
// alerts, refuses damaged archives and a restore over a node, restores into a new directory, stops the
// original and starts the copy: it is the same member (peer ID), its owner logs in with the old password,
// an issued token still works, and an alert the steward posts reaches it without a new invite.
func TestBackupRestoreHood(t *testing.T) {
	cam := startClipCamera(t, democam.Default())
	h1 := newHoodNode(t, "h1", "household", nil)
	h2 := newHoodNode(t, "h2", "household", func(cfg map[string]any) {
		cfg["cameras"] = []map[string]any{{"name": "front", "url": cam.URL()}}
	})
	h1.start(t)
	h2.start(t)
	h1.line(t, "hood create", "--name", "Elm Street")
	h2.cli(t, "hood join", h1.line(t, "hood invite"))
	h2ID := h2.id(t)
	testutil.WaitForState(t, 20*time.Second, "h1 to list h2 as a member", func() (bool, string) {
		ms := h1.members(t)
		for _, m := range ms {
			if m.ID == h2ID && !m.Revoked {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%+v", ms)
	})
	const password = "old porch password 42"
	bearerJSON(t, h2.base, h2.token, "POST", "/api/v1/users", map[string]string{"name": "owner", "role": "admin", "password": password}, http.StatusCreated)
	var issued struct{ Token string }
	json.Unmarshal(bearerJSON(t, h2.base, h2.token, "POST", "/api/v1/tokens", map[string]string{"name": "home-assistant"}, http.StatusCreated), &issued)
	testutil.WaitForState(t, 30*time.Second, "h2 to record front", func() (bool, string) {
		b := h2.get(t, "/api/v1/cameras/front/recordings?start="+time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)+"&end="+time.Now().Add(time.Minute).UTC().Format(time.RFC3339))
		return string(b) != "[]" && string(b) != "null", string(b)
	})
	early := h1.line(t, "alert post", "--text", "before the backup")
	testutil.WaitForState(t, 20*time.Second, "h2 to list h1's alert", func() (bool, string) {
		_, ok := h2.alert(t, early)
		return ok, ""
	})

	// The backup runs while h1 keeps posting alerts that h2 receives and stores (mid-sync) and h2 records.
	work := t.TempDir()
	passFile := filepath.Join(work, "pass")
	os.WriteFile(passFile, []byte("correct horse battery staple\n"), 0o600)
	archive := filepath.Join(work, "h2.tar.gz.age")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 5 { // of h1's burst of 20 alerts, leaving some for later
			select {
			case <-stop:
				return
			default:
			}
			h1.try(t, "alert post", "--text", fmt.Sprintf("during the backup %d", i))
		}
	})
	out := h2.cli(t, "backup", "-o", archive, "--passphrase-file", passFile)
	close(stop)
	wg.Wait()
	if !strings.Contains(out, "copied by the running node") {
		t.Errorf("backup printed %q, want the databases copied by the running node", out)
	}

	refusals(t, archive, passFile, h2)

	restored := filepath.Join(t.TempDir(), "restored")
	run(t, "restore", "--dir", restored, "-i", archive, "--passphrase-file", passFile)
	h2.stop(t)
	h2r := &hoodNode{name: "h2-restored", dir: restored, cfg: filepath.Join(restored, "porchlight.yml"), base: h2.base,
		token: h2.token, exec: exec.Command, client: http.DefaultClient}
	h2r.start(t)
	if got := h2r.id(t); got != h2ID {
		t.Errorf("restored node is peer %s, want the original's %s", got, h2ID)
	}
	if _, ok := h2r.alert(t, early); !ok {
		t.Errorf("restored node lacks the alert it had before the backup")
	}
	apiLogin(t, h2r.base, "owner", password) // fails the test unless 200
	if code := bearerStatus(t, h2r.base, issued.Token); code != http.StatusOK {
		t.Errorf("issued token on the restored node: got %d, want 200", code)
	}
	after := h1.line(t, "alert post", "--text", "after the restore")
	testutil.WaitForState(t, 60*time.Second, "the restored node to receive h1's alert", func() (bool, string) {
		_, ok := h2r.alert(t, after)
		return ok, ""
	})
	h2r.stop(t)
	h1.stop(t)
}

// refusals checks that a wrong passphrase, a truncated archive, a flipped byte and a restore over an
// existing node are each refused with one line naming the cause, writing nothing.
func refusals(t *testing.T, archive, passFile string, existing *hoodNode) {
	t.Helper()
	good, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	wrongPass := filepath.Join(dir, "wrong")
	os.WriteFile(wrongPass, []byte("not the passphrase\n"), 0o600)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x01
	cfgBefore, _ := os.ReadFile(existing.cfg)
	for _, tc := range []struct {
		name, archive, pass, dir, want string
	}{
		{"wrong passphrase", archive, wrongPass, "", "wrong passphrase"},
		{"truncated", write("trunc", good[:len(good)*2/3]), passFile, "", "damaged or incomplete"},
		{"flipped byte", write("flip", flipped), passFile, "", "damaged or incomplete"},
		{"over an existing node", archive, passFile, existing.dir, "not empty; refusing"},
	} {
		parent := t.TempDir()
		target := tc.dir
		if target == "" {
			target = filepath.Join(parent, "node")
		}
		cmd := exec.Command(porchlightBin(t), "restore", "--dir", target, "-i", tc.archive, "--passphrase-file", tc.pass)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		msg := strings.TrimSpace(stderr.String())
		if err == nil || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
			t.Errorf("%s: got exit %v, stderr %q, want a failure with one line saying %q", tc.name, err, msg, tc.want)
		}
		if tc.dir == "" {
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Errorf("%s: restore left %v in %s, want nothing written", tc.name, entries, parent)
			}
		}
	}
	if cfgAfter, _ := os.ReadFile(existing.cfg); !bytes.Equal(cfgAfter, cfgBefore) {
		t.Errorf("restore over an existing node changed its config")
	}
	if entries, _ := os.ReadDir(filepath.Dir(existing.dir)); len(entries) != 1 {
		t.Errorf("restore over an existing node left %v beside it, want only the node", entries)
	}
}

// bearerJSON sends a JSON request with an API token and expects status; it returns the answer.
func bearerJSON(t *testing.T, base, token, method, path string, body any, status int) []byte {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: got %d, want %d: %s", method, path, resp.StatusCode, status, out.String())
	}
	return out.Bytes()
}
