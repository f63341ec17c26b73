/* sg/stim/advance.h - a generator as both backends run it, and its step: the one definition of
 * what is serial per generator (the spike_generator read position, the noise_generator modulation
 * and draw grid) and of what its step k sends (events, amplitude, window, whether to draw).
 *
 * host/stim.c fills one sg_gen per generator node at prepare. Every step, before any target is
 * stimulated, sg_gen_advance moves each generator to step k: the cpu backend calls it in
 * run_serial_generators (host/backend_cpu.c), the cuda backend in prepare_generators_kernel
 * (kernels/stim.cu, one thread per generator). The per-target work (Poisson counts, noise draws,
 * the fixed-point events) stays in the generator's own header; only the loop around it differs.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_STIM_ADVANCE_H
#define SG_STIM_ADVANCE_H

#include "sg/fixed.h"
#include "sg/model_list.h"
#include "sg/stim/device.h"
#include "sg/stim/noise_generator.h"
#include "sg/stim/poisson_generator.h"
#include "sg/stim/step_current_generator.h"

/* One generator: per-run constants and the state carried from step to step (ev_pos, y0, y1,
 * next_draw; the cuda backend copies these back for sg_get and later runs). Event and value
 * offsets index the host's sim->gen_t / gen_w / gen_m / gen_vals and their device copies. */
typedef struct sg_gen {
  uint64_t gid;                      /* generator global id (its gen_csr row is gid - 1)   */
  int32_t model;                     /* SG_MODEL_*                                          */
  int32_t has_targets;               /* its gen_csr row has synapses                        */
  int64_t t_min, t_max;              /* activity window, steps                              */
  /* poisson_generator */
  double lambda, emlambda;
  /* noise_generator */
  double mean, std2, std_mod2, cos_wh, sin_wh, y0, y1;
  int64_t dt_steps, next_draw;
  uint64_t val_off, val_n;           /* per-target current values                           */
  /* spike_generator / step_current_generator: event entries                              */
  uint64_t ev_off, ev_n, ev_pos;     /* ev_pos: next entry to emit                          */
} sg_gen;

/* What step k of one generator sends, as sg_gen_advance found it. */
typedef struct sg_gen_step {
  uint64_t e0, e1;   /* spike_generator: entries [e0, e1) (from ev_off) reached in this step     */
  double amp;        /* step_current_generator: the amplitude of this step                      */
  int32_t active;    /* the generator sends to its targets in this step (never without targets) */
  int32_t draw;      /* noise_generator: every target draws a new value in this step            */
} sg_gen_step;

SG_HD sg_poisson_coef sg_gen_poisson_coef(const sg_gen *G) {
  sg_poisson_coef c;
  c.lambda = G->lambda; c.emlambda = G->emlambda; c.t_min = G->t_min; c.t_max = G->t_max;
  return c;
}

SG_HD sg_noise_coef sg_gen_noise_coef(const sg_gen *G) {
  sg_noise_coef c;
  c.mean = G->mean; c.std2 = G->std2; c.std_mod2 = G->std_mod2;
  c.cos_wh = G->cos_wh; c.sin_wh = G->sin_wh;
  c.t_min = G->t_min; c.t_max = G->t_max; c.dt_steps = G->dt_steps;
  return c;
}

/* A poisson_generator carries nothing between steps, so whether step k draws is a function of k
 * alone: the cpu backend asks it from every thread and window step, not through sg_gen_advance. */
SG_HD int sg_gen_poisson_active(const sg_gen *G, int64_t k) {
  return G->has_targets && sg_window_poisson(G->t_min, G->t_max, k) && G->lambda > 0.0;
}

/* The Q31.32 event that poisson_generator G sends in step k through its synapse to target j (the
 * draw element) with weight w: the count times the weight, 0 when G is idle in step k or draws 0.
 * The cuda backend adds it into slot k + d either in stimulate_targets_kernel (step k) or in the
 * update of step k + d (kernels/update.cu, the Poisson drive): the same value, so the same sum. */
SG_HD int64_t sg_gen_poisson_event(const sg_gen *G, uint64_t seed, uint64_t j, int64_t k, double w) {
  if (!sg_gen_poisson_active(G, k)) return 0;
  const sg_poisson_coef pc = sg_gen_poisson_coef(G);
  const uint32_t cnt = sg_poisson_generator_count(&pc, seed, G->gid, j, (uint64_t)k);
  return cnt ? sg_fx_mul_count(sg_fx_from_double(w), cnt) : 0;
}

/* Whether G's counts are drawn by inversion alone (sg_gen_poisson_event_small may serve it). */
SG_HD int sg_gen_poisson_small(const sg_gen *G) { return G->lambda < SG_POISSON_PTRS_MIN; }

/* sg_gen_poisson_event for a generator with sg_gen_poisson_small (the caller checks): the same
 * value, without PTRS's code (the cuda update's Poisson drive). */
SG_HD int64_t sg_gen_poisson_event_small(const sg_gen *G, uint64_t seed, uint64_t j, int64_t k, double w) {
  if (!sg_gen_poisson_active(G, k)) return 0;
  const sg_poisson_coef pc = sg_gen_poisson_coef(G);
  const uint32_t cnt = sg_poisson_generator_count_small(&pc, seed, G->gid, j, (uint64_t)k);
  return cnt ? sg_fx_mul_count(sg_fx_from_double(w), cnt) : 0;
}

/* Whether spike_generator entry e (absolute index), reached in step k, is sent: its stamp is k+1
 * and inside the window, and its multiplicity is not 0. */
SG_HD int sg_gen_spike_sends(const sg_gen *G, const int64_t *ev_t, const uint32_t *ev_m, uint64_t e, int64_t k) {
  return ev_t[e] == k + 1 && sg_window_spike(G->t_min, G->t_max, ev_t[e]) && ev_m[e] != 0;
}

/* Moves generator G to step k (steps in order; a spike_generator without targets may skip ahead,
 * which only moves its read position) and says what the step sends. ev_t / ev_w: the event stamps
 * and spike weights or amplitudes. The same operations in the same order on both backends. */
SG_HD sg_gen_step sg_gen_advance(sg_gen *G, const int64_t *ev_t, const double *ev_w, int64_t k) {
  sg_gen_step s;
  s.e0 = s.e1 = 0; s.amp = 0.0; s.active = 0; s.draw = 0;
  switch (G->model) {
  case SG_MODEL_spike_generator:
    /* every entry with stamp <= k+1 is passed now, with or without targets (NEST skips what a
     * run start has passed); those with stamp k+1 are sent */
    s.e0 = G->ev_pos;
    while (G->ev_pos < G->ev_n && ev_t[G->ev_off + G->ev_pos] <= k + 1) G->ev_pos++;
    s.e1 = G->ev_pos;
    s.active = G->has_targets && s.e1 > s.e0;
    break;
  case SG_MODEL_poisson_generator:
    s.active = sg_gen_poisson_active(G, k);
    break;
  case SG_MODEL_step_current_generator:
    s.active = G->has_targets && sg_window_current(G->t_min, G->t_max, k);
    if (s.active) s.amp = sg_step_current_amplitude(ev_t + G->ev_off, ev_w + G->ev_off, (uint32_t)G->ev_n, k + 1);
    break;
  case SG_MODEL_noise_generator:
    /* the modulation and the draw grid move only in active steps of a generator with targets */
    s.active = G->has_targets && sg_window_current(G->t_min, G->t_max, k);
    if (s.active) {
      if (G->std_mod2 != 0.0) {
        const sg_noise_coef nc = sg_gen_noise_coef(G);
        sg_noise_rotate(&nc, &G->y0, &G->y1);
      }
      if (k >= G->next_draw) {
        s.draw = 1;
        G->next_draw = k + G->dt_steps;
      }
    }
    break;
  default: break;
  }
  return s;
}

#endif
