/* sg/models/parrot_neuron.h - repeats every incoming spike (NEST's parrot_neuron).
 *
 * Receptor 0: each incoming event adds its multiplicity (the weight is ignored: connect stores
 * weight 1.0 for parrot targets, so the fixed-point slot holds count << 32). In the update of
 * step k a non-zero count emits one spike stamped k+1 with multiplicity = count, so the output
 * time is input stamp + delay. Receptor 1 is accepted and ignored (NEST's STDP trick).
 * No parameters, no recordables.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_PARROT_NEURON_H
#define SG_MODELS_PARROT_NEURON_H

#include "sg/model.h"

#define SG_PARROT_NEURON_PARAMS(X)
#define SG_PARROT_NEURON_STATE(X)
enum { SG_PARROT_NEURON_N_PARAMS = 0, SG_PARROT_NEURON_N_STATE = 0 };
enum { SG_PARROT_NEURON_PORT_SPIKES = 0, SG_PARROT_NEURON_PORT_IGNORED = 1,
       SG_PARROT_NEURON_N_PORTS = 2 };

typedef struct sg_parrot_neuron_coef { int unused; } sg_parrot_neuron_coef;

#ifndef __CUDA_ARCH__
static inline void sg_parrot_neuron_prepare(const double *p, const sg_vec *vecs, double h,
                                            int64_t tics_per_step, sg_parrot_neuron_coef *c) {
  (void)p; (void)vecs; (void)h; (void)tics_per_step;
  c->unused = 0;
}
#endif

/* Returns the spike multiplicity: the number of spikes that arrived in slot k. */
SG_HD uint32_t sg_parrot_neuron_step(const sg_parrot_neuron_coef *SG_RESTRICT c, const sg_view *v,
                                     uint64_t i, int64_t *SG_RESTRICT slot,
                                     const sg_step_ctx *ctx) {
  (void)c; (void)v;
  const int64_t count = sg_take_fed(slot, ctx, SG_PARROT_NEURON_PORT_SPIKES, i);
  slot[sg_input_at(ctx, SG_PARROT_NEURON_PORT_IGNORED, i)] = 0;
  /* counts are whole multiples of 2^32; a negative or overflowed count cannot occur */
  return count > 0 ? (uint32_t)(count >> SG_FX_FRAC_BITS) : 0u;
}

/* ---- host hooks --------------------------------------------------------------------------------- */
#if !defined(__CUDACC__)
#include "sg/model_host.h"
static uint32_t sg_parrot_neuron_n_ports(const struct sg_pop *pop) { (void)pop; return SG_PARROT_NEURON_N_PORTS; }
static int sg_parrot_neuron_spike_port(const struct sg_pop *pop, int r, double w) {
  (void)pop; (void)w;
  return r == 0 ? SG_PARROT_NEURON_PORT_SPIKES : r == 1 ? SG_PARROT_NEURON_PORT_IGNORED : -1;
}
static int sg_parrot_neuron_current_port(const struct sg_pop *pop, int r) { (void)pop; (void)r; return -1; }
#define SG_PARROT_NEURON_HOOKS
#endif

#endif
