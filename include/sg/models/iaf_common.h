/* sg/models/iaf_common.h - what NEST's iaf_psc_delta, iaf_psc_exp and iaf_psc_alpha share:
 * the common parameter and state rows (first in each model's tables, in the same order, so the
 * shared host hooks below use fixed indices), NEST's propagator arithmetic (its own expm1 series
 * and the IAFPropagator functions, host only) and the host hooks that keep V_m relative to E_L.
 *
 * Voltages relative to E_L (NEST's convention, docs/models.md §7.1): the state row V_m holds
 * y = V_m - E_L; sg_get / sg_set and the recordable V_m are absolute. V_th, V_reset and V_min are
 * parameters stored absolute; prepare() forms Theta = V_th - E_L and friends once per run.
 * Not a model: it has no line in sg/model_list.h. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_IAF_COMMON_H
#define SG_MODELS_IAF_COMMON_H

#include "sg/model.h"

/* X(name, unit, default, check, doc): the first rows of every iaf_psc_* parameter table. */
#define SG_IAF_COMMON_PARAMS(X)                                                                       \
  X(C_m,     "pF", 250.0, SG_CHK_POS,    "membrane capacitance")                                      \
  X(tau_m,   "ms", 10.0,  SG_CHK_POS,    "membrane time constant")                                    \
  X(t_ref,   "ms", 2.0,   SG_CHK_NONNEG, "refractory period (to tics, then up to whole steps)")       \
  X(E_L,     "mV", -70.0, SG_CHK_ANY,    "resting potential")                                         \
  X(V_reset, "mV", -70.0, SG_CHK_ANY,    "reset potential; must be < V_th")                           \
  X(V_th,    "mV", -55.0, SG_CHK_ANY,    "threshold: a spike when V_m >= V_th")                       \
  X(I_e,     "pA", 0.0,   SG_CHK_ANY,    "constant external current")

/* X(name, unit, initial, check, doc): the first state rows of every iaf_psc_* model. The initial
 * values are what a fresh node reports; init_state stores y = 0 (V_m = E_L). */
#define SG_IAF_COMMON_STATE(X)                                                                        \
  X(V_m,              "mV",    -70.0, SG_CHK_ANY,        "membrane potential (kept as V_m - E_L inside)") \
  X(refractory_steps, "steps", 0.0,   SG_CHK_INT_NONNEG, "refractory steps left")
/* ... followed, in iaf_psc_exp and iaf_psc_alpha, by the two recorded synaptic currents */
#define SG_IAF_PSC_STATE(X)                                                                           \
  X(I_syn_ex, "pA", 0.0, SG_CHK_ANY, "excitatory synaptic current")                                   \
  X(I_syn_in, "pA", 0.0, SG_CHK_ANY, "inhibitory synaptic current (negative for negative weights)")

enum {
#define X(name, unit, def, chk, doc) SG_IAF_P_##name,
  SG_IAF_COMMON_PARAMS(X)
#undef X
  SG_IAF_N_COMMON_PARAMS
};
enum {
#define X(name, unit, init, chk, doc) SG_IAF_S_##name,
  SG_IAF_COMMON_STATE(X) SG_IAF_PSC_STATE(X)
#undef X
  SG_IAF_N_COMMON_STATE
};

#ifndef __CUDA_ARCH__
/* ---- NEST's propagator arithmetic, host only (prepare) ----------------------------------------
 * Every operation in NEST's order: the bits of the propagators decide the bits of every trace. */

/* NEST's expm1 (numerics::expm1 in a build without HAVE_EXPM1, as the NEST 3.10 wheels are): the
 * Taylor series summed until a term drops below |sum| DBL_EPSILON, and exp(x) - 1 beyond ln 2.
 * It differs from glibc's expm1 by 1-2 ulp for the arguments these models use, which is enough
 * to change every iaf_psc_alpha trace. */
static inline double sg_iaf_expm1(double x) {
  if (x == 0.0) return 0.0;
  if (fabs(x) > 0.6931471805599453) return exp(x) - 1.0;   /* log(2.0) */
  double sum = x, term = x * x / 2.0, n = 2.0;
  while (fabs(term) > fabs(sum) * 0x1p-52) {               /* DBL_EPSILON */
    sum = sum + term;
    n = n + 1.0;
    term = term * (x / n);
  }
  return sum;
}

/* NEST's IAFPropagator for a synaptic time constant tau_syn: the propagators from an exponential
 * current I to V (P32, iaf_psc_exp's P21) and, for alpha currents, from dI to V (P31).
 * tau_syn == tau_m makes beta infinite and the regular P32 NaN: then the singular limit
 * h/C_m exp(-h/tau_m) is used. Near-singular values keep the (cancellation-prone) regular form
 * as long as it is a positive normal number, as NEST does. */
typedef struct sg_iaf_prop {
  double beta, gamma, inv_tau_syn, inv_tau_m, inv_c_m, inv_beta, h_min_regular;
} sg_iaf_prop;

static inline sg_iaf_prop sg_iaf_prop_make(double tau_syn, double tau_m, double c_m) {
  sg_iaf_prop q;
  q.beta = tau_syn * tau_m / (tau_m - tau_syn);                  /* +-inf if equal */
  q.gamma = q.beta / c_m;
  q.inv_tau_syn = 1.0 / tau_syn;
  q.inv_tau_m = 1.0 / tau_m;
  q.inv_c_m = 1.0 / c_m;
  q.inv_beta = (tau_m - tau_syn) / (tau_syn * tau_m);            /* 0 if equal */
  q.h_min_regular = 1e-7 * tau_m * tau_m / fabs(tau_m - tau_syn); /* +inf if equal */
  return q;
}

/* P32 (= iaf_psc_exp's P21); the intermediates go back to sg_iaf_palpha. */
static inline double sg_iaf_pvi_parts(const sg_iaf_prop *q, double h, double *exp_h_tau_syn, double *expm1_h_tau,
                                      double *exp_h_tau) {
  *exp_h_tau_syn = exp(-h * q->inv_tau_syn);   /* times the inverse, not -h / tau_syn */
  *expm1_h_tau = sg_iaf_expm1(h * q->inv_beta);
  *exp_h_tau = NAN;
  const double P = q->gamma * *exp_h_tau_syn * *expm1_h_tau;
  if (isnormal(P) && P > 0.0) return P;
  *exp_h_tau = exp(-h * q->inv_tau_m);
  return h * q->inv_c_m * *exp_h_tau;
}

/* The propagator from an exponential current (tau_syn) to V: iaf_psc_exp's P21, alpha's P32. */
static inline double sg_iaf_pvi(double tau_syn, double tau_m, double c_m, double h) {
  const sg_iaf_prop q = sg_iaf_prop_make(tau_syn, tau_m, c_m);
  double a, b, c;
  return sg_iaf_pvi_parts(&q, h, &a, &b, &c);
}

/* iaf_psc_alpha's P31 (dI -> V) and P32 (I -> V). P31 takes the regular form when
 * h > 1e-7 tau_m^2 / |tau_m - tau_syn|, else the singular 0.5 h^2 / C_m exp(-h/tau_m). */
static inline void sg_iaf_palpha(double tau_syn, double tau_m, double c_m, double h, double *P31, double *P32) {
  const sg_iaf_prop q = sg_iaf_prop_make(tau_syn, tau_m, c_m);
  double exp_h_tau_syn, expm1_h_tau, exp_h_tau;
  *P32 = sg_iaf_pvi_parts(&q, h, &exp_h_tau_syn, &expm1_h_tau, &exp_h_tau);
  if (h > q.h_min_regular) {
    *P31 = q.gamma * exp_h_tau_syn * (q.beta * expm1_h_tau - h);
  } else {
    if (isnan(exp_h_tau)) exp_h_tau = exp(-h * q.inv_tau_m);
    *P31 = 0.5 * h * h * q.inv_c_m * exp_h_tau;
  }
}

/* The coefficients all three share: thresholds relative to E_L and the refractory steps. */
typedef struct sg_iaf_base {
  double Theta, V_reset, I_e;   /* V_th - E_L, V_reset - E_L, I_e                      */
  double refr_steps;            /* steps(t_ref): nearest tic, then up to whole steps   */
} sg_iaf_base;

static inline sg_iaf_base sg_iaf_base_make(const double *p, int64_t tics_per_step) {
  sg_iaf_base b;
  b.Theta = p[SG_IAF_P_V_th] - p[SG_IAF_P_E_L];
  b.V_reset = p[SG_IAF_P_V_reset] - p[SG_IAF_P_E_L];
  b.I_e = p[SG_IAF_P_I_e];
  b.refr_steps = (double)sg_ms_to_steps_ceil(p[SG_IAF_P_t_ref], tics_per_step);
  return b;
}
#endif /* !__CUDA_ARCH__ */

/* ---- host hooks shared by the three (host/models.c builds the descriptors from them) ---------- */
#if !defined(__CUDACC__)
#include <stdio.h>
#include "sg/model_host.h"

/* NEST's checks (Parameters_::set): V_reset < V_th, compared relative to E_L as NEST stores them;
 * C_m, tau_* > 0 and t_ref >= 0 are the rows' classes. t_ref becomes an int64 step count, so it is
 * bounded like every device time. */
static int sg_iaf_check(const double *p, const sg_vec *v, char *msg, size_t len) {
  (void)v;
  if (p[SG_IAF_P_t_ref] > SG_I_MAX_TIME_MS) {
    snprintf(msg, len, "t_ref = %g ms: allowed at most %g ms (times are kept in integer tics)", p[SG_IAF_P_t_ref],
             SG_I_MAX_TIME_MS);
    return 1;
  }
  if (p[SG_IAF_P_V_reset] - p[SG_IAF_P_E_L] >= p[SG_IAF_P_V_th] - p[SG_IAF_P_E_L]) {
    snprintf(msg, len, "V_reset = %g mV >= V_th = %g mV: the reset potential must be smaller than the threshold",
             p[SG_IAF_P_V_reset], p[SG_IAF_P_V_th]);
    return 1;
  }
  return 0;
}

/* V_m is read and set absolute; every other row as it is stored. */
static double sg_iaf_get_state(const struct sg_pop *pop, uint32_t row, uint64_t i) {
  const double s = sg_pop_state(pop, row)[i];
  return row == SG_IAF_S_V_m ? s + sg_pop_param(pop, SG_IAF_P_E_L, i) : s;
}
static int sg_iaf_set_state(struct sg_pop *pop, uint32_t row, uint64_t i, double value, char *msg, size_t len) {
  (void)msg; (void)len;   /* the row's class has checked the value */
  if (i != UINT64_MAX)
    sg_pop_state(pop, row)[i] = row == SG_IAF_S_V_m ? value - sg_pop_param(pop, SG_IAF_P_E_L, i) : value;
  return 0;
}

/* NEST: changing E_L keeps the absolute V_m (y moves by -(E_L_new - E_L_old)). V_th, V_reset and
 * V_min are stored absolute, so they keep theirs by construction. */
static void sg_iaf_params_changed(struct sg_pop *pop, uint64_t i, const double *old_p, const double *new_p) {
  const double d = new_p[SG_IAF_P_E_L] - old_p[SG_IAF_P_E_L];
  if (d != 0.0) sg_pop_state(pop, SG_IAF_S_V_m)[i] -= d;
}

/* A fresh node: V_m = E_L (y = 0), every other state 0. */
static void sg_iaf_zero_state(struct sg_pop *pop, uint64_t i, uint32_t n_rows) {
  for (uint32_t r = 0; r < n_rows; ++r) sg_pop_state(pop, r)[i] = 0.0;
}

/* Recordables, NEST's names and order: iaf_psc_delta V_m; iaf_psc_exp and iaf_psc_alpha
 * I_syn_ex, I_syn_in, V_m (V_m absolute). */
static double sg_iaf_v_abs(const struct sg_pop *pop, uint64_t i) {
  return sg_pop_state(pop, SG_IAF_S_V_m)[i] + sg_pop_param(pop, SG_IAF_P_E_L, i);
}
static uint32_t sg_iaf_delta_n_recordables(const struct sg_pop *pop) { (void)pop; return 1; }
static void sg_iaf_delta_recordable_name(const struct sg_pop *pop, uint32_t j, char *buf, size_t len) {
  (void)pop;
  snprintf(buf, len, "%s", j == 0 ? "V_m" : "");
}
static double sg_iaf_delta_recordable_value(const struct sg_pop *pop, uint32_t j, uint64_t i) {
  return j == 0 ? sg_iaf_v_abs(pop, i) : NAN;
}
static uint32_t sg_iaf_psc_n_recordables(const struct sg_pop *pop) { (void)pop; return 3; }
static void sg_iaf_psc_recordable_name(const struct sg_pop *pop, uint32_t j, char *buf, size_t len) {
  static const char *const names[3] = {"I_syn_ex", "I_syn_in", "V_m"};
  (void)pop;
  snprintf(buf, len, "%s", j < 3 ? names[j] : "");
}
static double sg_iaf_psc_recordable_value(const struct sg_pop *pop, uint32_t j, uint64_t i) {
  switch (j) {
  case 0: return sg_pop_state(pop, SG_IAF_S_I_syn_ex)[i];
  case 1: return sg_pop_state(pop, SG_IAF_S_I_syn_in)[i];
  case 2: return sg_iaf_v_abs(pop, i);
  default: return NAN;
  }
}

/* The hooks every iaf_psc_* descriptor has; each model adds its recordables and init_state. */
#define SG_IAF_COMMON_HOOKS                                                                           \
  .check = sg_iaf_check, .get_state = sg_iaf_get_state, .set_state = sg_iaf_set_state,                \
  .params_changed = sg_iaf_params_changed,
#define SG_IAF_PSC_RECORDABLES                                                                        \
  .n_recordables = sg_iaf_psc_n_recordables, .recordable_name = sg_iaf_psc_recordable_name,           \
  .recordable_value = sg_iaf_psc_recordable_value,
#endif /* !__CUDACC__ */

#endif
