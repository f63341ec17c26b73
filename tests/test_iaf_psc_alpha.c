/* tests/test_iaf_psc_alpha.c - iaf_psc_alpha (include/sg/models/iaf_psc_alpha.h) against NEST 3.10:
 * the propagators, including NEST's P31 switch h > 1e-7 tau_m^2/|tau_m - tau_syn| and the singular
 * limits (hex values of docs/models.md §7.1), every reference scenario of
 * tests/data/iaf_psc_alpha_*.csv rebuilt from its header and compared value by value
 * (tests/nest_iaf_ref.c), the alpha current's shape, and the parameter API. */
/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nest_iaf_ref.h"
#include "sg_test.h"
#include "spikegpu.h"
#include "sg/models/iaf_psc_alpha.h"

static void test_iaf_psc_alpha_propagators(void) {
  double p[SG_IAF_PSC_ALPHA_N_PARAMS];
  sg_iaf_psc_alpha_coef c;
  sg_nest_iaf_defaults("iaf_psc_alpha", p, SG_IAF_PSC_ALPHA_N_PARAMS);
  sg_iaf_psc_alpha_prepare(p, NULL, 0.1, 100, &c);
  SG_ASSERT_DBL_EXACT(c.P30, 0x1.a15718ba4cd97p-12);   /* not iaf_psc_delta's ...cd71p-12 */
  SG_ASSERT_DBL_EXACT(c.expm1_tau_m, -0x1.460c0b518c09ep-7);
  SG_ASSERT_DBL_EXACT(c.P11ex, 0x1.e7078b0a726a6p-1);
  SG_ASSERT_DBL_EXACT(c.P22ex, 0x1.e7078b0a726a6p-1);
  SG_ASSERT_DBL_EXACT(c.P21ex, 0x1.859fa26ec1eecp-4);
  SG_ASSERT_DBL_EXACT(c.P31ex, 0x1.437a6f2bd6da0p-16);
  SG_ASSERT_DBL_EXACT(c.P32ex, 0x1.970fbe1a31140p-12);
  SG_ASSERT_DBL_EXACT(c.P31in, 0x1.437a6f2bd6da0p-16);
  SG_ASSERT_DBL_EXACT(c.EPSC0, 0x1.5bf0a8b145769p+0);
  SG_ASSERT_DBL_EXACT(c.IPSC0, 0x1.5bf0a8b145769p+0);
  SG_ASSERT_DBL_EXACT(c.V_min, -INFINITY);
  SG_ASSERT_DBL_EXACT(c.refr_steps, 20.0);
  sg_iaf_psc_alpha_prepare(p, NULL, 0.01, 10, &c);
  SG_ASSERT_DBL_EXACT(c.P30, 0x1.4f60691a761f8p-15);
  SG_ASSERT_DBL_EXACT(c.expm1_tau_m, -0x1.0603521cac48ap-10);
  SG_ASSERT_DBL_EXACT(c.P11ex, 0x1.fd7246927d28bp-1);
  SG_ASSERT_DBL_EXACT(c.P21ex, 0x1.460bb24945dcap-7);
  SG_ASSERT_DBL_EXACT(c.P31ex, 0x1.abeccba0f3cf2p-23);
  SG_ASSERT_DBL_EXACT(c.P32ex, 0x1.4e8a1754cd8d3p-15);
  /* tau_syn_ex == tau_m: singular P31 and P32; tau_syn_in = 10.0003: regular P31 at h = 0.1,
   * singular at h = 0.01 (h_min_regular = 0.0333 ms) */
  p[SG_IAF_PSC_ALPHA_P_tau_syn_ex] = 10.0;
  p[SG_IAF_PSC_ALPHA_P_tau_syn_in] = 10.0003;
  sg_iaf_psc_alpha_prepare(p, NULL, 0.1, 100, &c);
  SG_ASSERT_DBL_EXACT(c.P31ex, 0x1.4c34a215f04ffp-16);
  SG_ASSERT_DBL_EXACT(c.P32ex, 0x1.9f41ca9b6c63ep-12);
  SG_ASSERT_DBL_EXACT(c.P31in, 0x1.4c34a6781f05bp-16);
  SG_ASSERT_DBL_EXACT(c.P32in, 0x1.9f41ceb06bacbp-12);
  SG_ASSERT_DBL_EXACT(c.EPSC0, 0x1.165a208dd12bap-2);
  sg_iaf_psc_alpha_prepare(p, NULL, 0.01, 10, &c);
  SG_ASSERT_DBL_EXACT(c.P31ex, 0x1.ad11443e116b5p-23);
  SG_ASSERT_DBL_EXACT(c.P32ex, 0x1.4f357d507d9bdp-15);
  SG_ASSERT_DBL_EXACT(c.P31in, 0x1.ad11443e116b5p-23);
  SG_ASSERT_DBL_EXACT(c.P32in, 0x1.4f357da4d8a1ep-15);
  /* tau_syn = 10 (1 + 1e-12): singular P31 (h_min ~ 1e6 ms) but regular P32 */
  p[SG_IAF_PSC_ALPHA_P_tau_syn_ex] = 10.0 * (1.0 + 1e-12);
  sg_iaf_psc_alpha_prepare(p, NULL, 0.1, 100, &c);
  SG_ASSERT_DBL_EXACT(c.P31ex, 0x1.4c34a215f04ffp-16);
  SG_ASSERT_DBL_EXACT(c.P32ex, 0x1.9f41ca9b6c663p-12);
}

static void test_iaf_psc_alpha_dc(void) { sg_nest_iaf_check("iaf_psc_alpha_dc", 1); }
static void test_iaf_psc_alpha_kicks(void) { sg_nest_iaf_check("iaf_psc_alpha_kicks", 0); }
static void test_iaf_psc_alpha_singular(void) { sg_nest_iaf_check("iaf_psc_alpha_singular", 0); }
static void test_iaf_psc_alpha_nearsingular(void) { sg_nest_iaf_check("iaf_psc_alpha_nearsingular", 0); }
static void test_iaf_psc_alpha_sweep(void) { sg_nest_iaf_check("iaf_psc_alpha_sweep", 0); }

#define OK(call) CU_ASSERT_EQUAL_FATAL((call), SG_OK)

/* One spike of w = 87.5 pA: I_syn_ex is an alpha function that peaks near w at t = tau_syn_ex
 * after its arrival; w = -60.25 goes to I_syn_in. Delay 1 ms, spike at 2 ms: dI jumps in the
 * update ending at 3.0 ms, I_syn and V_m move from 3.1 ms. */
static void test_iaf_psc_alpha_shape(void) {
  const double h = 0.1;
  sg_sim *sim = sg_test_cpu_sim(h, 1, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n, e, in, mm;
  OK(sg_create(sim, "iaf_psc_alpha", 1, &n));
  OK(sg_create(sim, "spike_generator", 1, &e));
  OK(sg_create(sim, "spike_generator", 1, &in));
  const double t2[1] = {2.0};
  OK(sg_set_vec(sim, e, "spike_times", t2, 1));
  OK(sg_set_vec(sim, in, "spike_times", t2, 1));
  OK(sg_nest_iaf_connect(sim, e, n, 87.5, 1.0, 0));
  OK(sg_nest_iaf_connect(sim, in, n, -60.25, 2.0, 0));
  OK(sg_create(sim, "multimeter", 1, &mm));
  OK(sg_set(sim, mm, "interval", h));
  const char *vars[3] = {"I_syn_ex", "I_syn_in", "V_m"};
  OK(sg_set_strs(sim, mm, "record_from", vars, 3));
  OK(sg_connect(sim, mm, n, NULL, NULL));
  OK(sg_simulate(sim, 20.0));
  enum { N = 200 };
  double v[3][N], t[N];
  uint64_t who[N];
  size_t got = 0;
  for (int q = 0; q < 3; ++q) {
    OK(sg_samples(sim, mm.first, vars[q], t, who, v[q], N, &got));
    CU_ASSERT_EQUAL_FATAL(got, N);
  }
  size_t peak = 0, low = 0;
  for (size_t k = 0; k < N; ++k) {
    if (v[0][k] > v[0][peak]) peak = k;
    if (v[1][k] < v[1][low]) low = k;
  }
  CU_ASSERT(v[0][29] == 0.0 && v[0][30] > 0.0);       /* first I_syn_ex at 3.1 ms (step 31) */
  SG_ASSERT_DBL_EXACT(v[2][29], -70.0);
  CU_ASSERT(v[2][30] > -70.0);
  CU_ASSERT_EQUAL(peak, 49);                         /* 3.0 + tau_syn_ex = 5.0 ms (step 50) */
  CU_ASSERT_DOUBLE_EQUAL(v[0][peak], 87.5, 1e-9);
  CU_ASSERT_EQUAL(low, 59);                          /* inhibitory: 4.0 + 2.0 = 6.0 ms */
  CU_ASSERT_DOUBLE_EQUAL(v[1][low], -60.25, 1e-9);
  sg_sim_free(sim);
}

static void test_iaf_psc_alpha_api(void) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 1, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n, scg;
  double v = 0.0;
  OK(sg_create(sim, "iaf_psc_alpha", 1, &n));
  OK(sg_get(sim, n.first, "V_min", &v));
  SG_ASSERT_DBL_EXACT(v, -INFINITY);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "tau_syn_in", 0.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "tau_m", 0.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "V_th", -80.0), SG_OK);
  OK(sg_set(sim, n, "V_min", -80.0));
  OK(sg_get(sim, n.first, "V_min", &v));
  SG_ASSERT_DBL_EXACT(v, -80.0);
  OK(sg_create(sim, "step_current_generator", 1, &scg));
  CU_ASSERT_NOT_EQUAL(sg_nest_iaf_connect(sim, scg, n, 1.0, 1.0, 1), SG_OK);   /* currents: receptor 0 only */
  OK(sg_nest_iaf_connect(sim, scg, n, 1.0, 1.0, 0));
  sg_sim_free(sim);
}

static CU_TestInfo tests[] = {
  {"propagators (regular, singular, near-singular P31 switch) as NEST computes them", test_iaf_psc_alpha_propagators},
  {"NEST dc + voltmeter, bit for bit", test_iaf_psc_alpha_dc},
  {"NEST kicks", test_iaf_psc_alpha_kicks},
  {"NEST singular tau_syn_ex == tau_m", test_iaf_psc_alpha_singular},
  {"NEST near-singular tau_syn", test_iaf_psc_alpha_nearsingular},
  {"NEST parameter sweep (E_L -65.3, V_min reached)", test_iaf_psc_alpha_sweep},
  {"alpha currents: timing, peak and sign routing", test_iaf_psc_alpha_shape},
  {"parameters, receptors through the API", test_iaf_psc_alpha_api},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_iaf_psc_alpha = {"iaf_psc_alpha", NULL, tests};
