/* sg/proc.h - procedural connectivity: a projection's rows drawn again, identically, whenever a
 * source spikes, so that no synapse is stored (docs/procedural.md). The one place the rows of a
 * procedural projection are defined: the cpu backend (host/backend_cpu.c), the cuda kernel
 * (kernels/deliver.cu) and the connection queries (host/connect.c) all walk them through this
 * header, so they see the same synapses bit for bit.
 *
 * A ROW (the synapses of one source s, its position in pre) is a list of UNITS, each of which
 * yields zero or more synapses independently of the others (a unit is the grain of parallel work:
 * a cuda thread, or a block of targets a cpu thread may skip when it owns none of them):
 *   rule                units of a row                    synapses of unit u
 *   ------------------  -------------------------------   ----------------------------------------
 *   all_to_all          ceil(npost / C), C = 1024          the targets [uC, uC + C), self skipped
 *   one_to_one          1                                  the target at position s, unless self
 *   fixed_outdegree     K (the outdegree)                  one target, picked for slot u
 *   fixed_total_number  count[s] (drawn at connect)        one target, picked for slot u
 *   pairwise_bernoulli  ceil(npost / C), C = chunk         Bernoulli(p) over [uC, uC + C) by
 *                                                          geometric skipping
 * The random draws are those of sg_connect's stream (SG_STREAM_CONNECT, instance = the connect
 * call), so they never meet those of another call or of a run:
 *   slot pick (outdegree, total):  block (element = source gid, step = slot u, draw a), a = 0..63:
 *       words (w0, w1) pick uniformly among the targets (sg_proc_pick); a self pick with autapses
 *       off moves to a + 1 (64 self picks in a row, probability < 2^-64: the slot is empty).
 *   bernoulli chunk u:  blocks (element = source gid, step = u, draw 0, 1, ..., 63), two uniforms
 *       each: from candidate c the next target is c + floor(log(v) / log(1 - p)). The chunk size
 *       C is the largest power of two <= 32 / p, so a chunk expects <= 32 synapses and needs more
 *       than its 128 uniforms with probability < 1e-30 (then it ends there).
 *   values (weight, delay):  sg_proc_value with the keys of the stored rules where the rows agree:
 *       all_to_all (element = target gid, step = s), one_to_one (target gid, 0), fixed_outdegree
 *       and fixed_total_number (source gid, slot); pairwise_bernoulli (source gid, target position).
 * So all_to_all and one_to_one rows are exactly the stored rules' connections (weights and delays
 * included), and the other rules draw the same distributions as the stored ones.
 */
/* SPDX-License-Identifier: MIT */
#ifndef SG_PROC_H
#define SG_PROC_H

#include <math.h>

#include "sg/dist.h"
#include "sg/hd.h"
#include "sg/math.h"
#include "sg/model.h"
#include "sg/rng.h"

SG_EXTERN_C_BEGIN

enum { SG_PROC_ALL = 0, SG_PROC_ONE, SG_PROC_OUT, SG_PROC_TOTAL, SG_PROC_BERN };
#define SG_PROC_ALL_CHUNK 1024u
#define SG_PROC_PICK_ATTEMPTS 64u     /* draw blocks 0..63 of a slot's step                   */
#define SG_PROC_BERN_BLOCKS 64u       /* draw blocks 0..63 of a chunk's step: 128 uniforms    */
#define SG_PROC_DRAW_WEIGHT 64u       /* value draws: as sg_connect (host/connect.c)          */
#define SG_PROC_DRAW_DELAY 160u
#define SG_PROC_VALUE_BLOCKS 96u
/* The largest |n| sg_normal can return (polar method with 53-bit uniforms: s >= 2^-106, so
 * |n| <= sqrt(-2 ln s) < 12.2) and the largest -log(u) of a uniform (u >= 2^-54: < 37.5): the
 * bounds sg_connect uses to prove a drawn weight finite and a drawn delay in range. */
#define SG_PROC_NORMAL_MAX 12.5
#define SG_PROC_EXP_MAX 38.0

/* A value spec as the device sees it (a copy of sg_value without the array). */
typedef struct sg_proc_val {
  int32_t kind;           /* SG_PV_*                                                     */
  double value, a, b, lo, hi;
} sg_proc_val;

/* One procedural projection: plain data, copied to the device as it is. */
typedef struct sg_proc {
  uint64_t seed;
  uint32_t call;          /* the sg_connect call: instance of every draw                 */
  uint32_t rule;          /* SG_PROC_*                                                   */
  uint64_t pre0, npre;    /* sources: gids pre0 .. pre0 + npre - 1                        */
  uint64_t post0, npost;  /* targets: gids post0 .. post0 + npost - 1 (one population)    */
  uint64_t K;             /* fixed_outdegree: K; all_to_all / bernoulli: the chunk size C */
  uint64_t max_units;     /* the most units of any row                                    */
  double p, log1mp;       /* pairwise_bernoulli                                           */
  int32_t autapses;
  int32_t w_fixed, d_fixed, unit_weight;
  float w_val;            /* scalar weight (w_fixed)                                      */
  uint32_t d_val;         /* scalar delay, steps (d_fixed)                                */
  uint32_t d_min, d_max;  /* bounds of a drawn delay, steps                               */
  int64_t tics_per_step;
  sg_proc_val w, d;
  uint32_t port, port_neg;   /* ring port of a weight >= 0 / < 0                          */
  uint64_t input_base;    /* the target population's first ring input (set at prepare)    */
  uint64_t pop_n;         /* its size                                                     */
  uint64_t pop_first;     /* its first gid                                                */
  uint64_t in_lo, in_gap; /* its nodes with inputs on this rank (MPI ranks; sg/model.h)   */
} sg_proc;

/* (z * n) >> 64 with z = lo | hi << 32: a uniform pick in [0, n) (bias below n / 2^64). */
SG_HD uint64_t sg_proc_pick(uint32_t lo, uint32_t hi, uint64_t n) {
  const uint64_t z = (uint64_t)lo | ((uint64_t)hi << 32);
#ifdef __CUDA_ARCH__
  return __umul64hi(z, n);
#else
  return (uint64_t)(((unsigned __int128)z * n) >> 64);
#endif
}

/* One draw of a distributed value v (kind >= SG_PV_UNIFORM) on the cursor (seed, stream,
 * element, step) from draw block `draw`, at most SG_PROC_VALUE_BLOCKS blocks: sg_dist_draw
 * (sg/dist.h), the sampler of sg_connect's stored rules and of sg_set_value too. Returns 0, or 1
 * when it needed more blocks (a clipped normal redrawing): then *out is the last draw clipped into
 * [lo, hi]. */
SG_HD int sg_proc_value(const sg_proc_val *v, uint64_t seed, uint32_t stream, uint64_t element, uint64_t step,
                        uint32_t draw, double *out) {
  sg_rng_cursor c;
  sg_rng_cursor_init(&c, seed, stream, element, step);
  c.next_draw = draw;
  return sg_dist_draw(v->kind, v->a, v->b, v->lo, v->hi, &c, draw + SG_PROC_VALUE_BLOCKS, out);
}

/* Units of the row of source position s (count: fixed_total_number's per-source counts). */
SG_HD uint64_t sg_proc_units(const sg_proc *P, const uint32_t *count, uint64_t s) {
  switch (P->rule) {
  case SG_PROC_ALL: return (P->npost + P->K - 1) / P->K;
  case SG_PROC_ONE: return 1;
  case SG_PROC_OUT: return P->K;
  case SG_PROC_TOTAL: return count[s];
  case SG_PROC_BERN: return P->p <= 0.0 ? 0 : (P->npost + P->K - 1) / P->K;
  default: return 0;
  }
}

/* The target positions a unit can reach: [*t0, *t1) (all of post for single picks). */
SG_HD void sg_proc_unit_span(const sg_proc *P, uint64_t s, uint64_t u, uint64_t *t0, uint64_t *t1) {
  if (P->rule == SG_PROC_ALL || P->rule == SG_PROC_BERN) {
    *t0 = u * P->K;
    *t1 = *t0 + P->K < P->npost ? *t0 + P->K : P->npost;
  } else if (P->rule == SG_PROC_ONE) {
    *t0 = s; *t1 = s + 1;
  } else {
    *t0 = 0; *t1 = P->npost;
  }
}

/* The walk of one unit: sg_proc_unit_begin, then sg_proc_unit_next until it returns 0. */
typedef struct sg_proc_it {
  uint64_t sg;            /* source gid                                        */
  uint64_t s, u;          /* source position, unit                             */
  uint64_t next, end;     /* next candidate target position, end of the unit   */
  uint32_t used;          /* uniforms used (bernoulli)                          */
  int done;
  sg_ctr4 blk;            /* the current bernoulli block                        */
} sg_proc_it;

SG_HD void sg_proc_unit_begin(const sg_proc *P, uint64_t s, uint64_t u, sg_proc_it *it) {
  it->sg = P->pre0 + s;
  it->s = s;
  it->u = u;
  it->used = 0;
  it->done = 0;
  sg_proc_unit_span(P, s, u, &it->next, &it->end);
}

/* The next target position of the unit and the (element, step) key of its values; 0 at the end. */
SG_HD int sg_proc_unit_target(const sg_proc *P, sg_proc_it *it, uint64_t *t, uint64_t *key_elem, uint64_t *key_step) {
  const uint32_t st = SG_STREAM_CONNECT;
  const uint64_t self = (!P->autapses && it->sg >= P->post0 && it->sg < P->post0 + P->npost) ? it->sg - P->post0 : UINT64_MAX;
  if (it->done) return 0;
  switch (P->rule) {
  case SG_PROC_ALL:
    while (it->next < it->end && it->next == self) it->next++;
    if (it->next >= it->end) return 0;
    *t = it->next++;
    *key_elem = P->post0 + *t;
    *key_step = it->s;
    return 1;
  case SG_PROC_ONE:
    it->done = 1;
    if (it->next == self) return 0;
    *t = it->next;
    *key_elem = P->post0 + *t;
    *key_step = 0;
    return 1;
  case SG_PROC_OUT:
  case SG_PROC_TOTAL: {
    it->done = 1;
    for (uint32_t a = 0; a < SG_PROC_PICK_ATTEMPTS; ++a) {
      const sg_ctr4 b = sg_rng_block(P->seed, st, sg_rng_elem(P->call, (uint32_t)it->sg), it->u, a);
      const uint64_t o = sg_proc_pick(b.c[0], b.c[1], P->npost);
      if (o == self) continue;
      *t = o;
      *key_elem = it->sg;
      *key_step = it->u;
      return 1;
    }
    return 0;
  }
  case SG_PROC_BERN:
    for (;;) {
      if (it->next >= it->end) return 0;
      if (P->p < 1.0) {
        if (it->used >= 2u * SG_PROC_BERN_BLOCKS) return 0;
        if ((it->used & 1u) == 0)
          it->blk = sg_rng_block(P->seed, st, sg_rng_elem(P->call, (uint32_t)it->sg), it->u, it->used >> 1);
        const uint32_t h = (it->used & 1u) * 2u;
        it->used++;
        const double g = floor(sg_log(sg_u01_53(it->blk.c[h], it->blk.c[h + 1])) / P->log1mp);
        if (!(g < (double)(it->end - it->next))) { it->next = it->end; return 0; }
        it->next += (uint64_t)g;
      }
      const uint64_t c = it->next++;
      if (c == self) continue;
      *t = c;
      *key_elem = it->sg;
      *key_step = c;
      return 1;
    }
  default: return 0;
  }
}

/* The synapse to target position t with value key (key_elem, key_step): its ring input, weight and
 * delay (steps). With MPI ranks only this rank's targets have a ring input: callers that use
 * *input skip the others first (their target range, docs/mpi.md §3). */
SG_HD void sg_proc_synapse(const sg_proc *P, uint64_t t, uint64_t key_elem, uint64_t key_step, uint64_t *input,
                           float *w, uint32_t *d) {
  const uint64_t el = sg_rng_elem(P->call, (uint32_t)key_elem);
  float wf = P->w_val;
  uint32_t ds = P->d_val;
  if (!P->w_fixed) {
    double x;
    sg_proc_value(&P->w, P->seed, SG_STREAM_CONNECT, el, key_step, SG_PROC_DRAW_WEIGHT, &x);
    wf = (float)x;
  }
  if (!P->d_fixed) {
    double x;
    sg_proc_value(&P->d, P->seed, SG_STREAM_CONNECT, el, key_step, SG_PROC_DRAW_DELAY, &x);
    const int64_t k = sg_ms_to_steps_round(x, P->tics_per_step);
    ds = k < (int64_t)P->d_min ? P->d_min : k > (int64_t)P->d_max ? P->d_max : (uint32_t)k;
  }
  if (P->unit_weight) wf = 1.0f;
  const uint32_t port = wf < 0.0f ? P->port_neg : P->port;
  *input = P->input_base + (uint64_t)port * (P->pop_n - P->in_gap) + (P->post0 + t - P->pop_first - P->in_lo);
  *w = wf;
  *d = ds;
}

SG_EXTERN_C_END

#endif
