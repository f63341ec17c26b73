/* kernels/update.cu - one update kernel per neuron model, stamped out from SG_NEURON_LIST, each
 * calling the model's SG_HD step function from include/sg/models/<m>.h: the device runs exactly
 * the code the CPU backend runs (compiled with -fmad=false, so the same IEEE operations).
 *
 * update_<m>_kernel: one launch per model for all its populations (GeNN's "merged groups"): a
 * device table (sg_cu_upd_pop) gives each population a range of the launch's blocks, which
 * grid-stride over its neurons [begin, end) (all of them on one MPI rank, the rank's block with
 * several: docs/mpi.md), one thread per neuron, warp-uniform. Memory: SoA state rows and
 * the ring slot k of the population's inputs (port-major: coalesced loads and stores); coefficients
 * once per population (broadcast) or one record per node. Spikes are appended to the step's spike
 * list (row = global id - 1, multiplicity, first synapse among the step's: one packed 64-bit
 * atomicAdd per warp reserves slots and synapses, so no scan kernel is needed; sg_cu_device.h)
 * with warp-aggregated atomics, so the list order depends
 * on scheduling; nothing downstream depends on it (delivery adds integers, recorded spikes are
 * sorted by (stamp, sender) on the host). Determinism class: bit-exact per neuron (no
 * cross-thread arithmetic), list order unspecified.
 * The Poisson drive (poisson_generator synapses into neurons, lambda < 10) is drawn here, per
 * target, before the model's step (sg_cu_poisson_drive): no generator launch, no ring traffic.
 * Windows: a launch runs sg_cu_ctl.win steps (1, or up to the shortest delay: no spike made in the
 * window arrives in it), each thread all of them for its neuron before the next, so the neuron's
 * state and coefficients stay in L1 across the window; each entry of the list keeps its step in the
 * window (spk_w), which delivery and recording add to ctl.step.
 * Parrots are one more model of the list. No code after the loop: any epilogue there (e.g. the
 * end of the step, sg_cu_step_end) costs ptxas about 30 more registers in every model. */
/* SPDX-License-Identifier: MIT */
#include <cuda_runtime.h>

#include "sg/model_list.h"
#include "sg/models/all.h"
#include "sg/ring.h"
#include "sg/stim/advance.h"
#include "sg_cu_device.h"

/* The population of this block: the last table entry with block0 <= blockIdx.x (a few entries). */
static __device__ __forceinline__ const sg_cu_upd_pop *sg_cu_pop_of_block(const sg_cu_upd_pop *pops, uint32_t n_pops) {
  uint32_t lo = 0, hi = n_pops;   /* first entry with block0 > blockIdx.x */
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (pops[mid].block0 <= blockIdx.x) lo = mid + 1; else hi = mid;
  }
  return &pops[lo - 1];
}

/* The Poisson drive of node `row` in step k, added to its inputs in slot k (slot_k: the slot's
 * first input) before the model reads them: each of its poisson_generator synapses (delay d) sends
 * what stimulate_targets_kernel would have sent in step k - d into this slot, the same Q31.32
 * event (sg_gen_poisson_event_small: same counter, step k - d), so the slot's integer sum and its
 * one conversion to double do not change. The host gives the drive only generators with
 * lambda < 10, so PTRS's code (~40 registers) stays out of every update. Steps k - d before
 * pois_from are in the ring already (flush_poisson_kernel). This thread alone touches the node's
 * inputs of slot k in this launch (generators and deliveries of other launches write other slots
 * or ran before): a plain add. */
static __device__ __forceinline__ void sg_cu_poisson_drive(const uint32_t *pois_row, sg_cu_gen_syn pois,
                                                           const sg_cu_gen *gens, uint64_t seed, int64_t *slot_k,
                                                           uint64_t row, uint64_t k, uint64_t pois_from) {
  for (uint32_t e = pois_row[row]; e < pois_row[row + 1]; ++e) {   /* 32-bit: fewer registers */
    const uint64_t d = pois.delay[e];
    if (k < pois_from + d) continue;
    const int64_t v = sg_gen_poisson_event_small(&gens[pois.gen[e]].g, seed, pois.j[e], (int64_t)(k - d), (double)pois.weight[e]);
    slot_k[pois.input[e]] = sg_fx_add(slot_k[pois.input[e]], v);
  }
}

#define SG_CU_UPDATE_KERNEL(M)                                                                          \
  __global__ void update_##M##_kernel(sg_cu_update_args a) {                                            \
    if (a.ctl->halted) return; /* a halted batch's remaining windows (sg_cu_advance) */                \
    const sg_cu_upd_pop *P = sg_cu_pop_of_block(a.pops, a.n_pops);                                      \
    const sg_##M##_coef *coef = (const sg_##M##_coef *)P->coef;                                         \
    const uint64_t coef_stride = P->coef_stride, n = P->n, first_id = P->first_id, end = P->end;        \
    const sg_view *view = &P->view;                                                                    \
    const uint64_t k = a.ctl->step;                                                                     \
    const uint32_t W = sg_cu_win(a.ctl);                                                                \
    const uint64_t pois_from = a.pois_row ? a.ctl->pois_from : 0;                                       \
    sg_step_ctx ctx;                                                                                    \
    ctx.seed = a.seed;                                                                                  \
    ctx.first_id = first_id;                                                                            \
    ctx.n = n;                                                                                          \
    ctx.fed_ports = P->fed_ports;                                                                       \
    ctx.in_gap = P->in_gap;                                                                             \
    ctx.in_lo = P->in_lo;                                                                               \
    const uint64_t stride = (uint64_t)P->blocks * blockDim.x;                                           \
    for (uint64_t w0 = P->begin + (uint64_t)(blockIdx.x - P->block0) * blockDim.x + (threadIdx.x & ~31u);  \
         w0 < end; w0 += stride) {                                                                      \
      const uint64_t i = w0 + (threadIdx.x & 31u);                                                      \
      const uint64_t row = first_id - 1u + i;                                                           \
      /* the window's steps of this neuron, one after the other: its state stays in L1 */              \
      for (uint32_t w = 0; w < W; ++w) {                                                                \
        const uint64_t kk = k + w;                                                                      \
        int64_t *slot = sg_ring_slot(a.ring, kk, a.mask, a.n_inputs) + P->input_base;                   \
        ctx.step = kk;                                                                                  \
        uint32_t m = 0;                                                                                 \
        if (i < end && a.pois_row)                                                                      \
          sg_cu_poisson_drive(a.pois_row, a.pois, a.gens, a.seed, slot - P->input_base, row, kk, pois_from);  \
        if (i < end) m = sg_##M##_step(coef + i * coef_stride, view, i, slot, &ctx);                    \
        if (m == SG_STEP_NONFINITE) {                                                                   \
          atomicMin((unsigned long long *)&a.ctl->bad_key,                                              \
                    (unsigned long long)((kk - a.ctl->base) << 32 | row));                              \
          atomicOr(&a.ctl->fault, (unsigned)SG_CU_FAULT_NONFINITE);                                     \
          m = 0;                                                                                        \
        }                                                                                               \
        uint64_t len = 0, pre = 0;                                                                      \
        if (m != 0u) len = a.row_ptr[row + 1] - a.row_ptr[row];                                         \
        const uint32_t q = sg_cu_warp_append_spike(m != 0u, len, a.syn_bits, &a.ctl->spk_acc, &pre);    \
        if (m != 0u) {                                                                                  \
          if (q < a.spk_cap) {                                                                          \
            a.spk_row[q] = (uint32_t)row;                                                               \
            a.spk_mult[q] = m;                                                                          \
            a.spk_w[q] = (uint16_t)w;                                                                   \
            a.spk_prefix[q] = pre;                                                                      \
          } else {                                                                                      \
            atomicOr(&a.ctl->fault, (unsigned)SG_CU_FAULT_SPIKE_LIST);                                  \
          }                                                                                             \
        }                                                                                               \
      }                                                                                                 \
    }                                                                                                   \
  }
#define X(M, M_UPPER) SG_CU_UPDATE_KERNEL(M)
SG_NEURON_LIST(X)
#undef X

extern "C" unsigned sg_cuda_block_stim(int which, unsigned want);
extern "C" unsigned sg_cuda_block_deliver(int which, unsigned want);
extern "C" unsigned sg_cuda_block_record(int which, unsigned want);

extern "C" unsigned sg_cuda_block_for(int which, int model, unsigned want) {
  switch (which) {
  case SG_CU_K_UPDATE:
    switch (model) {
#define X(M, M_UPPER) case SG_MODEL_##M: return sg_cu_cap_block((const void *)update_##M##_kernel, want);
      SG_NEURON_LIST(X)
#undef X
    default: return 0;
    }
  case SG_CU_K_PREPARE_GENS: case SG_CU_K_STIMULATE: case SG_CU_K_FLUSH_POISSON: return sg_cuda_block_stim(which, want);
  case SG_CU_K_DELIVER: case SG_CU_K_PROC: return sg_cuda_block_deliver(which, want);
  case SG_CU_K_RECORD: case SG_CU_K_SAMPLE: return sg_cuda_block_record(which, want);
  default: return 0;
  }
}

extern "C" int sg_cuda_has_update(int model) {
  switch (model) {
#define X(M, M_UPPER) case SG_MODEL_##M: return 1;
    SG_NEURON_LIST(X)
#undef X
  default: return 0;
  }
}

extern "C" cudaError_t sg_cuda_update_neurons(int model, const sg_cu_update_args *a, unsigned grid, unsigned block,
                                              cudaStream_t s) {
  if (a->n_pops == 0) return cudaSuccess;
  if (grid == 0) return cudaErrorInvalidConfiguration;
  switch (model) {
#define X(M, M_UPPER)                                                                                            \
  case SG_MODEL_##M:                                                                                    \
    update_##M##_kernel<<<grid, block, 0, s>>>(*a);                                                     \
    break;
    SG_NEURON_LIST(X)
#undef X
  default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

/* advance_step_kernel: one thread ends the step (sg_cu_advance), for steps whose last launch does
 * not (an update or delivery launch, or none). */
__global__ void advance_step_kernel(sg_cu_ctl *ctl, sg_cu_spikes sp) {
  if (blockIdx.x == 0 && threadIdx.x == 0) sg_cu_advance(ctl, sp);
}

extern "C" cudaError_t sg_cuda_advance_step(sg_cu_ctl *ctl, sg_cu_spikes sp, cudaStream_t s) {
  advance_step_kernel<<<1, 32, 0, s>>>(ctl, sp);
  return cudaGetLastError();
}

/* begin_batch_kernel: one thread resets the control block for a batch (sg_cuda_begin_batch). */
__global__ void begin_batch_kernel(sg_cu_ctl *ctl, uint64_t start, uint32_t half, uint64_t pois_from,
                                   uint64_t rec_halt, const uint32_t *win_tab) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  if (ctl->step != start) {   /* behind a batch halted early: this one does nothing */
    ctl->halted = 1u;
    return;
  }
  ctl->base = start;
  ctl->spk_acc = 0;
  ctl->rec_n = ctl->n_spikes = ctl->n_events = 0;
  ctl->bad_key = UINT64_MAX;
  ctl->pois_from = pois_from;
  ctl->rec_halt = rec_halt;
  ctl->halted = 0u;
  ctl->half = half;
  ctl->blocks_done = 0u;
  ctl->fault = 0u;
  ctl->win_tab = win_tab;
  ctl->win = win_tab ? win_tab[0] : 1u;
  ctl->win_at = 1u;
}

extern "C" cudaError_t sg_cuda_begin_batch(sg_cu_ctl *ctl, uint64_t start, uint32_t half, uint64_t pois_from,
                                           uint64_t rec_halt, const uint32_t *win_tab, cudaStream_t s) {
  begin_batch_kernel<<<1, 32, 0, s>>>(ctl, start, half, pois_from, rec_halt, win_tab);
  return cudaGetLastError();
}

extern "C" cudaError_t sg_cuda_probe_image(void) {
  cudaFuncAttributes a;
  return cudaFuncGetAttributes(&a, (const void *)advance_step_kernel);
}

/* Enough blocks to fill every multiprocessor a few times over, never more than the work needs. */
extern "C" unsigned sg_cuda_grid(uint64_t work, unsigned block, int n_sm) {
  if (work == 0 || block == 0) return 1;
  const uint64_t need = (work + block - 1) / block;
  uint64_t full = (uint64_t)(n_sm > 0 ? n_sm : 1) * (2048u / block) * 4u;
  if (full < 1) full = 1;
  const uint64_t g = need < full ? need : full;
  return (unsigned)(g < 2147483647u ? g : 2147483647u);
}
