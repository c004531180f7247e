package motion

// h264Slice reads an H.264 slice header (ITU-T H.264 7.3.3) up to slice_qp_delta. It fills s.typ from
// slice_type even when a later field cannot be read (then s.hasQP is false and err says why).
func (p *h264Params) slice(nalu []byte, r *rbsp, s *sliceInfo) error {
	refIdc := nalu[0] >> 5 & 3
	idr := nalu[0]&0x1f == h264IDR
	s.ref = refIdc != 0
	r.load(nalu, 1)
	if _, err := r.ue(); err != nil { // first_mb_in_slice
		return err
	}
	st, err := r.ueMax(9)
	if err != nil {
		return err
	}
	switch st % 5 {
	case 0, 3: // P, SP
		s.typ = sliceP
	case 1:
		s.typ = sliceB
	default: // I, SI
		s.typ = sliceI
	}
	ppsID, err := r.ueMax(255)
	if err != nil {
		return err
	}
	pps := &p.pps[ppsID]
	if !pps.ok || !p.sps[pps.sps].ok {
		return errNoParams
	}
	if pps.sliceGroupsOther {
		return errUnhandled
	}
	sps := &p.sps[pps.sps]
	if sps.separateColourPlane {
		if err := r.skip(2); err != nil {
			return err
		}
	}
	if err := r.skip(sps.log2MaxFrameNum); err != nil { // frame_num
		return err
	}
	field := false
	if !sps.frameMbsOnly {
		if field, err = r.flag(); err != nil {
			return err
		}
		if field {
			if err := r.skip(1); err != nil {
				return err
			}
		}
	}
	if idr {
		if _, err := r.ue(); err != nil { // idr_pic_id
			return err
		}
	}
	switch {
	case sps.pocType == 0:
		if err := r.skip(sps.log2MaxPocLsb); err != nil {
			return err
		}
		if pps.bottomFieldPoc && !field {
			if _, err := r.se(); err != nil {
				return err
			}
		}
	case sps.pocType == 1 && !sps.deltaPocAlwaysZero:
		if _, err := r.se(); err != nil {
			return err
		}
		if pps.bottomFieldPoc && !field {
			if _, err := r.se(); err != nil {
				return err
			}
		}
	}
	if pps.redundantPicCnt {
		if _, err := r.ue(); err != nil {
			return err
		}
	}
	if s.typ == sliceB {
		if err := r.skip(1); err != nil { // direct_spatial_mv_pred_flag
			return err
		}
	}
	l0, l1 := pps.numRefIdxL0, pps.numRefIdxL1
	if s.typ != sliceI {
		override, err := r.flag()
		if err != nil {
			return err
		}
		if override {
			if l0, err = r.ueMax(31); err != nil {
				return err
			}
			if s.typ == sliceB {
				if l1, err = r.ueMax(31); err != nil {
					return err
				}
			}
		}
		if err := h264RefListMod(r); err != nil {
			return err
		}
		if s.typ == sliceB {
			if err := h264RefListMod(r); err != nil {
				return err
			}
		}
	}
	if (pps.weightedPred && s.typ == sliceP) || (pps.weightedBipred == 1 && s.typ == sliceB) {
		if err := h264PredWeights(r, sps.chromaArrayType, l0, l1, s.typ == sliceB); err != nil {
			return err
		}
	}
	if refIdc != 0 {
		if err := h264RefPicMarking(r, idr); err != nil {
			return err
		}
	}
	if pps.cabac && s.typ != sliceI {
		if _, err := r.ueMax(2); err != nil { // cabac_init_idc
			return err
		}
	}
	dqp, err := r.se()
	if err != nil {
		return err
	}
	qp := pps.initQP + dqp
	if qp < -12 || qp > 51 {
		return errRange
	}
	s.qp, s.hasQP = int(qp), true
	return nil
}

// maxListOps bounds the loops of reference list syntax: a real stream has a handful of entries.
const maxListOps = 66

// h264RefListMod skips ref_pic_list_modification for one list.
func h264RefListMod(r *rbsp) error {
	on, err := r.flag()
	if err != nil || !on {
		return err
	}
	for range maxListOps {
		idc, err := r.ueMax(5)
		if err != nil {
			return err
		}
		if idc == 3 {
			return nil
		}
		if _, err := r.ue(); err != nil {
			return err
		}
	}
	return errRange
}

// h264PredWeights skips pred_weight_table.
func h264PredWeights(r *rbsp, chroma, l0, l1 uint32, b bool) error {
	if _, err := r.ue(); err != nil { // luma_log2_weight_denom
		return err
	}
	if chroma != 0 {
		if _, err := r.ue(); err != nil {
			return err
		}
	}
	lists := 1
	if b {
		lists = 2
	}
	for l := range lists {
		n := l0
		if l == 1 {
			n = l1
		}
		for range n + 1 {
			if err := skipWeight(r, 2); err != nil {
				return err
			}
			if chroma != 0 {
				if err := skipWeight(r, 4); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// skipWeight skips a weight flag and, when set, the n signed values it guards.
func skipWeight(r *rbsp, n int) error {
	on, err := r.flag()
	if err != nil || !on {
		return err
	}
	for range n {
		if _, err := r.se(); err != nil {
			return err
		}
	}
	return nil
}

// h264RefPicMarking skips dec_ref_pic_marking.
func h264RefPicMarking(r *rbsp, idr bool) error {
	if idr {
		return r.skip(2)
	}
	adaptive, err := r.flag()
	if err != nil || !adaptive {
		return err
	}
	for range maxListOps {
		op, err := r.ueMax(6)
		if err != nil {
			return err
		}
		if op == 0 {
			return nil
		}
		n := 0
		switch op {
		case 1, 2, 4, 6:
			n = 1
		case 3:
			n = 2
		}
		for range n {
			if _, err := r.ue(); err != nil {
				return err
			}
		}
	}
	return errRange
}
