/* sg/stim/spike_generator.h - emits spikes at given times (NEST's spike_generator).
 *
 * Times are converted to steps on the host: the nearest tic, which must be a grid point unless
 * allow_offgrid_times (then moved up to the end of its step) or precise_times (rounded up,
 * the offset is ignored by grid neurons). A spike with grid stamp S is emitted in the update
 * that ends at S (S = origin + t/h) when t_min < S <= t_max; its weight is spike_weights[i]
 * times the connection weight and its multiplicity spike_multiplicities[i] (default 1).
 * Time 0 is an error unless shift_now_spikes. Times must be non-descending.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_STIM_SPIKE_GENERATOR_H
#define SG_STIM_SPIKE_GENERATOR_H

#include "sg/stim/device.h"

#define SG_SPIKE_GENERATOR_PARAMS(X)                                                          \
  SG_DEVICE_PARAMS(X)                                                                         \
  X(precise_times,       "bool", 0.0, SG_CHK_BOOL, "times off the grid are rounded up")      \
  X(allow_offgrid_times, "bool", 0.0, SG_CHK_BOOL, "times off the grid move to the end of their step") \
  X(shift_now_spikes,    "bool", 0.0, SG_CHK_BOOL, "a spike at the current time moves one step later")

#define SG_SPIKE_GENERATOR_VECS(X)                                                            \
  X(spike_times,          "ms", SG_CHK_NONNEG, "spike times, non-descending")                \
  X(spike_weights,        "1",  SG_CHK_ANY,    "per-spike weight factors (empty or same length)") \
  X(spike_multiplicities, "1",  SG_CHK_INT_NONNEG, "per-spike multiplicities (empty or same length)")

enum {
#define X(name, unit, def, chk, doc) SG_SPIKE_GENERATOR_P_##name,
  SG_SPIKE_GENERATOR_PARAMS(X)
#undef X
  SG_SPIKE_GENERATOR_N_PARAMS
};
enum {
#define X(name, unit, chk, doc) SG_SPIKE_GENERATOR_V_##name,
  SG_SPIKE_GENERATOR_VECS(X)
#undef X
  SG_SPIKE_GENERATOR_N_VECS
};

#endif
