/* kernels/stim.cu - generators on the device: the records and the step of
 * include/sg/stim/advance.h, which the cpu backend (run_serial_generators, host/backend_cpu.c)
 * runs too, and the per-target SG_HD helpers of include/sg/stim/.
 *
 * prepare_generators_kernel: one thread per generator (grid-stride) calls sg_gen_advance, which
 * moves what is serial per generator to step k and says what the step sends. Determinism:
 * bit-exact (one thread owns a generator; the function the CPU calls).
 *
 * stimulate_targets_kernel: one thread per generator synapse over all generators' targets
 * (grid-stride, consecutive threads = consecutive synapses of a row: coalesced reads). Poisson
 * counts are drawn per target (counter-based Philox: element gid << 32 | j, step k), noise values
 * per target (each thread owns its value), then the event is added into ring slot k + d with a
 * 64-bit integer atomicAdd. Determinism: bit-exact (integer sums are order-independent).
 * Poisson synapses into neurons are not in its table: the target's update draws them (the Poisson
 * drive, kernels/update.cu); flush_poisson_kernel puts the drive still due into the ring when the
 * tables change. */
/* SPDX-License-Identifier: MIT */
#include <cuda_runtime.h>

#include "sg/model_list.h"
#include "sg/ring.h"
#include "sg/stim/advance.h"
#include "sg/stim/noise_generator.h"
#include "sg/stim/poisson_generator.h"
#include "sg_cu_device.h"

__global__ void prepare_generators_kernel(sg_cu_gen_args a) {
  if (a.ctl->halted) return;   /* a halted batch's remaining steps (sg_cu_advance) */
  const int64_t k = (int64_t)a.ctl->step;
  SG_CU_GRID_LOOP(g, a.n_gens) {
    sg_gen G = a.gens[g].g;   /* in registers while it advances */
    a.gens[g].now = sg_gen_advance(&G, a.ev_t, a.ev_w, k);
    a.gens[g].g = G;
  }
}

__global__ void stimulate_targets_kernel(sg_cu_gen_args a, sg_cu_gen_syn gs) {
  if (a.ctl->halted) return;
  const uint64_t k = a.ctl->step;
  SG_CU_GRID_LOOP(e, gs.n) {
    const sg_gen_step *now = &a.gens[gs.gen[e]].now;
    if (!now->active) continue;
    const sg_gen *G = &a.gens[gs.gen[e]].g;
    const uint64_t j = gs.j[e];
    const double w = (double)gs.weight[e];
    int64_t *dst = sg_ring_slot(a.ring, k + gs.delay[e], a.mask, a.n_inputs) + gs.input[e];
    switch (G->model) {
    case SG_MODEL_spike_generator:
      for (uint64_t ev = G->ev_off + now->e0; ev < G->ev_off + now->e1; ++ev)
        if (sg_gen_spike_sends(G, a.ev_t, a.ev_m, ev, (int64_t)k))
          sg_cu_ring_add(dst, sg_fx_mul_count(sg_fx_from_double(w * a.ev_w[ev]), a.ev_m[ev]));
      break;
    case SG_MODEL_poisson_generator: {   /* lambda >= 10 or not into a neuron: the rest are the update's drive */
      const int64_t v = sg_gen_poisson_event(G, a.seed, j, (int64_t)k, w);
      if (v) sg_cu_ring_add(dst, v);
      break;
    }
    case SG_MODEL_step_current_generator:
      sg_cu_ring_add(dst, sg_fx_from_double(now->amp * w));
      break;
    case SG_MODEL_noise_generator: {
      double *val = a.vals + G->val_off + j;
      if (now->draw) {
        const sg_noise_coef nc = sg_gen_noise_coef(G);
        *val = sg_noise_generator_draw(&nc, a.seed, G->gid, j, k, G->y1);
      }
      sg_cu_ring_add(dst, sg_fx_from_double(*val * w));
      break;
    }
    default: break;
    }
  }
}

/* The Poisson drive the update would have added for steps from .. to - 1, into the ring instead:
 * for each synapse (delay d) of the table ps the steps k in [max(from, to - d), to), whose events
 * fall due in slots to .. to + d - 1, after the last step the current tables run. The host
 * launches it before it replaces those tables (cu_prepare), so that the ring holds what
 * stimulate_targets_kernel would have put there: the next network, whatever its generators,
 * finds the pending input of the cpu backend. One thread per synapse, steps in order. */
__global__ void flush_poisson_kernel(sg_cu_gen_args a, sg_cu_gen_syn ps, uint64_t from, uint64_t to) {
  SG_CU_GRID_LOOP(e, ps.n) {
    const sg_gen *G = &a.gens[ps.gen[e]].g;
    const uint64_t d = ps.delay[e];
    for (uint64_t k = to - from > d ? to - d : from; k < to; ++k) {
      const int64_t v = sg_gen_poisson_event(G, a.seed, ps.j[e], (int64_t)k, (double)ps.weight[e]);
      if (v) sg_cu_ring_add(sg_ring_slot(a.ring, k + d, a.mask, a.n_inputs) + ps.input[e], v);
    }
  }
}

extern "C" unsigned sg_cuda_block_stim(int which, unsigned want) {
  return sg_cu_cap_block(which == SG_CU_K_PREPARE_GENS ? (const void *)prepare_generators_kernel
                         : which == SG_CU_K_FLUSH_POISSON ? (const void *)flush_poisson_kernel
                                                          : (const void *)stimulate_targets_kernel, want);
}

extern "C" cudaError_t sg_cuda_prepare_generators(const sg_cu_gen_args *a, unsigned grid, unsigned block,
                                                  cudaStream_t s) {
  if (a->n_gens == 0) return cudaSuccess;
  prepare_generators_kernel<<<grid, block, 0, s>>>(*a);
  return cudaGetLastError();
}

extern "C" cudaError_t sg_cuda_stimulate_targets(const sg_cu_gen_args *a, const sg_cu_gen_syn *gs,
                                                 unsigned grid, unsigned block, cudaStream_t s) {
  if (gs->n == 0) return cudaSuccess;
  stimulate_targets_kernel<<<grid, block, 0, s>>>(*a, *gs);
  return cudaGetLastError();
}

extern "C" cudaError_t sg_cuda_flush_poisson(const sg_cu_gen_args *a, const sg_cu_gen_syn *ps, uint64_t from,
                                             uint64_t to, unsigned grid, unsigned block, cudaStream_t s) {
  if (ps->n == 0 || to <= from) return cudaSuccess;
  flush_poisson_kernel<<<grid, block, 0, s>>>(*a, *ps, from, to);
  return cudaGetLastError();
}
