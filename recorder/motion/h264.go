package motion

import (
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// H.264 NAL unit types the parser reads (ITU-T H.264 table 7-1).
const (
	h264NonIDR = 1
	h264IDR    = 5
	h264SPS    = 7
	h264PPS    = 8
)

// h264SPS holds the sequence parameter set fields a slice header needs.
type h264SPSInfo struct {
	ok                  bool
	sum                 uint64 // hash of the NAL unit it was parsed from
	log2MaxFrameNum     int
	frameMbsOnly        bool
	pocType             uint32
	log2MaxPocLsb       int
	deltaPocAlwaysZero  bool
	separateColourPlane bool
	chromaArrayType     uint32
}

// h264PPSInfo holds the picture parameter set fields a slice header needs, up to slice_qp_delta.
type h264PPSInfo struct {
	ok               bool
	sum              uint64
	sps              uint32
	cabac            bool
	bottomFieldPoc   bool
	numRefIdxL0      uint32 // default num_ref_idx_l0_active_minus1
	numRefIdxL1      uint32
	weightedPred     bool
	weightedBipred   uint32
	initQP           int32 // 26 + pic_init_qp_minus26
	redundantPicCnt  bool
	sliceGroupsOther bool // num_slice_groups_minus1 > 0: FMO, not read
}

// h264Params are the parameter sets seen so far in one stream.
type h264Params struct {
	sps [32]h264SPSInfo
	pps [256]h264PPSInfo
}

// fnv64 hashes a NAL unit so an unchanged parameter set (cameras repeat them before every keyframe) is
// not parsed again.
func fnv64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// parseSPS records an SPS. Parsing allocates (mediacommon), so it runs only when the SPS changed.
func (p *h264Params) parseSPS(nalu []byte, r *rbsp) error {
	r.load(nalu, 1)
	if r.n < 4 {
		return errShort
	}
	r.pos = 24
	id, err := r.ueMax(31)
	if err != nil {
		return err
	}
	sum := fnv64(nalu)
	if p.sps[id].ok && p.sps[id].sum == sum {
		return nil
	}
	var s h264.SPS
	if err := s.Unmarshal(nalu); err != nil {
		p.sps[id].ok = false
		return err
	}
	if s.Log2MaxFrameNumMinus4 > 12 || s.Log2MaxPicOrderCntLsbMinus4 > 12 {
		p.sps[id].ok = false
		return errRange
	}
	cat := s.ChromaFormatIdc
	if s.SeparateColourPlaneFlag {
		cat = 0
	}
	p.sps[id] = h264SPSInfo{
		ok: true, sum: sum,
		log2MaxFrameNum:     int(s.Log2MaxFrameNumMinus4) + 4,
		frameMbsOnly:        s.FrameMbsOnlyFlag,
		pocType:             s.PicOrderCntType,
		log2MaxPocLsb:       int(s.Log2MaxPicOrderCntLsbMinus4) + 4,
		deltaPocAlwaysZero:  s.DeltaPicOrderAlwaysZeroFlag,
		separateColourPlane: s.SeparateColourPlaneFlag,
		chromaArrayType:     cat,
	}
	return nil
}

// parsePPS records a PPS (ITU-T H.264 7.3.2.2, up to redundant_pic_cnt_present_flag).
func (p *h264Params) parsePPS(nalu []byte, r *rbsp) error {
	r.load(nalu, 1)
	id, err := r.ueMax(255)
	if err != nil {
		return err
	}
	sum := fnv64(nalu)
	if p.pps[id].ok && p.pps[id].sum == sum {
		return nil
	}
	p.pps[id].ok = false
	var q h264PPSInfo
	q.sum = sum
	if q.sps, err = r.ueMax(31); err != nil {
		return err
	}
	if q.cabac, err = r.flag(); err != nil {
		return err
	}
	if q.bottomFieldPoc, err = r.flag(); err != nil {
		return err
	}
	groups, err := r.ue()
	if err != nil {
		return err
	}
	if groups > 0 {
		// FMO (baseline profile only, no camera sends it): slice group syntax is not read.
		q.sliceGroupsOther = true
		q.ok = true
		p.pps[id] = q
		return nil
	}
	if q.numRefIdxL0, err = r.ueMax(31); err != nil {
		return err
	}
	if q.numRefIdxL1, err = r.ueMax(31); err != nil {
		return err
	}
	if q.weightedPred, err = r.flag(); err != nil {
		return err
	}
	if q.weightedBipred, err = r.bits(2); err != nil {
		return err
	}
	qp, err := r.se()
	if err != nil {
		return err
	}
	if qp < -26-12 || qp > 25 {
		return errRange
	}
	q.initQP = 26 + qp
	if _, err = r.se(); err != nil { // pic_init_qs_minus26
		return err
	}
	if _, err = r.se(); err != nil { // chroma_qp_index_offset
		return err
	}
	if err = r.skip(2); err != nil { // deblocking_filter_control_present_flag, constrained_intra_pred_flag
		return err
	}
	if q.redundantPicCnt, err = r.flag(); err != nil {
		return err
	}
	q.ok = true
	p.pps[id] = q
	return nil
}
