/* python/tests/c_reference.c - the C twin of the network in test_c_equivalence.py.
 * Compiled and run by that test; prints every spike and V_m sample with %.17g so the Python
 * front end can be compared bit for bit with the C API.
 *
 *   c_reference SEED N_NEURONS T_MS THREADS
 * Output lines: "S <time> <sender>", "M <time> <sender> <V_m>", "C <n_connections>". */
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
  if (argc != 5) { fprintf(stderr, "usage: c_reference SEED N T_MS THREADS\n"); return 2; }
  const unsigned long long seed = strtoull(argv[1], NULL, 10), n = strtoull(argv[2], NULL, 10);
  const double T = atof(argv[3]);
  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = 0.1;
  cfg.seed = seed;
  cfg.backend = SG_BACKEND_CPU;
  cfg.threads = atoi(argv[4]);
  cfg.verbose = 0;
  sg_sim *sim = NULL;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "%s\n", err); return 2; }

  sg_nodes nrn, pg, sg_, sr, mm;
  CHECK(sg_create(sim, "gl_exp", n, &nrn));
  CHECK(sg_set(sim, nrn, "t_ref", 2.0));
  CHECK(sg_set(sim, nrn, "V_m", -58.0));
  double *ie = malloc(n * sizeof *ie);
  for (unsigned long long i = 0; i < n; ++i) ie[i] = 100.0 + 10.0 * (double)i;
  CHECK(sg_set_each(sim, nrn, "I_e", ie));
  free(ie);
  CHECK(sg_create(sim, "poisson_generator", 1, &pg));
  CHECK(sg_set(sim, pg, "rate", 3000.0));
  CHECK(sg_create(sim, "spike_generator", 1, &sg_));
  const double st[] = {5.0, 12.3, 40.0};
  CHECK(sg_set_vec(sim, sg_, "spike_times", st, 3));
  CHECK(sg_create(sim, "spike_recorder", 1, &sr));
  CHECK(sg_create(sim, "multimeter", 1, &mm));
  CHECK(sg_set(sim, mm, "interval", 0.5));
  const char *rec[] = {"V_m"};
  CHECK(sg_set_strs(sim, mm, "record_from", rec, 1));

  sg_conn_spec cs;
  sg_syn_spec ss;
  sg_conn_spec_default(&cs);
  sg_syn_spec_default(&ss);
  cs.rule = "fixed_indegree";
  cs.indegree = 5;
  cs.allow_autapses = 0;
  ss.weight = sg_random_normal_clipped(0.5, 0.3, -0.2, 1.5);
  ss.delay = sg_random_uniform(0.5, 2.5);
  CHECK(sg_connect(sim, nrn, nrn, &cs, &ss));
  sg_syn_spec_default(&ss);
  ss.weight = sg_scalar(0.6);
  ss.delay = sg_scalar(0.3);
  CHECK(sg_connect(sim, pg, nrn, NULL, &ss));
  sg_conn_spec_default(&cs);
  cs.rule = "pairwise_bernoulli";
  cs.p = 0.5;
  ss.weight = sg_random_exponential(2.0);
  ss.delay = sg_scalar(1.0);
  CHECK(sg_connect(sim, sg_, nrn, &cs, &ss));
  CHECK(sg_connect(sim, nrn, sr, NULL, NULL));
  CHECK(sg_connect(sim, mm, sg_slice(nrn, 0, 3), NULL, NULL));
  CHECK(sg_simulate(sim, T / 2));
  CHECK(sg_simulate(sim, T - T / 2));

  uint64_t nc = 0;
  sg_nodes any = {0, 0, NULL};
  CHECK(sg_num_connections(sim, any, any, &nc));
  printf("C %llu\n", (unsigned long long)nc);
  size_t ns = 0;
  CHECK(sg_spikes(sim, sr.first, NULL, NULL, 0, &ns));
  double *t = malloc((ns + 1) * sizeof *t);
  uint64_t *s = malloc((ns + 1) * sizeof *s);
  CHECK(sg_spikes(sim, sr.first, t, s, ns, &ns));
  for (size_t i = 0; i < ns; ++i) printf("S %.17g %llu\n", t[i], (unsigned long long)s[i]);
  free(t); free(s);
  size_t nm = 0;
  CHECK(sg_samples(sim, mm.first, "V_m", NULL, NULL, NULL, 0, &nm));
  t = malloc((nm + 1) * sizeof *t);
  s = malloc((nm + 1) * sizeof *s);
  double *v = malloc((nm + 1) * sizeof *v);
  CHECK(sg_samples(sim, mm.first, "V_m", t, s, v, nm, &nm));
  for (size_t i = 0; i < nm; ++i) printf("M %.17g %llu %.17g\n", t[i], (unsigned long long)s[i], v[i]);
  free(t); free(s); free(v);
  sg_sim_free(sim);
  return 0;
}
