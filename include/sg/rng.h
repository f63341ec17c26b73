/* sg/rng.h - counter-based random numbers for both backends (docs/design.md §2.3, docs/rng.md): every
 * random number is Philox4x32-10 of (seed, stream kind, instance, element, step, draw); no RNG state
 * lives between steps.
 *
 * COUNTER LAYOUT (binding; changing it changes every random result):
 *
 *   key   k0 = lo32(seed)              k1 = hi32(seed)
 *   ctr.x = bits  0..31 of step        (step is a 40-bit field: 2^40 steps = 3.5 years at 0.1 ms;
 *   ctr.y = bits 32..39 of step         larger steps wrap modulo 2^40)
 *         | (draw & 0xFF)   << 8       (draw block 0..255, 4 words = 2 53-bit uniforms each)
 *         | (kind & 0x3FFF) << 16      (stream kind < 2^14, see SG_STREAM_*; bits 30, 31 stay 0)
 *   ctr.z = element                    (32 bits: what the draw is for, see below)
 *   ctr.w = instance                   (32 bits: which one of a kind that has many, see below)
 *
 * The functions take element and instance as one 64-bit "element" argument,
 * sg_rng_elem(instance, element) = (uint64)instance << 32 | element, so ctr.z = lo32 and ctr.w = hi32
 * of it. Per kind:
 *   SG_STREAM_FIRING   element = the neuron's global id, instance 0, step = the time step
 *   SG_STREAM_POISSON  element = target index j in the generator's target list,
 *                      instance = the poisson_generator's global id, step = the time step
 *   SG_STREAM_NOISE    element = target index j, instance = the noise_generator's global id,
 *                      step = the time step
 *   SG_STREAM_CONNECT  element = the target's (or, by rule, the source's) global id or 0,
 *                      instance = the index of the sg_connect call (count of earlier successful
 *                      calls, < 2^32: call 2^32 is refused), step = a per-element draw counter
 *                      (host/connect.c documents each rule)
 *   SG_STREAM_PARAM    element = the node's global id, instance = the index of the randomised
 *                      sg_set_value call (count of earlier successful ones, < 2^32), step = 0;
 *                      draw blocks 0..255 by a cursor (host/params.c)
 * Node ids are < 2^32 and step fields < 2^40, so no index is truncated and two different draws never
 * share a counter in a network the API accepts.
 *
 * CURAND EQUIVALENCE. With v = (uint64)ctr.y << 32 | ctr.x (< 2^62, since kind < 2^14),
 *     curand_init(seed, (uint64)ctr.w << 32 | ctr.z, 4 * v, &s); curand4(&s)   gives the same four
 * words, and so does curand_Philox4x32_10(ctr, make_uint2(k0, k1)) (cuRAND's internal round
 * function), because curand_init puts the subsequence in (z, w) and adds offset/4 to (x, y) as one
 * 64-bit number. 4 * v never overflows for any kind, so the mapping holds for every stream, connect
 * draws included; device code still calls sg_rng_block() (our SG_HD Philox, identical bits, one
 * Philox evaluation instead of three).
 *
 * UNIFORMS. sg_u01_53(w0, w1): z = w0 ^ (w1 << 21) (53 bits, as curand_uniform2_double),
 * u = z * 2^-53 + 2^-54, which lies in [2^-54, 1]: the single z = 2^53 - 1 (words 0x001FFFFF,
 * 0xFFFFFFFF) rounds (tie to even) to exactly 1.0, so that one value is replaced by 1 - 2^-53. Hence u is
 * always in (0, 1), never 0 or 1, and u < p has resolution 2^-53 near 0 (GL firing probabilities of
 * ~1e-11 per step are sampled correctly). It differs from curand_uniform2_double only for that z.
 *
 * DRAW CURSOR. sg_rng_cursor hands out uniforms from consecutive draw blocks 0, 1, ..., 255 of one
 * (seed, stream, element, step): two uniforms per block (words 0,1 then 2,3). After 512 uniforms the
 * cursor is exhausted: it never continues into another step's counters; sg_uniform then returns 0.5 and
 * sets `exhausted`, and the samplers return their documented fallback. None of the samplers here can
 * realistically get there (see each one); the behaviour is deterministic all the same.
 *
 * SAMPLERS (all SG_HD, only + - * / sqrt floor fabs and sg_log/sg_exp, so both backends agree bit for
 * bit): sg_uniform, sg_normal (Marsaglia polar), sg_poisson (inversion below SG_POISSON_PTRS_MIN,
 * Hormann's PTRS transformed rejection above). cuRAND's curand_poisson/curand_normal are not used: they
 * use hardware-approximate functions and cannot be reproduced on the host. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_RNG_H
#define SG_RNG_H

#include <math.h>
#include <stdint.h>

#include "hd.h"
#include "math.h"
#include "philox.h"

SG_EXTERN_C_BEGIN

/* ---- stream kinds (14-bit field of ctr.y) ---- */
#define SG_STREAM_FIRING 1u     /* neuron firing decisions: element = global node id, instance 0 */
#define SG_STREAM_POISSON 2u    /* Poisson counts: element = target index, instance = generator gid */
#define SG_STREAM_NOISE 3u      /* noise generator draws: element = target index, instance = generator gid */
#define SG_STREAM_CONNECT 4u    /* sg_connect draws: element per rule, instance = connect call index */
#define SG_STREAM_PARAM 5u      /* sg_set_value draws: element = node id, instance = randomised set call */
#define SG_STREAM_KIND_MAX 0x3FFFu

#define SG_RNG_STEP_BITS 40
#define SG_RNG_MAX_DRAWS 256u          /* draw blocks per (seed, stream, element, step) */
#define SG_RNG_EXHAUSTED_U01 0.5       /* what sg_uniform returns once a cursor is exhausted */

/** The 64-bit element argument of (instance, element): ctr.w = instance, ctr.z = element. */
SG_HD uint64_t sg_rng_elem(uint32_t instance, uint32_t element) {
  return ((uint64_t)instance << 32) | element;
}

/** The Philox counter of (stream kind, element = sg_rng_elem(instance, element), step, draw) in the
 * layout above. */
SG_HD sg_ctr4 sg_rng_counter(uint32_t stream, uint64_t element, uint64_t step, uint32_t draw) {
  return sg_ctr4_make((uint32_t)step,
                      (uint32_t)((step >> 32) & 0xFFu) | ((draw & 0xFFu) << 8) | ((stream & SG_STREAM_KIND_MAX) << 16),
                      (uint32_t)element, (uint32_t)(element >> 32));
}

/** The four random words of (seed, stream, element, step, draw). */
SG_HD sg_ctr4 sg_rng_block(uint64_t seed, uint32_t stream, uint64_t element, uint64_t step, uint32_t draw) {
  return sg_philox4x32_10(sg_rng_counter(stream, element, step, draw), (uint32_t)seed, (uint32_t)(seed >> 32));
}

/** 53-bit uniform in (0, 1) from two words (see UNIFORMS above). */
SG_HD double sg_u01_53(uint32_t w0, uint32_t w1) {
  uint64_t z = (uint64_t)w0 ^ ((uint64_t)w1 << 21);
  double u = (double)z * 0x1p-53 + 0x1p-54;
  return u < 1.0 ? u : 0x1.fffffffffffffp-1;
}

/** The first uniform of draw block `draw` (what a fresh cursor's first sg_uniform returns for draw 0). */
SG_HD double sg_rng_u01(uint64_t seed, uint32_t stream, uint64_t element, uint64_t step, uint32_t draw) {
  sg_ctr4 b = sg_rng_block(seed, stream, element, step, draw);
  return sg_u01_53(b.c[0], b.c[1]);
}

/* ---- draw cursor ---- */
typedef struct sg_rng_cursor {
  uint32_t k0, k1;        /* key */
  sg_ctr4 ctr;            /* counter of draw block 0 (its draw field is 0) */
  uint32_t next_draw;     /* next block to generate, 0..SG_RNG_MAX_DRAWS */
  uint32_t pos;           /* uniforms already taken from w (0..2) */
  uint32_t w[4];          /* current block */
  uint32_t exhausted;     /* 1 once more than 2 * SG_RNG_MAX_DRAWS uniforms were asked for */
  uint32_t has_spare;     /* sg_normal's second variate is cached */
  double spare;
} sg_rng_cursor;

/** Starts a cursor at draw block 0 of (seed, stream, element, step). */
SG_HD void sg_rng_cursor_init(sg_rng_cursor *c, uint64_t seed, uint32_t stream, uint64_t element, uint64_t step) {
  c->k0 = (uint32_t)seed;
  c->k1 = (uint32_t)(seed >> 32);
  c->ctr = sg_rng_counter(stream, element, step, 0);
  c->next_draw = 0;
  c->pos = 2;
  c->w[0] = c->w[1] = c->w[2] = c->w[3] = 0;
  c->exhausted = 0;
  c->has_spare = 0;
  c->spare = 0.0;
}

/** Next uniform in (0, 1); SG_RNG_EXHAUSTED_U01 (and exhausted = 1) after 512 uniforms. */
SG_HD double sg_uniform(sg_rng_cursor *c) {
  double u;
  if (c->pos >= 2) {
    sg_ctr4 ctr = c->ctr, b;
    if (c->next_draw >= SG_RNG_MAX_DRAWS) {
      c->exhausted = 1;
      return SG_RNG_EXHAUSTED_U01;
    }
    ctr.c[1] |= c->next_draw << 8;
    b = sg_philox4x32_10(ctr, c->k0, c->k1);
    c->w[0] = b.c[0];
    c->w[1] = b.c[1];
    c->w[2] = b.c[2];
    c->w[3] = b.c[3];
    c->next_draw++;
    c->pos = 0;
  }
  u = sg_u01_53(c->w[2 * c->pos], c->w[2 * c->pos + 1]);
  c->pos++;
  return u;
}

/** Standard normal variate (Marsaglia's polar method; each attempt takes one draw block, acceptance
 * pi/4, so exhaustion needs 256 rejections in a row: probability 0.2146^256 < 1e-170). The second
 * variate of an accepted pair is cached in the cursor and returned by the next call. Fallback when
 * exhausted: 0.0. */
SG_HD double sg_normal(sg_rng_cursor *c) {
  double v1, v2, s, f;
  if (c->has_spare) {
    c->has_spare = 0;
    return c->spare;
  }
  for (;;) {
    v1 = 2.0 * sg_uniform(c) - 1.0;
    v2 = 2.0 * sg_uniform(c) - 1.0;
    if (c->exhausted) return 0.0;
    s = v1 * v1 + v2 * v2;
    if (s < 1.0 && s > 0.0) break;
  }
  f = sqrt(-2.0 * sg_log(s) / s);
  c->spare = v2 * f;
  c->has_spare = 1;
  return v1 * f;
}

/* log(k!) for an integer-valued k >= 0: exact product + correctly rounded log up to 22! (exact in a
 * double), Stirling's series to the 1/(1680 k^7) term above (truncation < 1e-15 relative). */
SG_HD double sg_i_log_factorial(double k) {
  if (k <= 22.0) {
    double f = 1.0, i;
    for (i = 2.0; i <= k; i += 1.0) f *= i;
    return sg_log(f);
  } else {
    double r = 1.0 / k, r2 = r * r;
    return (k + 0.5) * sg_log(k) - k + 0.91893853320467274178 /* log(2 pi)/2 */ +
           r * (0x1.5555555555555p-4 - r2 * (0x1.6c16c16c16c17p-9 - r2 * (0x1.a01a01a01a01ap-11 - r2 * 0x1.3813813813814p-11)));
  }
}

/* double count -> uint32_t, saturating (negative or NaN -> 0) */
SG_HD uint32_t sg_i_u32_sat(double k) {
  if (!(k >= 0.0)) return 0;
  return k < 4294967295.0 ? (uint32_t)k : 0xFFFFFFFFu;
}

/** Switch point of sg_poisson: inversion for lambda < 10 (O(lambda) steps, ~11 at the top), PTRS for
 * lambda >= 10 (Hormann's method is valid for lambda >= 10; ~1.1-1.3 attempts per draw). */
#define SG_POISSON_PTRS_MIN 10.0

/** Poisson(lambda) count, lambda >= 0, emlambda = exp(-lambda) computed once on the host (any value
 * works for determinism as long as both backends get the same bits; use sg_exp(-lambda) or the host
 * exp). lambda <= 0 or NaN gives 0; results above 2^32-1 saturate (lambda must be well below 4e9).
 *
 * lambda < 10: inversion with one uniform u in (0,1): k = min{k: F(k) >= u}, F summed in double. The
 *   loop ends when u <= F, or when adding the next term no longer changes F (the CDF stalls below 1:
 *   the remaining tail has mass < 2^-52 per term); then the current k is returned. Terminates for every
 *   u (at most ~45 iterations), never needs more than one draw block.
 * lambda >= 10: PTRS (W. Hormann, "The transformed rejection method for generating Poisson random
 *   variables", Insurance: Mathematics and Economics 12, 1993), exact: the acceptance test compares
 *   log densities computed with sg_log and sg_i_log_factorial. Each attempt takes one draw block;
 *   acceptance > 0.85, so exhaustion (256 rejections) has probability < 1e-200. Fallback when exhausted:
 *   floor(lambda). */
/** sg_poisson's inversion branch alone (0 < lambda < SG_POISSON_PTRS_MIN): for callers that must not
 * carry PTRS's code, such as the cuda update kernels (their Poisson drive; PTRS there would cost
 * every model ~40 registers). */
SG_HD uint32_t sg_poisson_inversion(sg_rng_cursor *c, double lambda, double emlambda) {
  double u = sg_uniform(c), p = emlambda, F = p, kd = 0.0;
  uint32_t k = 0;
  while (u > F && k < 1000u) {
    double Fn;
    ++k;
    kd += 1.0;
    p = p * lambda / kd;
    Fn = F + p;
    if (Fn == F) break;
    F = Fn;
  }
  return k;
}

SG_HD uint32_t sg_poisson(sg_rng_cursor *c, double lambda, double emlambda) {
  if (!(lambda > 0.0)) return 0;
  if (lambda < SG_POISSON_PTRS_MIN) {
    return sg_poisson_inversion(c, lambda, emlambda);
  } else {
    double slam = sqrt(lambda), loglam = 0.0;   /* log(lambda): computed on the first slow test */
    double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
      double U = sg_uniform(c) - 0.5, V = sg_uniform(c), us, k;
      if (c->exhausted) return sg_i_u32_sat(floor(lambda));
      us = 0.5 - fabs(U);
      k = floor((2.0 * a / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return sg_i_u32_sat(k);
      if (k < 0.0 || (us < 0.013 && V > us)) continue;
      if (loglam == 0.0) loglam = sg_log(lambda);   /* lambda >= 10: never 0 */
      if (sg_log(V) + sg_log(invalpha) - sg_log(a / (us * us) + b) <= -lambda + k * loglam - sg_i_log_factorial(k))
        return sg_i_u32_sat(k);
    }
  }
}

SG_EXTERN_C_END

#endif /* SG_RNG_H */
