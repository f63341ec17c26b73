/* include/sg/spike_ev.h - a recorded spike as the cuda backend's recorder buffer holds it (kernels
 * append, the host downloads and orders them: host/spike_order.c). Plain C, no CUDA needed. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_SPIKE_EV_H
#define SG_SPIKE_EV_H

#include <stdint.h>

/* stamp k+1 of the step that emitted it, sender row (global id - 1), multiplicity */
typedef struct sg_spike_ev {
  uint64_t stamp;
  uint32_t row, mult;
} sg_spike_ev;

#endif
