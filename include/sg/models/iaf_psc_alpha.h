/* sg/models/iaf_psc_alpha.h - leaky integrate-and-fire neuron with alpha-shaped synaptic
 * currents, NEST 3.10's iaf_psc_alpha reproduced bit for bit.
 *
 *   C_m dV/dt = -(C_m/tau_m) (V - E_L) + I_syn_ex + I_syn_in + I_e + I(t)
 *   I_syn_x(t) = w (t/tau_syn_x) exp(1 - t/tau_syn_x) per spike of weight w (pA): peak w at tau_syn_x
 * As a linear system: dI/dt = dI_x - I_x/tau, d dI_x/dt = -dI_x/tau; a spike adds w e/tau_syn_x
 * to dI_x. A spike of weight w > 0 goes to the excitatory current, w < 0 to the inhibitory one, by
 * the sign of the stored connection weight (NEST: s > 0, 0 to the inhibitory buffer; adding 0
 * changes no bit in either). V is kept as y = V - E_L, clamped from below at V_min (default
 * -inf). Exact integration: P11 = P22 = exp(-h/tau_syn), P21 = h P11,
 * P30 = -tau_m/C_m expm1(-h/tau_m), (P31, P32) = NEST's IAFPropagator for alpha currents
 * (iaf_common.h), and the decay of y as expm1(-h/tau_m) y + y; expm1 is NEST's own series.
 *
 * Update of step k (docs/models.md §7.4), Sex/Sin = spike input of slot k by sign (pA),
 * C = current input of slot k:
 *   not refractory: y <- P30 (y0 + I_e) + P31ex dI_ex + P32ex I_ex + P31in dI_in + P32in I_in
 *                        + expm1(-h/tau_m) y + y      (left to right), then y <- V_min if y < V_min;
 *   refractory:     r <- r - 1 (y frozen);
 *   I_ex <- P21ex dI_ex + P22ex I_ex; dI_ex <- dI_ex P11ex; dI_ex <- dI_ex + (e/tau_syn_ex) Sex;
 *   the same for the inhibitory pair (input keeps arriving while refractory);
 *   y >= Theta: r <- steps(t_ref), y <- V_reset, spike stamped k+1;
 *   y0 <- C (acts from step k+1).
 * Ports: receptor 0 spikes w >= 0 -> port 0, w < 0 -> port 1, currents -> port 2.
 * Differences from NEST: V_th, V_reset and V_min are stored absolute (docs/models.md §7.1).
 * References: Rotter S, Diesmann M (1999) Biol Cybern 81:381-402; NEST models/iaf_psc_alpha.
 * See also: iaf_psc_delta.h, iaf_psc_exp.h, iaf_common.h.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_IAF_PSC_ALPHA_H
#define SG_MODELS_IAF_PSC_ALPHA_H

#include "sg/model.h"
#include "sg/models/iaf_common.h"

/* X(name, unit, default, check, doc) */
#define SG_IAF_PSC_ALPHA_PARAMS(X)                                                                  \
  SG_IAF_COMMON_PARAMS(X)                                                                           \
  X(tau_syn_ex, "ms", 2.0,       SG_CHK_POS,     "excitatory synaptic time constant (rise time)")   \
  X(tau_syn_in, "ms", 2.0,       SG_CHK_POS,     "inhibitory synaptic time constant (rise time)")   \
  X(V_min,      "mV", -INFINITY, SG_CHK_ANY_INF, "lower bound of V_m")

/* X(name, unit, initial, check, doc) */
#define SG_IAF_PSC_ALPHA_STATE(X)                                                                   \
  SG_IAF_COMMON_STATE(X)                                                                            \
  SG_IAF_PSC_STATE(X)                                                                               \
  X(dI_syn_ex, "pA/ms", 0.0, SG_CHK_ANY, "derivative of the excitatory current")                    \
  X(dI_syn_in, "pA/ms", 0.0, SG_CHK_ANY, "derivative of the inhibitory current")                    \
  X(I,         "pA",    0.0, SG_CHK_ANY, "input current read at the end of the last step")

enum {
#define X(name, unit, def, chk, doc) SG_IAF_PSC_ALPHA_P_##name,
  SG_IAF_PSC_ALPHA_PARAMS(X)
#undef X
  SG_IAF_PSC_ALPHA_N_PARAMS
};
enum {
#define X(name, unit, init, chk, doc) SG_IAF_PSC_ALPHA_S_##name,
  SG_IAF_PSC_ALPHA_STATE(X)
#undef X
  SG_IAF_PSC_ALPHA_N_STATE
};
enum { SG_IAF_PSC_ALPHA_PORT_EX = 0, SG_IAF_PSC_ALPHA_PORT_IN = 1, SG_IAF_PSC_ALPHA_PORT_CURRENT = 2, SG_IAF_PSC_ALPHA_N_PORTS = 3 };
SG_STATIC_ASSERT((int)SG_IAF_PSC_ALPHA_P_I_e == (int)SG_IAF_P_I_e && (int)SG_IAF_PSC_ALPHA_S_I_syn_in == (int)SG_IAF_S_I_syn_in,
                 "iaf_psc_alpha: the common rows come first");

typedef struct sg_iaf_psc_alpha_coef {
  double P11ex, P21ex, P22ex, P31ex, P32ex;
  double P11in, P21in, P22in, P31in, P32in;
  double P30, expm1_tau_m;    /* -tau_m/C_m expm1(-h/tau_m), expm1(-h/tau_m)             */
  double EPSC0, IPSC0;        /* 1.0 e / tau_syn_ex, 1.0 e / tau_syn_in                   */
  double I_e;
  double Theta, V_reset, V_min;   /* V_th - E_L, V_reset - E_L, V_min - E_L               */
  double refr_steps;          /* steps(t_ref)                                            */
} sg_iaf_psc_alpha_coef;

#ifndef __CUDA_ARCH__
/* Host only, once per run (NEST's pre_run_hook). NEST also forms P33 = exp(-h/tau_m), unused. */
static inline void sg_iaf_psc_alpha_prepare(const double *p, const sg_vec *vecs, double h, int64_t tics_per_step,
                                            sg_iaf_psc_alpha_coef *c) {
  (void)vecs;
  const double tau_m = p[SG_IAF_P_tau_m], C_m = p[SG_IAF_P_C_m];
  const double tau_ex = p[SG_IAF_PSC_ALPHA_P_tau_syn_ex], tau_in = p[SG_IAF_PSC_ALPHA_P_tau_syn_in];
  const sg_iaf_base b = sg_iaf_base_make(p, tics_per_step);
  c->P11ex = c->P22ex = exp(-h / tau_ex);
  c->P11in = c->P22in = exp(-h / tau_in);
  c->expm1_tau_m = sg_iaf_expm1(-h / tau_m);
  c->P30 = -tau_m / C_m * sg_iaf_expm1(-h / tau_m);
  c->P21ex = h * c->P11ex;
  c->P21in = h * c->P11in;
  sg_iaf_palpha(tau_ex, tau_m, C_m, h, &c->P31ex, &c->P32ex);
  sg_iaf_palpha(tau_in, tau_m, C_m, h, &c->P31in, &c->P32in);
  c->EPSC0 = 1.0 * 2.718281828459045 / tau_ex;   /* NEST: 1.0 * numerics::e / tau_syn_ex */
  c->IPSC0 = 1.0 * 2.718281828459045 / tau_in;
  c->I_e = b.I_e;
  c->Theta = b.Theta;
  c->V_reset = b.V_reset;
  c->V_min = p[SG_IAF_PSC_ALPHA_P_V_min] - p[SG_IAF_P_E_L];
  c->refr_steps = b.refr_steps;
}
#endif

/* One neuron, one step. Returns the spike multiplicity (0 or 1). */
SG_HD uint32_t sg_iaf_psc_alpha_step(const sg_iaf_psc_alpha_coef *SG_RESTRICT c, const sg_view *v, uint64_t i,
                                     int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx) {
  double y = v->s[SG_IAF_PSC_ALPHA_S_V_m][i];
  double r = v->s[SG_IAF_PSC_ALPHA_S_refractory_steps][i];
  double I_ex = v->s[SG_IAF_PSC_ALPHA_S_I_syn_ex][i], dI_ex = v->s[SG_IAF_PSC_ALPHA_S_dI_syn_ex][i];
  double I_in = v->s[SG_IAF_PSC_ALPHA_S_I_syn_in][i], dI_in = v->s[SG_IAF_PSC_ALPHA_S_dI_syn_in][i];
  const double y0 = v->s[SG_IAF_PSC_ALPHA_S_I][i];
  if (r == 0.0) {
    y = c->P30 * (y0 + c->I_e) + c->P31ex * dI_ex + c->P32ex * I_ex + c->P31in * dI_in + c->P32in * I_in +
        c->expm1_tau_m * y + y;
    if (y < c->V_min) y = c->V_min;
  } else {
    r = r - 1.0;
  }
  I_ex = c->P21ex * dI_ex + c->P22ex * I_ex;
  dI_ex = dI_ex * c->P11ex;
  dI_ex = dI_ex + c->EPSC0 * sg_fx_to_double(sg_take_fed(slot, ctx, SG_IAF_PSC_ALPHA_PORT_EX, i));
  I_in = c->P21in * dI_in + c->P22in * I_in;
  dI_in = dI_in * c->P11in;
  dI_in = dI_in + c->IPSC0 * sg_fx_to_double(sg_take_fed(slot, ctx, SG_IAF_PSC_ALPHA_PORT_IN, i));
  uint32_t spike = 0;
  if (y >= c->Theta) {
    r = c->refr_steps;
    y = c->V_reset;
    spike = 1;
  }
  v->s[SG_IAF_PSC_ALPHA_S_V_m][i] = y;
  v->s[SG_IAF_PSC_ALPHA_S_refractory_steps][i] = r;
  v->s[SG_IAF_PSC_ALPHA_S_I_syn_ex][i] = I_ex;
  v->s[SG_IAF_PSC_ALPHA_S_dI_syn_ex][i] = dI_ex;
  v->s[SG_IAF_PSC_ALPHA_S_I_syn_in][i] = I_in;
  v->s[SG_IAF_PSC_ALPHA_S_dI_syn_in][i] = dI_in;
  v->s[SG_IAF_PSC_ALPHA_S_I][i] = sg_fx_to_double(sg_take_fed(slot, ctx, SG_IAF_PSC_ALPHA_PORT_CURRENT, i));
  return spike;
}

/* ---- host hooks ------------------------------------------------------------------------------- */
#if !defined(__CUDACC__)
/* spikes: receptor 0, by the weight's sign; currents: receptor 0 */
static uint32_t sg_iaf_psc_alpha_n_ports(const struct sg_pop *pop) { (void)pop; return SG_IAF_PSC_ALPHA_N_PORTS; }
static int sg_iaf_psc_alpha_spike_port(const struct sg_pop *pop, int r, double w) {
  (void)pop;
  if (r != 0) return -1;
  return w > 0.0 ? SG_IAF_PSC_ALPHA_PORT_EX : SG_IAF_PSC_ALPHA_PORT_IN;
}
static int sg_iaf_psc_alpha_current_port(const struct sg_pop *pop, int r) {
  (void)pop;
  return r == 0 ? SG_IAF_PSC_ALPHA_PORT_CURRENT : -1;
}
static void sg_iaf_psc_alpha_init_state(struct sg_pop *pop, uint64_t i) { sg_iaf_zero_state(pop, i, SG_IAF_PSC_ALPHA_N_STATE); }

#define SG_IAF_PSC_ALPHA_HOOKS SG_IAF_COMMON_HOOKS SG_IAF_PSC_RECORDABLES .init_state = sg_iaf_psc_alpha_init_state,
#endif

#endif
