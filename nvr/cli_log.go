package nvr

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

const (
	usageLogVerify    = "--config F [--json]"
	usageTransparency = "--config F [--json]"
)

var logVerbs = []subcommand{
	{"verify", usageLogVerify, "audit every agency's public request log; exits 1 if one does not check out", runLogVerify},
}

func runLogCmd(args []string, stdout io.Writer) error { return runGroup("log", logVerbs, args, stdout) }

func runLogVerify(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("log verify", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	c, _, done, err := parseNodeCmd(fs, usageLogVerify, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	reps, err := c.client.VerifyLogs(c.ctx)
	if err != nil {
		return fmt.Errorf("log verify: %w", err)
	}
	if *asJSON {
		if err := json.NewEncoder(stdout).Encode(reps); err != nil {
			return err
		}
	} else {
		for _, r := range reps {
			state := "ok"
			if !r.OK {
				state = "FAILED: " + strings.Join(r.Problems, "; ")
			}
			fmt.Fprintf(stdout, "%s (%s): %d entries, %d requests held, %d forks: %s\n", r.AgencyName, r.Agency, r.Size,
				r.Requests, r.Forks, state)
		}
	}
	var bad []string
	for _, r := range reps {
		if !r.OK {
			bad = append(bad, r.AgencyName)
		}
	}
	if len(bad) > 0 {
		return errors.New("log verify: the log of " + strings.Join(bad, ", ") + " does not check out")
	}
	return nil
}

func runTransparency(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("transparency", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	c, _, done, err := parseNodeCmd(fs, usageTransparency, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	ms, err := c.client.Transparency(c.ctx)
	if err != nil {
		return fmt.Errorf("transparency: %w", err)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(ms)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "AGENCY\tMONTH\tREQUESTS\tCLOSED\tSUBMISSIONS\tAREA (SQ MI)\tMAX AREA\tWINDOW (H)\tMAX WINDOW\tLOG")
	for _, m := range ms {
		log := "verified"
		if !m.LogVerified {
			log = "NOT VERIFIED"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.2f\t%.2f\t%.1f\t%.1f\t%s (%d entries)\n", m.AgencyName, m.Month, m.Requests,
			m.Closed, m.Submissions, m.AreaSqMi, m.MaxAreaSqMi, m.WindowHours, m.MaxWindowH, log, m.LogSize)
	}
	return tw.Flush()
}
