/* sg/models/iaf_psc_delta.h - leaky integrate-and-fire neuron with delta-shaped synaptic input
 * (voltage jumps), NEST 3.10's iaf_psc_delta reproduced bit for bit.
 *
 *   C_m dV/dt = -(C_m/tau_m) (V - E_L) + I_e + I(t)        a spike of weight w (mV): V += w
 * V is kept as y = V - E_L; exact integration with P33 = exp(-h/tau_m) and
 * P30 = 1/C_m (1 - P33) tau_m (NEST's form; not -tau_m/C_m expm1(-h/tau_m), which differs in
 * the last bits). Threshold V >= V_th: spike, V <- V_reset, refractory for t_ref (to tics, then
 * up to whole steps). V is clamped from below at V_min (default -DBL_MAX: no clamp).
 *
 * Update of step k (docs/models.md §7.2), S = spike input of slot k (sum of weight x
 * multiplicity, mV), C = current input of slot k (pA):
 *   not refractory: y <- ((P30 (y0 + I_e)) + (P33 y)) + S; with refractory_input the input
 *                   held back while refractory is added (and cleared); y <- V_min if y < V_min;
 *   refractory:     refractory_input: held <- held + S exp(-r h / tau_m) with r the steps left
 *                   (before the decrement), else S is lost; r <- r - 1;
 *   y >= Theta:     r <- steps(t_ref), y <- V_reset, spike stamped k+1 (tested in every step);
 *   y0 <- C (acts from step k+1).
 * Ports: receptor 0 takes spikes of either sign (port 0) and currents (port 1).
 * Differences from NEST: the refractory_input discount exp(-r h/tau_m) is sg_exp (correctly
 * rounded); glibc's exp, which NEST calls, misrounds about 1 argument in 1300, so in rare cases
 * that discount differs by 1 ulp. V_th, V_reset and V_min are stored absolute (docs/models.md §7.1).
 * References: Rotter S, Diesmann M (1999) Biol Cybern 81:381-402; NEST models/iaf_psc_delta.
 * See also: iaf_psc_exp.h, iaf_psc_alpha.h, iaf_common.h (what the three share).
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_IAF_PSC_DELTA_H
#define SG_MODELS_IAF_PSC_DELTA_H

#include "sg/model.h"
#include "sg/math.h"
#include "sg/models/iaf_common.h"

/* X(name, unit, default, check, doc) */
#define SG_IAF_PSC_DELTA_PARAMS(X)                                                                  \
  SG_IAF_COMMON_PARAMS(X)                                                                           \
  X(V_min, "mV", -1.7976931348623157e308, SG_CHK_ANY_INF, "lower bound of V_m (default -DBL_MAX)")  \
  X(refractory_input, "bool", 0.0, SG_CHK_BOOL, "keep input arriving while refractory, discounted")

/* X(name, unit, initial, check, doc) */
#define SG_IAF_PSC_DELTA_STATE(X)                                                                   \
  SG_IAF_COMMON_STATE(X)                                                                            \
  X(I,           "pA", 0.0, SG_CHK_ANY, "input current read at the end of the last step")          \
  X(refr_input,  "mV", 0.0, SG_CHK_ANY, "input held back while refractory (refractory_input)")

enum {
#define X(name, unit, def, chk, doc) SG_IAF_PSC_DELTA_P_##name,
  SG_IAF_PSC_DELTA_PARAMS(X)
#undef X
  SG_IAF_PSC_DELTA_N_PARAMS
};
enum {
#define X(name, unit, init, chk, doc) SG_IAF_PSC_DELTA_S_##name,
  SG_IAF_PSC_DELTA_STATE(X)
#undef X
  SG_IAF_PSC_DELTA_N_STATE
};
enum { SG_IAF_PSC_DELTA_PORT_SPIKES = 0, SG_IAF_PSC_DELTA_PORT_CURRENT = 1, SG_IAF_PSC_DELTA_N_PORTS = 2 };
SG_STATIC_ASSERT((int)SG_IAF_PSC_DELTA_P_I_e == (int)SG_IAF_P_I_e && (int)SG_IAF_PSC_DELTA_S_refractory_steps == (int)SG_IAF_S_refractory_steps,
                 "iaf_psc_delta: the common rows come first");

typedef struct sg_iaf_psc_delta_coef {
  double P30, P33;          /* 1/C_m (1 - P33) tau_m, exp(-h/tau_m)                   */
  double I_e;
  double Theta, V_reset;    /* V_th - E_L, V_reset - E_L                               */
  double V_min;             /* V_min - E_L                                             */
  double refr_steps;        /* steps(t_ref)                                            */
  double h, tau_m;          /* the refractory_input discount exp(((-r) h) / tau_m)     */
  double refr_input;        /* 1.0 or 0.0                                              */
} sg_iaf_psc_delta_coef;

#ifndef __CUDA_ARCH__
/* Host only, once per run (NEST's pre_run_hook). */
static inline void sg_iaf_psc_delta_prepare(const double *p, const sg_vec *vecs, double h, int64_t tics_per_step,
                                            sg_iaf_psc_delta_coef *c) {
  (void)vecs;
  const double tau_m = p[SG_IAF_P_tau_m], C_m = p[SG_IAF_P_C_m];
  const sg_iaf_base b = sg_iaf_base_make(p, tics_per_step);
  c->P33 = exp(-h / tau_m);
  c->P30 = 1.0 / C_m * (1.0 - c->P33) * tau_m;
  c->I_e = b.I_e;
  c->Theta = b.Theta;
  c->V_reset = b.V_reset;
  c->V_min = p[SG_IAF_PSC_DELTA_P_V_min] - p[SG_IAF_P_E_L];
  c->refr_steps = b.refr_steps;
  c->h = h;
  c->tau_m = tau_m;
  c->refr_input = p[SG_IAF_PSC_DELTA_P_refractory_input];
}
#endif

/* One neuron, one step. Returns the spike multiplicity (0 or 1). */
SG_HD uint32_t sg_iaf_psc_delta_step(const sg_iaf_psc_delta_coef *SG_RESTRICT c, const sg_view *v, uint64_t i,
                                     int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx) {
  double y = v->s[SG_IAF_PSC_DELTA_S_V_m][i];
  double r = v->s[SG_IAF_PSC_DELTA_S_refractory_steps][i];
  double held = v->s[SG_IAF_PSC_DELTA_S_refr_input][i];
  const double y0 = v->s[SG_IAF_PSC_DELTA_S_I][i];
  const double S = sg_fx_to_double(sg_take_fed(slot, ctx, SG_IAF_PSC_DELTA_PORT_SPIKES, i));
  if (r == 0.0) {
    y = c->P30 * (y0 + c->I_e) + c->P33 * y + S;
    if (c->refr_input != 0.0 && held != 0.0) {
      y = y + held;
      held = 0.0;
    }
    if (y < c->V_min) y = c->V_min;
  } else {
    if (c->refr_input != 0.0) held = held + S * sg_exp(-r * c->h / c->tau_m);
    r = r - 1.0;
  }
  uint32_t spike = 0;
  if (y >= c->Theta) {
    r = c->refr_steps;
    y = c->V_reset;
    spike = 1;
  }
  v->s[SG_IAF_PSC_DELTA_S_V_m][i] = y;
  v->s[SG_IAF_PSC_DELTA_S_refractory_steps][i] = r;
  v->s[SG_IAF_PSC_DELTA_S_refr_input][i] = held;
  v->s[SG_IAF_PSC_DELTA_S_I][i] = sg_fx_to_double(sg_take_fed(slot, ctx, SG_IAF_PSC_DELTA_PORT_CURRENT, i));
  return spike;
}

/* ---- host hooks ------------------------------------------------------------------------------- */
#if !defined(__CUDACC__)
/* receptor 0: spikes of either sign (port 0) and currents (port 1) */
static uint32_t sg_iaf_psc_delta_n_ports(const struct sg_pop *pop) { (void)pop; return SG_IAF_PSC_DELTA_N_PORTS; }
static int sg_iaf_psc_delta_spike_port(const struct sg_pop *pop, int r, double w) {
  (void)pop; (void)w;
  return r == 0 ? SG_IAF_PSC_DELTA_PORT_SPIKES : -1;
}
static int sg_iaf_psc_delta_current_port(const struct sg_pop *pop, int r) {
  (void)pop;
  return r == 0 ? SG_IAF_PSC_DELTA_PORT_CURRENT : -1;
}
static void sg_iaf_psc_delta_init_state(struct sg_pop *pop, uint64_t i) { sg_iaf_zero_state(pop, i, SG_IAF_PSC_DELTA_N_STATE); }

#define SG_IAF_PSC_DELTA_HOOKS                                                                        \
  SG_IAF_COMMON_HOOKS .init_state = sg_iaf_psc_delta_init_state,                                      \
  .n_recordables = sg_iaf_delta_n_recordables, .recordable_name = sg_iaf_delta_recordable_name,       \
  .recordable_value = sg_iaf_delta_recordable_value,
#endif

#endif
