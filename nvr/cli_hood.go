package nvr

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

const (
	usageHoodCreate = "--config F --name NAME"
	usageHoodInvite = "--config F [--hood ID] [--role household|agency] [--ttl 72h] [--via MULTIADDR,...] " +
		"[--scope-lat LAT --scope-lon LON --scope-radius METERS] [--max-area-sqmi 0.5] [--max-window 12h] " +
		"[--per-day 10] [--valid 8760h]"
	usageHoodJoin    = "--config F CODE"
	usageHoodMembers = "--config F [--hood ID] [--json]"
	usageHoodRevoke  = "--config F [--hood ID] MEMBER|INVITE"
	usageHoodId      = "--config F [--json]"
)

var hoodVerbs = []subcommand{
	{"create", usageHoodCreate, "found a neighborhood with this node as its steward; prints the hood ID", runHoodCreate},
	{"invite", usageHoodInvite,
		"print a single-use invite code (stewards)", runHoodInvite},
	{"join", usageHoodJoin, "join the hood an invite code is for", runHoodJoin},
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
	c, _, done, err := parseNodeCmd(fs, usageHoodCreate, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	if *name == "" {
		return usageErrorf("hood create: --name is required")
	}
	h, err := c.client.CreateHood(c.ctx, *name)
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
