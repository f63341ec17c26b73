/* tests/test_philox.c - sg_philox4x32_10 against the Random123 known-answer vectors
 * (kat_vectors, philox4x32 10 rounds) and against a plain 64-bit-product reference. The comparison
 * with cuRAND's own generator is in tests/test_curand_host.c. */
/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>

#include "sg_test.h"
#include "sg/philox.h"

static void check_kat(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1, uint32_t e0,
                      uint32_t e1, uint32_t e2, uint32_t e3) {
  sg_ctr4 r = sg_philox4x32_10(sg_ctr4_make(c0, c1, c2, c3), k0, k1);
  if (r.c[0] != e0 || r.c[1] != e1 || r.c[2] != e2 || r.c[3] != e3)
    printf("\n    got %08x %08x %08x %08x want %08x %08x %08x %08x", r.c[0], r.c[1], r.c[2], r.c[3], e0, e1, e2, e3);
  CU_ASSERT_EQUAL(r.c[0], e0);
  CU_ASSERT_EQUAL(r.c[1], e1);
  CU_ASSERT_EQUAL(r.c[2], e2);
  CU_ASSERT_EQUAL(r.c[3], e3);
}

static void test_philox_kat(void) {
  check_kat(0, 0, 0, 0, 0, 0, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u);
  check_kat(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu,
            0xa20bc7c6u, 0x6d5451fdu);
  check_kat(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu,
            0x5001e420u, 0x24126ea1u);
}

/* the reference round function of docs/gpu.md §4, written independently */
static sg_ctr4 ref_philox(sg_ctr4 x, uint32_t k0, uint32_t k1) {
  for (int r = 0; r < 10; ++r) {
    if (r) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    uint64_t p0 = (uint64_t)0xD2511F53u * x.c[0], p1 = (uint64_t)0xCD9E8D57u * x.c[2];
    sg_ctr4 y = {{(uint32_t)(p1 >> 32) ^ x.c[1] ^ k0, (uint32_t)p1, (uint32_t)(p0 >> 32) ^ x.c[3] ^ k1, (uint32_t)p0}};
    x = y;
  }
  return x;
}

static void test_philox_reference(void) {
  uint64_t s = 0x0123456789abcdefull;
  long bad = 0;
  for (int i = 0; i < 200000; ++i) {
    uint32_t w[6];
    for (int j = 0; j < 6; ++j) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      w[j] = (uint32_t)(s >> 32);
    }
    sg_ctr4 c = sg_ctr4_make(w[0], w[1], w[2], w[3]);
    sg_ctr4 a = sg_philox4x32_10(c, w[4], w[5]), b = ref_philox(c, w[4], w[5]);
    for (int j = 0; j < 4; ++j) bad += a.c[j] != b.c[j];
  }
  CU_ASSERT_EQUAL(bad, 0);
}

/* consecutive counters give unrelated outputs: a crude avalanche check (each output bit flips with
 * probability 1/2 when one counter bit flips); mean over 32 x 4096 pairs within 0.5 +- 0.01 */
static void test_philox_avalanche(void) {
  long flips = 0, total = 0;
  for (uint32_t i = 0; i < 4096; ++i)
    for (int bit = 0; bit < 32; ++bit) {
      sg_ctr4 a = sg_philox4x32_10(sg_ctr4_make(i, 7, 11, 13), 0xdeadbeefu, 0x12345678u);
      sg_ctr4 b = sg_philox4x32_10(sg_ctr4_make(i ^ (1u << bit), 7, 11, 13), 0xdeadbeefu, 0x12345678u);
      for (int j = 0; j < 4; ++j) flips += __builtin_popcount(a.c[j] ^ b.c[j]);
      total += 128;
    }
  double f = (double)flips / (double)total;
  printf("\n    avalanche: %.5f of output bits flip per input bit\n   ", f);
  CU_ASSERT(f > 0.49 && f < 0.51);
}

static CU_TestInfo tests[] = {
    {"random123_known_answers", test_philox_kat},
    {"equals_reference_round_function", test_philox_reference},
    {"avalanche", test_philox_avalanche},
    CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_philox = {"philox", NULL, tests};
