package nvr

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
)

const (
	usageHoodCreate  = "--config F --name NAME"
	usageHoodInvite  = "--config F [--hood ID] [--role household|agency] [--ttl 72h] [--via MULTIADDR,...]"
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
	c, _, done, err := parseNodeCmd(fs, usageHoodInvite, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	inv, err := c.client.Invite(c.ctx, *hood, *role, *ttl, splitList(*via))
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
