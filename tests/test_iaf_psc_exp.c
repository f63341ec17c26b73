/* tests/test_iaf_psc_exp.c - iaf_psc_exp (include/sg/models/iaf_psc_exp.h) against NEST 3.10:
 * NEST's expm1 series and IAFPropagator (include/sg/models/iaf_common.h) against the hex values
 * of docs/models.md §7.1, the propagators, every reference scenario of
 * tests/data/iaf_psc_exp_*.csv rebuilt from its header and compared value by value
 * (tests/nest_iaf_ref.c), the receptor-1 current i_1 against its recurrence, the escape-noise
 * threshold (delta > 0) statistically, and the parameter API. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nest_iaf_ref.h"
#include "sg_test.h"
#include "spikegpu.h"
#include "sg/models/iaf_psc_exp.h"

/* NEST's numerics::expm1 series; glibc's expm1 gives the second value (1-2 ulp away) */
static void test_iaf_psc_exp_expm1_series(void) {
  SG_ASSERT_DBL_EXACT(sg_iaf_expm1(-0.01), -0x1.460c0b518c09ep-7);     /* glibc -0x1.460c0b518c09fp-7 */
  SG_ASSERT_DBL_EXACT(sg_iaf_expm1(-0.001), -0x1.0603521cac48ap-10);   /* glibc -0x1.0603521cac48cp-10 */
  SG_ASSERT_DBL_EXACT(sg_iaf_expm1(-0.1 / 12.5), -0x1.05192497e170fp-7);
  SG_ASSERT_DBL_EXACT(sg_iaf_expm1(-0.01 / 12.5), -0x1.a3433e8272fa8p-11);
  SG_ASSERT_DBL_EXACT(sg_iaf_expm1(0.0), 0.0);
  SG_ASSERT_DBL_EXACT(sg_iaf_expm1(2.0), exp(2.0) - 1.0);              /* beyond ln 2: exp(x) - 1 */
  SG_ASSERT_DBL_EXACT(sg_iaf_expm1(-0.7), exp(-0.7) - 1.0);
}

static void test_iaf_psc_exp_propagators(void) {
  double p[SG_IAF_PSC_EXP_N_PARAMS];
  sg_iaf_psc_exp_coef c;
  sg_nest_iaf_defaults("iaf_psc_exp", p, SG_IAF_PSC_EXP_N_PARAMS);
  sg_iaf_psc_exp_prepare(p, NULL, 0.1, 100, &c);
  SG_ASSERT_DBL_EXACT(c.P22, 0x1.fae7cfd2b9cfep-1);
  SG_ASSERT_DBL_EXACT(c.P20, 0x1.a15718ba4cd71p-12);
  SG_ASSERT_DBL_EXACT(c.P11ex, 0x1.e7078b0a726a6p-1);
  SG_ASSERT_DBL_EXACT(c.P11in, 0x1.e7078b0a726a6p-1);
  SG_ASSERT_DBL_EXACT(c.P21ex, 0x1.970fbe1a31140p-12);
  SG_ASSERT_DBL_EXACT(c.P21in, 0x1.970fbe1a31140p-12);
  SG_ASSERT_DBL_EXACT(c.refr_steps, 20.0);
  CU_ASSERT_EQUAL(c.mode, SG_IAF_EXP_DETERMINISTIC);
  sg_iaf_psc_exp_prepare(p, NULL, 0.01, 10, &c);
  SG_ASSERT_DBL_EXACT(c.P22, 0x1.ff7cfe56f1a9ep-1);
  SG_ASSERT_DBL_EXACT(c.P20, 0x1.4f60691a76148p-15);
  SG_ASSERT_DBL_EXACT(c.P11ex, 0x1.fd7246927d28bp-1);
  SG_ASSERT_DBL_EXACT(c.P21ex, 0x1.4e8a1754cd8d3p-15);
  /* tau_syn == tau_m: the singular limit h/C_m exp(-h/tau_m) */
  p[SG_IAF_PSC_EXP_P_tau_syn_ex] = p[SG_IAF_PSC_EXP_P_tau_syn_in] = 10.0;
  sg_iaf_psc_exp_prepare(p, NULL, 0.1, 100, &c);
  SG_ASSERT_DBL_EXACT(c.P21ex, 0x1.9f41ca9b6c63ep-12);
  SG_ASSERT_DBL_EXACT(c.P21in, 0x1.9f41ca9b6c63ep-12);
  SG_ASSERT_DBL_EXACT(c.P11ex, 0x1.fae7cfd2b9cfep-1);
  sg_iaf_psc_exp_prepare(p, NULL, 0.01, 10, &c);
  SG_ASSERT_DBL_EXACT(c.P21ex, 0x1.4f357d507d9bdp-15);
  /* near-singular: NEST keeps the regular form (37 ulp from the limit) */
  SG_ASSERT_DBL_EXACT(sg_iaf_pvi(10.0 * (1.0 + 1e-12), 10.0, 250.0, 0.1), 0x1.9f41ca9b6c663p-12);
  SG_ASSERT_DBL_EXACT(sg_iaf_pvi(10.0003, 10.0, 250.0, 0.1), 0x1.9f41ceb06bacbp-12);
  /* threshold modes: NEST's delta < 1e-10 deterministic, > 1e-10 stochastic, == 1e-10 neither */
  p[SG_IAF_PSC_EXP_P_delta] = 1e-10;
  sg_iaf_psc_exp_prepare(p, NULL, 0.1, 100, &c);
  CU_ASSERT_EQUAL(c.mode, SG_IAF_EXP_NEVER);
  p[SG_IAF_PSC_EXP_P_delta] = 0.5;
  sg_iaf_psc_exp_prepare(p, NULL, 0.1, 100, &c);
  CU_ASSERT_EQUAL(c.mode, SG_IAF_EXP_STOCHASTIC);
}

static void test_iaf_psc_exp_dc(void) { sg_nest_iaf_check("iaf_psc_exp_dc", 1); }
static void test_iaf_psc_exp_kicks(void) { sg_nest_iaf_check("iaf_psc_exp_kicks", 0); }
static void test_iaf_psc_exp_singular(void) { sg_nest_iaf_check("iaf_psc_exp_singular", 0); }
static void test_iaf_psc_exp_nearsingular(void) { sg_nest_iaf_check("iaf_psc_exp_nearsingular", 0); }
static void test_iaf_psc_exp_sweep(void) { sg_nest_iaf_check("iaf_psc_exp_sweep", 0); }

#define OK(call) CU_ASSERT_EQUAL_FATAL((call), SG_OK)

/* A 100 pA step current on receptor 1 reaches V through the excitatory synapse:
 * I_syn_ex <- I_syn_ex P11ex + (1 - P11ex) i_1, with i_1 read at the end of the step before.
 * Sent from update 0 on (amplitude at time h) with delay h, it is read at the end of update 1. */
static void test_iaf_psc_exp_receptor1(void) {
  const double h = 0.1;
  sg_sim *sim = sg_test_cpu_sim(h, 1, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n, scg, mm;
  OK(sg_create(sim, "iaf_psc_exp", 1, &n));
  OK(sg_create(sim, "step_current_generator", 1, &scg));
  const double at[1] = {h}, av[1] = {100.0};
  OK(sg_set_vec(sim, scg, "amplitude_times", at, 1));
  OK(sg_set_vec(sim, scg, "amplitude_values", av, 1));
  OK(sg_nest_iaf_connect(sim, scg, n, 1.0, h, 1));
  CU_ASSERT_NOT_EQUAL(sg_nest_iaf_connect(sim, scg, n, 1.0, h, 2), SG_OK);
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", h));
  const char *vars[3] = {"I_syn_ex", "I_syn_in", "V_m"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 3));
  OK(sg_connect(sim, mm, n, NULL, NULL));
  OK(sg_simulate(sim, 30.0));
  double p[SG_IAF_PSC_EXP_N_PARAMS];
  sg_iaf_psc_exp_coef c;
  sg_nest_iaf_defaults("iaf_psc_exp", p, SG_IAF_PSC_EXP_N_PARAMS);
  sg_iaf_psc_exp_prepare(p, NULL, h, 100, &c);
  enum { N = 300 };
  double *got[3], t[N];
  uint64_t who[N];
  size_t n_got = 0;
  for (int q = 0; q < 3; ++q) {
    got[q] = malloc(N * sizeof(double));
    OK(sg_samples(sim, mm.first, vars[q], t, who, got[q], N, &n_got));
    CU_ASSERT_EQUAL(n_got, N);
  }
  double y = 0.0, I = 0.0, i1 = 0.0;
  long bad = 0;
  for (int k = 0; k < N && n_got == N; ++k) {
    y = y * c.P22 + I * c.P21ex + 0.0 * c.P21in + (c.I_e + 0.0) * c.P20;
    I = I * c.P11ex;
    I = I + (1.0 - c.P11ex) * i1;
    i1 = k >= 1 ? 100.0 : 0.0;
    bad += got[0][k] != I || got[1][k] != 0.0 || got[2][k] != y + -70.0;
  }
  CU_ASSERT_EQUAL(bad, 0);
  CU_ASSERT(got[0][1] == 0.0 && got[0][2] > 0.0);   /* the current reaches I_syn_ex at 0.3 ms */
  CU_ASSERT(fabs(I - 100.0) < 1e-3);               /* and settles at i_1 (e^-15 away) */
  for (int q = 0; q < 3; ++q) free(got[q]);
  sg_sim_free(sim);
}

/* Escape noise (delta > 0): with no input and V_reset = E_L, V stays at E_L, so each step fires
 * with p = rho exp(-(V_th - E_L)/delta) h 1e-3. As in NEST the test runs in every step, also
 * while refractory, so t_ref does not lower the count. delta = 1e-10 never fires. */
static long escape_count(double t_ref, double delta, double I_e, uint64_t n, double T) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 77, 2, NULL);
  if (!sim) return -1;
  sg_nodes x, sr;
  size_t cnt = 0;
  if (sg_create(sim, "iaf_psc_exp", n, &x) || sg_set(sim, x, "delta", delta) || sg_set(sim, x, "rho", 200.0) ||
      sg_set(sim, x, "t_ref", t_ref) || sg_set(sim, x, "I_e", I_e) || sg_create(sim, "spike_recorder", 1, &sr) ||
      sg_connect(sim, x, sr, NULL, NULL) || sg_simulate(sim, T) || sg_spikes(sim, sr.first, NULL, NULL, 0, &cnt)) {
    fprintf(stderr, "\n  escape_count: %s", sg_errmsg(sim));
    cnt = (size_t)-1;
  }
  sg_sim_free(sim);
  return (long)cnt;
}
static void test_iaf_psc_exp_escape_noise(void) {
  const uint64_t n = sg_test_quick() ? 200 : 1000;
  const double T = 100.0, p = 200.0 * exp(-15.0 / 5.0) * 0.1 * 1e-3;
  const double mean = (double)n * (T / 0.1) * p, sd = sqrt(mean * (1.0 - p));
  const long c0 = escape_count(0.0, 5.0, 0.0, n, T), c10 = escape_count(10.0, 5.0, 0.0, n, T);
  if (fabs((double)c0 - mean) > 5.0 * sd || fabs((double)c10 - mean) > 5.0 * sd)
    fprintf(stderr, "\n  escape noise: %ld and %ld spikes (t_ref 0, 10 ms), expected %.1f +- %.1f", c0, c10, mean, sd);
  CU_ASSERT(fabs((double)c0 - mean) <= 5.0 * sd);
  CU_ASSERT(fabs((double)c10 - mean) <= 5.0 * sd);
  CU_ASSERT_EQUAL(escape_count(2.0, 1e-10, 1000.0, 10, 20.0), 0);       /* NEST: neither mode */
  CU_ASSERT(escape_count(2.0, 0.0, 1000.0, 10, 20.0) > 10);             /* deterministic */
}

static void test_iaf_psc_exp_api(void) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 1, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n, sg, mm;
  double v = 0.0;
  OK(sg_create(sim, "iaf_psc_exp", 1, &n));
  OK(sg_get(sim, n.first, "rho", &v));
  SG_ASSERT_DBL_EXACT(v, 0.01);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "tau_syn_ex", 0.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "tau_syn_in", -2.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "rho", -1.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "delta", -1.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "V_reset", -50.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "C_m", -250.0), SG_OK);
  OK(sg_set(sim, n, "tau_syn_ex", 10.0));   /* == tau_m is allowed (singular propagator) */
  OK(sg_set(sim, n, "I_syn_ex", 5.0));
  OK(sg_get(sim, n.first, "I_syn_ex", &v));
  SG_ASSERT_DBL_EXACT(v, 5.0);
  OK(sg_create(sim, "spike_generator", 1, &sg));
  CU_ASSERT_NOT_EQUAL(sg_nest_iaf_connect(sim, sg, n, 1.0, 1.0, 1), SG_OK);   /* spikes: receptor 0 only */
  OK(sg_nest_iaf_connect(sim, sg, n, 1.0, 1.0, 0));
  OK(sg_nest_iaf_connect(sim, sg, n, -1.0, 1.0, 0));
  OK(sg_create(sim, "multimeter", 1, &mm));
  const char *vars[3] = {"I_syn_ex", "I_syn_in", "V_m"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 3));
  OK(sg_connect(sim, mm, n, NULL, NULL));
  sg_sim_free(sim);
}

/* A negative spike weight into a target that routes by sign would need NEST's per-event routing
 * (spike_weights[i] x weight); spikegpu routes per connection, so sg_simulate refuses it, names
 * the generator, the weight and the target, and runs once the weights are fixed. Positive
 * spike_weights on a negative connection (the same sign as the connection) are fine. */
static void test_iaf_psc_exp_negative_spike_weights(void) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 1, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n, g, g2, gl;
  CU_ASSERT_EQUAL_FATAL(sg_create(sim, "iaf_psc_exp", 2, &n), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_create(sim, "spike_generator", 1, &g), SG_OK);
  const double t[2] = {1.0, 2.0}, w_mixed[2] = {50.0, -50.0}, w_pos[2] = {50.0, 25.0};
  CU_ASSERT_EQUAL_FATAL(sg_set_vec(sim, g, "spike_times", t, 2), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_set_vec(sim, g, "spike_weights", w_mixed, 2), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_connect(sim, g, n, NULL, NULL), SG_OK);
  CU_ASSERT_EQUAL(sg_simulate(sim, 5.0), SG_ERR_ARG);
  const char *m = sg_errmsg(sim);
  CU_ASSERT(strstr(m, "spike_weights[1] = -50") && strstr(m, "iaf_psc_exp") && strstr(m, "second spike_generator"));
  CU_ASSERT_EQUAL(sg_steps(sim), 0);   /* nothing ran */
  CU_ASSERT_EQUAL_FATAL(sg_set_vec(sim, g, "spike_weights", w_pos, 2), SG_OK);
  CU_ASSERT_EQUAL(sg_simulate(sim, 5.0), SG_OK);
  double I = 0.0;
  CU_ASSERT_EQUAL(sg_get(sim, n.first, "I_syn_ex", &I), SG_OK);
  CU_ASSERT(I > 0.0);
  /* positive spike_weights on an inhibitory connection, and negative ones into gl_exp: fine */
  CU_ASSERT_EQUAL_FATAL(sg_create(sim, "spike_generator", 1, &g2), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_set_vec(sim, g2, "spike_times", t, 2), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_set_vec(sim, g2, "spike_weights", w_pos, 2), SG_OK);
  sg_syn_spec inh;
  sg_syn_spec_default(&inh);
  inh.weight = sg_scalar(-1.0);
  CU_ASSERT_EQUAL_FATAL(sg_connect(sim, g2, n, NULL, &inh), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_create(sim, "gl_exp", 1, &gl), SG_OK);
  sg_nodes g3;
  CU_ASSERT_EQUAL_FATAL(sg_create(sim, "spike_generator", 1, &g3), SG_OK);
  const double t3[2] = {11.0, 12.0};
  CU_ASSERT_EQUAL_FATAL(sg_set_vec(sim, g3, "spike_times", t3, 2), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_set_vec(sim, g3, "spike_weights", w_mixed, 2), SG_OK);
  CU_ASSERT_EQUAL_FATAL(sg_connect(sim, g3, gl, NULL, NULL), SG_OK);
  CU_ASSERT_EQUAL(sg_simulate(sim, 10.0), SG_OK);
  sg_sim_free(sim);
}

static CU_TestInfo tests[] = {
  {"NEST's expm1 series", test_iaf_psc_exp_expm1_series},
  {"propagators (regular, singular, near-singular) as NEST computes them", test_iaf_psc_exp_propagators},
  {"NEST dc + voltmeter, bit for bit", test_iaf_psc_exp_dc},
  {"NEST kicks", test_iaf_psc_exp_kicks},
  {"NEST singular tau_syn == tau_m", test_iaf_psc_exp_singular},
  {"NEST near-singular tau_syn", test_iaf_psc_exp_nearsingular},
  {"NEST parameter sweep (E_L -65.3, t_ref 2.31)", test_iaf_psc_exp_sweep},
  {"receptor 1 current i_1 through the excitatory synapse", test_iaf_psc_exp_receptor1},
  {"escape noise threshold (rho, delta)", test_iaf_psc_exp_escape_noise},
  {"parameters, state, receptors and recordables through the API", test_iaf_psc_exp_api},
  {"negative spike_weights into sign-routed synapses are refused", test_iaf_psc_exp_negative_spike_weights},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_iaf_psc_exp = {"iaf_psc_exp", NULL, tests};
