/* sg/dist.h - the one sampler of sg_value's distributions (uniform, normal, normal_clipped,
 * lognormal, exponential), for both backends: sg_connect's drawn weights and delays, stored
 * (host/connect.c) and procedural (sg/proc.h: the cpu backend and kernels/deliver.cu draw them
 * again at every spike), and sg_set_value's random parameters (host/params.c). One function, so a
 * value drawn for the same counters is the same bits wherever it is drawn. The checks of a spec's
 * parameters (finite, std >= 0, min < max, a clipped normal keeping >= 20 %) are host/value.c's
 * sg_i_dist_check; only checked specs reach this sampler. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_DIST_H
#define SG_DIST_H

#include <math.h>

#include "sg/hd.h"
#include "sg/math.h"
#include "sg/rng.h"

SG_EXTERN_C_BEGIN

/* Value kinds: the numbers of sg_value_kind (spikegpu.h, host only; host/value.c checks them). */
enum { SG_PV_SCALAR = 0, SG_PV_UNIFORM = 2, SG_PV_NORMAL, SG_PV_NORMAL_CLIPPED, SG_PV_LOGNORMAL, SG_PV_EXPONENTIAL };

/* One draw of distribution `kind` (SG_PV_UNIFORM .. SG_PV_EXPONENTIAL) with parameters a, b (and
 * lo, hi for normal_clipped) from cursor c, which is positioned at its first draw block. Returns 0,
 * or 1 when it needed draw blocks past `end` (a clipped normal redrawing; or an exhausted cursor):
 * then *out is the last draw clipped into [lo, hi] (a clipped normal) or the draw as it came, so
 * a caller that cannot fail (a procedural row on the device) still has a deterministic value.
 * Another kind gives NaN. */
SG_HD int sg_dist_draw(int kind, double a, double b, double lo, double hi, sg_rng_cursor *c, uint32_t end,
                       double *out) {
  double x;
  switch (kind) {
  case SG_PV_UNIFORM: x = a + (b - a) * sg_uniform(c); break;
  case SG_PV_NORMAL: x = a + b * sg_normal(c); break;
  case SG_PV_LOGNORMAL: x = sg_exp(a + b * sg_normal(c)); break;
  case SG_PV_EXPONENTIAL: x = -a * sg_log(sg_uniform(c)); break;
  case SG_PV_NORMAL_CLIPPED:
    for (;;) {
      x = a + b * sg_normal(c);
      if (c->exhausted || c->next_draw > end) {
        *out = x < lo ? lo : x > hi ? hi : x;
        return 1;
      }
      if (x >= lo && x <= hi) break;
    }
    break;
  default: x = NAN; break;
  }
  *out = x;
  return c->exhausted || c->next_draw > end;
}

SG_EXTERN_C_END

#endif
