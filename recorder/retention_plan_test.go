package recorder

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// segs makes n consecutive one-minute segments of size bytes each for a stream, starting at t0.
func segs(key, camera string, t0 time.Time, n int, size int64) []candidate {
	out := make([]candidate, n)
	for i := range out {
		s := t0.Add(time.Duration(i) * time.Minute)
		out[i] = candidate{key: key, camera: camera, id: uint64(i + 1), start: s, end: s.Add(time.Minute), size: size,
			file: fmt.Sprint(i + 1)}
	}
	return out
}

func ids(c []candidate) []string {
	out := make([]string, len(c))
	for i, x := range c {
		out[i] = fmt.Sprintf("%s#%d", x.key, x.id)
	}
	return out
}

// planFixture is the planner tests' two cameras a and b of ten one-minute segments of 100 bytes (a#k
// covers minute k-1 to k after t0, b's start 30 s later), seen at t0 + 10 minutes without limits.
func planFixture() (t0 time.Time, a, b []candidate, base func() retentionInput) {
	t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a = segs("a/main", "a", t0, 10, 100)
	b = segs("b/main", "b", t0.Add(30*time.Second), 10, 100)
	return t0, a, b, func() retentionInput {
		return retentionInput{now: t0.Add(10 * time.Minute), cameras: map[string]Limits{},
			oldest: map[string][]candidate{"a/main": a, "b/main": b},
			bytes:  map[string]int64{"a/main": 1000, "b/main": 1000}, free: -1, credit: 1 << 40}
	}
}

func TestPlanRetention(t *testing.T) {
	t0, a, _, base := planFixture()
	tests := []struct {
		name string
		mod  func(*retentionInput)
		want []string
	}{
		{"no limits", func(in *retentionInput) {}, []string{}},
		{"global max age", func(in *retentionInput) { in.global.MaxAge = 8 * time.Minute },
			[]string{"a/main#1", "b/main#1"}},
		{"camera max age tighter than global", func(in *retentionInput) {
			in.global.MaxAge = 8 * time.Minute
			in.cameras["a"] = Limits{MaxAge: 7 * time.Minute}
		}, []string{"a/main#1", "a/main#2", "b/main#1"}},
		{"camera max bytes", func(in *retentionInput) { in.cameras["b"] = Limits{MaxBytes: 750} },
			[]string{"b/main#1", "b/main#2", "b/main#3"}},
		{"global max bytes deletes globally oldest first", func(in *retentionInput) { in.global.MaxBytes = 1650 },
			[]string{"a/main#1", "b/main#1", "a/main#2", "b/main#2"}},
		{"free-space floor", func(in *retentionInput) { in.free, in.minFree = 50, 300 },
			[]string{"a/main#1", "b/main#1", "a/main#2"}},
		{"need after a failed write", func(in *retentionInput) { in.need = 1 }, []string{"a/main#1"}},
		{"held range is kept, younger deleted instead", func(in *retentionInput) {
			in.need = 150
			in.oldest = map[string][]candidate{"a/main": a}
			in.held = func(camera string, s, e time.Time) bool { return camera == "a" && s.Before(t0.Add(90*time.Second)) }
		}, []string{"a/main#3", "a/main#4"}},
		{"open segment is never deleted", func(in *retentionInput) {
			in.oldest = map[string][]candidate{"a/main": a[:1]}
			in.open = map[string]uint64{"a/main": 1}
			in.need = 1
		}, []string{}},
		// Another program took the free space: deletions for it stop once they have freed what
		// Porchlight wrote (the credit), the last one overshooting by less than a segment.
		{"free space is freed only within the credit", func(in *retentionInput) {
			in.free, in.minFree, in.credit = 0, 10000, 150
		}, []string{"a/main#1", "b/main#1"}},
		{"nothing freed for space without credit", func(in *retentionInput) {
			in.need, in.credit = 500, 0
		}, []string{}},
		{"the floor of recent footage stays", func(in *retentionInput) {
			in.free, in.minFree = 0, 10000
			in.keep = map[string]time.Time{"a/main": t0.Add(8 * time.Minute), "b/main": t0.Add(9 * time.Minute)}
		}, []string{"a/main#1", "a/main#2", "a/main#3", "a/main#4", "a/main#5", "a/main#6", "a/main#7", "a/main#8",
			"b/main#1", "b/main#2", "b/main#3", "b/main#4", "b/main#5", "b/main#6", "b/main#7", "b/main#8"}},
		{"max_bytes ignores the credit and the floor", func(in *retentionInput) {
			in.global.MaxBytes, in.credit = 1850, 0
			in.keep = map[string]time.Time{"a/main": t0, "b/main": t0}
		}, []string{"a/main#1", "b/main#1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.mod(&in)
			got := ids(planRetention(in).del)
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
}
