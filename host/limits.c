/* host/limits.c - what one connection may be, shared by the stored and the procedural
 * connections of host/connect.c and host/proc.c: a delay in ms as whole steps within the ring's
 * reach, a weight as a finite float, and the ring buffer a longer delay would need against the
 * host memory. */
/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "internal.h"
#include "sg/ring.h"

#define GIB 1073741824.0

/* Delay in ms -> steps; 0 = ok, else fills msg. */
int sg_i_delay_steps(const sg_sim *sim, double ms, uint32_t *steps, char *msg, size_t len) {
  if (!isfinite(ms)) {
    snprintf(msg, len, "delay = %g ms is not finite: allowed >= resolution (%g ms)", ms, sim->h);
    return 1;
  }
  const double max_ms = (double)SG_MAX_DELAY_STEPS * sim->h;
  if (ms > max_ms + sim->h) {
    snprintf(msg, len, "delay = %g ms is longer than %u steps: allowed at most %g ms at resolution %g ms",
             ms, SG_MAX_DELAY_STEPS, max_ms, sim->h);
    return 1;
  }
  const int64_t s = ms < -1.0 ? -1 : sg_ms_to_steps_round(ms, sim->tics_per_step);
  if (s < 1) {
    snprintf(msg, len, "delay = %g ms rounds to %lld steps: delay must be >= resolution (%g ms)", ms,
             (long long)(s < 0 ? 0 : s), sim->h);
    return 1;
  }
  if (s > (int64_t)SG_MAX_DELAY_STEPS) {
    snprintf(msg, len, "delay = %g ms is %lld steps: allowed at most %u steps (%g ms at resolution %g ms)",
             ms, (long long)s, SG_MAX_DELAY_STEPS, max_ms, sim->h);
    return 1;
  }
  *steps = (uint32_t)s;
  return 0;
}

int sg_i_weight_float(double w, float *f, char *msg, size_t len) {
  if (!isfinite(w)) {
    snprintf(msg, len, "weight = %g is not finite: allowed any finite number", w);
    return 1;
  }
  if (fabs(w) > (double)FLT_MAX) {
    snprintf(msg, len, "weight = %g does not fit a float: allowed |weight| <= %g", w, (double)FLT_MAX);
    return 1;
  }
  *f = (float)w;
  return 0;
}

/* Ring-buffer inputs that sg_i_prepare would assign now (host/prepare.c, step 1): the ranges
 * already assigned (this rank's), plus a new range for each neuron population that has none yet
 * or whose port count changed (counted whole: with MPI ranks an upper bound, the same on every rank). */
double sg_i_ring_inputs(const sg_sim *sim) {
  double n = (double)sim->n_inputs;
  for (size_t p = 0; p < sim->n_pops; ++p) {
    const sg_pop *pop = sim->pops[p];
    if (pop->model->kind != SG_KIND_NEURON) continue;
    const uint32_t np = pop->model->n_ports(pop);
    if (pop->inputs_assigned && np == pop->n_ports) continue;
    n += (double)np * (double)pop->n;
  }
  return n;
}

/* The ring buffer has R slots (the smallest power of two > the longest delay in steps) x inputs x
 * 8 bytes; sg_i_prepare refuses it above 0.8 x the available memory. A call that raises the
 * longest delay to dmax is refused here, by the same rule, instead of at sg_simulate. */
sg_status sg_i_check_ring(sg_sim *sim, uint32_t dmax) {
  if (dmax <= sim->max_delay) return SG_OK;   /* the ring does not grow */
  const uint64_t avail = sg_i_host_mem_available();
  if (!avail) return SG_OK;
  const uint32_t R = sg_ring_len(dmax);
  const double inputs = sg_i_ring_inputs(sim), bytes = (double)R * inputs * 8.0, limit = 0.8 * (double)avail;
  if (!(bytes > limit)) return SG_OK;
  /* the longest delay that fits: R' - 1 steps for the largest power of two R' with R' x inputs x 8 <= limit */
  uint32_t Rok = 0;
  for (uint32_t r = 2; r != 0 && (double)r * inputs * 8.0 <= limit && r <= 65536u; r <<= 1) Rok = r;
  char fits[160];
  if (Rok >= 2 && Rok - 1 > sim->max_delay)
    snprintf(fits, sizeof fits, "allowed delays up to %u steps (%g ms) in this network", Rok - 1, (double)((int64_t)(Rok - 1) * sim->tics_per_step) / SG_TICS_PER_MS);
  else
    snprintf(fits, sizeof fits, "allowed delays up to the longest one so far (%u steps, %g ms), or fewer neurons", sim->max_delay, (double)((int64_t)sim->max_delay * sim->tics_per_step) / SG_TICS_PER_MS);
  return sg_i_fail(sim, SG_ERR_NOMEM, "sg_connect: delay = %g ms (%u steps) needs a ring buffer of %u slots x %.0f inputs x 8 bytes = %.2f GiB, more than 80%% of the %.2f GiB of host memory available: %s",
                   (double)((int64_t)dmax * sim->tics_per_step) / SG_TICS_PER_MS, dmax, R, inputs, bytes / GIB, (double)avail / GIB, fits);
}

