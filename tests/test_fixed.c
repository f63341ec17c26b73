/* tests/test_fixed.c - sg/fixed.h: Q31.32 conversions (round half to even, exactness, saturation),
 * order-independent sums, wrap-around accumulation and the range bound. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "sg/fixed.h"

static uint64_t rs = 0x243F6A8885A308D3ull;
static uint64_t rnext(void) {               /* xorshift64* */
  rs ^= rs >> 12;
  rs ^= rs << 25;
  rs ^= rs >> 27;
  return rs * 0x2545F4914F6CDD1Dull;
}
static double runif(double a, double b) { return a + (b - a) * ((double)(rnext() >> 11) * 0x1p-53); }

static void test_fixed_round_half_even(void) {
  const double q = 0x1p-32;                  /* one unit in the last place */
  CU_ASSERT_EQUAL(SG_FX_FRAC_BITS, 32);
  CU_ASSERT_EQUAL(sg_fx_from_double(0.5 * q), 0);
  CU_ASSERT_EQUAL(sg_fx_from_double(1.5 * q), 2);
  CU_ASSERT_EQUAL(sg_fx_from_double(2.5 * q), 2);
  CU_ASSERT_EQUAL(sg_fx_from_double(3.5 * q), 4);
  CU_ASSERT_EQUAL(sg_fx_from_double(-0.5 * q), 0);
  CU_ASSERT_EQUAL(sg_fx_from_double(-1.5 * q), -2);
  CU_ASSERT_EQUAL(sg_fx_from_double(-2.5 * q), -2);
  CU_ASSERT_EQUAL(sg_fx_from_double(0.49999999999999994 * q), 0);
  CU_ASSERT_EQUAL(sg_fx_from_double(0.5000000000000001 * q), 1);
  CU_ASSERT_EQUAL(sg_fx_from_double(-0.5000000000000001 * q), -1);
  CU_ASSERT_EQUAL(sg_fx_from_double(1e-300), 0);
  CU_ASSERT_EQUAL(sg_fx_from_double(-0.0), 0);
  /* ties at large magnitudes: 2^51 + 0.5 units (the 2^52 trick's edge) */
  CU_ASSERT_EQUAL(sg_fx_from_double((0x1p51 + 0.5) * q), (int64_t)1 << 51);
  CU_ASSERT_EQUAL(sg_fx_from_double((0x1p51 + 1.5) * q), ((int64_t)1 << 51) + 2);
  CU_ASSERT_EQUAL(sg_fx_from_double((0x1p52 - 0.5) * q), (int64_t)1 << 52);
  CU_ASSERT_EQUAL(sg_fx_from_double(-(0x1p52 - 1.5) * q), -(((int64_t)1 << 52) - 2));
  /* agrees with llrint (round to nearest even in the default mode) on random values */
  long bad = 0;
  for (int i = 0; i < 1000000; ++i) {
    double w = runif(-2e9, 2e9) * ldexp(1.0, -(int)(rnext() % 60));
    if (sg_fx_from_double(w) != (int64_t)llrint(ldexp(w, 32))) bad++;
    double t = (double)(int64_t)(rnext() >> 12) + 0.5;           /* exact ties */
    t *= (rnext() & 1) ? 1.0 : -1.0;
    if (sg_fx_from_double(t * q) != (int64_t)llrint(t)) bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
}

static void test_fixed_exact_conversions(void) {
  CU_ASSERT_EQUAL(sg_fx_from_double(1.0), SG_FX_ONE);
  CU_ASSERT_EQUAL(sg_fx_from_double(-1.0), -SG_FX_ONE);
  CU_ASSERT_EQUAL(sg_fx_from_double(87.75), (int64_t)(87.75 * 4294967296.0));
  CU_ASSERT_EQUAL(sg_fx_from_double(0x1p-32), 1);
  SG_ASSERT_DBL_EXACT(sg_fx_to_double(1), 0x1p-32);
  SG_ASSERT_DBL_EXACT(sg_fx_to_double(-SG_FX_ONE), -1.0);
  /* round trips: every value that is a multiple of 2^-32 and below 2^21 in magnitude (53 bits) */
  long bad = 0;
  for (int i = 0; i < 1000000; ++i) {
    int64_t v = (int64_t)(rnext() >> 11) - ((int64_t)1 << 52);
    if (sg_fx_from_double(sg_fx_to_double(v)) != v) bad++;
    double w = runif(-1e6, 1e6);                                   /* |error| <= 2^-33 */
    if (fabs(sg_fx_to_double(sg_fx_from_double(w)) - w) > 0x1p-33) bad++;
  }
  CU_ASSERT_EQUAL(bad, 0);
  /* beyond 2^53 the conversion back rounds to nearest even (like cvt.rn.f64.s64) */
  SG_ASSERT_DBL_EXACT(sg_fx_to_double(((int64_t)1 << 53) + 1), 0x1p21);
  SG_ASSERT_DBL_EXACT(sg_fx_to_double(((int64_t)1 << 53) + 3), (0x1p53 + 4) * 0x1p-32);
  /* multiplicity */
  CU_ASSERT_EQUAL(sg_fx_mul_count(sg_fx_from_double(0.1), 7), 7 * sg_fx_from_double(0.1));
  CU_ASSERT_EQUAL(sg_fx_mul_count(-SG_FX_ONE, 3u), -3 * SG_FX_ONE);
  CU_ASSERT_EQUAL(sg_fx_mul_count(12345, 0u), 0);
}

static void shuffle(int64_t *a, double *d, int n) {
  for (int i = n - 1; i > 0; --i) {
    int j = (int)(rnext() % (uint64_t)(i + 1));
    int64_t t = a[i];
    double u = d[i];
    a[i] = a[j];
    a[j] = t;
    d[i] = d[j];
    d[j] = u;
  }
}

static void test_fixed_order_independent_sum(void) {
  enum { N = 10000, ORDERS = 100 };
  static int64_t wf[N];
  static double wd[N];
  int64_t ref = 0;
  double dref = 0.0;
  int fixed_diff = 0, double_diff = 0;
  for (int i = 0; i < N; ++i) {
    wd[i] = runif(-87.8, 87.8);
    wf[i] = sg_fx_from_double(wd[i]);
  }
  for (int i = 0; i < N; ++i) {
    ref = sg_fx_add(ref, wf[i]);
    dref += wd[i];
  }
  for (int o = 0; o < ORDERS; ++o) {
    int64_t s = 0;
    double d = 0.0;
    shuffle(wf, wd, N);
    for (int i = 0; i < N; ++i) {
      s = sg_fx_add(s, wf[i]);
      d += wd[i];
    }
    fixed_diff += s != ref;
    double_diff += d != dref;
  }
  printf("\n    %d weights in %d orders: fixed-point sums differing %d, double sums differing %d; "
         "|fixed - double| = %.3g\n   ",
         N, ORDERS, fixed_diff, double_diff, fabs(sg_fx_to_double(ref) - dref));
  CU_ASSERT_EQUAL(fixed_diff, 0);
  CU_ASSERT(fabs(sg_fx_to_double(ref) - dref) < N * 0x1p-33 + 1e-9);
}

static void test_fixed_overflow_saturation(void) {
  CU_ASSERT_EQUAL(sg_fx_from_double(1e300), INT64_MAX);
  CU_ASSERT_EQUAL(sg_fx_from_double(-1e300), INT64_MIN);
  CU_ASSERT_EQUAL(sg_fx_from_double(INFINITY), INT64_MAX);
  CU_ASSERT_EQUAL(sg_fx_from_double(-INFINITY), INT64_MIN);
  CU_ASSERT_EQUAL(sg_fx_from_double(NAN), 0);
  CU_ASSERT_EQUAL(sg_fx_from_double(0x1p31), INT64_MAX);          /* 2^63: just out of range */
  CU_ASSERT_EQUAL(sg_fx_from_double(-0x1p31), INT64_MIN);         /* -2^63: exactly INT64_MIN */
  CU_ASSERT_EQUAL(sg_fx_from_double(0x1.fffffffffffffp30), (int64_t)(0x1.fffffffffffffp62));
  /* wrap-around accumulation: intermediate overflow is harmless when the final sum fits */
  {
    int64_t s = 0;
    s = sg_fx_add(s, sg_fx_from_double(1.5e9));
    s = sg_fx_add(s, sg_fx_from_double(1.5e9));                  /* 3e9 > 2^31: wrapped */
    s = sg_fx_add(s, sg_fx_from_double(-2.0e9));
    s = sg_fx_add(s, sg_fx_from_double(-0.9e9));
    SG_ASSERT_DBL_EXACT(sg_fx_to_double(s), 1e8);
  }
  /* the per-target bound */
  SG_ASSERT_DBL_EXACT(SG_FX_MAX_ABS_SUM, 1073741824.0);
  CU_ASSERT(sg_fx_in_range(0.0));
  CU_ASSERT(sg_fx_in_range(-87.8));
  CU_ASSERT(sg_fx_in_range(nextafter(0x1p30, 0.0)));
  CU_ASSERT(!sg_fx_in_range(0x1p30));
  CU_ASSERT(!sg_fx_in_range(-0x1p30));
  CU_ASSERT(!sg_fx_in_range(INFINITY));
  CU_ASSERT(!sg_fx_in_range(NAN));
  /* a worst case at the bound: 2^30 split into many terms never leaves the range */
  {
    int64_t s = 0;
    double w = nextafter(0x1p30, 0.0) / 1024.0;
    for (int i = 0; i < 1024; ++i) s = sg_fx_add(s, sg_fx_from_double(w));
    CU_ASSERT(s > 0 && sg_fx_to_double(s) < 0x1p30 + 1.0);
  }
}

static CU_TestInfo tests[] = {
    {"round_half_to_even", test_fixed_round_half_even},
    {"exact_conversions", test_fixed_exact_conversions},
    {"order_independent_sum", test_fixed_order_independent_sum},
    {"overflow_saturation_wraparound", test_fixed_overflow_saturation},
    CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_fixed = {"fixed", NULL, tests};
