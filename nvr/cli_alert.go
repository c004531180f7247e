package nvr

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

const (
	usageAlertPost = "--config F --text T [--hood ID] [--category C] [--lat LAT --lon LON] [--camera NAME --start T --end T]"
	usageAlertList = "--config F [--hood ID] [--json]"
	usageAlertClip = "--config F ID -o OUT.mp4"
)

var alertVerbs = []subcommand{
	{"post", usageAlertPost,
		"post an alert to the hood; a camera range attaches that clip for neighbors to fetch", runAlertPost},
	{"list", usageAlertList, "list the alerts this node holds, newest first", runAlertList},
	{"clip", usageAlertClip, "fetch the clip attached to an alert from its author", runAlertClip},
}

func runAlertCmd(args []string, stdout io.Writer) error {
	return runGroup("alert", alertVerbs, args, stdout)
}

func runAlertPost(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("alert post", flag.ContinueOnError)
	var req alertRequest
	fs.StringVar(&req.Hood, "hood", "", "hood ID (default: the node's only hood)")
	fs.StringVar(&req.Text, "text", "", "what happened (required)")
	fs.StringVar(&req.Category, "category", "", "theft, suspicious, safety, lost-pet or other")
	lat := fs.String("lat", "", "latitude in degrees (coarsened to about 150 m)")
	lon := fs.String("lon", "", "longitude in degrees")
	fs.StringVar(&req.Camera, "camera", "", "camera whose footage to attach")
	fs.StringVar(&req.Start, "start", "", "clip start, RFC 3339")
	fs.StringVar(&req.End, "end", "", "clip end, RFC 3339")
	c, _, done, err := parseNodeCmd(fs, usageAlertPost, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	if req.Text == "" {
		return usageErrorf("alert post: --text is required")
	}
	for _, f := range []struct {
		name, v string
		dst     **float64
	}{{"lat", *lat, &req.Lat}, {"lon", *lon, &req.Lon}} {
		if f.v == "" {
			continue
		}
		v, err := strconv.ParseFloat(f.v, 64)
		if err != nil {
			return usageErrorf("alert post: --%s: not a number: %q", f.name, f.v)
		}
		*f.dst = &v
	}
	for _, f := range []struct{ name, v string }{{"start", req.Start}, {"end", req.End}} {
		if _, err := time.Parse(time.RFC3339Nano, f.v); f.v != "" && err != nil {
			return usageErrorf("alert post: --%s: not an RFC 3339 time: %q", f.name, f.v)
		}
	}
	a, err := c.client.PostAlert(c.ctx, req)
	if err != nil {
		return fmt.Errorf("alert post: %w", err)
	}
	fmt.Fprintln(stdout, a.ID)
	return nil
}

func runAlertList(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("alert list", flag.ContinueOnError)
	hood := fs.String("hood", "", "hood ID (default: every hood)")
	asJSON := fs.Bool("json", false, "print JSON")
	c, _, done, err := parseNodeCmd(fs, usageAlertList, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	as, err := c.client.Alerts(c.ctx, *hood)
	if err != nil {
		return fmt.Errorf("alert list: %w", err)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(as)
	}
	for _, a := range as {
		clip := ""
		if a.Clip != nil {
			clip = fmt.Sprintf(" [clip %s %s, %d bytes]", a.Clip.Camera, a.Clip.End.Sub(a.Clip.Start), a.Clip.Size)
		}
		fmt.Fprintf(stdout, "%s  %s  %-10s %s: %s%s\n", a.Time.Local().Format(time.DateTime), a.ID, a.Category,
			a.AuthorName, a.Text, clip)
		for _, m := range a.Matches { // this home's own events there and then; the web UI offers their clips
			fmt.Fprintf(stdout, "    your %s camera saw %s at %s (event %d)\n", m.Camera, m.Kind,
				m.Start.Local().Format(time.TimeOnly), m.ID)
		}
	}
	return nil
}

func runAlertClip(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("alert clip", flag.ContinueOnError)
	out := fs.String("o", "", "output MP4 file (required)")
	c, pos, done, err := parseNodeCmd(fs, usageAlertClip, args, 1, stdout)
	if err != nil {
		return err
	}
	defer done()
	if *out == "" {
		return usageErrorf("alert clip: -o is required")
	}
	n, err := atomicfile.WriteFrom(*out, 0o600, func(w io.Writer) error {
		_, err := c.client.AlertClip(c.ctx, pos[0], w)
		return err
	})
	if err != nil {
		return fmt.Errorf("alert clip: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", *out, n)
	return nil
}
