package motion

// sliceType is the coding type of a slice or of a whole picture (its least restricted slice).
type sliceType uint8

// Slice types, ordered so that a picture's type is the highest of its slices'.
const (
	sliceNone sliceType = iota // no slice read
	sliceI
	sliceP
	sliceB
)

// sliceInfo is what one slice header gives.
type sliceInfo struct {
	typ        sliceType
	ref        bool // referenced by later pictures (nal_ref_idc != 0; H.265: not a sub-layer non-reference type)
	temporalID int  // H.265 TemporalId; 0 for H.264
	qp         int  // slice QP, valid when hasQP
	hasQP      bool
}

// frameInfo is what the parser reads from one access unit, without decoding it.
type frameInfo struct {
	typ   sliceType
	ref   bool
	size  int     // bytes of slice NAL units
	sizes [4]int  // bytes of slice NAL units by sliceType
	qp    float64 // size-weighted mean slice QP, valid when hasQP
	hasQP bool
	bad   int // NAL units whose header could not be read
}

// parser reads the signals of access units of one stream. It keeps the parameter sets it has seen and
// allocates nothing per frame (only when a parameter set changes).
type parser struct {
	h265 bool
	r    rbsp
	p264 *h264Params
	p265 *h265Params
}

func newParser(codec string) *parser {
	if codec == "H265" {
		return &parser{h265: true, p265: new(h265Params)}
	}
	return &parser{p264: new(h264Params)}
}

// frame reads the NAL units of one access unit.
func (p *parser) frame(nalus [][]byte) frameInfo {
	var fi frameInfo
	var qpSum, qpBytes float64
	for _, n := range nalus {
		if len(n) < 2 {
			fi.bad++
			continue
		}
		var s sliceInfo
		var err error
		vcl := false
		if p.h265 {
			t := n[0] >> 1 & 0x3f
			switch {
			case t <= h265VCLLast:
				vcl = true
				err = p.p265.slice(n, &p.r, &s)
				if err == errUnhandled && s.typ == sliceNone {
					err, s.typ = nil, fi.typ // a later slice segment of the picture
				}
			case t == h265PPS:
				err = p.p265.parsePPS(n, &p.r)
			case t == h265SPSType:
				err = p.p265.parseSPS(n)
			}
		} else {
			switch n[0] & 0x1f {
			case h264NonIDR, h264IDR:
				vcl = true
				err = p.p264.slice(n, &p.r, &s)
			case h264SPS:
				err = p.p264.parseSPS(n, &p.r)
			case h264PPS:
				err = p.p264.parsePPS(n, &p.r)
			}
		}
		if err != nil && err != errUnhandled {
			fi.bad++
		}
		if !vcl {
			continue
		}
		fi.size += len(n)
		fi.sizes[s.typ] += len(n)
		fi.typ = max(fi.typ, s.typ)
		fi.ref = fi.ref || s.ref
		if s.hasQP {
			qpSum += float64(s.qp) * float64(len(n))
			qpBytes += float64(len(n))
		}
	}
	if qpBytes > 0 {
		fi.qp, fi.hasQP = qpSum/qpBytes, true
	}
	return fi
}
