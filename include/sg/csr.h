/* sg/csr.h - the compressed rows that spikes are delivered through: the one place their index
 * arithmetic is written.
 *
 * LAYOUT (host/csr.c builds it). Rows are source nodes (row = global id - 1). A row's synapses are
 * sorted by (delay, input) and cut into segments of equal delay: row r holds the segments
 * row_seg[r] .. row_seg[r+1]-1; segment s holds the synapses seg_end[s-1] (0 for s = 0) ..
 * seg_end[s]-1, all with the delay seg_delay[s] steps, and its inputs ascend. Segments of a row
 * are consecutive, so the synapses of segments [s0, s1) are one run, sg_csr_seg_begin(s0) ..
 * seg_end[s1-1]-1.
 *
 * The functions take the arrays, not a struct: the host (sg_csr, host/internal.h) and the device
 * (sg_cu_csr, kernels/sg_cuda.h) hold the same arrays in different structs.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_CSR_H
#define SG_CSR_H

#include "sg/hd.h"

/* First synapse of segment s. */
SG_HD uint64_t sg_csr_seg_begin(const uint64_t *seg_end, uint64_t s) { return s == 0 ? 0 : seg_end[s - 1]; }

/* One past the last synapse of segment s. */
SG_HD uint64_t sg_csr_seg_end(const uint64_t *seg_end, uint64_t s) { return seg_end[s]; }

/* Synapses of the segments [s0, s1) (0 when s0 == s1). */
SG_HD uint64_t sg_csr_span_len(const uint64_t *seg_end, uint64_t s0, uint64_t s1) {
  return s0 == s1 ? 0 : seg_end[s1 - 1] - sg_csr_seg_begin(seg_end, s0);
}

/* First synapse of row r. */
SG_HD uint64_t sg_csr_row_begin(const uint64_t *row_seg, const uint64_t *seg_end, uint64_t r) {
  return sg_csr_seg_begin(seg_end, row_seg[r]);
}

/* Synapses of row r. */
SG_HD uint64_t sg_csr_row_len(const uint64_t *row_seg, const uint64_t *seg_end, uint64_t r) {
  return sg_csr_span_len(seg_end, row_seg[r], row_seg[r + 1]);
}

/* The segment among [s0, s1) (s0 < s1) that holds synapse j of their run: the first whose end
 * exceeds j (binary search). Its delay is seg_delay[sg_csr_seg_of(...)]. */
SG_HD uint64_t sg_csr_seg_of(const uint64_t *seg_end, uint64_t s0, uint64_t s1, uint64_t j) {
  uint64_t lo = s0, hi = s1 - 1;
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (seg_end[mid] <= j) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/* The delay (steps) of the segment holding synapse j of the segments [s0, s1). */
SG_HD uint32_t sg_csr_delay_of(const uint64_t *seg_end, const uint32_t *seg_delay, uint64_t s0, uint64_t s1,
                               uint64_t j) {
  return seg_delay[sg_csr_seg_of(seg_end, s0, s1, j)];
}

/* PACKED TARGETS (the device's delivery, kernels/deliver.cu; the host CSR keeps input and segments
 * apart). Each synapse's ring input and delay in one 32-bit word, input | delay << input_bits, so
 * that delivery reads its delay with its input instead of searching the row's segments.
 * input_bits holds every input 0 .. n_inputs - 1; SG_CSR_UNPACKED (32) says the pair does not fit:
 * the words are then the plain inputs and the delay comes from the segments. */
#define SG_CSR_UNPACKED 32u

/* Bits that hold v (0 for v = 0). */
SG_HD uint32_t sg_csr_bits(uint64_t v) {
  uint32_t b = 0;
  while (b < 64u && (v >> b) != 0) ++b;
  return b;
}

/* input_bits for n_inputs ring inputs (>= 1) and delays up to max_delay steps, or SG_CSR_UNPACKED
 * when input and delay bits together exceed budget (32, or less to test the fallback). */
SG_HD uint32_t sg_csr_pack_bits(uint64_t n_inputs, uint32_t max_delay, uint32_t budget) {
  const uint32_t ib = sg_csr_bits(n_inputs > 0 ? n_inputs - 1u : 0u), db = sg_csr_bits(max_delay);
  return ib < SG_CSR_UNPACKED && ib + db <= budget && budget <= 32u ? ib : SG_CSR_UNPACKED;
}

/* The packed word of (input, delay), and back (input_bits < SG_CSR_UNPACKED). */
SG_HD uint32_t sg_csr_pack(uint32_t input, uint32_t delay, uint32_t input_bits) { return input | delay << input_bits; }
SG_HD uint32_t sg_csr_packed_input(uint32_t w, uint32_t input_bits) { return w & ((1u << input_bits) - 1u); }
SG_HD uint32_t sg_csr_packed_delay(uint32_t w, uint32_t input_bits) { return w >> input_bits; }

#endif
