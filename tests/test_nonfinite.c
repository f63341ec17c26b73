/* tests/test_nonfinite.c - a neuron whose state becomes non-finite stops the run with an error
 * (SG_STEP_NONFINITE, sg_i_nonfinite_error), on the cpu backend (1 and 2 threads) and, where a
 * device or the CUDA emulation is there, on the cuda backend (the cuda_equiv suite calls
 * sg_test_nonfinite_case, so that case counts only where a device runs it): the message names the node, its
 * model and population, the time and its parameters; what was recorded before is kept; the
 * simulation refuses to go on. Before this check such a glif_cond neuron (C_m = 1e-7 pF) fell
 * silent while sg_simulate returned success. */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_test.h"
#include "spikegpu.h"

#define OKC(call)                                                                                        \
  do {                                                                                                   \
    const sg_status st_ = (call);                                                                        \
    if (st_ != SG_OK) fprintf(stderr, "\n  %s: %s: %s\n", #call, sg_status_str(st_), sg_errmsg(sim));    \
    CU_ASSERT_FATAL(st_ == SG_OK);                                                                       \
  } while (0)

/* 20 healthy glif_cond neurons driven to spike, then node 27 (of a second population, "bad")
 * with C_m = 1e-7 pF, whose integration blows up when its input arrives (sent at 5 ms, delay 1 ms). */
void sg_test_nonfinite_case(sg_backend backend, int threads);
void sg_test_nonfinite_case(sg_backend backend, int threads) {
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.backend = backend;
  cfg.threads = threads;
  cfg.verbose = 0;
  cfg.flush_interval_ms = 1.0;
  sg_sim *sim = NULL;
  char err[512];
  CU_ASSERT_FATAL(sg_sim_new(&cfg, &sim, err, sizeof err) == SG_OK);
  sg_nodes good, bad, sg, pg, sr;
  sg_syn_spec s;
  sg_syn_spec_default(&s);
  s.weight = sg_scalar(5.0);
  s.receptor_type = 1;
  OKC(sg_create(sim, "glif_cond", 20, &good));
  OKC(sg_create(sim, "poisson_generator", 1, &pg));
  OKC(sg_set(sim, pg, "rate", 20000.0));
  OKC(sg_connect(sim, pg, good, NULL, &s));
  OKC(sg_create_named(sim, "glif_cond", 10, "bad", &bad));
  OKC(sg_set(sim, sg_slice(bad, 5, 1), "C_m", 1e-7));
  OKC(sg_create(sim, "spike_generator", 1, &sg));
  const double times[] = {5.0};
  OKC(sg_set_vec(sim, sg, "spike_times", times, 1));
  OKC(sg_connect(sim, sg, bad, NULL, &s));
  OKC(sg_create(sim, "spike_recorder", 1, &sr));
  OKC(sg_connect(sim, good, sr, NULL, NULL));
  OKC(sg_simulate(sim, 4.0));   /* before the input: fine */
  const sg_status st = sg_simulate(sim, 40.0);
  const char *msg = sg_errmsg(sim);
  if (st != SG_ERR_OVERFLOW) fprintf(stderr, "\n  [%s] expected SG_ERR_OVERFLOW, got %s: %s\n", sg_backend_used(sim), sg_status_str(st), msg);
  CU_ASSERT_EQUAL(st, SG_ERR_OVERFLOW);
  if (!strstr(msg, "from t = 6 ms to 6.1 ms")) fprintf(stderr, "\n  [%s] %s\n", sg_backend_used(sim), msg);
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "node 27 (glif_cond bad)"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "non-finite"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "C_m = 9.9999999999999995e-08"));
  CU_ASSERT_PTR_NOT_NULL(strstr(msg, "from t = 6 ms to 6.1 ms"));
  /* the run stopped at or before the failing step, and what was recorded before it is kept */
  CU_ASSERT(sg_time(sim) >= 4.0 && sg_time(sim) <= 6.1 + 1e-9);
  size_t n = 0;
  OKC(sg_spikes(sim, sr.first, NULL, NULL, 0, &n));
  CU_ASSERT(n > 0);
  CU_ASSERT_EQUAL(sg_simulate(sim, 1.0), SG_ERR_STATE);
  CU_ASSERT_PTR_NOT_NULL(strstr(sg_errmsg(sim), "non-finite"));
  sg_sim_free(sim);
}

static void test_nonfinite_cpu(void) {
  sg_test_nonfinite_case(SG_BACKEND_CPU, 1);
  sg_test_nonfinite_case(SG_BACKEND_CPU, 2);
}

static CU_TestInfo tests[] = {
  {"a non-finite glif_cond state stops the cpu run with an error naming the node", test_nonfinite_cpu},
  CU_TEST_INFO_NULL,
};

const sg_test_suite sg_suite_nonfinite = {"nonfinite", NULL, tests};
