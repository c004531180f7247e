package roster

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation/wire"
)

// The roster's count of an agency certificate's signers, in a hood of stewards A, B and C that needs all
// three: each steward counts once, and only with a valid endorsement of this certificate's invite and scope.
func TestCosignedCounts(t *testing.T) {
	keys := map[string]ed25519.PrivateKey{}
	pub := func(name string) []byte { return keys[name].Public().(ed25519.PublicKey) }
	for _, name := range []string{"A", "B", "C", "M"} {
		_, keys[name], _ = ed25519.GenerateKey(rand.Reader)
	}
	grec, err := wire.Sign(wire.KindGenesis, &wire.Genesis{Name: "Elm Street", Stewards: [][]byte{pub("A"), pub("B"), pub("C")},
		Created: 1, Nonce: []byte{1}, AgencyQuorum: 3}, keys["A"])
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(grec)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := elm.Wire(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	inv := wire.Invite{Hood: r.ID(), ID: id, Role: wire.RoleAgency, Expires: 1000, Issuer: pub("A"), Scope: &ws}
	end := func(name string, edit func(*wire.Endorsement)) []byte {
		e, err := wire.Endorse(inv, pub(name))
		if err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(&e)
		}
		s, err := wire.Sign(wire.KindEndorsement, &e, keys[name])
		if err != nil {
			t.Fatal(err)
		}
		return s.Marshal()
	}
	bSignsForC := func() []byte { // names C, signed by B
		e, _ := wire.Endorse(inv, pub("C"))
		s, _ := wire.Sign(wire.KindEndorsement, &e, keys["B"])
		return s.Marshal()
	}()
	sc := ws
	sc.Recipient = "age1qqqq"
	cases := []struct {
		name  string
		ends  [][]byte
		short int
	}{
		{"B and C", [][]byte{end("B", nil), end("C", nil)}, 0},
		{"B twice", [][]byte{end("B", nil), end("B", nil)}, 1},
		{"A, the issuer", [][]byte{end("A", nil), end("B", nil)}, 1},
		{"M, no steward", [][]byte{end("M", nil), end("B", nil)}, 1},
		{"C by B's key", [][]byte{bSignsForC, end("B", nil)}, 1},
		{"C of another scope", [][]byte{end("C", func(e *wire.Endorsement) { e.Scope.MaxWindow++ }), end("B", nil)}, 1},
		{"C of another hood", [][]byte{end("C", func(e *wire.Endorsement) { e.Hood = strings.Repeat("0", 32) }), end("B", nil)}, 1},
		{"C expired", [][]byte{end("C", func(e *wire.Endorsement) { e.Expires = 10 }), end("B", nil)}, 1},
		{"not a record", [][]byte{{0xa0}, end("B", nil)}, 1},
		{"none", nil, 2},
	}
	for _, c := range cases {
		cert := wire.Cert{Hood: r.ID(), Member: pub("M"), Role: wire.RoleAgency, Issued: 100, Invite: id, Issuer: pub("A"),
			Scope: &sc, Endorsements: c.ends}
		if _, short := r.Cosigned(cert); short != c.short {
			t.Errorf("%s: got %d more needed, want %d", c.name, short, c.short)
		}
	}
}
