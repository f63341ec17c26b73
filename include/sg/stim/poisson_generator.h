/* sg/stim/poisson_generator.h - independent Poisson spike counts per target (NEST semantics).
 *
 * In every active step k (t_min < k <= t_max) each target j draws its own count
 * n ~ Poisson(rate h 1e-3) and receives one event of multiplicity n stamped k+1, so emitted
 * stamps lie in (start + h, stop + h]. Draw: Philox(seed, SG_STREAM_POISSON, instance (ctr.w)
 * = generator gid, element (ctr.z) = target index j, step = k), i.e. the 64-bit element argument
 * gid << 32 | j = sg_rng_elem(gid, j) (docs/rng.md). Targets never share draws; use a
 * parrot_neuron for a shared train.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_STIM_POISSON_GENERATOR_H
#define SG_STIM_POISSON_GENERATOR_H

#include "sg/stim/device.h"
#include "sg/rng.h"

#define SG_POISSON_GENERATOR_PARAMS(X)                                                        \
  SG_DEVICE_PARAMS(X)                                                                         \
  X(rate, "Hz", 0.0, SG_CHK_NONNEG, "mean firing rate")

enum {
#define X(name, unit, def, chk, doc) SG_POISSON_GENERATOR_P_##name,
  SG_POISSON_GENERATOR_PARAMS(X)
#undef X
  SG_POISSON_GENERATOR_N_PARAMS
};

/* Largest mean count per step, rate x h x 1e-3: counts are uint32 and saturate near 4.3e9 (and
 * sg_poisson needs lambda well below that). sg_set refuses a rate above SG_POISSON_LAMBDA_MAX /
 * (h x 1e-3) Hz, i.e. 1e13 Hz at h = 0.1 ms. */
#define SG_POISSON_LAMBDA_MAX 1e9

/* Per-run constants of one generator (host computes exp(-lambda) with libm, once). */
typedef struct sg_poisson_coef { double lambda, emlambda; int64_t t_min, t_max; } sg_poisson_coef;

/* Count for target j of generator `gid` in step k. */
SG_HD uint32_t sg_poisson_generator_count(const sg_poisson_coef *c, uint64_t seed, uint64_t gid,
                                          uint64_t j, uint64_t k) {
  if (c->lambda <= 0.0) return 0;
  sg_rng_cursor cur;
  sg_rng_cursor_init(&cur, seed, SG_STREAM_POISSON, (gid << 32) | j, k);
  return sg_poisson(&cur, c->lambda, c->emlambda);
}

/* The same count for a generator with lambda < SG_POISSON_PTRS_MIN (the caller checks), without
 * PTRS's code: sg_poisson's inversion branch on the same cursor. */
SG_HD uint32_t sg_poisson_generator_count_small(const sg_poisson_coef *c, uint64_t seed, uint64_t gid,
                                                uint64_t j, uint64_t k) {
  if (c->lambda <= 0.0) return 0;
  sg_rng_cursor cur;
  sg_rng_cursor_init(&cur, seed, SG_STREAM_POISSON, (gid << 32) | j, k);
  return sg_poisson_inversion(&cur, c->lambda, c->emlambda);
}

#endif
