/* tests/test_connect.c - sg_connect (host/connect.c): exact counts of every rule, autapse and
 * multapse rules, NEST's array shapes and delay rounding, every validation error (message and
 * "nothing changed"), the overflow bound, device directions and ports, determinism across
 * thread counts, and statistical tests of the random rules and value distributions.
 *
 * STATISTICAL TESTS. Seeds are fixed, so every run gives the same verdict; the thresholds are
 * chosen so that a correct implementation with a random seed would fail with the stated
 * probability (the false-alarm rate), and a wrong one (checked by the power tests below: a
 * shifted or mis-shaped distribution) fails clearly.
 *   chi-square: Wilson-Hilferty z of the statistic > 3.72  -> false alarm 1e-4 per test
 *   Kolmogorov-Smirnov: (sqrt(n) + 0.12 + 0.11/sqrt(n)) D > 2.2  -> false alarm ~1.6e-4
 */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sg_test.h"
#include "spikegpu.h"

#define CHI_Z_MAX 3.72
#define KS_MAX 2.2

static sg_sim *new_sim_t(double h, uint64_t seed, int threads) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = h;
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
static sg_sim *new_sim(double h, uint64_t seed) { return new_sim_t(h, seed, 0); }

#define OKS(S, call) SG_TEST_OK(S, call)
#define OK(call) SG_TEST_OK(sim, call)

static sg_nodes create(sg_sim *sim, const char *model, uint64_t n) {
  sg_nodes x = {0, 0, NULL};
  OK(sg_create(sim, model, n, &x));
  return x;
}

static sg_conn_spec rule(const char *r) { return sg_test_rule(r, 0); }
static sg_syn_spec syn(sg_value w, sg_value d) { return sg_test_syn(w, d, 0); }

static uint64_t num(sg_sim *sim, sg_nodes pre, sg_nodes post) {
  uint64_t n = 0;
  OK(sg_num_connections(sim, pre, post, &n));
  return n;
}

static const sg_nodes ANY = {0, 0, NULL};

/* All connections (source, target, weight, delay, receptor), malloc'd. */
typedef struct conns { uint64_t *s, *t; double *w, *d; int *r; size_t n; } conns;
static conns get_all(sg_sim *sim, sg_nodes pre, sg_nodes post) {
  conns c;
  memset(&c, 0, sizeof c);
  uint64_t n = num(sim, pre, post);
  c.s = malloc((n + 1) * sizeof *c.s); c.t = malloc((n + 1) * sizeof *c.t);
  c.w = malloc((n + 1) * sizeof *c.w); c.d = malloc((n + 1) * sizeof *c.d);
  c.r = malloc((n + 1) * sizeof *c.r);
  size_t got = 0;
  OK(sg_get_connections(sim, pre, post, c.s, c.t, c.w, c.d, c.r, (size_t)n, &got));
  CU_ASSERT_EQUAL(got, n);
  c.n = got;
  return c;
}
static void conns_free(conns *c) { free(c->s); free(c->t); free(c->w); free(c->d); free(c->r); memset(c, 0, sizeof *c); }

/* ---- statistics helpers ------------------------------------------------------------------ */
/* Wilson-Hilferty: chi-square with k degrees of freedom -> approx. standard normal z. */
static double chi_z(double x, double k) {
  const double a = 2.0 / (9.0 * k);
  return (cbrt(x / k) - (1.0 - a)) / sqrt(a);
}
/* Chi-square of observed vs expected (expected >= 5 everywhere; caller merges bins). */
static double chi2(const double *obs, const double *expct, int n) {
  double x = 0.0;
  for (int i = 0; i < n; ++i) x += (obs[i] - expct[i]) * (obs[i] - expct[i]) / expct[i];
  return x;
}
static int cmp_dbl(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
/* KS statistic scaled: (sqrt(n) + 0.12 + 0.11/sqrt(n)) * D, for sorted x. */
static double ks_stat(double *x, size_t n, double (*cdf)(double, const double *), const double *par) {
  qsort(x, n, sizeof *x, cmp_dbl);
  double D = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double F = cdf(x[i], par);
    const double d1 = fabs(F - (double)i / (double)n), d2 = fabs((double)(i + 1) / (double)n - F);
    if (d1 > D) D = d1;
    if (d2 > D) D = d2;
  }
  const double sn = sqrt((double)n);
  return (sn + 0.12 + 0.11 / sn) * D;
}
static double Phi(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }
static double cdf_uniform(double x, const double *p) { return x <= p[0] ? 0.0 : x >= p[1] ? 1.0 : (x - p[0]) / (p[1] - p[0]); }
static double cdf_normal(double x, const double *p) { return Phi((x - p[0]) / p[1]); }
static double cdf_clipped(double x, const double *p) {
  const double a = Phi((p[2] - p[0]) / p[1]), b = Phi((p[3] - p[0]) / p[1]);
  if (x <= p[2]) return 0.0;
  if (x >= p[3]) return 1.0;
  return (Phi((x - p[0]) / p[1]) - a) / (b - a);
}
static double cdf_lognormal(double x, const double *p) { return x <= 0.0 ? 0.0 : Phi((log(x) - p[0]) / p[1]); }
static double cdf_exponential(double x, const double *p) { return x <= 0.0 ? 0.0 : 1.0 - exp(-x / p[0]); }

/* ---- defaults and makers ------------------------------------------------------------------- */
static void test_connect_defaults(void) {
  sg_conn_spec c;
  sg_syn_spec s;
  memset(&c, 0x5A, sizeof c);
  memset(&s, 0x5A, sizeof s);
  sg_conn_spec_default(&c);
  sg_syn_spec_default(&s);
  CU_ASSERT_STRING_EQUAL(c.rule, "all_to_all");
  CU_ASSERT_EQUAL(c.allow_autapses, 1);
  CU_ASSERT_EQUAL(c.allow_multapses, 1);
  CU_ASSERT_STRING_EQUAL(s.model, "static_synapse");
  CU_ASSERT_EQUAL(s.weight.kind, SG_VALUE_SCALAR);
  SG_ASSERT_DBL_EXACT(s.weight.value, 1.0);
  CU_ASSERT_EQUAL(s.delay.kind, SG_VALUE_SCALAR);
  SG_ASSERT_DBL_EXACT(s.delay.value, 1.0);
  CU_ASSERT_EQUAL(s.receptor_type, 0);
  sg_value v = sg_random_normal_clipped(1, 2, 3, 4);
  CU_ASSERT(v.kind == SG_DIST_NORMAL_CLIPPED && v.a == 1 && v.b == 2 && v.lo == 3 && v.hi == 4);
  v = sg_random_uniform(-1, 2);
  CU_ASSERT(v.kind == SG_DIST_UNIFORM && v.a == -1 && v.b == 2);
  v = sg_random_exponential(3);
  CU_ASSERT(v.kind == SG_DIST_EXPONENTIAL && v.a == 3);
  double arr[3] = {1, 2, 3};
  v = sg_array(arr, 3);
  CU_ASSERT(v.kind == SG_VALUE_ARRAY && v.array == arr && v.len == 3);
}

/* ---- exact counts ------------------------------------------------------------------------ */
static void test_connect_all_to_all(void) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes a = create(sim, "gl_exp", 10), b = create(sim, "gl_exp", 7);
  OK(sg_connect(sim, a, b, NULL, NULL));
  CU_ASSERT_EQUAL(num(sim, ANY, ANY), 70);
  CU_ASSERT_EQUAL(num(sim, a, b), 70);
  CU_ASSERT_EQUAL(num(sim, b, a), 0);
  CU_ASSERT_EQUAL(num(sim, sg_slice(a, 2, 3), sg_slice(b, 1, 2)), 6);
  conns c = get_all(sim, ANY, ANY);
  size_t k = 0;   /* (source, target) order, every pair once */
  for (uint64_t s = 0; s < 10; ++s)
    for (uint64_t t = 0; t < 7; ++t, ++k) {
      CU_ASSERT_EQUAL(c.s[k], a.first + s);
      CU_ASSERT_EQUAL(c.t[k], b.first + t);
      SG_ASSERT_DBL_EXACT(c.w[k], 1.0);
      SG_ASSERT_DBL_EXACT(c.d[k], 1.0);
      CU_ASSERT_EQUAL(c.r[k], 0);
    }
  conns_free(&c);
  /* autapses off within one population: n (n - 1) */
  sg_conn_spec cs = rule("all_to_all");
  cs.allow_autapses = 0;
  OK(sg_connect(sim, a, a, &cs, NULL));
  CU_ASSERT_EQUAL(num(sim, a, a), 90);
  c = get_all(sim, a, a);
  for (size_t i = 0; i < c.n; ++i) CU_ASSERT(c.s[i] != c.t[i]);
  conns_free(&c);
  /* overlapping ranges: pre 3..12 (spans both populations), post 5..8 */
  sg_nodes pre = {3, 10, NULL}, post = {5, 4, NULL};
  OK(sg_connect(sim, pre, post, &cs, NULL));
  CU_ASSERT_EQUAL(sim->edges.n, 70 + 90 + 10 * 4 - 4);
  CU_ASSERT_EQUAL(sim->n_connect_calls, 3);
  sg_sim_free(sim);
}

static void test_connect_one_to_one(void) {
  sg_sim *sim = new_sim(0.1, 2);
  sg_nodes a = create(sim, "gl_exp", 20), b = create(sim, "gl_exp", 20);
  sg_conn_spec cs = rule("one_to_one");
  OK(sg_connect(sim, a, b, &cs, NULL));
  conns c = get_all(sim, ANY, ANY);
  CU_ASSERT_EQUAL_FATAL(c.n, 20);
  for (size_t i = 0; i < 20; ++i) {
    CU_ASSERT_EQUAL(c.s[i], a.first + i);
    CU_ASSERT_EQUAL(c.t[i], b.first + i);
  }
  conns_free(&c);
  cs.allow_autapses = 0;
  OK(sg_connect(sim, a, a, &cs, NULL));       /* every pair is an autapse */
  CU_ASSERT_EQUAL(num(sim, a, a), 0);
  OK(sg_connect(sim, sg_slice(a, 0, 10), sg_slice(a, 5, 10), &cs, NULL));
  CU_ASSERT_EQUAL(num(sim, a, a), 10);
  cs.allow_autapses = 1;
  OK(sg_connect(sim, a, a, &cs, NULL));
  CU_ASSERT_EQUAL(num(sim, a, a), 30);
  /* per-connection array of length n */
  double w[20];
  for (int i = 0; i < 20; ++i) w[i] = i + 0.5;
  sg_syn_spec ss = syn(sg_array(w, 20), sg_scalar(1.0));
  OK(sg_connect(sim, b, a, &cs, &ss));
  c = get_all(sim, b, a);
  CU_ASSERT_EQUAL_FATAL(c.n, 20);
  for (size_t i = 0; i < 20; ++i) SG_ASSERT_DBL_EXACT(c.w[i], i + 0.5);
  conns_free(&c);
  sg_sim_free(sim);
}

/* In-degree (or out-degree) of every node and checks of autapses / multapses. */
static void check_degrees(sg_sim *sim, sg_nodes pre, sg_nodes post, int in, uint64_t K, int autapses, int multapses) {
  conns c = get_all(sim, pre, post);
  const uint64_t n = in ? post.n : pre.n, m = in ? pre.n : post.n;
  CU_ASSERT_EQUAL(c.n, n * K);
  uint64_t *deg = calloc(n, sizeof *deg);
  char *seen = calloc(n * m, 1);
  int dup = 0, self = 0;
  for (size_t i = 0; i < c.n; ++i) {
    const uint64_t x = in ? c.t[i] - post.first : c.s[i] - pre.first;
    const uint64_t o = in ? c.s[i] - pre.first : c.t[i] - post.first;
    deg[x]++;
    if (seen[x * m + o]) dup = 1;
    seen[x * m + o] = 1;
    if (c.s[i] == c.t[i]) self = 1;
  }
  for (uint64_t x = 0; x < n; ++x) CU_ASSERT_EQUAL(deg[x], K);
  if (!autapses) CU_ASSERT_EQUAL(self, 0);
  if (!multapses) CU_ASSERT_EQUAL(dup, 0);
  free(deg);
  free(seen);
  conns_free(&c);
}

static void test_connect_fixed_indegree(void) {
  sg_sim *sim = new_sim(0.1, 3);
  sg_nodes a = create(sim, "gl_exp", 30), b = create(sim, "gl_exp", 25);
  sg_conn_spec cs = rule("fixed_indegree");
  cs.indegree = 12;
  OK(sg_connect(sim, a, b, &cs, NULL));
  check_degrees(sim, a, b, 1, 12, 1, 1);
  /* within one population, autapses and multapses off: redraw path (12 <= 29/2) ... */
  sg_conn_spec c2 = cs;
  c2.allow_autapses = 0;
  c2.allow_multapses = 0;
  OK(sg_connect(sim, a, a, &c2, NULL));
  check_degrees(sim, a, a, 1, 12, 0, 0);
  /* ... and the shuffle path (25 > 29/2), up to the maximum 29 */
  sg_sim *s2 = new_sim(0.1, 3);
  sg_nodes a2 = create(s2, "gl_exp", 30);
  c2.indegree = 25;
  OKS(s2, sg_connect(s2, a2, a2, &c2, NULL));
  check_degrees(s2, a2, a2, 1, 25, 0, 0);
  sg_sim_free(s2);
  s2 = new_sim(0.1, 3);
  a2 = create(s2, "gl_exp", 30);
  c2.indegree = 29;
  OKS(s2, sg_connect(s2, a2, a2, &c2, NULL));
  check_degrees(s2, a2, a2, 1, 29, 0, 0);
  sg_sim_free(s2);
  /* multapses off, autapses on: indegree = n_pre gives every source once */
  s2 = new_sim(0.1, 3);
  a2 = create(s2, "gl_exp", 30);
  c2.indegree = 30;
  c2.allow_autapses = 1;
  OKS(s2, sg_connect(s2, a2, a2, &c2, NULL));
  check_degrees(s2, a2, a2, 1, 30, 1, 0);
  sg_sim_free(s2);
  /* autapses off, multapses on: no self, possibly repeats */
  s2 = new_sim(0.1, 3);
  a2 = create(s2, "gl_exp", 5);
  c2.indegree = 40;
  c2.allow_autapses = 0;
  c2.allow_multapses = 1;
  OKS(s2, sg_connect(s2, a2, a2, &c2, NULL));
  check_degrees(s2, a2, a2, 1, 40, 0, 1);
  sg_sim_free(s2);
  /* indegree 0: nothing, but the call succeeds */
  cs.indegree = 0;
  uint64_t before = num(sim, ANY, ANY);
  OK(sg_connect(sim, a, b, &cs, NULL));
  CU_ASSERT_EQUAL(num(sim, ANY, ANY), before);
  sg_sim_free(sim);
}

static void test_connect_fixed_outdegree(void) {
  sg_sim *sim = new_sim(0.1, 4);
  sg_nodes a = create(sim, "gl_exp", 25), b = create(sim, "gl_exp", 30);
  sg_conn_spec cs = rule("fixed_outdegree");
  cs.outdegree = 9;
  OK(sg_connect(sim, a, b, &cs, NULL));
  check_degrees(sim, a, b, 0, 9, 1, 1);
  sg_sim *s2 = new_sim(0.1, 4);
  sg_nodes b2 = create(s2, "gl_exp", 30);
  cs.allow_autapses = 0;
  cs.allow_multapses = 0;
  cs.outdegree = 10;
  OKS(s2, sg_connect(s2, b2, b2, &cs, NULL));
  check_degrees(s2, b2, b2, 0, 10, 0, 0);
  sg_sim_free(s2);
  s2 = new_sim(0.1, 4);
  b2 = create(s2, "gl_exp", 30);
  cs.outdegree = 29;
  OKS(s2, sg_connect(s2, b2, b2, &cs, NULL));
  check_degrees(s2, b2, b2, 0, 29, 0, 0);
  sg_sim_free(s2);
  /* arrays [n_sources x outdegree]: edge order = source-major, slot */
  s2 = new_sim(0.1, 4);
  sg_nodes x = create(s2, "gl_exp", 4), y = create(s2, "gl_exp", 6);
  double w[4 * 3];
  for (int i = 0; i < 12; ++i) w[i] = 100 * (i / 3) + i % 3;
  sg_syn_spec ss = syn(sg_array(w, 12), sg_scalar(1.0));
  sg_conn_spec c3 = rule("fixed_outdegree");
  c3.outdegree = 3;
  OKS(s2, sg_connect(s2, x, y, &c3, &ss));
  CU_ASSERT_EQUAL_FATAL(s2->edges.n, 12);
  for (size_t i = 0; i < 12; ++i) {
    CU_ASSERT_EQUAL(s2->edges.src[i], x.first - 1 + i / 3);
    SG_ASSERT_DBL_EXACT(s2->edges.weight[i], w[i]);
  }
  sg_sim_free(s2);
  sg_sim_free(sim);
}

static void test_connect_fixed_total_number(void) {
  sg_sim *sim = new_sim(0.1, 5);
  sg_nodes a = create(sim, "gl_exp", 20), b = create(sim, "gl_exp", 15);
  sg_conn_spec cs = rule("fixed_total_number");
  cs.N = 1234;
  OK(sg_connect(sim, a, b, &cs, NULL));
  CU_ASSERT_EQUAL(num(sim, a, b), 1234);
  CU_ASSERT_EQUAL(num(sim, ANY, ANY), 1234);
  cs.allow_autapses = 0;
  cs.N = 2000;
  OK(sg_connect(sim, a, a, &cs, NULL));
  conns c = get_all(sim, a, a);
  CU_ASSERT_EQUAL(c.n, 2000);
  for (size_t i = 0; i < c.n; ++i) CU_ASSERT(c.s[i] != c.t[i]);
  conns_free(&c);
  /* pre {1}, post {1, 2} without autapses: every connection is 1 -> 2 */
  cs.N = 100;
  const uint64_t before = num(sim, sg_slice(a, 0, 1), sg_slice(a, 1, 1));
  OK(sg_connect(sim, sg_slice(a, 0, 1), sg_slice(a, 0, 2), &cs, NULL));
  CU_ASSERT_EQUAL(num(sim, sg_slice(a, 0, 1), sg_slice(a, 1, 1)), before + 100);
  CU_ASSERT_EQUAL(num(sim, sg_slice(a, 0, 1), sg_slice(a, 0, 1)), 0);
  sg_sim_free(sim);
}

static void test_connect_pairwise_bernoulli_exact(void) {
  sg_sim *sim = new_sim(0.1, 6);
  sg_nodes a = create(sim, "gl_exp", 40), b = create(sim, "gl_exp", 30);
  sg_conn_spec cs = rule("pairwise_bernoulli");
  cs.p = 0.0;
  OK(sg_connect(sim, a, b, &cs, NULL));
  CU_ASSERT_EQUAL(num(sim, ANY, ANY), 0);
  cs.p = 1.0;
  OK(sg_connect(sim, a, b, &cs, NULL));
  CU_ASSERT_EQUAL(num(sim, ANY, ANY), 1200);
  cs.allow_autapses = 0;
  OK(sg_connect(sim, a, a, &cs, NULL));
  CU_ASSERT_EQUAL(num(sim, a, a), 40 * 39);
  cs.p = 0.5;
  OK(sg_connect(sim, b, b, &cs, NULL));
  conns c = get_all(sim, b, b);
  for (size_t i = 0; i < c.n; ++i) CU_ASSERT(c.s[i] != c.t[i]);
  for (size_t i = 1; i < c.n; ++i)     /* each pair at most once */
    CU_ASSERT(c.s[i] != c.s[i - 1] || c.t[i] != c.t[i - 1]);
  CU_ASSERT(c.n > 300 && c.n < 570);   /* mean 435, sd 10.4 */
  conns_free(&c);
  /* small p (the series for log(1 - p)): 1000 x 2000 pairs at p = 0.002, mean 4000, sd 63 */
  sg_nodes x = create(sim, "gl_exp", 1000), y = create(sim, "gl_exp", 2000);
  cs = rule("pairwise_bernoulli");
  cs.p = 0.002;
  OK(sg_connect(sim, x, y, &cs, NULL));
  const uint64_t m = num(sim, x, y);
  printf("\n    p = 0.002: %llu connections (mean 4000, sd 63)", (unsigned long long)m);
  CU_ASSERT(m > 4000 - 5 * 63 && m < 4000 + 5 * 63);
  sg_sim_free(sim);
}

/* ---- statistics --------------------------------------------------------------------------- */
/* pairwise_bernoulli: in-degrees are Binomial(n_pre, p). */
static void test_connect_bernoulli_binomial(void) {
  const uint64_t n_pre = 100, n_post = sg_test_quick() ? 3000 : 20000;
  const double p = 0.1;
  sg_sim *sim = new_sim(0.1, 7);
  sg_nodes a = create(sim, "parrot_neuron", n_pre), b = create(sim, "parrot_neuron", n_post);
  sg_conn_spec cs = rule("pairwise_bernoulli");
  cs.p = p;
  OK(sg_connect(sim, a, b, &cs, NULL));
  uint64_t *deg = calloc(n_post, sizeof *deg);
  for (size_t i = 0; i < sim->edges.n; ++i) deg[sim->edges.tgt[i] + 1 - b.first]++;
  /* bins: <= lo, lo+1 .. hi-1, >= hi, with expected >= 5 in the tails */
  double pmf[101];
  for (int k = 0; k <= 100; ++k)
    pmf[k] = exp(lgamma(101.0) - lgamma(k + 1.0) - lgamma(101.0 - k) + k * log(p) + (100 - k) * log1p(-p));
  int lo = 0, hi = 100;
  double tail = pmf[0];
  while (tail * n_post < 5.0) tail += pmf[++lo];
  tail = pmf[100];
  while (tail * n_post < 5.0) tail += pmf[--hi];
  const int nb = hi - lo + 1;
  double *obs = calloc(nb, sizeof *obs), *ex = calloc(nb, sizeof *ex);
  for (int k = 0; k <= 100; ++k) {
    const int bin = k <= lo ? 0 : k >= hi ? nb - 1 : k - lo;
    ex[bin] += pmf[k] * n_post;
  }
  for (uint64_t t = 0; t < n_post; ++t) {
    const int k = (int)deg[t];
    obs[k <= lo ? 0 : k >= hi ? nb - 1 : k - lo] += 1.0;
  }
  const double z = chi_z(chi2(obs, ex, nb), nb - 1);
  printf("\n    bernoulli in-degree: %d bins, chi-square z = %.2f (limit %.2f)", nb, z, CHI_Z_MAX);
  CU_ASSERT(z < CHI_Z_MAX);
  /* power: the same degrees against Binomial(100, 0.105) must fail */
  for (int i = 0; i < nb; ++i) ex[i] = 0.0;
  for (int k = 0; k <= 100; ++k) {
    const double q = 0.105;
    const double pk = exp(lgamma(101.0) - lgamma(k + 1.0) - lgamma(101.0 - k) + k * log(q) + (100 - k) * log1p(-q));
    ex[k <= lo ? 0 : k >= hi ? nb - 1 : k - lo] += pk * n_post;
  }
  if (!sg_test_quick()) CU_ASSERT(chi_z(chi2(obs, ex, nb), nb - 1) > CHI_Z_MAX);
  free(obs); free(ex); free(deg);
  sg_sim_free(sim);
}

/* fixed_indegree: sources uniform (counts per source), with and without multapses. */
static void indegree_uniform(int multapses, uint64_t K) {
  const uint64_t n_pre = 50, n_post = sg_test_quick() ? 1000 : 6000;
  sg_sim *sim = new_sim(0.1, 8 + K);
  sg_nodes a = create(sim, "gl_exp", n_pre), b = create(sim, "gl_exp", n_post);
  sg_conn_spec cs = rule("fixed_indegree");
  cs.indegree = K;
  cs.allow_multapses = multapses;
  OK(sg_connect(sim, a, b, &cs, NULL));
  double obs[50] = {0}, ex[50], first[50] = {0}, exf[50];
  for (size_t i = 0; i < sim->edges.n; ++i) {
    obs[sim->edges.src[i] + 1 - a.first] += 1.0;
    if (i % K == 0) first[sim->edges.src[i] + 1 - a.first] += 1.0;   /* slot 0 of each target */
  }
  for (int s = 0; s < 50; ++s) { ex[s] = (double)(n_post * K) / 50.0; exf[s] = (double)n_post / 50.0; }
  const double z = chi_z(chi2(obs, ex, 50), 49), zf = chi_z(chi2(first, exf, 50), 49);
  printf("\n    fixed_indegree K=%llu multapses=%d: source counts z = %.2f, slot-0 z = %.2f (limit %.2f)",
         (unsigned long long)K, multapses, z, zf, CHI_Z_MAX);
  /* without multapses the counts are less variable than multinomial (a hypergeometric
   * spread), so the statistic is smaller: the one-sided test stays valid */
  CU_ASSERT(z < CHI_Z_MAX);
  CU_ASSERT(zf < CHI_Z_MAX);
  sg_sim_free(sim);
}
static void test_connect_indegree_uniform(void) {
  indegree_uniform(1, 10);
  indegree_uniform(0, 10);   /* redraw */
  indegree_uniform(0, 40);   /* shuffle */
}

static double *weights_of(sg_sim *sim, size_t *n) {
  *n = sim->edges.n;
  double *x = malloc(*n * sizeof *x);
  for (size_t i = 0; i < *n; ++i) x[i] = sim->edges.weight[i];
  return x;
}

static void dist_case(sg_value v, double (*cdf)(double, const double *), const double *par,
                      const double *wrong, const char *name) {
  sg_sim *sim = new_sim(0.1, 99);
  const uint64_t n = sg_test_quick() ? 50 : 120;
  sg_nodes a = create(sim, "gl_exp", n), b = create(sim, "gl_exp", n);
  sg_syn_spec ss = syn(v, sg_scalar(1.0));
  OK(sg_connect(sim, a, b, NULL, &ss));
  size_t m;
  double *x = weights_of(sim, &m);
  const double k = ks_stat(x, m, cdf, par);
  const double kw = ks_stat(x, m, cdf, wrong);
  printf("\n    %s: n = %zu, KS = %.3f (limit %.1f), against a wrong law %.1f", name, m, k, KS_MAX, kw);
  CU_ASSERT(k < KS_MAX);
  if (!sg_test_quick()) CU_ASSERT(kw > KS_MAX);   /* power */
  free(x);
  sg_sim_free(sim);
}

static void test_connect_weight_distributions(void) {
  { double p[2] = {-2, 3}, q[2] = {-2, 3.2}; dist_case(sg_random_uniform(-2, 3), cdf_uniform, p, q, "uniform(-2, 3)"); }
  { double p[2] = {1.5, 2}, q[2] = {1.7, 2}; dist_case(sg_random_normal(1.5, 2), cdf_normal, p, q, "normal(1.5, 2)"); }
  { double p[4] = {0.5, 1, 0, 2}, q[4] = {0.65, 1, 0, 2};
    dist_case(sg_random_normal_clipped(0.5, 1, 0, 2), cdf_clipped, p, q, "normal_clipped(0.5, 1, 0, 2)"); }
  { double p[2] = {0.2, 0.5}, q[2] = {0.25, 0.5}; dist_case(sg_random_lognormal(0.2, 0.5), cdf_lognormal, p, q, "lognormal(0.2, 0.5)"); }
  { double p[1] = {2.5}, q[1] = {2.8}; dist_case(sg_random_exponential(2.5), cdf_exponential, p, q, "exponential(2.5)"); }
}

/* Delays uniform(0.1, 2.0) ms at h = 0.1, rounded half-up: step k collects [(k-0.5)h, (k+0.5)h). */
static void test_connect_delay_distribution(void) {
  sg_sim *sim = new_sim(0.1, 11);
  const uint64_t n = sg_test_quick() ? 60 : 150;
  sg_nodes a = create(sim, "gl_exp", n), b = create(sim, "gl_exp", n);
  sg_syn_spec ss = syn(sg_scalar(1.0), sg_random_uniform(0.1, 2.0));
  OK(sg_connect(sim, a, b, NULL, &ss));
  double obs[21] = {0}, ex[21] = {0};
  for (size_t i = 0; i < sim->edges.n; ++i) {
    const uint32_t d = sim->edges.delay[i];
    CU_ASSERT_FATAL(d >= 1 && d <= 20);
    obs[d] += 1.0;
  }
  for (int k = 1; k <= 20; ++k) {
    const double lo = fmax(0.1, (k - 0.5) * 0.1), hi = fmin(2.0, (k + 0.5) * 0.1);
    ex[k] = (hi - lo) / 1.9 * (double)sim->edges.n;
  }
  const double z = chi_z(chi2(obs + 1, ex + 1, 20), 19);
  printf("\n    delay uniform(0.1, 2.0): chi-square z = %.2f (limit %.2f)", z, CHI_Z_MAX);
  CU_ASSERT(z < CHI_Z_MAX);
  CU_ASSERT_EQUAL(sim->min_delay, 1);
  CU_ASSERT_EQUAL(sim->max_delay, 20);
  sg_sim_free(sim);
}

/* ---- delays ---------------------------------------------------------------------------- */
static void test_connect_delay_rounding(void) {
  sg_sim *sim = new_sim(0.1, 12);
  sg_nodes a = create(sim, "gl_exp", 1), b = create(sim, "gl_exp", 1);
  const double ms[] = {0.14, 0.15, 0.25, 0.16, 0.05, 1.0, 0.35, 2.449, 2.45};
  const uint32_t steps[] = {1, 2, 3, 2, 1, 10, 4, 24, 25};
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; ++i) {
    sg_syn_spec ss = syn(sg_scalar(1.0), sg_scalar(ms[i]));
    OK(sg_connect(sim, a, b, NULL, &ss));
    CU_ASSERT_EQUAL(sim->edges.delay[i], steps[i]);
    if (sim->edges.delay[i] != steps[i]) fprintf(stderr, "\n  delay %g ms -> %u steps, want %u\n", ms[i], sim->edges.delay[i], steps[i]);
  }
  conns c = get_all(sim, a, b);
  CU_ASSERT_EQUAL(c.n, 9);
  /* reported in ms from tics (steps * 100 tics * 0.001), the pair's connections by delay */
  const uint32_t sorted_steps[] = {1, 1, 2, 2, 3, 4, 10, 24, 25};
  for (size_t i = 0; i < c.n; ++i) CU_ASSERT(fabs(c.d[i] - 0.1 * (double)sorted_steps[i]) < 1e-12);
  conns_free(&c);
  CU_ASSERT_EQUAL(sim->min_delay, 1);
  CU_ASSERT_EQUAL(sim->max_delay, 25);
  sg_syn_spec bad = syn(sg_scalar(1.0), sg_scalar(0.04));
  sg_status st = sg_connect(sim, a, b, NULL, &bad);
  CU_ASSERT_EQUAL(st, SG_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "delay must be >= resolution (0.1 ms)"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "0.04"));
  CU_ASSERT_EQUAL(num(sim, ANY, ANY), 9);
  sg_sim_free(sim);
  /* h = 0.25 (25 tics... 250 tics per step): 0.375 -> 2 steps (half-up), 0.374 -> 1 */
  sim = new_sim(0.25, 12);
  a = create(sim, "gl_exp", 1);
  sg_syn_spec s1 = syn(sg_scalar(1.0), sg_scalar(0.375)), s2 = syn(sg_scalar(1.0), sg_scalar(0.374));
  OK(sg_connect(sim, a, a, NULL, &s1));
  OK(sg_connect(sim, a, a, NULL, &s2));
  CU_ASSERT_EQUAL(sim->edges.delay[0], 2);
  CU_ASSERT_EQUAL(sim->edges.delay[1], 1);
  sg_sim_free(sim);
}

/* ---- errors: message content and nothing changed -------------------------------------------- */
typedef struct snapshot { uint64_t n_conn; size_t n_edges; uint64_t calls; uint32_t dmin, dmax; double *absw; uint64_t n_nodes; int hc[8]; } snapshot;
static snapshot snap(sg_sim *sim) {
  snapshot s;
  memset(&s, 0, sizeof s);
  OK(sg_num_connections(sim, ANY, ANY, &s.n_conn));
  s.n_edges = sim->edges.n;
  s.calls = sim->n_connect_calls;
  s.dmin = sim->min_delay;
  s.dmax = sim->max_delay;
  s.n_nodes = sim->n_nodes;
  s.absw = malloc(sim->n_nodes * sizeof *s.absw);
  memcpy(s.absw, sim->abs_w_sum, sim->n_nodes * sizeof *s.absw);
  for (size_t p = 0; p < sim->n_pops && p < 8; ++p) s.hc[p] = sim->pops[p]->has_connections;
  return s;
}
static int same(sg_sim *sim, snapshot *s) {
  snapshot t = snap(sim);
  int ok = t.n_conn == s->n_conn && t.n_edges == s->n_edges && t.calls == s->calls &&
           t.dmin == s->dmin && t.dmax == s->dmax &&
           memcmp(t.absw, s->absw, sim->n_nodes * sizeof *s->absw) == 0 &&
           memcmp(t.hc, s->hc, sizeof t.hc) == 0;
  free(t.absw);
  return ok;
}

static int expect_error(sg_sim *sim, sg_status got, sg_status want, const char *s1, const char *s2, int line) {
  const char *m = sg_errmsg(sim);
  const int ok = got == want && strstr(m, s1) && (!s2 || strstr(m, s2));
  if (!ok)
    fprintf(stderr, "\n  line %d: status %s (want %s), message '%s' (want '%s' and '%s')\n", line,
            sg_status_str(got), sg_status_str(want), m, s1, s2 ? s2 : "");
  return ok;
}
#define EXPECT_ERR(call, code, s1, s2)                                            \
  do {                                                                            \
    snapshot b_ = snap(sim);                                                      \
    sg_status st_ = (call);                                                       \
    CU_ASSERT(expect_error(sim, st_, code, s1, s2, __LINE__));                    \
    CU_ASSERT(same(sim, &b_));                                                    \
    free(b_.absw);                                                                \
  } while (0)

static void test_connect_errors(void) {
  CU_ASSERT_EQUAL(sg_connect(NULL, (sg_nodes){1, 1, NULL}, (sg_nodes){1, 1, NULL}, NULL, NULL), SG_ERR_ARG);
  sg_sim *sim = new_sim(0.1, 13);
  sg_nodes a = create(sim, "gl_exp", 10), b = create(sim, "gl_exp", 8);
  sg_nodes par = create(sim, "parrot_neuron", 3), pg = create(sim, "poisson_generator", 2);
  sg_nodes sr = create(sim, "spike_recorder", 1), mm = create(sim, "multimeter", 1);
  sg_nodes scg = create(sim, "step_current_generator", 1);
  OK(sg_connect(sim, a, b, NULL, NULL));   /* something to keep */
  sg_conn_spec cs;
  sg_syn_spec ss;

  EXPECT_ERR(sg_connect(sim, (sg_nodes){1, 0, NULL}, b, NULL, NULL), SG_ERR_ARG, "pre", "empty");
  EXPECT_ERR(sg_connect(sim, a, (sg_nodes){20, 10, NULL}, NULL, NULL), SG_ERR_ARG, "post", "20..29");
  EXPECT_ERR(sg_connect(sim, (sg_nodes){0, 3, NULL}, b, NULL, NULL), SG_ERR_ARG, "pre", "out of range");
  cs = rule("all_to_al");
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_UNKNOWN, "rule 'all_to_al'", "pairwise_bernoulli");
  sg_syn_spec_default(&ss);
  ss.model = "stdp_synapse";
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_UNKNOWN, "synapse model 'stdp_synapse'", "static_synapse");
  cs = rule("pairwise_bernoulli");
  cs.p = 1.5;
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_ARG, "p = 1.5 is out of range", "allowed [0, 1]");
  cs.p = -0.1;
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_ARG, "p = -0.1", "[0, 1]");
  cs.p = NAN;
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_ARG, "p = nan", "[0, 1]");
  cs = rule("fixed_indegree");
  cs.indegree = 11;
  cs.allow_multapses = 0;
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_ARG, "indegree = 11", "allow_multapses = 0");
  cs.indegree = 10;
  cs.allow_autapses = 0;
  EXPECT_ERR(sg_connect(sim, a, a, &cs, NULL), SG_ERR_ARG, "indegree = 10", "indegree <= 9");
  cs = rule("fixed_indegree");
  cs.indegree = 1;
  cs.allow_autapses = 0;
  EXPECT_ERR(sg_connect(sim, sg_slice(a, 0, 1), sg_slice(a, 0, 1), &cs, NULL), SG_ERR_ARG, "indegree = 1", "only candidate is itself");
  cs = rule("fixed_outdegree");
  cs.outdegree = 9;
  cs.allow_multapses = 0;
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_ARG, "outdegree = 9", "8 nodes in post");
  cs = rule("fixed_total_number");
  cs.N = 5;
  cs.allow_multapses = 0;
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_ARG, "fixed_total_number", "allow_multapses = 1");
  cs = rule("one_to_one");
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_ARG, "one_to_one", "pre has 10 nodes, post 8");
  cs = rule("all_to_all");
  cs.allow_autapses = 2;
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_ARG, "allow_autapses = 2", "0 or 1");
  cs = rule("all_to_all");
  cs.allow_multapses = -1;
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_ARG, "allow_multapses = -1", "0 or 1");
  /* receptors */
  sg_syn_spec_default(&ss);
  ss.receptor_type = 5;
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "receptor_type = 5 is not accepted by gl_exp", "allowed 0");
  ss.receptor_type = -1;
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "receptor_type = -1", "allowed");
  ss.receptor_type = 1;
  EXPECT_ERR(sg_connect(sim, scg, par, NULL, &ss), SG_ERR_ARG, "receptor_type = 1 is not accepted by parrot_neuron", "current");
  ss.receptor_type = 2;
  EXPECT_ERR(sg_connect(sim, a, par, NULL, &ss), SG_ERR_ARG, "receptor_type = 2", "allowed 0, 1");
  ss.receptor_type = 1;
  EXPECT_ERR(sg_connect(sim, mm, a, NULL, &ss), SG_ERR_ARG, "receptor_type = 1", "multimeter");
  /* directions */
  EXPECT_ERR(sg_connect(sim, a, pg, NULL, NULL), SG_ERR_ARG, "gl_exp (neuron", "poisson_generator (generator");
  EXPECT_ERR(sg_connect(sim, sr, a, NULL, NULL), SG_ERR_ARG, "spike_recorder (recorder", "allowed neuron -> neuron");
  EXPECT_ERR(sg_connect(sim, a, mm, NULL, NULL), SG_ERR_ARG, "gl_exp (neuron", "multimeter (recorder");
  EXPECT_ERR(sg_connect(sim, pg, sr, NULL, NULL), SG_ERR_ARG, "poisson_generator", "spike_recorder");
  EXPECT_ERR(sg_connect(sim, pg, pg, NULL, NULL), SG_ERR_ARG, "poisson_generator", "generator -> neuron");
  EXPECT_ERR(sg_connect(sim, mm, sr, NULL, NULL), SG_ERR_ARG, "multimeter", "spike_recorder");
  /* a range spanning a neuron and a generator population into neurons is fine, into a recorder not */
  EXPECT_ERR(sg_connect(sim, (sg_nodes){par.first, 5, NULL}, sr, NULL, NULL), SG_ERR_ARG, "poisson_generator", "spike_recorder");
  /* values */
  double arr[5] = {1, 2, 3, 4, 5};
  ss = syn(sg_array(arr, 5), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "weight = array[5]", "8 x 10 = 80");
  cs = rule("pairwise_bernoulli");
  cs.p = 0.5;
  EXPECT_ERR(sg_connect(sim, a, b, &cs, &ss), SG_ERR_ARG, "weight = array[5]", "pairwise_bernoulli");
  cs = rule("fixed_indegree");
  cs.indegree = 2;
  ss = syn(sg_scalar(1.0), sg_array(arr, 5));
  EXPECT_ERR(sg_connect(sim, a, b, &cs, &ss), SG_ERR_ARG, "delay = array[5]", "8 x 2 = 16");
  cs = rule("one_to_one");
  double dl[3] = {1.0, 0.04, 1.0};
  ss = syn(sg_scalar(1.0), sg_array(dl, 3));
  EXPECT_ERR(sg_connect(sim, sg_slice(a, 0, 3), sg_slice(b, 0, 3), &cs, &ss), SG_ERR_ARG, "delay[1]", "delay must be >= resolution (0.1 ms)");
  double wl[3] = {1.0, 2.0, INFINITY};
  ss = syn(sg_array(wl, 3), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, sg_slice(a, 0, 3), sg_slice(b, 0, 3), &cs, &ss), SG_ERR_ARG, "weight[2]", "inf");
  ss = syn(sg_scalar(NAN), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "weight = nan", "finite");
  ss = syn(sg_scalar(1e39), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "weight = 1e+39", "float");
  ss = syn(sg_scalar(1.0), sg_scalar(NAN));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "delay = nan", "resolution");
  ss = syn(sg_scalar(1.0), sg_scalar(-INFINITY));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "delay = -inf", "resolution");
  ss = syn(sg_scalar(1.0), sg_scalar(0.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "delay = 0 ms", "delay must be >= resolution (0.1 ms)");
  ss = syn(sg_scalar(1.0), sg_scalar(-3.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "delay = -3 ms", "delay must be >= resolution");
  ss = syn(sg_scalar(1.0), sg_scalar(10000.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "delay = 10000 ms", "65535 steps");
  ss = syn(sg_random_uniform(2.0, 1.0), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "weight = uniform(min = 2, max = 1)", "min < max");
  ss = syn(sg_random_normal(0.0, -1.0), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "weight = normal(mean = 0, std = -1)", "std >= 0");
  ss = syn(sg_random_lognormal(NAN, 1.0), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "weight = lognormal(mu = nan", "sigma >= 0");
  ss = syn(sg_random_exponential(-2.0), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "weight = exponential(beta = -2)", "beta >= 0");
  ss = syn(sg_random_normal_clipped(0.0, 1.0, 3.0, 10.0), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "weight = normal_clipped(mean = 0, std = 1, lo = 3, hi = 10)", ">= 20%");
  ss = syn(sg_random_normal_clipped(0.0, 1.0, 1.0, -1.0), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "normal_clipped", "lo <= hi");
  ss = syn(sg_scalar(1.0), sg_scalar(1.0));
  ss.weight.kind = (sg_value_kind)99;
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "weight has kind 99", "SG_VALUE_SCALAR");
  /* drawn delays below h/2: an error during generation, nothing kept */
  ss = syn(sg_scalar(1.0), sg_random_uniform(0.0, 0.3));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "delay must be >= resolution (0.1 ms)", "uniform(0, 0.3)");
  ss = syn(sg_random_lognormal(1000.0, 1.0), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "weight = inf", "lognormal(1000, 1)");
  ss = syn(sg_scalar(1.0), sg_random_normal(0.5, 0.5));
  EXPECT_ERR(sg_connect(sim, a, b, NULL, &ss), SG_ERR_ARG, "delay must be >= resolution", "normal(0.5, 0.5)");
  /* the error of the lowest target wins, whatever the thread count */
  {
    char m1[SG_MSG_LEN], m2[SG_MSG_LEN];
    const int saved = omp_get_max_threads();
    sg_sim *s2 = new_sim(0.1, 13);
    sg_nodes x = create(s2, "gl_exp", 1), y = create(s2, "gl_exp", 2000);
    ss = syn(sg_scalar(1.0), sg_random_uniform(0.0, 2.0));   /* 2.5% of the delays fail */
    omp_set_num_threads(1);
    CU_ASSERT_EQUAL(sg_connect(s2, x, y, NULL, &ss), SG_ERR_ARG);
    snprintf(m1, sizeof m1, "%s", sg_errmsg(s2));
    omp_set_num_threads(2);
    CU_ASSERT_EQUAL(sg_connect(s2, x, y, NULL, &ss), SG_ERR_ARG);
    snprintf(m2, sizeof m2, "%s", sg_errmsg(s2));
    CU_ASSERT_STRING_EQUAL(m1, m2);
    omp_set_num_threads(saved);
    sg_sim_free(s2);
  }
  /* queries */
  uint64_t n;
  CU_ASSERT_EQUAL(sg_num_connections(sim, (sg_nodes){5, 100, NULL}, ANY, &n), SG_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "pre"));
  CU_ASSERT_EQUAL(sg_num_connections(sim, ANY, ANY, NULL), SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_num_connections(NULL, ANY, ANY, &n), SG_ERR_ARG);
  CU_ASSERT_EQUAL(num(sim, ANY, ANY), 80);
  CU_ASSERT_EQUAL(sim->n_connect_calls, 1);
  sg_sim_free(sim);
}

/* ---- overflow bound ------------------------------------------------------------------------ */
static void test_connect_overflow_bound(void) {
  sg_sim *sim = new_sim(0.1, 14);
  sg_nodes a = create(sim, "gl_exp", 3), b = create(sim, "gl_exp", 4);
  const double w = 536870912.0;   /* 2^29 */
  sg_syn_spec ss = syn(sg_scalar(w), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, sg_slice(b, 2, 2), NULL, &ss), SG_ERR_OVERFLOW, "target 6", "1610612736");
  /* exactly 2^30 is allowed; one more connection of any weight is not */
  OK(sg_connect(sim, sg_slice(a, 0, 2), b, NULL, &ss));
  SG_ASSERT_DBL_EXACT(sim->abs_w_sum[b.first - 1], 1073741824.0);
  ss = syn(sg_scalar(-0.5), sg_scalar(1.0));
  EXPECT_ERR(sg_connect(sim, a, sg_slice(b, 3, 1), NULL, &ss), SG_ERR_OVERFLOW, "target 7", "1073741825.5");
  /* negative weights count with their magnitude */
  ss = syn(sg_scalar(-3.0), sg_scalar(1.0));
  OK(sg_connect(sim, a, a, NULL, &ss));
  for (int i = 0; i < 3; ++i) SG_ASSERT_DBL_EXACT(sim->abs_w_sum[i], 9.0);
  /* recorder edges do not count; parrots count 1 per connection whatever the weight */
  sg_nodes par = create(sim, "parrot_neuron", 1), sr = create(sim, "spike_recorder", 1);
  ss = syn(sg_scalar(1e6), sg_scalar(1.0));
  OK(sg_connect(sim, a, par, NULL, &ss));
  OK(sg_connect(sim, a, sr, NULL, &ss));
  SG_ASSERT_DBL_EXACT(sim->abs_w_sum[par.first - 1], 3.0);
  SG_ASSERT_DBL_EXACT(sim->abs_w_sum[sr.first - 1], 0.0);
  sg_sim_free(sim);
}

/* ---- the connect call index (docs/rng.md): 32 bits in ctr.w -------------------------------- */
/* Target bitmap (up to 256 targets) of each source of the edge list, one row of 4 words per source. */
static uint64_t *target_masks(const sg_sim *sim, uint64_t n_src, uint64_t src0, uint64_t tgt0) {
  uint64_t *m = calloc((size_t)n_src * 4, sizeof *m);
  CU_ASSERT_FATAL(m != NULL);
  for (size_t i = 0; i < sim->edges.n; ++i) {
    const uint64_t s = (uint64_t)sim->edges.src[i] + 1 - src0, t = (uint64_t)sim->edges.tgt[i] + 1 - tgt0;
    if (s < n_src && t < 256) m[4 * s + t / 64] |= (uint64_t)1 << (t % 64);
  }
  return m;
}
static int cmp_mask(const void *a, const void *b) { return memcmp(a, b, 4 * sizeof(uint64_t)); }

/* A NEST-style loop: 32,769 sg_connect calls, one source each, pairwise_bernoulli p = 0.5 to the
 * same 200 targets. Every source must get its own target list; the old layout held the call in 15
 * bits, so sources 0 and 32,768 (calls 0 and 2^15) drew identical lists. */
static void test_connect_call_index_no_repeat(void) {
  enum { NSRC = 32769, NTGT = 200 };
  sg_sim *sim = new_sim_t(0.1, 16, 1);
  sg_nodes src = create(sim, "gl_exp", NSRC), tgt = create(sim, "gl_exp", NTGT);
  sg_conn_spec cs = rule("pairwise_bernoulli");
  cs.p = 0.5;
  for (uint64_t i = 0; i < NSRC; ++i) OK(sg_connect(sim, sg_slice(src, i, 1), tgt, &cs, NULL));
  CU_ASSERT_EQUAL(sim->n_connect_calls, NSRC);
  uint64_t *m = target_masks(sim, NSRC, src.first, tgt.first);
  CU_ASSERT(memcmp(m, m + 4 * (size_t)32768, 4 * sizeof *m) != 0);   /* calls 0 and 2^15 */
  qsort(m, NSRC, 4 * sizeof *m, cmp_mask);
  size_t repeats = 0;
  for (size_t i = 1; i < NSRC; ++i) repeats += memcmp(m + 4 * (i - 1), m + 4 * i, 4 * sizeof *m) == 0;
  if (repeats) fprintf(stderr, "\n  %zu of %d sources repeat another source's target list\n", repeats, NSRC);
  CU_ASSERT_EQUAL(repeats, 0);
  free(m);
  sg_sim_free(sim);
}

/* The same connect call at call indices 0, 2^15, 2^16, 2^31 and 2^32 - 1 draws different
 * connections; call index 2^32 is refused (nothing changes), and the message names the count and
 * the limit. */
static void test_connect_call_index_limit(void) {
  static const uint64_t idx[] = {0, 1ull << 15, 1ull << 16, 1ull << 31, 0xFFFFFFFFull};
  enum { NI = 5, NTGT = 200 };
  uint64_t masks[NI][4];
  for (int i = 0; i < NI; ++i) {
    sg_sim *sim = new_sim(0.1, 17);
    sg_nodes a = create(sim, "gl_exp", 1), b = create(sim, "gl_exp", NTGT);
    sg_conn_spec cs = rule("pairwise_bernoulli");
    cs.p = 0.5;
    sim->n_connect_calls = idx[i];
    OK(sg_connect(sim, a, b, &cs, NULL));
    CU_ASSERT_EQUAL(sim->n_connect_calls, idx[i] + 1);
    uint64_t *m = target_masks(sim, 1, a.first, b.first);
    memcpy(masks[i], m, sizeof masks[i]);
    free(m);
    if (idx[i] == 0xFFFFFFFFull) {   /* that was call 2^32 - 1, the last one allowed */
      EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_OVERFLOW, "4294967296 sg_connect calls have succeeded",
                 "allowed at most 4294967296 (2^32)");
      EXPECT_ERR(sg_connect(sim, a, b, NULL, NULL), SG_ERR_OVERFLOW, "allowed at most 4294967296 (2^32)", NULL);
    }
    sg_sim_free(sim);
  }
  for (int i = 0; i < NI; ++i)
    for (int j = i + 1; j < NI; ++j) {
      if (!memcmp(masks[i], masks[j], sizeof masks[i]))
        fprintf(stderr, "\n  calls %llu and %llu drew the same targets\n", (unsigned long long)idx[i], (unsigned long long)idx[j]);
      CU_ASSERT(memcmp(masks[i], masks[j], sizeof masks[i]) != 0);
    }
}

/* ---- costs known at connect time are refused there (issue 16, item 9) ------------------------ */
static double now_s(void) { return omp_get_wtime(); }

/* A delay whose ring buffer (2^16 slots x inputs x 8 bytes) cannot fit is refused by sg_connect,
 * not by the first sg_simulate; shorter delays still connect. */
static void test_connect_ring_too_big(void) {
  const uint64_t avail = sg_i_host_mem_available();
  if (!avail) { printf("\n    skipped: available memory unknown"); return; }
  /* gl_exp has 2 ring inputs per neuron: 65536 x 2 x 8 = 1 MiB per neuron at delay >= 3276.8 ms */
  const uint64_t n = (uint64_t)(1.25 * (double)avail / 1048576.0) + 1;
  sg_sim *sim = new_sim(0.1, 18);
  sg_nodes a = create(sim, "gl_exp", n);
  OK(sg_connect(sim, sg_slice(a, 0, 1), sg_slice(a, 1, 1), NULL, NULL));   /* 1 ms: a 16-slot ring */
  sg_syn_spec ss = syn(sg_scalar(1.0), sg_scalar(6000.0));
  EXPECT_ERR(sg_connect(sim, sg_slice(a, 0, 1), sg_slice(a, 1, 1), NULL, &ss), SG_ERR_NOMEM,
             "delay = 6000 ms (60000 steps) needs a ring buffer of 65536 slots", "allowed delays up to");
  /* drawn delays: refused after drawing, before anything is committed */
  ss = syn(sg_scalar(1.0), sg_random_uniform(5000.0, 6000.0));
  EXPECT_ERR(sg_connect(sim, sg_slice(a, 0, 1), sg_slice(a, 1, 3), NULL, &ss), SG_ERR_NOMEM,
             "needs a ring buffer of 65536 slots", "GiB of host memory available");
  /* recorder edges do not use the ring: any scalar delay is fine there */
  sg_nodes sr = create(sim, "spike_recorder", 1);
  OK(sg_connect(sim, sg_slice(a, 0, 1), sr, NULL, &ss));
  ss = syn(sg_scalar(1.0), sg_scalar(2.0));
  OK(sg_connect(sim, sg_slice(a, 0, 1), sg_slice(a, 1, 1), NULL, &ss));
  CU_ASSERT_EQUAL(sim->max_delay, 20);
  sg_sim_free(sim);
}

/* The other way round: after a long delay fits, an sg_create whose neurons would make the ring
 * too big is refused at sg_create (not at the next sg_simulate), leaving the network as it was. */
static void test_connect_ring_create_refused(void) {
  const uint64_t avail = sg_i_host_mem_available();
  if (!avail) { printf("\n    skipped: available memory unknown"); return; }
  sg_sim *sim = new_sim(0.1, 19);
  sg_nodes a = create(sim, "gl_exp", 10);
  sg_syn_spec ss = syn(sg_scalar(1.0), sg_scalar(6000.0));   /* 65536 slots x 20 inputs: 10 MiB */
  OK(sg_connect(sim, sg_slice(a, 0, 1), sg_slice(a, 1, 1), NULL, &ss));
  const uint64_t nodes = sim->n_nodes;
  const size_t pops = sim->n_pops;
  /* 1 MiB of ring per gl_exp neuron at this delay */
  const uint64_t n = (uint64_t)(1.25 * (double)avail / 1048576.0) + 1;
  sg_nodes b;
  EXPECT_ERR(sg_create(sim, "gl_exp", n, &b), SG_ERR_NOMEM, "longest delay so far (60000 steps, 6000 ms)",
             "ring buffer would need 65536 slots");
  CU_ASSERT_EQUAL(sim->n_nodes, nodes);
  CU_ASSERT_EQUAL(sim->n_pops, pops);
  /* devices add no ring inputs, and a small population still fits */
  create(sim, "spike_recorder", 1);
  create(sim, "gl_exp", 10);
  sg_sim_free(sim);
}

/* pairwise_bernoulli whose expected count (p x pairs) cannot fit is refused at once instead of
 * counting ~p x 10^10 connections first (83 s in the report that found it). */
static void test_connect_bernoulli_estimate(void) {
  const uint64_t avail = sg_i_host_mem_available();
  if (!avail) { printf("\n    skipped: available memory unknown"); return; }
  /* p = 0.9 needs 0.9 n^2 x 20 bytes; pick n so that is at least twice the memory available */
  uint64_t n = 100000;
  while (0.9 * (double)n * (double)n * 20.0 < 2.0 * (double)avail) n += n / 2;
  sg_sim *sim = new_sim(0.1, 19);
  sg_nodes a = create(sim, "gl_exp", n), b = create(sim, "gl_exp", n);
  sg_conn_spec cs = rule("pairwise_bernoulli");
  cs.p = 0.9;
  const double t0 = now_s();
  EXPECT_ERR(sg_connect(sim, a, b, &cs, NULL), SG_ERR_NOMEM, "pairwise_bernoulli with p = 0.9", "GiB of host memory");
  const double dt = now_s() - t0;
  if (dt >= 0.5) fprintf(stderr, "\n  refusing took %.2f s\n", dt);
  CU_ASSERT(dt < 0.5);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "allowed about"));
  /* a p that fits still connects (a few connections per target) */
  cs.p = 2.0 / (double)n;
  OK(sg_connect(sim, sg_slice(a, 0, 1000), b, &cs, NULL));
  sg_sim_free(sim);
}

/* ---- devices, ports, parrots --------------------------------------------------------------- */
static void test_connect_devices(void) {
  sg_sim *sim = new_sim(0.1, 15);
  sg_nodes n = create(sim, "gl_exp", 4), par = create(sim, "parrot_neuron", 2);
  sg_nodes pg = create(sim, "poisson_generator", 1), sg = create(sim, "spike_generator", 1);
  sg_nodes scg = create(sim, "step_current_generator", 1), ng = create(sim, "noise_generator", 1);
  sg_nodes sr = create(sim, "spike_recorder", 1), mm = create(sim, "multimeter", 1);
  sg_syn_spec ss = syn(sg_scalar(2.5), sg_scalar(0.3));
  OK(sg_connect(sim, pg, n, NULL, &ss));       /* 0..3:   spike port 0 */
  OK(sg_connect(sim, scg, n, NULL, &ss));      /* 4..7:   current port 1 */
  OK(sg_connect(sim, ng, n, NULL, &ss));       /* 8..11:  current port 1 */
  OK(sg_connect(sim, sg, par, NULL, &ss));     /* 12..13: parrot, weight 1 */
  ss.receptor_type = 1;
  OK(sg_connect(sim, n, par, NULL, &ss));      /* 14..21: parrot port 1, weight 1 */
  ss.receptor_type = 0;
  ss.delay = sg_scalar(5.0);
  OK(sg_connect(sim, n, sr, NULL, &ss));       /* 22..25: 0xFFFF, delay ignored */
  OK(sg_connect(sim, mm, n, NULL, &ss));       /* 26..29: 0xFFFE */
  const sg_edges *e = &sim->edges;
  CU_ASSERT_EQUAL_FATAL(e->n, 30);
  for (int i = 0; i < 4; ++i) { CU_ASSERT_EQUAL(e->port[i], 0); SG_ASSERT_DBL_EXACT(e->weight[i], 2.5); }
  for (int i = 4; i < 12; ++i) CU_ASSERT_EQUAL(e->port[i], 1);
  for (int i = 12; i < 14; ++i) { CU_ASSERT_EQUAL(e->port[i], 0); SG_ASSERT_DBL_EXACT(e->weight[i], 1.0); }
  for (int i = 14; i < 22; ++i) { CU_ASSERT_EQUAL(e->port[i], 1); CU_ASSERT_EQUAL(e->receptor[i], 1); SG_ASSERT_DBL_EXACT(e->weight[i], 1.0); }
  for (int i = 22; i < 26; ++i) CU_ASSERT_EQUAL(e->port[i], 0xFFFF);
  for (int i = 26; i < 30; ++i) CU_ASSERT_EQUAL(e->port[i], 0xFFFE);
  CU_ASSERT_EQUAL(sim->min_delay, 3);
  CU_ASSERT_EQUAL(sim->max_delay, 3);       /* recorder connections do not count */
  CU_ASSERT_EQUAL(sim->pops[0]->has_connections, 1);
  CU_ASSERT_EQUAL(sim->pops[1]->has_connections, 1);
  CU_ASSERT_EQUAL(sim->pops[6]->has_connections, 0);
  CU_ASSERT_EQUAL(sim->pops[7]->has_device_connections, 1);
  CU_ASSERT_EQUAL(num(sim, mm, ANY), 4);
  CU_ASSERT_EQUAL(num(sim, ANY, sr), 4);
  CU_ASSERT_EQUAL(num(sim, ANY, n), 16);
  conns c = get_all(sim, n, par);
  for (size_t i = 0; i < c.n; ++i) { CU_ASSERT_EQUAL(c.r[i], 1); SG_ASSERT_DBL_EXACT(c.w[i], 1.0); }
  conns_free(&c);
  sg_sim_free(sim);
}

/* ---- determinism ----------------------------------------------------------------------------- */
static int edges_equal(const sg_edges *x, const sg_edges *y) {
  if (x->n != y->n) return 0;
  return memcmp(x->src, y->src, x->n * 4) == 0 && memcmp(x->tgt, y->tgt, x->n * 4) == 0 &&
         memcmp(x->weight, y->weight, x->n * 4) == 0 && memcmp(x->delay, y->delay, x->n * 4) == 0 &&
         memcmp(x->port, y->port, x->n * 2) == 0 && memcmp(x->receptor, y->receptor, x->n * 2) == 0;
}

static sg_sim *build_mix(uint64_t seed, int threads, int use_omp) {
  sg_sim *sim = use_omp ? new_sim(0.1, seed) : new_sim_t(0.1, seed, threads);
  if (use_omp) omp_set_num_threads(threads);
  sg_nodes a = create(sim, "gl_exp", 300), b = create(sim, "gl_exp", 200);
  sg_conn_spec cs;
  sg_syn_spec ss = syn(sg_random_normal(0.5, 0.2), sg_random_uniform(0.1, 3.0));
  cs = rule("fixed_indegree"); cs.indegree = 30;
  OK(sg_connect(sim, a, b, &cs, &ss));
  cs.allow_autapses = 0; cs.allow_multapses = 0; cs.indegree = 200;
  OK(sg_connect(sim, a, a, &cs, &ss));
  cs = rule("fixed_outdegree"); cs.outdegree = 20; cs.allow_multapses = 0;
  ss.weight = sg_random_lognormal(0.0, 0.3);
  OK(sg_connect(sim, b, a, &cs, &ss));
  cs = rule("pairwise_bernoulli"); cs.p = 0.05;
  ss.weight = sg_random_normal_clipped(0.0, 1.0, -0.5, 2.0);
  OK(sg_connect(sim, a, b, &cs, &ss));
  cs = rule("fixed_total_number"); cs.N = 5000; cs.allow_autapses = 0;
  ss.weight = sg_random_exponential(2.0);
  OK(sg_connect(sim, a, a, &cs, &ss));
  cs = rule("all_to_all");
  ss.weight = sg_random_uniform(-1.0, 1.0);
  OK(sg_connect(sim, sg_slice(a, 0, 40), sg_slice(b, 0, 50), &cs, &ss));
  cs = rule("one_to_one");
  OK(sg_connect(sim, sg_slice(a, 0, 200), b, &cs, &ss));
  return sim;
}

static void test_connect_determinism(void) {
  const int saved = omp_get_max_threads();
  sg_sim *s1 = build_mix(77, 1, 1), *s2 = build_mix(77, 2, 1), *s3 = build_mix(77, 3, 0), *s4 = build_mix(78, 2, 1);
  CU_ASSERT(s1->edges.n > 20000);
  CU_ASSERT(edges_equal(&s1->edges, &s2->edges));
  CU_ASSERT(edges_equal(&s1->edges, &s3->edges));
  CU_ASSERT(!edges_equal(&s1->edges, &s4->edges));   /* another seed, another network */
  CU_ASSERT_EQUAL(memcmp(s1->abs_w_sum, s2->abs_w_sum, s1->n_nodes * sizeof(double)), 0);
  sg_sim_free(s1); sg_sim_free(s2); sg_sim_free(s3); sg_sim_free(s4);
  omp_set_num_threads(saved);
  /* two identical calls draw from different streams (the call counter) */
  sg_sim *sim = new_sim(0.1, 5);
  sg_nodes a = create(sim, "gl_exp", 50);
  sg_conn_spec cs = rule("fixed_indegree");
  cs.indegree = 10;
  OK(sg_connect(sim, a, a, &cs, NULL));
  OK(sg_connect(sim, a, a, &cs, NULL));
  CU_ASSERT(memcmp(sim->edges.src, sim->edges.src + 500, 500 * 4) != 0);
  /* a failed call does not consume a stream: the next call equals a fresh sim's second call */
  sg_syn_spec bad = syn(sg_scalar(NAN), sg_scalar(1.0));
  CU_ASSERT_EQUAL(sg_connect(sim, a, a, &cs, &bad), SG_ERR_ARG);
  OK(sg_connect(sim, a, a, &cs, NULL));
  sg_sim *s5 = new_sim(0.1, 5);
  sg_nodes a5 = create(s5, "gl_exp", 50);
  for (int k = 0; k < 3; ++k) OKS(s5, sg_connect(s5, a5, a5, &cs, NULL));
  CU_ASSERT(edges_equal(&sim->edges, &s5->edges));
  sg_sim_free(s5);
  sg_sim_free(sim);
}

/* ---- queries --------------------------------------------------------------------------------- */
static void test_connect_queries(void) {
  sg_sim *sim = new_sim(0.1, 16);
  sg_nodes a = create(sim, "gl_exp", 5), b = create(sim, "gl_exp", 5);
  /* multapses in reverse target order: reported in (source, target) order, a pair's connections by
   * (delay, receptor, weight), the same before and after the network is built into the CSR */
  sg_syn_spec s1 = syn(sg_scalar(1.0), sg_scalar(2.0)), s2 = syn(sg_scalar(2.0), sg_scalar(1.0));
  OK(sg_connect(sim, sg_slice(b, 4, 1), sg_slice(a, 3, 1), NULL, &s1));
  OK(sg_connect(sim, sg_slice(b, 4, 1), sg_slice(a, 1, 1), NULL, &s1));
  OK(sg_connect(sim, sg_slice(b, 4, 1), sg_slice(a, 3, 1), NULL, &s2));
  OK(sg_connect(sim, sg_slice(a, 0, 1), sg_slice(b, 0, 1), NULL, &s2));
  conns c = get_all(sim, ANY, ANY);
  CU_ASSERT_EQUAL_FATAL(c.n, 4);
  CU_ASSERT(c.s[0] == 1 && c.t[0] == 6);
  CU_ASSERT(c.s[1] == 10 && c.t[1] == 2);
  CU_ASSERT(c.s[2] == 10 && c.t[2] == 4 && c.w[2] == 2.0 && fabs(c.d[2] - 1.0) < 1e-12);
  CU_ASSERT(c.s[3] == 10 && c.t[3] == 4 && c.w[3] == 1.0 && fabs(c.d[3] - 2.0) < 1e-12);
  /* a pair with five connections in scrambled (delay, weight) order, then a run builds the CSR */
  const double dw[5][2] = {{1.5, 3.0}, {0.5, 2.0}, {1.5, -1.0}, {0.5, 4.0}, {1.0, 0.5}};
  for (int k = 0; k < 5; ++k) {
    sg_syn_spec sk = syn(sg_scalar(dw[k][1]), sg_scalar(dw[k][0]));
    OK(sg_connect(sim, sg_slice(a, 2, 1), sg_slice(b, 2, 1), NULL, &sk));
  }
  conns before = get_all(sim, sg_slice(a, 2, 1), ANY);
  CU_ASSERT_EQUAL_FATAL(before.n, 5);
  const double want_d[5] = {0.5, 0.5, 1.0, 1.5, 1.5}, want_w[5] = {2.0, 4.0, 0.5, -1.0, 3.0};
  for (int k = 0; k < 5; ++k) CU_ASSERT(fabs(before.d[k] - want_d[k]) < 1e-12 && before.w[k] == want_w[k]);
  OK(sg_simulate(sim, 1.0));
  conns after = get_all(sim, sg_slice(a, 2, 1), ANY);
  CU_ASSERT_EQUAL_FATAL(after.n, 5);
  for (int k = 0; k < 5; ++k)
    CU_ASSERT(after.s[k] == before.s[k] && after.t[k] == before.t[k] && after.w[k] == before.w[k] &&
              after.d[k] == before.d[k] && after.r[k] == before.r[k]);
  conns_free(&before);
  conns_free(&after);
  conns_free(&c);
  c = get_all(sim, ANY, ANY);   /* and the first pairs kept their order through the run */
  CU_ASSERT_EQUAL_FATAL(c.n, 9);
  CU_ASSERT(c.s[8] == 10 && c.t[8] == 4 && c.w[8] == 1.0 && fabs(c.d[8] - 2.0) < 1e-12);
  conns_free(&c);
  /* cap: *n is the total, only cap entries written */
  uint64_t src[2] = {0, 0}, tgt[2] = {0, 0};
  size_t n = 0;
  OK(sg_get_connections(sim, ANY, ANY, src, tgt, NULL, NULL, NULL, 1, &n));
  CU_ASSERT_EQUAL(n, 9);
  CU_ASSERT(src[0] == 1 && tgt[0] == 6 && src[1] == 0 && tgt[1] == 0);
  OK(sg_get_connections(sim, ANY, sg_slice(a, 3, 1), NULL, NULL, NULL, NULL, NULL, 0, &n));
  CU_ASSERT_EQUAL(n, 2);
  sg_sim_free(sim);
}

static CU_TestInfo tests[] = {
  {"defaults and value makers", test_connect_defaults},
  {"all_to_all counts and order", test_connect_all_to_all},
  {"one_to_one sizes, autapses, arrays", test_connect_one_to_one},
  {"fixed_indegree degrees, autapses, multapses", test_connect_fixed_indegree},
  {"fixed_outdegree degrees and array order", test_connect_fixed_outdegree},
  {"fixed_total_number", test_connect_fixed_total_number},
  {"pairwise_bernoulli exact cases", test_connect_pairwise_bernoulli_exact},
  {"pairwise_bernoulli in-degree ~ Binomial (chi-square)", test_connect_bernoulli_binomial},
  {"fixed_indegree sources uniform (chi-square)", test_connect_indegree_uniform},
  {"weight distributions (KS)", test_connect_weight_distributions},
  {"delay distribution rounded to steps (chi-square)", test_connect_delay_distribution},
  {"NEST delay rounding", test_connect_delay_rounding},
  {"validation errors: message, nothing changed", test_connect_errors},
  {"overflow bound on sum |w|", test_connect_overflow_bound},
  {"devices: directions, ports, parrots, recorders", test_connect_devices},
  {"determinism across thread counts and calls", test_connect_determinism},
  {"queries: order, cap", test_connect_queries},
  {"call index: 32,769 calls, no repeated target lists", test_connect_call_index_no_repeat},
  {"call index: 0, 2^15, 2^16, 2^31, 2^32-1 differ; 2^32 refused", test_connect_call_index_limit},
  {"delay whose ring cannot fit refused at connect", test_connect_ring_too_big},
  {"neurons whose ring inputs cannot fit refused at create", test_connect_ring_create_refused},
  {"pairwise_bernoulli too big refused at once", test_connect_bernoulli_estimate},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_connect = {"connect", NULL, tests};
