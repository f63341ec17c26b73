/* tests/test_create.c - what a front end needs around sg_create (suite "create"): sg_create_undo
 * (a population whose parameters were refused goes again and leaves nothing behind: the network
 * built afterwards is bit for bit the one built without it) and the recordables of a model and of
 * a node (sg_model_recordables, sg_node_recordables: the names a multimeter's record_from takes,
 * glif_cond's g_1 .. g_n following len(tau_syn)). Issue 21, item 4. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "spikegpu.h"

#define OK(call) CU_ASSERT_EQUAL_FATAL((call), SG_OK)

/* A small gl_exp network with one extra population made (and undone, or not) in the middle;
 * returns its spike count and fills times/senders (cap 4096). */
static size_t run_net(int with_undone, double *times, uint64_t *senders) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 11, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes n, pg, sr, extra;
  OK(sg_create(sim, "gl_exp", 40, &n));
  OK(sg_set(sim, n, "I_e", 400.0));
  if (with_undone) {
    OK(sg_create(sim, "gl_exp", 1000, &extra));
    CU_ASSERT_EQUAL(sg_set(sim, extra, "C_m", -1.0), SG_ERR_ARG);   /* the refused parameter */
    OK(sg_create_undo(sim, extra));
  }
  OK(sg_create(sim, "poisson_generator", 1, &pg));
  OK(sg_set(sim, pg, "rate", 3000.0));
  OK(sg_create(sim, "spike_recorder", 1, &sr));
  CU_ASSERT_EQUAL(pg.first, 41);                                    /* the ids are given out again */
  sg_conn_spec c;
  sg_conn_spec_default(&c);
  c.rule = "fixed_indegree";
  c.indegree = 5;
  OK(sg_connect(sim, n, n, &c, NULL));
  OK(sg_connect(sim, pg, n, NULL, NULL));
  OK(sg_connect(sim, n, sr, NULL, NULL));
  OK(sg_simulate(sim, 200.0));
  sg_memory mem;
  OK(sg_memory_report(sim, &mem));
  CU_ASSERT_EQUAL(mem.n_nodes, 42);
  size_t k = 0;
  OK(sg_spikes(sim, sr.first, times, senders, 4096, &k));
  sg_sim_free(sim);
  return k;
}

static void test_create_undo_leaves_nothing(void) {
  static double t0[4096], t1[4096];
  static uint64_t s0[4096], s1[4096];
  const size_t k0 = run_net(0, t0, s0), k1 = run_net(1, t1, s1);
  CU_ASSERT(k0 > 0 && k0 <= 4096);
  CU_ASSERT_EQUAL_FATAL(k0, k1);
  CU_ASSERT(memcmp(t0, t1, k0 * sizeof *t0) == 0);
  CU_ASSERT(memcmp(s0, s1, k0 * sizeof *s0) == 0);
}

static void expect(sg_sim *sim, sg_status got, sg_status want, const char *word) {
  CU_ASSERT_EQUAL(got, want);
  if (!strstr(sg_errmsg(sim), word)) fprintf(stderr, "\n  '%s' not in: %s\n", word, sg_errmsg(sim));
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), word));
}

static void test_create_undo_refusals(void) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 1, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  const sg_nodes none = {1, 3, NULL};
  expect(sim, sg_create_undo(sim, none), SG_ERR_ARG, "no population exists");
  sg_nodes a, b, sr;
  OK(sg_create(sim, "gl_exp", 3, &a));
  OK(sg_create(sim, "gl_exp", 2, &b));
  expect(sim, sg_create_undo(sim, a), SG_ERR_ARG, "only the last population");
  expect(sim, sg_create_undo(sim, sg_slice(b, 0, 1)), SG_ERR_ARG, "gl_exp_4 (nodes 4..5)");
  OK(sg_connect(sim, b, a, NULL, NULL));                 /* b as a source only */
  expect(sim, sg_create_undo(sim, b), SG_ERR_STATE, "has connections");
  OK(sg_create(sim, "spike_recorder", 1, &sr));
  OK(sg_create_undo(sim, sr));                           /* unconnected: fine */
  OK(sg_create(sim, "spike_recorder", 1, &sr));
  CU_ASSERT_EQUAL(sr.first, 6);
  OK(sg_simulate(sim, 1.0));
  expect(sim, sg_create_undo(sim, sr), SG_ERR_STATE, "has been simulated");
  sg_nodes c;
  OK(sg_create(sim, "gl_exp", 2, &c));                   /* created after the run: may go again */
  OK(sg_create_undo(sim, c));
  OK(sg_simulate(sim, 1.0));
  sg_memory mem;
  OK(sg_memory_report(sim, &mem));
  CU_ASSERT_EQUAL(mem.n_nodes, 6);
  CU_ASSERT_EQUAL(sg_create_undo(NULL, c), SG_ERR_ARG);
  sg_sim_free(sim);
}

/* ---- recordables ------------------------------------------------------------------------- */
static void test_create_model_recordables(void) {
  char buf[256];
  size_t len = 0;
  OK(sg_model_recordables("glif_cond", NULL, 0, &len));
  const char *glif = "ASCurrents_sum,I,V_m,g_1,g_2,threshold,threshold_spike,threshold_voltage";
  CU_ASSERT_EQUAL(len, strlen(glif));
  OK(sg_model_recordables("glif_cond", buf, sizeof buf, &len));
  CU_ASSERT_STRING_EQUAL(buf, glif);
  OK(sg_model_recordables("gl_exp", buf, sizeof buf, NULL));
  CU_ASSERT_STRING_EQUAL(buf, "V_m,refr_tick,I_stim");           /* the state rows */
  OK(sg_model_recordables("parrot_neuron", buf, sizeof buf, &len));
  CU_ASSERT_STRING_EQUAL(buf, "");
  CU_ASSERT_EQUAL(len, 0);
  OK(sg_model_recordables("spike_generator", buf, sizeof buf, &len));
  CU_ASSERT_EQUAL(len, 0);
  /* never cut: a too small buffer is refused and left empty */
  strcpy(buf, "x");
  CU_ASSERT_EQUAL(sg_model_recordables("glif_cond", buf, strlen(glif), &len), SG_ERR_ARG);
  CU_ASSERT_STRING_EQUAL(buf, "");
  CU_ASSERT_EQUAL(len, strlen(glif));
  OK(sg_model_recordables("glif_cond", buf, strlen(glif) + 1, &len));
  CU_ASSERT_STRING_EQUAL(buf, glif);
  CU_ASSERT_EQUAL(sg_model_recordables("glif_cond", NULL, 8, &len), SG_ERR_ARG);
  CU_ASSERT_EQUAL(sg_model_recordables("no_such_model", buf, sizeof buf, &len), SG_ERR_UNKNOWN);
  CU_ASSERT_EQUAL(sg_model_recordables(NULL, buf, sizeof buf, &len), SG_ERR_UNKNOWN);
}

static void test_create_node_recordables(void) {
  sg_sim *sim = sg_test_cpu_sim(0.1, 1, 1, NULL);
  CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
  sg_nodes g, mm;
  OK(sg_create(sim, "glif_cond", 2, &g));
  const double tau[] = {0.2, 2.0, 5.0}, E[] = {0.0, -85.0, -70.0};
  const char *names[] = {"tau_syn", "E_rev"};
  const double *vals[] = {tau, E};
  const size_t lens[] = {3, 3};
  OK(sg_set_vecs(sim, g, 2, names, vals, lens));
  char buf[256];
  size_t len = 0;
  OK(sg_node_recordables(sim, g.first + 1, buf, sizeof buf, &len));
  CU_ASSERT_STRING_EQUAL(buf, "ASCurrents_sum,I,V_m,g_1,g_2,g_3,threshold,threshold_spike,threshold_voltage");
  CU_ASSERT_EQUAL(len, strlen(buf));
  /* every name it lists is recordable: a multimeter takes them all */
  OK(sg_create(sim, "multimeter", 1, &mm));
  const char *rf[] = {"g_3", "V_m"};
  OK(sg_set_strs(sim, mm, "record_from", rf, 2));
  OK(sg_connect(sim, mm, g, NULL, NULL));
  OK(sg_simulate(sim, 1.0));
  OK(sg_node_recordables(sim, mm.first, buf, sizeof buf, &len));
  CU_ASSERT_STRING_EQUAL(buf, "");
  expect(sim, sg_node_recordables(sim, 99, buf, sizeof buf, &len), SG_ERR_ARG, "node id 99 out of range");
  expect(sim, sg_node_recordables(sim, 1, buf, 4, &len), SG_ERR_ARG, "cap = 4 bytes");
  expect(sim, sg_node_recordables(sim, 1, NULL, 4, &len), SG_ERR_ARG, "buf is NULL");
  CU_ASSERT_EQUAL(sg_node_recordables(NULL, 1, buf, sizeof buf, &len), SG_ERR_ARG);
  sg_sim_free(sim);
}

static CU_TestInfo tests[] = {
  {"sg_create_undo: the network afterwards is the one never given it", test_create_undo_leaves_nothing},
  {"sg_create_undo: only the last, unconnected, unsimulated population", test_create_undo_refusals},
  {"sg_model_recordables: NEST's names, never cut", test_create_model_recordables},
  {"sg_node_recordables: g_1..g_n follow len(tau_syn)", test_create_node_recordables},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_create = {"create", NULL, tests};
