/* sg/stim/step_current_generator.h - piecewise constant current (NEST semantics).
 *
 * For step k (stamp s = k+1) the amplitude is the value of the last amplitude time <= s h
 * (0 before the first); it is sent when t_min < s+1 <= t_max, into target slot k + d. A target
 * that reads currents at the end of a step (all our neurons) shows it in I from a + h and
 * feels it over (a + h, a + 2h] for a change at a. Amplitude times must be > 0 and strictly
 * increasing after grid conversion.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_STIM_STEP_CURRENT_GENERATOR_H
#define SG_STIM_STEP_CURRENT_GENERATOR_H

#include "sg/stim/device.h"

#define SG_STEP_CURRENT_GENERATOR_PARAMS(X)                                                   \
  SG_DEVICE_PARAMS(X)                                                                         \
  X(allow_offgrid_times, "bool", 0.0, SG_CHK_BOOL, "times off the grid move to the end of their step")

#define SG_STEP_CURRENT_GENERATOR_VECS(X)                                                     \
  X(amplitude_times,  "ms", SG_CHK_POS, "times of amplitude changes, strictly increasing")   \
  X(amplitude_values, "pA", SG_CHK_ANY, "amplitudes (same length as amplitude_times)")

enum {
#define X(name, unit, def, chk, doc) SG_STEP_CURRENT_GENERATOR_P_##name,
  SG_STEP_CURRENT_GENERATOR_PARAMS(X)
#undef X
  SG_STEP_CURRENT_GENERATOR_N_PARAMS
};
enum {
#define X(name, unit, chk, doc) SG_STEP_CURRENT_GENERATOR_V_##name,
  SG_STEP_CURRENT_GENERATOR_VECS(X)
#undef X
  SG_STEP_CURRENT_GENERATOR_N_VECS
};

/* Amplitude at stamp s: times[] in steps, strictly increasing; binary search. */
SG_HD double sg_step_current_amplitude(const int64_t *times, const double *values, uint32_t n,
                                       int64_t s) {
  uint32_t lo = 0, hi = n;                 /* first index with times[idx] > s */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (times[mid] <= s) lo = mid + 1; else hi = mid;
  }
  return lo == 0 ? 0.0 : values[lo - 1];
}

#endif
