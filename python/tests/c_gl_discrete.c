/* python/tests/c_gl_discrete.c - the C twin of the gl_discrete network in test_gl_discrete.py.
 * Compiled and run by that test; prints every spike with %.17g so the Python front end can be
 * compared with the C API exactly.
 *
 *   c_gl_discrete SEED N K W T_MS THREADS
 * N gl_discrete neurons (defaults: Gamma 1, mu 0), fixed in-degree K without autapses, weight W/K,
 * delay 1 ms at h = 1 ms; at step 1 a random 30 % fire (a spike generator at 1 ms, pairwise_bernoulli
 * p = 0.3, 1000 mV). Output lines: "S <time> <sender>", "C <n_connections>". */
#include <stdio.h>
#include <stdlib.h>

#include "spikegpu.h"

#define CHECK(call)                                                             \
  do {                                                                          \
    sg_status st_ = (call);                                                     \
    if (st_ != SG_OK) {                                                         \
      fprintf(stderr, "%s: %s\n", sg_status_str(st_), sg_errmsg(sim));          \
      sg_sim_free(sim);                                                         \
      return 1;                                                                 \
    }                                                                           \
  } while (0)

int main(int argc, char **argv) {
  if (argc != 7) { fprintf(stderr, "usage: c_gl_discrete SEED N K W T_MS THREADS\n"); return 2; }
  const unsigned long long seed = strtoull(argv[1], NULL, 10), n = strtoull(argv[2], NULL, 10), K = strtoull(argv[3], NULL, 10);
  const double W = atof(argv[4]), T = atof(argv[5]);
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = 1.0;
  cfg.seed = seed;
  cfg.backend = SG_BACKEND_CPU;
  cfg.threads = atoi(argv[6]);
  cfg.verbose = 0;
  sg_sim *sim = NULL;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "%s\n", err); return 2; }
  sg_nodes nrn, g, sr;
  sg_conn_spec cs;
  sg_syn_spec ss;
  CHECK(sg_create(sim, "gl_discrete", n, &nrn));
  CHECK(sg_create(sim, "spike_generator", 1, &g));
  const double t1 = 1.0;
  CHECK(sg_set_vec(sim, g, "spike_times", &t1, 1));
  CHECK(sg_create(sim, "spike_recorder", 1, &sr));
  sg_conn_spec_default(&cs);
  cs.rule = "fixed_indegree";
  cs.indegree = K;
  cs.allow_autapses = 0;
  sg_syn_spec_default(&ss);
  ss.weight = sg_scalar(W / (double)K);
  ss.delay = sg_scalar(1.0);
  CHECK(sg_connect(sim, nrn, nrn, &cs, &ss));
  sg_conn_spec_default(&cs);
  cs.rule = "pairwise_bernoulli";
  cs.p = 0.3;
  sg_syn_spec_default(&ss);
  ss.weight = sg_scalar(1000.0);
  CHECK(sg_connect(sim, g, nrn, &cs, &ss));
  CHECK(sg_connect(sim, nrn, sr, NULL, NULL));
  CHECK(sg_simulate(sim, T));
  uint64_t nc = 0;
  const sg_nodes any = {0, 0, NULL};
  CHECK(sg_num_connections(sim, any, any, &nc));
  printf("C %llu\n", (unsigned long long)nc);
  size_t ns = 0;
  CHECK(sg_spikes(sim, sr.first, NULL, NULL, 0, &ns));
  double *t = malloc((ns ? ns : 1) * sizeof *t);
  uint64_t *s = malloc((ns ? ns : 1) * sizeof *s);
  if (!t || !s) { sg_sim_free(sim); return 2; }
  CHECK(sg_spikes(sim, sr.first, t, s, ns, &ns));
  for (size_t i = 0; i < ns; ++i) printf("S %.17g %llu\n", t[i], (unsigned long long)s[i]);
  free(t);
  free(s);
  sg_sim_free(sim);
  return 0;
}
