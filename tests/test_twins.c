/* tests/test_twins.c - every fast twin of the cpu backend against its plain reference, directly and
 * bit for bit (as llm.c checks each kernel against its C reference), over edge cases and random inputs:
 *   1. sg_gl_exp_step_block (sg/models/gl_exp.h)  vs  sg_gl_exp_step, node by node: V_m, refr_tick,
 *      I_stim, the cleared input slot and the spike list, for blocks of every length 1..256 at several
 *      offsets, several steps in a row, refractory nodes, reset on/off, V_m, I_stim and inputs at
 *      huge, tiny, signed-zero and non-finite values, and coefficient sets from tame to extreme
 *      (the block step takes one coefficient set: populations with per-node coefficients never use
 *      it, host/backend_cpu.c sends them to the scalar step);
 *   2. philox_w01, ctr_x, ctr_y (host/cpu_fast.h)  vs  sg_philox4x32_10, sg_rng_counter, sg_rng_block:
 *      every length 0..300 (the 32- and 8-wide vector groups and the scalar tail), elements across the
 *      32-bit carry and the 64-bit wrap at every lane position, all-ones counters and keys, steps at the
 *      32- and 40-bit field limits, every stream kind; nothing written past the last element;
 *   3. make_ptab + ptab_counts (host/cpu_fast.h; AVX2: 4 targets per instruction)  vs  sg_poisson (sg/rng.h): lambdas from 5e-324 to
 *      just below 10, odd emlambdas (0, inf, NaN, subnormal), uniforms at the ends of (0, 1) and on
 *      both sides of every table entry; the tables that must be refused are; and the backend's
 *      composition (Philox words + table) against sg_poisson_generator_count;
 *   4. fx_of_float, add_events, add_counts (host/cpu_fast.h)  vs  sg_fx_from_double, sg_fx_mul_count:
 *      +-0, subnormals, the Q31.32 range limits (saturation), ties, the 2^52 rounding edge, inf, NaNs,
 *      a sweep of 2^16 exponent/high-mantissa patterns and random bit patterns; SG_TWINS_FULL=1 checks
 *      all 2^32 floats (about 15 s). Accumulation with repeated inputs and wrapping multiplicities.
 *   5. sg_iaf_psc_exp_step_block (sg/models/iaf_psc_exp.h)  vs  sg_iaf_psc_exp_step: every state row, the
 *      four cleared input ports and the spike list, blocks of every length at several offsets, random
 *      coefficient sets (tau_syn == tau_m included), refractory nodes, V at the threshold, non-finite
 *      states and inputs, and the stochastic mode (which the block form hands to the scalar step).
 * Each comparison counts its mismatches; each test also feeds it one deliberate difference (one input
 * bit or one word changed on the fast side) and asserts that it is found, so no test passes vacuously.
 * Which Philox path ran (AVX-512 or scalar) follows the build, as in host/backend_cpu.c. */
/* SPDX-License-Identifier: MIT */
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__)
#pragma GCC target("prefer-vector-width=512")   /* as host/backend_cpu.c compiles the twins */
#endif
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "sg/models/gl_exp.h"
#include "sg/models/iaf_psc_exp.h"
#include "sg/stim/poisson_generator.h"
#include "cpu_fast.h"

/* ---- helpers ----------------------------------------------------------------------------------- */
static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint64_t rnext(void) { return sg_test_splitmix(&rs); }
static double runif(double a, double b) { return a + (b - a) * ((double)(rnext() >> 11) * 0x1p-53); }
static uint32_t rbelow(uint32_t n) { return (uint32_t)(rnext() % n); }

static uint64_t d2bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }
static int same_bits(double a, double b) { return d2bits(a) == d2bits(b); }
/* model state: the same bits, or NaN in both (NaN results are one class, docs/models.md: the sign
 * of a NaN made from NaN operands depends on the operand order the compiler picks, e.g. in the
 * AVX-512 build of a block step) */
static int same_state(double a, double b) { return same_bits(a, b) || (a != a && b != b); }
static float bits2f(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }
static uint32_t f2bits(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }

static size_t g_reports;   /* mismatch lines printed so far (capped) */
#define REPORT(...) do { if (g_reports++ < 12) { fprintf(stderr, "\n  twins: " __VA_ARGS__); } } while (0)

/* ==== 1. gl_exp: sg_gl_exp_step_block vs sg_gl_exp_step ========================================== */
enum { GN = 2 * SG_GL_EXP_BLOCK + 40 };   /* nodes of the test population */
static double gA[SG_GL_EXP_N_STATE][GN], gB[SG_GL_EXP_N_STATE][GN];   /* A: reference, B: block step */
static int64_t sA[SG_GL_EXP_N_PORTS * GN], sB[SG_GL_EXP_N_PORTS * GN];
static size_t g_spikes, g_refr_steps, g_nonfinite;   /* coverage of the random runs */

static void gl_coef(sg_gl_exp_coef *c, int variant) {
  double p[SG_GL_EXP_N_PARAMS] = {
#define X(name, unit, def, chk, doc) def,
      SG_GL_EXP_PARAMS(X)
#undef X
  };
  double h = 0.1;
  switch (variant) {
  case 0: break;                                            /* NEST defaults */
  case 1: p[SG_GL_EXP_P_reset_after_spike] = 0.0; break;   /* no reset */
  case 2: p[SG_GL_EXP_P_t_ref] = 0.0; break;                /* no refractory period */
  case 3: p[SG_GL_EXP_P_a] = 0.01; p[SG_GL_EXP_P_b] = 1e-3; p[SG_GL_EXP_P_t_ref] = 0.3; break;   /* steep Phi */
  case 4: h = 1.0; p[SG_GL_EXP_P_b] = 1e-3; p[SG_GL_EXP_P_V_reset] = -0.0; break;   /* p_scale = 1 */
  case 5: p[SG_GL_EXP_P_a] = 1e-200; p[SG_GL_EXP_P_tau_m] = 1e-300; break;   /* x overflows, P = 0 */
  case 7: p[SG_GL_EXP_P_b] = 1e300; break;   /* p_scale 1e-304: firing needs t > 1000, beyond the bound */
  default: break;
  }
  sg_gl_exp_prepare(p, NULL, h, (int64_t)(h * 1000.0 + 0.5), c);
  if (variant == 6) { c->P = 1.0; c->one_minus_P = 0.0; }  /* tau_m huge: V held exactly */
}
enum { GL_VARIANTS = 8 };

/* Random state and inputs for nodes [lo, hi), written identically to A and B. */
static void gl_fill(const sg_gl_exp_coef *c, uint64_t lo, uint64_t hi) {
  static const double odd[] = {1e300, -1e300, 1e-310, -1e-310, 0.0, -0.0, INFINITY, -INFINITY, NAN,
                               DBL_MAX, -DBL_MAX, DBL_TRUE_MIN, -65.0, -51.3};
  static const double odd_refr[] = {0.0, -0.0, 0.5, 1e6, 1.0, 2.0};
  static const int64_t odd_in[] = {INT64_MAX, INT64_MIN, 1, -1, (int64_t)1 << 52, ((int64_t)1 << 53) + 1};
  for (uint64_t i = lo; i < hi; ++i) {
    double V, R = 0.0, I = runif(-500.0, 500.0);
    const uint32_t kind = rbelow(100);
    if (kind < 55) {                         /* ordinary */
      V = runif(-80.0, -40.0);
    } else if (kind < 85) {                  /* near or above threshold: p from 1e-4 to 3 */
      const double pt = exp(runif(log(1e-4), log(3.0)));
      V = c->V_b + log(pt / c->p_scale) / c->inv_a;
      I = runif(-5.0, 5.0);
    } else {                                 /* extremes */
      V = odd[rbelow(sizeof odd / sizeof odd[0])];
      I = odd[rbelow(sizeof odd / sizeof odd[0])];
    }
    const uint32_t rk = rbelow(10);
    if (rk >= 6) R = rk < 9 ? (double)(1 + rbelow(5)) : odd_refr[rbelow(sizeof odd_refr / sizeof odd_refr[0])];
    int64_t in[2];
    for (int q = 0; q < 2; ++q) {
      const uint32_t ik = rbelow(10);
      in[q] = ik < 4 ? 0 : ik < 9 ? sg_fx_from_double(runif(-20.0, 20.0)) : odd_in[rbelow(sizeof odd_in / sizeof odd_in[0])];
    }
    gA[SG_GL_EXP_S_V_m][i] = gB[SG_GL_EXP_S_V_m][i] = V;
    gA[SG_GL_EXP_S_refr_tick][i] = gB[SG_GL_EXP_S_refr_tick][i] = R;
    gA[SG_GL_EXP_S_I_stim][i] = gB[SG_GL_EXP_S_I_stim][i] = I;
    sA[SG_GL_EXP_PORT_SPIKES * GN + i] = sB[SG_GL_EXP_PORT_SPIKES * GN + i] = in[0];
    sA[SG_GL_EXP_PORT_CURRENT * GN + i] = sB[SG_GL_EXP_PORT_CURRENT * GN + i] = in[1];
  }
}

/* New inputs for nodes [lo, hi) in both slots (the step cleared the old ones). */
static void gl_inputs(uint64_t lo, uint64_t hi) {
  for (uint64_t i = lo; i < hi; ++i)
    for (int q = 0; q < 2; ++q) {
      const int64_t v = rbelow(3) ? 0 : sg_fx_from_double(runif(-10.0, 10.0));
      sA[q * GN + i] = sB[q * GN + i] = v;
    }
}

/* One step of nodes i0 .. i0+cnt-1: A by cnt calls of sg_gl_exp_step, B by one sg_gl_exp_step_block with
 * the firing words of the contract (sg_rng_block, or the backend's philox_w01 when fast_words). When
 * perturb, B's current input of node i0 is changed by one unit first (negative control). Returns the
 * mismatches: state and slots of all GN nodes bit for bit, and the spike lists. */
static size_t gl_step_both(const sg_gl_exp_coef *c, const sg_step_ctx *ctx, uint64_t i0, uint32_t cnt, int fast_words,
                           int perturb) {
  sg_view va, vb;
  memset(&va, 0, sizeof va);
  memset(&vb, 0, sizeof vb);
  for (int r = 0; r < SG_GL_EXP_N_STATE; ++r) { va.s[r] = gA[r]; vb.s[r] = gB[r]; }
  uint32_t ref[SG_GL_EXP_BLOCK], nref = 0;
  for (uint32_t j = 0; j < cnt; ++j) {
    const double V = gA[SG_GL_EXP_S_V_m][i0 + j];
    g_refr_steps += gA[SG_GL_EXP_S_refr_tick][i0 + j] != 0.0;
    g_nonfinite += !isfinite(V);
    if (sg_gl_exp_step(c, &va, i0 + j, sA, ctx)) ref[nref++] = j;
  }
  uint32_t w0[SG_GL_EXP_BLOCK + 16], w1[SG_GL_EXP_BLOCK + 16], spk[SG_GL_EXP_BLOCK + 16];
  if (fast_words) {
    philox_w01(ctx->seed, ctr_x(ctx->step), ctr_y(SG_STREAM_FIRING, ctx->step), ctx->first_id + i0, cnt, w0, w1);
  } else {
    for (uint32_t j = 0; j < cnt; ++j) {
      const sg_ctr4 b = sg_rng_block(ctx->seed, SG_STREAM_FIRING, ctx->first_id + i0 + j, ctx->step, 0);
      w0[j] = b.c[0];
      w1[j] = b.c[1];
    }
  }
  if (perturb) sB[SG_GL_EXP_PORT_CURRENT * GN + i0] = (int64_t)((uint64_t)sB[SG_GL_EXP_PORT_CURRENT * GN + i0] + 1u);
  const uint32_t ns = sg_gl_exp_step_block(c, &vb, i0, cnt, sB, ctx, w0, w1, spk);
  g_spikes += nref;
  size_t bad = 0;
  if (ns != nref) {
    ++bad;
    REPORT("block i0 %llu cnt %u: %u spikes, sg_gl_exp_step %u\n", (unsigned long long)i0, cnt, ns, nref);
  }
  for (uint32_t q = 0; q < ns && q < nref; ++q)
    if (spk[q] != ref[q]) {
      ++bad;
      REPORT("block i0 %llu cnt %u: spike %u is node %u, sg_gl_exp_step %u\n", (unsigned long long)i0, cnt, q, spk[q], ref[q]);
    }
  for (int r = 0; r < SG_GL_EXP_N_STATE; ++r)
    for (uint64_t i = 0; i < GN; ++i)
      if (!same_state(gA[r][i], gB[r][i])) {
        ++bad;
        REPORT("block i0 %llu cnt %u: state %d node %llu = %.17g (block), %.17g (sg_gl_exp_step)\n",
               (unsigned long long)i0, cnt, r, (unsigned long long)i, gB[r][i], gA[r][i]);
      }
  for (uint64_t i = 0; i < SG_GL_EXP_N_PORTS * (uint64_t)GN; ++i)
    if (sA[i] != sB[i]) {
      ++bad;
      REPORT("block i0 %llu cnt %u: slot input %llu = %lld (block), %lld (sg_gl_exp_step)\n", (unsigned long long)i0,
             cnt, (unsigned long long)i, (long long)sB[i], (long long)sA[i]);
    }
  return bad;
}

static void test_gl_exp_block(void) {
  size_t bad = 0, cases = 0;
  g_spikes = g_refr_steps = g_nonfinite = 0;
  const uint64_t steps[] = {0, 1, 0xFFFFFFFFull, 0x100000000ull, 0xFFFFFFFFFFull, 12345678901ull};
  for (int v = 0; v < GL_VARIANTS; ++v) {
    sg_gl_exp_coef c;
    gl_coef(&c, v);
    for (uint32_t cnt = 1; cnt <= SG_GL_EXP_BLOCK; ++cnt) {
      const uint64_t offs[3] = {0, GN - cnt, (cnt * 37u) % (GN - cnt + 1)};
      for (int o = 0; o < 3; ++o) {
        if (o && (cnt % 5) && cnt > 40 && cnt < SG_GL_EXP_BLOCK - 8) continue;   /* all lengths at 0, many elsewhere */
        const uint64_t i0 = offs[o];
        gl_fill(&c, 0, GN);
        sg_step_ctx ctx = {rnext(), steps[rbelow(sizeof steps / sizeof steps[0])] + rbelow(4),
                           1 + (rnext() & 0x7FFFFFFFu), GN, ~(uint64_t)0, 0, 0};
        for (int s = 0; s < 3; ++s, ++ctx.step) {   /* three steps in a row: state carried over */
          bad += gl_step_both(&c, &ctx, i0, cnt, (int)((cnt + (uint32_t)o + (uint32_t)s) & 1u), 0);
          gl_inputs(0, GN);
          ++cases;
        }
      }
    }
  }
  CU_ASSERT_EQUAL(bad, 0);
  /* the random runs went through the interesting paths */
  CU_ASSERT(cases > 3000);
  CU_ASSERT(g_spikes > 10000);
  CU_ASSERT(g_refr_steps > 10000);
  CU_ASSERT(g_nonfinite > 1000);
}

/* Negative control: one unit of one input changed on the block side is found. */
static void test_gl_exp_block_control(void) {
  sg_gl_exp_coef c;
  gl_coef(&c, 0);
  gl_fill(&c, 0, GN);
  const sg_step_ctx ctx = {42, 7, 1, GN, ~(uint64_t)0, 0, 0};
  sA[SG_GL_EXP_PORT_CURRENT * GN + 5] = sB[SG_GL_EXP_PORT_CURRENT * GN + 5] = sg_fx_from_double(2.5);
  const size_t saved = g_reports;
  g_reports = 1000;   /* the expected mismatch is not printed */
  CU_ASSERT(gl_step_both(&c, &ctx, 5, 100, 0, 1) > 0);   /* I_stim 2.5 + 2^-32 instead of 2.5 */
  g_reports = saved;
  gl_fill(&c, 0, GN);
  CU_ASSERT_EQUAL(gl_step_both(&c, &ctx, 5, 100, 0, 0), 0);   /* and without the change, none */
}

/* ==== 2. Philox: philox_w01, ctr_x, ctr_y vs sg_philox4x32_10, sg_rng_counter, sg_rng_block ========= */
enum { PH_MAX = 320 };
#define PH_SENTINEL 0xA5A5A5A5u

/* philox_w01 against sg_philox4x32_10 for elements e0 .. e0+cnt-1; when perturb, the reference of
 * element cnt/2 gets element bit 0 flipped (negative control). Also checks nothing past cnt is written. */
static size_t philox_compare(uint64_t seed, uint32_t cx, uint32_t cy, uint64_t e0, uint32_t cnt, int perturb) {
  uint32_t w0[PH_MAX + 16], w1[PH_MAX + 16];
  for (uint32_t j = 0; j < PH_MAX + 16; ++j) w0[j] = w1[j] = PH_SENTINEL;
  philox_w01(seed, cx, cy, e0, cnt, w0, w1);
  size_t bad = 0;
  for (uint32_t j = 0; j < cnt; ++j) {
    const uint64_t e = (e0 + j) ^ (uint64_t)(perturb && j == cnt / 2);
    const sg_ctr4 r = sg_philox4x32_10(sg_ctr4_make(cx, cy, (uint32_t)e, (uint32_t)(e >> 32)), (uint32_t)seed,
                                       (uint32_t)(seed >> 32));
    if (w0[j] != r.c[0] || w1[j] != r.c[1]) {
      ++bad;
      REPORT("philox_w01 seed %016llx ctr (%08x, %08x) e %016llx: %08x %08x, sg_philox4x32_10 %08x %08x\n",
             (unsigned long long)seed, cx, cy, (unsigned long long)(e0 + j), w0[j], w1[j], r.c[0], r.c[1]);
    }
  }
  for (uint32_t j = cnt; j < PH_MAX + 16; ++j)
    if (w0[j] != PH_SENTINEL || w1[j] != PH_SENTINEL) {
      ++bad;
      REPORT("philox_w01 cnt %u wrote word %u\n", cnt, j);
    }
  return bad;
}

static void test_philox_words(void) {
  size_t bad = 0;
  const uint64_t seeds[] = {0, UINT64_MAX, 0xFFFFFFFFull, 0xFFFFFFFF00000000ull, 143202461, rnext()};
  const uint32_t ctrs[] = {0, 0xFFFFFFFFu, 0x80000000u, 1, (uint32_t)rnext()};
  /* every length, random counters (the AVX-512 32- and 8-wide or AVX2 16- and 4-wide groups, the tail) */
  for (uint32_t cnt = 0; cnt <= 300; ++cnt)
    bad += philox_compare(rnext(), (uint32_t)rnext(), (uint32_t)rnext(), rnext(), cnt, 0);
  /* elements across the 32-bit carry and the 64-bit wrap, the carry at every lane position */
  for (uint32_t k = 0; k <= 40; ++k) {
    bad += philox_compare(rnext(), (uint32_t)rnext(), (uint32_t)rnext(), 0xFFFFFFFFull - k, 64 + k % 9, 0);
    bad += philox_compare(rnext(), (uint32_t)rnext(), (uint32_t)rnext(), UINT64_MAX - k, 64 + k % 9, 0);
    bad += philox_compare(rnext(), 0, 0, 0x7FFFFFFFFFFFFFFFull - k, 48, 0);
    bad += philox_compare(rnext(), 0, 0, ((uint64_t)rbelow(1u << 31) << 32) + 0xFFFFFFFFull - k, 40, 0);
  }
  /* all-ones / zero / sign-bit keys and counters */
  for (size_t a = 0; a < sizeof seeds / sizeof seeds[0]; ++a)
    for (size_t x = 0; x < sizeof ctrs / sizeof ctrs[0]; ++x)
      for (size_t y = 0; y < sizeof ctrs / sizeof ctrs[0]; ++y)
        bad += philox_compare(seeds[a], ctrs[x], ctrs[y], x == y ? 0 : 0xFFFFFFF0ull, 41, 0);
  CU_ASSERT_EQUAL(bad, 0);
  /* negative control: one element bit changed in the reference is found */
  const size_t saved = g_reports;
  g_reports = 1000;
  CU_ASSERT(philox_compare(7, 1, 2, 0xFFFFFFF0ull, 64, 1) > 0);
  CU_ASSERT(philox_compare(7, 1, 2, 0xFFFFFFF0ull, 5, 1) > 0);
  g_reports = saved;
}

/* The backend's counters: philox_w01(seed, ctr_x(step), ctr_y(stream, step), element, ...) gives words 0 and
 * 1 of sg_rng_block(seed, stream, element, step, 0), for every stream kind and the step field's limits. */
static void test_philox_rng_layout(void) {
  size_t bad = 0;
  const uint64_t steps[] = {0, 1, 0xFFFFFFFFull, 0x100000000ull, 0xFFFFFFFFFFull, 0x10000000000ull, 0x10000000005ull,
                            UINT64_MAX, rnext(), rnext() & 0xFFFFFFFFFFull};
  const uint32_t streams[] = {SG_STREAM_FIRING, SG_STREAM_POISSON, SG_STREAM_NOISE, SG_STREAM_CONNECT,
                              SG_STREAM_KIND_MAX, 0, 0x4000, 0xFFFF, 0xFFFFFFFFu};
  for (size_t s = 0; s < sizeof steps / sizeof steps[0]; ++s)
    for (size_t q = 0; q < sizeof streams / sizeof streams[0]; ++q) {
      const uint64_t seed = rnext(), e0 = q & 1 ? rnext() : (rnext() & 0xFFFFFFFFull) | ((uint64_t)rbelow(4) << 32);
      const sg_ctr4 rc = sg_rng_counter(streams[q], e0, steps[s], 0);
      if (ctr_x(steps[s]) != rc.c[0] || ctr_y(streams[q], steps[s]) != rc.c[1]) {
        ++bad;
        REPORT("ctr_x/ctr_y(stream %u, step %llx) = %08x %08x, sg_rng_counter %08x %08x\n", streams[q],
               (unsigned long long)steps[s], ctr_x(steps[s]), ctr_y(streams[q], steps[s]), rc.c[0], rc.c[1]);
      }
      const uint32_t cnt = 1 + rbelow(80);
      uint32_t w0[96], w1[96];
      philox_w01(seed, ctr_x(steps[s]), ctr_y(streams[q], steps[s]), e0, cnt, w0, w1);
      for (uint32_t j = 0; j < cnt; ++j) {
        const sg_ctr4 b = sg_rng_block(seed, streams[q], e0 + j, steps[s], 0);
        if (w0[j] != b.c[0] || w1[j] != b.c[1]) {
          ++bad;
          REPORT("philox_w01 stream %u step %llx e %llx: %08x %08x, sg_rng_block %08x %08x\n", streams[q],
                 (unsigned long long)steps[s], (unsigned long long)(e0 + j), w0[j], w1[j], b.c[0], b.c[1]);
        }
      }
    }
  CU_ASSERT_EQUAL(bad, 0);
}

/* ==== 3. Poisson: make_ptab + ptab_counts vs sg_poisson ============================================ */
/* The Philox words whose 53-bit uniform (sg_u01_53) has integer part z < 2^53. */
static void words_of_z(uint64_t z, uint32_t *w0, uint32_t *w1) {
  *w1 = (uint32_t)(z >> 21);
  *w0 = (uint32_t)(z ^ ((uint64_t)*w1 << 21));
}

/* sg_poisson with its one uniform made of the words (w0, w1): a cursor whose current block holds them. */
static uint32_t ref_poisson(double lambda, double emlambda, uint32_t w0, uint32_t w1) {
  sg_rng_cursor c;
  sg_rng_cursor_init(&c, 0, SG_STREAM_POISSON, 0, 0);
  c.w[0] = w0;
  c.w[1] = w1;
  c.pos = 0;
  c.next_draw = 1;
  const uint32_t k = sg_poisson(&c, lambda, emlambda);
  return c.pos == 1 && !c.exhausted ? k : 0xFFFFFFFFu;   /* it took exactly that uniform */
}

/* ptab_counts of the table P against sg_poisson for n word pairs; when perturb, the fast side's word
 * w1 of element 0 gets its top bit flipped (negative control). */
static size_t ptab_compare(const ptab *P, const uint32_t *w0, const uint32_t *w1, uint32_t n, int perturb) {
  uint32_t cb[SG_GL_EXP_BLOCK + 16], v1[SG_GL_EXP_BLOCK + 16];
  memcpy(v1, w1, n * sizeof *w1);
  if (perturb) v1[0] ^= 0x80000000u;
  ptab_counts(P, w0, v1, n, cb);
  size_t bad = 0;
  for (uint32_t j = 0; j < n; ++j) {
    const uint32_t r = ref_poisson(P->lambda, P->emlambda, w0[j], w1[j]);
    if (cb[j] != r) {
      ++bad;
      REPORT("ptab lambda %.17g emlambda %.17g (m %u) u %.17g: %u, sg_poisson %u\n", P->lambda, P->emlambda, P->m,
             sg_u01_53(w0[j], w1[j]), cb[j], r);
    }
  }
  return bad;
}

/* Every edge uniform and n_random random ones for one table, in blocks of up to 256. */
static size_t ptab_check(double lambda, double emlambda, uint32_t n_random, uint32_t *valid) {
  ptab P;
  make_ptab(&P, lambda, emlambda);
  *valid = (uint32_t)P.valid;
  if (!P.valid) return 0;
  uint64_t zs[4096];
  uint32_t nz = 0;
  const uint64_t top = ((uint64_t)1 << 53) - 1;
  const uint64_t ends[] = {0, 1, 2, 3, (uint64_t)1 << 52, top - 3, top - 2, top - 1, top};
  for (size_t i = 0; i < sizeof ends / sizeof ends[0]; ++i) zs[nz++] = ends[i];
  for (uint32_t j = 0; j < P.m && j < PTAB_MAX; ++j) {   /* both sides of F_j: u = (2z + 1) 2^-54 */
    const double t = P.F[j] * 0x1p53 - 0.5;
    const uint64_t z0 = !(t > 0.0) ? 0 : t >= (double)top ? top : (uint64_t)t;
    for (int d = -2; d <= 2; ++d) {
      const int64_t z = (int64_t)z0 + d;
      if (z >= 0 && (uint64_t)z <= top) zs[nz++] = (uint64_t)z;
    }
  }
  for (uint32_t i = 0; i < n_random && nz < 4096; ++i) zs[nz++] = rnext() >> 11;
  size_t bad = 0;
  for (uint32_t b = 0; b < nz; b += SG_GL_EXP_BLOCK) {
    const uint32_t n = nz - b < SG_GL_EXP_BLOCK ? nz - b : SG_GL_EXP_BLOCK;
    uint32_t w0[SG_GL_EXP_BLOCK], w1[SG_GL_EXP_BLOCK];
    for (uint32_t j = 0; j < n; ++j) words_of_z(zs[b + j], &w0[j], &w1[j]);
    bad += ptab_compare(&P, w0, w1, n, 0);
  }
  return bad;
}

static void test_poisson_table(void) {
  size_t bad = 0;
  uint32_t valid, max_m = 0;
  const double lambdas[] = {5e-324, 1e-300, 1e-20, 1e-10, 1e-5, 1e-3, 0.1, 0.5, 1.0, 2.5, 3.999, 4.0, 5.0,
                            9.0, 9.5, 9.999999, nextafter(10.0, 0.0)};
  for (size_t i = 0; i < sizeof lambdas / sizeof lambdas[0]; ++i) {
    const double l = lambdas[i];
    bad += ptab_check(l, exp(-l), 1500, &valid);          /* the host's emlambda */
    CU_ASSERT(valid);
    bad += ptab_check(l, sg_exp(-l), 300, &valid);
    CU_ASSERT(valid);
    ptab P;
    make_ptab(&P, l, exp(-l));
    if (P.m > max_m) max_m = P.m;
  }
  for (int i = 0; i < 300; ++i) {                          /* log-uniform in (1e-6, 10) */
    const double l = exp(runif(log(1e-6), log(10.0)));
    if (!(l < 10.0)) continue;
    bad += ptab_check(l, exp(-l), 200, &valid);
    CU_ASSERT(valid);
  }
  /* odd emlambdas (any value must give the same bits as sg_poisson): 0, inf, subnormal, > 1 */
  const double odd_em[] = {0.0, INFINITY, 1e-310, DBL_TRUE_MIN, 2.0, 1e300};
  for (size_t i = 0; i < sizeof odd_em / sizeof odd_em[0]; ++i) {
    bad += ptab_check(3.0, odd_em[i], 300, &valid);
    CU_ASSERT(valid);
    bad += ptab_check(9.9, odd_em[i], 300, &valid);
    CU_ASSERT(valid);
  }
  /* the table's limits: no table where sg_poisson is not the inversion loop or F never stalls
   * (NaN: the backend then calls sg_poisson itself); every table stalls well inside PTAB_MAX */
  const double refused[] = {0.0, -0.0, -1.0, 10.0, nextafter(10.0, 11.0), 100.0, NAN, INFINITY, -INFINITY};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; ++i) {
    bad += ptab_check(refused[i], exp(-refused[i]), 10, &valid);
    CU_ASSERT(!valid);
  }
  bad += ptab_check(3.0, NAN, 10, &valid);
  CU_ASSERT(!valid);
  CU_ASSERT(max_m > 30 && max_m < PTAB_MAX);
  CU_ASSERT_EQUAL(bad, 0);
  /* negative control: the top bit of one word changed on the table side (u 2^-54 -> ~0.5) is found */
  ptab P;
  make_ptab(&P, 3.0, exp(-3.0));
  uint32_t w0[2], w1[2];
  words_of_z(0, &w0[0], &w1[0]);
  words_of_z(12345, &w0[1], &w1[1]);
  const size_t saved = g_reports;
  g_reports = 1000;
  CU_ASSERT(ptab_compare(&P, w0, w1, 2, 1) > 0);
  g_reports = saved;
  CU_ASSERT_EQUAL(ptab_compare(&P, w0, w1, 2, 0), 0);
}

/* The backend's composition (host/backend_cpu.c poisson_counts): Philox words of the Poisson stream for
 * targets jr .. jr+n-1, then the table, against sg_poisson_generator_count target by target. */
static void test_poisson_counts_composition(void) {
  size_t bad = 0, nonzero = 0;
  const uint64_t gids[] = {1, 2, 77, 0x7FFFFFFFu, 0xFFFFFFFFu};
  const double lambdas[] = {1e-300, 0.02, 0.7, 3.0, 9.99};
  const uint64_t steps[] = {0, 5, 0xFFFFFFFFull, 0x100000003ull, 0xFFFFFFFFFFull};
  for (size_t g = 0; g < sizeof gids / sizeof gids[0]; ++g)
    for (size_t l = 0; l < sizeof lambdas / sizeof lambdas[0]; ++l)
      for (size_t s = 0; s < sizeof steps / sizeof steps[0]; ++s) {
        const uint64_t seed = rnext(), k = steps[s];
        const uint32_t n = 1 + rbelow(SG_GL_EXP_BLOCK);
        const uint64_t jr = s == 2 ? 0xFFFFFFFFull - n : rbelow(1u << 20);
        ptab P;
        memset(&P, 0, sizeof P);
        make_ptab(&P, lambdas[l], exp(-lambdas[l]));
        CU_ASSERT_FATAL(P.valid);
        const sg_poisson_coef pc = {lambdas[l], exp(-lambdas[l]), 0, INT64_MAX};
        uint32_t w0[SG_GL_EXP_BLOCK + 16], w1[SG_GL_EXP_BLOCK + 16], cb[SG_GL_EXP_BLOCK + 16];
        philox_w01(seed, ctr_x(k), ctr_y(SG_STREAM_POISSON, k), (gids[g] << 32) + jr, n, w0, w1);
        ptab_counts(&P, w0, w1, n, cb);
        for (uint32_t j = 0; j < n; ++j) {
          const uint32_t r = sg_poisson_generator_count(&pc, seed, gids[g], jr + j, k);
          nonzero += r != 0;
          if (cb[j] != r) {
            ++bad;
            REPORT("poisson counts gid %llu lambda %g step %llx target %llu: %u, sg_poisson_generator_count %u\n",
                   (unsigned long long)gids[g], lambdas[l], (unsigned long long)k, (unsigned long long)(jr + j), cb[j], r);
          }
        }
      }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT(nonzero > 1000);
}

/* ==== 4. fixed point: fx_of_float, add_events, add_counts vs sg_fx_from_double, sg_fx_mul_count ===== */
/* fx_of_float against sg_fx_from_double((double)w) for n float bit patterns; when perturb, the fast side
 * converts element n/2 with its lowest bit flipped (negative control). */
static size_t fx_compare(const uint32_t *bits, size_t n, int perturb) {
  size_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const float w = bits2f(bits[i]);
    const int64_t f = fx_of_float(bits2f(bits[i] ^ (uint32_t)(perturb && i == n / 2)));
    const int64_t r = sg_fx_from_double((double)w);
    if (f != r) {
      ++bad;
      REPORT("fx_of_float(%a = 0x%08x) = %lld, sg_fx_from_double %lld\n", (double)w, bits[i], (long long)f, (long long)r);
    }
  }
  /* the block form, in groups that start at every offset mod 4 */
  enum { FB = 64 };
  float wb[FB];
  int64_t ob[FB];
  for (size_t i0 = 0; i0 < n; i0 += FB - 3) {
    const uint32_t m = (uint32_t)(n - i0 < FB ? n - i0 : FB);
    for (uint32_t q = 0; q < m; ++q) wb[q] = bits2f(bits[i0 + q] ^ (uint32_t)(perturb && i0 + q == n / 2));
    fx_of_floats(wb, m, ob);
    for (uint32_t q = 0; q < m; ++q)
      if (ob[q] != sg_fx_from_double((double)bits2f(bits[i0 + q]))) {
        ++bad;
        REPORT("fx_of_floats(%a = 0x%08x) = %lld, sg_fx_from_double %lld\n", (double)bits2f(bits[i0 + q]), bits[i0 + q],
               (long long)ob[q], (long long)sg_fx_from_double((double)bits2f(bits[i0 + q])));
      }
  }
  return bad;
}

/* The special floats: signed zeros, subnormals, ties, the 2^52 edge, the range limits, inf, NaNs. */
static size_t fx_specials(uint32_t *b) {
  size_t n = 0;
  const uint32_t fixed[] = {
      0x00000000u, 0x80000000u,                          /* +-0 */
      0x00000001u, 0x80000001u, 0x007FFFFFu, 0x807FFFFFu, /* subnormals: smallest, largest */
      0x00800000u, 0x80800000u,                          /* FLT_MIN */
      0x7F7FFFFFu, 0xFF7FFFFFu,                          /* FLT_MAX */
      0x7F800000u, 0xFF800000u,                          /* inf */
      0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0xFFFFFFFFu, 0x7FBFFFFFu,   /* NaNs, quiet and signalling */
      0x4F000000u, 0xCF000000u,                          /* +-2^31: v = +-2^63, the saturation edge */
      0x4EFFFFFFu, 0xCEFFFFFFu, 0xCF000001u,             /* just inside / outside */
      0x49800000u, 0xC9800000u, 0x497FFFFFu, 0x49800001u, /* 2^20: v = 2^52, the rounding trick's edge */
      0x4E800000u, 0x3F800000u, 0xBF800000u,             /* 2^30 (SG_FX_MAX_ABS_SUM), +-1 */
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; ++i) b[n++] = fixed[i];
  /* ties: w * 2^32 = k + 1/2, both parities, both signs, near 0 and near 2^23 (floats in [2^-10, 2^-9)) */
  for (int k = 0; k < 64; ++k) {
    const float t = (float)(2 * k + 1) * 0x1p-33f;
    b[n++] = f2bits(t);
    b[n++] = f2bits(-t);
    const float u = 0x1p-10f + (float)(2 * k + 1) * 0x1p-33f;   /* odd last bit: v = 2^22 + k + 1/2 */
    b[n++] = f2bits(u);
    b[n++] = f2bits(-u);
    b[n++] = f2bits(nextafterf(t, 0.0f));
    b[n++] = f2bits(nextafterf(t, 1.0f));
  }
  return n;
}

static void test_fx_of_float(void) {
  static uint32_t b[1 << 16];
  size_t bad = 0;
  const size_t ns = fx_specials(b);
  bad += fx_compare(b, ns, 0);
  /* every sign/exponent/high-mantissa pattern with six low halves */
  const uint32_t lows[] = {0x0000u, 0x0001u, 0x7FFFu, 0x8000u, 0xFFFFu, 0};
  for (size_t l = 0; l < sizeof lows / sizeof lows[0]; ++l) {
    for (uint32_t hi = 0; hi < (1u << 16); ++hi) b[hi] = hi << 16 | (l == 5 ? (uint32_t)rnext() & 0xFFFFu : lows[l]);
    bad += fx_compare(b, 1u << 16, 0);
  }
  for (int r = 0; r < 16; ++r) {                     /* random bit patterns */
    for (uint32_t i = 0; i < (1u << 16); ++i) b[i] = (uint32_t)rnext();
    bad += fx_compare(b, 1u << 16, 0);
  }
  const char *full = getenv("SG_TWINS_FULL");
  if (full && *full && strcmp(full, "0") != 0) {     /* all 2^32 floats */
    for (uint64_t base = 0; base < ((uint64_t)1 << 32); base += 1u << 16) {
      for (uint32_t i = 0; i < (1u << 16); ++i) b[i] = (uint32_t)base + i;
      bad += fx_compare(b, 1u << 16, 0);
    }
    printf("(all 2^32 floats) ");
  }
  CU_ASSERT_EQUAL(bad, 0);
  /* negative control: one input bit changed on the fast side (1.0f -> 1 + 2^-23) is found */
  const uint32_t one[3] = {0x3F800000u, 0x3F800000u, 0x3F800000u};
  const size_t saved = g_reports;
  g_reports = 1000;
  CU_ASSERT(fx_compare(one, 3, 1) > 0);
  g_reports = saved;
}

/* add_events / add_counts against the plain slot[in[j]] += sg_fx_mul_count(sg_fx_from_double(w), m).
 * The products wrap (unsigned), but the twins add with signed +=: defined while every partial sum stays
 * in int64, which the fixed-point contract guarantees (sg/fixed.h: SG_FX_MAX_ABS_SUM). Cases whose
 * partial sums leave int64 (saturated weights, wrapping counts) are outside that domain: counted and
 * skipped, not run. */
enum { FX_SLOT = 61, FX_N = 300 };
static size_t g_adds_run, g_adds_skipped;
static size_t adds_compare(uint32_t n, uint32_t mult, const uint32_t *cnt, int perturb) {
  uint32_t in[FX_N], c2[FX_N];
  float w[FX_N];
  int64_t cv[FX_N + 16], slot_f[FX_SLOT], slot_r[FX_SLOT];
  static const uint32_t wodd[] = {0x80000000u, 0x00000001u, 0x7FC00000u, 0x2F000000u /* 2^-33: a tie */,
                                  0xAF000000u, 0x4EFFFFFFu, 0xCF000000u, 0x7F800000u, 0x4F000000u};
  const uint32_t n_odd = n <= 6 ? 9 : 5;   /* the near-saturated and saturated ones in short blocks */
  for (uint32_t j = 0; j < n; ++j) {
    in[j] = rbelow(4) ? rbelow(FX_SLOT) : (j ? in[j - 1] : 0);   /* repeated inputs */
    w[j] = j && !rbelow(3) ? w[j - 1]   /* runs of one weight (add_counts converts a run's weight once) */
           : rbelow(8)     ? (float)runif(-100.0, 100.0) : bits2f(wodd[rbelow(n_odd)]);
    if (cnt) c2[j] = cnt[j];
  }
  if (perturb && n) w[n / 2] = 1.0f;
  for (uint32_t i = 0; i < FX_SLOT; ++i) slot_f[i] = slot_r[i] = (int64_t)(rnext() >> 20) - ((int64_t)1 << 43);
  for (uint32_t j = 0; j < n; ++j) {
    const int64_t v = sg_fx_mul_count(sg_fx_from_double((double)w[j]), cnt ? cnt[j] : mult);
    int64_t sum;
    if (__builtin_add_overflow(slot_r[in[j]], v, &sum)) {   /* outside the contract's range: skip */
      ++g_adds_skipped;
      return 0;
    }
    slot_r[in[j]] = sum;
  }
  ++g_adds_run;
  if (perturb && n) {   /* negative control: the multiplicity of a weight 1.0 changed on the fast side */
    if (cnt) c2[n / 2] += 1;
    else mult += 1;
  }
  if (cnt) add_counts(slot_f, in, w, c2, n, cv);
  else add_events(slot_f, in, w, n, mult, cv);
  size_t bad = 0;
  for (uint32_t i = 0; i < FX_SLOT; ++i)
    if (slot_f[i] != slot_r[i]) {
      ++bad;
      REPORT("%s n %u: slot %u = %lld, plain %lld\n", cnt ? "add_counts" : "add_events", n, i, (long long)slot_f[i],
             (long long)slot_r[i]);
    }
  return bad;
}

static void test_fx_adds(void) {
  size_t bad = 0;
  g_adds_run = g_adds_skipped = 0;
  const uint32_t mults[] = {0, 1, 2, 3, 1000, 0xFFFFFFFFu};
  uint32_t cnt[FX_N];
  for (uint32_t n = 0; n <= FX_N; n += (n < 40 ? 1 : 13)) {
    for (size_t m = 0; m < sizeof mults / sizeof mults[0]; ++m) bad += adds_compare(n, mults[m], NULL, 0);
    bad += adds_compare(n, (uint32_t)rnext(), NULL, 0);
    for (uint32_t j = 0; j < n; ++j) cnt[j] = rbelow(4) ? rbelow(5) : mults[rbelow(sizeof mults / sizeof mults[0])];
    bad += adds_compare(n, 0, cnt, 0);
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT(g_adds_run > 3 * g_adds_skipped && g_adds_run > 300);   /* most cases ran */
  const size_t saved = g_reports;
  g_reports = 1000;
  for (uint32_t j = 0; j < 50; ++j) cnt[j] = 1;
  CU_ASSERT(adds_compare(50, 1, NULL, 1) > 0);
  CU_ASSERT(adds_compare(50, 0, cnt, 1) > 0);
  g_reports = saved;
}

/* ==== 5. iaf_psc_exp: sg_iaf_psc_exp_step_block vs sg_iaf_psc_exp_step ============================= */
enum { IN = 600, IBLK = 256 };   /* the backend's block: cnt <= 256 */
static double iA[SG_IAF_PSC_EXP_N_STATE][IN], iB[SG_IAF_PSC_EXP_N_STATE][IN];
static int64_t isA[SG_IAF_PSC_EXP_N_PORTS * IN], isB[SG_IAF_PSC_EXP_N_PORTS * IN];
static size_t i_spikes, i_refr;
static uint64_t i_fed = ~(uint64_t)0;   /* ports fed (sg_step_ctx.fed_ports): the others' inputs stay 0 */

/* Coefficients from random NEST-like parameters (variant 0: the defaults; 1: tau_syn_ex == tau_m;
 * 2: escape noise) */
static void iaf_coef(sg_iaf_psc_exp_coef *c, int variant) {
  double p[SG_IAF_PSC_EXP_N_PARAMS];
#define X(name, unit, def, chk, doc) p[SG_IAF_PSC_EXP_P_##name] = def;
  SG_IAF_PSC_EXP_PARAMS(X)
#undef X
  if (variant) {
    p[SG_IAF_P_tau_m] = runif(2.0, 30.0);
    p[SG_IAF_P_C_m] = runif(50.0, 400.0);
    p[SG_IAF_PSC_EXP_P_tau_syn_ex] = variant == 1 ? p[SG_IAF_P_tau_m] : runif(0.1, 10.0);
    p[SG_IAF_PSC_EXP_P_tau_syn_in] = runif(0.1, 10.0);
    p[SG_IAF_P_I_e] = runif(-100.0, 500.0);
    p[SG_IAF_P_t_ref] = runif(0.0, 3.0);
  }
  if (variant == 2) {
    p[SG_IAF_PSC_EXP_P_delta] = 2.0;
    p[SG_IAF_PSC_EXP_P_rho] = 200.0;
  }
  sg_iaf_psc_exp_prepare(p, NULL, 0.1, 100, c);
}

static double iaf_value(double scale) {
  switch (rbelow(40)) {
  case 0: return NAN;
  case 1: return INFINITY;
  case 2: return -0.0;
  default: return runif(-scale, scale);
  }
}

static void iaf_fill(const sg_iaf_psc_exp_coef *c) {
  for (uint64_t i = 0; i < IN; ++i) {
    double st[SG_IAF_PSC_EXP_N_STATE];
    st[SG_IAF_PSC_EXP_S_V_m] = rbelow(8) ? c->Theta - runif(-0.5, 20.0) : (rbelow(2) ? c->Theta : iaf_value(50.0));
    st[SG_IAF_PSC_EXP_S_refractory_steps] = rbelow(3) ? 0.0 : (double)rbelow(4);
    st[SG_IAF_PSC_EXP_S_I_syn_ex] = iaf_value(800.0);
    st[SG_IAF_PSC_EXP_S_I_syn_in] = iaf_value(800.0);
    st[SG_IAF_PSC_EXP_S_i_0] = rbelow(2) ? 0.0 : iaf_value(300.0);
    st[SG_IAF_PSC_EXP_S_i_1] = rbelow(2) ? 0.0 : iaf_value(300.0);
    for (int r = 0; r < SG_IAF_PSC_EXP_N_STATE; ++r) iA[r][i] = iB[r][i] = st[r];
  }
}

static void iaf_inputs(void) {
  for (uint64_t q = 0; q < SG_IAF_PSC_EXP_N_PORTS * (uint64_t)IN; ++q) {
    static const int64_t edge[] = {INT64_MIN, INT64_MAX, -1, 1, (int64_t)0xFFFFFFFF, -(int64_t)0x100000000ll,
                                   (int64_t)0x20000000000001ll, -(int64_t)0x20000000000003ll};
    const int64_t v = rbelow(3) ? 0 : rbelow(40) ? sg_fx_from_double(runif(-500.0, 500.0))
                                   : rbelow(2)   ? edge[rbelow(sizeof edge / sizeof edge[0])] : (int64_t)rnext();
    isA[q] = isB[q] = (i_fed >> (q / IN) & 1u) ? v : 0;
  }
}

/* One step of nodes i0 .. i0+cnt-1 both ways; mismatches of every state row, slot and spike. */
static size_t iaf_step_both(const sg_iaf_psc_exp_coef *c, const sg_step_ctx *ctx, uint64_t i0, uint32_t cnt,
                            int perturb, const sg_step_ctx *ctx_ref) {   /* ctx_ref: the reference's (NULL: ctx) */
  sg_view va, vb;
  memset(&va, 0, sizeof va);
  memset(&vb, 0, sizeof vb);
  for (int r = 0; r < SG_IAF_PSC_EXP_N_STATE; ++r) { va.s[r] = iA[r]; vb.s[r] = iB[r]; }
  uint32_t ref[IBLK], nref = 0, spk[IBLK];
  for (uint32_t j = 0; j < cnt; ++j) {
    i_refr += iA[SG_IAF_PSC_EXP_S_refractory_steps][i0 + j] != 0.0;
    if (sg_iaf_psc_exp_step(c, &va, i0 + j, isA, ctx_ref ? ctx_ref : ctx)) ref[nref++] = j;
  }
  if (perturb) isB[SG_IAF_PSC_EXP_PORT_I1 * IN + i0] += 1;
  const uint32_t ns = sg_iaf_psc_exp_step_block(c, &vb, i0, cnt, isB, ctx, spk);
  i_spikes += nref;
  size_t bad = ns != nref;
  for (uint32_t q = 0; q < ns && q < nref; ++q) bad += spk[q] != ref[q];
  for (int r = 0; r < SG_IAF_PSC_EXP_N_STATE; ++r)
    for (uint64_t i = 0; i < IN; ++i)
      if (!same_state(iA[r][i], iB[r][i])) {
        ++bad;
        REPORT("iaf_psc_exp block i0 %llu cnt %u: state %d node %llu = %.17g (block), %.17g (step)\n",
               (unsigned long long)i0, cnt, r, (unsigned long long)i, iB[r][i], iA[r][i]);
      }
  for (uint64_t q = 0; q < SG_IAF_PSC_EXP_N_PORTS * (uint64_t)IN; ++q) bad += isA[q] != isB[q];
  if (ns != nref) REPORT("iaf_psc_exp block i0 %llu cnt %u: %u spikes, step %u\n", (unsigned long long)i0, cnt, ns, nref);
  return bad;
}

static void test_iaf_psc_exp_block(void) {
  size_t bad = 0, cases = 0;
  i_spikes = i_refr = 0;
  for (int v = 0; v < 12; ++v) {
    sg_iaf_psc_exp_coef c;
    iaf_coef(&c, v % 3 == 2 && v < 6 ? 2 : v % 3);
    for (uint32_t cnt = 1; cnt <= IBLK; cnt += 1 + (v > 2) * 6) {
      const uint64_t i0 = rbelow(2) ? 0 : rbelow(IN - cnt + 1);
      iaf_fill(&c);
      i_fed = rbelow(2) ? ~(uint64_t)0 : rnext() & 0xFu;   /* half the cases: some ports unfed */
      iaf_inputs();
      sg_step_ctx ctx = {rnext(), rnext() >> 20, 1 + (rnext() & 0xFFFFu), IN, i_fed, 0, 0};
      for (int s = 0; s < 3; ++s, ++ctx.step) {   /* three steps in a row: state carried over */
        bad += iaf_step_both(&c, &ctx, i0, cnt, 0, NULL);
        iaf_inputs();
        ++cases;
      }
    }
  }
  i_fed = ~(uint64_t)0;
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT(cases > 1500);
  CU_ASSERT(i_spikes > 5000);
  CU_ASSERT(i_refr > 5000);
  /* negative controls: one unit of one current input changed on the block side is found; and an
   * input of a port declared unfed is not read by the block step (so the mask is really used:
   * against the reference with every port fed) */
  sg_iaf_psc_exp_coef c;
  iaf_coef(&c, 0);
  iaf_fill(&c);
  iaf_inputs();
  const sg_step_ctx ctx = {3, 9, 1, IN, ~(uint64_t)0, 0, 0};
  const size_t saved = g_reports;
  g_reports = 1000;
  CU_ASSERT(iaf_step_both(&c, &ctx, 0, 64, 1, NULL) > 0);
  iaf_fill(&c);
  iaf_inputs();
  const sg_step_ctx unfed_in = {3, 9, 1, IN, ~((uint64_t)1 << SG_IAF_PSC_EXP_PORT_IN), 0, 0};
  for (uint64_t i = 0; i < 64; ++i)
    isA[SG_IAF_PSC_EXP_PORT_IN * IN + i] = isB[SG_IAF_PSC_EXP_PORT_IN * IN + i] = sg_fx_from_double(-50.0);
  CU_ASSERT(iaf_step_both(&c, &unfed_in, 0, 64, 0, &ctx) > 0);
  g_reports = saved;
}

static CU_TestInfo tests[] = {
    {"gl_exp block step == sg_gl_exp_step (every block length, edge states, 8 coefficient sets)", test_gl_exp_block},
    {"gl_exp block step: a one-unit input change is detected (negative control)", test_gl_exp_block_control},
    {"philox_w01 == sg_philox4x32_10 (lengths 0..300, carries, wraps, all-ones keys; + control)", test_philox_words},
    {"philox_w01 + ctr_x/ctr_y == sg_rng_block (every stream kind, step field limits)", test_philox_rng_layout},
    {"Poisson table == sg_poisson (lambdas 5e-324..10-, edge uniforms, refused tables; + control)", test_poisson_table},
    {"Poisson words + table == sg_poisson_generator_count (the backend's composition)", test_poisson_counts_composition},
    {"fx_of_float == sg_fx_from_double (+-0, subnormals, ties, range limits, NaN, sweep; + control)", test_fx_of_float},
    {"add_events / add_counts == plain Q31.32 adds (repeated inputs, wrapping counts; + control)", test_fx_adds},
    {"iaf_psc_exp block step == sg_iaf_psc_exp_step (random coefficients, refractory, non-finite; + control)",
     test_iaf_psc_exp_block},
    CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_twins = {"twins", NULL, tests};
