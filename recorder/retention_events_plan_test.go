package recorder

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// events returns a copy of cands with the segments of the given IDs marked as event segments.
func events(cands []candidate, ids ...uint64) []candidate {
	out := slices.Clone(cands)
	for i := range out {
		out[i].event = slices.Contains(ids, out[i].id)
	}
	return out
}

// TestPlanRetentionEvents: segments that overlap an event outlive max_age until events_max_age, and
// deletions for size and space take continuous footage first, within holds, the open segment, the
// floor of recent footage and the credit.
func TestPlanRetentionEvents(t *testing.T) {
	t0, a, b, base := planFixture()
	tests := []struct {
		name string
		mod  func(*retentionInput)
		want []string // "stream#id reason"
	}{
		{"event segment survives max_age, younger continuous ones go", func(in *retentionInput) {
			in.global = Limits{MaxAge: 6 * time.Minute, EventsMaxAge: time.Hour}
			in.oldest["a/main"] = events(a, 2)
		}, []string{"a/main#1 max_age", "a/main#3 max_age", "b/main#1 max_age", "b/main#2 max_age", "b/main#3 max_age"}},
		{"event segment dies after events_max_age", func(in *retentionInput) {
			in.global = Limits{MaxAge: 6 * time.Minute, EventsMaxAge: 8*time.Minute + 30*time.Second}
			in.oldest["a/main"] = events(a, 1, 2)
		}, []string{"a/main#1 events_max_age", "a/main#3 max_age", "b/main#1 max_age", "b/main#2 max_age", "b/main#3 max_age"}},
		{"events_max_age 0 is max_age", func(in *retentionInput) {
			in.global = Limits{MaxAge: 6 * time.Minute}
			in.oldest["a/main"] = events(a, 2)
		}, []string{"a/main#1 max_age", "a/main#2 events_max_age", "a/main#3 max_age", "b/main#1 max_age", "b/main#2 max_age", "b/main#3 max_age"}},
		{"a camera's events_max_age", func(in *retentionInput) {
			in.global = Limits{MaxAge: 6 * time.Minute}
			in.cameras["a"] = Limits{EventsMaxAge: time.Hour}
			in.oldest["a/main"] = events(a, 1)
			in.oldest["b/main"] = events(b, 1)
		}, []string{"a/main#2 max_age", "a/main#3 max_age", "b/main#1 events_max_age", "b/main#2 max_age", "b/main#3 max_age"}},
		{"events_max_age without max_age limits nothing", func(in *retentionInput) {
			in.global = Limits{EventsMaxAge: time.Minute}
			in.oldest["a/main"] = events(a, 1, 2)
		}, []string{}},
		{"global max_bytes takes continuous footage first", func(in *retentionInput) {
			in.global.MaxBytes = 1650
			in.oldest["a/main"] = events(a, 1, 2, 3, 4, 5)
			in.oldest["b/main"] = events(b, 1, 2)
		}, []string{"b/main#3 max_bytes", "b/main#4 max_bytes", "b/main#5 max_bytes", "a/main#6 max_bytes"}},
		{"a camera's max_bytes takes its continuous footage first", func(in *retentionInput) {
			in.cameras["a"] = Limits{MaxBytes: 750}
			in.oldest["a/main"] = events(a, 1, 2)
		}, []string{"a/main#3 max_bytes", "a/main#4 max_bytes", "a/main#5 max_bytes"}},
		{"free space: continuous first, then the oldest event footage", func(in *retentionInput) {
			in.need = 250
			in.oldest = map[string][]candidate{"a/main": events(a, 1, 2, 3, 4, 5, 6, 7, 8)}
		}, []string{"a/main#9 free_space", "a/main#10 free_space", "a/main#1 free_space"}},
		{"no event footage while continuous may be left beyond the list", func(in *retentionInput) {
			in.need = 250
			in.oldest = map[string][]candidate{"a/main": events(a, 1, 2, 3, 4, 5, 6, 7, 8)}
			in.more = map[string]bool{"a/main": true}
		}, []string{"a/main#9 free_space", "a/main#10 free_space"}},
		{"a held continuous segment stays; event footage goes instead", func(in *retentionInput) {
			in.need = 250
			in.oldest = map[string][]candidate{"a/main": events(a, 1, 2, 3, 4, 5, 6, 7, 8)}
			in.held = func(camera string, s, e time.Time) bool { return s.Equal(t0.Add(8 * time.Minute)) } // a#9
		}, []string{"a/main#10 free_space", "a/main#1 free_space", "a/main#2 free_space"}},
		{"a held event segment stays", func(in *retentionInput) {
			in.need = 150
			in.oldest = map[string][]candidate{"a/main": events(a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)}
			in.held = func(camera string, s, e time.Time) bool { return s.Before(t0.Add(time.Minute)) } // a#1
		}, []string{"a/main#2 free_space", "a/main#3 free_space"}},
		{"the open segment stays", func(in *retentionInput) {
			in.need = 150
			in.oldest = map[string][]candidate{"a/main": events(a, 1, 2, 3, 4, 5, 6, 7, 8, 9)}
			in.open = map[string]uint64{"a/main": 10}
		}, []string{"a/main#1 free_space", "a/main#2 free_space"}},
		{"continuous footage in the floor of recent footage stays; older event footage goes", func(in *retentionInput) {
			in.free, in.minFree = 0, 150
			in.oldest = map[string][]candidate{"a/main": events(a, 1, 2, 3, 4, 5, 6, 7)}
			in.keep = map[string]time.Time{"a/main": t0.Add(7 * time.Minute)}
		}, []string{"a/main#1 free_space", "a/main#2 free_space"}},
		{"event footage for space within the credit only", func(in *retentionInput) {
			in.need, in.credit = 500, 150
			in.oldest = map[string][]candidate{"a/main": events(a, 1, 2, 3, 4, 5, 6, 7, 8, 9)}
		}, []string{"a/main#10 free_space", "a/main#1 free_space"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.mod(&in)
			var got []string
			for _, c := range planRetention(in).del {
				got = append(got, fmt.Sprintf("%s#%d %s", c.key, c.id, c.reason))
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
}
