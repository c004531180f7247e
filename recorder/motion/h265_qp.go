package motion

import (
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
)

// h265SPS is the NAL unit type of an H.265 sequence parameter set.
const h265SPSType = 33

// h265SPSInfo holds the sequence parameter set fields a slice header needs up to slice_qp_delta.
type h265SPSInfo struct {
	ok                  bool
	sum                 uint64
	chromaArrayType     uint32
	separateColourPlane bool
	log2MaxPocLsb       int
	numDeltaPocs        [65]uint32 // per short-term RPS of the SPS
	numRPS              uint32
	longTermRefs        bool
	temporalMVP         bool
	sao                 bool
}

// h265QPInfo holds the PPS fields after num_extra_slice_header_bits that a slice header needs up to
// slice_qp_delta; ok is false when the PPS uses syntax the parser does not read (scaling lists).
type h265QPInfo struct {
	ok             bool
	sps            uint32
	outputFlag     bool
	cabacInit      bool
	numRefIdxL0    uint32
	numRefIdxL1    uint32
	initQP         int32
	weightedPred   bool
	weightedBipred bool
	listsMod       bool
}

// parseSPS records an SPS. Parsing allocates (mediacommon), so it runs only when the SPS changed.
func (p *h265Params) parseSPS(nalu []byte) error {
	var s h265.SPS
	sum := fnv64(nalu)
	for i := range p.sps {
		if p.sps[i].ok && p.sps[i].sum == sum {
			return nil
		}
	}
	if err := s.Unmarshal(nalu); err != nil {
		return err
	}
	if s.ID > 15 || len(s.ShortTermRefPicSets) > 64 || s.Log2MaxPicOrderCntLsbMinus4 > 12 {
		return errRange
	}
	info := h265SPSInfo{ok: true, sum: sum, chromaArrayType: s.ChromaFormatIdc,
		separateColourPlane: s.SeparateColourPlaneFlag, log2MaxPocLsb: int(s.Log2MaxPicOrderCntLsbMinus4) + 4,
		numRPS: uint32(len(s.ShortTermRefPicSets)), longTermRefs: s.LongTermRefPicsPresentFlag,
		temporalMVP: s.TemporalMvpEnabledFlag, sao: s.SampleAdaptiveOffsetEnabledFlag}
	if s.SeparateColourPlaneFlag {
		info.chromaArrayType = 0
	}
	for i, r := range s.ShortTermRefPicSets {
		info.numDeltaPocs[i] = r.NumNegativePics + r.NumPositivePics
	}
	p.sps[s.ID] = info
	return nil
}

// parseQPFields reads the PPS fields after num_extra_slice_header_bits (ITU-T H.265 7.3.2.3.1, up to
// lists_modification_present_flag); r stands just after num_extra_slice_header_bits.
func parseQPFields(r *rbsp, q *h265QPInfo) error {
	var err error
	if err = r.skip(1); err != nil { // sign_data_hiding_enabled_flag
		return err
	}
	if q.cabacInit, err = r.flag(); err != nil {
		return err
	}
	if q.numRefIdxL0, err = r.ueMax(14); err != nil {
		return err
	}
	if q.numRefIdxL1, err = r.ueMax(14); err != nil {
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
	if err = r.skip(2); err != nil { // constrained_intra_pred_flag, transform_skip_enabled_flag
		return err
	}
	if cuQP, err := r.flag(); err != nil {
		return err
	} else if cuQP {
		if _, err := r.ue(); err != nil {
			return err
		}
	}
	for range 2 { // pps_cb_qp_offset, pps_cr_qp_offset
		if _, err := r.se(); err != nil {
			return err
		}
	}
	if err = r.skip(1); err != nil { // pps_slice_chroma_qp_offsets_present_flag
		return err
	}
	if q.weightedPred, err = r.flag(); err != nil {
		return err
	}
	if q.weightedBipred, err = r.flag(); err != nil {
		return err
	}
	if err = r.skip(1); err != nil { // transquant_bypass_enabled_flag
		return err
	}
	tiles, err := r.flag()
	if err != nil {
		return err
	}
	if err = r.skip(1); err != nil { // entropy_coding_sync_enabled_flag
		return err
	}
	if tiles {
		cols, err := r.ueMax(63)
		if err != nil {
			return err
		}
		rows, err := r.ueMax(63)
		if err != nil {
			return err
		}
		uniform, err := r.flag()
		if err != nil {
			return err
		}
		if !uniform {
			for range cols + rows {
				if _, err := r.ue(); err != nil {
					return err
				}
			}
		}
		if err = r.skip(1); err != nil {
			return err
		}
	}
	if err = r.skip(1); err != nil { // pps_loop_filter_across_slices_enabled_flag
		return err
	}
	if dbk, err := r.flag(); err != nil {
		return err
	} else if dbk {
		if err = r.skip(1); err != nil { // deblocking_filter_override_enabled_flag
			return err
		}
		off, err := r.flag()
		if err != nil {
			return err
		}
		if !off {
			for range 2 {
				if _, err := r.se(); err != nil {
					return err
				}
			}
		}
	}
	scaling, err := r.flag()
	if err != nil {
		return err
	}
	if scaling {
		return errUnhandled
	}
	if q.listsMod, err = r.flag(); err != nil {
		return err
	}
	q.ok = true
	return nil
}
