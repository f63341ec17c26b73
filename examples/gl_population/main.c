/* examples/gl_population - the flagship run (`make run`): a recurrent excitatory-inhibitory
 * network of Galves-Loecherbach neurons with Poisson drive, on the best available backend.
 *
 *   build/examples/gl_population [--neurons N] [--indegree K] [--time T_ms] [--backend auto|cpu|cuda]
 *                                [--seed S] [--threads n] [--out DIR] [--no-plot]
 *
 * Prints the backend, network size and memory, a progress line, then simulated time, wall
 * time, the real-time factor (wall / simulated time) with the speed (x real time), neuron
 * updates/s, synaptic events/s and the mean rate; writes DIR/spikes.h5 (SONATA) and DIR/gl_population.png (raster of a subset + population rate). */
/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spikegpu.h"

/* The Python for the plot: $SG_PYTHON (make sets it to one with h5py and matplotlib), else python3. */
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
  printf("gl_population: a recurrent E/I network of gl_exp neurons with Poisson drive\n\n"
         "  --neurons N      number of neurons, 80%% excitatory (default 100000)\n"
         "  --indegree K     synapses per neuron, 80%% from E, 20%% from I (default 1000)\n"
         "  --time T         simulated time in ms (default 1000)\n"
         "  --backend B      auto (default), cpu or cuda\n"
         "  --seed S         random seed (default 12345)\n"
         "  --threads n      cpu threads (default: all)\n"
         "  --out DIR        output folder (default build/run)\n"
         "  --no-plot        do not run the plotting script\n");
}

int main(int argc, char **argv) {
  sg_sim *sim = NULL;
  unsigned long long n = 100000, K = 1000, seed = 12345;
  double T = 1000.0;
  int threads = 0, plot = 1;
  const char *out = "build/run", *backend = "auto";
  for (int a = 1; a < argc; ++a) {
    const char *v = a + 1 < argc ? argv[a + 1] : NULL;
    if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) { usage(); return 0; }
    else if (!strcmp(argv[a], "--no-plot")) plot = 0;
    else if (v && !strcmp(argv[a], "--neurons")) { n = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--indegree")) { K = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--time")) { T = atof(v); ++a; }
    else if (v && !strcmp(argv[a], "--seed")) { seed = strtoull(v, NULL, 10); ++a; }
    else if (v && !strcmp(argv[a], "--threads")) { threads = atoi(v); ++a; }
    else if (v && !strcmp(argv[a], "--out")) { out = v; ++a; }
    else if (v && !strcmp(argv[a], "--backend")) { backend = v; ++a; }
    else { fprintf(stderr, "unknown or incomplete option '%s' (see --help)\n", argv[a]); return 2; }
  }
  if (n < 10 || K < 5 || K > n) { fprintf(stderr, "need --neurons >= 10 and 5 <= --indegree <= neurons\n"); return 2; }

  sg_config cfg;
  sg_config_default(&cfg);
  cfg.resolution_ms = 0.1;
  cfg.seed = seed;
  cfg.threads = threads;
  cfg.output_dir = out;
  cfg.overwrite_files = 1;   /* an example replaces the files of its previous run */
  cfg.progress = 1;
  cfg.keep_in_memory = 0;          /* long runs: the HDF5 file is the record */
  cfg.backend = !strcmp(backend, "cpu") ? SG_BACKEND_CPU : !strcmp(backend, "cuda") ? SG_BACKEND_CUDA : SG_BACKEND_AUTO;
  char err[512];
  if (sg_sim_new(&cfg, &sim, err, sizeof err) != SG_OK) { fprintf(stderr, "error: %s\n", err); return 2; }

  const unsigned long long nE = n * 4 / 5, nI = n - nE, KE = K * 4 / 5, KI = K - KE;
  sg_nodes E, I, drive, sr;
  const double t0 = now_s();
  CHECK(sg_create_named(sim, "gl_exp", nE, "excitatory", &E));
  CHECK(sg_create_named(sim, "gl_exp", nI, "inhibitory", &I));
  /* benchmark parameters (bench/README): a = 1.2 mV, b = 27, V_b = -51.3 mV, tau_m = 10 ms */
  sg_nodes pops[2] = {E, I};
  for (int p = 0; p < 2; ++p) {
    CHECK(sg_set(sim, pops[p], "t_ref", 2.0));
    CHECK(sg_set(sim, pops[p], "V_m", -58.0));
  }
  CHECK(sg_create_named(sim, "poisson_generator", 1, "drive", &drive));
  CHECK(sg_set(sim, drive, "rate", 3900.0));
  CHECK(sg_create_named(sim, "spike_recorder", 1, "spikes", &sr));

  sg_conn_spec cs;
  sg_syn_spec ss;
  sg_conn_spec_default(&cs);
  cs.rule = "fixed_indegree";
  sg_syn_spec_default(&ss);
  ss.delay = sg_scalar(1.5);
  cs.indegree = KE;
  ss.weight = sg_scalar(0.1);    /* mV per excitatory spike */
  CHECK(sg_connect(sim, E, E, &cs, &ss));
  CHECK(sg_connect(sim, E, I, &cs, &ss));
  cs.indegree = KI;
  ss.weight = sg_scalar(-0.45);  /* inhibition dominates (g = 4.5) */
  CHECK(sg_connect(sim, I, E, &cs, &ss));
  CHECK(sg_connect(sim, I, I, &cs, &ss));
  ss.weight = sg_scalar(0.5);
  ss.delay = sg_scalar(0.1);
  CHECK(sg_connect(sim, drive, E, NULL, &ss));
  CHECK(sg_connect(sim, drive, I, NULL, &ss));
  CHECK(sg_connect(sim, E, sr, NULL, NULL));
  CHECK(sg_connect(sim, I, sr, NULL, NULL));
  CHECK(sg_simulate(sim, 0.0));    /* builds the CSR and moves the network to the backend */
  const double t_build = now_s() - t0;

  sg_memory mem;
  CHECK(sg_memory_report(sim, &mem));
  printf("spikegpu %s, backend %s (%s)\n", sg_version(), sg_backend_used(sim), sg_backend_reason(sim));
  printf("network: %llu gl_exp neurons (%llu E, %llu I), %llu synapses, Poisson drive 3.9 kHz x 0.5 mV\n",
         n, nE, nI, (unsigned long long)mem.n_synapses);
  printf("memory: %.1f MiB (%.2f bytes/synapse), built in %.2f s\n", (double)mem.total_bytes / 1048576.0,
         mem.bytes_per_synapse, t_build);

  CHECK(sg_simulate(sim, T));
  sg_run_stats rs;
  CHECK(sg_run_stats_get(sim, &rs));
  /* real-time factor = wall / simulated time (NEST's convention: < 1 is faster than real time) */
  printf("simulated %.0f ms in %.2f s wall: real-time factor %.3f (%.3g x real time, %s)\n", T, rs.wall_s,
         rs.wall_s / (T * 1e-3), T * 1e-3 / rs.wall_s, rs.wall_s <= T * 1e-3 ? "faster than real time" : "slower than real time");
  printf("neuron updates/s %.3g, synaptic events/s %.3g, spikes %llu, mean rate %.2f Hz\n",
         (double)rs.neuron_updates / rs.wall_s, (double)rs.syn_events / rs.wall_s,
         (unsigned long long)rs.spikes, (double)rs.spikes / (double)n / (T * 1e-3));
  sg_sim_free(sim);
  sim = NULL;
  printf("output: %s/spikes.h5\n", out);
  if (plot) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s examples/gl_population/plot.py %s/spikes.h5 %s/gl_population.png %.17g", sg_python(), out, out, T);
    if (system(cmd) == 0) printf("figure: %s/gl_population.png\n", out);
    else fprintf(stderr, "plotting failed (needs python3-h5py, python3-matplotlib): %s\n", cmd);
  }
  return 0;
}
