/* sg/stim/recorders.h - spike_recorder, multimeter and voltmeter parameters (NEST semantics).
 *
 * spike_recorder: keeps spikes with t_min < stamp <= t_max; multiplicity m is written m times.
 * multimeter: a sample with timestamp (k+1) h holds the target's state after its update of
 * step k. With offset 0 samples fall on positive multiples of interval (never at 0); with an
 * offset on offset + j interval; a multimeter created at T0 skips timestamps <= T0 (<= T0 + h
 * with an offset, NEST's quirk). Samples are kept when t_min < t <= t_max.
 * voltmeter: NEST's multimeter that records V_m unless told otherwise (record_from = {V_m} at
 * creation; the same parameters, defaults and sampling).
 * Unlike NEST, after sg_simulate(T) every sample up to and including T is available (NEST
 * holds back the last min_delay; compare the common prefix).
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_STIM_RECORDERS_H
#define SG_STIM_RECORDERS_H

#include "sg/stim/device.h"

#define SG_SPIKE_RECORDER_PARAMS(X) SG_DEVICE_PARAMS(X)

#define SG_MULTIMETER_PARAMS(X)                                                               \
  SG_DEVICE_PARAMS(X)                                                                         \
  X(interval, "ms", 1.0, SG_CHK_TIME, "sampling interval (>= h)")                            \
  X(offset,   "ms", 0.0, SG_CHK_TIME, "first sample time (0: at interval)")

enum {
#define X(name, unit, def, chk, doc) SG_SPIKE_RECORDER_P_##name,
  SG_SPIKE_RECORDER_PARAMS(X)
#undef X
  SG_SPIKE_RECORDER_N_PARAMS
};
enum {
#define X(name, unit, def, chk, doc) SG_MULTIMETER_P_##name,
  SG_MULTIMETER_PARAMS(X)
#undef X
  SG_MULTIMETER_N_PARAMS
};

/* Is a multimeter sample due at stamp s (steps)? */
SG_HD int sg_multimeter_due(int64_t interval, int64_t offset, int64_t created, int64_t t_min,
                            int64_t t_max, int64_t s) {
  if (!(t_min < s && s <= t_max)) return 0;
  if (offset == 0) return s > created && s % interval == 0;
  return s >= offset && (s - offset) % interval == 0 && s > created + 1;
}

#endif
