package deliver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// refusal fails the test unless err is a refusal whose reason contains want, and returns the reason.
// refusal checks err is a refusal with a reason containing want that asks to try again later, or not.
func refusal(t *testing.T, err error, want string, later bool) {
	t.Helper()
	var re *RefusedError
	if !errors.As(err, &re) || !errors.Is(err, ErrRefused) {
		t.Fatalf("Send: got %v, want a refusal", err)
	}
	if !strings.Contains(re.Reason, want) {
		t.Errorf("refusal reason: got %q, want it to contain %q", re.Reason, want)
	}
	if re.Later != later {
		t.Errorf("refusal %q: Later %v, want %v", re.Reason, re.Later, later)
	}
}

func TestTamperedBodyRefused(t *testing.T) {
	checkNoLeaks(t)
	c := sealClip(t, 2<<20)
	r, calls := newReceiver(t)
	offer := c.offer("m")
	client, server := tcpPair(t)
	done := serve(r, server)

	_, err := Send(context.Background(), &flipConn{Conn: client, at: frameLen(t, offer) + 1<<20}, offer, c.open(t))
	refusal(t, err, "sha256 mismatch", false)
	if err := wait(t, done); !errors.Is(err, ErrMismatch) {
		t.Errorf("Serve: got %v, want %v", err, ErrMismatch)
	}
	for _, ext := range []string{".part", ".age"} {
		if _, err := os.Stat(filepath.Join(r.Dir, offer.ID+ext)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s file after a mismatch: got %v, want not exist", ext, err)
		}
	}
	if *calls != 0 {
		t.Errorf("Complete calls: got %d, want 0", *calls)
	}

	// A clean retry starts from zero and succeeds.
	client, server = tcpPair(t)
	done = serve(r, server)
	if _, err := Send(context.Background(), client, offer, c.open(t)); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if err := wait(t, done); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	sameFile(t, c.path, filepath.Join(r.Dir, offer.ID+".age"))
}

func TestOfferRefused(t *testing.T) {
	checkNoLeaks(t)
	c := sealClip(t, 5000)
	good := c.offer("m")
	tests := []struct {
		name       string
		edit       func(*Offer, *Receiver)
		wantReason string
		wantErr    error
		later      bool
	}{
		{"accept error", func(o *Offer, r *Receiver) {
			r.Accept = func(Offer) error { return errors.New("manifest not signed by the home") }
		}, "manifest not signed by the home", ErrRefused, false},
		{"accept busy", func(o *Offer, r *Receiver) {
			r.Accept = func(Offer) error { return fmt.Errorf("%w: received on another stream", ErrBusy) }
		}, "received on another stream", ErrBusy, true},
		{"nil accept", func(o *Offer, r *Receiver) { r.Accept = nil }, "not accepting", ErrRefused, false},
		{"oversize", func(o *Offer, r *Receiver) { r.MaxSize = o.Size - 1 }, "over the limit", ErrTooLarge, false},
		{"complete error", func(o *Offer, r *Receiver) {
			r.Complete = func(Offer, string) ([]byte, error) { return nil, errors.New("disk full") }
		}, "disk full", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := newReceiver(t)
			o := good
			tt.edit(&o, r)
			client, server := tcpPair(t)
			done := serve(r, server)
			_, err := Send(context.Background(), client, o, c.open(t))
			refusal(t, err, tt.wantReason, tt.later)
			err = wait(t, done)
			if err == nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Serve: got %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestBadOfferRefused(t *testing.T) {
	c := sealClip(t, 100)
	good := c.offer("m")
	tests := []struct {
		name string
		edit func(*Offer)
	}{
		{"upper-case id", func(o *Offer) { o.ID = strings.ToUpper(o.ID) }},
		{"id not the hash prefix", func(o *Offer) { o.ID = strings.Repeat("0", 32) }},
		{"short id", func(o *Offer) { o.ID = o.ID[:31] }},
		{"path in id", func(o *Offer) { o.ID = "../../../../etc/passwd" }},
		{"short sha256", func(o *Offer) { o.SHA256 = o.SHA256[:31] }},
		{"negative size", func(o *Offer) { o.Size = -1 }},
		{"big manifest", func(o *Offer) { o.Manifest = make([]byte, MaxManifest+1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := good
			o.SHA256 = append([]byte(nil), good.SHA256...)
			tt.edit(&o)
			if err := o.Check(0); !errors.Is(err, ErrBadOffer) {
				t.Fatalf("Check: got %v, want %v", err, ErrBadOffer)
			}
			// Send checks too, so write the frame by hand to reach the receiver.
			r, _ := newReceiver(t)
			client, server := tcpPair(t)
			done := serve(r, server)
			if err := writeFrame(client, o); err != nil {
				t.Fatal(err)
			}
			if _, err := readResume(client, o.Size); !errors.Is(err, ErrRefused) {
				t.Errorf("answer: got %v, want a refusal", err)
			}
			if err := wait(t, done); !errors.Is(err, ErrBadOffer) {
				t.Errorf("Serve: got %v, want %v", err, ErrBadOffer)
			}
			if ents, _ := os.ReadDir(r.Dir); len(ents) != 0 {
				t.Errorf("files in the receiver's dir: got %d, want 0", len(ents))
			}
		})
	}
}

func TestConcurrentSameIDRefused(t *testing.T) {
	checkNoLeaks(t)
	c := sealClip(t, 4<<20)
	r, _ := newReceiver(t)
	offer := c.offer("m")

	client1, server1 := tcpPair(t)
	done1 := serve(r, server1)
	gate := &gateConn{Conn: client1, blocked: make(chan struct{}), release: make(chan struct{})}
	sent1 := make(chan error, 1)
	go func() {
		_, err := Send(context.Background(), gate, offer, c.open(t))
		sent1 <- err
	}()
	<-gate.blocked // the first Serve has answered the offer: it holds the ID

	client2, server2 := tcpPair(t)
	done2 := serve(r, server2)
	_, err := Send(context.Background(), client2, offer, c.open(t))
	refusal(t, err, "busy", true)
	if err := wait(t, done2); !errors.Is(err, ErrBusy) {
		t.Errorf("second Serve: got %v, want %v", err, ErrBusy)
	}

	close(gate.release)
	if err := wait(t, sent1); err != nil {
		t.Errorf("first Send: %v", err)
	}
	if err := wait(t, done1); err != nil {
		t.Errorf("first Serve: %v", err)
	}
	sameFile(t, c.path, filepath.Join(r.Dir, offer.ID+".age"))
}

func TestCompletedIDAnswersAgain(t *testing.T) {
	checkNoLeaks(t)
	c := sealClip(t, 1<<20)
	r, calls := newReceiver(t)
	offer := c.offer("m")
	for i := range 2 {
		client, server := tcpPair(t)
		done := serve(r, server)
		cc := &countConn{Conn: client}
		receipt, err := Send(context.Background(), cc, offer, c.open(t))
		if err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
		if err := wait(t, done); err != nil {
			t.Fatalf("Serve %d: %v", i, err)
		}
		if string(receipt) != "receipt:"+offer.ID {
			t.Errorf("receipt %d: got %q, want %q", i, receipt, "receipt:"+offer.ID)
		}
		want := frameLen(t, offer) + offer.Size
		if i == 1 {
			want = frameLen(t, offer) // nothing to resend
		}
		if cc.written != want {
			t.Errorf("bytes sent by Send %d: got %d, want %d", i, cc.written, want)
		}
	}
	if *calls != 2 {
		t.Errorf("Complete calls: got %d, want 2", *calls)
	}

	// A different file stored under the same ID (a forged prefix collision) is not vouched for.
	if err := os.WriteFile(filepath.Join(r.Dir, offer.ID+".age"), []byte("other"), 0o600); err != nil {
		t.Fatal(err)
	}
	client, server := tcpPair(t)
	done := serve(r, server)
	_, err := Send(context.Background(), client, offer, c.open(t))
	refusal(t, err, "id conflict", false)
	if err := wait(t, done); !errors.Is(err, ErrMismatch) {
		t.Errorf("Serve: got %v, want %v", err, ErrMismatch)
	}
}
