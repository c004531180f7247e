package nvr

import (
	"context"
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/nvr/notify"
)

// hoodMember is one active member of one of the node's hoods, as the member watcher sees it.
type hoodMember struct {
	Hood, HoodName, ID, Name, Role string
}

// fedMembers lists the active members (not this node) of every hood of f.
func fedMembers(f *federation.Node) func() []hoodMember {
	return func() []hoodMember {
		var out []hoodMember
		for _, h := range f.Hoods() {
			ms, err := f.Members(h.ID)
			if err != nil {
				continue
			}
			for _, m := range ms {
				if !m.Revoked && !m.Self {
					out = append(out, hoodMember{Hood: h.ID, HoodName: h.Name, ID: m.ID.String(), Name: m.Name, Role: m.Role})
				}
			}
		}
		return out
	}
}

// watchMembers notifies each member or agency admitted to a hood of the node while it runs: the members
// present at the first look are the baseline, not news.
func (w *notifications) watchMembers(ctx context.Context) {
	t := time.NewTicker(w.cameraPoll)
	defer t.Stop()
	var known map[[2]string]bool // hood, member
	for {
		ms := w.members()
		first := known == nil
		if first {
			known = map[[2]string]bool{}
		}
		for _, m := range ms {
			k := [2]string{m.Hood, m.ID}
			if known[k] {
				continue
			}
			known[k] = true
			if first {
				continue
			}
			title := "New neighbor in " + m.HoodName
			if m.Role == "agency" {
				title = "Agency admitted to " + m.HoodName
			}
			w.notify(notify.Notification{Type: notify.TypeMember, Title: title,
				Message: m.Name + " (" + m.Role + ") was admitted to " + m.HoodName,
				Link:    w.link("hood", nil)})
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
