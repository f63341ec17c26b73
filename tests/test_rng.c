/* tests/test_rng.c - sg/rng.h: counter layout, determinism, the 53-bit uniform, the draw cursor and
 * the samplers' goodness of fit against the exact distributions.
 *
 * STATISTICAL THRESHOLDS. Every goodness-of-fit check (chi-square for Poisson counts, Kolmogorov-
 * Smirnov for uniforms and normals) fails when its p-value is below 1e-4; the mean/variance checks
 * fail beyond 5 resp. 6 standard errors (two-sided p ~ 6e-7 resp. 2e-9 under normality). There are
 * 9 lambdas x 3 seeds + 2 x 3 KS + 1 chi-square = 34 goodness-of-fit checks, so with random seeds a
 * correct sampler would fail a run with probability about 34 x 1e-4 = 0.3%. The seeds are fixed, so
 * each run draws the same numbers: the outcome is reproducible (a failure is never flaky, and a change
 * in a sampler shows up as a changed p-value). SG_TEST_QUICK=1 uses 10x fewer draws. */
/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "sg/rng.h"

#define P_FAIL 1e-4

static long nscale(long full) { return sg_test_quick() ? full / 10 : full; }

static const uint64_t seeds[3] = {1ull, 0x123456789ABCDEF0ull, 0xFFFFFFFF00000001ull};

/* ---- p-values ----------------------------------------------------------------------------------- */
/* regularized upper incomplete gamma Q(a, x) (series / Lentz continued fraction) */
static double gamma_q(double a, double x) {
  if (x <= 0.0) return 1.0;
  if (x < a + 1.0) {
    double ap = a, del = 1.0 / a, sum = del;
    for (int n = 0; n < 100000; ++n) {
      ap += 1.0;
      del *= x / ap;
      sum += del;
      if (fabs(del) < fabs(sum) * 1e-16) break;
    }
    return 1.0 - sum * exp(-x + a * log(x) - lgamma(a));
  } else {
    double b = x + 1.0 - a, c = 1e300, d = 1.0 / b, h = d;
    for (int i = 1; i < 100000; ++i) {
      double an = -i * (i - a), del;
      b += 2.0;
      d = an * d + b;
      if (fabs(d) < 1e-300) d = 1e-300;
      c = b + an / c;
      if (fabs(c) < 1e-300) c = 1e-300;
      d = 1.0 / d;
      del = d * c;
      h *= del;
      if (fabs(del - 1.0) < 1e-16) break;
    }
    return exp(-x + a * log(x) - lgamma(a)) * h;
  }
}
static double chi2_p(double chi2, int df) { return df > 0 ? gamma_q(0.5 * df, 0.5 * chi2) : 1.0; }

/* Kolmogorov-Smirnov p-value (Stephens' small-sample correction) */
static double ks_p(double D, long n) {
  double en = sqrt((double)n), lam = (en + 0.12 + 0.11 / en) * D, a2 = -2.0 * lam * lam, fac = 2.0, sum = 0.0, prev = 0.0;
  for (int j = 1; j <= 100; ++j) {
    double term = fac * exp(a2 * j * j);
    sum += term;
    if (fabs(term) <= 1e-10 * prev || fabs(term) <= 1e-16 * sum) return sum < 0 ? 0 : (sum > 1 ? 1 : sum);
    fac = -fac;
    prev = fabs(term);
  }
  return 1.0;
}

static int cmp_dbl(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* KS statistic of sorted-in-place samples against cdf */
static double ks_stat(double *x, long n, double (*cdf)(double)) {
  double D = 0.0;
  qsort(x, (size_t)n, sizeof *x, cmp_dbl);
  for (long i = 0; i < n; ++i) {
    double F = cdf(x[i]), a = F - (double)i / n, b = (double)(i + 1) / n - F;
    if (a > D) D = a;
    if (b > D) D = b;
  }
  return D;
}
static double cdf_uniform(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }
static double cdf_normal(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }

/* ---- layout and uniforms ------------------------------------------------------------------------ */
static void test_rng_counter_layout(void) {
  sg_ctr4 c = sg_rng_counter(0x2001u, 0x1122334455667788ull, 0x123456789Aull, 0x1ABu);
  CU_ASSERT_EQUAL(c.c[0], 0x3456789Au);                        /* step bits 0..31 */
  CU_ASSERT_EQUAL(c.c[1], 0x12u | (0xABu << 8) | (0x2001u << 16)); /* step 32..39 | draw | kind */
  CU_ASSERT_EQUAL(c.c[2], 0x55667788u);                        /* element */
  CU_ASSERT_EQUAL(c.c[3], 0x11223344u);                        /* instance */
  /* the kind field has 14 bits: ctr.y < 2^30, so 4 * ((uint64)ctr.y << 32 | ctr.x) < 2^64 */
  c = sg_rng_counter(0xFFFFFFFFu, 0, ~0ull, 0xFFFFFFFFu);
  CU_ASSERT_EQUAL(c.c[1], 0x3FFFFFFFu);
  CU_ASSERT_EQUAL(sg_rng_counter(0x4000u | SG_STREAM_CONNECT, 0, 0, 0).c[1], SG_STREAM_CONNECT << 16);
  /* sg_rng_elem: instance in ctr.w, element in ctr.z */
  CU_ASSERT_EQUAL(sg_rng_elem(0x11223344u, 0x55667788u), 0x1122334455667788ull);
  /* steps wrap modulo 2^40 */
  sg_ctr4 a = sg_rng_counter(1, 5, (1ull << 40) + 3, 0), b = sg_rng_counter(1, 5, 3, 0);
  CU_ASSERT(memcmp(&a, &b, sizeof a) == 0);
  /* sg_rng_block = Philox(counter, key = seed) */
  const uint64_t seed = 0xFEDCBA9876543210ull;
  sg_ctr4 x = sg_rng_block(seed, SG_STREAM_FIRING, 42, 1000, 3);
  sg_ctr4 y = sg_philox4x32_10(sg_rng_counter(SG_STREAM_FIRING, 42, 1000, 3), 0x76543210u, 0xFEDCBA98u);
  CU_ASSERT(memcmp(&x, &y, sizeof x) == 0);
  /* curand equivalence, host side: offset/4 lands in (ctr.x, ctr.y) as one 64-bit number */
  {
    sg_ctr4 z = sg_rng_counter(SG_STREAM_FIRING, 42, 1000, 3);
    uint64_t off4 = ((uint64_t)z.c[1] << 32) | z.c[0];
    CU_ASSERT_EQUAL(off4, ((uint64_t)SG_STREAM_FIRING << 48) | (3ull << 40) | 1000ull);
  }
  /* stream kinds: all < 2^14 */
  CU_ASSERT_EQUAL(SG_STREAM_FIRING, 1u);
  CU_ASSERT_EQUAL(SG_STREAM_POISSON, 2u);
  CU_ASSERT_EQUAL(SG_STREAM_NOISE, 3u);
  CU_ASSERT_EQUAL(SG_STREAM_CONNECT, 4u);
  CU_ASSERT_EQUAL(SG_STREAM_KIND_MAX, 0x3FFFu);
}

/* The layout before the connect call moved to ctr.w (16-bit stream field, element in (z, w)). */
static sg_ctr4 old_counter(uint32_t stream, uint64_t element, uint64_t step, uint32_t draw) {
  return sg_ctr4_make((uint32_t)step, (uint32_t)((step >> 32) & 0xFFu) | ((draw & 0xFFu) << 8) | ((stream & 0xFFFFu) << 16),
                      (uint32_t)element, (uint32_t)(element >> 32));
}

/* Firing, Poisson and noise draws keep their bits: the same counters as the old layout over random
 * arguments, and fixed blocks recorded with the old code (seed 0x123456789ABCDEF0). */
static void test_rng_generator_bits_unchanged(void) {
  static const struct { uint32_t s; uint64_t e, k; uint32_t d; sg_ctr4 w; } gold[] = {
      {1u, 0x2aull, 0x3e8ull, 0u, {{0x9577a292u, 0xa2c3dbddu, 0x41de03d8u, 0xfd462a8bu}}},
      {1u, 0xffffffffull, 0xffffffffffull, 0u, {{0x75c83363u, 0xa388994bu, 0xd1907258u, 0xee42f276u}}},
      {2u, 0x700000003ull, 0x75bcd15ull, 2u, {{0x3c2ec60cu, 0x4e0941c6u, 0x6f160b80u, 0x1d3dc888u}}},
      {2u, 0xffffffffffffffffull, 0x63ull, 255u, {{0xe2f613a1u, 0xc6271cddu, 0xa31771a2u, 0xbbd272e8u}}},
      {3u, 0xc00000000ull, 0x5ull, 0u, {{0x813d9ef1u, 0xc87f8a96u, 0x69a0adc0u, 0xb30a7688u}}},
      {3u, 0x10000004dull, 0x800000001ull, 17u, {{0xbcf8f035u, 0x73453014u, 0x5062f27au, 0x2949dc94u}}},
  };
  for (size_t i = 0; i < sizeof gold / sizeof gold[0]; ++i) {
    const sg_ctr4 b = sg_rng_block(0x123456789ABCDEF0ull, gold[i].s, gold[i].e, gold[i].k, gold[i].d);
    CU_ASSERT(memcmp(&b, &gold[i].w, sizeof b) == 0);
  }
  uint64_t z = 0x9E3779B97F4A7C15ull;
  size_t bad = 0;
  for (int i = 0; i < 100000; ++i) {
    z = z * 6364136223846793005ull + 1442695040888963407ull;
    const uint64_t e = z ^ (z >> 29), k = (z >> 7) & ((1ull << 40) - 1);
    const uint32_t d = (uint32_t)(z >> 56), kind = SG_STREAM_FIRING + (uint32_t)(i % 3);
    const uint64_t el = kind == SG_STREAM_FIRING ? (e & 0xFFFFFFFFu) : e;   /* firing: instance 0 */
    sg_ctr4 n = sg_rng_counter(kind, el, k, d), o = old_counter(kind, el, k, d);
    bad += memcmp(&n, &o, sizeof n) != 0;
  }
  CU_ASSERT_EQUAL(bad, 0);
}

/* Connect calls are told apart in ctr.w: instances 0, 2^15, 2^16, 2^31, 2^32 - 1 give distinct
 * counters and different words for the same (element, step, draw) (the old layout kept 15 bits of
 * the call, so 0, 2^15 and 2^16 collided), and nothing else of the counter depends on the call. */
static void test_rng_connect_instances_distinct(void) {
  static const uint32_t inst[] = {0u, 1u << 15, 1u << 16, 1u << 31, 0xFFFFFFFFu};
  const size_t n = sizeof inst / sizeof inst[0];
  const uint64_t seed = 0x123456789ABCDEF0ull;
  const uint32_t elems[] = {0u, 1u, 12345u, 0xFFFFFFFFu};
  for (size_t q = 0; q < sizeof elems / sizeof elems[0]; ++q) {
    sg_ctr4 c[5], w[5];
    for (size_t i = 0; i < n; ++i) {
      c[i] = sg_rng_counter(SG_STREAM_CONNECT, sg_rng_elem(inst[i], elems[q]), 77, 5);
      w[i] = sg_rng_block(seed, SG_STREAM_CONNECT, sg_rng_elem(inst[i], elems[q]), 77, 5);
      CU_ASSERT_EQUAL(c[i].c[3], inst[i]);
      CU_ASSERT_EQUAL(c[i].c[2], elems[q]);
      CU_ASSERT_EQUAL(c[i].c[0], 77u);
      CU_ASSERT_EQUAL(c[i].c[1], (5u << 8) | (SG_STREAM_CONNECT << 16));
      /* the cuRAND mapping: subsequence (w, z), offset 4 (y, x) without overflow */
      CU_ASSERT(c[i].c[1] < (1u << 30));
    }
    for (size_t i = 0; i < n; ++i)
      for (size_t j = i + 1; j < n; ++j) {
        CU_ASSERT(memcmp(&c[i], &c[j], sizeof c[i]) != 0);
        for (int k = 0; k < 4; ++k) CU_ASSERT(w[i].c[k] != w[j].c[k]);
      }
    /* and connect counters never equal a firing / generator counter (the kind differs) */
    for (size_t i = 0; i < n; ++i)
      for (uint32_t kind = SG_STREAM_FIRING; kind <= SG_STREAM_NOISE; ++kind) {
        const sg_ctr4 o = sg_rng_counter(kind, sg_rng_elem(inst[i], elems[q]), 77, 5);
        CU_ASSERT(memcmp(&o, &c[i], sizeof o) != 0);
      }
  }
}

static void test_rng_u01_never_0_or_1(void) {
  static const uint32_t w[] = {0u, 1u, 2u, 0x1FFFFFu, 0x200000u, 0x7FFFFFFFu, 0x80000000u, 0xFFDFFFFFu,
                               0xFFE00000u, 0xFFFFFFFEu, 0xFFFFFFFFu};
  const size_t n = sizeof w / sizeof w[0];
  double lo = 1.0, hi = 0.0;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      double u = sg_u01_53(w[i], w[j]);
      CU_ASSERT(u > 0.0 && u < 1.0);
      if (u < lo) lo = u;
      if (u > hi) hi = u;
    }
  /* all-zero and all-one words */
  SG_ASSERT_DBL_EXACT(sg_u01_53(0, 0), 0x1p-54);
  CU_ASSERT(sg_u01_53(0xFFFFFFFFu, 0xFFFFFFFFu) < 1.0);
  /* the one 53-bit z that would round to 1.0: z = 2^53 - 1 */
  SG_ASSERT_DBL_EXACT(sg_u01_53(0x1FFFFFu, 0xFFFFFFFFu), 0x1.fffffffffffffp-1);
  /* small z are exact: (2z + 1) 2^-54 */
  SG_ASSERT_DBL_EXACT(sg_u01_53(1, 0), 3 * 0x1p-54);
  SG_ASSERT_DBL_EXACT(sg_u01_53(0, 1), (2.0 * 0x1p21 + 1.0) * 0x1p-54);
  printf("\n    extreme words: min u = %a, max u = %a\n   ", lo, hi);
  /* random sweep: 1e6 blocks */
  long bad = 0;
  for (uint64_t e = 0; e < (uint64_t)nscale(1000000); ++e) {
    sg_ctr4 b = sg_rng_block(7, SG_STREAM_FIRING, e, 11, 0);
    double u1 = sg_u01_53(b.c[0], b.c[1]), u2 = sg_u01_53(b.c[2], b.c[3]);
    bad += !(u1 > 0.0 && u1 < 1.0) + !(u2 > 0.0 && u2 < 1.0);
  }
  CU_ASSERT_EQUAL(bad, 0);
}

static void test_rng_determinism(void) {
  const uint64_t seed = 0x123456789ABCDEF0ull;
  sg_rng_cursor a, b;
  long diff = 0;
  sg_rng_cursor_init(&a, seed, SG_STREAM_NOISE, 77, 123456);
  sg_rng_cursor_init(&b, seed, SG_STREAM_NOISE, 77, 123456);
  for (int i = 0; i < 100; ++i) {
    double x = sg_uniform(&a), y = sg_uniform(&b);
    diff += memcmp(&x, &y, sizeof x) != 0;
    x = sg_normal(&a);
    y = sg_normal(&b);
    diff += memcmp(&x, &y, sizeof x) != 0;
    diff += sg_poisson(&a, 3.5, exp(-3.5)) != sg_poisson(&b, 3.5, exp(-3.5));
    diff += sg_poisson(&a, 42.0, exp(-42.0)) != sg_poisson(&b, 42.0, exp(-42.0));
    if (a.exhausted) break;
  }
  CU_ASSERT_EQUAL(diff, 0);
  /* the first uniform of a fresh cursor is sg_rng_u01(..., draw 0); the third is draw 1's first */
  sg_rng_cursor_init(&a, seed, SG_STREAM_FIRING, 5, 9);
  {
    double u0 = sg_uniform(&a), u1 = sg_uniform(&a), u2 = sg_uniform(&a);
    sg_ctr4 b0 = sg_rng_block(seed, SG_STREAM_FIRING, 5, 9, 0);
    SG_ASSERT_DBL_EXACT(u0, sg_rng_u01(seed, SG_STREAM_FIRING, 5, 9, 0));
    SG_ASSERT_DBL_EXACT(u1, sg_u01_53(b0.c[2], b0.c[3]));
    SG_ASSERT_DBL_EXACT(u2, sg_rng_u01(seed, SG_STREAM_FIRING, 5, 9, 1));
  }
  /* each field changes the block */
  {
    sg_ctr4 r0 = sg_rng_block(seed, 1, 5, 9, 0);
    sg_ctr4 r[5];
    r[0] = sg_rng_block(seed + 1, 1, 5, 9, 0);
    r[1] = sg_rng_block(seed, 2, 5, 9, 0);
    r[2] = sg_rng_block(seed, 1, 6, 9, 0);
    r[3] = sg_rng_block(seed, 1, 5, 10, 0);
    r[4] = sg_rng_block(seed, 1, 5, 9, 1);
    for (int i = 0; i < 5; ++i) CU_ASSERT(memcmp(&r0, &r[i], sizeof r0) != 0);
  }
}

static void test_rng_cursor_exhaustion(void) {
  sg_rng_cursor c;
  int ok = 1;
  sg_rng_cursor_init(&c, 3, SG_STREAM_NOISE, 1, 2);
  for (unsigned i = 0; i < 2 * SG_RNG_MAX_DRAWS; ++i) {
    double u = sg_uniform(&c);
    ok &= (u > 0.0 && u < 1.0 && !c.exhausted);
  }
  CU_ASSERT(ok);
  /* the last uniform came from draw block 255 */
  {
    sg_ctr4 b = sg_rng_block(3, SG_STREAM_NOISE, 1, 2, 255);
    SG_ASSERT_DBL_EXACT(sg_u01_53(c.w[2], c.w[3]), sg_u01_53(b.c[2], b.c[3]));
  }
  SG_ASSERT_DBL_EXACT(sg_uniform(&c), SG_RNG_EXHAUSTED_U01);
  CU_ASSERT_EQUAL(c.exhausted, 1);
  /* documented sampler fallbacks */
  SG_ASSERT_DBL_EXACT(sg_normal(&c), 0.0);
  CU_ASSERT_EQUAL(sg_poisson(&c, 123.7, exp(-123.7)), 123u);
  /* inversion with an exhausted cursor still terminates (u = 0.5: the median) */
  CU_ASSERT_EQUAL(sg_poisson(&c, 2.5, exp(-2.5)), 2u);
}

/* inversion must terminate and be sensible for every u, including u just below 1 where the double
 * CDF stalls, and for inconsistent emlambda */
static void test_rng_poisson_inversion_extremes(void) {
  static const double lams[] = {1e-4, 0.01, 0.8, 2.5, 9.9, 9.999999};
  for (size_t i = 0; i < sizeof lams / sizeof lams[0]; ++i) {
    double lam = lams[i];
    sg_rng_cursor c;
    uint32_t kmax, kmin;
    long double tail = 0.0L, tail1 = 0.0L;
    sg_rng_cursor_init(&c, 1, SG_STREAM_POISSON, 0, 0);
    c.next_draw = SG_RNG_MAX_DRAWS;                  /* use only the words planted below */
    c.pos = 0;
    c.w[0] = 0x1FFFFFu;                              /* u = 1 - 2^-53 */
    c.w[1] = 0xFFFFFFFFu;
    c.w[2] = 0;                                      /* u = 2^-54 */
    c.w[3] = 0;
    kmax = sg_poisson(&c, lam, exp(-lam));
    kmin = sg_poisson(&c, lam, exp(-lam));
    /* exact tails P(X > kmax) and P(X > kmax - 1), summed from the far end: the count returned for
     * u = 1 - 2^-53 must lie where the true tail has fallen below 1e-15 (it never stops early), but
     * not far beyond the true quantile (the tail just before it is still > 1e-20) */
    for (uint32_t k = kmax + 200; k > kmax; --k) tail += expl(-lam + k * logl(lam) - lgammal(k + 1.0L));
    tail1 = tail + (kmax ? expl(-lam + kmax * logl(lam) - lgammal(kmax + 1.0L)) : 1.0L);
    printf("\n    lambda %-9g u = 1-2^-53 -> k = %2u (exact P(X > k) = %.2Le, P(X > k-1) = %.2Le), u = 2^-54 -> k = %u",
           lam, kmax, tail, tail1, kmin);
    CU_ASSERT(kmax < 100u);
    CU_ASSERT(tail < 1e-15L);
    CU_ASSERT(tail1 > 1e-20L);
    CU_ASSERT_EQUAL(kmin, 0u);
    /* inconsistent emlambda: still terminates, deterministically */
    sg_rng_cursor_init(&c, 1, SG_STREAM_POISSON, 0, 0);
    CU_ASSERT(sg_poisson(&c, lam, 0.0) <= 1u);
  }
  printf("\n   ");
  {
    sg_rng_cursor c;
    sg_rng_cursor_init(&c, 1, SG_STREAM_POISSON, 0, 0);
    CU_ASSERT_EQUAL(sg_poisson(&c, 0.0, 1.0), 0u);
    CU_ASSERT_EQUAL(sg_poisson(&c, -1.0, 1.0), 0u);
    CU_ASSERT_EQUAL(sg_poisson(&c, NAN, 1.0), 0u);
  }
}

static void test_rng_log_factorial(void) {
  double maxrel = 0.0;
  for (double k = 0.0; k < 2e6; k = (k < 100.0) ? k + 1.0 : floor(k * 1.01)) {
    long double ref = lgammal((long double)k + 1.0L);
    double v = sg_i_log_factorial(k), rel = (ref == 0.0L) ? fabs(v) : (double)fabsl(((long double)v - ref) / ref);
    if (rel > maxrel) maxrel = rel;
  }
  printf("\n    log k! max relative error %.3g (k < 2e6)\n   ", maxrel);
  CU_ASSERT(maxrel < 1e-15);
}

/* ---- goodness of fit ---------------------------------------------------------------------------- */
/* chi-square of n Poisson(lam) draws (one cursor per element) against the exact pmf */
static double poisson_gof(double lam, uint64_t seed, long n, double *mean, double *var, int *df_out) {
  const double em = exp(-lam);
  const long lo = (long)fmax(0.0, floor(lam - 9.0 * sqrt(lam) - 5.0)), hi = (long)ceil(lam + 9.0 * sqrt(lam) + 25.0);
  const long nb = hi - lo + 1;
  long *obs = (long *)calloc((size_t)nb, sizeof *obs);
  double *ex = (double *)calloc((size_t)nb, sizeof *ex);
  double s1 = 0.0, s2 = 0.0, chi2 = 0.0;
  long double cum = 0.0L;
  int nbins = 0;
  for (long i = 0; i < n; ++i) {
    sg_rng_cursor c;
    uint32_t k;
    sg_rng_cursor_init(&c, seed, SG_STREAM_POISSON, (uint64_t)i, 17);
    k = sg_poisson(&c, lam, em);
    s1 += k;
    s2 += (double)k * k;
    obs[(long)k < lo ? 0 : ((long)k > hi ? nb - 1 : (long)k - lo)]++;
  }
  *mean = s1 / n;
  *var = (s2 - s1 * s1 / n) / (n - 1);
  /* expected counts: bin 0 holds k <= lo, the last bin k >= hi */
  for (long k = 0; k <= hi; ++k) {
    long double p = expl(-(long double)lam + k * logl(lam) - lgammal(k + 1.0L));
    long b = k <= lo ? 0 : k - lo;
    if (k < hi) { ex[b] += (double)(p * n); cum += p; }
  }
  ex[nb - 1] = (double)((1.0L - cum) * n);
  /* pool adjacent bins until each expects >= 5 */
  {
    double eacc = 0.0;
    long oacc = 0;
    for (long b = 0; b < nb; ++b) {
      eacc += ex[b];
      oacc += obs[b];
      if (eacc >= 5.0) {
        /* tail remainder smaller than 5 is merged into this bin */
        double rest = 0.0;
        for (long q = b + 1; q < nb; ++q) rest += ex[q];
        if (rest < 5.0) {
          for (long q = b + 1; q < nb; ++q) { eacc += ex[q]; oacc += obs[q]; }
          b = nb;
        }
        chi2 += (oacc - eacc) * (oacc - eacc) / eacc;
        nbins++;
        eacc = 0.0;
        oacc = 0;
      }
    }
  }
  free(obs);
  free(ex);
  *df_out = nbins - 1;
  return chi2_p(chi2, nbins - 1);
}

static void test_rng_poisson_gof(void) {
  static const double lams[] = {1e-4, 0.01, 0.8, 2.5, 9.9, 10.0, 30.0, 300.0, 5000.0};
  for (size_t i = 0; i < sizeof lams / sizeof lams[0]; ++i) {
    double lam = lams[i];
    long n = nscale(lam < 0.001 ? 2000000 : (lam < 0.1 ? 1000000 : 200000));
    printf("\n    Poisson %-6g n=%-7ld p =", lam, n);
    for (int s = 0; s < 3; ++s) {
      double mean, var, p;
      int df;
      p = poisson_gof(lam, seeds[s], n, &mean, &var, &df);
      printf(" %.3g(df %d)", p, df);
      CU_ASSERT(p >= P_FAIL);
      CU_ASSERT(fabs(mean - lam) < 5.0 * sqrt(lam / n));
      CU_ASSERT(fabs(var - lam) < 6.0 * sqrt((lam + 2.0 * lam * lam) / n) + 1e-12);
      if (s == 0) printf(" mean %.6g var %.6g", mean, var);
    }
  }
  printf("\n   ");
}

static void test_rng_uniform_gof(void) {
  const long n = nscale(1000000);
  double *x = (double *)malloc((size_t)n * sizeof *x);
  CU_ASSERT_PTR_NOT_NULL_FATAL(x);
  for (int s = 0; s < 3; ++s) {
    /* 4 uniforms per cursor (two draw blocks), cursors over elements */
    for (long i = 0; i < n; i += 4) {
      sg_rng_cursor c;
      sg_rng_cursor_init(&c, seeds[s], SG_STREAM_NOISE, (uint64_t)i, 99);
      for (long j = i; j < i + 4 && j < n; ++j) x[j] = sg_uniform(&c);
    }
    double m = 0.0;
    for (long i = 0; i < n; ++i) m += x[i];
    m /= n;
    /* chi-square on 1000 equal bins, then KS */
    {
      long bins[1000];
      double chi2 = 0.0, e = (double)n / 1000;
      memset(bins, 0, sizeof bins);
      for (long i = 0; i < n; ++i) bins[(int)(x[i] * 1000)]++;
      for (int b = 0; b < 1000; ++b) chi2 += (bins[b] - e) * (bins[b] - e) / e;
      double pc = chi2_p(chi2, 999), D = ks_stat(x, n, cdf_uniform), pk = ks_p(D, n);
      printf("\n    uniform seed %d: n=%ld mean %.6f chi2(999) p=%.3g KS D=%.2e p=%.3g", s, n, m, pc, D, pk);
      CU_ASSERT(pc >= P_FAIL);
      CU_ASSERT(pk >= P_FAIL);
      CU_ASSERT(fabs(m - 0.5) < 5.0 * sqrt(1.0 / 12.0 / n));
    }
  }
  /* firing draws: the first uniform of block 0 across elements (sg_rng_u01) */
  for (long i = 0; i < n; ++i) x[i] = sg_rng_u01(seeds[0], SG_STREAM_FIRING, (uint64_t)i, 12345, 0);
  {
    double D = ks_stat(x, n, cdf_uniform), pk = ks_p(D, n);
    printf("\n    sg_rng_u01 over elements: KS D=%.2e p=%.3g\n   ", D, pk);
    CU_ASSERT(pk >= P_FAIL);
  }
  free(x);
}

static void test_rng_normal_gof(void) {
  const long n = nscale(1000000);
  double *x = (double *)malloc((size_t)n * sizeof *x);
  CU_ASSERT_PTR_NOT_NULL_FATAL(x);
  for (int s = 0; s < 3; ++s) {
    double m = 0.0, v = 0.0, m3 = 0.0, m4 = 0.0;
    /* two normals per cursor: the second is the cached spare */
    for (long i = 0; i < n; i += 2) {
      sg_rng_cursor c;
      sg_rng_cursor_init(&c, seeds[s], SG_STREAM_NOISE, (uint64_t)i, 5);
      x[i] = sg_normal(&c);
      if (i + 1 < n) x[i + 1] = sg_normal(&c);
    }
    for (long i = 0; i < n; ++i) m += x[i];
    m /= n;
    for (long i = 0; i < n; ++i) {
      double d = x[i] - m;
      v += d * d;
      m3 += d * d * d;
      m4 += d * d * d * d;
    }
    v /= (n - 1);
    m3 /= n;
    m4 /= n;
    double D = ks_stat(x, n, cdf_normal), pk = ks_p(D, n);
    printf("\n    normal seed %d: n=%ld mean %+.5f var %.5f skew %+.4f kurt %.4f KS D=%.2e p=%.3g", s, n, m, v,
           m3 / pow(v, 1.5), m4 / (v * v), D, pk);
    CU_ASSERT(pk >= P_FAIL);
    CU_ASSERT(fabs(m) < 5.0 / sqrt((double)n));
    CU_ASSERT(fabs(v - 1.0) < 5.0 * sqrt(2.0 / n));
    CU_ASSERT(fabs(m3 / pow(v, 1.5)) < 5.0 * sqrt(6.0 / n));
    CU_ASSERT(fabs(m4 / (v * v) - 3.0) < 5.0 * sqrt(24.0 / n));
  }
  printf("\n   ");
  free(x);
}

static CU_TestInfo tests[] = {
    {"counter_layout", test_rng_counter_layout},
    {"generator_bits_unchanged", test_rng_generator_bits_unchanged},
    {"connect_instances_distinct", test_rng_connect_instances_distinct},
    {"u01_never_0_or_1", test_rng_u01_never_0_or_1},
    {"determinism", test_rng_determinism},
    {"cursor_exhaustion_fallbacks", test_rng_cursor_exhaustion},
    {"poisson_inversion_extremes", test_rng_poisson_inversion_extremes},
    {"log_factorial", test_rng_log_factorial},
    {"poisson_goodness_of_fit", test_rng_poisson_gof},
    {"uniform_goodness_of_fit", test_rng_uniform_gof},
    {"normal_goodness_of_fit", test_rng_normal_gof},
    CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_rng = {"rng", NULL, tests};
