/* host/connect.c - sg_connect: NEST's connection rules and synapse specifications turned into
 * edges (sim->edges), validated completely before anything is committed; the connection
 * queries sg_num_connections / sg_get_connections; the spec defaults and sg_value makers.
 *
 * RANDOM DRAWS (docs/design.md §2.3, docs/rng.md). Every random number of an sg_connect call comes
 * from one Philox block sg_rng_block(seed, SG_STREAM_CONNECT, sg_rng_elem(call, element), step,
 * draw), with
 *   call = sim->n_connect_calls in ctr.w (the count of successful calls before this one, all 32
 *          bits of it: call 2^32 is refused; a failed call draws nothing that is kept, so
 *          repeating it after fixing the spec gives the same network as if it had never failed);
 * and (element, step, draw) per rule as follows (element in ctr.z: a node id < 2^32, or 0).
 *
 *   rule                structure (who connects)                  values (weight, delay)
 *   ------------------  ----------------------------------------  ------------------------------
 *   all_to_all          none                                      element = target gid,
 *                                                                 step = source position s in pre
 *   one_to_one          none                                      element = target gid, step = 0
 *   fixed_indegree      element = target gid, draw = 0,           element = target gid,
 *                       step = 0, 1, 2, ... (a cursor)            step = slot j (0 .. indegree-1)
 *   fixed_outdegree     element = source gid, draw = 0,           element = source gid,
 *                       step = 0, 1, 2, ... (a cursor)            step = slot j (0 .. outdegree-1)
 *   fixed_total_number  element = 0, step = pair index i,         element = 0, step = i
 *                       draw = attempt a (0 .. 63)
 *   pairwise_bernoulli  element = target gid, draw = 0,           element = target gid, step = index
 *                       step = 0, 1, 2, ... (a cursor)            of the connection among this
 *                                                                 target's new ones (0, 1, ...)
 *
 * A structure cursor reads the block's words in order (w0, w1, w2, w3), then moves to step + 1.
 * A source (target) pick takes two words as z = w_lo | w_hi << 32 and returns (z * n) >> 64
 * (bias below n / 2^64). A Bernoulli uniform is u = sg_u01_53(w_lo, w_hi) in (0, 1).
 *   fixed_indegree / fixed_outdegree: picks uniform over the other side, redrawn while the pick
 *     is a forbidden autapse or (multapses off) already chosen for this element: NEST's
 *     algorithm. With multapses off and degree > half the available nodes, a partial
 *     Fisher-Yates shuffle of the available list replaces the redraw loop (a[j] <-> a[j + pick(m
 *     - j)]): the same distribution (a uniformly random ordered sample without replacement) in
 *     O(n) instead of O(n log n) picks.
 *   fixed_total_number: attempt a of pair i picks the source from (w0, w1) and the target from
 *     (w2, w3) of block (0, i, a); a forbidden autapse moves to a + 1 (P(forbidden) <= 1/2 when
 *     any pair is allowed, so 64 attempts fail with probability < 2^-64: then an error).
 *   pairwise_bernoulli: the sources connected to a target are found by geometric skipping: from
 *     candidate c the next connected candidate is c + floor(log(u) / log(1 - p)), which is the
 *     same Bernoulli(p) process over the sources (each pair once, in source order) with one
 *     draw per connection instead of one per pair. A forbidden self pair is skipped. (log is
 *     sg_log; log(1 - p) a series for p < 0.01, else sg_log(1 - p): no host libm involved.)
 * Values: the weight of a connection is drawn by a cursor (sg_rng_cursor of sg/rng.h) on the
 * value's (element, step) starting at draw block 64, the delay by one starting at block 160; each
 * has 96 blocks (2 uniforms each; structure draws of fixed_total_number use blocks 0..63, the
 * step-walking structure cursors block 0, so nothing is shared). A value that would need more
 * than its 96 blocks is an error.
 *   uniform(a, b):        a + (b - a) u                      (u = sg_uniform, in (0, 1))
 *   normal(m, s):         m + s n                            (n = sg_normal: Marsaglia polar,
 *                                                             one block per attempt, the pair's
 *                                                             second variate is used next)
 *   normal_clipped:       normals until m + s n lies in [lo, hi] (about 150 normals fit in 96
 *                         blocks; a spec whose acceptance probability is below 20% is refused up
 *                         front, so running out has probability < 1e-14 per connection)
 *   lognormal(mu, sigma): sg_exp(mu + sigma n)
 *   exponential(beta):    -beta sg_log(u)
 * These are the project's SG_HD samplers (sg_log / sg_exp correctly rounded), so the values do
 * not depend on the host's libm either.
 *
 * THREADS. Elements (targets, sources, pairs) are independent: their draws depend only on
 * (seed, call, element, counter), and each element writes to positions fixed by per-element
 * counts (a prefix sum; pairwise_bernoulli counts in a first pass with the same draws). The
 * edge list is therefore identical for any OpenMP thread count, and so is every error message
 * (the error of the lowest element wins).
 *
 * ORDER of the new edges (= NEST's connection order, which per-connection arrays follow):
 * all_to_all, fixed_indegree, pairwise_bernoulli, one_to_one: by target, then by source
 * position / slot; fixed_outdegree: by source, then slot; fixed_total_number: by pair index.
 */
/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ranks.h"
#include "sg/csr.h"
#include "sg/fixed.h"
#include "sg/math.h"
#include "sg/model_list.h"
#include "sg/proc.h"
#include "sg/ring.h"
#include "sg/rng.h"

/* Port values of recorder edges (in sim->edges only; csr.c moves them to rec_row / mm). */
#ifndef SG_PORT_SPIKE_RECORDER
#define SG_PORT_SPIKE_RECORDER 0xFFFFu   /* neuron -> spike_recorder */
#define SG_PORT_MULTIMETER 0xFFFEu       /* multimeter -> neuron      */
#endif

#define GIB 1073741824.0

enum { R_ALL = 0, R_ONE, R_IN, R_OUT, R_TOTAL, R_BERN, R_COUNT };
static const char *const rule_names[R_COUNT] = {"all_to_all", "one_to_one", "fixed_indegree",
                                                "fixed_outdegree", "fixed_total_number",
                                                "pairwise_bernoulli"};
enum { DRAW_WEIGHT = SG_PROC_DRAW_WEIGHT, DRAW_DELAY = SG_PROC_DRAW_DELAY, VALUE_BLOCKS = SG_PROC_VALUE_BLOCKS, TOTAL_ATTEMPTS = 64 };

/* ---- sg_value makers and spec defaults ------------------------------------------------- */
static sg_value value_of(sg_value_kind kind) {
  sg_value v;
  memset(&v, 0, sizeof v);
  v.kind = kind;
  return v;
}
sg_value sg_scalar(double x) { sg_value v = value_of(SG_VALUE_SCALAR); v.value = x; return v; }
sg_value sg_array(const double *x, size_t len) {
  sg_value v = value_of(SG_VALUE_ARRAY);
  v.array = x;
  v.len = len;
  return v;
}
sg_value sg_random_uniform(double min, double max) { sg_value v = value_of(SG_DIST_UNIFORM); v.a = min; v.b = max; return v; }
sg_value sg_random_normal(double mean, double std) { sg_value v = value_of(SG_DIST_NORMAL); v.a = mean; v.b = std; return v; }
sg_value sg_random_normal_clipped(double mean, double std, double lo, double hi) {
  sg_value v = value_of(SG_DIST_NORMAL_CLIPPED);
  v.a = mean; v.b = std; v.lo = lo; v.hi = hi;
  return v;
}
sg_value sg_random_lognormal(double mu, double sigma) { sg_value v = value_of(SG_DIST_LOGNORMAL); v.a = mu; v.b = sigma; return v; }
sg_value sg_random_exponential(double beta) { sg_value v = value_of(SG_DIST_EXPONENTIAL); v.a = beta; return v; }

void sg_conn_spec_default(sg_conn_spec *c) {
  if (!c) return;
  memset(c, 0, sizeof *c);
  c->rule = "all_to_all";
  c->allow_autapses = 1;
  c->allow_multapses = 1;
}

void sg_syn_spec_default(sg_syn_spec *s) {
  if (!s) return;
  memset(s, 0, sizeof *s);
  s->model = "static_synapse";
  s->weight = sg_scalar(1.0);
  s->delay = sg_scalar(1.0);
  s->receptor_type = 0;
}

/* ---- counter-based draws --------------------------------------------------------------- */
/* Structure cursor: block 0 of steps 0, 1, 2, ... of one element, read two words at a time. */
typedef struct cursor {
  uint64_t seed, element, step;   /* element = sg_rng_elem(call, element) */
  uint32_t stream;
  int pos;            /* next word of w[] (4 = empty) */
  uint32_t w[4];
} cursor;

static inline void cur_init(cursor *c, uint64_t seed, uint32_t stream, uint64_t element) {
  c->seed = seed; c->stream = stream; c->element = element; c->step = 0; c->pos = 4;
}

/* Two words (lo, hi); blocks are read in word pairs, so a pair never straddles blocks. */
static inline void cur_pair(cursor *c, uint32_t *lo, uint32_t *hi) {
  if (c->pos >= 4) {
    const sg_ctr4 r = sg_rng_block(c->seed, c->stream, c->element, c->step++, 0);
    c->w[0] = r.c[0]; c->w[1] = r.c[1]; c->w[2] = r.c[2]; c->w[3] = r.c[3];
    c->pos = 0;
  }
  *lo = c->w[c->pos];
  *hi = c->w[c->pos + 1];
  c->pos += 2;
}

static inline uint64_t pick_of(uint32_t lo, uint32_t hi, uint64_t n) { return sg_proc_pick(lo, hi, n); }

/* uniform index in [0, n) */
static inline uint64_t cur_pick(cursor *c, uint64_t n) {
  uint32_t lo, hi;
  cur_pair(c, &lo, &hi);
  return pick_of(lo, hi, n);
}

/* u in (0, 1), 53 bits */
static inline double cur_u01(cursor *c) {
  uint32_t lo, hi;
  cur_pair(c, &lo, &hi);
  return sg_u01_53(lo, hi);
}

/* ---- the plan of one call ----------------------------------------------------------------- */
enum { CLS_SPIKE = 0, CLS_CURRENT, CLS_SREC, CLS_MM };

typedef struct pair_info {
  uint16_t port;       /* ring port, or SG_PORT_SPIKE_RECORDER / SG_PORT_MULTIMETER */
  uint16_t port_neg;   /* ring port of a negative weight (models that route by sign) */
  uint8_t cls;
  uint8_t unit_weight; /* parrot target or recorder edge: weight stored as 1.0      */
} pair_info;

/* The part of pre or post in one population: gids first .. end-1 (ids of the collection between
 * them, all of them for a range), at positions p0 .. p1-1 of the collection. */
typedef struct span { uint64_t first, end, p0, p1; sg_pop *pop; } span;

typedef struct plan {
  sg_sim *sim;
  int rule;
  uint64_t K;                /* indegree / outdegree / N */
  double p, log1mp;          /* pairwise_bernoulli: p, log(1 - p) */
  int autapses, multapses;
  uint64_t pre0, npre, post0, npost;
  const uint64_t *pre_ids, *post_ids;   /* id lists (NULL: the ranges pre0.., post0..) */
  uint64_t seed;
  uint32_t stream;           /* SG_STREAM_CONNECT */
  uint32_t call;             /* this call's index: the instance (ctr.w) of every draw */
  sg_value w, d;
  int w_fixed, d_fixed;      /* scalar: the converted value below is used for every edge   */
  float w_val;
  uint32_t d_val;
  uint16_t receptor;
  span *sp, *tp; size_t n_sp, n_tp;
  pair_info *pairs;          /* [n_sp * n_tp] */
  sg_edges *e; size_t base;  /* new edge i goes to e->...[base + i] */
  uint64_t *off;             /* per element: first new edge (n_elem + 1), NULL for total   */
  uint64_t n_elem;
  int n_threads;
  /* first error, by element */
  uint64_t err_elem;
  sg_status err_code;
  char err_msg[SG_MSG_LEN];
} plan;

typedef struct scratch {   /* per thread, for multapses off */
  uint64_t *bits; uint32_t *list; uint64_t n_bits, n_list;
} scratch;

static void plan_error(plan *P, uint64_t elem, sg_status code, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 4, 5)))
#endif
  ;
static void plan_error(plan *P, uint64_t elem, sg_status code, const char *fmt, ...) {
  char buf[SG_MSG_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
#pragma omp critical(sg_connect_error)
  if (P->err_code == SG_OK || elem < P->err_elem) {   /* the lowest element's error wins */
    P->err_code = code;
    memcpy(P->err_msg, buf, sizeof buf);
#pragma omp atomic write
    P->err_elem = elem;
  }
}

static inline uint64_t err_elem_now(const plan *P) {
  uint64_t e;
#pragma omp atomic read
  e = P->err_elem;
  return e;
}

static inline size_t span_of(const span *s, size_t n, uint64_t gid) {
  if (n == 1) return 0;
  size_t lo = 0, hi = n;
  while (hi - lo > 1) {
    const size_t mid = (lo + hi) / 2;
    if (s[mid].first <= gid) lo = mid; else hi = mid;
  }
  return lo;
}

/* Ids at positions of pre / post, and the position of a gid in them (UINT64_MAX: absent); a range
 * is pre0 + s, an id list ids[s] (ascending: binary search). */
static inline uint64_t pre_at(const plan *P, uint64_t s) { return P->pre_ids ? P->pre_ids[s] : P->pre0 + s; }
static inline uint64_t post_at(const plan *P, uint64_t t) { return P->post_ids ? P->post_ids[t] : P->post0 + t; }
static inline uint64_t pos_in(const uint64_t *ids, uint64_t first, uint64_t n, uint64_t gid) {
  const sg_nodes x = {first, n, ids};
  return sg_nodes_find(x, gid);
}
static inline uint64_t pre_pos(const plan *P, uint64_t gid) { return pos_in(P->pre_ids, P->pre0, P->npre, gid); }
static inline uint64_t post_pos(const plan *P, uint64_t gid) { return pos_in(P->post_ids, P->post0, P->npost, gid); }

/* log(1 - p) for 0 < p < 1 without libm: the series to p^9 (relative error < 1e-18) for small
 * p, where 1 - p would lose digits; sg_log (correctly rounded) otherwise. */
static double log1m(double p) {
  if (p < 0.01) {
    double term = p, sum = 0.0;
    for (int k = 1; k <= 9; ++k) { sum += term / (double)k; term *= p; }
    return -sum;
  }
  return sg_log(1.0 - p);
}

/* One draw of a value; 0 = ok, 1 = it needed more than its VALUE_BLOCKS draw blocks. */
static inline int draw_value(const plan *P, const sg_value *v, uint32_t draw, uint64_t elem,
                             uint64_t k, uint64_t aidx, double *out) {
  switch (v->kind) {
  case SG_VALUE_SCALAR: *out = v->value; return 0;
  case SG_VALUE_ARRAY: *out = v->array[aidx]; return 0;
  default: break;
  }
  sg_rng_cursor c;
  sg_rng_cursor_init(&c, P->seed, P->stream, sg_rng_elem(P->call, (uint32_t)elem), k);
  c.next_draw = draw;
  return sg_i_dist_draw(v, &c, draw + VALUE_BLOCKS, out);
}

/* Writes new edge number i (relative to P->base). Returns 0, or 1 after recording an error. */
static inline int put_edge(plan *P, uint64_t i, uint64_t sgid, uint64_t tgid, uint64_t elem,
                           uint64_t k, uint64_t aidx) {
  const size_t si = span_of(P->sp, P->n_sp, sgid), ti = span_of(P->tp, P->n_tp, tgid);
  const pair_info pi = P->pairs[si * P->n_tp + ti];
  float wf = P->w_val;
  uint32_t ds = P->d_val;
  char msg[SG_MSG_LEN - 64], vt[96];
  if (!P->w_fixed) {
    double w;
    if (draw_value(P, &P->w, DRAW_WEIGHT, elem, k, aidx, &w)) {
      sg_i_value_text(&P->w, vt, sizeof vt);
      plan_error(P, elem, SG_ERR_ARG, "sg_connect: weight = %s ran out of its %d random blocks (redraws outside [lo, hi]) for connection %llu -> %llu: allowed bounds that keep more of the distribution",
                 vt, VALUE_BLOCKS, (unsigned long long)sgid, (unsigned long long)tgid);
      return 1;
    }
    if (sg_i_weight_float(w, &wf, msg, sizeof msg)) {
      sg_i_value_text(&P->w, vt, sizeof vt);
      plan_error(P, elem, SG_ERR_ARG, "sg_connect: %s (from %s, connection %llu -> %llu)", msg, vt,
                 (unsigned long long)sgid, (unsigned long long)tgid);
      return 1;
    }
  }
  if (!P->d_fixed) {
    double d;
    if (draw_value(P, &P->d, DRAW_DELAY, elem, k, aidx, &d)) {
      sg_i_value_text(&P->d, vt, sizeof vt);
      plan_error(P, elem, SG_ERR_ARG, "sg_connect: delay = %s ran out of its %d random blocks (redraws outside [lo, hi]) for connection %llu -> %llu: allowed bounds that keep more of the distribution",
                 vt, VALUE_BLOCKS, (unsigned long long)sgid, (unsigned long long)tgid);
      return 1;
    }
    if (sg_i_delay_steps(P->sim, d, &ds, msg, sizeof msg)) {
      sg_i_value_text(&P->d, vt, sizeof vt);
      plan_error(P, elem, SG_ERR_ARG, "sg_connect: %s (from %s, connection %llu -> %llu)", msg, vt,
                 (unsigned long long)sgid, (unsigned long long)tgid);
      return 1;
    }
  }
  if (pi.unit_weight) wf = 1.0f;
  if (pi.cls >= CLS_SREC) ds = 1;
  sg_edges *e = P->e;
  const size_t j = P->base + i;
  e->src[j] = (uint32_t)(sgid - 1);
  e->tgt[j] = (uint32_t)(tgid - 1);
  e->weight[j] = wf;
  e->delay[j] = ds;
  e->port[j] = wf < 0.0f ? pi.port_neg : pi.port;
  e->receptor[j] = P->receptor;
  return 0;
}

/* ---- the rules, one element at a time ------------------------------------------------------ */
/* Each returns the number of edges of element x; with write = 0 only counts (no values). */
static uint64_t gen_all(plan *P, uint64_t t, int write) {
  const uint64_t tg = post_at(P, t);
  const uint64_t self = P->autapses ? UINT64_MAX : pre_pos(P, tg);
  if (!write) return P->npre - (self != UINT64_MAX ? 1 : 0);
  uint64_t i = P->off[t];
  for (uint64_t s = 0; s < P->npre; ++s) {
    const uint64_t sg = pre_at(P, s);
    if (s == self) continue;
    if (put_edge(P, i++, sg, tg, tg, s, t * P->npre + s)) break;
  }
  return i - P->off[t];
}

static uint64_t gen_one(plan *P, uint64_t t, int write) {
  const uint64_t tg = post_at(P, t), sg = pre_at(P, t);
  if (!P->autapses && sg == tg) return 0;
  if (write) put_edge(P, P->off[t], sg, tg, tg, 0, t);
  return 1;
}

static int scratch_need(scratch *S, uint64_t n_bits, uint64_t n_list) {
  if (n_bits > S->n_bits) {
    free(S->bits);
    S->bits = calloc((size_t)((n_bits + 63) / 64), sizeof(uint64_t));
    S->n_bits = S->bits ? n_bits : 0;
    if (!S->bits) return 1;
  }
  if (n_list > S->n_list) {
    free(S->list);
    S->list = malloc((size_t)n_list * sizeof(uint32_t));
    S->n_list = S->list ? n_list : 0;
    if (!S->list) return 1;
  }
  return 0;
}

/* fixed_indegree (element = target, picks sources) and fixed_outdegree (element = source,
 * picks targets): the same procedure with the sides swapped. */
static uint64_t gen_degree(plan *P, scratch *S, uint64_t x, int write) {
  if (!write) return P->K;
  const int in = P->rule == R_IN;
  const uint64_t xg = in ? post_at(P, x) : pre_at(P, x);     /* the element's gid   */
  const uint64_t n = in ? P->npre : P->npost;                 /* the other side      */
  const uint64_t self = P->autapses ? UINT64_MAX : in ? pre_pos(P, xg) : post_pos(P, xg);
  const uint64_t K = P->K;
  uint64_t i = P->off[x];
  cursor c;
  cur_init(&c, P->seed, P->stream, sg_rng_elem(P->call, (uint32_t)xg));
#define PUT_PICK(j, o)                                                                    \
  (in ? put_edge(P, i++, pre_at(P, o), xg, xg, (j), x * K + (j))                         \
      : put_edge(P, i++, xg, post_at(P, o), xg, (j), x * K + (j)))
  if (P->multapses) {
    for (uint64_t j = 0; j < K; ++j) {
      uint64_t o;
      do o = cur_pick(&c, n); while (o == self);
      if (PUT_PICK(j, o)) break;
    }
  } else {
    const uint64_t avail = n - (self != UINT64_MAX ? 1 : 0);
    if (2 * K > avail) {   /* partial Fisher-Yates over the available list */
      if (scratch_need(S, 0, n)) {
        plan_error(P, x, SG_ERR_NOMEM, "sg_connect: out of memory (%llu-entry scratch list)", (unsigned long long)n);
        return 0;
      }
      uint32_t *a = S->list;
      uint64_t m = 0;
      for (uint64_t o = 0; o < n; ++o)
        if (o != self) a[m++] = (uint32_t)o;
      for (uint64_t j = 0; j < K; ++j) {
        const uint64_t r = j + cur_pick(&c, m - j);
        const uint32_t tmp = a[j]; a[j] = a[r]; a[r] = tmp;
        if (PUT_PICK(j, a[j])) break;
      }
    } else {               /* NEST's redraw, with a bitmap of the chosen */
      if (scratch_need(S, n, K)) {
        plan_error(P, x, SG_ERR_NOMEM, "sg_connect: out of memory (%llu-bit scratch map)", (unsigned long long)n);
        return 0;
      }
      uint64_t *bits = S->bits;
      uint64_t j = 0;
      for (; j < K; ++j) {
        uint64_t o;
        do o = cur_pick(&c, n); while (o == self || (bits[o >> 6] >> (o & 63)) & 1u);
        bits[o >> 6] |= (uint64_t)1 << (o & 63);
        S->list[j] = (uint32_t)o;
        if (PUT_PICK(j, o)) { ++j; break; }
      }
      for (uint64_t q = 0; q < j; ++q) bits[S->list[q] >> 6] = 0;
    }
  }
#undef PUT_PICK
  return i - P->off[x];
}

static uint64_t gen_bern(plan *P, uint64_t t, int write) {
  const uint64_t tg = post_at(P, t);
  const uint64_t self = P->autapses ? UINT64_MAX : pre_pos(P, tg);
  const uint64_t n = P->npre;
  uint64_t k = 0, i = write ? P->off[t] : 0;
  if (P->p <= 0.0) return 0;
  if (P->p >= 1.0) {
    for (uint64_t s = 0; s < n; ++s) {
      if (s == self) continue;
      if (write && put_edge(P, i++, pre_at(P, s), tg, tg, k, 0)) break;
      ++k;
    }
    return k;
  }
  cursor c;
  cur_init(&c, P->seed, P->stream, sg_rng_elem(P->call, (uint32_t)tg));
  uint64_t next = 0;   /* next candidate source position */
  for (;;) {
    const double g = floor(sg_log(cur_u01(&c)) / P->log1mp);
    if (!(g < (double)(n - next))) break;
    const uint64_t s = next + (uint64_t)g;
    next = s + 1;
    if (s == self) continue;
    if (write && put_edge(P, i++, pre_at(P, s), tg, tg, k, 0)) break;
    ++k;
    if (next >= n) break;
  }
  return k;
}

/* fixed_total_number: pair i */
static void gen_total_pair(plan *P, uint64_t i) {
  for (uint32_t a = 0; a < TOTAL_ATTEMPTS; ++a) {
    const sg_ctr4 r = sg_rng_block(P->seed, P->stream, sg_rng_elem(P->call, 0), i, a);
    const uint64_t sg = pre_at(P, pick_of(r.c[0], r.c[1], P->npre));
    const uint64_t tg = post_at(P, pick_of(r.c[2], r.c[3], P->npost));
    if (!P->autapses && sg == tg) continue;
    put_edge(P, i, sg, tg, 0, i, i);
    return;
  }
  plan_error(P, i, SG_ERR_ARG, "sg_connect: fixed_total_number: %d draws of pair %llu were all autapses: allowed allow_autapses = 1 or pre/post sets with other pairs",
             TOTAL_ATTEMPTS, (unsigned long long)i);
}

static uint64_t gen_element(plan *P, scratch *S, uint64_t x, int write) {
  switch (P->rule) {
  case R_ALL: return gen_all(P, x, write);
  case R_ONE: return gen_one(P, x, write);
  case R_IN: case R_OUT: return gen_degree(P, S, x, write);
  case R_BERN: return gen_bern(P, x, write);
  default: return 0;
  }
}

/* ---- validation helpers -------------------------------------------------------------------- */
static const char *kind_name(sg_kind k) {
  return k == SG_KIND_NEURON ? "neuron" : k == SG_KIND_GENERATOR ? "generator" : "recorder";
}

static int is_current_source(const sg_model_desc *m) {
  return m->id == SG_MODEL_step_current_generator || m->id == SG_MODEL_dc_generator || m->id == SG_MODEL_noise_generator;
}

/* Populations of a (normalised) collection, in id order, with the positions of their parts. */
static sg_status spans_of(sg_sim *sim, sg_nodes x, span **out, size_t *n_out) {
  size_t n = 0;
  for (uint64_t p = 0; p < x.n; ++n) {
    const sg_pop *pop = sg_i_pop_of(sim, sg_nodes_at(x, p));
    const uint64_t end = pop->first + pop->n;
    p = x.ids ? p + 1 : (end - x.first < x.n ? end - x.first : x.n);
    while (x.ids && p < x.n && x.ids[p] < end) ++p;
  }
  span *s = malloc(n * sizeof *s);
  if (!s) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_connect: out of memory");
  size_t i = 0;
  for (uint64_t p = 0; p < x.n; ++i) {
    sg_pop *pop = sg_i_pop_of(sim, sg_nodes_at(x, p));
    const uint64_t end = pop->first + pop->n;
    s[i].pop = pop;
    s[i].p0 = p;
    s[i].first = sg_nodes_at(x, p);
    p = x.ids ? p + 1 : (end - x.first < x.n ? end - x.first : x.n);
    while (x.ids && p < x.n && x.ids[p] < end) ++p;
    s[i].p1 = p;
    s[i].end = sg_nodes_at(x, p - 1) + 1;
  }
  *out = s;
  *n_out = n;
  return SG_OK;
}

/* 1 if two normalised collections share an id (a merge over id lists). */
static int nodes_overlap(sg_nodes a, sg_nodes b) {
  const uint64_t a_last = sg_nodes_at(a, a.n - 1), b_last = sg_nodes_at(b, b.n - 1);
  if (a.first > b_last || b.first > a_last) return 0;
  if (!a.ids && !b.ids) return 1;
  if (!a.ids) { sg_nodes t = a; a = b; b = t; }   /* a is a list */
  for (uint64_t i = 0; i < a.n; ++i)
    if (sg_nodes_find(b, a.ids[i]) != UINT64_MAX) return 1;
  return 0;
}

static void accepted_receptors(const sg_pop *pop, int current, char *buf, size_t len) {
  buf[0] = 0;
  int any = 0;
  for (int r = 0; r < 256; ++r) {
    const int accepted = current ? pop->model->current_port(pop, r) >= 0
                                 : pop->model->spike_port(pop, r, 1.0) >= 0 && pop->model->spike_port(pop, r, -1.0) >= 0;
    if (!accepted) continue;
    const size_t l = strlen(buf);
    snprintf(buf + l, len - l, "%s%d", any ? ", " : "", r);
    any = 1;
  }
  if (!any) snprintf(buf, len, "none");
}

/* multimeter -> neurons: every record_from name must be a recordable of the target model
 * (NEST checks at Connect), and a multimeter that has recorded keeps its targets (its rows and
 * report files have a fixed layout). */
static sg_status check_multimeter(sg_sim *sim, const sg_pop *mp, const sg_pop *tp) {
  for (size_t v = 0; v < mp->n_record_from; ++v)
    if (sg_i_recordable_find(tp, mp->record_from[v]) == UINT32_MAX) {
      char list[512];
      sg_i_recordable_list(tp, list, sizeof list);
      return sg_i_fail(sim, SG_ERR_UNKNOWN, "sg_connect: multimeter %s records '%s', which %s does not have: allowed %s",
                       mp->name, mp->record_from[v], tp->model->name, list);
    }
  for (size_t j = 0; j < sim->n_mm; ++j) {
    const sg_multimeter *m = &sim->mm[j];
    if (m->gid < mp->first || m->gid >= mp->first + mp->n) continue;
    if (m->n_rows || m->n_flushed_rows)
      return sg_i_fail(sim, SG_ERR_STATE, "sg_connect: multimeter %llu has already recorded, so its targets cannot change: create a new multimeter",
                       (unsigned long long)m->gid);
  }
  return SG_OK;
}

static sg_status pair_of(sg_sim *sim, const sg_pop *sp, const sg_pop *tp, int receptor, pair_info *out) {
  const sg_model_desc *sm = sp->model, *tm = tp->model;
  memset(out, 0, sizeof *out);
  const char *allowed = "allowed neuron -> neuron, generator -> neuron, neuron -> spike_recorder, multimeter -> neuron";
  /* spikes: the port of each sign (a model may route by it); both must be accepted */
  int port = -1, port_neg = -1, current = 0;
  if (sm->kind == SG_KIND_NEURON && tm->kind == SG_KIND_NEURON) {
    out->cls = CLS_SPIKE;
    port = tm->spike_port(tp, receptor, 1.0);
    port_neg = tm->spike_port(tp, receptor, -1.0);
  } else if (sm->kind == SG_KIND_GENERATOR && tm->kind == SG_KIND_NEURON) {
    current = is_current_source(sm);
    out->cls = current ? CLS_CURRENT : CLS_SPIKE;
    port = current ? tm->current_port(tp, receptor) : tm->spike_port(tp, receptor, 1.0);
    port_neg = current ? port : tm->spike_port(tp, receptor, -1.0);
  } else if (sm->kind == SG_KIND_NEURON && tm->id == SG_MODEL_spike_recorder) {
    out->cls = CLS_SREC;
    port = port_neg = tm->spike_port(tp, receptor, 1.0) < 0 ? -1 : (int)SG_PORT_SPIKE_RECORDER;
  } else if (sg_i_is_multimeter(sm) && tm->kind == SG_KIND_NEURON) {
    out->cls = CLS_MM;
    if (receptor != 0)
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: receptor_type = %d is not accepted by multimeter -> %s connections: allowed 0",
                       receptor, tm->name);
    port = port_neg = SG_PORT_MULTIMETER;
    sg_status st = check_multimeter(sim, sp, tp);
    if (st) return st;
  } else {
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: cannot connect %s (%s, nodes %llu..%llu) -> %s (%s, nodes %llu..%llu): %s",
                     sm->name, kind_name(sm->kind), (unsigned long long)sp->first, (unsigned long long)(sp->first + sp->n - 1),
                     tm->name, kind_name(tm->kind), (unsigned long long)tp->first, (unsigned long long)(tp->first + tp->n - 1),
                     allowed);
  }
  if (port < 0 || port_neg < 0) {
    char acc[256];
    accepted_receptors(tp, current, acc, sizeof acc);
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: receptor_type = %d is not accepted by %s for %s input from %s: allowed %s",
                     receptor, tm->name, current ? "current" : "spike", sm->name, acc);
  }
  const int port_max = port > port_neg ? port : port_neg;
  if (port_max > 0xFFFF || (out->cls <= CLS_CURRENT && port_max >= (int)SG_PORT_MULTIMETER))
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s receptor %d maps to port %d: allowed ports < %u",
                     tm->name, receptor, port_max, SG_PORT_MULTIMETER);
  out->port = (uint16_t)port;
  out->port_neg = (uint16_t)port_neg;
  out->unit_weight = (uint8_t)(out->cls >= CLS_SREC ||
                               (out->cls == CLS_SPIKE && tm->id == SG_MODEL_parrot_neuron));
  return SG_OK;
}

/* Shape of a per-connection array for a rule, 0 = arrays not allowed. */
static uint64_t array_len(const plan *P) {
  switch (P->rule) {
  case R_ONE: return P->npre;
  case R_ALL: return P->npost * P->npre;
  case R_IN: return P->npost * P->K;
  case R_OUT: return P->npre * P->K;
  case R_TOTAL: return P->K;
  default: return 0;
  }
}

static const char *array_shape(const plan *P, char *buf, size_t len) {
  switch (P->rule) {
  case R_ONE: snprintf(buf, len, "n = %llu", (unsigned long long)P->npre); break;
  case R_ALL: snprintf(buf, len, "n_targets x n_sources = %llu x %llu = %llu, row-major by target", (unsigned long long)P->npost, (unsigned long long)P->npre, (unsigned long long)(P->npost * P->npre)); break;
  case R_IN: snprintf(buf, len, "n_targets x indegree = %llu x %llu = %llu", (unsigned long long)P->npost, (unsigned long long)P->K, (unsigned long long)(P->npost * P->K)); break;
  case R_OUT: snprintf(buf, len, "n_sources x outdegree = %llu x %llu = %llu", (unsigned long long)P->npre, (unsigned long long)P->K, (unsigned long long)(P->npre * P->K)); break;
  case R_TOTAL: snprintf(buf, len, "N = %llu", (unsigned long long)P->K); break;
  default: snprintf(buf, len, "none"); break;
  }
  return buf;
}

/* Validates a value spec; for scalars converts it (fixed). */
static sg_status check_value(sg_sim *sim, plan *P, const char *what, const sg_value *v, int is_delay) {
  char shape[160];
  switch (v->kind) {
  case SG_VALUE_SCALAR: {
    char msg[SG_MSG_LEN - 32];
    if (is_delay ? sg_i_delay_steps(sim, v->value, &P->d_val, msg, sizeof msg) : sg_i_weight_float(v->value, &P->w_val, msg, sizeof msg))
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s", msg);
    if (is_delay) P->d_fixed = 1; else P->w_fixed = 1;
    return SG_OK;
  }
  case SG_VALUE_ARRAY: {
    const uint64_t need = array_len(P);
    if (need == 0 && P->rule == R_BERN)
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s = array[%zu] with rule pairwise_bernoulli: allowed a scalar or a distribution (the number of connections is random)",
                       what, v->len);
    if (v->len != need || (need > 0 && !v->array))
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s = array[%zu]%s does not fit rule %s: allowed length %s",
                       what, v->len, v->array ? "" : " (NULL)", rule_names[P->rule], array_shape(P, shape, sizeof shape));
    for (size_t i = 0; i < v->len; ++i) {
      char msg[SG_MSG_LEN - 64];
      float f;
      uint32_t s;
      if (is_delay ? sg_i_delay_steps(sim, v->array[i], &s, msg, sizeof msg) : sg_i_weight_float(v->array[i], &f, msg, sizeof msg))
        return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s[%zu]: %s", what, i, msg);
    }
    return SG_OK;
  }
  default:
    return sg_i_dist_check(sim, "sg_connect", what, v);
  }
}

static sg_status check_mem(sg_sim *sim, const char *fn, const char *what, double bytes) {
  const uint64_t avail = sg_i_host_mem_available();
  if (avail && bytes > 0.9 * (double)avail)
    return sg_i_fail(sim, SG_ERR_NOMEM, "%s: %s need %.2f GiB of host memory, %.2f GiB available", fn, what,
                     bytes / GIB, (double)avail / GIB);
  return SG_OK;
}

/* ---- edges --------------------------------------------------------------------------------- */
void sg_i_edges_free(sg_edges *e) {
  if (!e) return;
  free(e->src); free(e->tgt); free(e->weight); free(e->delay); free(e->port); free(e->receptor);
  memset(e, 0, sizeof *e);
}

#define EDGE_BYTES (4 + 4 + 4 + 4 + 2 + 2)

/* Room for extra more edges. Content and n are unchanged on failure (cap may have grown). */
sg_status sg_i_edges_reserve(sg_sim *sim, sg_edges *e, size_t extra) {
  if (extra > SIZE_MAX / EDGE_BYTES - e->n)
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "sg_connect: %zu + %zu connections overflow the edge list", e->n, extra);
  const size_t need = e->n + extra;
  if (need <= e->cap) return SG_OK;
  size_t cap = need;
  const uint64_t avail = sg_i_host_mem_available();
  const size_t grown = e->cap + e->cap / 2;
  if (grown > cap && (!avail || (double)(grown - e->cap) * EDGE_BYTES < 0.5 * (double)avail)) cap = grown;
  if (cap < 1024) cap = 1024;
  sg_status st = check_mem(sim, "sg_connect", "the connections", (double)(cap - e->cap) * EDGE_BYTES);
  if (st) return st;
#define GROW(f)                                                                      \
  do {                                                                               \
    void *p_ = realloc(e->f, cap * sizeof *e->f);                                    \
    if (!p_) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_connect: out of memory for %zu connections (%.2f GiB)", cap, (double)cap * EDGE_BYTES / GIB); \
    e->f = p_;                                                                       \
  } while (0)
  GROW(src); GROW(tgt); GROW(weight); GROW(delay); GROW(port); GROW(receptor);
#undef GROW
  e->cap = cap;
  return SG_OK;
}

/* pairwise_bernoulli's expected count against the memory the connections need (see sg_connect). */
static sg_status check_bern_estimate(sg_sim *sim, const plan *P) {
  const uint64_t lo = P->pre0 > P->post0 ? P->pre0 : P->post0;
  const uint64_t hi = P->pre0 + P->npre < P->post0 + P->npost ? P->pre0 + P->npre : P->post0 + P->npost;
  /* forbidden self pairs: at most the overlap of the id spans, and at most the smaller side */
  const double most = (double)(P->npre < P->npost ? P->npre : P->npost);
  const double self = (!P->autapses && hi > lo) ? ((double)(hi - lo) < most ? (double)(hi - lo) : most) : 0.0;
  const double pairs = (double)P->npre * (double)P->npost - self;
  const double mean = P->p * pairs, sd = sqrt(pairs * P->p * (1.0 - P->p)), low = mean - 10.0 * sd;
  if (!(low > 0.0)) return SG_OK;
  if (low > (double)(SIZE_MAX / EDGE_BYTES))
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "sg_connect: pairwise_bernoulli with p = %g on %llu x %llu nodes makes about %.4g connections (p x %.4g pairs): too many for the edge list",
                     P->p, (unsigned long long)P->npre, (unsigned long long)P->npost, mean, pairs);
  const double have = (double)sim->edges.n, cap = (double)sim->edges.cap;
  const double bytes = have + low > cap ? (have + low - cap) * EDGE_BYTES : 0.0;
  const uint64_t avail = sg_i_host_mem_available();
  if (avail && bytes > 0.9 * (double)avail)
    return sg_i_fail(sim, SG_ERR_NOMEM, "sg_connect: pairwise_bernoulli with p = %g on %llu x %llu nodes makes about %.4g connections (p x %.4g pairs), which need %.2f GiB of host memory (%d bytes each until the network is built), %.2f GiB available: allowed about %.3g connections, i.e. p <= %.3g for these nodes, or smaller pre/post",
                     P->p, (unsigned long long)P->npre, (unsigned long long)P->npost, mean, pairs, bytes / GIB, EDGE_BYTES,
                     (double)avail / GIB, 0.9 * (double)avail / EDGE_BYTES, 0.9 * (double)avail / EDGE_BYTES / pairs);
  return SG_OK;
}

/* ---- sg_connect ---------------------------------------------------------------------------- */
static int rule_of(const char *name) {
  for (int r = 0; r < R_COUNT; ++r)
    if (strcmp(name, rule_names[r]) == 0) return r;
  return -1;
}

static int threads_now(const sg_sim *sim) {
  return sim->cfg.threads > 0 ? sim->cfg.threads : omp_get_max_threads();
}

/* What the phases of one sg_connect call share. Every buffer starts NULL and connect_free frees
 * them all, whether the call fails or succeeds. Before commit_call nothing of sim changes but the
 * edge list's capacity and the room past its end (sg_i_edges_reserve, generate_edges). */
typedef struct connect_call {
  sg_sim *sim;
  sg_nodes pre, post;
  sg_conn_spec cs;
  sg_syn_spec ss;
  plan P;                 /* owns P.sp, P.tp, P.pairs and P.off */
  uint64_t total;         /* new edges */
  int per_target;         /* the rule makes the edges target by target */
  double *delta;          /* [npost] sum of |weight| of each target's new edges */
  uint8_t *hit;           /* [npost] 1: the target gets a new edge that delivers */
  uint32_t dmin, dmax;    /* delays of the new edges that deliver (dmax 0: none) */
  /* MPI ranks (docs/mpi.md §3): ranks: the phases from count_connections on end with an
   * agreement of every rank; local: this rank draws only its own targets (a rule drawn per target
   * between neurons); the call's |w| check covers only this rank's targets */
  int ranks, local;
  int any;                /* local: some rank made an edge                                      */
  int64_t *tp_any, *sp_any;   /* local: [n_tp], [n_sp] (commit_ranks)                         */
} connect_call;

/* The spec's names and flags. */
static sg_status check_spec(connect_call *c) {
  sg_sim *sim = c->sim;
  const sg_conn_spec *cs = &c->cs;
  plan *P = &c->P;
  sg_status st;
  if ((st = sg_i_nodes_norm(sim, "sg_connect", "pre", &c->pre))) return st;
  if ((st = sg_i_nodes_norm(sim, "sg_connect", "post", &c->post))) return st;
  P->sim = sim;
  P->rule = rule_of(cs->rule);
  if (P->rule < 0)
    return sg_i_fail(sim, SG_ERR_UNKNOWN, "sg_connect: rule '%s' is unknown: allowed all_to_all, one_to_one, fixed_indegree, fixed_outdegree, fixed_total_number, pairwise_bernoulli", cs->rule);
  if (strcmp(c->ss.model, "static_synapse") != 0)
    return sg_i_fail(sim, SG_ERR_UNKNOWN, "sg_connect: synapse model '%s' is unknown: allowed static_synapse", c->ss.model);
  if (cs->allow_autapses != 0 && cs->allow_autapses != 1)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: allow_autapses = %d: allowed 0 or 1", cs->allow_autapses);
  if (cs->allow_multapses != 0 && cs->allow_multapses != 1)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: allow_multapses = %d: allowed 0 or 1", cs->allow_multapses);
  P->autapses = cs->allow_autapses;
  P->multapses = cs->allow_multapses;
  P->pre0 = c->pre.first; P->npre = c->pre.n; P->post0 = c->post.first; P->npost = c->post.n;
  P->pre_ids = c->pre.ids; P->post_ids = c->post.ids;
  return SG_OK;
}

/* The rule's own parameters against the sizes of pre and post. */
static sg_status check_rule(connect_call *c) {
  sg_sim *sim = c->sim;
  const sg_conn_spec *cs = &c->cs;
  const sg_nodes pre = c->pre, post = c->post;
  plan *P = &c->P;
  const int overlap = nodes_overlap(pre, post);
  switch (P->rule) {
  case R_ONE:
    if (pre.n != post.n)
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: one_to_one needs pre and post of the same size: pre has %llu nodes, post %llu",
                       (unsigned long long)pre.n, (unsigned long long)post.n);
    break;
  case R_IN:
  case R_OUT: {
    const int in = P->rule == R_IN;
    const char *nm = in ? "indegree" : "outdegree";
    const uint64_t K = in ? cs->indegree : cs->outdegree, n = in ? pre.n : post.n;
    const char *side = in ? "pre" : "post";
    P->K = K;
    if (K > ((uint64_t)1 << 32))
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s = %llu: allowed at most 2^32", nm, (unsigned long long)K);
    if (!P->multapses && K > n)
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s = %llu > %llu nodes in %s with allow_multapses = 0: allowed %s <= %llu",
                       nm, (unsigned long long)K, (unsigned long long)n, side, nm, (unsigned long long)n);
    if (K > 0 && !P->autapses && overlap) {
      /* an element that is also on the other side has one candidate less */
      if (!P->multapses && K > n - 1)
        return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s = %llu with allow_autapses = 0 and allow_multapses = 0: nodes in both pre and post have only %llu candidates: allowed %s <= %llu",
                         nm, (unsigned long long)K, (unsigned long long)(n - 1), nm, (unsigned long long)(n - 1));
      if (n == 1)
        return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: %s = %llu with allow_autapses = 0: node %llu's only candidate is itself: allowed %s = 0 or allow_autapses = 1",
                         nm, (unsigned long long)K, (unsigned long long)(in ? pre.first : post.first), nm);
    }
    break;
  }
  case R_TOTAL:
    P->K = cs->N;
    if (!P->multapses)
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: fixed_total_number with allow_multapses = 0: allowed allow_multapses = 1 (as in NEST)");
    if (cs->N > ((uint64_t)1 << 40))
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: N = %llu: allowed at most 2^40", (unsigned long long)cs->N);
    if (cs->N > 0 && !P->autapses && pre.n == 1 && post.n == 1 && pre.first == post.first)
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: fixed_total_number N = %llu with allow_autapses = 0: the only pair %llu -> %llu is an autapse",
                       (unsigned long long)cs->N, (unsigned long long)pre.first, (unsigned long long)post.first);
    break;
  case R_BERN:
    if (!(cs->p >= 0.0 && cs->p <= 1.0))
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: p = %g is out of range: allowed [0, 1]", cs->p);
    P->p = cs->p;
    P->log1mp = log1m(cs->p);
    break;
  default: break;
  }
  return SG_OK;
}

/* The receptor's range (what each target accepts is plan_pairs' check). */
static sg_status check_receptor(connect_call *c) {
  if (c->ss.receptor_type < 0 || c->ss.receptor_type > 0xFFFF)
    return sg_i_fail(c->sim, SG_ERR_ARG, "sg_connect: receptor_type = %d: allowed 0..65535 (and what the target accepts)", c->ss.receptor_type);
  return SG_OK;
}

/* Populations and directions: the spans of pre and post, and what each (source, target)
 * population pair makes. */
static sg_status plan_pairs(connect_call *c) {
  sg_sim *sim = c->sim;
  plan *P = &c->P;
  sg_status st;
  if ((st = spans_of(sim, c->pre, &P->sp, &P->n_sp))) return st;
  if ((st = spans_of(sim, c->post, &P->tp, &P->n_tp))) return st;
  P->pairs = malloc(P->n_sp * P->n_tp * sizeof *P->pairs);
  if (!P->pairs) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_connect: out of memory");
  for (size_t i = 0; i < P->n_sp; ++i)
    for (size_t j = 0; j < P->n_tp; ++j)
      if ((st = pair_of(sim, P->sp[i].pop, P->tp[j].pop, c->ss.receptor_type, &P->pairs[i * P->n_tp + j]))) return st;
  return SG_OK;
}

/* Values (weight, delay), the rest of the plan, and what can be refused before any work. */
static sg_status plan_values(connect_call *c) {
  sg_sim *sim = c->sim;
  plan *P = &c->P;
  sg_status st;
  P->w = c->ss.weight;
  P->d = c->ss.delay;
  if ((st = check_value(sim, P, "weight", &c->ss.weight, 0))) return st;
  if ((st = check_value(sim, P, "delay", &c->ss.delay, 1))) return st;
  if (P->d_fixed) {   /* a scalar delay that the ring cannot hold is refused before any work */
    int delivers = 0;
    for (size_t i = 0; i < P->n_sp * P->n_tp && !delivers; ++i) delivers = P->pairs[i].cls <= CLS_CURRENT;
    if (delivers && (st = sg_i_check_ring(sim, P->d_val))) return st;
  }

  P->receptor = (uint16_t)c->ss.receptor_type;
  P->seed = sim->cfg.seed;
  P->stream = SG_STREAM_CONNECT;
  P->call = (uint32_t)sim->n_connect_calls;   /* < 2^32: checked on entry */
  P->err_elem = UINT64_MAX;
  P->err_code = SG_OK;
  P->e = &sim->edges;
  P->base = sim->edges.n;
  P->n_threads = threads_now(sim);

  /* pairwise_bernoulli: the count is random, and counting walks every new connection (minutes for
   * 10^10 pairs). Refuse at once when even a count 10 standard deviations below the expected
   * p x pairs (a smaller count has probability < 1e-23) would not fit the edge list. */
  if (P->rule == R_BERN && P->p > 0.0 && (st = check_bern_estimate(sim, P))) return st;
  return SG_OK;
}

/* MPI ranks: whether this rank draws only its own targets. A rule drawn target by target
 * (all_to_all, one_to_one, fixed_indegree, pairwise_bernoulli: a target's draws do not depend on
 * the others') between neurons only (generator and recorder connections stay on every rank):
 * every rank draws its targets' rows, and the counts, the delay range and the errors of the whole
 * call are agreed on. Source-side rules keep the full draw on every rank (keep_local_edges). */
static sg_status plan_ranks(connect_call *c) {
  const plan *P = &c->P;
  c->ranks = sg_mpi_size() > 1;
  c->local = c->ranks && (P->rule == R_ALL || P->rule == R_ONE || P->rule == R_IN || P->rule == R_BERN);
  for (size_t i = 0; i < P->n_sp && c->local; ++i) c->local = P->sp[i].pop->model->kind == SG_KIND_NEURON;
  for (size_t j = 0; j < P->n_tp && c->local; ++j) c->local = P->tp[j].pop->model->kind == SG_KIND_NEURON;
  if (c->local && (!(c->tp_any = calloc(P->n_tp, sizeof *c->tp_any)) || !(c->sp_any = calloc(P->n_sp, sizeof *c->sp_any))))
    return sg_i_fail(c->sim, SG_ERR_NOMEM, "sg_connect: out of memory");
  return SG_OK;
}

/* MPI ranks: a phase's status, alike on every rank (collective): the error of the lowest element
 * (a draw, or a target over the |w| bound) where one has an element, else the lowest failing
 * rank's (sg_mpi_agree). A full draw fails alike everywhere; a rank's own targets' draws on the
 * rank that owns them. */
static sg_status connect_agree(connect_call *c, sg_status st) {
  const plan *P = &c->P;
  uint64_t lowest = st != SG_OK ? P->err_elem : UINT64_MAX;
  sg_mpi_min_u64(&lowest, 1);
  const int mine = lowest == UINT64_MAX || (st != SG_OK && P->err_elem == lowest) ? (int)st : (int)SG_OK;
  return (sg_status)sg_mpi_agree(mine, c->sim->msg, sizeof c->sim->msg);
}

/* Whether this rank draws element x of a per-target rule (its target): every one in one process. */
static int draws_element(const connect_call *c, uint64_t x) {
  return !c->local || sg_i_rank_owns(c->sim, post_at(&c->P, x));
}

/* Counts per element (their prefix sums in P.off), the total, and room for it in the edge list. */
static sg_status count_connections(connect_call *c) {
  sg_sim *sim = c->sim;
  plan *P = &c->P;
  sg_status st;
  uint64_t total = 0;
  c->per_target = P->rule == R_ALL || P->rule == R_ONE || P->rule == R_IN || P->rule == R_BERN;
  if (P->rule == R_TOTAL) {
    total = P->K;
  } else {
    P->n_elem = P->rule == R_OUT ? P->npre : P->npost;
    if ((st = check_mem(sim, "sg_connect", "the per-node work arrays", (double)(P->n_elem + 1) * 17.0))) return st;
    uint64_t *off = P->off = malloc((size_t)(P->n_elem + 1) * sizeof *off);
    if (!off) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_connect: out of memory");
    off[0] = 0;
    const int64_t ne = (int64_t)P->n_elem;
#pragma omp parallel for schedule(dynamic, 256) num_threads(P->n_threads)
    for (int64_t x = 0; x < ne; ++x) off[x + 1] = draws_element(c, (uint64_t)x) ? gen_element(P, NULL, (uint64_t)x, 0) : 0;
    for (uint64_t x = 0; x < P->n_elem; ++x) {
      if (off[x + 1] > UINT64_MAX - off[x]) return sg_i_fail(sim, SG_ERR_OVERFLOW, "sg_connect: connection count overflows");
      off[x + 1] += off[x];
    }
    total = off[P->n_elem];
  }
  if (total > (uint64_t)(SIZE_MAX / EDGE_BYTES))
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "sg_connect: %llu connections: too many", (unsigned long long)total);
  c->total = total;
  double scratch_bytes = 0.0;
  if ((P->rule == R_IN || P->rule == R_OUT) && !P->multapses)
    scratch_bytes = (double)P->n_threads * (double)(P->rule == R_IN ? P->npre : P->npost) * 4.25 + (double)P->n_threads * (double)P->K * 4.0;
  const double grow = sim->edges.n + total > sim->edges.cap ? (double)(sim->edges.n + total - sim->edges.cap) * EDGE_BYTES : 0.0;
  char what[96];
  snprintf(what, sizeof what, "%llu new connections", (unsigned long long)total);
  if ((st = check_mem(sim, "sg_connect", what, grow + scratch_bytes + (double)P->npost * 9.0))) return st;
  return sg_i_edges_reserve(sim, &sim->edges, (size_t)total);
}

/* Generate into the reserved room past the edge list's end. Per-target rules also sum |w| of
 * each target's new edges while they are hot in cache (connection order); sum_targets does it
 * for the other rules. */
static sg_status generate_edges(connect_call *c) {
  sg_sim *sim = c->sim;
  plan *P = &c->P;
  const uint64_t total = c->total;
  c->delta = calloc((size_t)P->npost, sizeof *c->delta);
  c->hit = calloc((size_t)P->npost, 1);
  if (!c->delta || !c->hit) return sg_i_fail(sim, SG_ERR_NOMEM, "sg_connect: out of memory");
  double *delta = c->delta;
  uint8_t *hit = c->hit;
  const sg_edges *E = &sim->edges;
  const size_t b = P->base;
  const uint64_t *off = P->off;
  const int per_target = c->per_target;
  uint32_t dmin = UINT32_MAX, dmax = 0;
  if (P->rule == R_TOTAL) {
    const int64_t n = (int64_t)total;
#pragma omp parallel for schedule(dynamic, 4096) num_threads(P->n_threads)
    for (int64_t i = 0; i < n; ++i) {
      if ((uint64_t)i > err_elem_now(P)) continue;
      gen_total_pair(P, (uint64_t)i);
    }
  } else {
    const int64_t ne = (int64_t)P->n_elem;
#pragma omp parallel num_threads(P->n_threads) reduction(min : dmin) reduction(max : dmax)
    {
      scratch S = {0};
#pragma omp for schedule(dynamic, 64)
      for (int64_t x = 0; x < ne; ++x) {
        if ((uint64_t)x > err_elem_now(P) || !draws_element(c, (uint64_t)x)) continue;
        gen_element(P, &S, (uint64_t)x, 1);
        /* after any error the call fails: a failed element's slots are unwritten, skip them */
        if (!per_target || err_elem_now(P) != UINT64_MAX) continue;
        double sum = 0.0;
        uint8_t h = 0;
        for (uint64_t i = b + off[x]; i < b + off[x + 1]; ++i)
          if (E->port[i] < SG_PORT_MULTIMETER) {
            sum += fabs((double)E->weight[i]);
            h = 1;
            if (!P->d_fixed) {
              if (E->delay[i] < dmin) dmin = E->delay[i];
              if (E->delay[i] > dmax) dmax = E->delay[i];
            }
          }
        delta[x] = sum;
        hit[x] = h;
      }
      free(S.bits);
      free(S.list);
    }
  }
  c->dmin = dmin;
  c->dmax = dmax;
  if (P->err_code) return sg_i_fail(sim, P->err_code, "%s", P->err_msg);
  return SG_OK;
}

/* |w| sums and delay range of the rules that are not per target (one pass over the new
 * edges); a scalar delay is the range of every rule whose edges deliver. Cannot fail. */
static sg_status sum_targets(connect_call *c) {
  const plan *P = &c->P;
  const sg_edges *E = &c->sim->edges;
  const size_t b = P->base;
  uint32_t dmin = c->dmin, dmax = c->dmax;
  if (!c->per_target)
    for (uint64_t i = b; i < b + c->total; ++i)
      if (E->port[i] < SG_PORT_MULTIMETER) {
        const uint64_t t = post_pos(P, (uint64_t)E->tgt[i] + 1);
        c->delta[t] += fabs((double)E->weight[i]);
        c->hit[t] = 1;
        if (!P->d_fixed) {
          if (E->delay[i] < dmin) dmin = E->delay[i];
          if (E->delay[i] > dmax) dmax = E->delay[i];
        }
      }
  if (P->d_fixed)
    for (uint64_t t = 0; t < P->npost; ++t)
      if (c->hit[t]) { dmin = dmax = P->d_val; break; }
  c->dmin = dmin;
  c->dmax = dmax;
  return SG_OK;
}

/* The ring for the longest new delay, and the overflow bound: old sum + |w| of the new edges
 * (connection order) per target. */
static sg_status check_targets(connect_call *c) {
  sg_sim *sim = c->sim;
  plan *P = &c->P;
  sg_status st;
  if (c->local) {   /* the delay range of every rank's edges */
    uint64_t dmin = c->dmin;
    int64_t dmax = c->dmax;
    sg_mpi_min_u64(&dmin, 1);
    sg_mpi_max_i64(&dmax, 1);
    c->dmin = (uint32_t)dmin;
    c->dmax = (uint32_t)dmax;
  }
  if (c->dmax > 0 && (st = sg_i_check_ring(sim, c->dmax))) return st;
  /* with ranks each checks its own targets (their sums are kept there only): the lowest target
   * that fails is the call's error on every rank (connect_agree) */
  for (uint64_t t = 0; t < P->npost; ++t)
    if (c->hit[t] && (!c->ranks || sg_i_rank_owns(sim, post_at(P, t))) &&
        sim->abs_w_sum[post_at(P, t) - 1] + c->delta[t] > (double)SG_FX_MAX_ABS_SUM) {
      P->err_elem = t;
      return sg_i_fail(sim, SG_ERR_OVERFLOW, "sg_connect: target %llu: the sum of |weight| of its incoming connections would be %.17g > %.17g (2^30), which the 64-bit fixed-point input could overflow: allowed smaller weights or fewer connections",
                       (unsigned long long)post_at(P, t), sim->abs_w_sum[post_at(P, t) - 1] + c->delta[t], (double)SG_FX_MAX_ABS_SUM);
    }
  return SG_OK;
}

/* MPI ranks (docs/mpi.md): a rank keeps the neuron -> neuron synapses of the neurons it owns
 * (target-side storage) and drops the others' after they were drawn, in place; generator and
 * recorder connections stay on every rank (generators draw per target index, recorders see every
 * spike). A call drawn in full on every rank (source-side rules, calls with generators or
 * recorders) has the whole network's counts, |w| sums and delay range above; a call drawn target
 * by target on each rank (plan_ranks) made only this rank's edges, and nothing is dropped.
 * Returns the number kept of the n edges from b. */
static size_t keep_local_edges(sg_sim *sim, size_t b, size_t n) {
  const int rank = sg_mpi_rank(), size = sg_mpi_size();
  if (size == 1) return n;
  sg_edges *e = &sim->edges;
  size_t k = b;
  for (size_t i = b; i < b + n; ++i) {
    sg_pop *sp = sg_i_pop_of(sim, (uint64_t)e->src[i] + 1), *tp = sg_i_pop_of(sim, (uint64_t)e->tgt[i] + 1);
    if (e->port[i] < SG_PORT_MULTIMETER && sp->model->kind == SG_KIND_NEURON && tp->model->kind == SG_KIND_NEURON) {
      uint64_t lo, hi;
      sg_mpi_share_of(tp->n, rank, size, &lo, &hi);
      const uint64_t t = (uint64_t)e->tgt[i] + 1 - tp->first;
      if (t < lo || t >= hi) {   /* another rank's; both ends stay "connected" here too (sg_create_undo) */
        sim->n_syn_remote++;
        sp->has_remote_edges = 1;
        tp->has_remote_edges = 1;
        continue;
      }
    }
    if (k != i) {
      e->src[k] = e->src[i]; e->tgt[k] = e->tgt[i]; e->weight[k] = e->weight[i];
      e->delay[k] = e->delay[i]; e->port[k] = e->port[i]; e->receptor[k] = e->receptor[i];
    }
    ++k;
  }
  return k - b;
}

/* MPI ranks, a call whose targets each rank drew alone (collective): the synapses the other ranks
 * keep (counted as keep_local_edges counts them), and which target populations got connections and
 * which source populations sent some on any rank (into c->tp_any, c->any), so that every rank
 * marks the populations as one process marks them. */
static void commit_ranks(connect_call *c) {
  sg_sim *sim = c->sim;
  const plan *P = &c->P;
  const sg_edges *e = &sim->edges;
  uint64_t all = c->total;
  sg_mpi_sum_u64(&all, 1);
  sim->n_syn_remote += all - c->total;
  c->any = all > 0;
  for (size_t j = 0; j < P->n_tp; ++j)
    for (uint64_t t = P->tp[j].p0; t < P->tp[j].p1 && !c->tp_any[j]; ++t) c->tp_any[j] = c->hit[t];
  for (size_t i = P->base; i < P->base + c->total; ++i)   /* the new edges, kept in place */
    c->sp_any[span_of(P->sp, P->n_sp, (uint64_t)e->src[i] + 1)] = 1;
  sg_mpi_max_i64(c->tp_any, P->n_tp);
  sg_mpi_max_i64(c->sp_any, P->n_sp);
  for (size_t j = 0; j < P->n_tp; ++j)
    if (c->tp_any[j]) P->tp[j].pop->has_remote_edges = 1;
  for (size_t i = 0; i < P->n_sp; ++i)
    if (c->sp_any[i]) P->sp[i].pop->has_remote_edges = 1;
}

/* Commit: nothing can fail from here on. */
static void commit_call(connect_call *c) {
  sg_sim *sim = c->sim;
  const plan *P = &c->P;
  const uint8_t *hit = c->hit;
  const uint32_t dmin = c->dmin, dmax = c->dmax;
  sim->edges.n += keep_local_edges(sim, sim->edges.n, (size_t)c->total);
  if (c->local) commit_ranks(c);
  for (uint64_t t = 0; t < P->npost; ++t)
    if (hit[t]) sim->abs_w_sum[post_at(P, t) - 1] += c->delta[t];
  if (dmax > 0) {
    if (sim->max_delay == 0 || sim->min_delay == 0) { sim->min_delay = dmin; sim->max_delay = dmax; }
    else {
      if (dmin < sim->min_delay) sim->min_delay = dmin;
      if (dmax > sim->max_delay) sim->max_delay = dmax;
    }
  }
  for (size_t j = 0; j < P->n_tp; ++j) {
    int any = 0;
    for (uint64_t t = P->tp[j].p0; t < P->tp[j].p1 && !any; ++t) any = hit[t];
    if (!any && !(c->local && c->tp_any[j])) continue;   /* local: some rank's edges hit it */
    P->tp[j].pop->has_connections = 1;
    for (size_t i = 0; i < P->n_sp; ++i) {   /* the ports its synapses write (both signs: may) */
      const pair_info *pi = &P->pairs[i * P->n_tp + j];
      if (pi->cls > CLS_CURRENT) continue;
      sg_i_mark_fed(P->tp[j].pop, pi->port);
      sg_i_mark_fed(P->tp[j].pop, pi->port_neg);
    }
  }
  if (c->total > 0 || c->any) {
    for (size_t i = 0; i < P->n_sp; ++i)
      if (P->sp[i].pop->model->kind != SG_KIND_NEURON) P->sp[i].pop->has_device_connections = 1;
    for (size_t j = 0; j < P->n_tp; ++j)
      if (P->tp[j].pop->model->kind != SG_KIND_NEURON) P->tp[j].pop->has_device_connections = 1;
  }
  sim->n_connect_calls++;
  sim->dirty = 1;
}

/* The one cleanup of a call, on success and failure alike. */
static void connect_free(connect_call *c) {
  free(c->P.sp); free(c->P.tp); free(c->P.pairs); free(c->P.off); free(c->delta); free(c->hit);
  free(c->tp_any); free(c->sp_any);
  memset(c, 0, sizeof *c);
}

/* The phases up to the commit, in order; the first that fails ends the call (it has set the
 * error). */
static sg_status (*const connect_phases[])(connect_call *) = {
  check_spec, check_rule, check_receptor, plan_pairs, plan_values, plan_ranks, count_connections,
  generate_edges, sum_targets, check_targets,
};

/* A procedural call (host/proc.c): what it may connect, then its own checks and commit. */
static sg_status proc_handoff(connect_call *c) {
  sg_sim *sim = c->sim;
  const plan *P = &c->P;
  static const int proc_rule[R_COUNT] = {SG_PROC_ALL, SG_PROC_ONE, -1, SG_PROC_OUT, SG_PROC_TOTAL, SG_PROC_BERN};
  if (c->cs.procedural != 1)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: procedural = %d: allowed 0 or 1", c->cs.procedural);
  /* A row is a list of positions in pre and post turned into ids by adding pre0 / post0 (sg/proc.h,
   * both backends): a set that is not one run of consecutive ids (check_spec has made a dense id
   * list a range) would need its id list on the device and in every walk. */
  if (c->pre.ids || c->post.ids) {
    const sg_nodes x = c->pre.ids ? c->pre : c->post;
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: procedural %s is a set of %llu ids from %llu to %llu that are not consecutive: allowed ranges of consecutive ids for pre and post with procedural = 1; connect each run of consecutive ids of the set in a call of its own, or use procedural = 0 (stored connections take any set)",
                     c->pre.ids ? "pre" : "post", (unsigned long long)x.n, (unsigned long long)x.ids[0],
                     (unsigned long long)x.ids[x.n - 1]);
  }
  if (proc_rule[P->rule] < 0)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: rule %s cannot be procedural (a target's sources are drawn per target, so a source's row cannot be drawn alone): allowed procedural rules all_to_all, one_to_one, fixed_outdegree, fixed_total_number, pairwise_bernoulli (p = indegree / n_pre draws the same mean indegree), or procedural = 0",
                     rule_names[P->rule]);
  if (P->n_tp != 1 || P->tp[0].pop->model->kind != SG_KIND_NEURON)
    return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: procedural post = ids %llu..%llu spans %zu population(s)%s: allowed neurons of one population (connect each population separately)",
                     (unsigned long long)c->post.first, (unsigned long long)(c->post.first + c->post.n - 1), P->n_tp,
                     P->tp[0].pop->model->kind != SG_KIND_NEURON ? " that are not neurons" : "");
  for (size_t i = 0; i < P->n_sp; ++i)
    if (P->sp[i].pop->model->kind != SG_KIND_NEURON)
      return sg_i_fail(sim, SG_ERR_ARG, "sg_connect: procedural pre includes %s (%s): allowed neuron sources only (generators and recorders are stored connections)",
                       P->sp[i].pop->name, P->sp[i].pop->model->name);
  sg_i_proc_req r;
  memset(&r, 0, sizeof r);
  r.rule = proc_rule[P->rule];
  r.pre = c->pre; r.post = c->post;
  r.tpop = P->tp[0].pop;
  r.K = c->cs.outdegree; r.N = c->cs.N;
  r.p = P->p; r.log1mp = P->log1mp;
  r.autapses = P->autapses; r.multapses = P->multapses;
  r.w = c->ss.weight; r.d = c->ss.delay;
  r.receptor = c->ss.receptor_type;
  r.port = P->pairs[0].port; r.port_neg = P->pairs[0].port_neg;   /* the same for every source population */
  r.unit_weight = P->pairs[0].unit_weight;
  /* the common checks of a value (ranges of the distribution parameters) */
  plan V = *P;
  sg_status st;
  if (r.w.kind != SG_VALUE_ARRAY && (st = check_value(sim, &V, "weight", &r.w, 0))) return st;
  if (r.d.kind != SG_VALUE_ARRAY && r.d.kind != SG_VALUE_SCALAR && (st = check_value(sim, &V, "delay", &r.d, 1))) return st;
  return sg_i_proc_connect(sim, &r);
}

static sg_status (*const proc_phases[])(connect_call *) = {check_spec, check_rule, check_receptor, plan_pairs, proc_handoff};

sg_status sg_connect(sg_sim *sim, sg_nodes pre, sg_nodes post, const sg_conn_spec *conn,
                     const sg_syn_spec *syn) {
  if (!sim) return SG_ERR_ARG;
  if (sim->n_connect_calls > UINT32_MAX)
    return sg_i_fail(sim, SG_ERR_OVERFLOW, "sg_connect: %llu sg_connect calls have succeeded in this simulation: allowed at most %llu (2^32), since each call's random draws are told apart by a 32-bit call index (docs/rng.md); connect larger node groups per call",
                     (unsigned long long)sim->n_connect_calls, (unsigned long long)UINT32_MAX + 1);
  connect_call c;
  memset(&c, 0, sizeof c);
  c.sim = sim;
  c.pre = pre;
  c.post = post;
  if (conn) c.cs = *conn; else sg_conn_spec_default(&c.cs);
  if (syn) c.ss = *syn; else sg_syn_spec_default(&c.ss);
  if (!c.cs.rule) c.cs.rule = "all_to_all";
  if (!c.ss.model) c.ss.model = "static_synapse";
  sg_status st = SG_OK;
  if (c.cs.procedural) {
    for (size_t i = 0; !st && i < sizeof proc_phases / sizeof *proc_phases; ++i) st = proc_phases[i](&c);
    connect_free(&c);
    return st;
  }
  for (size_t i = 0; !st && i < sizeof connect_phases / sizeof *connect_phases; ++i) {
    st = connect_phases[i](&c);
    if (c.ranks) st = connect_agree(&c, st);   /* MPI ranks: every rank ends at the same phase */
  }
  if (!st) commit_call(&c);
  connect_free(&c);
  return st;
}

/* ---- queries ------------------------------------------------------------------------------- */
/* One connection as reported. */
typedef struct conn_rec {
  uint64_t tgt;      /* gid */
  uint64_t seq;      /* tie-break: CSR order, then connection order */
  double w, d;
  int receptor;
} conn_rec;

/* Decoding of ring inputs: neuron populations sorted by input_base (= by input_gbase: both are
 * assigned in the same order). [0]: this rank's ring (the neuron CSR), [1]: the network's
 * numbering (the generator CSR), host/csr.c. */
typedef struct in_pop {
  uint64_t base[2], end[2], w[2], lo[2];   /* inputs, port stride, first node */
  const sg_pop *pop;
  int *rec_spike, *rec_current;   /* [n_ports]: receptor of a port (-1 none) */
} in_pop;

typedef struct decoder {
  in_pop *p; size_t n;
} decoder;

static int cmp_in_pop(const void *a, const void *b) {
  const in_pop *x = a, *y = b;
  return x->base[1] < y->base[1] ? -1 : x->base[1] > y->base[1];
}

static void decoder_free(decoder *D) {
  for (size_t i = 0; i < D->n; ++i) { free(D->p[i].rec_spike); free(D->p[i].rec_current); }
  free(D->p);
  D->p = NULL; D->n = 0;
}

static int decoder_init(const sg_sim *sim, decoder *D) {
  D->p = calloc(sim->n_pops ? sim->n_pops : 1, sizeof *D->p);
  D->n = 0;
  if (!D->p) return 1;
  for (size_t i = 0; i < sim->n_pops; ++i) {
    const sg_pop *pop = sim->pops[i];
    if (pop->model->kind != SG_KIND_NEURON || !pop->inputs_assigned || pop->n_ports == 0) continue;
    in_pop *q = &D->p[D->n++];
    q->base[0] = pop->input_base; q->w[0] = pop->n - pop->in_gap; q->lo[0] = pop->in_lo;
    q->base[1] = pop->input_gbase; q->w[1] = pop->n; q->lo[1] = 0;
    for (int g = 0; g < 2; ++g) q->end[g] = q->base[g] + (uint64_t)pop->n_ports * q->w[g];
    q->pop = pop;
    q->rec_spike = malloc(pop->n_ports * sizeof(int));
    q->rec_current = malloc(pop->n_ports * sizeof(int));
    if (!q->rec_spike || !q->rec_current) { decoder_free(D); return 1; }
    for (uint32_t k = 0; k < pop->n_ports; ++k) q->rec_spike[k] = q->rec_current[k] = -1;
    const int rmax = 256 + 4 * (int)pop->n_ports;
    for (int r = rmax - 1; r >= 0; --r) {   /* downwards: the lowest receptor of a port wins */
      const int ps = pop->model->spike_port(pop, r, 1.0), pn = pop->model->spike_port(pop, r, -1.0);
      const int pc = pop->model->current_port(pop, r);
      if (pn >= 0 && pn < (int)pop->n_ports) q->rec_spike[pn] = r;
      if (ps >= 0 && ps < (int)pop->n_ports) q->rec_spike[ps] = r;
      if (pc >= 0 && pc < (int)pop->n_ports) q->rec_current[pc] = r;
    }
  }
  if (D->n > 1) qsort(D->p, D->n, sizeof *D->p, cmp_in_pop);
  return 0;
}

/* input of the neuron CSR (gen = 0) or the generator CSR (gen = 1) -> (target gid, receptor); 0 if unknown */
static uint64_t decode_input(const decoder *D, uint32_t input, int gen, int current, int *receptor) {
  size_t lo = 0, hi = D->n;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (D->p[mid].end[gen] <= input) lo = mid + 1; else hi = mid;
  }
  if (lo >= D->n || input < D->p[lo].base[gen]) { *receptor = -1; return 0; }
  const in_pop *q = &D->p[lo];
  const uint64_t rel = input - q->base[gen], port = rel / q->w[gen], i = rel % q->w[gen] + q->lo[gen];
  const int r = current ? q->rec_current[port] : q->rec_spike[port];
  *receptor = r >= 0 ? r : (int)port;
  return q->pop->first + i;
}

/* gid in r ({0, 0}: any node). */
static int in_range(uint64_t gid, sg_nodes r) { return r.n == 0 || sg_nodes_find(r, gid) != UINT64_MAX; }
/* The sources a query walks: the ids of pre in order, or every node for {0, 0}. */
static uint64_t query_n(const sg_sim *sim, sg_nodes pre) { return pre.n ? pre.n : sim->n_nodes; }
static uint64_t query_at(sg_nodes pre, uint64_t p) { return pre.n ? sg_nodes_at(pre, p) : p + 1; }

static double steps_ms(const sg_sim *sim, uint64_t steps) {
  return (double)(steps * (uint64_t)sim->tics_per_step) * (1.0 / SG_TICS_PER_MS);
}

typedef struct edge_ref { uint32_t src; size_t i; } edge_ref;
static int cmp_edge_ref(const void *a, const void *b) {
  const edge_ref *x = a, *y = b;
  if (x->src != y->src) return x->src < y->src ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* (target, delay, receptor, weight): a total order on what the caller sees, so connections of one
 * (source, target) pair come out the same whether they still wait in the edge list or already sit
 * in the CSR (which groups a row by delay); seq only orders copies that are identical anyway. */
static int cmp_conn(const void *a, const void *b) {
  const conn_rec *x = a, *y = b;
  if (x->tgt != y->tgt) return x->tgt < y->tgt ? -1 : 1;
  if (x->d != y->d) return x->d < y->d ? -1 : 1;
  if (x->receptor != y->receptor) return x->receptor < y->receptor ? -1 : 1;
  if (x->w != y->w) return x->w < y->w ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct gather { conn_rec *r; size_t n, cap; } gather;
static int gather_push(gather *g, uint64_t tgt, double w, double d, int receptor) {
  if (g->n == g->cap) {
    size_t cap = g->cap ? 2 * g->cap : 256;
    conn_rec *r = realloc(g->r, cap * sizeof *r);
    if (!r) return 1;
    g->r = r; g->cap = cap;
  }
  conn_rec *c = &g->r[g->n];
  c->tgt = tgt; c->seq = g->n; c->w = w; c->d = d; c->receptor = receptor;
  g->n++;
  return 0;
}

static void gather_csr_row(const sg_sim *sim, const sg_csr *c, const decoder *D, uint64_t row,
                           int current, sg_nodes post, gather *g, int *fail) {
  if (!c->row_seg || row >= c->n_rows) return;
  for (uint64_t s = c->row_seg[row]; s < c->row_seg[row + 1]; ++s) {
    const uint64_t start = sg_csr_seg_begin(c->seg_end, s), end = sg_csr_seg_end(c->seg_end, s);
    const double d = steps_ms(sim, c->seg_delay[s]);
    for (uint64_t k = start; k < end; ++k) {
      int rec;
      const uint64_t tgt = decode_input(D, c->input[k], c == &sim->gen_csr, current, &rec);
      if (!in_range(tgt, post)) continue;
      if (gather_push(g, tgt, (double)c->weight[k], d, rec)) { *fail = 1; return; }
    }
  }
}

static uint64_t count_csr_row(const sg_csr *c, int gen, const decoder *D, uint64_t row, sg_nodes post) {
  if (!c->row_seg || row >= c->n_rows) return 0;
  const uint64_t s0 = c->row_seg[row], s1 = c->row_seg[row + 1];
  if (s0 == s1) return 0;
  const uint64_t a = sg_csr_seg_begin(c->seg_end, s0), b = c->seg_end[s1 - 1];
  if (post.n == 0) return b - a;
  uint64_t n = 0;
  for (uint64_t k = a; k < b; ++k) {
    int rec;
    n += in_range(decode_input(D, c->input[k], gen, 0, &rec), post);
  }
  return n;
}

/* A procedural synapse into the gather (sg_i_proc_walk's emit). */
typedef struct proc_gather { const sg_sim *sim; gather *g; int receptor, fail; } proc_gather;
static int proc_push(void *ctx, uint64_t tgt, float w, uint32_t d) {
  proc_gather *x = ctx;
  x->fail |= gather_push(x->g, tgt, (double)w, steps_ms(x->sim, d), x->receptor);
  return x->fail;
}

/* Connections in the CSRs, procedural projections (drawn again), recorder rows and multimeter
 * lists with source in pre, target in post. */
static uint64_t count_built(const sg_sim *sim, const decoder *D, sg_nodes pre, sg_nodes post) {
  uint64_t n = 0;
  for (uint64_t p = 0; p < query_n(sim, pre); ++p) {
    const uint64_t s = query_at(pre, p), row = s - 1;
    n += count_csr_row(&sim->csr, 0, D, row, post) + count_csr_row(&sim->gen_csr, 1, D, row, post);
    for (size_t j = 0; j < sim->n_proc; ++j) n += sg_i_proc_walk(&sim->proc[j], s, post, NULL, NULL);
    if (sim->rec_row && row < sim->csr.n_rows)
      for (uint64_t k = sim->rec_row[row]; k < sim->rec_row[row + 1]; ++k) {
        const uint32_t j = sim->rec_idx[k];
        n += in_range(j < sim->n_srec ? sim->srec[j].gid : 0, post);
      }
  }
  for (size_t j = 0; j < sim->n_mm; ++j)
    if (in_range(sim->mm[j].gid, pre))
      for (size_t k = 0; k < sim->mm[j].n_targets; ++k) n += in_range(sim->mm[j].targets[k], post);
  return n;
}

/* Walks all connections with source in pre and target in post in (source, target) order. */
static sg_status query(sg_sim *sim, const char *fn, sg_nodes pre, sg_nodes post, uint64_t *source,
                       uint64_t *target, double *weight, double *delay_ms, int *receptor,
                       size_t cap, uint64_t *count) {
  sg_status st;
  if (!(pre.first == 0 && pre.n == 0 && !pre.ids) && (st = sg_i_nodes_norm(sim, fn, "pre", &pre))) return st;
  if (!(post.first == 0 && post.n == 0 && !post.ids) && (st = sg_i_nodes_norm(sim, fn, "post", &post))) return st;
  const int want = (source || target || weight || delay_ms || receptor) && cap > 0;
  decoder D = {0};
  gather g = {0};
  edge_ref *refs = NULL;
  size_t n_refs = 0;
  if (decoder_init(sim, &D)) return sg_i_fail(sim, SG_ERR_NOMEM, "%s: out of memory", fn);
  const sg_edges *E = &sim->edges;
  for (size_t i = 0; i < E->n; ++i)
    if (in_range((uint64_t)E->src[i] + 1, pre) && in_range((uint64_t)E->tgt[i] + 1, post)) ++n_refs;
  if (!want) {   /* count only: no gathering, no sorting */
    *count = n_refs + count_built(sim, &D, pre, post);
    decoder_free(&D);
    return SG_OK;
  }
  refs = malloc((n_refs ? n_refs : 1) * sizeof *refs);
  if (!refs) { decoder_free(&D); return sg_i_fail(sim, SG_ERR_NOMEM, "%s: out of memory", fn); }
  n_refs = 0;
  for (size_t i = 0; i < E->n; ++i)
    if (in_range((uint64_t)E->src[i] + 1, pre) && in_range((uint64_t)E->tgt[i] + 1, post)) {
      refs[n_refs].src = E->src[i];
      refs[n_refs].i = i;
      ++n_refs;
    }
  if (n_refs > 1) qsort(refs, n_refs, sizeof *refs, cmp_edge_ref);
  uint64_t total = 0;
  size_t r = 0;
  int fail = 0;
  st = SG_OK;
  for (uint64_t p = 0; p < query_n(sim, pre) && !fail; ++p) {
    const uint64_t s = query_at(pre, p), row = s - 1;
    g.n = 0;
    const sg_pop *spop = sg_i_pop_of(sim, s);
    if (total >= cap) {   /* the output is full: only count the rest */
      const sg_nodes one = {s, 1, NULL};
      total += count_built(sim, &D, one, post);
      for (; r < n_refs && refs[r].src == row; ++r) ++total;
      continue;
    }
    const int current = spop && is_current_source(spop->model);
    gather_csr_row(sim, &sim->csr, &D, row, 0, post, &g, &fail);
    gather_csr_row(sim, &sim->gen_csr, &D, row, current, post, &g, &fail);
    for (size_t j = 0; j < sim->n_proc && !fail; ++j) {
      proc_gather x = {sim, &g, sim->proc[j].receptor, 0};
      sg_i_proc_walk(&sim->proc[j], s, post, proc_push, &x);
      fail |= x.fail;
    }
    if (sim->rec_row && row < sim->csr.n_rows)
      for (uint64_t k = sim->rec_row[row]; k < sim->rec_row[row + 1] && !fail; ++k) {
        const uint32_t j = sim->rec_idx[k];
        const uint64_t tgt = j < sim->n_srec ? sim->srec[j].gid : 0;
        if (in_range(tgt, post)) fail |= gather_push(&g, tgt, 1.0, steps_ms(sim, 1), 0);
      }
    if (spop && sg_i_is_multimeter(spop->model))
      for (size_t j = 0; j < sim->n_mm; ++j)
        if (sim->mm[j].gid == s)
          for (size_t k = 0; k < sim->mm[j].n_targets && !fail; ++k)
            if (in_range(sim->mm[j].targets[k], post))
              fail |= gather_push(&g, sim->mm[j].targets[k], 1.0, steps_ms(sim, 1), 0);
    for (; r < n_refs && refs[r].src == row && !fail; ++r) {
      const size_t i = refs[r].i;
      fail |= gather_push(&g, (uint64_t)E->tgt[i] + 1, (double)E->weight[i], steps_ms(sim, E->delay[i]), E->receptor[i]);
    }
    if (fail) break;
    if (g.n > 1) qsort(g.r, g.n, sizeof *g.r, cmp_conn);
    for (size_t k = 0; k < g.n; ++k, ++total) {
      if (total >= cap) continue;
      if (source) source[total] = s;
      if (target) target[total] = g.r[k].tgt;
      if (weight) weight[total] = g.r[k].w;
      if (delay_ms) delay_ms[total] = g.r[k].d;
      if (receptor) receptor[total] = g.r[k].receptor;
    }
  }
  if (fail) st = sg_i_fail(sim, SG_ERR_NOMEM, "%s: out of memory", fn);
  free(g.r);
  free(refs);
  decoder_free(&D);
  if (!st) *count = total;
  return st;
}

sg_status sg_num_connections(sg_sim *sim, sg_nodes pre, sg_nodes post, uint64_t *n) {
  if (!sim) return SG_ERR_ARG;
  if (!n) return sg_i_fail(sim, SG_ERR_ARG, "sg_num_connections: n is NULL");
  uint64_t c = 0;
  sg_status st = query(sim, "sg_num_connections", pre, post, NULL, NULL, NULL, NULL, NULL, 0, &c);
  if (!st) *n = c;
  return st;
}

sg_status sg_get_connections(sg_sim *sim, sg_nodes pre, sg_nodes post, uint64_t *source,
                             uint64_t *target, double *weight, double *delay_ms, int *receptor,
                             size_t cap, size_t *n) {
  if (!sim) return SG_ERR_ARG;
  if (!n) return sg_i_fail(sim, SG_ERR_ARG, "sg_get_connections: n is NULL");
  uint64_t c = 0;
  sg_status st = query(sim, "sg_get_connections", pre, post, source, target, weight, delay_ms,
                       receptor, cap, &c);
  if (!st) *n = (size_t)c;
  return st;
}
