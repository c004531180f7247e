package agency

import (
	"context"
	"sort"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// MonthReport is one agency's month in its public log: how many requests it posted, how large and how
// long they were, and how many clips it received — counts, never from whom.
type MonthReport struct {
	Agency       peer.ID        `json:"agency"`
	AgencyName   string         `json:"agency_name"`
	Month        string         `json:"month"` // 2026-11
	Requests     int            `json:"requests"`
	Closed       int            `json:"closed"`
	Submissions  int            `json:"submissions"`
	AreaSqMi     float64        `json:"area_sq_mi"`     // summed over the month's requests
	MaxAreaSqMi  float64        `json:"max_area_sq_mi"` // the largest one
	WindowHours  float64        `json:"window_hours"`   // summed
	MaxWindowH   float64        `json:"max_window_hours"`
	Categories   map[string]int `json:"categories"`
	LogVerified  bool           `json:"log_verified"`
	LogSize      int64          `json:"log_size"`
	LogProblems  []string       `json:"log_problems,omitempty"`
	RequestsOpen int            `json:"requests_open"` // posted this month and not closed (nor expired)
}

// Transparency audits every agency's log (or reuses an audit of the last auditReuse) and reports it by
// agency and month, from the log's entries alone: anyone in the hood gets the same figures.
func (ag *Agency) Transparency(ctx context.Context) ([]MonthReport, error) {
	logs := ag.recentAudit(ctx)
	var out []MonthReport
	now := ag.now()
	for _, l := range logs {
		months := map[string]*MonthReport{}
		month := func(t int64) *MonthReport {
			k := time.UnixMilli(t).UTC().Format("2006-01")
			if months[k] == nil {
				months[k] = &MonthReport{Agency: l.Agency, AgencyName: l.AgencyName, Month: k, Categories: map[string]int{},
					LogVerified: l.OK(), LogSize: l.Size, LogProblems: l.Problems}
			}
			return months[k]
		}
		posted := map[string]*MonthReport{} // request ID → the month it was posted
		open := map[string]bool{}
		for _, e := range l.entries {
			switch e.Kind {
			case wire.EntryRequest:
				rec, r, ok := openLoggedRequest(e.Record)
				if !ok {
					continue
				}
				m := month(r.Time)
				posted[rec.ID()] = m
				m.Requests++
				m.Categories[r.Category]++
				if a, err := roster.GeoArea(r.Area); err == nil {
					sq := a.AreaSqMi()
					m.AreaSqMi += sq
					m.MaxAreaSqMi = max(m.MaxAreaSqMi, sq)
				}
				h := float64(r.End-r.Start) / float64(time.Hour.Milliseconds())
				m.WindowHours += h
				m.MaxWindowH = max(m.MaxWindowH, h)
				open[rec.ID()] = now.UnixMilli() <= r.Expires
			case wire.EntrySubmission:
				if m := posted[e.Request]; m != nil {
					m.Submissions++
				}
			case wire.EntryClose:
				if m := posted[e.Request]; m != nil {
					m.Closed++
					open[e.Request] = false
				}
			}
		}
		for id, m := range posted {
			if open[id] {
				m.RequestsOpen++
			}
		}
		if len(months) == 0 { // an agency with an empty log still shows, and whether it verified
			month(now.UnixMilli())
		}
		for _, m := range months {
			out = append(out, *m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].AgencyName != out[j].AgencyName {
			return out[i].AgencyName < out[j].AgencyName
		}
		return out[i].Month > out[j].Month
	})
	return out, nil
}

func openLoggedRequest(b []byte) (wire.Signed, wire.Request, bool) {
	var r wire.Request
	rec, err := wire.Decode(b)
	if err == nil {
		err = rec.Open(wire.KindRequest, &r)
	}
	return rec, r, err == nil
}
