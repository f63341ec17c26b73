/* kernels/record.cu - recorders on the device: what the host recorders (host/record.c) need,
 * gathered into device buffers that the host downloads once per batch of steps.
 *
 * record_spikes_kernel: one thread per entry of the step's spike list (warp-uniform grid-stride).
 * A spike whose sender has at least one spike_recorder connection is appended as
 * (stamp k+w+1, row, multiplicity; w: its step in the window) with warp-aggregated atomics. The
 * append order is unspecified (within a window also across its steps); the host sorts each batch
 * by (stamp, sender) before handing the spikes to sg_i_srec_push, which
 * is the CPU backend's order (spike list in id order, steps in time order). The recorder windows
 * are applied on the host (sg_i_srec_push). A full buffer sets SG_CU_FAULT_REC_BUF (the host
 * sizes batches, and the end of a step halts the batch when the buffer could not take one more
 * step: sg_cu_advance). Determinism: the set of entries is exact; order
 * restored by the sort.
 *
 * sample_multimeters_kernel: one thread per gather entry (a state element of a multimeter
 * target), grid-stride. In a step where multimeter m is due (table `due`, built by the host from
 * sg_i_mm_due; windows end at every due step, so only a window's last step can be),
 * entry e copies its double into the sample buffer; otherwise the thread returns
 * after one load. Determinism: plain copies, bit-exact.
 *
 * Either kernel, when it is the step's last launch, ends the step in its last block to finish
 * (sg_cu_step_end, kernels/sg_cu_device.h): no early return before that. */
/* SPDX-License-Identifier: MIT */
#include <cuda_runtime.h>

#include "sg_cu_device.h"

__global__ void record_spikes_kernel(sg_cu_ctl *ctl, const uint8_t *__restrict__ has_rec, sg_cu_spikes sp,
                                     sg_cu_rec_ev *buf, uint64_t cap, int last) {
  const uint32_t n = sg_cu_spike_count(ctl, sp);
  const uint64_t k = ctl->step;
  const uint64_t stride = sg_cu_grid_threads();
  buf += ctl->half ? cap : 0u;   /* the half the host is not reading */
  for (uint64_t w0 = sg_cu_warp_first(); w0 < n; w0 += stride) {
    const uint64_t q = w0 + (threadIdx.x & 31u);
    uint32_t row = 0;
    bool rec = false;
    if (q < n) {
      row = sp.row[q];
      rec = has_rec[row] != 0;
    }
    const uint64_t at = sg_cu_warp_append64(rec, &ctl->rec_n);
    if (rec) {
      if (at < cap) {
        sg_cu_rec_ev ev;
        ev.stamp = sg_cu_entry_step(k, sp, (uint32_t)q) + 1u;
        ev.row = row;
        ev.mult = sp.mult[q];
        buf[at] = ev;
      } else {
        atomicOr(&ctl->fault, (unsigned)SG_CU_FAULT_REC_BUF);
      }
    }
  }
  if (last) sg_cu_step_end(ctl, sp);
}

__global__ void sample_multimeters_kernel(sg_cu_ctl *ctl, sg_cu_mm_args a, sg_cu_spikes sp, int last) {
  const uint64_t s = ctl->step + sg_cu_win(ctl) - 1u - ctl->base;   /* the window's last step: its only due one */
  const uint64_t half = ctl->half ? 1u : 0u;   /* the halves the host is not reading */
  const uint64_t *due = a.due + (half * a.due_steps + (s < a.due_steps ? s : 0u)) * a.n_mm;
  double *buf = a.buf + half * a.cap;
  SG_CU_GRID_LOOP(e, s < a.due_steps && !ctl->halted ? a.n_entries : 0u) {
    const uint32_t m = a.mm[e];
    const uint64_t off = due[m];
    if (off == SG_CU_NOT_DUE) continue;
    const uint64_t at = off + (e - a.first[m]);
    if (at < a.cap) buf[at] = *a.addr[e];
    else atomicOr(&ctl->fault, (unsigned)SG_CU_FAULT_MM_BUF);
  }
  if (last) sg_cu_step_end(ctl, sp);
}

extern "C" unsigned sg_cuda_block_record(int which, unsigned want) {
  return sg_cu_cap_block(which == SG_CU_K_RECORD ? (const void *)record_spikes_kernel : (const void *)sample_multimeters_kernel,
                         want);
}

extern "C" cudaError_t sg_cuda_record_spikes(sg_cu_ctl *ctl, const uint8_t *has_rec, sg_cu_spikes sp,
                                             sg_cu_rec_ev *buf, uint64_t cap, int last, unsigned grid, unsigned block,
                                             cudaStream_t s) {
  record_spikes_kernel<<<grid, block, 0, s>>>(ctl, has_rec, sp, buf, cap, last);
  return cudaGetLastError();
}

extern "C" cudaError_t sg_cuda_sample_multimeters(sg_cu_ctl *ctl, sg_cu_mm_args a, sg_cu_spikes sp, int last,
                                                  unsigned grid, unsigned block, cudaStream_t s) {
  if (a.n_entries == 0) return cudaSuccess;
  sample_multimeters_kernel<<<grid, block, 0, s>>>(ctl, a, sp, last);
  return cudaGetLastError();
}
