/* host/value.c - distributions of sg_value (uniform, normal, normal_clipped, lognormal,
 * exponential): their checks, and their draws through sg/dist.h's SG_HD sampler, one place for
 * sg_connect's weights and delays (stored, and procedural: sg_i_proc_val hands a spec to the
 * descriptor that the backends draw from, sg/proc.h) and for sg_set_value's random parameters.
 * Ground: uses only status.c and the SG_HD samplers of sg/dist.h and sg/rng.h (sg_log / sg_exp
 * correctly rounded, so draws do not depend on the host's libm). */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "sg/dist.h"
#include "sg/math.h"

void sg_i_value_text(const sg_value *v, char *buf, size_t len) {
  switch (v->kind) {
  case SG_VALUE_SCALAR: snprintf(buf, len, "%g", v->value); break;
  case SG_VALUE_ARRAY: snprintf(buf, len, "array[%zu]", v->len); break;
  case SG_DIST_UNIFORM: snprintf(buf, len, "uniform(%g, %g)", v->a, v->b); break;
  case SG_DIST_NORMAL: snprintf(buf, len, "normal(%g, %g)", v->a, v->b); break;
  case SG_DIST_NORMAL_CLIPPED: snprintf(buf, len, "normal_clipped(%g, %g, %g, %g)", v->a, v->b, v->lo, v->hi); break;
  case SG_DIST_LOGNORMAL: snprintf(buf, len, "lognormal(%g, %g)", v->a, v->b); break;
  case SG_DIST_EXPONENTIAL: snprintf(buf, len, "exponential(%g)", v->a); break;
  default: snprintf(buf, len, "kind %d", (int)v->kind); break;
  }
}

int sg_i_value_is_dist(const sg_value *v) {
  return v->kind >= SG_DIST_UNIFORM && v->kind <= SG_DIST_EXPONENTIAL;
}

/* Probability that N(m, s) lies in [lo, hi]. */
static double normal_mass(double m, double s, double lo, double hi) {
  if (s == 0.0) return (m >= lo && m <= hi) ? 1.0 : 0.0;
  const double a = (lo - m) / (s * 1.4142135623730951), b = (hi - m) / (s * 1.4142135623730951);
  if (a >= 0.0) return 0.5 * (erfc(a) - erfc(b));
  if (b <= 0.0) return 0.5 * (erfc(-b) - erfc(-a));
  return 1.0 - 0.5 * (erfc(-a) + erfc(b));
}

sg_status sg_i_dist_check(sg_sim *sim, const char *fn, const char *what, const sg_value *v) {
  switch (v->kind) {
  case SG_DIST_UNIFORM:
    if (!isfinite(v->a) || !isfinite(v->b) || !(v->a < v->b))
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s = uniform(min = %g, max = %g): allowed finite min < max", fn, what, v->a, v->b);
    return SG_OK;
  case SG_DIST_NORMAL:
  case SG_DIST_LOGNORMAL: {
    const char *nm = v->kind == SG_DIST_NORMAL ? "normal(mean = %g, std = %g): allowed finite mean, finite std >= 0"
                                                : "lognormal(mu = %g, sigma = %g): allowed finite mu, finite sigma >= 0";
    if (!isfinite(v->a) || !isfinite(v->b) || v->b < 0.0) {
      char f[200];
      snprintf(f, sizeof f, nm, v->a, v->b);
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s = %s", fn, what, f);
    }
    return SG_OK;
  }
  case SG_DIST_NORMAL_CLIPPED: {
    if (!isfinite(v->a) || !isfinite(v->b) || v->b < 0.0 || isnan(v->lo) || isnan(v->hi) || !(v->lo <= v->hi))
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s = normal_clipped(mean = %g, std = %g, lo = %g, hi = %g): allowed finite mean, finite std >= 0, lo <= hi",
                       fn, what, v->a, v->b, v->lo, v->hi);
    const double mass = normal_mass(v->a, v->b, v->lo, v->hi);
    if (!(mass >= 0.2))
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s = normal_clipped(mean = %g, std = %g, lo = %g, hi = %g) keeps %.3g%% of the draws: allowed bounds that keep >= 20%% (redraws are bounded)",
                       fn, what, v->a, v->b, v->lo, v->hi, 100.0 * mass);
    return SG_OK;
  }
  case SG_DIST_EXPONENTIAL:
    if (!isfinite(v->a) || v->a < 0.0)
      return sg_i_fail(sim, SG_ERR_ARG, "%s: %s = exponential(beta = %g): allowed finite beta >= 0", fn, what, v->a);
    return SG_OK;
  default:
    return sg_i_fail(sim, SG_ERR_ARG, "%s: %s has kind %d: allowed SG_VALUE_SCALAR, SG_VALUE_ARRAY, SG_DIST_UNIFORM, SG_DIST_NORMAL, SG_DIST_NORMAL_CLIPPED, SG_DIST_LOGNORMAL, SG_DIST_EXPONENTIAL",
                     fn, what, (int)v->kind);
  }
}

/* The kinds are the same numbers in sg_value and in sg/dist.h's sampler (which device code takes). */
SG_STATIC_ASSERT((int)SG_DIST_UNIFORM == (int)SG_PV_UNIFORM && (int)SG_DIST_NORMAL == (int)SG_PV_NORMAL &&
                 (int)SG_DIST_NORMAL_CLIPPED == (int)SG_PV_NORMAL_CLIPPED && (int)SG_DIST_LOGNORMAL == (int)SG_PV_LOGNORMAL &&
                 (int)SG_DIST_EXPONENTIAL == (int)SG_PV_EXPONENTIAL && (int)SG_VALUE_SCALAR == (int)SG_PV_SCALAR, "value kinds");

int sg_i_dist_draw(const sg_value *v, sg_rng_cursor *c, uint32_t end, double *out) {
  return sg_dist_draw((int)v->kind, v->a, v->b, v->lo, v->hi, c, end, out);
}

sg_proc_val sg_i_proc_val(const sg_value *v) {
  sg_proc_val p;
  memset(&p, 0, sizeof p);
  p.kind = (int32_t)v->kind;
  p.value = v->value; p.a = v->a; p.b = v->b; p.lo = v->lo; p.hi = v->hi;
  return p;
}
