/* sg/fixed.h - Q31.32 fixed point for order-independent input accumulation (docs/design.md §2.4, docs/fixed-point.md).
 *
 * A value v (pA, nS or mV: NEST units) is the int64 round(v * 2^32): resolution 2^-32 = 2.3e-10, range
 * +-2^31 = +-2.1e9. Every synaptic event adds its weight (times its multiplicity) to an int64 ring-buffer
 * slot; integer addition is associative, so the sum - and every result downstream - is the same in any
 * order, on any number of threads, on either backend (host: plain adds or __atomic_fetch_add; device:
 * atomicAdd on unsigned long long). Sums are exact modulo 2^64 (two's complement wrap-around), so
 * intermediate overflow is harmless as long as the final slot value is in range.
 *
 * SG_FX_MAX_ABS_SUM = 2^30 is the per-target bound enforced at connect time
 * (docs/fixed-point.md §5): the sum of |w| over all connections into one ring-buffer input must be < 2^30. A slot
 * sum is then below 2^30 in magnitude whatever arrives in one step (each connection delivers at most one
 * event per step), half the representable range: a factor 2 of headroom for the rounding of each term
 * (< 2^-33 each), currents and stimulators added to the same slot. Events with a multiplicity m > 1
 * (Poisson counts, dead_time = 0 multi-spikes) add m * w: code that creates them must keep m * sum|w|
 * in range too. k = 32 keeps 87.8 pA to 5e-13 relative and 0.1 mV to 1e-9; k = 40 would overflow at
 * 10^4 inputs of 10^3 pA.
 *
 * Conversions are pure IEEE operations (an exact scaling by 2^32 and a round-to-nearest-even through
 * the 2^52 trick), so gcc and nvcc give identical integers by construction; the device could use
 * __double2ll_rn, which rounds the same way (ties to even) and saturates the same way. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_FIXED_H
#define SG_FIXED_H

#include <math.h>
#include <stdint.h>

#include "hd.h"

SG_EXTERN_C_BEGIN

#define SG_FX_FRAC_BITS 32
#define SG_FX_ONE ((int64_t)1 << SG_FX_FRAC_BITS) /* 1.0 */
#define SG_FX_MAX_ABS_SUM 0x1p30                  /* bound on sum |w| per target, in NEST units */

/** round-to-nearest-even(x * 2^32) as int64. Saturates: x * 2^32 >= 2^63 -> INT64_MAX,
 * <= -2^63 -> INT64_MIN; NaN -> 0 (the same as PTX cvt.rni.s64.f64). -0 -> 0. */
SG_HD int64_t sg_fx_from_double(double x) {
  double v = x * 0x1p32;                       /* exact (power of two), unless |x| < 2^-990 */
  if (!(v == v)) return 0;
  if (v >= 0x1p63) return INT64_MAX;
  if (v <= -0x1p63) return INT64_MIN;
  if (fabs(v) < 0x1p52) {
    double m = v < 0.0 ? -0x1p52 : 0x1p52;     /* v + m has spacing 1: rounds v to an integer, ties to even */
    v = (v + m) - m;
  }
  return (int64_t)v;                           /* exact: v is an integer in range */
}

/** v * 2^-32 as a double: exact while |v| < 2^53, otherwise rounded to nearest (both backends'
 * int64 -> double conversion rounds to nearest even). */
SG_HD double sg_fx_to_double(int64_t v) { return (double)v * 0x1p-32; }

/** w_fx * mult, wrapping modulo 2^64 (no undefined behaviour; exact when the product is in range). */
SG_HD int64_t sg_fx_mul_count(int64_t w_fx, uint32_t mult) {
  return (int64_t)((uint64_t)w_fx * (uint64_t)mult);
}

/** a + b modulo 2^64: the accumulation step (exact; order-independent). */
SG_HD int64_t sg_fx_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }

/** 1 if a single weight w can be accumulated: finite and |w| < SG_FX_MAX_ABS_SUM (the bound of a sum
 * with one term). Connect-time code checks the sum of |w| per target against the same bound. */
SG_HD int sg_fx_in_range(double w) { return fabs(w) < SG_FX_MAX_ABS_SUM; }

SG_EXTERN_C_END

#endif /* SG_FIXED_H */
