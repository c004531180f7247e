package motion

import "errors"

// Errors of the bitstream parser. A malformed NAL unit costs the detector that frame's header signals,
// never the stream: the frame still counts by its size.
var (
	errShort     = errors.New("motion: header runs past the end of the NAL unit")
	errGolomb    = errors.New("motion: exp-Golomb code longer than 32 bits")
	errRange     = errors.New("motion: header field out of range")
	errNoParams  = errors.New("motion: slice refers to a parameter set not seen yet")
	errUnhandled = errors.New("motion: header uses a feature the parser does not read")
)

// maxHeader is how many bytes of a NAL unit are unescaped for header parsing: slice headers are a few
// dozen bytes, and a parameter set that needs more is not one a camera sends.
const maxHeader = 256

// rbsp holds the first bytes of a NAL unit with its emulation-prevention bytes (00 00 03) removed, so
// header fields can be read bit by bit. It is a fixed array: parsing allocates nothing.
type rbsp struct {
	buf [maxHeader]byte
	n   int // bytes in buf
	pos int // bit position of the next read
}

// load unescapes the NAL unit, from its first byte after skip, into r.
func (r *rbsp) load(nalu []byte, skip int) {
	r.n, r.pos = 0, 0
	zeros := 0
	for i := skip; i < len(nalu) && r.n < maxHeader; i++ {
		b := nalu[i]
		if zeros >= 2 && b == 3 {
			zeros = 0
			continue
		}
		if b == 0 {
			zeros++
		} else {
			zeros = 0
		}
		r.buf[r.n] = b
		r.n++
	}
}

// bit reads one bit.
func (r *rbsp) bit() (uint32, error) {
	if r.pos >= r.n*8 {
		return 0, errShort
	}
	b := uint32(r.buf[r.pos>>3]>>(7-uint(r.pos&7))) & 1
	r.pos++
	return b, nil
}

// flag reads one bit as a bool.
func (r *rbsp) flag() (bool, error) {
	b, err := r.bit()
	return b == 1, err
}

// bits reads n (<= 32) bits, most significant first.
func (r *rbsp) bits(n int) (uint32, error) {
	if n < 0 || n > 32 {
		return 0, errRange
	}
	if r.pos+n > r.n*8 {
		return 0, errShort
	}
	var v uint32
	for range n {
		v = v<<1 | uint32(r.buf[r.pos>>3]>>(7-uint(r.pos&7)))&1
		r.pos++
	}
	return v, nil
}

// skip passes over n bits.
func (r *rbsp) skip(n int) error {
	if n < 0 || r.pos+n > r.n*8 {
		return errShort
	}
	r.pos += n
	return nil
}

// ue reads an unsigned exp-Golomb code.
func (r *rbsp) ue() (uint32, error) {
	zeros := 0
	for {
		b, err := r.bit()
		if err != nil {
			return 0, err
		}
		if b == 1 {
			break
		}
		zeros++
		if zeros > 31 {
			return 0, errGolomb
		}
	}
	rest, err := r.bits(zeros)
	if err != nil {
		return 0, err
	}
	return uint32((uint64(1)<<zeros)-1) + rest, nil
}

// se reads a signed exp-Golomb code.
func (r *rbsp) se() (int32, error) {
	u, err := r.ue()
	if err != nil {
		return 0, err
	}
	if u&1 == 1 {
		return int32((u + 1) / 2), nil
	}
	return -int32(u / 2), nil
}

// ueMax reads an unsigned exp-Golomb code that must not exceed max.
func (r *rbsp) ueMax(max uint32) (uint32, error) {
	v, err := r.ue()
	if err == nil && v > max {
		err = errRange
	}
	return v, err
}

// ceilLog2 is the number of bits needed to code values 0..n-1.
func ceilLog2(n uint32) int {
	b := 0
	for (uint32(1) << b) < n {
		b++
	}
	return b
}
