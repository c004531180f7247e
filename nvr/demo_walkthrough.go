package nvr

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/porchlight/porchlight/federation"
)

// printDemoWalkthrough prints who is in the demo neighborhood (UI address, login, config file) and a
// walk-through of an agency request with the shipped CLI that can be pasted into a shell as it is.
func printDemoWalkthrough(w io.Writer, t *demoTown) {
	members := append(append([]*demoMember{t.Self}, t.Homes...), t.Agency)
	fmt.Fprintf(w, "\nDemo neighborhood %q on 127.0.0.1: 3 homes with cameras and an agency.\n", t.Hood.Name)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NODE\tROLE\tUI/API\tLOGIN\tCONFIG")
	for _, m := range members {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s / %s\t%s\n", m.Name, m.Node.cfg.Role, m.Node.HTTPURL(), AdminUser,
			m.Password, m.Config)
	}
	tw.Flush()
	fmt.Fprintf(w, "Cameras (each sees %d m around): demo of %s at %.5f,%.5f", demoCameraRadius, t.Self.Name,
		demoPlace[0], demoPlace[1])
	for i, h := range t.Homes {
		fmt.Fprintf(w, "; front of %s at %.5f,%.5f", h.Name, demoHomePlaces[i][0], demoHomePlaces[i][1])
	}
	s := demoAgencyScope
	fmt.Fprintf(w, ".\n%s may ask about %.0f m around %.5f,%.5f (areas up to %.1f sq mi, windows up to %s, %d a day).\n",
		t.Agency.Name, s.Radius, s.Lat, s.Lon, federation.DefaultMaxAreaSqMi, strings.TrimSuffix(federation.DefaultMaxWindow.String(), "0m0s"), s.PerDay)

	a := demoRequestArea
	far := t.Homes[len(t.Homes)-1]
	fmt.Fprintf(w, `
Walk-through: in another shell, once the cameras have recorded for a minute, paste:

  PL=%s
  AGENCY=%s
  H1=%s
  H2=%s
  H3=%s
  # 1. The agency asks for the last minute around %s and %s; it prints the request ID.
  ID=$("$PL" request post --config "$AGENCY" --case DEMO-1 --reason "Parcel taken from a porch" \
    --lat %.5f --lon %.5f --radius %.0f \
    --start "$(date -u -d '-1 min' +%%FT%%TZ)" --end "$(date -u -d '-5 sec' +%%FT%%TZ)"); echo "$ID"
  # 2. Each home checks it against its own cameras, on its own: two match; %s's camera is too far.
  "$PL" request list --config "$H2" --json
  "$PL" request list --config "$H3" --all --json
  # 3. %s approves: one clip of its camera front, sealed to the agency. The demo node declines: nothing is sent.
  "$PL" request approve --config "$H2" "$ID" --camera front
  "$PL" request decline --config "$H1" "$ID"
  # 4. The submission arrives at the agency; get writes the clip and its chain-of-custody manifest.
  "$PL" submission list --config "$AGENCY"
  "$PL" submission get --config "$AGENCY" SUBMISSION_ID -o ./evidence
  # 5. Anyone audits the agency's public request log.
  "$PL" log verify --config "$H3" && "$PL" transparency --config "$H3"

(date -d is GNU date; on macOS: date -u -v-1M +%%FT%%TZ.) Ctrl-C stops the whole neighborhood.
`, shellQuote(demoCLI()), shellQuote(t.Agency.Config), shellQuote(t.Self.Config), shellQuote(t.Homes[0].Config),
		shellQuote(far.Config), t.Self.Name, t.Homes[0].Name, a.Lat, a.Lon, a.Radius, far.Name, t.Homes[0].Name)
}

// demoCLI is how the walk-through names this program: porchlight when that is on PATH, else this
// executable's path (`make run` builds it in a temporary dir that lasts as long as the demo).
func demoCLI() string {
	if p, err := exec.LookPath("porchlight"); err == nil && sameFile(p) {
		return "porchlight"
	}
	if p, err := os.Executable(); err == nil {
		return p
	}
	return "porchlight"
}

// sameFile reports whether path is this executable.
func sameFile(path string) bool {
	self, err := os.Executable()
	if err != nil {
		return false
	}
	a, err1 := os.Stat(path)
	b, err2 := os.Stat(self)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
