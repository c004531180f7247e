package nvr_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// Checks of TestAgencyRequestCLI: the received clip, what each home sent, and traces of the homes on the
// agency's side.

// checkClip checks a received clip: ffprobe reads its streams, ffmpeg decodes it without a word, and its
// SHA-256 is the manifest's.
func checkClip(t *testing.T, clip, manifest string) {
	t.Helper()
	probe := mediatest.ProbeFile(t, clip)
	if _, ok := probe.Stream("video"); !ok {
		t.Errorf("%s: got streams %+v, want a video stream", clip, probe.Streams)
	}
	mediatest.DecodeClean(t, clip)
	b, err := os.ReadFile(clip)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	}
	mb, err := os.ReadFile(manifest)
	if err != nil || json.Unmarshal(mb, &m) != nil {
		t.Fatalf("manifest %s: %v: %q", manifest, err, mb)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != m.SHA256 || int64(len(b)) != m.Size {
		t.Errorf("clip: got %d bytes, sha256 %x; want the manifest's %d bytes, sha256 %s", len(b), sum, m.Size, m.SHA256)
	}
	t.Logf("clip: %d bytes, %s", len(b), probe.Duration())
}

// checkEgress reads what A and B sent by protocol: A at least the clip on the deliver protocol, B (who
// declined) nothing there and little at all.
func checkEgress(t *testing.T, a, b *hoodNode, clipSize int64) {
	t.Helper()
	testutil.WaitForState(t, 10*time.Second, "A's deliver bytes to reach the clip's size", func() (bool, string) {
		sent := sentBytes(t, a)
		return sent[deliverProto] >= float64(clipSize), fmt.Sprintf("%v (clip %d bytes)", sent, clipSize)
	})
	sent := sentBytes(t, b)
	t.Logf("bytes sent: A %.0f on %s; B by protocol %v", sentBytes(t, a)[deliverProto], deliverProto, sent)
	total := 0.0
	for _, v := range sent {
		total += v
	}
	if sent[deliverProto] != 0 || total >= 256<<10 {
		t.Errorf("B sent %v: got %.0f bytes on %s and %.0f in all, want 0 and < 256 KiB", sent, sent[deliverProto],
			deliverProto, total)
	}
}

// sentBytes scrapes porchlight_p2p_sent_bytes_total by protocol from n's /metrics.
func sentBytes(t *testing.T, n *hoodNode) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(n.get(t, "/metrics")))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), `porchlight_p2p_sent_bytes_total{protocol="`)
		if !ok {
			continue
		}
		proto, value, ok := strings.Cut(rest, `"} `)
		v, err := strconv.ParseFloat(value, 64)
		if !ok || err != nil {
			t.Fatalf("%s: /metrics line %q: want a protocol and a value", n.name, sc.Text())
		}
		out[proto] = v
	}
	return out
}

// secrets are what would identify homes: their member IDs and names as text, and their public keys as
// bytes (raw, hex, base64) for stores.
type secrets struct {
	text  []string
	bytes [][]byte
}

func secretsOf(t *testing.T, homes ...*hoodNode) secrets {
	t.Helper()
	var s secrets
	for _, n := range homes {
		id := n.id(t)
		pid, err := peer.Decode(id)
		if err != nil {
			t.Fatalf("%s: member ID %q: %v", n.name, id, err)
		}
		pub, err := pid.ExtractPublicKey()
		if err != nil {
			t.Fatalf("%s: member ID %q: %v", n.name, id, err)
		}
		raw, err := pub.Raw()
		if err != nil {
			t.Fatal(err)
		}
		s.text = append(s.text, id, n.name)
		s.bytes = append(s.bytes, []byte(id), []byte(pid), raw, []byte(hex.EncodeToString(raw)),
			[]byte(base64.StdEncoding.EncodeToString(raw)), []byte(base64.RawURLEncoding.EncodeToString(raw)))
	}
	return s
}

// foundIn lists the texts b holds.
func (s secrets) foundIn(b []byte) []string {
	var hits []string
	for _, x := range s.text {
		if bytes.Contains(b, []byte(x)) {
			hits = append(hits, x)
		}
	}
	return hits
}

// foundInBolt opens a stopped node's bbolt file read-only and lists where a key or value anywhere under
// the named top-level buckets holds one of the byte strings.
func (s secrets) foundInBolt(t *testing.T, path string, buckets ...string) []string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var hits []string
	var walk func(where string, bk *bolt.Bucket) error
	walk = func(where string, bk *bolt.Bucket) error {
		return bk.ForEach(func(k, v []byte) error {
			for _, x := range s.bytes {
				if bytes.Contains(k, x) || bytes.Contains(v, x) {
					hits = append(hits, fmt.Sprintf("%q in bucket %s, key %x", x, where, k))
				}
			}
			if v == nil {
				return walk(where+"/"+string(k), bk.Bucket(k))
			}
			return nil
		})
	}
	err = db.View(func(tx *bolt.Tx) error {
		for _, name := range buckets {
			bk := tx.Bucket([]byte(name))
			if bk == nil {
				return fmt.Errorf("no bucket %q", name)
			}
			if err := walk(name, bk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return hits
}

func wantNone(t *testing.T, what string, hits []string) {
	t.Helper()
	if len(hits) > 0 {
		t.Errorf("%s: got %s in it, want no trace of B or C", what, strings.Join(hits, ", "))
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// readFrom returns a file's bytes from offset on.
func readFrom(t *testing.T, path string, offset int64) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[min(offset, int64(len(b))):]
}

func minTime(x, y time.Time) time.Time {
	if x.Before(y) {
		return x
	}
	return y
}

func maxTime(x, y time.Time) time.Time {
	if x.After(y) {
		return x
	}
	return y
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
