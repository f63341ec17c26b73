/* sg/models/glif_cond.h - conductance-based generalised leaky integrate-and-fire neuron
 * (Allen Institute GLIF 1-5), NEST's glif_cond, reproduced bit for bit.
 *
 * Membrane (V relative to E_L, n = len(tau_syn) alpha-shaped conductances):
 *   C_m dV/dt = -g_m V - sum_i g_i (V + E_L - E_rev_i) + I + ASCurrents_sum   (0 while refractory)
 *   d dg_i/dt = -dg_i / tau_i,     d g_i/dt = dg_i - g_i / tau_i
 * A spike of weight w on receptor i adds w e / tau_i to dg_i (peak g_i = w at t = tau_i).
 * Three switches select the level (only these five combinations are accepted):
 *   GLIF1 LIF (0,0,0)   GLIF2 LIF_R (1,0,0)   GLIF3 LIF_ASC (0,1,0)   GLIF4 LIF_R_ASC (1,1,0)
 *   GLIF5 LIF_R_ASC_A (1,1,1)        = (spike_dependent_threshold, after_spike_currents,
 *                                       adapting_threshold)
 *   R:   threshold_spike theta_s decays at rate th_spike_decay and jumps by th_spike_add at a
 *        spike; the reset is V <- voltage_reset_fraction V_old + voltage_reset_add.
 *   ASC: after-spike currents I_j decay at rates asc_decay_j; at a spike
 *        I_j <- asc_amps_j + I_j asc_r_j exp(-asc_decay_j t_ref).
 *   A:   threshold_voltage theta_v follows the voltage (th_voltage_index, th_voltage_decay).
 * Total threshold theta = theta_s + theta_v + (V_th - E_L); a spike is V > theta (strict).
 *
 * Integration scheme (docs/models.md §2.6): in every step NEST runs GSL's legacy
 * gsl_odeiv_evolve_apply with the RKF45 stepper and the standard "y" control
 * (eps_abs 1e-3, eps_rel 0) from t = 0 until t = h, carrying the suggested step size from step
 * to step and across simulate calls (state row integration_step). The step below is a
 * re-implementation of exactly that arithmetic: Fehlberg coefficients formed as quotients of
 * the same double literals, sums in the same order, the same step control, pow(r, 1/5) and
 * pow(r, 1/(5+1)) through sg_pow. The evolve loop follows libgsl 2.7.1 as compiled (a step is
 * final when the suggestion EXCEEDS the remaining time, h0 > t1 - t0; there is no nextafter
 * adjustment; checked against libgsl.so.27 call for call).
 *
 * Update of step k, NEST's order (docs/models.md §2.8):
 *   1. integrate (0, h] with the refractory counter, the buffered current I and
 *      ASCurrents_sum as they were at the start of the step;
 *   2. not refractory: R: theta_s decays one step; ASCurrents_sum <- exact mean of the ASCs over
 *      the step, then they decay; A: theta_v update driven by the start-of-step voltage;
 *      theta; spike if V > theta: counter <- steps(t_ref), ASC jump, reset (V_reset without R,
 *      fraction/add rule with R, then theta_s decays over the unrounded t_ref and jumps),
 *      spike stamped k+1;
 *      refractory: counter - 1, V held at its start-of-step value, theta recomputed;
 *   3. dg_i += (spike input of receptor i in slot k) e / tau_i;  I <- current input of slot k.
 * So the current and the ASC mean used in the ODE of step k come from the end of step k-1,
 * and spikes delivered into slot k act from step k+1 (NEST's one-step lags).
 *
 * Ports: spike receptor r = 1..n -> port r-1 (receptor 0 rejected, as in NEST); current
 * receptor 0 -> port n. Weights are not sign-checked: a negative weight gives a negative
 * conductance (NEST's example relies on it).
 * Units: V mV, g nS, I pA, C_m pF, t ms, rates 1/ms. Internally V_m, V_reset, V_th and
 * threshold are relative to E_L; sg_get/sg_set and the recordables V_m and threshold are
 * absolute, threshold_spike and threshold_voltage relative (as NEST reports them).
 *
 * Differences from NEST 3.10 (all documented deviations):
 *   - asc_init: NEST never copies it into the state (its quirk 1.11.1). Here ASCurrents is
 *     filled from asc_init whenever the node's state is initialised: at creation and when the
 *     number of ASCs (len(asc_decay)) changes; ASCurrents_sum then starts at their sum when
 *     after_spike_currents is on (else 0). To change the currents of an existing node set
 *     ASCurrents (after_spike_currents on), as in NEST.
 *   - vector parameters may differ per node, but len(tau_syn) (receptors) and len(asc_decay)
 *     (ASCs) must be equal across a population (they size state rows and ports);
 *     at most SG_GLIF_MAX_REC receptors and SG_GLIF_MAX_ASC after-spike currents.
 *   - NEST sets tau_syn and E_rev in one call and requires equal lengths; sg_set_vec sets one
 *     vector at a time, so the number of receptors is len(tau_syn) and E_rev may be longer
 *     (extra values unused): to add receptors set E_rev first, to remove some set tau_syn
 *     first. A shorter E_rev is an error.
 *   - a step that would need more than SG_GLIF_MAX_EVOLVE solver calls (a non-finite or absurdly
 *     stiff state) stops integrating and sets V_m to NaN instead of hanging.
 *   - NEST shifts V_reset and V_th by -delta E_L when E_L changes alone; here they are stored
 *     absolute and the relative values recomputed (same value, may differ in the last bit).
 *   - pow: sg_pow is correctly rounded, glibc's pow (which NEST calls) is not quite (about
 *     0.52 ulp): for roughly 1 in 1400 controller calls the two differ by 1 ulp, and so does
 *     the carried step size. That only matters when the carried size is used (after a rejected
 *     trial step, i.e. under strong input): then the sub-step sequence and the trace differ
 *     from NEST's at the 1e-7 mV level. Measured against a libgsl + glibc replica of NEST:
 *     every reference scenario (tests/data) is bitwise; 2e7 steps of heavily, randomly driven
 *     neurons: h = 0.1 max |dV| 8e-7 mV, h = 0.05 2e-13 mV, h = 0.01 0, no spike moved.
 *     With glibc's pow in place of sg_pow the step matched that replica in every one of 6e7
 *     steps; a pow that rounds like glibc's would make NEST agreement unconditional.
 * CPU: the backend runs glif_cond_block.h (4 or 8 neurons per vector, this step's bits, tested by
 * tests/test_glif_block.c); the CUDA backend and per-node coefficient sets run this step.
 * References: Teeter C et al. (2018) Nat Commun 9:709; NEST models/glif_cond.{h,cpp}.
 * See also: docs/models.md §2 (the contract, §2.6 the CPU fast path), gl_exp.h (the template).
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_GLIF_COND_H
#define SG_MODELS_GLIF_COND_H

#include <stddef.h>
#include <stdio.h>

#include "sg/model.h"
#include "sg/math.h"

#define SG_GLIF_MAX_REC 8                        /* spike receptors (len(tau_syn))      */
#define SG_GLIF_MAX_ASC 8                        /* after-spike currents (len(asc_decay)) */
#define SG_GLIF_MAX_DIM (1 + 2 * SG_GLIF_MAX_REC)
#ifndef SG_GLIF_MAX_EVOLVE                       /* (a test may lower it to reach it quickly) */
#define SG_GLIF_MAX_EVOLVE 1000000               /* solver calls per step before giving up */
#endif

/* X(name, unit, default, check, doc) */
#define SG_GLIF_COND_PARAMS(X)                                                                \
  X(g_m,     "nS", 9.43,   SG_CHK_POS, "membrane (leak) conductance")                         \
  X(E_L,     "mV", -78.85, SG_CHK_ANY, "resting potential")                                   \
  X(V_th,    "mV", -51.68, SG_CHK_ANY, "instantaneous threshold; must exceed V_reset")        \
  X(C_m,     "pF", 58.72,  SG_CHK_POS, "membrane capacitance")                                \
  X(t_ref,   "ms", 3.75,   SG_CHK_POS, "refractory period (counter rounded up to steps)")     \
  X(V_reset, "mV", -78.85, SG_CHK_ANY, "reset potential without R; must be < V_th")           \
  X(th_spike_add,   "mV",   0.37,  SG_CHK_ANY, "R: jump of threshold_spike at a spike")       \
  X(th_spike_decay, "1/ms", 0.009, SG_CHK_ANY, "R: decay rate of threshold_spike (> 0 with R)") \
  X(voltage_reset_fraction, "1",  0.20, SG_CHK_ANY, "R: reset V = fraction V_old + add ([0,1] with R)") \
  X(voltage_reset_add,      "mV", 18.51, SG_CHK_ANY, "R: additive term of the reset (relative to E_L)") \
  X(th_voltage_index, "1/ms", 0.005, SG_CHK_ANY, "A: a_v, coupling of threshold_voltage to V") \
  X(th_voltage_decay, "1/ms", 0.09,  SG_CHK_ANY, "A: b_v, decay rate of threshold_voltage (> 0 with A)") \
  X(spike_dependent_threshold, "bool", 0.0, SG_CHK_BOOL, "R: spike-induced threshold and biological reset") \
  X(after_spike_currents,      "bool", 0.0, SG_CHK_BOOL, "ASC: after-spike currents")      \
  X(adapting_threshold,        "bool", 0.0, SG_CHK_BOOL, "A: voltage-dependent threshold")

/* X(name, unit, check, doc); defaults in sg_glif_cond_vec_default */
#define SG_GLIF_COND_VECS(X)                                                                  \
  X(asc_init,  "pA",   SG_CHK_ANY, "initial ASCurrents at state initialisation [0, 0] (NEST ignores it)") \
  X(asc_decay, "1/ms", SG_CHK_ANY, "ASC decay rates k_j [0.003, 0.1] (each > 0 with ASC); len = number of ASCs") \
  X(asc_amps,  "pA",   SG_CHK_ANY, "ASC jumps at a spike [-9.18, -198.94]")                 \
  X(asc_r,     "1",    SG_CHK_ANY, "fraction of each ASC kept at a spike [1, 1] (in [0,1] with ASC)") \
  X(tau_syn,   "ms",   SG_CHK_POS, "alpha time constant per receptor [0.2, 2.0]; len = number of receptors") \
  X(E_rev,     "mV",   SG_CHK_ANY, "reversal potential per receptor [0, -85] (absolute)")

/* X(name, unit, initial, doc). Rows dg, g (one component per receptor) and ASCurrents (one per
 * ASC) are vectors. The initial values listed are what a fresh node reports; init_state sets
 * the internal (relative) form. */
#define SG_GLIF_COND_STATE(X)                                                                 \
  X(V_m,               "mV",    -78.85, SG_CHK_ANY, "membrane potential (stored relative to E_L)")       \
  X(ASCurrents_sum,    "pA",    0.0, SG_CHK_ANY,    "mean of the after-spike currents over the last non-refractory step") \
  X(I,                 "pA",    0.0, SG_CHK_ANY,    "external current read at the end of the last step, used in the next") \
  X(threshold,         "mV",    -51.68, SG_CHK_ANY, "total threshold (stored relative to E_L)")           \
  X(threshold_spike,   "mV",    0.0, SG_CHK_ANY,    "spike component of the threshold (relative)")        \
  X(threshold_voltage, "mV",    0.0, SG_CHK_ANY,    "voltage component of the threshold (relative)")      \
  X(refractory_steps,  "steps", 0.0, SG_CHK_ANY,    "refractory steps left")                             \
  X(integration_step,  "ms",    0.0, SG_CHK_ANY,    "RKF45 step size carried to the next step (0 = h)")   \
  X(dg,                "nS/ms", 0.0, SG_CHK_ANY,    "first alpha state per receptor")                     \
  X(g,                 "nS",    0.0, SG_CHK_ANY,    "synaptic conductance per receptor")                  \
  X(ASCurrents,        "pA",    0.0, SG_CHK_ANY,    "after-spike currents")

enum {
#define X(name, unit, def, chk, doc) SG_GLIF_COND_P_##name,
  SG_GLIF_COND_PARAMS(X)
#undef X
  SG_GLIF_COND_N_PARAMS
};
enum {
#define X(name, unit, chk, doc) SG_GLIF_COND_V_##name,
  SG_GLIF_COND_VECS(X)
#undef X
  SG_GLIF_COND_N_VECS
};
enum {
#define X(name, unit, init, chk, doc) SG_GLIF_COND_S_##name,
  SG_GLIF_COND_STATE(X)
#undef X
  SG_GLIF_COND_N_STATE
};
SG_STATIC_ASSERT(SG_GLIF_COND_N_STATE <= SG_MAX_STATE_ROWS, "glif_cond: too many state rows");

/* Per-run coefficients of one node (NEST's Variables_ plus the parameters the step reads).
 * Fixed size: the host copies it to the device as it is. */
typedef struct sg_glif_cond_coef {
  double h;               /* resolution = integration interval of one step (ms)          */
  double G, C_m, E_L;     /* g_m, C_m, E_L                                                */
  double th_inf;          /* V_th - E_L                                                   */
  double V_reset;         /* V_reset - E_L                                                */
  double refr_steps;      /* steps(t_ref): nearest tic, then up to whole steps            */
  /* R */
  double ts_decay;        /* exp(-th_spike_decay h)                                       */
  double ts_refr_decay;   /* exp(-th_spike_decay t_ref)                                   */
  double th_spike_add, vr_fraction, vr_add;
  /* A */
  double pot_decay;       /* exp(-g_m h / C_m)                                            */
  double tv_decay_inv;    /* 1 / exp(th_voltage_decay h)                                  */
  double phi;             /* a_v / (b_v - g_m / C_m)                                      */
  double ab_ratio;        /* a_v / b_v                                                    */
  int32_t has_R, has_ASC, has_A;
  uint32_t n_rec;         /* receptors                                                    */
  uint32_t n_asc;         /* ASCs integrated: len(asc_decay) with ASC on, else 0          */
  uint32_t pad_;
  double tau[SG_GLIF_MAX_REC], E_rev[SG_GLIF_MAX_REC];
  double jump[SG_GLIF_MAX_REC];          /* 1.0 e / tau_i                                 */
  double asc_decay[SG_GLIF_MAX_ASC];     /* exp(-k_j h)                                   */
  double asc_coeff[SG_GLIF_MAX_ASC];     /* ((1/k_j)/h)(1 - exp(-k_j h)): mean over a step */
  double asc_refr[SG_GLIF_MAX_ASC];      /* r_j exp(-k_j t_ref)                           */
  double asc_amps[SG_GLIF_MAX_ASC];
} sg_glif_cond_coef;

/* Input ports of a node with n_rec receptors. */
SG_HD uint32_t sg_glif_cond_ports_for(uint32_t n_rec) { return n_rec + 1u; }

#ifndef __CUDA_ARCH__
/* NEST's defaults of the vector parameters. v: SG_GLIF_COND_V_*. Returns the length and
 * points *vals at a static table. */
static inline size_t sg_glif_cond_vec_default_values(uint32_t v, const double **vals) {
  static const double asc_init[] = {0.0, 0.0}, asc_decay[] = {0.003, 0.1},
                      asc_amps[] = {-9.18, -198.94}, asc_r[] = {1.0, 1.0},
                      tau_syn[] = {0.2, 2.0}, E_rev[] = {0.0, -85.0};
  switch (v) {
  case SG_GLIF_COND_V_asc_init: *vals = asc_init; return 2;
  case SG_GLIF_COND_V_asc_decay: *vals = asc_decay; return 2;
  case SG_GLIF_COND_V_asc_amps: *vals = asc_amps; return 2;
  case SG_GLIF_COND_V_asc_r: *vals = asc_r; return 2;
  case SG_GLIF_COND_V_tau_syn: *vals = tau_syn; return 2;
  case SG_GLIF_COND_V_E_rev: *vals = E_rev; return 2;
  default: *vals = NULL; return 0;
  }
}

/* Cross-parameter validation of one node (NEST's Parameters_::set checks, in NEST's order,
 * plus spikegpu's size limits). p: SG_GLIF_COND_N_PARAMS values; vec[v], len[v]: the vectors.
 * Returns 0, or 1 with a message naming the parameter, its value and what is allowed. */
static inline int sg_glif_cond_check(const double *p, const double *const *vec, const size_t *len,
                                     char *msg, size_t mlen) {
  const int R = p[SG_GLIF_COND_P_spike_dependent_threshold] != 0.0;
  const int ASC = p[SG_GLIF_COND_P_after_spike_currents] != 0.0;
  const int A = p[SG_GLIF_COND_P_adapting_threshold] != 0.0;
  const double E_L = p[SG_GLIF_COND_P_E_L];
  if (A && !(R && ASC)) {
    snprintf(msg, mlen, "incorrect model mechanism combination: spike_dependent_threshold = %d, "
             "after_spike_currents = %d, adapting_threshold = %d: allowed (0,0,0) GLIF1, (1,0,0) GLIF2, "
             "(0,1,0) GLIF3, (1,1,0) GLIF4, (1,1,1) GLIF5", R, ASC, A);
    return 1;
  }
  if (p[SG_GLIF_COND_P_V_reset] - E_L >= p[SG_GLIF_COND_P_V_th] - E_L) {
    snprintf(msg, mlen, "V_reset = %g mV >= V_th = %g mV: the reset potential must be smaller than the threshold",
             p[SG_GLIF_COND_P_V_reset], p[SG_GLIF_COND_P_V_th]);
    return 1;
  }
  if (!(p[SG_GLIF_COND_P_C_m] > 0.0)) {
    snprintf(msg, mlen, "C_m = %g pF: the capacitance must be strictly positive (allowed > 0)", p[SG_GLIF_COND_P_C_m]);
    return 1;
  }
  if (!(p[SG_GLIF_COND_P_g_m] > 0.0)) {
    snprintf(msg, mlen, "g_m = %g nS: the membrane conductance must be strictly positive (allowed > 0)", p[SG_GLIF_COND_P_g_m]);
    return 1;
  }
  if (!(p[SG_GLIF_COND_P_t_ref] > 0.0)) {
    snprintf(msg, mlen, "t_ref = %g ms: the refractory time must be strictly positive (allowed > 0)", p[SG_GLIF_COND_P_t_ref]);
    return 1;
  }
  if (R) {
    if (!(p[SG_GLIF_COND_P_th_spike_decay] > 0.0)) {
      snprintf(msg, mlen, "th_spike_decay = %g 1/ms: the spike-induced threshold decay rate must be strictly positive "
               "when spike_dependent_threshold is on (allowed > 0)", p[SG_GLIF_COND_P_th_spike_decay]);
      return 1;
    }
    const double f = p[SG_GLIF_COND_P_voltage_reset_fraction];
    if (!(f >= 0.0 && f <= 1.0)) {
      snprintf(msg, mlen, "voltage_reset_fraction = %g: must be within [0.0, 1.0] when spike_dependent_threshold is on", f);
      return 1;
    }
  }
  const size_t n_asc = len[SG_GLIF_COND_V_asc_decay];
  if (ASC) {
    if (len[SG_GLIF_COND_V_asc_init] != n_asc || len[SG_GLIF_COND_V_asc_amps] != n_asc ||
        len[SG_GLIF_COND_V_asc_r] != n_asc) {
      snprintf(msg, mlen, "asc_init (%zu), asc_decay (%zu), asc_amps (%zu), asc_r (%zu): all after spike current "
               "parameters must have the same size when after_spike_currents is on",
               len[SG_GLIF_COND_V_asc_init], n_asc, len[SG_GLIF_COND_V_asc_amps], len[SG_GLIF_COND_V_asc_r]);
      return 1;
    }
    for (size_t j = 0; j < n_asc; ++j) {
      if (!(vec[SG_GLIF_COND_V_asc_decay][j] > 0.0)) {
        snprintf(msg, mlen, "asc_decay[%zu] = %g 1/ms: the after-spike current decay rates must be strictly positive "
                 "(allowed > 0)", j, vec[SG_GLIF_COND_V_asc_decay][j]);
        return 1;
      }
      const double r = vec[SG_GLIF_COND_V_asc_r][j];
      if (!(r >= 0.0 && r <= 1.0)) {
        snprintf(msg, mlen, "asc_r[%zu] = %g: the after-spike current fractions must be within [0.0, 1.0]", j, r);
        return 1;
      }
    }
  }
  if (A && !(p[SG_GLIF_COND_P_th_voltage_decay] > 0.0)) {
    snprintf(msg, mlen, "th_voltage_decay = %g 1/ms: the voltage-induced threshold decay rate must be strictly positive "
             "when adapting_threshold is on (allowed > 0)", p[SG_GLIF_COND_P_th_voltage_decay]);
    return 1;
  }
  const size_t n_rec = len[SG_GLIF_COND_V_tau_syn];
  if (len[SG_GLIF_COND_V_E_rev] < n_rec) {
    snprintf(msg, mlen, "E_rev (%zu) and tau_syn (%zu): the reversal potential and synaptic time constant arrays "
             "must have the same size (every receptor needs an E_rev; vectors are set one at a time: to add "
             "receptors set E_rev first, to remove receptors set tau_syn first)", len[SG_GLIF_COND_V_E_rev], n_rec);
    return 1;
  }
  for (size_t r = 0; r < n_rec; ++r)
    if (!(vec[SG_GLIF_COND_V_tau_syn][r] > 0.0)) {
      snprintf(msg, mlen, "tau_syn[%zu] = %g ms: all synaptic time constants must be strictly positive (allowed > 0)",
               r, vec[SG_GLIF_COND_V_tau_syn][r]);
      return 1;
    }
  if (n_rec > SG_GLIF_MAX_REC) {
    snprintf(msg, mlen, "tau_syn has %zu receptors: allowed at most %d", n_rec, SG_GLIF_MAX_REC);
    return 1;
  }
  if (n_asc > SG_GLIF_MAX_ASC) {
    snprintf(msg, mlen, "asc_decay has %zu after-spike currents: allowed at most %d", n_asc, SG_GLIF_MAX_ASC);
    return 1;
  }
  return 0;
}

/* Host only, once per run (NEST's pre_run_hook): the coefficients in NEST's exact form, with
 * glibc's exp, so both backends start from NEST's bits. Assumes check() passed. */
static inline void sg_glif_cond_prepare_arrays(const double *p, const double *const *vec, const size_t *len,
                                               double h, int64_t tics_per_step, sg_glif_cond_coef *c) {
  memset(c, 0, sizeof *c);
  const double G = p[SG_GLIF_COND_P_g_m], C_m = p[SG_GLIF_COND_P_C_m], E_L = p[SG_GLIF_COND_P_E_L];
  const double t_ref = p[SG_GLIF_COND_P_t_ref];
  c->h = h;
  c->G = G;
  c->C_m = C_m;
  c->E_L = E_L;
  c->th_inf = p[SG_GLIF_COND_P_V_th] - E_L;
  c->V_reset = p[SG_GLIF_COND_P_V_reset] - E_L;
  c->refr_steps = (double)sg_ms_to_steps_ceil(t_ref, tics_per_step);
  c->has_R = p[SG_GLIF_COND_P_spike_dependent_threshold] != 0.0;
  c->has_ASC = p[SG_GLIF_COND_P_after_spike_currents] != 0.0;
  c->has_A = p[SG_GLIF_COND_P_adapting_threshold] != 0.0;
  c->th_spike_add = p[SG_GLIF_COND_P_th_spike_add];
  c->vr_fraction = p[SG_GLIF_COND_P_voltage_reset_fraction];
  c->vr_add = p[SG_GLIF_COND_P_voltage_reset_add];
  if (c->has_R) {
    const double b_s = p[SG_GLIF_COND_P_th_spike_decay];
    c->ts_decay = exp(-b_s * h);
    c->ts_refr_decay = exp(-b_s * t_ref);
  }
  if (c->has_ASC) {
    const size_t n = len[SG_GLIF_COND_V_asc_decay];
    c->n_asc = (uint32_t)(n < SG_GLIF_MAX_ASC ? n : SG_GLIF_MAX_ASC);
    for (uint32_t j = 0; j < c->n_asc; ++j) {
      const double k = vec[SG_GLIF_COND_V_asc_decay][j];
      c->asc_decay[j] = exp(-k * h);
      c->asc_coeff[j] = ((1.0 / k) / h) * (1.0 - c->asc_decay[j]);
      c->asc_refr[j] = vec[SG_GLIF_COND_V_asc_r][j] * exp(-k * t_ref);
      c->asc_amps[j] = vec[SG_GLIF_COND_V_asc_amps][j];
    }
  }
  if (c->has_A) {
    const double a_v = p[SG_GLIF_COND_P_th_voltage_index], b_v = p[SG_GLIF_COND_P_th_voltage_decay];
    c->pot_decay = exp(-G * h / C_m);
    c->tv_decay_inv = 1 / (exp(b_v * h));
    c->phi = a_v / (b_v - G / C_m);
    c->ab_ratio = a_v / b_v;
  }
  const size_t nr = len[SG_GLIF_COND_V_tau_syn];
  c->n_rec = (uint32_t)(nr < SG_GLIF_MAX_REC ? nr : SG_GLIF_MAX_REC);
  for (uint32_t r = 0; r < c->n_rec; ++r) {
    const double tau = vec[SG_GLIF_COND_V_tau_syn][r];
    c->tau[r] = tau;
    c->E_rev[r] = vec[SG_GLIF_COND_V_E_rev][r];
    c->jump[r] = 1.0 * 2.718281828459045 / tau;   /* NEST: 1.0 * numerics::e / tau */
  }
}
/* The uniform form (sg/model.h): the vector parameters as sg_vec, in SG_GLIF_COND_VECS order. */
static inline void sg_glif_cond_prepare(const double *p, const sg_vec *vecs, double h, int64_t tics_per_step,
                                        sg_glif_cond_coef *c) {
  const double *v[SG_GLIF_COND_N_VECS];
  size_t l[SG_GLIF_COND_N_VECS];
  for (uint32_t k = 0; k < SG_GLIF_COND_N_VECS; ++k) { v[k] = vecs[k].v; l[k] = vecs[k].len; }
  sg_glif_cond_prepare_arrays(p, v, l, h, tics_per_step, c);
}
#endif /* !__CUDA_ARCH__ */

/* ---- the solver: GSL's RKF45 + standard control + evolve_apply, NEST's arithmetic --------- */

/* Fehlberg 4(5) tableau exactly as GSL writes it (quotients of double literals). */
#define SG_GLIF_AH0 (1.0 / 4.0)
#define SG_GLIF_B3_0 (3.0 / 32.0)
#define SG_GLIF_B3_1 (9.0 / 32.0)
#define SG_GLIF_B4_0 (1932.0 / 2197.0)
#define SG_GLIF_B4_1 (-7200.0 / 2197.0)
#define SG_GLIF_B4_2 (7296.0 / 2197.0)
#define SG_GLIF_B5_0 (8341.0 / 4104.0)
#define SG_GLIF_B5_1 (-32832.0 / 4104.0)
#define SG_GLIF_B5_2 (29440.0 / 4104.0)
#define SG_GLIF_B5_3 (-845.0 / 4104.0)
#define SG_GLIF_B6_0 (-6080.0 / 20520.0)
#define SG_GLIF_B6_1 (41040.0 / 20520.0)
#define SG_GLIF_B6_2 (-28352.0 / 20520.0)
#define SG_GLIF_B6_3 (9295.0 / 20520.0)
#define SG_GLIF_B6_4 (-5643.0 / 20520.0)
#define SG_GLIF_C1 (902880.0 / 7618050.0)
#define SG_GLIF_C3 (3953664.0 / 7618050.0)
#define SG_GLIF_C4 (3855735.0 / 7618050.0)
#define SG_GLIF_C5 (-1371249.0 / 7618050.0)
#define SG_GLIF_C6 (277020.0 / 7618050.0)
#define SG_GLIF_E1 (1.0 / 360.0)
#define SG_GLIF_E3 (-128.0 / 4275.0)
#define SG_GLIF_E4 (-2197.0 / 75240.0)
#define SG_GLIF_E5 (1.0 / 50.0)
#define SG_GLIF_E6 (2.0 / 55.0)
#define SG_GLIF_DBL_MIN 2.2250738585072014e-308

/* The solver helpers are forced inline so that the common receptor counts, passed as
 * literals, give fully unrolled loops with the state in registers. */
#if defined(__CUDACC__)
#  define SG_GLIF_FI SG_HD
#elif defined(__GNUC__)
#  define SG_GLIF_FI static inline __attribute__((always_inline))
#else
#  define SG_GLIF_FI SG_HD
#endif

/* pow of the step control. On the device it is a call (sg_pow inlined twice is a large share of the
 * kernel's code and registers); the same function, so the same bits. */
#if defined(__CUDACC__)
static __host__ __device__ __noinline__ double sg_glif_pow(double x, double y) { return sg_pow(x, y); }
#else
#  define sg_glif_pow sg_pow
#endif

/* Right-hand side, NEST's glif_cond_dynamics: y = [V, dg_1, g_1, dg_2, g_2, ...], V relative. */
SG_GLIF_FI void sg_glif_cond_rhs(const sg_glif_cond_coef *SG_RESTRICT c, const uint32_t nr,
                                 const int refr, const double I, const double asc,
                                 const double *SG_RESTRICT y, double *SG_RESTRICT f) {
  if (refr) {
    f[0] = 0.0;   /* V is clamped; its I_syn would use V_reset and is not needed */
  } else {
    const double V = y[0];
    double I_syn = 0.0;
    for (uint32_t r = 0; r < nr; ++r) I_syn += y[2 + 2 * r] * (V + c->E_L - c->E_rev[r]);
    const double I_leak = c->G * V;
    f[0] = (-I_leak - I_syn + I + asc) / c->C_m;
  }
  for (uint32_t r = 0; r < nr; ++r) {
    f[1 + 2 * r] = -y[1 + 2 * r] / c->tau[r];
    f[2 + 2 * r] = y[1 + 2 * r] - (y[2 + 2 * r] / c->tau[r]);
  }
}

/* Integrates y over (0, h]: NEST's `while (t < h) gsl_odeiv_evolve_apply(...)` with RKF45 and
 * the standard control (eps_abs 1e-3, eps_rel 0, a_y 1, a_dydt 0). *hs: the carried step size.
 * Returns 0, or 1 when SG_GLIF_MAX_EVOLVE solver steps were not enough. */
SG_GLIF_FI int sg_glif_cond_integrate(const sg_glif_cond_coef *SG_RESTRICT c, const uint32_t nr,
                                      const int refr, const double I, const double asc,
                                      double *SG_RESTRICT y, double *SG_RESTRICT hs) {
  const uint32_t D = 1 + 2 * nr;
  const double t1 = c->h;
  /* y stays the state at the start of the call until a trial is accepted (so a rejected trial has
   * nothing to restore); the trial's result goes to yt; k6 reuses k2's storage (k2 is dead once the
   * sixth stage's argument is formed): 7 arrays, not 9 (local memory on the GPU) */
  double k1[SG_GLIF_MAX_DIM], k2[SG_GLIF_MAX_DIM], k3[SG_GLIF_MAX_DIM], k4[SG_GLIF_MAX_DIM];
  double k5[SG_GLIF_MAX_DIM], yt[SG_GLIF_MAX_DIM];
  double *const k6 = k2;
  double t = 0.0, h_sugg = *hs;
  uint32_t budget = SG_GLIF_MAX_EVOLVE;
  while (t < t1) {
    /* ---- one gsl_odeiv_evolve_apply(t -> t1) ---- */
    const double t0 = t, dt = t1 - t0;
    double h0 = h_sugg;
    sg_glif_cond_rhs(c, nr, refr, I, asc, y, k1);   /* dydt_in, reused by retries */
    for (;;) {
      if (--budget == 0) { *hs = h_sugg; return 1; }
      int final_step = 0;
      if (h0 > dt) { h0 = dt; final_step = 1; }
      const double H = h0;
      /* rkf45_apply: y -> yt, error estimate */
      for (uint32_t d = 0; d < D; ++d) yt[d] = y[d] + SG_GLIF_AH0 * H * k1[d];
      sg_glif_cond_rhs(c, nr, refr, I, asc, yt, k2);
      for (uint32_t d = 0; d < D; ++d) yt[d] = y[d] + H * (SG_GLIF_B3_0 * k1[d] + SG_GLIF_B3_1 * k2[d]);
      sg_glif_cond_rhs(c, nr, refr, I, asc, yt, k3);
      for (uint32_t d = 0; d < D; ++d)
        yt[d] = y[d] + H * (SG_GLIF_B4_0 * k1[d] + SG_GLIF_B4_1 * k2[d] + SG_GLIF_B4_2 * k3[d]);
      sg_glif_cond_rhs(c, nr, refr, I, asc, yt, k4);
      for (uint32_t d = 0; d < D; ++d)
        yt[d] = y[d] + H * (SG_GLIF_B5_0 * k1[d] + SG_GLIF_B5_1 * k2[d] + SG_GLIF_B5_2 * k3[d] +
                            SG_GLIF_B5_3 * k4[d]);
      sg_glif_cond_rhs(c, nr, refr, I, asc, yt, k5);
      for (uint32_t d = 0; d < D; ++d)
        yt[d] = y[d] + H * (SG_GLIF_B6_0 * k1[d] + SG_GLIF_B6_1 * k2[d] + SG_GLIF_B6_2 * k3[d] +
                            SG_GLIF_B6_3 * k4[d] + SG_GLIF_B6_4 * k5[d]);
      sg_glif_cond_rhs(c, nr, refr, I, asc, yt, k6);
      /* (GSL also evaluates f at the end point for dydt_out; the y control never reads it.) */
      double rmax = SG_GLIF_DBL_MIN;
      for (uint32_t d = 0; d < D; ++d) {
        const double di = SG_GLIF_C1 * k1[d] + SG_GLIF_C3 * k3[d] + SG_GLIF_C4 * k4[d] +
                          SG_GLIF_C5 * k5[d] + SG_GLIF_C6 * k6[d];
        yt[d] = y[d] + H * di;
        const double err = H * (SG_GLIF_E1 * k1[d] + SG_GLIF_E3 * k3[d] + SG_GLIF_E4 * k4[d] +
                                SG_GLIF_E5 * k5[d] + SG_GLIF_E6 * k6[d]);
        /* D0 = eps_rel (a_y |y| + a_dydt h |y'|) + eps_abs = 1e-3 for finite y */
        const double r = fabs(err) / 1e-3;
        rmax = r > rmax ? r : rmax;
      }
      const double t_new = final_step ? t1 : t0 + H;
      /* standard control (ord = 5). The clamps make pow unnecessary at the extremes: for
       * rmax < 3e-5, 0.9 / rmax^(1/6) > 5.10 is clamped to 5; for rmax > 1900,
       * 0.9 / rmax^(1/5) < 0.198 is clamped to 0.2 -- the same bits as computing it. */
      if (rmax > 1.1) {
        double rr = rmax > 1900.0 ? 0.2 : 0.9 / sg_glif_pow(rmax, 1.0 / 5);
        if (rr < 0.2) rr = 0.2;
        const double h_new = rr * H;
        if (fabs(h_new) < fabs(H) && t_new + h_new != t_new) {   /* reject and retry */
          h0 = h_new;
          continue;
        }
        h_sugg = H;                                              /* cannot shrink: keep */
      } else if (rmax < 0.5) {
        double rr = rmax < 3e-5 ? 5.0 : 0.9 / sg_glif_pow(rmax, 1.0 / (5 + 1.0));
        if (rr > 5.0) rr = 5.0;
        if (rr < 1.0) rr = 1.0;
        h_sugg = rr * H;
      } else {
        h_sugg = H;
      }
      for (uint32_t d = 0; d < D; ++d) y[d] = yt[d];
      t = t_new;
      break;
    }
  }
  *hs = h_sugg;
  return 0;
}

/* Any receptor count (loops, arrays in memory). On the device a call of its own, so that its local
 * arrays and registers do not add to those of the unrolled two-receptor path. */
#if defined(__CUDACC__)
static __host__ __device__ __noinline__
#else
static inline
#endif
int sg_glif_cond_integrate_any(const sg_glif_cond_coef *SG_RESTRICT c, const uint32_t nr, const int refr,
                               const double I, const double asc, double *SG_RESTRICT y, double *SG_RESTRICT hs) {
  return sg_glif_cond_integrate(c, nr, refr, I, asc, y, hs);
}

/* Steps 2-5 of the update, after the integration of step 1 left the new [V, dg, g] in y and the
 * carried step size in hs (failed: the solver gave up). Reads the start-of-step state of node i
 * (V_m still holds the old voltage), then writes the whole state and takes the inputs through the
 * context (sg_take_fed: this rank's part of the ring, ports nothing feeds neither read nor cleared).
 * Returns the spike multiplicity (0 or 1) or SG_STEP_NONFINITE. Shared by sg_glif_cond_step and the
 * CPU block step (glif_cond_block.h, for a vector with a lane over its trial cap); the block step's
 * lane-wise twin sg_glif_vfinish (glif_cond_lanes.h) has the same operations: change both together. */
SG_GLIF_FI uint32_t sg_glif_cond_finish(const sg_glif_cond_coef *SG_RESTRICT c, const sg_view *v, uint64_t i,
                                        int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx, double *SG_RESTRICT y,
                                        double hs, int failed) {
  const uint64_t n = ctx->n;
  const uint32_t nr = c->n_rec;
  double *const *s = v->s;
  if (failed) y[0] = sg_bits2d(0x7ff8000000000000ull);   /* NaN marks the node */
  const double v_old = s[SG_GLIF_COND_S_V_m][i];
  double refr = s[SG_GLIF_COND_S_refractory_steps][i];
  const double I = s[SG_GLIF_COND_S_I][i];
  double asc_sum = s[SG_GLIF_COND_S_ASCurrents_sum][i];
  double ts = s[SG_GLIF_COND_S_threshold_spike][i];
  double tv = s[SG_GLIF_COND_S_threshold_voltage][i];
  double theta;
  uint32_t spike = 0;
  if (!(refr > 0.0)) {
    /* 2. not refractory */
    if (c->has_R) ts = ts * c->ts_decay;
    asc_sum = 0.0;
    for (uint32_t j = 0; j < c->n_asc; ++j) {
      double *Ij = &s[SG_GLIF_COND_S_ASCurrents][(uint64_t)j * n + i];
      asc_sum += c->asc_coeff[j] * *Ij;
      *Ij = *Ij * c->asc_decay[j];
    }
    if (c->has_A) {
      const double beta = (I + asc_sum) / c->G;
      tv = c->phi * (v_old - beta) * c->pot_decay +
           c->tv_decay_inv * (tv - c->phi * (v_old - beta) - c->ab_ratio * beta) + c->ab_ratio * beta;
    }
    theta = ts + tv + c->th_inf;
    if (y[0] > theta) {
      refr = c->refr_steps;
      for (uint32_t j = 0; j < c->n_asc; ++j) {
        double *Ij = &s[SG_GLIF_COND_S_ASCurrents][(uint64_t)j * n + i];
        *Ij = c->asc_amps[j] + *Ij * c->asc_refr[j];
      }
      if (!c->has_R) {
        y[0] = c->V_reset;
      } else {
        y[0] = c->vr_fraction * v_old + c->vr_add;
        ts = ts * c->ts_refr_decay + c->th_spike_add;
        theta = ts + tv + c->th_inf;
      }
      spike = 1;
    }
  } else {
    /* 3. refractory: count down, hold V */
    refr = refr - 1.0;
    y[0] = v_old;
    theta = ts + tv + c->th_inf;
  }

  /* 4. spike input of slot k (weights x multiplicities, summed in fixed point); an unfed port's 0
   *    is still added (y + 0.0 turns -0.0 into +0.0, as a read 0 did) */
  for (uint32_t r = 0; r < nr; ++r)
    y[1 + 2 * r] += sg_fx_to_double(sg_take_fed(slot, ctx, r, i)) * c->jump[r];
  /* 5. current input of slot k, used in step k+1 */
  s[SG_GLIF_COND_S_I][i] = sg_fx_to_double(sg_take_fed(slot, ctx, nr, i));

  s[SG_GLIF_COND_S_V_m][i] = y[0];
  for (uint32_t r = 0; r < nr; ++r) {
    s[SG_GLIF_COND_S_dg][(uint64_t)r * n + i] = y[1 + 2 * r];
    s[SG_GLIF_COND_S_g][(uint64_t)r * n + i] = y[2 + 2 * r];
  }
  s[SG_GLIF_COND_S_ASCurrents_sum][i] = asc_sum;
  s[SG_GLIF_COND_S_threshold][i] = theta;
  s[SG_GLIF_COND_S_threshold_spike][i] = ts;
  s[SG_GLIF_COND_S_threshold_voltage][i] = tv;
  s[SG_GLIF_COND_S_refractory_steps][i] = refr;
  s[SG_GLIF_COND_S_integration_step][i] = hs;
  /* a blown-up integration (e.g. C_m = 1e-7 pF) leaves V non-finite, and NaN never crosses the
   * threshold: report it (SG_STEP_NONFINITE) rather than fall silent. !(|V| <= max) is also true
   * for NaN. */
  if (!(fabs(y[0]) <= 1.7976931348623157e308)) return SG_STEP_NONFINITE;
  return spike;
}

/* One neuron, one step. Returns the spike multiplicity (0 or 1) or SG_STEP_NONFINITE. */
SG_HD uint32_t sg_glif_cond_step(const sg_glif_cond_coef *SG_RESTRICT c, const sg_view *v, uint64_t i,
                                 int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx) {
  const uint64_t n = ctx->n;
  const uint32_t nr = c->n_rec;
  double *const *s = v->s;
  double y[SG_GLIF_MAX_DIM];
  y[0] = s[SG_GLIF_COND_S_V_m][i];
  for (uint32_t r = 0; r < nr; ++r) {
    y[1 + 2 * r] = s[SG_GLIF_COND_S_dg][(uint64_t)r * n + i];
    y[2 + 2 * r] = s[SG_GLIF_COND_S_g][(uint64_t)r * n + i];
  }
  const int is_refr = s[SG_GLIF_COND_S_refractory_steps][i] > 0.0;
  const double I = s[SG_GLIF_COND_S_I][i];
  const double asc_sum = s[SG_GLIF_COND_S_ASCurrents_sum][i];
  double hs = s[SG_GLIF_COND_S_integration_step][i];
  if (!(hs > 0.0)) hs = c->h;   /* NEST: IntegrationStep_ = h at the first simulate */

  /* 1. integrate; a literal receptor count lets the compiler unroll NEST's default case */
  const int failed = nr == 2 ? sg_glif_cond_integrate(c, 2, is_refr, I, asc_sum, y, &hs)
                             : sg_glif_cond_integrate_any(c, nr, is_refr, I, asc_sum, y, &hs);
  return sg_glif_cond_finish(c, v, i, slot, ctx, y, hs, failed);
}

/* ---- host hooks: the descriptor's tables, ports, state widths, NEST's recordables (V_m and
 *      threshold absolute), state access with NEST's rules, and the E_L bookkeeping ------------ */
#if !defined(__CUDACC__)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sg/model_host.h"

static const sg_vec_row sg_glif_cond_vec_rows[] = {SG_GLIF_COND_VECS(SG_VEC_ROW)};

/* ---- parameters ----------------------------------------------------------------------------- */
static int sg_glif_cond_vec_default(uint32_t v, sg_vec *out) {
  const double *vals;
  const size_t n = sg_glif_cond_vec_default_values(v, &vals);
  out->v = NULL;
  out->len = n;
  if (n) {
    out->v = malloc(n * sizeof(double));
    if (!out->v) { out->len = 0; return 1; }
    memcpy(out->v, vals, n * sizeof(double));
  }
  return 0;
}

static void sg_glif_cond_unpack(const sg_vec *vecs, const double **v, size_t *len) {
  for (uint32_t k = 0; k < SG_GLIF_COND_N_VECS; ++k) { v[k] = vecs[k].v; len[k] = vecs[k].len; }
}

static int sg_glif_cond_check_vecs(const double *p, const sg_vec *vecs, char *msg, size_t len) {
  /* t_ref becomes an int64 step count (sg_ms_to_steps_ceil): bounded like every device time */
  if (p[SG_GLIF_COND_P_t_ref] > SG_I_MAX_TIME_MS) {
    snprintf(msg, len, "t_ref = %g ms: allowed at most %g ms (times are kept in integer tics)", p[SG_GLIF_COND_P_t_ref], SG_I_MAX_TIME_MS);
    return 1;
  }
  const double *v[SG_GLIF_COND_N_VECS];
  size_t l[SG_GLIF_COND_N_VECS];
  sg_glif_cond_unpack(vecs, v, l);
  return sg_glif_cond_check(p, v, l, msg, len);
}


/* Receptor and ASC counts are equal across a population (sg_set_vec refuses a length change
 * for part of it), so node 0 speaks for all. */
static uint32_t sg_glif_cond_n_rec(const struct sg_pop *pop) {
  return (uint32_t)sg_pop_vec(pop, SG_GLIF_COND_V_tau_syn, 0)->len;
}
static uint32_t sg_glif_cond_n_asc(const struct sg_pop *pop) {
  return (uint32_t)sg_pop_vec(pop, SG_GLIF_COND_V_asc_decay, 0)->len;
}

/* ---- ports: spike receptors 1..n -> ports 0..n-1, current receptor 0 -> port n --------------- */
static uint32_t sg_glif_cond_n_ports(const struct sg_pop *pop) { return sg_glif_cond_ports_for(sg_glif_cond_n_rec(pop)); }
static int sg_glif_cond_spike_port(const struct sg_pop *pop, int r, double w) {
  (void)w;
  return r >= 1 && (uint32_t)r <= sg_glif_cond_n_rec(pop) ? r - 1 : -1;
}
static int sg_glif_cond_current_port(const struct sg_pop *pop, int r) { return r == 0 ? (int)sg_glif_cond_n_rec(pop) : -1; }

static uint32_t sg_glif_cond_state_width(const struct sg_pop *pop, uint32_t row) {
  switch (row) {
  case SG_GLIF_COND_S_dg:
  case SG_GLIF_COND_S_g: return sg_glif_cond_n_rec(pop);
  case SG_GLIF_COND_S_ASCurrents: return sg_glif_cond_n_asc(pop);
  default: return 1;
  }
}

/* ---- recordables, in NEST's order: ASCurrents_sum, I, V_m, g_1..g_n, threshold,
 *      threshold_spike, threshold_voltage ------------------------------------------------------ */
enum { GC_R_ASC_SUM = 0, GC_R_I = 1, GC_R_V_M = 2, GC_R_G = 3 };

static uint32_t sg_glif_cond_n_recordables(const struct sg_pop *pop) { return 6 + sg_glif_cond_n_rec(pop); }

static void sg_glif_cond_recordable_name(const struct sg_pop *pop, uint32_t j, char *buf, size_t len) {
  const uint32_t nr = sg_glif_cond_n_rec(pop);
  static const char *const tail[3] = {"threshold", "threshold_spike", "threshold_voltage"};
  if (j == GC_R_ASC_SUM) snprintf(buf, len, "ASCurrents_sum");
  else if (j == GC_R_I) snprintf(buf, len, "I");
  else if (j == GC_R_V_M) snprintf(buf, len, "V_m");
  else if (j < GC_R_G + nr) snprintf(buf, len, "g_%u", j - GC_R_G + 1);
  else if (j < GC_R_G + nr + 3) snprintf(buf, len, "%s", tail[j - GC_R_G - nr]);
  else if (len) buf[0] = '\0';
}

static double sg_glif_cond_recordable_value(const struct sg_pop *pop, uint32_t j, uint64_t i) {
  const uint32_t nr = sg_glif_cond_n_rec(pop);
  const double E_L = sg_pop_param(pop, SG_GLIF_COND_P_E_L, i);
  if (j == GC_R_ASC_SUM) return sg_pop_state(pop, SG_GLIF_COND_S_ASCurrents_sum)[i];
  if (j == GC_R_I) return sg_pop_state(pop, SG_GLIF_COND_S_I)[i];
  if (j == GC_R_V_M) return sg_pop_state(pop, SG_GLIF_COND_S_V_m)[i] + E_L;
  if (j < GC_R_G + nr) return sg_pop_state(pop, SG_GLIF_COND_S_g)[(uint64_t)(j - GC_R_G) * sg_pop_size(pop) + i];
  switch (j - GC_R_G - nr) {
  case 0: return sg_pop_state(pop, SG_GLIF_COND_S_threshold)[i] + E_L;
  case 1: return sg_pop_state(pop, SG_GLIF_COND_S_threshold_spike)[i];
  case 2: return sg_pop_state(pop, SG_GLIF_COND_S_threshold_voltage)[i];
  default: return NAN;
  }
}

/* ---- state access ------------------------------------------------------------------------------ */
static double sg_glif_cond_get_state(const struct sg_pop *pop, uint32_t row, uint64_t i) {
  const double *s = sg_pop_state(pop, row);
  if (row == SG_GLIF_COND_S_V_m || row == SG_GLIF_COND_S_threshold)
    return s[i] + sg_pop_param(pop, SG_GLIF_COND_P_E_L, i);
  if (sg_pop_state_width(pop, row) != 1) return NAN;   /* vector rows: sg_get_vec */
  return s[i];
}

/* 1 if flag parameter k is off for node i (or, with i == UINT64_MAX, for any node). */
static int sg_glif_cond_flag_off(const struct sg_pop *pop, uint32_t k, uint64_t i, uint64_t *which) {
  if (i != UINT64_MAX) { *which = i; return sg_pop_param(pop, k, i) == 0.0; }
  for (uint64_t q = 0; q < sg_pop_size(pop); ++q)
    if (sg_pop_param(pop, k, q) == 0.0) { *which = q; return 1; }
  return 0;
}

/* Settable as in NEST: V_m (absolute), threshold_spike (R only), threshold_voltage (A only);
 * ASCurrents (ASC only) through sg_set_vec. The rest is read-only. i == UINT64_MAX: only check. */
static int sg_glif_cond_set_state(struct sg_pop *pop, uint32_t row, uint64_t i, double value, char *msg, size_t len) {
  uint64_t q;
  switch (row) {
  case SG_GLIF_COND_S_V_m:
    if (i != UINT64_MAX) sg_pop_state(pop, row)[i] = value - sg_pop_param(pop, SG_GLIF_COND_P_E_L, i);
    return 0;
  case SG_GLIF_COND_S_threshold_spike:
    if (sg_glif_cond_flag_off(pop, SG_GLIF_COND_P_spike_dependent_threshold, i, &q)) {
      snprintf(msg, len, "the threshold spike component is not supported or settable: spike_dependent_threshold is off (node %llu)",
               (unsigned long long)(sg_pop_first(pop) + q));
      return 1;
    }
    if (i != UINT64_MAX) sg_pop_state(pop, row)[i] = value;
    return 0;
  case SG_GLIF_COND_S_threshold_voltage:
    if (sg_glif_cond_flag_off(pop, SG_GLIF_COND_P_adapting_threshold, i, &q)) {
      snprintf(msg, len, "the threshold voltage component is not supported or settable: adapting_threshold is off (node %llu)",
               (unsigned long long)(sg_pop_first(pop) + q));
      return 1;
    }
    if (i != UINT64_MAX) sg_pop_state(pop, row)[i] = value;
    return 0;
  case SG_GLIF_COND_S_ASCurrents:
    snprintf(msg, len, "ASCurrents is a vector of %u values: use sg_set_vec", sg_glif_cond_n_asc(pop));
    return 1;
  default:
    snprintf(msg, len, "read-only: allowed to set V_m, threshold_spike (spike_dependent_threshold on), "
             "threshold_voltage (adapting_threshold on), ASCurrents (after_spike_currents on, sg_set_vec)");
    return 1;
  }
}

/* Vector state: only ASCurrents (ASC on, length len(asc_decay)). Checks before writing. */
static int sg_glif_cond_set_state_vec(struct sg_pop *pop, uint32_t row, uint64_t i, const double *v, size_t len,
                            char *msg, size_t mlen) {
  if (row != SG_GLIF_COND_S_ASCurrents) {
    snprintf(msg, mlen, "read-only: only ASCurrents is a settable vector state");
    return 1;
  }
  if (sg_pop_param(pop, SG_GLIF_COND_P_after_spike_currents, i) == 0.0) {
    snprintf(msg, mlen, "after spike currents are not supported or settable: after_spike_currents is off (node %llu)",
             (unsigned long long)(sg_pop_first(pop) + i));
    return 1;
  }
  const uint32_t n_asc = sg_glif_cond_n_asc(pop);
  if (len != n_asc) {
    snprintf(msg, mlen, "%zu values: after spike current values must have the same size (%u) as asc_decay", len, n_asc);
    return 1;
  }
  for (size_t j = 0; j < len; ++j)
    if (!isfinite(v[j])) {
      snprintf(msg, mlen, "ASCurrents[%zu] = %g: allowed any finite number", j, v[j]);
      return 1;
    }
  for (uint32_t j = 0; j < n_asc; ++j) sg_pop_state(pop, row)[(uint64_t)j * sg_pop_size(pop) + i] = v[j];
  return 0;
}

/* NEST: changing E_L alone keeps V_m absolute (the relative value moves by -delta E_L);
 * V_th and V_reset are parameters stored absolute here, so they keep theirs by construction. */
static void sg_glif_cond_params_changed(struct sg_pop *pop, uint64_t i, const double *old_p, const double *new_p) {
  const double d = new_p[SG_GLIF_COND_P_E_L] - old_p[SG_GLIF_COND_P_E_L];
  if (d != 0.0) sg_pop_state(pop, SG_GLIF_COND_S_V_m)[i] -= d;
}

/* A fresh node: V_m = E_L (relative 0), threshold = V_th, ASCurrents = asc_init (spikegpu's
 * documented deviation; NEST keeps zeros), everything else 0 (integration_step 0 = h). */
static void sg_glif_cond_init_state(struct sg_pop *pop, uint64_t i) {
  const uint64_t n = sg_pop_size(pop);
  const double E_L = sg_pop_param(pop, SG_GLIF_COND_P_E_L, i);
  sg_pop_state(pop, SG_GLIF_COND_S_V_m)[i] = 0.0;
  sg_pop_state(pop, SG_GLIF_COND_S_threshold)[i] = sg_pop_param(pop, SG_GLIF_COND_P_V_th, i) - E_L;
  sg_pop_state(pop, SG_GLIF_COND_S_threshold_spike)[i] = 0.0;
  sg_pop_state(pop, SG_GLIF_COND_S_threshold_voltage)[i] = 0.0;
  sg_pop_state(pop, SG_GLIF_COND_S_refractory_steps)[i] = 0.0;
  sg_pop_state(pop, SG_GLIF_COND_S_integration_step)[i] = 0.0;
  sg_pop_state(pop, SG_GLIF_COND_S_I)[i] = 0.0;
  for (uint32_t r = 0; r < sg_pop_state_width(pop, SG_GLIF_COND_S_dg); ++r) {
    sg_pop_state(pop, SG_GLIF_COND_S_dg)[(uint64_t)r * n + i] = 0.0;
    sg_pop_state(pop, SG_GLIF_COND_S_g)[(uint64_t)r * n + i] = 0.0;
  }
  const sg_vec *init = sg_pop_vec(pop, SG_GLIF_COND_V_asc_init, i);
  const int asc_on = sg_pop_param(pop, SG_GLIF_COND_P_after_spike_currents, i) != 0.0;
  double sum = 0.0;
  for (uint32_t j = 0; j < sg_pop_state_width(pop, SG_GLIF_COND_S_ASCurrents); ++j) {
    const double a = j < init->len ? init->v[j] : 0.0;
    sg_pop_state(pop, SG_GLIF_COND_S_ASCurrents)[(uint64_t)j * n + i] = a;
    sum += a;
  }
  sg_pop_state(pop, SG_GLIF_COND_S_ASCurrents_sum)[i] = asc_on ? sum : 0.0;
}


/* The CPU block step (glif_cond_block.h): no random numbers, so w0/w1 are not read. */
#include "sg/models/glif_cond_block.h"
static uint32_t sg_glif_cond_block_hook(const void *coef, const sg_view *v, uint64_t i0, uint32_t cnt, int64_t *slot,
                                        const sg_step_ctx *ctx, const uint32_t *w0, const uint32_t *w1, uint32_t *spk) {
  (void)w0; (void)w1;
  return sg_glif_cond_step_block((const sg_glif_cond_coef *)coef, v, i0, cnt, slot, ctx, spk);
}

#define SG_GLIF_COND_HOOKS                                                                          \
  .cpu_block_step = sg_glif_cond_block_hook, .cpu_block_draws = 0,                                  \
  .vecs = sg_glif_cond_vec_rows, .n_vecs = SG_GLIF_COND_N_VECS,                                     \
  .vec_default = sg_glif_cond_vec_default, .check = sg_glif_cond_check_vecs,                        \
  .state_width = sg_glif_cond_state_width,                                                          \
  .n_recordables = sg_glif_cond_n_recordables, .recordable_name = sg_glif_cond_recordable_name,     \
  .recordable_value = sg_glif_cond_recordable_value,                                                \
  .set_state = sg_glif_cond_set_state, .get_state = sg_glif_cond_get_state,                         \
  .set_state_vec = sg_glif_cond_set_state_vec,                                                      \
  .params_changed = sg_glif_cond_params_changed, .init_state = sg_glif_cond_init_state,
#endif /* !__CUDACC__ */

#endif
