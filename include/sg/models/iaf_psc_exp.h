/* sg/models/iaf_psc_exp.h - leaky integrate-and-fire neuron with exponentially decaying synaptic
 * currents, NEST 3.10's iaf_psc_exp reproduced bit for bit.
 *
 *   C_m dV/dt = -(C_m/tau_m) (V - E_L) + I_syn_ex + I_syn_in + I_e + I_0(t)
 *   dI_syn_x/dt = -I_syn_x / tau_syn_x         a spike of weight w (pA): I_syn_x += w
 * A spike of weight w > 0 goes to the excitatory current, w < 0 to the inhibitory one, by the
 * sign of the stored connection weight (NEST tests s > 0 and sends 0 to the inhibitory buffer;
 * adding 0 changes no bit in either). V is kept as y = V - E_L. Exact integration
 * (Rotter & Diesmann 1999): P11 = exp(-h/tau_syn), P22 = exp(-h/tau_m),
 * P20 = tau_m/C_m (1 - P22), P21 = NEST's IAFPropagator P32 (iaf_common.h; its singular limit
 * h/C_m exp(-h/tau_m) when tau_syn == tau_m).
 *
 * Update of step k (docs/models.md §7.3), Sex/Sin = spike input of slot k by sign (pA),
 * C0/C1 = current input of slot k on receptors 0 and 1:
 *   not refractory: y <- (((y P22) + (I_ex P21ex)) + (I_in P21in)) + ((I_e + i_0) P20);
 *   refractory:     r <- r - 1 (y frozen);
 *   I_ex <- I_ex P11ex; I_in <- I_in P11in; I_ex <- I_ex + (1 - P11ex) i_1;
 *   I_ex <- I_ex + Sex; I_in <- I_in + Sin (input keeps arriving while refractory);
 *   threshold: delta < 1e-10 (default 0): y >= Theta; delta > 1e-10: a uniform U < p with
 *     p = rho exp((y - Theta)/delta) h 1e-3 (escape noise, tested in every step, also while
 *     refractory, as NEST does); on a spike r <- steps(t_ref), y <- V_reset, stamp k+1;
 *   i_0 <- C0; i_1 <- C1 (act from step k+1).
 * Ports: receptor 0 spikes w >= 0 -> port 0, w < 0 -> port 1; currents: receptor 0 -> port 2
 * (i_0, added to I_e), receptor 1 -> port 3 (i_1, fed through the excitatory synapse).
 * Differences from NEST: the escape-noise draws come from spikegpu's Philox stream
 * (SG_STREAM_FIRING, element = global id, step k; U in (0, 1)), so that case agrees with NEST
 * only statistically, and exp there is sg_exp. NEST's delta == 1e-10 exactly never fires; kept.
 * V_th and V_reset are stored absolute (docs/models.md §7.1).
 * References: Rotter S, Diesmann M (1999) Biol Cybern 81:381-402; Tsodyks M, Uziel A, Markram H
 * (2000) J Neurosci 20:RC50; NEST models/iaf_psc_exp.
 * See also: iaf_psc_delta.h, iaf_psc_alpha.h, iaf_common.h.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_MODELS_IAF_PSC_EXP_H
#define SG_MODELS_IAF_PSC_EXP_H

#include "sg/model.h"
#include "sg/math.h"
#include "sg/rng.h"
#include "sg/models/iaf_common.h"

/* X(name, unit, default, check, doc) */
#define SG_IAF_PSC_EXP_PARAMS(X)                                                                    \
  SG_IAF_COMMON_PARAMS(X)                                                                           \
  X(tau_syn_ex, "ms",  2.0,  SG_CHK_POS,    "excitatory synaptic time constant")                    \
  X(tau_syn_in, "ms",  2.0,  SG_CHK_POS,    "inhibitory synaptic time constant")                    \
  X(rho,        "1/s", 0.01, SG_CHK_NONNEG, "escape noise: rate at threshold")                      \
  X(delta,      "mV",  0.0,  SG_CHK_NONNEG, "escape noise: width (< 1e-10: deterministic threshold)")

/* X(name, unit, initial, check, doc) */
#define SG_IAF_PSC_EXP_STATE(X)                                                                     \
  SG_IAF_COMMON_STATE(X)                                                                            \
  SG_IAF_PSC_STATE(X)                                                                               \
  X(i_0, "pA", 0.0, SG_CHK_ANY, "receptor 0 current read at the end of the last step")             \
  X(i_1, "pA", 0.0, SG_CHK_ANY, "receptor 1 current read at the end of the last step")

enum {
#define X(name, unit, def, chk, doc) SG_IAF_PSC_EXP_P_##name,
  SG_IAF_PSC_EXP_PARAMS(X)
#undef X
  SG_IAF_PSC_EXP_N_PARAMS
};
enum {
#define X(name, unit, init, chk, doc) SG_IAF_PSC_EXP_S_##name,
  SG_IAF_PSC_EXP_STATE(X)
#undef X
  SG_IAF_PSC_EXP_N_STATE
};
enum {
  SG_IAF_PSC_EXP_PORT_EX = 0, SG_IAF_PSC_EXP_PORT_IN = 1, SG_IAF_PSC_EXP_PORT_I0 = 2, SG_IAF_PSC_EXP_PORT_I1 = 3,
  SG_IAF_PSC_EXP_N_PORTS = 4
};
SG_STATIC_ASSERT((int)SG_IAF_PSC_EXP_P_I_e == (int)SG_IAF_P_I_e && (int)SG_IAF_PSC_EXP_S_I_syn_in == (int)SG_IAF_S_I_syn_in,
                 "iaf_psc_exp: the common rows come first");

/* threshold modes: NEST tests delta < 1e-10 (deterministic) and delta > 1e-10 (stochastic) */
enum { SG_IAF_EXP_DETERMINISTIC = 0, SG_IAF_EXP_STOCHASTIC = 1, SG_IAF_EXP_NEVER = 2 };

typedef struct sg_iaf_psc_exp_coef {
  double P11ex, P11in, P22, P21ex, P21in, P20;
  double one_minus_P11ex;   /* 1 - P11ex (feeds i_1)                                    */
  double I_e;
  double Theta, V_reset;    /* V_th - E_L, V_reset - E_L                                */
  double refr_steps;        /* steps(t_ref)                                             */
  double rho, inv_delta, h; /* escape noise: p = ((rho exp(inv_delta (y - Theta))) h) 1e-3 */
  int32_t mode;             /* SG_IAF_EXP_*                                             */
  int32_t pad_;
} sg_iaf_psc_exp_coef;

#ifndef __CUDA_ARCH__
/* Host only, once per run (NEST's pre_run_hook). */
static inline void sg_iaf_psc_exp_prepare(const double *p, const sg_vec *vecs, double h, int64_t tics_per_step,
                                          sg_iaf_psc_exp_coef *c) {
  (void)vecs;
  const double tau_m = p[SG_IAF_P_tau_m], C_m = p[SG_IAF_P_C_m];
  const double tau_ex = p[SG_IAF_PSC_EXP_P_tau_syn_ex], tau_in = p[SG_IAF_PSC_EXP_P_tau_syn_in];
  const double delta = p[SG_IAF_PSC_EXP_P_delta];
  const sg_iaf_base b = sg_iaf_base_make(p, tics_per_step);
  c->P11ex = exp(-h / tau_ex);
  c->P11in = exp(-h / tau_in);
  c->P22 = exp(-h / tau_m);
  c->P21ex = sg_iaf_pvi(tau_ex, tau_m, C_m, h);
  c->P21in = sg_iaf_pvi(tau_in, tau_m, C_m, h);
  c->P20 = tau_m / C_m * (1.0 - c->P22);
  c->one_minus_P11ex = 1.0 - c->P11ex;
  c->I_e = b.I_e;
  c->Theta = b.Theta;
  c->V_reset = b.V_reset;
  c->refr_steps = b.refr_steps;
  c->rho = p[SG_IAF_PSC_EXP_P_rho];
  c->inv_delta = delta > 0.0 ? 1.0 / delta : 0.0;
  c->h = h;
  c->mode = delta < 1e-10 ? SG_IAF_EXP_DETERMINISTIC : delta > 1e-10 ? SG_IAF_EXP_STOCHASTIC : SG_IAF_EXP_NEVER;
  c->pad_ = 0;
}
#endif

/* One neuron, one step. Returns the spike multiplicity (0 or 1). */
SG_HD uint32_t sg_iaf_psc_exp_step(const sg_iaf_psc_exp_coef *SG_RESTRICT c, const sg_view *v, uint64_t i,
                                   int64_t *SG_RESTRICT slot, const sg_step_ctx *ctx) {
  double y = v->s[SG_IAF_PSC_EXP_S_V_m][i];
  double r = v->s[SG_IAF_PSC_EXP_S_refractory_steps][i];
  double I_ex = v->s[SG_IAF_PSC_EXP_S_I_syn_ex][i];
  double I_in = v->s[SG_IAF_PSC_EXP_S_I_syn_in][i];
  const double i_0 = v->s[SG_IAF_PSC_EXP_S_i_0][i], i_1 = v->s[SG_IAF_PSC_EXP_S_i_1][i];
  if (r == 0.0)
    y = y * c->P22 + I_ex * c->P21ex + I_in * c->P21in + (c->I_e + i_0) * c->P20;
  else
    r = r - 1.0;
  I_ex = I_ex * c->P11ex;
  I_in = I_in * c->P11in;
  I_ex = I_ex + c->one_minus_P11ex * i_1;
  I_ex = I_ex + sg_fx_to_double(sg_take_fed(slot, ctx, SG_IAF_PSC_EXP_PORT_EX, i));
  I_in = I_in + sg_fx_to_double(sg_take_fed(slot, ctx, SG_IAF_PSC_EXP_PORT_IN, i));
  int fire;
  if (c->mode == SG_IAF_EXP_DETERMINISTIC) {
    fire = y >= c->Theta;
  } else if (c->mode == SG_IAF_EXP_STOCHASTIC) {
    const sg_ctr4 w = sg_rng_block(ctx->seed, SG_STREAM_FIRING, ctx->first_id + i, ctx->step, 0);
    fire = sg_u01_53(w.c[0], w.c[1]) < c->rho * sg_exp(c->inv_delta * (y - c->Theta)) * c->h * 1e-3;
  } else {
    fire = 0;
  }
  if (fire) {
    r = c->refr_steps;
    y = c->V_reset;
  }
  v->s[SG_IAF_PSC_EXP_S_V_m][i] = y;
  v->s[SG_IAF_PSC_EXP_S_refractory_steps][i] = r;
  v->s[SG_IAF_PSC_EXP_S_I_syn_ex][i] = I_ex;
  v->s[SG_IAF_PSC_EXP_S_I_syn_in][i] = I_in;
  v->s[SG_IAF_PSC_EXP_S_i_0][i] = sg_fx_to_double(sg_take_fed(slot, ctx, SG_IAF_PSC_EXP_PORT_I0, i));
  v->s[SG_IAF_PSC_EXP_S_i_1][i] = sg_fx_to_double(sg_take_fed(slot, ctx, SG_IAF_PSC_EXP_PORT_I1, i));
  return fire ? 1u : 0u;
}

#if !defined(__CUDACC__)
/* ---- host-only batch form (cpu backend) ------------------------------------------------------
 * sg_iaf_psc_exp_step_block() gives exactly the bits of cnt calls of sg_iaf_psc_exp_step() for
 * nodes i0 .. i0+cnt-1 of a population with one coefficient set, and writes the indices j of the
 * nodes that fired into spk[]. With the deterministic threshold and AVX2 it steps 4 nodes per
 * instruction: the refractory branch becomes a blend of the same two values the scalar step
 * computes (the membrane update is evaluated for every node and dropped where refractory), every
 * value goes through the same IEEE operations in the same order, and the Q31.32 inputs become
 * doubles through their 32-bit halves (AVX2 has no 64-bit integer conversion): hi + lo 2^-32 is
 * v 2^-32 exactly, both terms being exact doubles, so its one rounding is that of (double)v 2^-32.
 * A port nothing feeds (ctx->fed_ports) is neither read nor cleared: its inputs are 0, which
 * converts to +0.0, so the constant +0.0 gives the same bits (the microcircuit feeds two of the
 * four ports; the other two were a quarter of the update's memory traffic each).
 * The tail, the stochastic threshold and builds without AVX2 take the scalar step. */
#if defined(__AVX2__)
#include <immintrin.h>
static inline __m256d sg_iaf_fx4_to_double(const int64_t *p) {
  const __m256i v = _mm256_loadu_si256((const __m256i *)p);
  const __m256i odd = _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(1, 3, 5, 7, 0, 2, 4, 6));
  const __m256d hi = _mm256_cvtepi32_pd(_mm256_castsi256_si128(odd));            /* signed high halves */
  const __m256i lo52 = _mm256_blend_epi32(v, _mm256_set1_epi64x(0x4330000000000000ll), 0xAA);   /* 2^52 + lo */
  const __m256d lo = _mm256_sub_pd(_mm256_castsi256_pd(lo52), _mm256_set1_pd(0x1p52));
  return _mm256_add_pd(hi, _mm256_mul_pd(lo, _mm256_set1_pd(0x1p-32)));
}
#endif

static inline uint32_t sg_iaf_psc_exp_step_block(const sg_iaf_psc_exp_coef *SG_RESTRICT c, const sg_view *v,
                                                 uint64_t i0, uint32_t cnt, int64_t *SG_RESTRICT slot,
                                                 const sg_step_ctx *ctx, uint32_t *SG_RESTRICT spk) {
  uint32_t j = 0, ns = 0;
#if defined(__AVX2__)
  if (c->mode == SG_IAF_EXP_DETERMINISTIC) {
    double *Y = v->s[SG_IAF_PSC_EXP_S_V_m] + i0, *R = v->s[SG_IAF_PSC_EXP_S_refractory_steps] + i0;
    double *E = v->s[SG_IAF_PSC_EXP_S_I_syn_ex] + i0, *I = v->s[SG_IAF_PSC_EXP_S_I_syn_in] + i0;
    double *A0 = v->s[SG_IAF_PSC_EXP_S_i_0] + i0, *A1 = v->s[SG_IAF_PSC_EXP_S_i_1] + i0;
    int64_t *in_ex = slot + sg_input_at(ctx, SG_IAF_PSC_EXP_PORT_EX, i0);
    int64_t *in_in = slot + sg_input_at(ctx, SG_IAF_PSC_EXP_PORT_IN, i0);
    int64_t *in_0 = slot + sg_input_at(ctx, SG_IAF_PSC_EXP_PORT_I0, i0);
    int64_t *in_1 = slot + sg_input_at(ctx, SG_IAF_PSC_EXP_PORT_I1, i0);
    const __m256d P22 = _mm256_set1_pd(c->P22), P21ex = _mm256_set1_pd(c->P21ex), P21in = _mm256_set1_pd(c->P21in);
    const __m256d P20 = _mm256_set1_pd(c->P20), P11ex = _mm256_set1_pd(c->P11ex), P11in = _mm256_set1_pd(c->P11in);
    const __m256d omP11ex = _mm256_set1_pd(c->one_minus_P11ex), I_e = _mm256_set1_pd(c->I_e);
    const __m256d Theta = _mm256_set1_pd(c->Theta), V_reset = _mm256_set1_pd(c->V_reset);
    const __m256d refr_steps = _mm256_set1_pd(c->refr_steps), zero = _mm256_setzero_pd(), one = _mm256_set1_pd(1.0);
    const __m256i clear = _mm256_setzero_si256();
    const int fed_ex = (int)(ctx->fed_ports >> SG_IAF_PSC_EXP_PORT_EX & 1u), fed_in = (int)(ctx->fed_ports >> SG_IAF_PSC_EXP_PORT_IN & 1u);
    const int fed_0 = (int)(ctx->fed_ports >> SG_IAF_PSC_EXP_PORT_I0 & 1u), fed_1 = (int)(ctx->fed_ports >> SG_IAF_PSC_EXP_PORT_I1 & 1u);
    for (; j + 4 <= cnt; j += 4) {
      const __m256d y = _mm256_loadu_pd(Y + j), r = _mm256_loadu_pd(R + j);
      const __m256d ie = _mm256_loadu_pd(E + j), ii = _mm256_loadu_pd(I + j);
      const __m256d i_0 = _mm256_loadu_pd(A0 + j), i_1 = _mm256_loadu_pd(A1 + j);
      /* y P22 + I_ex P21ex + I_in P21in + (I_e + i_0) P20, left to right as in the scalar step */
      const __m256d yi = _mm256_add_pd(
          _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(y, P22), _mm256_mul_pd(ie, P21ex)), _mm256_mul_pd(ii, P21in)),
          _mm256_mul_pd(_mm256_add_pd(I_e, i_0), P20));
      const __m256d free_ = _mm256_cmp_pd(r, zero, _CMP_EQ_OQ);
      __m256d yn = _mm256_blendv_pd(y, yi, free_);
      __m256d rn = _mm256_blendv_pd(_mm256_sub_pd(r, one), r, free_);
      __m256d ex = _mm256_mul_pd(ie, P11ex);
      const __m256d in = _mm256_add_pd(_mm256_mul_pd(ii, P11in), fed_in ? sg_iaf_fx4_to_double(in_in + j) : zero);
      ex = _mm256_add_pd(ex, _mm256_mul_pd(omP11ex, i_1));
      ex = _mm256_add_pd(ex, fed_ex ? sg_iaf_fx4_to_double(in_ex + j) : zero);
      const __m256d fire = _mm256_cmp_pd(yn, Theta, _CMP_GE_OQ);   /* false for NaN, as y >= Theta */
      rn = _mm256_blendv_pd(rn, refr_steps, fire);
      yn = _mm256_blendv_pd(yn, V_reset, fire);
      _mm256_storeu_pd(Y + j, yn);
      _mm256_storeu_pd(R + j, rn);
      _mm256_storeu_pd(E + j, ex);
      _mm256_storeu_pd(I + j, in);
      _mm256_storeu_pd(A0 + j, fed_0 ? sg_iaf_fx4_to_double(in_0 + j) : zero);
      _mm256_storeu_pd(A1 + j, fed_1 ? sg_iaf_fx4_to_double(in_1 + j) : zero);
      if (fed_ex) _mm256_storeu_si256((__m256i *)(in_ex + j), clear);
      if (fed_in) _mm256_storeu_si256((__m256i *)(in_in + j), clear);
      if (fed_0) _mm256_storeu_si256((__m256i *)(in_0 + j), clear);
      if (fed_1) _mm256_storeu_si256((__m256i *)(in_1 + j), clear);
      for (unsigned m = (unsigned)_mm256_movemask_pd(fire); m; m &= m - 1) spk[ns++] = j + (uint32_t)__builtin_ctz(m);
    }
  }
#endif
  for (; j < cnt; ++j)
    if (sg_iaf_psc_exp_step(c, v, i0 + j, slot, ctx)) spk[ns++] = j;
  return ns;
}

/* ---- host hooks ------------------------------------------------------------------------------- */
/* spikes: receptor 0, by the weight's sign; currents: receptor 0 (i_0) and 1 (i_1) */
static uint32_t sg_iaf_psc_exp_n_ports(const struct sg_pop *pop) { (void)pop; return SG_IAF_PSC_EXP_N_PORTS; }
static int sg_iaf_psc_exp_spike_port(const struct sg_pop *pop, int r, double w) {
  (void)pop;
  if (r != 0) return -1;
  return w > 0.0 ? SG_IAF_PSC_EXP_PORT_EX : SG_IAF_PSC_EXP_PORT_IN;
}
static int sg_iaf_psc_exp_current_port(const struct sg_pop *pop, int r) {
  (void)pop;
  return r == 0 ? SG_IAF_PSC_EXP_PORT_I0 : r == 1 ? SG_IAF_PSC_EXP_PORT_I1 : -1;
}
static void sg_iaf_psc_exp_init_state(struct sg_pop *pop, uint64_t i) { sg_iaf_zero_state(pop, i, SG_IAF_PSC_EXP_N_STATE); }

static uint32_t sg_iaf_psc_exp_block_hook(const void *coef, const sg_view *v, uint64_t i0, uint32_t cnt, int64_t *slot,
                                          const sg_step_ctx *ctx, const uint32_t *w0, const uint32_t *w1, uint32_t *spk) {
  (void)w0;
  (void)w1;
  return sg_iaf_psc_exp_step_block((const sg_iaf_psc_exp_coef *)coef, v, i0, cnt, slot, ctx, spk);
}

#define SG_IAF_PSC_EXP_HOOKS                                                                        \
  SG_IAF_COMMON_HOOKS SG_IAF_PSC_RECORDABLES .init_state = sg_iaf_psc_exp_init_state,              \
  .cpu_block_step = sg_iaf_psc_exp_block_hook,
#endif

#endif
