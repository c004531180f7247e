package nvr

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/porchlight/porchlight/internal/atomicfile"
	"github.com/porchlight/porchlight/ui"
)

const (
	usageRequestPost = "--config F --case CASE --reason TEXT --lat LAT --lon LON --radius METERS --start T --end T " +
		"[--polygon LAT,LON;LAT,LON;...] [--category C] [--contact TEXT] [--expires-in 168h] [--hood ID]"
	usageRequestList    = "--config F [--all] [--json]"
	usageRequestApprove = "--config F ID --camera NAME [--start T --end T] [--note TEXT]"
	usageRequestID      = "--config F ID"
	usageSubmissionList = "--config F [--json]"
	usageSubmissionGet  = "--config F ID -o DIR"
)

var requestVerbs = []subcommand{
	{"post", usageRequestPost, "agency: post a footage request (logged publicly, sent to the hood); prints its ID", runRequestPost},
	{"list", usageRequestList,
		"agency: its requests with submission counts; home: the inbox (requests matching its cameras), --all: every request", runRequestList},
	{"approve", usageRequestApprove, "home: send one clip of a matching camera to the agency, encrypted", runRequestApprove},
	{"decline", usageRequestID, "home: decline; nothing is sent anywhere", runRequestDecline},
	{"close", usageRequestID, "agency: close one of its requests", runRequestClose},
}

var submissionVerbs = []subcommand{
	{"list", usageSubmissionList, "agency: the clips it received", runSubmissionList},
	{"get", usageSubmissionGet, "agency: decrypt and verify a clip; write DIR/ID.mp4 and DIR/ID.manifest.json", runSubmissionGet},
}

func runRequestCmd(args []string, stdout io.Writer) error {
	return runGroup("request", requestVerbs, args, stdout)
}

func runSubmissionCmd(args []string, stdout io.Writer) error {
	return runGroup("submission", submissionVerbs, args, stdout)
}

func runRequestPost(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("request post", flag.ContinueOnError)
	var d ui.RequestDraft
	fs.StringVar(&d.Hood, "hood", "", "hood ID (default: the node's only hood)")
	fs.StringVar(&d.Case, "case", "", "case number (required)")
	fs.StringVar(&d.Reason, "reason", "", "why the footage is needed (required)")
	fs.StringVar(&d.Category, "category", "", "e.g. theft, burglary, missing-person")
	fs.StringVar(&d.Contact, "contact", "", "who homeowners may contact")
	fs.StringVar(&d.Life, "expires-in", "", "how long homes are asked (default 168h)")
	lat, lon := fs.String("lat", "", "centre latitude, degrees"), fs.String("lon", "", "centre longitude, degrees")
	fs.Float64Var(&d.Radius, "radius", 0, "radius of the area, metres")
	polygon := fs.String("polygon", "", "optional: narrow the area to a polygon inside the circle, LAT,LON;LAT,LON;...")
	start, end := fs.String("start", "", "window start, RFC 3339"), fs.String("end", "", "window end, RFC 3339")
	c, _, done, err := parseNodeCmd(fs, usageRequestPost, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	if d.Case == "" || d.Reason == "" || *lat == "" || *lon == "" || d.Radius <= 0 || *start == "" || *end == "" {
		return usageErrorf("request post: --case, --reason, --lat, --lon, --radius, --start and --end are required")
	}
	la, err := parseDegrees("lat", *lat)
	if err != nil {
		return err
	}
	lo, err := parseDegrees("lon", *lon)
	if err != nil {
		return err
	}
	d.Lat, d.Lon = *la, *lo
	if d.Polygon, err = parsePolygon(*polygon); err != nil {
		return err
	}
	if d.Start, err = parseTimeFlag("start", *start); err != nil {
		return err
	}
	if d.End, err = parseTimeFlag("end", *end); err != nil {
		return err
	}
	r, err := c.client.PostRequest(c.ctx, d)
	if err != nil {
		return fmt.Errorf("request post: %w", err)
	}
	fmt.Fprintln(stdout, r.ID)
	return nil
}

func runRequestList(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("request list", flag.ContinueOnError)
	all := fs.Bool("all", false, "every request this node holds (the public list), not only the inbox")
	asJSON := fs.Bool("json", false, "print JSON")
	c, _, done, err := parseNodeCmd(fs, usageRequestList, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	// An agency's own requests all "match" it: its list is every request it holds, with counts.
	hoods, err := c.client.Hoods(c.ctx)
	if err != nil {
		return fmt.Errorf("request list: %w", err)
	}
	agency := len(hoods) > 0 && hoods[0].Role == "agency"
	rs, err := c.client.Requests(c.ctx, !*all && !agency)
	if err != nil {
		return fmt.Errorf("request list: %w", err)
	}
	if agency {
		own := rs[:0]
		for _, r := range rs {
			if r.Agency == hoods[0].Self {
				own = append(own, r)
			}
		}
		rs = own
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(rs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCASE\tAGENCY\tWINDOW\tSTATUS\tMATCHES\tSUBMISSIONS")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s – %s\t%s\t%s\t%d\n", r.ID, r.Case, r.AgencyName,
			r.Start.Local().Format(time.DateTime), r.End.Local().Format(time.TimeOnly), r.Status,
			strings.Join(r.Matches, ","), r.Submissions)
	}
	return tw.Flush()
}

func runRequestApprove(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("request approve", flag.ContinueOnError)
	var a ui.ApprovalDraft
	fs.StringVar(&a.Camera, "camera", "", "the matching camera whose clip to send (required)")
	fs.StringVar(&a.Note, "note", "", "a note for the agency")
	start, end := fs.String("start", "", "trim: clip start, RFC 3339"), fs.String("end", "", "trim: clip end, RFC 3339")
	c, pos, done, err := parseNodeCmd(fs, usageRequestApprove, args, 1, stdout)
	if err != nil {
		return err
	}
	defer done()
	if a.Camera == "" {
		return usageErrorf("request approve: --camera is required")
	}
	if *start != "" {
		if a.Start, err = parseTimeFlag("start", *start); err != nil {
			return err
		}
	}
	if *end != "" {
		if a.End, err = parseTimeFlag("end", *end); err != nil {
			return err
		}
	}
	d, err := c.client.Approve(c.ctx, pos[0], a)
	if err != nil {
		return fmt.Errorf("request approve: %w", err)
	}
	fmt.Fprintln(stdout, d.ID)
	return nil
}

func runRequestDecline(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("request decline", flag.ContinueOnError)
	c, pos, done, err := parseNodeCmd(fs, usageRequestID, args, 1, stdout)
	if err != nil {
		return err
	}
	defer done()
	if err := c.client.Decline(c.ctx, pos[0]); err != nil {
		return fmt.Errorf("request decline: %w", err)
	}
	return nil
}

func runRequestClose(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("request close", flag.ContinueOnError)
	c, pos, done, err := parseNodeCmd(fs, usageRequestID, args, 1, stdout)
	if err != nil {
		return err
	}
	defer done()
	if _, err := c.client.CloseRequest(c.ctx, pos[0]); err != nil {
		return fmt.Errorf("request close: %w", err)
	}
	return nil
}

func runSubmissionList(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("submission list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	c, _, done, err := parseNodeCmd(fs, usageSubmissionList, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	ss, err := c.client.Submissions(c.ctx)
	if err != nil {
		return fmt.Errorf("submission list: %w", err)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(ss)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCASE\tCAMERA\tRANGE\tBYTES\tRECEIVED")
	for _, s := range ss {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s – %s\t%d\t%s\n", s.ID, s.Case, s.Camera, s.Start.Local().Format(time.DateTime),
			s.End.Local().Format(time.TimeOnly), s.Size, s.Received.Local().Format(time.DateTime))
	}
	return tw.Flush()
}

// runSubmissionGet writes a received clip and its chain-of-custody record; the clip is written under a
// temporary name and kept only if it decrypts and matches its manifest.
func runSubmissionGet(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("submission get", flag.ContinueOnError)
	dir := fs.String("o", "", "output directory (required)")
	c, pos, done, err := parseNodeCmd(fs, usageSubmissionGet, args, 1, stdout)
	if err != nil {
		return err
	}
	defer done()
	if *dir == "" {
		return usageErrorf("submission get: -o is required")
	}
	id := pos[0]
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fmt.Errorf("submission get: %w", err)
	}
	custody, err := c.client.Custody(c.ctx, id)
	if err != nil {
		return fmt.Errorf("submission get: %w", err)
	}
	mp4 := filepath.Join(*dir, id+".mp4")
	if _, err := atomicfile.WriteFrom(mp4, 0o600, func(w io.Writer) error {
		_, err := c.client.SubmissionClip(c.ctx, id, w)
		return err
	}); err != nil {
		return fmt.Errorf("submission get: %w", err)
	}
	b, err := json.MarshalIndent(custody, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(*dir, id+".manifest.json"), append(b, '\n'), 0o644)
	}
	if err != nil {
		return fmt.Errorf("submission get: %w", err)
	}
	fmt.Fprintln(stdout, mp4)
	return nil
}

// parseTimeFlag reads an RFC 3339 time flag.
func parseTimeFlag(name, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, usageErrorf("--%s: not an RFC 3339 time: %q", name, v)
	}
	return t, nil
}

// parsePolygon reads "lat,lon;lat,lon;..." ("" = none).
func parsePolygon(v string) ([][2]float64, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	var out [][2]float64
	for _, pt := range strings.Split(v, ";") {
		la, lo, ok := strings.Cut(strings.TrimSpace(pt), ",")
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(la), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, usageErrorf("--polygon: %q is not LAT,LON", pt)
		}
		out = append(out, [2]float64{lat, lon})
	}
	return out, nil
}
