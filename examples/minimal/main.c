/* examples/minimal - create -> connect -> simulate -> read spikes, the README's walk-through.
 *   build/examples/minimal        prints the number of spikes and the first one */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include "spikegpu.h"

int main(void) {
  sg_config cfg;
  sg_config_default(&cfg);               /* h = 0.1 ms, backend auto, seed 143202461 */
  cfg.output_dir = "build/minimal";      /* SONATA files; NULL = memory only */
  cfg.overwrite_files = 1;               /* replace the files of an earlier run (default: refuse) */
  sg_sim *sim;
  char err[256];
  if (sg_sim_new(&cfg, &sim, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }

  sg_nodes nrn, pg, sr;                  /* create */
  sg_create(sim, "gl_exp", 100, &nrn);
  sg_set(sim, nrn, "I_e", 200.0);
  sg_create(sim, "poisson_generator", 1, &pg);
  sg_set(sim, pg, "rate", 2000.0);
  sg_create(sim, "spike_recorder", 1, &sr);

  sg_conn_spec conn;                     /* connect */
  sg_conn_spec_default(&conn);
  conn.rule = "fixed_indegree";
  conn.indegree = 10;
  sg_syn_spec syn;
  sg_syn_spec_default(&syn);
  syn.weight = sg_random_normal(0.5, 0.1);   /* mV per spike for gl_exp */
  syn.delay = sg_scalar(1.5);
  if (sg_connect(sim, nrn, nrn, &conn, &syn)) { fprintf(stderr, "%s\n", sg_errmsg(sim)); return 1; }
  sg_connect(sim, pg, nrn, NULL, NULL);      /* all_to_all, weight 1, delay 1 ms */
  sg_connect(sim, nrn, sr, NULL, NULL);

  sg_simulate(sim, 1000.0);              /* simulate (may be called again to continue) */

  size_t n;                              /* read spikes */
  sg_spikes(sim, sr.first, NULL, NULL, 0, &n);
  double *t = malloc((n + 1) * sizeof *t);
  uint64_t *id = malloc((n + 1) * sizeof *id);
  sg_spikes(sim, sr.first, t, id, n, &n);
  printf("%zu spikes, first at %.1f ms from neuron %llu\n", n, n ? t[0] : 0.0, n ? (unsigned long long)id[0] : 0ull);
  free(t); free(id);
  sg_sim_free(sim);
  return 0;
}
