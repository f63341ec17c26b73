/* kernels/update.cu - one update kernel per neuron model, stamped out from SG_NEURON_LIST, each
 * calling the model's SG_HD step function from include/sg/models/<m>.h: the device runs exactly
 * the code the CPU backend runs (compiled with -fmad=false, so the same IEEE operations).
 *
 * update_<m>_kernel: one thread per neuron, warp-uniform grid-stride. Memory: SoA state rows and
 * the ring slot k of the population's inputs (port-major: coalesced loads and stores); coefficients
 * once per population (broadcast) or one record per node. Spikes are appended to the step's spike
 * list (row = global id - 1, multiplicity) with warp-aggregated atomics, so the list order depends
 * on scheduling; nothing downstream depends on it (delivery adds integers, recorded spikes are
 * sorted by (stamp, sender) on the host). Determinism class: bit-exact per neuron (no
 * cross-thread arithmetic), list order unspecified.
 * Parrots are one more model of the list. */
/* SPDX-License-Identifier: MIT */
#include <cuda_runtime.h>

#include "sg/model_list.h"
#include "sg/models/all.h"
#include "sg/ring.h"
#include "sg_cu_device.h"

#define SG_CU_UPDATE_KERNEL(M)                                                                          \
  __global__ void update_##M##_kernel(const sg_##M##_coef *__restrict__ coef, uint64_t coef_stride,     \
                                      sg_view view, sg_cu_update_args a) {                              \
    const uint64_t k = a.ctl->step;                                                                     \
    int64_t *slot = sg_ring_slot(a.ring, k, a.mask, a.n_inputs) + a.input_base;                         \
    sg_step_ctx ctx;                                                                                    \
    ctx.seed = a.seed;                                                                                  \
    ctx.step = k;                                                                                       \
    ctx.first_id = a.first_id;                                                                          \
    ctx.n = a.n;                                                                                        \
    const uint64_t stride = sg_cu_grid_threads();                                                       \
    for (uint64_t w0 = sg_cu_warp_first(); w0 < a.n; w0 += stride) {                                    \
      const uint64_t i = w0 + (threadIdx.x & 31u);                                                      \
      uint32_t m = 0;                                                                                   \
      if (i < a.n) m = sg_##M##_step(coef + i * coef_stride, &view, i, slot, &ctx);                     \
      if (m == SG_STEP_NONFINITE) {                                                                     \
        atomicMin((unsigned long long *)&a.ctl->bad_key,                                                \
                  (unsigned long long)((k - a.ctl->base) << 32 | (a.first_id - 1u + i)));               \
        atomicOr(&a.ctl->fault, (unsigned)SG_CU_FAULT_NONFINITE);                                       \
        m = 0;                                                                                          \
      }                                                                                                 \
      const uint32_t q = sg_cu_warp_append(m != 0u, &a.ctl->spk_n);                                     \
      if (m != 0u) {                                                                                    \
        if (q < a.spk_cap) {                                                                            \
          a.spk_row[q] = (uint32_t)(a.first_id - 1u + i);                                               \
          a.spk_mult[q] = m;                                                                            \
        } else {                                                                                        \
          atomicOr(&a.ctl->fault, (unsigned)SG_CU_FAULT_SPIKE_LIST);                                    \
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
  case SG_CU_K_PREPARE_GENS: case SG_CU_K_STIMULATE: return sg_cuda_block_stim(which, want);
  case SG_CU_K_SCAN: case SG_CU_K_DELIVER: case SG_CU_K_PROC: return sg_cuda_block_deliver(which, want);
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

extern "C" cudaError_t sg_cuda_update_neurons(int model, const void *coef, int coef_per_node, const sg_view *view,
                                              const sg_cu_update_args *a, unsigned grid, unsigned block,
                                              cudaStream_t s) {
  if (a->n == 0) return cudaSuccess;
  if (grid == 0) return cudaErrorInvalidConfiguration;
  const uint64_t stride = coef_per_node ? 1u : 0u;
  switch (model) {
#define X(M, M_UPPER)                                                                                            \
  case SG_MODEL_##M:                                                                                    \
    update_##M##_kernel<<<grid, block, 0, s>>>((const sg_##M##_coef *)coef, stride, *view, *a);         \
    break;
    SG_NEURON_LIST(X)
#undef X
  default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
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
