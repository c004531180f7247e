package motiontest

import "errors"

// AccessUnit is one coded picture of an elementary stream with the parameter sets and SEI before it.
type AccessUnit struct {
	NALUs [][]byte
	Key   bool // IDR (H.264) or IRAP (H.265)
	Size  int  // bytes of slice NAL units, as the recorder counts Frame.Size
}

// AccessUnits splits an Annex-B elementary stream of codec ("H264" or "H265") into access units in
// decode order. A picture starts at a non-VCL unit that follows a slice (parameter sets, SEI, delimiter)
// or at a slice that starts a new picture (first_mb_in_slice 0; first_slice_segment_in_pic_flag). The
// NAL units alias data.
func AccessUnits(codec string, data []byte) ([]AccessUnit, error) {
	h265 := codec == "H265"
	var aus []AccessUnit
	var cur AccessUnit
	sawVCL := false
	flush := func() {
		if len(cur.NALUs) > 0 && sawVCL {
			aus = append(aus, cur)
			cur = AccessUnit{}
			sawVCL = false
		}
	}
	for _, n := range splitAnnexB(data) {
		if len(n) < 2 {
			continue
		}
		var vcl, key, first bool
		if h265 {
			t := n[0] >> 1 & 0x3f
			vcl, key, first = t <= 31, t >= 16 && t <= 23, len(n) > 2 && n[2]&0x80 != 0
		} else {
			t := n[0] & 0x1f
			vcl, key, first = t >= 1 && t <= 5, t == 5, n[1]&0x80 != 0
		}
		if !vcl || first {
			flush()
		}
		cur.NALUs = append(cur.NALUs, n)
		if vcl {
			sawVCL = true
			cur.Size += len(n)
			cur.Key = cur.Key || key
		}
	}
	flush()
	if len(aus) == 0 {
		return nil, errors.New("motiontest: no access unit in the stream")
	}
	return aus, nil
}

// splitAnnexB returns the NAL units between start codes, without the start codes and trailing zeros.
func splitAnnexB(b []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				out = append(out, trimZeros(b[start:i]))
			}
			start = i + 3
			i += 2
		}
	}
	if start >= 0 && start < len(b) {
		out = append(out, b[start:])
	}
	return out
}

func trimZeros(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return b
}
