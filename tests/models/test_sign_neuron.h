/* tests/models/test_sign_neuron.h - a test-only neuron model: the proof that a model is one
 * header, one list line (SG_TEST_NEURON_LIST in sg/model_list.h) and one test file
 * (tests/test_sign_neuron.c). Compiled only where SG_TEST_MODELS is defined (the test runner's
 * library and the CUDA emulation), never into the shipped library.
 *
 * A deterministic leaky neuron with two input traces that the weight's sign selects, which is
 * what NEST's iaf_psc_* do with excitatory and inhibitory synapses: a spike of weight w >= 0 on
 * receptor 0 goes to port 0 (x_ex), one of w < 0 to port 1 (x_in). Per step k:
 *   x_ex <- x_ex P_syn + (positive input of slot k);  x_in <- x_in P_syn + (negative input);
 *   V <- V P_m + x_ex + x_in + drive;  V >= V_th: spike stamped k+1, V <- V_reset.
 * P_m = exp(-h/tau_m), P_syn = exp(-h/tau_syn). It takes no currents. The CPU block hook is the
 * same arithmetic over a block of nodes (tests/test_sign_neuron.c compares the two).
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_TEST_MODELS_TEST_SIGN_NEURON_H
#define SG_TEST_MODELS_TEST_SIGN_NEURON_H

#include "sg/model.h"

/* X(name, unit, default, check, doc) */
#define SG_TEST_SIGN_NEURON_PARAMS(X)                                               \
  X(tau_m,   "ms", 10.0, SG_CHK_POS, "membrane time constant")                      \
  X(tau_syn, "ms", 2.0,  SG_CHK_POS, "time constant of both input traces")          \
  X(V_th,    "mV", 15.0, SG_CHK_ANY, "threshold: a spike when V_m >= V_th")          \
  X(V_reset, "mV", 0.0,  SG_CHK_ANY, "potential after a spike")                     \
  X(drive,   "mV", 0.5,  SG_CHK_ANY, "constant input added in every step")

/* X(name, unit, initial, check, doc) */
#define SG_TEST_SIGN_NEURON_STATE(X)                                                \
  X(V_m,  "mV", 0.0, SG_CHK_ANY, "membrane potential")                              \
  X(x_ex, "mV", 0.0, SG_CHK_ANY, "trace of the spikes of positive weight")           \
  X(x_in, "mV", 0.0, SG_CHK_ANY, "trace of the spikes of negative weight")

enum {
#define X(name, unit, def, chk, doc) SG_TEST_SIGN_NEURON_P_##name,
  SG_TEST_SIGN_NEURON_PARAMS(X)
#undef X
  SG_TEST_SIGN_NEURON_N_PARAMS
};
enum {
#define X(name, unit, init, chk, doc) SG_TEST_SIGN_NEURON_S_##name,
  SG_TEST_SIGN_NEURON_STATE(X)
#undef X
  SG_TEST_SIGN_NEURON_N_STATE
};
enum { SG_TEST_SIGN_NEURON_PORT_EX = 0, SG_TEST_SIGN_NEURON_PORT_IN = 1, SG_TEST_SIGN_NEURON_N_PORTS = 2 };

typedef struct sg_test_sign_neuron_coef { double P_m, P_syn, V_th, V_reset, drive; } sg_test_sign_neuron_coef;

#ifndef __CUDA_ARCH__
static inline void sg_test_sign_neuron_prepare(const double *p, const sg_vec *vecs, double h, int64_t tics_per_step,
                                               sg_test_sign_neuron_coef *c) {
  (void)vecs; (void)tics_per_step;
  c->P_m = exp(-h / p[SG_TEST_SIGN_NEURON_P_tau_m]);
  c->P_syn = exp(-h / p[SG_TEST_SIGN_NEURON_P_tau_syn]);
  c->V_th = p[SG_TEST_SIGN_NEURON_P_V_th];
  c->V_reset = p[SG_TEST_SIGN_NEURON_P_V_reset];
  c->drive = p[SG_TEST_SIGN_NEURON_P_drive];
}
#endif

SG_HD uint32_t sg_test_sign_neuron_step(const sg_test_sign_neuron_coef *SG_RESTRICT c, const sg_view *v, uint64_t i,
                                        int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx) {
  const double ex = sg_fx_to_double(sg_take_input(slot, ctx->n - ctx->in_gap, SG_TEST_SIGN_NEURON_PORT_EX, i - ctx->in_lo));
  const double in = sg_fx_to_double(sg_take_input(slot, ctx->n - ctx->in_gap, SG_TEST_SIGN_NEURON_PORT_IN, i - ctx->in_lo));
  const double x_ex = v->s[SG_TEST_SIGN_NEURON_S_x_ex][i] * c->P_syn + ex;
  const double x_in = v->s[SG_TEST_SIGN_NEURON_S_x_in][i] * c->P_syn + in;
  const double V = v->s[SG_TEST_SIGN_NEURON_S_V_m][i] * c->P_m + x_ex + x_in + c->drive;
  const uint32_t spike = V >= c->V_th ? 1u : 0u;
  v->s[SG_TEST_SIGN_NEURON_S_V_m][i] = spike ? c->V_reset : V;
  v->s[SG_TEST_SIGN_NEURON_S_x_ex][i] = x_ex;
  v->s[SG_TEST_SIGN_NEURON_S_x_in][i] = x_in;
  return spike;
}

/* ---- host hooks --------------------------------------------------------------------------------- */
#if !defined(__CUDACC__)
#include "sg/model_host.h"

static uint32_t sg_test_sign_neuron_n_ports(const struct sg_pop *pop) { (void)pop; return SG_TEST_SIGN_NEURON_N_PORTS; }
static int sg_test_sign_neuron_spike_port(const struct sg_pop *pop, int r, double w) {
  (void)pop;
  if (r != 0) return -1;
  return w < 0.0 ? SG_TEST_SIGN_NEURON_PORT_IN : SG_TEST_SIGN_NEURON_PORT_EX;
}
static int sg_test_sign_neuron_current_port(const struct sg_pop *pop, int r) { (void)pop; (void)r; return -1; }

/* The CPU fast path: the step's arithmetic over cnt nodes in one loop without calls (the firing
 * words w0/w1 are not needed: the model is deterministic). */
static uint32_t sg_test_sign_neuron_block(const void *coef, const sg_view *v, uint64_t i0, uint32_t cnt, int64_t *slot,
                                          const sg_step_ctx *ctx, const uint32_t *w0, const uint32_t *w1, uint32_t *spk) {
  (void)w0; (void)w1;
  const sg_test_sign_neuron_coef *c = (const sg_test_sign_neuron_coef *)coef;
  double *Vm = v->s[SG_TEST_SIGN_NEURON_S_V_m] + i0;
  double *Xe = v->s[SG_TEST_SIGN_NEURON_S_x_ex] + i0, *Xi = v->s[SG_TEST_SIGN_NEURON_S_x_in] + i0;
  int64_t *in_ex = slot + sg_input_at(ctx, SG_TEST_SIGN_NEURON_PORT_EX, i0);
  int64_t *in_in = slot + sg_input_at(ctx, SG_TEST_SIGN_NEURON_PORT_IN, i0);
  uint32_t ns = 0;
  for (uint32_t j = 0; j < cnt; ++j) {
    const double x_ex = Xe[j] * c->P_syn + sg_fx_to_double(in_ex[j]);
    const double x_in = Xi[j] * c->P_syn + sg_fx_to_double(in_in[j]);
    in_ex[j] = 0;
    in_in[j] = 0;
    const double V = Vm[j] * c->P_m + x_ex + x_in + c->drive;
    const int s = V >= c->V_th;
    Vm[j] = s ? c->V_reset : V;
    Xe[j] = x_ex;
    Xi[j] = x_in;
    spk[ns] = j;
    ns += (uint32_t)s;
  }
  return ns;
}

#define SG_TEST_SIGN_NEURON_HOOKS .cpu_block_step = sg_test_sign_neuron_block,
#endif

#endif
