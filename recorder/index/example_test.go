package index_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

func ExampleDB_Spans() {
	dir, err := os.MkdirTemp("", "index-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := index.Open(filepath.Join(dir, "index.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	start := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	minute := func(n int) time.Time { return start.Add(time.Duration(n) * time.Minute) }
	// Two segments of one run, then a gap and a new run.
	for _, s := range []*index.Segment{
		{ID: 1, Run: 1, Start: minute(0), End: minute(1), File: "a.mp4"},
		{ID: 2, Run: 1, Start: minute(1), End: minute(2), File: "b.mp4"},
		{ID: 3, Run: 3, Start: minute(5), End: minute(6), File: "c.mp4"},
	} {
		if err := db.Put("front/main", s); err != nil {
			log.Fatal(err)
		}
	}
	spans, err := db.Spans("front/main", minute(0), minute(60))
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range spans {
		fmt.Println(s.Start.Format(time.TimeOnly), "-", s.End.Format(time.TimeOnly))
	}
	// Output:
	// 12:00:00 - 12:02:00
	// 12:05:00 - 12:06:00
}
