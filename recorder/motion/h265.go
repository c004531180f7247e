package motion

// H.265 NAL unit types the parser reads (ITU-T H.265 table 7-1).
const (
	h265IRAPFirst = 16 // BLA_W_LP
	h265IRAPLast  = 23
	h265VCLLast   = 31
	h265PPS       = 34
)

// h265PPSInfo holds the picture parameter set fields a slice header needs up to slice_type.
type h265PPSInfo struct {
	ok         bool
	sum        uint64
	extraBits  int
	dependents bool
	qp         h265QPInfo
}

// h265Params are the parameter sets seen so far in one stream.
type h265Params struct {
	pps [64]h265PPSInfo
	sps [16]h265SPSInfo
}

// parsePPS records a PPS (ITU-T H.265 7.3.2.3.1, up to lists_modification_present_flag).
func (p *h265Params) parsePPS(nalu []byte, r *rbsp) error {
	r.load(nalu, 2)
	id, err := r.ueMax(63)
	if err != nil {
		return err
	}
	sum := fnv64(nalu)
	if p.pps[id].ok && p.pps[id].sum == sum {
		return nil
	}
	p.pps[id].ok = false
	q := h265PPSInfo{sum: sum}
	if q.qp.sps, err = r.ueMax(15); err != nil {
		return err
	}
	if q.dependents, err = r.flag(); err != nil {
		return err
	}
	if q.qp.outputFlag, err = r.flag(); err != nil {
		return err
	}
	extra, err := r.bits(3)
	if err != nil {
		return err
	}
	q.extraBits = int(extra)
	// The fields up to slice_type are enough for the slice type; the rest gives the QP when it reads.
	if err := parseQPFields(r, &q.qp); err != nil && err != errUnhandled {
		q.qp.ok = false
	}
	q.ok = true
	p.pps[id] = q
	return nil
}

// slice reads an H.265 slice segment header (ITU-T H.265 7.3.6.1) up to slice_type. Only the first slice
// segment of a picture is read (the others would need the picture size in CTBs for their address); the
// caller gives those the picture's type.
func (p *h265Params) slice(nalu []byte, r *rbsp, s *sliceInfo) error {
	typ := nalu[0] >> 1 & 0x3f
	tid := int(nalu[1]&7) - 1
	// Sub-layer non-reference pictures are the even types below 16 (TRAIL_N, TSA_N, STSA_N, RADL_N,
	// RASL_N, reserved).
	s.ref = typ >= h265IRAPFirst || typ%2 == 1
	s.temporalID = tid
	r.load(nalu, 2)
	first, err := r.flag()
	if err != nil {
		return err
	}
	if !first {
		return errUnhandled
	}
	if typ >= h265IRAPFirst && typ <= h265IRAPLast {
		if err := r.skip(1); err != nil { // no_output_of_prior_pics_flag
			return err
		}
	}
	ppsID, err := r.ueMax(63)
	if err != nil {
		return err
	}
	pps := &p.pps[ppsID]
	if !pps.ok {
		return errNoParams
	}
	if err := r.skip(pps.extraBits); err != nil {
		return err
	}
	st, err := r.ueMax(2)
	if err != nil {
		return err
	}
	s.typ = [3]sliceType{sliceB, sliceP, sliceI}[st]
	if !pps.qp.ok || !p.sps[pps.qp.sps].ok {
		return nil // slice type only
	}
	qp, err := h265SliceQP(r, &pps.qp, &p.sps[pps.qp.sps], typ, s.typ)
	if err != nil {
		return err
	}
	s.qp, s.hasQP = qp, true
	return nil
}
