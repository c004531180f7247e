package deliver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestSendServeTCP(t *testing.T) {
	checkNoLeaks(t)
	c := sealClip(t, 3<<20+11)
	r, calls := newReceiver(t)
	var gotPath string
	complete := r.Complete
	r.Complete = func(o Offer, path string) ([]byte, error) {
		gotPath = path
		return complete(o, path)
	}
	client, server := tcpPair(t)
	done := serve(r, server)

	receipt, err := Send(context.Background(), client, c.offer("manifest"), c.open(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if want := "receipt:" + c.sums.ID(); string(receipt) != want {
		t.Errorf("receipt: got %q, want %q", receipt, want)
	}
	if want := filepath.Join(r.Dir, c.sums.ID()+".age"); gotPath != want || *calls != 1 {
		t.Errorf("Complete: got path %q and %d calls, want %q and 1", gotPath, *calls, want)
	}
	sameFile(t, c.path, gotPath)
	if _, err := os.Stat(filepath.Join(r.Dir, c.sums.ID()+".part")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("part file after completion: got %v, want not exist", err)
	}
	f, err := os.Open(gotPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got bytes.Buffer
	s, err := Unseal(&got, f, c.id)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := io.ReadAll(plain(c.sums.PlainSize, uint64(c.sums.PlainSize)))
	if !bytes.Equal(got.Bytes(), want) || s != c.sums {
		t.Errorf("unsealed stored file: got %d bytes, sums %+v; want %d bytes, sums %+v", got.Len(), s, len(want), c.sums)
	}
}

func TestResume100MB(t *testing.T) {
	checkNoLeaks(t)
	c := sealClip(t, 100<<20)
	r, _ := newReceiver(t)
	body := c.open(t)
	offer := c.offer("m")
	part := filepath.Join(r.Dir, offer.ID+".part")

	// First attempt: the link drops after ~40 MB.
	client, server := tcpPair(t)
	done := serve(r, server)
	_, err := Send(context.Background(), &cutConn{Conn: client, limit: 40 << 20}, offer, body)
	if !errors.Is(err, errCut) {
		t.Fatalf("cut Send: got %v, want %v", err, errCut)
	}
	if err := wait(t, done); err == nil {
		t.Fatal("Serve of a cut stream: got nil error, want one")
	}
	st, err := os.Stat(part)
	if err != nil {
		t.Fatalf("part file after the cut: %v", err)
	}
	if st.Size() <= 0 || st.Size() >= offer.Size {
		t.Fatalf("part file after the cut: got %d bytes, want some of %d", st.Size(), offer.Size)
	}

	// Second attempt on a new connection resumes.
	client, server = tcpPair(t)
	done = serve(r, server)
	cc := &countConn{Conn: client}
	receipt, err := Send(context.Background(), cc, offer, body)
	if err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if string(receipt) != "receipt:"+offer.ID {
		t.Errorf("receipt: got %q, want %q", receipt, "receipt:"+offer.ID)
	}
	have, err := readResume(&cc.read, offer.Size)
	if err != nil {
		t.Fatalf("decoding the Resume the receiver sent: %v", err)
	}
	if have != st.Size() {
		t.Errorf("Resume.Have: got %d, want the part file's %d", have, st.Size())
	}
	if want := frameLen(t, offer) + offer.Size - have; cc.written != want {
		t.Errorf("bytes sent on resume: got %d, want offer frame + Size-Have = %d", cc.written, want)
	}
	sameFile(t, c.path, filepath.Join(r.Dir, offer.ID+".age"))
}

func TestSendCancel(t *testing.T) {
	checkNoLeaks(t)
	c := sealClip(t, 1000)
	client, server := tcpPair(t)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		// Nobody serves: Send waits for a Resume that never comes.
		_, err := Send(ctx, client, c.offer("m"), c.open(t))
		errc <- err
	}()
	if err := readFrame(server, &Offer{}); err != nil { // Send is past its offer
		t.Fatal(err)
	}
	cancel()
	if err := wait(t, errc); !errors.Is(err, context.Canceled) {
		t.Errorf("Send after cancel: got %v, want %v", err, context.Canceled)
	}
	// The I/O goroutine stops too, while the connection is still open: the deadline unblocked it.
	waitGone(t, "deliver.send(")
}

func TestSendServeLibp2p(t *testing.T) {
	checkNoLeaks(t)
	c := sealClip(t, 2<<20+3)
	r, _ := newReceiver(t)
	ctx := context.Background()
	sender, receiver, served := libp2pPair(t, r)
	s, err := sender.NewStream(ctx, receiver.ID(), benchProto)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	offer := c.offer("m")
	receipt, err := Send(ctx, s, offer, c.open(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := wait(t, served); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if string(receipt) != "receipt:"+offer.ID {
		t.Errorf("receipt: got %q, want %q", receipt, "receipt:"+offer.ID)
	}
	sameFile(t, c.path, filepath.Join(r.Dir, offer.ID+".age"))
}
