/* host/cpu_fast.h - the cpu backend's fast twins, each with the name of its plain reference.
 *
 * host/backend_cpu.c runs these instead of the plain definitions of include/sg/ (vectorised or
 * table-driven; the same bits for every input, by construction). tests/test_twins.c compiles the same
 * code and compares each one directly with its reference, over edge cases and random inputs. Host
 * only (not SG_HD): the cuda backend calls the references themselves. The fourth twin, the gl_exp block
 * step sg_gl_exp_step_block, lives next to its reference sg_gl_exp_step in include/sg/models/gl_exp.h.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_CPU_FAST_H
#define SG_CPU_FAST_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sg/fixed.h"
#include "sg/hd.h"
#include "sg/philox.h"
#include "sg/rng.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
#include <immintrin.h>
#define SG_CPU_AVX512 1
#else
#define SG_CPU_AVX512 0
#endif
#if !SG_CPU_AVX512 && defined(__AVX2__)
#include <immintrin.h>
#define SG_CPU_AVX2 1
#else
#define SG_CPU_AVX2 0
#endif

#define PTAB_MAX 64          /* Poisson inversion table entries (sg_poisson stalls within ~45) */

/* Poisson generator g: inversion table of its lambda (valid when lambda < 10 and F stalls) */
typedef struct ptab {
  double lambda, emlambda;   /* what the table was made for */
  int valid;
  uint32_t m;                /* entries: F[0 .. m-1]; F[m ..] = +inf */
  double F[PTAB_MAX + 4];
} ptab;

/* ---- Philox words ---------------------------------------------------------------------------- */
/* Plain reference: sg_philox4x32_10 (sg/philox.h); with ctr_x/ctr_y, sg_rng_block (sg/rng.h).
 * Words 0 and 1 of Philox4x32-10 (sg/philox.h) with key `seed` and counters (cx, cy, lo32(e),
 * hi32(e)) for the elements e = e0 .. e0 + cnt - 1. */
static void philox_w01(uint64_t seed, uint32_t cx, uint32_t cy, uint64_t e0, uint32_t cnt, uint32_t *w0,
                       uint32_t *w1) {
  uint32_t j = 0;
#if SG_CPU_AVX512
  const __m512i M0 = _mm512_set1_epi64(SG_PHILOX_M0), M1 = _mm512_set1_epi64(SG_PHILOX_M1);
  const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0), lo32 = _mm512_set1_epi64(0xFFFFFFFFll);
  __m512i K0[10], K1[10];
  {
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int r = 0; r < 10; ++r) {
      K0[r] = _mm512_set1_epi64(k0);
      K1[r] = _mm512_set1_epi64(k1);
      k0 += SG_PHILOX_W0;
      k1 += SG_PHILOX_W1;
    }
  }
  const __m512i X = _mm512_set1_epi64(cx), Y = _mm512_set1_epi64(cy);
  for (; j + 32 <= cnt; j += 32) {
    __m512i a0 = X, a1 = Y, b0 = X, b1 = Y, c0 = X, c1 = Y, d0 = X, d1 = Y;
    __m512i ea = _mm512_add_epi64(_mm512_set1_epi64((long long)(e0 + j)), lane);
    __m512i eb = _mm512_add_epi64(ea, _mm512_set1_epi64(8));
    __m512i ec = _mm512_add_epi64(ea, _mm512_set1_epi64(16));
    __m512i ed = _mm512_add_epi64(ea, _mm512_set1_epi64(24));
    __m512i a2 = ea, a3 = _mm512_srli_epi64(ea, 32), b2 = eb, b3 = _mm512_srli_epi64(eb, 32);
    __m512i c2 = ec, c3 = _mm512_srli_epi64(ec, 32), d2 = ed, d3 = _mm512_srli_epi64(ed, 32);
    for (int r = 0; r < 10; ++r) {
#define SG_PHILOX_ROUND(x0, x1, x2, x3)                                                 \
      do {                                                                              \
        const __m512i p0 = _mm512_mul_epu32(x0, M0), p1 = _mm512_mul_epu32(x2, M1);     \
        x0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), x1, K0[r], 0x96);     \
        x1 = p1;                                                                        \
        x2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), x3, K1[r], 0x96);     \
        x3 = p0;                                                                        \
      } while (0)
      SG_PHILOX_ROUND(a0, a1, a2, a3);
      SG_PHILOX_ROUND(b0, b1, b2, b3);
      SG_PHILOX_ROUND(c0, c1, c2, c3);
      SG_PHILOX_ROUND(d0, d1, d2, d3);
    }
    _mm256_storeu_si256((__m256i *)(w0 + j), _mm512_cvtepi64_epi32(_mm512_and_si512(a0, lo32)));
    _mm256_storeu_si256((__m256i *)(w1 + j), _mm512_cvtepi64_epi32(_mm512_and_si512(a1, lo32)));
    _mm256_storeu_si256((__m256i *)(w0 + j + 8), _mm512_cvtepi64_epi32(_mm512_and_si512(b0, lo32)));
    _mm256_storeu_si256((__m256i *)(w1 + j + 8), _mm512_cvtepi64_epi32(_mm512_and_si512(b1, lo32)));
    _mm256_storeu_si256((__m256i *)(w0 + j + 16), _mm512_cvtepi64_epi32(_mm512_and_si512(c0, lo32)));
    _mm256_storeu_si256((__m256i *)(w1 + j + 16), _mm512_cvtepi64_epi32(_mm512_and_si512(c1, lo32)));
    _mm256_storeu_si256((__m256i *)(w0 + j + 24), _mm512_cvtepi64_epi32(_mm512_and_si512(d0, lo32)));
    _mm256_storeu_si256((__m256i *)(w1 + j + 24), _mm512_cvtepi64_epi32(_mm512_and_si512(d1, lo32)));
  }
  for (; j + 8 <= cnt; j += 8) {
    __m512i a0 = X, a1 = Y;
    __m512i a2 = _mm512_add_epi64(_mm512_set1_epi64((long long)(e0 + j)), lane), a3 = _mm512_srli_epi64(a2, 32);
    for (int r = 0; r < 10; ++r) SG_PHILOX_ROUND(a0, a1, a2, a3);
#undef SG_PHILOX_ROUND
    _mm256_storeu_si256((__m256i *)(w0 + j), _mm512_cvtepi64_epi32(_mm512_and_si512(a0, lo32)));
    _mm256_storeu_si256((__m256i *)(w1 + j), _mm512_cvtepi64_epi32(_mm512_and_si512(a1, lo32)));
  }
#elif SG_CPU_AVX2
  /* the same rounds on 4 64-bit lanes (the 32-bit words in the low halves; the high halves carry
   * garbage that _mm256_mul_epu32 ignores and the stores drop), 16 elements per iteration so that
   * four independent multiply chains hide the multiplier's latency */
  const __m256i M0 = _mm256_set1_epi64x(SG_PHILOX_M0), M1 = _mm256_set1_epi64x(SG_PHILOX_M1);
  const __m256i lane = _mm256_set_epi64x(3, 2, 1, 0), pick = _mm256_set_epi32(7, 5, 3, 1, 6, 4, 2, 0);
  __m256i K0[10], K1[10];
  {
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int r = 0; r < 10; ++r) {
      K0[r] = _mm256_set1_epi64x(k0);
      K1[r] = _mm256_set1_epi64x(k1);
      k0 += SG_PHILOX_W0;
      k1 += SG_PHILOX_W1;
    }
  }
  const __m256i X = _mm256_set1_epi64x(cx), Y = _mm256_set1_epi64x(cy);
#define SG_PHILOX_ROUND(x0, x1, x2, x3)                                                                    \
  do {                                                                                                 \
    const __m256i p0 = _mm256_mul_epu32(x0, M0), p1 = _mm256_mul_epu32(x2, M1);                        \
    x0 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), x1), K0[r]);                     \
    x1 = p1;                                                                                           \
    x2 = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), x3), K1[r]);                     \
    x3 = p0;                                                                                           \
  } while (0)
#define SG_PHILOX_STORE4(dst, v) \
  _mm_storeu_si128((__m128i *)(dst), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32((v), pick)))
  for (; j + 16 <= cnt; j += 16) {
    __m256i a0 = X, a1 = Y, b0 = X, b1 = Y, c0 = X, c1 = Y, d0 = X, d1 = Y;
    const __m256i ea = _mm256_add_epi64(_mm256_set1_epi64x((long long)(e0 + j)), lane);
    const __m256i eb = _mm256_add_epi64(ea, _mm256_set1_epi64x(4));
    const __m256i ec = _mm256_add_epi64(ea, _mm256_set1_epi64x(8));
    const __m256i ed = _mm256_add_epi64(ea, _mm256_set1_epi64x(12));
    __m256i a2 = ea, a3 = _mm256_srli_epi64(ea, 32), b2 = eb, b3 = _mm256_srli_epi64(eb, 32);
    __m256i c2 = ec, c3 = _mm256_srli_epi64(ec, 32), d2 = ed, d3 = _mm256_srli_epi64(ed, 32);
    for (int r = 0; r < 10; ++r) {
      SG_PHILOX_ROUND(a0, a1, a2, a3);
      SG_PHILOX_ROUND(b0, b1, b2, b3);
      SG_PHILOX_ROUND(c0, c1, c2, c3);
      SG_PHILOX_ROUND(d0, d1, d2, d3);
    }
    SG_PHILOX_STORE4(w0 + j, a0);
    SG_PHILOX_STORE4(w1 + j, a1);
    SG_PHILOX_STORE4(w0 + j + 4, b0);
    SG_PHILOX_STORE4(w1 + j + 4, b1);
    SG_PHILOX_STORE4(w0 + j + 8, c0);
    SG_PHILOX_STORE4(w1 + j + 8, c1);
    SG_PHILOX_STORE4(w0 + j + 12, d0);
    SG_PHILOX_STORE4(w1 + j + 12, d1);
  }
  for (; j + 4 <= cnt; j += 4) {
    __m256i a0 = X, a1 = Y;
    __m256i a2 = _mm256_add_epi64(_mm256_set1_epi64x((long long)(e0 + j)), lane), a3 = _mm256_srli_epi64(a2, 32);
    for (int r = 0; r < 10; ++r) SG_PHILOX_ROUND(a0, a1, a2, a3);
    SG_PHILOX_STORE4(w0 + j, a0);
    SG_PHILOX_STORE4(w1 + j, a1);
  }
#undef SG_PHILOX_ROUND
#undef SG_PHILOX_STORE4
#endif
  for (; j < cnt; ++j) {
    const uint64_t e = e0 + j;
    const sg_ctr4 b = sg_philox4x32_10(sg_ctr4_make(cx, cy, (uint32_t)e, (uint32_t)(e >> 32)), (uint32_t)seed,
                                       (uint32_t)(seed >> 32));
    w0[j] = b.c[0];
    w1[j] = b.c[1];
  }
}

/* Plain reference: sg_rng_counter (sg/rng.h).
 * The counter words x, y of sg_rng_counter(stream, ., step, draw 0). */
static inline uint32_t ctr_x(uint64_t step) { return (uint32_t)step; }
static inline uint32_t ctr_y(uint32_t stream, uint64_t step) {
  return (uint32_t)((step >> 32) & 0xFFu) | ((stream & SG_STREAM_KIND_MAX) << 16);
}

/* ---- Q31.32 conversion and accumulation ------------------------------------------------------ */
/* Plain reference: sg_fx_from_double (sg/fixed.h).
 * sg_fx_from_double((double)w) without branches (vectorises); the same integer for every float. */
static inline int64_t fx_of_float(float w) {
  const double v = (double)w * 0x1p32;
  const double m = v < 0.0 ? -0x1p52 : 0x1p52;
  double r = fabs(v) < 0x1p52 ? (v + m) - m : v;
  r = r == r ? r : 0.0;
  r = r > -0x1p63 ? r : -0x1p63;
  r = r < 0x1p63 ? r : 0x1.fffffffffffffp62;
  const int64_t q = (int64_t)r;
  return v >= 0x1p63 ? INT64_MAX : q;
}

/* Plain reference: sg_fx_from_double (sg/fixed.h), as fx_of_float.
 * out[j] = fx_of_float(w[j]) for j < n. With AVX2 (no double -> int64 conversion) 4 at a time
 * where every |v| = |w| 2^32 < 2^51: then v + 1.5 2^52 lies in [2^52, 2^53), where the spacing is
 * 1, so the addition rounds v to an integer, ties to even, as the plain rounding does, and the
 * bits of the sum minus those of 1.5 2^52 are that integer. Other groups (large, inf, NaN) take
 * fx_of_float. */
static inline void fx_of_floats(const float *SG_RESTRICT w, uint32_t n, int64_t *SG_RESTRICT out) {
  uint32_t j = 0;
#if SG_CPU_AVX2
  const __m256d two32 = _mm256_set1_pd(0x1p32), magic = _mm256_set1_pd(0x1.8p52), lim = _mm256_set1_pd(0x1p51);
  const __m256d abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7FFFFFFFFFFFFFFFll));
  for (; j + 4 <= n; j += 4) {
    const __m256d v = _mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(w + j)), two32);
    if (_mm256_movemask_pd(_mm256_cmp_pd(_mm256_and_pd(v, abs_mask), lim, _CMP_LT_OQ)) != 0xF) {
      for (uint32_t q = j; q < j + 4; ++q) out[q] = fx_of_float(w[q]);
      continue;
    }
    const __m256i r = _mm256_sub_epi64(_mm256_castpd_si256(_mm256_add_pd(v, magic)), _mm256_castpd_si256(magic));
    _mm256_storeu_si256((__m256i *)(out + j), r);
  }
#endif
  for (; j < n; ++j) out[j] = fx_of_float(w[j]);
}

/* Plain reference: slot[in[j]] += sg_fx_mul_count(sg_fx_from_double((double)w[j]), mult) (sg/fixed.h).
 * slot[in[j]] += Q31.32(w[j]) * mult for j < n */
static inline void add_events(int64_t *SG_RESTRICT slot, const uint32_t *SG_RESTRICT in, const float *SG_RESTRICT w,
                              uint32_t n, uint32_t mult, int64_t *SG_RESTRICT cv) {
  fx_of_floats(w, n, cv);
  if (mult != 1)
    for (uint32_t j = 0; j < n; ++j) cv[j] = sg_fx_mul_count(cv[j], mult);
  for (uint32_t j = 0; j < n; ++j) slot[in[j]] += cv[j];
}

/* Plain reference: slot[in[j]] += sg_fx_mul_count(sg_fx_from_double((double)w[j]), cnt[j]) (sg/fixed.h).
 * slot[in[j]] += Q31.32(w[j]) * cnt[j] for j < n */
static inline void add_counts(int64_t *SG_RESTRICT slot, const uint32_t *SG_RESTRICT in, const float *SG_RESTRICT w,
                              const uint32_t *SG_RESTRICT cnt, uint32_t n, int64_t *SG_RESTRICT cv) {
#if SG_CPU_AVX512
  for (uint32_t j = 0; j < n; ++j) cv[j] = sg_fx_mul_count(fx_of_float(w[j]), cnt[j]);
  for (uint32_t j = 0; j < n; ++j) slot[in[j]] += cv[j];
#else
  /* without AVX-512 the float -> int64 conversion does not vectorise: convert a weight only when
   * its bits differ from the previous one (a generator's weights are mostly one value) */
  (void)cv;
  uint32_t wb = 0;
  int64_t f = 0;
  for (uint32_t j = 0; j < n; ++j) {
    uint32_t b;
    memcpy(&b, &w[j], sizeof b);
    if (j == 0 || b != wb) { wb = b; f = fx_of_float(w[j]); }
    slot[in[j]] += sg_fx_mul_count(f, cnt[j]);
  }
#endif
}

/* ---- Poisson counts for lambda < 10 ----------------------------------------------------------- */
/* Plain reference: the inversion loop of sg_poisson (sg/rng.h), lambda < SG_POISSON_PTRS_MIN.
 * The inversion table of sg_poisson for (lambda, emlambda): F_0 = e^-lambda, F_j = F_{j-1} + p_j
 * with p_j = p_{j-1} lambda / j, the same operations as its loop, up to the first j where the sum
 * no longer changes (m = j). Then sg_poisson(u) = #{j < m : u > F_j}. */
static void make_ptab(ptab *P, double lambda, double emlambda) {
  P->lambda = lambda;
  P->emlambda = emlambda;
  P->valid = 0;
  P->m = 0;
  if (!(lambda > 0.0) || !(lambda < SG_POISSON_PTRS_MIN)) return;
  double p = emlambda, F = p, kd = 0.0;
  P->F[0] = F;
  for (uint32_t k = 1; k <= PTAB_MAX; ++k) {
    kd += 1.0;
    p = p * lambda / kd;
    const double Fn = F + p;
    if (Fn == F) {
      P->m = k;
      P->valid = 1;
      for (uint32_t q = k; q < PTAB_MAX + 4; ++q) P->F[q] = INFINITY;
      return;
    }
    if (k == PTAB_MAX) return;   /* no stall within the table: scalar sg_poisson */
    F = Fn;
    P->F[k] = F;
  }
}

/* Counts of n targets from their Philox words 0, 1 through the table P (P->valid).
 * Plain reference: sg_poisson (sg/rng.h) with the uniform sg_u01_53(w0[j], w1[j]). */
static inline void ptab_counts(const ptab *P, const uint32_t *SG_RESTRICT w0, const uint32_t *SG_RESTRICT w1,
                               uint32_t n, uint32_t *SG_RESTRICT cb) {
  /* the first QV entries are compared with every u (F[m ..] = +inf); only counts >= QV search on.
   * QV = 8: the microcircuit's background (lambda 1.3-2.3) draws >= 4 in up to a fifth of its
   * targets, >= 8 in 0.3 %, and the search loop's branches cost more than four compares */
  enum { QV = 8 };
  const double F0 = P->F[0], F1 = P->F[1], F2 = P->F[2], F3 = P->F[3];
  const double F4 = P->F[4], F5 = P->F[5], F6 = P->F[6], F7 = P->F[7];
  const uint32_t m = P->m;
  uint32_t more = 0, j = 0;
#if SG_CPU_AVX2
  /* 4 targets per instruction: z < 2^53 becomes a double exactly from its halves (hi 2^32 + lo,
   * both exact, their sum exact), then the same two operations and eight compares as below */
  {
    const __m256d vF0 = _mm256_set1_pd(F0), vF1 = _mm256_set1_pd(F1), vF2 = _mm256_set1_pd(F2), vF3 = _mm256_set1_pd(F3);
    const __m256d vF4 = _mm256_set1_pd(F4), vF5 = _mm256_set1_pd(F5), vF6 = _mm256_set1_pd(F6), vF7 = _mm256_set1_pd(F7);
    const __m256d two52 = _mm256_set1_pd(0x1p52), two32 = _mm256_set1_pd(0x1p32), c53 = _mm256_set1_pd(0x1p-53);
    const __m256d c54 = _mm256_set1_pd(0x1p-54), one = _mm256_set1_pd(1.0), below1 = _mm256_set1_pd(0x1.fffffffffffffp-1);
    const __m256i magic = _mm256_set1_epi64x(0x4330000000000000ll), qv = _mm256_set1_epi64x(QV);
    const __m256i pick = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    int any_qv = 0;
    for (; j + 4 <= n; j += 4) {
      const __m128i a = _mm_loadu_si128((const __m128i *)(w0 + j)), b = _mm_loadu_si128((const __m128i *)(w1 + j));
      const __m128i lo = _mm_xor_si128(a, _mm_slli_epi32(b, 21)), hi = _mm_srli_epi32(b, 11);
      const __m256d dlo = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_cvtepu32_epi64(lo), magic)), two52);
      const __m256d z = _mm256_add_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(hi), two32), dlo);
      __m256d u = _mm256_add_pd(_mm256_mul_pd(z, c53), c54);
      u = _mm256_blendv_pd(below1, u, _mm256_cmp_pd(u, one, _CMP_LT_OQ));
      const __m256i g0 = _mm256_castpd_si256(_mm256_cmp_pd(u, vF0, _CMP_GT_OQ));
      const __m256i g1 = _mm256_castpd_si256(_mm256_cmp_pd(u, vF1, _CMP_GT_OQ));
      const __m256i g2 = _mm256_castpd_si256(_mm256_cmp_pd(u, vF2, _CMP_GT_OQ));
      const __m256i g3 = _mm256_castpd_si256(_mm256_cmp_pd(u, vF3, _CMP_GT_OQ));
      const __m256i g4 = _mm256_castpd_si256(_mm256_cmp_pd(u, vF4, _CMP_GT_OQ));
      const __m256i g5 = _mm256_castpd_si256(_mm256_cmp_pd(u, vF5, _CMP_GT_OQ));
      const __m256i g6 = _mm256_castpd_si256(_mm256_cmp_pd(u, vF6, _CMP_GT_OQ));
      const __m256i g7 = _mm256_castpd_si256(_mm256_cmp_pd(u, vF7, _CMP_GT_OQ));
      const __m256i s03 = _mm256_add_epi64(_mm256_add_epi64(g0, g1), _mm256_add_epi64(g2, g3));
      const __m256i s47 = _mm256_add_epi64(_mm256_add_epi64(g4, g5), _mm256_add_epi64(g6, g7));
      const __m256i q = _mm256_sub_epi64(_mm256_setzero_si256(), _mm256_add_epi64(s03, s47));
      any_qv |= _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(q, qv)));
      _mm_storeu_si128((__m128i *)(cb + j), _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(q, pick)));
    }
    more = any_qv != 0;
  }
#endif
  for (; j < n; ++j) {
    const uint64_t z = (uint64_t)w0[j] ^ ((uint64_t)w1[j] << 21);
    double u = (double)z * 0x1p-53 + 0x1p-54;
    u = u < 1.0 ? u : 0x1.fffffffffffffp-1;
    const uint32_t q = (uint32_t)(u > F0) + (uint32_t)(u > F1) + (uint32_t)(u > F2) + (uint32_t)(u > F3) +
                       (uint32_t)(u > F4) + (uint32_t)(u > F5) + (uint32_t)(u > F6) + (uint32_t)(u > F7);
    cb[j] = q;
    more |= q == QV;
  }
  if (more && m > QV)
    for (j = 0; j < n; ++j) {
      if (cb[j] != QV) continue;
      const double u = sg_u01_53(w0[j], w1[j]);
      uint32_t q = QV;
      while (q < m && u > P->F[q]) ++q;
      cb[j] = q;
    }
}

#endif /* SG_CPU_FAST_H */
