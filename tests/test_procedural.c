/* tests/test_procedural.c - procedural projections (docs/procedural.md, sg/proc.h): exactly the
 * stored connections where the rows agree (all_to_all, one_to_one: the same draws), the same
 * statistics where they do not (degree distributions, weight and delay moments against theory and
 * against the stored rule), 1 thread == 2 threads, and bad input refused with the network
 * unchanged. The cpu == emulated cuda check is in tests/test_cuda_equiv.c. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "spikegpu.h"

#define NN 300

/* ---- a recurrent iaf_psc_exp network: Poisson drive (stored), recurrence stored or procedural --- */
typedef struct net_spec {
  const char *rule;
  uint64_t outdegree, N;
  double p;
  int procedural, autapses;
  sg_value w, d;
} net_spec;

static int run_rec(const net_spec *ns, int threads, double *t, uint64_t *s, size_t cap, size_t *n, uint64_t *n_conn) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 7, threads, NULL);
  if (!sim) return 1;
  sg_nodes nn, pg, sr;
  sg_conn_spec cs;
  sg_syn_spec syn, drive;
  int r = sg_create(sim, "iaf_psc_exp", NN, &nn) || sg_create(sim, "poisson_generator", 1, &pg) ||
          sg_set(sim, pg, "rate", 12000.0) || sg_create(sim, "spike_recorder", 1, &sr);
  sg_syn_spec_default(&drive);
  drive.weight = sg_scalar(60.0);
  r = r || sg_connect(sim, pg, nn, NULL, &drive);
  sg_conn_spec_default(&cs);
  cs.rule = ns->rule;
  cs.outdegree = ns->outdegree;
  cs.N = ns->N;
  cs.p = ns->p;
  cs.allow_autapses = ns->autapses;
  cs.procedural = ns->procedural;
  sg_syn_spec_default(&syn);
  syn.weight = ns->w;
  syn.delay = ns->d;
  r = r || sg_connect(sim, nn, nn, &cs, &syn) || sg_connect(sim, nn, sr, NULL, NULL) || sg_simulate(sim, 150.0) ||
      sg_spikes(sim, sr.first, t, s, cap, n);
  if (!r && n_conn) r = sg_num_connections(sim, nn, nn, n_conn);
  if (r) fprintf(stderr, "\n  %s", sg_errmsg(sim));
  sg_sim_free(sim);
  return r;
}

#define CAP 200000
static double ta[CAP], tb[CAP];
static uint64_t sa[CAP], sb[CAP];

static int same_trains(size_t na, size_t nb) {
  if (na != nb) { fprintf(stderr, "\n  %zu != %zu spikes", na, nb); return 0; }
  for (size_t i = 0; i < na; ++i)
    if (ta[i] != tb[i] || sa[i] != sb[i]) { fprintf(stderr, "\n  spike %zu differs", i); return 0; }
  return 1;
}

/* all_to_all and one_to_one with drawn weights and delays: the procedural rows are the stored
 * connections, so the spike trains are identical; at 2 threads too. */
static void test_proc_equals_stored(void) {
  const net_spec specs[] = {
      {"all_to_all", 0, 0, 0, 0, 0, {0}, {0}},
      {"one_to_one", 0, 0, 0, 0, 1, {0}, {0}},
  };
  for (size_t k = 0; k < 2; ++k) {
    net_spec ns = specs[k];
    ns.w = k == 0 ? sg_random_normal(0.5, 4.0) : sg_scalar(-30.0);
    ns.d = k == 0 ? sg_random_uniform(0.5, 3.0) : sg_scalar(1.5);
    size_t na = 0, nb = 0, nc = 0;
    uint64_t ca = 0, cb = 0;
    CU_ASSERT_FATAL(run_rec(&ns, 1, ta, sa, CAP, &na, &ca) == 0);
    ns.procedural = 1;
    CU_ASSERT_FATAL(run_rec(&ns, 1, tb, sb, CAP, &nb, &cb) == 0);
    CU_ASSERT(na > 500);
    CU_ASSERT(same_trains(na, nb));
    CU_ASSERT_EQUAL(ca, cb);
    CU_ASSERT_EQUAL(ca, k == 0 ? (uint64_t)NN * (NN - 1) : (uint64_t)NN);
    CU_ASSERT_FATAL(run_rec(&ns, 2, tb, sb, CAP, &nc, NULL) == 0);
    CU_ASSERT(same_trains(na, nc));
  }
}

/* The rules whose rows differ from the stored ones: 1 thread == 2 threads, the network is active. */
static void test_proc_threads(void) {
  const net_spec specs[] = {
      {"pairwise_bernoulli", 0, 0, 0.1, 1, 0, {0}, {0}},
      {"fixed_outdegree", 30, 0, 0, 1, 0, {0}, {0}},
      {"fixed_total_number", 0, 9000, 0, 1, 1, {0}, {0}},
  };
  for (size_t k = 0; k < 3; ++k) {
    net_spec ns = specs[k];
    ns.w = sg_random_normal(1.0, 8.0);   /* both signs: both ports */
    ns.d = sg_random_normal_clipped(1.5, 1.0, 0.8, 4.0);
    size_t na = 0, nb = 0;
    uint64_t ca = 0;
    CU_ASSERT_FATAL(run_rec(&ns, 1, ta, sa, CAP, &na, &ca) == 0);
    CU_ASSERT_FATAL(run_rec(&ns, 2, tb, sb, CAP, &nb, NULL) == 0);
    CU_ASSERT(na > 500);
    CU_ASSERT(same_trains(na, nb));
    if (k == 1) CU_ASSERT_EQUAL(ca, (uint64_t)NN * 30);
    if (k == 2) CU_ASSERT_EQUAL(ca, 9000u);
  }
}

/* ---- statistics ------------------------------------------------------------------------------ */
typedef struct graph { uint64_t *src, *tgt; double *w, *d; size_t n; } graph;

static int get_graph(const char *rule, int procedural, uint64_t npre, uint64_t npost, double p, uint64_t K, uint64_t N,
                     sg_value w, sg_value d, graph *g) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 11, 2, NULL);
  if (!sim) return 1;
  sg_nodes a, b;
  sg_conn_spec cs;
  sg_syn_spec syn;
  sg_conn_spec_default(&cs);
  cs.rule = rule; cs.p = p; cs.outdegree = K; cs.N = N; cs.procedural = procedural; cs.allow_autapses = 0;
  sg_syn_spec_default(&syn);
  syn.weight = w;
  syn.delay = d;
  int r = sg_create(sim, "iaf_psc_exp", npre, &a) || sg_create(sim, "iaf_psc_exp", npost, &b) ||
          sg_connect(sim, a, b, &cs, &syn);
  uint64_t n = 0;
  r = r || sg_num_connections(sim, a, b, &n);
  memset(g, 0, sizeof *g);
  if (!r) {
    g->src = malloc((n + 1) * 8); g->tgt = malloc((n + 1) * 8); g->w = malloc((n + 1) * 8); g->d = malloc((n + 1) * 8);
    r = !g->src || !g->tgt || !g->w || !g->d ||
        sg_get_connections(sim, a, b, g->src, g->tgt, g->w, g->d, NULL, (size_t)n, &g->n) || g->n != n;
    for (size_t i = 0; i < g->n; ++i) { g->src[i] -= a.first; g->tgt[i] -= b.first; }
  }
  if (r) fprintf(stderr, "\n  %s", sg_errmsg(sim));
  sg_sim_free(sim);
  return r;
}

static void graph_free(graph *g) { free(g->src); free(g->tgt); free(g->w); free(g->d); }

/* mean and variance of the degrees (by source: out, else in) */
static void degrees(const graph *g, int by_src, uint64_t n, double *mean, double *var) {
  uint64_t *c = calloc(n, sizeof *c);
  for (size_t i = 0; i < g->n; ++i) c[by_src ? g->src[i] : g->tgt[i]]++;
  double m = 0.0, v = 0.0;
  for (uint64_t i = 0; i < n; ++i) m += (double)c[i];
  m /= (double)n;
  for (uint64_t i = 0; i < n; ++i) v += ((double)c[i] - m) * ((double)c[i] - m);
  *mean = m;
  *var = v / (double)(n - 1);
  free(c);
}

static void moments(const double *x, size_t n, double *mean, double *var) {
  double m = 0.0, v = 0.0;
  for (size_t i = 0; i < n; ++i) m += x[i];
  m /= (double)n;
  for (size_t i = 0; i < n; ++i) v += (x[i] - m) * (x[i] - m);
  *mean = m;
  *var = v / (double)(n - 1);
}

/* |a - b| within z standard errors */
#define NEAR(a, b, se, z) CU_ASSERT(fabs((a) - (b)) <= (z) * (se) || (fprintf(stderr, "\n  %s:%d: %g vs %g (se %g)", __FILE__, __LINE__, (double)(a), (double)(b), (double)(se)), 0))

/* pairwise_bernoulli, procedural and stored, 1500 x 1200, p = 0.05, no autapses (pre and post
 * disjoint here): degrees are Binomial(n, p): mean within 4 standard errors of n p, variance within
 * 4 standard errors (sd of a sample variance of m values ~ var sqrt(2 / (m - 1))) of n p (1 - p);
 * no pair twice; normal(2, 0.5) weights: mean and variance; uniform(1, 3) ms delays in steps of 0.1:
 * mean 2.0, variance about (2^2 / 12) with rounding; and the procedural moments within 5 joint
 * standard errors of the stored ones. */
static void test_proc_bernoulli_stats(void) {
  const uint64_t npre = 1500, npost = 1200;
  const double p = 0.05;
  graph gp, gs;
  CU_ASSERT_FATAL(get_graph("pairwise_bernoulli", 1, npre, npost, p, 0, 0, sg_random_normal(2.0, 0.5), sg_random_uniform(1.0, 3.0), &gp) == 0);
  CU_ASSERT_FATAL(get_graph("pairwise_bernoulli", 0, npre, npost, p, 0, 0, sg_random_normal(2.0, 0.5), sg_random_uniform(1.0, 3.0), &gs) == 0);
  const graph *G[2] = {&gp, &gs};
  double wm[2], wv[2], dm[2], dv[2];
  for (int k = 0; k < 2; ++k) {
    double m, v;
    degrees(G[k], 1, npre, &m, &v);   /* out: Binomial(npost, p) */
    const double vo = npost * p * (1 - p);
    NEAR(m, npost * p, sqrt(vo / npre), 4.0);
    NEAR(v, vo, vo * sqrt(2.0 / (npre - 1)), 4.0);
    degrees(G[k], 0, npost, &m, &v);  /* in: Binomial(npre, p) */
    const double vi = npre * p * (1 - p);
    NEAR(m, npre * p, sqrt(vi / npost), 4.0);
    NEAR(v, vi, vi * sqrt(2.0 / (npost - 1)), 4.0);
    size_t dup = 0;   /* (source, target) order: a repeated pair would be adjacent */
    for (size_t i = 1; i < G[k]->n; ++i) dup += G[k]->src[i] == G[k]->src[i - 1] && G[k]->tgt[i] == G[k]->tgt[i - 1];
    CU_ASSERT_EQUAL(dup, 0);
    moments(G[k]->w, G[k]->n, &wm[k], &wv[k]);
    moments(G[k]->d, G[k]->n, &dm[k], &dv[k]);
    NEAR(wm[k], 2.0, 0.5 / sqrt((double)G[k]->n), 4.0);
    NEAR(wv[k], 0.25, 0.25 * sqrt(2.0 / G[k]->n), 4.0);
    NEAR(dm[k], 2.0, sqrt(4.0 / 12.0 / G[k]->n), 4.0);
    NEAR(dv[k], 4.0 / 12.0, 0.01, 3.0);   /* rounding to 0.1 ms adds ~0.1^2/12 */
  }
  NEAR(wm[0], wm[1], 0.5 * sqrt(1.0 / gp.n + 1.0 / gs.n), 5.0);
  NEAR(dm[0], dm[1], sqrt(4.0 / 12.0 * (1.0 / gp.n + 1.0 / gs.n)), 5.0);
  graph_free(&gp);
  graph_free(&gs);
}

/* fixed_outdegree (procedural, multapses) and fixed_total_number (procedural): every source has K
 * synapses, in-degrees have mean npre K / npost and the multinomial variance; the total has N, its
 * out-degrees mean N / npre with variance N (1/npre)(1 - 1/npre); chi-square of the in-degree
 * counts against uniform targets below the 99.99% point (df = npost - 1, normal approximation:
 * df + 3.72 sqrt(2 df)). No autapse (pre == post here). */
static void test_proc_degree_rules(void) {
  const uint64_t n = 800, K = 40, N = 50000;
  for (int k = 0; k < 2; ++k) {
    sg_sim *sim = sg_test_cpu_sim(0.1, 5, 1, NULL);
    CU_ASSERT_FATAL(sim != NULL);
    sg_nodes a;
    sg_conn_spec cs;
    sg_conn_spec_default(&cs);
    cs.rule = k == 0 ? "fixed_outdegree" : "fixed_total_number";
    cs.outdegree = K; cs.N = N; cs.procedural = 1; cs.allow_autapses = 0;
    CU_ASSERT_FATAL(sg_create(sim, "iaf_psc_exp", n, &a) == 0);
    CU_ASSERT_FATAL(sg_connect(sim, a, a, &cs, NULL) == 0);
    uint64_t m = 0;
    CU_ASSERT_FATAL(sg_num_connections(sim, a, a, &m) == 0);
    const uint64_t total = k == 0 ? n * K : N;
    CU_ASSERT_EQUAL(m, total);
    graph g;
    memset(&g, 0, sizeof g);
    g.src = malloc(m * 8); g.tgt = malloc(m * 8);
    CU_ASSERT_FATAL(sg_get_connections(sim, a, a, g.src, g.tgt, NULL, NULL, NULL, m, &g.n) == 0);
    size_t self = 0;
    for (size_t i = 0; i < g.n; ++i) { self += g.src[i] == g.tgt[i]; g.src[i] -= a.first; g.tgt[i] -= a.first; }
    CU_ASSERT_EQUAL(self, 0);
    double mo, vo, mi, vi;
    degrees(&g, 1, n, &mo, &vo);
    degrees(&g, 0, n, &mi, &vi);
    const double mean = (double)total / n, q = 1.0 / (n - 1);   /* a target: one of n - 1 */
    if (k == 0) { CU_ASSERT_EQUAL(vo, 0.0); }
    else {
      const double v = N * (1.0 / n) * (1.0 - 1.0 / n);
      NEAR(vo, v, v * sqrt(2.0 / (n - 1)), 4.0);
    }
    NEAR(mi, mean, 1e-9, 1.0);
    const double chi2 = vi * (n - 1) / mean, df = n - 1;   /* sum (c - E)^2 / E */
    CU_ASSERT(chi2 < df + 3.72 * sqrt(2 * df));
    CU_ASSERT(chi2 > df - 3.72 * sqrt(2 * df));
    (void)q;
    graph_free(&g);
    sg_sim_free(sim);
  }
}

/* all_to_all procedural == stored, connection by connection (weights and delays drawn). */
static void test_proc_get_connections(void) {
  graph gp, gs;
  CU_ASSERT_FATAL(get_graph("all_to_all", 1, 40, 30, 0, 0, 0, sg_random_lognormal(0.1, 0.3), sg_random_uniform(0.2, 2.0), &gp) == 0);
  CU_ASSERT_FATAL(get_graph("all_to_all", 0, 40, 30, 0, 0, 0, sg_random_lognormal(0.1, 0.3), sg_random_uniform(0.2, 2.0), &gs) == 0);
  CU_ASSERT_EQUAL_FATAL(gp.n, gs.n);
  CU_ASSERT_EQUAL(gp.n, 1200u);
  size_t bad = 0;
  for (size_t i = 0; i < gp.n; ++i)
    bad += gp.src[i] != gs.src[i] || gp.tgt[i] != gs.tgt[i] || gp.w[i] != gs.w[i] || gp.d[i] != gs.d[i];
  CU_ASSERT_EQUAL(bad, 0);
  graph_free(&gp);
  graph_free(&gs);
}

/* ---- bad input: a clear error, nothing connected, and the next call draws as if none failed ---- */
static void test_proc_bad_input(void) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 3, 1, NULL);
  CU_ASSERT_FATAL(sim != NULL);
  sg_nodes a, b, pg;
  CU_ASSERT_FATAL(sg_create(sim, "iaf_psc_exp", 20, &a) == 0 && sg_create(sim, "gl_exp", 20, &b) == 0 &&
                  sg_create(sim, "poisson_generator", 1, &pg) == 0);
  const double arr[400] = {0};
  struct { const char *rule; uint64_t K; int multapses, proc; sg_value w, d; int which; const char *want; } bad[] = {
      {"fixed_indegree", 5, 1, 1, {0}, {0}, 0, "fixed_indegree cannot be procedural"},
      {"fixed_outdegree", 5, 0, 1, {0}, {0}, 0, "allow_multapses = 0 and procedural = 1"},
      {"all_to_all", 0, 1, 1, {0}, {0}, 1, "delay kind 3"},
      {"all_to_all", 0, 1, 1, {0}, {0}, 2, "array[400] with procedural = 1"},
      {"all_to_all", 0, 1, 1, {0}, {0}, 3, "procedural delays must be bounded by delays"},
      {"all_to_all", 0, 1, 1, {0}, {0}, 4, "spans 2 population(s)"},
      {"all_to_all", 0, 1, 1, {0}, {0}, 5, "allowed neuron sources only"},
      {"all_to_all", 0, 1, 2, {0}, {0}, 0, "procedural = 2: allowed 0 or 1"},
      {"all_to_all", 0, 1, 1, {0}, {0}, 6, "more than a float holds"},
      {"all_to_all", 0, 1, 1, {0}, {0}, 7, "fixed-point input could overflow"},
      {"all_to_all", 0, 1, 1, {0}, {0}, 8, "procedural pre is a set of 3 ids from"},
      {"fixed_outdegree", 2, 1, 1, {0}, {0}, 9, "procedural post is a set of 3 ids from"},
  };
  const uint64_t gaps[3] = {a.first, a.first + 2, a.first + 5};   /* not consecutive */
  for (size_t i = 0; i < sizeof bad / sizeof *bad; ++i) {
    sg_conn_spec cs;
    sg_syn_spec syn;
    sg_conn_spec_default(&cs);
    sg_syn_spec_default(&syn);
    cs.rule = bad[i].rule; cs.indegree = cs.outdegree = bad[i].K; cs.allow_multapses = bad[i].multapses;
    cs.procedural = bad[i].proc;
    sg_nodes pre = a, post = a;
    switch (bad[i].which) {
    case 1: syn.delay = sg_random_normal(2.0, 0.5); break;
    case 2: syn.weight = sg_array(arr, 400); break;
    case 3: syn.delay = sg_random_uniform(0.01, 2.0); break;
    case 4: post.n = 40; break;                 /* a and b */
    case 5: pre = pg; break;
    case 6: syn.weight = sg_random_lognormal(80.0, 1.0); break;
    case 7: syn.weight = sg_scalar(1e8); break;
    case 8: pre = sg_nodes_list(gaps, 3); break;
    case 9: post = sg_nodes_list(gaps, 3); break;
    default: break;
    }
    CU_ASSERT_NOT_EQUAL(sg_connect(sim, pre, post, &cs, &syn), SG_OK);
    const int has = strstr(sg_errmsg(sim), bad[i].want) != NULL;
    if (!has) fprintf(stderr, "\n  case %zu: '%s' lacks '%s'", i, sg_errmsg(sim), bad[i].want);
    CU_ASSERT(has);
    if (bad[i].which >= 8) CU_ASSERT(strstr(sg_errmsg(sim), "allowed ranges of consecutive ids") && strstr(sg_errmsg(sim), "procedural = 0"));
    uint64_t n = 1;
    CU_ASSERT(sg_num_connections(sim, (sg_nodes){0, 0, NULL}, (sg_nodes){0, 0, NULL}, &n) == SG_OK && n == 0);
  }
  /* after the failures the call is call 0: the same graph as a fresh simulation's */
  sg_conn_spec cs;
  sg_conn_spec_default(&cs);
  cs.rule = "pairwise_bernoulli"; cs.p = 0.3; cs.procedural = 1;
  CU_ASSERT_FATAL(sg_connect(sim, a, a, &cs, NULL) == SG_OK);
  sg_sim *fresh = sg_test_cpu_sim(0.1, 3, 1, NULL);
  sg_nodes fa;
  CU_ASSERT_FATAL(fresh && sg_create(fresh, "iaf_psc_exp", 20, &fa) == 0 && sg_connect(fresh, fa, fa, &cs, NULL) == SG_OK);
  uint64_t s1[400], t1[400], s2[400], t2[400];
  size_t n1 = 0, n2 = 0;
  CU_ASSERT(sg_get_connections(sim, a, a, s1, t1, NULL, NULL, NULL, 400, &n1) == SG_OK);
  CU_ASSERT(sg_get_connections(fresh, fa, fa, s2, t2, NULL, NULL, NULL, 400, &n2) == SG_OK);
  CU_ASSERT(n1 == n2 && n1 > 60 && n1 < 180);
  CU_ASSERT(memcmp(s1, s2, n1 * 8) == 0 && memcmp(t1, t2, n1 * 8) == 0);
  sg_sim_free(fresh);
  sg_sim_free(sim);
}

/* Node sets (sg_nodes.ids): a dense id list is the range, so procedural takes it (the same graph as
 * the range); a query with sets of pre and post walks a procedural projection's rows again and
 * keeps the pairs in both sets, as it keeps a stored projection's. */
static void test_proc_node_sets(void) {
  sg_sim *sim[2];
  sg_nodes a[2];
  const sg_value w = sg_random_lognormal(0.1, 0.3), d = sg_random_uniform(0.2, 2.0);
  for (int k = 0; k < 2; ++k) {   /* k = 0: procedural, 1: stored */
    sim[k] = sg_test_cpu_sim(0.1, 9, 1, NULL);
    CU_ASSERT_FATAL(sim[k] && sg_create(sim[k], "iaf_psc_exp", 30, &a[k]) == SG_OK);
    const uint64_t dense[5] = {a[k].first + 2, a[k].first + 3, a[k].first + 4, a[k].first + 5, a[k].first + 6};
    const sg_nodes pre = k == 0 ? sg_nodes_list(dense, 5) : (sg_nodes){a[k].first + 2, 5, NULL};
    sg_conn_spec cs;
    sg_syn_spec syn;
    sg_conn_spec_default(&cs);
    sg_syn_spec_default(&syn);
    cs.procedural = k == 0;
    syn.weight = w; syn.delay = d;
    CU_ASSERT_FATAL(sg_connect(sim[k], pre, a[k], &cs, &syn) == SG_OK);
  }
  uint64_t src[2][64], tgt[2][64];
  double ww[2][64], dd[2][64];
  size_t n[2] = {0, 0};
  for (int k = 0; k < 2; ++k) {
    const uint64_t f = a[k].first;
    const uint64_t qpre[3] = {f + 1, f + 4, f + 6}, qpost[4] = {f, f + 3, f + 7, f + 29};
    uint64_t cnt = 0;
    CU_ASSERT(sg_num_connections(sim[k], sg_nodes_list(qpre, 3), sg_nodes_list(qpost, 4), &cnt) == SG_OK);
    CU_ASSERT_EQUAL(cnt, 8u);   /* sources f + 4, f + 6 (f + 1 has no row) x 4 targets */
    CU_ASSERT(sg_get_connections(sim[k], sg_nodes_list(qpre, 3), sg_nodes_list(qpost, 4), src[k], tgt[k], ww[k], dd[k], NULL,
                                 64, &n[k]) == SG_OK);
    for (size_t i = 0; i < n[k]; ++i) { src[k][i] -= f; tgt[k][i] -= f; }
    sg_sim_free(sim[k]);
  }
  CU_ASSERT_EQUAL_FATAL(n[0], 8u);
  CU_ASSERT_EQUAL_FATAL(n[1], 8u);
  CU_ASSERT(memcmp(src[0], src[1], 8 * 8) == 0 && memcmp(tgt[0], tgt[1], 8 * 8) == 0);
  CU_ASSERT(memcmp(ww[0], ww[1], 8 * 8) == 0 && memcmp(dd[0], dd[1], 8 * 8) == 0);
}

static CU_TestInfo tests[] = {
    {"all_to_all / one_to_one procedural == stored: identical spike trains (drawn w, d), 2 threads too", test_proc_equals_stored},
    {"bernoulli / outdegree / total_number procedural: 1 thread == 2 threads, counts", test_proc_threads},
    {"pairwise_bernoulli procedural vs stored vs theory: degrees, weight and delay moments", test_proc_bernoulli_stats},
    {"fixed_outdegree / fixed_total_number procedural: degrees, chi-square of in-degrees, no autapses", test_proc_degree_rules},
    {"sg_get_connections draws procedural all_to_all again == stored", test_proc_get_connections},
    {"bad input: refused with the reason, nothing connected, call index kept", test_proc_bad_input},
    {"node sets: a dense id list is its range; queries with sets walk procedural rows", test_proc_node_sets},
    CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_procedural = {"procedural", NULL, tests};
