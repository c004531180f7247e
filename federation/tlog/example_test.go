package tlog_test

import (
	"crypto/ed25519"
	"fmt"
	"log"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation/tlog"
)

// An agency logs a request; a home checks it is in the log the agency signed.
func Example() {
	dir, _ := os.MkdirTemp("", "tlog-example")
	defer os.RemoveAll(dir)
	db, err := bolt.Open(filepath.Join(dir, "agency.db"), 0o600, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	pub, key, _ := ed25519.GenerateKey(nil) // the agency node's identity key
	origin := "porchlight.log/hood1/agency1"
	signer, _ := tlog.NewSigner(origin, key)
	requests, err := tlog.Open(db, []byte("requests"), signer)
	if err != nil {
		log.Fatal(err)
	}
	request := []byte(`{"camera area":"Elm St","from":"2026-11-27T14:00Z","to":"2026-11-27T14:30Z"}`)
	index, signed, err := requests.Append(request)
	if err != nil {
		log.Fatal(err)
	}
	proof, _ := requests.InclusionProof(index, requests.Size())
	wire := tlog.EncodeProof(proof)

	// At the home, with the agency's public key from the hood roster:
	verifier, _ := tlog.NewVerifier(origin, pub)
	cp, err := tlog.ParseCheckpoint(signed, verifier)
	if err != nil {
		log.Fatal(err)
	}
	hashes, err := tlog.DecodeProof(wire)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tlog.VerifyInclusion(cp, index, request, hashes), cp.Size)
	// Output: <nil> 1
}
