/* host/proc.c - procedural projections (docs/procedural.md): sg_connect with procedural = 1 checks
 * and commits one here, after the checks every call shares (host/connect.c). Nothing per synapse is
 * kept: the projection is its descriptor (sg/proc.h), plus, for fixed_total_number, the number of
 * synapses of each source.
 *
 * WHAT IS REFUSED, and why (each with an error naming the parameter, its value and what is
 * allowed; the simulation is unchanged):
 *   - fixed_indegree: a target's sources are drawn per target, so a source's row cannot be drawn
 *     alone (pairwise_bernoulli with p = indegree / n_pre, or fixed_outdegree, are the procedural
 *     alternatives; or store it);
 *   - fixed_outdegree with allow_multapses = 0 (excluding earlier picks needs the row so far);
 *   - per-connection arrays (they are storage);
 *   - sources that are not neurons, or targets in more than one population or not neurons;
 *   - pre or post a node set that is not one run of consecutive ids (host/connect.c refuses it:
 *     a row's positions become ids by adding pre0 / post0);
 *   - delays that are not bounded: normal, lognormal, exponential; the ring (R slots, a power of
 *     two > the longest delay) is sized at prepare, so a drawn delay must have a known bound.
 *     Allowed: a scalar, uniform(min, max), normal_clipped with finite lo and hi; both bounds must
 *     be delays themselves (>= the resolution, within the ring's reach);
 *   - weights that a float cannot hold for every draw (|mean| + 12.5 std for normals, and so on:
 *     SG_PROC_NORMAL_MAX, SG_PROC_EXP_MAX bound what the samplers can return).
 * OVERFLOW BOUND. The sum of |w| into one target must stay below 2^30 (sg/fixed.h). A stored call
 * adds each target's drawn sum; a procedural call adds the worst case of its rule, the same for
 * every target of post: (the most synapses a target can get) x (the largest |w| the weight can
 * draw). The most synapses: all_to_all, pairwise_bernoulli n_pre; one_to_one 1; fixed_outdegree
 * n_pre x K; fixed_total_number N. A projection whose bound would pass 2^30 is refused (store it,
 * or use smaller weights).
 * fixed_total_number: the sources of the N pairs are drawn as the stored rule draws its pairs
 * (pair i, attempt a: block (element 0, step i, draw a), source from words 0-1, target from words
 * 2-3, an autapse moves to a + 1), and only the count per source is kept; a source's targets are
 * then drawn as its slots (sg/proc.h). Given its source a stored pair's target is uniform over the
 * allowed targets, and so is a slot's: the same multinomial distribution of the graph.
 */
/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sg/fixed.h"
#include "sg/rng.h"

static const char *const proc_rule_names[] = {"all_to_all", "one_to_one", "fixed_outdegree", "fixed_total_number",
                                              "pairwise_bernoulli"};

void sg_i_proc_free(sg_sim *sim) {
  for (size_t i = 0; i < sim->n_proc; ++i) free(sim->proc[i].count);
  free(sim->proc);
  sim->proc = NULL;
  sim->n_proc = 0;
}

/* The largest |w| a weight spec can give (the kinds other than arrays; checked by sg_connect). */
static double weight_bound(const sg_value *v) {
  switch (v->kind) {
  case SG_VALUE_SCALAR: return fabs(v->value);
  case SG_DIST_UNIFORM: return fmax(fabs(v->a), fabs(v->b));
  case SG_DIST_NORMAL: return fabs(v->a) + SG_PROC_NORMAL_MAX * v->b;
  case SG_DIST_NORMAL_CLIPPED: return fmin(fabs(v->a) + SG_PROC_NORMAL_MAX * v->b, fmax(fabs(v->lo), fabs(v->hi)));
  case SG_DIST_LOGNORMAL: return exp(v->a + SG_PROC_NORMAL_MAX * v->b);
  case SG_DIST_EXPONENTIAL: return SG_PROC_EXP_MAX * v->a;
  default: return INFINITY;
  }
}

static sg_status check_values(sg_sim *sim, const sg_i_proc_req *r, sg_proc *P) {
  char msg[SG_MSG_LEN - 96];
  if (r->w.kind == SG_VALUE_ARRAY || r->d.kind == SG_VALUE_ARRAY)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s = array[%zu] with procedural = 1: allowed a scalar or a distribution (an array is stored per connection)",
                     r->w.kind == SG_VALUE_ARRAY ? "weight" : "delay", r->w.kind == SG_VALUE_ARRAY ? r->w.len : r->d.len);
  P->w = sg_i_proc_val(&r->w);
  P->d = sg_i_proc_val(&r->d);
  const double wmax = weight_bound(&r->w);
  if (!(wmax <= (double)FLT_MAX))
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: weight kind %d with procedural = 1 can draw |weight| up to %g, more than a float holds: allowed distributions whose draws stay below %g (|mean| + %g std, mu + %g sigma, %g beta)",
                     (int)r->w.kind, wmax, (double)FLT_MAX, SG_PROC_NORMAL_MAX, SG_PROC_NORMAL_MAX, SG_PROC_EXP_MAX);
  if (r->w.kind == SG_VALUE_SCALAR) {
    P->w_fixed = 1;
    if (sg_i_weight_float(r->w.value, &P->w_val, msg, sizeof msg)) return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s", msg);
  }
  double lo, hi;
  switch (r->d.kind) {
  case SG_VALUE_SCALAR: lo = hi = r->d.value; break;
  case SG_DIST_UNIFORM: lo = r->d.a; hi = r->d.b; break;
  case SG_DIST_NORMAL_CLIPPED: lo = r->d.lo; hi = r->d.hi; break;
  default:
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: delay kind %d (normal, lognormal or exponential) with procedural = 1 has no upper bound, but the ring buffer is sized for the longest delay before the run: allowed a scalar, uniform(min, max) or normal_clipped with finite lo and hi",
                     (int)r->d.kind);
  }
  if (sg_i_delay_steps(sim, lo, &P->d_min, msg, sizeof msg) || sg_i_delay_steps(sim, hi, &P->d_max, msg, sizeof msg))
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: procedural delays must be bounded by delays: %s (a bound of the delay distribution)", msg);
  P->d_fixed = r->d.kind == SG_VALUE_SCALAR;
  P->d_val = P->d_min;
  P->tics_per_step = sim->tics_per_step;
  return SG_OK;
}

/* fixed_total_number: the count of each source (see the header). */
static sg_status draw_counts(sg_sim *sim, const sg_i_proc_req *r, sg_i_proc *q) {
  const uint64_t npre = r->pre.n, npost = r->post.n, N = r->N;
  if (N > UINT32_MAX)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: fixed_total_number N = %llu with procedural = 1: allowed N < 2^32 (counts per source are 32-bit)",
                     (unsigned long long)N);
  q->count = calloc((size_t)npre, sizeof *q->count);
  if (!q->count) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_connect: out of memory (%llu source counts)", (unsigned long long)npre);
  uint32_t *count = q->count;
  const uint64_t seed = sim->cfg.seed, elem = sg_rng_elem(q->d.call, 0);
  int bad = 0;
  const int64_t n = (int64_t)N;
#pragma omp parallel for schedule(static) num_threads(sim->cfg.threads > 0 ? sim->cfg.threads : omp_get_max_threads()) reduction(| : bad)
  for (int64_t i = 0; i < n; ++i) {
    uint32_t a = 0;
    for (; a < 64; ++a) {
      const sg_ctr4 b = sg_rng_block(seed, SG_STREAM_CONNECT, elem, (uint64_t)i, a);
      const uint64_t s = sg_proc_pick(b.c[0], b.c[1], npre), t = sg_proc_pick(b.c[2], b.c[3], npost);
      if (!r->autapses && r->pre.first + s == r->post.first + t) continue;
#pragma omp atomic
      count[s]++;
      break;
    }
    if (a == 64) bad = 1;
  }
  if (bad)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: fixed_total_number: 64 draws of a pair were all autapses: allowed allow_autapses = 1 or pre/post sets with other pairs");
  uint64_t mx = 0;
  for (uint64_t s = 0; s < npre; ++s) if (count[s] > mx) mx = count[s];
  q->d.max_units = mx;
  return SG_OK;
}

/* The chunk of a pairwise_bernoulli row: the largest power of two <= 32 / p (at least 1). */
static uint64_t bern_chunk(double p) {
  uint64_t C = 1;
  while (C < ((uint64_t)1 << 40) && (double)(2 * C) * p <= 32.0) C *= 2;
  return C;
}

sg_status sg_i_proc_connect(sg_sim *sim, const sg_i_proc_req *r) {
  sg_i_proc q;
  memset(&q, 0, sizeof q);
  sg_proc *P = &q.d;
  sg_status st;
  const char *rn = proc_rule_names[r->rule];
  if (r->rule == SG_PROC_OUT && !r->multapses)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: fixed_outdegree with allow_multapses = 0 and procedural = 1: allowed allow_multapses = 1 (a row is drawn slot by slot, without the slots before it), or procedural = 0");
  if ((st = check_values(sim, r, P))) return st;
  P->seed = sim->cfg.seed;
  P->call = (uint32_t)sim->n_connect_calls;
  P->rule = (uint32_t)r->rule;
  P->pre0 = r->pre.first; P->npre = r->pre.n;
  P->post0 = r->post.first; P->npost = r->post.n;
  P->autapses = r->autapses;
  P->unit_weight = r->unit_weight;
  P->port = r->port; P->port_neg = r->port_neg;
  P->p = r->p; P->log1mp = r->log1mp;
  P->K = r->rule == SG_PROC_OUT ? r->K : r->rule == SG_PROC_BERN ? bern_chunk(r->p) : SG_PROC_ALL_CHUNK;
  q.tpop = r->tpop;
  q.receptor = r->receptor;
  if (r->rule == SG_PROC_TOTAL && (st = draw_counts(sim, r, &q))) { free(q.count); return st; }
  if (r->rule != SG_PROC_TOTAL) P->max_units = sg_proc_units(P, NULL, 0);
  /* the overflow bound (see the header) */
  const double most = r->rule == SG_PROC_ONE ? 1.0 : r->rule == SG_PROC_OUT ? (double)r->pre.n * (double)r->K
                    : r->rule == SG_PROC_TOTAL ? (double)r->N : (double)r->pre.n;
  const int empty = (r->rule == SG_PROC_BERN && r->p <= 0.0) || (r->rule == SG_PROC_TOTAL && r->N == 0) ||
                    (r->rule == SG_PROC_OUT && r->K == 0);
  const double add = empty ? 0.0 : most * (r->unit_weight ? 1.0 : weight_bound(&r->w));
  double base = 0.0;
  for (uint64_t t = 0; t < r->post.n; ++t)
    if (sim->abs_w_sum[r->post.first + t - 1] > base) base = sim->abs_w_sum[r->post.first + t - 1];
  if (base + add > (double)SG_FX_MAX_ABS_SUM) {
    free(q.count);
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "sg_connect: procedural %s: a target could get %.6g synapses of |weight| up to %g, a sum of %.6g (plus %.6g already connected) > %.17g (2^30), which the 64-bit fixed-point input could overflow: allowed smaller weights, or procedural = 0 (stored connections are bounded by the drawn sums)",
                     rn, most, r->unit_weight ? 1.0 : weight_bound(&r->w), add, base, (double)SG_FX_MAX_ABS_SUM);
  }
  if ((st = sg_i_check_ring(sim, P->d_max))) { free(q.count); return st; }
  sg_i_proc *grown = realloc(sim->proc, (sim->n_proc + 1) * sizeof *grown);
  if (!grown) { free(q.count); return sg_i_fail(sim, SG_ERR_NOMEM, "sg_connect: out of memory"); }
  /* commit: nothing can fail from here on */
  sim->proc = grown;
  sim->proc[sim->n_proc++] = q;
  if (!empty) {
    for (uint64_t t = 0; t < r->post.n; ++t) sim->abs_w_sum[r->post.first + t - 1] += add;
    if (sim->max_delay == 0 || sim->min_delay == 0) { sim->min_delay = P->d_min; sim->max_delay = P->d_max; }
    else {
      if (P->d_min < sim->min_delay) sim->min_delay = P->d_min;
      if (P->d_max > sim->max_delay) sim->max_delay = P->d_max;
    }
    r->tpop->has_connections = 1;
    sg_i_mark_fed(r->tpop, r->port);
    sg_i_mark_fed(r->tpop, r->port_neg);
  }
  sim->n_connect_calls++;
  sim->dirty = 1;
  return SG_OK;
}

uint64_t sg_i_proc_walk(const sg_i_proc *q, uint64_t sg, sg_nodes post,
                        int (*emit)(void *ctx, uint64_t tgt, float w, uint32_t d), void *ctx) {
  const sg_proc *P = &q->d;
  if (sg < P->pre0 || sg - P->pre0 >= P->npre) return 0;
  const uint64_t s = sg - P->pre0, U = sg_proc_units(P, q->count, s);
  uint64_t n = 0;
  for (uint64_t u = 0; u < U; ++u) {
    sg_proc_it it;
    uint64_t t, ke, ks;
    sg_proc_unit_begin(P, s, u, &it);
    while (sg_proc_unit_target(P, &it, &t, &ke, &ks)) {
      const uint64_t tgt = P->post0 + t;
      if (post.n && sg_nodes_find(post, tgt) == UINT64_MAX) continue;
      ++n;
      if (!emit) continue;
      uint64_t input;
      float w;
      uint32_t d;
      sg_proc_synapse(P, t, ke, ks, &input, &w, &d);
      if (emit(ctx, tgt, w, d)) return n;
    }
  }
  return n;
}
