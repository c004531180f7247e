package debpkg

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"time"
)

// writeChangelog writes the package's changelog.gz: one entry in Debian's format for version, dated date,
// compressed at the maximum level without a name or time in the gzip header (as dh_compress does), so
// lintian accepts it and the same commit gives the same bytes.
func writeChangelog(path, version string, date time.Time) error {
	text := fmt.Sprintf("%s (%s) stable; urgency=medium\n\n"+
		"  * Built from git; the history is its log.\n\n"+
		" -- %s  %s\n",
		PackageName, version, maintainer, date.UTC().Format(time.RFC1123Z))
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write([]byte(text)); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("changelog: %w", err)
	}
	return nil
}
