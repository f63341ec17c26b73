/* examples/gl_large - a large E/I network of Galves-Loecherbach neurons whose 1000 synapses per
 * neuron are procedural (docs/procedural.md): no synapse is stored, every spike's row is drawn
 * again. 10^6 neurons x 1000 synapses (10^9) run on the CPU in about 0.4 GB; 10^7 x 1000 (10^10,
 * 80 GB as stored synapses) on one GPU with --backend cuda.
 *
 *   build/examples/gl_large [--neurons N] [--indegree K] [--time T_ms] [--backend cpu|cuda|auto]
 *                           [--record R] [--seed S] [--threads n] [--out DIR] [--no-plot]
 *
 * The network is bench network b (gl_exp, 80% E / 20% I, w_E = 0.1 x 1000 / K mV,
 * w_I = -0.45 x 1000 / K mV, delay 1.5 ms, Poisson drive 3.9 kHz x 0.5 mV), with pairwise_bernoulli
 * p = K_E / N_E from E and K_I / N_I from I instead of fixed in-degrees. Defaults: 10^6 neurons,
 * 50 ms on the cpu; with --backend cuda 10^7 neurons, 1000 ms. Prints the memory (state, ring and
 * connectivity apart), the build time, the real-time factor and the mean rate; writes DIR/rate.csv
 * (the population rate of the first R neurons, 1 ms bins) and DIR/gl_large.png (its figure). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spikegpu.h"

static const char *sg_python(void) {
  const char *p = getenv("SG_PYTHON");
  return p && *p ? p : "python3";
}

#define CHECK(call)                                                                    \
  do {                                                                                 \
    sg_status st_ = (call);                                                            \
    if (st_ != SG_OK) {                                                                \
      fprintf(stderr, "error: %s\n  %s\n", sg_status_str(st_), sim ? sg_errmsg(sim) : ""); \
      sg_sim_free(sim);                                                                \
      return 1;                                                                        \
    }                                                                                  \
  } while (0)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void usage(void) {
  printf("gl_large: gl_exp E/I network with procedural pairwise_bernoulli synapses (none stored)\n\n"
         "  --neurons N      neurons, 80%% excitatory (default 10^6; 10^7 with --backend cuda)\n"
         "  --indegree K     mean synapses per neuron, 80%% from E (default 1000)\n"
         "  --time T         simulated time in ms (default 50; 1000 with --backend cuda)\n"
         "  --backend B      cpu (default), cuda or auto\n"
         "  --record R       neurons whose spikes make the rate figure (default 10000)\n"
         "  --seed S         random seed (default 12345)\n"
         "  --threads n      cpu threads (default: all)\n"
         "  --out DIR        output folder (default build/gl_large)\n"
         "  --no-plot        do not run the plotting script\n");
}

int main(int argc, char **argv) {
  sg_sim *sim = NULL;
  unsigned long long n = 0, K = 1000, seed = 12345, R = 10000;
  double T = 0.0;
  int threads = 0, plot = 1;
  const char *out = "build/gl_large", *backend = "cpu";
  for (int a = 1; a < argc; ++a) {
    const char *v = a + 1 < argc ? argv[a + 1] : NULL;
    if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(); return 0; }
    else if (!strcmp(argv[a], "--no-plot")) plot = 0;
    else if (v && !strcmp(argv[a], "--neurons")) { n = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--indegree")) { K = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--time")) { T = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--record")) { R = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--seed")) { seed = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--threads")) { threads = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--out")) { out = v; ++a; }
    else if (v && !strcmp(argv[a], "--backend")) { backend = v; ++a; }
    else { fprintf(stderr, "unknown or incomplete option '%s' (see --help)\n", argv[a]); return 2; }
  }
  const int cuda = !strcmp(backend, "cuda");
  if (!n) n = cuda ? 10000000ull : 1000000ull;
  if (T <= 0.0) T = cuda ? 1000.0 : 50.0;
  if (n < 10 || K < 5 || K * 5 > n * 4) { fprintf(stderr, "need --neurons >= 10 and 5 <= --indegree <= 0.8 x neurons\n"); return 2; }
  if (R > n) R = n;

  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = 0.1;
  cfg.seed = seed;
  cfg.threads = threads;
  cfg.verbose = 0;
  cfg.backend = cuda ? SG_BACKEND_CUDA : !strcmp(backend, "cpu") ? SG_BACKEND_CPU : SG_BACKEND_AUTO;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "error: %s\n", err); return 2; }

  const unsigned long long nE = n * 4 / 5, nI = n - nE, KE = K * 4 / 5, KI = K - KE;
  const double scale = 1000.0 / (double)K;
  sg_nodes E, I, drive, sr;
  const double t0 = now_s();
  CHECK(sg_create_named(sim, "gl_exp", nE, "excitatory", &E));
  CHECK(sg_create_named(sim, "gl_exp", nI, "inhibitory", &I));
  const sg_nodes pops[2] = {E, I};
  for (int p = 0; p < 2; ++p) {   /* bench network b: a = 1.2 mV, b = 27, V_b = -51.3 mV */
    CHECK(sg_set(sim, pops[p], "a", 1.2));
    CHECK(sg_set(sim, pops[p], "b", 27.0));
    CHECK(sg_set(sim, pops[p], "V_b", -51.3));
  }
  CHECK(sg_create_named(sim, "poisson_generator", 1, "drive", &drive));
  CHECK(sg_set(sim, drive, "rate", 3900.0));
  CHECK(sg_create_named(sim, "spike_recorder", 1, "spikes", &sr));

  sg_conn_spec cs;
  sg_syn_spec ss;
  sg_conn_spec_default(&cs);
  cs.rule = "pairwise_bernoulli";
  cs.procedural = 1;
  sg_syn_spec_default(&ss);
  ss.delay = sg_scalar(1.5);
  cs.p = (double)KE / (double)nE;
  ss.weight = sg_scalar(0.1 * scale);
  CHECK(sg_connect(sim, E, E, &cs, &ss));
  CHECK(sg_connect(sim, E, I, &cs, &ss));
  cs.p = (double)KI / (double)nI;
  ss.weight = sg_scalar(-0.45 * scale);
  CHECK(sg_connect(sim, I, E, &cs, &ss));
  CHECK(sg_connect(sim, I, I, &cs, &ss));
  ss.weight = sg_scalar(0.5);
  ss.delay = sg_scalar(0.1);
  CHECK(sg_connect(sim, drive, E, NULL, &ss));
  CHECK(sg_connect(sim, drive, I, NULL, &ss));
  CHECK(sg_connect(sim, sg_slice(E, 0, R < nE ? R : nE), sr, NULL, NULL));
  CHECK(sg_simulate(sim, 0.0));    /* prepares the network on the backend */
  const double t_build = now_s() - t0;

  sg_memory mem;
  CHECK(sg_memory_report(sim, &mem));
  const double MiB = 1048576.0;
  printf("spikegpu %s, backend %s (%s)\n", sg_version(), sg_backend_used(sim), sg_backend_reason(sim));
  printf("network: %llu gl_exp neurons (%llu E, %llu I), about %.3g procedural synapses (K = %llu), none stored\n",
         n, nE, nI, (double)n * (double)K, K);
  printf("memory: state %.1f MiB, ring buffer %.1f MiB, connectivity %.3f MiB (the drive's %llu stored synapses and the row\n"
         "  tables; no recurrent synapse: stored they would take %.1f GiB at 8 bytes each), total %.1f MiB; built in %.2f s\n",
         (double)mem.state_bytes / MiB, (double)mem.ring_bytes / MiB, (double)mem.csr_bytes / MiB, n,
         8.0 * (double)n * (double)K / 1073741824.0, (double)mem.total_bytes / MiB, t_build);
  fflush(stdout);

  CHECK(sg_simulate(sim, T));
  sg_run_stats rs;
  CHECK(sg_run_stats_get(sim, &rs));
  printf("simulated %.0f ms in %.2f s wall: real-time factor %.3f\n", T, rs.wall_s, rs.wall_s / (T * 1e-3));
  printf("neuron updates/s %.3g, synaptic events/s %.3g, spikes %llu, mean rate %.2f Hz\n",
         (double)rs.neuron_updates / rs.wall_s, (double)rs.syn_events / rs.wall_s, (unsigned long long)rs.spikes,
         (double)rs.spikes / (double)n / (T * 1e-3));

  /* the rate figure: the recorded neurons' population rate in 1 ms bins */
  size_t ns = 0;
  CHECK(sg_spikes(sim, sr.first, NULL, NULL, 0, &ns));
  double *t = malloc((ns + 1) * sizeof *t);
  uint64_t *who = malloc((ns + 1) * sizeof *who);
  const size_t nb = (size_t)(T + 0.5);
  double *bins = calloc(nb + 1, sizeof *bins);
  if (!t || !who || !bins) { fprintf(stderr, "error: out of memory\n"); free(t); free(who); free(bins); sg_sim_free(sim); return 1; }
  const sg_status got = sg_spikes(sim, sr.first, t, who, ns, &ns);
  free(who);
  CHECK(got);
  sg_sim_free(sim);
  sim = NULL;
  for (size_t i = 0; i < ns; ++i) {
    size_t b = (size_t)t[i];
    if (b >= nb) b = nb - 1;
    bins[b] += 1.0;
  }
  char path[4096];
  snprintf(path, sizeof path, "mkdir -p '%s'", out);
  if (system(path) != 0) { fprintf(stderr, "error: cannot make %s\n", out); free(t); free(bins); return 1; }
  snprintf(path, sizeof path, "%s/rate.csv", out);
  FILE *f = fopen(path, "w");
  if (!f) { fprintf(stderr, "error: cannot write %s\n", path); free(t); free(bins); return 1; }
  fprintf(f, "t_ms,rate_hz\n");
  const double nrec = (double)(R < nE ? R : nE);
  for (size_t b = 0; b < nb; ++b) fprintf(f, "%zu,%.6g\n", b, bins[b] / nrec / 1e-3);
  fclose(f);
  printf("recorded %zu spikes of %.0f neurons: rate %.2f Hz; output: %s\n", ns, nrec, (double)ns / nrec / (T * 1e-3), path);
  free(t);
  free(bins);
  if (plot) {
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s examples/gl_large/plot.py %s/rate.csv %s/gl_large.png", sg_python(), out, out);
    if (system(cmd) == 0) printf("figure: %s/gl_large.png\n", out);
    else fprintf(stderr, "plotting failed (needs python3-matplotlib): %s\n", cmd);
  }
  return 0;
}
