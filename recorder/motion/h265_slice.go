package motion

// H.265 IDR NAL unit types: their slice headers carry no picture order count nor reference sets.
const (
	h265IDRWRADL = 19
	h265IDRNLP   = 20
)

// h265SliceQP reads the rest of an H.265 slice segment header after slice_type up to slice_qp_delta
// (ITU-T H.265 7.3.6.1) and returns the slice QP. Streams with long-term references or reference list
// modification are not read (errUnhandled).
func h265SliceQP(r *rbsp, q *h265QPInfo, sps *h265SPSInfo, nalType uint8, typ sliceType) (int, error) {
	if q.outputFlag {
		if err := r.skip(1); err != nil {
			return 0, err
		}
	}
	if sps.separateColourPlane {
		if err := r.skip(2); err != nil {
			return 0, err
		}
	}
	tmvp := false
	if nalType != h265IDRWRADL && nalType != h265IDRNLP {
		if err := r.skip(sps.log2MaxPocLsb); err != nil {
			return 0, err
		}
		fromSPS, err := r.flag()
		if err != nil {
			return 0, err
		}
		switch {
		case !fromSPS:
			if err := h265SkipRPS(r, sps); err != nil {
				return 0, err
			}
		case sps.numRPS > 1:
			if err := r.skip(ceilLog2(sps.numRPS)); err != nil {
				return 0, err
			}
		}
		if sps.longTermRefs {
			return 0, errUnhandled
		}
		if sps.temporalMVP {
			if tmvp, err = r.flag(); err != nil {
				return 0, err
			}
		}
	}
	if sps.sao {
		n := 1
		if sps.chromaArrayType != 0 {
			n = 2
		}
		if err := r.skip(n); err != nil {
			return 0, err
		}
	}
	if typ != sliceI {
		if err := h265InterFields(r, q, sps, typ, tmvp); err != nil {
			return 0, err
		}
	}
	dqp, err := r.se()
	if err != nil {
		return 0, err
	}
	qp := q.initQP + dqp
	if qp < -12 || qp > 51 {
		return 0, errRange
	}
	return int(qp), nil
}

// h265SkipRPS skips st_ref_pic_set(num_short_term_ref_pic_sets) coded in a slice header.
func h265SkipRPS(r *rbsp, sps *h265SPSInfo) error {
	inter := false
	if sps.numRPS != 0 {
		var err error
		if inter, err = r.flag(); err != nil {
			return err
		}
	}
	if inter {
		d, err := r.ueMax(sps.numRPS - 1) // delta_idx_minus1
		if err != nil {
			return err
		}
		if err := r.skip(1); err != nil { // delta_rps_sign
			return err
		}
		if _, err := r.ue(); err != nil { // abs_delta_rps_minus1
			return err
		}
		for range sps.numDeltaPocs[sps.numRPS-(d+1)] + 1 {
			used, err := r.flag()
			if err != nil {
				return err
			}
			if !used {
				if err := r.skip(1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	neg, err := r.ueMax(16)
	if err != nil {
		return err
	}
	pos, err := r.ueMax(16)
	if err != nil {
		return err
	}
	for range neg + pos {
		if _, err := r.ue(); err != nil {
			return err
		}
		if err := r.skip(1); err != nil {
			return err
		}
	}
	return nil
}

// h265InterFields skips the P/B part of a slice header before five_minus_max_num_merge_cand, and it.
func h265InterFields(r *rbsp, q *h265QPInfo, sps *h265SPSInfo, typ sliceType, tmvp bool) error {
	l0, l1 := q.numRefIdxL0, q.numRefIdxL1
	override, err := r.flag()
	if err != nil {
		return err
	}
	if override {
		if l0, err = r.ueMax(14); err != nil {
			return err
		}
		if typ == sliceB {
			if l1, err = r.ueMax(14); err != nil {
				return err
			}
		}
	}
	if q.listsMod {
		return errUnhandled
	}
	if typ == sliceB {
		if err := r.skip(1); err != nil { // mvd_l1_zero_flag
			return err
		}
	}
	if q.cabacInit {
		if err := r.skip(1); err != nil {
			return err
		}
	}
	if tmvp {
		fromL0 := true
		if typ == sliceB {
			if fromL0, err = r.flag(); err != nil {
				return err
			}
		}
		if (fromL0 && l0 > 0) || (!fromL0 && l1 > 0) {
			if _, err := r.ue(); err != nil { // collocated_ref_idx
				return err
			}
		}
	}
	if (q.weightedPred && typ == sliceP) || (q.weightedBipred && typ == sliceB) {
		if err := h265PredWeights(r, sps.chromaArrayType, l0, l1, typ == sliceB); err != nil {
			return err
		}
	}
	_, err = r.ueMax(4) // five_minus_max_num_merge_cand
	return err
}

// h265PredWeights skips pred_weight_table: for each list, the luma flags, then the chroma flags, then
// the values they guard.
func h265PredWeights(r *rbsp, chroma, l0, l1 uint32, b bool) error {
	if _, err := r.ue(); err != nil { // luma_log2_weight_denom
		return err
	}
	if chroma != 0 {
		if _, err := r.se(); err != nil {
			return err
		}
	}
	lists := 1
	if b {
		lists = 2
	}
	var luma, chromaOn [15]bool
	for l := range lists {
		n := l0
		if l == 1 {
			n = l1
		}
		for i := range n + 1 {
			f, err := r.flag()
			if err != nil {
				return err
			}
			luma[i] = f
		}
		for i := range n + 1 {
			chromaOn[i] = false
			if chroma != 0 {
				f, err := r.flag()
				if err != nil {
					return err
				}
				chromaOn[i] = f
			}
		}
		for i := range n + 1 {
			k := 0
			if luma[i] {
				k += 2
			}
			if chromaOn[i] {
				k += 4
			}
			for range k {
				if _, err := r.se(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
