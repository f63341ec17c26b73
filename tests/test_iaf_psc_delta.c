/* tests/test_iaf_psc_delta.c - iaf_psc_delta (include/sg/models/iaf_psc_delta.h) against NEST 3.10:
 * the propagators and refractory step counts as NEST computes them (hex values of
 * docs/models.md §7.1), every reference scenario of tests/data/iaf_psc_delta_*.csv rebuilt from
 * its header and compared value by value (tests/nest_iaf_ref.c), and the parameter API (NEST's
 * defaults and refusals, absolute V_m with the E_L bookkeeping, receptors, recordables). */
/* SPDX-License-Identifier: MIT */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "nest_iaf_ref.h"
#include "sg_test.h"
#include "spikegpu.h"
#include "sg/models/iaf_psc_delta.h"

static void test_iaf_psc_delta_propagators(void) {
  double p[SG_IAF_PSC_DELTA_N_PARAMS];
  sg_iaf_psc_delta_coef c;
  sg_nest_iaf_defaults("iaf_psc_delta", p, SG_IAF_PSC_DELTA_N_PARAMS);
  sg_iaf_psc_delta_prepare(p, NULL, 0.1, 100, &c);
  SG_ASSERT_DBL_EXACT(c.P33, 0x1.fae7cfd2b9cfep-1);
  SG_ASSERT_DBL_EXACT(c.P30, 0x1.a15718ba4cd71p-12);   /* not -tau_m/C_m expm1(-h/tau_m) */
  SG_ASSERT_DBL_EXACT(c.refr_steps, 20.0);
  SG_ASSERT_DBL_EXACT(c.Theta, 15.0);
  SG_ASSERT_DBL_EXACT(c.V_reset, 0.0);
  SG_ASSERT_DBL_EXACT(c.V_min, -DBL_MAX);
  sg_iaf_psc_delta_prepare(p, NULL, 0.01, 10, &c);
  SG_ASSERT_DBL_EXACT(c.P33, 0x1.ff7cfe56f1a9ep-1);
  SG_ASSERT_DBL_EXACT(c.P30, 0x1.4f60691a76148p-15);
  SG_ASSERT_DBL_EXACT(c.refr_steps, 200.0);
  /* t_ref to tics (nearest), then UP to whole steps: NEST's measured counts */
  const double tref[8] = {2.3, 2.3004, 2.3005, 2.31, 2.35, 2.399, 2.3504, 2.3541};
  const double h[8] = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01};
  const double R[8] = {23, 23, 24, 24, 24, 24, 235, 236};
  for (int k = 0; k < 8; ++k) {
    p[SG_IAF_P_t_ref] = tref[k];
    sg_iaf_psc_delta_prepare(p, NULL, h[k], h[k] == 0.1 ? 100 : 10, &c);
    if (c.refr_steps != R[k]) fprintf(stderr, "\n  t_ref %g at h %g: %g steps, NEST %g", tref[k], h[k], c.refr_steps, R[k]);
    CU_ASSERT_EQUAL(c.refr_steps, R[k]);
  }
}

/* The refractory_input discount exp(-r h/tau_m) is sg_exp in the step (no libm there); NEST calls
 * glibc's exp. For the defaults (r = 1 ... R at h = 0.1 and 0.01) the two agree bit for bit. */
static void test_iaf_psc_delta_discount(void) {
  long differ = 0;
  for (int q = 0; q < 2; ++q) {
    const double h = q ? 0.01 : 0.1, R = q ? 200.0 : 20.0;
    for (double r = 1.0; r <= R; r += 1.0) {
      const double x = -r * h / 10.0;
      if (sg_exp(x) != exp(x)) ++differ;
    }
  }
  CU_ASSERT_EQUAL(differ, 0);
}

static void test_iaf_psc_delta_dc(void) { sg_nest_iaf_check("iaf_psc_delta_dc", 1); }
static void test_iaf_psc_delta_kicks(void) { sg_nest_iaf_check("iaf_psc_delta_kicks", 0); }
static void test_iaf_psc_delta_kicks_refrin(void) { sg_nest_iaf_check("iaf_psc_delta_kicks_refrin", 0); }
static void test_iaf_psc_delta_sweep(void) { sg_nest_iaf_check("iaf_psc_delta_sweep", 0); }

#define OK(call) CU_ASSERT_EQUAL_FATAL((call), SG_OK)

static void test_iaf_psc_delta_api(void) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 1, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n, sg, scg, mm;
  double v = 0.0;
  OK(sg_create(sim, "iaf_psc_delta", 2, &n));
  OK(sg_get(sim, n.first, "V_m", &v));
  SG_ASSERT_DBL_EXACT(v, -70.0);
  OK(sg_get(sim, n.first, "V_min", &v));
  SG_ASSERT_DBL_EXACT(v, -DBL_MAX);
  /* NEST's refusals; a refused value changes nothing */
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "V_reset", -55.0), SG_OK);   /* must be < V_th */
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "V_th", -71.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "C_m", 0.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "tau_m", -1.0), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "t_ref", -0.1), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "t_ref", 1e13), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "refractory_input", 0.5), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_set(sim, n, "V_min", NAN), SG_OK);
  OK(sg_get(sim, n.first, "V_reset", &v));
  SG_ASSERT_DBL_EXACT(v, -70.0);
  OK(sg_set(sim, n, "t_ref", 0.0));
  OK(sg_set(sim, n, "V_min", -INFINITY));
  /* E_L alone: V_m keeps its absolute value as NEST computes it (y - dE_L, + E_L); V_th and
   * V_reset are stored absolute */
  OK(sg_set(sim, n, "E_L", -65.3));
  OK(sg_get(sim, n.first, "V_m", &v));
  SG_ASSERT_DBL_EXACT(v, (0.0 - (-65.3 - -70.0)) + -65.3);
  OK(sg_get(sim, n.first, "V_th", &v));
  SG_ASSERT_DBL_EXACT(v, -55.0);
  OK(sg_set(sim, n, "V_m", -60.0));
  OK(sg_get(sim, n.first + 1, "V_m", &v));
  SG_ASSERT_DBL_EXACT(v, -60.0);
  /* receptor 0 only, for spikes and currents */
  OK(sg_create(sim, "spike_generator", 1, &sg));
  OK(sg_create(sim, "step_current_generator", 1, &scg));
  CU_ASSERT_NOT_EQUAL(sg_nest_iaf_connect(sim, sg, n, 1.0, 1.0, 1), SG_OK);
  CU_ASSERT_NOT_EQUAL(sg_nest_iaf_connect(sim, scg, n, 1.0, 1.0, 1), SG_OK);
  OK(sg_nest_iaf_connect(sim, sg, n, -1.0, 1.0, 0));
  OK(sg_nest_iaf_connect(sim, scg, n, 1.0, 1.0, 0));
  /* the recordable is V_m (absolute) */
  OK(sg_create(sim, "multimeter", 1, &mm));
  const char *bad[1] = {"I_syn_ex"};
  OK(sg_set_strs(sim, mm, "record_from", bad, 1));
  CU_ASSERT_NOT_EQUAL(sg_connect(sim, mm, n, NULL, NULL), SG_OK);
  sg_sim_free(sim);
}

static CU_TestInfo tests[] = {
  {"propagators and refractory steps as NEST computes them", test_iaf_psc_delta_propagators},
  {"refractory_input discount: sg_exp == glibc exp at the defaults", test_iaf_psc_delta_discount},
  {"NEST dc + voltmeter, bit for bit", test_iaf_psc_delta_dc},
  {"NEST kicks", test_iaf_psc_delta_kicks},
  {"NEST kicks with refractory_input", test_iaf_psc_delta_kicks_refrin},
  {"NEST parameter sweep (E_L -65.3, V_min reached)", test_iaf_psc_delta_sweep},
  {"parameters, state, receptors and recordables through the API", test_iaf_psc_delta_api},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_iaf_psc_delta = {"iaf_psc_delta", NULL, tests};
