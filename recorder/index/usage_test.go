package index_test

import (
	"testing"

	"github.com/porchlight/porchlight/recorder/index"
)

func TestUsage(t *testing.T) {
	size := func(ids ...uint64) int64 { // mkSeg makes segment id 1000+id bytes long
		var n int64
		for _, id := range ids {
			n += 1000 + int64(id)
		}
		return n
	}
	resized := mkSeg(5, 4, at(360), at(400))
	resized.Size = 5
	cases := []struct {
		name  string
		steps []step
		want  index.Usage
	}{
		{"after puts", nil, index.Usage{Bytes: size(1, 2, 3, 4, 5), Segments: 5, Oldest: at(0), Newest: at(420)}},
		{"after replacing", []step{{put: resized}}, index.Usage{Bytes: size(1, 2, 3, 4) + 5, Segments: 5, Oldest: at(0), Newest: at(400)}},
		{"after moving the first", []step{put(1, 1, 30, 60)}, index.Usage{Bytes: size(1, 2, 3, 4, 5), Segments: 5, Oldest: at(30), Newest: at(420)}},
		{"after deleting the oldest", []step{del(1)}, index.Usage{Bytes: size(2, 3, 4, 5), Segments: 4, Oldest: at(60), Newest: at(420)}},
		{"after deleting the newest", []step{del(5)}, index.Usage{Bytes: size(1, 2, 3, 4), Segments: 4, Oldest: at(0), Newest: at(360)}},
		{"after deleting all", []step{del(3), del(1), del(5), del(2), del(4)}, index.Usage{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openDB(t, &index.Options{NoSync: true})
			apply(t, db, "cam", twoRuns)
			apply(t, db, "cam", tc.steps)
			got, err := db.Usage("cam")
			if err != nil {
				t.Fatalf("Usage: %v", err)
			}
			sameUsage(t, got, tc.want)
		})
	}
	db, _ := openDB(t, nil)
	got, err := db.Usage("unknown")
	if err != nil {
		t.Fatalf("Usage of an unknown stream: %v", err)
	}
	sameUsage(t, got, index.Usage{})
}

func sameUsage(t *testing.T, got, want index.Usage) {
	t.Helper()
	if got.Bytes != want.Bytes || got.Segments != want.Segments || !got.Oldest.Equal(want.Oldest) || !got.Newest.Equal(want.Newest) {
		t.Errorf("got usage %+v, want %+v", got, want)
	}
}
