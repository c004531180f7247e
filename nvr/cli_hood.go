package nvr

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

const (
	usageHoodCreate = "--config F --name NAME [--co-steward PEERID]... [--agency-quorum N]"
	usageHoodInvite = "--config F [--hood ID] [--role household|agency] [--ttl 72h] [--via MULTIADDR,...] " +
		"[--scope-lat LAT --scope-lon LON --scope-radius METERS] [--max-area-sqmi 0.5] [--max-window 12h] " +
		"[--per-day 10] [--valid 8760h]"
	usageHoodJoin    = "--config F CODE"
	usageHoodCosign  = "--config F CODE"
	usageHoodMembers = "--config F [--hood ID] [--json]"
	usageHoodRevoke  = "--config F [--hood ID] MEMBER|INVITE"
	usageHoodId      = "--config F [--json]"
)

var hoodVerbs = []subcommand{
	{"create", usageHoodCreate, "found a neighborhood with this node as its steward (and co-stewards by the " +
		"peer IDs `hood id` prints on their nodes); prints the hood ID", runHoodCreate},
	{"invite", usageHoodInvite,
		"print a single-use invite code (stewards)", runHoodInvite},
	{"join", usageHoodJoin, "join the hood an invite code is for", runHoodJoin},
	{"cosign", usageHoodCosign, "cosign another steward's agency invite: prints its scope to stderr for review " +
		"and the code with this steward's signature added (stewards)", runHoodCosign},
	{"members", usageHoodMembers, "list a hood's members", runHoodMembers},
	{"revoke", usageHoodRevoke, "remove a member or cancel an invite (stewards)", runHoodRevoke},
	{"id", usageHoodId, "print this node's peer ID and addresses (for --via and bootstrap)", runHoodID},
}

func runHoodCmd(args []string, stdout io.Writer) error {
	return runGroup("hood", hoodVerbs, args, stdout)
}

func runHoodCreate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hood create", flag.ContinueOnError)
	name := fs.String("name", "", "the neighborhood's name (required)")
	var co listFlag
	fs.Var(&co, "co-steward", "peer ID of another steward (repeatable; `porchlight hood id` on its node prints it)")
	quorum := fs.Int("agency-quorum", 0, "stewards that must sign an agency's credential (default 2 with co-stewards, else 1)")
	c, _, done, err := parseNodeCmd(fs, usageHoodCreate, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	if *name == "" {
		return usageErrorf("hood create: --name is required")
	}
	if *quorum < 0 || *quorum > len(co)+1 {
		return usageErrorf("hood create: --agency-quorum must be 1 to %d (the stewards)", len(co)+1)
	}
	h, err := c.client.CreateHood(c.ctx, newHoodRequest{Name: *name, CoStewards: co, AgencyQuorum: *quorum})
	if err != nil {
		return fmt.Errorf("hood create: %w", err)
	}
	fmt.Fprintln(stdout, h.ID)
	return nil
}

func runHoodInvite(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hood invite", flag.ContinueOnError)
	hood := fs.String("hood", "", "hood ID (default: the node's only hood)")
	role := fs.String("role", "household", "household or agency")
	ttl := fs.String("ttl", "72h", "how long the invite is valid")
	via := fs.String("via", "", "comma-separated public nodes (multiaddrs with /p2p/) the joiner reaches us through")
	scopeLat := fs.String("scope-lat", "", "agency: centre of the area it may ask about, degrees")
	scopeLon := fs.String("scope-lon", "", "agency: centre longitude, degrees")
	req := inviteRequest{}
	fs.Float64Var(&req.ScopeRadius, "scope-radius", 0, "agency: radius of that area, metres")
	fs.Float64Var(&req.MaxAreaSqMi, "max-area-sqmi", 0, "agency: largest area of one request, square miles (default 0.5)")
	fs.StringVar(&req.MaxWindow, "max-window", "", "agency: longest time window of one request (default 12h)")
	fs.IntVar(&req.PerDay, "per-day", 0, "agency: requests a day (default 10)")
	fs.StringVar(&req.Valid, "valid", "", "agency: how long the credential lasts (default 8760h)")
	c, _, done, err := parseNodeCmd(fs, usageHoodInvite, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	req.Role, req.TTL, req.Via = *role, *ttl, splitList(*via)
	if *scopeLat != "" || *scopeLon != "" {
		if req.Role != "agency" || *scopeLat == "" || *scopeLon == "" || req.ScopeRadius <= 0 {
			return usageErrorf("hood invite: a scope is for --role agency and needs --scope-lat, --scope-lon and --scope-radius")
		}
		if req.ScopeLat, err = parseDegrees("scope-lat", *scopeLat); err != nil {
			return err
		}
		if req.ScopeLon, err = parseDegrees("scope-lon", *scopeLon); err != nil {
			return err
		}
	}
	inv, err := c.client.Invite(c.ctx, *hood, req)
	if err != nil {
		return fmt.Errorf("hood invite: %w", err)
	}
	fmt.Fprintln(stdout, inv.Code)
	return nil
}

func runHoodJoin(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hood join", flag.ContinueOnError)
	c, pos, done, err := parseNodeCmd(fs, usageHoodJoin, args, 1, stdout)
	if err != nil {
		return err
	}
	defer done()
	h, err := c.client.Join(c.ctx, pos[0])
	if err != nil {
		return fmt.Errorf("hood join: %w", err)
	}
	fmt.Fprintf(stdout, "joined %q (%s) as %s\n", h.Name, h.ID, h.Role)
	return nil
}

func runHoodCosign(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hood cosign", flag.ContinueOnError)
	c, pos, done, err := parseNodeCmd(fs, usageHoodCosign, args, 1, stdout)
	if err != nil {
		return err
	}
	defer done()
	ci, err := c.client.Cosign(c.ctx, pos[0])
	if err != nil {
		return fmt.Errorf("hood cosign: %w", err)
	}
	// The review goes to stderr, so stdout is the code alone, ready for the next steward or the agency.
	fmt.Fprintf(os.Stderr, "Agency invite to %q (%s), issued by %s\n", ci.HoodName, ci.Hood, ci.Issuer)
	fmt.Fprintf(os.Stderr, "  scope: %.6f, %.6f, radius %.0f m; at most %.2f sq mi and %s a request, %d a day\n",
		ci.Lat, ci.Lon, ci.Radius, ci.MaxAreaSqMi, ci.MaxWindow, ci.PerDay)
	fmt.Fprintf(os.Stderr, "  credential until %s; invite until %s\n", ci.CredentialExpires.Format(time.RFC3339),
		ci.InviteExpires.Format(time.RFC3339))
	fmt.Fprintf(os.Stderr, "  signed by %d of the %d stewards it needs: %s\n", len(ci.Signers), ci.Quorum,
		strings.Join(ci.Signers, ", "))
	fmt.Fprintln(stdout, ci.Code)
	return nil
}

// listFlag is a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, strings.TrimSpace(v))
	return nil
}

func runHoodMembers(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hood members", flag.ContinueOnError)
	hood := fs.String("hood", "", "hood ID (default: the node's only hood)")
	asJSON := fs.Bool("json", false, "print JSON")
	c, _, done, err := parseNodeCmd(fs, usageHoodMembers, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	ms, err := c.client.Members(c.ctx, *hood)
	if err != nil {
		return fmt.Errorf("hood members: %w", err)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(ms)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSTATE\tID")
	for _, m := range ms {
		state := "offline"
		switch {
		case m.Revoked:
			state = "revoked"
		case m.Self:
			state = "this node"
		case m.Relayed:
			state = "online (relayed)"
		case m.Online:
			state = "online"
		}
		if m.Steward {
			state += ", steward"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Name, m.Role, state, m.ID)
	}
	return tw.Flush()
}

func runHoodRevoke(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hood revoke", flag.ContinueOnError)
	hood := fs.String("hood", "", "hood ID (default: the node's only hood)")
	c, pos, done, err := parseNodeCmd(fs, usageHoodRevoke, args, 1, stdout)
	if err != nil {
		return err
	}
	defer done()
	if err := c.client.Revoke(c.ctx, *hood, pos[0]); err != nil {
		return fmt.Errorf("hood revoke: %w", err)
	}
	fmt.Fprintf(stdout, "revoked %s\n", pos[0])
	return nil
}

func runHoodID(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("hood id", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	c, _, done, err := parseNodeCmd(fs, usageHoodId, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	p, err := c.client.P2P(c.ctx)
	if err != nil {
		return fmt.Errorf("hood id: %w", err)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(p)
	}
	fmt.Fprintln(stdout, p.ID)
	for _, a := range p.Addrs {
		fmt.Fprintln(stdout, a)
	}
	return nil
}

// parseDegrees reads a coordinate flag.
func parseDegrees(name, v string) (*float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, usageErrorf("--%s: not a number: %q", name, v)
	}
	return &f, nil
}
