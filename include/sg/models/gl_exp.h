/* sg/models/gl_exp.h - the Galves-Loecherbach neuron of the NESTML GL tutorial.
 *
 * Stochastic leaky neuron: V relaxes exponentially to V_r + tau_m (I_e + I) / C_m, and in every
 * step fires with probability p = 1e-3 h Phi(V), Phi(V) = exp((V - V_b) / a) / b in Hz.
 *
 * Update of step k (NESTML semantics, docs/models.md §1.2):
 *   1. S = delta input of slot k (mV, weights sum as Q31.32);
 *   2. not refractory: V <- V P + x_p (1 - P), x_p = V_r + tau_m (I_e + I_stim) / C_m, exact;
 *      refractory: refr_tick -= 1 and V is held;
 *   3. draw U in (0,1) (Philox, stream SG_STREAM_FIRING, element = global id, step k) every
 *      step, also while refractory; U <= p fires: refr_tick <- steps(t_ref), V <- V_reset if
 *      reset_after_spike, spike stamped k+1;
 *   4. V += S (after the draw, also while refractory and after a reset);
 *   5. I_stim <- current input of slot k (pA), used in step k+1.
 * The propagator is written V P + x_p (1 - P) with 1 - P = -expm1(-h/tau_m) from the host, so
 * V stays bit-identical when tau_m is huge (P == 1, 1 - P == 0), as the tutorial asserts.
 *
 * Differences from NESTML: tau_m, C_m, a, b must be > 0 and t_ref >= 0 (NESTML checks none);
 * tau_syn is accepted and unused, as in the tutorial model.
 * See also: pp_psc_delta (NEST), docs/models.md §1.4 for the mapping.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_GL_EXP_H
#define SG_MODELS_GL_EXP_H

#include "sg/model.h"
#include "sg/math.h"
#include "sg/rng.h"

/* X(name, unit, default, check, doc) */
#define SG_GL_EXP_PARAMS(X)                                                                 \
  X(tau_m,   "ms", 10.0,  SG_CHK_POS,    "membrane time constant")                          \
  X(C_m,     "pF", 250.0, SG_CHK_POS,    "membrane capacitance")                            \
  X(t_ref,   "ms", 2.0,   SG_CHK_NONNEG, "refractory period (rounded up to steps)")         \
  X(tau_syn, "ms", 0.5,   SG_CHK_POS,    "declared by the NESTML model, unused")            \
  X(V_r,     "mV", -65.0, SG_CHK_ANY,    "resting potential")                               \
  X(V_reset, "mV", -65.0, SG_CHK_ANY,    "reset potential")                                 \
  X(b,       "1",  27.0,  SG_CHK_POS,    "Phi scale: Phi(V_b) = 1/b Hz")                    \
  X(a,       "mV", 1.2,   SG_CHK_POS,    "Phi slope")                                       \
  X(V_b,     "mV", -51.3, SG_CHK_ANY,    "Phi offset")                                      \
  X(I_e,     "pA", 0.0,   SG_CHK_ANY,    "constant external current")                       \
  X(reset_after_spike, "bool", 1.0, SG_CHK_BOOL, "reset V_m to V_reset at a spike")

/* X(name, unit, initial, check, doc); every state row is recordable. refr_tick is a count that
 * the step decrements by 1 to exactly 0, so only a whole number can be set (0.5, -1 or 1e308
 * would keep the neuron refractory for ever). */
#define SG_GL_EXP_STATE(X)                                                                  \
  X(V_m,       "mV",    -65.0, SG_CHK_ANY,        "membrane potential")                     \
  X(refr_tick, "steps", 0.0,   SG_CHK_INT_NONNEG, "refractory steps left")                  \
  X(I_stim,    "pA",    0.0,   SG_CHK_ANY,        "input current read at the end of the last step")

enum {
#define X(name, unit, def, chk, doc) SG_GL_EXP_P_##name,
  SG_GL_EXP_PARAMS(X)
#undef X
  SG_GL_EXP_N_PARAMS
};
enum {
#define X(name, unit, init, chk, doc) SG_GL_EXP_S_##name,
  SG_GL_EXP_STATE(X)
#undef X
  SG_GL_EXP_N_STATE
};
enum { SG_GL_EXP_PORT_SPIKES = 0, SG_GL_EXP_PORT_CURRENT = 1, SG_GL_EXP_N_PORTS = 2 };

typedef struct sg_gl_exp_coef {
  double P, one_minus_P;   /* exp(-h/tau_m), -expm1(-h/tau_m)                   */
  double V_r, tau_over_C;  /* x_p = V_r + tau_over_C (I_e + I_stim)             */
  double I_e;
  double V_b, inv_a;       /* Phi exponent (V - V_b) / a                         */
  double p_scale;          /* 1e-3 h / b: p = p_scale exp((V - V_b) / a)         */
  double V_reset;
  double refr_steps;       /* steps(t_ref): nearest tic, then up to whole steps  */
  double reset;            /* 1.0 or 0.0                                         */
} sg_gl_exp_coef;

#ifndef __CUDA_ARCH__
/* Host only, once per run: propagators from parameters (libm allowed here). */
static inline void sg_gl_exp_prepare(const double *p, const sg_vec *vecs, double h, int64_t tics_per_step,
                                     sg_gl_exp_coef *c) {
  (void)vecs;
  c->P = exp(-h / p[SG_GL_EXP_P_tau_m]);
  c->one_minus_P = -expm1(-h / p[SG_GL_EXP_P_tau_m]);
  c->V_r = p[SG_GL_EXP_P_V_r];
  c->tau_over_C = p[SG_GL_EXP_P_tau_m] / p[SG_GL_EXP_P_C_m];
  c->I_e = p[SG_GL_EXP_P_I_e];
  c->V_b = p[SG_GL_EXP_P_V_b];
  c->inv_a = 1.0 / p[SG_GL_EXP_P_a];
  c->p_scale = 1e-3 * h / p[SG_GL_EXP_P_b];
  c->V_reset = p[SG_GL_EXP_P_V_reset];
  c->refr_steps = (double)sg_ms_to_steps_ceil(p[SG_GL_EXP_P_t_ref], tics_per_step);
  c->reset = p[SG_GL_EXP_P_reset_after_spike];
}
#endif

/* Firing probability of one step at membrane potential V (may exceed 1: then it always fires). */
SG_HD double sg_gl_exp_prob(const sg_gl_exp_coef *c, double V) {
  return c->p_scale * sg_exp((V - c->V_b) * c->inv_a);
}

/* One neuron, one step. Returns the spike multiplicity (0 or 1). */
SG_HD uint32_t sg_gl_exp_step(const sg_gl_exp_coef *SG_RESTRICT c, const sg_view *v, uint64_t i,
                              int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx) {
  double V = v->s[SG_GL_EXP_S_V_m][i];
  double refr = v->s[SG_GL_EXP_S_refr_tick][i];
  const double I = v->s[SG_GL_EXP_S_I_stim][i];
  const double S = sg_fx_to_double(sg_take_fed(slot, ctx, SG_GL_EXP_PORT_SPIKES, i));
  if (refr == 0.0) {
    const double x_p = c->V_r + c->tau_over_C * (c->I_e + I);
    V = V * c->P + x_p * c->one_minus_P;
  } else {
    refr = refr - 1.0;
  }
  const sg_ctr4 r = sg_rng_block(ctx->seed, SG_STREAM_FIRING, ctx->first_id + i, ctx->step, 0);
  const uint32_t spike = sg_u01_53(r.c[0], r.c[1]) <= sg_gl_exp_prob(c, V) ? 1u : 0u;
  if (spike) {
    refr = c->refr_steps;
    if (c->reset != 0.0) V = c->V_reset;
  }
  v->s[SG_GL_EXP_S_V_m][i] = V + S;
  v->s[SG_GL_EXP_S_refr_tick][i] = refr;
  v->s[SG_GL_EXP_S_I_stim][i] = sg_fx_to_double(sg_take_fed(slot, ctx, SG_GL_EXP_PORT_CURRENT, i));
  return spike;
}

#if !defined(__CUDACC__)
/* ---- host-only batch form (cpu backend) ------------------------------------------------------
 * sg_gl_exp_step_block() gives exactly the bits of `cnt` calls of sg_gl_exp_step() for nodes
 * i0 .. i0+cnt-1 (cnt <= SG_GL_EXP_BLOCK) of a population with one coefficient set. The caller
 * passes the firing words w0[j], w1[j] = words 0 and 1 of sg_rng_block(seed, SG_STREAM_FIRING,
 * first_id + i0 + j, step, 0) (it computes them vectorised) and gets the indices j of the nodes
 * that fired in spk[], their count as the result.
 * Why it is faster: the first loop has no branch and no call, so gcc vectorises it (AVX-512:
 * 4-8 nodes per instruction), and it needs no exp: exp(x) < 2^(x/ln2 + 1) <= 2^(trunc(t) + 2) = B
 * with t = x (1/ln2) rounded (|t - x/ln2| < 2^-40 for |t| <= 1000; t clamped to [-1000, 1000],
 * which only raises B below), so p = p_scale exp(x) (both roundings included) < p_scale B (exact:
 * B is a power of two) with a margin of 2 to 4. A node
 * with u > p_scale B cannot fire (also when u is 1.0 instead of 1 - 2^-53, as p < 0.51 then; and
 * when p_scale B underflows, as rounding is monotonic); only the others (u <= p_scale B, or |t| > 1000, or NaN: about
 * 2-4 p of the nodes, i.e. a few in 10^3 per step) take the exact test u <= sg_gl_exp_prob(c, V) of
 * sg_gl_exp_step in the second loop. Every other operation is the same IEEE operation as in the
 * scalar step (the refractory branch becomes a select of the same two values). */
#define SG_GL_EXP_BLOCK 256
static inline uint32_t sg_gl_exp_step_block(const sg_gl_exp_coef *SG_RESTRICT c, const sg_view *v, uint64_t i0,
                                            uint32_t cnt, int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx,
                                            const uint32_t *SG_RESTRICT w0, const uint32_t *SG_RESTRICT w1,
                                            uint32_t *SG_RESTRICT spk) {
  double *SG_RESTRICT Vm = v->s[SG_GL_EXP_S_V_m] + i0;
  double *SG_RESTRICT Rf = v->s[SG_GL_EXP_S_refr_tick] + i0;
  double *SG_RESTRICT Is = v->s[SG_GL_EXP_S_I_stim] + i0;
  int64_t *SG_RESTRICT in0 = slot + sg_input_at(ctx, SG_GL_EXP_PORT_SPIKES, i0);
  int64_t *SG_RESTRICT in1 = slot + sg_input_at(ctx, SG_GL_EXP_PORT_CURRENT, i0);
  double S[SG_GL_EXP_BLOCK], Vt[SG_GL_EXP_BLOCK];   /* input and V before it, for the candidates */
  uint64_t cand[SG_GL_EXP_BLOCK / 8];
  unsigned char *cb = (unsigned char *)cand;
  const double P = c->P, omP = c->one_minus_P, V_r = c->V_r, toc = c->tau_over_C, I_e = c->I_e;
  const double V_b = c->V_b, inv_a = c->inv_a, p_scale = c->p_scale;
  uint32_t j, ns = 0;
  if (cnt > SG_GL_EXP_BLOCK) cnt = SG_GL_EXP_BLOCK;
  for (j = 0; j < cnt; ++j) {
    const double V = Vm[j], refr = Rf[j], I = Is[j];
    const double x_p = V_r + toc * (I_e + I);
    const double Vi = V * P + x_p * omP;
    const double Vn = refr == 0.0 ? Vi : V;
    const double x = (Vn - V_b) * inv_a;
    const double t = x * 0x1.71547652b82fep+0;            /* 1 / ln 2 */
    const double tc = t > -1000.0 ? (t < 1000.0 ? t : 1000.0) : -1000.0;   /* NaN: -1000 */
    const double B = sg_bits2d((uint64_t)((int64_t)tc + 1025) << 52);   /* 2^(trunc(tc) + 2) */
    const uint64_t z = (uint64_t)w0[j] ^ ((uint64_t)w1[j] << 21);
    const double u = (double)z * 0x1p-53 + 0x1p-54;  /* sg_u01_53, but 1.0 for z = 2^53 - 1: same verdict */
    cb[j] = (unsigned char)!((t <= 1000.0) & (u > p_scale * B));
    const double Sj = sg_fx_to_double(in0[j]);
    in0[j] = 0;
    S[j] = Sj;
    Vt[j] = Vn;
    Vm[j] = Vn + Sj;                                  /* final unless the node fires */
    Rf[j] = refr == 0.0 ? refr : refr - 1.0;
    Is[j] = sg_fx_to_double(in1[j]);
    in1[j] = 0;
  }
  for (; j < ((cnt + 7u) & ~7u); ++j) cb[j] = 0;
  for (uint32_t q = 0; q < (cnt + 7u) / 8u; ++q) {
    if (!cand[q]) continue;
    for (j = 8 * q; j < 8 * q + 8; ++j) {
      if (!cb[j]) continue;
      if (sg_u01_53(w0[j], w1[j]) <= sg_gl_exp_prob(c, Vt[j])) {
        Rf[j] = c->refr_steps;
        Vm[j] = (c->reset != 0.0 ? c->V_reset : Vt[j]) + S[j];
        spk[ns++] = j;
      }
    }
  }
  return ns;
}
#endif

/* ---- host hooks (host/models.c builds the descriptor from them) ------------------------------ */
#if !defined(__CUDACC__)
#include <stdio.h>
#include "sg/model_host.h"

/* receptor 0: spikes (port 0, either sign) and currents (port 1) */
static uint32_t sg_gl_exp_n_ports(const struct sg_pop *pop) { (void)pop; return SG_GL_EXP_N_PORTS; }
static int sg_gl_exp_spike_port(const struct sg_pop *pop, int r, double w) {
  (void)pop; (void)w;
  return r == 0 ? SG_GL_EXP_PORT_SPIKES : -1;
}
static int sg_gl_exp_current_port(const struct sg_pop *pop, int r) { (void)pop; return r == 0 ? SG_GL_EXP_PORT_CURRENT : -1; }

/* t_ref becomes an int64 step count (sg_ms_to_steps_ceil): bounded like every device time. */
static int sg_gl_exp_check(const double *p, const sg_vec *v, char *msg, size_t len) {
  (void)v;
  if (p[SG_GL_EXP_P_t_ref] > SG_I_MAX_TIME_MS) {
    snprintf(msg, len, "t_ref = %g ms: allowed at most %g ms (times are kept in integer tics)", p[SG_GL_EXP_P_t_ref], SG_I_MAX_TIME_MS);
    return 1;
  }
  return 0;
}

static uint32_t sg_gl_exp_block_hook(const void *coef, const sg_view *v, uint64_t i0, uint32_t cnt, int64_t *slot,
                                     const sg_step_ctx *ctx, const uint32_t *w0, const uint32_t *w1, uint32_t *spk) {
  return sg_gl_exp_step_block((const sg_gl_exp_coef *)coef, v, i0, cnt, slot, ctx, w0, w1, spk);
}

#define SG_GL_EXP_HOOKS .check = sg_gl_exp_check, .cpu_block_step = sg_gl_exp_block_hook, .cpu_block_draws = 1,
#endif

#endif
