/* tests/nest_iaf_ref.h - the NEST 3.10 reference scenarios of iaf_psc_delta / _exp / _alpha
 * (tests/data/iaf_psc_*.csv, format in tests/data/README.md): each scenario's network is rebuilt
 * from the '#' header of its multimeter file alone, run on the cpu backend and compared with every
 * recorded value, every spike and every voltmeter sample. Shared by tests/test_iaf_psc_*.c; not a
 * suite (the Makefile links every tests/ C file into the runner).
 *
 * The rule for a value (docs/models.md §7.5): bit for bit, except after the first arrival of an
 * input whose weight spikegpu cannot store exactly (weights are float32, inputs Q31.32: the
 * kicks' 12.3 pA / 1.23 mV). From there on |got - NEST| <= E G + slack, where E = the sum over
 * those events of |stored weight - NEST's weight| x multiplicity, G = the largest effect of a unit
 * input on that variable (1 for V_m of iaf_psc_delta and for the currents, tau_syn/C_m for V_m of
 * iaf_psc_exp, e tau_syn/C_m for iaf_psc_alpha: the charge of the current's kernel over C_m, a
 * bound of its peak effect on V), and slack = 8 ulp of the variable's range x (1 + tau/h), the
 * rounding of two different trajectories through a system that forgets with time constant tau.
 * Spikes are always compared exactly. */
/* SPDX-License-Identifier: MIT */
#ifndef SG_TESTS_NEST_IAF_REF_H
#define SG_TESTS_NEST_IAF_REF_H

#include <stddef.h>

#include "spikegpu.h"

typedef struct sg_nest_iaf_result {
  int built;             /* the network was rebuilt and ran                                */
  long values;           /* recorded values compared (multimeter and voltmeter)            */
  long exact;            /* of them, compared bit for bit                                  */
  long bad;              /* values outside their rule (exact or tolerance)                 */
  long bad_status;       /* neuron parameters / defaults that differ from NEST's GetStatus */
  long spikes, spikes_ref;
  int spikes_same;
  long first_tol_step;   /* first sample compared with a tolerance (0: none)              */
  double max_dev;        /* largest |got - NEST| among the tolerance-compared values       */
  double max_dev_var[4]; /* the same per recordable, in the file's order                   */
  double max_ratio;      /* largest |got - NEST| / tolerance                               */
} sg_nest_iaf_result;

/* Runs tests/data/<base>.csv (e.g. "iaf_psc_exp_kicks_h0.1") with `threads` cpu threads.
 * Returns 0 when everything agrees by the rule above; details in *out. */
int sg_nest_iaf_run(const char *base, int threads, sg_nest_iaf_result *out);

/* CUnit: the scenario (e.g. "iaf_psc_exp_kicks") at h = 0.1 and 0.01, with 1 and 2 threads, must
 * agree; `expect_exact` additionally requires that every value was compared bit for bit.
 * SG_IAF_VERBOSE=1 prints one line per run. */
void sg_nest_iaf_check(const char *scenario, int expect_exact);

/* The small things the three test files share: p[k] = the default of parameter k of `model`
 * (table order, from sg_model_info; n values at most), and one connection with weight w, delay
 * d ms and a receptor. */
void sg_nest_iaf_defaults(const char *model, double *p, size_t n);
sg_status sg_nest_iaf_connect(sg_sim *sim, sg_nodes pre, sg_nodes post, double w, double d, int receptor);

#endif
