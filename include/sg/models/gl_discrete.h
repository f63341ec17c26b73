/* sg/models/gl_discrete.h - the discrete-time Galves-Loecherbach neuron of Brochini et al. (2016).
 *
 * A stochastic neuron defined per step (a map, not an ODE: one step of the simulation is one
 * time step t of the paper; run it at h = 1 ms for the paper's units). Per step a neuron that fired
 * in the previous step is reset, the others integrate with a leak factor mu, and then each fires
 * with probability Phi(V):
 *   monomial-saturating (phi = 0): Phi = 0 for x <= 0, x^r for 0 < x < 1, 1 for x >= 1,
 *   rational            (phi = 1): Phi = x / (1 + x) for x > 0, else 0,
 * with x = gain (V - V_T) (so Phi saturates at V_S = V_T + 1/gain). Optional dynamic gains:
 * the gain relaxes towards A by 1/tau_gain of the distance per step and loses a fraction u of
 * itself after each spike (tau_gain = inf: the gain stays what it is), never going below 0.
 *
 * Update of step k (docs/models.md §3.2; slot k holds the spikes sent in step k - d):
 *   1. S = spike input of slot k (mV, weights summed as Q31.32), read and cleared in every step;
 *   2. spiked (the neuron fired in step k-1): V <- V_reset and S is discarded;
 *      otherwise V <- (mu V + I_ext) + S;
 *   3. tau_gain finite: gain <- max(0, (gain + (A - gain) (1/tau_gain)) - u gain spiked) (the
 *      paper's update can go below 0 only from a gain above A, when u + 1/tau_gain > 1);
 *   4. draw U in (0,1) (Philox, stream SG_STREAM_FIRING, element = global id, step k, first
 *      uniform of block 0) in every step, also in the reset step; fire iff U <= Phi(gain (V - V_T)):
 *      spike stamped k+1, spiked <- 1 (else 0).
 * x^r is sg_pow(x, r) (correctly rounded, identical on host and device; r is any real > 0), except
 * r = 1 and r = 2, computed as x and x*x (the same correctly rounded values, without the call).
 * The paper: V_i[t+1] = 0 if X_i[t] = 1, else
 * mu V_i[t] + I_i[t] + (1/N) sum_j W_ij X_j[t]; P(X_i[t+1] = 1) = Phi(V_i[t+1]);
 * Gamma_i[t+1] = Gamma_i[t] + (A - Gamma_i[t]) / tau - u Gamma_i[t] X_i[t]; with delay 1 step,
 * t + 1 = k and the synaptic weight w_ij = W_ij / N (or W / K at fixed in-degree K).
 *
 * Units: V_m, V_reset, V_T and I_ext in mV (I_ext is added once per step), gain, Gamma and A in
 * 1/mV, tau_gain in steps, mu and u per step (dimensionless).
 * Reference: L. Brochini, A. de Andrade Costa, M. Abadi, A. C. Roque, J. Stolfi, O. Kinouchi (2016),
 * "Phase transitions and self-organized criticality in networks of stochastic spiking neurons",
 * Sci. Rep. 6:35831. See also: gl_exp (continuous-time GL), docs/models.md §3 (mean field).
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_GL_DISCRETE_H
#define SG_MODELS_GL_DISCRETE_H

#include "sg/model.h"
#include "sg/math.h"
#include "sg/rng.h"

/* X(name, unit, default, check, doc) */
#define SG_GL_DISCRETE_PARAMS(X)                                                                           \
  X(mu,       "1",     0.0,      SG_CHK_UNIT,      "leak factor per step: V <- mu V + I_ext + input")          \
  X(V_reset,  "mV",    0.0,      SG_CHK_ANY,       "V in the step after a spike (V_R; that step's input is discarded)") \
  X(I_ext,    "mV",    0.0,      SG_CHK_ANY,       "external input added in every step (mV per step)")        \
  X(phi,      "1",     0.0,      SG_CHK_BOOL,      "Phi: 0 monomial-saturating (gain (V - V_T))^r, 1 rational x/(1+x)") \
  X(Gamma,    "1/mV",  1.0,      SG_CHK_NONNEG,    "gain of Phi: each node's gain is set to it at creation and when set") \
  X(V_T,      "mV",    0.0,      SG_CHK_ANY,       "threshold of Phi: Phi = 0 for V <= V_T")                  \
  X(r,        "1",     1.0,      SG_CHK_POS,       "exponent of the monomial-saturating Phi (real > 0)")      \
  X(A,        "1/mV",  1.0,      SG_CHK_NONNEG,    "dynamic gains: the gain relaxes towards A")               \
  X(tau_gain, "steps", INFINITY, SG_CHK_STEPS_INF, "dynamic gains: recovery time (inf: gains fixed)")        \
  X(u,        "1",     0.0,      SG_CHK_UNIT,      "dynamic gains: fraction of the gain lost at a spike")

/* X(name, unit, initial, check, doc); every state row is recordable. gain starts at Gamma
 * (init_state), the listed 1 is Gamma's default. */
#define SG_GL_DISCRETE_STATE(X)                                                                            \
  X(V_m,    "mV",   0.0, SG_CHK_ANY,    "membrane potential after the last step")                          \
  X(spiked, "bool", 0.0, SG_CHK_BOOL,   "1 if the neuron fired in the last step (reset in the next)")       \
  X(gain,   "1/mV", 1.0, SG_CHK_NONNEG, "the node's gain Gamma_i in Phi (moves only with dynamic gains)")

enum {
#define X(name, unit, def, chk, doc) SG_GL_DISCRETE_P_##name,
  SG_GL_DISCRETE_PARAMS(X)
#undef X
  SG_GL_DISCRETE_N_PARAMS
};
enum {
#define X(name, unit, init, chk, doc) SG_GL_DISCRETE_S_##name,
  SG_GL_DISCRETE_STATE(X)
#undef X
  SG_GL_DISCRETE_N_STATE
};
enum { SG_GL_DISCRETE_PORT_SPIKES = 0, SG_GL_DISCRETE_N_PORTS = 1 };

typedef struct sg_gl_discrete_coef {
  double mu, V_reset, I_ext, V_T;
  double r;          /* exponent of the monomial Phi                              */
  double rational;   /* 1.0: rational Phi, 0.0: monomial-saturating                */
  double A;
  double inv_tau;    /* 1 / tau_gain (0 when tau_gain = inf)                       */
  double u;
  double dynamic;    /* 1.0 when tau_gain is finite: the gain update runs          */
} sg_gl_discrete_coef;

#ifndef __CUDA_ARCH__
/* Host only, once per run. */
static inline void sg_gl_discrete_prepare(const double *p, const sg_vec *vecs, double h, int64_t tics_per_step,
                                          sg_gl_discrete_coef *c) {
  (void)vecs; (void)h; (void)tics_per_step;
  c->mu = p[SG_GL_DISCRETE_P_mu];
  c->V_reset = p[SG_GL_DISCRETE_P_V_reset];
  c->I_ext = p[SG_GL_DISCRETE_P_I_ext];
  c->V_T = p[SG_GL_DISCRETE_P_V_T];
  c->r = p[SG_GL_DISCRETE_P_r];
  c->rational = p[SG_GL_DISCRETE_P_phi];
  c->A = p[SG_GL_DISCRETE_P_A];
  c->dynamic = isinf(p[SG_GL_DISCRETE_P_tau_gain]) ? 0.0 : 1.0;
  c->inv_tau = c->dynamic != 0.0 ? 1.0 / p[SG_GL_DISCRETE_P_tau_gain] : 0.0;
  c->u = p[SG_GL_DISCRETE_P_u];
}
#endif

/* Phi of x = gain (V - V_T): the firing probability of one step, in [0, 1] (0 for NaN). */
SG_HD double sg_gl_discrete_phi(const sg_gl_discrete_coef *c, double x) {
  if (!(x > 0.0)) return 0.0;
  if (c->rational != 0.0) return x < INFINITY ? x / (1.0 + x) : 1.0;
  if (x >= 1.0) return 1.0;
  return c->r == 1.0 ? x : c->r == 2.0 ? x * x : sg_pow(x, c->r);   /* the correctly rounded x^1, x^2 */
}

/* One neuron, one step. Returns the spike multiplicity (0 or 1). */
SG_HD uint32_t sg_gl_discrete_step(const sg_gl_discrete_coef *SG_RESTRICT c, const sg_view *v, uint64_t i,
                                   int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx) {
  double V = v->s[SG_GL_DISCRETE_S_V_m][i];
  const double spiked = v->s[SG_GL_DISCRETE_S_spiked][i];
  double G = v->s[SG_GL_DISCRETE_S_gain][i];
  const double S = sg_fx_to_double(sg_take_fed(slot, ctx, SG_GL_DISCRETE_PORT_SPIKES, i));
  V = spiked != 0.0 ? c->V_reset : (c->mu * V + c->I_ext) + S;
  if (c->dynamic != 0.0) {
    const double Gd = (G + (c->A - G) * c->inv_tau) - c->u * G * spiked;
    G = Gd > 0.0 ? Gd : 0.0;
  }
  const sg_ctr4 r = sg_rng_block(ctx->seed, SG_STREAM_FIRING, ctx->first_id + i, ctx->step, 0);
  const uint32_t spike = sg_u01_53(r.c[0], r.c[1]) <= sg_gl_discrete_phi(c, G * (V - c->V_T)) ? 1u : 0u;
  v->s[SG_GL_DISCRETE_S_V_m][i] = V;
  v->s[SG_GL_DISCRETE_S_spiked][i] = spike ? 1.0 : 0.0;
  v->s[SG_GL_DISCRETE_S_gain][i] = G;
  return spike;
}

#if !defined(__CUDACC__)
/* ---- host-only batch form (cpu backend) ------------------------------------------------------
 * sg_gl_discrete_step_block() gives exactly the bits of `cnt` calls of sg_gl_discrete_step() for
 * nodes i0 .. i0+cnt-1 (cnt <= SG_GL_DISCRETE_BLOCK) of a population with one coefficient set,
 * given the firing words w0[j], w1[j] (words 0 and 1 of sg_rng_block(seed, SG_STREAM_FIRING,
 * first_id + i0 + j, step, 0)); it writes the indices j of the nodes that fired to spk[] and
 * returns their number.
 * Why it is faster: the first loop is the step's arithmetic with every select made on the bits
 * (sg_gl_discrete_sel), so both sides are always computed and gcc vectorises it even without
 * AVX-512 (a ?: of doubles is moved into a branch, which gcc will not if-convert because the
 * arithmetic could trap). Every value is the same IEEE result as in the step: the input
 * q = fx 2^-32 is formed as hi + lo 2^-32 (hi = fx >> 32, lo = the low 32 bits as 2^52 + lo - 2^52;
 * one rounding of the exact value, as (double)fx 2^-32), and the 53-bit z of the uniform as
 * (2^52 + its low 52 bits) - 2^52 + (its top bit) 2^52, exact, as (double)z: AVX2 has no 64-bit
 * integer conversion. The second loop collects the spikes and calls sg_pow where a monomial Phi
 * with r other than 1 and 2 needs it (0 < x < 1). */
#define SG_GL_DISCRETE_BLOCK 256
/* c ? a : b (c is 0 or 1) through the bits, both sides evaluated */
static inline double sg_gl_discrete_sel(int64_t c, double a, double b) {
  const uint64_t m = (uint64_t)-c;
  return sg_bits2d((sg_d2bits(a) & m) | (sg_d2bits(b) & ~m));
}
static inline uint32_t sg_gl_discrete_step_block(const sg_gl_discrete_coef *SG_RESTRICT c, const sg_view *v,
                                                 uint64_t i0, uint32_t cnt, int64_t *SG_RESTRICT slot,
                                                 const sg_step_ctx *ctx, const uint32_t *SG_RESTRICT w0,
                                                 const uint32_t *SG_RESTRICT w1, uint32_t *SG_RESTRICT spk) {
  double *SG_RESTRICT Vm = v->s[SG_GL_DISCRETE_S_V_m] + i0;
  double *SG_RESTRICT Sp = v->s[SG_GL_DISCRETE_S_spiked] + i0;
  double *SG_RESTRICT Gn = v->s[SG_GL_DISCRETE_S_gain] + i0;
  int64_t *SG_RESTRICT in = slot + sg_input_at(ctx, SG_GL_DISCRETE_PORT_SPIKES, i0);
  double X[SG_GL_DISCRETE_BLOCK], U[SG_GL_DISCRETE_BLOCK];
  int64_t fl[SG_GL_DISCRETE_BLOCK];   /* per node: 1 fired, 2 needs sg_pow, 0 neither */
  const double mu = c->mu, V_reset = c->V_reset, I_ext = c->I_ext, V_T = c->V_T, A = c->A;
  const double inv_tau = c->inv_tau, u_drop = c->u;
  const int64_t dyn = c->dynamic != 0.0, rational = c->rational != 0.0, r1 = c->r == 1.0;
  const int64_t powed = !rational && c->r != 1.0 && c->r != 2.0;
  uint32_t j, ns = 0;
  if (cnt > SG_GL_DISCRETE_BLOCK) cnt = SG_GL_DISCRETE_BLOCK;
  for (j = 0; j < cnt; ++j) {
    const double spiked = Sp[j], G0 = Gn[j];
    const int64_t fx = in[j];
    const double S = (double)(int32_t)(fx >> 32) + (sg_bits2d(0x4330000000000000ull | (uint32_t)fx) - 0x1p52) * 0x1p-32;
    in[j] = 0;
    const double V = sg_gl_discrete_sel(spiked != 0.0, V_reset, (mu * Vm[j] + I_ext) + S);
    const double Gd = (G0 + (A - G0) * inv_tau) - u_drop * G0 * spiked;
    const double G = sg_gl_discrete_sel(dyn, sg_gl_discrete_sel(Gd > 0.0, Gd, 0.0), G0);
    const double x = G * (V - V_T);
    const uint64_t z = (uint64_t)w0[j] ^ ((uint64_t)w1[j] << 21);
    const double zd = (sg_bits2d(0x4330000000000000ull | (z & 0xFFFFFFFFFFFFFull)) - 0x1p52) +
                      sg_bits2d((z >> 52) * 0x4330000000000000ull);
    const double u0 = zd * 0x1p-53 + 0x1p-54;
    const double u = sg_gl_discrete_sel(u0 < 1.0, u0, 0x1.fffffffffffffp-1);   /* sg_u01_53 */
    const double rat = sg_gl_discrete_sel(x < INFINITY, x / (1.0 + x), 1.0);
    const double mono = sg_gl_discrete_sel(x >= 1.0, 1.0, sg_gl_discrete_sel(r1, x, x * x));
    const double p = sg_gl_discrete_sel(x > 0.0, sg_gl_discrete_sel(rational, rat, mono), 0.0);
    const int64_t need_pow = powed & (int64_t)(x > 0.0) & (int64_t)(x < 1.0);
    const int64_t s = (need_pow ^ 1) & (int64_t)(u <= p);
    Vm[j] = V;
    Gn[j] = G;
    Sp[j] = sg_gl_discrete_sel(s, 1.0, 0.0);
    X[j] = x;
    U[j] = u;
    fl[j] = s | need_pow << 1;
  }
  for (j = 0; j < cnt; ++j) {
    if (!fl[j]) continue;
    if (fl[j] & 2) {
      if (!(U[j] <= sg_pow(X[j], c->r))) continue;
      Sp[j] = 1.0;
    }
    spk[ns++] = j;
  }
  return ns;
}
#endif

/* ---- host hooks (host/models.c builds the descriptor from them) ------------------------------ */
#if !defined(__CUDACC__)
#include <stdio.h>
#include "sg/model_host.h"

/* receptor 0: spikes, either sign (port 0); no current input */
static uint32_t sg_gl_discrete_n_ports(const struct sg_pop *pop) { (void)pop; return SG_GL_DISCRETE_N_PORTS; }
static int sg_gl_discrete_spike_port(const struct sg_pop *pop, int r, double w) {
  (void)pop; (void)w;
  return r == 0 ? SG_GL_DISCRETE_PORT_SPIKES : -1;
}
static int sg_gl_discrete_current_port(const struct sg_pop *pop, int r) { (void)pop; (void)r; return -1; }

/* A fresh node: V_m = 0, spiked = 0, gain = Gamma. */
static void sg_gl_discrete_init_state(struct sg_pop *pop, uint64_t i) {
  sg_pop_state(pop, SG_GL_DISCRETE_S_V_m)[i] = 0.0;
  sg_pop_state(pop, SG_GL_DISCRETE_S_spiked)[i] = 0.0;
  sg_pop_state(pop, SG_GL_DISCRETE_S_gain)[i] = sg_pop_param(pop, SG_GL_DISCRETE_P_Gamma, i);
}

/* Setting Gamma sets the gain of the node (also while dynamic gains run: it restarts them there). */
static void sg_gl_discrete_params_changed(struct sg_pop *pop, uint64_t i, const double *old_p, const double *new_p) {
  if (new_p[SG_GL_DISCRETE_P_Gamma] != old_p[SG_GL_DISCRETE_P_Gamma])
    sg_pop_state(pop, SG_GL_DISCRETE_S_gain)[i] = new_p[SG_GL_DISCRETE_P_Gamma];
}

static uint32_t sg_gl_discrete_block_hook(const void *coef, const sg_view *v, uint64_t i0, uint32_t cnt, int64_t *slot,
                                          const sg_step_ctx *ctx, const uint32_t *w0, const uint32_t *w1, uint32_t *spk) {
  return sg_gl_discrete_step_block((const sg_gl_discrete_coef *)coef, v, i0, cnt, slot, ctx, w0, w1, spk);
}

#define SG_GL_DISCRETE_HOOKS                                                                       \
  .init_state = sg_gl_discrete_init_state,                                                         \
  .params_changed = sg_gl_discrete_params_changed, .cpu_block_step = sg_gl_discrete_block_hook, .cpu_block_draws = 1,
#endif

#endif
