package wire

import "time"

// Millis is the time a record's timestamp field (Unix milliseconds) stands for, in UTC.
func Millis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
