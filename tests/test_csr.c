/* tests/test_csr.c - sg_i_build_csr (host/csr.c) against a brute-force reference: every edge
 * once, in its source's row, rows stably sorted by (delay, input), segments of equal delay, recorder
 * rows and multimeter targets; merging a CSR built earlier with new edges equals building
 * everything at once; identical results for 1 and 2 threads; queries decode the CSR. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sg/csr.h"
#include "sg_test.h"
#include "spikegpu.h"

static sg_sim *new_sim_t(uint64_t seed, int threads) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.seed = seed;
  cfg.verbose = 0;
  cfg.backend = SG_BACKEND_CPU;
  cfg.threads = threads;
  sg_sim *sim = NULL;
  char err[256];
  sg_status st = sg_sim_new(&cfg, &sim, err, sizeof err);
  if (st) fprintf(stderr, "sg_sim_new: %s\n", err);
  CU_ASSERT_FATAL(st == SG_OK);
  return sim;
}

#define OKS(S, call) SG_TEST_OK(S, call)

static sg_nodes create(sg_sim *sim, const char *model, uint64_t n) {
  sg_nodes x = {0, 0, NULL};
  OKS(sim, sg_create(sim, model, n, &x));
  return x;
}

/* What sg_i_prepare does before the build: ring inputs per neuron population (a range, once
 * assigned, never moves) and one record per recorder node. */
static void build(sg_sim *sim) {
  OKS(sim, sg_i_assign_inputs(sim));
  OKS(sim, sg_i_record_alloc(sim));
  OKS(sim, sg_i_build_csr(sim));
}

/* A copy of the edges, to check the CSR against. */
typedef struct ecopy { uint32_t *src, *tgt, *delay; float *w; uint16_t *port; size_t n; } ecopy;
static ecopy copy_edges(const sg_sim *sim) {
  ecopy c;
  const sg_edges *e = &sim->edges;
  c.n = e->n;
  c.src = malloc((c.n + 1) * 4); c.tgt = malloc((c.n + 1) * 4); c.delay = malloc((c.n + 1) * 4);
  c.w = malloc((c.n + 1) * 4); c.port = malloc((c.n + 1) * 2);
  memcpy(c.src, e->src, c.n * 4); memcpy(c.tgt, e->tgt, c.n * 4); memcpy(c.delay, e->delay, c.n * 4);
  memcpy(c.w, e->weight, c.n * 4); memcpy(c.port, e->port, c.n * 2);
  return c;
}
static void ecopy_free(ecopy *c) { free(c->src); free(c->tgt); free(c->delay); free(c->w); free(c->port); }

typedef struct syn3 { uint32_t input, delay; float w; size_t order; } syn3;
static int cmp_syn3(const void *a, const void *b) {
  const syn3 *x = a, *y = b;
  if (x->delay != y->delay) return x->delay < y->delay ? -1 : 1;
  if (x->input != y->input) return x->input < y->input ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The whole check: CSR content == the reference built from the edge copy (plus an old part). */
static void check_against(sg_sim *sim, const ecopy *E) {
  const uint64_t R = sim->n_nodes;
  CU_ASSERT_EQUAL_FATAL(sim->csr.n_rows, R);
  CU_ASSERT_EQUAL_FATAL(sim->gen_csr.n_rows, R);
  CU_ASSERT_EQUAL(sim->edges.n, 0);
  CU_ASSERT_PTR_NULL(sim->edges.src);
  /* rows by source: reference lists */
  size_t *cnt = calloc(R + 1, sizeof *cnt);
  for (size_t i = 0; i < E->n; ++i) if (E->port[i] < 0xFFFE) cnt[E->src[i] + 1]++;
  for (uint64_t r = 0; r < R; ++r) cnt[r + 1] += cnt[r];
  syn3 *ref = malloc((cnt[R] + 1) * sizeof *ref);
  size_t *fill = malloc((R + 1) * sizeof *fill);
  memcpy(fill, cnt, (R + 1) * sizeof *fill);
  for (size_t i = 0; i < E->n; ++i) {
    if (E->port[i] >= 0xFFFE) continue;
    const sg_pop *tp = sg_i_pop_of(sim, (uint64_t)E->tgt[i] + 1);
    /* one process: a neuron synapse's input (this rank's ring) and a generator's (the network's
     * numbering) are both base + port * n + index */
    const int gen_src = sg_i_pop_of(sim, (uint64_t)E->src[i] + 1)->model->kind == SG_KIND_GENERATOR;
    const uint64_t base = gen_src ? tp->input_gbase : tp->input_base;
    syn3 s = {(uint32_t)(base + (uint64_t)E->port[i] * tp->n + (E->tgt[i] + 1 - tp->first)), E->delay[i], E->w[i], i};
    ref[fill[E->src[i]]++] = s;
  }
  uint64_t n_syn = 0, bad_rows = 0;
  uint32_t maxd[2] = {0, 0};
  for (uint64_t r = 0; r < R; ++r) {
    const size_t a = cnt[r], b = cnt[r + 1];
    qsort(ref + a, b - a, sizeof *ref, cmp_syn3);
    const sg_pop *sp = sg_i_pop_of(sim, r + 1);
    const int gen = sp->model->kind == SG_KIND_GENERATOR;
    const sg_csr *c = gen ? &sim->gen_csr : &sim->csr, *o = gen ? &sim->csr : &sim->gen_csr;
    if (o->row_seg[r] != o->row_seg[r + 1]) ++bad_rows;
    size_t k = a;
    uint32_t prev = 0;
    for (uint64_t s = c->row_seg[r]; s < c->row_seg[r + 1]; ++s) {
      const uint64_t s0 = s == 0 ? 0 : c->seg_end[s - 1];
      if (!(c->seg_end[s] > s0) || !(c->seg_delay[s] > prev)) ++bad_rows;   /* non-empty, increasing */
      prev = c->seg_delay[s];
      if (prev > maxd[gen]) maxd[gen] = prev;
      for (uint64_t q = s0; q < c->seg_end[s]; ++q, ++k) {
        if (k >= b || c->input[q] != ref[k].input || c->weight[q] != ref[k].w || c->seg_delay[s] != ref[k].delay) {
          ++bad_rows;
          break;
        }
      }
    }
    if (k != b) ++bad_rows;
    n_syn += b - a;
  }
  CU_ASSERT_EQUAL(bad_rows, 0);
  CU_ASSERT_EQUAL(sim->csr.n_syn + sim->gen_csr.n_syn, n_syn);
  CU_ASSERT_EQUAL(sim->csr.max_delay, maxd[0]);
  CU_ASSERT_EQUAL(sim->gen_csr.max_delay, maxd[1]);
  /* recorder rows: targets of the 0xFFFF edges in connection order */
  uint64_t bad_rec = 0;
  for (uint64_t r = 0; r < R; ++r) {
    uint64_t q = sim->rec_row[r];
    for (size_t i = 0; i < E->n; ++i)
      if (E->port[i] == 0xFFFF && E->src[i] == r) {
        if (q >= sim->rec_row[r + 1] || sim->srec[sim->rec_idx[q]].gid != (uint64_t)E->tgt[i] + 1) ++bad_rec;
        ++q;
      }
    if (q != sim->rec_row[r + 1]) ++bad_rec;
  }
  CU_ASSERT_EQUAL(bad_rec, 0);
  /* multimeter targets */
  for (size_t j = 0; j < sim->n_mm; ++j) {
    size_t q = 0;
    for (size_t i = 0; i < E->n; ++i)
      if (E->port[i] == 0xFFFE && (uint64_t)E->src[i] + 1 == sim->mm[j].gid) {
        CU_ASSERT(q < sim->mm[j].n_targets && sim->mm[j].targets[q] == (uint64_t)E->tgt[i] + 1);
        ++q;
      }
    CU_ASSERT_EQUAL(q, sim->mm[j].n_targets);
  }
  free(cnt); free(ref); free(fill);
}

/* A network with everything: neurons, parrots, generators (spike and current), recorders,
 * random delays up to 400 steps (two radix passes), long rows (> 48), multapses, rows in
 * random target order (radix over the input bytes). */
static void make_net(sg_sim *sim, int part) {
  if (part == 0) {
    sg_nodes a = create(sim, "gl_exp", 300), par = create(sim, "parrot_neuron", 40);
    sg_nodes pg = create(sim, "poisson_generator", 3), scg = create(sim, "step_current_generator", 2);
    sg_nodes sr = create(sim, "spike_recorder", 2), mm = create(sim, "multimeter", 1);
    (void)sr; (void)mm;
    sg_conn_spec cs;
    sg_conn_spec_default(&cs);
    sg_syn_spec ss;
    sg_syn_spec_default(&ss);
    cs.rule = "fixed_indegree"; cs.indegree = 60;
    ss.weight = sg_random_normal(0.3, 0.1);
    ss.delay = sg_random_uniform(0.1, 40.0);
    OKS(sim, sg_connect(sim, a, a, &cs, &ss));
    ss.delay = sg_random_uniform(0.1, 2.0);   /* < 256 steps: one radix pass */
    cs.indegree = 5;
    OKS(sim, sg_connect(sim, a, par, &cs, &ss));
    cs.rule = "all_to_all";
    ss.delay = sg_scalar(1.0);
    OKS(sim, sg_connect(sim, par, sg_slice(a, 0, 100), &cs, &ss));
    OKS(sim, sg_connect(sim, pg, a, &cs, &ss));
    OKS(sim, sg_connect(sim, scg, sg_slice(a, 50, 100), &cs, &ss));
    ss.delay = sg_scalar(0.5);
    OKS(sim, sg_connect(sim, pg, a, &cs, &ss));          /* multapses with another delay */
    OKS(sim, sg_connect(sim, sg_slice(a, 0, 30), sg_slice(sr, 0, 1), &cs, &ss));
    OKS(sim, sg_connect(sim, sg_slice(a, 20, 30), sg_slice(sr, 1, 1), &cs, &ss));
    OKS(sim, sg_connect(sim, mm, sg_slice(a, 10, 5), &cs, &ss));
    cs.rule = "pairwise_bernoulli"; cs.p = 0.1; cs.allow_autapses = 0;
    ss.delay = sg_random_uniform(0.2, 9.0);
    OKS(sim, sg_connect(sim, a, a, &cs, &ss));
  } else {
    /* later: more into the same nodes, a new population, recorder and multimeter growth */
    sg_nodes a = {1, 300, NULL}, pg = {341, 3, NULL}, sr = {346, 2, NULL}, mm = {348, 1, NULL};
    sg_nodes b = create(sim, "gl_exp", 50), sr2 = create(sim, "spike_recorder", 1);
    sg_conn_spec cs;
    sg_conn_spec_default(&cs);
    sg_syn_spec ss;
    sg_syn_spec_default(&ss);
    cs.rule = "fixed_outdegree"; cs.outdegree = 7;
    ss.delay = sg_random_uniform(0.1, 30.0);
    OKS(sim, sg_connect(sim, a, b, &cs, &ss));
    cs.outdegree = 10;
    OKS(sim, sg_connect(sim, b, a, &cs, &ss));
    /* long rows with one delay and targets in random order, multapses: only the input bytes
     * are sorted, and copies of one input must keep their connection order (weights differ) */
    cs.outdegree = 150;
    ss.delay = sg_scalar(0.7);
    ss.weight = sg_random_uniform(-1.0, 1.0);
    OKS(sim, sg_connect(sim, sg_slice(a, 0, 20), sg_slice(b, 0, 40), &cs, &ss));
    cs.rule = "all_to_all";
    OKS(sim, sg_connect(sim, pg, b, &cs, &ss));
    OKS(sim, sg_connect(sim, sg_slice(a, 0, 5), sr, &cs, &ss));
    OKS(sim, sg_connect(sim, b, sr2, &cs, &ss));
    OKS(sim, sg_connect(sim, mm, sg_slice(b, 0, 3), &cs, &ss));
  }
}

static void test_csr_reference(void) {
  sg_sim *sim = new_sim_t(21, 0);
  make_net(sim, 0);
  ecopy E = copy_edges(sim);
  build(sim);
  check_against(sim, &E);
  CU_ASSERT(sim->csr.n_syn > 20000);
  CU_ASSERT(sim->csr.max_delay >= 300);
  ecopy_free(&E);
  sg_sim_free(sim);
}

static int csr_equal(const sg_csr *x, const sg_csr *y) {
  if (x->n_rows != y->n_rows || x->n_seg != y->n_seg || x->n_syn != y->n_syn || x->max_delay != y->max_delay) return 0;
  return memcmp(x->row_seg, y->row_seg, (x->n_rows + 1) * 8) == 0 &&
         memcmp(x->seg_delay, y->seg_delay, x->n_seg * 4) == 0 &&
         memcmp(x->seg_end, y->seg_end, x->n_seg * 8) == 0 &&
         memcmp(x->input, y->input, x->n_syn * 4) == 0 && memcmp(x->weight, y->weight, x->n_syn * 4) == 0;
}
static int sims_equal(const sg_sim *a, const sg_sim *b) {
  if (!csr_equal(&a->csr, &b->csr) || !csr_equal(&a->gen_csr, &b->gen_csr)) return 0;
  if (a->csr.n_rows != b->csr.n_rows || memcmp(a->rec_row, b->rec_row, (a->csr.n_rows + 1) * 8) != 0) return 0;
  if (memcmp(a->rec_idx, b->rec_idx, a->rec_row[a->csr.n_rows] * 4) != 0) return 0;
  if (a->n_mm != b->n_mm) return 0;
  for (size_t j = 0; j < a->n_mm; ++j)
    if (a->mm[j].n_targets != b->mm[j].n_targets ||
        (a->mm[j].n_targets && memcmp(a->mm[j].targets, b->mm[j].targets, a->mm[j].n_targets * 8) != 0)) return 0;
  return 1;
}

/* Connections as a sorted multiset, for comparing queries before and after a build. */
typedef struct qrow { uint64_t s, t; double w, d; int r; } qrow;
static int cmp_qrow(const void *a, const void *b) {
  const qrow *x = a, *y = b;
  if (x->s != y->s) return x->s < y->s ? -1 : 1;
  if (x->t != y->t) return x->t < y->t ? -1 : 1;
  if (x->d != y->d) return x->d < y->d ? -1 : 1;
  if (x->w != y->w) return x->w < y->w ? -1 : 1;
  return (x->r > y->r) - (x->r < y->r);
}
static int qrows_equal(const qrow *a, const qrow *b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (cmp_qrow(&a[i], &b[i]) != 0) return 0;
  return 1;
}
static qrow *query_all(sg_sim *sim, sg_nodes pre, sg_nodes post, size_t *n) {
  uint64_t m = 0;
  OKS(sim, sg_num_connections(sim, pre, post, &m));
  uint64_t *s = malloc((m + 1) * 8), *t = malloc((m + 1) * 8);
  double *w = malloc((m + 1) * 8), *d = malloc((m + 1) * 8);
  int *r = malloc((m + 1) * sizeof *r);
  size_t got = 0;
  OKS(sim, sg_get_connections(sim, pre, post, s, t, w, d, r, (size_t)m, &got));
  CU_ASSERT_EQUAL(got, m);
  qrow *q = malloc((m + 1) * sizeof *q);
  int ordered = 1;
  for (size_t i = 0; i < got; ++i) {
    q[i] = (qrow){s[i], t[i], w[i], d[i], r[i]};
    if (i && (s[i] < s[i - 1] || (s[i] == s[i - 1] && t[i] < t[i - 1]))) ordered = 0;
  }
  CU_ASSERT(ordered);   /* (source, target) order */
  qsort(q, got, sizeof *q, cmp_qrow);
  free(s); free(t); free(w); free(d); free(r);
  *n = got;
  return q;
}

static void test_csr_merge(void) {
  /* A: part 0, build, part 1 (new nodes too), build.  B: part 0, part 1, one build. */
  sg_sim *A = new_sim_t(22, 0), *B = new_sim_t(22, 0);
  make_net(A, 0);
  build(A);
  size_t n0;
  qrow *q0 = query_all(A, (sg_nodes){0, 0, NULL}, (sg_nodes){0, 0, NULL}, &n0);
  make_net(A, 1);
  /* the query sees the CSR and the new edges together */
  size_t n1;
  qrow *q1 = query_all(A, (sg_nodes){0, 0, NULL}, (sg_nodes){0, 0, NULL}, &n1);
  CU_ASSERT(n1 > n0);
  build(A);
  make_net(B, 0);
  make_net(B, 1);
  ecopy E = copy_edges(B);
  size_t nb;
  qrow *qb = query_all(B, (sg_nodes){0, 0, NULL}, (sg_nodes){0, 0, NULL}, &nb);
  build(B);
  check_against(B, &E);
  CU_ASSERT(sims_equal(A, B));
  CU_ASSERT_EQUAL(nb, n1);
  CU_ASSERT(nb == n1 && qrows_equal(qb, q1, nb));
  size_t na;
  qrow *qa = query_all(A, (sg_nodes){0, 0, NULL}, (sg_nodes){0, 0, NULL}, &na);
  CU_ASSERT(na == n1 && qrows_equal(qa, q1, na));   /* decoded CSR == edges */
  /* sub-ranges too */
  size_t x1, x2;
  sg_sim *Bq = new_sim_t(22, 0);
  make_net(Bq, 0); make_net(Bq, 1);
  qrow *r1 = query_all(A, (sg_nodes){290, 60, NULL}, (sg_nodes){1, 320, NULL}, &x1);
  qrow *r2 = query_all(Bq, (sg_nodes){290, 60, NULL}, (sg_nodes){1, 320, NULL}, &x2);
  CU_ASSERT(x1 == x2 && x1 > 0 && qrows_equal(r1, r2, x1));
  free(r1); free(r2);
  sg_sim_free(Bq);
  free(q0); free(q1); free(qb); free(qa);
  ecopy_free(&E);
  sg_sim_free(A);
  sg_sim_free(B);
}

static void test_csr_threads(void) {
  sg_sim *s1 = new_sim_t(23, 1), *s2 = new_sim_t(23, 2), *s3 = new_sim_t(23, 3);
  make_net(s1, 0); make_net(s2, 0); make_net(s3, 0);
  build(s1); build(s2); build(s3);
  CU_ASSERT(sims_equal(s1, s2));
  CU_ASSERT(sims_equal(s1, s3));
  make_net(s1, 1); make_net(s2, 1);
  build(s1); build(s2);
  CU_ASSERT(sims_equal(s1, s2));
  sg_sim_free(s1); sg_sim_free(s2); sg_sim_free(s3);
}

static void test_csr_extend_and_empty(void) {
  sg_sim *sim = new_sim_t(24, 0);
  build(sim);   /* nothing at all */
  CU_ASSERT_EQUAL(sim->csr.n_rows, 0);
  sg_nodes a = create(sim, "gl_exp", 10);
  build(sim);   /* rows, no synapses */
  CU_ASSERT_EQUAL(sim->csr.n_rows, 10);
  CU_ASSERT_EQUAL(sim->csr.n_syn, 0);
  CU_ASSERT_EQUAL(sim->csr.row_seg[10], 0);
  sg_conn_spec cs;
  sg_conn_spec_default(&cs);
  OKS(sim, sg_connect(sim, a, a, &cs, NULL));
  build(sim);
  sg_csr before = sim->csr;
  uint32_t *in0 = malloc(100 * 4);
  memcpy(in0, sim->csr.input, 100 * 4);
  create(sim, "gl_exp", 5);
  build(sim);   /* no new edges: rows grow, synapses stay */
  CU_ASSERT_EQUAL(sim->csr.n_rows, 15);
  CU_ASSERT_EQUAL(sim->gen_csr.n_rows, 15);
  CU_ASSERT_EQUAL(sim->csr.n_syn, 100);
  CU_ASSERT_EQUAL(sim->csr.row_seg[15], sim->csr.row_seg[10]);
  CU_ASSERT_EQUAL(sim->rec_row[15], 0);
  CU_ASSERT(memcmp(in0, sim->csr.input, 100 * 4) == 0);
  CU_ASSERT_EQUAL(before.n_seg, sim->csr.n_seg);
  uint64_t n = 0;
  OKS(sim, sg_num_connections(sim, (sg_nodes){0, 0, NULL}, (sg_nodes){0, 0, NULL}, &n));
  CU_ASSERT_EQUAL(n, 100);
  free(in0);
  sg_sim_free(sim);
}

/* ~8 bytes per synapse after the build (one segment per row with a scalar delay). */
static void test_csr_bytes_per_synapse(void) {
  sg_sim *sim = new_sim_t(25, 0);
  sg_nodes a = create(sim, "gl_exp", 1000);
  sg_conn_spec cs;
  sg_conn_spec_default(&cs);
  cs.rule = "fixed_indegree";
  cs.indegree = 100;
  OKS(sim, sg_connect(sim, a, a, &cs, NULL));
  build(sim);
  const sg_csr *c = &sim->csr;
  const double bytes = (double)c->n_syn * 8.0 + (double)c->n_seg * 12.0 + (double)(c->n_rows + 1) * 8.0;
  printf("\n    %.3f bytes per synapse (%llu synapses, %llu segments)", bytes / (double)c->n_syn,
         (unsigned long long)c->n_syn, (unsigned long long)c->n_seg);
  CU_ASSERT(bytes / (double)c->n_syn < 8.3);
  CU_ASSERT_EQUAL(c->n_seg, 1000);
  sg_sim_free(sim);
}

/* The device's packed targets (sg_csr_pack_bits, sg_csr_pack): the widths at the 32-bit boundary,
 * the fallback beyond it and under a smaller budget, and every field back from the word at the
 * extremes of its width. */
static void test_csr_packed_targets(void) {
  CU_ASSERT_EQUAL(sg_csr_bits(0), 0);
  CU_ASSERT_EQUAL(sg_csr_bits(1), 1);
  CU_ASSERT_EQUAL(sg_csr_bits(2047), 11);
  CU_ASSERT_EQUAL(sg_csr_bits(2048), 12);
  CU_ASSERT_EQUAL(sg_csr_bits(UINT64_MAX), 64);
  CU_ASSERT_EQUAL(sg_csr_pack_bits(1, 1, 32), 0);                          /* one input: no input bits */
  CU_ASSERT_EQUAL(sg_csr_pack_bits(2, 1, 32), 1);
  CU_ASSERT_EQUAL(sg_csr_pack_bits(2000000, 15, 32), 21);                  /* network b at 10^6, 1.5 ms */
  CU_ASSERT_EQUAL(sg_csr_pack_bits((uint64_t)1 << 21, 2047, 32), 21);      /* 21 + 11 = 32 bits */
  CU_ASSERT_EQUAL(sg_csr_pack_bits((uint64_t)1 << 21, 2048, 32), SG_CSR_UNPACKED);
  CU_ASSERT_EQUAL(sg_csr_pack_bits(((uint64_t)1 << 21) + 1, 2047, 32), SG_CSR_UNPACKED);
  CU_ASSERT_EQUAL(sg_csr_pack_bits((uint64_t)1 << 31, 1, 32), 31);
  CU_ASSERT_EQUAL(sg_csr_pack_bits(((uint64_t)1 << 31) + 1, 0, 32), SG_CSR_UNPACKED);   /* 32 input bits */
  CU_ASSERT_EQUAL(sg_csr_pack_bits(1024, 3, 12), 10);                      /* 10 + 2 bits fit 12, */
  CU_ASSERT_EQUAL(sg_csr_pack_bits(1024, 3, 11), SG_CSR_UNPACKED);         /* not 11 (the test hook) */
  CU_ASSERT_EQUAL(sg_csr_pack_bits(1025, 3, 12), SG_CSR_UNPACKED);
  CU_ASSERT_EQUAL(sg_csr_pack_bits(1024, 3, 33), SG_CSR_UNPACKED);         /* no budget beyond 32 */
  const uint32_t widths[] = {0, 1, 13, 21, 31};
  for (size_t k = 0; k < sizeof widths / sizeof widths[0]; ++k) {
    const uint32_t ib = widths[k];
    const uint32_t max_in = ib ? (uint32_t)(((uint64_t)1 << ib) - 1u) : 0u, max_d = (uint32_t)(UINT32_MAX >> ib);
    const uint32_t ins[] = {0, max_in / 3u, max_in}, ds[] = {1, max_d / 2u, max_d};
    for (size_t a = 0; a < 3; ++a)
      for (size_t b = 0; b < 3; ++b) {
        const uint32_t w = sg_csr_pack(ins[a], ds[b], ib);
        CU_ASSERT_EQUAL(sg_csr_packed_input(w, ib), ins[a]);
        CU_ASSERT_EQUAL(sg_csr_packed_delay(w, ib), ds[b]);
      }
  }
}

/* Through the public API: simulate, connect more, simulate == connect everything, simulate. */
static void test_csr_via_simulate(void) {
  sg_sim *A = new_sim_t(26, 0), *B = new_sim_t(26, 0);
  make_net(A, 0);
  OKS(A, sg_simulate(A, 1.0));
  make_net(A, 1);
  OKS(A, sg_simulate(A, 1.0));
  make_net(B, 0);
  make_net(B, 1);
  OKS(B, sg_simulate(B, 2.0));
  CU_ASSERT(sims_equal(A, B));
  sg_sim_free(A);
  sg_sim_free(B);
}

static CU_TestInfo tests[] = {
  {"CSR equals a brute-force reference", test_csr_reference},
  {"merging after a build equals one build; queries decode the CSR", test_csr_merge},
  {"identical for 1, 2, 3 threads", test_csr_threads},
  {"empty network, new nodes without new edges", test_csr_extend_and_empty},
  {"about 8 bytes per synapse", test_csr_bytes_per_synapse},
  {"packed targets: widths, fallback, every field back", test_csr_packed_targets},
  {"through sg_simulate: connect after a run", test_csr_via_simulate},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_csr = {"csr", NULL, tests};
