package ui

import (
	"net/url"
	"strconv"
)

// hlsQuery is the query of an HLS request: the stream, and for a blocking playlist reload the media
// sequence number and part it waits for (-1 when absent).
type hlsQuery struct {
	stream    string
	msn, part int64
}

// maxHLSNumber bounds _HLS_msn and _HLS_part: far beyond any real stream, small enough for any player's
// number type.
const maxHLSNumber = 1<<53 - 1

// parseHLSQuery reads an HLS request's raw query. Other keys (a player's cache busters) are ignored;
// errors name the key and wrap ErrBadRequest.
func parseHLSQuery(raw string) (hlsQuery, error) {
	q := hlsQuery{msn: -1, part: -1}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return q, Errorf(ErrBadRequest, "query: %v", err)
	}
	one := func(key string) (string, bool, error) {
		vs, ok := v[key]
		if !ok {
			return "", false, nil
		}
		if len(vs) != 1 {
			return "", false, Errorf(ErrBadRequest, "%s: given %d times", key, len(vs))
		}
		return vs[0], true, nil
	}
	s, _, err := one("stream")
	if err != nil {
		return q, err
	}
	if s != "" && s != "main" && s != "sub" {
		return q, Errorf(ErrBadRequest, "stream: %q (want main or sub)", s)
	}
	q.stream = s
	for _, f := range []struct {
		key string
		dst *int64
	}{{"_HLS_msn", &q.msn}, {"_HLS_part", &q.part}} {
		s, ok, err := one(f.key)
		if err != nil {
			return q, err
		}
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil || n > maxHLSNumber {
			return q, Errorf(ErrBadRequest, "%s: %q (want a decimal number up to %d)", f.key, s, int64(maxHLSNumber))
		}
		*f.dst = int64(n)
	}
	if q.part >= 0 && q.msn < 0 {
		return q, Errorf(ErrBadRequest, "_HLS_part: given without _HLS_msn")
	}
	return q, nil
}
