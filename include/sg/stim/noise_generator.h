/* sg/stim/noise_generator.h - Gaussian white-noise current, one value per target (NEST).
 *
 * Active steps k: t_min < k+2 <= t_max (current-device rule); the event of step k has stamp
 * k+1 and goes to slot k + d. In an active step with k >= next_draw every target j draws
 *   I_j = mean + sqrt(std^2 + y1 std_mod^2) N(0,1),   then next_draw = k + dt_steps,
 * so the value grid is anchored at the first active step. Between draws the same value is
 * sent every step. Draw: Philox(seed, SG_STREAM_NOISE, instance (ctr.w) = gid, element
 * (ctr.z) = target index j, step = k): the 64-bit element argument gid << 32 | j (docs/rng.md).
 * Modulation (std_mod > 0): (y0, y1) start at (cos(w t + phi), sin(w t + phi)) at each run
 * start (host libm) and rotate by w h in every active step before the draw.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_STIM_NOISE_GENERATOR_H
#define SG_STIM_NOISE_GENERATOR_H

#include "sg/stim/device.h"
#include "sg/rng.h"

#define SG_NOISE_GENERATOR_PARAMS(X)                                                          \
  SG_DEVICE_PARAMS(X)                                                                         \
  X(mean,      "pA",  0.0, SG_CHK_ANY,    "mean current")                                    \
  X(std,       "pA",  0.0, SG_CHK_NONNEG, "standard deviation")                              \
  X(dt,        "ms",  0.0, SG_CHK_TIME,   "interval between draws (0 = 10 h, NEST's default)") \
  X(std_mod,   "pA",  0.0, SG_CHK_NONNEG, "modulation of the standard deviation (<= std)")   \
  X(frequency, "Hz",  0.0, SG_CHK_ANY,    "modulation frequency")                            \
  X(phase,     "deg", 0.0, SG_CHK_ANY,    "modulation phase")

enum {
#define X(name, unit, def, chk, doc) SG_NOISE_GENERATOR_P_##name,
  SG_NOISE_GENERATOR_PARAMS(X)
#undef X
  SG_NOISE_GENERATOR_N_PARAMS
};

typedef struct sg_noise_coef {
  double mean, std2, std_mod2;     /* std^2 and std_mod^2                 */
  double cos_wh, sin_wh;           /* rotation by w h per active step     */
  int64_t t_min, t_max, dt_steps;
} sg_noise_coef;

/* Rotates (y0, y1) by one step; called once per active step when std_mod > 0. */
SG_HD void sg_noise_rotate(const sg_noise_coef *c, double *y0, double *y1) {
  const double a = c->cos_wh * *y0 - c->sin_wh * *y1;
  const double b = c->sin_wh * *y0 + c->cos_wh * *y1;
  *y0 = a; *y1 = b;
}

/* New value for target j of generator gid, drawn in step k with modulation state y1. */
SG_HD double sg_noise_generator_draw(const sg_noise_coef *c, uint64_t seed, uint64_t gid,
                                     uint64_t j, uint64_t k, double y1) {
  sg_rng_cursor cur;
  sg_rng_cursor_init(&cur, seed, SG_STREAM_NOISE, (gid << 32) | j, k);
  return c->mean + sqrt(c->std2 + y1 * c->std_mod2) * sg_normal(&cur);
}

#endif
