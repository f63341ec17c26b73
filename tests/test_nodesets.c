/* tests/test_nodesets.c - node collections that are id lists (sg_nodes.ids) and parameters drawn
 * per node (sg_set_value, stream SG_STREAM_PARAM): the helpers, bad input, sets in sg_set and
 * sg_connect (the same synapses as connecting range by range), random rules over sets at 1 and 2
 * threads, and drawn values: identical across thread counts and simulations, keyed by node id,
 * and within their distributions (Kolmogorov-Smirnov). */
/* SPDX-License-Identifier: MIT */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "spikegpu.h"

#define OK(x) CU_ASSERT_EQUAL_FATAL((x), SG_OK)
#define ERR(sim, x, code, s1, s2)                                                       \
  do {                                                                                  \
    sg_status st_ = (x);                                                                \
    CU_ASSERT_EQUAL(st_, code);                                                         \
    const char *m_ = sg_errmsg(sim);                                                    \
    if (!strstr(m_, s1) || !strstr(m_, s2)) fprintf(stderr, "\n  message: %s\n", m_);   \
    CU_ASSERT_PTR_NOT_NULL(strstr(m_, s1));                                             \
    CU_ASSERT_PTR_NOT_NULL(strstr(m_, s2));                                             \
  } while (0)

/* iaf_psc_alpha 1..20, spike_recorder 21, iaf_psc_alpha 22..41 */
static sg_sim *three_pops(int threads, uint64_t seed) {
  sg_sim *sim = sg_test_cpu_sim(0.1, seed, threads, NULL);
  sg_nodes a, r, b;
  if (!sim) return NULL;
  if (sg_create(sim, "iaf_psc_alpha", 20, &a) || sg_create(sim, "spike_recorder", 1, &r) ||
      sg_create(sim, "iaf_psc_alpha", 20, &b)) {
    sg_sim_free(sim);
    return NULL;
  }
  return sim;
}

static double get(sg_sim *sim, uint64_t id, const char *name) {
  double v = NAN;
  CU_ASSERT_EQUAL(sg_get(sim, id, name, &v), SG_OK);
  return v;
}

static void test_helpers(void) {
  static const uint64_t ids[] = {3, 4, 9, 15};
  const sg_nodes l = sg_nodes_list(ids, 4), r = {10, 5, NULL};
  CU_ASSERT_EQUAL(l.first, 3);
  CU_ASSERT_EQUAL(sg_nodes_at(l, 2), 9);
  CU_ASSERT_EQUAL(sg_nodes_at(l, 4), 0);
  CU_ASSERT_EQUAL(sg_nodes_at(r, 4), 14);
  CU_ASSERT_EQUAL(sg_nodes_find(l, 15), 3);
  CU_ASSERT_EQUAL(sg_nodes_find(l, 5), UINT64_MAX);
  CU_ASSERT_EQUAL(sg_nodes_find(r, 12), 2);
  CU_ASSERT_EQUAL(sg_nodes_find(r, 15), UINT64_MAX);
  const sg_nodes s = sg_slice(l, 1, 2);
  CU_ASSERT_PTR_EQUAL(s.ids, ids + 1);
  CU_ASSERT_EQUAL(s.n, 2);
  CU_ASSERT_EQUAL(sg_nodes_at(s, 1), 9);
  CU_ASSERT_EQUAL(sg_slice(l, 3, 2).n, 0);
}

static void test_bad_sets(void) {
  sg_sim *sim = three_pops(1, 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  static const uint64_t dup[] = {2, 5, 5}, uns[] = {2, 7, 6}, zero[] = {0, 3}, past[] = {3, 42}, good[] = {2, 5};
  ERR(sim, sg_nodes_check(sim, sg_nodes_list(dup, 3)), SG_ERR_ARG, "id 5 at position 2 repeats", "strictly ascending");
  ERR(sim, sg_nodes_check(sim, sg_nodes_list(uns, 3)), SG_ERR_ARG, "id 6 at position 2 is below id 7", "allowed strictly ascending");
  ERR(sim, sg_nodes_check(sim, sg_nodes_list(zero, 2)), SG_ERR_ARG, "id 0 (position 0", "allowed 1..41");
  ERR(sim, sg_set(sim, sg_nodes_list(past, 2), "C_m", 100.0), SG_ERR_ARG, "id 42", "allowed 1..41");
  ERR(sim, sg_connect(sim, sg_nodes_list(good, 0), sg_nodes_list(good, 2), NULL, NULL), SG_ERR_ARG, "pre", "empty");
  ERR(sim, sg_connect(sim, sg_nodes_list(good, 2), sg_nodes_list(dup, 3), NULL, NULL), SG_ERR_ARG, "post", "repeats");
  OK(sg_nodes_check(sim, sg_nodes_list(good, 2)));
  /* vector and string-list setters take ranges only: a clear refusal for a list */
  static const double st[] = {1.0};
  ERR(sim, sg_set_vec(sim, sg_nodes_list(good, 2), "V_m", st, 1), SG_ERR_ARG, "non-contiguous id list", "allowed a contiguous id range");
  /* a set that touches a node without the parameter: nothing changes */
  static const uint64_t span[] = {20, 21, 22};
  const double c20 = get(sim, 20, "C_m");
  ERR(sim, sg_set(sim, sg_nodes_list(span, 3), "C_m", 77.0), SG_ERR_UNKNOWN, "spike_recorder", "C_m");
  SG_ASSERT_DBL_EXACT(get(sim, 20, "C_m"), c20);
  /* a value one node of a later run refuses: nothing changes, the node is named */
  static const uint64_t two[] = {3, 30};
  static const double vals[] = {100.0, -5.0};
  ERR(sim, sg_set_each(sim, sg_nodes_list(two, 2), "C_m", vals), SG_ERR_ARG, "node 30", "allowed");
  SG_ASSERT_DBL_EXACT(get(sim, 3, "C_m"), c20);
  /* a dense list is the range; a population as a list can be undone */
  uint64_t all_b[20];
  for (int i = 0; i < 20; ++i) all_b[i] = 22 + (uint64_t)i;
  static const uint64_t not_b[] = {22, 41};
  ERR(sim, sg_create_undo(sim, sg_nodes_list(not_b, 2)), SG_ERR_ARG, "id list", "last population");
  OK(sg_create_undo(sim, sg_nodes_list(all_b, 20)));
  uint64_t n = 0;
  OK(sg_num_connections(sim, (sg_nodes){0, 0, NULL}, (sg_nodes){0, 0, NULL}, &n));
  sg_sim_free(sim);
}

static void test_set_across_populations(void) {
  sg_sim *sim = three_pops(1, 1);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  static const uint64_t ids[] = {1, 2, 3, 10, 20, 22, 23, 41};
  static const double each[] = {1, 2, 3, 4, 5, 6, 7, 8};
  OK(sg_set(sim, sg_nodes_list(ids, 8), "C_m", 123.0));
  OK(sg_set_each(sim, sg_nodes_list(ids, 8), "I_e", each));
  for (uint64_t g = 1; g <= 41; ++g) {
    if (g == 21) continue;
    uint64_t at = UINT64_MAX;
    for (uint64_t i = 0; i < 8; ++i)
      if (ids[i] == g) at = i;
    SG_ASSERT_DBL_EXACT(get(sim, g, "C_m"), at == UINT64_MAX ? 250.0 : 123.0);
    SG_ASSERT_DBL_EXACT(get(sim, g, "I_e"), at == UINT64_MAX ? 0.0 : each[at]);
  }
  sg_sim_free(sim);
}

typedef struct conn { uint64_t s, t; double w, d; } conn;

static conn *all_conns(sg_sim *sim, size_t *n) {
  size_t k = 0;
  const sg_nodes any = {0, 0, NULL};
  CU_ASSERT_EQUAL(sg_get_connections(sim, any, any, NULL, NULL, NULL, NULL, NULL, 0, &k), SG_OK);
  uint64_t *s = malloc((k + 1) * 8), *t = malloc((k + 1) * 8);
  double *w = malloc((k + 1) * 8), *d = malloc((k + 1) * 8);
  conn *c = malloc((k + 1) * sizeof *c);
  CU_ASSERT_EQUAL(sg_get_connections(sim, any, any, s, t, w, d, NULL, k, n), SG_OK);
  for (size_t i = 0; i < *n; ++i) c[i] = (conn){s[i], t[i], w[i], d[i]};
  free(s); free(t); free(w); free(d);
  return c;
}

static int same_conns(sg_sim *a, sg_sim *b) {
  size_t na, nb;
  conn *ca = all_conns(a, &na), *cb = all_conns(b, &nb);
  int same = na == nb && na > 0 && memcmp(ca, cb, na * sizeof *ca) == 0;
  free(ca); free(cb);
  return same;
}

/* pre {2, 4..6, 30, 33}, post {5, 7, 25, 26, 40}: all_to_all over the sets = every pair of
 * ranges connected one at a time; one_to_one = the i-th elements paired one pair at a time. */
static void test_connect_equals_ranges(void) {
  static const uint64_t pre[] = {2, 4, 5, 6, 30, 33}, post[] = {5, 7, 25, 26, 40, 41};
  static const sg_nodes pre_r[] = {{2, 1, NULL}, {4, 3, NULL}, {30, 1, NULL}, {33, 1, NULL}};
  static const sg_nodes post_r[] = {{5, 1, NULL}, {7, 1, NULL}, {25, 2, NULL}, {40, 2, NULL}};
  sg_syn_spec syn;
  sg_syn_spec_default(&syn);
  syn.weight = sg_scalar(2.5);
  syn.delay = sg_scalar(1.5);
  sg_sim *a = three_pops(1, 7), *b = three_pops(1, 7);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  OK(sg_connect(a, sg_nodes_list(pre, 6), sg_nodes_list(post, 6), NULL, &syn));
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) OK(sg_connect(b, pre_r[i], post_r[j], NULL, &syn));
  CU_ASSERT(same_conns(a, b));
  uint64_t n = 0;
  OK(sg_num_connections(a, sg_nodes_list(pre, 6), sg_nodes_list(post, 6), &n));
  CU_ASSERT_EQUAL(n, 36);   /* 6 x 6 pairs (autapses allowed: 5 -> 5 is one) */
  OK(sg_num_connections(a, sg_nodes_list(pre + 1, 1), (sg_nodes){0, 0, NULL}, &n));
  CU_ASSERT_EQUAL(n, 6);    /* node 4 -> each post */
  sg_sim_free(a);
  sg_sim_free(b);

  sg_conn_spec one;
  sg_conn_spec_default(&one);
  one.rule = "one_to_one";
  a = three_pops(1, 7);
  b = three_pops(1, 7);
  OK(sg_connect(a, sg_nodes_list(pre, 6), sg_nodes_list(post, 6), &one, &syn));
  for (int i = 0; i < 6; ++i) OK(sg_connect(b, (sg_nodes){pre[i], 1, NULL}, (sg_nodes){post[i], 1, NULL}, &one, &syn));
  CU_ASSERT(same_conns(a, b));
  OK(sg_num_connections(a, (sg_nodes){0, 0, NULL}, (sg_nodes){0, 0, NULL}, &n));
  CU_ASSERT_EQUAL(n, 6);
  OK(sg_simulate(a, 5.0));   /* the CSR of a set-built network runs */
  sg_sim_free(a);
  sg_sim_free(b);
}

/* The autapse rule looks at ids, not positions: pre and post sets sharing nodes 5 and 7. */
static void test_connect_autapses(void) {
  static const uint64_t pre[] = {1, 5, 7, 9}, post[] = {5, 6, 7};
  sg_conn_spec cs;
  sg_conn_spec_default(&cs);
  cs.allow_autapses = 0;
  sg_sim *a = three_pops(1, 3);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  OK(sg_connect(a, sg_nodes_list(pre, 4), sg_nodes_list(post, 3), &cs, NULL));
  uint64_t n = 0;
  OK(sg_num_connections(a, (sg_nodes){0, 0, NULL}, (sg_nodes){0, 0, NULL}, &n));
  CU_ASSERT_EQUAL(n, 10);   /* 12 pairs less 5 -> 5 and 7 -> 7 */
  cs.rule = "fixed_indegree";   /* targets 5 and 7 are in pre: 3 candidates each, all taken */
  cs.indegree = 3;
  cs.allow_multapses = 0;
  OK(sg_connect(a, sg_nodes_list(pre, 4), sg_nodes_list(post, 3), &cs, NULL));
  uint64_t src[32], tgt[32];
  size_t k = 0;
  OK(sg_get_connections(a, (sg_nodes){0, 0, NULL}, sg_nodes_list(post, 1), src, tgt, NULL, NULL, NULL, 32, &k));
  CU_ASSERT_EQUAL(k, 3 + 3);   /* (1, 7, 9) -> 5 by all_to_all, and again by fixed_indegree */
  for (size_t i = 0; i < k && i < 32; ++i) CU_ASSERT(src[i] != 5);
  cs.indegree = 4;
  ERR(a, sg_connect(a, sg_nodes_list(pre, 4), sg_nodes_list(post, 3), &cs, NULL), SG_ERR_ARG,
      "nodes in both pre and post have only 3 candidates", "allowed indegree <= 3");
  sg_sim_free(a);
}

/* Random rules over sets: targets/sources stay inside the sets, degrees are exact, statistics
 * fit, and 1 and 2 threads give the same connections. */
static void test_random_rules_over_sets(void) {
  uint64_t pre[15], post[12];
  for (int i = 0; i < 15; ++i) pre[i] = 1 + 2 * (uint64_t)i + (i >= 10 ? 12 : 0);   /* odd ids, some in pop b */
  for (int i = 0; i < 12; ++i) post[i] = 22 + (uint64_t)i * 3 / 2;
  const char *rules[] = {"fixed_indegree", "fixed_outdegree", "pairwise_bernoulli", "fixed_total_number"};
  for (int r = 0; r < 4; ++r) {
    sg_conn_spec cs;
    sg_conn_spec_default(&cs);
    cs.rule = rules[r];
    cs.indegree = 4;
    cs.outdegree = 5;
    cs.p = 0.3;
    cs.N = 50;
    sg_syn_spec syn;
    sg_syn_spec_default(&syn);
    syn.weight = sg_random_normal(1.0, 0.2);
    sg_sim *a = three_pops(1, 11), *b = three_pops(2, 11);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    OK(sg_connect(a, sg_nodes_list(pre, 15), sg_nodes_list(post, 12), &cs, &syn));
    OK(sg_connect(b, sg_nodes_list(pre, 15), sg_nodes_list(post, 12), &cs, &syn));
    CU_ASSERT(same_conns(a, b));
    size_t n;
    conn *c = all_conns(a, &n);
    uint64_t in_deg[12] = {0}, out_deg[15] = {0};
    for (size_t i = 0; i < n; ++i) {
      const uint64_t ps = sg_nodes_find(sg_nodes_list(pre, 15), c[i].s), pt = sg_nodes_find(sg_nodes_list(post, 12), c[i].t);
      CU_ASSERT(ps != UINT64_MAX && pt != UINT64_MAX);
      if (ps == UINT64_MAX || pt == UINT64_MAX) continue;
      in_deg[pt]++;
      out_deg[ps]++;
    }
    if (r == 0) for (int t = 0; t < 12; ++t) CU_ASSERT_EQUAL(in_deg[t], 4);
    if (r == 1) for (int s = 0; s < 15; ++s) CU_ASSERT_EQUAL(out_deg[s], 5);
    if (r == 2) {   /* 180 pairs, p 0.3: mean 54, sd 6.1; within 5 sd */
      CU_ASSERT(n >= 24 && n <= 84);
    }
    if (r == 3) CU_ASSERT_EQUAL(n, 50);
    free(c);
    sg_sim_free(a);
    sg_sim_free(b);
  }
}

/* ---- drawn values ---------------------------------------------------------------------------- */
static int cmp_dbl(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Kolmogorov-Smirnov distance of x[0..n) (sorted here) to cdf. */
static double ks(double *x, size_t n, double (*cdf)(double)) {
  qsort(x, n, sizeof *x, cmp_dbl);
  double d = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double f = cdf(x[i]), lo = f - (double)i / n, hi = (double)(i + 1) / n - f;
    if (lo > d) d = lo;
    if (hi > d) d = hi;
  }
  return d;
}
static double cdf_uniform_70_60(double x) { return x <= -70 ? 0 : x >= -60 ? 1 : (x + 70) / 10; }
static double cdf_normal_200_20(double x) { return 0.5 * erfc(-(x - 200.0) / (20.0 * sqrt(2.0))); }
static double cdf_exp_5(double x) { return x <= 0 ? 0 : 1 - exp(-x / 5.0); }

/* 20000 neurons, uniform V_m, normal C_m, exponential t_ref: each within its distribution by the
 * KS distance at alpha = 0.001 (D < 1.95 / sqrt(n) = 0.0138; fixed seed, so the check is
 * deterministic and fails only for a sampler or counter mistake). Then the same draws at 2 threads. */
static void test_drawn_values(void) {
  const uint64_t n = sg_test_quick() ? 4000 : 20000;
  double *x[2][3];
  for (int th = 0; th < 2; ++th) {
    sg_sim *sim = sg_test_cpu_sim(0.1, 42, th + 1, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    sg_nodes p;
    OK(sg_create(sim, "iaf_psc_alpha", n, &p));
    const sg_value u = sg_random_uniform(-70.0, -60.0), g = sg_random_normal(200.0, 20.0), e = sg_random_exponential(5.0);
    OK(sg_set_value(sim, p, "V_m", &u));
    OK(sg_set_value(sim, p, "C_m", &g));
    OK(sg_set_value(sim, p, "tau_m", &e));
    const char *names[3] = {"V_m", "C_m", "tau_m"};
    for (int k = 0; k < 3; ++k) {
      x[th][k] = malloc(n * sizeof(double));
      for (uint64_t i = 0; i < n; ++i) x[th][k][i] = get(sim, p.first + i, names[k]);
    }
    sg_sim_free(sim);
  }
  for (int k = 0; k < 3; ++k) CU_ASSERT(memcmp(x[0][k], x[1][k], n * sizeof(double)) == 0);
  const double crit = 1.95 / sqrt((double)n);
  double d = ks(x[0][0], n, cdf_uniform_70_60);
  if (!(d < crit)) fprintf(stderr, "\n  uniform KS D = %g >= %g\n", d, crit);
  CU_ASSERT(d < crit);
  d = ks(x[0][1], n, cdf_normal_200_20);
  if (!(d < crit)) fprintf(stderr, "\n  normal KS D = %g >= %g\n", d, crit);
  CU_ASSERT(d < crit);
  d = ks(x[0][2], n, cdf_exp_5);
  if (!(d < crit)) fprintf(stderr, "\n  exponential KS D = %g >= %g\n", d, crit);
  CU_ASSERT(d < crit);
  for (int th = 0; th < 2; ++th)
    for (int k = 0; k < 3; ++k) free(x[th][k]);
}

/* A value is keyed by (seed, call index, node id): a subset drawn in a fresh simulation gets the
 * values its nodes get when the whole population is drawn; a refused call (a drawn C_m <= 0)
 * changes nothing and uses no call index; the next call draws anew. */
static void test_drawn_keys_and_refusals(void) {
  static const uint64_t sub[] = {5, 9, 30};
  const sg_value u = sg_random_uniform(-70.0, -60.0), bad = sg_random_normal(10.0, 50.0);
  sg_sim *a = three_pops(1, 5), *b = three_pops(2, 5);
  CU_ASSERT_PTR_NOT_NULL_FATAL(a);
  CU_ASSERT_PTR_NOT_NULL_FATAL(b);
  uint64_t all[40];
  for (uint64_t i = 0, g = 1; g <= 41; ++g)
    if (g != 21) all[i++] = g;
  const double c_before = get(b, 9, "C_m");
  ERR(b, sg_set_value(b, sg_nodes_list(all, 40), "C_m", &bad), SG_ERR_ARG, "C_m", "drawn from normal(10, 50)");
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(b), "(node "));
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(b), "allowed > 0"));
  SG_ASSERT_DBL_EXACT(get(b, 9, "C_m"), c_before);
  ERR(b, sg_set_value(b, sg_nodes_list(all, 40), "V_m", &(sg_value){SG_DIST_UNIFORM, 0, NULL, 0, 1, 1, 0, 0}),
      SG_ERR_ARG, "V_m = uniform(min = 1, max = 1)", "allowed finite min < max");
  OK(sg_set_value(a, sg_nodes_list(all, 40), "V_m", &u));
  OK(sg_set_value(b, sg_nodes_list(sub, 3), "V_m", &u));
  for (int i = 0; i < 3; ++i) SG_ASSERT_DBL_EXACT(get(b, sub[i], "V_m"), get(a, sub[i], "V_m"));
  CU_ASSERT(get(a, 5, "V_m") != get(a, 9, "V_m"));
  CU_ASSERT(get(b, 10, "V_m") == -70.0);   /* iaf_psc_alpha's initial V_m: not in the subset */
  /* call 1 differs from call 0 */
  OK(sg_set_value(a, sg_nodes_list(sub, 3), "V_m", &u));
  CU_ASSERT(get(a, 5, "V_m") != get(b, 5, "V_m"));
  CU_ASSERT(get(a, 5, "V_m") >= -70.0 && get(a, 5, "V_m") < -60.0);
  sg_sim_free(a);
  sg_sim_free(b);
}

static CU_TestInfo tests[] = {
    {"helpers", test_helpers},
    {"bad_sets", test_bad_sets},
    {"set_across_populations", test_set_across_populations},
    {"connect_equals_ranges", test_connect_equals_ranges},
    {"connect_autapses_by_id", test_connect_autapses},
    {"random_rules_over_sets", test_random_rules_over_sets},
    {"drawn_values_distributions_threads", test_drawn_values},
    {"drawn_keys_and_refusals", test_drawn_keys_and_refusals},
    CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_nodesets = {"nodesets", NULL, tests};
