/* sg/philox.h - Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11), the counter-based generator behind every random number in spikegpu (docs/design.md §2.3).
 *
 * sg_philox4x32_10(ctr, k0, k1) is bit for bit cuRAND's `curand_Philox4x32_10(ctr, {k0, k1})` and the
 * Random123 reference `philox4x32(ctr, key)` with 10 rounds (docs/gpu.md §4): words in
 * the order x, y, z, w = c[0], c[1], c[2], c[3]. Checked by tests/test_philox.c (the three Random123
 * known-answer vectors) and tests/test_curand_host.c (cuRAND's host Philox generator, word by word).
 * The counter layout used by spikegpu is in sg/rng.h. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_PHILOX_H
#define SG_PHILOX_H

#include <stdint.h>

#include "hd.h"

SG_EXTERN_C_BEGIN

/** A 128-bit Philox counter or output block, c[0..3] = x, y, z, w. */
typedef struct sg_ctr4 {
  uint32_t c[4];
} sg_ctr4;

/** Builds a counter (no compound literals in shared headers). */
SG_HD sg_ctr4 sg_ctr4_make(uint32_t x, uint32_t y, uint32_t z, uint32_t w) {
  sg_ctr4 r;
  r.c[0] = x;
  r.c[1] = y;
  r.c[2] = z;
  r.c[3] = w;
  return r;
}

#define SG_PHILOX_M0 0xD2511F53u
#define SG_PHILOX_M1 0xCD9E8D57u
#define SG_PHILOX_W0 0x9E3779B9u /* golden ratio */
#define SG_PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */

/* high and low 32 bits of a 32x32 product */
SG_HD uint32_t sg_i_mulhi32(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
  return __umulhi(a, b);
#else
  return (uint32_t)(((uint64_t)a * b) >> 32);
#endif
}

/** Philox4x32 with 10 rounds: the output block for counter `ctr` and key (k0, k1). */
SG_HD sg_ctr4 sg_philox4x32_10(sg_ctr4 ctr, uint32_t k0, uint32_t k1) {
  uint32_t x0 = ctr.c[0], x1 = ctr.c[1], x2 = ctr.c[2], x3 = ctr.c[3];
  int r;
  for (r = 0; r < 10; ++r) {
    uint32_t h0, l0, h1, l1;
    if (r) {                                   /* key bump between rounds */
      k0 += SG_PHILOX_W0;
      k1 += SG_PHILOX_W1;
    }
    h0 = sg_i_mulhi32(SG_PHILOX_M0, x0);
    l0 = SG_PHILOX_M0 * x0;
    h1 = sg_i_mulhi32(SG_PHILOX_M1, x2);
    l1 = SG_PHILOX_M1 * x2;
    x0 = h1 ^ x1 ^ k0;
    x1 = l1;
    x2 = h0 ^ x3 ^ k1;
    x3 = l0;
  }
  return sg_ctr4_make(x0, x1, x2, x3);
}

SG_EXTERN_C_END

#endif /* SG_PHILOX_H */
