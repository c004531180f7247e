package recorder

import "encoding/binary"

// prefixArenaSize is how many bytes of NAL unit length prefixes one arena allocation holds (1,024 NAL units).
const prefixArenaSize = 4096

// prefixArena hands out the 4-byte length prefixes of AVCC samples from shared blocks. A prefix handed out
// is never written again (it may sit in the disk queue or a live viewer's part for seconds): the arena only
// appends, and takes a fresh block when one is full.
type prefixArena struct{ buf []byte }

// appendAVCC appends an access unit in MP4's AVCC form to dst without copying the NAL units: each becomes
// its 4-byte big-endian length followed by the NAL unit itself, slices that the disk writer's writev and
// the live view join. It returns dst and the sample's size in bytes. The NAL units must not change later:
// gortsplib hands each packet's payload over for good (a new buffer per packet; FU-A fragments joined
// into a new one).
func (a *prefixArena) appendAVCC(dst [][]byte, nalus [][]byte) ([][]byte, int) {
	size := 0
	for _, n := range nalus {
		if cap(a.buf)-len(a.buf) < 4 {
			a.buf = make([]byte, 0, prefixArenaSize)
		}
		l := len(a.buf)
		a.buf = binary.BigEndian.AppendUint32(a.buf, uint32(len(n)))
		dst = append(dst, a.buf[l:l+4:l+4], n)
		size += 4 + len(n)
	}
	return dst, size
}
