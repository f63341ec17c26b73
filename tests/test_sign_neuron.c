/* tests/test_sign_neuron.c - the test-only model test_sign_neuron (tests/models/), added by one
 * header, one list line and this file: it is listed by the API and its docs table, routes each
 * spike by its weight's sign, its CPU block hook equals its step, threads agree, and its
 * population and parameters reach the HDF5 metadata. The cpu-vs-cuda equivalence suite covers
 * it with a generated network without mentioning it (tests/test_cuda_equiv.c, every model). */
/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_test.h"
#include "spikegpu.h"
#include "internal.h"
#include "models/test_sign_neuron.h"

#define MODEL "test_sign_neuron"
#define OK(x) CU_ASSERT_EQUAL_FATAL((x), SG_OK)

/* ---- the API and the docs' table ------------------------------------------------------------ */
static void test_sign_neuron_listed(void) {
  size_t found = SIZE_MAX;
  for (size_t i = 0; i < sg_model_count(); ++i)
    if (strcmp(sg_model_name(i), MODEL) == 0) found = i;
  CU_ASSERT_EQUAL_FATAL(found, sg_model_count() - 1);   /* test models come last */
  CU_ASSERT_STRING_EQUAL(sg_model_kind(MODEL), "neuron");
  const sg_entry_info *e = NULL;
  size_t n = 0;
  OK(sg_model_info(MODEL, &e, &n));
  CU_ASSERT_EQUAL_FATAL(n, (size_t)(SG_TEST_SIGN_NEURON_N_PARAMS + SG_TEST_SIGN_NEURON_N_STATE));
  static const char *const names[] = {"tau_m", "tau_syn", "V_th", "V_reset", "drive", "V_m", "x_ex", "x_in"};
  static const char *const units[] = {"ms", "ms", "mV", "mV", "mV", "mV", "mV", "mV"};
  static const double defs[] = {10.0, 2.0, 15.0, 0.0, 0.5, 0.0, 0.0, 0.0};
  for (size_t i = 0; i < n; ++i) {
    CU_ASSERT_STRING_EQUAL(e[i].name, names[i]);
    CU_ASSERT_STRING_EQUAL(e[i].unit, units[i]);
    CU_ASSERT_EQUAL(e[i].kind, i < SG_TEST_SIGN_NEURON_N_PARAMS ? SG_ENTRY_PARAM : SG_ENTRY_STATE);
    CU_ASSERT(e[i].doc && e[i].doc[0]);
    SG_ASSERT_DBL_EXACT(e[i].def, defs[i]);
  }
  /* the table's check classes reach sg_set */
  sg_sim *sim = sg_test_cpu_sim(0.1, 1, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes nn;
  OK(sg_create(sim, MODEL, 3, &nn));
  CU_ASSERT_EQUAL(sg_set(sim, nn, "tau_m", -1.0), SG_ERR_ARG);
  CU_ASSERT(strstr(sg_errmsg(sim), "tau_m") && strstr(sg_errmsg(sim), "> 0"));
  double v = 0.0;
  OK(sg_get(sim, nn.first + 1, "tau_syn", &v));
  SG_ASSERT_DBL_EXACT(v, 2.0);
  /* receptor 1 is refused, naming the accepted one */
  sg_nodes g;
  OK(sg_create(sim, "spike_generator", 1, &g));
  sg_syn_spec syn;
  sg_syn_spec_default(&syn);
  syn.receptor_type = 1;
  CU_ASSERT_EQUAL(sg_connect(sim, g, nn, NULL, &syn), SG_ERR_ARG);
  CU_ASSERT(strstr(sg_errmsg(sim), "allowed 0") != NULL);
  sg_sim_free(sim);
}

/* ---- routing by the weight's sign, traced exactly --------------------------------------------- */
/* One generator, 40 neurons, normal weights of both signs (and exact zeros), no spiking: each
 * neuron's first nonzero sample has x_ex = its weight if >= 0 else 0, x_in the other way; later
 * samples follow the recursion exactly. */
static void test_sign_neuron_routing(void) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 1, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  enum { N = 40, STEPS = 60 };
  sg_nodes nn, g, mm;
  OK(sg_create(sim, MODEL, N, &nn));
  OK(sg_set(sim, nn, "V_th", 1e300));
  OK(sg_set(sim, nn, "drive", 0.0));
  OK(sg_create(sim, "spike_generator", 1, &g));
  const double t_spike = 1.0;
  OK(sg_set_vec(sim, g, "spike_times", &t_spike, 1));
  double w[N];
  for (int i = 0; i < N; ++i) w[i] = i % 10 == 0 ? 0.0 : (i % 2 ? -1.0 : 1.0) * (0.25 + 0.125 * i);
  sg_conn_spec one;
  sg_conn_spec_default(&one);
  one.rule = "all_to_all";
  sg_syn_spec syn;
  sg_syn_spec_default(&syn);
  syn.weight = sg_array(w, N);
  OK(sg_connect(sim, g, nn, &one, &syn));
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", 0.1));
  const char *rf[3] = {"V_m", "x_ex", "x_in"};
  OK(sg_set_strs(sim, mm, "record_from", rf, 3));
  OK(sg_connect(sim, mm, nn, NULL, NULL));
  OK(sg_simulate(sim, STEPS * 0.1));
  double P_m = exp(-0.1 / 10.0), P_syn = exp(-0.1 / 2.0);
  static double t[3][STEPS * N], val[3][STEPS * N];
  static uint64_t snd[3][STEPS * N];
  size_t ns[3];
  for (int q = 0; q < 3; ++q) OK(sg_samples(sim, mm.first, rf[q], t[q], snd[q], val[q], STEPS * N, &ns[q]));
  if (ns[0] != (size_t)STEPS * N) fprintf(stderr, "\n  %zu samples, t0 %g", ns[0], t[0][0]);
  CU_ASSERT_EQUAL_FATAL(ns[0], (size_t)STEPS * N);   /* samples at 0.1 .. 6.0 ms */
  int arrived = 0, bad = 0;
  for (int i = 0; i < N; ++i) {
    double V = 0.0, xe = 0.0, xi = 0.0;
    int seen = 0;
    for (size_t r = (size_t)i; r < ns[0]; r += N) {
      if (snd[0][r] != nn.first + (uint64_t)i) { ++bad; break; }
      /* the spike of 1.0 ms with delay 1 ms shows in the sample at 2.0 ms (docs/timing.md) */
      const int arrives = fabs(t[0][r] - 2.0) < 1e-9;
      const double in = arrives ? w[i] : 0.0;
      xe = xe * P_syn + (in >= 0.0 ? in : 0.0);
      xi = xi * P_syn + (in < 0.0 ? in : 0.0);
      V = V * P_m + xe + xi + 0.0;
      seen |= arrives;
      if (val[0][r] != V || val[1][r] != xe || val[2][r] != xi) {
        if (bad++ < 3) fprintf(stderr, "\n  node %d t %g: V %.17g/%.17g x_ex %.17g/%.17g x_in %.17g/%.17g", i, t[0][r], val[0][r], V, val[1][r], xe, val[2][r], xi);
      }
    }
    arrived += seen;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(arrived, N);
  sg_sim_free(sim);
}

/* ---- the CPU block hook is the step ------------------------------------------------------------- */
static uint64_t rs = 0x1234567ull;
static double rnd(void) {
  rs = rs * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(rs >> 11) * 0x1p-53;
}

static void test_sign_neuron_block_hook(void) {
  enum { B = 256 };
  const double p[SG_TEST_SIGN_NEURON_N_PARAMS] = {10.0, 2.0, 15.0, -3.0, 0.5};
  sg_test_sign_neuron_coef c;
  sg_test_sign_neuron_prepare(p, NULL, 0.1, 100, &c);
  static double s1[3][B], s2[3][B];
  static int64_t in1[2 * B], in2[2 * B];
  uint32_t spk[B];
  int bad = 0, spikes = 0;
  for (uint32_t cnt = 0; cnt <= B; cnt += (cnt < 20 ? 1 : 17)) {
    for (int j = 0; j < B; ++j) {
      for (int r = 0; r < 3; ++r) s1[r][j] = s2[r][j] = 40.0 * rnd() - 10.0;
      if (j % 7 == 0) s1[0][j] = s2[0][j] = 15.0 - c.drive;   /* lands on V_th exactly at times */
      in1[j] = in2[j] = (int64_t)(rnd() * 0x1p36);
      in1[B + j] = in2[B + j] = -(int64_t)(rnd() * 0x1p36);
    }
    sg_view v1 = {{s1[0], s1[1], s1[2]}}, v2 = {{s2[0], s2[1], s2[2]}};
    const sg_step_ctx ctx = {1, 7, 1, B, ~(uint64_t)0, 0, 0};
    uint32_t want[B], nw = 0;
    for (uint32_t j = 0; j < cnt; ++j)
      if (sg_test_sign_neuron_step(&c, &v1, j, in1, &ctx)) want[nw++] = j;
    const uint32_t ng = sg_test_sign_neuron_block(&c, &v2, 0, cnt, in2, &ctx, NULL, NULL, spk);
    bad += ng != nw || memcmp(spk, want, nw * sizeof *spk) != 0;
    bad += memcmp(s1, s2, sizeof s1) != 0 || memcmp(in1, in2, sizeof in1) != 0;
    spikes += (int)nw;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT(spikes > 100);   /* the comparison saw spikes */
}

/* ---- a recurrent network: 1 thread == 2 threads, and the HDF5 metadata -------------------------- */
static int run_net(int threads, const char *dir, double *t, uint64_t *s, size_t cap, size_t *n) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 1, threads, dir);
  if (!sim) return 1;
  sg_nodes nn, pg, sr;
  sg_conn_spec cs;
  sg_syn_spec syn;
  int r = sg_create(sim, MODEL, 500, &nn) || sg_set(sim, nn, "drive", 0.1) || sg_create(sim, "poisson_generator", 1, &pg) ||
          sg_set(sim, pg, "rate", 800.0) || sg_create(sim, "spike_recorder", 1, &sr);
  sg_conn_spec_default(&cs);
  cs.rule = "fixed_indegree";
  cs.indegree = 40;
  sg_syn_spec_default(&syn);
  syn.weight = sg_random_normal(0.02, 0.1);
  syn.delay = sg_random_uniform(0.5, 2.0);
  r = r || sg_connect(sim, nn, nn, &cs, &syn) || sg_connect(sim, pg, nn, NULL, &syn) || sg_connect(sim, nn, sr, NULL, NULL) ||
      sg_simulate(sim, 200.0) || sg_spikes(sim, sr.first, t, s, cap, n);
  if (r) fprintf(stderr, "\n  %s", sg_errmsg(sim));
  sg_sim_free(sim);
  return r;
}

static void test_sign_neuron_network(void) {
  static const char *const params[] = {"tau_syn", "drive"};
  sg_test_threads_and_metadata(run_net, 200000, 1000, "spike_recorder_502.h5", MODEL, params, 2);
}

static CU_TestInfo tests[] = {
    {"listed by sg_model_count/sg_model_info (last), table checks reach sg_set", test_sign_neuron_listed},
    {"each spike goes to x_ex or x_in by its weight's sign (traces exact)", test_sign_neuron_routing},
    {"CPU block hook == step (block lengths 0..256, spikes at the threshold)", test_sign_neuron_block_hook},
    {"recurrent mixed-sign network: 1 thread == 2 threads; model and parameters in the HDF5 metadata", test_sign_neuron_network},
    CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_sign_neuron = {"sign_neuron", NULL, tests};
