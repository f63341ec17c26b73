/* sg/stim/device.h - what every stimulation and recording device shares: the activity window.
 *
 * origin, start, stop (ms) are multiples of h; in steps t_min = origin + start and
 * t_max = origin + stop (stop may be +inf: t_max = INT64_MAX). NEST's rules (docs/timing.md §7.1):
 *   spike sources (spike_generator, recorders): stamp S counts if t_min < S <= t_max;
 *   poisson_generator: step k (stamp k+1) is active if t_min < k <= t_max;
 *   current sources (step_current, noise): step k (stamp k+1) is active if t_min < k+2 <= t_max.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_STIM_DEVICE_H
#define SG_STIM_DEVICE_H

#include "sg/model.h"

#define SG_DEVICE_PARAMS(X)                                                                   \
  X(origin, "ms", 0.0, SG_CHK_TIME, "time origin of start and stop")                         \
  X(start,  "ms", 0.0, SG_CHK_TIME, "activity starts after origin + start")                  \
  X(stop,   "ms", INFINITY, SG_CHK_TIME_INF, "activity ends at origin + stop")

SG_HD int sg_window_spike(int64_t t_min, int64_t t_max, int64_t stamp) {
  return t_min < stamp && stamp <= t_max;
}
SG_HD int sg_window_poisson(int64_t t_min, int64_t t_max, int64_t k) {
  return t_min < k && k <= t_max;
}
SG_HD int sg_window_current(int64_t t_min, int64_t t_max, int64_t k) {
  return t_min < k + 2 && k + 2 <= t_max;
}

#endif
