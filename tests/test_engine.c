/* tests/test_engine.c - the CPU engine against NEST's timing semantics (NEST 3.10 scenarios T6,
 * docs/timing.md §3-§8): generators' activity windows, parrots, recorders, multimeter sample
 * times, delay rounding, split runs, thread-count independence. Exact values throughout. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "spikegpu.h"

static sg_sim *new_sim(double h, uint64_t seed) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = h;
  cfg.seed = seed;
  cfg.verbose = 0;
  cfg.backend = SG_BACKEND_CPU;
  sg_sim *sim = NULL;
  char err[256];
  sg_status st = sg_sim_new(&cfg, &sim, err, sizeof err);
  if (st) fprintf(stderr, "sg_sim_new: %s\n", err);
  CU_ASSERT_FATAL(st == SG_OK);
  return sim;
}

#define OK(call) SG_TEST_OK(sim, call)

#define syn sg_test_syn_scalar

/* Spike times of a recorder, as steps (round(t / h)), into out (cap entries). */
static size_t spike_steps(sg_sim *sim, uint64_t rec, double h, long *out, uint64_t *senders, size_t cap) {
  size_t n = 0;
  OK(sg_spikes(sim, rec, NULL, NULL, 0, &n));
  double *t = malloc((n ? n : 1) * sizeof *t);
  uint64_t *s = malloc((n ? n : 1) * sizeof *s);
  size_t got;
  OK(sg_spikes(sim, rec, t, s, n, &got));
  for (size_t i = 0; i < n && i < cap; ++i) {
    out[i] = lround(t[i] / h);
    if (senders) senders[i] = s[i];
  }
  free(t);
  free(s);
  return n;
}

static void assert_steps(const long *got, size_t n, const long *want, size_t m) {
  CU_ASSERT_EQUAL(n, m);
  int same = n == m;
  for (size_t i = 0; i < n && i < m; ++i) same &= got[i] == want[i];
  if (!same) {
    fprintf(stderr, "\n  got  :");
    for (size_t i = 0; i < n; ++i) fprintf(stderr, " %ld", got[i]);
    fprintf(stderr, "\n  want :");
    for (size_t i = 0; i < m; ++i) fprintf(stderr, " %ld", want[i]);
    fprintf(stderr, "\n");
  }
  CU_ASSERT(same);
}

/* T2 (parrot part): spike_generator [1,2,3] with multiplicities [1,3,2] -> parrot -> recorder,
 * default delays 1 ms: recorded [2,3,3,3,4,4]. */
static void test_engine_parrot_multiplicity(void) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes g, p, r;
  OK(sg_create(sim, "spike_generator", 1, &g));
  OK(sg_create(sim, "parrot_neuron", 1, &p));
  OK(sg_create(sim, "spike_recorder", 1, &r));
  const double t[] = {1.0, 2.0, 3.0}, m[] = {1, 3, 2};
  OK(sg_set_vec(sim, g, "spike_times", t, 3));
  OK(sg_set_vec(sim, g, "spike_multiplicities", m, 3));
  OK(sg_connect(sim, g, p, NULL, NULL));
  OK(sg_connect(sim, p, r, NULL, NULL));
  OK(sg_simulate(sim, 10.0));
  long got[16];
  size_t n = spike_steps(sim, r.first, 0.1, got, NULL, 16);
  const long want[] = {20, 30, 30, 30, 40, 40};
  assert_steps(got, n, want, 6);
  sg_sim_free(sim);
}

/* M7: spike_generator [1.0, 1.1, 1.5, 2.0, 2.1], start 1.0, stop 2.0 -> parrot (d 0.1) -> sr:
 * [1.2, 1.6, 2.1] (a spike at start is not emitted, one at stop is). */
static void test_engine_spike_generator_window(void) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes g, p, r;
  OK(sg_create(sim, "spike_generator", 1, &g));
  OK(sg_create(sim, "parrot_neuron", 1, &p));
  OK(sg_create(sim, "spike_recorder", 1, &r));
  const double t[] = {1.0, 1.1, 1.5, 2.0, 2.1};
  OK(sg_set_vec(sim, g, "spike_times", t, 5));
  OK(sg_set(sim, g, "start", 1.0));
  OK(sg_set(sim, g, "stop", 2.0));
  sg_syn_spec s = syn(1.0, 0.1, 0);
  OK(sg_connect(sim, g, p, NULL, &s));
  OK(sg_connect(sim, p, r, NULL, NULL));
  OK(sg_simulate(sim, 5.0));
  long got[16];
  size_t n = spike_steps(sim, r.first, 0.1, got, NULL, 16);
  const long want[] = {12, 16, 21};
  assert_steps(got, n, want, 3);
  sg_sim_free(sim);
}

/* M8: off-grid times are an error by default; allow_offgrid_times moves them up. */
static void test_engine_offgrid_times(void) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes g, p, r;
  OK(sg_create(sim, "spike_generator", 1, &g));
  OK(sg_create(sim, "parrot_neuron", 1, &p));
  OK(sg_create(sim, "spike_recorder", 1, &r));
  const double t[] = {1.0, 1.05, 1.9999, 3.0001, 3.04};
  OK(sg_set_vec(sim, g, "spike_times", t, 5));
  sg_syn_spec s = syn(1.0, 0.1, 0);
  OK(sg_connect(sim, g, p, NULL, &s));
  OK(sg_connect(sim, p, r, NULL, NULL));
  sg_status st = sg_simulate(sim, 5.0);
  CU_ASSERT_EQUAL(st, SG_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "spike_times[1]"));
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "1.05"));
  CU_ASSERT_EQUAL(sg_steps(sim), 0);
  OK(sg_set(sim, g, "allow_offgrid_times", 1.0));
  OK(sg_simulate(sim, 5.0));
  long got[16];
  size_t n = spike_steps(sim, r.first, 0.1, got, NULL, 16);
  const long want[] = {11, 12, 21, 31, 32};   /* grid times 1.0, 1.1, 2.0, 3.0, 3.1, + d 0.1 */
  assert_steps(got, n, want, 5);
  sg_sim_free(sim);
}

/* M9: spike_recorder start 1.1, stop 2.1; parrot emits 1.1, 1.2, 2.1, 2.2 -> [1.2, 2.1]. */
static void test_engine_recorder_window(void) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes g, p, r;
  OK(sg_create(sim, "spike_generator", 1, &g));
  OK(sg_create(sim, "parrot_neuron", 1, &p));
  OK(sg_create(sim, "spike_recorder", 1, &r));
  const double t[] = {1.0, 1.1, 2.0, 2.1};
  OK(sg_set_vec(sim, g, "spike_times", t, 4));
  OK(sg_set(sim, r, "start", 1.1));
  OK(sg_set(sim, r, "stop", 2.1));
  sg_syn_spec s = syn(1.0, 0.1, 0);
  OK(sg_connect(sim, g, p, NULL, &s));
  OK(sg_connect(sim, p, r, NULL, NULL));
  OK(sg_simulate(sim, 5.0));
  long got[16];
  size_t n = spike_steps(sim, r.first, 0.1, got, NULL, 16);
  const long want[] = {12, 21};
  assert_steps(got, n, want, 2);
  sg_sim_free(sim);
}

/* M18: parrot across split runs: times [1.0, 9.9, 10.0], d 0.1; Simulate 10 then 1. */
static void test_engine_parrot_split_run(void) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes g, p, r;
  OK(sg_create(sim, "spike_generator", 1, &g));
  OK(sg_create(sim, "parrot_neuron", 1, &p));
  OK(sg_create(sim, "spike_recorder", 1, &r));
  const double t[] = {1.0, 9.9, 10.0};
  OK(sg_set_vec(sim, g, "spike_times", t, 3));
  sg_syn_spec s = syn(1.0, 0.1, 0);
  OK(sg_connect(sim, g, p, NULL, &s));
  OK(sg_connect(sim, p, r, NULL, NULL));
  OK(sg_simulate(sim, 10.0));
  long got[16];
  size_t n = spike_steps(sim, r.first, 0.1, got, NULL, 16);
  const long want1[] = {11, 100};
  assert_steps(got, n, want1, 2);
  OK(sg_simulate(sim, 1.0));
  n = spike_steps(sim, r.first, 0.1, got, NULL, 16);
  const long want2[] = {11, 100, 101};
  assert_steps(got, n, want2, 3);
  sg_sim_free(sim);
}

/* M6: poisson_generator 1e6 Hz, start 1.0, stop 2.0 -> parrot (d 0.1 / 0.3): the parrot fires
 * in the 10 steps 1.3..2.2 / 1.5..2.4 (generator stamps 1.2..2.1). */
static void test_engine_poisson_window(void) {
  for (int c = 0; c < 2; ++c) {
    const double d = c ? 0.3 : 0.1;
    sg_sim *sim = new_sim(0.1, 7);
    sg_nodes g, p, r;
    OK(sg_create(sim, "poisson_generator", 1, &g));
    OK(sg_create(sim, "parrot_neuron", 1, &p));
    OK(sg_create(sim, "spike_recorder", 1, &r));
    OK(sg_set(sim, g, "rate", 1e6));
    OK(sg_set(sim, g, "start", 1.0));
    OK(sg_set(sim, g, "stop", 2.0));
    sg_syn_spec s = syn(1.0, d, 0);
    OK(sg_connect(sim, g, p, NULL, &s));
    OK(sg_connect(sim, p, r, NULL, NULL));
    OK(sg_simulate(sim, 5.0));
    long got[4096];
    size_t n = spike_steps(sim, r.first, 0.1, got, NULL, 4096);
    /* lambda = 100 per step: the count per step is Poisson(100), so ~1000 entries */
    CU_ASSERT(n > 700 && n < 1300);
    long distinct[64];
    size_t nd = 0;
    for (size_t i = 0; i < n && i < 4096; ++i)
      if (nd == 0 || distinct[nd - 1] != got[i]) distinct[nd++] = got[i];
    long want[10];
    for (int i = 0; i < 10; ++i) want[i] = 12 + lround(d / 0.1) + i;
    assert_steps(distinct, nd, want, 10);
    sg_sim_free(sim);
  }
}

/* M14: delay rounding half-up at h = 0.1: 0.14 -> 0.1, 0.15 -> 0.2, 0.25 -> 0.3, 0.16 -> 0.2;
 * 0.04 -> error. */
static void test_engine_delay_rounding(void) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes a, b;
  OK(sg_create(sim, "parrot_neuron", 1, &a));
  OK(sg_create(sim, "parrot_neuron", 1, &b));
  /* want: the rounded delays in the order sg_get_connections reports one pair's connections */
  const double in[] = {0.14, 0.15, 0.25, 0.16}, want[] = {0.1, 0.2, 0.2, 0.3};
  for (int i = 0; i < 4; ++i) {
    sg_syn_spec s = syn(1.0, in[i], 0);
    OK(sg_connect(sim, a, b, NULL, &s));
  }
  uint64_t src[8], tgt[8];
  double w[8], d[8];
  int rec[8];
  size_t n;
  OK(sg_get_connections(sim, a, b, src, tgt, w, d, rec, 8, &n));
  CU_ASSERT_EQUAL(n, 4);
  for (int i = 0; i < 4 && (size_t)i < n; ++i) CU_ASSERT(fabs(d[i] - want[i]) < 1e-12);
  sg_syn_spec s = syn(1.0, 0.04, 0);
  CU_ASSERT_EQUAL(sg_connect(sim, a, b, NULL, &s), SG_ERR_ARG);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "delay"));
  OK(sg_get_connections(sim, a, b, src, tgt, w, d, rec, 8, &n));
  CU_ASSERT_EQUAL(n, 4);
  sg_sim_free(sim);
}

/* Multimeter sample times (docs/timing.md §7.8): M15 interval 0.5, offset 0.3, start 0.6, stop 2.3 ->
 * 0.8, 1.3, 1.8, 2.3; M16 default interval 1.0 -> 1, 2, 3, 4, 5 (spikegpu has no end-of-run
 * lag, so 5.0 is there too); M17 interval 1.0, offset 0.1 -> 1.1, 2.1, 3.1, 4.1. */
static void sample_steps(double interval, double offset, double start, double stop, const long *want, size_t nw) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes nrn, mm;
  OK(sg_create(sim, "gl_exp", 1, &nrn));
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", interval));
  if (offset > 0) OK(sg_set(sim, mm, "offset", offset));
  if (start > 0) OK(sg_set(sim, mm, "start", start));
  if (stop > 0) OK(sg_set(sim, mm, "stop", stop));
  const char *vars[] = {"V_m"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 1));
  OK(sg_connect(sim, mm, nrn, NULL, NULL));
  OK(sg_simulate(sim, 5.0));
  double t[64], v[64];
  uint64_t s[64];
  size_t n;
  OK(sg_samples(sim, mm.first, "V_m", t, s, v, 64, &n));
  long got[64];
  for (size_t i = 0; i < n && i < 64; ++i) got[i] = lround(t[i] / 0.1);
  assert_steps(got, n, want, nw);
  sg_sim_free(sim);
}

static void test_engine_multimeter_times(void) {
  const long m15[] = {8, 13, 18, 23};
  sample_steps(0.5, 0.3, 0.6, 2.3, m15, 4);
  const long m16[] = {10, 20, 30, 40, 50};
  sample_steps(1.0, 0.0, 0.0, 0.0, m16, 5);
  const long m17[] = {11, 21, 31, 41};
  sample_steps(1.0, 0.1, 0.0, 0.0, m17, 4);
}

/* M3-M5 with a gl_exp target (which, like glif_cond, reads currents at the end of a step and
 * reports them as I_stim): amplitude 100 at 1.0, start 0 -> I = 100 from 1.1 on; start 1.0,
 * stop 2.0 -> 1.1 .. 2.0 only; amplitudes [100, 200] at [0.3, 1.0], start 0.5, stop 2.0 ->
 * 100 from 0.6, 200 from 1.1, last at 2.0. */
static void current_case(const double *at, const double *av, size_t na, double start, double stop,
                         double *I_out /* 30 samples 0.1..3.0 */) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes nrn, cg, mm;
  OK(sg_create(sim, "gl_exp", 1, &nrn));
  OK(sg_set(sim, nrn, "b", 1e300));   /* firing off: p = 1e-4 / 1e300 exp(...) == 0 */
  OK(sg_create(sim, "step_current_generator", 1, &cg));
  OK(sg_set_vec(sim, cg, "amplitude_times", at, na));
  OK(sg_set_vec(sim, cg, "amplitude_values", av, na));
  if (start > 0) OK(sg_set(sim, cg, "start", start));
  if (stop > 0) OK(sg_set(sim, cg, "stop", stop));
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", 0.1));
  const char *vars[] = {"I_stim"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 1));
  sg_syn_spec s = syn(1.0, 0.1, 0);
  OK(sg_connect(sim, cg, nrn, NULL, &s));
  OK(sg_connect(sim, mm, nrn, NULL, NULL));
  OK(sg_simulate(sim, 3.0));
  double t[64];
  uint64_t snd[64];
  size_t n;
  OK(sg_samples(sim, mm.first, "I_stim", t, snd, I_out, 64, &n));
  CU_ASSERT_EQUAL(n, 30);
  sg_sim_free(sim);
}

static void test_engine_step_current_windows(void) {
  double I[64];
  const double t1[] = {1.0}, v1[] = {100.0};
  current_case(t1, v1, 1, 0.0, 0.0, I);
  for (int k = 1; k <= 30; ++k) SG_ASSERT_DBL_EXACT(I[k - 1], k >= 11 ? 100.0 : 0.0);
  current_case(t1, v1, 1, 1.0, 2.0, I);
  for (int k = 1; k <= 30; ++k) SG_ASSERT_DBL_EXACT(I[k - 1], (k >= 11 && k <= 20) ? 100.0 : 0.0);
  const double t3[] = {0.3, 1.0}, v3[] = {100.0, 200.0};
  current_case(t3, v3, 2, 0.5, 2.0, I);
  for (int k = 1; k <= 30; ++k) SG_ASSERT_DBL_EXACT(I[k - 1], k < 6 ? 0.0 : k <= 10 ? 100.0 : k <= 20 ? 200.0 : 0.0);
}

/* gl_exp deterministic part (firing off): a spike of weight w arriving in slot k raises V by
 * w mV in the sample at (k+1) h, then V relaxes with the exact propagator. */
static void test_engine_gl_exp_delta_input(void) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes nrn, g, mm;
  OK(sg_create(sim, "gl_exp", 1, &nrn));
  OK(sg_set(sim, nrn, "b", 1e300));
  OK(sg_create(sim, "spike_generator", 1, &g));
  const double t[] = {1.0};
  OK(sg_set_vec(sim, g, "spike_times", t, 1));
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", 0.1));
  const char *vars[] = {"V_m"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 1));
  sg_syn_spec s = syn(5.0, 0.5, 0);
  OK(sg_connect(sim, g, nrn, NULL, &s));
  OK(sg_connect(sim, mm, nrn, NULL, NULL));
  OK(sg_simulate(sim, 10.0));
  double tt[128], V[128];
  uint64_t snd[128];
  size_t n;
  OK(sg_samples(sim, mm.first, "V_m", tt, snd, V, 128, &n));
  CU_ASSERT_EQUAL_FATAL(n, 100);
  /* stamp 10, d = 5 steps: slot 14, jump visible in the sample at step 15 (1.5 ms) */
  for (int k = 1; k <= 14; ++k) SG_ASSERT_DBL_EXACT(V[k - 1], -65.0);
  SG_ASSERT_DBL_EXACT(V[14], -60.0);
  const double P = exp(-0.1 / 10.0), omP = -expm1(-0.1 / 10.0);
  double v = -60.0, maxdev = 0.0;
  for (int k = 16; k <= 100; ++k) {
    v = v * P + -65.0 * omP;                 /* the propagator, iterated as the model does */
    SG_ASSERT_DBL_EXACT(V[k - 1], v);
    const double exact = -65.0 + 5.0 * exp(-(k - 15) * 0.1 / 10.0);
    if (fabs(V[k - 1] - exact) > maxdev) maxdev = fabs(V[k - 1] - exact);
  }
  CU_ASSERT(maxdev < 1e-12);                 /* against the closed form */
  sg_sim_free(sim);
}

/* gl_exp refractoriness and reset with simultaneous input (docs/models.md §1.2): with p >= 1 the neuron
 * fires every step, also while refractory (NESTML semantics), V is reset each time and the
 * delta input is added after the reset. */
static void test_engine_gl_exp_refractory_reset(void) {
  sg_sim *sim = new_sim(0.1, 3);
  sg_nodes nrn, g, sr, mm;
  OK(sg_create(sim, "gl_exp", 1, &nrn));
  OK(sg_set(sim, nrn, "V_b", -200.0));      /* p = 1e-4 / 27 exp(135 / 1.2) >= 1: always fires */
  OK(sg_set(sim, nrn, "t_ref", 2.0));
  OK(sg_create(sim, "spike_generator", 1, &g));
  const double t[] = {1.0};
  OK(sg_set_vec(sim, g, "spike_times", t, 1));
  OK(sg_create(sim, "spike_recorder", 1, &sr));
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", 0.1));
  const char *vars[] = {"V_m", "refr_tick"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 2));
  sg_syn_spec s = syn(3.0, 0.1, 0);
  OK(sg_connect(sim, g, nrn, NULL, &s));
  OK(sg_connect(sim, nrn, sr, NULL, NULL));
  OK(sg_connect(sim, mm, nrn, NULL, NULL));
  OK(sg_simulate(sim, 2.0));
  long got[64];
  size_t n = spike_steps(sim, sr.first, 0.1, got, NULL, 64);
  CU_ASSERT_EQUAL(n, 20);                   /* a spike in every step */
  double tt[64], V[64], R[64];
  uint64_t snd[64];
  size_t m;
  OK(sg_samples(sim, mm.first, "V_m", tt, snd, V, 64, &m));
  OK(sg_samples(sim, mm.first, "refr_tick", tt, snd, R, 64, &m));
  CU_ASSERT_EQUAL(m, 20);
  for (int k = 1; k <= 20; ++k) {
    SG_ASSERT_DBL_EXACT(R[k - 1], 20.0);    /* steps(2 ms) restarted at every spike */
    SG_ASSERT_DBL_EXACT(V[k - 1], k == 11 ? -62.0 : -65.0);  /* input of slot 10 after the reset */
  }
  sg_sim_free(sim);
}

/* gl_exp Phi measurement (docs/models.md §1.3 a): h = 1 ms, tau_m = 1e99, no reset, 12 voltages, 25 s.
 * V must stay bit-identical; spike counts follow Binomial(25000, 1e-3 Phi(V)). Checked with a
 * two-sided normal-approximation test at |z| < 4.5 (false alarm ~7e-6 per count) where the mean
 * is >= 5, and by the exact Poisson tail P(N >= n) > 1e-6 below that; three seeds. */
static void test_engine_gl_exp_phi(void) {
  const double Vs[12] = {-60.0, -58.63636363636363, -57.27272727272727, -55.90909090909091,
                         -54.54545454545455, -53.18181818181818, -51.81818181818182, -50.45454545454545,
                         -49.09090909090909, -47.72727272727273, -46.36363636363637, -45.0};
  const double T = sg_test_quick() ? 5000.0 : 25000.0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    sg_sim *sim = new_sim(1.0, seed);
    sg_nodes nrn, sr;
    OK(sg_create(sim, "gl_exp", 12, &nrn));
    OK(sg_set(sim, nrn, "reset_after_spike", 0.0));
    OK(sg_set(sim, nrn, "tau_m", 1e99));
    OK(sg_set_each(sim, nrn, "V_m", Vs));
    OK(sg_create(sim, "spike_recorder", 1, &sr));
    OK(sg_connect(sim, nrn, sr, NULL, NULL));
    OK(sg_simulate(sim, T));
    for (int i = 0; i < 12; ++i) {
      double v;
      OK(sg_get(sim, nrn.first + (uint64_t)i, "V_m", &v));
      SG_ASSERT_DBL_EXACT(v, Vs[i]);
    }
    size_t n = 0;
    OK(sg_spikes(sim, sr.first, NULL, NULL, 0, &n));
    double *t = malloc((n + 1) * sizeof *t);
    uint64_t *s = malloc((n + 1) * sizeof *s);
    size_t got;
    OK(sg_spikes(sim, sr.first, t, s, n, &got));
    long count[12] = {0};
    for (size_t q = 0; q < n; ++q) count[s[q] - nrn.first]++;
    for (int i = 0; i < 12; ++i) {
      const double p = 1e-3 * 1.0 * exp((Vs[i] + 51.3) / 1.2) / 27.0, N = T;
      const double mean = N * p, sd = sqrt(N * p * (1 - p));
      if (mean >= 5.0) {
        const double z = ((double)count[i] - mean) / sd;
        if (fabs(z) >= 4.5) fprintf(stderr, "\n  V = %g: %ld spikes, expected %.2f (z = %.2f)\n", Vs[i], count[i], mean, z);
        CU_ASSERT(fabs(z) < 4.5);
      } else {
        /* Poisson upper tail */
        double term = exp(-mean), cdf = 0.0;
        for (long k = 0; k < count[i]; ++k) { cdf += term; term *= mean / (double)(k + 1); }
        CU_ASSERT(1.0 - cdf > 1e-6 || count[i] == 0);
      }
    }
    free(t);
    free(s);
    sg_sim_free(sim);
  }
}

/* A recurrent gl_exp network with Poisson drive, noise and parrots; returns a hash of all
 * spikes and samples. Used for thread-count and split-run identity. */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t i = 0; i < n; ++i) { h ^= b[i]; h *= 1099511628211ull; }
  return h;
}

static uint64_t run_network(int threads, int n_chunks, size_t *n_spikes) {
  omp_set_num_threads(threads);
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.seed = 99;
  cfg.verbose = 0;
  cfg.backend = SG_BACKEND_CPU;
  cfg.threads = threads;
  cfg.flush_interval_ms = 7.3;
  sg_sim *sim;
  CU_ASSERT_FATAL(sg_sim_new(&cfg, &sim, NULL, 0) == SG_OK);
  sg_nodes E, I, pg, ng, par, sr, mm;
  OK(sg_create(sim, "gl_exp", 400, &E));
  OK(sg_create(sim, "gl_exp", 100, &I));
  OK(sg_create(sim, "poisson_generator", 1, &pg));
  OK(sg_set(sim, pg, "rate", 3000.0));
  OK(sg_create(sim, "noise_generator", 1, &ng));
  OK(sg_set(sim, ng, "std", 50.0));
  OK(sg_set(sim, ng, "dt", 0.5));
  OK(sg_create(sim, "parrot_neuron", 20, &par));
  OK(sg_create(sim, "spike_recorder", 1, &sr));
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", 0.5));
  const char *vars[] = {"V_m", "I_stim", "refr_tick"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 3));
  sg_conn_spec cs;
  sg_conn_spec_default(&cs);
  cs.rule = "fixed_indegree";
  cs.indegree = 50;
  sg_syn_spec s = syn(0.3, 1.5, 0);
  s.delay = sg_random_uniform(0.5, 3.0);
  OK(sg_connect(sim, E, E, &cs, &s));
  OK(sg_connect(sim, E, I, &cs, &s));
  cs.indegree = 20;
  s = syn(-1.0, 0.8, 0);
  OK(sg_connect(sim, I, E, &cs, &s));
  s = syn(0.8, 0.1, 0);
  OK(sg_connect(sim, pg, E, NULL, &s));
  OK(sg_connect(sim, pg, I, NULL, &s));
  OK(sg_connect(sim, pg, par, NULL, &s));
  s = syn(1.0, 0.2, 0);
  OK(sg_connect(sim, ng, E, NULL, &s));
  s = syn(0.5, 2.0, 0);
  OK(sg_connect(sim, par, I, NULL, &s));
  OK(sg_connect(sim, E, sr, NULL, NULL));
  OK(sg_connect(sim, I, sr, NULL, NULL));
  OK(sg_connect(sim, par, sr, NULL, NULL));
  OK(sg_connect(sim, mm, sg_slice(E, 0, 10), NULL, NULL));
  for (int c = 0; c < n_chunks; ++c) OK(sg_simulate(sim, 60.0 / n_chunks));
  size_t n = 0;
  OK(sg_spikes(sim, sr.first, NULL, NULL, 0, &n));
  double *t = malloc((n + 1) * sizeof *t);
  uint64_t *snd = malloc((n + 1) * sizeof *snd);
  size_t got;
  OK(sg_spikes(sim, sr.first, t, snd, n, &got));
  uint64_t h = fnv(14695981039346656037ull, t, n * sizeof *t);
  h = fnv(h, snd, n * sizeof *snd);
  for (int v = 0; v < 3; ++v) {
    size_t m = 0;
    OK(sg_samples(sim, mm.first, vars[v], NULL, NULL, NULL, 0, &m));
    double *tt = malloc((m + 1) * sizeof *tt), *vv = malloc((m + 1) * sizeof *vv);
    uint64_t *ss = malloc((m + 1) * sizeof *ss);
    OK(sg_samples(sim, mm.first, vars[v], tt, ss, vv, m, &got));
    h = fnv(h, vv, m * sizeof *vv);
    free(tt); free(vv); free(ss);
  }
  *n_spikes = n;
  free(t);
  free(snd);
  sg_sim_free(sim);
  return h;
}

static void test_engine_threads_and_split_runs_identical(void) {
  size_t n1, n2, n3;
  const uint64_t h1 = run_network(1, 1, &n1);
  const uint64_t h2 = run_network(2, 1, &n2);
  const uint64_t h3 = run_network(2, 6, &n3);
  CU_ASSERT(n1 > 500);                       /* the network is active */
  CU_ASSERT_EQUAL(n1, n2);
  CU_ASSERT_EQUAL(h1, h2);
  CU_ASSERT_EQUAL(n1, n3);
  CU_ASSERT_EQUAL(h1, h3);
  omp_set_num_threads(omp_get_num_procs());
}

/* The Poisson drive across runs whose tables change. Windows draw a poisson_generator's events
 * in the target's update (with the counters of their emission step) and flush what is still due
 * into the ring before the tables change; the step loop (forced by a silent spike_generator)
 * emits them into the ring. Both must give the same traces, bit for bit, through a rate change
 * (delay 1.5 ms: 15 steps in flight), a generator connected with another delay, a stop inside a
 * run, runs without changes and 2 threads. Fills I_syn_ex, then I_syn_in, of every neuron at every
 * step. */
enum { DRIVE_N = 24, DRIVE_STEPS = 220 };
static void drive_run(int serial, int threads, double *out) {
  omp_set_num_threads(threads);
  sg_sim *sim = new_sim(0.1, 31);
  sg_nodes nrn, pg1, pg2, mm;
  OK(sg_create(sim, "iaf_psc_exp", DRIVE_N, &nrn));
  OK(sg_create(sim, "poisson_generator", 1, &pg1));
  OK(sg_create(sim, "poisson_generator", 1, &pg2));   /* before the spike_generator: same gids */
  OK(sg_set(sim, pg1, "rate", 40000.0));
  sg_conn_spec all = sg_test_rule("all_to_all", 0);
  const sg_syn_spec s15 = syn(20.0, 1.5, 0), s07 = syn(-35.0, 0.7, 0);
  OK(sg_connect(sim, pg1, nrn, &all, &s15));
  if (serial) {   /* a spike_generator with a target (and no spikes) turns the windows off */
    sg_nodes sgen;
    OK(sg_create(sim, "spike_generator", 1, &sgen));
    sg_syn_spec s1 = syn(1.0, 0.1, 0);
    sg_nodes one = {nrn.first, 1, NULL};
    OK(sg_connect(sim, sgen, one, &all, &s1));
  }
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", 0.1));
  const char *vars[2] = {"I_syn_ex", "I_syn_in"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 2));
  OK(sg_connect(sim, mm, nrn, NULL, NULL));
  OK(sg_simulate(sim, 5.0));
  OK(sg_set(sim, pg1, "rate", 15000.0));   /* the 15 steps of 40 kHz in flight must arrive */
  OK(sg_simulate(sim, 5.0));
  OK(sg_set(sim, pg2, "rate", 25000.0));
  OK(sg_connect(sim, pg2, nrn, &all, &s07));
  OK(sg_simulate(sim, 4.0));
  OK(sg_set(sim, pg1, "stop", 16.0));
  OK(sg_simulate(sim, 3.0));
  OK(sg_simulate(sim, 5.0));               /* no change: no flush, the drive goes on */
  size_t n = 0;
  double *t = malloc(DRIVE_N * DRIVE_STEPS * sizeof *t);
  uint64_t *who = malloc(DRIVE_N * DRIVE_STEPS * sizeof *who);
  for (int v = 0; v < 2; ++v) {
    OK(sg_samples(sim, mm.first, vars[v], t, who, out + v * DRIVE_N * DRIVE_STEPS, DRIVE_N * DRIVE_STEPS, &n));
    CU_ASSERT_EQUAL(n, DRIVE_N * DRIVE_STEPS);
  }
  free(t);
  free(who);
  sg_sim_free(sim);
}

static double drive_mean(const double *x, size_t k) {   /* over the neurons, at step k */
  double m = 0.0;
  for (size_t j = 0; j < DRIVE_N; ++j) m += x[k * DRIVE_N + j] / DRIVE_N;
  return m;
}

static void test_engine_poisson_drive_between_runs(void) {
  enum { M = 2 * DRIVE_N * DRIVE_STEPS };
  double *win = malloc(M * sizeof *win), *loop = malloc(M * sizeof *loop), *win2 = malloc(M * sizeof *win2);
  drive_run(0, 1, win);
  drive_run(1, 1, loop);
  drive_run(0, 2, win2);
  size_t bad = 0, bad2 = 0;
  for (size_t i = 0; i < M; ++i) {
    bad += memcmp(&win[i], &loop[i], sizeof(double)) != 0;
    bad2 += memcmp(&win[i], &win2[i], sizeof(double)) != 0;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT_EQUAL(bad2, 0);
  if (bad || bad2) fprintf(stderr, "\n  drive: %zu samples differ window/step loop, %zu 1/2 threads\n", bad, bad2);
  /* the drive is there and follows the tables: I_syn_ex near 40 kHz x 20 pA x 2 ms = 1600 pA at
   * 5 ms, falling towards 600 pA after the rate change, decaying after pg1's stop (16 ms, last
   * arrival 17.5 ms); I_syn_in only from pg2 (connected at 10 ms, delay 0.7 ms) */
  const double *ex = win, *in = win + DRIVE_N * DRIVE_STEPS;
  CU_ASSERT(drive_mean(ex, 49) > 1000.0 && drive_mean(ex, 49) < 1800.0);
  CU_ASSERT(drive_mean(ex, 99) > 500.0 && drive_mean(ex, 99) < 0.7 * drive_mean(ex, 49));
  CU_ASSERT(drive_mean(ex, 219) < 0.25 * drive_mean(ex, 99));
  CU_ASSERT(drive_mean(in, 106) == 0.0);
  CU_ASSERT(drive_mean(in, 139) < -500.0);   /* 25 kHz x -35 pA x 2 ms = -1750 pA, rising */
  free(win);
  free(loop);
  free(win2);
  omp_set_num_threads(omp_get_num_procs());
}

/* poisson_generator: counts per target and step are Poisson(rate h 1e-3), independent between
 * targets. 200 parrots x 2000 steps at lambda = 0.5: chi-square of the count histogram against
 * Poisson(0.5) (bins 0..4, >= 5; 5 dof, critical value 25.7 at p = 1e-4), and the correlation
 * of counts between neighbouring targets |r| < 0.02 (sd ~ 0.0016). */
static void test_engine_poisson_counts(void) {
  sg_sim *sim = new_sim(0.1, 2024);
  sg_nodes g, p, r;
  const int NT = 200, NS = 2000;
  OK(sg_create(sim, "poisson_generator", 1, &g));
  OK(sg_set(sim, g, "rate", 5000.0));
  OK(sg_create(sim, "parrot_neuron", (uint64_t)NT, &p));
  OK(sg_create(sim, "spike_recorder", 1, &r));
  sg_syn_spec s = syn(1.0, 0.1, 0);
  OK(sg_connect(sim, g, p, NULL, &s));
  OK(sg_connect(sim, p, r, NULL, NULL));
  OK(sg_simulate(sim, NS * 0.1 + 0.2));
  size_t n = 0;
  OK(sg_spikes(sim, r.first, NULL, NULL, 0, &n));
  double *t = malloc(n * sizeof *t);
  uint64_t *snd = malloc(n * sizeof *snd);
  size_t got;
  OK(sg_spikes(sim, r.first, t, snd, n, &got));
  int *cnt = calloc((size_t)NT * NS, sizeof *cnt);
  for (size_t q = 0; q < n; ++q) {
    const long st = lround(t[q] / 0.1) - 3;   /* generator stamp k+1 = 2.. ; parrot + 1 */
    if (st >= 0 && st < NS) cnt[(snd[q] - p.first) * (size_t)NS + (size_t)st]++;
  }
  double hist[6] = {0};
  for (int i = 0; i < NT * NS; ++i) hist[cnt[i] >= 5 ? 5 : cnt[i]] += 1.0;
  const double lam = 0.5;
  double pk = exp(-lam), chi2 = 0.0, acc = 0.0;
  for (int k = 0; k < 6; ++k) {
    const double prob = k < 5 ? pk : 1.0 - acc;
    const double e = prob * NT * NS;
    chi2 += (hist[k] - e) * (hist[k] - e) / e;
    acc += pk;
    pk *= lam / (k + 1);
  }
  CU_ASSERT(chi2 < 25.7);
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (int j = 0; j + 1 < NT; ++j)
    for (int k = 0; k < NS; ++k) {
      const double x = cnt[j * NS + k], y = cnt[(j + 1) * NS + k];
      sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
    }
  const double N = (double)(NT - 1) * NS;
  const double rr = (sxy / N - sx / N * sy / N) / sqrt((sxx / N - sx / N * sx / N) * (syy / N - sy / N * sy / N));
  CU_ASSERT(fabs(rr) < 0.02);
  free(cnt); free(t); free(snd);
  sg_sim_free(sim);
}

/* noise_generator (M10 shape): per target, I is constant over dt blocks anchored at the first
 * active step (1.1-1.5, 1.6-2.0, ...), differs between targets, 0 outside start/stop. */
static void test_engine_noise_blocks(void) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes nrn, ng, mm;
  OK(sg_create(sim, "gl_exp", 2, &nrn));
  OK(sg_set(sim, nrn, "b", 1e300));
  OK(sg_create(sim, "noise_generator", 1, &ng));
  OK(sg_set(sim, ng, "mean", 10.0));
  OK(sg_set(sim, ng, "std", 100.0));
  OK(sg_set(sim, ng, "dt", 0.5));
  OK(sg_set(sim, ng, "start", 1.0));
  OK(sg_set(sim, ng, "stop", 3.0));
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", 0.1));
  const char *vars[] = {"I_stim"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 1));
  sg_syn_spec s = syn(1.0, 0.1, 0);
  OK(sg_connect(sim, ng, nrn, NULL, &s));
  OK(sg_connect(sim, mm, nrn, NULL, NULL));
  OK(sg_simulate(sim, 4.0));
  double t[128], I[128];
  uint64_t snd[128];
  size_t n;
  OK(sg_samples(sim, mm.first, "I_stim", t, snd, I, 128, &n));
  CU_ASSERT_EQUAL_FATAL(n, 80);
  for (int j = 0; j < 2; ++j) {
    double block_val[4];
    for (int k = 1; k <= 40; ++k) {
      const double v = I[(k - 1) * 2 + j];
      if (k <= 10 || k > 30) { SG_ASSERT_DBL_EXACT(v, 0.0); continue; }
      const int b = (k - 11) / 5;
      if ((k - 11) % 5 == 0) block_val[b] = v;
      else SG_ASSERT_DBL_EXACT(v, block_val[b]);
      CU_ASSERT(v != 0.0);
    }
    CU_ASSERT(block_val[0] != block_val[1]);
  }
  CU_ASSERT(I[10 * 2] != I[10 * 2 + 1]);      /* targets draw independently */
  sg_sim_free(sim);
}

/* dc_generator (NEST's activity rule of current sources, as M3-M5): with a gl_exp target, delay
 * 0.1 ms, amplitude a, origin o, start s, stop e: I_stim = a in the samples o + s + 0.1 ..
 * o + e, 0 elsewhere; a changed amplitude acts from the next run on; two generators add up. */
static void dc_case(double origin, double start, double stop, double amp, double *I_out /* 40: 0.1..4.0 */) {
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes nrn, dc, mm;
  OK(sg_create(sim, "gl_exp", 1, &nrn));
  OK(sg_set(sim, nrn, "b", 1e300));   /* firing off */
  OK(sg_create(sim, "dc_generator", 1, &dc));
  OK(sg_set(sim, dc, "amplitude", amp));
  OK(sg_set(sim, dc, "origin", origin));
  OK(sg_set(sim, dc, "start", start));
  if (stop < INFINITY) OK(sg_set(sim, dc, "stop", stop));
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", 0.1));
  const char *vars[] = {"I_stim"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 1));
  sg_syn_spec sy = syn(1.0, 0.1, 0);
  OK(sg_connect(sim, dc, nrn, NULL, &sy));
  OK(sg_connect(sim, mm, nrn, NULL, NULL));
  OK(sg_simulate(sim, 2.0));
  OK(sg_set(sim, dc, "amplitude", 2.0 * amp));   /* from the next run on */
  OK(sg_simulate(sim, 2.0));
  double t[64];
  uint64_t snd[64];
  size_t n;
  OK(sg_samples(sim, mm.first, "I_stim", t, snd, I_out, 64, &n));
  CU_ASSERT_EQUAL(n, 40);
  sg_sim_free(sim);
}

static void test_engine_dc_generator(void) {
  double I[64];
  dc_case(0.0, 1.0, 3.0, 450.0, I);
  /* the last step of the first run (k = 19) sent 450 into slot 20, shown at 2.1; the second run
   * sends 900 from its first step (k = 20, slot 21) on: shown from 2.2 */
  for (int k = 1; k <= 40; ++k) SG_ASSERT_DBL_EXACT(I[k - 1], k < 11 ? 0.0 : k <= 21 ? 450.0 : k <= 30 ? 900.0 : 0.0);
  dc_case(0.5, 0.0, INFINITY, -100.25, I);   /* origin only; stop inf */
  for (int k = 1; k <= 40; ++k) SG_ASSERT_DBL_EXACT(I[k - 1], k < 6 ? 0.0 : k <= 21 ? -100.25 : -200.5);
  /* dc_generator refuses unknown and malformed parameters like every model */
  sg_sim *sim = new_sim(0.1, 1);
  sg_nodes dc;
  OK(sg_create(sim, "dc_generator", 1, &dc));
  CU_ASSERT_EQUAL(sg_set(sim, dc, "amplitude", NAN), SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_set(sim, dc, "start", 0.05), SG_ERR_ARG);
  CU_ASSERT(strstr(sg_errmsg(sim), "start") != NULL);
  double a = 1.0;
  OK(sg_get(sim, dc.first, "amplitude", &a));
  SG_ASSERT_DBL_EXACT(a, 0.0);
  sg_sim_free(sim);
}

/* voltmeter: a multimeter recording V_m unless told otherwise, with the multimeter's default
 * interval (1 ms): its samples are the V_m samples of a multimeter, bit for bit; its record_from
 * can be changed; a target without V_m (parrot) is refused at connect, naming the recordables. */
static void test_engine_voltmeter(void) {
  sg_sim *sim = new_sim(0.1, 7);
  sg_nodes nrn, pg, vm, mm, par;
  OK(sg_create(sim, "gl_exp", 20, &nrn));
  OK(sg_create(sim, "poisson_generator", 1, &pg));
  OK(sg_set(sim, pg, "rate", 2000.0));
  sg_syn_spec s = syn(2.5, 1.0, 0);
  OK(sg_connect(sim, pg, nrn, NULL, &s));
  OK(sg_create(sim, "voltmeter", 1, &vm));
  OK(sg_create(sim, "multimeter", 1, &mm));
  const char *vars[] = {"V_m"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 1));
  OK(sg_connect(sim, vm, nrn, NULL, NULL));
  OK(sg_connect(sim, mm, nrn, NULL, NULL));
  OK(sg_simulate(sim, 50.0));
  static double t1[2000], v1[2000], t2[2000], v2[2000];
  static uint64_t s1[2000], s2[2000];
  size_t n1 = 0, n2 = 0;
  OK(sg_samples(sim, vm.first, "V_m", t1, s1, v1, 2000, &n1));
  OK(sg_samples(sim, mm.first, "V_m", t2, s2, v2, 2000, &n2));
  CU_ASSERT_EQUAL(n1, 50 * 20);   /* at 1, 2, ..., 50 ms */
  CU_ASSERT(n1 == n2 && memcmp(t1, t2, n1 * sizeof *t1) == 0 && memcmp(v1, v2, n1 * sizeof *v1) == 0 &&
            memcmp(s1, s2, n1 * sizeof *s1) == 0);
  SG_ASSERT_DBL_EXACT(t1[0], 1.0);
  CU_ASSERT(v1[0] != v1[20 * 49]);   /* V_m moved */
  /* a voltmeter may record something else, like a multimeter */
  sg_nodes vm2;
  OK(sg_create(sim, "voltmeter", 1, &vm2));
  const char *rf[] = {"I_stim"};
  OK(sg_set_strs(sim, vm2, "record_from", rf, 1));
  OK(sg_connect(sim, vm2, nrn, NULL, NULL));
  /* parrots have no V_m */
  sg_nodes vm3;
  OK(sg_create(sim, "parrot_neuron", 2, &par));
  OK(sg_create(sim, "voltmeter", 1, &vm3));
  CU_ASSERT_EQUAL(sg_connect(sim, vm3, par, NULL, NULL), SG_ERR_UNKNOWN);
  CU_ASSERT(strstr(sg_errmsg(sim), "voltmeter") && strstr(sg_errmsg(sim), "'V_m'"));
  sg_sim_free(sim);
}

static CU_TestInfo tests[] = {
  {"parrot multiplicity (T2)", test_engine_parrot_multiplicity},
  {"spike_generator window (M7)", test_engine_spike_generator_window},
  {"off-grid spike times (M8)", test_engine_offgrid_times},
  {"spike_recorder window (M9)", test_engine_recorder_window},
  {"parrot over split runs (M18)", test_engine_parrot_split_run},
  {"poisson_generator window (M6)", test_engine_poisson_window},
  {"delay rounding (M14)", test_engine_delay_rounding},
  {"multimeter sample times (M15-M17)", test_engine_multimeter_times},
  {"step_current windows (M3-M5)", test_engine_step_current_windows},
  {"gl_exp delta input and propagator", test_engine_gl_exp_delta_input},
  {"gl_exp refractoriness and reset", test_engine_gl_exp_refractory_reset},
  {"gl_exp Phi measurement", test_engine_gl_exp_phi},
  {"threads and split runs identical", test_engine_threads_and_split_runs_identical},
  {"poisson counts per target", test_engine_poisson_counts},
  {"Poisson drive across runs: windows == step loop (rate change, new generator, stop)", test_engine_poisson_drive_between_runs},
  {"noise_generator blocks (M10)", test_engine_noise_blocks},
  {"voltmeter = multimeter recording V_m every 1 ms", test_engine_voltmeter},
  {"dc_generator windows, origin, amplitude between runs", test_engine_dc_generator},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_engine = {"engine", NULL, tests};
