/* tests/sg_specs.h - the connection and synapse specs the tests and checks build over and over,
 * and the fatal status check of the CUnit tests (sg_test.h includes this; the stand-alone checks
 * tests/oom_check.c and tests/mpi/ranks_check.c include it alone). */
/* SPDX-License-Identifier: MIT */
#ifndef SG_SPECS_H
#define SG_SPECS_H

#include <stdint.h>

#include "spikegpu.h"

/* sg_syn_spec_default with weight w, delay d (ms) and receptor r */
static inline sg_syn_spec sg_test_syn(sg_value w, sg_value d, int r) {
  sg_syn_spec s;
  sg_syn_spec_default(&s);
  s.weight = w;
  s.delay = d;
  s.receptor_type = r;
  return s;
}

/* the same with scalar weight and delay */
static inline sg_syn_spec sg_test_syn_scalar(double w, double d, int r) { return sg_test_syn(sg_scalar(w), sg_scalar(d), r); }

/* sg_conn_spec_default with the rule and, for the degree rules, in- and out-degree */
static inline sg_conn_spec sg_test_rule(const char *rule, uint64_t degree) {
  sg_conn_spec c;
  sg_conn_spec_default(&c);
  c.rule = rule;
  c.indegree = c.outdegree = degree;
  return c;
}

/* CUnit tests: `call` must return SG_OK; otherwise the call, its status and the message of sim S
 * are printed and the test ends (fatal assertion). */
#define SG_TEST_OK(S, call)                                                                          \
  do {                                                                                               \
    const sg_status st_ = (call);                                                                    \
    if (st_ != SG_OK)                                                                                \
      fprintf(stderr, "\n  %s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #call, sg_status_str(st_), sg_errmsg(S)); \
    CU_ASSERT_FATAL(st_ == SG_OK);                                                                   \
  } while (0)

#endif
