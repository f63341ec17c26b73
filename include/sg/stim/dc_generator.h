/* sg/stim/dc_generator.h - a constant current (NEST's dc_generator).
 *
 * Sends `amplitude` (pA, times the connection weight) in every step of its current-source window
 * (sg_window_current: step k is active when t_min < k+2 <= t_max), into target slot k + d; so,
 * as in NEST, it drives a neuron that reads currents at the end of a step over the absolute
 * time (origin + start + d, origin + stop + d]. It runs as a step_current_generator with one
 * amplitude in force from stamp 0 (host/stim.c), so both backends need nothing of their own.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_STIM_DC_GENERATOR_H
#define SG_STIM_DC_GENERATOR_H

#include "sg/stim/device.h"

#define SG_DC_GENERATOR_PARAMS(X)                                                             \
  SG_DEVICE_PARAMS(X)                                                                         \
  X(amplitude, "pA", 0.0, SG_CHK_ANY, "the current while active")

enum {
#define X(name, unit, def, chk, doc) SG_DC_GENERATOR_P_##name,
  SG_DC_GENERATOR_PARAMS(X)
#undef X
  SG_DC_GENERATOR_N_PARAMS
};

#endif
