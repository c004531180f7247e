package nvr

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/porchlight/porchlight/ui"
)

const usageEvents = "--config FILE [--camera NAME] [--kind KIND] [--since 24h | --start T --end T] [--json]"

// eventsPage is how many events the CLI asks for at a time.
const eventsPage = 1000

func runEventsCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("events", flag.ContinueOnError)
	camera := fs.String("camera", "", "only this camera's events")
	kind := fs.String("kind", "", "only events of this kind (motion, ...)")
	since := fs.Duration("since", 0, "events of this last while (default 24h)")
	startS := fs.String("start", "", "start time, RFC 3339 (with --end)")
	endS := fs.String("end", "", "end time, RFC 3339 (with --start)")
	asJSON := fs.Bool("json", false, "print JSON")
	c, _, done, err := parseNodeCmd(fs, usageEvents, args, 0, stdout)
	if err != nil {
		return err
	}
	defer done()
	start, end, err := eventsRange(*since, *startS, *endS, time.Now())
	if err != nil {
		return err
	}
	q := url.Values{"start": {start.Format(time.RFC3339Nano)}, "end": {end.Format(time.RFC3339Nano)}}
	if *camera != "" {
		q.Set("camera", *camera)
	}
	if *kind != "" {
		q.Set("kind", *kind)
	}
	evs, err := c.client.Events(c.ctx, q)
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(evs)
	}
	return printEvents(stdout, evs)
}

// eventsRange turns the range flags into [start, end); its errors are usage errors naming the flag.
func eventsRange(since time.Duration, startS, endS string, now time.Time) (time.Time, time.Time, error) {
	if startS == "" && endS == "" {
		if since == 0 {
			since = 24 * time.Hour
		}
		if since < 0 {
			return time.Time{}, time.Time{}, usageErrorf("events: --since must be positive")
		}
		return now.Add(-since), now.Add(time.Second), nil
	}
	if since != 0 {
		return time.Time{}, time.Time{}, usageErrorf("events: give --since or --start and --end, not both")
	}
	if startS == "" || endS == "" {
		return time.Time{}, time.Time{}, usageErrorf("events: give --start and --end together")
	}
	start, err := time.Parse(time.RFC3339Nano, startS)
	if err != nil {
		return time.Time{}, time.Time{}, usageErrorf("events: --start: not an RFC 3339 time: %q", startS)
	}
	end, err := time.Parse(time.RFC3339Nano, endS)
	if err != nil {
		return time.Time{}, time.Time{}, usageErrorf("events: --end: not an RFC 3339 time: %q", endS)
	}
	if !end.After(start) {
		return time.Time{}, time.Time{}, usageErrorf("events: --end must be after --start")
	}
	return start, end, nil
}

// printEvents writes events as a table, newest first.
func printEvents(w io.Writer, evs []ui.Event) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCAMERA\tKIND\tSTART\tDURATION\tSCORE\tSNAPSHOT")
	for _, e := range evs {
		dur := "open"
		if e.End != nil {
			dur = e.End.Sub(e.Start).Round(100 * time.Millisecond).String()
		}
		snap := "-"
		if e.Snapshot != nil {
			snap = "yes"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%.2f\t%s\n", e.ID, e.Camera, e.Kind, e.Start.Local().Format(time.DateTime),
			dur, e.Score, snap)
	}
	return tw.Flush()
}

// Events lists the events matching q (camera, kind, start, end), newest first, reading every page.
func (c *Client) Events(ctx context.Context, q url.Values) ([]ui.Event, error) {
	out := []ui.Event{}
	q.Set("limit", strconv.Itoa(eventsPage))
	for {
		var page []ui.Event
		if err := c.do(ctx, http.MethodGet, "/api/v1/events?"+q.Encode(), nil, &page); err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < eventsPage {
			return out, nil
		}
		q.Set("before", strconv.FormatUint(page[len(page)-1].ID, 10))
	}
}
