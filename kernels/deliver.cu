/* kernels/deliver.cu - spike delivery through the CSR (docs/design.md §3.3, docs/gpu.md "Delivery").
 *
 * The spike list comes with the exclusive prefix sum of its row lengths and their total: the
 * update's append reserves them (sg_cu_warp_append_spike, kernels/sg_cu_device.h).
 *
 * deliver_spikes_kernel: one thread per synapse of the step's spikes ("thread per synapse over the
 * prefix sum of the row lengths"), warp-uniform grid-stride over the total, which the grid reads
 * from the control block (the launch configuration is fixed, so the step can be replayed from a
 * graph). A warp takes 32 consecutive synapses: lanes 0 and 31 find the spikes of its first and
 * last synapse by binary search in the prefix sums (from the spike the warp's previous trip ended
 * at: the synapses ascend), __shfl_sync hands both to the warp, and each lane finds its own spike
 * among those two and the ones between (none to search when one row covers the warp, as in any
 * row of 32 synapses or more but at its ends). Its target word (consecutive threads read
 * consecutive synapses: coalesced) holds the ring input and the delay (sg_csr_pack); when the two
 * do not fit 32 bits the word is the plain input and the delay comes from a binary search among
 * the row's segments (rows are sorted by delay; one segment per distinct delay). Each lane adds
 * weight x multiplicity as Q31.32 into ring slot k + w + d (w: the spike's step in the window,
 * sg_cu_entry_step) with a 64-bit integer atomicAdd. Long rows
 * are spread over many threads and short rows packed together, so the work is balanced whatever
 * the out-degrees.
 * Determinism class: bit-exact and run-to-run reproducible. The order of the atomic additions
 * varies, but integer addition is associative and commutative, and each event's fixed-point value
 * is computed by the same sg_fx_* code as on the CPU (docs/design.md §2.4). */
/* SPDX-License-Identifier: MIT */
#include <cuda_runtime.h>

#include "sg/csr.h"
#include "sg/fixed.h"
#include "sg/proc.h"
#include "sg/ring.h"
#include "sg_cu_device.h"

/* The spike that owns synapse e among the step's: the last q in [lo, hi) with prefix[q] <= e, given
 * prefix[lo] <= e (zero-length rows share their prefix with the next entry). */
static __device__ __forceinline__ uint32_t sg_cu_spike_of(const uint64_t *prefix, uint32_t lo, uint32_t hi,
                                                          uint64_t e) {
  ++lo;                                        /* then: the first index with prefix > e, less one */
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (prefix[mid] <= e) lo = mid + 1; else hi = mid;
  }
  return lo - 1;
}

__global__ void deliver_spikes_kernel(const sg_cu_ctl *ctl, sg_cu_csr c, sg_cu_spikes sp, int64_t *ring,
                                      uint64_t n_inputs, uint32_t mask) {
  const uint64_t total = sg_cu_syn_total(ctl, sp);
  if (total == 0) return;
  const uint64_t k = ctl->step;
  const uint32_t n = sg_cu_spike_count(ctl, sp);
  const unsigned lane = threadIdx.x & 31u;
  uint32_t from = 0;                           /* the spike of the warp's last synapse so far */
  for (uint64_t e0 = sg_cu_warp_first(); e0 < total; e0 += sg_cu_grid_threads()) {
    const uint64_t last = total - e0 > 32u ? e0 + 31u : total - 1u;
    uint32_t q = 0;
    if (lane == 0u || lane == 31u) q = sg_cu_spike_of(sp.prefix, from, n, lane == 0u ? e0 : last);
    const uint32_t q0 = __shfl_sync(SG_CU_FULL_MASK, q, 0), q1 = __shfl_sync(SG_CU_FULL_MASK, q, 31);
    from = q1;
    const uint64_t e = e0 + lane;
    if (e > last) continue;
    q = sg_cu_spike_of(sp.prefix, q0, q1 + 1u, e);
    const uint32_t row = sp.row[q];
    const uint64_t j = c.row_ptr[row] + (e - sp.prefix[q]);
    const uint32_t w = c.target[j];
    uint32_t input = w, delay;
    if (c.input_bits != SG_CSR_UNPACKED) {
      input = sg_csr_packed_input(w, c.input_bits);
      delay = sg_csr_packed_delay(w, c.input_bits);
    } else {                                   /* the first segment of the row whose end exceeds j */
      delay = sg_csr_delay_of(c.seg_end, c.seg_delay, c.row_seg[row], c.row_seg[row + 1], j);
    }
    int64_t *slot = sg_ring_slot(ring, sg_cu_entry_step(k, sp, q) + delay, mask, n_inputs);
    sg_cu_ring_add(&slot[input], sg_fx_mul_count(sg_fx_from_double((double)c.weight[j]), sp.mult[q]));
  }
}

/* deliver_proc_kernel: the rows of a procedural projection (sg/proc.h) drawn again for this step's
 * spikes, one thread per (spike, unit) over spikes x max_units (grid-stride; a unit past its row's
 * units does nothing): all_to_all and pairwise_bernoulli units are blocks of targets, single-pick
 * units one slot. Each synapse is added like a stored one (Q31.32 x multiplicity, atomicAdd into
 * slot k + d). Only targets t_lo <= t < t_hi are added (all of them in one process; with MPI ranks
 * this rank's, docs/mpi.md); the others are drawn but skipped. Each thread adds the events it
 * delivered into the step statistics once. */
__global__ void deliver_proc_kernel(sg_cu_ctl *ctl, sg_proc P, const uint32_t *__restrict__ count, sg_cu_spikes sp,
                                    int64_t *ring, uint64_t n_inputs, uint32_t mask, uint64_t t_lo, uint64_t t_hi) {
  const uint32_t n = sg_cu_spike_count(ctl, sp);
  const uint64_t U = P.max_units, k = ctl->step;
  uint64_t events = 0;
  SG_CU_GRID_LOOP(e, (uint64_t)n * U) {
    const uint64_t q = e / U, u = e - q * U;
    const uint64_t sg = (uint64_t)sp.row[q] + 1;
    if (sg < P.pre0 || sg - P.pre0 >= P.npre) continue;
    const uint64_t s = sg - P.pre0;
    if (u >= sg_proc_units(&P, count, s)) continue;
    sg_proc_it it;
    uint64_t t, ke, ks, input;
    float w;
    uint32_t d;
    const uint64_t kq = sg_cu_entry_step(k, sp, (uint32_t)q);
    sg_proc_unit_begin(&P, s, u, &it);
    while (sg_proc_unit_target(&P, &it, &t, &ke, &ks)) {
      if (t - t_lo >= t_hi - t_lo) continue;   /* another rank's target */
      sg_proc_synapse(&P, t, ke, ks, &input, &w, &d);
      int64_t *slot = sg_ring_slot(ring, kq + d, mask, n_inputs);
      sg_cu_ring_add(&slot[input], sg_fx_mul_count(sg_fx_from_double((double)w), sp.mult[q]));
      ++events;
    }
  }
  if (events) atomicAdd((unsigned long long *)&ctl->n_events, (unsigned long long)events);
}

extern "C" unsigned sg_cuda_block_deliver(int which, unsigned want) {
  return sg_cu_cap_block(which == SG_CU_K_PROC ? (const void *)deliver_proc_kernel : (const void *)deliver_spikes_kernel,
                         want);
}

extern "C" cudaError_t sg_cuda_deliver_proc(sg_cu_ctl *ctl, const sg_proc *P, const uint32_t *count, sg_cu_spikes sp,
                                            int64_t *ring, uint64_t n_inputs, uint32_t mask, uint64_t t_lo, uint64_t t_hi,
                                            unsigned grid, unsigned block, cudaStream_t s) {
  deliver_proc_kernel<<<grid, block, 0, s>>>(ctl, *P, count, sp, ring, n_inputs, mask, t_lo, t_hi);
  return cudaGetLastError();
}

extern "C" cudaError_t sg_cuda_deliver_spikes(const sg_cu_ctl *ctl, sg_cu_csr csr, sg_cu_spikes sp, int64_t *ring,
                                              uint64_t n_inputs, uint32_t mask, unsigned grid, unsigned block,
                                              cudaStream_t s) {
  deliver_spikes_kernel<<<grid, block, 0, s>>>(ctl, csr, sp, ring, n_inputs, mask);
  return cudaGetLastError();
}
