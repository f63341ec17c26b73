/* kernels/stim.cu - generators on the device, with the semantics of run_generators() in
 * host/backend_cpu.c and the SG_HD helpers of include/sg/stim/.
 *
 * prepare_generators_kernel: one thread per generator (grid-stride). Advances what is serial per
 * generator and carried from step to step: the spike_generator read position (the events passed
 * in this step become [e0, e1)), the noise_generator modulation rotation (y0, y1) and its draw
 * grid (next_draw), the step_current_generator amplitude of this step. Determinism: bit-exact (one
 * thread owns a generator; the same operations in the same order as the CPU).
 *
 * stimulate_targets_kernel: one thread per generator synapse over all generators' targets
 * (grid-stride, consecutive threads = consecutive synapses of a row: coalesced reads). Poisson
 * counts are drawn per target (counter-based Philox: element gid << 32 | j, step k), noise values
 * per target (each thread owns its value), then the event is added into ring slot k + d with a
 * 64-bit integer atomicAdd. Determinism: bit-exact (integer sums are order-independent). */
/* SPDX-License-Identifier: MIT */
#include <cuda_runtime.h>

#include "sg/model_list.h"
#include "sg/ring.h"
#include "sg/stim/device.h"
#include "sg/stim/noise_generator.h"
#include "sg/stim/poisson_generator.h"
#include "sg/stim/step_current_generator.h"
#include "sg_cu_device.h"

__global__ void prepare_generators_kernel(sg_cu_gen_args a) {
  const uint64_t k = a.ctl->step;
  SG_CU_GRID_LOOP(g, a.n_gens) {
    sg_cu_gen G = a.gens[g];
    G.active = 0;
    G.draw = 0;
    switch (G.model) {
    case SG_MODEL_spike_generator:
      /* every event with stamp <= k+1 is passed now; those with stamp k+1 are sent */
      G.e0 = G.ev_pos;
      while (G.ev_pos < G.ev_n && a.ev_t[G.ev_off + G.ev_pos] <= (int64_t)k + 1) G.ev_pos++;
      G.e1 = G.ev_pos;
      G.active = G.has_targets && G.e1 > G.e0;
      break;
    case SG_MODEL_poisson_generator:
      G.active = G.has_targets && sg_window_poisson(G.t_min, G.t_max, (int64_t)k) && G.lambda > 0.0;
      break;
    case SG_MODEL_step_current_generator:
      G.active = G.has_targets && sg_window_current(G.t_min, G.t_max, (int64_t)k);
      if (G.active)
        G.amp = sg_step_current_amplitude(a.ev_t + G.ev_off, a.ev_w + G.ev_off, (uint32_t)G.ev_n, (int64_t)k + 1);
      break;
    case SG_MODEL_noise_generator:
      G.active = G.has_targets && sg_window_current(G.t_min, G.t_max, (int64_t)k);
      if (G.active) {
        if (G.std_mod2 != 0.0) {
          sg_noise_coef nc;
          nc.mean = G.mean; nc.std2 = G.std2; nc.std_mod2 = G.std_mod2;
          nc.cos_wh = G.cos_wh; nc.sin_wh = G.sin_wh;
          nc.t_min = G.t_min; nc.t_max = G.t_max; nc.dt_steps = G.dt_steps;
          sg_noise_rotate(&nc, &G.y0, &G.y1);
        }
        if ((int64_t)k >= G.next_draw) {
          G.draw = 1;
          G.next_draw = (int64_t)k + G.dt_steps;
        }
      }
      break;
    default: break;
    }
    a.gens[g] = G;
  }
}

__global__ void stimulate_targets_kernel(sg_cu_gen_args a, sg_cu_gen_syn gs) {
  const uint64_t k = a.ctl->step;
  SG_CU_GRID_LOOP(e, gs.n) {
    const uint32_t g = gs.gen[e];
    const sg_cu_gen *G = &a.gens[g];
    if (!G->active) continue;
    const uint64_t j = gs.j[e];
    const double w = (double)gs.weight[e];
    int64_t *dst = sg_ring_slot(a.ring, k + gs.delay[e], a.mask, a.n_inputs) + gs.input[e];
    switch (G->model) {
    case SG_MODEL_spike_generator:
      for (uint64_t q = G->e0; q < G->e1; ++q) {
        const uint64_t ev = G->ev_off + q;
        const int64_t S = a.ev_t[ev];
        if (S != (int64_t)k + 1 || !sg_window_spike(G->t_min, G->t_max, S) || a.ev_m[ev] == 0) continue;
        sg_cu_ring_add(dst, sg_fx_mul_count(sg_fx_from_double(w * a.ev_w[ev]), a.ev_m[ev]));
      }
      break;
    case SG_MODEL_poisson_generator: {
      sg_poisson_coef pc;
      pc.lambda = G->lambda; pc.emlambda = G->emlambda; pc.t_min = G->t_min; pc.t_max = G->t_max;
      const uint32_t cnt = sg_poisson_generator_count(&pc, a.seed, G->gid, j, k);
      if (cnt) sg_cu_ring_add(dst, sg_fx_mul_count(sg_fx_from_double(w), cnt));
      break;
    }
    case SG_MODEL_step_current_generator:
      sg_cu_ring_add(dst, sg_fx_from_double(G->amp * w));
      break;
    case SG_MODEL_noise_generator: {
      double *val = a.vals + G->val_off + j;
      if (G->draw) {
        sg_noise_coef nc;
        nc.mean = G->mean; nc.std2 = G->std2; nc.std_mod2 = G->std_mod2;
        nc.cos_wh = G->cos_wh; nc.sin_wh = G->sin_wh;
        nc.t_min = G->t_min; nc.t_max = G->t_max; nc.dt_steps = G->dt_steps;
        *val = sg_noise_generator_draw(&nc, a.seed, G->gid, j, k, G->y1);
      }
      sg_cu_ring_add(dst, sg_fx_from_double(*val * w));
      break;
    }
    default: break;
    }
  }
}

extern "C" unsigned sg_cuda_block_stim(int which, unsigned want) {
  return sg_cu_cap_block(which == SG_CU_K_PREPARE_GENS ? (const void *)prepare_generators_kernel
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
